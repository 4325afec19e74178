/* Unit records: creation, status, and the capped list of findings. */
#include "scanner/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"

const char *pd_unit_status_name(enum pd_unit_status status)
{
    static const char *names[] = {"scanned", "partial", "skipped", "error"};
    return status < PD_UNIT_STATUS_COUNT ? names[status] : "unknown";
}

struct pd_unit *pd_unit_create(const char *path)
{
    struct pd_unit *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    if (!(u->path = strdup(path))) {
        free(u);
        return NULL;
    }
    return u;
}

void pd_unit_destroy(struct pd_unit *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n_findings; i++)
        pd_finding_clear(pd_unit_finding(u, i));
    for (size_t k = 0; k < sizeof u->chunks / sizeof u->chunks[0] && u->chunks[k]; k++)
        free(u->chunks[k]);
    for (size_t i = 0; i < u->n_columns; i++) {
        for (size_t k = 0; k < u->columns[i].n_stats; k++)
            pd_hashset_free(&u->columns[i].stats[k].distinct);
        free(u->columns[i].stats);
        free(u->columns[i].name);
    }
    free(u->columns);
    for (size_t i = 0; i < u->n_field_names; i++)
        free(u->field_names[i]);
    free(u->field_names);
    free(u->field_keys);
    free(u->path);
    free(u);
}

static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Length of a byte written in hex at s ("0xe1" or "\xE1"), else 0. */
static size_t hex_byte(const char *s)
{
    return ((s[0] == '0' && s[1] == 'x') || (s[0] == '\\' && s[1] == 'x')) && is_hex(s[2]) && is_hex(s[3]) ? 4 : 0;
}

/* Database drivers quote the bytes of a value they could not convert ("character with byte
 * sequence 0xe1 0xbb 0x87", "Incorrect string value: '\xE1\xBB'"): a reason never holds them. */
static void redact_bytes(char *s)
{
    char *out = s;
    for (const char *p = s; *p;) {
        size_t k = hex_byte(p);
        if (!k) {
            *out++ = *p++;
            continue;
        }
        while (k) { /* the whole run, spaces between bytes included */
            p += k;
            const char *q = p;
            while (*q == ' ')
                q++;
            k = hex_byte(q);
            if (k)
                p = q;
        }
        memcpy(out, "0x..", 4); /* no longer than one byte's hex: rewriting in place is safe */
        out += 4;
    }
    *out = '\0';
}

void pd_unit_set(struct pd_unit *u, enum pd_unit_status status, const char *fmt, ...)
{
    u->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->reason, sizeof u->reason, fmt, ap);
    va_end(ap);
    redact_bytes(u->reason);
}

enum pd_error pd_unit_add_finding(struct pd_unit *u, struct pd_finding *f)
{
    if (u->n_findings >= PD_UNIT_MAX_FINDINGS) {
        size_t n;
        u->findings_unlisted++;
        u->unlisted_by_detector[f->detector - pd_detectors(&n)]++;
        pd_finding_clear(f);
        return PD_OK;
    }
    size_t chunk = u->n_findings / PD_FINDING_CHUNK;
    if (!u->chunks[chunk] && !(u->chunks[chunk] = malloc(PD_FINDING_CHUNK * sizeof(struct pd_finding)))) {
        pd_finding_clear(f);
        return PD_ERR_NOMEM;
    }
    *pd_unit_finding(u, u->n_findings++) = *f;
    f->clear = NULL;
    return PD_OK;
}

size_t pd_unit_drop_findings(struct pd_unit *u, bool (*drop)(const void *arg, const struct pd_finding *f), const void *arg)
{
    size_t kept = 0, n = u->n_findings;
    for (size_t i = 0; i < n; i++) {
        struct pd_finding *f = pd_unit_finding(u, i);
        if (drop(arg, f)) {
            pd_finding_clear(f);
            continue;
        }
        if (kept != i)
            *pd_unit_finding(u, kept) = *f;
        kept++;
    }
    u->n_findings = kept;
    return n - kept;
}

size_t pd_unit_bytes(const struct pd_unit *u)
{
    size_t chunks = (u->n_findings + PD_FINDING_CHUNK - 1) / PD_FINDING_CHUNK;
    return sizeof *u + chunks * PD_FINDING_CHUNK * sizeof(struct pd_finding);
}

const char *pd_unit_field_name(struct pd_unit *u, const void *key, const char *path)
{
    for (size_t i = u->n_field_names; i-- > 0;)
        if (key ? u->field_keys[i] == key : strcmp(u->field_names[i], path) == 0)
            return u->field_names[i];
    if ((u->n_field_names & (u->n_field_names - 1)) == 0) { /* grows at powers of two */
        size_t cap = u->n_field_names ? 2 * u->n_field_names : 4;
        char **names = realloc(u->field_names, cap * sizeof *names);
        if (!names)
            return NULL;
        u->field_names = names;
        const void **keys = realloc(u->field_keys, cap * sizeof *keys);
        if (!keys)
            return NULL;
        u->field_keys = keys;
    }
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    u->field_names[u->n_field_names] = copy;
    u->field_keys[u->n_field_names++] = key;
    return copy;
}

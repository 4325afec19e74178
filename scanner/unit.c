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
        pd_finding_clear(&u->findings[i]);
    free(u->findings);
    for (size_t i = 0; i < u->n_columns; i++) {
        for (size_t k = 0; k < u->columns[i].n_stats; k++)
            pd_hashset_free(&u->columns[i].stats[k].distinct);
        free(u->columns[i].stats);
        free(u->columns[i].name);
    }
    free(u->columns);
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
    if (u->n_findings == u->cap_findings) {
        size_t ncap = u->cap_findings ? u->cap_findings * 2 : 16;
        struct pd_finding *nf = realloc(u->findings, ncap * sizeof *nf);
        if (!nf) {
            pd_finding_clear(f);
            return PD_ERR_NOMEM;
        }
        u->findings = nf;
        u->cap_findings = ncap;
    }
    u->findings[u->n_findings++] = *f;
    f->clear = NULL;
    return PD_OK;
}

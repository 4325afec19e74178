/* Two JSON reports compared: findings by fingerprint, violations by rule, scope and subject. What
 * is in the new report only is new, what is in the old only is fixed. Fingerprints hash the
 * value with the run's key: reports hashed with different keys share none, so an ephemeral key is
 * refused rather than reported as everything new and everything fixed. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const char *str(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                             : NULL;
}

static struct json_object *member(struct json_object *o, const char *key, json_type type)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type) ? v : NULL;
}

/* Loads a pdpscan JSON report; NULL with the reason in diag. */
static struct json_object *load(const char *path, struct pd_diag *diag)
{
    struct json_object *r = json_object_from_file(path);
    if (!r) {
        const char *why = json_util_get_last_err();
        pd_fail(diag, PD_ERR_IO, "%s: not a readable JSON report (%s)", path, why ? why : "unknown error");
        return NULL;
    }
    const char *version = str(r, "schema_version");
    struct json_object *tool = member(r, "tool", json_type_object), *scan = member(r, "scan", json_type_object);
    struct json_object *options = scan ? member(scan, "options", json_type_object) : NULL, *eph;
    if (!version || strncmp(version, "1.", 2) != 0 || !tool || !str(tool, "name") ||
        strcmp(str(tool, "name"), "pdpscan") != 0 || !member(r, "findings", json_type_array)) {
        pd_fail(diag, PD_ERR_FORMAT, "%s: not a pdpscan JSON report (schema 1.x)", path);
    } else if (options && json_object_object_get_ex(options, "ephemeral_key", &eph) && json_object_get_boolean(eph)) {
        pd_fail(diag, PD_ERR_USAGE, "%s was hashed with a key of its run only (--ephemeral-key): its fingerprints "
                                    "match no other report's", path);
    } else {
        return r;
    }
    json_object_put(r);
    return NULL;
}

/* The identity of a violation across runs: rule, scope and subject. */
static char *violation_key(struct json_object *v)
{
    const char *rule = str(v, "rule"), *scope = str(v, "scope"), *subject = str(v, "subject");
    size_t n = strlen(rule ? rule : "") + strlen(scope ? scope : "") + strlen(subject ? subject : "") + 3;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s\x1f%s\x1f%s", rule ? rule : "", scope ? scope : "", subject ? subject : "");
    return k;
}

struct side {
    struct json_object *findings, *violations; /* key -> record */
};

static bool index_report(struct json_object *r, struct side *s)
{
    s->findings = json_object_new_object();
    s->violations = json_object_new_object();
    struct json_object *f = member(r, "findings", json_type_array), *v = member(r, "violations", json_type_array);
    for (size_t i = 0; f && i < json_object_array_length(f); i++) {
        struct json_object *x = json_object_array_get_idx(f, i);
        const char *fp = str(x, "fingerprint");
        if (fp)
            json_object_object_add(s->findings, fp, json_object_get(x));
    }
    for (size_t i = 0; v && i < json_object_array_length(v); i++) {
        struct json_object *x = json_object_array_get_idx(v, i);
        char *k = violation_key(x);
        if (!k)
            return false;
        json_object_object_add(s->violations, k, json_object_get(x));
        free(k);
    }
    return true;
}

/* Records of `in` whose keys `other` lacks, in a new array; *common counts the others. */
static struct json_object *only_in(struct json_object *in, struct json_object *other, size_t *common)
{
    struct json_object *out = json_object_new_array();
    *common = 0;
    json_object_object_foreach(in, key, record)
    {
        if (json_object_object_get_ex(other, key, NULL))
            (*common)++;
        else
            json_object_array_add(out, json_object_get(record));
    }
    return out;
}

static void print_finding(FILE *out, char sign, struct json_object *f)
{
    struct json_object *loc = member(f, "location", json_type_object), *val = member(f, "value", json_type_object), *l;
    long long line = loc && json_object_object_get_ex(loc, "line", &l) ? json_object_get_int64(l) : 0;
    fprintf(out, "  %c %-20s %s:%lld  %s  %s\n", sign, str(f, "detector"), loc ? str(loc, "path") : "?", line,
            val ? str(val, "masked") : "", str(f, "fingerprint"));
}

static void print_violation(FILE *out, char sign, struct json_object *v)
{
    fprintf(out, "  %c %-8s %-28s %s\n", sign, str(v, "severity"), str(v, "rule"),
            str(v, "subject") ? str(v, "subject") : "(the whole scan)");
}

enum pd_error pd_report_diff(const char *old_path, const char *new_path, bool json, FILE *out, bool *anything_new,
                             struct pd_diag *diag)
{
    struct json_object *old = load(old_path, diag), *new = old ? load(new_path, diag) : NULL;
    if (!new) {
        json_object_put(old);
        return PD_ERR_FORMAT;
    }
    struct side a = {0}, b = {0};
    enum pd_error err = PD_OK;
    if (!index_report(old, &a) || !index_report(new, &b)) {
        err = pd_fail(diag, PD_ERR_NOMEM, "out of memory comparing %s and %s", old_path, new_path);
    } else {
        size_t same_f, same_v, ignored;
        struct json_object *new_f = only_in(b.findings, a.findings, &same_f);
        struct json_object *fixed_f = only_in(a.findings, b.findings, &ignored);
        struct json_object *new_v = only_in(b.violations, a.violations, &same_v);
        struct json_object *fixed_v = only_in(a.violations, b.violations, &ignored);
        *anything_new = json_object_array_length(new_f) || json_object_array_length(new_v);
        /* findings past a unit's 10,000 are counted, not listed: they cannot be compared */
        struct json_object *ca = member(old, "counters", json_type_object), *cb = member(new, "counters", json_type_object);
        struct json_object *ua = NULL, *ub = NULL;
        long long unlisted = (ca && json_object_object_get_ex(ca, "findings_unlisted", &ua) ? json_object_get_int64(ua) : 0) +
                             (cb && json_object_object_get_ex(cb, "findings_unlisted", &ub) ? json_object_get_int64(ub) : 0);
        if (json) {
            struct json_object *o = json_object_new_object(), *f = json_object_new_object(),
                               *v = json_object_new_object();
            json_object_object_add(o, "old", json_object_new_string(old_path));
            json_object_object_add(o, "new", json_object_new_string(new_path));
            json_object_object_add(f, "new", new_f);
            json_object_object_add(f, "fixed", fixed_f);
            json_object_object_add(f, "unchanged", json_object_new_int64((int64_t)same_f));
            json_object_object_add(f, "not_compared", json_object_new_int64(unlisted));
            json_object_object_add(v, "new", new_v);
            json_object_object_add(v, "fixed", fixed_v);
            json_object_object_add(v, "unchanged", json_object_new_int64((int64_t)same_v));
            json_object_object_add(o, "findings", f);
            json_object_object_add(o, "violations", v);
            fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_FLAGS));
            json_object_put(o);
        } else {
            fprintf(out, "Findings: %zu new, %zu fixed, %zu unchanged\n", json_object_array_length(new_f),
                    json_object_array_length(fixed_f), same_f);
            fprintf(out, "Violations: %zu new, %zu fixed, %zu unchanged\n", json_object_array_length(new_v),
                    json_object_array_length(fixed_v), same_v);
            if (unlisted)
                fprintf(out, "(%lld findings beyond a unit's first 10,000 are counted in the reports, not listed, "
                             "and not compared)\n", unlisted);
            for (size_t i = 0; i < json_object_array_length(new_v); i++)
                print_violation(out, '+', json_object_array_get_idx(new_v, i));
            for (size_t i = 0; i < json_object_array_length(fixed_v); i++)
                print_violation(out, '-', json_object_array_get_idx(fixed_v, i));
            for (size_t i = 0; i < json_object_array_length(new_f); i++)
                print_finding(out, '+', json_object_array_get_idx(new_f, i));
            for (size_t i = 0; i < json_object_array_length(fixed_f); i++)
                print_finding(out, '-', json_object_array_get_idx(fixed_f, i));
            json_object_put(new_f);
            json_object_put(fixed_f);
            json_object_put(new_v);
            json_object_put(fixed_v);
        }
        if (fflush(out) != 0 || ferror(out))
            err = pd_fail(diag, PD_ERR_IO, "cannot write the comparison");
    }
    json_object_put(a.findings);
    json_object_put(a.violations);
    json_object_put(b.findings);
    json_object_put(b.violations);
    json_object_put(old);
    json_object_put(new);
    return err;
}

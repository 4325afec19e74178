/* Two JSON reports compared: findings by fingerprint, violations by rule, scope and subject. What
 * is in the new report only is new, what is in the old only is fixed. Fingerprints hash the
 * value with the run's key: reports hashed with different keys share none, so an ephemeral key is
 * refused rather than reported as everything new and everything fixed. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/reports-int.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const char *str(struct json_object *o, const char *key) { return pd_report_string(o, key); }

static struct json_object *member(struct json_object *o, const char *key, json_type type)
{
    return pd_report_member(o, key, type);
}

static char *violation_key(struct json_object *v)
{
    return pd_report_violation_key(str(v, "rule"), str(v, "scope"), str(v, "subject"));
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
    struct json_object *old = pd_report_load(old_path, diag), *new = old ? pd_report_load(new_path, diag) : NULL;
    if (!new) {
        json_object_put(old);
        return PD_ERR_FORMAT;
    }
    struct side a = {0}, b = {0};
    enum pd_error err = PD_OK;
    const char *ka = pd_report_key_id(old), *kb = pd_report_key_id(new);
    if (ka && kb && strcmp(ka, kb) != 0) { /* every finding would look new and every old one fixed */
        err = pd_fail(diag, PD_ERR_USAGE, "%s and %s were hashed with different keys (key ids %.8s... and %.8s...): "
                      "their fingerprints cannot match; compare reports made with one key", old_path, new_path, ka, kb);
    } else if (!index_report(old, &a) || !index_report(new, &b)) {
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

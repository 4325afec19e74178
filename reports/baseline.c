/* Reading a JSON report back: the loader `pdpscan diff` uses, and the baseline a scan leaves out
 * of its report and its exit code (--baseline): the earlier run's finding fingerprints and
 * violation identities, in two hash tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/reports-int.h"

const char *pd_report_string(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                             : NULL;
}

struct json_object *pd_report_member(struct json_object *o, const char *key, json_type type)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type) ? v : NULL;
}

struct json_object *pd_report_load(const char *path, struct pd_diag *diag)
{
    struct json_object *r = json_object_from_file(path);
    if (!r) {
        const char *why = json_util_get_last_err();
        pd_fail(diag, PD_ERR_IO, "%s: not a readable JSON report (%s)", path, why ? why : "unknown error");
        return NULL;
    }
    const char *version = pd_report_string(r, "schema_version");
    struct json_object *tool = pd_report_member(r, "tool", json_type_object);
    struct json_object *scan = pd_report_member(r, "scan", json_type_object);
    struct json_object *options = scan ? pd_report_member(scan, "options", json_type_object) : NULL, *eph;
    const char *name = tool ? pd_report_string(tool, "name") : NULL;
    if (!version || strncmp(version, "1.", 2) != 0 || !name || strcmp(name, "pdpscan") != 0 ||
        !pd_report_member(r, "findings", json_type_array)) {
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

const char *pd_report_key_id(struct json_object *report)
{
    struct json_object *scan = pd_report_member(report, "scan", json_type_object);
    return scan ? pd_report_string(scan, "key_id") : NULL;
}

char *pd_report_violation_key(const char *rule, const char *scope, const char *subject)
{
    size_t n = strlen(rule ? rule : "") + strlen(scope ? scope : "") + strlen(subject ? subject : "") + 3;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s\x1f%s\x1f%s", rule ? rule : "", scope ? scope : "", subject ? subject : "");
    return k;
}

struct pd_baseline {
    struct json_object *findings, *violations; /* keys only: fingerprint, violation identity */
    char key_id[33]; /* its key's identity; "" when it has none */
};

enum pd_error pd_baseline_load(const char *path, struct pd_baseline **out, struct pd_diag *diag)
{
    *out = NULL;
    struct json_object *r = pd_report_load(path, diag);
    if (!r)
        return PD_ERR_FORMAT;
    struct pd_baseline *b = calloc(1, sizeof *b);
    enum pd_error err = PD_ERR_NOMEM;
    if (b && (b->findings = json_object_new_object()) && (b->violations = json_object_new_object())) {
        err = PD_OK;
        snprintf(b->key_id, sizeof b->key_id, "%s", pd_report_key_id(r) ? pd_report_key_id(r) : "");
        struct json_object *f = pd_report_member(r, "findings", json_type_array);
        struct json_object *v = pd_report_member(r, "violations", json_type_array);
        for (size_t i = 0; f && i < json_object_array_length(f); i++) {
            const char *fp = pd_report_string(json_object_array_get_idx(f, i), "fingerprint");
            if (fp)
                json_object_object_add(b->findings, fp, NULL);
        }
        for (size_t i = 0; v && i < json_object_array_length(v) && !err; i++) {
            struct json_object *x = json_object_array_get_idx(v, i);
            char *k = pd_report_violation_key(pd_report_string(x, "rule"), pd_report_string(x, "scope"),
                                              pd_report_string(x, "subject"));
            if (!k)
                err = PD_ERR_NOMEM;
            else
                json_object_object_add(b->violations, k, NULL);
            free(k);
        }
    }
    json_object_put(r);
    if (err) {
        pd_baseline_free(b);
        return pd_fail(diag, err, "out of memory reading baseline %s", path);
    }
    *out = b;
    return PD_OK;
}

const char *pd_baseline_key_id(const struct pd_baseline *b) { return b->key_id[0] ? b->key_id : NULL; }

void pd_baseline_free(struct pd_baseline *b)
{
    if (!b)
        return;
    json_object_put(b->findings);
    json_object_put(b->violations);
    free(b);
}

bool pd_baseline_has_finding(const struct pd_baseline *b, const char *fingerprint)
{
    return json_object_object_get_ex(b->findings, fingerprint, NULL);
}

bool pd_baseline_has_violation(const struct pd_baseline *b, const char *rule, const char *scope, const char *subject)
{
    char *k = pd_report_violation_key(rule, scope, subject);
    bool known = k && json_object_object_get_ex(b->violations, k, NULL);
    free(k);
    return known;
}

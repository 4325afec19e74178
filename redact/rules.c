/* Which operator a finding gets: rules by detector id or category, from the command line or a
 * redaction policy file, over the law's defaults. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact-int.h"

#define MAX_RULES 128

struct rule {
    char key[48]; /* a detector id or a category name */
    struct pd_redact_choice choice;
};

struct pd_redact_rules {
    struct rule v[MAX_RULES];
    size_t n;
};

enum pd_error pd_redact_rules_create(struct pd_redact_rules **out)
{
    return (*out = calloc(1, sizeof **out)) ? PD_OK : PD_ERR_NOMEM;
}

void pd_redact_rules_free(struct pd_redact_rules *r) { free(r); }

static bool known_key(const char *key)
{
    for (int c = 0; c < PD_CAT_COUNT; c++)
        if (strcmp(key, pd_category_name((enum pd_category)c)) == 0)
            return true;
    return pd_detector_find(key) != NULL;
}

/* "OPERATOR[:ARG]" into a choice; where: what to name in a message. */
static enum pd_error parse_operator(const char *spec, const char *where, struct pd_redact_choice *out,
                                    struct pd_diag *diag)
{
    char name[16];
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, spec, n);
    name[n] = '\0';
    const struct pd_redact_operator *op = pd_redact_operator_find(name);
    if (!op)
        return pd_fail(diag, PD_ERR_USAGE, "%s: unknown operator '%s' (mask, replace, hash, drop or keep)", where,
                       name);
    const char *arg = colon ? colon + 1 : "";
    if (strlen(arg) >= sizeof out->arg || !op->check(arg)) {
        if (op->argument)
            return pd_fail(diag, PD_ERR_USAGE, "%s: %s takes %s, not '%s'", where, op->name, op->argument, arg);
        return pd_fail(diag, PD_ERR_USAGE, "%s: %s takes no argument, not '%s'", where, op->name, arg);
    }
    out->op = op;
    snprintf(out->arg, sizeof out->arg, "%s", arg);
    return PD_OK;
}

static enum pd_error add_rule(struct pd_redact_rules *r, const char *key, const char *spec, const char *where,
                              struct pd_diag *diag)
{
    if (!known_key(key))
        return pd_fail(diag, PD_ERR_USAGE, "%s: '%s' is no detector id or category (see pdpscan detectors)", where,
                       key);
    if (strlen(key) >= sizeof r->v[0].key)
        return pd_fail(diag, PD_ERR_USAGE, "%s: '%s' is too long", where, key);
    size_t i = 0;
    while (i < r->n && strcmp(r->v[i].key, key) != 0)
        i++;
    if (i == MAX_RULES)
        return pd_fail(diag, PD_ERR_USAGE, "%s: more than %d rules", where, MAX_RULES);
    struct rule next;
    memset(&next, 0, sizeof next);
    snprintf(next.key, sizeof next.key, "%s", key);
    enum pd_error err = parse_operator(spec, where, &next.choice, diag);
    if (err)
        return err;
    r->v[i] = next;
    r->v[i].choice.origin = r->v[i].key;
    if (i == r->n)
        r->n++;
    return PD_OK;
}

enum pd_error pd_redact_rules_add(struct pd_redact_rules *r, const char *spec, struct pd_diag *diag)
{
    const char *eq = strchr(spec, '=');
    char key[64], where[128];
    snprintf(where, sizeof where, "--operator %s", spec);
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof key)
        return pd_fail(diag, PD_ERR_USAGE, "%s: write DETECTOR=OPERATOR or CATEGORY=OPERATOR (e.g. vn.cccd=hash)",
                       where);
    memcpy(key, spec, (size_t)(eq - spec));
    key[eq - spec] = '\0';
    return add_rule(r, key, eq + 1, where, diag);
}

static bool confidence_of(struct json_object *v, int *out)
{
    if (json_object_is_type(v, json_type_int)) {
        int c = json_object_get_int(v);
        if (c < 1 || c > 100)
            return false;
        *out = c;
        return true;
    }
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    *out = strcmp(s, "low") == 0 ? PD_CONF_LOW : strcmp(s, "medium") == 0 ? PD_CONF_MEDIUM
                                              : strcmp(s, "high") == 0 ? PD_CONF_HIGH : 0;
    return *out != 0;
}

enum pd_error pd_redact_rules_load(struct pd_redact_rules *r, const char *path, int *min_confidence,
                                   struct pd_diag *diag)
{
    struct json_object *doc = json_object_from_file(path);
    if (!doc)
        return pd_fail(diag, PD_ERR_USAGE, "redaction policy %s: %s", path,
                       errno ? strerror(errno) : json_util_get_last_err());
    enum pd_error err = PD_OK;
    struct json_object *version = NULL, *rules = NULL;
    if (!json_object_is_type(doc, json_type_object))
        err = pd_fail(diag, PD_ERR_USAGE, "redaction policy %s: not a JSON object", path);
    else if (!json_object_object_get_ex(doc, "redaction_policy", &version) ||
             !json_object_is_type(version, json_type_int) || json_object_get_int(version) != 1)
        err = pd_fail(diag, PD_ERR_USAGE, "redaction policy %s: \"redaction_policy\" must be 1 (this file's format)",
                      path);
    if (!err) {
        json_object_object_foreach(doc, key, value) {
            char where[512];
            snprintf(where, sizeof where, "redaction policy %s: \"%s\"", path, key);
            if (strcmp(key, "redaction_policy") == 0 || strcmp(key, "description") == 0) {
                if (strcmp(key, "description") == 0 && !json_object_is_type(value, json_type_string))
                    err = pd_fail(diag, PD_ERR_USAGE, "%s must be a string", where);
            } else if (strcmp(key, "min_confidence") == 0) {
                if (!confidence_of(value, min_confidence))
                    err = pd_fail(diag, PD_ERR_USAGE, "%s must be low, medium, high or 1-100", where);
            } else if (strcmp(key, "rules") == 0) {
                if (!json_object_is_type(value, json_type_object))
                    err = pd_fail(diag, PD_ERR_USAGE, "%s must be an object of DETECTOR-OR-CATEGORY: \"OPERATOR\"",
                                  where);
                rules = value;
            } else {
                err = pd_fail(diag, PD_ERR_USAGE, "%s: unknown member (redaction_policy, description, min_confidence, "
                              "rules)", where);
            }
            if (err)
                break;
        }
    }
    if (!err && rules) {
        json_object_object_foreach(rules, key, value) {
            char where[512];
            snprintf(where, sizeof where, "redaction policy %s: rules.%s", path, key);
            if (!json_object_is_type(value, json_type_string))
                err = pd_fail(diag, PD_ERR_USAGE, "%s must be a string such as \"mask\" or \"hash:digits\"", where);
            else
                err = add_rule(r, key, json_object_get_string(value), where, diag);
            if (err)
                break;
        }
    }
    json_object_put(doc);
    return err;
}

void pd_redact_rules_choose(const struct pd_redact_rules *r, const struct pd_detector *d, struct pd_redact_choice *out)
{
    const char *category = pd_category_name(d->category);
    const struct rule *by_category = NULL;
    for (size_t i = 0; r && i < r->n; i++) {
        if (strcmp(r->v[i].key, d->id) == 0) {
            *out = r->v[i].choice;
            return;
        }
        if (strcmp(r->v[i].key, category) == 0)
            by_category = &r->v[i];
    }
    if (by_category) {
        *out = by_category->choice;
        return;
    }
    /* the law's default: what is sensitive or secret leaves no trace; basic identifiers keep
     * their ends, so that a reader can still tell records apart */
    *out = (struct pd_redact_choice){.op = d->category == PD_CAT_BASIC ? &pd_redact_op_mask : &pd_redact_op_replace,
                                     .origin = "default"};
}

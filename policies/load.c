/* Loading and validating policy files. Every value is checked against the format before it is
 * used; the first problem stops the load with "FILE:LINE:COLUMN: $.json.path: what was expected". */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detectors/digest.h"
#include "detectors/detector.h"
#include "policies/policy-int.h"

#define MAX_POLICY_BYTES (4u << 20)
#define MAX_COND_DEPTH 24
#define MAX_NUMBER 1000000000LL
#define POLICY_FORMAT "pdpscan-policy/1"

static const char *const builtin_classes[] = {"public", "network_share", "internet_facing", "isolated_lan",
                                              "cloud_sync", NULL};

struct ctx {
    struct pd_policy_set *set;
    const char *file;
    const char *text;
    size_t len;
    struct pd_jpath path;
    struct pd_diag *diag;
    const char *policy;
    struct json_object *named; /* this file's "conditions" */
    const char *refs[MAX_COND_DEPTH];
    int n_refs;
    size_t first_rule; /* rules defined by this file start here */
};

/* ---- messages ---- */

static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void path_text(const struct pd_jpath *p, char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "$");
    for (int d = 0; d < p->depth && o < cap; d++)
        o += p->key[d] ? (size_t)snprintf(out + o, cap - o, ".%s", p->key[d])
                       : (size_t)snprintf(out + o, cap - o, "[%d]", p->index[d]);
}

static enum pd_error perr(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum pd_error perr(struct ctx *c, const char *fmt, ...)
{
    char msg[300], where[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    path_text(&c->path, where, sizeof where);
    int line, col;
    line_col(c->text, pd_json_locate(c->text, c->len, &c->path), &line, &col);
    return pd_fail(c->diag, PD_ERR_FORMAT, "%s:%d:%d: %s: %s", c->file, line, col, where, msg);
}

static void push_key(struct ctx *c, const char *key)
{
    if (c->path.depth < 48) {
        c->path.key[c->path.depth] = key;
        c->path.index[c->path.depth] = -1;
    }
    c->path.depth++;
}

static void push_index(struct ctx *c, int i)
{
    if (c->path.depth < 48) {
        c->path.key[c->path.depth] = NULL;
        c->path.index[c->path.depth] = i;
    }
    c->path.depth++;
}

static void pop(struct ctx *c) { c->path.depth--; }

/* ---- typed access ---- */

static const char *type_name(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a decimal number";
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "something else";
}

static enum pd_error check_keys(struct ctx *c, struct json_object *obj, const char *const *allowed, const char *what)
{
    json_object_object_foreach(obj, key, val) {
        (void)val;
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            push_key(c, key);
            char list[400] = "";
            size_t o = 0;
            for (int i = 0; allowed[i]; i++)
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", allowed[i]);
            c->path.at_key = true;
            enum pd_error e = perr(c, "unknown field \"%s\" in %s (expected one of: %s)", key, what, list);
            c->path.at_key = false;
            pop(c);
            return e;
        }
    }
    return PD_OK;
}

static enum pd_error want_type(struct ctx *c, struct json_object *v, enum json_type t, const char *expected)
{
    if (v && json_object_get_type(v) == t)
        return PD_OK;
    return perr(c, "expected %s, found %s", expected, v ? type_name(v) : "nothing");
}

static enum pd_error dup_string(struct ctx *c, struct json_object *v, char **out)
{
    enum pd_error e = want_type(c, v, json_type_string, "a string");
    if (e)
        return e;
    if (json_object_get_string_len(v) == 0)
        return perr(c, "expected a non-empty string");
    free(*out);
    *out = strdup(json_object_get_string(v));
    return *out ? PD_OK : PD_ERR_NOMEM;
}

/* A member that must (or may) be a string. */
static enum pd_error member_string(struct ctx *c, struct json_object *obj, const char *key, bool required, char **out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || json_object_get_type(v) == json_type_null) {
        if (required)
            return perr(c, "missing required field \"%s\"", key);
        return PD_OK;
    }
    push_key(c, key);
    enum pd_error e = dup_string(c, v, out);
    pop(c);
    return e;
}

static enum pd_error get_uint(struct ctx *c, struct json_object *v, long long lo, long long hi, uint64_t *out)
{
    if (v && json_object_get_type(v) == json_type_double)
        return perr(c, "expected a whole number, found %s", json_object_to_json_string(v));
    enum pd_error e = want_type(c, v, json_type_int, "a whole number");
    if (e)
        return e;
    errno = 0;
    int64_t n = json_object_get_int64(v);
    const char *lit = json_object_to_json_string(v);
    if (errno == ERANGE || n < lo || n > hi || (n == INT64_MAX && strcmp(lit, "9223372036854775807") != 0))
        return perr(c, "number %s out of range (expected %lld to %lld)", lit, lo, hi);
    *out = (uint64_t)n;
    return PD_OK;
}

static enum pd_error get_bool(struct ctx *c, struct json_object *v, bool *out)
{
    enum pd_error e = want_type(c, v, json_type_boolean, "true or false");
    if (!e)
        *out = json_object_get_boolean(v);
    return e;
}

static enum pd_error member_vi_en(struct ctx *c, struct json_object *obj, const char *key, bool required,
                                  struct pd_vi_en *out)
{
    static const char *const keys[] = {"vi", "en", NULL};
    struct json_object *v;
    if (!json_object_object_get_ex(obj, key, &v)) {
        if (required)
            return perr(c, "missing required field \"%s\" (an object with \"vi\" and \"en\" texts)", key);
        return PD_OK;
    }
    push_key(c, key);
    enum pd_error e = want_type(c, v, json_type_object, "an object with \"vi\" and \"en\" texts");
    if (!e)
        e = check_keys(c, v, keys, "a bilingual text");
    if (!e)
        e = member_string(c, v, "vi", true, &out->vi);
    if (!e)
        e = member_string(c, v, "en", true, &out->en);
    pop(c);
    return e;
}

/* YYYY-MM-DD as a number YYYYMMDD, or -1. */
static long parse_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
        return -1;
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return -1;
    return y * 10000L + m * 100L + d;
}

static enum pd_error member_date(struct ctx *c, struct json_object *obj, const char *key, bool required, char **out)
{
    enum pd_error e = member_string(c, obj, key, required, out);
    if (e || !*out)
        return e;
    if (parse_date(*out) < 0) {
        push_key(c, key);
        e = perr(c, "\"%s\" is not a date (expected YYYY-MM-DD)", *out);
        pop(c);
    }
    return e;
}

/* fnmatch accepts anything; a pattern with an unclosed bracket is a typo that would match nothing. */
static bool glob_ok(const char *g)
{
    if (!*g)
        return false;
    for (const char *p = g; *p; p++) {
        if (*p == '\\') {
            if (!*++p)
                return false;
        } else if (*p == '[') {
            const char *q = p + 1;
            if (*q == '!' || *q == '^')
                q++;
            if (*q == ']')
                q++;
            while (*q && *q != ']')
                q++;
            if (!*q)
                return false;
            p = q;
        }
    }
    return true;
}

/* A string or an array of strings, each passing check (may be NULL). */
static enum pd_error string_list(struct ctx *c, struct json_object *v, char ***out, size_t *n,
                                 bool (*check)(struct ctx *, const char *, char *, size_t), const char *what)
{
    bool single = json_object_get_type(v) == json_type_string;
    if (!single && json_object_get_type(v) != json_type_array)
        return perr(c, "expected %s or an array of them, found %s", what, type_name(v));
    size_t count = single ? 1 : json_object_array_length(v);
    if (count == 0)
        return perr(c, "expected at least one %s", what);
    *out = calloc(count, sizeof **out);
    if (!*out)
        return PD_ERR_NOMEM;
    for (size_t i = 0; i < count; i++) {
        struct json_object *item = single ? v : json_object_array_get_idx(v, i);
        if (!single)
            push_index(c, (int)i);
        enum pd_error e = dup_string(c, item, &(*out)[i]);
        char why[200];
        if (!e && check && !check(c, (*out)[i], why, sizeof why))
            e = perr(c, "%s", why);
        if (!single)
            pop(c);
        *n = i + 1;
        if (e)
            return e;
    }
    return PD_OK;
}

static bool check_glob(struct ctx *c, const char *s, char *why, size_t cap)
{
    if (glob_ok(s))
        return true;
    snprintf(why, cap, "bad glob \"%s\" (unclosed bracket, trailing backslash or empty)", s);
    return false;
}

static bool check_class(struct ctx *c, const char *s, char *why, size_t cap)
{
    for (int i = 0; builtin_classes[i]; i++)
        if (strcmp(s, builtin_classes[i]) == 0)
            return true;
    for (size_t i = 0; i < c->set->n_classes; i++)
        if (strcmp(s, c->set->classes[i].name) == 0)
            return true;
    snprintf(why, cap, "unknown location class \"%s\" (declare it in \"location_classes\")", s);
    return false;
}

static bool check_detector(struct ctx *c, const char *s, char *why, size_t cap)
{
    if (pd_detector_find(s))
        return true;
    snprintf(why, cap, "unknown detector \"%s\" (see 'pdpscan detectors')", s);
    return false;
}

static bool check_category(struct ctx *c, const char *s, char *why, size_t cap)
{
    for (int i = 0; i < PD_CAT_COUNT; i++)
        if (strcmp(s, pd_category_name(i)) == 0)
            return true;
    snprintf(why, cap, "unknown category \"%s\" (expected basic, sensitive or state_secret)", s);
    return false;
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

/* ---- conditions ---- */

static enum pd_error parse_cond(struct ctx *c, struct json_object *v, int depth, struct pd_cond **out);

static struct pd_cond *new_cond(struct ctx *c, enum pd_cond_kind kind)
{
    struct pd_policy_set *s = c->set;
    struct pd_cond **all = realloc(s->all_conds, (s->n_conds + 1) * sizeof *all);
    if (!all)
        return NULL;
    s->all_conds = all;
    struct pd_cond *cond = calloc(1, sizeof *cond);
    if (!cond)
        return NULL;
    cond->kind = kind;
    all[s->n_conds++] = cond;
    return cond;
}

static enum pd_error parse_findings(struct ctx *c, struct json_object *v, struct pd_cond *cond)
{
    static const char *const keys[] = {"detector", "category", "min_confidence", "min_count", "min_distinct",
                                       "subject_age_below", NULL};
    enum pd_error e = want_type(c, v, json_type_object, "an object describing which findings count");
    if (!e)
        e = check_keys(c, v, keys, "a findings condition");
    struct pd_filter *f = &cond->filter;
    f->min_count = 1;
    f->leaf = c->set->n_leaves++;
    json_object_object_foreach(v, key, val) {
        if (e)
            break;
        push_key(c, key);
        char **names = NULL;
        size_t n = 0;
        uint64_t num = 0;
        if (strcmp(key, "detector") == 0) {
            e = string_list(c, val, &names, &n, check_detector, "a detector id");
            for (size_t i = 0; !e && i < n; i++) {
                size_t count;
                f->detectors |= 1ULL << (size_t)(pd_detector_find(names[i]) - pd_detectors(&count));
            }
        } else if (strcmp(key, "category") == 0) {
            e = string_list(c, val, &names, &n, check_category, "a category");
            for (size_t i = 0; !e && i < n; i++)
                for (int k = 0; k < PD_CAT_COUNT; k++)
                    if (strcmp(names[i], pd_category_name(k)) == 0)
                        f->categories |= 1u << k;
        } else if (strcmp(key, "min_confidence") == 0) {
            e = get_uint(c, val, 0, 100, &num);
            f->min_confidence = (int)num;
        } else if (strcmp(key, "min_count") == 0) {
            e = get_uint(c, val, 1, MAX_NUMBER, &f->min_count);
        } else if (strcmp(key, "min_distinct") == 0) {
            e = get_uint(c, val, 1, 100000, &f->min_distinct);
        } else if (strcmp(key, "subject_age_below") == 0) {
            e = get_uint(c, val, 1, 150, &num);
            f->subject_age_below = (int)num;
        }
        free_strings(names, n);
        pop(c);
    }
    return e;
}

/* {"ref": "name"}: the named condition of this file's "conditions", parsed where it stands. */
static enum pd_error parse_ref(struct ctx *c, struct json_object *val, int depth, struct pd_cond **cond)
{
    enum pd_error e = PD_OK;
    const char *name = json_object_get_type(val) == json_type_string ? json_object_get_string(val) : NULL;
    struct json_object *target;
    if (!name) {
        e = perr(c, "expected the name of a condition in \"conditions\"");
    } else if (!c->named || !json_object_object_get_ex(c->named, name, &target)) {
        e = perr(c, "no condition named \"%s\" in this file's \"conditions\"", name);
    } else {
        for (int i = 0; i < c->n_refs && !e; i++)
            if (strcmp(c->refs[i], name) == 0)
                e = perr(c, "condition \"%s\" refers to itself (circular reference)", name);
        if (!e && c->n_refs >= MAX_COND_DEPTH)
            e = perr(c, "references nested deeper than %d levels", MAX_COND_DEPTH);
        if (!e) {
            /* parse the named condition where it stands, so its messages point there */
            struct pd_jpath saved = c->path;
            c->path.depth = 0;
            push_key(c, "conditions");
            push_key(c, name);
            c->refs[c->n_refs++] = name;
            e = parse_cond(c, target, depth + 1, cond);
            c->n_refs--;
            c->path = saved;
        }
    }
    return e;
}

/* The value of a condition of a known kind: its kids, its findings filter, globs, a flag or a number. */
static enum pd_error parse_cond_value(struct ctx *c, struct json_object *val, int depth, struct pd_cond *cond)
{
    enum pd_error e = PD_OK;
    switch (cond->kind) {
    case PD_C_ALL:
    case PD_C_ANY:
        if ((e = want_type(c, val, json_type_array, "an array of conditions")) != PD_OK)
            break;
        cond->n_kids = json_object_array_length(val);
        if (cond->n_kids == 0) {
            e = perr(c, "expected at least one condition");
            break;
        }
        if (!(cond->kids = calloc(cond->n_kids, sizeof *cond->kids))) {
            e = PD_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; i < cond->n_kids && !e; i++) {
            push_index(c, (int)i);
            e = parse_cond(c, json_object_array_get_idx(val, i), depth + 1, &cond->kids[i]);
            pop(c);
        }
        break;
    case PD_C_NOT:
        cond->n_kids = 1;
        if (!(cond->kids = calloc(1, sizeof *cond->kids)))
            e = PD_ERR_NOMEM;
        else
            e = parse_cond(c, val, depth + 1, &cond->kids[0]);
        break;
    case PD_C_FINDINGS:
        e = parse_findings(c, val, cond);
        break;
    case PD_C_PATH:
    case PD_C_MIME:
        e = string_list(c, val, &cond->strs, &cond->n_strs, check_glob, "a glob");
        break;
    case PD_C_LOCATION:
        e = string_list(c, val, &cond->strs, &cond->n_strs, check_class, "a location class");
        break;
    case PD_C_IN_ARCHIVE:
    case PD_C_WORLD_READABLE:
    case PD_C_GROUP_READABLE:
        e = get_bool(c, val, &cond->flag);
        break;
    case PD_C_MIN_SIZE:
    case PD_C_OWNER_UID:
        e = get_uint(c, val, 0, cond->kind == PD_C_OWNER_UID ? UINT32_MAX : (1LL << 50), &cond->number);
        break;
    case PD_C_OLDER_THAN_DAYS:
        if (json_object_get_type(val) == json_type_string) {
            const char *name = json_object_get_string(val);
            bool known = false;
            for (size_t i = 0; i < c->set->n_settings && !known; i++)
                if (strcmp(c->set->settings[i].name, name) == 0) {
                    known = true;
                    cond->setting = c->set->settings[i].name;
                }
            if (!known)
                e = perr(c, "no setting named \"%s\" (declare it in \"settings\")", name);
        } else {
            e = get_uint(c, val, 0, 365000, &cond->number);
        }
        break;
    }
    return e;
}

static enum pd_error parse_cond(struct ctx *c, struct json_object *v, int depth, struct pd_cond **out)
{
    static const char *const kinds[] = {
#define PD_COND_KEY(key, kind) key,
        PD_COND_KINDS(PD_COND_KEY)
#undef PD_COND_KEY
        "ref", NULL};
    static const enum pd_cond_kind kind_of[] = {
#define PD_COND_VALUE(key, kind) kind,
        PD_COND_KINDS(PD_COND_VALUE)
#undef PD_COND_VALUE
    };
    if (depth > MAX_COND_DEPTH)
        return perr(c, "conditions nested deeper than %d levels", MAX_COND_DEPTH);
    enum pd_error e = want_type(c, v, json_type_object, "a condition object");
    if (e)
        return e;
    if (json_object_object_length(v) != 1) {
        char list[512];
        size_t o = 0;
        for (size_t i = 0; kinds[i] && o < sizeof list; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", kinds[i]);
        return perr(c, "a condition has exactly one key (one of %s); found %d", list, json_object_object_length(v));
    }
    if ((e = check_keys(c, v, kinds, "a condition")) != PD_OK)
        return e;
    struct json_object_iterator it = json_object_iter_begin(v);
    const char *key = json_object_iter_peek_name(&it);
    struct json_object *val = json_object_iter_peek_value(&it);
    push_key(c, key);
    struct pd_cond *cond = NULL;
    if (strcmp(key, "ref") == 0) {
        e = parse_ref(c, val, depth, &cond);
        pop(c);
        *out = cond;
        return e;
    }
    size_t k = 0;
    while (strcmp(kinds[k], key) != 0)
        k++;
    if (!(cond = new_cond(c, kind_of[k]))) {
        pop(c);
        return PD_ERR_NOMEM;
    }
    e = parse_cond_value(c, val, depth, cond);
    pop(c);
    *out = cond;
    return e;
}

/* ---- rules, laws, exceptions ---- */

static enum pd_error parse_exceptions(struct ctx *c, struct json_object *v, const char *rule,
                                      struct pd_exception **list, size_t *n)
{
    static const char *const keys[] = {"path", "detector", "fingerprint", "reason", "expires", NULL};
    enum pd_error e = want_type(c, v, json_type_array, "an array of exceptions");
    for (size_t i = 0; !e && i < json_object_array_length(v); i++) {
        struct json_object *x = json_object_array_get_idx(v, i);
        push_index(c, (int)i);
        struct pd_exception *nl = realloc(*list, (*n + 1) * sizeof *nl);
        if (!nl) {
            pop(c);
            return PD_ERR_NOMEM;
        }
        *list = nl;
        struct pd_exception *ex = &nl[(*n)++];
        memset(ex, 0, sizeof *ex);
        ex->rule = rule;
        ex->policy = c->policy;
        e = want_type(c, x, json_type_object, "an exception object");
        if (!e)
            e = check_keys(c, x, keys, "an exception");
        if (!e)
            e = member_string(c, x, "path", false, &ex->path);
        if (!e)
            e = member_string(c, x, "detector", false, &ex->detector);
        if (!e)
            e = member_string(c, x, "fingerprint", false, &ex->fingerprint);
        if (!e)
            e = member_string(c, x, "reason", true, &ex->reason);
        if (!e)
            e = member_date(c, x, "expires", true, &ex->expires);
        if (!e && !ex->path && !ex->detector && !ex->fingerprint)
            e = perr(c, "an exception names a path glob, a detector or a fingerprint");
        if (!e && ex->path && !glob_ok(ex->path)) {
            push_key(c, "path");
            e = perr(c, "bad glob \"%s\"", ex->path);
            pop(c);
        }
        if (!e && ex->detector && !pd_detector_find(ex->detector)) {
            push_key(c, "detector");
            e = perr(c, "unknown detector \"%s\"", ex->detector);
            pop(c);
        }
        if (!e)
            ex->expired = parse_date(ex->expires) < c->set->today;
        pop(c);
    }
    return e;
}

static enum pd_error parse_basis(struct ctx *c, struct json_object *v, struct pd_rule *r)
{
    static const char *const keys[] = {"law", "article", "clause", "uncertain", "note", NULL};
    enum pd_error e = want_type(c, v, json_type_array, "an array of legal bases");
    if (!e && json_object_array_length(v) == 0)
        e = perr(c, "a rule cites at least one legal basis");
    for (size_t i = 0; i < r->n_basis; i++) {
        free(r->basis[i].law);
        free(r->basis[i].article);
        free(r->basis[i].clause);
        free(r->basis[i].note.vi);
        free(r->basis[i].note.en);
    }
    free(r->basis);
    r->basis = NULL;
    r->n_basis = 0;
    if (e)
        return e;
    size_t n = json_object_array_length(v);
    if (!(r->basis = calloc(n, sizeof *r->basis)))
        return PD_ERR_NOMEM;
    for (size_t i = 0; i < n && !e; i++) {
        struct json_object *b = json_object_array_get_idx(v, i), *u;
        struct pd_basis *pb = &r->basis[i];
        r->n_basis = i + 1;
        push_index(c, (int)i);
        e = want_type(c, b, json_type_object, "a legal basis object");
        if (!e)
            e = check_keys(c, b, keys, "a legal basis");
        if (!e)
            e = member_string(c, b, "law", true, &pb->law);
        if (!e && !pd_policy_law(c->set, pb->law)) {
            push_key(c, "law");
            e = perr(c, "unknown law \"%s\" (declare it in \"laws\")", pb->law);
            pop(c);
        }
        if (!e)
            e = member_string(c, b, "article", true, &pb->article);
        if (!e)
            e = member_string(c, b, "clause", false, &pb->clause);
        if (!e && json_object_object_get_ex(b, "uncertain", &u)) {
            push_key(c, "uncertain");
            e = get_bool(c, u, &pb->uncertain);
            pop(c);
        }
        if (!e)
            e = member_vi_en(c, b, "note", false, &pb->note);
        pop(c);
    }
    return e;
}

/* The rule an id names: a new one, or (an overlay) the earlier file's, whose fields the ones
 * present replace. Takes id. A second rule with the id in the same file is an error. */
static enum pd_error rule_for_id(struct ctx *c, char *id, struct pd_rule **out, bool *is_new)
{
    struct pd_policy_set *s = c->set;
    struct pd_rule *r = NULL;
    for (size_t i = 0; i < s->n_rules; i++)
        if (strcmp(s->rules[i].id, id) == 0)
            r = &s->rules[i];
    if (r && (size_t)(r - s->rules) >= c->first_rule) {
        push_key(c, "id");
        enum pd_error e = perr(c, "duplicate rule id \"%s\" (each rule id appears once per file)", id);
        pop(c);
        free(id);
        return e;
    }
    *is_new = r == NULL;
    if (r) {
        free(id);
        *out = r;
        return PD_OK;
    }
    struct pd_rule *nr = realloc(s->rules, (s->n_rules + 1) * sizeof *nr);
    if (!nr) {
        free(id);
        return PD_ERR_NOMEM;
    }
    s->rules = nr;
    r = &nr[s->n_rules++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->enabled = true;
    r->policy = c->policy;
    r->file = c->file;
    *out = r;
    return PD_OK;
}

/* "scope": unit (the default), folder or scan. */
static enum pd_error parse_scope(struct ctx *c, struct json_object *v, struct pd_rule *r)
{
    static const enum pd_scope scopes[] = {PD_SCOPE_UNIT, PD_SCOPE_FOLDER, PD_SCOPE_SCAN};
    char *scope = NULL;
    enum pd_error e = member_string(c, v, "scope", false, &scope);
    bool known = !scope;
    for (size_t i = 0; !e && scope && i < sizeof scopes / sizeof scopes[0]; i++)
        if (strcmp(scope, pd_scope_name(scopes[i])) == 0) {
            r->scope = scopes[i];
            known = true;
        }
    if (!e && !known) {
        push_key(c, "scope");
        e = perr(c, "unknown scope \"%s\" (expected unit, folder or scan)", scope);
        pop(c);
    }
    free(scope);
    return e;
}

/* The id of an earlier file's rule nearest to id, or NULL. */
static const char *nearest_rule(const struct ctx *c, const char *id)
{
    const char *best = NULL;
    size_t dist = SIZE_MAX;
    for (size_t i = 0; i < c->first_rule && i < c->set->n_rules; i++) {
        size_t d = pd_policy_name_distance(id, c->set->rules[i].id);
        if (d < dist) {
            dist = d;
            best = c->set->rules[i].id;
        }
    }
    return best;
}

static enum pd_error parse_rule(struct ctx *c, struct json_object *v)
{
    static const char *const keys[] = {"id", "enabled", "severity", "title", "rationale", "remediation",
                                       "legal_basis", "scope", "condition", "exceptions", NULL};
    enum pd_error e = want_type(c, v, json_type_object, "a rule object");
    if (!e)
        e = check_keys(c, v, keys, "a rule");
    char *id = NULL;
    if (!e)
        e = member_string(c, v, "id", true, &id);
    if (e) {
        free(id);
        return e;
    }
    struct pd_rule *r = NULL;
    bool is_new = false;
    if ((e = rule_for_id(c, id, &r, &is_new)) != PD_OK)
        return e;
    /* in an overlay, a rule given without its severity meant to change an earlier one: the id is
     * misspelled, which "missing required field severity" would not say */
    if (is_new && c->first_rule > 0 && !json_object_object_get_ex(v, "severity", NULL)) {
        const char *near = nearest_rule(c, r->id);
        push_key(c, "id");
        e = near ? perr(c, "no rule \"%s\" to override (the nearest is \"%s\"); a new rule needs severity, title, "
                           "rationale, remediation, legal_basis and condition", r->id, near)
                 : perr(c, "no rule \"%s\" to override; a new rule needs severity, title, rationale, remediation, "
                           "legal_basis and condition", r->id);
        pop(c);
        return e;
    }
    struct json_object *x;
    if (json_object_object_get_ex(v, "enabled", &x)) {
        push_key(c, "enabled");
        e = get_bool(c, x, &r->enabled);
        pop(c);
    }
    char *sev = NULL;
    if (!e)
        e = member_string(c, v, "severity", is_new, &sev);
    if (!e && sev && !pd_severity_parse(sev, &r->severity)) {
        push_key(c, "severity");
        e = perr(c, "unknown severity \"%s\" (expected info, low, medium, high or critical)", sev);
        pop(c);
    }
    free(sev);
    if (!e)
        e = member_vi_en(c, v, "title", is_new, &r->title);
    if (!e)
        e = member_vi_en(c, v, "rationale", is_new, &r->rationale);
    if (!e)
        e = member_vi_en(c, v, "remediation", is_new, &r->remediation);
    if (!e && json_object_object_get_ex(v, "legal_basis", &x)) {
        push_key(c, "legal_basis");
        e = parse_basis(c, x, r);
        pop(c);
    } else if (!e && is_new) {
        e = perr(c, "missing required field \"legal_basis\"");
    }
    if (!e)
        e = parse_scope(c, v, r);
    if (!e && json_object_object_get_ex(v, "condition", &x)) {
        push_key(c, "condition");
        e = parse_cond(c, x, 0, &r->cond);
        pop(c);
    } else if (!e && is_new) {
        e = perr(c, "missing required field \"condition\"");
    }
    if (!e && json_object_object_get_ex(v, "exceptions", &x)) {
        push_key(c, "exceptions");
        e = parse_exceptions(c, x, r->id, &r->exceptions, &r->n_exceptions);
        pop(c);
    }
    return e;
}

static enum pd_error parse_laws(struct ctx *c, struct json_object *v)
{
    static const char *const keys[] = {"id", "number", "name", "effective_from", "superseded_by", NULL};
    enum pd_error e = want_type(c, v, json_type_array, "an array of laws");
    for (size_t i = 0; !e && i < json_object_array_length(v); i++) {
        struct json_object *l = json_object_array_get_idx(v, i);
        push_index(c, (int)i);
        struct pd_law law = {.file = c->file};
        e = want_type(c, l, json_type_object, "a law object");
        if (!e)
            e = check_keys(c, l, keys, "a law");
        if (!e)
            e = member_string(c, l, "id", true, &law.id);
        if (!e && pd_policy_law(c->set, law.id)) {
            push_key(c, "id");
            e = perr(c, "law \"%s\" is already declared", law.id);
            pop(c);
        }
        if (!e)
            e = member_string(c, l, "number", true, &law.number);
        if (!e)
            e = member_vi_en(c, l, "name", true, &law.name);
        if (!e)
            e = member_date(c, l, "effective_from", true, &law.effective_from);
        if (!e)
            e = member_string(c, l, "superseded_by", false, &law.superseded_by);
        struct pd_law *nl = realloc(c->set->laws, (c->set->n_laws + 1) * sizeof *nl);
        if (!nl)
            e = PD_ERR_NOMEM;
        else {
            c->set->laws = nl;
            nl[c->set->n_laws++] = law; /* kept even on error, so that it is freed */
        }
        pop(c);
    }
    return e;
}

static enum pd_error parse_classes(struct ctx *c, struct json_object *v)
{
    enum pd_error e = want_type(c, v, json_type_object, "an object of location classes (name: [globs])");
    json_object_object_foreach(v, name, globs) {
        if (e)
            break;
        push_key(c, name);
        bool name_ok = name[0] >= 'a' && name[0] <= 'z';
        for (const char *p = name; *p && name_ok; p++)
            name_ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (!name_ok) {
            e = perr(c, "location class names are lower-case words (a-z, 0-9, _)");
        } else {
            struct pd_class *cls = NULL;
            for (size_t i = 0; i < c->set->n_classes; i++)
                if (strcmp(c->set->classes[i].name, name) == 0)
                    cls = &c->set->classes[i];
            if (!cls) {
                struct pd_class *nc = realloc(c->set->classes, (c->set->n_classes + 1) * sizeof *nc);
                if (!nc) {
                    pop(c);
                    return PD_ERR_NOMEM;
                }
                c->set->classes = nc;
                cls = &nc[c->set->n_classes++];
                memset(cls, 0, sizeof *cls);
                cls->name = strdup(name);
            }
            char **more = NULL;
            size_t n = 0;
            e = string_list(c, globs, &more, &n, check_glob, "a glob");
            char **all = e ? NULL : realloc(cls->globs, (cls->n_globs + n) * sizeof *all);
            if (all) {
                memcpy(all + cls->n_globs, more, n * sizeof *more);
                cls->globs = all;
                cls->n_globs += n;
                free(more);
            } else {
                free_strings(more, n);
            }
        }
        pop(c);
    }
    return e;
}

static enum pd_error parse_settings(struct ctx *c, struct json_object *v)
{
    enum pd_error e = want_type(c, v, json_type_object, "an object of settings (name: number)");
    json_object_object_foreach(v, name, val) {
        if (e)
            break;
        push_key(c, name);
        uint64_t num;
        e = get_uint(c, val, 0, MAX_NUMBER, &num);
        if (!e) {
            struct pd_setting *st = NULL;
            for (size_t i = 0; i < c->set->n_settings; i++)
                if (strcmp(c->set->settings[i].name, name) == 0)
                    st = &c->set->settings[i];
            if (!st) {
                struct pd_setting *ns = realloc(c->set->settings, (c->set->n_settings + 1) * sizeof *ns);
                if (!ns) {
                    pop(c);
                    return PD_ERR_NOMEM;
                }
                c->set->settings = ns;
                st = &ns[c->set->n_settings++];
                st->name = strdup(name);
            }
            st->value = num;
        }
        pop(c);
    }
    return e;
}

/* ---- files ---- */

static enum pd_error check_utf8(struct ctx *c)
{
    size_t cap = c->len * 3 + 1;
    char *copy = malloc(cap);
    if (!copy)
        return PD_ERR_NOMEM;
    pd_text_repair_utf8(c->text, copy, cap);
    size_t i = 0;
    while (i < c->len && c->text[i] == copy[i])
        i++;
    free(copy);
    if (i >= c->len)
        return PD_OK;
    int line, col;
    line_col(c->text, i, &line, &col);
    return pd_fail(c->diag, PD_ERR_FORMAT, "%s:%d:%d: not UTF-8 (byte 0x%02X); policy files are UTF-8 JSON", c->file,
                   line, col, (unsigned char)c->text[i]);
}

/* Parses the file's text as strict JSON; a syntax error names its line and column. */
static enum pd_error parse_json(struct ctx *c, struct json_object **root)
{
    enum pd_error e = PD_OK;
    struct json_tokener *tok = json_tokener_new_ex(64);
    if (!tok) {
        e = PD_ERR_NOMEM;
    } else {
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        *root = json_tokener_parse_ex(tok, c->text, (int)c->len);
        enum json_tokener_error je = json_tokener_get_error(tok);
        size_t at = json_tokener_get_parse_end(tok);
        if (je == json_tokener_continue) {
            je = json_tokener_error_parse_eof;
            at = c->len;
        }
        if (je == json_tokener_success && at < c->len && strspn(c->text + at, " \t\r\n") != c->len - at) {
            je = json_tokener_error_parse_unexpected;
        }
        if (je != json_tokener_success) {
            int line, col;
            line_col(c->text, at, &line, &col);
            e = pd_fail(c->diag, PD_ERR_FORMAT, "%s:%d:%d: invalid JSON: %s", c->file, line, col,
                        json_tokener_error_desc(je));
        }
        json_tokener_free(tok);
    }
    return e;
}

/* The policy's sections after its header: laws, settings, location classes, named conditions,
 * rules and policy-wide exceptions, in the order later ones may refer to earlier ones. */
static enum pd_error parse_sections(struct ctx *c, struct json_object *root)
{
    enum pd_error e = PD_OK;
    struct json_object *v;
    static const char *sections[] = {"laws", "settings", "location_classes"};
    for (int i = 0; i < 3 && !e; i++) {
        if (!json_object_object_get_ex(root, sections[i], &v))
            continue;
        push_key(c, sections[i]);
        e = i == 0 ? parse_laws(c, v) : i == 1 ? parse_settings(c, v) : parse_classes(c, v);
        pop(c);
    }
    if (!e && json_object_object_get_ex(root, "conditions", &v)) {
        push_key(c, "conditions");
        e = want_type(c, v, json_type_object, "an object of named conditions");
        pop(c);
        c->named = v;
    }
    if (!e && json_object_object_get_ex(root, "rules", &v)) {
        push_key(c, "rules");
        e = want_type(c, v, json_type_array, "an array of rules");
        for (size_t i = 0; !e && i < json_object_array_length(v); i++) {
            push_index(c, (int)i);
            e = parse_rule(c, json_object_array_get_idx(v, i));
            pop(c);
        }
        pop(c);
    }
    if (!e && json_object_object_get_ex(root, "exceptions", &v)) {
        push_key(c, "exceptions");
        e = parse_exceptions(c, v, NULL, &c->set->exceptions, &c->set->n_exceptions);
        pop(c);
    }
    return e;
}

static enum pd_error load_file(struct pd_policy_set *set, const char *file, struct pd_diag *diag)
{
    static const char *const keys[] = {"format", "id", "title", "laws", "location_classes", "settings",
                                       "conditions", "rules", "exceptions", "description", NULL};
    FILE *fp = fopen(file, "rb");
    if (!fp)
        return pd_fail(diag, PD_ERR_IO, "%s: cannot read policy: %s", file, strerror(errno));
    char *text = malloc(MAX_POLICY_BYTES + 1);
    size_t len = text ? fread(text, 1, MAX_POLICY_BYTES + 1, fp) : 0;
    bool read_error = ferror(fp);
    fclose(fp);
    if (!text)
        return PD_ERR_NOMEM;
    struct ctx c = {.set = set, .file = NULL, .text = text, .len = len, .diag = diag, .first_rule = set->n_rules};
    struct json_object *root = NULL;
    enum pd_error e = PD_OK;
    struct pd_policy_info *info = NULL;
    /* the file name outlives this call: rules point at it */
    struct pd_policy_info *np = realloc(set->policies, (set->n_policies + 1) * sizeof *np);
    if (!np) {
        free(text);
        return PD_ERR_NOMEM;
    }
    set->policies = np;
    info = &np[set->n_policies++];
    memset(info, 0, sizeof *info);
    info->file = strdup(file);
    c.file = info->file;
    if (pd_digest_sha256_hex(text, len < MAX_POLICY_BYTES ? len : MAX_POLICY_BYTES, info->sha256) != PD_OK)
        info->sha256[0] = '\0';
    text[len < MAX_POLICY_BYTES ? len : MAX_POLICY_BYTES] = '\0';
    if (read_error)
        e = pd_fail(diag, PD_ERR_IO, "%s: read error", file);
    else if (len > MAX_POLICY_BYTES)
        e = pd_fail(diag, PD_ERR_FORMAT, "%s: larger than %u bytes", file, MAX_POLICY_BYTES);
    else if (len == 0 || strspn(text, " \t\r\n") == len)
        e = pd_fail(diag, PD_ERR_FORMAT, "%s:1:1: empty file (expected a JSON policy object)", file);
    else if (memchr(text, '\0', len))
        e = pd_fail(diag, PD_ERR_FORMAT, "%s: contains NUL bytes; policy files are UTF-8 JSON", file);
    if (!e)
        e = check_utf8(&c);
    if (!e)
        e = parse_json(&c, &root);
    if (!e)
        e = want_type(&c, root, json_type_object, "a policy object");
    if (!e)
        e = check_keys(&c, root, keys, "a policy");
    char *format = NULL;
    if (!e)
        e = member_string(&c, root, "format", true, &format);
    if (!e && strcmp(format, POLICY_FORMAT) != 0) {
        push_key(&c, "format");
        e = perr(&c, "unsupported format \"%s\" (expected \"%s\")", format, POLICY_FORMAT);
        pop(&c);
    }
    free(format);
    if (!e)
        e = member_string(&c, root, "id", true, &info->id);
    c.policy = info->id;
    if (!e)
        e = member_vi_en(&c, root, "title", false, &info->title);
    if (!e)
        e = parse_sections(&c, root);
    json_object_put(root);
    free(text);
    return e;
}

/* Laws must be superseded by declared laws that took effect later. */
static enum pd_error check_laws(struct pd_policy_set *set, struct pd_diag *diag)
{
    for (size_t i = 0; i < set->n_laws; i++) {
        const struct pd_law *l = &set->laws[i];
        if (!l->superseded_by)
            continue;
        const struct pd_law *next = pd_policy_law(set, l->superseded_by);
        if (!next)
            return pd_fail(diag, PD_ERR_FORMAT, "%s: $.laws: law \"%s\" is superseded by \"%s\", which no policy declares",
                           l->file, l->id, l->superseded_by);
        if (parse_date(next->effective_from) <= parse_date(l->effective_from))
            return pd_fail(diag, PD_ERR_FORMAT,
                           "%s: $.laws: law \"%s\" (in force %s) is superseded by \"%s\", which took effect earlier "
                           "(%s): check the effective_from dates",
                           l->file, l->id, l->effective_from, next->id, next->effective_from);
    }
    return PD_OK;
}

static void free_vi_en(struct pd_vi_en *t)
{
    free(t->vi);
    free(t->en);
}

static void free_exceptions(struct pd_exception *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(x[i].path);
        free(x[i].detector);
        free(x[i].fingerprint);
        free(x[i].reason);
        free(x[i].expires);
    }
    free(x);
}

void pd_policy_destroy(struct pd_policy_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_rules; i++) {
        struct pd_rule *r = &s->rules[i];
        free(r->id);
        free_vi_en(&r->title);
        free_vi_en(&r->rationale);
        free_vi_en(&r->remediation);
        for (size_t k = 0; k < r->n_basis; k++) {
            free(r->basis[k].law);
            free(r->basis[k].article);
            free(r->basis[k].clause);
            free_vi_en(&r->basis[k].note);
        }
        free(r->basis);
        free_exceptions(r->exceptions, r->n_exceptions);
    }
    free(s->rules);
    for (size_t i = 0; i < s->n_laws; i++) {
        free(s->laws[i].id);
        free(s->laws[i].number);
        free(s->laws[i].effective_from);
        free(s->laws[i].superseded_by);
        free_vi_en(&s->laws[i].name);
    }
    free(s->laws);
    for (size_t i = 0; i < s->n_classes; i++) {
        free(s->classes[i].name);
        free_strings(s->classes[i].globs, s->classes[i].n_globs);
    }
    free(s->classes);
    for (size_t i = 0; i < s->n_settings; i++)
        free(s->settings[i].name);
    free(s->settings);
    free_exceptions(s->exceptions, s->n_exceptions);
    for (size_t i = 0; i < s->n_conds; i++) {
        free(s->all_conds[i]->kids);
        free_strings(s->all_conds[i]->strs, s->all_conds[i]->n_strs);
        free(s->all_conds[i]);
    }
    free(s->all_conds);
    for (size_t i = 0; i < s->n_policies; i++) {
        free(s->policies[i].id);
        free(s->policies[i].file);
        free_vi_en(&s->policies[i].title);
    }
    free(s->policies);
    free(s);
}

enum pd_error pd_policy_load(const char *const *paths, size_t n, long today, struct pd_policy_set **out,
                             struct pd_diag *diag)
{
    *out = NULL;
    size_t n_det;
    pd_detectors(&n_det);
    if (n_det > 64)
        return pd_fail(diag, PD_ERR_INTERNAL, "more detectors than a policy filter can hold");
    struct pd_policy_set *s = calloc(1, sizeof *s);
    if (!s)
        return PD_ERR_NOMEM;
    if (!today) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        today = (tm.tm_year + 1900) * 10000L + (tm.tm_mon + 1) * 100L + tm.tm_mday;
    }
    s->today = today;
    enum pd_error e = PD_OK;
    for (size_t i = 0; i < n && !e; i++)
        e = load_file(s, paths[i], diag);
    if (!e)
        e = check_laws(s, diag);
    if (e) {
        pd_policy_destroy(s);
        return e;
    }
    *out = s;
    return PD_OK;
}

const struct pd_law *pd_policy_law(const struct pd_policy_set *s, const char *id)
{
    for (size_t i = 0; i < s->n_laws; i++)
        if (s->laws[i].id && strcmp(s->laws[i].id, id) == 0)
            return &s->laws[i];
    return NULL;
}

bool pd_policy_setting(const struct pd_policy_set *s, const char *name, uint64_t *value)
{
    for (size_t i = 0; i < s->n_settings; i++)
        if (strcmp(s->settings[i].name, name) == 0) {
            *value = s->settings[i].value;
            return true;
        }
    return false;
}

bool pd_policy_in_class(const struct pd_policy_set *s, const char *name, const char *path)
{
    for (size_t i = 0; i < s->n_classes; i++) {
        if (strcmp(s->classes[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < s->classes[i].n_globs; k++)
            if (fnmatch(s->classes[i].globs[k], path, 0) == 0)
                return true;
    }
    return false;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static size_t json_files_in(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    char **list = NULL;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char **nl = realloc(list, (n + 1) * sizeof *nl);
        if (!nl)
            break;
        list = nl;
        size_t cap = strlen(dir) + len + 2;
        if (!(list[n] = malloc(cap)))
            break;
        snprintf(list[n++], cap, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n) /* an empty directory (a build tree's policies/ of object files) has no list */
        qsort(list, n, sizeof *list, by_name);
    *out = list;
    return n;
}

size_t pd_policy_default_files(char ***paths)
{
    *paths = NULL;
    const char *env = getenv("PDPSCAN_POLICY_DIR");
    if (env && *env)
        return json_files_in(env, paths);
    size_t n = json_files_in(PD_DATADIR "/policies", paths);
    if (n)
        return n;
    /* not installed: the source tree's policies/ beside the binary (an in-tree build) or beside
     * the build directory (build/, build/sub/) */
    char exe[PATH_MAX], dir[PATH_MAX + 32];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return 0;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* an install moved whole (bin/ beside share/), then source trees */
    static const char *const ups[] = {"/../share/pdpscan/policies", "/policies", "/../policies", "/../../policies",
                                      "/../../../policies"};
    for (size_t i = 0; i < sizeof ups / sizeof ups[0] && !n; i++) {
        snprintf(dir, sizeof dir, "%s%s", exe, ups[i]);
        n = json_files_in(dir, paths);
    }
    return n;
}

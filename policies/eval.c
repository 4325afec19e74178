/* Evaluating policies: unit rules as each unit finishes, folder and scan rules over aggregates at
 * the end. Distinct values are counted by their keyed hashes, never by the values themselves. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "detectors/detector.h"
#include "policies/policy-int.h"
#include "scanner/roots.h"
#include "util/hashset.h"

#define MAX_LISTED_FINGERPRINTS 50

static const char *const severity_names[PD_SEV_COUNT] = {"info", "low", "medium", "high", "critical"};

const char *pd_severity_name(enum pd_severity sev) { return sev < PD_SEV_COUNT ? severity_names[sev] : "unknown"; }

bool pd_severity_parse(const char *name, enum pd_severity *out)
{
    for (int i = 0; i < PD_SEV_COUNT; i++)
        if (strcmp(name, severity_names[i]) == 0) {
            *out = (enum pd_severity)i;
            return true;
        }
    return false;
}

struct leaf_agg {
    uint64_t count;
    struct pd_hashset distinct;
};

struct subject_agg {
    char *path;      /* folder path as reported; NULL for the scan */
    char *canonical; /* the same, canonical: what path rules match and folders are keyed by */
    struct leaf_agg *leaves;
    char (*fingerprints)[33];
    size_t n_fingerprints;
};

struct pd_policy_eval {
    const struct pd_policy_set *set;
    time_t now;
    int current_year;
    bool has_folder_rules, has_scan_rules;
    struct subject_agg scan;
    struct subject_agg *folders;
    size_t n_folders, cap_folders;
    size_t *folder_index; /* open addressing over folders, by path hash */
    size_t index_cap;
    /* per-unit scratch */
    struct brief *briefs; /* what the rules ask of each finding, read once per unit */
    uint64_t *seen;     /* open-addressing set of prefixes, seen_cap slots (a power of two) */
    size_t seen_cap;
    size_t cap_hashes;
    bool *hit;
    size_t cap_hit;
};

static bool subject_init(struct subject_agg *a, const char *path, const char *canonical, size_t leaves)
{
    memset(a, 0, sizeof *a);
    if (path && (!(a->path = strdup(path)) || !(a->canonical = strdup(canonical)))) {
        free(a->path);
        return false;
    }
    return (a->leaves = calloc(leaves ? leaves : 1, sizeof *a->leaves)) != NULL;
}

static void subject_free(struct subject_agg *a, size_t leaves)
{
    for (size_t i = 0; a->leaves && i < leaves; i++)
        pd_hashset_free(&a->leaves[i].distinct);
    free(a->leaves);
    free(a->fingerprints);
    free(a->path);
    free(a->canonical);
}

enum pd_error pd_policy_eval_create(const struct pd_policy_set *set, time_t now, struct pd_policy_eval **out)
{
    struct pd_policy_eval *ev = calloc(1, sizeof *ev);
    if (!ev)
        return PD_ERR_NOMEM;
    ev->set = set;
    ev->now = now;
    struct tm tm;
    gmtime_r(&now, &tm);
    ev->current_year = tm.tm_year + 1900;
    for (size_t i = 0; i < set->n_rules; i++) {
        ev->has_folder_rules |= set->rules[i].enabled && set->rules[i].scope == PD_SCOPE_FOLDER;
        ev->has_scan_rules |= set->rules[i].enabled && set->rules[i].scope == PD_SCOPE_SCAN;
    }
    if (!subject_init(&ev->scan, NULL, NULL, set->n_leaves)) {
        free(ev);
        return PD_ERR_NOMEM;
    }
    *out = ev;
    return PD_OK;
}

void pd_policy_eval_destroy(struct pd_policy_eval *ev)
{
    if (!ev)
        return;
    subject_free(&ev->scan, ev->set->n_leaves);
    for (size_t i = 0; i < ev->n_folders; i++)
        subject_free(&ev->folders[i], ev->set->n_leaves);
    free(ev->folders);
    free(ev->folder_index);
    free(ev->briefs);
    free(ev->seen);
    free(ev->hit);
    free(ev);
}

/* ---- which findings count ---- */

/* What a rule's filter asks of a finding, gathered once per unit: each rule would otherwise read
 * every 360-byte finding again. */
struct brief {
    uint64_t prefix; /* of the value's keyed hash */
    int age;         /* of the subject, from a derived birth year */
    uint8_t detector;
    uint8_t category;
    uint8_t confidence;
    bool has_age;
};

static void brief_of(const struct pd_policy_eval *ev, const struct pd_finding *fi, struct brief *b)
{
    size_t n;
    b->prefix = fi->value_key;
    b->detector = (uint8_t)(fi->detector - pd_detectors(&n));
    b->category = (uint8_t)fi->detector->category;
    b->confidence = (uint8_t)fi->confidence;
    b->has_age = false;
    for (unsigned i = 0; i < fi->n_attrs && !b->has_age; i++)
        if (strcmp(fi->attrs[i].key, "birth_year") == 0) {
            b->age = ev->current_year - (int)strtol(fi->attrs[i].value, NULL, 10); /* digits by construction */
            b->has_age = true;
        }
}

static bool filter_match(const struct pd_filter *f, const struct brief *b)
{
    if (f->detectors && !(f->detectors & (1ULL << b->detector)))
        return false;
    if (f->categories && !(f->categories & (1u << b->category)))
        return false;
    if (b->confidence < f->min_confidence)
        return false;
    if (f->subject_age_below)
        return b->has_age && b->age >= 0 && b->age < f->subject_age_below;
    return true;
}

/* Exceptions that apply to a rule: its own and its policy's. */
static bool exception_for(const struct pd_exception *x, const struct pd_rule *r)
{
    return x->rule ? strcmp(x->rule, r->id) == 0 : strcmp(x->policy, r->policy) == 0;
}

struct unit_view {
    const struct pd_unit *unit;
    const char *canonical; /* the unit's canonical path: what path globs match */
    const struct pd_rule *rule;
    const char *expired;   /* set when an expired exception would have applied */
    bool *excluded;        /* per finding: suppressed by an exception */
};

static bool exception_hits(const struct pd_exception *x, const char *uv_path, const struct pd_finding *f)
{
    if (x->path && fnmatch(x->path, uv_path, 0) != 0)
        return false;
    if (x->detector && (!f || strcmp(f->detector->id, x->detector) != 0))
        return false;
    if (x->fingerprint && (!f || strcmp(f->fingerprint, x->fingerprint) != 0))
        return false;
    return true;
}

/* Applies exceptions to a unit for a rule. Returns false when the whole unit is exempt. */
static bool apply_exceptions(const struct pd_policy_set *set, struct unit_view *uv, bool *excluded)
{
    const struct pd_rule *r = uv->rule;
    const struct pd_unit *u = uv->unit;
    memset(excluded, 0, u->n_findings * sizeof *excluded);
    uv->excluded = excluded;
    const struct pd_exception *lists[2] = {r->exceptions, set->exceptions};
    size_t counts[2] = {r->n_exceptions, set->n_exceptions};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            const struct pd_exception *x = &lists[l][i];
            if (!exception_for(x, r))
                continue;
            if (!x->detector && !x->fingerprint) { /* a path-only exception exempts the unit */
                if (exception_hits(x, uv->canonical, NULL)) {
                    if (!x->expired)
                        return false;
                    uv->expired = x->reason;
                }
                continue;
            }
            for (size_t k = 0; k < u->n_findings; k++) {
                if (!exception_hits(x, uv->canonical, pd_unit_finding(u, k)))
                    continue;
                if (x->expired)
                    uv->expired = x->reason;
                else
                    excluded[k] = true;
            }
        }
    }
    return true;
}

/* Counts a findings-condition over one unit; marks the findings it counted in ev->hit. */
static bool unit_findings(struct pd_policy_eval *ev, const struct unit_view *uv, const struct pd_filter *f,
                          uint64_t *count, uint64_t *distinct)
{
    const struct pd_unit *u = uv->unit;
    size_t n = 0, slots = 16;
    while (slots < 2 * u->n_findings)
        slots *= 2; /* at most half full: short probes */
    memset(ev->seen, 0, slots * sizeof *ev->seen);
    uint64_t d = 0;
    for (size_t i = 0; i < u->n_findings; i++) {
        if (uv->excluded[i] || !filter_match(f, &ev->briefs[i]))
            continue;
        n++;
        uint64_t v = ev->briefs[i].prefix ? ev->briefs[i].prefix : 1; /* 0 marks a free slot */
        size_t k = v & (slots - 1);
        while (ev->seen[k] && ev->seen[k] != v)
            k = (k + 1) & (slots - 1);
        if (!ev->seen[k]) {
            ev->seen[k] = v;
            d++;
        }
    }
    *count = n + (f->detectors == 0 && f->categories == 0 && !f->min_confidence && !f->subject_age_below
                      ? u->findings_unlisted
                      : 0);
    *distinct = d;
    bool holds = *count >= f->min_count && (!f->min_distinct || d >= f->min_distinct);
    if (holds)
        for (size_t i = 0; i < u->n_findings; i++)
            if (!uv->excluded[i] && filter_match(f, &ev->briefs[i]))
                ev->hit[i] = true;
    return holds;
}

struct subject {
    const char *path;             /* unit or folder path as reported; NULL: the whole scan */
    const char *canonical;        /* the same, canonical: what path and location rules match */
    const struct pd_unit *unit;   /* facts; NULL for folders and the scan */
    const struct unit_view *uv;   /* unit findings */
    const struct subject_agg *agg;/* aggregated findings */
    uint64_t findings, distinct;  /* reported counts: the largest findings-condition that held */
};

static bool in_class(const struct pd_policy_set *set, const char *name, const char *path)
{
    if (!path)
        return false;
    if (pd_policy_in_class(set, name, path))
        return true;
    /* a folder is in a class when its contents would be */
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/x", path);
    return pd_policy_in_class(set, name, probe);
}

static bool eval_cond(struct pd_policy_eval *ev, const struct pd_cond *c, struct subject *s)
{
    const struct pd_unit *u = s->unit;
    switch (c->kind) {
    case PD_C_ALL:
        for (size_t i = 0; i < c->n_kids; i++)
            if (!eval_cond(ev, c->kids[i], s))
                return false;
        return true;
    case PD_C_ANY: {
        bool any = false;
        for (size_t i = 0; i < c->n_kids; i++) /* no short cut: every matching finding is listed */
            any |= eval_cond(ev, c->kids[i], s);
        return any;
    }
    case PD_C_NOT: {
        struct subject probe = *s;
        return !eval_cond(ev, c->kids[0], &probe);
    }
    case PD_C_FINDINGS: {
        uint64_t count, distinct;
        bool holds;
        if (s->uv) {
            holds = unit_findings(ev, s->uv, &c->filter, &count, &distinct);
        } else {
            const struct leaf_agg *a = &s->agg->leaves[c->filter.leaf];
            count = a->count;
            distinct = a->distinct.count;
            holds = count >= c->filter.min_count && (!c->filter.min_distinct || distinct >= c->filter.min_distinct);
        }
        if (holds && count > s->findings) {
            s->findings = count;
            s->distinct = distinct;
        }
        return holds;
    }
    case PD_C_PATH:
        for (size_t i = 0; s->canonical && i < c->n_strs; i++)
            if (fnmatch(c->strs[i], s->canonical, 0) == 0)
                return true;
        return false;
    case PD_C_LOCATION:
        for (size_t i = 0; i < c->n_strs; i++)
            if (in_class(ev->set, c->strs[i], s->canonical))
                return true;
        return false;
    case PD_C_MIME:
        for (size_t i = 0; u && i < c->n_strs; i++)
            if (fnmatch(c->strs[i], u->mime, 0) == 0)
                return true;
        return false;
    case PD_C_IN_ARCHIVE:
        return u && (strchr(u->path, '!') != NULL) == c->flag;
    case PD_C_MIN_SIZE:
        return u && u->size >= c->number;
    case PD_C_OLDER_THAN_DAYS: {
        uint64_t days = c->number;
        if (c->setting)
            pd_policy_setting(ev->set, c->setting, &days);
        return u && u->have_stat && ev->now - (time_t)u->mtime >= (time_t)(days * 86400);
    }
    case PD_C_WORLD_READABLE:
        return u && u->have_stat && ((u->mode & S_IROTH) != 0) == c->flag;
    case PD_C_GROUP_READABLE:
        return u && u->have_stat && ((u->mode & S_IRGRP) != 0) == c->flag;
    case PD_C_OWNER_UID:
        return u && u->have_stat && u->uid == c->number;
    }
    return false;
}

static void emit(struct pd_policy_eval *ev, size_t rule, struct subject *s, const char *expired,
                 char (*fps)[33], size_t n_fps, pd_violation_sink sink, void *arg)
{
    const struct pd_rule *r = &ev->set->rules[rule];
    static const char *const scopes[] = {"unit", "folder", "scan"};
    struct pd_violation v = {.set = ev->set, .rule = rule, .severity = r->severity, .scope = scopes[r->scope],
                             .subject = s->path, .findings = s->findings, .distinct = s->distinct,
                             .fingerprints = fps, .n_fingerprints = n_fps, .expired_exception = expired};
    sink(arg, &v);
}

static bool ensure_scratch(struct pd_policy_eval *ev, size_t n)
{
    size_t slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    if (slots > ev->seen_cap) {
        uint64_t *s = realloc(ev->seen, slots * sizeof *s);
        if (!s)
            return false;
        ev->seen = s;
        ev->seen_cap = slots;
    }
    if (n <= ev->cap_hashes)
        return true;
    struct brief *b = realloc(ev->briefs, n * sizeof *b);
    if (!b)
        return false;
    ev->briefs = b;
    bool *hit = realloc(ev->hit, n * sizeof *hit);
    if (!hit)
        return false;
    ev->hit = hit;
    ev->cap_hashes = n;
    return true;
}

/* The folder a unit counts in (malloc'd): an archive member counts in its archive's folder. */
static char *folder_name(const char *unit_path)
{
    const char *bang = strchr(unit_path, '!');
    size_t len = bang ? (size_t)(bang - unit_path) : strlen(unit_path);
    const char *slash = memrchr(unit_path, '/', len);
    if (!slash)
        return strdup(".");
    len = slash > unit_path ? (size_t)(slash - unit_path) : 1; /* "/x" is in "/" */
    return strndup(unit_path, len);
}

static uint64_t folder_hash(const char *dir)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = dir; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

/* The aggregate of the unit's folder, keyed by its canonical name: `share` and `./share` are one. */
static struct subject_agg *folder_of(struct pd_policy_eval *ev, const char *unit_path, const char *canonical_path)
{
    if ((ev->n_folders + 1) * 2 > ev->index_cap) {
        size_t cap = ev->index_cap ? ev->index_cap * 2 : 256;
        size_t *idx = malloc(cap * sizeof *idx);
        if (!idx)
            return NULL;
        memset(idx, 0xff, cap * sizeof *idx);
        for (size_t i = 0; i < ev->n_folders; i++) {
            size_t k = folder_hash(ev->folders[i].canonical) & (cap - 1);
            while (idx[k] != SIZE_MAX)
                k = (k + 1) & (cap - 1);
            idx[k] = i;
        }
        free(ev->folder_index);
        ev->folder_index = idx;
        ev->index_cap = cap;
    }
    char *canonical = folder_name(canonical_path), *dir = NULL;
    struct subject_agg *a = NULL;
    if (!canonical)
        return NULL;
    size_t k = folder_hash(canonical) & (ev->index_cap - 1);
    for (; ev->folder_index[k] != SIZE_MAX; k = (k + 1) & (ev->index_cap - 1))
        if (strcmp(ev->folders[ev->folder_index[k]].canonical, canonical) == 0) {
            a = &ev->folders[ev->folder_index[k]];
            goto done;
        }
    if (ev->n_folders == ev->cap_folders) {
        size_t cap = ev->cap_folders ? ev->cap_folders * 2 : 64;
        struct subject_agg *nf = realloc(ev->folders, cap * sizeof *nf);
        if (!nf)
            goto done;
        ev->folders = nf;
        ev->cap_folders = cap;
    }
    if ((dir = folder_name(unit_path)) && subject_init(&ev->folders[ev->n_folders], dir, canonical, ev->set->n_leaves)) {
        a = &ev->folders[ev->n_folders];
        ev->folder_index[k] = ev->n_folders++;
    }
done:
    free(canonical);
    free(dir);
    return a;
}

/* Keeps the smallest MAX_LISTED_FINGERPRINTS fingerprints, sorted and without repeats: a folder's
 * or the scan's sample must not depend on the order in which threads finish units. */
static void sample_fingerprint(struct subject_agg *a, const char fp[33])
{
    if (!a->fingerprints && !(a->fingerprints = malloc(MAX_LISTED_FINGERPRINTS * sizeof *a->fingerprints)))
        return;
    size_t n = a->n_fingerprints, lo = 0, hi = n;
    if (n == MAX_LISTED_FINGERPRINTS && memcmp(fp, a->fingerprints[n - 1], 32) >= 0)
        return;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (memcmp(a->fingerprints[mid], fp, 32) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && memcmp(a->fingerprints[lo], fp, 32) == 0)
        return;
    if (n == MAX_LISTED_FINGERPRINTS)
        n--; /* the largest drops out */
    memmove(a->fingerprints[lo + 1], a->fingerprints[lo], (n - lo) * sizeof *a->fingerprints);
    memcpy(a->fingerprints[lo], fp, 33);
    a->n_fingerprints = n + 1;
}

static void aggregate_cond(struct pd_policy_eval *ev, const struct pd_cond *c, const struct unit_view *uv,
                           struct subject_agg *a)
{
    if (c->kind != PD_C_FINDINGS) {
        for (size_t i = 0; i < c->n_kids; i++)
            aggregate_cond(ev, c->kids[i], uv, a);
        return;
    }
    struct leaf_agg *leaf = &a->leaves[c->filter.leaf];
    const struct pd_unit *u = uv->unit;
    for (size_t i = 0; i < u->n_findings; i++) {
        if (uv->excluded[i] || !filter_match(&c->filter, &ev->briefs[i]))
            continue;
        leaf->count++;
        /* the set never needs to grow past the threshold the rule asks for */
        if (c->filter.min_distinct && leaf->distinct.count < c->filter.min_distinct)
            pd_hashset_add(&leaf->distinct, ev->briefs[i].prefix);
        sample_fingerprint(a, pd_unit_finding(u, i)->fingerprint);
    }
}

void pd_policy_eval_unit(struct pd_policy_eval *ev, const struct pd_unit *u, pd_violation_sink sink, void *arg)
{
    const struct pd_policy_set *set = ev->set;
    if (!ensure_scratch(ev, u->n_findings + 1))
        return;
    for (size_t i = 0; i < u->n_findings; i++)
        brief_of(ev, pd_unit_finding(u, i), &ev->briefs[i]);
    bool *excluded = calloc(u->n_findings + 1, sizeof *excluded);
    char(*fps)[33] = calloc(MAX_LISTED_FINGERPRINTS, sizeof *fps);
    if (!excluded || !fps) {
        free(excluded);
        free(fps);
        return;
    }
    char *canonical = pd_unit_canonical_path(u);
    if (!canonical) {
        free(excluded);
        free(fps);
        return;
    }
    struct subject_agg *folder = NULL;
    for (size_t r = 0; r < set->n_rules; r++) {
        const struct pd_rule *rule = &set->rules[r];
        if (!rule->enabled)
            continue;
        struct unit_view uv = {.unit = u, .canonical = canonical, .rule = rule};
        if (!apply_exceptions(set, &uv, excluded))
            continue;
        if (rule->scope != PD_SCOPE_UNIT) {
            struct subject_agg *a = rule->scope == PD_SCOPE_SCAN ? &ev->scan : (folder ? folder : (folder = folder_of(ev, u->path, canonical)));
            if (a)
                aggregate_cond(ev, rule->cond, &uv, a);
            continue;
        }
        memset(ev->hit, 0, u->n_findings * sizeof *ev->hit);
        struct subject s = {.path = u->path, .canonical = canonical, .unit = u, .uv = &uv};
        if (!eval_cond(ev, rule->cond, &s))
            continue;
        size_t n = 0;
        for (size_t i = 0; i < u->n_findings && n < MAX_LISTED_FINGERPRINTS; i++)
            if (ev->hit[i])
                memcpy(fps[n++], pd_unit_finding(u, i)->fingerprint, 33);
        emit(ev, r, &s, uv.expired, fps, n, sink, arg);
    }
    free(canonical);
    free(excluded);
    free(fps);
}

void pd_policy_eval_finish(struct pd_policy_eval *ev, pd_violation_sink sink, void *arg)
{
    const struct pd_policy_set *set = ev->set;
    for (size_t r = 0; r < set->n_rules; r++) {
        const struct pd_rule *rule = &set->rules[r];
        if (!rule->enabled || rule->scope == PD_SCOPE_UNIT)
            continue;
        size_t n = rule->scope == PD_SCOPE_SCAN ? 1 : ev->n_folders;
        for (size_t i = 0; i < n; i++) {
            const struct subject_agg *a = rule->scope == PD_SCOPE_SCAN ? &ev->scan : &ev->folders[i];
            struct subject s = {.path = a->path, .canonical = a->canonical, .agg = a};
            if (eval_cond(ev, rule->cond, &s))
                emit(ev, r, &s, NULL, a->fingerprints, a->n_fingerprints, sink, arg);
        }
    }
}

/* ---- plain data for reports ---- */

const char *pd_scope_name(enum pd_scope scope)
{
    return scope == PD_SCOPE_UNIT ? "unit" : scope == PD_SCOPE_FOLDER ? "folder" : "scan";
}

const struct pd_rule *pd_violation_rule(const struct pd_violation *v) { return &v->set->rules[v->rule]; }

size_t pd_violation_laws(const struct pd_violation *v, const char **laws, size_t max)
{
    const struct pd_rule *r = &v->set->rules[v->rule];
    size_t n = 0;
    for (size_t i = 0; i < r->n_basis && n < max; i++) {
        const struct pd_law *law = pd_policy_law(v->set, r->basis[i].law);
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen |= strcmp(laws[k], law->number) == 0;
        if (!seen)
            laws[n++] = law->number;
    }
    return n;
}

void pd_policy_each_expired(const struct pd_policy_set *set, void (*fn)(void *arg, const struct pd_exception *x),
                            void *arg)
{
    for (size_t i = 0; i < set->n_exceptions; i++)
        if (set->exceptions[i].expired)
            fn(arg, &set->exceptions[i]);
    for (size_t r = 0; r < set->n_rules; r++)
        for (size_t i = 0; i < set->rules[r].n_exceptions; i++)
            if (set->rules[r].exceptions[i].expired)
                fn(arg, &set->rules[r].exceptions[i]);
}

void pd_policy_each_glob(const struct pd_policy_set *set,
                         void (*fn)(void *arg, const char *what, const char *where, const char *glob), void *arg)
{
    for (size_t i = 0; i < set->n_classes; i++)
        for (size_t g = 0; g < set->classes[i].n_globs; g++)
            fn(arg, "location class", set->classes[i].name, set->classes[i].globs[g]);
    for (size_t c = 0; c < set->n_conds; c++)
        for (size_t k = 0; set->all_conds[c]->kind == PD_C_PATH && k < set->all_conds[c]->n_strs; k++)
            fn(arg, "a rule's path condition", NULL, set->all_conds[c]->strs[k]);
    for (size_t i = 0; i < set->n_exceptions; i++)
        if (set->exceptions[i].path)
            fn(arg, "exception of policy", set->exceptions[i].policy, set->exceptions[i].path);
    for (size_t r = 0; r < set->n_rules; r++)
        for (size_t i = 0; i < set->rules[r].n_exceptions; i++)
            if (set->rules[r].exceptions[i].path)
                fn(arg, "exception to rule", set->rules[r].id, set->rules[r].exceptions[i].path);
}

size_t pd_policy_rule_count(const struct pd_policy_set *set) { return set->n_rules; }
const struct pd_rule *pd_policy_rule(const struct pd_policy_set *set, size_t i) { return &set->rules[i]; }
size_t pd_policy_file_count(const struct pd_policy_set *set) { return set->n_policies; }
const struct pd_policy_info *pd_policy_file(const struct pd_policy_set *set, size_t i) { return &set->policies[i]; }
size_t pd_policy_class_count(const struct pd_policy_set *set) { return set->n_classes; }
const struct pd_class *pd_policy_class(const struct pd_policy_set *set, size_t i) { return &set->classes[i]; }

size_t pd_policy_name_distance(const char *a, const char *b)
{
    size_t n = strlen(b), row[128];
    if (n >= sizeof row / sizeof row[0])
        return SIZE_MAX;
    for (size_t j = 0; j <= n; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[n];
}

static bool class_used(const struct pd_policy_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_conds; i++) {
        const struct pd_cond *c = set->all_conds[i];
        for (size_t k = 0; c->kind == PD_C_LOCATION && k < c->n_strs; k++)
            if (strcmp(c->strs[k], name) == 0)
                return true;
    }
    return false;
}

struct lint_expired_arg {
    void (*warn)(void *, const char *);
    void *arg;
    size_t n;
};

static void expired_warning(void *arg, const struct pd_exception *x)
{
    struct lint_expired_arg *le = arg;
    char msg[512];
    snprintf(msg, sizeof msg, "exception %s%s%s(\"%s\") expired on %s: it suppresses nothing any more",
             x->rule ? "to rule " : "of policy ", x->rule ? x->rule : x->policy ? x->policy : "", " ",
             x->reason ? x->reason : "", x->expires ? x->expires : "?");
    le->warn(le->arg, msg);
    le->n++;
}

size_t pd_policy_lint(const struct pd_policy_set *set, void (*warn)(void *arg, const char *message), void *arg)
{
    size_t n = 0;
    char msg[512];
    for (size_t i = 0; i < set->n_classes; i++) {
        const struct pd_class *cl = &set->classes[i];
        if (!class_used(set, cl->name)) {
            /* an organisation may declare its own classes; one no rule uses is most often a typo */
            const char *near = NULL;
            size_t best = 4; /* a few letters apart at most */
            for (size_t c = 0; c < set->n_conds; c++) { /* among the names rules use */
                const struct pd_cond *cond = set->all_conds[c];
                for (size_t k = 0; cond->kind == PD_C_LOCATION && k < cond->n_strs; k++) {
                    size_t d = pd_policy_name_distance(cl->name, cond->strs[k]);
                    if (d < best) {
                        best = d;
                        near = cond->strs[k];
                    }
                }
            }
            snprintf(msg, sizeof msg, "location class \"%s\" is used by no rule%s%s%s", cl->name,
                     near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
            warn(arg, msg);
            n++;
        }
        for (size_t g = 0; g < cl->n_globs; g++)
            if (!strpbrk(cl->globs[g], "*?[")) {
                snprintf(msg, sizeof msg, "location class \"%s\": glob \"%s\" has no wildcard and matches that exact "
                                          "path only (a folder needs \"%s/*\")", cl->name, cl->globs[g], cl->globs[g]);
                warn(arg, msg);
                n++;
            }
    }
    struct lint_expired_arg le = {warn, arg, 0};
    pd_policy_each_expired(set, expired_warning, &le);
    return n + le.n;
}

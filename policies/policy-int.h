/* Internal model of loaded policies, shared by the loader and the evaluator only. */
#ifndef PD_POLICY_INT_H
#define PD_POLICY_INT_H

#include "policies/policy.h"

struct pd_vi_en {
    char *vi, *en;
};

struct pd_law {
    char *id, *number, *effective_from, *superseded_by;
    struct pd_vi_en name;
    const char *file; /* where it was declared, for messages */
};

struct pd_basis {
    char *law, *article, *clause;
    struct pd_vi_en note;
    bool uncertain;
};

struct pd_exception {
    char *path, *detector, *fingerprint, *reason, *expires;
    const char *rule; /* NULL: applies to every rule of the policy */
    const char *policy;
    bool expired;
};

enum pd_cond_kind {
    PD_C_ALL, PD_C_ANY, PD_C_NOT, PD_C_FINDINGS, PD_C_PATH, PD_C_LOCATION, PD_C_MIME, PD_C_IN_ARCHIVE,
    PD_C_MIN_SIZE, PD_C_OLDER_THAN_DAYS, PD_C_WORLD_READABLE, PD_C_GROUP_READABLE, PD_C_OWNER_UID,
};

/* Which findings a findings-condition counts, and how many it needs. */
struct pd_filter {
    uint64_t detectors;    /* bit per detector table index; 0: any */
    unsigned categories;   /* bit per category; 0: any */
    int min_confidence;
    int subject_age_below; /* 0: no age test; needs a birth_year attribute */
    uint64_t min_count, min_distinct;
    size_t leaf;           /* index among all findings-conditions, for aggregates */
};

struct pd_cond {
    enum pd_cond_kind kind;
    struct pd_cond **kids;  /* all, any, not; shared, not owned, when it came from a "ref" */
    size_t n_kids;
    char **strs;            /* globs, class names, mime globs */
    size_t n_strs;
    struct pd_filter filter;
    uint64_t number;        /* sizes, days, uid */
    const char *setting;    /* days taken from a setting instead */
    bool flag;
};

enum pd_scope { PD_SCOPE_UNIT, PD_SCOPE_FOLDER, PD_SCOPE_SCAN };

struct pd_rule {
    char *id;
    const char *policy;
    const char *file;
    bool enabled;
    enum pd_severity severity;
    struct pd_vi_en title, rationale, remediation;
    struct pd_basis *basis;
    size_t n_basis;
    enum pd_scope scope;
    struct pd_cond *cond;
    struct pd_exception *exceptions;
    size_t n_exceptions;
};

struct pd_class {
    char *name;
    char **globs;
    size_t n_globs;
};

struct pd_setting {
    char *name;
    uint64_t value;
};

struct pd_policy_info {
    char *id, *file;
    struct pd_vi_en title;
};

struct pd_policy_set {
    struct pd_policy_info *policies;
    size_t n_policies;
    struct pd_rule *rules;
    size_t n_rules;
    struct pd_law *laws;
    size_t n_laws;
    struct pd_class *classes;
    size_t n_classes;
    struct pd_setting *settings;
    size_t n_settings;
    struct pd_exception *exceptions; /* policy-level */
    size_t n_exceptions;
    struct pd_cond **all_conds;      /* every node, for freeing */
    size_t n_conds;
    size_t n_leaves;
    long today;
};

const struct pd_law *pd_policy_law(const struct pd_policy_set *set, const char *id);
bool pd_policy_setting(const struct pd_policy_set *set, const char *name, uint64_t *value);
/* True if path falls in the named location class. */
bool pd_policy_in_class(const struct pd_policy_set *set, const char *name, const char *path);

/* Byte offset in text of the value at a JSON path ("rules", 3, "condition"...), for messages. */
struct pd_jpath {
    const char *key[48];
    int index[48];
    int depth;
    bool at_key; /* point at the last member's name rather than its value */
};
size_t pd_json_locate(const char *text, size_t len, const struct pd_jpath *path);

#endif

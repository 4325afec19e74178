/* Internal model of loaded policies (conditions, filters, the set itself), shared by the loader
 * and the evaluator only. The plain rule data that reports print is in policy.h. */
#ifndef PD_POLICY_INT_H
#define PD_POLICY_INT_H

#include "policies/policy.h"

/* The condition kinds, one line each: the JSON key and the kind. The loader parses a condition
 * by its key and the evaluator switches on its kind; "ref" (a named condition) is resolved by the
 * loader and has no kind. */
#define PD_COND_KINDS(X)                                                                                    \
    X("all", PD_C_ALL) X("any", PD_C_ANY) X("not", PD_C_NOT) X("findings", PD_C_FINDINGS)                 \
    X("path", PD_C_PATH) X("location", PD_C_LOCATION) X("mime", PD_C_MIME) X("in_archive", PD_C_IN_ARCHIVE) \
    X("min_size", PD_C_MIN_SIZE) X("older_than_days", PD_C_OLDER_THAN_DAYS)                                \
    X("world_readable", PD_C_WORLD_READABLE) X("group_readable", PD_C_GROUP_READABLE)                       \
    X("owner_uid", PD_C_OWNER_UID)

enum pd_cond_kind {
#define PD_COND_ENUM(key, kind) kind,
    PD_COND_KINDS(PD_COND_ENUM)
#undef PD_COND_ENUM
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

struct pd_setting {
    char *name;
    uint64_t value;
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

bool pd_policy_setting(const struct pd_policy_set *set, const char *name, uint64_t *value);
/* Edit distance of two names (insertions, deletions, substitutions), for "did you mean";
 * SIZE_MAX for names past 127 bytes. */
size_t pd_policy_name_distance(const char *a, const char *b);
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

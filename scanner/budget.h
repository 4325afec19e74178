/* The budget of one top-level file: how deep its containers nest, how many members and expanded
 * bytes they yield, how far expansion outruns the file's size, and how long it all takes. A zip
 * bomb ends as a partial unit saying which limit stopped it, quickly and within memory. */
#ifndef PD_BUDGET_H
#define PD_BUDGET_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct pd_budget_limits {
    unsigned max_depth;      /* containers inside containers */
    uint64_t max_members;    /* members across all levels */
    uint64_t max_bytes;      /* expanded bytes across all levels */
    unsigned max_ratio;      /* expanded bytes per byte of the file, checked past 16 MiB */
    unsigned timeout;        /* seconds */
};

/* The limits a worker configured without any uses (library callers, tests, fuzzing). They are
 * the defaults of the --archive-* options in cli/options.c; tests/unit/test-options.c fails when
 * the two differ. */
extern const struct pd_budget_limits pd_budget_defaults;

struct pd_budget {
    struct pd_budget_limits limits;
    uint64_t members, expanded, file_size;
    struct timespec start;
    char exceeded[160]; /* empty while within the budget */
};

void pd_budget_start(struct pd_budget *b, const struct pd_budget_limits *limits, uint64_t file_size);
/* Each returns false (and says why in b->exceeded) once a limit is passed. */
bool pd_budget_depth(struct pd_budget *b, unsigned depth);
bool pd_budget_member(struct pd_budget *b);
bool pd_budget_bytes(struct pd_budget *b, uint64_t more);

#endif

/* Policies: JSON files derived from the laws (article by article) that turn findings and unit
 * facts into violations with a severity, a legal basis and a remediation, in Vietnamese and
 * English. No law text or article number lives in C: it is all in the JSON files in policies/.
 * Format: docs/policy-format.md and docs/policy.schema.json. */
#ifndef PD_POLICY_H
#define PD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/error.h"
#include "scanner/unit.h"

enum pd_severity { PD_SEV_INFO, PD_SEV_LOW, PD_SEV_MEDIUM, PD_SEV_HIGH, PD_SEV_CRITICAL, PD_SEV_COUNT };

const char *pd_severity_name(enum pd_severity sev);
/* Returns false if name is not a severity. */
bool pd_severity_parse(const char *name, enum pd_severity *out);

struct pd_policy_set;

/* ---- plain rule data, read by reports/ (owned by the set, valid while it lives) ---- */

/* A text in Vietnamese and English (either may be NULL). */
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

enum pd_scope { PD_SCOPE_UNIT, PD_SCOPE_FOLDER, PD_SCOPE_SCAN };

const char *pd_scope_name(enum pd_scope scope); /* "unit", "folder", "scan" */

struct pd_cond;
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
    struct pd_cond *cond;  /* internal to policies/ */
    struct pd_exception *exceptions;
    size_t n_exceptions;
};

struct pd_class {
    char *name;
    char **globs;
    size_t n_globs;
};

struct pd_policy_info {
    char *id, *file;
    struct pd_vi_en title;
    char sha256[65]; /* of the file as read: which text of the law was evaluated */
};

size_t pd_policy_rule_count(const struct pd_policy_set *set);
const struct pd_rule *pd_policy_rule(const struct pd_policy_set *set, size_t i);
/* The law a basis names (the loader checked that it exists). */
const struct pd_law *pd_policy_law(const struct pd_policy_set *set, const char *id);
size_t pd_policy_file_count(const struct pd_policy_set *set);
const struct pd_policy_info *pd_policy_file(const struct pd_policy_set *set, size_t i);
size_t pd_policy_class_count(const struct pd_policy_set *set);
const struct pd_class *pd_policy_class(const struct pd_policy_set *set, size_t i);
/* Calls fn for every exception that has expired (it no longer suppresses anything): the
 * policy-level ones first, then each rule's, in file order. */
void pd_policy_each_expired(const struct pd_policy_set *set, void (*fn)(void *arg, const struct pd_exception *x),
                            void *arg);
/* Every path glob the policies hold, for checking them against real trees: location-class globs
 * (where: the class name), path conditions (where: NULL) and exception paths (where: the rule or
 * policy). */
void pd_policy_each_glob(const struct pd_policy_set *set,
                         void (*fn)(void *arg, const char *what, const char *where, const char *glob), void *arg);
/* Mistakes that load but do nothing: a location class no rule uses (with the nearest used name),
 * a glob without a wildcard, an expired exception. Calls warn for each; returns how many. */
size_t pd_policy_lint(const struct pd_policy_set *set, void (*warn)(void *arg, const char *message), void *arg);


/* Loads policy files in order: later files layer over earlier ones (override or disable rules by
 * id, add location classes and settings). A malformed file never half-loads: the message names
 * the file, the JSON path, line:column and what was expected. today (YYYYMMDD as a number) decides
 * which exceptions have expired; 0: the current date. */
enum pd_error pd_policy_load(const char *const *paths, size_t n, long today, struct pd_policy_set **out,
                             struct pd_diag *diag);
void pd_policy_destroy(struct pd_policy_set *set);

/* The shipped policy files: $PDPSCAN_POLICY_DIR, the installed data directory, or policies/ in
 * the source tree next to an uninstalled binary. Returns the number found (paths malloc'd). */
size_t pd_policy_default_files(char ***paths);


/* One violation: a rule whose condition held for a subject (a unit, a folder or the whole scan). */
struct pd_violation {
    const struct pd_policy_set *set;
    size_t rule;           /* index into the set (pd_policy_rule) */
    enum pd_severity severity;
    const char *scope;     /* "unit", "folder", "scan" */
    const char *subject;   /* path of the unit or folder; NULL for the scan */
    uint64_t findings, distinct;
    char (*fingerprints)[33];
    size_t n_fingerprints;
    const char *expired_exception; /* reason of an exception that would have applied but expired */
};

/* The violated rule. */
const struct pd_rule *pd_violation_rule(const struct pd_violation *v);
/* Law id -> number, for totals by law; NULL if unknown. */
size_t pd_violation_laws(const struct pd_violation *v, const char **laws, size_t max);

/* Evaluation state over one scan. Not thread-safe: the report thread owns it. */
struct pd_policy_eval;

typedef void (*pd_violation_sink)(void *arg, const struct pd_violation *v);

enum pd_error pd_policy_eval_create(const struct pd_policy_set *set, time_t now, struct pd_policy_eval **out);
void pd_policy_eval_destroy(struct pd_policy_eval *ev);
/* Evaluates unit-scope rules for one finished unit and adds it to folder and scan aggregates. */
void pd_policy_eval_unit(struct pd_policy_eval *ev, const struct pd_unit *unit, pd_violation_sink sink, void *arg);
/* Evaluates folder- and scan-scope rules over everything seen. */
void pd_policy_eval_finish(struct pd_policy_eval *ev, pd_violation_sink sink, void *arg);

#endif

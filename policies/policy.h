/* Policies: JSON files derived from the laws (article by article) that turn findings and unit
 * facts into violations with a severity, a legal basis and a remediation, in Vietnamese and
 * English. No law text or article number lives in C: it is all in the JSON files in policies/.
 * Format: docs/policy-format.md and docs/policy.schema.json. */
#ifndef PD_POLICY_H
#define PD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "scanner/error.h"
#include "scanner/unit.h"

enum pd_severity { PD_SEV_INFO, PD_SEV_LOW, PD_SEV_MEDIUM, PD_SEV_HIGH, PD_SEV_CRITICAL, PD_SEV_COUNT };

const char *pd_severity_name(enum pd_severity sev);
/* Returns false if name is not a severity. */
bool pd_severity_parse(const char *name, enum pd_severity *out);

struct pd_policy_set;

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

/* Text for `pdpscan policy list` and `pdpscan policy explain RULE`. */
void pd_policy_print_list(const struct pd_policy_set *set, FILE *out);
bool pd_policy_print_explain(const struct pd_policy_set *set, const char *rule_id, FILE *out);
size_t pd_policy_rule_count(const struct pd_policy_set *set);

/* One violation: a rule whose condition held for a subject (a unit, a folder or the whole scan). */
struct pd_violation {
    const struct pd_policy_set *set;
    size_t rule;           /* index into the set, for pd_violation_json */
    enum pd_severity severity;
    const char *scope;     /* "unit", "folder", "scan" */
    const char *subject;   /* path of the unit or folder; NULL for the scan */
    uint64_t findings, distinct;
    char (*fingerprints)[33];
    size_t n_fingerprints;
    const char *expired_exception; /* reason of an exception that would have applied but expired */
};

struct json_object;
/* The violation as a report record (rule, severity, legal basis, remediation, counts...). */
struct json_object *pd_violation_json(const struct pd_violation *v);
/* The members every violation of a rule shares: title, remediation and legal_basis, in that
 * order, which follow rule, policy, severity, scope and subject in the record. */
struct json_object *pd_violation_rule_json(const struct pd_policy_set *set, size_t rule);
/* The violated rule's id and the policy it comes from. */
void pd_violation_rule_names(const struct pd_violation *v, const char **id, const char **policy);
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

/* Notes for the report: exceptions that have expired (they no longer suppress anything). */
size_t pd_policy_expired_exceptions(const struct pd_policy_set *set, struct json_object **notes);

#endif

/* Internals shared by the report's files: reading back a JSON report (for `pdpscan diff` and
 * `--baseline`), and the identity of a violation across runs. */
#ifndef PD_REPORTS_INT_H
#define PD_REPORTS_INT_H

#include <json-c/json.h>

#include "util/error.h"

/* Loads a pdpscan JSON report (schema 1.x); NULL with the reason in diag. A report hashed with
 * --ephemeral-key is refused: its fingerprints match no other run's. */
struct json_object *pd_report_load(const char *path, struct pd_diag *diag);
/* The report's key identity (scan.key_id), or NULL when it has none (a report before 1.7.0). */
const char *pd_report_key_id(struct json_object *report);

/* A member of o of that type, or NULL. */
struct json_object *pd_report_member(struct json_object *o, const char *key, json_type type);
const char *pd_report_string(struct json_object *o, const char *key);

/* rule, scope and subject joined by a unit separator (malloc'd; NULL without memory): what names
 * a violation from one run to the next, whatever findings it holds. */
char *pd_report_violation_key(const char *rule, const char *scope, const char *subject);

#endif

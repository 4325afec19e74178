/* The report-writer interface. A writer sees the scan start, each finished unit (with its
 * findings) and the summary at the end, always from the single report thread. Writers are listed
 * once in PD_WRITER_LIST; adding one is a new file and one line there. */
#ifndef PD_WRITER_H
#define PD_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "detectors/detector.h"
#include "policies/policy.h"
#include "util/error.h"
#include "scanner/state.h"
#include "scanner/unit.h"

struct json_object;

struct pd_report_info {
    const char *tool_version;
    time_t started;
    char **roots;
    size_t n_roots;
    const struct pd_root *resolved; /* n_roots of them (scanner/roots.h), or NULL */
    struct json_object *options; /* what was asked, never secrets; owned by the caller */
    bool reveal;
    bool read_binary; /* --binary: binary files were read for their strings, not skipped */
    const struct pd_baseline *baseline; /* --baseline: what an earlier report held, left out; or NULL */
    bool incremental; /* --state: unchanged files carried, vanished ones reported gone */
    const char *key_id; /* one-way identity of the hashing key (32 hex), or NULL */
    const struct pd_policy_set *policies; /* NULL: no policy evaluation */
};

#define PD_MAX_LAWS 16

struct pd_law_total {
    const char *number;
    uint64_t violations;
};

struct pd_detector_total {
    const struct pd_detector *detector;
    uint64_t findings;
    uint64_t units;
};

struct pd_report_summary {
    const struct pd_report_info *info;
    time_t finished;
    const char *interrupted_by; /* "SIGINT", "SIGTERM" or NULL */
    bool partial;               /* interrupted, or some unit not read whole */
    uint64_t units;
    uint64_t by_status[PD_UNIT_STATUS_COUNT];
    uint64_t bytes_total, bytes_scanned;
    uint64_t findings, findings_unlisted, units_with_findings;
    uint64_t binary_units; /* binary files: skipped, or their printable strings read (--binary) */
    uint64_t baseline_findings, baseline_violations; /* left out: the baseline report held them */
    uint64_t carried_units;                         /* --state: taken from the state, not read */
    const struct pd_state_gone *gone;                /* --state: files kept but no longer there */
    size_t n_gone;
    uint64_t gone_unlisted;                         /* beyond PD_STATE_GONE_LISTED */
    uint64_t by_category[PD_CAT_COUNT];
    struct pd_detector_total *by_detector; /* in table order */
    size_t n_detectors;
    uint64_t violations;
    uint64_t by_severity[PD_SEV_COUNT];
    struct pd_law_total by_law[PD_MAX_LAWS];
    size_t n_laws;
    struct json_object *policy_notes; /* expired exceptions; NULL without policies */
};

struct pd_writer {
    const char *format;
    const char *extensions; /* space-separated: the output file endings that choose this format */
    const char *description;
    bool atomic; /* written to a temporary file renamed into place at the end */
    enum pd_error (*begin)(void **state, FILE *out, const struct pd_report_info *info);
    enum pd_error (*unit)(void *state, const struct pd_unit *unit);
    enum pd_error (*violation)(void *state, const struct pd_violation *violation);
    enum pd_error (*end)(void *state, const struct pd_report_summary *summary);
    void (*destroy)(void *state);
};

#define PD_WRITER_LIST(X) \
    X(json)               \
    X(jsonl)              \
    X(csv)                \
    X(sarif)              \
    X(html)               \
    X(text)

#define PD_WRITER_DECLARE(name) extern const struct pd_writer pd_writer_##name;
PD_WRITER_LIST(PD_WRITER_DECLARE)
#undef PD_WRITER_DECLARE

const struct pd_writer *pd_writer_find(const char *format);

/* Writes one finding record (with a "type" member last when type is not NULL) straight to out:
 * a unit may list 10,000 findings, too many to build as objects. */
enum pd_error pd_json_put_finding(FILE *out, const struct pd_finding *f, const struct pd_unit *u, bool reveal,
                                  const char *type);

/* The same for a unit record. */
enum pd_error pd_json_put_unit(FILE *out, const struct pd_unit *u, const char *type);

/* Violation records: each rule's texts are printed once and kept here (one per writer). */
struct pd_json_rule_cache {
    const struct pd_policy_set *set;
    char **texts; /* by rule index: the title, remediation and legal_basis members */
    size_t n;
};
enum pd_error pd_json_put_violation(FILE *out, struct pd_json_rule_cache *cache, const struct pd_violation *v,
                                    const char *type);
void pd_json_rule_cache_free(struct pd_json_rule_cache *cache);

/* Shared by the JSON-based writers: records in the report's documented shape. Return new objects. */
struct json_object *pd_json_scan(const struct pd_report_summary *s);
struct json_object *pd_json_counters(const struct pd_report_summary *s);
struct json_object *pd_json_totals(const struct pd_report_summary *s);
struct json_object *pd_json_policies(const struct pd_report_summary *s);
/* --state: the files gone since the state was written (path, findings), as an array. */
struct json_object *pd_json_gone(const struct pd_report_summary *s);
struct json_object *pd_json_string(const char *maybe_invalid_utf8);
/* The members every violation of a rule shares: title, remediation and legal_basis, in that
 * order, which follow rule, policy, severity, scope and subject in the record (violations.c). */
struct json_object *pd_rule_texts_json(const struct pd_policy_set *set, const struct pd_rule *rule);
/* Notes for the report: exceptions that have expired, as an array. */
struct json_object *pd_expired_exceptions_json(const struct pd_policy_set *set);
void pd_json_time(char out[32], time_t t);
/* Copies a spill file (records kept aside while the scan runs) into the report, from its start. */
enum pd_error pd_report_copy_spill(FILE *from, FILE *to);
/* n bytes for people: "812 B", "3.4 MiB", "1.2 TiB" (text.c; the progress line uses it too). */
void pd_report_human_bytes(uint64_t n, char out[32]);

#endif

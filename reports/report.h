/* The report pipeline: workers submit finished units to a bounded queue; one report thread
 * updates the counters and feeds every writer, so a writer never needs a lock. */
#ifndef PD_REPORT_H
#define PD_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "reports/writer.h"
#include "util/error.h"
#include "scanner/unit.h"

struct pd_report;

/* Opens the report in format to path (NULL or "-": standard output), created mode 0600.
 * With summary_to_terminal, a text summary also goes to standard error at the end. A NULL
 * format writes nothing: the report only counts and evaluates policies, for the exit code. */
enum pd_error pd_report_open(const char *format, const char *path, bool summary_to_terminal,
                             const struct pd_report_info *info, struct pd_report **out, struct pd_diag *diag);

#define PD_REPORT_OUTPUTS 2 /* the report in its format, and the terminal summary */

/* The files the report writes, for the walker to leave alone: fds[i] is each output's descriptor
 * (a standard stream too, which may be redirected to a file), replaced[i] the file an atomic
 * output will be renamed over at the end, or NULL. Returns the count. */
size_t pd_report_outputs(const struct pd_report *report, int fds[PD_REPORT_OUTPUTS],
                         const char *replaced[PD_REPORT_OUTPUTS]);

/* Files (top-level units) and their bytes taken in so far, and findings counted: for a progress
 * line, from any thread. */
void pd_report_progress(struct pd_report *report, uint64_t *files, uint64_t *bytes, uint64_t *findings);

/* Hands a finished unit to the report thread (takes ownership; blocks while the queue is full). */
void pd_report_submit(struct pd_report *report, struct pd_unit *unit);

/* --state: the files kept in the state that the walk no longer found (the caller keeps them
 * until pd_report_close returns). Before pd_report_close. */
void pd_report_set_gone(struct pd_report *report, const struct pd_state_gone *gone, size_t n, uint64_t unlisted);

/* Drains the queue, writes the end of every output and puts files in place. The summary's counts
 * are copied to *out_summary when it is not NULL (its by_detector is then freed by the report). */
enum pd_error pd_report_close(struct pd_report *report, const char *interrupted_by,
                              struct pd_report_summary *out_summary, struct pd_diag *diag);

/* The format an output file's name asks for by its extension (".json", ".csv"...; any case), or
 * NULL when no writer claims it. */
const char *pd_report_format_for_path(const char *path);
bool pd_report_format_known(const char *format);
/* The formats ("json, jsonl, ...") or the extensions (".json, .jsonl, ...") in table order, for
 * messages; returns the length written. */
size_t pd_report_formats(char *out, size_t cap, bool extensions);

/* Reports named by date: whether a -o name holds strftime conversions (%Y...; "%%" is a "%"), its
 * expansion for a time, and, once a report is in place, the removal of all but the newest `keep`
 * files of its directory whose names fit the pattern (each conversion as "*"; only regular files
 * of this user). *removed counts them. */
bool pd_report_name_has_date(const char *pattern);
enum pd_error pd_report_name_expand(const char *pattern, time_t when, char *out, size_t cap, struct pd_diag *diag);
enum pd_error pd_report_keep_latest(const char *pattern, unsigned keep, unsigned *removed, struct pd_diag *diag);

/* The findings and violations of an earlier JSON report (--baseline): a scan given one reports,
 * counts and gates only what that report lacks. */
struct pd_baseline;
enum pd_error pd_baseline_load(const char *path, struct pd_baseline **out, struct pd_diag *diag);
void pd_baseline_free(struct pd_baseline *baseline);
/* The identity of the key the baseline report was hashed with (scan.key_id), or NULL. */
const char *pd_baseline_key_id(const struct pd_baseline *baseline);
bool pd_baseline_has_finding(const struct pd_baseline *baseline, const char *fingerprint);
bool pd_baseline_has_violation(const struct pd_baseline *baseline, const char *rule, const char *scope,
                               const char *subject);

/* Compares two JSON reports (`pdpscan diff`): findings by fingerprint, violations by rule,
 * scope and subject; prints new, fixed and unchanged counts and lists, as text or one JSON
 * object. *anything_new tells whether the new report holds a finding or violation the old lacks. */
enum pd_error pd_report_diff(const char *old_path, const char *new_path, bool json, FILE *out, bool *anything_new,
                             struct pd_diag *diag);

/* pdpscan merge: the JSON reports of one scan's shards (--shard K/N, each of 0..N-1 once, one
 * version, key, set of roots, options and policy files; else PD_ERR_USAGE naming the difference)
 * made into one report, as one run over all the roots would write it: units and findings read
 * back and submitted, counters and every policy rule evaluated again. */
struct pd_merge;
enum pd_error pd_merge_load(char *const *paths, size_t n, struct pd_merge **out, struct pd_diag *diag);
/* The shards' options (without their shard): which policies to load. */
struct json_object *pd_merge_options(const struct pd_merge *merge);
/* Refuses a policy set other than the one the shards were evaluated with (by sha256). */
enum pd_error pd_merge_check_policies(const struct pd_merge *merge, const struct pd_policy_set *set,
                                      struct pd_diag *diag);
enum pd_error pd_merge_write(struct pd_merge *merge, const char *format, const char *output, bool summary,
                             const struct pd_policy_set *policies, struct pd_report_summary *out, struct pd_diag *diag);
void pd_merge_free(struct pd_merge *merge);

/* Text for `pdpscan policy list`, and for `pdpscan policy explain RULE` (false: no such rule). */
void pd_report_policy_list(const struct pd_policy_set *set, FILE *out);
bool pd_report_policy_explain(const struct pd_policy_set *set, const char *rule_id, FILE *out);

#endif

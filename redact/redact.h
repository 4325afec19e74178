/* pdpscan redact: a cleaned copy of each input; the input itself is never changed. Plain text,
 * Markdown, CSV/TSV (in the encoding pdpscan read them in, written back in it), JSON, JSON Lines
 * and SQL dumps are redacted in place: each finding at or above a confidence is replaced by its
 * operator's output, so that rows, records, keys, types, line endings and the BOM stay as they
 * were. The copy is then scanned again with every detector, and kept only when nothing at or
 * above that confidence remains (or when asked to keep it). */
#ifndef PD_REDACT_H
#define PD_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detectors/engine.h"
#include "util/error.h"

/* Which operator each finding gets: its detector's rule, else its category's, else the law's
 * default (sensitive data and state-secret markings replaced by a type tag, basic identifiers
 * masked). */
struct pd_redact_rules;
enum pd_error pd_redact_rules_create(struct pd_redact_rules **out);
void pd_redact_rules_free(struct pd_redact_rules *rules);

/* One rule, "KEY=OPERATOR[:ARGUMENT]": KEY a detector id or a category (basic, sensitive,
 * state_secret); OPERATOR mask[:FIRST,LAST], replace[:TEXT], hash[:digits], drop or keep. A later
 * rule for the same key wins. PD_ERR_USAGE says what is wrong. */
enum pd_error pd_redact_rules_add(struct pd_redact_rules *rules, const char *spec, struct pd_diag *diag);

/* A redaction policy file (docs/redaction-policy.md): its rules, and its min_confidence when it
 * has one (*min_confidence is left alone otherwise). Refused with the file, member and cause. */
enum pd_error pd_redact_rules_load(struct pd_redact_rules *rules, const char *path, int *min_confidence,
                                   struct pd_diag *diag);

struct pd_redact_options {
    char *const *inputs; /* files or directories */
    size_t n_inputs;
    const char *output;  /* one file input: the file (or a directory); else a directory */
    const char *report;  /* the redaction report (JSON, docs/redaction-report.schema.json); NULL: none */
    const struct pd_engine *engine; /* every detector at confidence 1: labelled fields are told apart */
    const struct pd_redact_rules *rules;
    int min_confidence;  /* findings redacted and verified from this confidence on */
    bool keep_failed;    /* a copy in which the rescan still finds something is kept */
    bool copy_unsupported; /* formats that cannot be redacted are copied as they are */
    const char *tool_version;
};

/* What became of the inputs' files. */
struct pd_redact_summary {
    uint64_t files;       /* regular files met */
    uint64_t redacted;    /* written and verified */
    uint64_t failed;      /* the rescan still found something: not kept unless keep_failed */
    uint64_t unsupported; /* not redacted: copied with copy_unsupported, else only listed */
    uint64_t errors;      /* unreadable, malformed or not writable: nothing written */
    uint64_t findings;    /* redacted */
};

/* Redacts every input into opts->output. Returns PD_OK once every file has a fate (the summary
 * counts them; the report lists them); an error only for what stops the whole run (the output
 * cannot be made, the report cannot be written). */
enum pd_error pd_redact_run(const struct pd_redact_options *opts, struct pd_redact_summary *summary,
                            struct pd_diag *diag);

#endif

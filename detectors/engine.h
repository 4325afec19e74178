/* The detection engine: every selected detector compiled into one Hyperscan database over the
 * folded view, confirmed by PCRE2 (JIT), validated, scored by context, masked and hashed.
 * The engine is immutable after creation and shared by all threads; each thread scans with its
 * own pd_engine_scratch. */
#ifndef PD_ENGINE_H
#define PD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "detectors/detector.h"
#include "util/error.h"

struct pd_engine_options {
    const char *enable;   /* comma-separated detector ids or categories; NULL or "": all */
    const char *disable;  /* comma-separated detector ids or categories to leave out */
    int min_confidence;   /* findings below are dropped (0-100) */
    bool reveal;          /* keep clear values in findings */
    const unsigned char *key; /* HMAC key for value hashes */
    size_t key_len;
    int current_year;     /* 0: this year */
    const char *cache_dir; /* compiled databases kept between runs; NULL: always compile */
};

struct pd_engine;
struct pd_engine_scratch;

enum pd_error pd_engine_create(const struct pd_engine_options *opts, struct pd_engine **out,
                               struct pd_diag *diag);
void pd_engine_destroy(struct pd_engine *engine);

/* The detectors compiled in, in table order. */
const struct pd_detector *const *pd_engine_detectors(const struct pd_engine *engine, size_t *count);

/* The regular expression Hyperscan runs for a detector (guards included, on folded text): the
 * whole pattern, or only its anchor (a label, an e-mail's "@"). Caller frees. */
char *pd_engine_scan_pattern(const struct pd_detector *det);
/* The detector's whole pattern in the same syntax (label and value): what the benchmark hands to
 * a peer tool, so that it finds what pdpscan confirms. Caller frees. */
char *pd_engine_full_pattern(const struct pd_detector *det);

/* Longest match plus surrounding context any detector needs: windows must overlap by twice this. */
size_t pd_engine_reach(const struct pd_engine *engine);

enum pd_error pd_engine_scratch_create(const struct pd_engine *engine, struct pd_engine_scratch **out,
                                       struct pd_diag *diag);
void pd_engine_scratch_destroy(struct pd_engine_scratch *scratch);

/* Receives each finding; offsets are raw offsets within the window. Return false to stop. */
typedef bool (*pd_finding_sink)(void *arg, struct pd_finding *finding);

/* Scans one window's views and hands the sink every finding whose raw start lies in
 * [own_lo, own_hi), overlaps resolved, in offset order; line and column are left 0. Only the
 * first describe_room findings get a masked value, keyed hash and attributes (and a clear value
 * with reveal): the rest have none, for callers that only count beyond a listing cap.
 * *truncated is set when the candidate limit cut the window short. */
enum pd_error pd_engine_scan(struct pd_engine_scratch *scratch, const struct pd_text *text,
                             size_t own_lo, size_t own_hi, size_t describe_room,
                             pd_finding_sink sink, void *arg, bool *truncated);

/* Frees what a finding owns (its clear value). */
void pd_finding_clear(struct pd_finding *finding);

#endif

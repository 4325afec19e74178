/* A worker scans one file at a time with its own Hyperscan scratch, PCRE2 match data, libmagic
 * cookie and buffers; nothing in it is shared with other threads. */
#ifndef PD_WORKER_H
#define PD_WORKER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "detectors/engine.h"
#include "util/error.h"
#include "scanner/unit.h"

#include "scanner/budget.h"

struct pd_slice;
struct pd_sandbox_user;

struct pd_worker_config {
    const struct pd_engine *engine;
    uint64_t max_file_size; /* 0: no limit */
    size_t window_size;     /* raw bytes per window (0: 256 KiB) */
    const atomic_int *stop; /* non-zero: finish the current window and stop */
    const struct pd_budget_limits *limits; /* containers; NULL: pd_budget_defaults */
    unsigned extractor_timeout;            /* seconds for pdftotext and friends (0: 60) */
    const struct pd_sandbox_user *extractor_user; /* who runs them when pdpscan is root; NULL: nobody */
    uint64_t db_sample;                    /* rows per table, 0: every row */
    bool read_binary;                      /* binary data: its printable strings read, not skipped */
    const char *stdin_name;                /* the unit that standard input (root "-") is named; NULL: "-" */
    bool content_hash;                     /* hash each file's bytes as it is read (--state) */
    /* Takes every finding (offset, line, field, hash, mask) instead of the unit, which then lists
     * and counts none: no cap of PD_UNIT_MAX_FINDINGS (pdpscan redact). NULL: the unit keeps them. */
    void (*finding)(void *arg, const struct pd_unit *unit, const struct pd_finding *f);
    void *finding_arg;
    /* Receives archive members and document parts as units of their own (takes ownership).
     * NULL: they are counted into their parent only. */
    void (*emit)(void *arg, struct pd_unit *unit);
    void *emit_arg;
    /* Text files of at least twice split_size are scanned in up to split_max slices by several
     * workers: split queues one (false: the scan is stopping, the slice is recorded as not
     * read). split NULL or split_size 0: files stay whole. */
    uint64_t split_size;
    unsigned split_max;
    bool (*split)(void *arg, struct pd_slice *slice);
    void *split_arg;
};

struct pd_worker;

enum pd_error pd_worker_create(const struct pd_worker_config *cfg, struct pd_worker **out, struct pd_diag *diag);
void pd_worker_destroy(struct pd_worker *worker);

/* Scans the file at path (found under root, NULL: none) into a new unit with its status, facts and findings; members of
 * containers become units of their own, handed to cfg->emit before this returns.
 * Returns NULL when memory runs out, or with *in_slices when the file went on in slices (the last
 * slice's pd_worker_scan_slice returns the unit). */
struct pd_unit *pd_worker_scan_file(struct pd_worker *worker, const char *path, const struct pd_root *root,
                                    bool *in_slices);

/* Scans one slice handed out through cfg->split (skip: the scan is stopping; the slice is
 * recorded as not read). Returns the whole file's unit when this was its last slice to finish,
 * else NULL. */
struct pd_unit *pd_worker_scan_slice(struct pd_worker *worker, struct pd_slice *slice, bool skip);

/* Scans an in-memory buffer as if it were a file (tests, fuzzing, future archive members). */
struct pd_unit *pd_worker_scan_buffer(struct pd_worker *worker, const char *location, const unsigned char *data,
                                      size_t len);

/* The same, handed straight to the format reader of mime, as if sniffing had said so (fuzzing a
 * reader with inputs sniffing would send elsewhere). The unit is in error when no reader takes
 * mime. */
struct pd_unit *pd_worker_scan_buffer_as(struct pd_worker *worker, const char *location, const unsigned char *data,
                                         size_t len, const char *mime);

#endif

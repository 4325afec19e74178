/* Internals shared by the worker, the format readers (scanner/formats/) and the database
 * backends (scanner/db/). */
#ifndef PD_WORKER_INT_H
#define PD_WORKER_INT_H

#include "scanner/budget.h"
#include "scanner/formats/formats.h"
#include "scanner/source.h"
#include "text/text.h"
#include "scanner/worker.h"

/* Scans a unit of any kind from src at the given container depth: sniff, then dispatch. */
void pd_worker_scan_unit(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth);

/* A byte range of a text stream: findings that start in [lo, hi) belong to this scan. */
struct pd_text_range {
    uint64_t base;            /* raw offset of the first window's first byte (lo minus context) */
    uint64_t lo, hi;
    uint64_t newlines;        /* out: newlines counted in [lo, hi) */
    uint64_t last_line_start; /* out: the offset after the last of them; lo if there was none */
};

/* Scans findings in range r of text whose first window (n bytes from r->base) is in buf, reading
 * the rest from src; lines count from r->lo. Fingerprints are left to the caller. */
void pd_worker_scan_range(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                          enum pd_encoding enc, struct pd_text_range *r);

/* The same for a slice of a large text: read through the text reader (tables, labelled lines),
 * from the first whole line when the slice starts mid-file. */
void pd_worker_scan_slice_range(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                          enum pd_encoding enc, struct pd_text_range *r);

/* Large files in slices (split.c). At depth 0, takes over a text file big enough to be worth it:
 * queues its other slices through cfg->split, scans the first itself. Returns false (nothing done)
 * when the file stays whole. On true, *unit_done tells whether u is complete (this slice was the
 * last to finish); otherwise u now belongs to the slices and the caller must not touch it. */
bool pd_split_begin(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                    enum pd_encoding enc, bool *unit_done);

/* The worker's depth-0 window buffer, its overlap, and the "file changed while read" check. */
unsigned char *pd_worker_window(struct pd_worker *w, size_t *size, size_t *overlap);
void pd_worker_check_shrunk(struct pd_unit *u);

/* Scans a stream known to be text in enc (document parts, extractor output). */
void pd_worker_scan_text(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                         enum pd_encoding enc);

/* Hands a finished child unit to the report (or frees it when nobody listens). */
void pd_worker_emit(struct pd_worker *w, struct pd_unit *u);

struct pd_budget *pd_worker_budget(struct pd_worker *w);
struct pd_text *pd_worker_text(struct pd_worker *w);
struct pd_engine_scratch *pd_worker_scratch(struct pd_worker *w);
/* Gives every finding of u its stable fingerprint. */
void pd_worker_fingerprints(struct pd_worker *w, struct pd_unit *u);

/* One open database connection per worker, reused while jobs name the same database. */
struct pd_db_slot {
    char *key;                 /* the connection string */
    void *conn;
    void (*close)(void *conn);
};
struct pd_db_slot *pd_worker_db(struct pd_worker *w);
const struct pd_worker_config *pd_worker_config_of(const struct pd_worker *w);

struct archive;
/* Starts reading the unit's stream as an archive at depth (zip_only: document packages): checks
 * the depth budget, opens seekable on a file (zip central directories, zip64), else streams from
 * the source. NULL, with the unit's status and reason set, when it cannot; otherwise the caller
 * ends with pd_archive_end(a, state). */
struct archive *pd_archive_begin(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                 bool zip_only, void **state);
void pd_archive_end(struct archive *a, void *state);

/* Scans the current entry of a as the unit child at depth, charging the budget; *budget_hit
 * tells whether the budget stopped it. */
void pd_archive_scan_member(struct pd_worker *w, struct pd_unit *child, struct archive *a, unsigned depth,
                            bool *budget_hit);

/* Creates "parent!member" (the location chain of archive members and document parts). */
struct pd_unit *pd_worker_child(const struct pd_unit *parent, const char *member);

#endif

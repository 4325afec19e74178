/* One scan's work, without its setup or its report: the walker feeds a bounded job queue (files,
 * database tables, slices of large files) that N worker threads drain; every finished unit goes
 * to the caller's sink. The caller owns the engine, the report and the signals. */
#ifndef PD_SCAN_H
#define PD_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "scanner/state.h"
#include "scanner/unit.h"
#include "scanner/walker.h"
#include "scanner/worker.h"

struct pd_scan_config {
    /* what every worker is given; the scan fills in stop, emit and split themselves */
    struct pd_worker_config worker;
    unsigned jobs; /* worker threads, at least 1 */
    struct pd_walk_options walk;
    /* --shard K/N: only the files, walk units and tables of shard K; shard_n 0: all */
    unsigned shard_k, shard_n;
    /* --state: unchanged files are carried from it, scanned ones recorded in it; NULL: none */
    struct pd_state *state;
    /* files the caller writes (its report): skipped with a reason, never read back */
    const struct pd_file_id *own;
    size_t n_own;
    /* Receives every finished unit (takes ownership), from any thread: the caller serialises. */
    void (*submit)(void *arg, struct pd_unit *unit);
    void *submit_arg;
};

struct pd_scan;

/* Prepares a scan (the job queue; no thread yet). cfg and what it points to must outlive it. */
enum pd_error pd_scan_create(const struct pd_scan_config *cfg, struct pd_scan **out, struct pd_diag *diag);
void pd_scan_destroy(struct pd_scan *scan);

/* Starts the workers, queues every database table and walks the roots, then waits for every
 * job. Returns PD_OK, or the error that stopped the walk or the start of a worker (cause in
 * diag); units already submitted stay submitted. */
enum pd_error pd_scan_run(struct pd_scan *scan, struct pd_diag *diag);

/* Asks a running scan to stop (from any thread, e.g. a signal thread): the walk ends, queued
 * units are submitted as skipped, workers finish their window. sig is kept for pd_scan_stopped. */
void pd_scan_stop(struct pd_scan *scan, int sig);

/* The sig given to pd_scan_stop, or 0. */
int pd_scan_stopped(const struct pd_scan *scan);

/* What the walk has found so far, for a progress line (from any thread). */
struct pd_scan_progress {
    uint64_t files, bytes;    /* files queued by the walk, and their sizes (carried ones not) */
    uint64_t queued;          /* jobs waiting or being scanned */
    bool walk_over;           /* files and bytes are final: an ETA can be given */
    const char *root;         /* the root being walked (as given), or NULL */
};
void pd_scan_progress(struct pd_scan *scan, struct pd_scan_progress *out);

#endif

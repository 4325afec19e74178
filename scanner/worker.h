/* A worker scans one file at a time with its own Hyperscan scratch, PCRE2 match data, libmagic
 * cookie and buffers; nothing in it is shared with other threads. */
#ifndef PD_WORKER_H
#define PD_WORKER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "detectors/engine.h"
#include "scanner/error.h"
#include "scanner/unit.h"

struct pd_worker_config {
    const struct pd_engine *engine;
    uint64_t max_file_size; /* 0: no limit */
    size_t window_size;     /* raw bytes per window (0: 256 KiB) */
    const atomic_int *stop; /* non-zero: finish the current window and stop */
};

struct pd_worker;

enum pd_error pd_worker_create(const struct pd_worker_config *cfg, struct pd_worker **out, struct pd_diag *diag);
void pd_worker_destroy(struct pd_worker *worker);

/* Scans the file at path into a new unit with its status, facts and findings.
 * Returns NULL only when memory runs out. */
struct pd_unit *pd_worker_scan_file(struct pd_worker *worker, const char *path);

/* Scans an in-memory buffer as if it were a file (tests, fuzzing, future archive members). */
struct pd_unit *pd_worker_scan_buffer(struct pd_worker *worker, const char *location, const unsigned char *data,
                                      size_t len);

#endif

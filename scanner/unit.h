/* A unit is one thing that was (or could not be) scanned: a file, an archive member, a document
 * part or a database table. Every unit ends with a status and, unless scanned whole, a reason. */
#ifndef PD_UNIT_H
#define PD_UNIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "detectors/detector.h"
#include "util/error.h"

enum pd_unit_status {
    PD_UNIT_SCANNED, /* read whole */
    PD_UNIT_PARTIAL, /* read in part; reason says why; findings so far are kept */
    PD_UNIT_SKIPPED, /* deliberately not read; reason says why */
    PD_UNIT_ERROR,   /* could not be read; reason says why */
    PD_UNIT_STATUS_COUNT
};

const char *pd_unit_status_name(enum pd_unit_status status);

#define PD_UNIT_MAX_FINDINGS 10000
#define PD_FINDING_CHUNK 64 /* findings per allocation (23 KB) */
#define PD_COLUMN_EXAMPLES 3

#include "util/hashset.h"

/* What one detector found in one database column. */
struct pd_column_stat {
    const struct pd_detector *detector;
    uint64_t count, rows, last_row;
    struct pd_hashset distinct;
    int confidence; /* the best */
    char examples[PD_COLUMN_EXAMPLES][96]; /* masked */
    unsigned n_examples;
};

struct pd_column {
    char *name;
    uint64_t rows; /* rows read (sampled) */
    struct pd_column_stat *stats;
    size_t n_stats;
};

struct pd_root;

struct pd_unit {
    char *path;
    /* the root it was found under (scanner/roots.h); path starts with its given name, root_len
     * bytes long. NULL: a database table, or a unit made outside a scan */
    const struct pd_root *root;
    size_t root_len;
    enum pd_unit_status status;
    char reason[320];
    uint64_t size;
    uint64_t bytes_scanned;
    int64_t mtime;
    mode_t mode;
    uid_t uid;
    bool have_stat;
    /* top-level files: what --state compares next time (scanner/state.h) */
    uint64_t dev, ino;
    int64_t mtime_ns, ctime_ns;
    unsigned char content_hash[32]; /* SHA-256 of the file's bytes, when have_content_hash */
    bool have_content_hash;         /* the scan read the whole file in order (not in slices) */
    bool carried;                   /* not read: taken unchanged from the --state file */
    char mime[96];
    const char *encoding; /* static string or NULL */
    bool binary;          /* binary data: skipped, or only its printable strings read (--binary) */
    /* findings in chunks that never move: a growing array was copied at every doubling */
    struct pd_finding *chunks[(PD_UNIT_MAX_FINDINGS + PD_FINDING_CHUNK - 1) / PD_FINDING_CHUNK];
    size_t n_findings;
    uint64_t findings_unlisted; /* found beyond PD_UNIT_MAX_FINDINGS: counted, not listed */
    uint64_t unlisted_by_detector[PD_MAX_DETECTORS]; /* the same, by index in pd_detectors() */
    struct pd_column *columns;  /* database tables only */
    /* field paths that labelled findings in structured files ("khach_hang[].ho_ten") */
    char **field_names;
    const void **field_keys; /* the reader's identity of each: its path pointer */
    size_t n_field_names;
    size_t n_columns;
    uint64_t rows;
};

/* Creates a unit for path (copied). Returns NULL on allocation failure. */
struct pd_unit *pd_unit_create(const char *path);
void pd_unit_destroy(struct pd_unit *unit);

/* Sets status and a formatted reason (never containing a scanned value: bytes that database
 * drivers quote in hex, "0xe1 0xbb" or "\xE1\xBB", become "0x.."). */
void pd_unit_set(struct pd_unit *unit, enum pd_unit_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Takes ownership of the finding (and its clear value). Beyond the cap, it is counted only. */
enum pd_error pd_unit_add_finding(struct pd_unit *unit, struct pd_finding *finding);

/* The unit's copy of a field path, key being the reader's stable pointer for it (NULL: compare
 * the paths, as a merge of slices does); NULL when out of memory (the finding is then reported
 * without its field). */
const char *pd_unit_field_name(struct pd_unit *unit, const void *key, const char *path);

/* The i-th listed finding, i < unit->n_findings. */
static inline struct pd_finding *pd_unit_finding(const struct pd_unit *unit, size_t i)
{
    return &unit->chunks[i / PD_FINDING_CHUNK][i % PD_FINDING_CHUNK];
}

/* Bytes the unit holds in memory, for queue budgets. */
size_t pd_unit_bytes(const struct pd_unit *unit);

/* Removes the listed findings drop() says so of, keeping the others in order; returns how many
 * went. */
size_t pd_unit_drop_findings(struct pd_unit *unit, bool (*drop)(const void *arg, const struct pd_finding *f),
                             const void *arg);

#endif

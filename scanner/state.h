/* Incremental scans (--state FILE): what each file was when last scanned (device, inode, size,
 * modification and change times, the SHA-256 of its bytes) and the units it gave, kept in one
 * SQLite file. A file that has not changed is not read again: its units come back from the state,
 * marked carried. Writes go to temporary tables during the run and reach the file in one
 * transaction at the end, so that the state file never holds half a run and its journal never
 * appears in a tree while the walk may see it. Every call is safe from any thread. */
#ifndef PD_STATE_H
#define PD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util/error.h"
#include "scanner/roots.h"
#include "scanner/unit.h"

/* What the walk's stat() said of a file: equal to what was recorded means unchanged. */
struct pd_file_meta {
    uint64_t dev, ino, size;
    int64_t mtime_ns, ctime_ns;
};
void pd_file_meta_from_stat(struct pd_file_meta *m, const struct stat *st);

struct pd_state;

/* Opens path, creating it (mode 0600) when missing. settings names everything that decides what
 * a file's scan gives (version, key, detectors, limits): a state written under other settings is
 * emptied. A file that is no usable state (corrupt, not SQLite, another format) is rebuilt. Both
 * leave a warning for pd_state_notice. roots: this run's (a file's key is its root's id and its
 * path under the root). Fails (PD_ERR_USAGE) when another pdpscan holds the state, or the
 * path cannot be created. */
enum pd_error pd_state_open(const char *path, const char *settings, const struct pd_root *roots, size_t n_roots,
                            struct pd_state **out, struct pd_diag *diag);

/* What opening had to say ("" when nothing): settings changed, a corrupt file rebuilt. */
const char *pd_state_notice(const struct pd_state *state);

/* The state file itself, for the walk to leave alone. */
bool pd_state_file_id(const struct pd_state *state, uint64_t *dev, uint64_t *ino);

enum pd_state_verdict {
    PD_STATE_READ,   /* new, changed, or not kept: scan it */
    PD_STATE_CARRY,  /* unchanged: pd_state_carry */
    PD_STATE_VERIFY, /* only its times or inode changed: read it to compare its content hash */
};

/* Looks path (under root) up and counts it as seen by this run. For VERIFY, content gets the
 * recorded hash. */
enum pd_state_verdict pd_state_check(struct pd_state *state, const struct pd_root *root, const char *path,
                                     const struct pd_file_meta *now, unsigned char content[32]);

/* Recreates the file's recorded units (its members first, the file last), each marked carried,
 * and hands them to submit. now: the file's facts when they changed but its content did not
 * (VERIFY), kept for the next run; NULL otherwise. Nothing is submitted on failure (a record
 * that cannot be decoded: the caller scans the file instead). */
enum pd_error pd_state_carry(struct pd_state *state, const struct pd_root *root, const char *path,
                             const struct pd_file_meta *now, void (*submit)(void *arg, struct pd_unit *unit),
                             void *arg, struct pd_diag *diag);

/* The SHA-256 of the file's bytes, read without changing its access time; false when it cannot
 * be read or is no longer expect->size bytes long. */
bool pd_state_hash_file(const char *path, const struct pd_file_meta *expect, unsigned char out[32]);

/* One file's units as the scan gives them (members as they come, the file last). */
struct pd_state_record;
struct pd_state_record *pd_state_record_begin(void);
/* Keeps a copy of the unit (before the report takes it). */
void pd_state_record_unit(struct pd_state_record *rec, const struct pd_unit *unit);
/* Stores the record under its file (top, already given to pd_state_record_unit) and frees it. A
 * file is kept only when all its units were read whole or skipped by choice, and the scan was not
 * stopping: anything else is read again next time. */
void pd_state_record_end(struct pd_state *state, struct pd_state_record *rec, const struct pd_unit *top,
                         bool stopping);
void pd_state_record_free(struct pd_state_record *rec);

/* A unit the walk decided itself (excluded, special file, unreadable directory): files kept
 * under it are not reported gone; those under an unreadable directory stay kept. */
void pd_state_note_walked(struct pd_state *state, const struct pd_unit *unit);

/* Files kept from earlier runs under this run's roots that the walk did not see. */
struct pd_state_gone {
    char *path;        /* as this run names its root */
    uint64_t findings; /* what it held */
};
#define PD_STATE_GONE_LISTED 10000 /* beyond that, gone files are counted only */

/* Ends the run: with complete (the walk went through every root), files kept but not seen are
 * removed from the state and listed in *gone (malloc'd, *n_gone of them, *unlisted more); then
 * everything recorded is written in one transaction. An incomplete run only adds what it read. */
enum pd_error pd_state_finish(struct pd_state *state, bool complete, struct pd_state_gone **gone, size_t *n_gone,
                              uint64_t *unlisted, struct pd_diag *diag);
void pd_state_gone_free(struct pd_state_gone *gone, size_t n);

/* Closes (a run not finished adds nothing). Units carried from it must be gone first: they
 * point at its strings. */
void pd_state_close(struct pd_state *state);

/* For fuzzing and tests: decodes one recorded file's units (the format pd_state_record_end
 * writes) under root, handing each to submit. */
enum pd_error pd_state_decode(struct pd_state *state, const char *record, size_t len, const struct pd_root *root,
                              void (*submit)(void *arg, struct pd_unit *unit), void *arg, struct pd_diag *diag);

#endif

/* The walker: turns roots into a stream of file paths for the workers, and into unit records for
 * what it decides itself (excluded entries, special files, links not followed, loops, directories
 * it cannot open). It never reads file contents. */
#ifndef PD_WALKER_H
#define PD_WALKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/error.h"
#include "scanner/unit.h"

/* What to walk: roots as named by the user (database roots are passed over: their tables are
 * queued by the scan) and fnmatch globs, matched against the name and the whole path. */
struct pd_walk_options {
    char *const *roots;
    size_t n_roots;
    const struct pd_root *resolved; /* n_roots of them, or NULL: the units' roots (scanner/roots.h) */
    char *const *excludes;
    size_t n_excludes;
    bool follow_symlinks;
};

struct pd_file_id {
    dev_t dev;
    ino_t ino;
    const char *what; /* the skip reason; NULL: "pdpscan's own report" */
};

struct pd_walk_sink {
    /* takes ownership of path; st: what stat() said of it (NULL: standard input); root: where it
     * was found (NULL without resolved roots); false: stop walking */
    bool (*file)(void *arg, char *path, const struct stat *st, const struct pd_root *root);
    void (*unit)(void *arg, struct pd_unit *unit); /* takes ownership */
    void *arg;
    /* files pdpscan itself writes (its report): skipped with a reason, never read back */
    const struct pd_file_id *own;
    size_t n_own;
};

/* Walks every root of opts in depth-first order until done or *stop becomes non-zero. */
enum pd_error pd_walk(const struct pd_walk_options *opts, const struct pd_walk_sink *sink, const atomic_int *stop);

#endif

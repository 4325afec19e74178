/* Roots as the user named them and what they are on disk. Policy path rules match a unit's
 * canonical path (the root's real absolute path plus the path walked under it), and fingerprints
 * are computed from its identity path (the root's identity plus the same relative path), so that
 * `share`, `./share` and `/abs/share` give the same violations and fingerprints. */
#ifndef PD_ROOTS_H
#define PD_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "scanner/unit.h"

struct pd_root {
    const char *given; /* as typed (not owned) */
    char *canonical;   /* realpath of the root; NULL for a database or a root that does not exist */
    char *id;          /* --root-id, else the canonical path; NULL when canonical is */
};

struct pd_roots {
    struct pd_root *v;
    size_t n;
};

/* Resolves n given roots. ids (n_ids of them) name the filesystem roots in order, as --root-id
 * does; n_ids is 0 or the number of filesystem roots, else PD_ERR_USAGE with the counts. */
enum pd_error pd_roots_resolve(char *const *given, size_t n, char *const *ids, size_t n_ids, struct pd_roots *out,
                               struct pd_diag *diag);
void pd_roots_free(struct pd_roots *roots);

/* Gives the unit its root: path (the unit's) starts with root->given. */
void pd_unit_set_root(struct pd_unit *unit, const struct pd_root *root);

/* The identity path of a path found under root (as pd_unit_identity_path gives it). */
char *pd_root_identity_of(const struct pd_root *root, const char *path);

/* Which of n shards a unit belongs to, by its identity path (or a table's name): the first 64
 * bits of its SHA-256, modulo n. The same on every machine, whatever order the walk takes. */
unsigned pd_shard_of(const char *identity, unsigned n);

/* The unit's canonical path and identity path (malloc'd; NULL when out of memory). A unit without
 * a root (a database table) has its own path for both. */
char *pd_unit_canonical_path(const struct pd_unit *unit);
char *pd_unit_identity_path(const struct pd_unit *unit);

#endif

/* A per-user cache of compiled Hyperscan databases. Compiling every detector takes about 130 ms,
 * longer than scanning many small trees; a serialized database loads in about a millisecond.
 * Entries are named by a hash of everything that shapes the database (Hyperscan version, host
 * platform, patterns, flags, ids, mode) and carry a SHA-256 of their bytes. A file that is not a
 * regular file owned by this user and writable only by them is never loaded: Hyperscan's
 * deserializer is not meant for untrusted input. Any failure falls back to compiling. The 16
 * entries used last are kept; older ones go when a new one is stored. */
#ifndef PD_HSCACHE_H
#define PD_HSCACHE_H

#include <hs.h>

#include <stdbool.h>
#include <stddef.h>

/* The default cache directory into out: $PDPSCAN_CACHE_DIR, else $XDG_CACHE_HOME/pdpscan, else
 * $HOME/.cache/pdpscan. False when none is set or PDPSCAN_CACHE_DIR is empty (cache off). */
bool pd_hscache_default_dir(char *out, size_t cap);

/* Compiles the patterns, or loads the same database from dir (NULL: no cache) when an entry is
 * there and sound; stores a fresh compilation for next time. Same contract as hs_compile_multi. */
hs_error_t pd_hscache_compile(const char *dir, const char *const *patterns, const unsigned *flags,
                              const unsigned *ids, unsigned count, hs_database_t **db,
                              hs_compile_error_t **error);

#endif

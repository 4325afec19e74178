/* The secret key behind value hashes and fingerprints: without it, a hash of a 12-digit ID could
 * be reversed by trying every ID. */
#ifndef PD_KEY_H
#define PD_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define PD_KEY_MAX 64

/* Loads the key from path, else $PDPSCAN_KEY_FILE, else the per-user key file
 * ($XDG_CONFIG_HOME or ~/.config)/pdpscan/key, creating that one (0600) on first use.
 * If no key file can be used, a random key for this run is returned and *ephemeral set. */
enum pd_error pd_key_load(const char *path, unsigned char *key, size_t *len, bool *ephemeral, struct pd_diag *diag);

#endif

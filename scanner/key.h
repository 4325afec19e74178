/* The secret key behind value hashes and fingerprints: without it, a hash of a 12-digit ID could
 * be reversed by trying every ID. */
#ifndef PD_KEY_H
#define PD_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define PD_KEY_MAX 64

/* Loads the key from path, else $PDPSCAN_KEY_FILE, else the user's key file
 * ($XDG_CONFIG_HOME or ~/.config)/pdpscan/key, else the system key (/etc/pdpscan/key, or
 * $PDPSCAN_SYSTEM_KEY), else creates the user's key (0600) when there is a home to hold it. With
 * none of these (cron's env -i), a key of this run only is made when allow_ephemeral (and
 * *ephemeral set: its fingerprints match no other run's), else PD_ERR_USAGE says what to do. */
enum pd_error pd_key_load(const char *path, bool allow_ephemeral, unsigned char *key, size_t *len, bool *ephemeral,
                          struct pd_diag *diag);

/* Creates a new key: the user's (0600), or with system the system key (0640, readable by its
 * group). Its path goes to out. Fails if the file exists. */
enum pd_error pd_key_init(bool system, char *out, size_t cap, struct pd_diag *diag);

#endif

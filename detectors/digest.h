/* Per-thread SHA-256 and HMAC-SHA-256 of a few strings, as 128-bit hex. The algorithm is fetched
 * and the key absorbed once, so each hash costs two context copies instead of a provider look-up
 * (which takes locks in OpenSSL 3 and showed in profiles). */
#ifndef PD_DIGEST_H
#define PD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct pd_digest;

/* key NULL: plain SHA-256; otherwise HMAC-SHA-256 with that key (at most 64 bytes). */
enum pd_error pd_digest_create(const unsigned char *key, size_t key_len, struct pd_digest **out);
void pd_digest_destroy(struct pd_digest *digest);

/* Hashes parts[0] NUL parts[1] NUL ... (the separators keep "ab","c" apart from "a","bc") and
 * writes the first 16 bytes of the digest as 32 lower-case hex characters plus a NUL. Returns
 * the first 8 bytes as a number (what the first 16 hex characters spell), a ready hash key. */
uint64_t pd_digest_hex128(struct pd_digest *digest, const char *const *parts, size_t n, char out[33]);

/* The state after some leading parts, for many hashes that share them: a fingerprint's path is
 * most of what it hashes. pd_digest_hex128_after(d, s, rest) equals pd_digest_hex128(d, leading
 * then rest). Setting a state again replaces its parts; the first set allocates it. */
struct pd_digest_state;
enum pd_error pd_digest_state_set(struct pd_digest *digest, struct pd_digest_state **state, const char *const *parts,
                                  size_t n);
uint64_t pd_digest_hex128_after(struct pd_digest *digest, const struct pd_digest_state *state,
                                const char *const *parts, size_t n, char out[33]);
void pd_digest_state_free(struct pd_digest_state *state);

/* The full SHA-256 of data, as 64 hex digits (a policy file's identity in the report). */
enum pd_error pd_digest_sha256_hex(const void *data, size_t len, char out[65]);

#endif

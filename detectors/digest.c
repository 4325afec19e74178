/* SHA-256 / HMAC-SHA-256 with precomputed states, on nettle: its contexts are plain structs, so
 * restoring a precomputed state is a copy of 112 bytes. OpenSSL's EVP contexts took a provider
 * call to copy; a finding's two hashes cost 313 ns there and 200 here. */
#include "detectors/digest.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pd_digest {
    struct sha256_ctx inner, outer, work;
    int keyed;
};

void pd_digest_destroy(struct pd_digest *d) { free(d); }

enum pd_error pd_digest_create(const unsigned char *key, size_t key_len, struct pd_digest **out)
{
    if (key_len > SHA256_BLOCK_SIZE)
        return PD_ERR_INTERNAL;
    struct pd_digest *d = calloc(1, sizeof *d);
    if (!d)
        return PD_ERR_NOMEM;
    d->keyed = key != NULL;
    sha256_init(&d->inner);
    if (d->keyed) { /* RFC 2104: H(K ^ opad, H(K ^ ipad, m)) with K padded to the block size */
        uint8_t ipad[SHA256_BLOCK_SIZE], opad[SHA256_BLOCK_SIZE];
        memset(ipad, 0x36, sizeof ipad);
        memset(opad, 0x5c, sizeof opad);
        for (size_t i = 0; i < key_len; i++) {
            ipad[i] ^= key[i];
            opad[i] ^= key[i];
        }
        sha256_update(&d->inner, sizeof ipad, ipad);
        sha256_init(&d->outer);
        sha256_update(&d->outer, sizeof opad, opad);
    }
    *out = d;
    return PD_OK;
}

struct pd_digest_state {
    struct sha256_ctx ctx;
};

static void absorb(struct sha256_ctx *ctx, const char *const *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sha256_update(ctx, strlen(parts[i]) + 1, (const uint8_t *)parts[i]);
}

/* Finishes the hash in d->work: the outer hash when keyed, then hex and key. */
static uint64_t finish(struct pd_digest *d, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t md[SHA256_DIGEST_SIZE];
    sha256_digest(&d->work, sizeof md, md);
    if (d->keyed) {
        d->work = d->outer;
        sha256_update(&d->work, sizeof md, md);
        sha256_digest(&d->work, sizeof md, md);
    }
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
    uint64_t key = 0;
    for (int i = 0; i < 8; i++)
        key = key << 8 | md[i];
    return key;
}

uint64_t pd_digest_hex128(struct pd_digest *d, const char *const *parts, size_t n, char out[33])
{
    d->work = d->inner;
    absorb(&d->work, parts, n);
    return finish(d, out);
}

enum pd_error pd_digest_state_set(struct pd_digest *d, struct pd_digest_state **state, const char *const *parts,
                                  size_t n)
{
    if (!*state && !(*state = calloc(1, sizeof **state)))
        return PD_ERR_NOMEM;
    (*state)->ctx = d->inner;
    absorb(&(*state)->ctx, parts, n);
    return PD_OK;
}

uint64_t pd_digest_hex128_after(struct pd_digest *d, const struct pd_digest_state *state, const char *const *parts,
                                size_t n, char out[33])
{
    d->work = state->ctx;
    absorb(&d->work, parts, n);
    return finish(d, out);
}

void pd_digest_state_free(struct pd_digest_state *state) { free(state); }

static void sha256_of(const void *data, size_t len, unsigned char out[32])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

enum pd_error pd_digest_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_SIZE];
    sha256_of(data, len, md);
    for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return PD_OK;
}

/* SHA-256 / HMAC-SHA-256 with precomputed states. */
#include "detectors/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct pd_digest {
    EVP_MD *md;
    EVP_MD_CTX *inner, *outer, *work;
    int keyed;
};

void pd_digest_destroy(struct pd_digest *d)
{
    if (!d)
        return;
    EVP_MD_CTX_free(d->inner);
    EVP_MD_CTX_free(d->outer);
    EVP_MD_CTX_free(d->work);
    EVP_MD_free(d->md);
    free(d);
}

enum pd_error pd_digest_create(const unsigned char *key, size_t key_len, struct pd_digest **out)
{
    struct pd_digest *d = calloc(1, sizeof *d);
    if (!d)
        return PD_ERR_NOMEM;
    if (!(d->md = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(d->inner = EVP_MD_CTX_new()) ||
        !(d->outer = EVP_MD_CTX_new()) || !(d->work = EVP_MD_CTX_new()) || key_len > 64)
        goto fail;
    d->keyed = key != NULL;
    if (!EVP_DigestInit_ex(d->inner, d->md, NULL))
        goto fail;
    if (d->keyed) { /* RFC 2104: H(K ^ opad, H(K ^ ipad, m)) with K padded to the block size */
        unsigned char ipad[64], opad[64];
        memset(ipad, 0x36, sizeof ipad);
        memset(opad, 0x5c, sizeof opad);
        for (size_t i = 0; i < key_len; i++) {
            ipad[i] ^= key[i];
            opad[i] ^= key[i];
        }
        if (!EVP_DigestUpdate(d->inner, ipad, sizeof ipad) || !EVP_DigestInit_ex(d->outer, d->md, NULL) ||
            !EVP_DigestUpdate(d->outer, opad, sizeof opad))
            goto fail;
    }
    *out = d;
    return PD_OK;
fail:
    pd_digest_destroy(d);
    return PD_ERR_INTERNAL;
}

struct pd_digest_state {
    EVP_MD_CTX *ctx;
};

static void absorb(EVP_MD_CTX *ctx, const char *const *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
}

/* Finishes the hash in d->work: the outer hash when keyed, then hex and key. */
static uint64_t finish(struct pd_digest *d, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(d->work, md, &len);
    if (d->keyed) {
        EVP_MD_CTX_copy_ex(d->work, d->outer);
        EVP_DigestUpdate(d->work, md, len);
        EVP_DigestFinal_ex(d->work, md, &len);
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
    EVP_MD_CTX_copy_ex(d->work, d->inner);
    absorb(d->work, parts, n);
    return finish(d, out);
}

enum pd_error pd_digest_state_set(struct pd_digest *d, struct pd_digest_state **state, const char *const *parts,
                                  size_t n)
{
    if (!*state) {
        struct pd_digest_state *s = calloc(1, sizeof *s);
        if (!s || !(s->ctx = EVP_MD_CTX_new())) {
            free(s);
            return PD_ERR_NOMEM;
        }
        *state = s;
    }
    if (!EVP_MD_CTX_copy_ex((*state)->ctx, d->inner))
        return PD_ERR_NOMEM;
    absorb((*state)->ctx, parts, n);
    return PD_OK;
}

uint64_t pd_digest_hex128_after(struct pd_digest *d, const struct pd_digest_state *state, const char *const *parts,
                                size_t n, char out[33])
{
    EVP_MD_CTX_copy_ex(d->work, state->ctx);
    absorb(d->work, parts, n);
    return finish(d, out);
}

void pd_digest_state_free(struct pd_digest_state *state)
{
    if (!state)
        return;
    EVP_MD_CTX_free(state->ctx);
    free(state);
}

enum pd_error pd_digest_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    int ok = sha && EVP_Digest(data, len, md, &n, sha, NULL) == 1 && n == 32;
    EVP_MD_free(sha);
    if (!ok)
        return PD_ERR_INTERNAL;
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return PD_OK;
}

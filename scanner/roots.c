/* Root resolution and the canonical and identity paths of units. */
#include "scanner/roots.h"

#include <errno.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/db/db.h"

/* The root's absolute path: realpath when it exists (symlinks resolved, as the walk follows a
 * root), else the given path made absolute, so that its error unit still has one. */
static char *canonical_of(const char *given)
{
    if (strcmp(given, "-") == 0) /* standard input: no path, no file to resolve */
        return strdup("-");
    char *real = realpath(given, NULL);
    if (real || errno == ENOMEM || given[0] == '/')
        return real ? real : (errno == ENOMEM ? NULL : strdup(given));
    size_t cap = 256;
    for (;;) {
        char *cwd = malloc(cap + strlen(given) + 2);
        if (!cwd)
            return NULL;
        if (getcwd(cwd, cap)) {
            size_t n = strlen(cwd);
            if (n == 0 || cwd[n - 1] != '/')
                cwd[n++] = '/';
            memcpy(cwd + n, given, strlen(given) + 1);
            return cwd;
        }
        free(cwd);
        if (errno != ERANGE || cap > (1u << 20))
            return strdup(given); /* the working directory is gone: keep the name as given */
        cap *= 2;
    }
}

enum pd_error pd_roots_resolve(char *const *given, size_t n, char *const *ids, size_t n_ids, struct pd_roots *out,
                               struct pd_diag *diag)
{
    size_t n_files = 0;
    for (size_t i = 0; i < n; i++)
        n_files += !pd_database_root(given[i]);
    if (n_ids && n_ids != n_files)
        return pd_fail(diag, PD_ERR_USAGE, "--root-id was given %zu time%s for %zu file root%s: name each root once, in order",
                       n_ids, n_ids == 1 ? "" : "s", n_files, n_files == 1 ? "" : "s");
    out->n = 0;
    if (!(out->v = calloc(n ? n : 1, sizeof *out->v)))
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    out->n = n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct pd_root *r = &out->v[i];
        r->given = given[i];
        if (pd_database_root(given[i]))
            continue;
        const char *id = n_ids ? ids[k++] : NULL;
        if (!(r->canonical = canonical_of(given[i])) || !(r->id = strdup(id ? id : r->canonical))) {
            pd_roots_free(out);
            return pd_fail(diag, PD_ERR_NOMEM, "out of memory resolving %s", given[i]);
        }
    }
    return PD_OK;
}

void pd_roots_free(struct pd_roots *roots)
{
    for (size_t i = 0; i < roots->n; i++) {
        free(roots->v[i].canonical);
        free(roots->v[i].id);
    }
    free(roots->v);
    roots->v = NULL;
    roots->n = 0;
}

void pd_unit_set_root(struct pd_unit *u, const struct pd_root *root)
{
    size_t len = root ? strlen(root->given) : 0;
    if (root && root->canonical && strncmp(u->path, root->given, len) == 0) {
        u->root = root;
        u->root_len = len;
    }
}

/* base followed by the unit's path under its root: one '/' between a directory and a name; an
 * archive member ("!x") follows its file directly. */
static char *under(const struct pd_unit *u, const char *base)
{
    const char *rel = u->path + u->root_len;
    while (rel[0] == '/')
        rel++;
    bool slash = rel > u->path + u->root_len || (u->root_len > 0 && u->path[u->root_len - 1] == '/');
    size_t bl = strlen(base), rl = strlen(rel);
    while (slash && bl > 0 && base[bl - 1] == '/')
        bl--;
    char *p = malloc(bl + rl + 2);
    if (!p)
        return NULL;
    memcpy(p, base, bl);
    if (slash && rl > 0)
        p[bl++] = '/';
    else if (slash && bl == 0)
        p[bl++] = '/'; /* the root was "/" */
    memcpy(p + bl, rel, rl + 1);
    return p;
}

char *pd_root_identity_of(const struct pd_root *root, const char *path)
{
    struct pd_unit u = {.path = (char *)path};
    pd_unit_set_root(&u, root);
    return pd_unit_identity_path(&u);
}

unsigned pd_shard_of(const char *identity, unsigned n)
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(identity), (const uint8_t *)identity);
    sha256_digest(&ctx, sizeof digest, digest);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | digest[i];
    return n ? (unsigned)(v % n) : 0;
}

char *pd_unit_canonical_path(const struct pd_unit *u)
{
    return u->root ? under(u, u->root->canonical) : strdup(u->path);
}

char *pd_unit_identity_path(const struct pd_unit *u)
{
    return u->root ? under(u, u->root->id) : strdup(u->path);
}

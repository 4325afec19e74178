/* The compiled-database cache: naming, trust checks, integrity and atomic replacement. */
#include "detectors/hscache.h"
#include "util/io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAGIC "pdpscan-hsdb/1\n"
#define CACHE_MAX_BYTES ((size_t)64 << 20)
#define CACHE_MAX_ENTRIES 16 /* a run needs two; the rest serve other --detectors selections */
#define SHA256_LEN 32

bool pd_hscache_default_dir(char *out, size_t cap)
{
    const char *dir = getenv("PDPSCAN_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (dir)
        n = *dir ? snprintf(out, cap, "%s", dir) : -1;
    else if (xdg && *xdg)
        n = snprintf(out, cap, "%s/pdpscan", xdg);
    else if (home && *home)
        n = snprintf(out, cap, "%s/.cache/pdpscan", home);
    else
        n = -1;
    return n > 0 && (size_t)n < cap;
}

static void hex(const unsigned char *md, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The entry's file name: a hash of every input that shapes the compiled database. */
static bool entry_name(const char *const *patterns, const unsigned *flags, const unsigned *ids, unsigned count,
                       char name[2 * SHA256_LEN + 8])
{
    hs_platform_info_t platform;
    memset(&platform, 0, sizeof platform); /* padding is hashed too */
    if (hs_populate_platform(&platform) != HS_SUCCESS)
        return false;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    const char *version = hs_version();
    unsigned mode = HS_MODE_BLOCK;
    sha256_update(&ctx, strlen(version) + 1, (const uint8_t *)version);
    sha256_update(&ctx, sizeof platform, (const uint8_t *)&platform);
    sha256_update(&ctx, sizeof mode, (const uint8_t *)&mode);
    for (unsigned i = 0; i < count; i++) {
        sha256_update(&ctx, strlen(patterns[i]) + 1, (const uint8_t *)patterns[i]);
        sha256_update(&ctx, sizeof flags[i], (const uint8_t *)&flags[i]);
        sha256_update(&ctx, sizeof ids[i], (const uint8_t *)&ids[i]);
    }
    unsigned char md[SHA256_LEN];
    sha256_digest(&ctx, SHA256_LEN, md);
    hex(md, SHA256_LEN, name);
    memcpy(name + 2 * SHA256_LEN, ".hsdb", sizeof ".hsdb"); /* the buffer holds 2 * 32 + 8 */
    return true;
}

static bool sha256(const void *p, size_t n, unsigned char md[SHA256_LEN])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n, p);
    sha256_digest(&ctx, SHA256_LEN, md);
    return true;
}

/* Reads a whole entry if it is a regular file of ours that nobody else can write. */
static char *read_trusted(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022) &&
        st.st_size > 0 && (size_t)st.st_size <= CACHE_MAX_BYTES && (buf = malloc((size_t)st.st_size))) {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != (size_t)st.st_size) {
            free(buf);
            buf = NULL;
        }
        *size = got;
        if (buf)
            futimens(fd, NULL); /* recently used: the last to be pruned */
    }
    close(fd);
    return buf;
}

/* Entry layout: magic, SHA-256 of the serialized database, the serialized database. */
static hs_database_t *load(const char *dir, const char *name)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return NULL;
    size_t size = 0, head = sizeof CACHE_MAGIC - 1 + SHA256_LEN;
    char *buf = read_trusted(path, &size);
    hs_database_t *db = NULL;
    unsigned char md[SHA256_LEN];
    if (buf && size > head && memcmp(buf, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) == 0 &&
        sha256(buf + head, size - head, md) && memcmp(md, buf + sizeof CACHE_MAGIC - 1, SHA256_LEN) == 0 &&
        hs_deserialize_database(buf + head, size - head, &db) != HS_SUCCESS)
        db = NULL;
    free(buf);
    return db;
}

/* Best effort: a cache that cannot be written only costs the next run a compilation. */
static void store(const char *dir, const char *name, const hs_database_t *db)
{
    char *bytes = NULL;
    size_t len = 0;
    unsigned char md[SHA256_LEN];
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return;
    char path[4096], tmp[4096];
    mkdir(dir, 0700); /* one level: the parent (~/.cache) normally exists */
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
        (size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name) < sizeof tmp && sha256(bytes, len, md)) {
        int fd = mkstemp(tmp); /* 0600 */
        if (fd >= 0) {
            bool ok = pd_write_all(fd, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) && pd_write_all(fd, md, sizeof md) &&
                      pd_write_all(fd, bytes, len);
            ok = close(fd) == 0 && ok;
            if (!ok || rename(tmp, path) != 0) /* rename: readers see the old entry or the new, whole */
                unlink(tmp);
        }
    }
    free(bytes);
}

/* An entry's name: 64 hex digits and ".hsdb". Nothing else in the directory is ever removed. */
static bool entry_like(const char *name)
{
    size_t n = strlen(name);
    if (n != 2 * SHA256_LEN + 5 || strcmp(name + 2 * SHA256_LEN, ".hsdb") != 0)
        return false;
    for (size_t i = 0; i < 2 * SHA256_LEN; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    return true;
}

struct aged {
    char name[2 * SHA256_LEN + 8];
    struct timespec used;
};

static int newest_first(const void *a, const void *b)
{
    const struct timespec *x = &((const struct aged *)a)->used, *y = &((const struct aged *)b)->used;
    if (x->tv_sec != y->tv_sec)
        return x->tv_sec < y->tv_sec ? 1 : -1;
    return x->tv_nsec < y->tv_nsec ? 1 : x->tv_nsec > y->tv_nsec ? -1 : 0;
}

/* Keeps the CACHE_MAX_ENTRIES entries of ours used last (a load touches an entry), so that runs
 * with ever new detector selections cannot fill the disk. Best effort, like the store. */
static void prune(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct aged *all = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        struct stat st;
        if (!entry_like(e->d_name) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct aged *na = realloc(all, ncap * sizeof *na);
            if (!na)
                break;
            all = na;
            cap = ncap;
        }
        memcpy(all[n].name, e->d_name, sizeof all[n].name);
        all[n++].used = st.st_mtim;
    }
    if (n > CACHE_MAX_ENTRIES) {
        qsort(all, n, sizeof *all, newest_first);
        for (size_t i = CACHE_MAX_ENTRIES; i < n; i++)
            unlinkat(dirfd(d), all[i].name, 0);
    }
    free(all);
    closedir(d);
}

hs_error_t pd_hscache_compile(const char *dir, const char *const *patterns, const unsigned *flags,
                              const unsigned *ids, unsigned count, hs_database_t **db,
                              hs_compile_error_t **error)
{
    char name[2 * SHA256_LEN + 8];
    bool cached = dir && *dir && entry_name(patterns, flags, ids, count, name);
    if (cached && (*db = load(dir, name)) != NULL)
        return HS_SUCCESS;
    hs_error_t r = hs_compile_multi(patterns, flags, ids, count, HS_MODE_BLOCK, NULL, db, error);
    if (r == HS_SUCCESS && cached) {
        store(dir, name, *db);
        prune(dir);
    }
    return r;
}

/* Loading or creating the hashing key. */
#include "scanner/key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads a key file. Whoever can write the key can make two runs' fingerprints differ or match,
 * and a key of one repeated byte (/dev/zero) hides nothing: both are refused. A key others may
 * read lets them test guesses against the report's value hashes: that is said loudly. */
static enum pd_error read_key(const char *path, unsigned char *key, size_t *len, struct pd_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return pd_fail(diag, PD_ERR_IO, "key file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return pd_fail(diag, PD_ERR_FORMAT, "key file %s: not a regular file", path);
    }
    if (st.st_mode & S_IWOTH) {
        close(fd);
        return pd_fail(diag, PD_ERR_FORMAT, "key file %s: anyone may write it (mode %03o): chmod 600 it", path,
                       (unsigned)(st.st_mode & 0777));
    }
    ssize_t n = read(fd, key, PD_KEY_MAX);
    int e = errno;
    close(fd);
    if (n < 0)
        return pd_fail(diag, PD_ERR_IO, "key file %s: %s", path, strerror(e));
    if (n < 16)
        return pd_fail(diag, PD_ERR_FORMAT, "key file %s: shorter than 16 bytes", path);
    bool repeated = true;
    for (ssize_t i = 1; i < n && repeated; i++)
        repeated = key[i] == key[0];
    if (repeated)
        return pd_fail(diag, PD_ERR_FORMAT, "key file %s: one byte repeated (an all-zero key hides nothing)", path);
    if (st.st_mode & S_IROTH)
        fprintf(stderr, "pdpscan: warning: key file %s is readable by anyone (mode %03o): whoever reads it can "
                        "test guesses against the report's value hashes; chmod 600 it\n",
                path, (unsigned)(st.st_mode & 0777));
    *len = (size_t)n;
    return PD_OK;
}

static bool random_bytes(unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0 && errno != EINTR)
            return false;
        if (r > 0)
            got += (size_t)r;
    }
    return true;
}

/* Creates dir/pdpscan/key (0600) unless present; returns its path in out. */
static bool default_key_path(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.config", home);
    else
        return false;
    mkdir(dir, 0700);
    size_t n = strlen(dir);
    snprintf(dir + n, sizeof dir - n, "/pdpscan");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return false;
    return (size_t)snprintf(out, cap, "%s/key", dir) < cap;
}

/* The system key: $PDPSCAN_SYSTEM_KEY (containers, tests), else /etc/pdpscan/key. */
static const char *system_key_path(void)
{
    const char *env = getenv("PDPSCAN_SYSTEM_KEY");
    return env && *env ? env : "/etc/pdpscan/key";
}

/* Writes 32 random bytes to a new file path (mode), failing if it exists. */
static enum pd_error create_key(const char *path, mode_t mode, struct pd_diag *diag)
{
    unsigned char fresh[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return pd_fail(diag, PD_ERR_IO, "cannot create key file %s: %s", path, strerror(errno));
    bool ok = random_bytes(fresh, sizeof fresh) && write(fd, fresh, sizeof fresh) == (ssize_t)sizeof fresh &&
              fchmod(fd, mode) == 0;
    int e = errno;
    if (close(fd) != 0 && ok)
        e = errno, ok = false;
    memset(fresh, 0, sizeof fresh);
    if (!ok) {
        unlink(path);
        return pd_fail(diag, PD_ERR_IO, "cannot write key file %s: %s", path, strerror(e));
    }
    return PD_OK;
}

enum pd_error pd_key_load(const char *path, bool allow_ephemeral, unsigned char *key, size_t *len, bool *ephemeral,
                          struct pd_diag *diag)
{
    *ephemeral = false;
    if (!path || !*path)
        path = getenv("PDPSCAN_KEY_FILE");
    if (path && *path)
        return read_key(path, key, len, diag);
    char def[4200];
    bool user = default_key_path(def, sizeof def);
    if (user && access(def, F_OK) == 0)
        return read_key(def, key, len, diag);
    const char *sys = system_key_path();
    if (access(sys, F_OK) == 0)
        return read_key(sys, key, len, diag);
    /* the first scan of a user creates the user's key, as the quick start expects */
    if (user && create_key(def, 0600, NULL) == PD_OK)
        return read_key(def, key, len, diag);
    if (!allow_ephemeral)
        return pd_fail(diag, PD_ERR_USAGE,
                       "no key file: none in --key-file or $PDPSCAN_KEY_FILE, none in %s, no HOME or "
                       "XDG_CONFIG_HOME to create one in (as under cron's env -i). Create one with 'pdpscan key init "
                       "[--system]', name one with --key-file, or give --ephemeral-key for a key of this run only "
                       "(its fingerprints then match no other run's)", sys);
    if (!random_bytes(key, 32))
        return pd_fail(diag, PD_ERR_INTERNAL, "no random source for a key of this run");
    *len = 32;
    *ephemeral = true;
    return PD_OK;
}

enum pd_error pd_key_init(bool system, char *out, size_t cap, struct pd_diag *diag)
{
    if (system) {
        const char *sys = system_key_path();
        snprintf(out, cap, "%s", sys);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", sys);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            if (mkdir(dir, 0750) != 0 && errno != EEXIST)
                return pd_fail(diag, PD_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
        }
        return create_key(sys, 0640, diag); /* readable by its group: the scanning accounts */
    }
    if (!default_key_path(out, cap))
        return pd_fail(diag, PD_ERR_USAGE, "no HOME or XDG_CONFIG_HOME to create a user key in (try --system)");
    return create_key(out, 0600, diag);
}

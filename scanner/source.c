/* File and memory sources. */
#include "scanner/source.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <nettle/sha2.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static ssize_t file_read(struct pd_source *src, void *buf, size_t n)
{
    if (src->file_ended)
        return 0;
    if (src->pseudo && src->file_bytes_read + n > PD_PSEUDO_FILE_MAX) {
        n = PD_PSEUDO_FILE_MAX - (size_t)src->file_bytes_read;
        if (n == 0) {
            src->capped = true;
            return 0;
        }
    }
    off_t at = src->content ? lseek(src->fd, 0, SEEK_CUR) : -1; /* where the hash goes on */
    ssize_t r;
    do
        r = read(src->fd, buf, n);
    while (r < 0 && errno == EINTR);
    if (r > 0) {
        uint64_t from = (uint64_t)at;
        if (at >= 0 && from <= src->content_at && from + (uint64_t)r > src->content_at) {
            size_t skip = (size_t)(src->content_at - from);
            sha256_update(src->content, (size_t)r - skip, (const uint8_t *)buf + skip);
            src->content_at = from + (uint64_t)r;
        }
        src->file_bytes_read += (uint64_t)r;
        /* A short read past the size the file had at open is its end: the read that would say
         * so is saved (one per small file). Short reads elsewhere (FUSE, a growing file) still
         * read on. */
        src->file_ended = (size_t)r < n && src->file_bytes_read >= src->file_size;
    }
    return r;
}

void pd_source_hash_content(struct pd_source *src, struct sha256_ctx *ctx)
{
    sha256_init(ctx);
    src->content = ctx;
    src->content_at = 0;
}

bool pd_source_content_hash(struct pd_source *src, unsigned char out[32])
{
    if (!src->content || src->file_size == UINT64_MAX || src->content_at != src->file_size)
        return false;
    sha256_digest(src->content, SHA256_DIGEST_SIZE, out);
    return true;
}

static bool pseudo_filesystem(int fd)
{
    static const unsigned long magics[] = {PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
                                           SECURITYFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, BPF_FS_MAGIC,
                                           PSTOREFS_MAGIC, EFIVARFS_MAGIC, DEVPTS_SUPER_MAGIC, BINFMTFS_MAGIC,
                                           NSFS_MAGIC};
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0)
        return false;
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if ((unsigned long)sf.f_type == magics[i])
            return true;
    return false;
}

static ssize_t shared_read(struct pd_source *src, void *buf, size_t n)
{
    ssize_t r;
    do
        r = pread(src->fd, buf, n, (off_t)src->shared_offset);
    while (r < 0 && errno == EINTR);
    if (r > 0) {
        src->shared_offset += (uint64_t)r;
        src->file_bytes_read += (uint64_t)r;
    }
    return r;
}

static void shared_close(struct pd_source *src) { src->fd = -1; /* the caller's */ }

void pd_source_open_shared(struct pd_source *src, int fd, uint64_t offset, uint64_t file_size)
{
    memset(src, 0, sizeof *src);
    src->kind = "file";
    src->read = shared_read;
    src->close = shared_close;
    src->fd = fd;
    src->shared_offset = offset;
    src->file_size = file_size;
}

static void file_close(struct pd_source *src)
{
    if (src->fd >= 0)
        close(src->fd);
    src->fd = -1;
}

static int file_rewind(struct pd_source *src)
{
    /* a pipe cannot seek: what was read and pushed back (the sniffed window) must stay, or a
     * reader that falls back to reading on would find nothing */
    if (lseek(src->fd, 0, SEEK_SET) != 0)
        return -1;
    src->pending = NULL;
    src->pending_len = 0;
    src->file_bytes_read = 0;
    src->file_ended = src->capped = false;
    return 0;
}

#define READAHEAD_COVERS (128 * 1024) /* the kernel's default read-ahead reads such a file whole */

enum pd_error pd_source_open_file(struct pd_source *src, const char *path, struct stat *st, struct pd_diag *diag)
{
    memset(src, 0, sizeof *src);
    src->kind = "file";
    src->read = file_read;
    src->close = file_close;
    src->rewind = file_rewind;
    /* O_NONBLOCK: a FIFO swapped in after the walk must not hang the worker */
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    int fd = open(path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership */
        fd = open(path, flags);
    if (fd < 0) {
        int e = errno;
        pd_fail(diag, PD_ERR_IO, "%s: %s", e == ENOENT ? "vanished before it could be read" : "cannot open",
                strerror(e));
        errno = e;
        return PD_ERR_IO;
    }
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return pd_fail(diag, PD_ERR_IO, "cannot stat: %s", strerror(e));
    }
    if (!S_ISREG(st->st_mode)) { /* reads of regular files never wait: O_NONBLOCK is moot there */
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    if (st->st_size > READAHEAD_COVERS)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    src->fd = fd;
    src->pseudo = pseudo_filesystem(fd);
    src->file_size = S_ISREG(st->st_mode) && !src->pseudo ? (uint64_t)st->st_size : UINT64_MAX;
    return PD_OK;
}

enum pd_error pd_source_open_stdin(struct pd_source *src, struct stat *st, struct pd_diag *diag)
{
    memset(src, 0, sizeof *src);
    src->kind = "standard input";
    src->read = file_read;
    src->close = file_close;
    src->rewind = file_rewind;
    if (isatty(STDIN_FILENO))
        return pd_fail(diag, PD_ERR_USAGE, "standard input is a terminal: pipe the data in (... | pdpscan scan -)");
    int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (fd < 0 || fstat(fd, st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return pd_fail(diag, PD_ERR_IO, "cannot read standard input: %s", strerror(e));
    }
    src->fd = fd;
    src->file_size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : UINT64_MAX;
    return PD_OK;
}

static ssize_t memory_read(struct pd_source *src, void *buf, size_t n)
{
    size_t left = src->mem_len - src->mem_pos;
    if (n > left)
        n = left;
    if (n) /* an empty part's memory may be NULL, which memcpy may not be given even for 0 bytes */
        memcpy(buf, src->mem + src->mem_pos, n);
    src->mem_pos += n;
    return (ssize_t)n;
}

static void memory_close(struct pd_source *src) { (void)src; }

static int memory_rewind(struct pd_source *src)
{
    src->pending = NULL;
    src->pending_len = 0;
    src->mem_pos = 0;
    return 0;
}

void pd_source_open_memory(struct pd_source *src, const unsigned char *data, size_t len)
{
    memset(src, 0, sizeof *src);
    src->kind = "memory";
    src->read = memory_read;
    src->close = memory_close;
    src->rewind = memory_rewind;
    src->fd = -1;
    src->mem = data;
    src->mem_len = len;
}

ssize_t pd_source_read(struct pd_source *src, void *buf, size_t n)
{
    if (src->pending_len) {
        size_t k = n < src->pending_len ? n : src->pending_len;
        memmove(buf, src->pending, k);
        src->pending += k;
        src->pending_len -= k;
        return (ssize_t)k;
    }
    return src->read(src, buf, n);
}

void pd_source_unread(struct pd_source *src, const unsigned char *buf, size_t n)
{
    src->pending = buf;
    src->pending_len = n;
}

const char *pd_source_error(const struct pd_source *src, int err)
{
    return src->error[0] ? src->error : strerror(err);
}

ssize_t pd_source_read_full(struct pd_source *src, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pd_source_read(src, buf + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* File and memory sources. */
#include "scanner/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static ssize_t file_read(struct pd_source *src, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(src->fd, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static void file_close(struct pd_source *src)
{
    if (src->fd >= 0)
        close(src->fd);
    src->fd = -1;
}

enum pd_error pd_source_open_file(struct pd_source *src, const char *path, struct stat *st, struct pd_diag *diag)
{
    memset(src, 0, sizeof *src);
    src->kind = "file";
    src->read = file_read;
    src->close = file_close;
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
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    src->fd = fd;
    return PD_OK;
}

static ssize_t memory_read(struct pd_source *src, void *buf, size_t n)
{
    size_t left = src->mem_len - src->mem_pos;
    if (n > left)
        n = left;
    memcpy(buf, src->mem + src->mem_pos, n);
    src->mem_pos += n;
    return (ssize_t)n;
}

static void memory_close(struct pd_source *src) { (void)src; }

void pd_source_open_memory(struct pd_source *src, const unsigned char *data, size_t len)
{
    memset(src, 0, sizeof *src);
    src->kind = "memory";
    src->read = memory_read;
    src->close = memory_close;
    src->fd = -1;
    src->mem = data;
    src->mem_len = len;
}

ssize_t pd_source_read_full(struct pd_source *src, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = src->read(src, buf + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* A source is a stream of raw bytes behind one interface: a file, an archive member, a document
 * part, an in-memory buffer or an extractor's output. Sources are read sequentially, never loaded whole. */
#ifndef PD_SOURCE_H
#define PD_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/error.h"

struct sha256_ctx;

struct pd_source {
    const char *kind; /* "file", "memory", "archive member", "document part", "extractor" */
    /* Reads up to n bytes; returns the count, 0 at the end, -1 with errno set on failure.
     * Callers use pd_source_read(), which serves unread bytes first. */
    ssize_t (*read)(struct pd_source *src, void *buf, size_t n);
    void (*close)(struct pd_source *src);
    /* Optional: back to byte 0 (files: random access for zip central directories). */
    int (*rewind)(struct pd_source *src);
    int fd;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    void *ctx;                 /* the kind's own state */
    const unsigned char *pending; /* bytes handed back with pd_source_unread */
    size_t pending_len;
    char error[160];           /* why the last read failed, when errno says too little */
    bool paged;                /* text whose form feeds separate pages (PDF): findings get a page */
    /* files: size at open (UINT64_MAX unless regular), bytes read since open or rewind (less
     * after an outside lseek, which only costs a read), and whether a short read reached it */
    uint64_t file_size, file_bytes_read;
    uint64_t shared_offset; /* pd_source_open_shared: where the next pread reads */
    bool file_ended;
    /* a file of a kernel pseudo-filesystem (proc, sysfs...): its size is fiction and some never
     * end (/proc/self/pagemap), so it is read up to PD_PSEUDO_FILE_MAX; capped: that was hit */
    bool pseudo, capped;
    /* files, with pd_source_hash_content: SHA-256 of the bytes from 0 up to content_at, read in
     * order (a rewind and reading again carries on where it had reached) */
    struct sha256_ctx *content;
    uint64_t content_at;
};

#define PD_PSEUDO_FILE_MAX (16u << 20)

/* Opens a regular file for reading without following a final symbolic link the walker did not
 * resolve, without updating its access time where the kernel allows, and fills *st.
 * On failure names the cause in diag (errno preserved). */
enum pd_error pd_source_open_file(struct pd_source *src, const char *path, struct stat *st, struct pd_diag *diag);
/* Hashes the file's bytes as the scan reads them (ctx: the caller's, reset here), for --state. */
void pd_source_hash_content(struct pd_source *src, struct sha256_ctx *ctx);
/* The SHA-256 of the whole file, when every byte of it (its size at open) went through the
 * source in order; false when the reader went around it (archives, extractors read the
 * descriptor themselves) or stopped early. */
bool pd_source_content_hash(struct pd_source *src, unsigned char out[32]);

/* Standard input (`pdpscan scan -`): a pipe, or a file redirected into it, read once. */
enum pd_error pd_source_open_stdin(struct pd_source *src, struct stat *st, struct pd_diag *diag);

/* A source over a file the caller keeps open (fd), read from offset on with pread: slices of one
 * file share its open file, so that a file deleted or replaced mid-scan is still read whole. */
void pd_source_open_shared(struct pd_source *src, int fd, uint64_t offset, uint64_t file_size);

/* A source over memory owned by the caller. */
void pd_source_open_memory(struct pd_source *src, const unsigned char *data, size_t len);

/* Reads up to n bytes, unread ones first. */
ssize_t pd_source_read(struct pd_source *src, void *buf, size_t n);

/* Reads until n bytes or the end; returns the count or -1 on error. */
ssize_t pd_source_read_full(struct pd_source *src, unsigned char *buf, size_t n);

/* Hands back bytes just read (the sniffed first window), which must stay valid until they have
 * been read again; a handler that needs the stream from its start then reads them first. */
void pd_source_unread(struct pd_source *src, const unsigned char *buf, size_t n);

/* Why the last read failed: the source's own words, else errno's. */
const char *pd_source_error(const struct pd_source *src, int err);

#endif

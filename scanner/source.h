/* A source is a stream of raw bytes behind one interface: a file now; archive members, document
 * parts and database values later. Sources are read sequentially, never loaded whole. */
#ifndef PD_SOURCE_H
#define PD_SOURCE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "scanner/error.h"

struct pd_source {
    const char *kind; /* "file", "memory" */
    /* Reads up to n bytes; returns the count, 0 at the end, -1 with errno set on failure. */
    ssize_t (*read)(struct pd_source *src, void *buf, size_t n);
    void (*close)(struct pd_source *src);
    int fd;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
};

/* Opens a regular file for reading without following a final symbolic link the walker did not
 * resolve, without updating its access time where the kernel allows, and fills *st.
 * On failure names the cause in diag (errno preserved). */
enum pd_error pd_source_open_file(struct pd_source *src, const char *path, struct stat *st, struct pd_diag *diag);

/* A source over memory owned by the caller. */
void pd_source_open_memory(struct pd_source *src, const unsigned char *data, size_t len);

/* Reads until n bytes or the end; returns the count or -1 on error. */
ssize_t pd_source_read_full(struct pd_source *src, unsigned char *buf, size_t n);

#endif

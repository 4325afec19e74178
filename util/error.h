/* One error table for the whole program: each entry yields an enum value and its message. */
#ifndef PD_ERROR_H
#define PD_ERROR_H

#include <stddef.h>

#define PD_ERROR_LIST(X)                                   \
    X(PD_OK, "success")                                    \
    X(PD_ERR_NOMEM, "out of memory")                       \
    X(PD_ERR_IO, "input/output error")                     \
    X(PD_ERR_USAGE, "invalid usage")                       \
    X(PD_ERR_PATTERN, "pattern does not compile")          \
    X(PD_ERR_LIMIT, "limit reached")                       \
    X(PD_ERR_INTERRUPTED, "interrupted")                   \
    X(PD_ERR_FORMAT, "malformed input")                    \
    X(PD_ERR_PLATFORM, "unsupported platform")             \
    X(PD_ERR_INTERNAL, "internal error")

enum pd_error {
#define PD_ERROR_ENUM(name, text) name,
    PD_ERROR_LIST(PD_ERROR_ENUM)
#undef PD_ERROR_ENUM
};

/* Static text for an error code; never NULL. */
const char *pd_strerror(enum pd_error err);

/* A caller-owned message buffer that failing functions fill with "what: why" (file, table, cause).
 * Messages never contain a scanned value. */
struct pd_diag {
    char text[512];
};

/* Formats into diag (if not NULL) and returns err, so callers can write `return pd_fail(...)`. */
enum pd_error pd_fail(struct pd_diag *diag, enum pd_error err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

/* Small I/O helpers that every part needs the same way. */
#ifndef PD_IO_H
#define PD_IO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes all n bytes to fd, going on after short writes and EINTR; false with errno set. */
bool pd_write_all(int fd, const void *p, size_t n);

#endif

/* A library loaded the first time it is needed, not at start: libpq alone brings 24 libraries,
 * and with libmariadb and GMime (with GLib) they cost about 30 ms of every start, though most
 * scans read files only. A source lists the functions it calls; they are resolved all at once. */
#ifndef PD_DYNLIB_H
#define PD_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

struct pd_dynlib {
    const char *soname;       /* e.g. "libpq.so.5" */
    const char *what;         /* for messages: "the PostgreSQL client library" */
    const char *package;      /* the Debian package that installs it */
    const char *const *names; /* the functions, NULL-terminated */
    void *functions;          /* a struct of function pointers, in the order of names */
    bool tried, loaded;       /* guarded by a lock of dynlib.c's */
    char error[256];
};

/* Loads the library and resolves every name, once for the process, from any thread. false, with
 * the reason in why, if it cannot: then none of its functions may be called. */
bool pd_dynlib_load(struct pd_dynlib *lib, char *why, size_t cap);

/* Defines `calls`, a struct of pointers to the functions that LIST names (an X-macro:
 * LIST(X) expands to X(f) for each function f, declared by the library's header), and `lib`,
 * the pd_dynlib that fills it. Callers write calls.f(...). */
#define PD_DYNLIB_DEFINE(calls, lib, LIST, soname_, what_, package_)                                       \
    static struct {                                                                                       \
        LIST(PD_DYNLIB_POINTER)                                                                           \
    } calls;                                                                                              \
    static const char *const calls##_names[] = {LIST(PD_DYNLIB_NAME) NULL};                              \
    static struct pd_dynlib lib = {                                                                       \
        .soname = soname_, .what = what_, .package = package_, .names = calls##_names, .functions = &calls}
#define PD_DYNLIB_POINTER(f) __typeof__(f) *f;
#define PD_DYNLIB_NAME(f) #f,

#endif

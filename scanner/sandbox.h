/* The extractor sandbox. A tool that parses hostile documents (pdftotext, catdoc) runs in a child
 * started with posix_spawn as the helper pdpscan-sandbox: in a process group of its own, with
 * limits on CPU, memory, file size, processes and core dumps, no_new_privs, a seccomp filter that
 * refuses file writes, unlink and rename, sockets and new processes, and, when pdpscan runs as
 * root, as an unprivileged user. Only then does the helper exec the tool. */
#ifndef PD_SANDBOX_H
#define PD_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* Exit statuses of the helper when it could not set the sandbox up (the tool's own are others). */
enum pd_sandbox_status {
    PD_SANDBOX_BAD_CALL = 120,
    PD_SANDBOX_LIMITS = 121,
    PD_SANDBOX_USER = 122,
    PD_SANDBOX_FILTER = 123,
    PD_SANDBOX_EXEC = 124,
};

/* What the user running the tools is when pdpscan runs as root. */
struct pd_sandbox_user {
    uid_t uid;
    gid_t gid;
};

/* Resolves a user name or number for the tools ("nobody" by default; a missing nobody is 65534). */
enum pd_error pd_sandbox_user_parse(const char *name, struct pd_sandbox_user *out, struct pd_diag *diag);

struct pd_sandbox_job {
    const char *tool;      /* absolute path */
    char *const *argv;     /* argv[0] is the tool's name */
    int out, doc;          /* become its standard output and its fd 3 */
    unsigned timeout;      /* seconds of CPU */
    const struct pd_sandbox_user *user; /* used when running as root; NULL: nobody */
};

/* Starts the helper for job; returns its pid (also its process group), or -1 with errno set
 * (ENOENT: no helper beside the running binary nor in the installed libexec directory). */
pid_t pd_sandbox_spawn(const struct pd_sandbox_job *job);

/* Where the helper was looked for (after the first pd_sandbox_spawn). */
const char *pd_sandbox_helper_path(void);

/* Why the helper ended with status, when it was the sandbox's doing; NULL otherwise. */
const char *pd_sandbox_failure(int exit_status);

/* The absolute path of an extractor tool: $PDPSCAN_TOOL_DIR/NAME when that variable is set (tests,
 * relocated installs; it must be absolute), else the path configure found. */
const char *pd_sandbox_tool_path(const char *configured, const char *name, char *buf, size_t cap);

/* The helper's main. Returns only on failure (an exit status). */
int pd_sandbox_main(int argc, char **argv);

#endif

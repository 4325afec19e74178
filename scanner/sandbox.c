/* The extractor sandbox: the spawning side (a worker thread) and the helper (pdpscan-sandbox),
 * which locks itself down and execs the tool. */
#include "scanner/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define TOOL_MEMORY (1024ull << 20)
#define TOOL_PROCESSES 16 /* for the unprivileged user: threads count, other processes are refused */
#define NOBODY 65534

enum pd_error pd_sandbox_user_parse(const char *name, struct pd_sandbox_user *out, struct pd_diag *diag)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(name, &end, 10);
    if (*name && !*end && !errno && n > 0 && n < UINT_MAX) { /* a number; never 0: root */
        out->uid = (uid_t)n;
        out->gid = (gid_t)n;
        struct passwd *pw = getpwuid(out->uid);
        if (pw)
            out->gid = pw->pw_gid;
        return PD_OK;
    }
    struct passwd *pw = getpwnam(name);
    if (pw && pw->pw_uid != 0) {
        out->uid = pw->pw_uid;
        out->gid = pw->pw_gid;
        return PD_OK;
    }
    if (!pw && strcmp(name, "nobody") == 0) { /* a minimal container without /etc/passwd entries */
        out->uid = out->gid = NOBODY;
        return PD_OK;
    }
    return pd_fail(diag, PD_ERR_USAGE, "--extractor-user %s: %s", name,
                   pw ? "is root: the tools must run unprivileged" : "no such user");
}

const char *pd_sandbox_tool_path(const char *configured, const char *name, char *buf, size_t cap)
{
    const char *dir = getenv("PDPSCAN_TOOL_DIR");
    if (!dir || dir[0] != '/')
        return configured;
    snprintf(buf, cap, "%s/%s", dir, name);
    return buf;
}

const char *pd_sandbox_failure(int status)
{
    switch (status) {
    case PD_SANDBOX_BAD_CALL:
        return "the extractor sandbox was called wrongly";
    case PD_SANDBOX_LIMITS:
        return "the extractor sandbox could not set its resource limits";
    case PD_SANDBOX_USER:
        return "the extractor sandbox could not switch to the unprivileged user (see --extractor-user)";
    case PD_SANDBOX_FILTER:
        return "the extractor sandbox could not install its system call filter";
    case PD_SANDBOX_EXEC:
        return "the extractor sandbox could not start the tool";
    }
    return NULL;
}

/* The helper beside the running binary (a build tree), in ../libexec/pdpscan/ from it (an install
 * moved whole, or staged with DESTDIR), else in the libexec directory configure chose. Found once;
 * read-only afterwards. */
static char helper_path[PATH_MAX];
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;

static void find_helper(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        static const char *const places[] = {"pdpscan-sandbox", "../libexec/pdpscan/pdpscan-sandbox"};
        for (size_t i = 0; slash && i < sizeof places / sizeof places[0]; i++) {
            snprintf(helper_path, sizeof helper_path, "%.*s/%s", (int)(slash - exe), exe, places[i]);
            if (access(helper_path, X_OK) == 0)
                return;
        }
    }
    snprintf(helper_path, sizeof helper_path, "%s/pdpscan-sandbox", PD_LIBEXECDIR);
}

const char *pd_sandbox_helper_path(void)
{
    pthread_once(&helper_once, find_helper);
    return helper_path;
}

pid_t pd_sandbox_spawn(const struct pd_sandbox_job *job)
{
    pthread_once(&helper_once, find_helper);
    char timeout[16], uid[16], gid[16];
    snprintf(timeout, sizeof timeout, "%u", job->timeout);
    snprintf(uid, sizeof uid, "%ld", job->user ? (long)job->user->uid : (long)NOBODY);
    snprintf(gid, sizeof gid, "%ld", job->user ? (long)job->user->gid : (long)NOBODY);
    size_t n = 0;
    while (job->argv[n])
        n++;
    char **argv = calloc(n + 6, sizeof *argv);
    if (!argv)
        return -1;
    char *fixed[] = {"pdpscan-sandbox", timeout, uid, gid, (char *)job->tool};
    memcpy(argv, fixed, sizeof fixed);
    memcpy(argv + 5, job->argv, n * sizeof *argv);
    /* the tool sees no variable of the scan's environment */
    char *envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    pid_t pid = -1;
    /* the descriptors the child is given must lie above the 0-3 it rearranges: a scan started
     * with standard input closed (cron can do that) may hold its pipe or document there */
    int out = job->out < 4 ? fcntl(job->out, F_DUPFD_CLOEXEC, 4) : job->out;
    int doc = job->doc < 4 ? fcntl(job->doc, F_DUPFD_CLOEXEC, 4) : job->doc;
    int rc = out < 0 || doc < 0 ? errno : posix_spawn_file_actions_init(&fa);
    if (rc == 0 && (rc = posix_spawnattr_init(&attr)) != 0)
        posix_spawn_file_actions_destroy(&fa);
    if (rc == 0) {
        /* the text goes to the pipe, the document is fd 3, standard input and error are /dev/null */
        rc = posix_spawn_file_actions_adddup2(&fa, out, 1);
        if (!rc)
            rc = posix_spawn_file_actions_adddup2(&fa, doc, 3);
        if (!rc)
            rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        if (!rc)
            rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        if (!rc)
            rc = posix_spawn_file_actions_addclosefrom_np(&fa, 4);
        /* a process group of its own, so that a timeout kills whatever it became */
        if (!rc)
            rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                     POSIX_SPAWN_SETSIGDEF);
        if (!rc)
            rc = posix_spawnattr_setpgroup(&attr, 0);
        if (!rc)
            rc = posix_spawnattr_setsigmask(&attr, &none);
        if (!rc)
            rc = posix_spawnattr_setsigdefault(&attr, &all);
        if (!rc)
            rc = posix_spawn(&pid, helper_path, &fa, &attr, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
    }
    free(argv);
    if (out >= 0 && out != job->out)
        close(out);
    if (doc >= 0 && doc != job->doc)
        close(doc);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

/* ---- the helper ---- */

/* Refuses a system call with an errno, or with conditions on its arguments. */
static bool deny(scmp_filter_ctx ctx, int err, int syscall, unsigned n, const struct scmp_arg_cmp *args)
{
    if (syscall < 0)
        return true; /* not on this architecture */
    return seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((uint32_t)err), syscall, n, args) == 0;
}

/* Allowed: reading anything the user may read, writing to the descriptors it was given, threads.
 * Refused: opening for writing or creating, every call that changes the file system, sockets, new
 * processes, debugging others, and the kernel interfaces that bypass or widen a filter. */
static bool install_filter(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW); /* other architectures' calls are killed */
    if (!ctx)
        return false;
    static const char *const changes[] = {
        "creat", "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
        "symlinkat", "mkdir", "mkdirat", "mknod", "mknodat", "truncate", "ftruncate", "chmod", "fchmod", "fchmodat",
        "chown", "fchown", "lchown", "fchownat", "utime", "utimes", "utimensat", "futimesat", "setxattr",
        "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "mount", "umount2", "pivot_root",
        "chroot", "open_by_handle_at", "name_to_handle_at", "fallocate", "socket", "socketpair", "fork", "vfork",
        "ptrace", "process_vm_writev", "process_vm_readv", "bpf", "perf_event_open", "userfaultfd", "keyctl",
        "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load",
        "init_module", "finit_module", "delete_module", "setns", "unshare", "mount_setattr", "move_mount",
        "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", NULL};
    bool ok = true;
    for (size_t i = 0; ok && changes[i]; i++)
        ok = deny(ctx, EPERM, seccomp_syscall_resolve_name(changes[i]), 0, NULL);
    /* open and openat for writing, creating, truncating, appending or an unnamed file */
    static const int write_flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, __O_TMPFILE};
    for (size_t i = 0; ok && i < sizeof write_flags / sizeof write_flags[0]; i++) {
        scmp_datum_t f = (scmp_datum_t)write_flags[i];
        struct scmp_arg_cmp open_flags = SCMP_A1(SCMP_CMP_MASKED_EQ, f, f), at_flags = SCMP_A2(SCMP_CMP_MASKED_EQ, f, f);
        ok = deny(ctx, EACCES, SCMP_SYS(open), 1, &open_flags) && deny(ctx, EACCES, SCMP_SYS(openat), 1, &at_flags);
    }
    /* openat2 takes its flags in a structure the filter cannot read: refused, callers fall back */
    ok = ok && deny(ctx, ENOSYS, seccomp_syscall_resolve_name("openat2"), 0, NULL);
    /* a new thread is allowed, a new process is not; clone3's flags are in a structure too */
    struct scmp_arg_cmp no_thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
    ok = ok && deny(ctx, EPERM, SCMP_SYS(clone), 1, &no_thread) &&
         deny(ctx, ENOSYS, seccomp_syscall_resolve_name("clone3"), 0, NULL);
    /* signals to itself only */
    struct scmp_arg_cmp other = SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)getpid(), 0);
    ok = ok && deny(ctx, EPERM, SCMP_SYS(kill), 1, &other) && deny(ctx, EPERM, SCMP_SYS(tkill), 1, &other) &&
         deny(ctx, EPERM, SCMP_SYS(tgkill), 1, &other);
    ok = ok && seccomp_load(ctx) == 0;
    seccomp_release(ctx);
    return ok;
}

/* Leaves root for the tools' user, for good; a process that is not root stays who it is. */
static bool drop_root(const char *uid_text, const char *gid_text)
{
    if (geteuid() != 0 && getuid() != 0)
        return true;
    char *end1, *end2;
    long uid = strtol(uid_text, &end1, 10), gid = strtol(gid_text, &end2, 10);
    if (*end1 || *end2 || uid <= 0 || gid <= 0)
        return false;
    struct rlimit procs = {TOOL_PROCESSES, TOOL_PROCESSES};
    return setgroups(0, NULL) == 0 && setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) == 0 &&
           setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) == 0 && getuid() != 0 && geteuid() != 0 &&
           setrlimit(RLIMIT_NPROC, &procs) == 0;
}

int pd_sandbox_main(int argc, char **argv)
{
    /* pdpscan-sandbox TIMEOUT UID GID TOOL ARGV0 [ARG...] */
    if (argc < 6 || argv[4][0] != '/')
        return PD_SANDBOX_BAD_CALL;
    char *end;
    unsigned long timeout = strtoul(argv[1], &end, 10);
    if (*end || timeout == 0 || timeout > 86400)
        return PD_SANDBOX_BAD_CALL;
    struct rlimit cpu = {timeout, timeout + 1}, none = {0, 0}, mem = {TOOL_MEMORY, TOOL_MEMORY};
    if (setrlimit(RLIMIT_CPU, &cpu) != 0 || setrlimit(RLIMIT_FSIZE, &none) != 0 || setrlimit(RLIMIT_CORE, &none) != 0)
        return PD_SANDBOX_LIMITS;
    if (!drop_root(argv[2], argv[3]))
        return PD_SANDBOX_USER;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !install_filter())
        return PD_SANDBOX_FILTER;
    /* the address-space limit comes last: a sanitizer build of this helper maps far more */
    if (setrlimit(RLIMIT_AS, &mem) != 0)
        return PD_SANDBOX_LIMITS;
    char *envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", NULL};
    execve(argv[4], argv + 5, envp);
    return PD_SANDBOX_EXEC;
}

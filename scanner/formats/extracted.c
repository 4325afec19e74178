/* Formats whose parsers are heavy or licence-incompatible (PDF, legacy .doc/.xls/.ppt) are read
 * by Debian's tools in a child process: CPU, memory and file-size limits, no core dumps, a
 * wall-clock timeout, standard input closed, the document on fd 3 and its text on a pipe. A
 * hostile file can crash or hang the tool, never the scan; a unit whose tool is missing, fails or
 * times out is skipped or in error with the reason, never called clean. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/worker-int.h"

#define MAX_MEMBER_COPY (256u << 20)
#define CHILD_MEMORY (1024ull << 20)
#define CHILD_STACK ((size_t)64 << 10)

struct extractor {
    const char *mime;
    const char *tool, *package;
    const char *args[6]; /* after the tool name; "@" is the document */
    bool paged;          /* form feeds separate pages */
};

static const struct extractor extractors[] = {
    {"application/pdf", "pdftotext", "poppler-utils", {"-q", "-enc", "UTF-8", "-layout", "@", "-"}, true},
    {"application/msword", "catdoc", "catdoc", {"-d", "utf-8", "-w", "@"}, false},
    {"application/vnd.ms-excel", "xls2csv", "catdoc", {"-d", "utf-8", "@"}, false},
    {"application/vnd.ms-powerpoint", "catppt", "catdoc", {"-d", "utf-8", "@"}, false},
    {"application/CDFV2", "catdoc", "catdoc", {"-d", "utf-8", "-w", "@"}, false},
};

static const struct extractor *find(const char *mime)
{
    for (size_t i = 0; i < sizeof extractors / sizeof extractors[0]; i++)
        if (strcmp(extractors[i].mime, mime) == 0)
            return &extractors[i];
    return NULL;
}

static bool accepts(const char *mime) { return find(mime) != NULL; }

/* The tool's absolute path, found before the child starts (it makes system calls only). */
static bool locate(const char *tool, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", path && *path ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, cap, "%s/%s", d, tool);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}

/* The document as an fd the child can open as /dev/fd/3: the file itself, or a memfd copy. */
static int document_fd(struct pd_source *src, bool *owned, char *why, size_t cap)
{
    *owned = false;
    if (src->fd >= 0 && src->rewind && src->rewind(src) == 0)
        return src->fd;
    int fd = memfd_create("pdpscan-document", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(why, cap, "cannot hold the document in memory: %s", strerror(errno));
        return -1;
    }
    *owned = true;
    unsigned char buf[65536];
    size_t total = 0;
    for (;;) {
        ssize_t n = pd_source_read(src, buf, sizeof buf);
        if (n < 0) {
            snprintf(why, cap, "%s", pd_source_error(src, errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        if ((total += (size_t)n) > MAX_MEMBER_COPY) {
            snprintf(why, cap, "document member larger than %u MiB", MAX_MEMBER_COPY >> 20);
            close(fd);
            return -1;
        }
        if (write(fd, buf, (size_t)n) != n) {
            snprintf(why, cap, "cannot hold the document in memory: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

struct child_stream {
    int fd;
    pid_t pid;
    struct timespec deadline;
    unsigned timeout;
    const atomic_int *stop;
    bool timed_out;
};

static ssize_t child_read(struct pd_source *src, void *buf, size_t n)
{
    struct child_stream *c = src->ctx;
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (c->deadline.tv_sec - now.tv_sec) * 1000 + (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
        if (ms <= 0 || (c->stop && atomic_load(c->stop))) {
            c->timed_out = ms <= 0;
            kill(c->pid, SIGKILL);
            snprintf(src->error, sizeof src->error, c->timed_out ? "extractor timed out after %u s" : "scan interrupted",
                     c->timeout);
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int r = poll(&p, 1, ms < 200 ? (int)ms : 200);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r <= 0)
            continue;
        ssize_t k = read(c->fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        return k;
    }
}

static void child_close(struct pd_source *src) { (void)src; }

struct child_setup {
    const char *tool;
    char *const *argv;
    int out, doc; /* become its standard output and fd 3 */
    unsigned timeout;
};

/* The child until exec. It shares the parent's memory (CLONE_VM), so it makes system calls only
 * and writes nothing but its own stack; signals stay blocked until their handlers are reset. */
static int child_main(void *arg)
{
    const struct child_setup *c = arg;
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 2);
    dup2(c->out, 1);
    /* dup2 clears close-on-exec on the copy, but does nothing when the document is fd 3 already
     * (a scan without -o leaves 3 free for it): then the flag is cleared by hand, or the tool
     * finds no /dev/fd/3 and every PDF and .doc fails */
    if (c->doc == 3)
        fcntl(3, F_SETFD, 0);
    else
        dup2(c->doc, 3);
    close_range(4, ~0U, 0);
    struct rlimit cpu = {c->timeout, c->timeout + 1}, mem = {CHILD_MEMORY, CHILD_MEMORY}, none_l = {0, 0};
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_AS, &mem);
    setrlimit(RLIMIT_FSIZE, &none_l); /* it may write nothing but its pipe */
    setrlimit(RLIMIT_CORE, &none_l);
    execv(c->tool, c->argv);
    _exit(127);
}

/* Starts the tool the way posix_spawn does, with the limits posix_spawn cannot set: fork() copied
 * the page tables of a scanner holding tens of MB and made its threads fault on every page they
 * wrote until the exec, 8 ms a document against 3. Returns the pid, or -1 with errno set. */
static pid_t spawn(struct child_setup *setup)
{
    char *stack = malloc(CHILD_STACK);
    if (!stack)
        return -1;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    /* CLONE_VFORK: this thread waits until the child has exec'd or exited, then frees its stack */
    pid_t pid = clone(child_main, stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, setup);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    free(stack);
    errno = saved;
    return pid;
}

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    const struct extractor *x = find(u->mime);
    char tool[512], why[200];
    if (!locate(x->tool, tool, sizeof tool)) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "%s is needed to read %s and is not installed (Debian package %s)", x->tool,
                    u->mime, x->package);
        return;
    }
    bool owned;
    int doc = document_fd(src, &owned, why, sizeof why);
    if (doc < 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
        return;
    }
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "cannot start %s: %s", x->tool, strerror(errno));
        if (owned)
            close(doc);
        return;
    }
    const char *argv[8] = {x->tool};
    for (int i = 0; i < 6 && x->args[i]; i++)
        argv[i + 1] = strcmp(x->args[i], "@") == 0 ? "/dev/fd/3" : x->args[i];
    unsigned timeout = pd_worker_config_of(w)->extractor_timeout ? pd_worker_config_of(w)->extractor_timeout : 60;
    struct child_setup setup = {.tool = tool, .argv = (char *const *)argv, .out = pipefd[1], .doc = doc,
                                .timeout = timeout};
    pid_t pid = spawn(&setup);
    close(pipefd[1]);
    if (pid < 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "cannot start %s: %s", x->tool, strerror(errno));
        close(pipefd[0]);
        if (owned)
            close(doc);
        return;
    }
    struct child_stream c = {.fd = pipefd[0], .pid = pid, .timeout = timeout, .stop = pd_worker_config_of(w)->stop};
    clock_gettime(CLOCK_MONOTONIC, &c.deadline);
    c.deadline.tv_sec += timeout;
    struct pd_source out = {.kind = "extractor", .read = child_read, .close = child_close, .fd = -1, .ctx = &c,
                            .paged = x->paged};
    char mime[sizeof u->mime];
    memcpy(mime, u->mime, sizeof mime);
    uint64_t document_size = u->size;
    pd_worker_scan_text(w, u, &out, depth, PD_ENC_UTF8);
    memcpy(u->mime, mime, sizeof mime);
    u->bytes_scanned = document_size; /* the whole document went to the tool; its text is shorter */
    kill(pid, SIGKILL); /* finished or not, it has nothing more to say */
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (owned)
        close(doc);
    if (c.timed_out)
        return; /* the text scan already says "extractor timed out" */
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        pd_unit_set(u, u->n_findings ? PD_UNIT_PARTIAL : PD_UNIT_ERROR, "%s failed on this file (exit status %d)",
                    x->tool, WEXITSTATUS(status));
    else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
        pd_unit_set(u, u->n_findings ? PD_UNIT_PARTIAL : PD_UNIT_ERROR,
                    "%s was stopped by signal %d (crash, or CPU or memory limit)", x->tool, WTERMSIG(status));
}

const struct pd_format pd_format_extracted = {
    .accepts = accepts,
    .scan = scan,
};

/* Formats whose parsers are heavy or licence-incompatible (PDF, legacy .doc/.xls/.ppt) are read
 * by Debian's tools, found at absolute paths configure chose, in the extractor sandbox
 * (scanner/sandbox.h): a process group of its own, limits, no_new_privs, a seccomp filter, an
 * unprivileged user when run as root, a wall-clock timeout, the document on fd 3 and its text on
 * a pipe. A hostile file can crash or hang the tool, never the scan or the files around it; a
 * unit whose tool is missing, fails or times out is skipped or in error with the reason. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/sandbox.h"
#include "scanner/worker-int.h"

#define MAX_MEMBER_COPY (256u << 20)

struct extractor {
    const char *mime;
    const char *tool, *path, *package; /* path: where configure found the tool */
    const char *args[6]; /* after the tool name; "@" is the document */
    bool paged;          /* form feeds separate pages */
};

static const struct extractor extractors[] = {
    {"application/pdf", "pdftotext", PD_PDFTOTEXT, "poppler-utils", {"-q", "-enc", "UTF-8", "-layout", "@", "-"}, true},
    {"application/msword", "catdoc", PD_CATDOC, "catdoc", {"-d", "utf-8", "-w", "@"}, false},
    {"application/vnd.ms-excel", "xls2csv", PD_XLS2CSV, "catdoc", {"-d", "utf-8", "@"}, false},
    {"application/vnd.ms-powerpoint", "catppt", PD_CATPPT, "catdoc", {"-d", "utf-8", "@"}, false},
    {"application/CDFV2", "catdoc", PD_CATDOC, "catdoc", {"-d", "utf-8", "-w", "@"}, false},
};

static const struct extractor *find(const char *mime)
{
    for (size_t i = 0; i < sizeof extractors / sizeof extractors[0]; i++)
        if (strcmp(extractors[i].mime, mime) == 0)
            return &extractors[i];
    return NULL;
}

static bool accepts(const char *mime) { return find(mime) != NULL; }

/* The tool reopens /dev/fd/3, which checks the file's permissions: a tool that runs as another
 * user (pdpscan as root) can reopen only a file anyone may read. */
static bool tool_may_reopen(int fd)
{
    struct stat st;
    return geteuid() != 0 || (fstat(fd, &st) == 0 && (st.st_mode & S_IROTH));
}

/* The document as an fd the child can open as /dev/fd/3: the file itself, or a memfd copy (mode
 * 0777, so the tools' user can reopen it). */
static int document_fd(struct pd_source *src, bool *owned, char *why, size_t cap)
{
    *owned = false;
    if (src->fd >= 0 && tool_may_reopen(src->fd) && src->rewind && src->rewind(src) == 0)
        return src->fd;
    if (src->rewind && src->rewind(src) != 0) {
        snprintf(why, cap, "cannot read the document again from its start: %s", strerror(errno));
        return -1;
    }
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
            kill(-c->pid, SIGKILL); /* its process group: whatever it started goes too */
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

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    const struct extractor *x = find(u->mime);
    char buf[512], why[200];
    const char *tool = pd_sandbox_tool_path(x->path, x->tool, buf, sizeof buf);
    if (access(tool, X_OK) != 0) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "%s is needed to read %s and is not installed at %s (Debian package %s)",
                    x->tool, u->mime, tool, x->package);
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
    struct pd_sandbox_job job = {.tool = tool, .argv = (char *const *)argv, .out = pipefd[1], .doc = doc,
                                 .timeout = timeout, .user = pd_worker_config_of(w)->extractor_user};
    pid_t pid = pd_sandbox_spawn(&job);
    close(pipefd[1]);
    if (pid < 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "cannot start %s in its sandbox %s: %s", x->tool, pd_sandbox_helper_path(),
                    strerror(errno));
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
    kill(-pid, SIGKILL); /* finished or not, it and its group have nothing more to say */
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (owned)
        close(doc);
    if (c.timed_out)
        return; /* the text scan already says "extractor timed out" */
    if (WIFEXITED(status) && pd_sandbox_failure(WEXITSTATUS(status)))
        pd_unit_set(u, PD_UNIT_ERROR, "%s: %s", pd_sandbox_failure(WEXITSTATUS(status)), x->tool);
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
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

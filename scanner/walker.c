/* Directory walk with an explicit stack, exclusions, and symbolic-link loop detection. */
#include "scanner/walker.h"

#include "scanner/db/db.h"
#include "scanner/roots.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Directories already entered, by (device, inode): only needed when links are followed. */
struct visited {
    struct {
        dev_t dev;
        ino_t ino;
        bool used;
    } *slots;
    size_t cap, count;
};

static size_t visited_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Adds (dev, ino); returns 1 if new, 0 if already there, -1 on allocation failure. */
static int visited_add(struct visited *v, dev_t dev, ino_t ino)
{
    if ((v->count + 1) * 2 > v->cap) {
        struct visited bigger = {.cap = v->cap ? v->cap * 2 : 256};
        bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
        if (!bigger.slots)
            return -1;
        for (size_t i = 0; i < v->cap; i++)
            if (v->slots[i].used)
                visited_add(&bigger, v->slots[i].dev, v->slots[i].ino);
        free(v->slots);
        *v = bigger;
    }
    for (size_t i = visited_hash(dev, ino, v->cap);; i = (i + 1) & (v->cap - 1)) {
        if (!v->slots[i].used) {
            v->slots[i].used = true;
            v->slots[i].dev = dev;
            v->slots[i].ino = ino;
            v->count++;
            return 1;
        }
        if (v->slots[i].dev == dev && v->slots[i].ino == ino)
            return 0;
    }
}

/* Kernel pseudo-filesystems: files that describe the running system, some without end
 * (/proc/self/pagemap, /proc/kcore), with sizes that are fiction. Entered only when named as a
 * root. devtmpfs shows the same magic as tmpfs, so the mount table names them by type. */
static const char *const pseudo_types[] = {
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs",
    "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "efivarfs", "binfmt_misc", "rpc_pipefs",
    "nsfs", NULL};

struct pseudo_mount {
    dev_t dev;
    char type[32];
};

struct walk {
    const struct pd_walk_options *opts;
    struct pseudo_mount *pseudo; /* read from /proc/self/mountinfo once */
    size_t n_pseudo;
    dev_t root_dev;
    const struct pd_walk_sink *sink;
    char **stack;
    size_t depth, cap;
    struct visited visited;
    const struct pd_root *root; /* of the root being walked, or NULL */
    bool stopped;
};

static void emit_unit(struct walk *w, const char *path, enum pd_unit_status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void emit_unit(struct walk *w, const char *path, enum pd_unit_status status, const char *fmt, ...)
{
    struct pd_unit *u = pd_unit_create(path);
    if (!u)
        return;
    pd_unit_set_root(u, w->root);
    va_list ap;
    va_start(ap, fmt);
    u->status = status;
    vsnprintf(u->reason, sizeof u->reason, fmt, ap);
    va_end(ap);
    w->sink->unit(w->sink->arg, u);
}

/* Lists the pseudo-filesystems mounted in this mount namespace. Without /proc there is none to
 * fear, save what the type of a root names. */
static void load_pseudo_mounts(struct walk *w)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, room = 0;
    while (getline(&line, &cap, f) > 0) {
        unsigned major, minor;
        const char *dash = strstr(line, " - ");
        char type[32];
        if (!dash || sscanf(line, "%*u %*u %u:%u", &major, &minor) != 2 || sscanf(dash + 3, "%31s", type) != 1)
            continue;
        bool pseudo = false;
        for (size_t i = 0; pseudo_types[i] && !pseudo; i++)
            pseudo = strcmp(type, pseudo_types[i]) == 0;
        if (!pseudo)
            continue;
        if (w->n_pseudo == room) {
            size_t more = room ? room * 2 : 16;
            struct pseudo_mount *p = realloc(w->pseudo, more * sizeof *p);
            if (!p)
                break;
            w->pseudo = p;
            room = more;
        }
        w->pseudo[w->n_pseudo].dev = makedev(major, minor);
        snprintf(w->pseudo[w->n_pseudo].type, sizeof w->pseudo[0].type, "%s", type);
        w->n_pseudo++;
    }
    free(line);
    fclose(f);
}

/* The pseudo-filesystem type of a device other than the root's, or NULL. */
static const char *pseudo_type(const struct walk *w, dev_t dev)
{
    if (dev == w->root_dev)
        return NULL;
    for (size_t i = 0; i < w->n_pseudo; i++)
        if (w->pseudo[i].dev == dev)
            return w->pseudo[i].type;
    return NULL;
}

static enum pd_error push_dir(struct walk *w, const char *path)
{
    if (w->depth == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 64;
        char **ns = realloc(w->stack, ncap * sizeof *ns);
        if (!ns)
            return PD_ERR_NOMEM;
        w->stack = ns;
        w->cap = ncap;
    }
    if (!(w->stack[w->depth] = strdup(path)))
        return PD_ERR_NOMEM;
    w->depth++;
    return PD_OK;
}

static const char *excluded_by(const struct walk *w, const char *path, const char *name)
{
    for (size_t i = 0; i < w->opts->n_excludes; i++) {
        const char *g = w->opts->excludes[i];
        if (fnmatch(g, name, 0) == 0 || fnmatch(g, path, 0) == 0)
            return g;
    }
    return NULL;
}

static const char *special_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "FIFO";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    return "special file";
}

/* Decides what to do with one path whose lstat() is st. */
static enum pd_error visit(struct walk *w, const char *path, const struct stat *lst)
{
    struct stat st = *lst;
    if (S_ISLNK(lst->st_mode)) {
        if (!w->opts->follow_symlinks) {
            emit_unit(w, path, PD_UNIT_SKIPPED, "symbolic link not followed%s", " (use --follow-symlinks)");
            return PD_OK;
        }
        if (stat(path, &st) != 0) {
            emit_unit(w, path, PD_UNIT_ERROR, "broken symbolic link: %s", strerror(errno));
            return PD_OK;
        }
    }
    const char *pseudo = pseudo_type(w, st.st_dev);
    if (pseudo) {
        emit_unit(w, path, PD_UNIT_SKIPPED, "%s pseudo-filesystem: not read unless named as a root", pseudo);
        return PD_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        if (w->opts->follow_symlinks) {
            int added = visited_add(&w->visited, st.st_dev, st.st_ino);
            if (added < 0)
                return PD_ERR_NOMEM;
            if (added == 0) {
                emit_unit(w, path, PD_UNIT_SKIPPED, "%s", "symbolic link loop or directory already scanned");
                return PD_OK;
            }
        }
        return push_dir(w, path);
    }
    if (S_ISREG(st.st_mode)) {
        for (size_t i = 0; i < w->sink->n_own; i++)
            if (w->sink->own[i].dev == st.st_dev && w->sink->own[i].ino == st.st_ino) {
                emit_unit(w, path, PD_UNIT_SKIPPED, "%s", w->sink->own[i].what ? w->sink->own[i].what
                                                                              : "pdpscan's own report");
                return PD_OK;
            }
        char *copy = strdup(path);
        if (!copy)
            return PD_ERR_NOMEM;
        if (!w->sink->file(w->sink->arg, copy, &st, w->root))
            w->stopped = true;
        return PD_OK;
    }
    emit_unit(w, path, PD_UNIT_SKIPPED, "%s is not read", special_kind(st.st_mode));
    return PD_OK;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (!slash)
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static enum pd_error walk_dir(struct walk *w, const char *dir, const atomic_int *stop)
{
    DIR *d = opendir(dir);
    if (!d) {
        emit_unit(w, dir, PD_UNIT_ERROR, "cannot open directory: %s", strerror(errno));
        return PD_OK;
    }
    enum pd_error err = PD_OK;
    struct dirent *de;
    while (!err && !w->stopped && !atomic_load(stop)) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno)
                emit_unit(w, dir, PD_UNIT_ERROR, "directory listing failed part way: %s", strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *path = join_path(dir, de->d_name);
        if (!path) {
            err = PD_ERR_NOMEM;
            break;
        }
        const char *glob = excluded_by(w, path, de->d_name);
        if (glob) {
            emit_unit(w, path, PD_UNIT_SKIPPED, "excluded by --exclude %s", glob);
        } else {
            struct stat st; /* relative to the open directory: no path look-up; the size orders the jobs */
            if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                emit_unit(w, path, PD_UNIT_ERROR, "vanished or unreadable during the walk: %s", strerror(errno));
            } else {
                err = visit(w, path, &st);
            }
        }
        free(path);
    }
    closedir(d);
    return err;
}

enum pd_error pd_walk(const struct pd_walk_options *opts, const struct pd_walk_sink *sink, const atomic_int *stop)
{
    struct walk w = {.opts = opts, .sink = sink};
    enum pd_error err = PD_OK;
    load_pseudo_mounts(&w);
    for (size_t r = 0; r < opts->n_roots && !err && !w.stopped && !atomic_load(stop); r++) {
        const char *root = opts->roots[r];
        struct stat st;
        w.root = opts->resolved ? &opts->resolved[r] : NULL;
        if (pd_database_root(root))
            continue; /* tables were queued by the scan */
        if (strcmp(root, "-") == 0) { /* standard input: one unit, read by a worker */
            char *copy = strdup(root);
            if (!copy)
                return PD_ERR_NOMEM;
            if (!sink->file(sink->arg, copy, NULL, w.root))
                break;
            continue;
        }
        if (stat(root, &st) != 0) { /* roots named on the command line are followed, like find -H */
            emit_unit(&w, root, PD_UNIT_ERROR, "cannot access: %s", strerror(errno));
            continue;
        }
        w.root_dev = st.st_dev; /* a root on a pseudo-filesystem was asked for: it is walked */
        err = visit(&w, root, &st);
        while (!err && w.depth > 0 && !w.stopped && !atomic_load(stop)) {
            char *dir = w.stack[--w.depth];
            err = walk_dir(&w, dir, stop);
            free(dir);
        }
    }
    while (w.depth > 0)
        free(w.stack[--w.depth]);
    free(w.stack);
    free(w.visited.slots);
    free(w.pseudo);
    return err;
}

/* The walker: files under the roots reach the sink with their sizes, excluded names and the
 * report's own file become skipped units with a reason, a missing root an error unit, links are
 * not followed unless asked (and a loop is reported), and a stop ends the walk. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/walker.h"
#include "tests/unit/check.h"

struct seen {
    char files[32][512];
    uint64_t sizes[32];
    size_t n_files;
    char units[32][512];
    char reasons[32][320];
    enum pd_unit_status status[32];
    size_t n_units;
    size_t stop_after; /* 0: never */
};

static bool on_file(void *arg, char *path, const struct stat *st, const struct pd_root *root)
{
    struct seen *s = arg;
    (void)root;
    if (s->n_files < 32) {
        snprintf(s->files[s->n_files], sizeof s->files[0], "%s", path);
        s->sizes[s->n_files++] = st ? (uint64_t)st->st_size : 0;
    }
    free(path);
    return !s->stop_after || s->n_files < s->stop_after;
}

static void on_unit(void *arg, struct pd_unit *u)
{
    struct seen *s = arg;
    if (s->n_units < 32) {
        snprintf(s->units[s->n_units], sizeof s->units[0], "%s", u->path);
        snprintf(s->reasons[s->n_units], sizeof s->reasons[0], "%s", u->reason);
        s->status[s->n_units++] = u->status;
    }
    pd_unit_destroy(u);
}

static const char *file_ending(const struct seen *s, const char *suffix)
{
    for (size_t i = 0; i < s->n_files; i++) {
        size_t n = strlen(s->files[i]), k = strlen(suffix);
        if (n >= k && strcmp(s->files[i] + n - k, suffix) == 0)
            return s->files[i];
    }
    return NULL;
}

static int unit_ending(const struct seen *s, const char *suffix)
{
    for (size_t i = 0; i < s->n_units; i++) {
        size_t n = strlen(s->units[i]), k = strlen(suffix);
        if (n >= k && strcmp(s->units[i] + n - k, suffix) == 0)
            return (int)i;
    }
    return -1;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        exit(99);
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    char dir[] = "/tmp/pdpscan-walker.XXXXXX", path[512], missing[512];
    if (!mkdtemp(dir))
        return 99;
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0755);
    write_file(dir, "a.txt", "hello");
    write_file(dir, "sub/b.csv", "x,y\n");
    write_file(dir, "skip.log", "noise");
    write_file(dir, "report.json", "{}");
    snprintf(path, sizeof path, "%s/sub/loop", dir);
    if (symlink(dir, path) != 0)
        return 99;
    snprintf(path, sizeof path, "%s/report.json", dir);
    struct stat st;
    stat(path, &st);
    struct pd_file_id own = {st.st_dev, st.st_ino, NULL};
    snprintf(missing, sizeof missing, "%s/missing", dir);

    char *roots[] = {dir, missing}, *excludes[] = {"*.log"};
    struct pd_walk_options opts = {.roots = roots, .n_roots = 2, .excludes = excludes, .n_excludes = 1};
    struct seen *s = calloc(1, sizeof *s);
    struct pd_walk_sink sink = {.file = on_file, .unit = on_unit, .arg = s, .own = &own, .n_own = 1};
    atomic_int stop = 0;
    CHECK(pd_walk(&opts, &sink, &stop) == PD_OK);
    CHECK(file_ending(s, "/a.txt") != NULL);
    CHECK(file_ending(s, "/sub/b.csv") != NULL);
    CHECK(file_ending(s, "/skip.log") == NULL);
    CHECK(file_ending(s, "/report.json") == NULL);
    const char *a = file_ending(s, "/a.txt");
    for (size_t i = 0; a && i < s->n_files; i++)
        if (s->files[i] == a)
            CHECK(s->sizes[i] == 5);
    int u = unit_ending(s, "/skip.log");
    CHECK(u >= 0 && s->status[u] == PD_UNIT_SKIPPED && strstr(s->reasons[u], "*.log"));
    u = unit_ending(s, "/report.json");
    CHECK(u >= 0 && s->status[u] == PD_UNIT_SKIPPED && strstr(s->reasons[u], "own report"));
    u = unit_ending(s, "/missing");
    CHECK(u >= 0 && s->status[u] == PD_UNIT_ERROR && strstr(s->reasons[u], "cannot access"));
    u = unit_ending(s, "/sub/loop");
    CHECK(u >= 0 && s->status[u] == PD_UNIT_SKIPPED);

    /* following links: the link back to the root is a loop, reported, never walked twice */
    memset(s, 0, sizeof *s);
    opts.follow_symlinks = true;
    CHECK(pd_walk(&opts, &sink, &stop) == PD_OK);
    CHECK(s->n_files == 2);
    u = unit_ending(s, "/sub/loop");
    CHECK_MSG(u >= 0 && strstr(s->reasons[u], "loop"), "%s", u >= 0 ? s->reasons[u] : "no unit");

    /* a sink that says stop ends the walk at once */
    memset(s, 0, sizeof *s);
    s->stop_after = 1;
    pd_walk(&opts, &sink, &stop);
    CHECK(s->n_files == 1);
    /* a stop flag set before the walk: nothing is walked */
    memset(s, 0, sizeof *s);
    atomic_store(&stop, 1);
    CHECK(pd_walk(&opts, &sink, &stop) == PD_OK);
    CHECK(s->n_files == 0);

    free(s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 99;
    return check_done();
}

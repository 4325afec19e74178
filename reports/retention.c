/* Reports named by date (-o /var/lib/pdpscan/%Y-%m-%d.json) and how many of them are kept
 * (--keep N): the name is the pattern expanded with the scan's start time; the files of the
 * pattern's directory whose names fit it (each conversion as "*") are the earlier reports. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/report.h"

bool pd_report_name_has_date(const char *pattern)
{
    for (const char *p = strchr(pattern, '%'); p; p = strchr(p + 2, '%'))
        if (p[1] && p[1] != '%')
            return true;
        else if (!p[1])
            break;
    return false;
}

enum pd_error pd_report_name_expand(const char *pattern, time_t when, char *out, size_t cap, struct pd_diag *diag)
{
    struct tm tm;
    localtime_r(&when, &tm);
    /* the pattern is the user's -o, a strftime format by design */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    size_t n = strftime(out, cap, pattern, &tm);
#pragma GCC diagnostic pop
    if (n == 0 || n >= cap)
        return pd_fail(diag, PD_ERR_USAGE, "-o %s: the name expands to nothing or to more than %zu bytes", pattern,
                       cap - 1);
    return PD_OK;
}

/* What each conversion writes, as a glob: digits where it writes digits, so that --keep with
 * "%Y-%m-%d.json" matches "2026-11-30.json" and not "notes.json". A conversion that writes
 * names (%a, %b...) matches any letters. */
static const char *conversion_glob(char c)
{
    switch (c) {
    case 'Y': case 'G': return "[0-9][0-9][0-9][0-9]";
    case 'm': case 'd': case 'H': case 'M': case 'S': case 'y': case 'g': case 'I': case 'U': case 'W': case 'V':
    case 'C': case 'e': return "[0-9 ][0-9]";
    case 'j': return "[0-9][0-9][0-9]";
    case 'u': case 'w': return "[0-9]";
    case 'F': return "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]";
    case 'T': return "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]";
    case 'R': return "[0-9][0-9]:[0-9][0-9]";
    case 's': return "[0-9]*";
    default: return "*";
    }
}

static bool name_glob(const char *name, char *glob, size_t cap)
{
    size_t g = 0;
    for (const char *p = name; *p; p++) {
        const char *add;
        char one[3] = {0};
        if (*p == '%' && p[1] == '%') {
            add = "%";
            p++;
        } else if (*p == '%' && p[1]) {
            p++;
            while (p[1] && strchr("EO_-0^#", *p)) /* flags and modifiers: %-d, %Ey */
                p++;
            add = conversion_glob(*p);
        } else {
            one[0] = strchr("*?[\\", *p) ? '\\' : *p;
            one[1] = strchr("*?[\\", *p) ? *p : '\0';
            add = one;
        }
        size_t k = strlen(add);
        if (g + k + 1 > cap)
            return false;
        memcpy(glob + g, add, k);
        g += k;
    }
    glob[g] = '\0';
    return true;
}

struct report_file {
    char *name;
    struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
    const struct report_file *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(y->name, x->name); /* the same second: the later name first */
}

enum pd_error pd_report_keep_latest(const char *pattern, unsigned keep, unsigned *removed, struct pd_diag *diag)
{
    *removed = 0;
    /* the directory part has no conversion (checked when the option was read) */
    const char *slash = strrchr(pattern, '/');
    char dir[4096], glob[1024];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - pattern) : 1, slash ? pattern : ".");
    if (slash && slash == pattern)
        snprintf(dir, sizeof dir, "/");
    const char *base = slash ? slash + 1 : pattern;
    if (!name_glob(base, glob, sizeof glob))
        return pd_fail(diag, PD_ERR_USAGE, "--keep: the name %s is too long for a pattern", base);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        int e = errno;
        if (dfd >= 0)
            close(dfd);
        return pd_fail(diag, PD_ERR_IO, "--keep: cannot list %s: %s", dir, strerror(e));
    }
    struct report_file *files = NULL;
    size_t n = 0, cap = 0;
    enum pd_error err = PD_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL && !err;) {
        struct stat st;
        if (fnmatch(glob, e->d_name, FNM_PERIOD) != 0 || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid()) /* earlier reports are ours and regular */
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 32;
            struct report_file *nf = realloc(files, ncap * sizeof *nf);
            if (!nf) {
                err = PD_ERR_NOMEM;
                break;
            }
            files = nf;
            cap = ncap;
        }
        if (!(files[n].name = strdup(e->d_name))) {
            err = PD_ERR_NOMEM;
            break;
        }
        files[n++].mtime = st.st_mtim;
    }
    if (!err) {
        qsort(files, n, sizeof *files, newest_first);
        for (size_t i = keep; i < n && !err; i++) {
            if (unlinkat(dfd, files[i].name, 0) == 0)
                (*removed)++;
            else
                err = pd_fail(diag, PD_ERR_IO, "--keep: cannot remove %s/%s: %s", dir, files[i].name, strerror(errno));
        }
    } else {
        pd_fail(diag, err, "--keep: out of memory listing %s", dir);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i].name);
    free(files);
    closedir(d);
    return err;
}

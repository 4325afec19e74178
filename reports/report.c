/* The report pipeline: a bounded queue from the workers, one thread that counts and writes, and
 * output files created 0600 (the complete JSON document renamed into place atomically). */
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "scanner/queue.h"

#define REPORT_BUFFER (1u << 20)
#define REPORT_QUEUE_LENGTH 256
/* Units waiting for the report thread may hold 10,000 findings each (3.6 MB): bound their sum,
 * so that a share of finding-dense files cannot pile up hundreds of them in memory. */
#define REPORT_QUEUE_BYTES ((size_t)48 << 20)

static const struct pd_writer *const writers[] = {
#define PD_WRITER_ENTRY(name) &pd_writer_##name,
    PD_WRITER_LIST(PD_WRITER_ENTRY)
#undef PD_WRITER_ENTRY
};

const struct pd_writer *pd_writer_find(const char *format)
{
    for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
        if (strcmp(writers[i]->format, format) == 0)
            return writers[i];
    return NULL;
}

const char *pd_report_format_for_path(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || !dot[1])
        return NULL;
    size_t n = strlen(dot + 1);
    for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
        for (const char *e = writers[i]->extensions; e && *e;) {
            size_t k = strcspn(e, " ");
            if (k == n && strncasecmp(e, dot + 1, n) == 0)
                return writers[i]->format;
            e += k + (e[k] == ' ');
        }
    return NULL;
}

bool pd_report_format_known(const char *format) { return pd_writer_find(format) != NULL; }

size_t pd_report_formats(char *out, size_t cap, bool extensions)
{
    size_t o = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < sizeof writers / sizeof writers[0] && o < cap; i++) {
        const char *e = writers[i]->extensions;
        if (extensions) {
            for (; *e && o < cap;) {
                size_t k = strcspn(e, " ");
                int w = snprintf(out + o, cap - o, "%s.%.*s", o ? ", " : "", (int)k, e);
                o += w > 0 ? (size_t)w : 0;
                e += k + (e[k] == ' ');
            }
        } else {
            int w = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", writers[i]->format);
            o += w > 0 ? (size_t)w : 0;
        }
    }
    return o < cap ? o : cap ? cap - 1 : 0;
}

struct output {
    const struct pd_writer *writer;
    void *state;
    FILE *fp;
    char *path;     /* final path, NULL for a standard stream */
    bool atomic;    /* built apart and renamed into place when complete */
    char *tmp_path; /* atomic, where O_TMPFILE is not supported: where the document is built */
    off_t synced;   /* bytes handed to write-back so far */
    size_t records; /* findings and units written since the position was last asked */
    char *buffer;   /* fp's, REPORT_BUFFER bytes: freed after fp is closed */
};

struct pd_report {
    struct output outs[PD_REPORT_OUTPUTS];
    size_t n_outs;
    struct pd_queue *queue;
    pthread_t thread;
    bool thread_started;
    struct pd_report_summary sum;
    const struct pd_detector *table;
    uint64_t *last_unit_seen; /* per detector: units counted once */
    struct pd_policy_eval *policy_eval;
    enum pd_error write_err;
    int write_errno; /* errno of the failed write: "disk full" is said as such */
    char write_err_path[256];
    /* read by a progress line from another thread: files done (and their bytes), findings */
    atomic_uint_fast64_t files_done, bytes_done, findings_done;
};

void pd_report_progress(struct pd_report *r, uint64_t *files, uint64_t *bytes, uint64_t *findings)
{
    *files = atomic_load(&r->files_done);
    *bytes = atomic_load(&r->bytes_done);
    *findings = atomic_load(&r->findings_done);
}

size_t pd_report_outputs(const struct pd_report *r, int fds[PD_REPORT_OUTPUTS], const char *replaced[PD_REPORT_OUTPUTS])
{
    for (size_t i = 0; i < r->n_outs; i++) {
        fds[i] = r->outs[i].fp ? fileno(r->outs[i].fp) : -1;
        replaced[i] = r->outs[i].atomic ? r->outs[i].path : NULL;
    }
    return r->n_outs;
}

static void close_output(struct output *o, bool keep)
{
    if (o->writer && o->state)
        o->writer->destroy(o->state);
    o->state = NULL;
    if (o->fp && o->path)
        fclose(o->fp);
    else if (o->fp)
        fflush(o->fp);
    o->fp = NULL;
    if (!keep && o->tmp_path)
        unlink(o->tmp_path);
    free(o->path);
    free(o->tmp_path);
    free(o->buffer);
    o->path = o->tmp_path = o->buffer = NULL;
}

/* An O_TMPFILE file beside path (-1 with errno when the file system cannot, or /proc, through
 * which it is later named, is missing). */
static int open_unnamed(const char *path)
{
    if (access("/proc/self/fd", X_OK) != 0) {
        errno = ENOENT;
        return -1;
    }
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash > path ? (size_t)(slash - path) : 1) : strdup(".");
    if (!dir)
        return -1;
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    int e = errno;
    free(dir);
    errno = e;
    return fd;
}

/* Gives the complete unnamed file its name: linked beside the target, then renamed over it, so
 * that a reader sees the old report or the new one, never a part. */
static enum pd_error name_unnamed(struct output *o, struct pd_diag *diag)
{
    char proc[64], *tmp = malloc(strlen(o->path) + 32);
    if (!tmp)
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory naming report %s", o->path);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(o->fp));
    snprintf(tmp, strlen(o->path) + 32, "%s.tmp.%ld", o->path, (long)getpid());
    int rc = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
    if (rc != 0 && errno == EEXIST && unlink(tmp) == 0) /* left by a crashed run of the same pid */
        rc = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
    if (rc != 0 || rename(tmp, o->path) != 0) {
        int e = errno;
        if (rc == 0)
            unlink(tmp);
        free(tmp);
        return pd_fail(diag, PD_ERR_IO, "cannot put report %s in place: %s", o->path, strerror(e));
    }
    free(tmp);
    return PD_OK;
}

static enum pd_error open_output(struct output *o, const struct pd_writer *writer, const char *path, FILE *std,
                                 const struct pd_report_info *info, struct pd_diag *diag)
{
    o->writer = writer;
    if (!path || strcmp(path, "-") == 0) {
        o->fp = std;
    } else {
        int fd;
        /* a report replaces a regular file or creates one, never anything else: a scan run as root
         * must not write through a planted symbolic link or replace /dev/full */
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
            return pd_fail(diag, PD_ERR_USAGE, "cannot create report %s: it is %s, not a regular file (name a file, "
                                                "or - for standard output)",
                           path, S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a directory" : "a device or special file");
        if (!(o->path = strdup(path)))
            return PD_ERR_NOMEM;
        if ((o->atomic = writer->atomic)) {
            /* an unnamed file in the target's directory: a run killed even by SIGKILL leaves no
             * temporary file behind; it gets a name only when complete */
            fd = open_unnamed(path);
            if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
                return pd_fail(diag, PD_ERR_IO, "cannot create report %s: %s", path, strerror(errno));
            if (fd < 0) {
                size_t n = strlen(path) + 16;
                if (!(o->tmp_path = malloc(n)))
                    return PD_ERR_NOMEM;
                snprintf(o->tmp_path, n, "%s.tmp.XXXXXX", path);
                fd = mkstemp(o->tmp_path); /* created 0600 */
            }
        } else {
            /* streamed (JSON Lines, text): opened without following a link planted since the check */
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
            if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
                close(fd);
                return pd_fail(diag, PD_ERR_USAGE, "cannot create report %s: not a regular file", path);
            }
            if (fd >= 0)
                fchmod(fd, 0600); /* an existing file keeps no wider mode */
        }
        if (fd < 0)
            return pd_fail(diag, PD_ERR_IO, "cannot create report %s: %s", path, strerror(errno));
        if (!(o->fp = fdopen(fd, "w"))) {
            close(fd);
            return pd_fail(diag, PD_ERR_IO, "cannot open report %s: %s", path, strerror(errno));
        }
        /* stdio's 4 KiB buffer made a write() per 4 KiB of report: 33,000 calls for 6,000 small
         * files, a tenth of the scan's CPU time in the file system (glibc ignores the size of
         * setvbuf() without a buffer) */
        if ((o->buffer = malloc(REPORT_BUFFER)) != NULL)
            setvbuf(o->fp, o->buffer, _IOFBF, REPORT_BUFFER);
    }
    enum pd_error err = writer->begin(&o->state, o->fp, info);
    if (err)
        return pd_fail(diag, err, "cannot start %s report %s: %s", writer->format, path ? path : "on standard output",
                       pd_strerror(err));
    return PD_OK;
}

/* Totals by detector and category count every finding, listed or not. */
static void count_detector(struct pd_report *r, size_t idx, uint64_t n)
{
    struct pd_report_summary *s = &r->sum;
    s->by_category[r->table[idx].category] += n;
    s->by_detector[idx].findings += n;
    if (r->last_unit_seen[idx] != s->units) {
        r->last_unit_seen[idx] = s->units;
        s->by_detector[idx].units++;
    }
}

static void count_unit(struct pd_report *r, const struct pd_unit *u)
{
    struct pd_report_summary *s = &r->sum;
    s->units++;
    s->by_status[u->status]++;
    if (u->binary)
        s->binary_units++;
    s->bytes_total += u->size;
    if (u->carried) /* not read by this run */
        s->carried_units++;
    else
        s->bytes_scanned += u->bytes_scanned;
    uint64_t total = u->n_findings + u->findings_unlisted;
    s->findings += total;
    s->findings_unlisted += u->findings_unlisted;
    if (total)
        s->units_with_findings++;
    for (size_t i = 0; i < u->n_findings; i++) {
        const struct pd_detector *d = pd_unit_finding(u, i)->detector;
        count_detector(r, (size_t)(d - r->table), 1);
    }
    for (size_t idx = 0; u->findings_unlisted && idx < PD_MAX_DETECTORS; idx++)
        if (u->unlisted_by_detector[idx])
            count_detector(r, idx, u->unlisted_by_detector[idx]);
}

static void note_write_error(struct pd_report *r, size_t i, enum pd_error err)
{
    if (!err || r->write_err)
        return;
    r->write_err = err;
    r->write_errno = err == PD_ERR_IO ? errno : 0;
    snprintf(r->write_err_path, sizeof r->write_err_path, "%s", r->outs[i].path ? r->outs[i].path : "standard output");
}

static void on_violation(void *arg, const struct pd_violation *v)
{
    struct pd_report *r = arg;
    struct pd_report_summary *s = &r->sum;
    const struct pd_baseline *b = s->info->baseline;
    if (b && pd_baseline_has_violation(b, pd_violation_rule(v)->id, v->scope, v->subject)) {
        s->baseline_violations++; /* known since the baseline: neither reported nor gated */
        return;
    }
    s->violations++;
    s->by_severity[v->severity]++;
    const char *laws[PD_MAX_LAWS];
    size_t n = pd_violation_laws(v, laws, PD_MAX_LAWS);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < s->n_laws && strcmp(s->by_law[k].number, laws[i]) != 0)
            k++;
        if (k == s->n_laws && k < PD_MAX_LAWS)
            s->by_law[s->n_laws++].number = laws[i];
        if (k < s->n_laws)
            s->by_law[k].violations++;
    }
    for (size_t i = 0; i < r->n_outs; i++)
        if (r->outs[i].writer->violation)
            note_write_error(r, i, r->outs[i].writer->violation(r->outs[i].state, v));
}

#define WRITEBACK_STEP ((off_t)8 << 20)
#define RECORDS_PER_CHECK 4096 /* a few MiB of records: ftello costs an lseek, once per unit was 6,000 */

/* Starts write-back of a report file every few MiB while the scan runs, so that the fsync before
 * the final rename waits for the last few MiB rather than the whole report (79 MB took 0.12 s). */
static void start_writeback(struct output *o, const struct pd_unit *u)
{
    if (!o->path || (o->records += 1 + u->n_findings) < RECORDS_PER_CHECK)
        return;
    o->records = 0;
    off_t at = ftello(o->fp);
    if (at < 0 || at - o->synced < WRITEBACK_STEP || fflush(o->fp) != 0)
        return;
    sync_file_range(fileno(o->fp), o->synced, at - o->synced, SYNC_FILE_RANGE_WRITE); /* a hint: errors show at fsync */
    o->synced = at;
}

static bool in_baseline(const void *arg, const struct pd_finding *f)
{
    return pd_baseline_has_finding(arg, f->fingerprint);
}

static void *report_thread(void *arg)
{
    struct pd_report *r = arg;
    struct pd_unit *u;
    while ((u = pd_queue_pop(r->queue)) != NULL) {
        /* the policies see every finding (a violation may be new though its findings are not);
         * what the baseline held is then left out of the counts and the outputs */
        if (r->policy_eval)
            pd_policy_eval_unit(r->policy_eval, u, on_violation, r);
        if (r->sum.info->baseline)
            r->sum.baseline_findings += pd_unit_drop_findings(u, in_baseline, r->sum.info->baseline);
        count_unit(r, u);
        if (!strchr(u->path, '!') && !u->carried) { /* a file or a table the walk queued, not a member */
            atomic_fetch_add(&r->files_done, 1);
            atomic_fetch_add(&r->bytes_done, u->size);
        }
        atomic_store(&r->findings_done, r->sum.findings);
        for (size_t i = 0; i < r->n_outs && !r->write_err; i++) {
            note_write_error(r, i, r->outs[i].writer->unit(r->outs[i].state, u));
            start_writeback(&r->outs[i], u);
        }
        pd_unit_destroy(u);
    }
    /* folder and scan rules need everything: evaluated once the last unit is in */
    if (r->policy_eval)
        pd_policy_eval_finish(r->policy_eval, on_violation, r);
    return NULL;
}

static void report_free(struct pd_report *r, bool keep_files)
{
    for (size_t i = 0; i < r->n_outs; i++)
        close_output(&r->outs[i], keep_files);
    pd_queue_destroy(r->queue);
    pd_policy_eval_destroy(r->policy_eval);
    json_object_put(r->sum.policy_notes);
    free(r->sum.by_detector);
    free(r->last_unit_seen);
    free(r);
}

enum pd_error pd_report_open(const char *format, const char *path, bool summary_to_terminal,
                             const struct pd_report_info *info, struct pd_report **out, struct pd_diag *diag)
{
    const struct pd_writer *writer = format ? pd_writer_find(format) : NULL;
    if (format && !writer) {
        char known[128];
        pd_report_formats(known, sizeof known, false);
        return pd_fail(diag, PD_ERR_USAGE, "unknown report format '%s' (%s)", format, known);
    }
    struct pd_report *r = calloc(1, sizeof *r);
    if (!r)
        return PD_ERR_NOMEM;
    r->sum.info = info;
    r->table = pd_detectors(&r->sum.n_detectors);
    r->sum.by_detector = calloc(r->sum.n_detectors, sizeof *r->sum.by_detector);
    r->last_unit_seen = calloc(r->sum.n_detectors, sizeof *r->last_unit_seen);
    enum pd_error err = PD_ERR_NOMEM;
    if (!r->sum.by_detector || !r->last_unit_seen || pd_queue_create(REPORT_QUEUE_LENGTH, &r->queue) != PD_OK)
        goto fail;
    pd_queue_set_budget(r->queue, REPORT_QUEUE_BYTES);
    for (size_t i = 0; i < r->sum.n_detectors; i++)
        r->sum.by_detector[i].detector = &r->table[i];
    if (info->policies) {
        if (pd_policy_eval_create(info->policies, info->started, &r->policy_eval) != PD_OK)
            goto fail;
        r->sum.policy_notes = pd_expired_exceptions_json(info->policies);
    }
    r->n_outs = 0; /* no format: counts and policies only, for the exit code (-q) */
    if (writer && (err = open_output(&r->outs[r->n_outs++], writer, path, stdout, info, diag)) != PD_OK)
        goto fail;
    bool to_stdout = !path || strcmp(path, "-") == 0;
    if (writer && summary_to_terminal && !(to_stdout && writer == &pd_writer_text)) {
        if ((err = open_output(&r->outs[r->n_outs++], &pd_writer_text, NULL, to_stdout ? stderr : stdout, info,
                               diag)) != PD_OK)
            goto fail;
    }
    if (pthread_create(&r->thread, NULL, report_thread, r) != 0) {
        err = pd_fail(diag, PD_ERR_INTERNAL, "cannot start the report thread");
        goto fail;
    }
    r->thread_started = true;
    *out = r;
    return PD_OK;
fail:
    report_free(r, false);
    return err;
}

void pd_report_submit(struct pd_report *r, struct pd_unit *u)
{
    if (!pd_queue_push_costed(r->queue, u, pd_unit_bytes(u)))
        pd_unit_destroy(u);
}

/* Says why a report could not be written; a full disk in so many words, and that an atomic
 * report's previous version was left as it was. */
static void write_failed(struct pd_diag *diag, enum pd_error err, int e, const char *path)
{
    if (e == ENOSPC || e == EDQUOT)
        pd_fail(diag, err, "writing report %s failed: %s (the disk or quota is full; a JSON or text report's previous "
                           "version is left as it was)", path, strerror(e));
    else
        pd_fail(diag, err, "writing report %s failed: %s", path, e ? strerror(e) : pd_strerror(err));
}

void pd_report_set_gone(struct pd_report *r, const struct pd_state_gone *gone, size_t n, uint64_t unlisted)
{
    r->sum.gone = gone; /* read by the writers' end, in pd_report_close */
    r->sum.n_gone = n;
    r->sum.gone_unlisted = unlisted;
}

enum pd_error pd_report_close(struct pd_report *r, const char *interrupted_by, struct pd_report_summary *out,
                              struct pd_diag *diag)
{
    pd_queue_close(r->queue);
    if (r->thread_started)
        pthread_join(r->thread, NULL);
    struct pd_report_summary *s = &r->sum;
    s->finished = time(NULL);
    s->interrupted_by = interrupted_by;
    s->partial = interrupted_by || s->by_status[PD_UNIT_PARTIAL] > 0;
    enum pd_error err = r->write_err;
    if (err)
        write_failed(diag, err, r->write_errno, r->write_err_path);
    for (size_t i = 0; i < r->n_outs && !err; i++) {
        struct output *o = &r->outs[i];
        errno = 0;
        err = o->writer->end(o->state, s);
        if (!err && fflush(o->fp) != 0)
            err = PD_ERR_IO;
        if (!err && o->path && fsync(fileno(o->fp)) != 0)
            err = PD_ERR_IO;
        if (err) {
            write_failed(diag, err, err == PD_ERR_IO ? errno : 0, o->path ? o->path : "standard output");
            break;
        }
        if (o->atomic && !o->tmp_path && (err = name_unnamed(o, diag)) != PD_OK)
            break;
        if (o->tmp_path) {
            fclose(o->fp);
            o->fp = NULL;
            if (rename(o->tmp_path, o->path) != 0) {
                err = pd_fail(diag, PD_ERR_IO, "cannot put report %s in place: %s", o->path, strerror(errno));
                break;
            }
            free(o->tmp_path);
            o->tmp_path = NULL;
        }
    }
    if (out) {
        *out = *s;
        out->by_detector = NULL;
        out->n_detectors = 0;
        out->policy_notes = NULL;
        for (size_t i = 0; i < out->n_laws; i++)
            out->by_law[i].number = NULL; /* owned by the policies */
    }
    report_free(r, !err);
    return err;
}

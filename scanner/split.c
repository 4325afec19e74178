/* Large files in slices. The worker that opens a big text file cuts it into slices, hands all but
 * the first to other workers through the job queue, and scans the first itself. Each slice scans
 * its byte range (reading context on both sides) into a unit of its own and writes only its own
 * result; an atomic count of slices still running is the only state they share, besides the open
 * file they all read with pread (a file deleted, replaced or grown mid-scan is still the file that
 * was opened). The slice that brings the count to zero merges the results, in file order, into
 * the file's unit. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/worker-int.h"

struct slice_result {
    struct pd_unit *unit; /* findings with absolute offsets, lines counted from the slice start */
    struct pd_text_range range;
};

struct pd_split {
    struct pd_unit *unit; /* the file's unit, completed by the merge */
    int fd;               /* the file, open until the merge; read with pread only */
    uint64_t size;
    enum pd_encoding enc;
    unsigned n;
    atomic_uint running;
    struct slice_result *results;
    struct pd_slice *slices;
};

struct pd_slice {
    struct pd_split *split;
    unsigned index;
};

static void split_free(struct pd_split *sp)
{
    for (unsigned i = 0; i < sp->n; i++)
        pd_unit_destroy(sp->results[i].unit);
    free(sp->results);
    free(sp->slices);
    if (sp->fd >= 0)
        close(sp->fd);
    free(sp);
}

/* Later slices start their lines at their own first byte: shift them by the newlines before,
 * and measure first-line columns from the last newline before the slice. Then the usual cap:
 * the first 10,000 in file order are listed, the rest counted. */
static struct pd_unit *merge(struct pd_worker *w, struct pd_split *sp)
{
    struct pd_unit *u = sp->unit;
    unsigned unit_size = pd_encoding_unit(sp->enc);
    uint64_t lines_before = 0, line_start = 0;
    u->bytes_scanned = 0;
    for (unsigned k = 0; k < sp->n; k++) {
        struct slice_result *r = &sp->results[k];
        struct pd_unit *su = r->unit;
        if (!su) {
            pd_unit_set(u, PD_UNIT_ERROR, "out of memory for a slice at offset %llu",
                        (unsigned long long)r->range.lo);
            continue;
        }
        for (size_t i = 0; i < su->n_findings; i++) {
            struct pd_finding *f = pd_unit_finding(su, i);
            if (f->line == 1)
                f->column = (f->offset - line_start) / unit_size + 1;
            f->line += lines_before;
            if (f->field) /* the slice's copy goes with the slice */
                f->field = pd_unit_field_name(u, NULL, f->field);
            if (pd_unit_add_finding(u, f) != PD_OK)
                pd_unit_set(u, PD_UNIT_ERROR, "out of memory merging slices");
        }
        su->n_findings = 0; /* moved */
        u->findings_unlisted += su->findings_unlisted;
        for (size_t d = 0; d < PD_MAX_DETECTORS; d++)
            u->unlisted_by_detector[d] += su->unlisted_by_detector[d];
        u->bytes_scanned += su->bytes_scanned;
        /* the worst status wins, with its reason: error over partial over scanned */
        if (su->status == PD_UNIT_ERROR || (su->status == PD_UNIT_PARTIAL && u->status == PD_UNIT_SCANNED))
            pd_unit_set(u, su->status, "%s", su->reason);
        lines_before += r->range.newlines;
        if (r->range.newlines)
            line_start = r->range.last_line_start;
    }
    pd_worker_fingerprints(w, u);
    pd_worker_check_shrunk(u);
    sp->unit = NULL;
    split_free(sp);
    return u;
}

/* Records a slice's result; returns the merged unit when it was the last one running. */
static struct pd_unit *finish(struct pd_worker *w, struct pd_split *sp, unsigned index, struct pd_unit *su,
                              const struct pd_text_range *range)
{
    sp->results[index].unit = su;
    sp->results[index].range = *range;
    /* release: this result is complete; acquire: the merge sees every other one */
    if (atomic_fetch_sub_explicit(&sp->running, 1, memory_order_acq_rel) != 1)
        return NULL;
    return merge(w, sp);
}

static struct pd_unit *slice_unit(const struct pd_split *sp, enum pd_unit_status status, const char *reason)
{
    struct pd_unit *su = pd_unit_create(sp->unit->path);
    if (su && reason)
        pd_unit_set(su, status, "%s", reason);
    return su;
}

bool pd_split_begin(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                    enum pd_encoding enc, bool *unit_done)
{
    const struct pd_worker_config *cfg = pd_worker_config_of(w);
    struct stat st;
    *unit_done = false;
    /* file_size (at open, UINT64_MAX unless regular) spares small files the fstat; slices need
     * the identity it gives */
    if (!cfg->split || !cfg->split_size || cfg->split_max < 2 || src->paged || strcmp(src->kind, "file") != 0 ||
        src->file_size == UINT64_MAX || src->file_size < 2 * cfg->split_size || fstat(src->fd, &st) != 0 ||
        !S_ISREG(st.st_mode) || (uint64_t)st.st_size < 2 * cfg->split_size)
        return false;
    size_t window, overlap;
    pd_worker_window(w, &window, &overlap);
    uint64_t size = (uint64_t)st.st_size;
    unsigned count = size / cfg->split_size < cfg->split_max ? (unsigned)(size / cfg->split_size) : cfg->split_max;
    uint64_t len = (size + count - 1) / count;
    len = (len + 1) & ~(uint64_t)1; /* even: UTF-16 slices stay aligned */
    if (len <= window || n < window) /* a slice must be more than one window, and the file longer */
        return false;
    struct pd_split *sp = calloc(1, sizeof *sp);
    if (sp)
        sp->fd = fcntl(src->fd, F_DUPFD_CLOEXEC, 0); /* the worker closes its own when slice 0 is done */
    if (!sp || sp->fd < 0 || !(sp->results = calloc(count, sizeof *sp->results)) ||
        !(sp->slices = calloc(count, sizeof *sp->slices))) {
        if (sp) {
            free(sp->results);
            if (sp->fd >= 0)
                close(sp->fd);
        }
        free(sp);
        return false;
    }
    sp->unit = u;
    sp->size = size;
    sp->enc = enc;
    sp->n = count;
    atomic_init(&sp->running, count);
    for (unsigned k = 0; k < count; k++) {
        sp->slices[k].split = sp;
        sp->slices[k].index = k;
        sp->results[k].range.lo = k * len;
        sp->results[k].range.hi = k + 1 == count ? UINT64_MAX : (k + 1) * len;
        sp->results[k].range.base = k ? k * len - overlap / 2 : 0;
    }
    u->encoding = pd_encoding_name(enc);
    /* hand the others out before scanning the first, so that idle workers start at once; a slice
     * that cannot be queued (the scan is stopping) is recorded as not read */
    for (unsigned k = 1; k < count; k++) {
        if (cfg->split(cfg->split_arg, &sp->slices[k]))
            continue;
        struct pd_text_range r = sp->results[k].range;
        r.newlines = 0;
        struct pd_unit *su = slice_unit(sp, PD_UNIT_PARTIAL, "scan interrupted before this part was read");
        finish(w, sp, k, su, &r); /* never the last: this slice's own count is still held */
    }
    struct pd_text_range r = sp->results[0].range;
    struct pd_unit *su = slice_unit(sp, PD_UNIT_SCANNED, NULL);
    if (su)
        pd_worker_scan_slice_range(w, su, src, buf, n, enc, &r);
    *unit_done = finish(w, sp, 0, su, &r) != NULL;
    return true;
}

struct pd_unit *pd_worker_scan_slice(struct pd_worker *w, struct pd_slice *slice, bool skip)
{
    struct pd_split *sp = slice->split;
    unsigned k = slice->index;
    struct pd_text_range r = sp->results[k].range;
    r.newlines = 0;
    if (skip)
        return finish(w, sp, k, slice_unit(sp, PD_UNIT_PARTIAL, "scan interrupted before this part was read"), &r);
    struct pd_unit *su = slice_unit(sp, PD_UNIT_SCANNED, NULL);
    if (!su)
        return finish(w, sp, k, NULL, &r);
    struct pd_source src;
    pd_source_open_shared(&src, sp->fd, r.base, sp->size);
    size_t window, overlap, got = 0;
    unsigned char *buf = pd_worker_window(w, &window, &overlap);
    ssize_t n = -1;
    if (!buf) {
        pd_unit_set(su, PD_UNIT_ERROR, "out of memory for a slice at offset %llu", (unsigned long long)r.lo);
    } else if ((n = pd_source_read_full(&src, buf, window)) < 0) {
        pd_unit_set(su, PD_UNIT_ERROR, "read failed at offset %llu: %s", (unsigned long long)r.base,
                    pd_source_error(&src, errno));
    } else {
        got = (size_t)n;
        pd_worker_scan_slice_range(w, su, &src, buf, got, sp->enc, &r);
    }
    src.close(&src);
    return finish(w, sp, k, su, &r);
}

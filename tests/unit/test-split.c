/* Large files in slices: a file cut into slices and scanned by "several workers" (here one
 * worker taking the slices in reverse order) gives the same findings, offsets and lines as the
 * same file scanned whole; a slice skipped because the scan stops leaves the unit partial. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detectors/engine.h"
#include "scanner/worker.h"
#include "tests/unit/check.h"

static struct pd_slice *slices[64];
static size_t n_slices;

static bool take_slice(void *arg, struct pd_slice *slice)
{
    if (n_slices == 64)
        return false;
    slices[n_slices++] = slice;
    return true;
}

static struct pd_worker *make_worker(struct pd_engine *engine, bool split)
{
    struct pd_diag diag;
    struct pd_worker *w;
    struct pd_worker_config cfg = {.engine = engine, .window_size = 16 << 10};
    if (split) {
        cfg.split_size = 64 << 10;
        cfg.split_max = 8;
        cfg.split = take_slice;
    }
    if (pd_worker_create(&cfg, &w, &diag) != PD_OK)
        exit(99);
    return w;
}

/* Scans path in slices; skip_last: the last slice queued is skipped as if the scan stopped. */
static struct pd_unit *scan_in_slices(struct pd_worker *w, const char *path, bool skip_last)
{
    bool in_slices = false;
    n_slices = 0;
    struct pd_unit *u = pd_worker_scan_file(w, path, NULL, &in_slices);
    CHECK(u == NULL && in_slices && n_slices >= 2);
    for (size_t i = n_slices; i-- > 0 && !u;)
        u = pd_worker_scan_slice(w, slices[i], skip_last && i == n_slices - 1);
    return u;
}

int main(void)
{
    struct pd_diag diag;
    struct pd_engine *engine;
    const unsigned char key[] = "split-test key of 32 bytes......";
    struct pd_engine_options o = {.key = key, .key_len = 32, .min_confidence = 1};
    if (pd_engine_create(&o, &engine, &diag) != PD_OK)
        return 99;
    char path[] = "/tmp/pdpscan-split.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return 99;
    for (int i = 0; i < 6000; i++) /* about 400 KiB: six slices of 64 KiB */
        fprintf(f, "Dòng %d: khách hàng số CCCD: 0010871%05d, điện thoại 0912%06d\n", i, i, i);
    fclose(f);

    struct pd_worker *whole_w = make_worker(engine, false), *split_w = make_worker(engine, true);
    bool in_slices = false;
    struct pd_unit *whole = pd_worker_scan_file(whole_w, path, NULL, &in_slices);
    CHECK(whole && !in_slices && whole->status == PD_UNIT_SCANNED);
    struct pd_unit *sliced = scan_in_slices(split_w, path, false);
    CHECK(sliced && sliced->status == PD_UNIT_SCANNED);
    if (whole && sliced) {
        CHECK_MSG(whole->n_findings == sliced->n_findings && whole->n_findings == 10000,
                  "whole %zu, sliced %zu", whole->n_findings, sliced->n_findings);
        CHECK(whole->findings_unlisted == sliced->findings_unlisted && whole->findings_unlisted == 2000);
        size_t same = 0;
        for (size_t i = 0; i < whole->n_findings && i < sliced->n_findings; i++) {
            const struct pd_finding *a = pd_unit_finding(whole, i), *b = pd_unit_finding(sliced, i);
            same += a->detector == b->detector && a->offset == b->offset && a->line == b->line &&
                    a->column == b->column && strcmp(a->fingerprint, b->fingerprint) == 0;
        }
        CHECK_MSG(same == whole->n_findings, "%zu of %zu findings the same", same, whole->n_findings);
        CHECK(sliced->bytes_scanned == whole->bytes_scanned);
    }
    pd_unit_destroy(sliced);

    sliced = scan_in_slices(split_w, path, true);
    CHECK(sliced && sliced->status != PD_UNIT_SCANNED);
    CHECK(sliced && whole && sliced->n_findings + sliced->findings_unlisted <
                                 whole->n_findings + whole->findings_unlisted);
    pd_unit_destroy(sliced);
    pd_unit_destroy(whole);
    pd_worker_destroy(whole_w);
    pd_worker_destroy(split_w);
    pd_engine_destroy(engine);
    unlink(path);
    return check_done();
}

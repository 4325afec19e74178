/* Windows: a value is found exactly once wherever it falls relative to window boundaries, with
 * the right offset and line, in UTF-8 and UTF-16, whatever the window size. */
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "scanner/worker.h"
#include "tests/unit/check.h"

#define IDS 400

static struct pd_engine *engine;

static struct pd_worker *make_worker(size_t window)
{
    struct pd_diag diag;
    struct pd_worker *w;
    struct pd_worker_config cfg = {.engine = engine, .window_size = window};
    if (pd_worker_create(&cfg, &w, &diag) != PD_OK) {
        fprintf(stderr, "worker: %s\n", diag.text);
        exit(99);
    }
    return w;
}

/* Builds text where every line has filler of varying length and some lines an ID. Records the
 * expected offsets and lines. */
static char *build(size_t *len, size_t offsets[IDS], size_t lines[IDS])
{
    size_t cap = 1 << 21, n = 0, line = 1, id = 0;
    char *buf = malloc(cap);
    for (size_t i = 0; id < IDS; i++) {
        size_t filler = (i * 37) % 180;
        for (size_t k = 0; k < filler; k++)
            buf[n++] = (char)('a' + (k % 7 == 0 ? 20 : k % 19));
        if (i % 3 == 0) {
            n += (size_t)snprintf(buf + n, cap - n, " CCCD: ");
            offsets[id] = n;
            lines[id] = line;
            n += (size_t)snprintf(buf + n, cap - n, "0010871%05zu", id);
            id++;
        }
        buf[n++] = '\n';
        line++;
    }
    *len = n;
    return buf;
}

static void check_unit(const struct pd_unit *u, const size_t offsets[IDS], const size_t lines[IDS], unsigned scale,
                       const char *what)
{
    CHECK_MSG(u->status == PD_UNIT_SCANNED, "%s: status %s (%s)", what, pd_unit_status_name(u->status), u->reason);
    CHECK_MSG(u->n_findings == IDS, "%s: %zu findings, expected %d", what, u->n_findings, IDS);
    size_t bad = 0;
    for (size_t i = 0; i < u->n_findings && i < IDS; i++) {
        const struct pd_finding *f = pd_unit_finding(u, i);
        if (f->offset != offsets[i] * scale + (scale == 2 ? 2 : 0) || f->line != lines[i] ||
            strcmp(f->detector->id, "vn.cccd") != 0) {
            if (bad++ == 0)
                fprintf(stderr, "%s: finding %zu: %s at %llu line %llu, expected %zu line %zu\n", what, i,
                        f->detector->id, (unsigned long long)f->offset, (unsigned long long)f->line,
                        offsets[i] * scale + (scale == 2 ? 2 : 0), lines[i]);
        }
    }
    CHECK_MSG(bad == 0, "%s: %zu findings at the wrong place", what, bad);
}

/* Reasons never hold bytes of a value, however a database driver quotes them. */
static void test_reason_redaction(void)
{
    struct pd_unit *u = pd_unit_create("db#public.t");
    pd_unit_set(u, PD_UNIT_ERROR, "query failed: %s",
                "character with byte sequence 0xe1 0xbb 0x87 in encoding \"UTF8\" has no equivalent");
    CHECK_STR(u->reason, "query failed: character with byte sequence 0x.. in encoding \"UTF8\" has no equivalent");
    pd_unit_set(u, PD_UNIT_ERROR, "Incorrect string value: '\\xE1\\xBB\\x87' for column 'ho_ten' at row 7");
    CHECK_STR(u->reason, "Incorrect string value: '0x..' for column 'ho_ten' at row 7");
    pd_unit_set(u, PD_UNIT_PARTIAL, "read failed at offset 4096: Input/output error");
    CHECK_STR(u->reason, "read failed at offset 4096: Input/output error");
    pd_unit_destroy(u);
}

int main(void)
{
    test_reason_redaction();
    struct pd_diag diag;
    const unsigned char key[] = "worker-test key of 32 bytes.....";
    struct pd_engine_options o = {.key = key, .key_len = 32, .min_confidence = 1};
    if (pd_engine_create(&o, &engine, &diag) != PD_OK)
        return 99;
    size_t len, offsets[IDS], lines[IDS];
    char *text = build(&len, offsets, lines);

    /* small windows force hundreds of boundaries; a big one sees everything at once */
    size_t windows[] = {8192, 9000, 65536, 1 << 22};
    char first_fp[IDS][33];
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        struct pd_worker *w = make_worker(windows[i]);
        struct pd_unit *u = pd_worker_scan_buffer(w, "mem/test.txt", (const unsigned char *)text, len);
        char what[64];
        snprintf(what, sizeof what, "utf-8 window %zu", windows[i]);
        check_unit(u, offsets, lines, 1, what);
        for (size_t k = 0; k < u->n_findings && k < IDS; k++) {
            if (i == 0)
                memcpy(first_fp[k], pd_unit_finding(u, k)->fingerprint, 33);
            else
                CHECK(memcmp(first_fp[k], pd_unit_finding(u, k)->fingerprint, 32) == 0);
        }
        pd_unit_destroy(u);
        pd_worker_destroy(w);
    }

    /* the same text as UTF-16LE with a BOM: offsets double, lines stay */
    unsigned char *u16 = malloc(len * 2 + 2);
    u16[0] = 0xFF;
    u16[1] = 0xFE;
    for (size_t i = 0; i < len; i++) {
        u16[2 + 2 * i] = (unsigned char)text[i];
        u16[3 + 2 * i] = 0;
    }
    struct pd_worker *w = make_worker(8192);
    struct pd_unit *u = pd_worker_scan_buffer(w, "mem/utf16.txt", u16, len * 2 + 2);
    CHECK(u->encoding && strcmp(u->encoding, "utf-16le") == 0);
    check_unit(u, offsets, lines, 2, "utf-16le window 8192");
    pd_unit_destroy(u);

    /* fingerprints do not depend on line numbers: shift everything by one line */
    char *shifted = malloc(len + 1);
    shifted[0] = '\n';
    memcpy(shifted + 1, text, len);
    u = pd_worker_scan_buffer(w, "mem/test.txt", (const unsigned char *)shifted, len + 1);
    CHECK(u->n_findings == IDS && pd_unit_finding(u, 0)->line == lines[0] + 1);
    CHECK(u->n_findings == IDS && memcmp(pd_unit_finding(u, 0)->fingerprint, first_fp[0], 32) == 0);
    pd_unit_destroy(u);

    /* binary content types are skipped with the reason, not called clean */
    const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89};
    u = pd_worker_scan_buffer(w, "mem/x.png", png, sizeof png);
    CHECK(u->status == PD_UNIT_SKIPPED && strstr(u->reason, "image/png"));
    pd_unit_destroy(u);

    pd_worker_destroy(w);
    free(shifted);
    free(u16);
    free(text);
    pd_engine_destroy(engine);
    return check_done();
}

/* Per-thread scanning of one unit: sniff the type, pick the encoding, then scan overlapping
 * windows so that memory stays bounded whatever the file size and no match is lost at a
 * window boundary. */
#include "scanner/worker.h"

#include <errno.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#include <nettle/sha2.h>
#endif

#include "detectors/digest.h"
#include "util/hashset.h"
#include "scanner/roots.h"
#include "scanner/source.h"
#include "text/fields/fields.h"
#include "text/text.h"
#include "scanner/worker-int.h"

#define DEFAULT_WINDOW (256u << 10)
#define SNIFF_BYTES (64u << 10)
#define SNIFF_FIRST_BYTES (2u << 10) /* libmagic takes 0.6 ms on 2 KiB of text, 1.4 on 16 KiB */
#define MAX_LEVELS 64
#define MAGIC_FLAGS (MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR)

struct pd_worker {
    struct pd_worker_config cfg;
    struct pd_engine_scratch *scratch;
    struct pd_digest *sha256;
    struct pd_digest_state *fingerprint_prefix[PD_MAX_DETECTORS]; /* per detector, for the unit at hand */
    magic_t magic;       /* libmagic with its whole rule database, loaded when first needed */
    bool magic_broken;   /* ... and it could not be */
    magic_t magic_quick; /* its built-in tests only: encoding, CSV, JSON */
    struct pd_text text;
    unsigned char *bufs[MAX_LEVELS]; /* one window per container depth, allocated on first use */
    size_t window, overlap;
    struct pd_budget budget;
    struct pd_db_slot db;
    bool handed_over; /* the unit being scanned went on in slices (split.c) */
    struct pd_fields *fields; /* the structure of the text being scanned (fields.h) */
    struct sha256_ctx content; /* cfg.content_hash: the top-level file's bytes */
};

enum pd_error pd_worker_create(const struct pd_worker_config *cfg, struct pd_worker **out, struct pd_diag *diag)
{
    struct pd_worker *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->cfg = *cfg;
    size_t reach = pd_engine_reach(cfg->engine);
    /* twice the reach on each side, in UTF-16 bytes: every match owned by one window with context */
    w->overlap = (reach * 4 + 4095) & ~(size_t)4095;
    w->window = cfg->window_size ? cfg->window_size : DEFAULT_WINDOW;
    if (w->window < w->overlap * 2)
        w->window = w->overlap * 2;
    w->window &= ~(size_t)1; /* even, so UTF-16 windows stay aligned */
    enum pd_error err = pd_engine_scratch_create(cfg->engine, &w->scratch, diag);
    if (!err && pd_digest_create(NULL, 0, &w->sha256) != PD_OK)
        err = pd_fail(diag, PD_ERR_INTERNAL, "OpenSSL: SHA-256 is not available");
    if (err)
        goto fail;
    /* one cookie per thread: libmagic keeps its result inside the cookie. The full one loads the
     * same database when first needed (full_magic()): plain text never needs it. */
    w->magic_quick = magic_open(MAGIC_FLAGS | MAGIC_NO_CHECK_SOFT);
    if (!w->magic_quick || magic_load(w->magic_quick, NULL) != 0) {
        err = pd_fail(diag, PD_ERR_INTERNAL, "libmagic: cannot load the magic database: %s",
                      w->magic_quick ? magic_error(w->magic_quick) : "magic_open failed");
        goto fail;
    }
    pd_text_init(&w->text, w->window * 8);
    if ((err = pd_fields_create(&w->fields)) != PD_OK)
        goto fail;
    if (!(w->bufs[0] = malloc(w->window))) {
        err = PD_ERR_NOMEM;
        goto fail;
    }
    pd_budget_start(&w->budget, cfg->limits ? cfg->limits : &pd_budget_defaults, 0);
    *out = w;
    return PD_OK;
fail:
    pd_worker_destroy(w);
    return err;
}

void pd_worker_destroy(struct pd_worker *w)
{
    if (!w)
        return;
    if (w->db.conn && w->db.close)
        w->db.close(w->db.conn);
    free(w->db.key);
    pd_engine_scratch_destroy(w->scratch);
    pd_digest_destroy(w->sha256);
    for (size_t i = 0; i < PD_MAX_DETECTORS; i++)
        pd_digest_state_free(w->fingerprint_prefix[i]);
    if (w->magic)
        magic_close(w->magic);
    if (w->magic_quick)
        magic_close(w->magic_quick);
    pd_text_release(&w->text);
    pd_fields_destroy(w->fields);
    for (int i = 0; i < MAX_LEVELS; i++)
        free(w->bufs[i]);
    free(w);
}

/* Formats that hold no text a format reader can reach: scanning their bytes would only find noise,
 * so they are skipped with the reason instead of being called clean. */
static bool unreadable_format(const char *mime)
{
    static const char *prefixes[] = {"image/", "video/", "audio/", "font/", "model/", NULL};
    static const char *exact[] = {
        "application/x-executable", "application/x-sharedlib", "application/x-pie-executable",
        "application/x-object", "application/x-mach-binary", "application/x-dosexec",
        "application/vnd.microsoft.portable-executable", "application/pgp-encrypted", "application/encrypted", "application/x-bytecode.python",
        "application/java-vm", NULL};
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(mime, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    for (int i = 0; exact[i]; i++)
        if (strcmp(mime, exact[i]) == 0)
            return true;
    return false;
}

/* Whether more than one byte in twenty of p[0, n) is a control byte (NUL included) other than
 * white space: binary data, not text damaged here and there (a log with a few NULs in it, which
 * libmagic calls binary too, is still read as text). */
static bool mostly_control_bytes(const unsigned char *p, size_t n)
{
    size_t controls = 0;
    for (size_t i = 0; i < n; i++)
        controls += (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f') || p[i] == 0x7F;
    return n > 0 && controls * 20 > n;
}

/* libmagic calls many mailboxes text/plain; an mbox begins "From sender date-ending-in-a-year". */
static bool looks_like_mbox(const unsigned char *p, size_t n)
{
    if (n < 20 || memcmp(p, "From ", 5) != 0)
        return false;
    const unsigned char *eol = memchr(p, '\n', n < 512 ? n : 512);
    if (!eol)
        return false;
    const unsigned char *e = eol;
    if (e > p && e[-1] == '\r')
        e--;
    return e - p > 10 && e[-1] >= '0' && e[-1] <= '9' && e[-2] >= '0' && e[-2] <= '9' && e[-3] >= '0' &&
           e[-3] <= '9' && e[-4] >= '1' && e[-4] <= '2' && e[-5] == ' ';
}

/* Whether text starting at p could belong to no format that pdpscan reads otherwise than as
 * text, so that libmagic's rule database cannot change the decision. Rules for such formats
 * look at the start: mail and news headers ("Received:", "From ", "Article"), markup ("<svg"),
 * PDF ("%PDF-", sometimes after a little junk), armour ("-----BEGIN PGP"), pictures drawn in text
 * ("P1", "#define", "/ * XPM"). Text starting with a letter, a digit, a quote or a non-ASCII
 * character, and with none of those words, is prose or a table. */
static bool plain_text_start(const unsigned char *p, size_t n)
{
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        n--;
    }
    if (!n)
        return true;
    if (!pd_ascii_alnum[*p] && *p < 0x80 && *p != '"' && *p != '\'')
        return false;
    size_t name = 0; /* a header's name, then ':' */
    while (name < n && (pd_ascii_alnum[p[name]] || p[name] == '-' || p[name] == '_'))
        name++;
    if (name < n && p[name] == ':')
        return false;
    static const char *const openings[] = {"From ", "Article", "BABYL", "Forward to", "Pipe to", "N#!", NULL};
    for (size_t i = 0; openings[i]; i++)
        if (n >= strlen(openings[i]) && memcmp(p, openings[i], strlen(openings[i])) == 0)
            return false;
    if (n >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '7' && (p[2] == ' ' || p[2] == '\n' || p[2] == '\r'))
        return false; /* Netpbm */
    return !memmem(p, n < 1024 ? n : 1024, "%PDF-", 5);
}

/* The cookie with libmagic's whole rule database, loaded on first use (a millisecond or two, and
 * about 15 ms more on its first call); NULL if it cannot be. */
static magic_t full_magic(struct pd_worker *w)
{
    if (!w->magic && !w->magic_broken) {
        w->magic = magic_open(MAGIC_FLAGS);
        if (w->magic && magic_load(w->magic, NULL) != 0) {
            magic_close(w->magic);
            w->magic = NULL;
        }
        w->magic_broken = !w->magic;
    }
    return w->magic;
}

/* libmagic's text answer, the costly way only when needed: its rule database takes about a
 * millisecond on text, longer than scanning a small file, while its built-in tests (encoding,
 * CSV, JSON) take microseconds. Text that plain_text_start() clears keeps the built-in answer. */
static const char *magic_type(struct pd_worker *w, const unsigned char *p, size_t n)
{
    const char *quick = magic_buffer(w->magic_quick, p, n);
    if (quick && !strstr(quick, "charset=binary") &&
        (strncmp(quick, "text/plain;", 11) == 0 || strncmp(quick, "text/csv;", 9) == 0 ||
         strncmp(quick, "application/json;", 17) == 0) &&
        plain_text_start(p, n))
        return quick;
    magic_t full = full_magic(w);
    return full ? magic_buffer(full, p, n) : NULL;
}

/* Fills unit->mime and decides how to read the unit: a format reader (returned), text in *enc (NULL
 * returned, *text true), or neither (the unit is skipped with the reason). */
static const struct pd_format *sniff(struct pd_worker *w, struct pd_unit *u, const unsigned char *p, size_t n,
                                      enum pd_encoding *enc, bool *text)
{
    const char *res = n ? magic_type(w, p, n < SNIFF_FIRST_BYTES ? n : SNIFF_FIRST_BYTES)
                        : "application/x-empty; charset=binary";
    /* text is told from its start; binary formats may need more (an OLE directory that says
     * Word, office parts listed late in a zip, ISO 9660 at 32 KiB) */
    if (res && n > SNIFF_FIRST_BYTES && strncmp(res, "text/", 5) != 0 && strncmp(res, "message/", 8) != 0)
        res = full_magic(w) ? magic_buffer(w->magic, p, n < SNIFF_BYTES ? n : SNIFF_BYTES) : NULL;
    if (!res && w->magic_broken) { /* this file needed the rule database */
        *text = false;
        pd_unit_set(u, PD_UNIT_ERROR, "libmagic could not load its rule database: the type is unknown");
        return NULL;
    }
    if (!res)
        res = "application/octet-stream; charset=binary";
    char type[96] = "", charset[48] = "";
    const char *semi = strchr(res, ';');
    snprintf(type, sizeof type, "%.*s", semi ? (int)(semi - res) : (int)strlen(res), res);
    const char *cs = strstr(res, "charset=");
    if (cs)
        snprintf(charset, sizeof charset, "%s", cs + 8);
    if (strcmp(type, "text/plain") == 0 && looks_like_mbox(p, n))
        snprintf(type, sizeof type, "application/mbox");
    snprintf(u->mime, sizeof u->mime, "%s", type);
    *text = false;
    *enc = PD_ENC_UTF8;
    if (strcmp(charset, "utf-16le") == 0) {
        *enc = PD_ENC_UTF16LE;
    } else if (strcmp(charset, "utf-16be") == 0) {
        *enc = PD_ENC_UTF16BE;
    } else {
        const struct pd_format *reader = pd_format_for(type);
        if (reader)
            return reader;
        if (unreadable_format(type)) {
            pd_unit_set(u, PD_UNIT_SKIPPED, "format %s holds no text pdpscan reads", type);
            return NULL;
        }
        if (n >= 4 && memcmp(p, "PAR1", 4) == 0) {
            /* columns compressed page by page: its bytes would read as noise and pass as clean.
             * No maintained C reader is packaged in Debian 12 (Apache Arrow is not). */
            snprintf(u->mime, sizeof u->mime, "application/vnd.apache.parquet");
            pd_unit_set(u, PD_UNIT_SKIPPED, "format not supported: Apache Parquet");
            return NULL;
        }
        if (strcmp(charset, "binary") == 0 && !pd_text_guess_utf16(p, n, enc) &&
            mostly_control_bytes(p, n < SNIFF_BYTES ? n : SNIFF_BYTES)) {
            /* binary data that no reader opens: as ripgrep does, skipped, and counted; with
             * --binary its printable strings are read, as strings(1) prints them */
            u->binary = true;
            if (!w->cfg.read_binary) {
                pd_unit_set(u, PD_UNIT_SKIPPED, "binary data (give --binary to read its printable strings)");
                return NULL;
            }
            *enc = PD_ENC_BINARY;
        } else if (strcmp(charset, "binary") != 0) if (!pd_text_guess_legacy(p, n < SNIFF_BYTES ? n : SNIFF_BYTES, enc))
            pd_text_guess_viqr(p, n < SNIFF_BYTES ? n : SNIFF_BYTES, enc);
    }
    u->encoding = pd_encoding_name(*enc);
    *text = true;
    return NULL;
}

struct window_state {
    struct pd_unit *unit;
    const unsigned char *buf;
    uint64_t base;        /* absolute offset of buf[0] */
    size_t line_pos;      /* newlines before buf[line_pos] are counted */
    uint64_t line;        /* line number at buf[line_pos] */
    uint64_t line_start;  /* absolute offset where that line starts */
    unsigned unit_size;   /* 1, or 2 for UTF-16 */
    bool big_endian;
    bool failed;
    bool paged;           /* count form feeds as pages */
    uint64_t page;        /* page at buf[line_pos] */
    struct pd_fields *fields; /* the structure being read, or NULL */
    const struct pd_worker_config *cfg;
};

/* How many bytes of p[0, n) equal c. A memchr per line costs a call per 60-300 bytes of prose;
 * sixteen bytes per step, with per-lane counts summed before they can wrap, do not. */
static size_t count_byte(const unsigned char *p, size_t n, unsigned char c)
{
    size_t count = 0, i = 0;
#ifdef __SSE2__
    const __m128i want = _mm_set1_epi8((char)c), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i lanes = zero; /* each lane counts to at most 255 */
        for (unsigned k = 0; k < 255 && i + 16 <= n; k++, i += 16)
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), want));
        __m128i sums = _mm_sad_epu8(lanes, zero);
        count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; i++)
        count += p[i] == c;
    return count;
}

static void count_lines(struct window_state *s, size_t to)
{
    size_t i = s->line_pos;
    if (s->paged && i < to)
        s->page += count_byte(s->buf + i, to - i, '\f');
    if (s->unit_size == 1) {
        size_t lines = i < to ? count_byte(s->buf + i, to - i, '\n') : 0;
        if (lines) {
            const unsigned char *last = memrchr(s->buf + i, '\n', to - i);
            s->line += lines;
            s->line_start = s->base + (size_t)(last - s->buf) + 1;
        }
    } else {
        for (; i + 2 <= to; i += 2) {
            unsigned char lo = s->buf[i + (s->big_endian ? 1 : 0)], hi = s->buf[i + (s->big_endian ? 0 : 1)];
            if (lo == '\n' && hi == 0) {
                s->line++;
                s->line_start = s->base + i + 2;
            }
        }
    }
    s->line_pos = to;
}

static bool on_finding(void *arg, struct pd_finding *f)
{
    struct window_state *s = arg;
    if (s->fields) { /* the field that labelled it, by its offset in this window */
        const char *path = pd_fields_field_at(s->fields, (size_t)f->offset);
        if (path)
            f->field = pd_unit_field_name(s->unit, path, path);
    }
    f->offset += s->base;
    if (!s->cfg->finding && s->unit->n_findings >= PD_UNIT_MAX_FINDINGS) /* only counted: no line, no page */
        return pd_unit_add_finding(s->unit, f) == PD_OK;
    count_lines(s, (size_t)(f->offset - s->base));
    f->line = s->line;
    f->column = (f->offset - s->line_start) / s->unit_size + 1;
    if (s->paged && f->n_attrs < PD_MAX_ATTRS) {
        f->attrs[f->n_attrs].key = "page";
        snprintf(f->attrs[f->n_attrs].value, sizeof f->attrs[0].value, "%llu", (unsigned long long)s->page);
        f->n_attrs++;
    }
    if (s->cfg->finding) { /* taken by the caller, whatever their number */
        s->cfg->finding(s->cfg->finding_arg, s->unit, f);
        pd_finding_clear(f);
        return true;
    }
    if (pd_unit_add_finding(s->unit, f) != PD_OK) {
        s->failed = true;
        return false;
    }
    return true;
}

/* Equal for the fingerprint: a database column is part of it, a file's field is not. */
static bool same_value(const struct pd_unit *u, const struct pd_finding *x, const struct pd_finding *y)
{
    return x->detector == y->detector && (!u->columns || x->field == y->field) &&
           memcmp(x->value_hash, y->value_hash, 32) == 0;
}

/* Stable across runs and line shifts: detector, location, keyed value hash and the value's
 * ordinal among equal values in the unit, in reading order. The ordinals come from one pass over
 * an open-addressing table of the values seen so far. */
void pd_worker_fingerprints(struct pd_worker *w, struct pd_unit *u)
{
    size_t n = u->n_findings, slots = 16, n_detectors;
    const struct pd_detector *table = pd_detectors(&n_detectors);
    while (slots < 2 * n)
        slots *= 2; /* at most half full: short probes */
    size_t *first = calloc(slots, sizeof *first); /* the value's first finding + 1; 0: free */
    unsigned *seen = calloc(slots, sizeof *seen); /* findings of the value so far */
    uint64_t prefixed = 0;                        /* detectors whose prefix holds this unit's path */
    char *identity = n ? pd_unit_identity_path(u) : NULL; /* the same however the root was typed */
    bool ok = first && seen && (identity || !n);
    for (size_t i = 0; ok && i < n; i++) {
        struct pd_finding *f = pd_unit_finding(u, i);
        /* the keyed hash is uniform already; the detector separates equal values of two detectors */
        size_t k = (size_t)(f->value_key ^ ((uintptr_t)f->detector * 0x9E3779B97F4A7C15u)) &
                   (slots - 1);
        while (first[k] && !same_value(u, pd_unit_finding(u, first[k] - 1), f))
            k = (k + 1) & (slots - 1);
        if (!first[k])
            first[k] = i + 1;
        size_t d = (size_t)(f->detector - table);
        if (!(prefixed >> d & 1)) {
            const char *lead[3] = {"pdpscan-fingerprint-2", f->detector->id, identity};
            if (!(ok = pd_digest_state_set(w->sha256, &w->fingerprint_prefix[d], lead, 3) == PD_OK))
                break;
            prefixed |= 1ULL << d;
        }
        char ord[16];
        snprintf(ord, sizeof ord, "%u", seen[k]++);
        /* a file's field is not part of it: the fingerprints of a file stay what they were */
        const char *rest[3] = {u->columns && f->field ? f->field : "", f->value_hash, ord};
        pd_digest_hex128_after(w->sha256, w->fingerprint_prefix[d], rest, 3, f->fingerprint);
    }
    if (!ok)
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory computing finding fingerprints");
    free(first);
    free(seen);
    free(identity);
}

/* Scans the findings of text that start in [r->lo, r->hi), whose first window (n bytes, from raw
 * offset r->base) is already in buf, reading the rest from src. Lines are counted from r->lo (line
 * 1); r->newlines and r->last_line_start tell a slice's merge what it covered. Fingerprints are
 * left to the caller. The window loop every text byte goes through, kept whole: its state (window,
 * overlap, columns, line counts) is shared by every step of it. */
void pd_worker_scan_range(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                          enum pd_encoding enc, struct pd_text_range *r)
{
    const size_t W = w->window, O = w->overlap;
    ssize_t got;
    u->encoding = pd_encoding_name(enc);
    struct window_state s = {.unit = u, .buf = buf, .base = r->base, .line_pos = (size_t)(r->lo - r->base), .line = 1,
                             .line_start = r->lo, .unit_size = pd_encoding_unit(enc),
                             .big_endian = enc == PD_ENC_UTF16BE, .paged = src->paged, .page = 1,
                             .fields = w->text.fields, .cfg = &w->cfg};
    bool first = true, eof = n < W;
    size_t own_hi = 0;
    for (;;) {
        w->text.fields_resume = eof ? SIZE_MAX : n - O; /* the next window starts in this one's overlap */
        enum pd_error err = pd_text_build(&w->text, buf, n, enc);
        if (err == PD_ERR_NOMEM) {
            pd_unit_set(u, PD_UNIT_ERROR, "out of memory decoding at offset %llu", (unsigned long long)s.base);
            break;
        }
        if (err == PD_ERR_LIMIT)
            pd_unit_set(u, PD_UNIT_PARTIAL, "decoded text of a window exceeded the memory cap at offset %llu",
                        (unsigned long long)s.base);
        size_t own_lo = first ? (size_t)(r->lo - s.base) : O / 2;
        own_hi = eof ? n : n - O / 2;
        /* the range ends here once the window holds its end plus the right context */
        bool last = eof || s.base + own_hi >= r->hi;
        if (s.base + own_hi > r->hi)
            own_hi = (size_t)(r->hi - s.base);
        bool truncated = false;
        /* findings may advance the line cursor into the overlap: keep where this window began */
        uint64_t line_at_start = s.line, line_start_at_start = s.line_start, page_at_start = s.page;
        size_t line_pos_at_start = s.line_pos;
        /* values are masked and hashed only for findings the unit still lists */
        size_t room = w->cfg.finding ? SIZE_MAX
                      : u->n_findings < PD_UNIT_MAX_FINDINGS ? PD_UNIT_MAX_FINDINGS - u->n_findings : 0;
        err = pd_engine_scan(w->scratch, &w->text, own_lo, own_hi, room, on_finding, &s, &truncated);
        if (err || s.failed) {
            pd_unit_set(u, PD_UNIT_ERROR, "detection failed at offset %llu: %s", (unsigned long long)s.base,
                        pd_strerror(err ? err : PD_ERR_NOMEM));
            break;
        }
        if (truncated)
            pd_unit_set(u, PD_UNIT_PARTIAL, "too many candidate matches in the window at offset %llu",
                        (unsigned long long)s.base);
        u->bytes_scanned = s.base + own_hi - r->lo;
        if (last) {
            count_lines(&s, own_hi); /* the rest of the range, for the slice merge */
            break;
        }
        if (w->cfg.stop && atomic_load(w->cfg.stop)) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "scan interrupted after %llu bytes", (unsigned long long)u->bytes_scanned);
            break;
        }
        size_t cut = n - O; /* where the next window starts */
        if (s.unit_size == 1 && s.line_pos > cut && line_pos_at_start <= cut) {
            /* findings took the cursor into the overlap: step back over it rather than count the
             * whole window again */
            s.line -= count_byte(buf + cut, s.line_pos - cut, '\n');
            if (s.paged)
                s.page -= count_byte(buf + cut, s.line_pos - cut, '\f');
            const unsigned char *nl = memrchr(buf + line_pos_at_start, '\n', cut - line_pos_at_start);
            s.line_start = nl ? s.base + (size_t)(nl - buf) + 1 : line_start_at_start;
            s.line_pos = cut;
        } else if (s.line_pos > cut) {
            s.line = line_at_start;
            s.line_start = line_start_at_start;
            s.page = page_at_start;
            s.line_pos = line_pos_at_start;
        }
        count_lines(&s, cut);
        if (w->text.fields)
            pd_fields_next_window(w->text.fields);
        memmove(buf, buf + n - O, O);
        s.base += n - O;
        s.line_pos = 0;
        got = pd_source_read_full(src, buf + O, W - O);
        if (got < 0) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "read failed at offset %llu: %s", (unsigned long long)(s.base + O),
                        pd_source_error(src, errno));
            u->bytes_scanned = s.base + O > r->lo ? s.base + O - r->lo : 0;
            break;
        }
        n = O + (size_t)got;
        eof = n < W;
        first = false;
    }
    r->newlines = s.line - 1;
    r->last_line_start = s.line_start;
}

void pd_worker_scan_slice_range(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                          enum pd_encoding enc, struct pd_text_range *r)
{
    struct pd_fields_hint hint = {.mime = u->mime, .name = u->path, .slice = r->base > 0};
    w->text.fields = pd_fields_detect(w->fields, "", 0, &hint) ? w->fields : NULL;
    pd_worker_scan_range(w, u, src, buf, n, enc, r);
    w->text.fields = NULL;
}

/* Whether the text whose first window is buf has a structure whose field names label its values
 * (JSON, an SQL dump, delimited text, tables or labelled lines in text), looked for after decoding
 * so that every encoding has it. w->fields is then ready to read it. */
static bool has_fields(struct pd_worker *w, struct pd_unit *u, const unsigned char *buf, size_t n, enum pd_encoding enc)
{
    size_t sample = n < SNIFF_BYTES ? n : SNIFF_BYTES;
    const char *text = (const char *)buf;
    if (enc == PD_ENC_BINARY) /* strings in data have no structure that labels them */
        return false;
    if (enc != PD_ENC_UTF8) {
        w->text.fields = NULL;
        enum pd_error err = pd_text_build(&w->text, buf, sample, enc);
        if (err != PD_OK && err != PD_ERR_LIMIT)
            return false;
        text = w->text.utf8;
        sample = w->text.utf8_len;
    }
    struct pd_fields_hint hint = {.mime = u->mime, .name = u->path};
    return pd_fields_detect(w->fields, text, sample, &hint);
}

/* Scans text from its start whose first window (n bytes) is already in buf; fields: w->fields
 * reads its structure (has_fields said so). */
static void scan_text_from(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned char *buf, size_t n,
                           enum pd_encoding enc, bool fields)
{
    struct pd_text_range whole = {.base = 0, .lo = 0, .hi = UINT64_MAX};
    w->text.fields = fields ? w->fields : NULL;
    pd_worker_scan_range(w, u, src, buf, n, enc, &whole);
    w->text.fields = NULL;
    pd_worker_fingerprints(w, u);
}

static unsigned char *level_buffer(struct pd_worker *w, unsigned depth)
{
    if (depth >= MAX_LEVELS)
        return NULL;
    if (!w->bufs[depth])
        w->bufs[depth] = malloc(w->window);
    return w->bufs[depth];
}

/* Reads the first window of a unit at depth into that depth's buffer; NULL (unit in error) if
 * it cannot. */
static unsigned char *first_window(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                   size_t *got)
{
    unsigned char *buf = level_buffer(w, depth);
    if (!buf) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory at container depth %u", depth);
        return NULL;
    }
    ssize_t n = pd_source_read_full(src, buf, w->window);
    if (n < 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "read failed: %s", pd_source_error(src, errno));
        return NULL;
    }
    *got = (size_t)n;
    return buf;
}

void pd_worker_scan_unit(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    size_t got;
    unsigned char *buf = first_window(w, u, src, depth, &got);
    if (!buf)
        return;
    enum pd_encoding enc;
    bool text;
    const struct pd_format *h = sniff(w, u, buf, got, &enc, &text);
    if (h) {
        pd_source_unread(src, buf, got);
        h->scan(w, u, src, depth);
    } else if (text) {
        bool done, fields = has_fields(w, u, buf, got, enc);
        /* JSON, dumps and delimited text are read in one piece: a slice would not know its field.
         * Prose is split when large; each slice is read through the text reader from its first
         * whole line (a table it starts inside is read unlabelled up to its next header). */
        bool structured = fields && strcmp(pd_fields_kind(w->fields), "text") != 0;
        if (depth == 0 && !structured && pd_split_begin(w, u, src, buf, got, enc, &done))
            w->handed_over = !done;
        else
            scan_text_from(w, u, src, buf, got, enc, fields);
    }
}

unsigned char *pd_worker_window(struct pd_worker *w, size_t *size, size_t *overlap)
{
    *size = w->window;
    *overlap = w->overlap;
    return level_buffer(w, 0);
}

void pd_worker_check_shrunk(struct pd_unit *u)
{
    if (u->status == PD_UNIT_SCANNED && u->encoding && u->bytes_scanned < u->size)
        pd_unit_set(u, PD_UNIT_PARTIAL, "file shrank while it was read (%llu of %llu bytes)",
                    (unsigned long long)u->bytes_scanned, (unsigned long long)u->size);
}

void pd_worker_scan_text(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                         enum pd_encoding enc)
{
    size_t got;
    unsigned char *buf = first_window(w, u, src, depth, &got);
    if (!buf)
        return;
    /* extracted text may still be legacy Vietnamese: catdoc prints .VnTime text as mojibake */
    size_t sample = got < SNIFF_BYTES ? got : SNIFF_BYTES;
    if (enc == PD_ENC_UTF8 && !pd_text_guess_legacy(buf, sample, &enc))
        pd_text_guess_viqr(buf, sample, &enc);
    scan_text_from(w, u, src, buf, got, enc, has_fields(w, u, buf, got, enc));
}

void pd_worker_emit(struct pd_worker *w, struct pd_unit *u)
{
    if (w->cfg.emit)
        w->cfg.emit(w->cfg.emit_arg, u);
    else
        pd_unit_destroy(u);
}

struct pd_budget *pd_worker_budget(struct pd_worker *w) { return &w->budget; }

struct pd_text *pd_worker_text(struct pd_worker *w) { return &w->text; }

struct pd_engine_scratch *pd_worker_scratch(struct pd_worker *w) { return w->scratch; }

struct pd_db_slot *pd_worker_db(struct pd_worker *w) { return &w->db; }

const struct pd_worker_config *pd_worker_config_of(const struct pd_worker *w) { return &w->cfg; }

struct pd_unit *pd_worker_child(const struct pd_unit *parent, const char *member)
{
    size_t n = strlen(parent->path) + strlen(member) + 2;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s!%s", parent->path, member);
    struct pd_unit *u = pd_unit_create(path);
    free(path);
    if (u) { /* a member is under its file's root */
        u->root = parent->root;
        u->root_len = parent->root_len;
    }
    if (u && parent->have_stat) { /* who may read a member is who may read its file */
        u->have_stat = true;
        u->mode = parent->mode;
        u->uid = parent->uid;
        u->mtime = parent->mtime;
    }
    return u;
}

struct pd_unit *pd_worker_scan_file(struct pd_worker *w, const char *path, const struct pd_root *root,
                                    bool *in_slices)
{
    *in_slices = false;
    bool from_stdin = root && strcmp(root->given, "-") == 0 && strcmp(path, "-") == 0;
    struct pd_unit *u = pd_unit_create(from_stdin && w->cfg.stdin_name ? w->cfg.stdin_name : path);
    if (!u)
        return NULL;
    pd_unit_set_root(u, root);
    struct pd_source src;
    struct stat st;
    struct pd_diag diag;
    if ((from_stdin ? pd_source_open_stdin(&src, &st, &diag) : pd_source_open_file(&src, path, &st, &diag)) != PD_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", diag.text);
        return u;
    }
    u->have_stat = true;
    u->size = src.pseudo ? 0 : (uint64_t)st.st_size; /* a pseudo-file's size is fiction */
    u->mtime = (int64_t)st.st_mtime;
    u->mode = st.st_mode;
    u->uid = st.st_uid;
    u->dev = (uint64_t)st.st_dev;
    u->ino = (uint64_t)st.st_ino;
    u->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    u->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
    if (w->cfg.content_hash && !from_stdin && S_ISREG(st.st_mode) && !src.pseudo)
        pd_source_hash_content(&src, &w->content);
    if (from_stdin && !S_ISREG(st.st_mode))
        u->size = 0; /* a pipe's size is what was read from it (below) */
    if (!S_ISREG(st.st_mode) && !from_stdin) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "not a regular file when opened");
    } else if (w->cfg.max_file_size && u->size > w->cfg.max_file_size) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "larger than --max-file-size (%llu bytes)",
                    (unsigned long long)w->cfg.max_file_size);
    } else {
        pd_budget_start(&w->budget, w->cfg.limits ? w->cfg.limits : &pd_budget_defaults, u->size);
        w->handed_over = false;
        pd_worker_scan_unit(w, u, &src, 0);
        if (w->handed_over) { /* the last slice to finish hands the unit to the report */
            src.close(&src);
            *in_slices = true;
            return NULL;
        }
        if (src.capped && u->status == PD_UNIT_SCANNED)
            pd_unit_set(u, PD_UNIT_PARTIAL, "pseudo-filesystem file read up to its first %u MiB: it may have no end",
                        PD_PSEUDO_FILE_MAX >> 20);
        else if (from_stdin && !S_ISREG(st.st_mode))
            u->size = u->bytes_scanned;
        else if (!src.pseudo)
            pd_worker_check_shrunk(u);
        if (u->status == PD_UNIT_SCANNED)
            u->have_content_hash = pd_source_content_hash(&src, u->content_hash);
    }
    src.close(&src);
    return u;
}

struct pd_unit *pd_worker_scan_buffer(struct pd_worker *w, const char *location, const unsigned char *data, size_t len)
{
    struct pd_unit *u = pd_unit_create(location);
    if (!u)
        return NULL;
    struct pd_source src;
    pd_source_open_memory(&src, data, len);
    u->size = len;
    pd_budget_start(&w->budget, w->cfg.limits ? w->cfg.limits : &pd_budget_defaults, len);
    pd_worker_scan_unit(w, u, &src, 0);
    src.close(&src);
    return u;
}

struct pd_unit *pd_worker_scan_buffer_as(struct pd_worker *w, const char *location, const unsigned char *data,
                                         size_t len, const char *mime)
{
    struct pd_unit *u = pd_unit_create(location);
    if (!u)
        return NULL;
    const struct pd_format *reader = pd_format_for(mime);
    snprintf(u->mime, sizeof u->mime, "%s", mime);
    u->size = len;
    if (!reader) {
        pd_unit_set(u, PD_UNIT_ERROR, "no reader for %s", mime);
        return u;
    }
    struct pd_source src;
    pd_source_open_memory(&src, data, len);
    pd_budget_start(&w->budget, w->cfg.limits ? w->cfg.limits : &pd_budget_defaults, len);
    reader->scan(w, u, &src, 0);
    src.close(&src);
    return u;
}

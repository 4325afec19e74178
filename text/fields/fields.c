/* Structured text read as fields (fields.h): the readers' list, the window loop around them, the
 * unit's table of field names and the spans that say which field holds a raw offset. */
#include "text/fields/fields-int.h"

#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The readers, most specific first: a JSON or SQL text is also a text with lines. */
static const struct pd_fields_reader *const readers[] = {
    &pd_fields_json, &pd_fields_sql, &pd_fields_delimited, &pd_fields_lines,
};

#define NAME_SLOTS 8192 /* open addressing, at most half full */
#define MAX_SPANS (1u << 20)
#define MAX_PATH 256

struct field_name {
    char *path;    /* as written: the table's key */
    char *display; /* as reported: a name that may be data ("Nguyễn Văn An", "0912345678") is "*" */
    char label[PD_LABEL_MAX];
    unsigned char label_len;
    enum pd_label_kind kind;
    bool as_written; /* the detectors read the last key as it is spelt */
};

struct span {
    uint32_t from, to; /* raw offsets */
    int field;
};

struct pd_fields {
    const struct pd_fields_reader *reader;
    void *state, *at_start, *at_resume;
    struct field_name *names;
    size_t n_names;
    int32_t *slots; /* name id + 1; 0: free */
    struct span *spans;
    size_t n_spans, spans_cap;
    size_t last_span; /* where the last lookup found its span */
    const uint32_t *in_raw; /* of the window being viewed */
};

enum pd_error pd_fields_create(struct pd_fields **out)
{
    struct pd_fields *f = calloc(1, sizeof *f);
    if (!f || !(f->slots = calloc(NAME_SLOTS, sizeof *f->slots))) {
        free(f);
        return PD_ERR_NOMEM;
    }
    *out = f;
    return PD_OK;
}

static void forget_unit(struct pd_fields *f)
{
    for (size_t i = 0; i < f->n_names; i++) {
        free(f->names[i].path);
        free(f->names[i].display);
    }
    free(f->names);
    f->names = NULL;
    f->n_names = 0;
    memset(f->slots, 0, NAME_SLOTS * sizeof *f->slots);
    free(f->state);
    free(f->at_start);
    free(f->at_resume);
    f->state = f->at_start = f->at_resume = NULL;
    f->reader = NULL;
    f->n_spans = 0;
}

void pd_fields_destroy(struct pd_fields *f)
{
    if (!f)
        return;
    forget_unit(f);
    free(f->slots);
    free(f->spans);
    free(f);
}

bool pd_fields_detect(struct pd_fields *f, const char *utf8, size_t n, const struct pd_fields_hint *hint)
{
    forget_unit(f);
    for (size_t r = hint && hint->slice ? sizeof readers / sizeof readers[0] - 1 : 0; r < sizeof readers / sizeof readers[0]; r++) {
        size_t size = readers[r]->state_size;
        void *state = calloc(1, size);
        if (!state)
            return false;
        if (readers[r]->detect(f, state, utf8, n, hint)) {
            f->at_start = malloc(size);
            f->at_resume = malloc(size);
            if (!f->at_start || !f->at_resume) {
                free(state);
                forget_unit(f);
                return false;
            }
            memcpy(f->at_start, state, size);
            memcpy(f->at_resume, state, size);
            f->state = state;
            f->reader = readers[r];
            return true;
        }
        free(state);
        forget_unit(f); /* names a failed detect may have made */
    }
    return false;
}

const char *pd_fields_kind(const struct pd_fields *f) { return f->reader ? f->reader->kind : "none"; }

#define LABEL_ALLOWANCE (4 * PD_LABEL_MAX)

size_t pd_fields_view_cap(size_t len) { return 3 * len + LABEL_ALLOWANCE + 2 * PD_LABEL_MAX + 16; }

void pd_fields_at_resume(struct pd_fields *f, const void *state)
{
    memcpy(f->at_resume, state, f->reader->state_size);
}

static size_t raw_of(const struct pd_fields *f, size_t at) { return f->in_raw ? f->in_raw[at] : at; }

size_t pd_fields_view(struct pd_fields *f, const char *in, size_t len, const uint32_t *in_raw, size_t resume,
                      char *out, uint32_t *map)
{
    f->n_spans = 0;
    f->last_span = 0;
    f->in_raw = in_raw;
    /* the first decoded byte at or past the raw offset where the next window starts */
    size_t resume_in = len;
    if (resume != SIZE_MAX) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (raw_of(f, mid) < resume)
                lo = mid + 1;
            else
                hi = mid;
        }
        resume_in = lo;
    }
    memcpy(f->state, f->at_start, f->reader->state_size);
    memcpy(f->at_resume, f->at_start, f->reader->state_size);
    struct pd_fields_out o = {.buf = out, .map = map, .cap = pd_fields_view_cap(len),
                              .label_budget = len + LABEL_ALLOWANCE, .open_field = PD_FIELD_NONE};
    bool changed = f->reader->view(f, f->state, &o, in, len, resume_in);
    if (resume_in >= len)
        pd_fields_at_resume(f, f->state);
    if (o.open_field != PD_FIELD_NONE)
        pd_fields_close(f, &o, len);
    return changed ? o.len : SIZE_MAX; /* spans hold raw offsets: valid either way */
}

void pd_fields_next_window(struct pd_fields *f)
{
    if (f->reader)
        memcpy(f->at_start, f->at_resume, f->reader->state_size);
}

void pd_fields_open(struct pd_fields *f, struct pd_fields_out *o, int field, size_t at)
{
    if (o->open_field != PD_FIELD_NONE)
        pd_fields_close(f, o, at);
    const char *label = pd_fields_label(f, field);
    size_t n = field == PD_FIELD_NONE ? 0 : f->names[field].label_len;
    if (n && n + 2 <= o->label_budget && o->len + n + 2 <= o->cap) {
        o->label_budget -= n + 2;
        memcpy(o->buf + o->len, label, n);
        o->buf[o->len + n] = ':';
        o->buf[o->len + n + 1] = ' ';
        for (size_t k = 0; k < n + 2; k++) /* every label byte stands for the value's first byte */
            o->map[o->len + k] = (uint32_t)at;
        o->len += n + 2;
    }
    o->open_field = field;
    o->open_at = (uint32_t)raw_of(f, at);
}

void pd_fields_mark(struct pd_fields *f, struct pd_fields_out *o, int field, size_t from, size_t to)
{
    pd_fields_continue(f, o, field);
    o->open_at = (uint32_t)raw_of(f, from);
    pd_fields_close(f, o, to);
}

void pd_fields_continue(struct pd_fields *f, struct pd_fields_out *o, int field)
{
    o->open_field = field;
    o->open_at = (uint32_t)raw_of(f, 0);
}

void pd_fields_close(struct pd_fields *f, struct pd_fields_out *o, size_t at)
{
    if (o->open_field == PD_FIELD_NONE)
        return;
    uint32_t to = at >= 1 ? (uint32_t)raw_of(f, at - 1) + 1 : o->open_at;
    if (f->n_spans == f->spans_cap && f->spans_cap < MAX_SPANS) {
        size_t ncap = f->spans_cap ? f->spans_cap * 2 : 1024;
        struct span *ns = realloc(f->spans, ncap * sizeof *ns);
        if (ns) {
            f->spans = ns;
            f->spans_cap = ncap;
        }
    }
    if (f->n_spans < f->spans_cap)
        f->spans[f->n_spans++] = (struct span){o->open_at, to > o->open_at ? to : o->open_at, o->open_field};
    o->open_field = PD_FIELD_NONE;
}

const char *pd_fields_field_at(struct pd_fields *f, size_t off)
{
    /* findings come in order: the span of the last one, or one a few cells on, most often holds
     * this one (a binary search over a window's spans cost as much as the rest of a finding) */
    for (size_t k = f->last_span; k < f->n_spans && k < f->last_span + 16 && f->spans[k].from <= off; k++)
        if (off < f->spans[k].to) {
            f->last_span = k;
            return f->names[f->spans[k].field].display;
        }
    size_t lo = 0, hi = f->n_spans;
    while (lo < hi) { /* the first span that starts past off */
        size_t mid = lo + (hi - lo) / 2;
        if (f->spans[mid].from <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || off >= f->spans[lo - 1].to)
        return NULL;
    f->last_span = lo - 1;
    return f->names[f->spans[lo - 1].field].display;
}

/* Whether a field name may be reported as it is: one the vocabulary knows, or one shaped like an
 * identifier (letters, digits, "_", "-", ".", "$", no long number). A JSON object keyed by phone
 * numbers or by people's names, or a "header" that was a row of data, must not put a value in
 * clear into the report through location.field. */
static bool reportable_name(const char *key, size_t k, enum pd_label_kind kind)
{
    if (kind == PD_LABEL_KNOWN || kind == PD_LABEL_NOT_PERSONAL || (k == 2 && memcmp(key, "[]", 2) == 0))
        return true;
    unsigned digits = 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)key[i];
        digits = c >= '0' && c <= '9' ? digits + 1 : 0;
        if (digits >= 5 || !(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || strchr("_-.$", c)))
            return false;
    }
    return k > 0;
}

static uint32_t hash_bytes(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

int pd_fields_name(struct pd_fields *f, int parent, const char *sep, const char *key, size_t key_len,
                   const char *sql_type)
{
    char path[MAX_PATH];
    size_t n = 0;
    if (parent != PD_FIELD_NONE) {
        const char *pp = f->names[parent].path;
        size_t pn = strlen(pp), sn = strlen(sep);
        if (pn + sn < sizeof path) {
            memcpy(path, pp, pn);
            memcpy(path + pn, sep, sn);
            n = pn + sn;
        }
    }
    size_t k = key_len < sizeof path - 1 - n ? key_len : sizeof path - 1 - n;
    memcpy(path + n, key, k);
    n += k;
    path[n] = '\0';
    uint32_t h = hash_bytes(path, n);
    size_t slot = h & (NAME_SLOTS - 1);
    while (f->slots[slot]) {
        int id = f->slots[slot] - 1;
        if (strcmp(f->names[id].path, path) == 0)
            return id;
        slot = (slot + 1) & (NAME_SLOTS - 1);
    }
    if (f->n_names >= PD_FIELDS_MAX_NAMES)
        return PD_FIELD_NONE;
    if ((f->n_names & (f->n_names - 1)) == 0) { /* grows at powers of two */
        struct field_name *nn = realloc(f->names, (f->n_names ? 2 * f->n_names : 16) * sizeof *nn);
        if (!nn)
            return PD_FIELD_NONE;
        f->names = nn;
    }
    struct field_name *fn = &f->names[f->n_names];
    if (!(fn->path = strdup(path)))
        return PD_FIELD_NONE;
    fn->display = NULL;
    /* the last key labels the value; a key that says nothing ("value", a number) takes its parent's
     * word: "[{"ho_ten": ...}]" labels by ho_ten, "so_dien_thoai": ["..."] by the array's key */
    char keybuf[MAX_PATH];
    memcpy(keybuf, key, k);
    keybuf[k] = '\0';
    fn->as_written = false;
    fn->kind = sql_type ? pd_label_for_column(keybuf, sql_type, fn->label)
                        : pd_label_lookup(key, k, fn->label, &fn->as_written);
    if (fn->kind == PD_LABEL_EMPTY && parent != PD_FIELD_NONE) {
        memcpy(fn->label, f->names[parent].label, PD_LABEL_MAX);
        fn->kind = f->names[parent].kind;
    }
    fn->label_len = (unsigned char)strlen(fn->label);
    /* the reported path: the parent's, then this key or "*" */
    const char *pd = parent != PD_FIELD_NONE ? f->names[parent].display : "";
    bool shown = reportable_name(key, k, fn->kind);
    size_t dn = strlen(pd) + (parent != PD_FIELD_NONE ? strlen(sep) : 0) + (shown ? k : 1) + 1;
    if (!(fn->display = malloc(dn))) {
        free(fn->path);
        return PD_FIELD_NONE;
    }
    snprintf(fn->display, dn, "%s%s%.*s", pd, parent != PD_FIELD_NONE ? sep : "", shown ? (int)k : 1, shown ? key : "*");
    f->slots[slot] = (int32_t)f->n_names + 1;
    return (int)f->n_names++;
}

const char *pd_fields_label(const struct pd_fields *f, int id) { return id == PD_FIELD_NONE ? "" : f->names[id].label; }

enum pd_label_kind pd_fields_label_kind(const struct pd_fields *f, int id)
{
    return id == PD_FIELD_NONE ? PD_LABEL_EMPTY : f->names[id].kind;
}

bool pd_fields_as_written(const struct pd_fields *f, int id) { return id != PD_FIELD_NONE && f->names[id].as_written; }

const char *pd_fields_path(const struct pd_fields *f, int id) { return id == PD_FIELD_NONE ? NULL : f->names[id].path; }

bool pd_fields_header_cell(const char *p, size_t n)
{
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        p++;
        n -= 2;
    }
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    if (n > 40)
        return false;
    bool letter = false;
    unsigned digits = 0, words = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        digits = c >= '0' && c <= '9' ? digits + 1 : 0;
        if (digits >= 5 || c == ':' || c == '?' || c == '!' || c == '"' || c == '@')
            return false;
        words += c == ' ' && i > 0 && p[i - 1] != ' ';
        letter |= ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0xC2;
    }
    return letter && words <= 6;
}

/* Whether cp is a character Windows-1252 has: what the text of a legacy font shows as. */
static bool cp1252_char(uint32_t cp)
{
    static const uint16_t extra[] = {0x152, 0x153, 0x160, 0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC, 0x2013, 0x2014,
                                     0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026,
                                     0x2030, 0x2039, 0x203A, 0x20AC, 0x2122};
    if (cp < 0x100)
        return true;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (extra[i] == cp)
            return true;
    return false;
}

/* Letters of Latin-1 that Vietnamese writes with: text made only of them reads as Vietnamese as
 * it is ("Công giáo"), whatever a legacy font would make of it. */
static bool vietnamese_latin1(uint32_t cp)
{
    static const char letters[] = "\xC0\xC1\xC2\xC3\xC8\xC9\xCA\xCC\xCD\xD2\xD3\xD4\xD5\xD9\xDA\xDD"
                                  "\xE0\xE1\xE2\xE3\xE8\xE9\xEA\xEC\xED\xF2\xF3\xF4\xF5\xF9\xFA\xFD";
    return cp >= 0xC0 && cp <= 0xFF && memchr(letters, (int)cp, sizeof letters - 1) != NULL;
}

/* Letters only Vietnamese has (ă â đ ê ô ơ ư and the toned vowels), in UTF-8 text. */
static size_t vietnamese_letters(const char *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == 0xE1 && i + 1 < n && (unsigned char)p[i + 1] >= 0xBA && (unsigned char)p[i + 1] <= 0xBB)
            count++; /* U+1E80..U+1EFF */
        else if ((c == 0xC4 && i + 1 < n && strchr("\x82\x83\x90\x91", p[i + 1])) ||
                 (c == 0xC6 && i + 1 < n && strchr("\xA0\xA1\xAF\xB0", p[i + 1])))
            count++; /* Ă ă Đ đ Ơ ơ Ư ư */
    }
    return count;
}

size_t pd_fields_legacy_line(const char *p, size_t n, char *out, size_t cap)
{
    if (n < 3 || n > PD_FIELDS_LEGACY_LINE || cap < 3 * n + 1)
        return 0;
    size_t high = 0, foreign = 0;
    for (size_t i = 0; i < n;) { /* every character one Windows-1252 has, some beyond ASCII */
        unsigned char c = (unsigned char)p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (!k || i + k > n)
            return 0;
        uint32_t cp = k == 2 ? (uint32_t)(c & 0x1F) << 6 | (p[i + 1] & 0x3F)
                    : k == 3 ? (uint32_t)(c & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F)
                             : 0x10000;
        if (!cp1252_char(cp))
            return 0;
        high++;
        foreign += !vietnamese_latin1(cp); /* Ë, Ö, µ, ª: no Vietnamese word holds them */
        i += k;
    }
    if (!high || !foreign)
        return 0;
    /* the legacy encoding whose reading makes a Vietnamese letter of most of those characters */
    static const enum pd_encoding encs[] = {PD_ENC_TCVN3, PD_ENC_VNI};
    size_t best = 0, len = 0;
    char tmp[3 * PD_FIELDS_LEGACY_LINE + 1];
    for (size_t e = 0; e < 2; e++) {
        size_t m = pd_text_redecode(encs[e], p, n, tmp, sizeof tmp);
        size_t v = vietnamese_letters(tmp, m);
        if (v > best && 2 * v >= high) {
            best = v;
            memcpy(out, tmp, m + 1);
            len = m;
        }
    }
    if (!best)
        return 0;
    /* TCVN3 has no upper-case toned letters: a stamp is typed in an "H" font (.VnTimeH) that draws
     * the lower-case codes as capitals. A line that is only a marking is such a stamp. */
    static const char *const stamps[] = {"toi mat", "tuyet mat", "mat", "tai lieu thu hoi", "giai mat",
                                         "chi nguoi co ten moi duoc boc bi", NULL};
    char folded[3 * PD_FIELDS_LEGACY_LINE + 1];
    pd_text_fold_string(out, folded, sizeof folded);
    size_t f = strlen(folded);
    while (f && (folded[f - 1] == ' ' || folded[f - 1] == '\r'))
        folded[--f] = '\0';
    for (int i = 0; stamps[i]; i++)
        if (strcmp(folded, stamps[i]) == 0) {
            len = pd_text_upper(out, tmp, sizeof tmp);
            memcpy(out, tmp, len + 1);
            break;
        }
    return len;
}

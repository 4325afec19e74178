/* Detection engine: Hyperscan finds candidate ends in one pass, PCRE2 confirms the exact span,
 * validators and context words decide, and values leave the engine only masked and hashed. */
#include "detectors/engine.h"

#include "detectors/digest.h"
#include "detectors/hscache.h"
#include "detectors/hotwords-int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CANDIDATES_PER_WINDOW (1u << 18)
#define DEFAULT_CONTEXT_BEFORE 64
#define DEFAULT_CONTEXT_AFTER 24

struct compiled_detector {
    const struct pd_detector *det;
    pcre2_code *code; /* end-anchored, or searching around an anchor (a prefilter's or label's match) */
    size_t reach;     /* with an anchor: how far before its end a match can start */
    int value_group; /* 0: the whole match is the value */
    unsigned char alphabet[256]; /* the detector's alphabet as a table */
};

struct pd_engine {
    hs_database_t *db;
    hs_scratch_t *proto_scratch;
    struct compiled_detector *dets;
    struct pd_hotwords *hotwords;
    const struct pd_detector **list;
    size_t count;
    size_t reach;
    int min_confidence;
    bool reveal;
    unsigned char key[64];
    size_t key_len;
    int current_year;
};

struct candidate {
    uint32_t det;
    uint32_t end;
};

/* A confirmed candidate: where it is and how sure, before overlaps are resolved and before the
 * value is masked and hashed (only listed findings need that). The validator's normalised value
 * and attributes wait in the scratch's arenas: a dense window holds thousands of hits, and a hit
 * that carried a whole candidate (450 bytes) filled the cache with mostly empty buffers. */
struct hit {
    uint32_t det;
    uint32_t length; /* raw bytes */
    size_t raw_start;
    int confidence;
    uint32_t start, end; /* value span in the folded view */
    uint32_t norm;       /* offset in norms, or NO_NORM: derived from the span if listed */
    uint32_t attrs;      /* first of n_attrs in attrs */
    unsigned n_attrs;
};

#define NO_NORM UINT32_MAX

struct pd_engine_scratch {
    const struct pd_engine *engine;
    hs_scratch_t *hs;
    pcre2_match_data *match;
    pcre2_match_context *match_ctx;
    pcre2_jit_stack *jit_stack;
    struct candidate *cands;
    size_t n_cands, cap_cands;
    bool overflow;
    struct hit *hits;
    uint32_t *order; /* hits by position, then the ones kept */
    size_t n_hits, cap_hits;
    struct pd_candidate work; /* the candidate being confirmed */
    bool keep_values;         /* some finding of this window may be listed: keep values of hits */
    char *norms;              /* normalised values of this window's hits, NUL-terminated */
    size_t norms_len, norms_cap;
    struct pd_attr *attrs;    /* their attributes */
    size_t n_attrs, cap_attrs;
    struct pd_digest *hmac;
    struct pd_hotword_marks *marks;
};

/* Hyperscan's guard only has to admit a superset of the exact one, which PCRE2 checks with
 * lookbehinds: alternatives of two characters (like "[^0-9]\\.") cut Hyperscan from tens of GB/s
 * to under 1 GB/s in measurements, so the scan side keeps to one character class or nothing. */
static const char *hs_left_guard(enum pd_guard g)
{
    switch (g) {
    case PD_GUARD_NUMBER:
    case PD_GUARD_WORD: return "(?:^|[^0-9a-z])";
    default: return "";
    }
}

static const char *pcre_left_guard(enum pd_guard g)
{
    switch (g) {
    case PD_GUARD_NUMBER: return "(?<![0-9a-z])(?<![0-9]\\.)";
    case PD_GUARD_WORD: return "(?<![0-9a-z])";
    case PD_GUARD_IP: return "(?<![0-9.])";
    case PD_GUARD_EMAIL: return "(?<![a-z0-9._%+-])";
    default: return "";
    }
}

/* The right guard as a lookahead, for searches around an anchor: PCRE2 then backtracks to a match
 * whose end passes it, as an end-anchored search at each of Hyperscan's ends would find. */
static const char *pcre_right_guard(enum pd_guard g)
{
    switch (g) {
    case PD_GUARD_NUMBER: return "(?![0-9a-z])(?!\\.[0-9])";
    case PD_GUARD_WORD: return "(?![0-9a-z])";
    case PD_GUARD_IP: return "(?![0-9])(?!\\.[0-9])";
    case PD_GUARD_EMAIL: return "(?![a-z0-9_-])(?!\\.[a-z0-9])";
    case PD_GUARD_TOKEN: return "(?=[ \\t\\r\\n]|$)";
    default: return "";
    }
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Hyperscan reports an anchor instead of the match's end: PCRE2 then searches around it. */
static bool anchored(const struct pd_detector *det) { return det->prefilter || det->label; }

/* An upper bound on a label's match length, or 0 if it has no bound: the longest top-level
 * alternative, counting every character in it (escapes and classes as one, ? as nothing). */
static size_t label_reach(const char *re)
{
    size_t best = 0, cur = 0;
    int depth = 0;
    for (const char *p = re; *p; p++) {
        if (*p == '*' || *p == '+' || *p == '{')
            return 0;
        if (*p == '\\' && p[1]) {
            p++;
            cur++;
        } else if (*p == '[') {
            while (p[1] && *p != ']')
                p++;
            cur++;
        } else if (*p == '(') {
            depth++;
            if (p[1] == '?' && p[2] == ':')
                p += 2;
        } else if (*p == ')') {
            depth--;
        } else if (*p == '|' && depth == 0) {
            best = cur > best ? cur : best;
            cur = 0;
        } else if (*p != '?' && *p != '|') {
            cur++;
        }
    }
    return cur > best ? cur : best;
}

char *pd_engine_full_pattern(const struct pd_detector *det)
{
    char *label = det->label ? join3("(?:", det->label, ")") : strdup("");
    char *body = label ? join3("(?:", label, det->pattern) : NULL;
    char *closed = body ? join3(body, ")", "") : NULL;
    free(label);
    free(body);
    if (!closed)
        return NULL;
    /* Hyperscan and ripgrep have no named groups: the value group becomes a plain one */
    for (char *p; (p = strstr(closed, "(?<v>")) != NULL;)
        memmove(p + 3, p + 5, strlen(p + 5) + 1), p[2] = ':';
    char *full = join3(hs_left_guard(det->left), closed, "");
    free(closed);
    return full;
}

char *pd_engine_scan_pattern(const struct pd_detector *det)
{
    if (det->prefilter)
        return strdup(det->prefilter);
    if (det->label) /* a label is rare where a value's shape is not: only it is looked for */
        return join3("(?:", det->label, ")");
    return pd_engine_full_pattern(det);
}

/* True if name (a detector id or a category name) is in the comma-separated list. */
static bool listed(const char *list, const struct pd_detector *det)
{
    if (!list)
        return false;
    const char *cat = pd_category_name(det->category);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if ((strlen(det->id) == len && strncmp(p, det->id, len) == 0) ||
            (strlen(cat) == len && strncmp(p, cat, len) == 0))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

/* Every name in the list must be a detector id or a category, so that typos do not silently
 * disable detection. */
static enum pd_error check_names(const char *list, const char *option, struct pd_diag *diag)
{
    if (!list)
        return PD_OK;
    size_t n;
    const struct pd_detector *all = pd_detectors(&n);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool known = len == 0;
        for (int c = 0; c < PD_CAT_COUNT && !known; c++)
            known = strlen(pd_category_name(c)) == len && strncmp(p, pd_category_name(c), len) == 0;
        for (size_t i = 0; i < n && !known; i++)
            known = strlen(all[i].id) == len && strncmp(p, all[i].id, len) == 0;
        if (!known)
            return pd_fail(diag, PD_ERR_USAGE, "%s: unknown detector or category '%.*s' (see 'pdpscan detectors')",
                           option, (int)len, p);
        if (!comma)
            break;
        p = comma + 1;
    }
    return PD_OK;
}

void pd_engine_destroy(struct pd_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++) {
        pcre2_code_free(e->dets[i].code);
    }
    pd_hotwords_destroy(e->hotwords);
    free(e->dets);
    free(e->list);
    hs_free_scratch(e->proto_scratch);
    hs_free_database(e->db);
    free(e);
}

static enum pd_error compile_confirm(struct compiled_detector *cd, struct pd_diag *diag)
{
    const struct pd_detector *d = cd->det;
    char *label = d->label ? join3("(?:", d->label, ")") : strdup("");
    char *pattern = label ? join3(pcre_left_guard(d->left), "(?:", label) : NULL;
    char *body = pattern ? join3(pattern, d->pattern, ")") : NULL;
    char *full = body ? join3(body, anchored(d) ? pcre_right_guard(d->right) : "", "") : NULL;
    free(body);
    free(label);
    free(pattern);
    if (!full)
        return PD_ERR_NOMEM;
    cd->reach = d->label ? label_reach(d->label) : d->anchor_reach ? d->anchor_reach : d->max_len;
    if (d->label && cd->reach == 0) {
        free(full);
        return pd_fail(diag, PD_ERR_PATTERN, "detector %s: a label must have a bounded length", d->id);
    }
    int errcode;
    PCRE2_SIZE erroff;
    /* end-anchored at compile time: at match time the option would silently disable JIT */
    uint32_t options = PCRE2_MULTILINE | (anchored(d) ? 0 : PCRE2_ENDANCHORED);
    cd->code = pcre2_compile((PCRE2_SPTR)full, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
    free(full);
    if (!cd->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        return pd_fail(diag, PD_ERR_PATTERN, "detector %s: confirm pattern: %s at offset %zu", cd->det->id,
                       (char *)msg, (size_t)erroff);
    }
    if (pcre2_jit_compile(cd->code, PCRE2_JIT_COMPLETE) != 0)
        return pd_fail(diag, PD_ERR_PATTERN, "detector %s: PCRE2 JIT compilation failed", cd->det->id);
    int group = pcre2_substring_number_from_name(cd->code, (PCRE2_SPTR) "v");
    cd->value_group = group > 0 ? group : 0;
    return PD_OK;
}

/* Adds d to the engine as its next detector: its confirm regex, alphabet, context words and
 * reach; *pattern gets what Hyperscan looks for (malloc'd). */
static enum pd_error add_detector(struct pd_engine *e, const struct pd_detector *d, char **pattern,
                                  struct pd_diag *diag)
{
    enum pd_error err;
    struct compiled_detector *cd = &e->dets[e->count];
    cd->det = d;
    e->list[e->count] = d;
    e->count++;
    if ((err = compile_confirm(cd, diag)) != PD_OK)
        return err;
    for (const char *r = d->alphabet; r && *r; r++)
        cd->alphabet[(unsigned char)*r] = 1;
    if ((err = pd_hotwords_add(e->hotwords, (unsigned)(e->count - 1), d->context, d->anti_context)) != PD_OK) {
        if (err == PD_ERR_PATTERN)
            err = pd_fail(diag, err, "detector %s: empty or overlong context word", d->id);
        return err;
    }
    size_t before = d->context_before ? d->context_before : DEFAULT_CONTEXT_BEFORE;
    size_t after = d->context_after ? d->context_after : DEFAULT_CONTEXT_AFTER;
    size_t reach = d->max_len + (before > after ? before : after) + 16;
    if (reach > e->reach)
        e->reach = reach;
    *pattern = pd_engine_scan_pattern(d);
    return *pattern ? PD_OK : PD_ERR_NOMEM;
}

/* The Hyperscan database of every selected detector's pattern (from the cache when it holds it)
 * and the scratch workers clone. */
static enum pd_error compile_database(struct pd_engine *e, const char *cache_dir, char **patterns,
                                      struct pd_diag *diag)
{
    enum pd_error err = PD_ERR_NOMEM;
    unsigned *flags = calloc(e->count, sizeof *flags), *ids = calloc(e->count, sizeof *ids);
    hs_compile_error_t *cerr = NULL;
    for (size_t i = 0; flags && ids && i < e->count; i++) {
        flags[i] = HS_FLAG_MULTILINE;
        ids[i] = (unsigned)i;
    }
    if (!flags || !ids) {
        err = PD_ERR_NOMEM;
    } else if (pd_hscache_compile(cache_dir, (const char *const *)patterns, flags, ids, (unsigned)e->count, &e->db,
                                  &cerr) != HS_SUCCESS) {
        int which = cerr ? cerr->expression : -1;
        err = pd_fail(diag, PD_ERR_PATTERN, "Hyperscan: detector %s: %s",
                      which >= 0 ? e->list[which]->id : "(all)", cerr ? cerr->message : "compile failed");
        hs_free_compile_error(cerr);
    } else {
        err = hs_alloc_scratch(e->db, &e->proto_scratch) == HS_SUCCESS ? PD_OK : PD_ERR_NOMEM;
    }
    free(flags);
    free(ids);
    return err;
}

enum pd_error pd_engine_create(const struct pd_engine_options *opts, struct pd_engine **out, struct pd_diag *diag)
{
    *out = NULL;
    if (hs_valid_platform() != HS_SUCCESS)
        return pd_fail(diag, PD_ERR_PLATFORM, "Hyperscan: this CPU lacks the instructions it needs (SSSE3)");
    enum pd_error err = check_names(opts->enable, "--detectors", diag);
    if (!err)
        err = check_names(opts->disable, "--skip-detectors", diag);
    if (err)
        return err;

    struct pd_engine *e = calloc(1, sizeof *e);
    if (!e)
        return PD_ERR_NOMEM;
    e->min_confidence = opts->min_confidence;
    e->reveal = opts->reveal;
    e->key_len = opts->key_len < sizeof e->key ? opts->key_len : sizeof e->key;
    if (opts->key)
        memcpy(e->key, opts->key, e->key_len);
    if (opts->current_year) {
        e->current_year = opts->current_year;
    } else {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        e->current_year = tm.tm_year + 1900;
    }

    size_t n_all;
    const struct pd_detector *all = pd_detectors(&n_all);
    e->dets = calloc(n_all, sizeof *e->dets);
    e->list = calloc(n_all, sizeof *e->list);
    char **patterns = calloc(n_all, sizeof *patterns);
    if (!e->dets || !e->list || !patterns) {
        err = PD_ERR_NOMEM;
        goto done;
    }
    if ((err = pd_hotwords_create(n_all, &e->hotwords)) != PD_OK)
        goto done;
    bool enable_all = !opts->enable || !*opts->enable;
    for (size_t i = 0; i < n_all; i++) {
        const struct pd_detector *d = &all[i];
        if ((!enable_all && !listed(opts->enable, d)) || listed(opts->disable, d))
            continue;
        if ((err = add_detector(e, d, &patterns[e->count], diag)) != PD_OK)
            goto done;
    }
    if (e->count == 0) {
        err = pd_fail(diag, PD_ERR_USAGE, "no detector selected");
        goto done;
    }
    if ((err = pd_hotwords_finish(e->hotwords, opts->cache_dir)) != PD_OK) {
        if (err == PD_ERR_PATTERN)
            err = pd_fail(diag, err, "Hyperscan: cannot compile the context words");
        goto done;
    }
    err = compile_database(e, opts->cache_dir, patterns, diag);
done:
    for (size_t i = 0; patterns && i < n_all; i++)
        free(patterns[i]);
    free(patterns);
    if (err) {
        pd_engine_destroy(e);
        return err;
    }
    *out = e;
    return PD_OK;
}

const struct pd_detector *const *pd_engine_detectors(const struct pd_engine *e, size_t *count)
{
    *count = e->count;
    return e->list;
}

size_t pd_engine_reach(const struct pd_engine *e) { return e->reach; }

enum pd_error pd_engine_scratch_create(const struct pd_engine *e, struct pd_engine_scratch **out, struct pd_diag *diag)
{
    struct pd_engine_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return PD_ERR_NOMEM;
    s->engine = e;
    uint32_t groups = 1;
    for (size_t i = 0; i < e->count; i++) {
        uint32_t c = 0;
        pcre2_pattern_info(e->dets[i].code, PCRE2_INFO_CAPTURECOUNT, &c);
        if (c + 1 > groups)
            groups = c + 1;
    }
    if (hs_clone_scratch(e->proto_scratch, &s->hs) != HS_SUCCESS || pd_digest_create(e->key, e->key_len, &s->hmac) ||
        !(s->match = pcre2_match_data_create(groups, NULL)) || !(s->match_ctx = pcre2_match_context_create(NULL)) ||
        !(s->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL)) ||
        pd_hotword_marks_create(e->hotwords, &s->marks)) {
        pd_engine_scratch_destroy(s);
        return pd_fail(diag, PD_ERR_NOMEM, "cannot allocate per-thread match state");
    }
    pcre2_jit_stack_assign(s->match_ctx, NULL, s->jit_stack);
    *out = s;
    return PD_OK;
}

void pd_engine_scratch_destroy(struct pd_engine_scratch *s)
{
    if (!s)
        return;
    if (s->hs)
        hs_free_scratch(s->hs);
    pcre2_match_data_free(s->match);
    pcre2_match_context_free(s->match_ctx);
    pcre2_jit_stack_free(s->jit_stack);
    pd_digest_destroy(s->hmac);
    pd_hotword_marks_destroy(s->marks);
    free(s->hits);
    free(s->order);
    free(s->norms);
    free(s->attrs);
    free(s->cands);
    free(s);
}

void pd_finding_clear(struct pd_finding *f)
{
    free(f->clear);
    f->clear = NULL;
}

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *arg)
{
    struct pd_engine_scratch *s = arg;
    if (s->n_cands == s->cap_cands) {
        size_t ncap = s->cap_cands ? s->cap_cands * 2 : 1024;
        struct candidate *nc;
        if (ncap > MAX_CANDIDATES_PER_WINDOW || !(nc = realloc(s->cands, ncap * sizeof *nc))) {
            s->overflow = true;
            return 1; /* stop scanning: the unit will be reported partial */
        }
        s->cands = nc;
        s->cap_cands = ncap;
    }
    s->cands[s->n_cands].det = id;
    s->cands[s->n_cands].end = (uint32_t)to;
    s->n_cands++;
    return 0;
}

static bool is_alnum_ascii(unsigned char c) { return pd_ascii_alnum[c]; }

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }


static bool right_guard_ok(enum pd_guard g, const char *f, size_t len, size_t e)
{
    if (e >= len)
        return true;
    unsigned char c = (unsigned char)f[e], next = e + 1 < len ? (unsigned char)f[e + 1] : 0;
    switch (g) {
    case PD_GUARD_NUMBER: return !is_alnum_ascii(c) && !(c == '.' && is_digit(next));
    case PD_GUARD_WORD: return !is_alnum_ascii(c);
    case PD_GUARD_IP: return !is_digit(c) && !(c == '.' && is_digit(next));
    case PD_GUARD_EMAIL: return !(is_alnum_ascii(c) || c == '-' || c == '_') && !(c == '.' && is_alnum_ascii(next));
    case PD_GUARD_TOKEN: return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    case PD_GUARD_NONE: return true;
    }
    return true;
}

/* Copies code point count of UTF-8 s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Appends the first `keep` code points of s starting at *p, advancing *p. */
static size_t copy_chars(const char **p, size_t keep, char *out, size_t o, size_t cap)
{
    while (**p && keep > 0) {
        size_t k = 1;
        while (((unsigned char)(*p)[k] & 0xC0) == 0x80)
            k++;
        if (o + k + 1 >= cap)
            break;
        memcpy(out + o, *p, k);
        o += k;
        *p += k;
        keep--;
    }
    return o;
}

static void skip_chars(const char **p, size_t n)
{
    while (**p && n > 0) {
        (*p)++;
        while (((unsigned char)**p & 0xC0) == 0x80)
            (*p)++;
        n--;
    }
}

static void mask_value(enum pd_mask_style style, const char *value, char *out, size_t cap)
{
    size_t o = 0, n = utf8_chars(value);
    const char *p = value;
    switch (style) {
    case PD_MASK_DIGITS: {
        size_t head = n >= 10 ? 3 : n >= 6 ? 2 : 1, tail = n >= 6 ? 2 : 0;
        if (head + tail >= n)
            head = n > 1 ? 1 : 0, tail = 0;
        o = copy_chars(&p, head, out, o, cap);
        for (size_t i = head; i + tail < n && o + 2 < cap; i++)
            out[o++] = '*';
        skip_chars(&p, n - head - tail);
        o = copy_chars(&p, tail, out, o, cap);
        break;
    }
    case PD_MASK_EMAIL: {
        const char *at = strchr(value, '@');
        o = copy_chars(&p, 1, out, o, cap);
        if (o + 4 < cap) {
            memcpy(out + o, "***", 3);
            o += 3;
        }
        if (at) {
            p = at;
            o = copy_chars(&p, strlen(at), out, o, cap);
        }
        break;
    }
    case PD_MASK_WORDS: {
        bool start = true;
        while (*p && o + 5 < cap) {
            if (*p == ' ') {
                out[o++] = ' ';
                p++;
                start = true;
            } else if (start) {
                o = copy_chars(&p, 1, out, o, cap);
                memcpy(out + o, "***", 3);
                o += 3;
                start = false;
            } else {
                skip_chars(&p, 1);
            }
        }
        break;
    }
    case PD_MASK_SECRET:
        if (cap >= 4)
            memcpy(out, "***", 4);
        return;
    case PD_MASK_HIDDEN:
        o = copy_chars(&p, 1, out, o, cap);
        if (o + 4 < cap) {
            memcpy(out + o, "***", 3);
            o += 3;
        }
        break;
    case PD_MASK_NONE:
        o = copy_chars(&p, n, out, o, cap);
        break;
    }
    out[o] = '\0';
}

static void default_norm(const struct pd_text *t, size_t start, size_t end, enum pd_mask_style style,
                         char norm[PD_NORM_MAX])
{
    const char *f = t->fold;
    size_t o = 0;
    for (size_t i = start; i < end && o + 1 < PD_NORM_MAX; i++) {
        unsigned char ch = (unsigned char)f[i];
        if (style == PD_MASK_DIGITS) {
            if (is_alnum_ascii(ch))
                norm[o++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            if (o > 0 && norm[o - 1] != ' ')
                norm[o++] = ' ';
        } else {
            norm[o++] = (char)ch;
        }
    }
    norm[o] = '\0';
}

/* The slot for the next hit (committed by incrementing n_hits), or NULL without memory. */
static struct hit *next_hit(struct pd_engine_scratch *s)
{
    if (s->n_hits == s->cap_hits) {
        size_t ncap = s->cap_hits ? s->cap_hits * 2 : 256;
        struct hit *nh = realloc(s->hits, ncap * sizeof *nh);
        if (!nh)
            return NULL;
        s->hits = nh;
        uint32_t *no = realloc(s->order, ncap * sizeof *no);
        if (!no)
            return NULL;
        s->order = no;
        s->cap_hits = ncap;
    }
    return &s->hits[s->n_hits];
}

/* Keeps the validator's normalised value and attributes for hit h. */
static enum pd_error keep_value(struct pd_engine_scratch *s, const struct pd_candidate *c, struct hit *h)
{
    h->norm = NO_NORM;
    h->attrs = 0;
    h->n_attrs = 0;
    if (!s->keep_values) /* a unit past its listing cap: its findings are only counted */
        return PD_OK;
    if (c->norm[0]) {
        size_t len = strnlen(c->norm, PD_NORM_MAX - 1) + 1;
        if (s->norms_len + len > s->norms_cap) {
            size_t ncap = s->norms_cap ? s->norms_cap * 2 : 4096;
            char *nn = ncap > UINT32_MAX ? NULL : realloc(s->norms, ncap);
            if (!nn)
                return PD_ERR_NOMEM;
            s->norms = nn;
            s->norms_cap = ncap;
        }
        memcpy(s->norms + s->norms_len, c->norm, len - 1);
        s->norms[s->norms_len + len - 1] = '\0';
        h->norm = (uint32_t)s->norms_len;
        s->norms_len += len;
    }
    h->attrs = (uint32_t)s->n_attrs;
    h->n_attrs = c->n_attrs;
    if (!c->n_attrs)
        return PD_OK;
    if (s->n_attrs + c->n_attrs > s->cap_attrs) {
        size_t ncap = s->cap_attrs ? s->cap_attrs * 2 : 256;
        struct pd_attr *na = ncap > UINT32_MAX ? NULL : realloc(s->attrs, ncap * sizeof *na);
        if (!na)
            return PD_ERR_NOMEM;
        s->attrs = na;
        s->cap_attrs = ncap;
    }
    memcpy(s->attrs + s->n_attrs, c->attrs, c->n_attrs * sizeof *c->attrs);
    s->n_attrs += c->n_attrs;
    return PD_OK;
}

/* Where PCRE2 starts looking for a match that ends at or covers end: no earlier than lo, nor
 * before the run of the detector's alphabet that reaches end. In a CSV row a phone number's
 * search then starts after the comma, not 26 bytes back inside the ID before it. */
static size_t run_start(const struct compiled_detector *cd, const char *fold, size_t lo, size_t end)
{
    if (!cd->det->alphabet)
        return lo;
    size_t p = end;
    while (p > lo && cd->alphabet[(unsigned char)fold[p - 1]])
        p--;
    return p;
}

/* Confirms one candidate; records a hit when it passes every check. Runs for every Hyperscan
 * match (hundreds of thousands per CSV file): one function, its checks in order of cost. */
static enum pd_error confirm(struct pd_engine_scratch *s, const struct pd_text *t, const struct candidate *cand,
                             size_t own_lo, size_t own_hi)
{
    const struct pd_engine *e = s->engine;
    const struct compiled_detector *cd = &e->dets[cand->det];
    const struct pd_detector *d = cd->det;
    size_t end = cand->end;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match);
    if (anchored(d)) {
        /* the candidate is an anchor inside the match: find the match that covers it */
        size_t lo = run_start(cd, t->fold, end > cd->reach ? end - cd->reach : 0, end);
        size_t hi = end + d->max_len < t->fold_len ? end + d->max_len : t->fold_len;
        uint32_t cut = hi < t->fold_len ? PCRE2_NOTEOL : 0; /* the search ends there, not the line */
        for (;;) {
            if (pcre2_jit_match(cd->code, (PCRE2_SPTR)t->fold, hi, lo, cut, s->match, s->match_ctx) < 0)
                return PD_OK;
            if (ov[0] < end && ov[1] >= end)
                break;
            if (ov[0] >= end || ov[1] <= lo)
                return PD_OK;
            lo = ov[1];
        }
        end = ov[1];
        if (!right_guard_ok(d->right, t->fold, t->fold_len, end))
            return PD_OK;
    } else {
        if (!right_guard_ok(d->right, t->fold, t->fold_len, end))
            return PD_OK;
        size_t lo = run_start(cd, t->fold, end > d->max_len ? end - d->max_len : 0, end);
        if (pcre2_jit_match(cd->code, (PCRE2_SPTR)t->fold, end, lo, 0, s->match, s->match_ctx) < 0)
            return PD_OK;
    }
    size_t vs = ov[2 * cd->value_group], ve = ov[2 * cd->value_group + 1];
    if (vs == PCRE2_UNSET || ve <= vs)
        return PD_OK;

    struct pd_candidate *c = &s->work;
    c->text = t;
    c->start = vs;
    c->end = ve;
    c->confidence = d->base_confidence;
    c->current_year = e->current_year;
    c->norm[0] = '\0';
    c->n_attrs = 0;
    if (d->validate && !d->validate(c))
        return PD_OK;
    size_t before = d->context_before ? d->context_before : DEFAULT_CONTEXT_BEFORE;
    size_t after = d->context_after ? d->context_after : DEFAULT_CONTEXT_AFTER;
    size_t clo = c->start > before ? c->start - before : 0;
    size_t chi = c->end + after < t->fold_len ? c->end + after : t->fold_len;
    unsigned want = pd_hotwords_lists(e->hotwords, cand->det), found = 0;
    if (want) {
        /* A context word on the value's own line before it (its label) decides alone: in a
         * labelled export the next cell's "Mã đơn hàng:" is on another line and must not cancel
         * "Số CCCD: ...". Otherwise the whole range counts, anti-words included. */
        const char *nl = c->start > clo ? memrchr(t->fold + clo, '\n', c->start - clo) : NULL;
        size_t line = nl ? (size_t)(nl - t->fold) + 1 : clo;
        found = pd_hotwords_find(e->hotwords, s->marks, cand->det, t->fold, t->fold_len, line, c->start, want);
        if (!(found & PD_HOT_CONTEXT)) {
            if (line > clo && found != want)
                found |= pd_hotwords_find(e->hotwords, s->marks, cand->det, t->fold, t->fold_len, clo, line,
                                          want & ~found);
            if (found != want)
                found |= pd_hotwords_find(e->hotwords, s->marks, cand->det, t->fold, t->fold_len, c->end, chi,
                                          want & ~found);
        }
    }
    bool context = found & PD_HOT_CONTEXT, anti = found & PD_HOT_ANTI;
    if (d->context_required && !context)
        return PD_OK;
    int confidence = c->confidence + (context ? d->context_bonus : 0) - (anti ? d->anti_penalty : 0);
    if (confidence > 100)
        confidence = 100;
    if (confidence <= 0 || confidence < e->min_confidence)
        return PD_OK;

    size_t raw_start = pd_text_raw_offset(t, c->start), raw_end = pd_text_raw_offset(t, c->end);
    if (raw_start < own_lo || raw_start >= own_hi || raw_end <= raw_start)
        return PD_OK;
    struct hit *h = next_hit(s);
    if (!h || keep_value(s, c, h) != PD_OK)
        return PD_ERR_NOMEM;
    h->det = cand->det;
    h->raw_start = raw_start;
    h->length = (uint32_t)(raw_end - raw_start);
    h->confidence = confidence;
    h->start = (uint32_t)c->start;
    h->end = (uint32_t)c->end;
    s->n_hits++;
    return PD_OK;
}

/* The value work a listed finding needs: keyed hash, mask, and the clear value with --reveal. */
static enum pd_error describe(struct pd_engine_scratch *s, const struct pd_text *t, const struct hit *h,
                              struct pd_finding *f)
{
    const struct pd_engine *e = s->engine;
    const struct pd_detector *d = e->dets[h->det].det;
    char derived[PD_NORM_MAX];
    const char *norm = h->norm != NO_NORM ? s->norms + h->norm : derived;
    if (h->norm == NO_NORM)
        default_norm(t, h->start, h->end, d->mask, derived);
    const char *parts[2] = {d->id, norm};
    f->value_key = pd_digest_hex128(s->hmac, parts, 2, f->value_hash);
    char original[PD_NORM_MAX];
    if (d->mask == PD_MASK_DIGITS || d->mask == PD_MASK_EMAIL || d->mask == PD_MASK_SECRET) {
        mask_value(d->mask, norm, f->masked, sizeof f->masked); /* a secret's mask shows nothing */
    } else {
        pd_text_original(t, h->start, h->end, original, sizeof original);
        mask_value(d->mask, original, f->masked, sizeof f->masked);
    }
    if (e->reveal) {
        pd_text_original(t, h->start, h->end, original, sizeof original);
        if (!(f->clear = strdup(original)))
            return PD_ERR_NOMEM;
    }
    return PD_OK;
}

/* Position order: start, longer first, then table order. */
static int hit_order(const struct hit *x, const struct hit *y)
{
    if (x->raw_start != y->raw_start)
        return x->raw_start < y->raw_start ? -1 : 1;
    if (x->length != y->length)
        return x->length > y->length ? -1 : 1;
    return x->det < y->det ? -1 : x->det > y->det;
}

static int by_position(const void *a, const void *b, void *hits)
{
    const struct hit *h = hits;
    return hit_order(&h[*(const uint32_t *)a], &h[*(const uint32_t *)b]);
}

/* Hits arrive almost in order (Hyperscan reports by end offset), so insertion sort is linear in
 * practice; hostile input that makes it quadratic falls back to a merge sort. */
static void sort_hits(struct pd_engine_scratch *s, size_t n)
{
    uint32_t *o = s->order;
    size_t moves = 0;
    for (size_t i = 1; i < n; i++) {
        uint32_t v = o[i];
        size_t j = i;
        while (j > 0 && hit_order(&s->hits[v], &s->hits[o[j - 1]]) < 0) {
            o[j] = o[j - 1];
            j--;
            if (++moves > 16 * n) {
                o[j] = v;
                qsort_r(o, n, sizeof *o, by_position, s->hits);
                return;
            }
        }
        o[j] = v;
    }
}

/* One value, one finding: a detector's overlapping matches keep the longest; detectors claiming
 * the same span keep the most confident (table order breaks ties). Returns how many are kept,
 * in s->order by position. */
static size_t resolve_overlaps(struct pd_engine_scratch *s)
{
    size_t n = s->n_hits;
    for (size_t i = 0; i < n; i++)
        s->order[i] = (uint32_t)i;
    if (n < 2)
        return n;
    sort_hits(s, n);
    size_t kept = 0, kept_end = 0; /* the furthest end of any kept hit */
    for (size_t i = 0; i < n; i++) {
        uint32_t fi = s->order[i];
        const struct hit *f = &s->hits[fi];
        bool drop = false;
        if (f->raw_start >= kept_end) { /* the common case: clear of everything kept */
            s->order[kept++] = fi;
            kept_end = f->raw_start + f->length;
            continue;
        }
        for (size_t j = kept; j-- > 0 && kept - j <= 32;) {
            const struct hit *k = &s->hits[s->order[j]];
            if (k->raw_start + k->length <= f->raw_start)
                continue;
            bool same_span = k->raw_start == f->raw_start && k->length == f->length;
            if (k->det == f->det || same_span) {
                bool better = k->det == f->det ? f->length > k->length : f->confidence > k->confidence;
                if (better) {
                    s->order[j] = fi;
                    if (f->raw_start + f->length > kept_end) /* an over-estimate stays safe */
                        kept_end = f->raw_start + f->length;
                }
                drop = true;
                break;
            }
        }
        if (!drop) {
            s->order[kept++] = fi;
            if (f->raw_start + f->length > kept_end)
                kept_end = f->raw_start + f->length;
        }
    }
    sort_hits(s, kept);
    return kept;
}

enum pd_error pd_engine_scan(struct pd_engine_scratch *s, const struct pd_text *t, size_t own_lo, size_t own_hi,
                             size_t describe_room, pd_finding_sink sink, void *arg, bool *truncated)
{
    const struct pd_engine *e = s->engine;
    s->n_cands = 0;
    s->n_hits = 0;
    s->norms_len = s->n_attrs = 0;
    s->keep_values = describe_room > 0;
    s->overflow = false;
    pd_hotword_marks_reset(s->marks);
    *truncated = false;
    if (t->fold_len == 0)
        return PD_OK;
    hs_error_t hr = hs_scan(e->db, t->fold, (unsigned)t->fold_len, 0, s->hs, on_hs_match, s);
    if (hr != HS_SUCCESS && hr != HS_SCAN_TERMINATED)
        return PD_ERR_INTERNAL;
    *truncated = s->overflow;
    enum pd_error err = PD_OK;
    for (size_t i = 0; i < s->n_cands && !err; i++)
        err = confirm(s, t, &s->cands[i], own_lo, own_hi);
    size_t kept = err ? 0 : resolve_overlaps(s);
    for (size_t i = 0; i < kept && !err; i++) {
        struct hit *h = &s->hits[s->order[i]];
        struct pd_finding f; /* only counted beyond the room: no value, no attributes */
        f.detector = e->dets[h->det].det;
        f.offset = h->raw_start;
        f.length = h->length;
        f.line = f.column = 0;
        f.confidence = h->confidence;
        f.masked[0] = f.value_hash[0] = f.fingerprint[0] = '\0';
        f.value_key = 0;
        f.clear = NULL;
        f.n_attrs = 0;
        f.field = NULL;
        if (describe_room > 0) {
            describe_room--;
            f.n_attrs = h->n_attrs;
            if (h->n_attrs)
                memcpy(f.attrs, s->attrs + h->attrs, h->n_attrs * sizeof *f.attrs);
            if ((err = describe(s, t, h, &f)) != PD_OK)
                break;
        }
        if (!sink(arg, &f)) /* the sink takes ownership of the clear value */
            break;
    }
    s->n_hits = 0;
    return err;
}

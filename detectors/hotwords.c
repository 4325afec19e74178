/* Context words near a value: searched around it, or looked up in an index of the text's words
 * once values are dense. */
#include "detectors/hotwords-int.h"

#include "detectors/detector.h"
#include "detectors/hscache.h"

#include <hs.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool alnum(unsigned char c) { return pd_ascii_alnum[c]; }

/* Words grouped by first byte, so that a position is checked only against the words that could
 * start there; a byte table and a hashed set of first byte pairs rule out most positions at once. */
struct word_list {
    char **words; /* sorted by first byte */
    unsigned char *lens;
    size_t count;
    uint16_t bucket[257]; /* words[bucket[c] .. bucket[c + 1]) start with byte c */
    unsigned char first[256];
    uint64_t pairs[16];
};

static unsigned pair_bit(unsigned char a, unsigned char b) { return ((unsigned)a * 31u ^ b) & 1023u; }

struct detector_words {
    struct word_list context, anti;
    unsigned char first[256]; /* both lists' first bytes */
    uint64_t pairs[16];
};

/* Every distinct word of every list, for the index: a Hyperscan database of them as literals
 * finds all their places in a text in one pass. */
struct dictionary {
    struct word_list words;
    hs_database_t *db;
    uint64_t *context_of; /* per word: bit d set if it is in detector d's context list */
    uint64_t *anti_of;
};

struct pd_hotwords {
    struct detector_words *dets;
    size_t count;
    struct dictionary all;
};

/* A word of the dictionary at a word start, ending at end. bounded: no letter or digit follows
 * it, so it counts in any range that holds it; otherwise only in a range that ends right at it. */
struct mark {
    uint32_t end;
    uint16_t word;
    uint8_t len;
    uint8_t bounded;
};

struct pd_hotword_marks {
    const struct pd_hotwords *h;
    hs_scratch_t *scratch;
    struct mark *marks; /* by end */
    size_t count, cap, cursor;
    const char *text;   /* while the index is built */
    size_t len;
    size_t searched;    /* bytes searched around values in this text */
    bool ready, failed;
};

static void word_list_free(struct word_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->words[i]);
    free(l->words);
    free(l->lens);
    memset(l, 0, sizeof *l);
}

static int by_first_byte(const void *a, const void *b)
{
    return (int)*(const unsigned char *)*(char *const *)a - (int)*(const unsigned char *)*(char *const *)b;
}

static enum pd_error word_list_parse(const char *spec, struct word_list *l)
{
    memset(l, 0, sizeof *l);
    if (!spec || !*spec)
        return PD_OK;
    size_t n = 1;
    for (const char *p = spec; *p; p++)
        n += *p == '|';
    if (n > UINT16_MAX)
        return PD_ERR_PATTERN;
    l->words = calloc(n, sizeof *l->words);
    l->lens = calloc(n, 1);
    if (!l->words || !l->lens)
        return PD_ERR_NOMEM;
    for (const char *p = spec; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == 0 || len > UCHAR_MAX)
            return PD_ERR_PATTERN;
        if (!(l->words[l->count] = strndup(p, len)))
            return PD_ERR_NOMEM;
        l->count++;
        if (!bar)
            break;
        p = bar + 1;
    }
    qsort(l->words, l->count, sizeof *l->words, by_first_byte);
    size_t w = 0;
    for (unsigned c = 0; c < 256; c++) {
        l->bucket[c] = (uint16_t)w;
        while (w < l->count && (unsigned char)l->words[w][0] == c) {
            l->lens[w] = (unsigned char)strlen(l->words[w]);
            l->first[c] = 1;
            for (unsigned d = 0; d < 256; d++) /* a one-byte word may be followed by anything */
                if (l->lens[w] > 1 ? d == (unsigned char)l->words[w][1] : true) {
                    unsigned bit = pair_bit((unsigned char)c, (unsigned char)d);
                    l->pairs[bit >> 6] |= 1ULL << (bit & 63);
                }
            w++;
        }
    }
    l->bucket[256] = (uint16_t)w;
    return PD_OK;
}

static bool in_list(const struct word_list *l, const char *word)
{
    unsigned char c = (unsigned char)word[0];
    for (unsigned w = l->bucket[c]; w < l->bucket[c + 1]; w++)
        if (strcmp(l->words[w], word) == 0)
            return true;
    return false;
}

enum pd_error pd_hotwords_create(size_t detectors, struct pd_hotwords **out)
{
    *out = NULL;
    if (detectors > PD_MAX_DETECTORS)
        return PD_ERR_INTERNAL;
    struct pd_hotwords *h = calloc(1, sizeof *h);
    if (!h || !(h->dets = calloc(detectors ? detectors : 1, sizeof *h->dets))) {
        free(h);
        return PD_ERR_NOMEM;
    }
    h->count = detectors;
    *out = h;
    return PD_OK;
}

void pd_hotwords_destroy(struct pd_hotwords *h)
{
    if (!h)
        return;
    for (size_t d = 0; d < h->count; d++) {
        word_list_free(&h->dets[d].context);
        word_list_free(&h->dets[d].anti);
    }
    word_list_free(&h->all.words);
    hs_free_database(h->all.db);
    free(h->all.context_of);
    free(h->all.anti_of);
    free(h->dets);
    free(h);
}

enum pd_error pd_hotwords_add(struct pd_hotwords *h, unsigned det, const char *context, const char *anti)
{
    if (det >= h->count)
        return PD_ERR_INTERNAL;
    struct detector_words *dw = &h->dets[det];
    enum pd_error err = word_list_parse(context, &dw->context);
    if (!err)
        err = word_list_parse(anti, &dw->anti);
    for (unsigned c = 0; c < 256; c++)
        dw->first[c] = dw->context.first[c] | dw->anti.first[c];
    for (unsigned i = 0; i < 16; i++)
        dw->pairs[i] = dw->context.pairs[i] | dw->anti.pairs[i];
    return err;
}

/* Appends each word of l not yet in the '|'-separated spec. */
static enum pd_error append_words(const struct word_list *l, char **spec, size_t *len)
{
    for (size_t w = 0; w < l->count; w++) {
        size_t n = l->lens[w];
        bool seen = false;
        for (const char *p = *spec; p && *p && !seen;) {
            const char *bar = strchr(p, '|');
            size_t k = bar ? (size_t)(bar - p) : strlen(p);
            seen = k == n && memcmp(p, l->words[w], n) == 0;
            p = bar ? bar + 1 : p + k;
        }
        if (seen)
            continue;
        char *grown = realloc(*spec, *len + n + 2);
        if (!grown)
            return PD_ERR_NOMEM;
        *spec = grown;
        if (*len)
            grown[(*len)++] = '|';
        memcpy(grown + *len, l->words[w], n);
        *len += n;
        grown[*len] = '\0';
    }
    return PD_OK;
}

/* Hyperscan has no literal syntax in patterns: every byte but letters and digits is escaped. */
static char *literal_pattern(const char *word)
{
    char *out = malloc(4 * strlen(word) + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)word; *p; p++) {
        if (alnum(*p)) {
            *o++ = (char)*p;
        } else {
            static const char hex[] = "0123456789abcdef";
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

static enum pd_error index_dictionary(struct pd_hotwords *h, const char *cache_dir)
{
    struct dictionary *all = &h->all;
    size_t n = all->words.count;
    all->context_of = calloc(n ? n : 1, sizeof *all->context_of);
    all->anti_of = calloc(n ? n : 1, sizeof *all->anti_of);
    if (!all->context_of || !all->anti_of)
        return PD_ERR_NOMEM;
    for (size_t w = 0; w < n; w++)
        for (size_t d = 0; d < h->count; d++) {
            if (in_list(&h->dets[d].context, all->words.words[w]))
                all->context_of[w] |= 1ULL << d;
            if (in_list(&h->dets[d].anti, all->words.words[w]))
                all->anti_of[w] |= 1ULL << d;
        }
    if (n == 0)
        return PD_OK;
    char **patterns = calloc(n, sizeof *patterns);
    unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
    enum pd_error err = patterns && flags && ids ? PD_OK : PD_ERR_NOMEM;
    for (size_t w = 0; w < n && !err; w++) {
        ids[w] = (unsigned)w;
        if (!(patterns[w] = literal_pattern(all->words.words[w])))
            err = PD_ERR_NOMEM;
    }
    hs_compile_error_t *cerr = NULL;
    if (!err && pd_hscache_compile(cache_dir, (const char *const *)patterns, flags, ids, (unsigned)n, &all->db,
                                   &cerr) != HS_SUCCESS) {
        hs_free_compile_error(cerr);
        err = PD_ERR_PATTERN;
    }
    for (size_t w = 0; patterns && w < n; w++)
        free(patterns[w]);
    free(patterns);
    free(flags);
    free(ids);
    return err;
}

enum pd_error pd_hotwords_finish(struct pd_hotwords *h, const char *cache_dir)
{
    char *spec = NULL;
    size_t len = 0;
    enum pd_error err = PD_OK;
    for (size_t d = 0; d < h->count && !err; d++) {
        err = append_words(&h->dets[d].context, &spec, &len);
        if (!err)
            err = append_words(&h->dets[d].anti, &spec, &len);
    }
    if (!err)
        err = word_list_parse(spec, &h->all.words);
    free(spec);
    return err ? err : index_dictionary(h, cache_dir);
}

unsigned pd_hotwords_lists(const struct pd_hotwords *h, unsigned det)
{
    const struct detector_words *dw = &h->dets[det];
    return (dw->context.count ? PD_HOT_CONTEXT : 0) | (dw->anti.count ? PD_HOT_ANTI : 0);
}

enum pd_error pd_hotword_marks_create(const struct pd_hotwords *h, struct pd_hotword_marks **out)
{
    struct pd_hotword_marks *m = calloc(1, sizeof *m);
    if (!m)
        return PD_ERR_NOMEM;
    m->h = h;
    if (h->all.db && hs_alloc_scratch(h->all.db, &m->scratch) != HS_SUCCESS) {
        free(m);
        return PD_ERR_NOMEM;
    }
    *out = m;
    return PD_OK;
}

void pd_hotword_marks_destroy(struct pd_hotword_marks *m)
{
    if (!m)
        return;
    if (m->scratch)
        hs_free_scratch(m->scratch);
    free(m->marks);
    free(m);
}

void pd_hotword_marks_reset(struct pd_hotword_marks *m)
{
    m->count = m->cursor = 0;
    m->searched = 0;
    m->ready = m->failed = false;
}

bool pd_hotword_marks_indexed(const struct pd_hotword_marks *m) { return m->ready; }

/* A word starts at p if nothing alphanumeric comes just before it (whatever the range). */
static bool word_may_start(const struct detector_words *dw, const char *f, size_t p, size_t hi)
{
    unsigned char c = (unsigned char)f[p];
    if (!dw->first[c] || (p > 0 && alnum((unsigned char)f[p - 1])))
        return false;
    unsigned bit = pair_bit(c, p + 1 < hi ? (unsigned char)f[p + 1] : 0);
    return dw->pairs[bit >> 6] & (1ULL << (bit & 63));
}

/* Words are short: a byte loop beats a call to memcmp */
static bool word_matches(const char *f, size_t p, const char *word, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (f[p + i] != word[i])
            return false;
    return true;
}

static bool word_at(const char *f, size_t p, size_t hi, const struct word_list *l)
{
    unsigned char c = (unsigned char)f[p];
    for (unsigned w = l->bucket[c]; w < l->bucket[c + 1]; w++) {
        size_t n = l->lens[w];
        if (p + n <= hi && word_matches(f, p, l->words[w], n) && (p + n == hi || !alnum((unsigned char)f[p + n])))
            return true;
    }
    return false;
}

static unsigned search(const struct detector_words *dw, const char *f, size_t lo, size_t hi, unsigned want)
{
    unsigned found = 0;
    for (size_t p = lo; p < hi && found != want; p++) {
        if (!word_may_start(dw, f, p, hi))
            continue;
        if ((want & ~found & PD_HOT_CONTEXT) && word_at(f, p, hi, &dw->context))
            found |= PD_HOT_CONTEXT;
        if ((want & ~found & PD_HOT_ANTI) && word_at(f, p, hi, &dw->anti))
            found |= PD_HOT_ANTI;
    }
    return found;
}

static int on_word(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *arg)
{
    (void)from;
    (void)flags;
    struct pd_hotword_marks *m = arg;
    size_t n = m->h->all.words.lens[id], start = (size_t)to - n;
    if (start > 0 && alnum((unsigned char)m->text[start - 1])) /* inside a word */
        return 0;
    if (m->count == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 1024;
        struct mark *nm = realloc(m->marks, ncap * sizeof *nm);
        if (!nm)
            return 1;
        m->marks = nm;
        m->cap = ncap;
    }
    m->marks[m->count++] =
        (struct mark){(uint32_t)to, (uint16_t)id, (uint8_t)n, to == m->len || !alnum((unsigned char)m->text[to])};
    return 0;
}

/* Every word of the dictionary at a word start in the text, by end. false: out of memory. */
static bool build_marks(struct pd_hotword_marks *m, const char *f, size_t len)
{
    m->count = m->cursor = 0;
    m->text = f;
    m->len = len;
    if (!m->h->all.db)
        return true;
    if (hs_scan(m->h->all.db, f, (unsigned)len, 0, m->scratch, on_word, m) != HS_SUCCESS)
        return false;
    for (size_t i = 1; i < m->count; i++) { /* already in order, but nothing promises it */
        struct mark k = m->marks[i];
        size_t j = i;
        for (; j > 0 && m->marks[j - 1].end > k.end; j--)
            m->marks[j] = m->marks[j - 1];
        m->marks[j] = k;
    }
    return true;
}

/* Values come in text order, so the first mark ending after lo is found from the last one. */
static unsigned lookup(const struct pd_hotwords *h, struct pd_hotword_marks *m, unsigned det, size_t lo, size_t hi,
                       unsigned want)
{
    size_t i = m->cursor;
    while (i > 0 && m->marks[i - 1].end > lo)
        i--;
    while (i < m->count && m->marks[i].end <= lo)
        i++;
    m->cursor = i;
    uint64_t bit = 1ULL << det;
    unsigned found = 0;
    for (; i < m->count && m->marks[i].end <= hi && found != want; i++) {
        const struct mark *k = &m->marks[i];
        if (k->end - k->len < lo || (!k->bounded && k->end != hi))
            continue;
        if ((want & PD_HOT_CONTEXT) && (h->all.context_of[k->word] & bit))
            found |= PD_HOT_CONTEXT;
        if ((want & PD_HOT_ANTI) && (h->all.anti_of[k->word] & bit))
            found |= PD_HOT_ANTI;
    }
    return found;
}

unsigned pd_hotwords_find(const struct pd_hotwords *h, struct pd_hotword_marks *m, unsigned det, const char *text,
                          size_t len, size_t lo, size_t hi, unsigned want)
{
    if (!want || lo >= hi)
        return 0;
    if (!m->ready && !m->failed) {
        m->searched += hi - lo;
        /* an eighth: CSV 5% faster than at a half; a 32nd built the index for prose too (+8%) */
        if (m->searched > len / 8 && len <= UINT32_MAX) {
            m->ready = build_marks(m, text, len);
            m->failed = !m->ready;
        }
    }
    if (m->ready)
        return lookup(h, m, det, lo, hi, want);
    return search(&h->dets[det], text, lo, hi, want);
}

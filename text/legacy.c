/* The legacy Vietnamese 8-bit encodings (TCVN3, VISCII, CP1258, VNI), the same text shown as
 * Windows-1252 and saved as UTF-8 (what catdoc prints for .VnTime text), how each is guessed
 * from a sample, and the encodings that Word fonts imply. */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/text-int.h"

/* Legacy 8-bit encodings: each byte decodes to at most two code points, looked up in tables
 * that glibc's iconv fills once (its converters know TCVN5712-1, VISCII and CP1258). */
#define LEGACY_COUNT 4 /* TCVN3, VISCII, CP1258 from iconv; VNI from vni_marks below */
struct legacy_table {
    unsigned char len[256];
    unsigned char utf8[256][8];
};
static struct legacy_table legacy[LEGACY_COUNT];
static struct legacy_table as_windows1252; /* bytes as the characters they show in Windows-1252 */
static bool legacy_ok[LEGACY_COUNT];
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

/* VNI Windows, written from the encoding's public description: CP1252 except for the bytes that
 * follow a base letter as marks, or stand for ơ ư đ and a few i/y forms. Marks decode to combining
 * characters, which NFC and folding treat like precomposed letters. */
static const struct {
    unsigned char byte;
    int32_t cps[2];
} vni_marks[] = {
    {0xF9, {0x301}}, {0xF8, {0x300}}, {0xFB, {0x309}}, {0xF5, {0x303}}, {0xEF, {0x323}},   /* tones */
    {0xE2, {0x302}}, {0xEA, {0x306}},                                                     /* â ê, ă */
    {0xE1, {0x302, 0x301}}, {0xE0, {0x302, 0x300}}, {0xE5, {0x302, 0x309}}, {0xE3, {0x302, 0x303}},
    {0xE4, {0x302, 0x323}}, {0xE9, {0x306, 0x301}}, {0xE8, {0x306, 0x300}}, {0xFA, {0x306, 0x309}},
    {0xFC, {0x306, 0x303}}, {0xEB, {0x306, 0x323}},
    {0xF4, {0x1A1}}, {0xF6, {0x1B0}}, {0xF1, {0x111}}, {0xED, {0xED}}, {0xEC, {0xEC}}, {0xE6, {0x1EC9}},
    {0xF3, {0x129}}, {0xF2, {0x1ECB}}, {0xEE, {0x1EF5}},
    /* the same in upper case */
    {0xD9, {0x301}}, {0xD8, {0x300}}, {0xDB, {0x309}}, {0xD5, {0x303}}, {0xCF, {0x323}}, {0xC2, {0x302}},
    {0xCA, {0x306}}, {0xC1, {0x302, 0x301}}, {0xC0, {0x302, 0x300}}, {0xC5, {0x302, 0x309}},
    {0xC3, {0x302, 0x303}}, {0xC4, {0x302, 0x323}}, {0xC9, {0x306, 0x301}}, {0xC8, {0x306, 0x300}},
    {0xDA, {0x306, 0x309}}, {0xDC, {0x306, 0x303}}, {0xCB, {0x306, 0x323}}, {0xD4, {0x1A0}}, {0xD6, {0x1AF}},
    {0xD1, {0x110}}, {0xCD, {0xCD}}, {0xCC, {0xCC}}, {0xC6, {0x1EC8}}, {0xD3, {0x128}}, {0xD2, {0x1ECA}},
    {0xCE, {0x1EF4}},
};

static void legacy_build(void)
{
    static const char *const names[LEGACY_COUNT] = {"TCVN5712-1", "VISCII", "CP1258", "CP1252"};
    for (int e = 0; e < LEGACY_COUNT; e++) {
        iconv_t cd = iconv_open("UTF-8", names[e]);
        if (cd == (iconv_t)-1)
            continue;
        legacy_ok[e] = true;
        for (int b = 0; b < 256; b++) {
            char in = (char)b, *ip = &in, *op = (char *)legacy[e].utf8[b];
            size_t il = 1, ol = sizeof legacy[e].utf8[b];
            iconv(cd, NULL, NULL, NULL, NULL);
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL) {
                memcpy(legacy[e].utf8[b], "\xEF\xBF\xBD", 3); /* a byte the charset leaves undefined */
                legacy[e].len[b] = 3;
                continue;
            }
            iconv(cd, NULL, NULL, &op, &ol); /* flush a base letter held back for a combining mark */
            legacy[e].len[b] = (unsigned char)(sizeof legacy[e].utf8[b] - ol);
        }
        iconv_close(cd);
    }
    if (legacy_ok[3])
        as_windows1252 = legacy[3]; /* the CP1252 table, before VNI's marks go in */
    struct legacy_table *vni = &legacy[3];
    for (size_t i = 0; legacy_ok[3] && i < sizeof vni_marks / sizeof vni_marks[0]; i++) {
        unsigned char *out = vni->utf8[vni_marks[i].byte];
        size_t n = pd_utf8_encode(vni_marks[i].cps[0], out);
        if (vni_marks[i].cps[1])
            n += pd_utf8_encode(vni_marks[i].cps[1], out + n);
        vni->len[vni_marks[i].byte] = (unsigned char)n;
    }
}

static enum pd_error decode_legacy(struct pd_text *t, int which)
{
    if (!legacy_ok[which])
        return PD_ERR_PLATFORM;
    /* a byte decodes to at most two code points of three bytes */
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 6 + 8, t->max_bytes);
    if (err)
        return err;
    const struct legacy_table *tb = &legacy[which];
    size_t o = 0;
    for (size_t i = 0; i < t->raw_len; i++)
        pd_text_put(t, &o, tb->utf8[t->raw[i]], tb->len[t->raw[i]], i);
    return pd_text_decoded(t, o);
}

/* True if a folded lower-case word has the shape of a Vietnamese syllable: initial consonants,
 * one vowel cluster, an allowed final. Wrong decodings of legacy text break this shape. */
static bool syllable_shape(const char *w, size_t n)
{
    static const char *const initials[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c",
                                           "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""};
    static const char *const clusters[] = {"a", "ai", "ao", "au", "ay", "e", "eo", "eu", "i", "ia", "iu", "ie", "ieu",
                                           "o", "oa", "oai", "oao", "oay", "oe", "oeo", "oi", "oo", "u", "ua", "uay",
                                           "ue", "ui", "uo", "uoi", "uou", "uu", "uy", "uya", "uye", "uyu", "y", "ye",
                                           "yeu", "uai", "uao", "ua", NULL};
    static const char *const finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t", NULL};
    size_t i = 0;
    for (int k = 0; initials[k]; k++) {
        size_t l = strlen(initials[k]);
        if (l <= n && memcmp(w, initials[k], l) == 0) {
            i = l;
            break;
        }
    }
    size_t v = i;
    while (v < n && strchr("aeiouy", w[v]))
        v++;
    if (v == i)
        return false;
    bool cluster = false;
    for (int k = 0; clusters[k] && !cluster; k++)
        cluster = strlen(clusters[k]) == v - i && memcmp(w + i, clusters[k], v - i) == 0;
    for (int k = 0; finals[k] && cluster; k++)
        if (strlen(finals[k]) == n - v && memcmp(w + v, finals[k], n - v) == 0)
            return true;
    return false;
}

/* Scores a legacy decoding of a sample: words holding a non-ASCII letter count +1 when they read
 * as a Vietnamese syllable with consistent case, -3 when they do not. */
static long legacy_score(const unsigned char *p, size_t len, const struct legacy_table *tb)
{
    long score = 0;
    size_t i = 0;
    while (i < len) {
        char word[32];
        size_t n = 0;
        bool high = false, upper_seen = false, lower_after_first = false, case_flip = false, other = false;
        for (; i < len; i++) {
            const unsigned char *u = tb->utf8[p[i]];
            size_t ul = tb->len[p[i]], k = 0;
            bool letter_byte = false;
            while (k < ul) {
                int32_t cp;
                size_t m = pd_utf8_decode(u + k, ul - k, &cp);
                if (!m)
                    break;
                k += m;
                if (cp >= 0x300 && cp <= 0x36F) { /* combining marks belong to the letter before */
                    letter_byte = n > 0;
                    continue;
                }
                if (!utf8proc_isupper(cp) && !utf8proc_islower(cp) && !(cp == 0x111 || cp == 0x110))
                    continue;
                letter_byte = true;
                bool up = utf8proc_isupper(cp) || cp == 0x110;
                if (up && n > 0 && lower_after_first)
                    case_flip = true;
                if (!up && n > 0)
                    lower_after_first = true;
                upper_seen |= up;
                const struct pd_fold_entry *fe = cp < PD_FOLD_TABLE_SIZE ? &pd_fold_table[cp] : NULL;
                if (fe && fe->len == 1 && fe->bytes[0] >= 'a' && fe->bytes[0] <= 'z' && n < sizeof word)
                    word[n++] = (char)fe->bytes[0];
                else
                    other = true;
            }
            if (!letter_byte)
                break;
            high |= p[i] >= 0x80 || ul != 1;
        }
        i++;
        if (!high || n == 0)
            continue;
        score += !case_flip && !other && syllable_shape(word, n) ? 1 : -3;
    }
    return score;
}

/* The Windows-1252 byte a character stands for, or -1: how legacy bytes survive as Unicode. */
static int cp1252_byte(int32_t cp)
{
    static const uint16_t high[32] = {0x20AC, 0, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
                                      0x2039, 0x152, 0, 0x17D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
                                      0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0, 0x17E, 0x178};
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return cp;
    if (cp < 0x152 || cp > 0x2122 || (cp > 0x192 && cp < 0x2C6) || (cp > 0x2DC && cp < 0x2013))
        return -1; /* outside the table's range: ă, đ, ơ, ư and the letters from U+1EA0 among them */
    for (int i = 0; i < 32; i++)
        if (high[i] && high[i] == cp)
            return 0x80 + i;
    return -1;
}

/* Legacy text that went through a Windows-1252 view and was saved as UTF-8 (catdoc's output for
 * .VnTime text): nearly all non-ASCII characters lie in the Latin-1 range, and their bytes read as
 * TCVN3 or VNI syllables. Real Vietnamese UTF-8 has letters above U+00FF and never qualifies. */
static bool guess_legacy_in_utf8(const unsigned char *p, size_t len, enum pd_encoding *enc)
{
    unsigned char *bytes = malloc(len ? len : 1);
    if (!bytes)
        return false;
    size_t i = 0, n = 0, latin = 0, other = 0;
    while (i < len) {
        int32_t cp;
        size_t k = pd_utf8_decode(p + i, len - i, &cp);
        if (!k)
            break;
        i += k;
        int b = cp1252_byte(cp);
        if (cp >= 0x80)
            b >= 0 ? latin++ : other++;
        bytes[n++] = (unsigned char)(b >= 0 ? b : '?');
    }
    bool found = false;
    if (latin >= 3 && other * 10 <= latin) {
        pthread_once(&legacy_once, legacy_build);
        long tcvn = legacy_ok[0] ? legacy_score(bytes, n, &legacy[0]) : 0;
        long vni = legacy_ok[3] ? legacy_score(bytes, n, &legacy[3]) : 0;
        long best = tcvn > vni ? tcvn : vni;
        /* "Tôn giáo" is real UTF-8 whose letters happen to be Latin-1: it reads as Vietnamese as
         * it is, so the re-decoding must read clearly better than the text itself */
        long as_is = legacy_ok[3] ? legacy_score(bytes, n, &as_windows1252) : 0;
        if (best > 0 && best * 4 >= (long)latin && best >= as_is + 3 && (as_is <= 0 || best >= 2 * as_is)) {
            *enc = tcvn >= vni ? PD_ENC_TCVN3_IN_UTF8 : PD_ENC_VNI_IN_UTF8;
            found = true;
        }
    }
    free(bytes);
    return found;
}

bool pd_text_guess_legacy(const unsigned char *p, size_t len, enum pd_encoding *enc)
{
    size_t i = 0, high = 0, good = 0, bad = 0;
    /* characters Windows-1252 has and characters it lacks, up to the first invalid sequence:
     * guess_legacy_in_utf8() reads no further, and real Vietnamese lacks most */
    size_t latin = 0, other = 0;
    int32_t cp;
    while (i < len) {
        if (p[i] < 0x80) { /* the ASCII up to the next high byte, eight bytes at a time */
            uint64_t w;
            if (i + 8 <= len && (memcpy(&w, p + i, 8), true))
                i += pd_ascii_prefix(w & 0x8080808080808080ULL);
            else
                i++;
            continue;
        }
        high++;
        unsigned char c0 = p[i];
        /* three-byte characters Windows-1252 lacks, Vietnamese letters among them, counted without a
         * decode (E2 holds the Windows-1252 punctuation, ED the surrogates) */
        if (c0 >= 0xE1 && c0 <= 0xEF && c0 != 0xE2 && c0 != 0xED && i + 2 < len && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80) {
            good++;
            other += !bad;
            i += 3;
            continue;
        }
        size_t k = pd_utf8_decode(p + i, len - i, &cp);
        if (k) {
            good++;
            if (!bad)
                cp1252_byte(cp) >= 0 ? latin++ : other++;
            i += k;
        } else if (len - i < 4 && (p[i] & 0xC0) == 0xC0) {
            break; /* a sample cut inside a character says nothing */
        } else {
            bad++;
            i++;
        }
    }
    /* UTF-8 with a few damaged bytes stays UTF-8 (they are repaired); legacy text has no valid
     * multi-byte sequences to speak of */
    if (bad < 3 || good >= bad)
        return latin >= 3 && other * 10 <= latin && guess_legacy_in_utf8(p, len, enc);
    pthread_once(&legacy_once, legacy_build);
    static const enum pd_encoding encs[LEGACY_COUNT] = {PD_ENC_TCVN3, PD_ENC_VISCII, PD_ENC_CP1258, PD_ENC_VNI};
    long best = 0;
    int pick = -1;
    for (int e = 0; e < LEGACY_COUNT; e++) {
        if (!legacy_ok[e])
            continue;
        long score = legacy_score(p, len, &legacy[e]);
        if (score > best) {
            best = score;
            pick = e;
        }
    }
    if (pick < 0 || best * 4 < (long)high) /* most words with high bytes must read as Vietnamese */
        return false;
    *enc = encs[pick];
    return true;
}

static int legacy_index(enum pd_encoding enc)
{
    switch (enc) {
    case PD_ENC_TCVN3:
    case PD_ENC_TCVN3_IN_UTF8: return 0;
    case PD_ENC_VISCII: return 1;
    case PD_ENC_CP1258: return 2;
    default: return 3;
    }
}

size_t pd_text_redecode(enum pd_encoding enc, const char *utf8, size_t n, char *out, size_t cap)
{
    pthread_once(&legacy_once, legacy_build);
    const struct legacy_table *tb = &legacy[legacy_index(enc)];
    const unsigned char *p = (const unsigned char *)utf8;
    size_t i = 0, o = 0;
    if (!cap)
        return 0;
    while (i < n) {
        int32_t cp;
        size_t k = pd_utf8_decode(p + i, n - i, &cp);
        if (!k) {
            cp = 0xFFFD;
            k = 1;
        }
        int b = cp1252_byte(cp);
        const unsigned char *src = b >= 0 ? tb->utf8[b] : p + i;
        size_t len = b >= 0 ? tb->len[b] : k;
        if (o + len >= cap)
            break;
        memcpy(out + o, src, len);
        o += len;
        i += k;
    }
    out[o] = '\0';
    return o;
}

/* Decodes a window of legacy-in-UTF-8 text with a map back to the raw bytes. */
static enum pd_error decode_redecoded(struct pd_text *t)
{
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 6 + 8, t->max_bytes);
    if (err)
        return err;
    const struct legacy_table *tb = &legacy[legacy_index(t->legacy_enc)];
    size_t i = 0, o = 0;
    while (i < t->raw_len) {
        int32_t cp;
        size_t k = pd_utf8_decode(t->raw + i, t->raw_len - i, &cp);
        if (!k) {
            cp = 0xFFFD;
            k = 1;
        }
        int b = cp1252_byte(cp);
        const unsigned char *src = b >= 0 ? tb->utf8[b] : (const unsigned char *)"\xEF\xBF\xBD";
        size_t len = b >= 0 ? tb->len[b] : 3;
        if (b < 0 && pd_utf8_decode(t->raw + i, t->raw_len - i, &cp)) {
            src = t->raw + i; /* a character no legacy byte stands for stays itself */
            len = k;
        }
        pd_text_put(t, &o, src, len, i);
        i += k;
    }
    return pd_text_decoded(t, o);
}

bool pd_text_font_encoding(const char *font, enum pd_encoding *enc)
{
    if (strncmp(font, ".Vn", 3) == 0 || strncmp(font, ".VN", 3) == 0) {
        *enc = PD_ENC_TCVN3;
        return true;
    }
    if (strncasecmp(font, "VNI-", 4) == 0 || strncasecmp(font, "VNI ", 4) == 0) {
        *enc = PD_ENC_VNI;
        return true;
    }
    if (strncasecmp(font, "VISCII", 6) == 0 || strncmp(font, "VPS ", 4) == 0) {
        *enc = PD_ENC_VISCII;
        return true;
    }
    return false;
}

enum pd_error pd_text_decode_legacy(struct pd_text *t, enum pd_encoding enc)
{
    pthread_once(&legacy_once, legacy_build);
    if (enc == PD_ENC_TCVN3_IN_UTF8 || enc == PD_ENC_VNI_IN_UTF8) {
        t->legacy_enc = enc;
        return decode_redecoded(t);
    }
    return decode_legacy(t, legacy_index(enc));
}

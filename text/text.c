/* Text views: UTF-8 validation and repair, UTF-16 decoding, folding, offset maps, NFC of spans. */
#include "text/text.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define FOLD_TABLE_SIZE 0x2200 /* Latin, Greek, Cyrillic, Vietnamese, punctuation, letterlike symbols */
#define FOLD_MAX_OUT 15
#define DEFAULT_MAX_BYTES ((size_t)64 << 20)

struct fold_entry {
    unsigned char len;
    unsigned char bytes[FOLD_MAX_OUT];
};

static struct fold_entry fold_table[FOLD_TABLE_SIZE];
/* The fold of each code point when it is one byte other than NUL, else 0: the common case
 * (Vietnamese letters) in a table a sixteenth the size, which stays in the first-level cache. */
static unsigned char fold_single[FOLD_TABLE_SIZE];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

const char *pd_encoding_name(enum pd_encoding enc)
{
    switch (enc) {
    case PD_ENC_UTF8: return "utf-8";
    case PD_ENC_UTF16LE: return "utf-16le";
    case PD_ENC_UTF16BE: return "utf-16be";
    case PD_ENC_TCVN3: return "tcvn3";
    case PD_ENC_VISCII: return "viscii";
    case PD_ENC_CP1258: return "cp1258";
    case PD_ENC_VNI: return "vni";
    case PD_ENC_VIQR: return "viqr";
    case PD_ENC_TCVN3_IN_UTF8: return "tcvn3-in-utf8";
    case PD_ENC_VNI_IN_UTF8: return "vni-in-utf8";
    }
    return "unknown";
}

unsigned pd_encoding_unit(enum pd_encoding enc) { return enc == PD_ENC_UTF16LE || enc == PD_ENC_UTF16BE ? 2 : 1; }



static size_t encode_utf8(int32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Folds one code point: NFKD, case fold, marks and ignorables removed, đ/ð -> d, U+FFFD -> space
 * (so that repaired binary stays one byte per bad byte). Writes at most FOLD_MAX_OUT bytes. */
static size_t fold_codepoint_slow(int32_t cp, unsigned char *out)
{
    if (cp == 0x111 || cp == 0x110 || cp == 0xF0 || cp == 0xD0 || cp == 0x189) {
        out[0] = 'd';
        return 1;
    }
    if (cp == 0xFFFD) {
        out[0] = ' ';
        return 1;
    }
    utf8proc_int32_t parts[8];
    int last_bound = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, parts, 8,
        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
        &last_bound);
    if (n < 0 || n > 8) /* unassigned or too long an expansion: keep the character itself */
        return encode_utf8(cp, out);
    size_t len = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int32_t p = parts[i];
        if (p == 0x111 || p == 0xF0)
            p = 'd';
        unsigned char tmp[4];
        size_t k = encode_utf8(p, tmp);
        if (len + k > FOLD_MAX_OUT)
            break;
        memcpy(out + len, tmp, k);
        len += k;
    }
    return len;
}

static void fold_table_build(void)
{
    for (int32_t cp = 0; cp < FOLD_TABLE_SIZE; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        fold_table[cp].len = (unsigned char)fold_codepoint_slow(cp, fold_table[cp].bytes);
        if (fold_table[cp].len == 1)
            fold_single[cp] = fold_table[cp].bytes[0];
    }
}

void pd_text_init(struct pd_text *t, size_t max_bytes)
{
    memset(t, 0, sizeof *t);
    t->max_bytes = max_bytes ? max_bytes : DEFAULT_MAX_BYTES;
    pthread_once(&fold_once, fold_table_build);
}

void pd_text_release(struct pd_text *t)
{
    free(t->cells_buf);
    free(t->cells_map);
    free(t->utf8_buf);
    free(t->utf8_map);
    free(t->fold_buf);
    free(t->fold_map);
    memset(t, 0, sizeof *t);
}

/* Grows a byte buffer and its parallel offset map to at least need bytes, within max. */
static enum pd_error grow(char **buf, uint32_t **map, size_t *cap, size_t need, size_t max)
{
    if (need <= *cap)
        return PD_OK;
    if (need > max)
        return PD_ERR_LIMIT;
    size_t ncap = *cap ? *cap : 4096;
    while (ncap < need)
        ncap *= 2;
    if (ncap > max)
        ncap = max;
    char *nb = realloc(*buf, ncap);
    if (!nb)
        return PD_ERR_NOMEM;
    *buf = nb;
    uint32_t *nm = realloc(*map, ncap * sizeof **map);
    if (!nm)
        return PD_ERR_NOMEM;
    *map = nm;
    *cap = ncap;
    return PD_OK;
}

/* Decodes one UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or values past U+10FFFF).
 * Returns its length, or 0 if the byte at p does not start a valid sequence. */
static size_t utf8_decode(const unsigned char *p, size_t avail, int32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        *cp = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        *cp = ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* A sequence cut short by the end of the buffer: a window boundary, which the next (overlapping)
 * window reads whole, rather than invalid input. (Continuation bytes that open a window are the
 * other half of such a cut.) */
static bool cut_at_end(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (need == 0 || avail >= need)
        return false;
    for (size_t j = 1; j < avail; j++)
        if ((p[j] & 0xC0) != 0x80)
            return false;
    return true;
}

static const unsigned char ascii_lower[128] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,  19,  20,  21,
    22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+',
    ',', '-', '.', '/', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', '@', 'a',
    'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
    'x', 'y', 'z', '[', '\\', ']', '^', '_', '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
    'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 127,
};

/* How many bytes of a little-endian word come before the first with bit 7 set (given as high). */
static size_t ascii_prefix(uint64_t high)
{
    if (!high)
        return 8;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(high) / 8;
#else
    unsigned char bytes[8];
    memcpy(bytes, &high, 8);
    size_t k = 0;
    while (!bytes[k])
        k++;
    return k;
#endif
}

static bool all_ascii(const unsigned char *p, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL)
            return false;
    }
    for (; i < len; i++)
        if (p[i] & 0x80)
            return false;
    return true;
}

/* Appends decoded bytes to the UTF-8 view, each mapped to the raw offset they came from. The
 * caller reserved room (every decoder bounds its expansion before it starts). */
static void put_mapped(struct pd_text *t, size_t *o, const unsigned char *bytes, size_t n, size_t raw_off)
{
    for (size_t j = 0; j < n; j++) {
        t->utf8_buf[*o] = (char)bytes[j];
        t->utf8_map[(*o)++] = (uint32_t)raw_off;
    }
}

static void put_codepoint(struct pd_text *t, size_t *o, int32_t cp, size_t raw_off)
{
    unsigned char tmp[4];
    put_mapped(t, o, tmp, encode_utf8(cp, tmp), raw_off);
}

/* Makes the decoded buffer the UTF-8 view. */
static enum pd_error decoded(struct pd_text *t, size_t len)
{
    t->utf8 = t->utf8_buf;
    t->utf8_len = len;
    t->utf8_raw = t->utf8_map;
    return PD_OK;
}

/* Writes repaired UTF-8 (bad bytes -> U+FFFD) into utf8_buf with a map to raw offsets. */
static enum pd_error decode_utf8_repair(struct pd_text *t)
{
    enum pd_error err = grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 3 + 4, t->max_bytes);
    if (err)
        return err;
    size_t o = 0, i = 0;
    int32_t cp;
    while (i < t->raw_len) {
        size_t k = t->raw[i] < 0x80 ? 1 : utf8_decode(t->raw + i, t->raw_len - i, &cp);
        if (k) {
            put_mapped(t, &o, t->raw + i, k, i);
            i += k;
        } else {
            put_codepoint(t, &o, 0xFFFD, i);
            i++;
            t->repaired = true;
        }
    }
    return decoded(t, o);
}

static enum pd_error decode_utf16(struct pd_text *t, bool big_endian)
{
    enum pd_error err = grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 2 + 8, t->max_bytes);
    if (err)
        return err;
    size_t o = 0, i = 0;
    while (i + 1 < t->raw_len) {
        uint32_t u = big_endian ? (uint32_t)(t->raw[i] << 8 | t->raw[i + 1])
                                : (uint32_t)(t->raw[i + 1] << 8 | t->raw[i]);
        size_t used = 2;
        int32_t cp = (int32_t)u;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < t->raw_len) {
            uint32_t lo = big_endian ? (uint32_t)(t->raw[i + 2] << 8 | t->raw[i + 3])
                                     : (uint32_t)(t->raw[i + 3] << 8 | t->raw[i + 2]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = (int32_t)(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                used = 4;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
            t->repaired = true;
        }
        put_codepoint(t, &o, cp, i);
        i += used;
    }
    return decoded(t, o);
}

/* Folds t->utf8 into the fold view. With stop_on_invalid, returns PD_ERR_FORMAT at the first
 * invalid sequence so that the caller can repair first (valid input is then decoded only once).
 * A hot loop over every byte of text, kept in one piece so that its state stays in registers. */
static enum pd_error fold_utf8_view(struct pd_text *t, bool stop_on_invalid)
{
    const unsigned char *in = (const unsigned char *)t->utf8;
    size_t n = t->utf8_len, o = 0, i = 0;
    /* Room is kept for the rest of the input at one byte per byte plus one character's worst
     * case, so that only characters that fold longer than they are need a check. */
    enum pd_error err = grow(&t->fold_buf, &t->fold_map, &t->fold_cap, n + FOLD_MAX_OUT + 1, t->max_bytes);
    if (err)
        return err;
    char *out = t->fold_buf;
    uint32_t *map = t->fold_map;
    /* a window that begins inside a character: its tail was read whole by the previous window */
    while (stop_on_invalid && i < n && i < 3 && (in[i] & 0xC0) == 0x80)
        i++;
    while (i < n) {
        if (in[i] < 0x80) { /* ASCII: one byte each, within the room kept */
            if (i + 8 <= n) {
                /* Eight bytes at once, kept up to the first non-ASCII one: Vietnamese puts one
                 * every few letters. Bit 7 of each byte set for 'A'..'Z' gives its 0x20; a byte
                 * past the ASCII ones can carry into the next, which is dropped too. */
                uint64_t w;
                memcpy(&w, in + i, 8);
                uint64_t high = w & 0x8080808080808080ULL;
                uint64_t upper = (w + 0x3F3F3F3F3F3F3F3FULL) & ~(w + 0x2525252525252525ULL) & 0x8080808080808080ULL;
                w |= upper >> 2;
                memcpy(out + o, &w, 8); /* the room kept holds all eight */
                for (unsigned j = 0; j < 8; j++)
                    map[o + j] = (uint32_t)(i + j);
                size_t run = ascii_prefix(high);
                o += run;
                i += run;
                continue;
            }
            for (unsigned char c; i < n && (c = in[i]) < 0x80; i++, o++) {
                out[o] = (char)ascii_lower[c];
                map[o] = (uint32_t)i;
            }
            continue;
        }
        int32_t cp;
        size_t k;
        unsigned char c0 = in[i];
        if (c0 >= 0xC2 && c0 <= 0xDF && i + 1 < n && (in[i + 1] & 0xC0) == 0x80) { /* Latin accents */
            cp = ((c0 & 0x1F) << 6) | (in[i + 1] & 0x3F);
            k = 2;
        } else if (c0 >= 0xE1 && c0 <= 0xEC && i + 2 < n && (in[i + 1] & 0xC0) == 0x80 &&
                   (in[i + 2] & 0xC0) == 0x80) { /* Vietnamese (U+1EA0..), punctuation */
            cp = ((c0 & 0x0F) << 12) | ((in[i + 1] & 0x3F) << 6) | (in[i + 2] & 0x3F);
            k = 3;
        } else {
            k = utf8_decode(in + i, n - i, &cp);
        }
        if (!k) {
            if (stop_on_invalid && cut_at_end(in + i, n - i)) {
                t->utf8_len = i; /* the views end before the cut character */
                break;
            }
            if (stop_on_invalid)
                return PD_ERR_FORMAT;
            cp = 0xFFFD; /* cannot happen on a repaired view; stay safe */
            k = 1;
        }
        if (cp < FOLD_TABLE_SIZE && fold_single[cp]) { /* most accented letters */
            out[o] = (char)fold_single[cp];
            map[o++] = (uint32_t)i;
            i += k;
            continue;
        }
        unsigned char tmp[FOLD_MAX_OUT];
        const unsigned char *src;
        size_t len;
        if (cp < FOLD_TABLE_SIZE) {
            src = fold_table[cp].bytes;
            len = fold_table[cp].len;
        } else {
            len = fold_codepoint_slow(cp, tmp);
            src = tmp;
        }
        if (len == 1) { /* most accented letters */
            out[o] = (char)src[0];
            map[o++] = (uint32_t)i;
            i += k;
            continue;
        }
        if (len > k && o + len + (n - i - k) + FOLD_MAX_OUT + 1 > t->fold_cap) {
            err = grow(&t->fold_buf, &t->fold_map, &t->fold_cap, o + len + (n - i - k) + FOLD_MAX_OUT + 1,
                       t->max_bytes);
            if (err) {
                t->fold = t->fold_buf;
                t->fold_len = o;
                t->fold_utf8 = t->fold_map;
                return err;
            }
            out = t->fold_buf;
            map = t->fold_map;
        }
        for (size_t j = 0; j < len; j++) {
            out[o + j] = (char)src[j];
            map[o + j] = (uint32_t)i;
        }
        o += len;
        i += k;
    }
    t->fold = t->fold_buf;
    t->fold_len = o;
    t->fold_utf8 = t->fold_map;
    return PD_OK;
}

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
        size_t n = encode_utf8(vni_marks[i].cps[0], out);
        if (vni_marks[i].cps[1])
            n += encode_utf8(vni_marks[i].cps[1], out + n);
        vni->len[vni_marks[i].byte] = (unsigned char)n;
    }
}

static enum pd_error decode_legacy(struct pd_text *t, int which)
{
    pthread_once(&legacy_once, legacy_build);
    if (!legacy_ok[which])
        return PD_ERR_PLATFORM;
    /* a byte decodes to at most two code points of three bytes */
    enum pd_error err = grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 6 + 8, t->max_bytes);
    if (err)
        return err;
    const struct legacy_table *tb = &legacy[which];
    size_t o = 0;
    for (size_t i = 0; i < t->raw_len; i++)
        put_mapped(t, &o, tb->utf8[t->raw[i]], tb->len[t->raw[i]], i);
    return decoded(t, o);
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
                size_t m = utf8_decode(u + k, ul - k, &cp);
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
                const struct fold_entry *fe = cp < FOLD_TABLE_SIZE ? &fold_table[cp] : NULL;
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
        size_t k = utf8_decode(p + i, len - i, &cp);
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
                i += ascii_prefix(w & 0x8080808080808080ULL);
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
        size_t k = utf8_decode(p + i, len - i, &cp);
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
        size_t k = utf8_decode(p + i, n - i, &cp);
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
    enum pd_error err = grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 6 + 8, t->max_bytes);
    if (err)
        return err;
    const struct legacy_table *tb = &legacy[legacy_index(t->legacy_enc)];
    size_t i = 0, o = 0;
    while (i < t->raw_len) {
        int32_t cp;
        size_t k = utf8_decode(t->raw + i, t->raw_len - i, &cp);
        if (!k) {
            cp = 0xFFFD;
            k = 1;
        }
        int b = cp1252_byte(cp);
        const unsigned char *src = b >= 0 ? tb->utf8[b] : (const unsigned char *)"\xEF\xBF\xBD";
        size_t len = b >= 0 ? tb->len[b] : 3;
        if (b < 0 && utf8_decode(t->raw + i, t->raw_len - i, &cp)) {
            src = t->raw + i; /* a character no legacy byte stands for stays itself */
            len = k;
        }
        put_mapped(t, &o, src, len, i);
        i += k;
    }
    return decoded(t, o);
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

/* VIQR (RFC 1456): a vowel may be followed by a shape mark (^ circumflex, ( breve, + horn) and a
 * tone mark (' acute, ` grave, ? hook, ~ tilde, . dot below); "dd" is đ. Marks decode to
 * combining characters; a mark not after a vowel is plain punctuation. */
static int32_t viqr_mark(unsigned char c, bool shape)
{
    if (shape)
        return c == '^' ? 0x302 : c == '(' ? 0x306 : c == '+' ? 0x31B : 0;
    return c == '\'' ? 0x301 : c == '`' ? 0x300 : c == '?' ? 0x309 : c == '~' ? 0x303 : c == '.' ? 0x323 : 0;
}

static bool viqr_vowel(unsigned char c)
{
    switch (c | 0x20) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return true;
    default: return false;
    }
}

static enum pd_error decode_viqr(struct pd_text *t)
{
    enum pd_error err = grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 2 + 8, t->max_bytes);
    if (err)
        return err;
    size_t o = 0;
    for (size_t i = 0; i < t->raw_len; i++) {
        unsigned char c = t->raw[i];
        if ((c == 'd' || c == 'D') && i + 1 < t->raw_len && (t->raw[i + 1] == 'd' || t->raw[i + 1] == 'D') &&
            (i == 0 || !isalpha(t->raw[i - 1]))) {
            put_codepoint(t, &o, c == 'D' ? 0x110 : 0x111, i);
            i++;
            continue;
        }
        put_mapped(t, &o, &c, 1, i);
        if (!viqr_vowel(c))
            continue;
        /* a shape mark then a tone mark (RFC 1456: after a vowel they are diacritics; a writer
         * escapes a literal one with a backslash, which then stays as written) */
        for (int pass = 0; pass < 2 && i + 1 < t->raw_len; pass++) {
            int32_t m = viqr_mark(t->raw[i + 1], pass == 0);
            if (!m)
                continue;
            put_codepoint(t, &o, m, i + 1);
            i++;
        }
    }
    return decoded(t, o);
}

bool pd_text_guess_viqr(const unsigned char *p, size_t len, enum pd_encoding *enc)
{
    size_t hits = 0, shapes = 0;
    /* shape marks are rare in other text: memchr finds them faster than a test of every byte */
    for (const char *mark = "^(+"; *mark; mark++)
        for (const unsigned char *m = len > 2 ? memchr(p + 1, *mark, len - 2) : NULL; m;
             m = m + 1 < p + len - 1 ? memchr(m + 1, *mark, (size_t)(p + len - 1 - (m + 1))) : NULL)
            if (viqr_vowel(m[-1]) && (isalpha(m[1]) || viqr_mark(m[1], false))) {
                hits++;
                shapes += *mark != '+'; /* "a+b" is common in code; "e^n", "a(n" are not */
            }
    if (hits < 3 || shapes < 2 || hits * 400 < len) /* several per KiB: no accident in code or prose */
        return false;
    *enc = PD_ENC_VIQR;
    return true;
}

enum pd_error pd_text_build(struct pd_text *t, const unsigned char *raw, size_t len, enum pd_encoding enc)
{
    t->repaired = false;
    t->utf8_raw = NULL;
    t->fold_utf8 = NULL;
    t->cells_raw = NULL;
    t->given_len = len;
    if (len > UINT32_MAX / 4)
        return PD_ERR_LIMIT;
    enum pd_error err;
    if (t->columns && enc == PD_ENC_UTF8) {
        if ((err = grow(&t->cells_buf, &t->cells_map, &t->cells_cap, pd_columns_view_cap(len), t->max_bytes)) != PD_OK)
            return err;
        len = pd_columns_view(t->columns, raw, len, t->cells_buf, t->cells_map);
        raw = (const unsigned char *)t->cells_buf;
        t->cells_raw = t->cells_map;
    }
    t->raw = raw;
    t->raw_len = len;
    if (enc == PD_ENC_UTF8) {
        if (all_ascii(raw, len)) {
            /* fast path: ASCII folds byte for byte, both maps are the identity */
            err = grow(&t->fold_buf, &t->fold_map, &t->fold_cap, len + 1, t->max_bytes);
            if (err)
                return err;
            for (size_t i = 0; i < len; i++) {
                unsigned char c = raw[i];
                t->fold_buf[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            }
            t->utf8 = (const char *)raw;
            t->utf8_len = len;
            t->fold = t->fold_buf;
            t->fold_len = len;
            return PD_OK;
        }
        t->utf8 = (const char *)raw; /* optimistic: valid UTF-8 needs no copy and one decoding */
        t->utf8_len = len;
        err = fold_utf8_view(t, true);
        if (err != PD_ERR_FORMAT)
            return err;
        if ((err = decode_utf8_repair(t)) != PD_OK)
            return err;
    } else if (enc == PD_ENC_TCVN3 || enc == PD_ENC_VISCII || enc == PD_ENC_CP1258 || enc == PD_ENC_VNI) {
        if ((err = decode_legacy(t, legacy_index(enc))) != PD_OK)
            return err;
    } else if (enc == PD_ENC_VIQR) {
        if ((err = decode_viqr(t)) != PD_OK)
            return err;
    } else if (enc == PD_ENC_TCVN3_IN_UTF8 || enc == PD_ENC_VNI_IN_UTF8) {
        pthread_once(&legacy_once, legacy_build);
        t->legacy_enc = enc;
        if ((err = decode_redecoded(t)) != PD_OK)
            return err;
    } else if ((err = decode_utf16(t, enc == PD_ENC_UTF16BE)) != PD_OK) {
        return err;
    }
    return fold_utf8_view(t, false);
}

static size_t fold_to_utf8(const struct pd_text *t, size_t off)
{
    if (off >= t->fold_len)
        return t->utf8_len;
    return t->fold_utf8 ? t->fold_utf8[off] : off;
}

size_t pd_text_raw_offset(const struct pd_text *t, size_t fold_off)
{
    size_t u = fold_to_utf8(t, fold_off);
    size_t r = !t->utf8_raw ? u /* the UTF-8 view is the raw bytes, or a prefix of them */
                            : u >= t->utf8_len ? t->raw_len : t->utf8_raw[u];
    if (!t->cells_raw)
        return r;
    return r >= t->raw_len ? t->given_len : t->cells_raw[r];
}

/* True when valid UTF-8 p[0, n) is NFC as it stands: every character below U+0300 (no combining
 * marks, no singletons) or precomposed Latin Extended Additional (Vietnamese, U+1E00..U+1EFF).
 * Such text cannot compose further, so utf8proc (and its allocation) can be skipped. */
static bool plainly_nfc(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
        } else if (p[i] >= 0xC2 && p[i] <= 0xCB) {
            i += 2;
        } else if (p[i] == 0xE1 && i + 1 < n && p[i + 1] >= 0xB8 && p[i + 1] <= 0xBB) {
            i += 3;
        } else {
            return false;
        }
    }
    return true;
}

size_t pd_text_original(const struct pd_text *t, size_t start, size_t end, char *out, size_t cap)
{
    if (!cap)
        return 0;
    out[0] = '\0';
    size_t u0 = fold_to_utf8(t, start), u1 = fold_to_utf8(t, end);
    if (u1 <= u0)
        return 0;
    const unsigned char *src = (const unsigned char *)t->utf8 + u0;
    size_t n = u1 - u0;
    utf8proc_uint8_t *nfc = NULL;
    if (!plainly_nfc(src, n)) {
        utf8proc_ssize_t m = utf8proc_map(src, (utf8proc_ssize_t)n, &nfc, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (m < 0) {
            free(nfc);
            return 0;
        }
        src = nfc;
        n = (size_t)m;
    }
    size_t len = n < cap - 1 ? n : cap - 1;
    while (len > 0 && len < n && (src[len] & 0xC0) == 0x80)
        len--; /* never cut a multi-byte character in half */
    memcpy(out, src, len);
    out[len] = '\0';
    free(nfc);
    return len;
}

size_t pd_text_fold_string(const char *in, char *out, size_t cap)
{
    struct pd_text t;
    pd_text_init(&t, 0);
    size_t len = 0;
    if (cap && pd_text_build(&t, (const unsigned char *)in, strlen(in), PD_ENC_UTF8) == PD_OK) {
        len = t.fold_len < cap - 1 ? t.fold_len : cap - 1;
        memcpy(out, t.fold, len);
    }
    if (cap)
        out[len] = '\0';
    pd_text_release(&t);
    return len;
}

bool pd_text_guess_utf16(const unsigned char *p, size_t len, enum pd_encoding *enc)
{
    if (len > 4096)
        len = 4096;
    len &= ~(size_t)1;
    if (len < 16)
        return false;
    size_t even = 0, odd = 0, pairs = len / 2;
    for (size_t i = 0; i < len; i += 2) {
        even += p[i] == 0;
        odd += p[i + 1] == 0;
    }
    /* ASCII-range text in UTF-16 has a zero in the high byte of most units and almost never in the low */
    if (odd * 4 >= pairs && even * 50 <= pairs) {
        *enc = PD_ENC_UTF16LE;
        return true;
    }
    if (even * 4 >= pairs && odd * 50 <= pairs) {
        *enc = PD_ENC_UTF16BE;
        return true;
    }
    return false;
}

bool pd_text_starts_upper(const char *utf8)
{
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)utf8, -1, &cp) <= 0)
        return false;
    return utf8proc_isupper(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_LT;
}

bool pd_text_is_upper(const char *utf8)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)utf8;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;
    while (*p && (k = utf8proc_iterate(p, -1, &cp)) > 0) {
        if (utf8proc_islower(cp))
            return false;
        p += k;
    }
    return true;
}

size_t pd_text_upper(const char *in, char *out, size_t cap)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;
    size_t o = 0;
    if (!cap)
        return 0;
    while (*p && (k = utf8proc_iterate(p, -1, &cp)) > 0) {
        unsigned char tmp[4];
        size_t n = encode_utf8(utf8proc_toupper(cp), tmp);
        if (o + n >= cap)
            break;
        memcpy(out + o, tmp, n);
        o += n;
        p += k;
    }
    out[o] = '\0';
    return o;
}

size_t pd_text_repair_utf8(const char *in, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t n = strlen(in), i = 0, o = 0;
    int32_t cp;
    if (!cap)
        return 0;
    while (i < n) {
        if (p[i] < 0x80) {
            if (o + 1 >= cap)
                break;
            out[o++] = (char)p[i++];
            continue;
        }
        size_t k = utf8_decode(p + i, n - i, &cp);
        const unsigned char *src = p + i;
        static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};
        if (!k) {
            src = fffd;
            k = 3;
            i++;
        } else {
            i += k;
        }
        if (o + k >= cap)
            break;
        memcpy(out + o, src, k);
        o += k;
    }
    out[o] = '\0';
    return o;
}

const unsigned char pd_ascii_alnum[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,
    ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
};

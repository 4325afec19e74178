/* Internals shared by the text views' files: UTF-8 coding, the views' growable buffers, the fold
 * tables, and the decoders pd_text_build dispatches to. Small helpers are inline: the decoders
 * and the fold run them on every byte. */
#ifndef PD_TEXT_INT_H
#define PD_TEXT_INT_H

#include <string.h>

#include "text/text.h"

#define PD_FOLD_TABLE_SIZE 0x2200 /* Latin, Greek, Cyrillic, Vietnamese, punctuation, letterlike symbols */
#define PD_FOLD_MAX_OUT 15

struct pd_fold_entry {
    unsigned char len;
    unsigned char bytes[PD_FOLD_MAX_OUT];
};

/* The fold of every code point below PD_FOLD_TABLE_SIZE, and of each as one byte (0: not one
 * byte other than NUL), filled once by pd_fold_tables_init (fold.c). */
extern struct pd_fold_entry pd_fold_table[PD_FOLD_TABLE_SIZE];
extern unsigned char pd_fold_single[PD_FOLD_TABLE_SIZE];
void pd_fold_tables_init(void);
size_t pd_fold_codepoint_slow(int32_t cp, unsigned char *out);

static inline size_t pd_utf8_encode(int32_t cp, unsigned char *out)
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

/* Decodes one UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or values past U+10FFFF).
 * Returns its length, or 0 if the byte at p does not start a valid sequence. */
static inline size_t pd_utf8_decode(const unsigned char *p, size_t avail, int32_t *cp)
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

/* How many bytes of a little-endian word come before the first with bit 7 set (given as high). */
static inline size_t pd_ascii_prefix(uint64_t high)
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

/* Appends decoded bytes to the UTF-8 view, each mapped to the raw offset they came from. The
 * caller reserved room (every decoder bounds its expansion before it starts). */
static inline void pd_text_put(struct pd_text *t, size_t *o, const unsigned char *bytes, size_t n, size_t raw_off)
{
    for (size_t j = 0; j < n; j++) {
        t->utf8_buf[*o] = (char)bytes[j];
        t->utf8_map[(*o)++] = (uint32_t)raw_off;
    }
}

static inline void pd_text_put_codepoint(struct pd_text *t, size_t *o, int32_t cp, size_t raw_off)
{
    unsigned char tmp[4];
    pd_text_put(t, o, tmp, pd_utf8_encode(cp, tmp), raw_off);
}

/* Makes the decoded buffer the UTF-8 view. */
static inline enum pd_error pd_text_decoded(struct pd_text *t, size_t len)
{
    t->utf8 = t->utf8_buf;
    t->utf8_len = len;
    t->utf8_raw = t->utf8_map;
    return PD_OK;
}

/* Grows a view's buffer and its offset map to at least need bytes, within max (text.c). */
enum pd_error pd_text_grow(char **buf, uint32_t **map, size_t *cap, size_t need, size_t max);

/* The decoders: each fills the UTF-8 view from t->raw, with its map to raw offsets. */
enum pd_error pd_text_decode_utf8_repair(struct pd_text *t);             /* utf.c */
enum pd_error pd_text_decode_utf16(struct pd_text *t, bool big_endian);  /* utf.c */
enum pd_error pd_text_decode_legacy(struct pd_text *t, enum pd_encoding enc); /* legacy.c: 8-bit and *_IN_UTF8 */
enum pd_error pd_text_decode_viqr(struct pd_text *t);                    /* viqr.c */
enum pd_error pd_text_decode_strings(struct pd_text *t);                 /* strings.c: binary data */
/* Folds the UTF-8 view into the fold view (fold.c); with stop_on_invalid, PD_ERR_FORMAT at the
 * first invalid sequence. */
enum pd_error pd_text_fold_view(struct pd_text *t, bool stop_on_invalid);

#endif

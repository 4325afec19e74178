/* Unicode encodings: UTF-8 repaired (invalid bytes become U+FFFD, one per byte), UTF-16 in
 * either byte order, and the guess that a sample is UTF-16. */
#include <string.h>

#include "text/text-int.h"

/* Writes repaired UTF-8 (bad bytes -> U+FFFD) into utf8_buf with a map to raw offsets. */
enum pd_error pd_text_decode_utf8_repair(struct pd_text *t)
{
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 3 + 4, t->max_bytes);
    if (err)
        return err;
    size_t o = 0, i = 0;
    int32_t cp;
    while (i < t->raw_len) {
        size_t k = t->raw[i] < 0x80 ? 1 : pd_utf8_decode(t->raw + i, t->raw_len - i, &cp);
        if (k) {
            pd_text_put(t, &o, t->raw + i, k, i);
            i += k;
        } else {
            pd_text_put_codepoint(t, &o, 0xFFFD, i);
            i++;
            t->repaired = true;
        }
    }
    return pd_text_decoded(t, o);
}

enum pd_error pd_text_decode_utf16(struct pd_text *t, bool big_endian)
{
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 2 + 8, t->max_bytes);
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
        pd_text_put_codepoint(t, &o, cp, i);
        i += used;
    }
    return pd_text_decoded(t, o);
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
        size_t k = pd_utf8_decode(p + i, n - i, &cp);
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

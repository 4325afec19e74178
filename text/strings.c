/* The strings view of binary data: what strings(1) would print, in place. Bytes that belong to a
 * run of at least PD_STRINGS_MIN printable characters (ASCII, tab and line breaks, and valid UTF-8
 * letters such as Vietnamese) stay; every other byte becomes a space. The view has the raw
 * window's length, so offsets need no map, and an identifier written into a data file as text is
 * still found, while the random bytes around it cost no decoding and wake no pattern. */
#include "text/text-int.h"

#define PD_STRINGS_MIN 4

/* 1 for the ASCII bytes that strings(1) prints: visible characters, space, tab, line breaks */
static const unsigned char ascii_printable[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\f'] = 1, ['\r'] = 1,
#define P4(c) [c] = 1, [c + 1] = 1, [c + 2] = 1, [c + 3] = 1
#define P16(c) P4(c), P4(c + 4), P4(c + 8), P4(c + 12)
    P16(0x20), P16(0x30), P16(0x40), P16(0x50), P16(0x60), P4(0x70), P4(0x74), P4(0x78), [0x7C] = 1, [0x7D] = 1,
    [0x7E] = 1,
#undef P16
#undef P4
};

/* The length of the printable UTF-8 character at p (2-4 bytes), or 0. C1 controls (U+0080..U+009F)
 * are not printable; a sequence cut by the end of the window is not either (the next window,
 * which overlaps this one, reads it whole). */
static size_t printable_multibyte(const unsigned char *p, size_t avail)
{
    int32_t cp;
    size_t k = pd_utf8_decode(p, avail, &cp);
    return k && cp >= 0xA0 ? k : 0;
}

/* One pass, each byte copied as it is read: random bytes make runs of one or two characters, so
 * the few bytes of a run found too short are blanked afterwards rather than each run copied. */
enum pd_error pd_text_decode_strings(struct pd_text *t)
{
    size_t n = t->raw_len;
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, n + 1, t->max_bytes);
    if (err)
        return err;
    const unsigned char *in = t->raw;
    char *out = t->utf8_buf;
    size_t i = 0;
    while (i < n) {
        size_t start = i, chars = 0;
        for (;;) {
            if (i < n && ascii_printable[in[i]]) {
                out[i] = (char)in[i];
                i++;
            } else if (i < n && in[i] >= 0xC2) {
                size_t k = printable_multibyte(in + i, n - i);
                if (!k)
                    break;
                memcpy(out + i, in + i, k);
                i += k;
            } else {
                break;
            }
            chars++;
        }
        /* a run that touches the window's edge, or a character cut by it, may go on in the
         * next or the last window */
        bool edge = (start == 0 && chars > 0) || i == n || (n - i < 4 && in[i] >= 0xC2);
        if (chars < PD_STRINGS_MIN && !edge)
            memset(out + start, ' ', i - start);
        if (i < n)
            out[i++] = ' ';
    }
    t->utf8 = t->utf8_buf;
    t->utf8_len = n;
    t->utf8_raw = NULL; /* one byte of the view for one raw byte */
    return PD_OK;
}

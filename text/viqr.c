/* VIQR (RFC 1456): 7-bit Vietnamese with marks typed after the vowel ("Vie^.t Nam"). */
#include <ctype.h>
#include <string.h>

#include "text/text-int.h"

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

enum pd_error pd_text_decode_viqr(struct pd_text *t)
{
    enum pd_error err = pd_text_grow(&t->utf8_buf, &t->utf8_map, &t->utf8_cap, t->raw_len * 2 + 8, t->max_bytes);
    if (err)
        return err;
    size_t o = 0;
    for (size_t i = 0; i < t->raw_len; i++) {
        unsigned char c = t->raw[i];
        if ((c == 'd' || c == 'D') && i + 1 < t->raw_len && (t->raw[i + 1] == 'd' || t->raw[i + 1] == 'D') &&
            (i == 0 || !isalpha(t->raw[i - 1]))) {
            pd_text_put_codepoint(t, &o, c == 'D' ? 0x110 : 0x111, i);
            i++;
            continue;
        }
        pd_text_put(t, &o, &c, 1, i);
        if (!viqr_vowel(c))
            continue;
        /* a shape mark then a tone mark (RFC 1456: after a vowel they are diacritics; a writer
         * escapes a literal one with a backslash, which then stays as written) */
        for (int pass = 0; pass < 2 && i + 1 < t->raw_len; pass++) {
            int32_t m = viqr_mark(t->raw[i + 1], pass == 0);
            if (!m)
                continue;
            pd_text_put_codepoint(t, &o, m, i + 1);
            i++;
        }
    }
    return pd_text_decoded(t, o);
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


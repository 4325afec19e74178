/* Folding: NFKD, case fold, marks and ignorables removed, đ -> d, so that NFC, NFD, upper-case
 * and accent-less Vietnamese give the same bytes. Code points below PD_FOLD_TABLE_SIZE fold from a
 * table built once; the rest through utf8proc. Also the case tests of the original text. */
#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text-int.h"

struct pd_fold_entry pd_fold_table[PD_FOLD_TABLE_SIZE];
/* one byte other than NUL: the common case (Vietnamese letters) in a table a sixteenth the size,
 * which stays in the first-level cache */
unsigned char pd_fold_single[PD_FOLD_TABLE_SIZE];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

/* Folds one code point: NFKD, case fold, marks and ignorables removed, đ/ð -> d, U+FFFD -> space
 * (so that repaired binary stays one byte per bad byte). Writes at most PD_FOLD_MAX_OUT bytes. */
size_t pd_fold_codepoint_slow(int32_t cp, unsigned char *out)
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
        return pd_utf8_encode(cp, out);
    size_t len = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int32_t p = parts[i];
        if (p == 0x111 || p == 0xF0)
            p = 'd';
        unsigned char tmp[4];
        size_t k = pd_utf8_encode(p, tmp);
        if (len + k > PD_FOLD_MAX_OUT)
            break;
        memcpy(out + len, tmp, k);
        len += k;
    }
    return len;
}

static void fold_table_build(void)
{
    for (int32_t cp = 0; cp < PD_FOLD_TABLE_SIZE; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        pd_fold_table[cp].len = (unsigned char)pd_fold_codepoint_slow(cp, pd_fold_table[cp].bytes);
        if (pd_fold_table[cp].len == 1)
            pd_fold_single[cp] = pd_fold_table[cp].bytes[0];
    }
}

void pd_fold_tables_init(void) { pthread_once(&fold_once, fold_table_build); }

static const unsigned char ascii_lower[128] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,  19,  20,  21,
    22,  23,  24,  25,  26,  27,  28,  29,  30,  31,  ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+',
    ',', '-', '.', '/', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', '@', 'a',
    'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
    'x', 'y', 'z', '[', '\\', ']', '^', '_', '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
    'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 127,
};

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

/* Folds t->utf8 into the fold view. With stop_on_invalid, returns PD_ERR_FORMAT at the first
 * invalid sequence so that the caller can repair first (valid input is then decoded only once).
 * A hot loop over every byte of text, kept in one piece so that its state stays in registers. */
enum pd_error pd_text_fold_view(struct pd_text *t, bool stop_on_invalid)
{
    const unsigned char *in = (const unsigned char *)t->utf8;
    size_t n = t->utf8_len, o = 0, i = 0;
    /* Room is kept for the rest of the input at one byte per byte plus one character's worst
     * case, so that only characters that fold longer than they are need a check. */
    enum pd_error err = pd_text_grow(&t->fold_buf, &t->fold_map, &t->fold_cap, n + PD_FOLD_MAX_OUT + 1, t->max_bytes);
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
                size_t run = pd_ascii_prefix(high);
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
            k = pd_utf8_decode(in + i, n - i, &cp);
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
        if (cp < PD_FOLD_TABLE_SIZE && pd_fold_single[cp]) { /* most accented letters */
            out[o] = (char)pd_fold_single[cp];
            map[o++] = (uint32_t)i;
            i += k;
            continue;
        }
        unsigned char tmp[PD_FOLD_MAX_OUT];
        const unsigned char *src;
        size_t len;
        if (cp < PD_FOLD_TABLE_SIZE) {
            src = pd_fold_table[cp].bytes;
            len = pd_fold_table[cp].len;
        } else {
            len = pd_fold_codepoint_slow(cp, tmp);
            src = tmp;
        }
        if (len == 1) { /* most accented letters */
            out[o] = (char)src[0];
            map[o++] = (uint32_t)i;
            i += k;
            continue;
        }
        if (len > k && o + len + (n - i - k) + PD_FOLD_MAX_OUT + 1 > t->fold_cap) {
            err = pd_text_grow(&t->fold_buf, &t->fold_map, &t->fold_cap, o + len + (n - i - k) + PD_FOLD_MAX_OUT + 1,
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
        size_t n = pd_utf8_encode(utf8proc_toupper(cp), tmp);
        if (o + n >= cap)
            break;
        memcpy(out + o, tmp, n);
        o += n;
        p += k;
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

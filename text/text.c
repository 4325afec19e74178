/* Text views: one window's raw bytes decoded (by the decoder of its encoding) and folded, with
 * offset maps back to the raw bytes, and the NFC text of a span. */
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/fields/fields.h"
#include "text/text-int.h"

#define DEFAULT_MAX_BYTES ((size_t)64 << 20)

const char *pd_encoding_known(const char *name)
{
    for (int e = PD_ENC_UTF8; name && e <= PD_ENC_BINARY; e++)
        if (strcmp(pd_encoding_name((enum pd_encoding)e), name) == 0)
            return pd_encoding_name((enum pd_encoding)e);
    return NULL;
}

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
    case PD_ENC_BINARY: return "binary";
    }
    return "unknown";
}

unsigned pd_encoding_unit(enum pd_encoding enc) { return enc == PD_ENC_UTF16LE || enc == PD_ENC_UTF16BE ? 2 : 1; }

void pd_text_init(struct pd_text *t, size_t max_bytes)
{
    memset(t, 0, sizeof *t);
    t->max_bytes = max_bytes ? max_bytes : DEFAULT_MAX_BYTES;
    pd_fold_tables_init();
}

void pd_text_release(struct pd_text *t)
{
    free(t->fields_buf);
    free(t->fields_map);
    free(t->utf8_buf);
    free(t->utf8_map);
    free(t->fold_buf);
    free(t->fold_map);
    memset(t, 0, sizeof *t);
}

/* Grows a byte buffer and its parallel offset map to at least need bytes, within max. */
enum pd_error pd_text_grow(char **buf, uint32_t **map, size_t *cap, size_t need, size_t max)
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

/* Replaces the UTF-8 view by its labelled view (fields/fields.h), the map composed so that it
 * still leads to raw offsets. */
static enum pd_error label_fields(struct pd_text *t)
{
    enum pd_error err = pd_text_grow(&t->fields_buf, &t->fields_map, &t->fields_cap,
                                     pd_fields_view_cap(t->utf8_len), t->max_bytes);
    if (err)
        return err;
    size_t n = pd_fields_view(t->fields, t->utf8, t->utf8_len, t->utf8_raw, t->fields_resume, t->fields_buf,
                              t->fields_map);
    t->fields_changed = n != SIZE_MAX;
    if (!t->fields_changed)
        return PD_OK;
    if (t->utf8_raw)
        for (size_t i = 0; i < n; i++)
            t->fields_map[i] = t->utf8_raw[t->fields_map[i]];
    t->utf8 = t->fields_buf;
    t->utf8_len = n;
    t->utf8_raw = t->fields_map;
    return PD_OK;
}

/* Folds ASCII text byte for byte: the fold map is the identity. */
static enum pd_error fold_ascii(struct pd_text *t)
{
    enum pd_error err = pd_text_grow(&t->fold_buf, &t->fold_map, &t->fold_cap, t->utf8_len + 1, t->max_bytes);
    if (err)
        return err;
    for (size_t i = 0; i < t->utf8_len; i++) {
        unsigned char c = (unsigned char)t->utf8[i];
        t->fold_buf[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    t->fold = t->fold_buf;
    t->fold_len = t->utf8_len;
    return PD_OK;
}

enum pd_error pd_text_build(struct pd_text *t, const unsigned char *raw, size_t len, enum pd_encoding enc)
{
    t->repaired = false;
    t->utf8_raw = NULL;
    t->fold_utf8 = NULL;
    t->fields_changed = false;
    if (len > UINT32_MAX / 4)
        return PD_ERR_LIMIT;
    t->raw = raw;
    t->raw_len = len;
    enum pd_error err;
    if (enc == PD_ENC_UTF8 && !t->fields) {
        t->utf8 = (const char *)raw;
        t->utf8_len = len;
        if (all_ascii(raw, len)) /* fast path: ASCII folds byte for byte, both maps are the identity */
            return fold_ascii(t);
        err = pd_text_fold_view(t, true); /* optimistic: valid UTF-8 needs no copy and one decoding */
        if (err != PD_ERR_FORMAT)
            return err;
        if ((err = pd_text_decode_utf8_repair(t)) != PD_OK)
            return err;
        return pd_text_fold_view(t, false);
    }
    if (enc == PD_ENC_UTF8) {
        /* labelled as it is, folded optimistically; invalid UTF-8 is repaired and labelled again
         * (each view starts from the state the window began with) */
        t->utf8 = (const char *)raw;
        t->utf8_len = len;
        if ((err = label_fields(t)) != PD_OK)
            return err;
        if (all_ascii((const unsigned char *)t->utf8, t->utf8_len))
            return fold_ascii(t);
        if ((err = pd_text_fold_view(t, true)) != PD_ERR_FORMAT)
            return err;
        t->utf8_raw = NULL;
        if ((err = pd_text_decode_utf8_repair(t)) != PD_OK || (err = label_fields(t)) != PD_OK)
            return err;
        return pd_text_fold_view(t, false);
    } else if (enc == PD_ENC_BINARY) {
        if ((err = pd_text_decode_strings(t)) != PD_OK)
            return err;
    } else if (enc == PD_ENC_VIQR) {
        if ((err = pd_text_decode_viqr(t)) != PD_OK)
            return err;
    } else if (enc == PD_ENC_UTF16LE || enc == PD_ENC_UTF16BE) {
        if ((err = pd_text_decode_utf16(t, enc == PD_ENC_UTF16BE)) != PD_OK)
            return err;
    } else if ((err = pd_text_decode_legacy(t, enc)) != PD_OK) { /* TCVN3, VISCII, CP1258, VNI, *_IN_UTF8 */
        return err;
    }
    if (t->fields && (err = label_fields(t)) != PD_OK)
        return err;
    if (all_ascii((const unsigned char *)t->utf8, t->utf8_len))
        return fold_ascii(t);
    return pd_text_fold_view(t, false);
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
    return !t->utf8_raw ? u /* the UTF-8 view is the raw bytes, or a prefix of them */
                        : u >= t->utf8_len ? t->raw_len : t->utf8_raw[u];
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

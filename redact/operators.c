/* The redaction operators: mask, replace, hash, drop and keep. Each writes an ASCII replacement
 * from the value's raw bytes, so that it fits every encoding pdpscan writes back; inside a JSON or
 * SQL number the replacement is a number. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/validators.h"
#include "redact/redact-int.h"

/* ---- the value's characters ---- */

/* One character of the value: its ASCII byte, or 0 for anything else. */
struct ch {
    char ascii;
};

/* Splits raw into characters (a UTF-16 unit or pair, a UTF-8 sequence, a legacy byte). */
static size_t chars_of(const struct pd_redact_value *v, struct ch *out, size_t cap)
{
    size_t n = 0, i = 0;
    while (i < v->len && n < cap) {
        if (v->unit == 2 && i + 1 < v->len) {
            unsigned lo = v->raw[i + (v->big_endian ? 1 : 0)], hi = v->raw[i + (v->big_endian ? 0 : 1)];
            unsigned u = hi << 8 | lo;
            out[n++].ascii = u < 0x80 ? (char)u : 0;
            i += (u >= 0xD800 && u < 0xDC00 && i + 3 < v->len) ? 4 : 2; /* a surrogate pair is one */
        } else {
            unsigned char b = v->raw[i++];
            out[n++].ascii = b < 0x80 ? (char)b : 0;
            while (b >= 0xC0 && i < v->len && (v->raw[i] & 0xC0) == 0x80) /* UTF-8 continuation bytes */
                i++;
        }
    }
    return n;
}

static bool is_alnum(char c) { return c && isalnum((unsigned char)c); }

/* A number stays a number: digits only, no leading zero. */
static void as_number(char *out)
{
    size_t k = 0;
    for (size_t i = 0; out[i]; i++)
        if (isdigit((unsigned char)out[i]))
            out[k++] = out[i];
    out[k] = '\0';
    if (k == 0)
        snprintf(out, PD_REDACT_OUT_MAX, "0");
    else if (out[0] == '0' && k > 1)
        out[0] = '1';
}

/* ---- mask ---- */

static bool parse_keep(const char *arg, unsigned *first, unsigned *last)
{
    char *end = NULL;
    unsigned long f = strtoul(arg, &end, 10);
    if (end == arg || *end != ',')
        return false;
    const char *l = end + 1;
    unsigned long n = strtoul(l, &end, 10);
    if (end == l || *end || f > 64 || n > 64)
        return false;
    *first = (unsigned)f;
    *last = (unsigned)n;
    return true;
}

static bool mask_check(const char *arg)
{
    unsigned f, l;
    return !*arg || parse_keep(arg, &f, &l);
}

/* Keeps the first and last alphanumeric characters, stars the others; separators stay. */
static void mask_keep(const struct ch *c, size_t n, unsigned first, unsigned last, char *out)
{
    size_t total = 0, seen = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += is_alnum(c[i].ascii) || !c[i].ascii;
    for (size_t i = 0; i < n && k + 1 < PD_REDACT_OUT_MAX; i++) {
        bool letter = is_alnum(c[i].ascii) || !c[i].ascii;
        if (!letter) {
            out[k++] = c[i].ascii;
            continue;
        }
        bool keep = c[i].ascii && (seen < first || seen + last >= total);
        out[k++] = keep ? c[i].ascii : '*';
        seen++;
    }
    out[k] = '\0';
}

static void mask_words(const struct ch *c, size_t n, char *out)
{
    size_t k = 0;
    bool start = true;
    for (size_t i = 0; i < n && k + 1 < PD_REDACT_OUT_MAX; i++) {
        char a = c[i].ascii;
        if (a && !is_alnum(a)) {
            out[k++] = a;
            start = true;
            continue;
        }
        out[k++] = start && a ? a : '*';
        start = false;
    }
    out[k] = '\0';
}

static void mask_email(const struct ch *c, size_t n, char *out)
{
    size_t at = n, dot = n, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].ascii == '@')
            at = i;
        if (c[i].ascii == '.' && at < n)
            dot = i;
    }
    for (size_t i = 0; i < n && k + 1 < PD_REDACT_OUT_MAX; i++) {
        char a = c[i].ascii;
        bool keep = i == 0 || i == at || i == at + 1 || (dot < n && i >= dot);
        out[k++] = keep && a ? a : (a == '.' && i > at ? '.' : '*');
    }
    out[k] = '\0';
}

static void hash_digits(const struct pd_redact_value *v, char *out);

static void mask_apply(const struct pd_redact_value *v, const char *arg, char *out)
{
    if (v->number) { /* stars are no number: a number-shaped pseudonym instead */
        hash_digits(v, out);
        as_number(out);
        return;
    }
    struct ch c[PD_REDACT_OUT_MAX];
    size_t n = chars_of(v, c, PD_REDACT_OUT_MAX - 1);
    unsigned first = 0, last = 0;
    if (*arg && parse_keep(arg, &first, &last)) {
        mask_keep(c, n, first, last, out);
    } else {
        switch (v->detector->mask) {
        case PD_MASK_DIGITS: mask_keep(c, n, 3, 2, out); break;
        case PD_MASK_EMAIL: mask_email(c, n, out); break;
        case PD_MASK_WORDS: mask_words(c, n, out); break;
        case PD_MASK_HIDDEN: mask_keep(c, n, 1, 0, out); break;
        case PD_MASK_SECRET: snprintf(out, PD_REDACT_OUT_MAX, "***"); break; /* not even its length */
        case PD_MASK_NONE: mask_keep(c, n, 0, 0, out); break;
        }
    }
}

const struct pd_redact_operator pd_redact_op_mask = {
    .name = "mask", .argument = "FIRST,LAST (characters kept at each end)", .check = mask_check, .apply = mask_apply};

/* ---- replace ---- */

/* A replacement text holds nothing a CSV cell, a JSON or SQL string or a Markdown line would take
 * as syntax: no quote, backslash, comma, tab or line break. */
static bool replace_check(const char *arg)
{
    for (const char *p = arg; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr(" _<>-.#*/[]()", *p)))
            return false;
    return strlen(arg) < PD_REDACT_OUT_MAX;
}

static void replace_apply(const struct pd_redact_value *v, const char *arg, char *out)
{
    if (v->number)
        snprintf(out, PD_REDACT_OUT_MAX, "0");
    else if (*arg)
        snprintf(out, PD_REDACT_OUT_MAX, "%s", arg);
    else
        snprintf(out, PD_REDACT_OUT_MAX, "<%s>", pd_redact_tag(v->detector));
}

const struct pd_redact_operator pd_redact_op_replace = {
    .name = "replace", .argument = "a text of letters, digits, spaces and _<>-.#*/[]()", .check = replace_check,
    .apply = replace_apply};

/* ---- hash ---- */

static bool hash_check(const char *arg) { return !*arg || strcmp(arg, "digits") == 0; }

static unsigned hexval(char h) { return (unsigned)(h <= '9' ? h - '0' : h - 'a' + 10); }

/* A format-preserving pseudonym: each digit replaced by one of the keyed hash, each letter by a
 * letter, separators kept; then made invalid where the identifier has a check (so that the copy
 * holds no identifier, only something shaped like one). */
static void hash_digits(const struct pd_redact_value *v, char *out)
{
    struct ch c[PD_REDACT_OUT_MAX];
    size_t n = chars_of(v, c, PD_REDACT_OUT_MAX - 1), k = 0, h = 0;
    for (size_t i = 0; i < n; i++, h++) {
        char a = c[i].ascii;
        unsigned x = hexval(v->hash[h % 32]) + 16 * (unsigned)(h / 32);
        if (a >= '0' && a <= '9')
            out[k++] = (char)('0' + x % 10);
        else if (a >= 'a' && a <= 'z')
            out[k++] = (char)('a' + x % 26);
        else if (a >= 'A' && a <= 'Z')
            out[k++] = (char)('A' + x % 26);
        else
            out[k++] = a ? a : 'X';
    }
    out[k] = '\0';
    char d[PD_REDACT_OUT_MAX];
    size_t nd = 0;
    for (size_t i = 0; i < k; i++)
        if (out[i] >= '0' && out[i] <= '9')
            d[nd++] = out[i];
    d[nd] = '\0';
    const char *id = v->detector->id;
    char *first = strpbrk(out, "0123456789");
    if (first && (strcmp(id, "vn.cccd") == 0 || strcmp(id, "vn.cmnd") == 0) && nd >= 3 && !v->number) {
        /* place code 000 is assigned to no province */
        for (int z = 0, i = 0; out[i] && z < 3; i++)
            if (out[i] >= '0' && out[i] <= '9')
                out[i] = '0', z++;
    } else if (first && ((strcmp(id, "vn.mst") == 0 && pd_valid_mst(d, nd)) ||
                         ((strcmp(id, "card.pan") == 0 || strcmp(id, "vn.bank_card") == 0) && pd_luhn(d, nd)))) {
        char *lastd = NULL; /* a wrong check digit */
        for (char *p = out; *p; p++)
            if (*p >= '0' && *p <= '9')
                lastd = p;
        *lastd = (char)('0' + (*lastd - '0' + 1) % 10);
    } else if (first && strcmp(id, "vn.phone") == 0) {
        /* the trunk 0 or country code 84 kept, then 00, which no Vietnamese number goes on with */
        struct ch orig[PD_REDACT_OUT_MAX];
        size_t no = chars_of(v, orig, PD_REDACT_OUT_MAX - 1), prefix = 0, z = 0;
        char p0 = 0, p1 = 0;
        for (size_t i = 0; i < no && (!p0 || !p1); i++)
            if (orig[i].ascii >= '0' && orig[i].ascii <= '9')
                *(p0 ? &p1 : &p0) = orig[i].ascii;
        prefix = p0 == '0' ? 1 : p0 == '8' && p1 == '4' ? 2 : 0;
        for (size_t i = 0; out[i] && z < prefix + 2; i++)
            if (out[i] >= '0' && out[i] <= '9') {
                out[i] = z < prefix ? (z == 0 ? p0 : p1) : '0';
                z++;
            }
    }
}

static void hash_apply(const struct pd_redact_value *v, const char *arg, char *out)
{
    /* the shape is kept for identifiers made of digits; an e-mail or a name so shaped would
     * still read as one */
    bool shaped = strcmp(arg, "digits") == 0 && v->detector->mask == PD_MASK_DIGITS;
    if (shaped || v->number) {
        hash_digits(v, out);
        if (v->number)
            as_number(out);
        return;
    }
    /* a pseudonym: the same value gives the same one under the same key, so joins still work */
    snprintf(out, PD_REDACT_OUT_MAX, "%s_%.12s", pd_redact_tag(v->detector), v->hash);
}

const struct pd_redact_operator pd_redact_op_hash = {
    .name = "hash", .argument = "digits (the value's shape kept)", .check = hash_check, .apply = hash_apply};

/* ---- drop and keep ---- */

static bool no_argument(const char *arg) { return !*arg; }

static void drop_apply(const struct pd_redact_value *v, const char *arg, char *out)
{
    (void)arg;
    snprintf(out, PD_REDACT_OUT_MAX, "%s", v->number ? "0" : "");
}

const struct pd_redact_operator pd_redact_op_drop = {
    .name = "drop", .argument = NULL, .check = no_argument, .apply = drop_apply};

static void keep_apply(const struct pd_redact_value *v, const char *arg, char *out)
{
    (void)v;
    (void)arg;
    out[0] = '\0'; /* never called: kept values are not replaced */
}

const struct pd_redact_operator pd_redact_op_keep = {
    .name = "keep", .argument = NULL, .check = no_argument, .apply = keep_apply};

const struct pd_redact_operator *pd_redact_operator_find(const char *name)
{
#define PD_REDACT_ENTRY(n) &pd_redact_op_##n,
    static const struct pd_redact_operator *const all[] = {PD_REDACT_OPERATOR_LIST(PD_REDACT_ENTRY)};
#undef PD_REDACT_ENTRY
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

const char *pd_redact_tag(const struct pd_detector *d)
{
    static const struct {
        const char *id, *tag;
    } tags[] = {
        {"vn.cccd", "CCCD"}, {"vn.cmnd", "CMND"}, {"vn.mst", "MST"}, {"vn.phone", "SDT"}, {"vn.bhyt", "BHYT"},
        {"vn.bhxh", "BHXH"}, {"vn.passport", "HO_CHIEU"}, {"vn.driving_licence", "GPLX"}, {"vn.plate", "BIEN_SO"},
        {"vn.bank_card", "THE_NGAN_HANG"}, {"card.pan", "SO_THE"}, {"vn.bank_account", "TAI_KHOAN"},
        {"dob", "NGAY_SINH"}, {"person_name", "HO_TEN"}, {"address", "DIA_CHI"}, {"vn.ethnicity", "DAN_TOC"},
        {"vn.religion", "TON_GIAO"}, {"vn.health", "SUC_KHOE"}, {"vn.biometric", "SINH_TRAC_HOC"},
        {"vn.criminal_record", "LY_LICH_TU_PHAP"}, {"vn.credentials", "THONG_TIN_DANG_NHAP"},
        {"vn.secret_mark", "DO_MAT"}, {"email", "EMAIL"}, {"ip", "IP"},
    };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strcmp(tags[i].id, d->id) == 0)
            return tags[i].tag;
    return d->category == PD_CAT_STATE_SECRET ? "DO_MAT" : "DU_LIEU_CA_NHAN";
}

/* The built-in detectors: one entry per identifier or marking, with the small adapter that turns a
 * confirmed span into a validated finding. Patterns run on the folded view (lower case, no
 * accents, đ -> d); facts and sources are in docs/detectors.md. Adding a detector touches this
 * file only. */
#include "detectors/detector.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/validators.h"

/* ---- helpers shared by the adapters ---- */

static const char *fold_at(const struct pd_candidate *c) { return c->text->fold; }

/* Copies the digits of the folded span into out; returns their count (0 if more than cap-1). */
static size_t span_digits(const struct pd_candidate *c, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = c->start; i < c->end; i++) {
        char ch = fold_at(c)[i];
        if (ch >= '0' && ch <= '9') {
            if (n + 1 >= cap)
                return 0;
            out[n++] = ch;
        }
    }
    out[n] = '\0';
    return n;
}

/* Copies n bytes of src as a string into out (cap bytes), truncating. Validators run for every
 * candidate, where snprintf showed in profiles. */
static void set_string(char *out, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

/* Adds a non-negative numeric attribute, zero-padded to width digits (0: as is). */
static void set_attr(struct pd_candidate *c, const char *key, long v, int width)
{
    if (c->n_attrs >= PD_MAX_ATTRS || v < 0)
        return;
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < (int)sizeof digits);
    while (n < width && n < (int)sizeof digits)
        digits[n++] = '0';
    char *out = c->attrs[c->n_attrs].value;
    int o = 0;
    while (n > 0 && o + 1 < (int)sizeof c->attrs[0].value)
        out[o++] = digits[--n];
    out[o] = '\0';
    c->attrs[c->n_attrs].key = key;
    c->n_attrs++;
}

static void set_attr_str(struct pd_candidate *c, const char *key, const char *value)
{
    if (c->n_attrs >= PD_MAX_ATTRS)
        return;
    c->attrs[c->n_attrs].key = key;
    set_string(c->attrs[c->n_attrs].value, sizeof c->attrs[0].value, value, strlen(value));
    c->n_attrs++;
}

/* True when every letter of the original (NFC) span is upper case. */
static bool original_is_upper(const struct pd_candidate *c, char *orig, size_t cap)
{
    pd_text_original(c->text, c->start, c->end, orig, cap);
    return pd_text_is_upper(orig);
}

/* Drops trailing blanks and punctuation that a rest-of-line pattern took in. */
static void trim_end(struct pd_candidate *c)
{
    while (c->end > c->start && strchr(" \t\r.;,", fold_at(c)[c->end - 1]))
        c->end--;
}

/* True if the folded span is a word from the '|'-list (whole span compare). */
static bool span_in_list(const struct pd_candidate *c, const char *list)
{
    size_t n = c->end - c->start;
    for (const char *p = list; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, fold_at(c) + c->start, n) == 0)
            return true;
        if (!bar)
            break;
        p = bar + 1;
    }
    return false;
}

static const char none_values[] =
    "khong|khong co|chua|chua co|binh thuong|none|no|n/a|na|nil|null|-|--|x|khong ro|chua xac dinh";

/* ---- adapters ---- */

static bool check_cccd(struct pd_candidate *c)
{
    char d[16];
    int year, sex, prov;
    if (span_digits(c, d, sizeof d) != 12 || !pd_valid_cccd(d, c->current_year, &year, &sex, &prov))
        return false;
    if (c->current_year - year > 110)
        c->confidence -= 20;
    set_attr(c, "birth_year", year, 0);
    set_attr_str(c, "sex", sex ? "female" : "male");
    set_attr(c, "province_code", prov, 3);
    return true;
}

static bool check_cmnd(struct pd_candidate *c)
{
    char d[16];
    return span_digits(c, d, sizeof d) == 9;
}

static bool check_mst(struct pd_candidate *c)
{
    char d[20];
    size_t n = span_digits(c, d, sizeof d);
    if (!pd_valid_mst(d, n))
        return false;
    set_attr_str(c, "form", n == 13 ? "branch" : "main");
    return true;
}

static bool check_phone(struct pd_candidate *c)
{
    char d[20];
    bool mobile;
    size_t n = span_digits(c, d, sizeof d);
    if (!n || !pd_valid_vn_phone(d, n, &mobile))
        return false;
    /* written with +84 or 84: the national form must still be complete */
    const char *nsn = d[0] == '0' ? d + 1 : d + 2;
    if (strlen(nsn) != (mobile ? 9u : 10u))
        return false;
    memcpy(c->norm, "+84", 3);
    set_string(c->norm + 3, sizeof c->norm - 3, nsn, strlen(nsn));
    if (!mobile)
        c->confidence -= 15;
    set_attr_str(c, "kind", mobile ? "mobile" : "landline");
    return true;
}

static bool check_bhyt(struct pd_candidate *c)
{
    char orig[64], card[20];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    size_t n = 0;
    for (const char *p = orig; *p && n < sizeof card - 1; p++)
        if (*p != ' ')
            card[n++] = *p;
    card[n] = '\0';
    if (!pd_valid_bhyt(card))
        return false;
    snprintf(c->norm, sizeof c->norm, "%s", card);
    return true;
}

static bool check_passport(struct pd_candidate *c)
{
    if (c->start > 0 && isalnum((unsigned char)fold_at(c)[c->start - 1]))
        return false;
    char orig[32];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    return orig[0] >= 'A' && orig[0] <= 'Z';
}

static bool check_plate(struct pd_candidate *c)
{
    char orig[40];
    if (!original_is_upper(c, orig, sizeof orig) || !pd_valid_plate(orig))
        return false;
    return true;
}

static bool check_bank_card(struct pd_candidate *c)
{
    char d[24];
    size_t n = span_digits(c, d, sizeof d);
    if (n != 16 && n != 19)
        return false;
    c->confidence += pd_luhn(d, n) ? 15 : -10;
    set_attr(c, "bin", strtol((char[]){d[0], d[1], d[2], d[3], d[4], d[5], 0}, NULL, 10), 6);
    return true;
}

static bool check_pan(struct pd_candidate *c)
{
    char d[24];
    size_t n = span_digits(c, d, sizeof d);
    if (!n || !pd_valid_pan(d, n))
        return false;
    /* separators, if any, must group the digits as cards print them: 4-4-4-4(-3), Amex 4-6-5,
     * Diners 4-6-4; an arbitrary run of digit groups is not a card */
    const char *f = fold_at(c);
    size_t groups[8], ng = 0, len = 0;
    for (size_t i = c->start; i <= c->end; i++) {
        if (i < c->end && f[i] >= '0' && f[i] <= '9') {
            len++;
            continue;
        }
        if (ng == 8)
            return false;
        groups[ng++] = len;
        len = 0;
    }
    if (ng == 1)
        return true;
    if (ng == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4))
        return true;
    for (size_t i = 0; i < ng; i++)
        if (i + 1 < ng ? groups[i] != 4 : groups[i] < 1 || groups[i] > 4)
            return false;
    return true;
}

/* Whether needle (k bytes, starting with a punctuation byte) is in s[0, n): memchr finds its
 * rare first byte, where glibc's memmem ran a generic search and cost three times strstr. */
static bool contains(const char *s, size_t n, const char *needle, size_t k)
{
    for (const char *p = s, *end = s + n; (size_t)(end - p) >= k && (p = memchr(p, needle[0], (size_t)(end - p - k + 1)));
         p++)
        if (memcmp(p, needle, k) == 0)
            return true;
    return false;
}

static bool check_email(struct pd_candidate *c)
{
    static const struct {
        const char *ext;
        size_t len;
    } file_exts[] = {{"png", 3}, {"jpg", 3}, {"jpeg", 4}, {"gif", 3}, {"svg", 3}, {"webp", 4}, {"css", 3},
                     {"js", 2},  {"ico", 3}, {"bmp", 3},  {"tif", 3}, {"tiff", 4}};
    const char *f = fold_at(c);
    const char *at = memchr(f + c->start, '@', c->end - c->start);
    if (!at || f[c->start] == '.' || at[-1] == '.')
        return false;
    for (const char *p = f + c->start; p + 1 < f + c->end; p++)
        if (p[0] == '.' && p[1] == '.')
            return false;
    const char *dot = f + c->end;
    while (dot > at && dot[-1] != '.')
        dot--;
    size_t tld = (size_t)(f + c->end - dot);
    for (size_t i = 0; i < sizeof file_exts / sizeof file_exts[0]; i++) /* an image name like logo@2x.png */
        if (file_exts[i].len == tld && memcmp(dot, file_exts[i].ext, tld) == 0)
            return false;
    size_t n = c->end - c->start < sizeof c->norm ? c->end - c->start : sizeof c->norm - 1;
    set_string(c->norm, sizeof c->norm, f + c->start, n);
    if (contains(c->norm, n, "@example.", 9) || contains(c->norm, n, ".example", 8))
        c->confidence -= 30;
    return true;
}

static bool check_ip(struct pd_candidate *c)
{
    char s[20];
    size_t n = c->end - c->start;
    bool priv;
    if (n >= sizeof s)
        return false;
    memcpy(s, fold_at(c) + c->start, n);
    s[n] = '\0';
    if (!pd_valid_ipv4(s, &priv))
        return false;
    if (priv)
        c->confidence -= 30;
    set_attr_str(c, "scope", priv ? "private" : "public");
    return true;
}

static bool check_dob(struct pd_candidate *c)
{
    int v[3], k = 0;
    const char *f = fold_at(c);
    for (size_t i = c->start; i < c->end && k < 3;) {
        if (f[i] >= '0' && f[i] <= '9') {
            long x = 0;
            size_t len = 0;
            while (i < c->end && f[i] >= '0' && f[i] <= '9' && len < 5) {
                x = x * 10 + (f[i++] - '0');
                len++;
            }
            v[k++] = (int)x;
        } else {
            i++;
        }
    }
    if (k != 3)
        return false;
    int d = v[0], m = v[1], y = v[2];
    if (v[0] > 999) { /* ISO yyyy-mm-dd */
        y = v[0];
        d = v[2];
    }
    if (!pd_valid_date(d, m, y, c->current_year))
        return false;
    snprintf(c->norm, sizeof c->norm, "%04d-%02d-%02d", y, m, d);
    set_attr(c, "birth_year", y, 0);
    return true;
}

static bool check_name(struct pd_candidate *c)
{
    static const char surnames[] =
        "nguyen|tran|le|pham|hoang|huynh|phan|vu|vo|dang|bui|do|ho|ngo|duong|ly|dinh|dao|trinh|"
        "truong|luong|mai|ha|lam|doan|phung|ta|cao|trieu|to|quach|chu|la|luu|tang|thai|van|kieu|"
        "giang|tong|khuc|chau|quan|an|bach|lac|nong|thach|trang";
    /* first word must be a common surname */
    const char *f = fold_at(c);
    size_t w = c->start;
    while (w < c->end && f[w] != ' ')
        w++;
    struct pd_candidate first = *c;
    first.end = w;
    if (!span_in_list(&first, surnames))
        return false;
    /* every word capitalised in the original */
    char orig[160];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    bool word_start = true;
    for (const char *p = orig; *p;) {
        if (*p == ' ') {
            word_start = true;
            p++;
            continue;
        }
        if (word_start && !pd_text_starts_upper(p))
            return false;
        word_start = false;
        p++;
    }
    return true;
}

static bool check_address(struct pd_candidate *c)
{
    static const char *admin[] = {"phuong", "xa", "quan", "huyen", "tinh", "thanh pho", "tp",
                                  "thi xa", "thi tran", "thon", "ap", "to", "khu pho", "duong",
                                  "so nha", "ngo", "ngach", "hem", "kiet", "street", "ward",
                                  "district", "province", "city", "village", "p", "q", NULL};
    trim_end(c);
    if (c->end - c->start < 6)
        return false;
    const char *f = fold_at(c);
    for (int i = 0; admin[i]; i++) {
        size_t n = strlen(admin[i]);
        for (size_t p = c->start; p + n <= c->end; p++) {
            if (memcmp(f + p, admin[i], n) != 0)
                continue;
            bool left = p == c->start || !isalnum((unsigned char)f[p - 1]);
            bool right = p + n == c->end || !isalpha((unsigned char)f[p + n]);
            if (left && right)
                return true;
        }
    }
    return false;
}

static bool check_capitalised_value(struct pd_candidate *c)
{
    char orig[64];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    return pd_text_starts_upper(orig);
}

static bool check_labelled_value(struct pd_candidate *c)
{
    trim_end(c);
    if (c->end - c->start < 2)
        return false;
    return !span_in_list(c, none_values);
}

/* A labelled value that reads as source code or a binary catalog, not as data: "passwd :
 * Pchar;", "fingerprint:=nil;", "password = split_auth(", "login:\0role:". */
static bool reads_as_code(const struct pd_candidate *c)
{
    const char *f = fold_at(c) + c->start;
    size_t n = c->end - c->start;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f[i] < 0x20)
            return true;
    return n == 0 || f[0] == '=' || strchr(";(,)", f[n - 1]); /* an assignment, a declaration or a call */
}

/* The English label "fingerprint" is, in files about keys and certificates, a digest and not a
 * finger: "SHA256 Fingerprint: eb:d4:10:...", "Key fingerprint: %s", "fingerprint : String;" in
 * code. The Vietnamese labels (vân tay...) have no such second sense. */
static bool check_biometric(struct pd_candidate *c)
{
    if (!check_labelled_value(c))
        return false;
    const char *fold = fold_at(c);
    size_t ls = c->start;
    while (ls > 0 && fold[ls - 1] != '\n' && c->start - ls < 80)
        ls--;
    char line[96];
    size_t k = c->start - ls; /* at most 80 */
    for (size_t i = 0; i < k; i++)
        line[i] = fold[ls + i] ? fold[ls + i] : ' '; /* NUL bytes of a binary catalog */
    line[k] = '\0';
    while (k > 0 && strchr(" \t:", line[k - 1]))
        line[--k] = '\0';
    if (k < 11 || strcmp(line + k - 11, "fingerprint") != 0)
        return true;
    if (k > 11 && (line[k - 12] == '_' || line[k - 12] == '-'))
        return false; /* the end of a name: "gnutls_fingerprint :", "with-fingerprint:" */
    if (reads_as_code(c))
        return false;
    static const char *const digests[] = {"md5", "sha1", "sha-1", "sha256", "sha-256", "sha 256", "key",
                                          "certificate", "ssh", NULL};
    for (int i = 0; digests[i]; i++)
        if (strstr(line, digests[i]))
            return false;
    const char *f = fold + c->start;
    size_t n = c->end - c->start, hex = 0, seps = 0;
    for (size_t i = 0; i < n; i++)
        if (isxdigit((unsigned char)f[i]))
            hex++;
        else if (strchr(": '\"", f[i]))
            seps++;
    if (hex >= 16 && hex + seps == n) /* a digest in hex, in pairs or not, quoted or not */
        return false;
    if (f[0] == '%')
        return false; /* a format string */
    static const char *const types[] = {"string", "str", "text", "bool", "boolean", "int", "integer", "bytes",
                                        "varchar", "char", "blob", NULL};
    size_t word = 0;
    while (word < n && isalpha((unsigned char)f[word]))
        word++;
    for (int i = 0; types[i]; i++)
        if (strlen(types[i]) == word && memcmp(f, types[i], word) == 0)
            return false; /* a declared type: "fingerprint : String;" */
    return true;
}

static bool check_criminal_record(struct pd_candidate *c)
{
    /* "Tiền sử:" (medical history) folds like "Tiền sự:" (prior offences): look at the label */
    size_t from = c->start > 24 ? c->start - 24 : 0;
    char label[96];
    pd_text_original(c->text, from, c->start, label, sizeof label);
    if (strstr(label, "sử") || strstr(label, "Sử") || strstr(label, "SỬ"))
        return false;
    trim_end(c);
    if (c->end - c->start < 2)
        return false;
    if (span_in_list(c, none_values))
        c->confidence = 40;
    return true;
}

/* Source code and message catalogs name passwords without holding one: "passwd : Pchar;",
 * "UserName: LPWSTR;", "password = split_auth(", "self.password = key_password", "--username=USERNAME"
 * in a usage text, "login:\0role:" in a binary catalog. */
static bool credential_in_code(const struct pd_candidate *c)
{
    const char *fold = fold_at(c), *f = fold + c->start;
    size_t n = c->end - c->start;
    if (reads_as_code(c))
        return true;
    size_t p = c->start;
    while (p > 0 && strchr(" \t:=", fold[p - 1]))
        p--;
    size_t label_end = p;
    while (p > 0 && (isalnum((unsigned char)fold[p - 1]) || fold[p - 1] == '-' || fold[p - 1] == '_'))
        p--;
    size_t label = label_end - p;
    /* a variable named after the label: "password = key_password" */
    bool identifier = memchr(f, '_', n) != NULL;
    for (size_t i = 0; i < n && identifier; i++)
        identifier = isalnum((unsigned char)f[i]) || f[i] == '_' || f[i] == '.';
    if (identifier && label >= 3 && memmem(f, n, fold + p, label))
        return true;
    if (label < 3 || fold[p] != '-' || fold[p + 1] != '-')
        return false;
    char value[136];
    pd_text_original(c->text, c->start, c->end, value, sizeof value);
    for (const char *v = value; *v; v++)
        if (!isupper((unsigned char)*v) && *v != '_' && *v != '-')
            return false;
    return true; /* an option's placeholder: "--password=PASSWORD" */
}

static bool check_credential(struct pd_candidate *c)
{
    if (credential_in_code(c))
        return false;
    const char *f = fold_at(c) + c->start;
    size_t n = c->end - c->start;
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += f[i] == '*' || f[i] == 'x' || f[i] == '.';
    if (stars == n)
        return false;
    if (f[0] == '<' || f[0] == '$' || f[0] == '{' || f[0] == '%' || f[0] == '[')
        return false;
    /* placeholders, and a label repeated as its own value ("passwd: password unchanged") */
    return !span_in_list(c, "null|none|undefined|khong|required|optional|string|true|false|yes|no|"
                            "password|passwd|pwd|pass|username|user|login|secret|record|str|text|int");
}

/* Where a marking stands on its line decides whether it is a marking at all. */
enum mark_position { MARK_NONE, MARK_OWN_LINE, MARK_FIELD, MARK_STAMP };

static enum mark_position marking_position(const struct pd_candidate *c)
{
    const char *f = fold_at(c);
    size_t ls = c->start, le = c->end;
    while (ls > 0 && f[ls - 1] != '\n')
        ls--;
    while (le < c->text->fold_len && f[le] != '\n')
        le++;
    size_t p = c->start;
    while (p > ls && (f[p - 1] == ' ' || f[p - 1] == '\t'))
        p--;
    if (p > ls && f[p - 1] == ':') {
        size_t q = p - 1;
        while (q > ls && (f[q - 1] == ' ' || f[q - 1] == '\t'))
            q--;
        if (q >= ls + 6 && memcmp(f + q - 6, "do mat", 6) == 0)
            return MARK_FIELD;
    }
    bool prefix_blank = true, suffix_blank = true;
    for (size_t i = ls; i < c->start; i++)
        if (!strchr(" \t\"'*[(<", f[i]))
            prefix_blank = false;
    for (size_t i = c->end; i < le; i++)
        if (!strchr(" \t\"'*])>.\r", f[i]))
            suffix_blank = false;
    if (prefix_blank && suffix_blank)
        return MARK_OWN_LINE;
    /* "Số: 15/BC-CAT      MẬT": the stamp printed beside the document number */
    size_t i = ls;
    while (i < c->start && (f[i] == ' ' || f[i] == '\t'))
        i++;
    if (c->start - i > 4 && memcmp(f + i, "so", 2) == 0 && suffix_blank && c->start - ls >= 2 &&
        (f[c->start - 1] == '\t' || (f[c->start - 1] == ' ' && f[c->start - 2] == ' ')))
        return MARK_STAMP;
    return MARK_NONE;
}

static bool check_secret_mark(struct pd_candidate *c)
{
    static const struct {
        const char *text, *level;
        int confidence;
    } forms[] = {
        {"TUYỆT MẬT", "tuyet_mat", 95}, {"TỐI MẬT", "toi_mat", 95}, {"MẬT", "mat", 90},
        {"TUYET MAT", "tuyet_mat", 70}, {"TOI MAT", "toi_mat", 70}, {"MAT", "mat", 35},
    };
    enum mark_position pos = marking_position(c);
    if (pos == MARK_NONE)
        return false;
    char orig[48];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (strcmp(orig, forms[i].text) != 0)
            continue;
        c->confidence = forms[i].confidence;
        set_attr_str(c, "level", forms[i].level);
        set_attr_str(c, "position", pos == MARK_FIELD ? "field" : pos == MARK_STAMP ? "stamp" : "own_line");
        snprintf(c->norm, sizeof c->norm, "%s", forms[i].level);
        return true;
    }
    if (pos != MARK_FIELD) /* outside a "Độ mật:" field only stamp case counts */
        return false;
    /* "Độ mật: Tối mật" in ordinary case: the right accents are still required */
    char up[48];
    pd_text_upper(orig, up, sizeof up);
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(up, forms[i].text) != 0)
            continue;
        c->confidence = 85;
        set_attr_str(c, "level", forms[i].level);
        set_attr_str(c, "position", "field");
        snprintf(c->norm, sizeof c->norm, "%s", forms[i].level);
        return true;
    }
    return false;
}

/* Upper-case accented form scores `upper`, upper-case accent-less `bare`, anything else rejected
 * unless any_case gives it a score. */
static bool check_upper_phrase(struct pd_candidate *c, const char *accented, int upper, int bare, int any_case)
{
    char orig[96];
    pd_text_original(c->text, c->start, c->end, orig, sizeof orig);
    if (strcmp(orig, accented) == 0) {
        c->confidence = upper;
        return true;
    }
    char folded_upper[96];
    size_t n = c->end - c->start;
    if (n >= sizeof folded_upper)
        return false;
    for (size_t i = 0; i < n; i++)
        folded_upper[i] = (char)toupper((unsigned char)fold_at(c)[c->start + i]);
    folded_upper[n] = '\0';
    if (strcmp(orig, folded_upper) == 0) {
        c->confidence = bare;
        return true;
    }
    if (any_case) {
        c->confidence = any_case;
        return true;
    }
    return false;
}

static bool check_recall(struct pd_candidate *c)
{
    return check_upper_phrase(c, "TÀI LIỆU THU HỒI", 90, 60, 0);
}

static bool check_named_only(struct pd_candidate *c)
{
    return check_upper_phrase(c, "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ", 95, 80, 70);
}

static bool check_declassified(struct pd_candidate *c)
{
    enum mark_position pos = marking_position(c);
    if (pos != MARK_OWN_LINE && pos != MARK_STAMP)
        return false;
    return check_upper_phrase(c, "GIẢI MẬT", 90, 60, 0);
}

/* ---- the table ---- */

/* Alphabets of numeric detectors: a match holds nothing else, so PCRE2 need not look before them */
#define DIGITS "0123456789"
#define NUMBER_CONTEXT_ANTI "ma don hang|ma van don|so hoa don|order id|order no|invoice|ma giao dich|transaction id|tracking|ma san pham|sku|serial"

static const struct pd_detector table[] = {
    {.id = "vn.cccd", .category = PD_CAT_BASIC,
     .description = "Citizen ID (CCCD, personal identification number): 12 digits, place code, century/sex, birth year",
     .pattern = "\\d{12}|\\d{3}[ .]\\d{3}[ .]\\d{3}[ .]\\d{3}|\\d{4}[ .]\\d{4}[ .]\\d{4}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 20, .validate = check_cccd,
     .alphabet = DIGITS " .",
     .mask = PD_MASK_DIGITS, .base_confidence = 55, .context_bonus = 35, .anti_penalty = 100,
     .context = "so cccd|cccd|can cuoc cong dan|the can cuoc|can cuoc|so dinh danh ca nhan|so dinh danh|cmnd|cmt|"
                "chung minh nhan dan|ngay cap|noi cap|citizen id|id no|id number|national id|personal id|so_cccd|ma dinh danh",
     .anti_context = NUMBER_CONTEXT_ANTI "|gplx|giay phep lai xe|bang lai"},
    {.id = "vn.cmnd", .category = PD_CAT_BASIC,
     .description = "Old identity card number (CMND): 9 digits after a CMND label",
     .label = "so cmnd|cmnd|cmt|chung minh nhan dan|chung minh thu",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{9}|\\d{3}[ .]\\d{3}[ .]\\d{3})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .validate = check_cmnd,
     .mask = PD_MASK_DIGITS, .base_confidence = 75},
    {.id = "vn.mst", .category = PD_CAT_BASIC,
     .description = "Tax code (MST): 10 digits with check digit, branch suffix -NNN",
     .pattern = "\\d{10}(?: ?- ?\\d{3})?|\\d{2}\\.\\d{2}\\.\\d{3}\\.\\d{3}(?: ?- ?\\d{3})?|\\d{4} \\d{2} \\d{2} \\d{2}(?: ?- ?\\d{3})?",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 24, .validate = check_mst,
     .alphabet = DIGITS " .-",
     .mask = PD_MASK_DIGITS, .base_confidence = 35, .context_bonus = 50,
     .context = "mst|ma so thue|msdn|ma so doanh nghiep|ma doanh nghiep|tax code|tax id|tin|ma_so_thue"},
    {.id = "vn.phone", .category = PD_CAT_BASIC,
     .description = "Vietnamese mobile or landline number, national or +84 form, any separators",
     .pattern = "(?:\\(\\+?84\\) ?|\\+84[ .-]?|84|0)(?:\\d[ .-]?){8,9}\\d",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 26, .validate = check_phone,
     .alphabet = DIGITS " .-()+",
     .mask = PD_MASK_DIGITS, .base_confidence = 60, .context_bonus = 30, .anti_penalty = 25,
     .context = "sdt|so dien thoai|dien thoai|dt|di dong|dtdd|tel|telephone|mobile|phone|hotline|zalo|lien he|contact|fax|so_dien_thoai",
     .anti_context = NUMBER_CONTEXT_ANTI "|stk|so tai khoan|account"},
    {.id = "vn.bhyt", .category = PD_CAT_BASIC,
     .description = "Health-insurance card number (BHYT): group code, level, province code, 10-digit BHXH number",
     .pattern = "[a-z]{2} ?[1-5] ?\\d{2} ?\\d{10}",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 20, .validate = check_bhyt,
     .mask = PD_MASK_DIGITS, .base_confidence = 70, .context_bonus = 25,
     .context = "bhyt|bao hiem y te|the bhyt|ma the|ma so the|health insurance"},
    {.id = "vn.bhxh", .category = PD_CAT_BASIC,
     .description = "Social-insurance number (BHXH): 10 digits after a BHXH label",
     .label = "ma so bhxh|so so bhxh|so bhxh|ma bhxh|bhxh|bao hiem xa hoi|so so bao hiem",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{10})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .mask = PD_MASK_DIGITS,
     .base_confidence = 75},
    {.id = "vn.passport", .category = PD_CAT_BASIC,
     .description = "Passport number: one letter and 7 digits after a passport label",
     .label = "so ho chieu|ho chieu|passport|so hc",
     .pattern = "[^0-9\\n]{0,24}(?<v>[a-z]\\d{7})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 64, .validate = check_passport,
     .mask = PD_MASK_DIGITS, .base_confidence = 80},
    {.id = "vn.driving_licence", .category = PD_CAT_BASIC,
     .description = "Driving licence number (GPLX): 12 digits after a licence label",
     .label = "so gplx|gplx|giay phep lai xe|bang lai xe|bang lai|driving licen[cs]e|driver'?s licen[cs]e",
     .pattern = "[^0-9\\n]{0,24}(?<v>\\d{12})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 72, .mask = PD_MASK_DIGITS,
     .base_confidence = 90},
    {.id = "vn.plate", .category = PD_CAT_BASIC,
     .description = "Vehicle licence plate: area code, series (no I, O, Q, W), number",
     .pattern = "\\d{2}[a-z]{1,2}\\d? ?- ?\\d{3}\\.\\d{2}|\\d{2}[a-z]{1,2}\\d? ?- ?\\d{4,5}|\\d{2}-[a-z]\\d \\d{3}\\.\\d{2}|\\d{2}-[a-z]\\d \\d{4,5}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 16, .validate = check_plate,
     .mask = PD_MASK_DIGITS, .base_confidence = 45, .context_bonus = 40, .anti_penalty = 30,
     .context = "bien so|bien kiem soat|bks|bsx|so xe|bien so xe|license plate|plate|xe may|o to",
     .anti_context = "ma sp|ma san pham|sku|model|part no|serial"},
    {.id = "vn.bank_card", .category = PD_CAT_SENSITIVE,
     .description = "Domestic (NAPAS 9704) bank card number, 16 or 19 digits; Luhn raises confidence",
     .pattern = "9704(?:[ -]?\\d{4}){3}(?:\\d{3})?",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 24, .validate = check_bank_card,
     .alphabet = DIGITS " -",
     .mask = PD_MASK_DIGITS, .base_confidence = 70, .context_bonus = 15,
     .context = "so the|the atm|the ngan hang|napas|card|the ghi no|the tin dung|card number"},
    {.id = "card.pan", .category = PD_CAT_SENSITIVE,
     .description = "International payment card number: issuer range, length and Luhn",
     /* contiguous, or grouped as cards print them (check_pan): a separator allowed anywhere made
      * this pattern a quarter of Hyperscan's time on digit-heavy text */
     .pattern = "\\d{13,19}|\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{1,4}|\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{4}[ -]\\d{1,3}|"
                "\\d{4}[ -]\\d{6}[ -]\\d{4,5}",
     .left = PD_GUARD_NUMBER, .right = PD_GUARD_NUMBER, .max_len = 40, .validate = check_pan,
     .alphabet = DIGITS " -",
     .mask = PD_MASK_DIGITS, .base_confidence = 75, .context_bonus = 20,
     .context = "card|the tin dung|credit card|visa|mastercard|so the|cvv|expiry|het han|amex|jcb"},
    {.id = "vn.bank_account", .category = PD_CAT_SENSITIVE,
     .description = "Bank account number after an account label, or in a VietQR image URL",
     .pattern = "(?:(?:so tai khoan|so tk|stk|tai khoan so|tk so|account no\\.?|account number|bank account|acc no\\.?)[^0-9\\n]{0,20}|img\\.vietqr\\.io/image/\\d{6}-)(?<v>\\d{6,19})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 80, .mask = PD_MASK_DIGITS,
     .base_confidence = 75, .anti_penalty = 30, .anti_context = NUMBER_CONTEXT_ANTI},
    {.id = "email", .category = PD_CAT_BASIC, .description = "E-mail address",
     .pattern = "[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,24}",
     .prefilter = "@[a-z0-9]", /* any repeat around the "@" slowed the whole database 5x */
     .left = PD_GUARD_EMAIL, .right = PD_GUARD_EMAIL, .max_len = 254, .anchor_reach = 66, /* local part <= 64 */
     .alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._%+-@",
     .validate = check_email,
     .mask = PD_MASK_EMAIL, .base_confidence = 80},
    {.id = "ip", .category = PD_CAT_BASIC, .description = "IPv4 address (private ranges get low confidence)",
     .pattern = "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
     .left = PD_GUARD_IP, .right = PD_GUARD_IP, .max_len = 15, .validate = check_ip,
     .alphabet = DIGITS ".",
     .mask = PD_MASK_DIGITS, .base_confidence = 60, .context_bonus = 20, .anti_penalty = 60,
     .context = "ip|dia chi ip|ip address|client|remote_addr|x-forwarded-for|src|dst|login from",
     .anti_context = "version|phien ban|ver|build|oid|snmp|release"},
    {.id = "dob", .category = PD_CAT_BASIC, .description = "Date of birth after a label (Ngày sinh, DOB...)",
     .label = "ngay thang nam sinh|ngay sinh|sinh ngay|dob|d\\.o\\.b\\.?|date of birth|birth ?date|birthday|born on",
     .pattern = "[^0-9\\n]{0,16}(?<v>\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2} thang \\d{1,2},? nam \\d{4})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NUMBER, .max_len = 80, .validate = check_dob,
     .mask = PD_MASK_DIGITS, .base_confidence = 85},
    {.id = "person_name", .category = PD_CAT_BASIC,
     .description = "Vietnamese full name after a label (Họ và tên, Full name...)",
     /* no .label: the validator picks among the ends (how many words are capitalised), so
      * Hyperscan reports every end it could be */
     .pattern = "(?:ho va ten|ho ten|ho & ten|ten khach hang|ten nhan vien|ten benh nhan|nguoi lien he|chu tai khoan|full name|customer name|patient name)"
                "[ \\t]*:[ \\t]*(?<v>[a-z]+(?: [a-z]+){1,4})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 120, .validate = check_name,
     .mask = PD_MASK_WORDS, .base_confidence = 80},
    {.id = "address", .category = PD_CAT_BASIC,
     .description = "Postal address after a label (Địa chỉ, thường trú, quê quán...)",
     .label = "dia chi thuong tru|dia chi tam tru|dia chi lien he|dia chi|noi thuong tru|thuong tru|tam tru|que quan|noi o hien tai|noi o|address",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{6,200})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 260, .validate = check_address,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.ethnicity", .category = PD_CAT_SENSITIVE, .description = "Ethnic group after a \"Dân tộc:\" label",
     /* no .label: names that begin other names (Cơ, Cơ Lao) need every end Hyperscan finds */
     .pattern = "dan toc[ \\t]*:[ \\t]*(?<v>kinh|tay|thai|muong|khmer|hoa|nung|h'?mong|mong|dao|gia ?rai|e ?de|ba ?na|xo ?dang|san chay|co ho|cham|"
                "san diu|hre|ra ?glai|m'?nong|x'?tieng|bru[- ]van kieu|tho|giay|co tu|gie[- ]trieng|ma|kho ?mu|co|ta ?oi|cho ?ro|khang|"
                "xinh ?mun|ha nhi|chu ?ru|lao|la chi|la ha|phu la|la hu|lu|lo lo|chut|mang|pa then|co lao|cong|bo y|si la|pu peo|brau|o du|ro mam)",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 64, .validate = check_capitalised_value,
     .mask = PD_MASK_HIDDEN, .base_confidence = 85},
    {.id = "vn.religion", .category = PD_CAT_SENSITIVE, .description = "Religion after a \"Tôn giáo:\" label (\"Không\" is not reported)",
     .pattern = "ton giao[ \\t]*:[ \\t]*(?<v>phat giao(?: hoa hao)?|cong giao|thien chua giao|tin lanh|cao dai|hoa hao|hoi giao|islam|"
                "buu son ky huong|tu an hieu nghia|tinh do cu si|baha'?i|minh su dao|minh ly dao|ba la mon|buddhis[mt]|catholic|protestant|christian|muslim|hindu)",
     .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 80, .mask = PD_MASK_HIDDEN,
     .base_confidence = 90},
    {.id = "vn.health", .category = PD_CAT_SENSITIVE, .description = "Health data after a label (chẩn đoán, bệnh án, xét nghiệm, ICD-10...)",
     .label = "chan doan|benh an|tien su benh|benh su|ket qua xet nghiem|xet nghiem hiv|hiv|benh ly|tinh trang suc khoe|diagnosis|medical history|ma icd(?:-?10)?",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,160})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 220, .validate = check_labelled_value,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.biometric", .category = PD_CAT_SENSITIVE, .description = "Biometric data after a label (vân tay, mống mắt, khuôn mặt, ADN...)",
     .label = "mau van tay|du lieu van tay|van tay|mong mat|du lieu khuon mat|anh khuon mat|adn|dna|fingerprint|iris scan|face template|du lieu sinh trac(?: hoc)?",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,200})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 260, .validate = check_biometric,
     .mask = PD_MASK_HIDDEN, .base_confidence = 75},
    {.id = "vn.criminal_record", .category = PD_CAT_SENSITIVE, .description = "Criminal record after a label (tiền án, tiền sự, án tích, lý lịch tư pháp)",
     .label = "tien an|tien su|an tich|ly lich tu phap|criminal record|conviction",
     .pattern = "[ \\t]*:[ \\t]*(?<v>[^\\n]{2,160})$",
     .left = PD_GUARD_WORD, .right = PD_GUARD_NONE, .max_len = 200, .validate = check_criminal_record,
     .mask = PD_MASK_HIDDEN, .base_confidence = 80},
    {.id = "vn.credentials", .category = PD_CAT_SENSITIVE, .description = "User name, password or OTP after a label",
     .label = "mat khau|password|passwd|pwd|ten dang nhap|username|user name|user_name|login|tai khoan dang nhap|ma otp|otp|ma pin",
     .pattern = "[ \\t]*[:=][ \\t]*(?<v>[^ \\t\\r\\n]{3,128})",
     .left = PD_GUARD_WORD, .right = PD_GUARD_TOKEN, .max_len = 180, .validate = check_credential,
     .mask = PD_MASK_SECRET, .base_confidence = 75},
    {.id = "vn.secret_mark", .category = PD_CAT_STATE_SECRET,
     .description = "State-secret level marking TUYỆT MẬT / TỐI MẬT / MẬT in a marking position (own line, Độ mật field, beside Số:)",
     .pattern = "(?:^[ \\t\"'*\\[(<]*|do mat[ \\t]*:[ \\t]*|^[ \\t]*so[ \\t]*:[ \\t]*\\d[^\\n]{0,60}[ \\t][ \\t])(?<v>(?:tuyet |toi )?mat)",
     .left = PD_GUARD_NONE, .right = PD_GUARD_WORD, .max_len = 100, .validate = check_secret_mark,
     .mask = PD_MASK_NONE, .base_confidence = 90, .context_before = 800, .context_after = 120,
     .context_bonus = 5, .anti_penalty = 100,
     .context = "cong hoa xa hoi chu nghia viet nam|doc lap - tu do - hanh phuc|so|ubnd|bo cong an|quyet dinh|cong van|bao cao|noi nhan",
     .anti_context = "phim|film|tap phim|dien vien|trailer|vietsub|thuyet minh|netflix|imdb"},
    {.id = "vn.secret_recall", .category = PD_CAT_STATE_SECRET, .description = "Recall marking TÀI LIỆU THU HỒI (upper case)",
     .pattern = "(?<v>tai lieu thu hoi)", .left = PD_GUARD_WORD, .right = PD_GUARD_WORD, .max_len = 20,
     .validate = check_recall, .mask = PD_MASK_NONE, .base_confidence = 90},
    {.id = "vn.secret_named_only", .category = PD_CAT_STATE_SECRET,
     .description = "Envelope marking CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ",
     .pattern = "(?<v>chi nguoi co ten moi duoc boc bi)", .left = PD_GUARD_WORD, .right = PD_GUARD_WORD,
     .max_len = 40, .validate = check_named_only, .mask = PD_MASK_NONE, .base_confidence = 90},
    {.id = "vn.secret_declassified", .category = PD_CAT_STATE_SECRET,
     .description = "Declassification marking GIẢI MẬT (own line or beside Số:)",
     .pattern = "(?:^[ \\t\"'*\\[(<]*|^[ \\t]*so[ \\t]*:[ \\t]*\\d[^\\n]{0,60}[ \\t][ \\t])(?<v>giai mat)",
     .left = PD_GUARD_NONE, .right = PD_GUARD_WORD, .max_len = 100, .validate = check_declassified,
     .mask = PD_MASK_NONE, .base_confidence = 90},
};

_Static_assert(sizeof table / sizeof table[0] <= PD_MAX_DETECTORS, "raise PD_MAX_DETECTORS");

const struct pd_detector *pd_detectors(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

const struct pd_detector *pd_detector_find(const char *id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].id, id) == 0)
            return &table[i];
    return NULL;
}

const char *pd_category_name(enum pd_category cat)
{
    switch (cat) {
    case PD_CAT_BASIC: return "basic";
    case PD_CAT_SENSITIVE: return "sensitive";
    case PD_CAT_STATE_SECRET: return "state_secret";
    case PD_CAT_COUNT: break;
    }
    return "unknown";
}

const char *pd_confidence_name(int confidence)
{
    return confidence >= PD_CONF_HIGH ? "high" : confidence >= PD_CONF_MEDIUM ? "medium" : "low";
}

/* Helpers the detectors' checks share: the folded span, its digits, attributes, case. */
#include "detectors/family-int.h"

#include <string.h>

/* Copies the digits of the folded span into out; returns their count (0 if more than cap-1). */
size_t pd_check_span_digits(const struct pd_candidate *c, char *out, size_t cap)
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
void pd_check_set_string(char *out, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

/* Adds a non-negative numeric attribute, zero-padded to width digits (0: as is). */
void pd_check_set_attr(struct pd_candidate *c, const char *key, long v, int width)
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

void pd_check_set_attr_str(struct pd_candidate *c, const char *key, const char *value)
{
    if (c->n_attrs >= PD_MAX_ATTRS)
        return;
    c->attrs[c->n_attrs].key = key;
    pd_check_set_string(c->attrs[c->n_attrs].value, sizeof c->attrs[0].value, value, strlen(value));
    c->n_attrs++;
}

/* True when every letter of the original (NFC) span is upper case. */
bool pd_check_original_is_upper(const struct pd_candidate *c, char *orig, size_t cap)
{
    pd_text_original(c->text, c->start, c->end, orig, cap);
    return pd_text_is_upper(orig);
}

/* Drops trailing blanks and punctuation that a rest-of-line pattern took in. */
void pd_check_trim_end(struct pd_candidate *c)
{
    while (c->end > c->start && strchr(" \t\r.;,", fold_at(c)[c->end - 1]))
        c->end--;
}

/* True if the folded span is a word from the '|'-list (whole span compare). */
bool pd_check_span_in_list(const struct pd_candidate *c, const char *list)
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



/* Internals of the detector table: the families of entries (one file each) and the helpers their
 * checks share. table.c joins the families, in this order, into the one table. */
#ifndef PD_FAMILY_INT_H
#define PD_FAMILY_INT_H

#include "detectors/detector.h"

/* Each family: an array of entries and its length. Families are joined in this order, which with
 * the order of entries in each gives every detector its index (the order `pdpscan detectors`
 * lists, and the bit of policy filters). */
#define PD_DETECTOR_FAMILIES(X) X(identifiers) X(generic) X(labelled) X(markings)
#define PD_FAMILY_DECLARE(name)                                                                          \
    extern const struct pd_detector pd_family_##name[];                                                  \
    extern const size_t pd_family_##name##_count;
PD_DETECTOR_FAMILIES(PD_FAMILY_DECLARE)
#undef PD_FAMILY_DECLARE

/* Alphabets of numeric detectors: a match holds nothing else, so PCRE2 need not look before them */
#define DIGITS "0123456789"
#define NUMBER_CONTEXT_ANTI "ma don hang|ma van don|so hoa don|order id|order no|invoice|ma giao dich|transaction id|tracking|ma san pham|sku|serial"
/* values that say there is none */
#define NONE_VALUES "khong|khong co|chua|chua co|binh thuong|none|no|n/a|na|nil|null|-|--|x|khong ro|chua xac dinh"

static inline const char *fold_at(const struct pd_candidate *c) { return c->text->fold; }

/* Copies the digits of the folded span into out; returns their count (0 if more than cap-1). */
size_t pd_check_span_digits(const struct pd_candidate *c, char *out, size_t cap);
/* Copies n bytes of src as a string into out (cap bytes), truncating (snprintf showed in profiles). */
void pd_check_set_string(char *out, size_t cap, const char *src, size_t n);
/* Adds a non-negative numeric attribute, zero-padded to width digits (0: as is). */
void pd_check_set_attr(struct pd_candidate *c, const char *key, long v, int width);
void pd_check_set_attr_str(struct pd_candidate *c, const char *key, const char *value);
/* True when every letter of the original (NFC) span is upper case. */
bool pd_check_original_is_upper(const struct pd_candidate *c, char *orig, size_t cap);
/* Drops trailing blanks and punctuation that a rest-of-line pattern took in. */
void pd_check_trim_end(struct pd_candidate *c);
/* True if the folded span is a word from the '|'-list (whole span compare). */
bool pd_check_span_in_list(const struct pd_candidate *c, const char *list);

#endif

/* The label vocabulary: what a field name (a CSV header, a JSON key, a database or SQL dump column,
 * an XML element, a "key=value" key, a table header in text) says its values are.
 *
 * Readers put the label in front of each value ("ho ten: Nguyễn Văn An"), and the labelled
 * detectors recognise the label as they would in prose. Field names come in many spellings
 * (ho_ten, hoTen, HO_TEN, "Họ và tên", full_name, fullName, name): the vocabulary maps each to the
 * one label the detectors know. A name it does not know keeps its own words ("so_cmnd" ->
 * "so cmnd"), which detectors may still know. Names that look like labels but are not
 * (order_id, product_name, company_name, file_name) keep their words in brackets, a label no
 * detector takes, so that a value under them is never labelled personal by a word of its key. */
#ifndef PD_LABELS_H
#define PD_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#define PD_LABEL_MAX 48   /* a label's bytes, NUL included */
#define PD_COLUMNS_MAX 64 /* columns of a table that get a label; those past it are read unlabelled */

enum pd_label_kind {
    PD_LABEL_KNOWN,        /* the vocabulary knows the name: out is the detectors' label */
    PD_LABEL_UNKNOWN,      /* out is the name's own words, folded */
    PD_LABEL_NOT_PERSONAL, /* a look-alike (order_id, product_name): out is "(order id)" */
    PD_LABEL_EMPTY,        /* no letter in the name: out is empty */
};

/* The name's words: camelCase split, separators (_ - . / space) as one space, folded (no case,
 * no accents), digits kept, other punctuation dropped. Writes at most cap - 1 bytes and a NUL. */
size_t pd_label_words(const char *name, size_t n, char *out, size_t cap);

/* The label for a field named name[0, n) (UTF-8), into out (PD_LABEL_MAX bytes). */
enum pd_label_kind pd_label_for_field(const char *name, size_t n, char out[PD_LABEL_MAX]);

/* The same, and whether the name as written, before a colon, is already a label the detectors
 * read (prose such as "Họ và tên: ..." is then left as it is). */
enum pd_label_kind pd_label_lookup(const char *name, size_t n, char out[PD_LABEL_MAX], bool *as_written);

/* Whether name[0, n) is, word for word, a field name the vocabulary lists (1: one of a personal
 * field, -1: a look-alike's, 0: neither); no compound is guessed. For grouping the words of a
 * header whose cells are not delimited ("Ngay sinh So CCCD"). */
int pd_label_listed(const char *name, size_t n);

/* The same for a database column, whose SQL type also speaks: a date or timestamp column whose
 * name says birth ("birth_date", "ngay_sinh", "dob", "sinh") is a date of birth. */
enum pd_label_kind pd_label_for_column(const char *name, const char *sql_type, char out[PD_LABEL_MAX]);

#endif

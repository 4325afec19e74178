/* Structured text read as fields: each value is put on a line of its own after the label its field
 * name gives it ("ho ten: Nguyễn Văn An"), so that the labelled detectors find in a JSON key, an SQL
 * dump column, a CSV header or a table header in text what they find after a label in prose.
 *
 * A reader recognises its structure in the first decoded bytes of a unit (pd_fields_detect), then
 * rewrites each window of decoded UTF-8 into a labelled view (pd_fields_view) with an offset map
 * back to the decoded bytes, so that reported offsets, lines and columns stay the file's. The
 * reader's state is carried from one window to the next, so memory stays bounded whatever the
 * size of the input (a 2 GB JSON array is read window by window). Every value also records the
 * field path that labelled it (pd_fields_field_at): "khach_hang[].ho_ten", "nhan_vien.so_cmnd",
 * "Họ và tên". The readers are listed once in fields.c. */
#ifndef PD_FIELDS_H
#define PD_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/labels.h"
#include "util/error.h"

struct pd_fields;

/* What the caller knows of the unit: its MIME type from libmagic (may be NULL), its name. */
struct pd_fields_hint {
    const char *mime;
    const char *name;
    bool slice; /* a slice of a large text, starting mid-line: only the text reader, from the next line */
};

/* A reader state for one unit. Returns PD_ERR_NOMEM on allocation failure. */
enum pd_error pd_fields_create(struct pd_fields **out);
void pd_fields_destroy(struct pd_fields *f);

/* Looks for a structure in the first n bytes of decoded text (UTF-8) and prepares f to read it
 * from the start of the text. Returns false (f unchanged in use) when no reader recognises one. */
bool pd_fields_detect(struct pd_fields *f, const char *utf8, size_t n, const struct pd_fields_hint *hint);

/* The recognised structure: "delimited", "json", "sql", "text". */
const char *pd_fields_kind(const struct pd_fields *f);

/* Room the view of len bytes needs, in bytes and in map entries. */
size_t pd_fields_view_cap(size_t len);

/* Writes the labelled view of in[0, len) into out, map[i] being the offset in `in` of out[i].
 * in_raw (NULL: identity) maps `in` to the caller's raw offsets: the next window starts at raw
 * offset `resume` of this one (SIZE_MAX: there is none), and fields are recorded by raw offset.
 * Returns the view's length, or SIZE_MAX when the view would equal `in` (nothing to label: the
 * caller then uses `in` as it is). */
size_t pd_fields_view(struct pd_fields *f, const char *in, size_t len, const uint32_t *in_raw, size_t resume,
                      char *out, uint32_t *map);

/* The next window starts at `resume` of the last one viewed. */
void pd_fields_next_window(struct pd_fields *f);

/* The field path of the value that holds raw offset off in the last window viewed, or NULL. The
 * string lives as long as f. A name in it that may itself be data (a JSON object keyed by phone
 * numbers or names, a first row of data taken for a header) reads "*": a report never holds a
 * value through it. */
const char *pd_fields_field_at(struct pd_fields *f, size_t off);

#endif

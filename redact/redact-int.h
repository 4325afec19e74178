/* Inside pdpscan redact: operators, the rules that choose them, and the formats redacted in place. */
#ifndef PD_REDACT_INT_H
#define PD_REDACT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detectors/detector.h"
#include "redact/redact.h"

#define PD_REDACT_ARG_MAX 64
#define PD_REDACT_OUT_MAX 512 /* a replacement, in ASCII */

/* A found value as it is in the file: raw bytes in the file's encoding. */
struct pd_redact_value {
    const struct pd_detector *detector;
    const unsigned char *raw;
    size_t len;
    unsigned unit;     /* bytes per code unit: 1, or 2 for UTF-16 */
    bool big_endian;
    const char *hash;  /* the keyed value hash (32 hex digits): pseudonyms */
    bool number;       /* a JSON or SQL number: the output must be a number too */
};

/* An operator writes the replacement as ASCII (every encoding pdpscan writes back holds ASCII as
 * itself, or widened in UTF-16), so that no replacement needs a character the file cannot hold. */
struct pd_redact_operator {
    const char *name;
    const char *argument; /* what its argument may be, for messages; NULL: none */
    bool (*check)(const char *arg);
    /* writes a NUL-terminated replacement of at most PD_REDACT_OUT_MAX - 1 bytes */
    void (*apply)(const struct pd_redact_value *v, const char *arg, char *out);
};

#define PD_REDACT_OPERATOR_LIST(X) X(mask) X(replace) X(hash) X(drop) X(keep)
#define PD_REDACT_DECLARE(name) extern const struct pd_redact_operator pd_redact_op_##name;
PD_REDACT_OPERATOR_LIST(PD_REDACT_DECLARE)
#undef PD_REDACT_DECLARE

const struct pd_redact_operator *pd_redact_operator_find(const char *name);

/* The operator and argument a detector's findings get. */
struct pd_redact_choice {
    const struct pd_redact_operator *op;
    char arg[PD_REDACT_ARG_MAX];
    const char *origin; /* "default", the rule's key */
};
void pd_redact_rules_choose(const struct pd_redact_rules *rules, const struct pd_detector *d,
                            struct pd_redact_choice *out);

/* The type tag of a detector: "CCCD", "HO_TEN", "SDT". */
const char *pd_redact_tag(const struct pd_detector *d);

/* Formats redacted in place, by how a value can sit in them. */
enum pd_redact_syntax {
    PD_SYNTAX_TEXT,  /* prose, Markdown, CSV/TSV cells, SQL COPY data: any replacement fits */
    PD_SYNTAX_JSON,  /* JSON and JSON Lines: outside a string, a value is a number */
    PD_SYNTAX_SQL,   /* SQL INSERT dumps: outside a quoted string, a value is a number */
    PD_SYNTAX_PACKAGE, /* XLSX and DOCX: text in XML parts of a zip package (office.c) */
};
struct pd_redact_format {
    const char *name;
    enum pd_redact_syntax syntax;
};
/* The format of a file pdpscan read as mime, by its name too; NULL: not redacted in place. */
const struct pd_redact_format *pd_redact_format_for(const char *mime, const char *path);

/* One edit of a text: [offset, offset + length) becomes text (ASCII). */
struct pd_redact_edit {
    size_t offset, length;
    char text[PD_REDACT_OUT_MAX];
};

/* What the package reader asks of the run: the edits, in order, for a text as the scanner would
 * read it (name: the part with an extension that tells a table from prose); number_at tells
 * whether an offset is in a numeric cell (NULL: none is). *out is malloc'd. */
struct pd_redact_texts {
    void *arg;
    enum pd_error (*edits)(void *arg, const char *name, const char *text, size_t len,
                           bool (*number_at)(void *narg, size_t offset), void *narg, struct pd_redact_edit **out,
                           size_t *n);
};

/* Redacts an XLSX (workbook) or DOCX package read from in_fd into out_fd: shared strings, inline
 * strings and numbers of sheets; paragraphs of the document, its headers, footers, notes and
 * comments. Other members are written again as they were. PD_ERR_FORMAT with why for a package
 * or part that cannot be read. */
enum pd_error pd_redact_ooxml(const struct pd_redact_texts *t, bool workbook, int in_fd, int out_fd, char *why,
                              size_t cap);

/* drop.c: which columns of a table (delim ',' or '\t'; unit 1, or 2 for UTF-16) hold the sorted
 * offsets (drop[column] set, for columns below max); then the table written again without them,
 * the rest byte for byte. */
enum pd_error pd_redact_columns_of(int fd, unsigned unit, bool big_endian, char delim, const uint64_t *offsets,
                                   size_t n, bool *drop, size_t max);
enum pd_error pd_redact_remove_columns(int in, int out, unsigned unit, bool big_endian, char delim, const bool *drop,
                                       size_t max);
/* JSON (or JSON Lines, a record per line) at in_path written to out without the keys whose field
 * path ("khach_hang[].so_cccd") is listed; *removed counts the keys removed. */
enum pd_error pd_redact_drop_keys(const char *in_path, int out, bool lines, char *const *paths, size_t n,
                                  size_t *removed, char *why, size_t cap);

#endif

/* Internals shared by the structure readers (fields.h): the reader interface, the view being
 * written, and the unit's table of field names. */
#ifndef PD_FIELDS_INT_H
#define PD_FIELDS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text/fields/fields.h"

#define PD_FIELDS_MAX_NAMES 4096 /* distinct field paths a unit may name; more are read unnamed */
#define PD_FIELD_NONE (-1)

/* The labelled view of one window, as a reader writes it. */
struct pd_fields_out {
    char *buf;
    uint32_t *map;
    size_t len, cap;
    size_t label_budget; /* label bytes this window may still add */
    int open_field;      /* the field whose value is being written, or PD_FIELD_NONE */
    uint32_t open_at;    /* the raw offset where that value began */
};

/* A structure reader. Its state (state_size bytes, zeroed by detect's caller) is all it keeps
 * between windows, so that fields.c can save it where the next window starts. */
struct pd_fields_reader {
    const char *kind;
    size_t state_size;
    /* Recognises the structure in the first n decoded bytes; fills state for the text's start. */
    bool (*detect)(struct pd_fields *f, void *state, const char *p, size_t n, const struct pd_fields_hint *hint);
    /* Writes the view of in[0, len) from state; calls pd_fields_at_resume() when it reaches
     * in-offset resume_in (a byte offset it steps on: readers go byte by byte, or line by line
     * when they note how far the next window must skip). Returns false when nothing changed
     * (o is then unused). */
    bool (*view)(struct pd_fields *f, void *state, struct pd_fields_out *o, const char *in, size_t len,
                 size_t resume_in);
};

/* The readers, defined in their files and listed in fields.c. */
extern const struct pd_fields_reader pd_fields_delimited, pd_fields_json, pd_fields_sql, pd_fields_lines;

/* Records that the state as it stands is the next window's starting state. */
void pd_fields_at_resume(struct pd_fields *f, const void *state);

/* The id of the field path parent_path + sep + key (interned; parent PD_FIELD_NONE: key alone),
 * labelled by its last key (sql_type: a database column's type, or NULL). PD_FIELD_NONE when
 * the table is full. */
int pd_fields_name(struct pd_fields *f, int parent, const char *sep, const char *key, size_t key_len,
                   const char *sql_type);
/* The label of a field id (empty for PD_FIELD_NONE) and what the vocabulary said of it. */
const char *pd_fields_label(const struct pd_fields *f, int id);
enum pd_label_kind pd_fields_label_kind(const struct pd_fields *f, int id);
/* Whether the detectors read its last key as it is spelt (pd_label_lookup). */
bool pd_fields_as_written(const struct pd_fields *f, int id);
/* Its path as written (the reported one, pd_fields_field_at's, shows "*" for a name that may be data). */
const char *pd_fields_path(const struct pd_fields *f, int id);

/* Writing the view: one byte from in-offset at (mapped to it), a range copied as it is, the label
 * of a field before its value ("label: ", the value's span opened at in-offset at), and the end
 * of a value (a newline, the span closed). */
static inline void pd_fields_put(struct pd_fields_out *o, char c, size_t at)
{
    if (o->len < o->cap) {
        o->buf[o->len] = c;
        o->map[o->len++] = (uint32_t)at;
    }
}

static inline void pd_fields_copy(struct pd_fields_out *o, const char *in, size_t from, size_t to)
{
    if (to > from + (o->cap - o->len))
        to = from + (o->cap - o->len);
    if (to <= from)
        return;
    memcpy(o->buf + o->len, in + from, to - from);
    uint32_t *map = o->map + o->len;
    for (size_t i = 0; i < to - from; i++) /* a loop the compiler vectorises */
        map[i] = (uint32_t)(from + i);
    o->len += to - from;
}

void pd_fields_open(struct pd_fields *f, struct pd_fields_out *o, int field, size_t at);
/* Records that in[from, to) is a value of field without writing anything (a line the detectors
 * read as it is). */
void pd_fields_mark(struct pd_fields *f, struct pd_fields_out *o, int field, size_t from, size_t to);
/* At a window's start inside a value: its span goes on, without a label (the label went before
 * the value, in the window where it began). */
void pd_fields_continue(struct pd_fields *f, struct pd_fields_out *o, int field);
void pd_fields_close(struct pd_fields *f, struct pd_fields_out *o, size_t at);

/* A line of Unicode text typed in a TCVN3 or VNI font, as catdoc prints a .doc that mixes them
 * ("tèi mËt"): every character one Windows-1252 has, and read as those bytes in TCVN3 or VNI it
 * makes Vietnamese. The whole text's encoding guess misses such a line among proper Vietnamese
 * ones. Writes the line decoded into out (cap >= 3 n + 1) and returns its length, or 0. */
#define PD_FIELDS_LEGACY_LINE 256
size_t pd_fields_legacy_line(const char *p, size_t n, char *out, size_t cap);

/* Shared by the readers that find a header row: whether a cell reads as a column name (a few
 * words with a letter, no long number, no sentence punctuation). */
bool pd_fields_header_cell(const char *p, size_t n);

#endif

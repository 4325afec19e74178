/* Word tables (w:tbl) as lines the detectors can read. A detector reads a value after its label
 * on the same line ("Số CMND: 012345678"); a table puts labels in other cells:
 * - a list numbered by its first column ("STT | Họ và tên | Số CMND") has its labels in the header
 *   row: each cell below it is written as a line "label: value";
 * - a form has them in the cell before the value ("Số CMND | 012345678"): a short one-paragraph
 *   cell without digits is written before the next cell's text as "label: value".
 * Everything else keeps one line per paragraph, the lines state-secret markings are counted on:
 * a marking cell is never taken for a label, and a marking is never written after a label other
 * than "Độ mật". Tables inside cells stay inside their cell. */
#ifndef PD_WORD_TABLE_H
#define PD_WORD_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "text/labels.h"

/* Where the table writes its text: the part's extracted text. */
struct pd_word_table_out {
    void (*put)(void *ctx, const char *s, size_t n);
    void *ctx;
};

enum pd_form_state {
    PD_FORM_NONE,      /* text written as it comes */
    PD_FORM_HOLDING,   /* a cell's text held back: it may be a label */
    PD_FORM_LABEL,     /* it is one, waiting for the next cell */
    PD_FORM_UNDECIDED, /* in that next cell, before its first text */
    PD_FORM_JOINED,    /* "label: " written, the value follows on its line */
};

struct pd_word_table {
    const struct pd_word_table_out *out;
    int depth;            /* w:tbl nesting */
    unsigned row, column; /* in the outermost table; row 1 is the header candidate */
    unsigned span;        /* columns the current outermost cell covers (w:gridSpan) */
    unsigned paragraphs;  /* of the current header cell */
    bool header_ok, list;
    unsigned n_labels;
    size_t label_len;
    char labels[PD_COLUMNS_MAX][PD_LABEL_MAX];
    enum pd_form_state form;
    char held[PD_LABEL_MAX];
    size_t held_len;
    unsigned held_paragraphs;
};

void pd_word_table_init(struct pd_word_table *t, const struct pd_word_table_out *out);

/* A WordprocessingML element starts or ends; true when the table wrote what it stands for (the
 * caller then writes nothing for it). */
bool pd_word_table_start(struct pd_word_table *t, const char *name, const char **attrs);
bool pd_word_table_end(struct pd_word_table *t, const char *name);

/* Character data, decoded (a legacy font's text too). in_run: inside w:r; plain: not a red run
 * (a stamp). True when the table took the text (held, or whitespace between cells). */
bool pd_word_table_text(struct pd_word_table *t, const char *s, size_t n, bool in_run, bool plain);

#endif

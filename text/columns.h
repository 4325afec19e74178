/* Delimited text with a header row (CSV, TSV, semicolon exports): each cell is scanned as a line
 * "header: value", the way database columns are, so that a column named "so_cmnd" or "ho_ten"
 * is the label weak identifiers need. Without it a CMND-only export reads as bare numbers.
 *
 * The labelled view is built per window from the raw bytes (delimiters, quotes and newlines are
 * ASCII, so UTF-8 is cut safely): a delimiter becomes a newline, the label is inserted before each
 * cell and maps to the cell's first byte, so reported offsets, lines and columns are the file's.
 * The parse state (column, inside quotes) is carried from one window to the next. */
#ifndef PD_COLUMNS_H
#define PD_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PD_COLUMNS_MAX 64 /* columns past these are scanned without a label */
#define PD_LABEL_MAX 48

struct pd_cells_state {
    unsigned column;
    bool quoted;
    bool escape;      /* inside quotes, after the first quote of "" */
    bool header;      /* still in the header row, whose cells are labels, not values */
    bool cell_start;  /* the next byte opens a cell */
};

struct pd_columns {
    char delimiter;
    unsigned count;
    char labels[PD_COLUMNS_MAX][PD_LABEL_MAX]; /* letters and spaces only: a label is never a value */
    struct pd_cells_state at_start;  /* at the first byte of the window being built */
    struct pd_cells_state at_resume; /* at byte `resume` of that window, where the next one starts */
    size_t resume;
};

/* Recognises a header row and at least one row with as many cells in the first bytes of a text
 * (valid UTF-8 or ASCII). Fills out, positioned at the start of the text. */
bool pd_columns_detect(const unsigned char *p, size_t n, struct pd_columns *out);

/* Writes the labelled view of raw[0, len) into out (cap bytes) with map[i] the raw offset of
 * out[i], starting from c->at_start and recording c->at_resume. Labels stop once they would
 * make the view about twice the raw size (cells of a byte or two). Returns the view's length;
 * out and map must hold pd_columns_view_cap(len) entries. */
size_t pd_columns_view(struct pd_columns *c, const unsigned char *raw, size_t len, char *out, uint32_t *map);
size_t pd_columns_view_cap(size_t len);

/* The next window starts at `resume` of this one. */
void pd_columns_next_window(struct pd_columns *c);

#endif

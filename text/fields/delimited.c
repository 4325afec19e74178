/* Delimited text (CSV, TSV, semicolon and pipe exports) in any encoding, read after decoding: each
 * cell is put on a line of its own after its column's label. The header is found per block of
 * rows: title lines above it, a note row below the data or a second table with other columns do
 * not switch labelling off. A row of one cell under a wider header (a title, a note) is read as
 * it is; other rows are labelled cell by cell. */
#include "text/fields/fields-int.h"

#include <string.h>

#define HEADER_SEARCH_LINES 12 /* title and blank lines a header may follow */
#define ROWS_CHECKED 5
#define MAX_ROW_LOOKAHEAD (64u << 10)

struct delimited_state {
    char delimiter;
    unsigned count;                 /* the header's cells */
    int fields[PD_COLUMNS_MAX];     /* the field of each column */
    unsigned column;
    bool quoted, escape;
    bool cell_start, row_start;
    bool labelled;                  /* the row being read has its header's shape */
    bool header_row;                /* the row being read is a header (its cells are names) */
    unsigned lines_before;          /* title lines above the first header, still to come */
    bool header_next;               /* the first header is the next row */
};

/* Cells of the row at p: their count, and in spans (when given) where the first PD_COLUMNS_MAX
 * are. Returns the row's length including its newline, or 0 if the row does not end within n
 * bytes. Quotes open only at the start of a cell; "" inside quotes is a quote. */
static size_t parse_row(const char *p, size_t n, char delim, unsigned *cells, size_t spans[][2])
{
    unsigned count = 0;
    size_t start = 0;
    bool quoted = false, fresh = true;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (quoted) {
            if (c == '"' && i + 1 < n && p[i + 1] == '"')
                i++;
            else
                quoted = c != '"';
            continue;
        }
        if (c == '"' && fresh) {
            quoted = true;
            fresh = false;
            continue;
        }
        fresh = false;
        if (c == delim || c == '\n') {
            if (spans && count < PD_COLUMNS_MAX) {
                spans[count][0] = start;
                spans[count][1] = i > start && c == '\n' && p[i - 1] == '\r' ? i - 1 : i;
            }
            count++;
            start = i + 1;
            fresh = true;
            if (c == '\n') {
                *cells = count;
                return i + 1;
            }
        }
    }
    return 0;
}

/* How many cells of the row at p name a field the vocabulary knows. */
static unsigned known_names(const char *p, size_t len, char delim)
{
    size_t spans[PD_COLUMNS_MAX][2];
    unsigned cells = 0, known = 0;
    if (!parse_row(p, len, delim, &cells, spans))
        return 0;
    for (unsigned c = 0; c < cells && c < PD_COLUMNS_MAX; c++) {
        char label[PD_LABEL_MAX];
        known += spans[c][1] > spans[c][0] &&
                 pd_label_for_field(p + spans[c][0], spans[c][1] - spans[c][0], label) == PD_LABEL_KNOWN;
    }
    return known;
}

/* Whether the row at p (len bytes with its newline) is a header: every cell a column name or
 * empty (a sheet's rows start with the empty cells before the first column used), one at least
 * not empty. */
static bool header_row(const char *p, size_t len, char delim, unsigned *cells)
{
    size_t spans[PD_COLUMNS_MAX][2];
    if (!parse_row(p, len, delim, cells, spans) || *cells < 2)
        return false;
    unsigned named = 0;
    for (unsigned c = 0; c < *cells && c < PD_COLUMNS_MAX; c++) {
        size_t n = spans[c][1] - spans[c][0];
        if (n == 0)
            continue;
        if (!pd_fields_header_cell(p + spans[c][0], n))
            return false;
        named++;
    }
    return named >= 1;
}

/* Takes the header at p as the labels of the rows below it. */
static void take_header(struct pd_fields *f, struct delimited_state *s, const char *p, size_t len)
{
    size_t spans[PD_COLUMNS_MAX][2];
    unsigned cells = 0;
    parse_row(p, len, s->delimiter, &cells, spans);
    s->count = cells;
    for (unsigned c = 0; c < cells && c < PD_COLUMNS_MAX; c++) {
        const char *q = p + spans[c][0];
        size_t n = spans[c][1] - spans[c][0];
        if (n >= 2 && q[0] == '"' && q[n - 1] == '"') {
            q++;
            n -= 2;
        }
        while (n && (*q == ' ' || *q == '\t')) {
            q++;
            n--;
        }
        if (n >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0) { /* the BOM before a UTF-8 export's first name */
            q += 3;
            n -= 3;
        }
        while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
            n--;
        s->fields[c] = n ? pd_fields_name(f, PD_FIELD_NONE, "", q, n, NULL) : PD_FIELD_NONE;
    }
}

/* Rows after the one at `at` with `cells` cells: how many of the next ROWS_CHECKED share it
 * (*same) and how many were read (*read). */
static void rows_after(const char *p, size_t n, size_t at, char delim, unsigned cells, unsigned *same,
                       unsigned *read)
{
    *same = *read = 0;
    for (size_t k; *read < ROWS_CHECKED && at < n; at += k) {
        unsigned row = 0;
        if (!(k = parse_row(p + at, n - at, delim, &row, NULL)))
            break;
        if (row == 1 && k <= 2)
            continue; /* a blank line */
        (*read)++;
        *same += row == cells;
    }
}

static bool detect(struct pd_fields *f, void *state, const char *p, size_t n, const struct pd_fields_hint *hint)
{
    (void)hint;
    static const char delimiters[] = {',', ';', '\t', '|'};
    struct delimited_state *s = state;
    size_t at = 0;
    for (unsigned line = 0; line < HEADER_SEARCH_LINES && at < n; line++) {
        const char *eol = memchr(p + at, '\n', n - at);
        if (!eol)
            break;
        size_t len = (size_t)(eol - (p + at)) + 1;
        unsigned best = 0;
        char best_delim = 0;
        for (size_t d = 0; d < sizeof delimiters; d++) {
            unsigned cells, same, read;
            if (!memchr(p + at, delimiters[d], len) || !header_row(p + at, len, delimiters[d], &cells) || cells <= best)
                continue;
            rows_after(p, n, at + len, delimiters[d], cells, &same, &read);
            /* most rows below share its shape (a note row may not); a single name over a row that
             * names a field too is a list of names, one per line, not a column */
            const char *next = memchr(p + at + len, '\n', n - at - len);
            bool names_below = next && known_names(p + at + len, (size_t)(next - (p + at + len)) + 1, delimiters[d]) > 0;
            if (same >= 1 && 2 * same > read && !(names_below && known_names(p + at, len, delimiters[d]) <= 1)) {
                best = cells;
                best_delim = delimiters[d];
            }
        }
        if (best) {
            s->delimiter = best_delim;
            take_header(f, s, p + at, len);
            /* the lines above the header are read as they are, the header as names */
            s->lines_before = line;
            s->header_next = true;
            s->row_start = s->cell_start = true;
            return true;
        }
        at += len;
    }
    return false;
}

/* Cells of the row at p when it holds no quote (the common case, counted without parsing), else
 * parse_row's answer; 0 when the row does not end within n bytes. */
static size_t count_cells(const char *p, size_t n, char delim, unsigned *cells)
{
    const char *nl = memchr(p, '\n', n);
    if (!nl)
        return 0;
    size_t len = (size_t)(nl - p) + 1;
    if (memchr(p, '"', len))
        return parse_row(p, n, delim, cells, NULL);
    unsigned count = 1;
    for (size_t i = 0; i < len; i++)
        count += p[i] == delim;
    *cells = count;
    return len;
}

/* A row of dashes (with pipes, colons, pluses, spaces): a rule, not data. */
static bool rule_row(const char *p, size_t n)
{
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '-')
            dash = true;
        else if (!strchr("|:+= \t\r\n", p[i]))
            return false;
    }
    return dash;
}

/* At a row's start: decides whether it is labelled, a new header, or read as it is. */
static void start_row(struct pd_fields *f, struct delimited_state *s, const char *in, size_t i, size_t len)
{
    size_t n = len - i < MAX_ROW_LOOKAHEAD ? len - i : MAX_ROW_LOOKAHEAD;
    s->header_row = false;
    /* the common case, cheaply: a row of data (a digit in it) with a delimiter is labelled, and can
     * be neither a header nor a rule */
    const char *nl = memchr(in + i, '\n', n);
    if (nl && !s->lines_before && !s->header_next) {
        bool digit = false, delim = false;
        for (const char *p = in + i; p < nl && !(digit && delim); p++) {
            digit |= *p >= '0' && *p <= '9';
            delim |= *p == s->delimiter;
        }
        if (digit && delim && in[i] != '|' && in[i] != '-' && in[i] != '+') {
            s->labelled = true;
            return;
        }
    }
    unsigned cells = 0;
    size_t k = count_cells(in + i, n, s->delimiter, &cells);
    if (s->lines_before || s->header_next) {
        s->labelled = false;
        s->header_row = !s->lines_before;
        if (s->lines_before)
            s->lines_before--;
        else
            s->header_next = false;
        return;
    }
    if (!k) { /* cut by the window's end: the next window sees it whole */
        s->labelled = true;
        return;
    }
    if (rule_row(in + i, k)) { /* "|---|:--|": a Markdown table's rule under its header */
        s->labelled = false;
        return;
    }
    /* a row of one cell under a wider header is a title or a note; a row with more cells than its
     * header most often has commas in its free text, and a shorter one lacks its last cells:
     * both keep the labels of the cells they have */
    s->labelled = cells >= 2 || s->count < 2;
    if (cells == s->count || cells < 2)
        return;
    unsigned hc, same, read;
    if (header_row(in + i, k, s->delimiter, &hc)) {
        rows_after(in, n + i, i + k, s->delimiter, hc, &same, &read);
        if (same >= 1 && 2 * same > read) { /* a new block with columns of its own */
            take_header(f, s, in + i, k);
            s->header_row = true;
        }
    }
}

static bool view(struct pd_fields *f, void *state, struct pd_fields_out *o, const char *in, size_t len,
                 size_t resume_in)
{
    struct delimited_state *s = state;
    bool fresh = false; /* at a cell's first byte */
    if (!s->cell_start && s->labelled && !s->header_row && s->column < s->count && s->column < PD_COLUMNS_MAX &&
        s->fields[s->column] != PD_FIELD_NONE)
        pd_fields_continue(f, o, s->fields[s->column]);
    unsigned char special[256] = {0}; /* the bytes that change the state */
    special['"'] = special['\n'] = special[(unsigned char)s->delimiter] = 1;
    for (size_t i = 0; i < len; i++) {
        if (i == resume_in)
            pd_fields_at_resume(f, s);
        if (s->row_start) {
            s->row_start = false;
            start_row(f, s, in, i, len);
            /* a title or note typed in a legacy font: read decoded, in one piece */
            const char *nl = !s->labelled && !s->header_row ? memchr(in + i, '\n', len - i) : NULL;
            char legacy[3 * PD_FIELDS_LEGACY_LINE + 1];
            size_t k = nl ? (size_t)(nl - (in + i)) : 0, n;
            if (nl && !(resume_in > i && resume_in <= i + k) && (n = pd_fields_legacy_line(in + i, k, legacy, sizeof legacy))) {
                for (size_t b = 0; b < n; b++)
                    pd_fields_put(o, legacy[b], i);
                i += k - 1; /* the newline comes next */
                continue;
            }
        }
        if (s->cell_start) {
            s->cell_start = false;
            fresh = true;
            int field = s->labelled && !s->header_row && s->column < s->count && s->column < PD_COLUMNS_MAX
                            ? s->fields[s->column]
                            : PD_FIELD_NONE;
            if (field != PD_FIELD_NONE)
                pd_fields_open(f, o, field, i);
        }
        char ch = in[i];
        if (!special[(unsigned char)ch]) { /* a run of plain bytes, copied at once */
            size_t run = i + 1;
            while (run < len && !special[(unsigned char)in[run]] && run != resume_in)
                run++;
            pd_fields_copy(o, in, i, run);
            i = run - 1;
            fresh = false;
            continue;
        }
        pd_fields_put(o, ch, i);
        /* the quotes around a cell read as spaces, so that "Nguyễn Văn An" reads as a name */
        if (s->quoted) {
            if (ch == '"' && s->escape) {
                s->escape = false;
            } else if (ch == '"' && i + 1 < len && in[i + 1] == '"') {
                s->escape = true;
            } else if (ch == '"') {
                s->quoted = false;
                o->buf[o->len - 1] = ' ';
            }
        } else if (ch == '"' && fresh) {
            s->quoted = true;
            o->buf[o->len - 1] = ' ';
        } else if (ch == s->delimiter && s->labelled) {
            o->buf[o->len - 1] = '\n'; /* each cell on a line of its own */
            pd_fields_close(f, o, i);
            s->column++;
            s->cell_start = true;
        } else if (ch == '\n') {
            pd_fields_close(f, o, i);
            s->column = 0;
            s->cell_start = true;
            s->row_start = true;
        }
        fresh = false;
    }
    return true;
}

const struct pd_fields_reader pd_fields_delimited = {
    .kind = "delimited", .state_size = sizeof(struct delimited_state), .detect = detect, .view = view};

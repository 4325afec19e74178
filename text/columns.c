/* Delimited text with a header row, scanned cell by cell as "header: value" lines. */
#include "text/columns.h"

#include <string.h>

#define MAX_HEADER_LINE 4096
#define ROWS_CHECKED 5

static bool ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Length of the valid multi-byte UTF-8 character at p (at most avail bytes), 0 if there is none. */
static size_t utf8_char(const unsigned char *p, size_t avail)
{
    size_t k = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (!k || k > avail)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return k;
}

/* Cells of the row starting at p: their count, and in spans (when given) where the first
 * PD_COLUMNS_MAX are. Returns the row's length including its newline, or 0 if the row does not
 * end within n bytes. Quotes open only at the start of a cell; "" inside quotes is a quote. */
static size_t parse_row(const unsigned char *p, size_t n, char delim, unsigned *cells,
                        size_t spans[][2])
{
    unsigned count = 0;
    size_t start = 0;
    bool quoted = false, fresh = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (quoted) {
            if (c == '"' && i + 1 < n && p[i + 1] == '"')
                i++; /* "" is a quote inside the cell */
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
        if (c == (unsigned char)delim || c == '\n') {
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

/* A header cell names a column: a few words with a letter, no long number, no sentence
 * punctuation. (A prose line with a comma is not a header: "Kính gửi: phòng A, phòng B".) */
static bool label_like(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        p++;
        n -= 2;
    }
    if (n > 40)
        return false;
    bool letter = false;
    unsigned digits = 0, words = 1;
    for (size_t i = 0; i < n; i++) {
        digits = p[i] >= '0' && p[i] <= '9' ? digits + 1 : 0;
        if (digits >= 5 || p[i] == ':' || p[i] == '?' || p[i] == '!' || p[i] == '"')
            return false;
        words += p[i] == ' ' && i > 0 && p[i - 1] != ' ';
        letter |= ascii_letter(p[i]) || p[i] >= 0xC2;
    }
    return letter && words <= 5;
}

/* Letters (any script) and single spaces for separators; digits and punctuation dropped. */
static void make_label(const unsigned char *p, size_t n, char out[PD_LABEL_MAX])
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n;) {
        size_t k = p[i] < 0x80 ? 1 : utf8_char(p + i, n - i);
        if (k > 1 || (k == 1 && ascii_letter(p[i]))) {
            if (space && o > 0 && o + 1 < PD_LABEL_MAX)
                out[o++] = ' ';
            space = false;
            if (o + k >= PD_LABEL_MAX)
                break;
            memcpy(out + o, p + i, k);
            o += k;
        } else if (k == 1 && (p[i] == '_' || p[i] == '-' || p[i] == '.' || p[i] == ' ' || p[i] == '/')) {
            space = true;
        }
        i += k ? k : 1;
    }
    out[o] = '\0';
}

bool pd_columns_detect(const unsigned char *p, size_t n, struct pd_columns *out)
{
    static const char delimiters[] = {',', ';', '\t', '|'};
    size_t limit = n < MAX_HEADER_LINE ? n : MAX_HEADER_LINE;
    size_t spans[PD_COLUMNS_MAX][2];
    unsigned best = 0;
    char best_delim = 0;
    for (size_t d = 0; d < sizeof delimiters; d++) {
        unsigned cells = 0;
        size_t len = parse_row(p, limit, delimiters[d], &cells, spans);
        if (!len || cells < 2 || cells <= best)
            continue;
        bool labels = true;
        for (unsigned c = 0; c < cells && c < PD_COLUMNS_MAX && labels; c++)
            labels = spans[c][1] == spans[c][0] || label_like(p + spans[c][0], spans[c][1] - spans[c][0]);
        unsigned rows = 0, row_cells = 0;
        size_t at = len;
        for (size_t k; labels && rows < ROWS_CHECKED && at < n; at += k, rows++) {
            k = parse_row(p + at, n - at, delimiters[d], &row_cells, NULL);
            if (!k) /* the last row may be cut by the end of the sample */
                break;
            if (row_cells != cells)
                labels = false;
        }
        if (labels && rows > 0) {
            best = cells;
            best_delim = delimiters[d];
        }
    }
    if (!best)
        return false;
    memset(out, 0, sizeof *out);
    out->delimiter = best_delim;
    unsigned cells;
    parse_row(p, limit, best_delim, &cells, spans);
    out->count = cells < PD_COLUMNS_MAX ? cells : PD_COLUMNS_MAX;
    for (unsigned c = 0; c < out->count; c++)
        make_label(p + spans[c][0], spans[c][1] - spans[c][0], out->labels[c]);
    out->at_start = (struct pd_cells_state){.header = true, .cell_start = true};
    out->at_resume = out->at_start;
    out->resume = SIZE_MAX;
    return true;
}

#define LABEL_ALLOWANCE (4 * PD_LABEL_MAX) /* on top of one byte of labels per byte of text */

size_t pd_columns_view_cap(size_t len) { return 2 * len + LABEL_ALLOWANCE + PD_LABEL_MAX + 8; }

size_t pd_columns_view(struct pd_columns *c, const unsigned char *raw, size_t len, char *out, uint32_t *map)
{
    struct pd_cells_state st = c->at_start;
    size_t o = 0, budget = len + LABEL_ALLOWANCE; /* label bytes this window may add */
    bool fresh = false;         /* at a cell's first byte */
    for (size_t i = 0; i < len; i++) {
        if (i == c->resume)
            c->at_resume = st;
        if (st.cell_start) {
            st.cell_start = false;
            fresh = true;
            const char *label = !st.header && st.column < c->count ? c->labels[st.column] : "";
            size_t ll = strlen(label);
            if (ll && ll + 2 <= budget) {
                budget -= ll + 2;
                for (size_t k = 0; k < ll; k++) {
                    out[o] = label[k];
                    map[o++] = (uint32_t)i;
                }
                out[o] = ':';
                map[o++] = (uint32_t)i;
                out[o] = ' ';
                map[o++] = (uint32_t)i;
            }
        }
        unsigned char ch = raw[i];
        map[o] = (uint32_t)i;
        out[o++] = (char)ch;
        /* the quotes around a cell read as spaces, so that "Nguyễn Văn An" reads as a name */
        if (st.quoted) {
            if (ch == '"' && st.escape) {
                st.escape = false; /* the second quote of "" */
            } else if (ch == '"' && i + 1 < len && raw[i + 1] == '"') {
                st.escape = true;
            } else if (ch == '"') {
                st.quoted = false;
                out[o - 1] = ' ';
            }
        } else if (ch == '"' && fresh) {
            st.quoted = true;
            out[o - 1] = ' ';
        } else if (ch == (unsigned char)c->delimiter) {
            out[o - 1] = '\n'; /* each cell on a line of its own */
            st.column++;
            st.cell_start = true;
        } else if (ch == '\n') {
            st.column = 0;
            st.header = false;
            st.cell_start = true;
        }
        fresh = false;
    }
    if (c->resume >= len)
        c->at_resume = st;
    return o;
}

void pd_columns_next_window(struct pd_columns *c) { c->at_start = c->at_resume; }

/* Text with structure inside prose: tables (pipe and Markdown tables, tab-separated blocks, HTML
 * tables), "key: value" and "key=value" lines (logs, .env, .ini, .properties, YAML) and one-line
 * XML elements (<HoTen>...</HoTen>, <field name="so_cccd">...</field>). Lines that hold none are
 * left as they are, and a window that holds none is not copied at all. The reader goes line by
 * line: the next window skips to the first whole line after where it starts. */
#include "text/fields/fields-int.h"
#include "text/text.h"

#include <ctype.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_KEY 64
#define MAX_CELLS PD_COLUMNS_MAX

struct lines_state {
    size_t skip;     /* bytes of the window to read as they are, up to its first whole line */
    bool mid_line;   /* ... and past that, up to the next newline: the line began windows ago */
    bool in_table;
    char delim;      /* '|', '\t', or ' ' for columns aligned by runs of spaces (PDF text) */
    unsigned count;  /* the table header's cells */
    int fields[MAX_CELLS];
    unsigned x[MAX_CELLS]; /* aligned tables: where each header cell starts, in characters */
    /* HTML tables */
    unsigned n_th, html_col;
    int th_fields[MAX_CELLS];
    bool legacy_fonts; /* text of a Word 97 document: a line may be in a TCVN3 or VNI font */
};

struct line_out {
    struct pd_fields *f;
    struct pd_fields_out *o;
    const char *in;
    size_t len;
    size_t copied; /* in-offset up to which the view holds the input */
    bool changed;
};

static void copy_to(struct line_out *lo, size_t at)
{
    if (at > lo->copied) {
        pd_fields_copy(lo->o, lo->in, lo->copied, at);
        lo->copied = at;
    }
    lo->changed = true;
}

/* Replaces in[from, to) with "label: value\n" for the value in[vfrom, vto). */
static void put_pair(struct line_out *lo, int field, size_t from, size_t vfrom, size_t vto, size_t to)
{
    copy_to(lo, from);
    pd_fields_put(lo->o, '\n', from);
    pd_fields_open(lo->f, lo->o, field, vfrom);
    pd_fields_copy(lo->o, lo->in, vfrom, vto);
    pd_fields_close(lo->f, lo->o, vto);
    /* the newline stands for the byte after the value (its last byte at the end of the input) */
    pd_fields_put(lo->o, '\n', vto < lo->len ? vto : vto - 1);
    lo->copied = to;
}

static bool detect(struct pd_fields *f, void *state, const char *p, size_t n, const struct pd_fields_hint *hint)
{
    (void)f, (void)p, (void)n;
    struct lines_state *s = state;
    const char *mime = hint ? hint->mime : NULL;
    s->legacy_fonts = mime && (strcmp(mime, "application/msword") == 0 || strncmp(mime, "application/CDFV2", 17) == 0);
    s->mid_line = hint && hint->slice; /* the line a slice starts in is its previous slice's */
    return true; /* any text may hold a table or a labelled line */
}

/* ---- tables ---- */

/* Cells of a table row in[ls, le) split by delim (a pipe row's outer pipes dropped): their count,
 * spans of the first MAX_CELLS. */
static unsigned split_cells(const char *in, size_t ls, size_t le, char delim, size_t spans[][2])
{
    while (ls < le && (in[ls] == ' ' || (delim == '|' && in[ls] == '\t')))
        ls++;
    while (le > ls && (in[le - 1] == ' ' || in[le - 1] == '\r' || (delim == '|' && in[le - 1] == '\t')))
        le--;
    if (delim == '|') {
        if (ls < le && in[ls] == '|')
            ls++;
        if (le > ls && in[le - 1] == '|')
            le--;
    }
    unsigned n = 0;
    size_t start = ls;
    for (size_t i = ls; i <= le; i++)
        if (i == le || in[i] == delim) {
            if (n < MAX_CELLS) {
                size_t a = start, b = i;
                while (a < b && (in[a] == ' ' || in[a] == '\t'))
                    a++;
                while (b > a && (in[b - 1] == ' ' || in[b - 1] == '\t'))
                    b--;
                spans[n][0] = a;
                spans[n][1] = b;
            }
            n++;
            start = i + 1;
        }
    return n;
}

/* "|---|:--:|" */
static bool separator_row(const char *in, size_t ls, size_t le)
{
    bool dash = false;
    for (size_t i = ls; i < le; i++) {
        if (in[i] == '-')
            dash = true;
        else if (!strchr("|:+ \t\r=", in[i]))
            return false;
    }
    return dash;
}

static size_t line_end(const char *in, size_t at, size_t len)
{
    const char *nl = memchr(in + at, '\n', len - at);
    return nl ? (size_t)(nl - in) : len;
}

/* A header row at in[ls, le) with its delimiter, if the next line continues its table. */
static bool table_header(struct pd_fields *f, struct lines_state *s, const char *in, size_t ls, size_t le, size_t len)
{
    static const char delims[] = {'|', '\t'};
    for (size_t d = 0; d < sizeof delims; d++) {
        if (!memchr(in + ls, delims[d], le - ls))
            continue;
        size_t spans[MAX_CELLS][2];
        unsigned n = split_cells(in, ls, le, delims[d], spans), named = 0;
        if (n < 2 || n > MAX_CELLS)
            continue;
        bool ok = true;
        for (unsigned c = 0; c < n && ok; c++) {
            size_t k = spans[c][1] - spans[c][0];
            if (k && !(ok = pd_fields_header_cell(in + spans[c][0], k)))
                break;
            named += k > 0;
        }
        if (!ok || named < 2 || le >= len)
            continue;
        size_t ns = le + 1, ne = line_end(in, ns, len);
        if (ne == len && ns < len && in[len - 1] != '\n')
            continue; /* the next line is cut: the next window decides */
        if (separator_row(in, ns, ne) && delims[d] == '|') {
            ns = ne + 1;
            ne = ns < len ? line_end(in, ns, len) : len;
        }
        size_t next[MAX_CELLS][2];
        if (ns >= len || split_cells(in, ns, ne, delims[d], next) != n)
            continue;
        s->in_table = true;
        s->delim = delims[d];
        s->count = n;
        for (unsigned c = 0; c < n; c++)
            s->fields[c] = spans[c][1] > spans[c][0]
                               ? pd_fields_name(f, PD_FIELD_NONE, "", in + spans[c][0], spans[c][1] - spans[c][0], NULL)
                               : PD_FIELD_NONE;
        return true;
    }
    return false;
}

/* Words of a line (runs without spaces), their spans and start columns in characters. */
static unsigned line_words(const char *in, size_t ls, size_t le, size_t spans[][2], unsigned *x, unsigned max)
{
    unsigned n = 0, col = 0;
    for (size_t i = ls; i < le;) {
        if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r') {
            col++;
            i++;
            continue;
        }
        size_t a = i;
        unsigned start = col;
        while (i < le && in[i] != ' ' && in[i] != '\t' && in[i] != '\r') {
            col += ((unsigned char)in[i] & 0xC0) != 0x80;
            i++;
        }
        if (n < max) {
            spans[n][0] = a;
            spans[n][1] = i;
            x[n] = start;
        }
        n++;
    }
    return n;
}

/* A header of a table aligned by spaces, as pdftotext -layout writes one (which may leave a
 * single space between two columns: "Ngay sinh So CCCD"): its words grouped into names the
 * vocabulary knows (up to four words each), other words into the names they stand in. Three
 * names or more, two known, no sentence punctuation, and a next line that is not prose. */
static bool aligned_header(struct pd_fields *f, struct lines_state *s, const char *in, size_t ls, size_t le, size_t len)
{
    size_t w[MAX_CELLS][2];
    unsigned wx[MAX_CELLS];
    unsigned nw = line_words(in, ls, le, w, wx, MAX_CELLS);
    if (nw < 3 || nw > MAX_CELLS || le >= len || memchr(in + ls, ',', le - ls) || memchr(in + ls, ';', le - ls) ||
        memchr(in + ls, ':', le - ls) || in[le - 1] == '.')
        return false;
    size_t cells[MAX_CELLS][2];
    unsigned cx[MAX_CELLS], n = 0, known = 0;
    bool open_unknown = false; /* the last cell holds words no name took: the next joins it */
    for (unsigned i = 0; i < nw && n < MAX_CELLS;) {
        unsigned take = 0;
        for (unsigned k = nw - i < 4 ? nw - i : 4; k >= 1 && !take; k--) {
            int listed = pd_label_listed(in + w[i][0], w[i + k - 1][1] - w[i][0]);
            if (listed) {
                take = k;
                known += listed > 0;
            }
        }
        if (take) {
            cells[n][0] = w[i][0];
            cells[n][1] = w[i + take - 1][1];
            cx[n++] = wx[i];
            open_unknown = false;
            i += take;
        } else if (open_unknown && wx[i] <= wx[i - 1] + (unsigned)(w[i - 1][1] - w[i - 1][0]) + 1) {
            cells[n - 1][1] = w[i][1]; /* "Ghi chu": one name of words no name took */
            i++;
        } else {
            cells[n][0] = w[i][0];
            cells[n][1] = w[i][1];
            cx[n++] = wx[i];
            open_unknown = true;
            i++;
        }
    }
    if (n < 3 || known < 2 || 2 * known < n)
        return false;
    for (unsigned c = 0; c < n; c++)
        if (!pd_fields_header_cell(in + cells[c][0], cells[c][1] - cells[c][0]))
            return false;
    size_t ns = le + 1, ne = line_end(in, ns, len);
    size_t rw[MAX_CELLS][2];
    unsigned rx[MAX_CELLS];
    if (ns >= len || (ne == len && in[len - 1] != '\n') || line_words(in, ns, ne, rw, rx, MAX_CELLS) < 2 ||
        (ne > ns && in[ne - 1] == '.'))
        return false;
    s->in_table = true;
    s->delim = ' ';
    s->count = n;
    for (unsigned c = 0; c < n; c++) {
        s->x[c] = cx[c];
        s->fields[c] = pd_fields_name(f, PD_FIELD_NONE, "", in + cells[c][0], cells[c][1] - cells[c][0], NULL);
    }
    return true;
}

/* Whether two words of the line stand apart by two spaces or more (indentation aside): the mark
 * of a table laid out in columns, and a cheap test before looking at the words. */
static bool gapped(const char *in, size_t ls, size_t le)
{
    while (ls < le && (in[ls] == ' ' || in[ls] == '\t'))
        ls++;
    if (le - ls > 400)
        return false;
    for (const char *p = in + ls, *end = in + le - 2; p < end && (p = memchr(p, ' ', (size_t)(end - p))); p++)
        if (p[1] == ' ')
            return true; /* (glibc's memmem runs a generic search for two bytes: a fifth of the scan) */
    return false;
}

/* The header column nearest to a word starting at character x. */
static unsigned nearest_column(const struct lines_state *s, unsigned x)
{
    unsigned best = 0, dist = UINT32_MAX;
    for (unsigned c = 0; c < s->count; c++) {
        unsigned d = x > s->x[c] ? x - s->x[c] : s->x[c] - x;
        if (d < dist) {
            dist = d;
            best = c;
        }
    }
    return best;
}

/* A row of an aligned table: its words go to the nearest header column, and the words of one
 * column make its value ("Nguyen Van An"). */
static bool aligned_row(struct line_out *lo, struct lines_state *s, size_t ls, size_t le)
{
    size_t w[MAX_CELLS][2];
    unsigned x[MAX_CELLS];
    unsigned n = line_words(lo->in, ls, le, w, x, MAX_CELLS);
    if (n < 2 || n > MAX_CELLS) /* a blank line or a sentence ends the table */
        return false;
    for (unsigned i = 0; i < n;) {
        unsigned c = nearest_column(s, x[i]), j = i + 1;
        /* a value's words sit together: one space between them, under one column */
        while (j < n && nearest_column(s, x[j]) == c)
            j++;
        if (s->fields[c] != PD_FIELD_NONE)
            put_pair(lo, s->fields[c], w[i][0], w[i][0], w[j - 1][1], w[j - 1][1]);
        i = j;
    }
    return true;
}

/* A row of the table being read: each cell labelled; false when the row does not fit the table. */
static bool table_row(struct line_out *lo, struct lines_state *s, size_t ls, size_t le)
{
    if (s->delim == ' ')
        return aligned_row(lo, s, ls, le);
    if (s->delim == '|' && separator_row(lo->in, ls, le))
        return true;
    if (!memchr(lo->in + ls, s->delim, le - ls))
        return false;
    size_t spans[MAX_CELLS][2];
    if (split_cells(lo->in, ls, le, s->delim, spans) != s->count)
        return false;
    for (unsigned c = 0; c < s->count; c++)
        if (spans[c][1] > spans[c][0] && s->fields[c] != PD_FIELD_NONE)
            put_pair(lo, s->fields[c], spans[c][0], spans[c][0], spans[c][1], spans[c][1]);
    return true;
}

/* A line that continues the last cell of the row above, as catdoc writes a Word cell of two
 * paragraphs ("Số 12 ngõ 5, phường Kim Mã,\nquận Ba Đình"): no delimiter in it, and the next line
 * a row of the table again. It is read as it is; the table goes on. */
static bool wrapped_cell(const struct lines_state *s, const char *in, size_t ls, size_t le, size_t len)
{
    if (s->delim != '\t' && s->delim != '|')
        return false;
    if (le == ls || memchr(in + ls, s->delim, le - ls) || le >= len)
        return false;
    size_t ns = le + 1, ne = line_end(in, ns, len);
    size_t spans[MAX_CELLS][2];
    return ns < len && memchr(in + ns, s->delim, ne - ns) && split_cells(in, ns, ne, s->delim, spans) == s->count;
}

/* ---- HTML tables: <th> cells name the <td> cells below them ---- */

/* The first place of w in in[from, to), letters matched in either case, or to. When w starts
 * with no letter, a memchr finds the places to compare: a case-blind comparison at every byte
 * took a tenth of the time of scanning HTML. */
static size_t find_ci(const char *in, size_t from, size_t to, const char *w)
{
    size_t k = strlen(w);
    if (isalpha((unsigned char)w[0])) {
        for (size_t i = from; i + k <= to; i++)
            if (strncasecmp(in + i, w, k) == 0)
                return i;
        return to;
    }
    for (size_t i = from; i + k <= to; i++) {
        const char *at = memchr(in + i, w[0], to - k + 1 - i);
        if (!at)
            break;
        i = (size_t)(at - in);
        if (strncasecmp(at + 1, w + 1, k - 1) == 0)
            return i;
    }
    return to;
}

/* Whether the line holds a <tr>, <th> or <td> tag. */
static bool html_table_line(const char *in, size_t ls, size_t le)
{
    for (size_t at = ls; (at = find_ci(in, at, le, "<t")) + 3 < le; at++) {
        char k = (char)tolower((unsigned char)in[at + 2]);
        if ((k == 'r' || k == 'h' || k == 'd') && (in[at + 3] == '>' || in[at + 3] == ' '))
            return true;
    }
    return false;
}

static void html_cells(struct line_out *lo, struct lines_state *s, size_t ls, size_t le)
{
    for (size_t i = ls; i < le;) {
        size_t lt = find_ci(lo->in, i, le, "<t");
        if (lt + 3 > le)
            return;
        char k = (char)tolower((unsigned char)lo->in[lt + 2]);
        const char *gt = memchr(lo->in + lt, '>', le - lt);
        if (!gt) {
            return;
        }
        size_t cs = (size_t)(gt - lo->in) + 1;
        if (k == 'r' && (lo->in[lt + 3] == '>' || lo->in[lt + 3] == ' ')) {
            s->html_col = 0;
        } else if ((k == 'h' || k == 'd') && (lo->in[lt + 3] == '>' || lo->in[lt + 3] == ' ')) {
            size_t ce = find_ci(lo->in, cs, le, "</t");
            size_t a = cs, b = ce;
            while (a < b && isspace((unsigned char)lo->in[a]))
                a++;
            while (b > a && isspace((unsigned char)lo->in[b - 1]))
                b--;
            if (k == 'h') {
                if (s->html_col == 0)
                    s->n_th = 0;
                if (s->n_th < MAX_CELLS)
                    s->th_fields[s->n_th++] =
                        b > a && b - a <= 60 ? pd_fields_name(lo->f, PD_FIELD_NONE, "", lo->in + a, b - a, NULL) : PD_FIELD_NONE;
            } else if (s->html_col < s->n_th && s->th_fields[s->html_col] != PD_FIELD_NONE && b > a &&
                       !memchr(lo->in + a, '<', b - a)) {
                put_pair(lo, s->th_fields[s->html_col], a, a, b, b);
            }
            s->html_col++;
        }
        i = cs;
    }
}

/* The next place of a byte in the window, found once for all the lines before it: a memchr per
 * line and per byte looked for cost a tenth of the scan of prose. */
struct next_byte {
    char c;
    size_t at; /* SIZE_MAX: not looked for yet */
};

static bool in_line(struct next_byte *nb, const char *in, size_t ls, size_t le, size_t len)
{
    if (nb->at == SIZE_MAX || nb->at < ls) {
        const char *p = memchr(in + ls, nb->c, len - ls);
        nb->at = p ? (size_t)(p - in) : len;
    }
    return nb->at < le;
}

/* ---- labelled lines ---- */

static bool key_byte(unsigned char c) { return pd_ascii_alnum[c] || c == '_' || c == '-' || c == '.' || c >= 0x80; }

/* A key spelt as prose: words of letters and digits, no identifier punctuation or camelCase. */
static bool prose_key(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == '_' || c == '.' || c == '-' || c == '"' || c == '\'')
            return false;
        if (i > 0 && c >= 'A' && c <= 'Z' && k[i - 1] >= 'a' && k[i - 1] <= 'z')
            return false;
    }
    return true;
}

/* "key: value" / "key = value" at the line's start, the key one the vocabulary knows; colon and
 * eq track the window's next ':' and '='. */
static bool labelled_line(struct line_out *lo, size_t ls, size_t le, struct next_byte *colon, struct next_byte *eq)
{
    const char *in = lo->in;
    size_t k = ls;
    while (k < le && (in[k] == ' ' || in[k] == '\t'))
        k++;
    if (k + 1 < le && in[k] == '-' && in[k + 1] == ' ') /* a YAML list item */
        k += 2;
    if (k + 7 < le && memcmp(in + k, "export ", 7) == 0)
        k += 7;
    size_t reach = le - k < MAX_KEY + 4 ? le - k : MAX_KEY + 4;
    if (!(in_line(colon, in, k, k + reach, lo->len)) && !(in_line(eq, in, k, k + reach, lo->len)))
        return false; /* most lines of prose: no separator where a key could end */
    bool quoted = k < le && (in[k] == '"' || in[k] == '\'');
    size_t ks = k + quoted, ke = ks;
    while (ke < le && ke - ks <= MAX_KEY && (key_byte((unsigned char)in[ke]) || in[ke] == ' '))
        ke++;
    size_t sep = ke + (quoted && ke < le && in[ke] == in[k]);
    while (sep < le && in[sep] == ' ')
        sep++;
    if (sep >= le || (in[sep] != ':' && in[sep] != '=') || ke == ks || ke - ks > MAX_KEY)
        return false;
    if (in[sep] == '=' && memchr(in + sep + 1, '=', le - sep - 1))
        return false; /* "user=a password=b": pairs, read one by one */
    size_t kt = ke;
    while (kt > ks && in[kt - 1] == ' ')
        kt--;
    /* the key's label comes from the unit's table of names: one vocabulary lookup per key */
    int field = pd_fields_name(lo->f, PD_FIELD_NONE, "", in + ks, kt - ks, NULL);
    enum pd_label_kind kind = pd_fields_label_kind(lo->f, field);
    if (kind != PD_LABEL_KNOWN && kind != PD_LABEL_NOT_PERSONAL)
        return false;
    bool as_written = in[sep] == ':' && pd_fields_as_written(lo->f, field) && prose_key(in + ks, kt - ks);
    size_t vs = sep + 1, ve = le;
    while (vs < ve && (in[vs] == ' ' || in[vs] == '\t'))
        vs++;
    while (ve > vs && (in[ve - 1] == ' ' || in[ve - 1] == '\r' || in[ve - 1] == ',' || in[ve - 1] == ';'))
        ve--;
    if (ve - vs >= 2 && (in[vs] == '"' || in[vs] == '\'') && in[ve - 1] == in[vs]) {
        vs++;
        ve--;
        as_written = false; /* the quotes go, or they would be part of the value */
    }
    if (ve <= vs)
        return false;
    if (as_written) /* "Họ và tên: ...": the detectors read it as it is; no copy of the window */
        pd_fields_mark(lo->f, lo->o, field, vs, ve);
    else
        put_pair(lo, field, ls, vs, ve, le);
    return true;
}

/* "key=value" pairs inside a line (logs, query strings, XML attributes), keys the vocabulary knows. */
static void inline_pairs(struct line_out *lo, size_t ls, size_t le)
{
    const char *in = lo->in;
    for (size_t at = ls; at < le;) {
        const char *eq = memchr(in + at, '=', le - at);
        if (!eq)
            return;
        size_t e = (size_t)(eq - in), ks = e;
        while (ks > lo->copied && ks > ls && (isalnum((unsigned char)in[ks - 1]) || in[ks - 1] == '_'))
            ks--;
        at = e + 1;
        if (ks == e)
            continue;
        int field = pd_fields_name(lo->f, PD_FIELD_NONE, "", in + ks, e - ks, NULL);
        if (pd_fields_label_kind(lo->f, field) != PD_LABEL_KNOWN)
            continue;
        size_t vs = e + 1, ve;
        char quote = vs < le && (in[vs] == '"' || in[vs] == '\'') ? in[vs] : 0;
        if (quote) {
            vs++;
            const char *q = memchr(in + vs, quote, le - vs);
            ve = q ? (size_t)(q - in) : le;
        } else {
            ve = vs;
            while (ve < le && !strchr(" \t\r&;,|\"<>", in[ve])) /* an apostrophe inside: H'Mông */
                ve++;
        }
        if (ve <= vs)
            continue;
        put_pair(lo, field, ks, vs, ve, ve + (quote && ve < le));
        at = lo->copied;
    }
}

/* "<HoTen>Nguyễn Văn An</HoTen>", "<field name="so_cccd">...</field>" on one line. */
static bool xml_element(struct line_out *lo, size_t ls, size_t le)
{
    const char *in = lo->in;
    size_t k = ls;
    while (k < le && (in[k] == ' ' || in[k] == '\t'))
        k++;
    if (k + 3 >= le || in[k] != '<' || !(isalpha((unsigned char)in[k + 1]) || in[k + 1] == '_'))
        return false;
    size_t ns = k + 1, ne = ns;
    while (ne < le && (key_byte((unsigned char)in[ne]) || in[ne] == ':'))
        ne++;
    const char *gt = memchr(in + ne, '>', le - ne);
    if (!gt || gt[-1] == '/')
        return false;
    size_t vs = (size_t)(gt - in) + 1;
    const char *lt = memchr(in + vs, '<', le - vs);
    if (!lt || lt + 1 >= in + le || lt[1] != '/')
        return false;
    size_t ve = (size_t)(lt - in);
    /* the name attribute, when there is one, names the field */
    size_t key = ns, key_len = ne - ns;
    size_t attr = find_ci(in, ne, vs, "name=\"");
    if (attr < vs) {
        const char *q = memchr(in + attr + 6, '"', vs - attr - 6);
        if (q) {
            key = attr + 6;
            key_len = (size_t)(q - in) - key;
        }
    }
    while (vs < ve && isspace((unsigned char)in[vs]))
        vs++;
    while (ve > vs && isspace((unsigned char)in[ve - 1]))
        ve--;
    if (ve <= vs || memchr(in + vs, '<', ve - vs))
        return false;
    int field = pd_fields_name(lo->f, PD_FIELD_NONE, "", in + key, key_len, NULL);
    if (pd_fields_label_kind(lo->f, field) != PD_LABEL_KNOWN)
        return false;
    put_pair(lo, field, ls, vs, ve, le);
    return true;
}

/* The first place at or after from where two spaces follow each other, or len. */
static size_t double_space(const char *in, size_t from, size_t len)
{
    size_t i = from;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(' ');
    for (; i + 17 <= len; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(in + i + 1));
        int m = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, space), _mm_cmpeq_epi8(b, space)));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    for (; i + 1 < len; i++)
        if (in[i] == ' ' && in[i + 1] == ' ')
            return i;
    return len;
}

/* Where the first line starting at or after `at` starts. */
static size_t line_start_from(const char *in, size_t at, size_t len)
{
    if (at == 0 || at >= len || in[at - 1] == '\n')
        return at;
    const char *nl = memchr(in + at, '\n', len - at);
    return nl ? (size_t)(nl - in) + 1 : len;
}

static bool view(struct pd_fields *f, void *state, struct pd_fields_out *o, const char *in, size_t len,
                 size_t resume_in)
{
    struct next_byte pipe = {'|', SIZE_MAX}, tab = {'\t', SIZE_MAX}, lt = {'<', SIZE_MAX}, eq = {'=', SIZE_MAX},
                     comma = {',', SIZE_MAX}, dot = {'.', SIZE_MAX}, colon = {':', SIZE_MAX},
                     viet = {(char)0xE1, SIZE_MAX}; /* the lead byte of Vietnamese letters (U+1EA0..) */
    struct lines_state *s = state;
    struct line_out lo = {.f = f, .o = o, .in = in, .len = len, .copied = 0};
    bool resumed = false;
    size_t ls = s->skip < len ? s->skip : len;
    if (s->mid_line) {
        const char *nl = memchr(in + ls, '\n', len - ls);
        ls = nl ? (size_t)(nl - in) + 1 : len;
    }
    s->skip = 0;
    s->mid_line = false;
    size_t gap = SIZE_MAX; /* the next two spaces: a table laid out in columns */
    while (ls < len) {
        /* Lines of prose hold nothing a reader takes: go straight to the next line with a byte
         * that could start something (":", "=", "|", a tab, "<", two spaces). A table being
         * read, and text where a line may be in a legacy font, are read line by line. */
        if (!s->in_table && !s->legacy_fonts) {
            if (gap == SIZE_MAX || gap < ls)
                gap = double_space(in, ls, len);
            size_t next = gap;
            struct next_byte *marks[] = {&colon, &eq, &pipe, &tab, &lt};
            for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
                in_line(marks[m], in, ls, len, len);
                if (marks[m]->at < next)
                    next = marks[m]->at;
            }
            if (next >= len)
                break;
            if (next > ls) {
                const char *nl = memrchr(in + ls, '\n', next - ls);
                if (nl)
                    ls = (size_t)(nl - in) + 1;
            }
        }
        if (!resumed && ls >= resume_in) { /* skipped lines changed nothing: the state holds */
            s->skip = line_start_from(in, resume_in, len) - resume_in;
            pd_fields_at_resume(f, s);
            s->skip = 0;
            resumed = true;
        }
        size_t le = line_end(in, ls, len);
        bool pipe_or_tab = in_line(&pipe, in, ls, le, len) || in_line(&tab, in, ls, le, len);
        if (s->in_table && !table_row(&lo, s, ls, le) && !wrapped_cell(s, in, ls, le, len))
            s->in_table = false;
        char legacy[PD_FIELDS_LEGACY_LINE * 3];
        size_t legacy_len;
        /* a line with a proper Vietnamese letter is no legacy font's */
        if (s->legacy_fonts && !s->in_table && !pipe_or_tab && !in_line(&viet, in, ls, le, len) &&
            (legacy_len = pd_fields_legacy_line(in + ls, le - ls, legacy, sizeof legacy))) {
            copy_to(&lo, ls); /* the line as it was typed, each byte mapped to its start */
            for (size_t k = 0; k < legacy_len; k++)
                pd_fields_put(o, legacy[k], ls);
            lo.copied = le;
        } else if (!s->in_table) {
            if (pipe_or_tab && table_header(f, s, in, ls, le, len)) {
                /* the header's cells are names, not values */
            } else if (!in_line(&comma, in, ls, le, len) && !in_line(&dot, in, ls, le, len) && gapped(in, ls, le) &&
                       aligned_header(f, s, in, ls, le, len)) { /* a header has no sentence punctuation */
            } else if (in_line(&lt, in, ls, le, len) && html_table_line(in, ls, le)) {
                html_cells(&lo, s, ls, le);
            } else if (!xml_element(&lo, ls, le) && !labelled_line(&lo, ls, le, &colon, &eq) &&
                       in_line(&eq, in, ls, le, len)) {
                inline_pairs(&lo, ls, le);
            }
        }
        ls = le + 1;
    }
    if (!resumed && resume_in < len) {
        size_t start = line_start_from(in, resume_in, len);
        if (start < len || (resume_in > 0 && in[resume_in - 1] == '\n')) {
            s->skip = start - resume_in; /* lines skipped to the end changed nothing */
        } else {
            s->skip = len - resume_in; /* the last line runs past the window: skip the rest of it */
            s->mid_line = true;
        }
        pd_fields_at_resume(f, s);
        s->skip = 0;
        s->mid_line = false;
    }
    if (!lo.changed)
        return false;
    copy_to(&lo, len);
    return true;
}

const struct pd_fields_reader pd_fields_lines = {
    .kind = "text", .state_size = sizeof(struct lines_state), .detect = detect, .view = view};

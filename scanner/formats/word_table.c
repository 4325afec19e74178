/* Word tables: list headers and form labels put on the line of their values (word_table.h). */
#include "scanner/formats/word_table.h"

#include <stdlib.h>
#include <string.h>

#include "text/labels.h"
#include "text/text.h"

static void put(struct pd_word_table *t, const char *s, size_t n) { t->out->put(t->out->ctx, s, n); }

static void put_str(struct pd_word_table *t, const char *s) { put(t, s, strlen(s)); }

void pd_word_table_init(struct pd_word_table *t, const struct pd_word_table_out *out)
{
    memset(t, 0, sizeof *t);
    t->out = out;
}

static bool named(const char *name, const char *w) { return strcmp(name, w) == 0; }

/* ---- folded words ---- */

/* The length of a label without the spaces, tabs and colons that end it ("Số CMND: "). */
static size_t label_length(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == ':' || s[n - 1] == '\t'))
        n--;
    return n;
}

static void fold(const char *s, char *out, size_t cap)
{
    pd_text_fold_string(s, out, cap);
    out[label_length(out, strlen(out))] = '\0';
}

static bool one_of(const char *folded, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(folded, words[i]) == 0)
            return true;
    return false;
}

static const char *const markings[] = {"mat", "toi mat", "tuyet mat", "giai mat", "tai lieu thu hoi", NULL};

/* "STT", "TT", "Số thứ tự", "No.", "#": a header cell that numbers the rows. */
static bool ordinal_label(const char *label)
{
    static const char *const ordinals[] = {"stt", "tt", "so tt", "so thu tu", "thu tu", "no", "no.", "#", NULL};
    char folded[PD_LABEL_MAX * 2];
    fold(label, folded, sizeof folded);
    return one_of(folded, ordinals);
}

/* A header row without a "STT" column is a list's too when most of its cells name fields the
 * vocabulary knows ("Họ và tên | Ngày sinh | Số CCCD"); a form's first row alternates labels and
 * values, which the vocabulary does not know. */
static bool names_columns(const struct pd_word_table *t)
{
    unsigned known = 0, named = 0;
    for (unsigned c = 0; c < t->n_labels; c++) {
        char label[PD_LABEL_MAX];
        enum pd_label_kind kind = pd_label_for_field(t->labels[c], strlen(t->labels[c]), label);
        named += kind != PD_LABEL_EMPTY;
        known += kind == PD_LABEL_KNOWN || kind == PD_LABEL_NOT_PERSONAL;
    }
    return named >= 3 && 3 * known >= 2 * named;
}

/* A value that is itself a field's name ("Tiền án | Mật khẩu" in a header row) is no value. */
static bool names_a_field(const char *s, size_t n)
{
    char label[PD_LABEL_MAX];
    return n < PD_LABEL_MAX && pd_label_for_field(s, n, label) == PD_LABEL_KNOWN;
}

/* A form's label: short, one paragraph, a letter and no digit ("Số: 15/BC" is a document number),
 * and not a marking (a "TỐI MẬT" cell stays on its own line). */
static bool form_label(const struct pd_word_table *t)
{
    if (t->held_len < 2)
        return false;
    bool letter = false;
    for (size_t i = 0; i < t->held_len; i++) {
        unsigned char ch = (unsigned char)t->held[i];
        if (ch >= '0' && ch <= '9')
            return false;
        letter |= ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
    }
    char folded[PD_LABEL_MAX * 2];
    fold(t->held, folded, sizeof folded);
    return letter && *folded && !one_of(folded, markings);
}

/* A value that starts with a marking goes after no label but "Độ mật" (its field). */
static bool marking_after_label(const struct pd_word_table *t, const char *s, size_t n)
{
    char value[PD_LABEL_MAX], folded[PD_LABEL_MAX * 2], label[PD_LABEL_MAX * 2];
    size_t k = n < sizeof value - 1 ? n : sizeof value - 1;
    memcpy(value, s, k);
    value[k] = '\0';
    pd_text_fold_string(value, folded, sizeof folded);
    const char *v = folded + strspn(folded, " \t");
    bool marking = false;
    for (int i = 0; markings[i] && !marking; i++) {
        size_t m = strlen(markings[i]);
        marking = strncmp(v, markings[i], m) == 0 && (v[m] == '\0' || v[m] == ' ' || v[m] == '\t');
    }
    fold(t->held, label, sizeof label);
    return marking && strcmp(label, "do mat") != 0;
}

/* ---- form rows ---- */

/* The held cell as it would have been written: a tab, its text, a line per paragraph. */
static void flush_held(struct pd_word_table *t)
{
    put(t, "\t", 1);
    put(t, t->held, t->held_len);
    for (unsigned i = 0; i < t->held_paragraphs; i++)
        put(t, "\n", 1);
    t->form = PD_FORM_NONE;
}

/* The cell after a label turned out not to take it: both as they would have been written. */
static void unjoin(struct pd_word_table *t)
{
    flush_held(t);
    put(t, "\t", 1);
}

/* ---- list tables ---- */

static bool in_list_row(const struct pd_word_table *t) { return t->list && t->row > 1; }

static void trim_label(char *label)
{
    size_t n = label_length(label, strlen(label)), k = strspn(label, " ");
    if (k > n)
        k = n;
    memmove(label, label + k, n - k);
    label[n - k] = '\0';
}

static void list_cell_start(struct pd_word_table *t)
{
    if (t->column > 0)
        put(t, "\n", 1);
    if (t->column < t->n_labels) {
        put_str(t, t->labels[t->column]);
        put(t, ": ", 2);
    }
}

static void header_cell_start(struct pd_word_table *t)
{
    if (t->n_labels < PD_COLUMNS_MAX)
        t->labels[t->n_labels++][0] = '\0';
    else
        t->header_ok = false;
    t->label_len = 0;
    t->paragraphs = 0;
}

static void header_cell_end(struct pd_word_table *t)
{
    if (t->n_labels == 0)
        return;
    char *label = t->labels[t->n_labels - 1];
    trim_label(label);
    if (t->paragraphs != 1 || !*label)
        t->header_ok = false;
}

static void header_text(struct pd_word_table *t, const char *s, size_t n, bool in_run, bool plain)
{
    if (t->depth != 1 || t->row != 1 || t->n_labels == 0 || !t->header_ok || !in_run)
        return;
    if (!plain || t->label_len + n >= PD_LABEL_MAX || memchr(s, '\n', n) || memchr(s, '\t', n)) {
        t->header_ok = false; /* a stamp or a long text: not a label */
        return;
    }
    memcpy(t->labels[t->n_labels - 1] + t->label_len, s, n);
    t->label_len += n;
    t->labels[t->n_labels - 1][t->label_len] = '\0';
}

/* ---- events ---- */

bool pd_word_table_start(struct pd_word_table *t, const char *name, const char **attrs)
{
    if (named(name, "w:tbl")) {
        if (t->form == PD_FORM_HOLDING)
            flush_held(t); /* a table inside the cell: not a label */
        else if (t->form == PD_FORM_UNDECIDED)
            unjoin(t);
        if (++t->depth == 1) {
            t->row = 0;
            t->list = false;
            t->form = PD_FORM_NONE;
        }
        return false;
    }
    if (t->depth == 0)
        return false;
    if (t->depth == 1 && named(name, "w:tab") && t->form == PD_FORM_HOLDING && t->held_paragraphs == 0 &&
        t->held_len + 1 < PD_LABEL_MAX) {
        t->held[t->held_len++] = ' '; /* "Số CMND<tab>": a label aligned by a tab */
        t->held[t->held_len] = '\0';
        return true;
    }
    if (t->depth == 1 && (named(name, "w:tab") || named(name, "w:cr"))) {
        /* written by the caller: what is held goes first */
        if (t->form == PD_FORM_HOLDING || t->form == PD_FORM_LABEL)
            flush_held(t);
        else if (t->form == PD_FORM_UNDECIDED)
            unjoin(t);
        return false;
    }
    if (named(name, "w:tr") && t->depth == 1) {
        t->column = 0;
        if (++t->row == 1) {
            t->header_ok = true;
            t->n_labels = 0;
        }
        return true;
    }
    if (named(name, "w:tc") && t->depth == 1) {
        t->span = 1;
        if (t->row == 1)
            header_cell_start(t);
        if (in_list_row(t)) {
            list_cell_start(t);
        } else if (t->form == PD_FORM_LABEL) {
            t->form = PD_FORM_UNDECIDED;
        } else {
            t->form = PD_FORM_HOLDING; /* its tab is written with its text */
            t->held_len = 0;
            t->held_paragraphs = 0;
        }
        return true;
    }
    if (named(name, "w:tc") && in_list_row(t)) {
        put(t, " ", 1); /* a table inside a listed cell stays on the cell's line */
        return true;
    }
    if (named(name, "w:gridSpan") && t->depth == 1) {
        for (int i = 0; attrs[i]; i += 2)
            if (strcmp(attrs[i], "w:val") == 0) {
                long span = strtol(attrs[i + 1], NULL, 10);
                t->span = span > 1 && span <= PD_COLUMNS_MAX ? (unsigned)span : 1;
            }
        if (t->row == 1 && t->span > 1)
            t->header_ok = false; /* a header over two levels */
        return true;
    }
    return false;
}

bool pd_word_table_end(struct pd_word_table *t, const char *name)
{
    if (named(name, "w:tbl")) {
        if (t->depth == 1 && t->form == PD_FORM_LABEL)
            flush_held(t);
        if (t->depth > 0)
            t->depth--;
        return false;
    }
    if (t->depth == 0)
        return false;
    bool paragraph = named(name, "w:p"), line_break = named(name, "w:br");
    if (named(name, "w:tc") && t->depth == 1) {
        t->column += t->span;
        if (t->row == 1)
            header_cell_end(t);
        if (t->form == PD_FORM_HOLDING) {
            if (form_label(t))
                t->form = PD_FORM_LABEL;
            else
                flush_held(t);
        } else if (t->form == PD_FORM_UNDECIDED) {
            unjoin(t); /* an empty cell */
        } else if (t->form == PD_FORM_JOINED) {
            put(t, "\n", 1);
            t->form = PD_FORM_NONE;
        }
        return true;
    }
    if (named(name, "w:tr") && t->depth == 1) {
        if (t->form == PD_FORM_LABEL)
            flush_held(t); /* the row's last cell */
        if (t->row == 1)
            t->list = t->header_ok && t->n_labels >= 2 && (ordinal_label(t->labels[0]) || names_columns(t));
        return false;
    }
    if (paragraph && t->depth == 1 && t->row == 1)
        t->paragraphs++;
    if (in_list_row(t) && (paragraph || line_break || (named(name, "w:tr") && t->depth > 1))) {
        put(t, " ", 1);
        return true;
    }
    if (t->depth != 1 || (!paragraph && !line_break))
        return false;
    switch (t->form) {
    case PD_FORM_HOLDING:
        if (line_break) {
            flush_held(t); /* a label is one line */
            return false;
        }
        if (++t->held_paragraphs > 1)
            flush_held(t);
        return true;
    case PD_FORM_UNDECIDED:
        unjoin(t);
        return false;
    case PD_FORM_JOINED:
        put(t, " ", 1); /* the value's paragraphs stay on the label's line */
        return true;
    default:
        return false;
    }
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

bool pd_word_table_text(struct pd_word_table *t, const char *s, size_t n, bool in_run, bool plain)
{
    if (t->depth == 0)
        return false;
    header_text(t, s, n, in_run, plain);
    if (t->depth != 1 || t->form == PD_FORM_NONE || t->form == PD_FORM_JOINED)
        return false;
    if (!in_run && blank(s, n))
        return true; /* indentation between a table's elements */
    if (t->form == PD_FORM_HOLDING) {
        if (plain && t->held_paragraphs == 0 && t->held_len + n < PD_LABEL_MAX && !memchr(s, '\n', n)) {
            memcpy(t->held + t->held_len, s, n);
            t->held_len += n;
            t->held[t->held_len] = '\0';
            return true;
        }
        flush_held(t); /* long, in a second paragraph or red: not a label */
        return false;
    }
    if (t->form == PD_FORM_LABEL) { /* text between cells: the label stays alone */
        flush_held(t);
        return false;
    }
    /* the first text of the cell after a label */
    if (!plain || marking_after_label(t, s, n) || names_a_field(s, n)) {
        unjoin(t);
        return false;
    }
    put(t, "\t", 1);
    put(t, t->held, label_length(t->held, t->held_len));
    put(t, ": ", 2);
    t->form = PD_FORM_JOINED;
    return false;
}

/* SQL dumps: MySQL/MariaDB "INSERT INTO t (cols) VALUES (...),(...);" (the columns from the
 * statement, or from the table's CREATE TABLE when the statement lists none) and PostgreSQL
 * "COPY t (cols) FROM stdin;" blocks and INSERTs. Each value is labelled by its column, the column
 * type speaking too (a date column named for a birth is a date of birth), and recorded as the field
 * "table.column". Everything else in the dump (comments, other statements) is read as it is. The
 * reader goes byte by byte, so a window may end anywhere; a statement's head (up to VALUES or its
 * ';') is kept in the state, bounded. No Debian C library parses the dump dialects. */
#include "text/fields/fields-int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define HEAD_MAX 8192
#define MAX_TABLES 16
#define NAME_MAX_SQL 64

enum phase { PHASE_HEAD, PHASE_TUPLES, PHASE_COPY_WAIT, PHASE_COPY };

struct table {
    char name[NAME_MAX_SQL];
    unsigned n;
    int fields[PD_COLUMNS_MAX];
};

struct sql_state {
    enum phase phase;
    char head[HEAD_MAX];
    unsigned head_len;
    bool head_full, comment;
    char quote; /* in the head: the quote being read, or 0 */
    /* the statement whose values are being read */
    unsigned n;
    int fields[PD_COLUMNS_MAX];
    unsigned depth, column;
    bool value_start, in_string, escape, value_open;
    bool line_start;
    /* CREATE TABLE statements seen: the columns of INSERTs that list none */
    struct table tables[MAX_TABLES];
    unsigned next_table;
};

static bool has_word_ci(const char *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(p + i, w, k) == 0 && (i == 0 || !isalnum((unsigned char)p[i - 1])) &&
            (i + k == n || !isalnum((unsigned char)p[i + k])))
            return true;
    return false;
}

/* Whether the words w appear in p[0, n) as dumps write them, in upper or lower case, not inside a
 * longer word: memmem's search, where a case-blind comparison at every byte took most of the time
 * of scanning small files. */
static bool has_keyword(const char *p, size_t n, const char *w)
{
    char lower[32];
    size_t k = strlen(w);
    for (size_t i = 0; i <= k && i < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)w[i]);
    for (int c = 0; c < 2; c++) {
        const char *needle = c ? lower : w;
        for (const char *at = p, *end = p + n; (at = memmem(at, (size_t)(end - at), needle, k)); at++)
            if ((at == p || !isalnum((unsigned char)at[-1])) && (at + k == end || !isalnum((unsigned char)at[k])))
                return true;
    }
    return false;
}

/* Whether the text opens as a dump does: a comment or a statement. A document that quotes an
 * INSERT in its middle is no dump (and most texts are rejected before any keyword search). */
static bool opens_like_sql(const char *p, size_t n)
{
    static const char *const openings[] = {"--", "/*", "#", "CREATE", "INSERT", "REPLACE", "COPY", "SET", "DROP", "LOCK",
                                           "USE", "BEGIN", "START", "ALTER", "PRAGMA", NULL};
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && isspace((unsigned char)p[i]))
        i++;
    for (int k = 0; openings[k]; k++) {
        size_t w = strlen(openings[k]);
        if (n - i >= w && strncasecmp(p + i, openings[k], w) == 0)
            return true;
    }
    return false;
}

static bool detect(struct pd_fields *f, void *state, const char *p, size_t n, const struct pd_fields_hint *hint)
{
    (void)f;
    const char *name = hint && hint->name ? hint->name : "";
    size_t nl = strlen(name);
    bool sql_name = nl > 4 && strcasecmp(name + nl - 4, ".sql") == 0;
    if (!sql_name && !opens_like_sql(p, n))
        return false;
    bool dump = has_keyword(p, n, "INSERT INTO") || has_keyword(p, n, "REPLACE INTO") ||
                (has_keyword(p, n, "COPY") && has_keyword(p, n, "FROM stdin")) || has_keyword(p, n, "CREATE TABLE");
    if (!dump)
        return false;
    struct sql_state *s = state;
    s->phase = PHASE_HEAD;
    return true;
}

/* ---- the statement's head ---- */

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* Reads a keyword (case-insensitive) at p; returns past it, or NULL. */
static const char *keyword(const char *p, const char *end, const char *w)
{
    p = skip_space(p, end);
    size_t k = strlen(w);
    if ((size_t)(end - p) < k || strncasecmp(p, w, k) != 0 || (p + k < end && (isalnum((unsigned char)p[k]) || p[k] == '_')))
        return NULL;
    return p + k;
}

/* Reads an identifier, quoted or not, schema-qualified or not (the last part is kept). */
static const char *identifier(const char *p, const char *end, char *out, size_t cap)
{
    out[0] = '\0';
    for (;;) {
        p = skip_space(p, end);
        if (p >= end)
            return NULL;
        size_t k = 0;
        if (*p == '`' || *p == '"' || *p == '[') {
            char close = *p == '[' ? ']' : *p;
            p++;
            while (p < end && *p != close) {
                if (k + 1 < cap)
                    out[k++] = *p;
                p++;
            }
            if (p >= end)
                return NULL;
            p++;
        } else {
            while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80)) {
                if (k + 1 < cap)
                    out[k++] = *p;
                p++;
            }
            if (!k)
                return NULL;
        }
        out[k] = '\0';
        if (p < end && *p == '.') { /* schema.table: keep the table */
            p++;
            continue;
        }
        return p;
    }
}

static struct table *table_named(struct sql_state *s, const char *name)
{
    for (unsigned t = 0; t < MAX_TABLES; t++)
        if (s->tables[t].name[0] && strcmp(s->tables[t].name, name) == 0)
            return &s->tables[t];
    return NULL;
}

/* "(a, b, c)": the statement's columns, labelled under the table. */
static const char *column_list(struct pd_fields *f, struct sql_state *s, const char *p, const char *end,
                               const char *tname)
{
    p = skip_space(p, end);
    if (p >= end || *p != '(')
        return p;
    p++;
    struct table *schema = table_named(s, tname);
    int table_field = pd_fields_name(f, PD_FIELD_NONE, "", tname, strlen(tname), NULL);
    s->n = 0;
    for (;;) {
        char col[NAME_MAX_SQL];
        const char *q = identifier(p, end, col, sizeof col);
        if (!q)
            return p;
        p = skip_space(q, end);
        if (s->n < PD_COLUMNS_MAX) {
            int field = PD_FIELD_NONE;
            if (schema) /* the CREATE TABLE's column knows its type */
                for (unsigned c = 0; c < schema->n; c++) {
                    const char *path = pd_fields_path(f, schema->fields[c]);
                    const char *dot = path ? strrchr(path, '.') : NULL;
                    if (dot && strcmp(dot + 1, col) == 0)
                        field = schema->fields[c];
                }
            if (field == PD_FIELD_NONE)
                field = pd_fields_name(f, table_field, ".", col, strlen(col), NULL);
            s->fields[s->n++] = field;
        }
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        return p < end && *p == ')' ? p + 1 : p;
    }
}

/* INSERT/REPLACE [IGNORE] INTO t [(cols)] VALUES, or COPY t [(cols)] FROM stdin: the columns. */
static bool data_head(struct pd_fields *f, struct sql_state *s, bool copy)
{
    const char *p = s->head, *end = s->head + s->head_len, *q;
    char tname[NAME_MAX_SQL];
    if (copy) {
        if (!(p = keyword(p, end, "COPY")))
            return false;
    } else {
        if (!(q = keyword(p, end, "INSERT")) && !(q = keyword(p, end, "REPLACE")))
            return false;
        p = q;
        if ((q = keyword(p, end, "IGNORE")) || (q = keyword(p, end, "LOW_PRIORITY")) || (q = keyword(p, end, "DELAYED")))
            p = q;
        if (!(p = keyword(p, end, "INTO")))
            return false;
    }
    if (!(p = identifier(p, end, tname, sizeof tname)))
        return false;
    s->n = 0;
    const char *after = column_list(f, s, p, end, tname);
    if (after == skip_space(p, end) || s->n == 0) { /* no list: the CREATE TABLE's */
        struct table *t = table_named(s, tname);
        if (t) {
            s->n = t->n;
            memcpy(s->fields, t->fields, t->n * sizeof t->fields[0]);
        }
    }
    return true;
}

static const char *const constraint_words[] = {"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN",
                                               "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE", "PERIOD", NULL};

/* CREATE TABLE t ( col type ..., ... ): the table's columns and their types, for later INSERTs. */
static void create_table(struct pd_fields *f, struct sql_state *s)
{
    const char *p = s->head, *end = s->head + s->head_len, *q;
    if (!(p = keyword(p, end, "CREATE")))
        return;
    if ((q = keyword(p, end, "TEMPORARY")) || (q = keyword(p, end, "UNLOGGED")))
        p = q;
    if (!(p = keyword(p, end, "TABLE")))
        return;
    if ((q = keyword(p, end, "IF")) && (q = keyword(q, end, "NOT")) && (q = keyword(q, end, "EXISTS")))
        p = q;
    struct table *t = &s->tables[s->next_table];
    if (!(p = identifier(p, end, t->name, sizeof t->name)))
        return;
    p = skip_space(p, end);
    if (p >= end || *p != '(')
        return;
    p++;
    s->next_table = (s->next_table + 1) % MAX_TABLES;
    int table_field = pd_fields_name(f, PD_FIELD_NONE, "", t->name, strlen(t->name), NULL);
    t->n = 0;
    while (p < end) {
        char col[NAME_MAX_SQL], type[32];
        bool constraint = false;
        for (int k = 0; constraint_words[k] && !constraint; k++)
            constraint = keyword(p, end, constraint_words[k]) != NULL;
        if (!constraint && (q = identifier(p, end, col, sizeof col)) && identifier(q, end, type, sizeof type) &&
            t->n < PD_COLUMNS_MAX)
            t->fields[t->n++] = pd_fields_name(f, table_field, ".", col, strlen(col), type);
        /* on to the next top-level comma */
        unsigned depth = 0;
        char quote = 0;
        for (; p < end; p++) {
            if (quote) {
                quote = *p == quote ? 0 : quote;
            } else if (*p == '\'' || *p == '"' || *p == '`') {
                quote = *p;
            } else if (*p == '(') {
                depth++;
            } else if (*p == ')') {
                if (depth-- == 0)
                    return;
            } else if (*p == ',' && depth == 0) {
                p++;
                break;
            }
        }
    }
}

static void head_reset(struct sql_state *s)
{
    s->head_len = 0;
    s->head_full = false;
    s->quote = 0;
}

/* A byte of the text between data: read as it is, and kept in the head of the statement. */
static void head_byte(struct pd_fields *f, struct sql_state *s, char c, const char *in, size_t i, size_t len)
{
    if (s->comment) {
        s->comment = c != '\n';
        return;
    }
    if (s->head_len == 0 && (isspace((unsigned char)c) || c == ';'))
        return;
    if (s->head_len == 0 && (c == '#' || (c == '-' && i + 1 < len && in[i + 1] == '-'))) {
        s->comment = true;
        return;
    }
    if (s->quote) {
        s->quote = c == s->quote ? 0 : s->quote;
    } else if (c == '\'' || c == '"' || c == '`') {
        s->quote = c;
    } else if (c == ';') {
        if (!s->head_full && keyword(s->head, s->head + s->head_len, "CREATE"))
            create_table(f, s);
        else if (!s->head_full && keyword(s->head, s->head + s->head_len, "COPY") &&
                 has_word_ci(s->head, s->head_len, "FROM stdin") && data_head(f, s, true))
            s->phase = PHASE_COPY_WAIT;
        head_reset(s);
        return;
    }
    if (s->head_len < HEAD_MAX)
        s->head[s->head_len++] = c;
    else
        s->head_full = true;
    /* "... VALUES": the tuples follow */
    if (!s->quote && !s->head_full && (c | 0x20) == 's' && s->head_len >= 7 &&
        strncasecmp(s->head + s->head_len - 6, "VALUES", 6) == 0 && !isalnum((unsigned char)s->head[s->head_len - 7]) &&
        data_head(f, s, false)) {
        s->phase = PHASE_TUPLES;
        s->depth = 0;
        head_reset(s);
    }
}

static void value_end(struct pd_fields *f, struct pd_fields_out *o, struct sql_state *s, size_t i)
{
    if (s->value_open) {
        pd_fields_close(f, o, i);
        pd_fields_put(o, '\n', i);
    }
    s->value_open = false;
    s->value_start = true;
    s->column++;
}

static void value_open(struct pd_fields *f, struct pd_fields_out *o, struct sql_state *s, size_t i)
{
    pd_fields_open(f, o, s->column < s->n ? s->fields[s->column] : PD_FIELD_NONE, i);
    s->value_open = true;
    s->value_start = false;
}

/* A byte of "(v, 'v', ...), (...)": each value on a line of its own after its column's label. */
static void tuple_byte(struct pd_fields *f, struct pd_fields_out *o, struct sql_state *s, const char *in, size_t i,
                       size_t len)
{
    char c = in[i];
    if (s->in_string) {
        if (s->escape) { /* MySQL's backslash escapes */
            s->escape = false;
            pd_fields_put(o, c == 'n' || c == 't' || c == 'r' || c == '0' ? ' ' : c, i);
        } else if (c == '\\') {
            s->escape = true;
        } else if (c == '\'' && i + 1 < len && in[i + 1] == '\'') {
            s->escape = true; /* '' is a quote: the second one is written as escaped */
        } else if (c == '\'') {
            s->in_string = false;
            if (s->value_open) { /* the value ends at its quote: a finding that ends it ends there, not
                                  * at the ',' after the quote (pdpscan redact replaces the span) */
                pd_fields_close(f, o, i);
                pd_fields_put(o, '\n', i);
                s->value_open = false;
            }
        } else {
            pd_fields_put(o, c == '\n' ? ' ' : c, i);
        }
        return;
    }
    if (s->depth == 0) {
        if (c == '(') {
            pd_fields_put(o, '\n', i); /* the first label starts its line: "VALUES(" is no part of it */
            s->depth = 1;
            s->column = 0;
            s->value_start = true;
            s->value_open = false;
        } else if (c == ';') {
            s->phase = PHASE_HEAD;
        }
        return;
    }
    if (s->value_start && isspace((unsigned char)c))
        return;
    if (s->depth == 1 && c == ',') {
        value_end(f, o, s, i);
        return;
    }
    if (c == ')' && --s->depth == 0) {
        value_end(f, o, s, i);
        return;
    }
    if (s->value_start && (c == 'N' || c == 'n' || c == 'E' || c == 'e') && i + 1 < len && in[i + 1] == '\'') {
        value_open(f, o, s, i); /* N'...' (national) and E'...' (escapes): the prefix is no part of it */
        return;
    }
    if (s->value_start)
        value_open(f, o, s, i);
    if (c == '\'') {
        s->in_string = true;
    } else {
        if (c == '(')
            s->depth++;
        pd_fields_put(o, c, i);
    }
}

/* A byte of a COPY block: tab-separated, backslash escapes, \N for NULL, "\." at its end. */
static void copy_byte(struct pd_fields *f, struct pd_fields_out *o, struct sql_state *s, const char *in, size_t i,
                      size_t len)
{
    char c = in[i];
    if (s->line_start && c == '\\' && i + 1 < len && in[i + 1] == '.') {
        s->phase = PHASE_HEAD;
        s->comment = true; /* the rest of the "\." line */
        return;
    }
    if (s->line_start) {
        s->line_start = false;
        s->column = 0;
        s->value_start = true;
    }
    if (c == '\n') {
        value_end(f, o, s, i);
        s->line_start = true;
        return;
    }
    if (c == '\t') {
        value_end(f, o, s, i);
        return;
    }
    if (s->value_start)
        value_open(f, o, s, i);
    if (s->escape) {
        s->escape = false;
        pd_fields_put(o, c == 'n' || c == 't' || c == 'r' || c == 'N' ? ' ' : c, i);
    } else if (c == '\\') {
        s->escape = true;
    } else if (c != '\r') {
        pd_fields_put(o, c, i);
    }
}

static bool view(struct pd_fields *f, void *state, struct pd_fields_out *o, const char *in, size_t len,
                 size_t resume_in)
{
    struct sql_state *s = state;
    if (s->value_open)
        pd_fields_continue(f, o, s->column < s->n ? s->fields[s->column] : PD_FIELD_NONE);
    for (size_t i = 0; i < len; i++) {
        if (i == resume_in)
            pd_fields_at_resume(f, s);
        switch (s->phase) {
        case PHASE_HEAD:
            pd_fields_put(o, in[i], i);
            head_byte(f, s, in[i], in, i, len);
            break;
        case PHASE_TUPLES:
            tuple_byte(f, o, s, in, i, len);
            break;
        case PHASE_COPY_WAIT:
            pd_fields_put(o, in[i], i);
            if (in[i] == '\n') {
                s->phase = PHASE_COPY;
                s->line_start = true;
            }
            break;
        case PHASE_COPY:
            copy_byte(f, o, s, in, i, len);
            break;
        }
    }
    return true;
}

const struct pd_fields_reader pd_fields_sql = {
    .kind = "sql", .state_size = sizeof(struct sql_state), .detect = detect, .view = view};

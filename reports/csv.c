/* CSV: one row per listed finding, masked, for spreadsheets and SIEM imports. RFC 4180 (a header
 * row, CRLF line ends, fields with a comma, quote or line break quoted and their quotes
 * doubled), UTF-8 (bytes of names that are not UTF-8 become U+FFFD), and no cell a spreadsheet
 * would run as a formula: one that starts with = + - @, a tab or a carriage return is prefixed
 * with an apostrophe (OWASP's advice for CSV injection). */
#include <stdlib.h>
#include <string.h>

#include "reports/writer.h"
#include "text/text.h"

static const char header[] = "fingerprint,detector,category,confidence,confidence_level,path,field,line,column,"
                             "offset,length,page,value_masked,value_hash,value_clear\r\n";

struct csv_writer {
    FILE *out;
    bool reveal;
};

/* Writes one cell (NULL: empty) and the separator after it (',' or the row's end). */
static void cell(FILE *out, const char *s, bool last)
{
    if (s && *s) {
        char stack[1024], *fixed = stack;
        size_t need = 3 * strlen(s) + 1; /* a bad byte becomes U+FFFD, three bytes */
        if (need > sizeof stack && !(fixed = malloc(need))) {
            fixed = stack; /* out of memory: the cell is cut rather than lost */
            need = sizeof stack;
        }
        pd_text_repair_utf8(s, fixed, need > sizeof stack ? need : sizeof stack);
        bool formula = strchr("=+-@\t\r", fixed[0]) != NULL;
        bool quote = formula || strpbrk(fixed, ",\"\r\n") != NULL;
        if (quote)
            fputc('"', out);
        if (formula)
            fputc('\'', out);
        for (const char *p = fixed; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        if (quote)
            fputc('"', out);
        if (fixed != stack)
            free(fixed);
    }
    fputs(last ? "\r\n" : ",", out);
}

static void number(FILE *out, unsigned long long v) { fprintf(out, "%llu,", v); }

static enum pd_error csv_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct csv_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    w->reveal = info->reveal;
    *state = w;
    fputs(header, out);
    return ferror(out) ? PD_ERR_IO : PD_OK;
}

static void csv_row(struct csv_writer *w, const struct pd_finding *f, const struct pd_unit *u)
{
    FILE *out = w->out;
    cell(out, f->fingerprint, false);
    cell(out, f->detector->id, false);
    cell(out, pd_category_name(f->detector->category), false);
    fprintf(out, "%d,", f->confidence);
    cell(out, pd_confidence_name(f->confidence), false);
    if (f->field && u->columns) { /* a database column, as in the JSON report: the row is the line */
        size_t n = strlen(u->path) + strlen(f->field) + 2;
        char *where = malloc(n);
        if (where)
            snprintf(where, n, "%s.%s", u->path, f->field);
        cell(out, where ? where : u->path, false);
        free(where);
    } else {
        cell(out, u->path, false);
    }
    cell(out, f->field, false);
    number(out, f->line);
    number(out, f->column);
    number(out, f->offset);
    number(out, f->length);
    const char *page = NULL;
    for (unsigned i = 0; i < f->n_attrs; i++)
        if (strcmp(f->attrs[i].key, "page") == 0)
            page = f->attrs[i].value;
    cell(out, page, false);
    cell(out, f->masked, false);
    cell(out, f->value_hash, false);
    cell(out, w->reveal ? f->clear : NULL, true); /* only when the user asked for values in clear */
}

static enum pd_error csv_unit(void *state, const struct pd_unit *u)
{
    struct csv_writer *w = state;
    for (size_t i = 0; i < u->n_findings; i++)
        csv_row(w, pd_unit_finding(u, i), u);
    return ferror(w->out) ? PD_ERR_IO : PD_OK;
}

static enum pd_error csv_violation(void *state, const struct pd_violation *v)
{
    (void)state, (void)v; /* findings only: violations are in the JSON report */
    return PD_OK;
}

static enum pd_error csv_end(void *state, const struct pd_report_summary *s)
{
    (void)s;
    struct csv_writer *w = state;
    return ferror(w->out) ? PD_ERR_IO : PD_OK;
}

static void csv_destroy(void *state) { free(state); }

const struct pd_writer pd_writer_csv = {
    .format = "csv",
    .extensions = "csv",
    .description = "CSV: one row per listed finding, masked (RFC 4180, formulas neutralised)",
    .atomic = true,
    .begin = csv_begin,
    .unit = csv_unit,
    .violation = csv_violation,
    .end = csv_end,
    .destroy = csv_destroy,
};

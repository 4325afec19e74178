/* The terminal summary: counts, findings by category and detector, the units with the most
 * findings, a sample of findings (masked) and the units that were not read whole. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "reports/writer.h"

#define TOP_UNITS 10
#define SHOWN_FINDINGS 40
#define SHOWN_PROBLEMS 20
#define SHOWN_VIOLATIONS 25

struct unit_line {
    char *path;
    char *text;
    char *more; /* a violation's further lines, '\n'-separated, each printed escaped */
    uint64_t count;
};

struct text_writer {
    FILE *out;
    struct unit_line top[TOP_UNITS];
    size_t n_top;
    struct unit_line problems[SHOWN_PROBLEMS];
    size_t n_problems;
    uint64_t more_problems;
    struct unit_line shown[SHOWN_FINDINGS];
    size_t n_shown;
    struct unit_line violations[SHOWN_VIOLATIONS]; /* the most severe first; count holds severity */
    size_t n_violations;
};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Whether a member name is a part of its document rather than a file of its own: the XML parts of
 * OOXML and ODF packages, the body parts and forwarded headers of a message (attachments keep
 * their file names). */
static bool internal_part(const char *member)
{
    static const char *const prefixes[] = {"word/", "xl/", "ppt/", "docProps/", "part-", "forwarded-", NULL};
    static const char *const names[] = {"content.xml", "styles.xml", "meta.xml", NULL};
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(member, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    for (int i = 0; names[i]; i++)
        if (strcmp(member, names[i]) == 0)
            return true;
    return false;
}

/* The name a reader acts on: "x.docx", not "x.docx!word/document.xml" (archive members, which are
 * files of their own, keep their chain); a database column as the JSON report names it. Writes
 * into out (cap bytes). */
static void subject_name(const char *path, const char *column, char *out, size_t cap)
{
    if (column) {
        snprintf(out, cap, "%s.%s", path, column);
        return;
    }
    size_t n = strlen(path);
    for (const char *bang; (bang = memrchr(path, '!', n)) != NULL && internal_part(bang + 1);)
        n = (size_t)(bang - path);
    snprintf(out, cap, "%.*s", (int)n, path);
}

static enum pd_error text_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct text_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    *state = w;
    return PD_OK;
}

/* Writes s with its control characters escaped as ls -b shows them ("\033", "\n", "\\"): a
 * file or member name must not recolour the terminal, set its title or split a line. C1 controls
 * (U+0080..U+009F) are escaped byte by byte. */
static void put_escaped(FILE *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
        if (*p == '\\') {
            fputs("\\\\", o);
        } else if (*p == '\n') {
            fputs("\\n", o);
        } else if (*p == '\t') {
            fputs("\\t", o);
        } else if (*p < 0x20 || *p == 0x7F || c1) {
            fprintf(o, "\\%03o", *p);
            if (c1)
                fprintf(o, "\\%03o", *++p);
        } else {
            fputc(*p, o);
        }
    }
}

/* One line of the summary, indented, its names escaped. */
static void put_line(FILE *o, const char *text)
{
    fputs("  ", o);
    put_escaped(o, text ? text : "");
    fputc('\n', o);
}

static void remember_top(struct text_writer *w, const struct pd_unit *u, uint64_t count)
{
    size_t at = w->n_top;
    while (at > 0 && w->top[at - 1].count < count)
        at--;
    if (at >= TOP_UNITS)
        return;
    if (w->n_top == TOP_UNITS) {
        free(w->top[TOP_UNITS - 1].path);
        w->n_top--;
    }
    memmove(&w->top[at + 1], &w->top[at], (w->n_top - at) * sizeof w->top[0]);
    w->top[at] = (struct unit_line){.path = dup_or_null(u->path), .count = count};
    w->n_top++;
}

static enum pd_error text_unit(void *state, const struct pd_unit *u)
{
    struct text_writer *w = state;
    uint64_t count = u->n_findings + u->findings_unlisted;
    if (count)
        remember_top(w, u, count);
    for (size_t i = 0; i < u->n_findings && w->n_shown < SHOWN_FINDINGS; i++) {
        /* fixed-width columns first, the location (of any length) last */
        const struct pd_finding *f = pd_unit_finding(u, i);
        char where[400], line[600];
        bool column = f->field && u->columns;
        subject_name(u->path, column ? f->field : NULL, where, sizeof where);
        size_t chars = 0; /* the value's width on screen: characters, not bytes */
        for (const char *p = f->masked; *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        int pad = chars < 18 ? (int)(18 - chars) : 0;
        snprintf(line, sizeof line, "%-20s %-6s %s%*s %s%s%llu", f->detector->id, pd_confidence_name(f->confidence),
                 f->masked, pad, "", where, column ? " row " : ":", (unsigned long long)f->line);
        w->shown[w->n_shown++].text = strdup(line);
    }
    if (u->status == PD_UNIT_ERROR || u->status == PD_UNIT_PARTIAL) {
        if (w->n_problems < SHOWN_PROBLEMS) {
            char line[1024];
            snprintf(line, sizeof line, "%-7s %s: %s", pd_unit_status_name(u->status), u->path, u->reason);
            w->problems[w->n_problems++].text = strdup(line);
        } else {
            w->more_problems++;
        }
    }
    return PD_OK;
}

static enum pd_error text_violation(void *state, const struct pd_violation *v)
{
    struct text_writer *w = state;
    size_t at = w->n_violations;
    while (at > 0 && w->violations[at - 1].count < (uint64_t)v->severity)
        at--;
    if (at >= SHOWN_VIOLATIONS)
        return PD_OK;
    if (w->n_violations == SHOWN_VIOLATIONS) {
        struct unit_line *last = &w->violations[--w->n_violations];
        free(last->text);
        free(last->path);
        free(last->more);
    }
    const struct pd_rule *rule = pd_violation_rule(v);
    char line[1024], more[1024], expired[400] = "";
    snprintf(line, sizeof line, "%-8s %s: %s", pd_severity_name(v->severity), rule->id,
             rule->title.en ? rule->title.en : "");
    if (v->expired_exception)
        snprintf(expired, sizeof expired, "\nan exception would apply but has expired: %s", v->expired_exception);
    snprintf(more, sizeof more, "(%llu findings, %llu distinct values)\nwhat to do: %s%s",
             (unsigned long long)v->findings, (unsigned long long)v->distinct,
             rule->remediation.en ? rule->remediation.en : "", expired);
    char subject[512]; /* a name, escaped when printed: kept apart from the lines around it */
    subject_name(v->subject ? v->subject : "(whole scan)", NULL, subject, sizeof subject);
    memmove(&w->violations[at + 1], &w->violations[at], (w->n_violations - at) * sizeof w->violations[0]);
    w->violations[at] = (struct unit_line){.text = strdup(line), .path = strdup(subject), .more = strdup(more),
                                           .count = (uint64_t)v->severity};
    w->n_violations++;
    return PD_OK;
}

void pd_report_human_bytes(uint64_t n, char out[32])
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        i++;
    }
    snprintf(out, 32, i ? "%.1f %s" : "%.0f %s", v, units[i]);
}

static enum pd_error text_end(void *state, const struct pd_report_summary *s)
{
    struct text_writer *w = state;
    FILE *o = w->out;
    char scanned[32];
    pd_report_human_bytes(s->bytes_scanned, scanned);
    if (s->info->policies) {
        fprintf(o, "Violations: %llu (critical %llu, high %llu, medium %llu, low %llu, info %llu)\n",
                (unsigned long long)s->violations, (unsigned long long)s->by_severity[PD_SEV_CRITICAL],
                (unsigned long long)s->by_severity[PD_SEV_HIGH], (unsigned long long)s->by_severity[PD_SEV_MEDIUM],
                (unsigned long long)s->by_severity[PD_SEV_LOW], (unsigned long long)s->by_severity[PD_SEV_INFO]);
        for (size_t i = 0; i < w->n_violations; i++) {
            put_line(o, w->violations[i].text);
            fputs("           ", o);
            put_escaped(o, w->violations[i].path ? w->violations[i].path : "");
            fputc('\n', o);
            for (const char *p = w->violations[i].more; p && *p;) { /* remediation, expired exception */
                char piece[1024];
                size_t n = strcspn(p, "\n");
                snprintf(piece, sizeof piece, "%.*s", (int)n, p);
                fputs("           ", o);
                put_escaped(o, piece);
                fputc('\n', o);
                p += n + (p[n] == '\n');
            }
        }
        if (s->violations > w->n_violations)
            fprintf(o, "  ... and %llu more (see the report)\n", (unsigned long long)(s->violations - w->n_violations));
        for (size_t i = 0; i < s->n_laws; i++)
            fprintf(o, "  under %s: %llu\n", s->by_law[i].number, (unsigned long long)s->by_law[i].violations);
        fputc('\n', o);
    }
    fprintf(o, "pdpscan %s: %s in %.0f s%s%s\n", s->info->tool_version, s->partial ? "PARTIAL scan" : "scan complete",
            difftime(s->finished, s->info->started), s->interrupted_by ? ", interrupted by " : "",
            s->interrupted_by ? s->interrupted_by : "");
    fprintf(o, "Units: %llu (scanned %llu, partial %llu, skipped %llu, error %llu), %s read\n",
            (unsigned long long)s->units, (unsigned long long)s->by_status[PD_UNIT_SCANNED],
            (unsigned long long)s->by_status[PD_UNIT_PARTIAL], (unsigned long long)s->by_status[PD_UNIT_SKIPPED],
            (unsigned long long)s->by_status[PD_UNIT_ERROR], scanned);
    if (s->info->incremental) { /* --state: what was not read, and what is no longer there */
        fprintf(o, "Unchanged since the state: %llu units carried, not read\n", (unsigned long long)s->carried_units);
        fprintf(o, "Gone since the state: %llu files\n", (unsigned long long)(s->n_gone + s->gone_unlisted));
        for (size_t i = 0; i < s->n_gone && i < 10; i++) {
            fprintf(o, "  %8llu  ", (unsigned long long)s->gone[i].findings);
            put_escaped(o, s->gone[i].path);
            fputc('\n', o);
        }
        if (s->n_gone + s->gone_unlisted > 10)
            fprintf(o, "  ... and %llu more (see the report)\n",
                    (unsigned long long)(s->n_gone + s->gone_unlisted - 10));
    }
    if (s->binary_units) /* skipped binary files are a choice the reader should see */
        fprintf(o, "Binary files: %llu (%s)\n", (unsigned long long)s->binary_units,
                s->info->read_binary ? "their printable strings read"
                                     : "skipped; --binary reads their printable strings");
    fprintf(o, "Findings: %llu in %llu units (basic %llu, sensitive %llu, state_secret %llu)\n",
            (unsigned long long)s->findings, (unsigned long long)s->units_with_findings,
            (unsigned long long)s->by_category[PD_CAT_BASIC], (unsigned long long)s->by_category[PD_CAT_SENSITIVE],
            (unsigned long long)s->by_category[PD_CAT_STATE_SECRET]);
    if (s->findings) {
        fprintf(o, "\nBy detector:\n");
        for (size_t i = 0; i < s->n_detectors; i++)
            if (s->by_detector[i].findings)
                fprintf(o, "  %-22s %8llu in %llu units\n", s->by_detector[i].detector->id,
                        (unsigned long long)s->by_detector[i].findings, (unsigned long long)s->by_detector[i].units);
        fprintf(o, "\nUnits with most findings:\n");
        for (size_t i = 0; i < w->n_top; i++) {
            char name[512];
            subject_name(w->top[i].path ? w->top[i].path : "", NULL, name, sizeof name);
            fprintf(o, "  %8llu  ", (unsigned long long)w->top[i].count);
            put_escaped(o, name);
            fputc('\n', o);
        }
        fprintf(o, "\nFindings (masked):\n  %-20s %-6s %-18s %s\n", "detector", "conf.", "value", "where");
        for (size_t i = 0; i < w->n_shown; i++)
            if (w->shown[i].text)
                put_line(o, w->shown[i].text);
        if (s->findings > w->n_shown)
            fprintf(o, "  ... and %llu more (see the report)\n", (unsigned long long)(s->findings - w->n_shown));
    }
    if (w->n_problems) {
        fprintf(o, "\nNot read whole:\n");
        for (size_t i = 0; i < w->n_problems; i++)
            if (w->problems[i].text)
                put_line(o, w->problems[i].text);
        if (w->more_problems)
            fprintf(o, "  ... and %llu more (see the report)\n", (unsigned long long)w->more_problems);
    }
    return ferror(o) ? PD_ERR_IO : PD_OK;
}

static void text_destroy(void *state)
{
    struct text_writer *w = state;
    if (!w)
        return;
    for (size_t i = 0; i < w->n_top; i++)
        free(w->top[i].path);
    for (size_t i = 0; i < w->n_problems; i++)
        free(w->problems[i].text);
    for (size_t i = 0; i < w->n_shown; i++)
        free(w->shown[i].text);
    for (size_t i = 0; i < w->n_violations; i++) {
        free(w->violations[i].text);
        free(w->violations[i].path);
        free(w->violations[i].more);
    }
    free(w);
}

const struct pd_writer pd_writer_text = {
    .format = "text",
    .extensions = "txt",
    .description = "terminal summary (counts, top units, masked sample of findings)",
    .atomic = true,
    .begin = text_begin,
    .unit = text_unit,
    .violation = text_violation,
    .end = text_end,
    .destroy = text_destroy,
};

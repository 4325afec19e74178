/* pdpscan redact from inputs to verified copies: each file is scanned (every finding, no cap), the
 * findings to redact are chosen, the copy is written with each value replaced in place, checked
 * to parse as its format, scanned again, and put in place only when clean. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "redact/redact-int.h"
#include "util/io.h"
#include "scanner/walker.h"
#include "scanner/worker.h"

#define MAX_FIELDS 4096      /* distinct field names per file that label values */
#define VALUE_READ_MAX 4096  /* bytes of a value read to build its replacement */
#define COPY_BUFFER (1u << 20)

/* ---- one file's findings, as the worker hands them over ---- */

struct found {
    uint64_t offset;
    uint32_t length;
    uint16_t detector; /* index in pd_detectors() */
    uint16_t field;    /* index in fields + 1; 0: none */
    uint8_t confidence;
    bool chosen;
    char hash[33];
};

struct findings {
    const char *path; /* the top-level file: members of containers are not this unit */
    const struct pd_detector *table;
    struct found *v;
    size_t n, cap;
    char *fields[MAX_FIELDS];
    size_t n_fields;
    bool nomem;
    int min_confidence; /* verification: count only these */
    uint64_t at_or_above, by_detector[PD_MAX_DETECTORS];
};

static uint16_t field_index(struct findings *fs, const char *name)
{
    if (!name)
        return 0;
    for (size_t i = fs->n_fields; i-- > 0;)
        if (strcmp(fs->fields[i], name) == 0)
            return (uint16_t)(i + 1);
    if (fs->n_fields == MAX_FIELDS || !(fs->fields[fs->n_fields] = strdup(name)))
        return 0;
    return (uint16_t)++fs->n_fields;
}

static void take_finding(void *arg, const struct pd_unit *u, const struct pd_finding *f)
{
    struct findings *fs = arg;
    size_t pl = strlen(fs->path);
    if (strncmp(u->path, fs->path, pl) != 0 || (u->path[pl] != '\0' && u->path[pl] != '!'))
        return;
    size_t d = (size_t)(f->detector - fs->table);
    if (f->confidence >= fs->min_confidence) { /* the verification counts the members of a package too */
        fs->at_or_above++;
        fs->by_detector[d]++;
    }
    if (u->path[pl] != '\0') /* collected: the file's own text only */
        return;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 256;
        struct found *v = realloc(fs->v, cap * sizeof *v);
        if (!v) {
            fs->nomem = true;
            return;
        }
        fs->v = v;
        fs->cap = cap;
    }
    struct found *x = &fs->v[fs->n++];
    *x = (struct found){.offset = f->offset, .length = f->length, .detector = (uint16_t)d,
                        .field = field_index(fs, f->field), .confidence = (uint8_t)f->confidence};
    memcpy(x->hash, f->value_hash, sizeof x->hash);
}

static void findings_free(struct findings *fs)
{
    for (size_t i = 0; i < fs->n_fields; i++)
        free(fs->fields[i]);
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

/* ---- the run ---- */

struct file_result {
    char *input, *output;
    const char *format;   /* NULL: not redacted in place */
    const char *encoding;
    const char *status;   /* redacted, failed, unsupported, copied, error */
    char reason[512];
    uint64_t findings, remaining;
    uint64_t by_detector[PD_MAX_DETECTORS];          /* redacted */
    const struct pd_redact_operator *op[PD_MAX_DETECTORS];
    uint64_t remaining_by_detector[PD_MAX_DETECTORS];
};

struct run {
    const struct pd_redact_options *o;
    struct file_result *current; /* the file being redacted */
    struct pd_redact_summary *sum;
    struct pd_worker *worker;
    struct findings fs;
    const struct pd_detector *table;
    size_t n_detectors;
    struct file_result *files;
    size_t n_files, cap_files;
    /* where each input's files go */
    const char *input;     /* the input being walked */
    bool single_file;      /* one input that is a file: opts->output is its copy */
    bool many;             /* several inputs: each under its own name in the output directory */
    enum pd_error fatal;
    struct pd_diag *diag;
};

static struct file_result *new_result(struct run *r, const char *input)
{
    if (r->n_files == r->cap_files) {
        size_t cap = r->cap_files ? 2 * r->cap_files : 64;
        struct file_result *v = realloc(r->files, cap * sizeof *v);
        if (!v)
            return NULL;
        r->files = v;
        r->cap_files = cap;
    }
    struct file_result *f = &r->files[r->n_files];
    memset(f, 0, sizeof *f);
    if (!(f->input = strdup(input)))
        return NULL;
    r->n_files++;
    return f;
}

static void set_status(struct file_result *f, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(struct file_result *f, const char *status, const char *fmt, ...)
{
    f->status = status;
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
}

/* The output path of an input file (malloc'd). */
static char *output_path(const struct run *r, const char *file)
{
    const struct pd_redact_options *o = r->o;
    struct stat st;
    char *copy = strdup(r->input), *base = copy ? basename(copy) : NULL;
    char *out = NULL;
    size_t n;
    if (!copy)
        return NULL;
    if (r->single_file) {
        if (stat(o->output, &st) == 0 && S_ISDIR(st.st_mode)) {
            n = strlen(o->output) + strlen(base) + 2;
            if ((out = malloc(n)))
                snprintf(out, n, "%s/%s", o->output, base);
        } else {
            out = strdup(o->output);
        }
    } else {
        const char *rel = file + strlen(r->input);
        while (*rel == '/')
            rel++;
        n = strlen(o->output) + strlen(base) + strlen(rel) + 3;
        if ((out = malloc(n))) {
            if (r->many)
                snprintf(out, n, "%s/%s%s%s", o->output, base, *rel ? "/" : "", rel);
            else
                snprintf(out, n, "%s%s%s", o->output, *rel ? "/" : "", rel);
        }
    }
    free(copy);
    return out;
}

/* Makes the folders above path (0700), as a mirrored tree needs them. */
static bool make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return false;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    free(p);
    return true;
}

/* A temporary file beside target (0600), renamed over it once complete. */
static int open_temp(const char *target, char **tmp)
{
    /* the target's extension kept: the rescan reads the copy as it will be read under its name */
    const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
    const char *ext = strrchr(base, '.');
    if (!ext || ext == base || strlen(ext) > 16)
        ext = "";
    size_t n = strlen(target) + 48;
    char *copy = strdup(target);
    *tmp = malloc(n);
    if (!copy || !*tmp) {
        free(copy);
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    snprintf(*tmp, n, "%s/.pdpscan-redact-XXXXXX%s", dirname(copy), ext);
    free(copy);
    int fd = mkstemps(*tmp, (int)strlen(ext)); /* 0600 */
    if (fd < 0) {
        free(*tmp);
        *tmp = NULL;
    }
    return fd;
}

/* ---- choosing what to redact ---- */

static int by_offset(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return x->length > y->length ? -1 : x->length < y->length; /* the longer first */
}

/* Findings at or above the confidence, and in a field that labelled such a finding of the same
 * detector elsewhere, any finding of it: a name column is cleaned in every row, including the
 * rows where the name alone looked weak. Overlapping ones: the first, longer one wins. */
static void choose(struct findings *fs, int min_confidence)
{
    uint64_t *labelled = calloc(fs->n_fields + 1, sizeof *labelled); /* per field: detector bits */
    for (size_t i = 0; labelled && i < fs->n; i++)
        if (fs->v[i].field && fs->v[i].confidence >= min_confidence)
            labelled[fs->v[i].field] |= 1ull << fs->v[i].detector;
    for (size_t i = 0; i < fs->n; i++) {
        struct found *x = &fs->v[i];
        x->chosen = x->confidence >= min_confidence ||
                    (labelled && x->field && (labelled[x->field] >> x->detector & 1));
    }
    free(labelled);
    if (fs->n)
        qsort(fs->v, fs->n, sizeof *fs->v, by_offset);
    uint64_t end = 0;
    for (size_t i = 0; i < fs->n; i++) {
        struct found *x = &fs->v[i];
        if (!x->chosen)
            continue;
        if (x->offset < end)
            x->chosen = false;
        else
            end = x->offset + x->length;
    }
}

/* ---- writing the copy ---- */

/* Where the bytes copied so far leave a JSON or SQL value: inside a string or not. */
struct syntax {
    enum pd_redact_syntax kind;
    unsigned unit;
    bool big_endian;
    bool in_string, escaped;
    unsigned last; /* the last character copied that is not white space */
};

static void track(struct syntax *s, const unsigned char *p, size_t n)
{
    if (s->kind == PD_SYNTAX_TEXT)
        return;
    unsigned quote = s->kind == PD_SYNTAX_JSON ? '"' : '\'';
    for (size_t i = 0; i + s->unit <= n; i += s->unit) {
        unsigned c = s->unit == 1 ? p[i] : s->big_endian ? (unsigned)(p[i] << 8 | p[i + 1]) : (unsigned)(p[i + 1] << 8 | p[i]);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            s->last = c;
        if (c == '\n') {
            s->in_string = s->escaped = false; /* neither format's strings hold a raw line break */
        } else if (s->escaped) {
            s->escaped = false;
        } else if (c == '\\' && s->in_string) {
            s->escaped = true;
        } else if (c == quote) {
            s->in_string = !s->in_string;
        }
    }
}

/* A value that is a number: outside a string in JSON; in SQL, outside a string right in an
 * INSERT's tuple (after "(" or ","), not in COPY data, whose values are text. */
static bool outside_string_value(const struct syntax *s)
{
    if (s->kind == PD_SYNTAX_TEXT || s->in_string)
        return false;
    return s->kind == PD_SYNTAX_JSON || s->last == ',' || s->last == '(';
}

/* ---- replacing ---- */

/* The replacement of a chosen finding whose raw bytes are given (false: its operator keeps it),
 * counted for the report. */
static bool replacement(struct run *r, struct file_result *res, const struct found *x, const unsigned char *raw,
                        size_t len, const struct syntax *syn, bool number, char out[PD_REDACT_OUT_MAX])
{
    struct pd_redact_choice choice;
    const struct pd_detector *d = &r->table[x->detector];
    pd_redact_rules_choose(r->o->rules, d, &choice);
    if (choice.op == &pd_redact_op_keep)
        return false;
    struct pd_redact_value v = {.detector = d, .raw = raw, .len = len, .unit = syn->unit,
                                .big_endian = syn->big_endian, .hash = x->hash, .number = number};
    choice.op->apply(&v, choice.arg, out);
    res->findings++;
    res->by_detector[x->detector]++;
    res->op[x->detector] = choice.op;
    return true;
}

/* The copy's input and output, both buffered: a CSV holds a value every few dozen bytes, and a
 * read and a write per value cost more than the scan. */
struct stream {
    int in, out;
    unsigned char *ibuf, *obuf;
    uint64_t ibase;   /* file offset of ibuf[0] */
    size_t ilen, olen;
    bool failed;
};

/* Makes [at, at + n) of the input readable in ibuf (n <= COPY_BUFFER); returns it, or NULL. */
static const unsigned char *input_at(struct stream *st, uint64_t at, size_t n)
{
    if (at >= st->ibase && at + n <= st->ibase + st->ilen)
        return st->ibuf + (at - st->ibase);
    size_t got = 0;
    while (got < COPY_BUFFER) {
        ssize_t r = pread(st->in, st->ibuf + got, COPY_BUFFER - got, (off_t)(at + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    st->ibase = at;
    st->ilen = got;
    return got >= n ? st->ibuf : NULL;
}

static void output(struct stream *st, const void *p, size_t n)
{
    if (st->olen + n > COPY_BUFFER) {
        st->failed |= !pd_write_all(st->out, st->obuf, st->olen);
        st->olen = 0;
    }
    if (n > COPY_BUFFER) {
        st->failed |= !pd_write_all(st->out, p, n);
        return;
    }
    memcpy(st->obuf + st->olen, p, n);
    st->olen += n;
}

static bool flush_output(struct stream *st)
{
    st->failed |= !pd_write_all(st->out, st->obuf, st->olen);
    st->olen = 0;
    return !st->failed;
}

/* Copies [from, to) of the input to the output, tracking the syntax. */
static bool copy_range(struct stream *st, uint64_t from, uint64_t to, struct syntax *s)
{
    while (from < to && !st->failed) {
        size_t want = to - from < COPY_BUFFER ? (size_t)(to - from) : COPY_BUFFER;
        const unsigned char *p = input_at(st, from, 1);
        if (!p)
            return false;
        size_t have = (size_t)(st->ibase + st->ilen - from);
        if (want > have)
            want = have;
        track(s, p, want);
        output(st, p, want);
        from += want;
    }
    return !st->failed;
}

/* The replacement in the file's encoding: ASCII as itself, or widened for UTF-16. */
static void write_replacement(struct stream *st, const char *ascii, const struct syntax *s)
{
    size_t n = strlen(ascii);
    if (s->unit == 1) {
        output(st, ascii, n);
        return;
    }
    unsigned char wide[2 * PD_REDACT_OUT_MAX];
    for (size_t i = 0; i < n; i++) {
        wide[2 * i + (s->big_endian ? 1 : 0)] = (unsigned char)ascii[i];
        wide[2 * i + (s->big_endian ? 0 : 1)] = 0;
    }
    output(st, wide, 2 * n);
}

static enum pd_error write_copy(struct run *r, struct file_result *res, int in, int out, uint64_t size,
                                struct syntax *syn)
{
    struct stream st = {.in = in, .out = out, .ibuf = malloc(COPY_BUFFER), .obuf = malloc(COPY_BUFFER)};
    enum pd_error err = st.ibuf && st.obuf ? PD_OK : PD_ERR_NOMEM;
    uint64_t pos = 0;
    for (size_t i = 0; i < r->fs.n && !err; i++) {
        const struct found *x = &r->fs.v[i];
        if (!x->chosen)
            continue;
        /* what comes before the value decides whether it is in a string: copied first */
        if (!copy_range(&st, pos, x->offset, syn)) {
            err = PD_ERR_IO;
            break;
        }
        size_t len = x->length < VALUE_READ_MAX ? x->length : VALUE_READ_MAX;
        const unsigned char *value = input_at(&st, x->offset, len);
        char text[PD_REDACT_OUT_MAX];
        if (!value) {
            err = PD_ERR_IO;
            break;
        }
        if (!replacement(r, res, x, value, len, syn, outside_string_value(syn), text)) {
            pos = x->offset; /* kept: copied with what follows */
            continue;
        }
        write_replacement(&st, text, syn);
        pos = x->offset + x->length;
    }
    if (!err && (!copy_range(&st, pos, size, syn) || !flush_output(&st)))
        err = PD_ERR_IO;
    free(st.ibuf);
    free(st.obuf);
    return err;
}

/* ---- drop: whole columns and keys ---- */

#define MAX_COLUMNS 16384

/* The columns (CSV, TSV) or keys (JSON, JSON Lines) that held a value the drop operator took go
 * whole from the copy at *tmp, which is replaced by a new temporary file. */
static enum pd_error drop_structure(struct run *r, struct file_result *res, const struct pd_redact_format *fmt,
                                    const struct syntax *syn, int in, size_t ragged, char **tmp, char *why, size_t cap)
{
    bool table = strcmp(fmt->name, "csv") == 0 || strcmp(fmt->name, "tsv") == 0;
    bool json = (strcmp(fmt->name, "json") == 0 || strcmp(fmt->name, "jsonl") == 0) && syn->unit == 1;
    if (!table && !json)
        return PD_OK;
    uint64_t *offsets = calloc(r->fs.n + 1, sizeof *offsets);
    char **paths = calloc(r->fs.n_fields + 1, sizeof *paths);
    bool *seen_field = calloc(r->fs.n_fields + 1, sizeof *seen_field);
    size_t n_off = 0, n_paths = 0;
    enum pd_error err = offsets && paths && seen_field ? PD_OK : PD_ERR_NOMEM;
    for (size_t i = 0; !err && i < r->fs.n; i++) {
        const struct found *x = &r->fs.v[i];
        struct pd_redact_choice choice;
        if (!x->chosen)
            continue;
        pd_redact_rules_choose(r->o->rules, &r->table[x->detector], &choice);
        if (choice.op != &pd_redact_op_drop)
            continue;
        offsets[n_off++] = x->offset; /* in order: the findings are sorted */
        if (x->field && !seen_field[x->field]) {
            seen_field[x->field] = true;
            paths[n_paths++] = r->fs.fields[x->field - 1];
        }
    }
    bool *drop = table && n_off ? calloc(MAX_COLUMNS, sizeof *drop) : NULL;
    if (!err && table && n_off && !drop)
        err = PD_ERR_NOMEM;
    char delim = fmt->name[0] == 'c' ? ',' : '\t';
    if (!err && table && n_off && ragged) {
        snprintf(why, cap, "its rows do not all have the header's number of fields (row %zu): no column to cut",
                 ragged);
        err = PD_ERR_FORMAT;
    }
    if (!err && table && n_off)
        err = pd_redact_columns_of(in, syn->unit, syn->big_endian, delim, offsets, n_off, drop, MAX_COLUMNS);
    bool work = !err && ((table && n_off) || (json && n_paths));
    char *next = NULL;
    int out = work ? open_temp(res->output, &next) : -1;
    if (work && out < 0)
        err = PD_ERR_IO;
    if (!err && work && table) {
        int from = open(*tmp, O_RDONLY | O_CLOEXEC);
        err = from < 0 ? PD_ERR_IO : pd_redact_remove_columns(from, out, syn->unit, syn->big_endian, delim, drop,
                                                                 MAX_COLUMNS);
        if (from >= 0)
            close(from);
    } else if (!err && work) {
        size_t removed = 0;
        err = pd_redact_drop_keys(*tmp, out, strcmp(fmt->name, "jsonl") == 0, paths, n_paths, &removed, why, cap);
    }
    if (!err && work && fsync(out) != 0)
        err = PD_ERR_IO;
    if (out >= 0)
        close(out);
    if (!err && work) {
        unlink(*tmp);
        free(*tmp);
        *tmp = next;
    } else if (next) {
        unlink(next);
        free(next);
    }
    if (err && !*why)
        snprintf(why, cap, "%s", err == PD_ERR_NOMEM ? "out of memory" : strerror(errno ? errno : EIO));
    free(offsets);
    free(paths);
    free(seen_field);
    free(drop);
    return err;
}

/* ---- checking the format ---- */

/* JSON parses (UTF-8 text; other encodings are left to the rescan); JSON Lines line by line. A
 * failure names the line and column. */
static bool json_ok(const char *path, bool lines, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot read: %s", strerror(errno));
        return false;
    }
    struct json_tokener *tok = json_tokener_new();
    char *line = NULL;
    size_t linecap = 0, lineno = 0;
    bool ok = tok != NULL;
    if (lines) {
        ssize_t n;
        while (ok && (n = getline(&line, &linecap, f)) > 0) {
            lineno++;
            size_t k = (size_t)n;
            while (k && (line[k - 1] == '\n' || line[k - 1] == '\r' || line[k - 1] == ' '))
                k--;
            if (k == 0)
                continue;
            json_tokener_reset(tok);
            struct json_object *o = json_tokener_parse_ex(tok, line, (int)k);
            enum json_tokener_error e = json_tokener_get_error(tok);
            ok = o && e == json_tokener_success && json_tokener_get_parse_end(tok) == k;
            if (!ok)
                snprintf(why, cap, "invalid JSON on line %zu, column %zu: %s", lineno,
                         json_tokener_get_parse_end(tok) + 1, json_tokener_error_desc(e));
            json_object_put(o);
        }
    } else {
        struct json_object *o = NULL;
        enum json_tokener_error e = json_tokener_continue;
        size_t line_no = 1, col = 1;
        char chunk[65536];
        size_t n;
        while (ok && e == json_tokener_continue && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
            o = json_tokener_parse_ex(tok, chunk, (int)n);
            e = json_tokener_get_error(tok);
            size_t end = e == json_tokener_continue ? n : json_tokener_get_parse_end(tok);
            for (size_t i = 0; i < end; i++, col++)
                if (chunk[i] == '\n')
                    line_no++, col = 0;
            if (e != json_tokener_continue && e != json_tokener_success) {
                ok = false;
                snprintf(why, cap, "invalid JSON at line %zu, column %zu: %s", line_no, col,
                         json_tokener_error_desc(e));
            }
        }
        if (ok && !o) {
            ok = false;
            snprintf(why, cap, "invalid JSON: it ends before its value does");
        }
        json_object_put(o);
    }
    free(line);
    json_tokener_free(tok);
    fclose(f);
    return ok;
}

/* A CSV or TSV (one byte per character) whose quoted fields close; a failure names the line.
 * Rows with another number of fields than the header (an export that did not quote a comma)
 * are no reason to refuse a redaction in place: the first is named in *ragged (a row number,
 * 0: none), for the report and for the drop operator, which cannot cut such a table by column. */
static bool table_ok(const char *path, char sep, size_t *ragged, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot read: %s", strerror(errno));
        return false;
    }
    size_t fields = 1, header = 0, row = 1, line = 1, row_line = 1;
    bool quoted = false;
    int c, prev = '\n';
    *ragged = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '"' && sep == ',')
            quoted = !quoted;
        else if (c == sep && !quoted)
            fields++;
        if (c == '\n') {
            line++;
            if (!quoted) {
                if (row == 1)
                    header = fields;
                else if (fields != header && !(fields == 1 && prev == '\n') && !*ragged) {
                    *ragged = row;
                    snprintf(why, cap, "row %zu (line %zu) has %zu fields, the header %zu", row, row_line, fields,
                             header);
                }
                row++;
                fields = 1;
                row_line = line;
            }
        }
        prev = c;
    }
    fclose(f);
    if (quoted) {
        snprintf(why, cap, "a quoted field opened on line %zu never closes", row_line);
        return false;
    }
    return true;
}

static bool format_ok(const struct pd_redact_format *fmt, const char *path, const struct syntax *syn, size_t *ragged,
                      char *why, size_t cap)
{
    *ragged = 0;
    if (syn->unit != 1) /* UTF-16: the rescan reads it; these checks read bytes */
        return true;
    if (strcmp(fmt->name, "json") == 0 || strcmp(fmt->name, "jsonl") == 0)
        return json_ok(path, strcmp(fmt->name, "jsonl") == 0, why, cap);
    if (strcmp(fmt->name, "csv") == 0 || strcmp(fmt->name, "tsv") == 0)
        return table_ok(path, fmt->name[0] == 'c' ? ',' : '\t', ragged, why, cap);
    return true;
}

/* ---- packages: edits for the texts office.c hands over ---- */

static enum pd_error text_edits(void *arg, const char *name, const char *text, size_t len,
                                bool (*number_at)(void *narg, size_t offset), void *narg, struct pd_redact_edit **out,
                                size_t *n_out)
{
    struct run *r = arg;
    *out = NULL;
    *n_out = 0;
    findings_free(&r->fs);
    r->fs.path = name;
    r->fs.table = r->table;
    r->fs.min_confidence = r->o->min_confidence;
    struct pd_unit *u = pd_worker_scan_buffer(r->worker, name, (const unsigned char *)text, len);
    if (!u || r->fs.nomem) {
        pd_unit_destroy(u);
        return PD_ERR_NOMEM;
    }
    pd_unit_destroy(u);
    choose(&r->fs, r->o->min_confidence);
    struct pd_redact_edit *edits = calloc(r->fs.n + 1, sizeof *edits);
    if (!edits)
        return PD_ERR_NOMEM;
    size_t n = 0;
    const struct syntax utf8 = {.kind = PD_SYNTAX_TEXT, .unit = 1};
    for (size_t i = 0; i < r->fs.n; i++) {
        const struct found *x = &r->fs.v[i];
        if (!x->chosen || x->offset + x->length > len)
            continue;
        if (replacement(r, r->current, x, (const unsigned char *)text + x->offset, x->length, &utf8,
                        number_at && number_at(narg, x->offset), edits[n].text)) {
            edits[n].offset = (size_t)x->offset;
            edits[n].length = x->length;
            n++;
        }
    }
    *out = edits;
    *n_out = n;
    return PD_OK;
}

/* ---- one file ---- */

static struct pd_unit *scan(struct run *r, const char *path, int min_confidence)
{
    findings_free(&r->fs);
    r->fs.path = path;
    r->fs.table = r->table;
    r->fs.min_confidence = min_confidence;
    bool in_slices = false;
    return pd_worker_scan_file(r->worker, path, NULL, &in_slices);
}

static bool copy_whole(const char *from, const char *to, char *why, size_t cap)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    char *tmp = NULL;
    int out = in >= 0 && make_parents(to) ? open_temp(to, &tmp) : -1;
    struct stat st;
    bool ok = in >= 0 && out >= 0 && fstat(in, &st) == 0;
    struct stream s = {.in = in, .out = out, .ibuf = ok ? malloc(COPY_BUFFER) : NULL,
                       .obuf = ok ? malloc(COPY_BUFFER) : NULL};
    struct syntax none = {.kind = PD_SYNTAX_TEXT, .unit = 1};
    ok = ok && s.ibuf && s.obuf && copy_range(&s, 0, (uint64_t)st.st_size, &none) && flush_output(&s) &&
         fsync(out) == 0;
    if (!ok)
        snprintf(why, cap, "cannot copy: %s", strerror(errno));
    free(s.ibuf);
    free(s.obuf);
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (ok && rename(tmp, to) != 0) {
        snprintf(why, cap, "cannot put the copy in place: %s", strerror(errno));
        ok = false;
    }
    if (!ok && tmp)
        unlink(tmp);
    free(tmp);
    return ok;
}

static void redact_file(struct run *r, const char *path)
{
    const struct pd_redact_options *o = r->o;
    struct file_result *res = new_result(r, path);
    if (!res) {
        r->fatal = pd_fail(r->diag, PD_ERR_NOMEM, "out of memory");
        return;
    }
    r->sum->files++;
    res->output = output_path(r, path);
    struct pd_unit *u = scan(r, path, o->min_confidence);
    if (!u || !res->output || r->fs.nomem) {
        set_status(res, "error", "out of memory");
        r->sum->errors++;
        pd_unit_destroy(u);
        return;
    }
    const struct pd_redact_format *fmt =
        u->status == PD_UNIT_SCANNED && !u->binary ? pd_redact_format_for(u->mime, path) : NULL;
    res->format = fmt ? fmt->name : NULL;
    res->encoding = u->encoding;
    char why[400] = "";
    if (u->status == PD_UNIT_ERROR || u->status == PD_UNIT_PARTIAL) {
        set_status(res, "error", "not read whole: %s", u->reason);
        r->sum->errors++;
    } else if (!fmt && o->copy_unsupported) {
        if (make_parents(res->output) && copy_whole(path, res->output, why, sizeof why)) {
            set_status(res, "copied", "%s is not redacted in place; copied as it is (--copy-unsupported)",
                       u->mime[0] ? u->mime : "this format");
            r->sum->unsupported++;
        } else {
            set_status(res, "error", "%s", why);
            r->sum->errors++;
        }
    } else if (!fmt) {
        set_status(res, "unsupported", "%s%s is not redacted in place (give --copy-unsupported to copy it as it is)",
                   u->mime[0] ? u->mime : "this format", u->binary ? " (binary data)" : "");
        r->sum->unsupported++;
        free(res->output);
        res->output = NULL;
    } else {
        struct syntax syn = {.kind = fmt->syntax, .unit = u->encoding && strncmp(u->encoding, "utf-16", 6) == 0 ? 2 : 1,
                             .big_endian = u->encoding && strcmp(u->encoding, "utf-16be") == 0};
        choose(&r->fs, o->min_confidence);
        char *tmp = NULL;
        int in = -1, out = -1;
        size_t ragged = 0, ragged_copy = 0;
        char ragged_why[200] = "";
        bool input_ok = format_ok(fmt, path, &syn, &ragged, why, sizeof why);
        if (ragged) /* kept for the report: why gets other messages */
            snprintf(ragged_why, sizeof ragged_why, "%s", why);
        if (!input_ok) {
            set_status(res, "error", "malformed input, nothing written: %s", why);
        } else if ((in = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
            set_status(res, "error", "cannot open: %s", strerror(errno));
        } else if (!make_parents(res->output) || (out = open_temp(res->output, &tmp)) < 0) {
            set_status(res, "error", "cannot write %s: %s", res->output, strerror(errno));
        } else if (fmt->syntax == PD_SYNTAX_PACKAGE) {
            struct pd_redact_texts texts = {.arg = r, .edits = text_edits};
            r->current = res;
            enum pd_error perr = pd_redact_ooxml(&texts, strcmp(fmt->name, "xlsx") == 0, in, out, why, sizeof why);
            if (perr == PD_ERR_FORMAT || perr == PD_ERR_LIMIT)
                set_status(res, "error", "malformed input, nothing written: %s", why);
            else if (perr || fsync(out) != 0)
                set_status(res, "error", "cannot write %s: %s", res->output, why[0] ? why : strerror(errno));
        } else if (write_copy(r, res, in, out, u->size, &syn) != PD_OK || fsync(out) != 0) {
            set_status(res, "error", "cannot write %s: %s", res->output, strerror(errno ? errno : EIO));
        } else if (drop_structure(r, res, fmt, &syn, in, ragged, &tmp, why, sizeof why) != PD_OK) {
            set_status(res, "error", "cannot drop columns or keys from %s: %s", res->output, why);
        } else if (!format_ok(fmt, tmp, &syn, &ragged_copy, why, sizeof why)) {
            set_status(res, "error", "the redacted copy would not parse as %s (%s): not written", fmt->name, why);
        }
        if (in >= 0)
            close(in);
        if (out >= 0)
            close(out);
        if (!res->status) { /* written: scanned again, with every detector */
            struct pd_unit *again = scan(r, tmp, o->min_confidence);
            res->remaining = r->fs.at_or_above;
            memcpy(res->remaining_by_detector, r->fs.by_detector, sizeof res->remaining_by_detector);
            if (!again || again->status != PD_UNIT_SCANNED)
                set_status(res, "error", "the redacted copy could not be scanned again: %s",
                           again ? again->reason : "out of memory");
            else if (res->remaining)
                set_status(res, "failed", "%llu findings at or above confidence %d remain in the copy%s",
                           (unsigned long long)res->remaining, o->min_confidence,
                           o->keep_failed ? " (kept: --keep-failed)" : ": not written");
            else if (ragged)
                set_status(res, "redacted", "redacted in place, rows as they were; %s (a comma not quoted?)",
                           ragged_why);
            else
                set_status(res, "redacted", NULL);
            pd_unit_destroy(again);
        }
        bool keep = res->status && (strcmp(res->status, "redacted") == 0 ||
                                    (strcmp(res->status, "failed") == 0 && o->keep_failed));
        if (keep && rename(tmp, res->output) != 0) {
            set_status(res, "error", "cannot put %s in place: %s", res->output, strerror(errno));
            keep = false;
        }
        if (!keep && tmp)
            unlink(tmp);
        if (!keep) {
            free(res->output);
            res->output = NULL;
        }
        free(tmp);
        if (strcmp(res->status, "redacted") == 0)
            r->sum->redacted++;
        else if (strcmp(res->status, "failed") == 0)
            r->sum->failed++;
        else
            r->sum->errors++;
        r->sum->findings += res->findings;
    }
    pd_unit_destroy(u);
}

/* ---- the walk ---- */

static bool on_file(void *arg, char *path, const struct stat *st, const struct pd_root *root)
{
    struct run *r = arg;
    (void)st;
    (void)root;
    redact_file(r, path);
    free(path);
    return !r->fatal;
}

/* What the walk decided itself (a link not followed, a special file, an unreadable folder). */
static void on_unit(void *arg, struct pd_unit *u)
{
    struct run *r = arg;
    struct file_result *res = new_result(r, u->path);
    if (res) {
        set_status(res, u->status == PD_UNIT_ERROR ? "error" : "unsupported", "%s", u->reason);
        if (u->status == PD_UNIT_ERROR)
            r->sum->errors++;
        else
            r->sum->unsupported++;
    }
    pd_unit_destroy(u);
}

/* ---- the report ---- */

static struct json_object *detector_counts(const struct run *r, const uint64_t *counts,
                                           const struct pd_redact_operator *const *ops)
{
    struct json_object *o = json_object_new_object();
    for (size_t d = 0; d < r->n_detectors && d < PD_MAX_DETECTORS; d++) {
        if (!counts[d])
            continue;
        if (ops) {
            struct json_object *x = json_object_new_object();
            json_object_object_add(x, "operator", json_object_new_string(ops[d] ? ops[d]->name : "keep"));
            json_object_object_add(x, "findings", json_object_new_int64((int64_t)counts[d]));
            json_object_object_add(o, r->table[d].id, x);
        } else {
            json_object_object_add(o, r->table[d].id, json_object_new_int64((int64_t)counts[d]));
        }
    }
    return o;
}

static void iso_time(char out[32], time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static enum pd_error write_report(const struct run *r, time_t started, struct pd_diag *diag)
{
    const struct pd_redact_options *o = r->o;
    struct json_object *doc = json_object_new_object(), *files = json_object_new_array(), *totals;
    json_object_object_add(doc, "schema_version", json_object_new_string("1.0.0"));
    struct json_object *tool = json_object_new_object();
    json_object_object_add(tool, "name", json_object_new_string("pdpscan"));
    json_object_object_add(tool, "version", json_object_new_string(o->tool_version));
    json_object_object_add(doc, "tool", tool);
    char when[32];
    iso_time(when, started);
    json_object_object_add(doc, "started_at", json_object_new_string(when));
    iso_time(when, time(NULL));
    json_object_object_add(doc, "finished_at", json_object_new_string(when));
    json_object_object_add(doc, "min_confidence", json_object_new_int(o->min_confidence));
    struct json_object *inputs = json_object_new_array();
    for (size_t i = 0; i < o->n_inputs; i++)
        json_object_array_add(inputs, json_object_new_string(o->inputs[i]));
    json_object_object_add(doc, "inputs", inputs);
    json_object_object_add(doc, "output", json_object_new_string(o->output));
    uint64_t by_det[PD_MAX_DETECTORS] = {0}, remaining = 0;
    const struct pd_redact_operator *ops[PD_MAX_DETECTORS] = {0};
    for (size_t i = 0; i < r->n_files; i++) {
        const struct file_result *f = &r->files[i];
        struct json_object *x = json_object_new_object(), *ver = json_object_new_object();
        json_object_object_add(x, "input", json_object_new_string(f->input));
        json_object_object_add(x, "output", f->output ? json_object_new_string(f->output) : NULL);
        json_object_object_add(x, "format", f->format ? json_object_new_string(f->format) : NULL);
        json_object_object_add(x, "encoding", f->encoding ? json_object_new_string(f->encoding) : NULL);
        json_object_object_add(x, "status", json_object_new_string(f->status ? f->status : "error"));
        json_object_object_add(x, "reason", f->reason[0] ? json_object_new_string(f->reason) : NULL);
        json_object_object_add(x, "findings", json_object_new_int64((int64_t)f->findings));
        json_object_object_add(x, "by_detector", detector_counts(r, f->by_detector, f->op));
        json_object_object_add(ver, "remaining", json_object_new_int64((int64_t)f->remaining));
        json_object_object_add(ver, "by_detector", detector_counts(r, f->remaining_by_detector, NULL));
        json_object_object_add(x, "verification", ver);
        json_object_array_add(files, x);
        for (size_t d = 0; d < PD_MAX_DETECTORS; d++) {
            by_det[d] += f->by_detector[d];
            if (f->op[d])
                ops[d] = f->op[d];
        }
        remaining += f->remaining;
    }
    json_object_object_add(doc, "files", files);
    totals = json_object_new_object();
    const struct pd_redact_summary *s = r->sum;
    json_object_object_add(totals, "files", json_object_new_int64((int64_t)s->files));
    json_object_object_add(totals, "redacted", json_object_new_int64((int64_t)s->redacted));
    json_object_object_add(totals, "failed", json_object_new_int64((int64_t)s->failed));
    json_object_object_add(totals, "unsupported", json_object_new_int64((int64_t)s->unsupported));
    json_object_object_add(totals, "errors", json_object_new_int64((int64_t)s->errors));
    json_object_object_add(totals, "findings", json_object_new_int64((int64_t)s->findings));
    json_object_object_add(totals, "by_detector", detector_counts(r, by_det, ops));
    json_object_object_add(doc, "totals", totals);
    struct json_object *verification = json_object_new_object();
    json_object_object_add(verification, "passed", json_object_new_boolean(s->failed == 0 && s->errors == 0));
    json_object_object_add(verification, "remaining", json_object_new_int64((int64_t)remaining));
    json_object_object_add(doc, "verification", verification);
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *tmp = NULL;
    int fd = make_parents(o->report) ? open_temp(o->report, &tmp) : -1;
    bool ok = fd >= 0 && pd_write_all(fd, text, strlen(text)) && pd_write_all(fd, "\n", 1) && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = ok && rename(tmp, o->report) == 0;
    enum pd_error err = ok ? PD_OK : pd_fail(diag, PD_ERR_IO, "cannot write the redaction report %s: %s", o->report,
                                             strerror(errno));
    if (!ok && tmp)
        unlink(tmp);
    free(tmp);
    json_object_put(doc);
    return err;
}

/* ---- the whole run ---- */

/* The output may not sit inside an input (the walk would read it), nor be an input. */
static enum pd_error check_output(const struct pd_redact_options *o, struct pd_diag *diag)
{
    char *out = realpath(o->output, NULL);
    if (!out) { /* not there yet: its folder decides */
        char *copy = strdup(o->output);
        out = copy ? realpath(dirname(copy), NULL) : NULL;
        free(copy);
    }
    enum pd_error err = PD_OK;
    for (size_t i = 0; out && i < o->n_inputs && !err; i++) {
        char *in = realpath(o->inputs[i], NULL);
        size_t n = in ? strlen(in) : 0;
        if (in && strncmp(out, in, n) == 0 && (out[n] == '/' || out[n] == '\0'))
            err = pd_fail(diag, PD_ERR_USAGE, "-o %s is inside the input %s: write the copy elsewhere (the "
                          "original is never changed)", o->output, o->inputs[i]);
        free(in);
    }
    free(out);
    return err;
}

enum pd_error pd_redact_run(const struct pd_redact_options *o, struct pd_redact_summary *sum, struct pd_diag *diag)
{
    memset(sum, 0, sizeof *sum);
    enum pd_error err = check_output(o, diag);
    if (err)
        return err;
    struct run r = {.o = o, .sum = sum, .diag = diag};
    r.table = pd_detectors(&r.n_detectors);
    atomic_int stop = 0;
    struct pd_worker_config wc = {.engine = o->engine, .stop = &stop, .finding = take_finding, .finding_arg = &r.fs};
    if ((err = pd_worker_create(&wc, &r.worker, diag)) != PD_OK)
        return err;
    time_t started = time(NULL);
    struct stat st;
    r.single_file = o->n_inputs == 1 && stat(o->inputs[0], &st) == 0 && S_ISREG(st.st_mode);
    r.many = o->n_inputs > 1;
    if (!r.single_file && mkdir(o->output, 0700) != 0 && errno != EEXIST)
        err = pd_fail(diag, PD_ERR_USAGE, "-o %s: cannot make the output folder: %s", o->output, strerror(errno));
    for (size_t i = 0; !err && i < o->n_inputs && !r.fatal; i++) {
        r.input = o->inputs[i];
        struct pd_walk_options wo = {.roots = &o->inputs[i], .n_roots = 1};
        struct pd_walk_sink sink = {.file = on_file, .unit = on_unit, .arg = &r};
        err = pd_walk(&wo, &sink, &stop);
        if (err)
            pd_fail(diag, err, "walking %s stopped: %s", o->inputs[i], pd_strerror(err));
    }
    if (!err && r.fatal)
        err = r.fatal;
    if (!err && o->report)
        err = write_report(&r, started, diag);
    findings_free(&r.fs);
    for (size_t i = 0; i < r.n_files; i++) {
        free(r.files[i].input);
        free(r.files[i].output);
    }
    free(r.files);
    pd_worker_destroy(r.worker);
    return err;
}

/* The drop operator's structural half: a CSV or TSV column, or a JSON key, that held a dropped
 * value goes as a whole, in every row or record. Tables are read by code unit (one byte, or two in
 * UTF-16), so every encoding pdpscan writes back is cut the same way; JSON goes through json-c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact/redact-int.h"
#include "util/io.h"

#define BUF (1u << 20)

/* ---- tables ---- */

struct units {
    int fd;
    unsigned unit;
    bool big_endian;
    unsigned char buf[BUF];
    size_t len, pos;
    uint64_t offset; /* of buf[pos] in the file */
    bool failed;
};

/* The next code unit (its value in *c, its bytes in raw), false at the end. */
static bool next_unit(struct units *u, unsigned *c, unsigned char raw[2])
{
    if (u->pos + u->unit > u->len) {
        size_t keep = u->len - u->pos;
        memmove(u->buf, u->buf + u->pos, keep);
        u->len = keep;
        u->pos = 0;
        ssize_t r;
        do
            r = read(u->fd, u->buf + u->len, BUF - u->len);
        while (r < 0 && errno == EINTR);
        if (r < 0)
            u->failed = true;
        if (r > 0)
            u->len += (size_t)r;
        if (u->pos + u->unit > u->len)
            return false;
    }
    raw[0] = u->buf[u->pos];
    raw[1] = u->unit == 2 ? u->buf[u->pos + 1] : 0;
    *c = u->unit == 1 ? raw[0] : u->big_endian ? (unsigned)(raw[0] << 8 | raw[1]) : (unsigned)(raw[1] << 8 | raw[0]);
    u->pos += u->unit;
    u->offset += u->unit;
    return true;
}

/* Reads a table cell by cell: calls cell(arg, column, start, end, record_end) for each, start and
 * end being file offsets of its bytes (a line's \r not included). */
static bool each_cell(int fd, unsigned unit, bool big_endian, char delim,
                      bool (*cell)(void *arg, size_t column, uint64_t start, uint64_t end, bool record_end,
                                   const unsigned char *bytes, size_t n, bool crlf),
                      void *arg)
{
    struct units *u = calloc(1, sizeof *u);
    if (!u || lseek(fd, 0, SEEK_SET) != 0) {
        free(u);
        return false;
    }
    u->fd = fd;
    u->unit = unit;
    u->big_endian = big_endian;
    unsigned char *cellbuf = NULL;
    size_t cn = 0, ccap = 0, column = 0;
    uint64_t start = 0;
    bool quoted = false, ok = true;
    unsigned c;
    unsigned char raw[2];
    while (ok && next_unit(u, &c, raw)) {
        uint64_t at = u->offset - unit;
        bool end_cell = !quoted && (c == (unsigned)(unsigned char)delim || c == '\n');
        if (c == '"' && delim == ',') /* TSV has no quoting: a 5" screen is text */
            quoted = !quoted;
        if (end_cell) {
            unsigned last = 0;
            if (cn >= unit) {
                unsigned char r0 = cellbuf[cn - unit], r1 = unit == 2 ? cellbuf[cn - 1] : 0;
                last = unit == 1 ? r0 : big_endian ? (unsigned)(r0 << 8 | r1) : (unsigned)(r1 << 8 | r0);
            }
            bool crlf = c == '\n' && last == '\r';
            size_t n = crlf ? cn - unit : cn;
            ok = cell(arg, column, start, at - (crlf ? unit : 0), c == '\n', cellbuf, n, crlf);
            column = c == '\n' ? 0 : column + 1;
            cn = 0;
            start = at + unit;
            continue;
        }
        if (cn + unit > ccap) {
            size_t nc = ccap ? 2 * ccap : 256;
            unsigned char *nb = realloc(cellbuf, nc);
            if (!nb) {
                ok = false;
                break;
            }
            cellbuf = nb;
            ccap = nc;
        }
        memcpy(cellbuf + cn, raw, unit);
        cn += unit;
    }
    if (ok && !u->failed && (cn || column))
        ok = cell(arg, column, start, u->offset, false, cellbuf, cn, false);
    ok = ok && !u->failed;
    free(cellbuf);
    free(u);
    return ok;
}

struct find_columns {
    const uint64_t *offsets; /* sorted */
    size_t n, next;
    bool *drop;
    size_t max;
};

static bool mark_column(void *arg, size_t column, uint64_t start, uint64_t end, bool record_end,
                        const unsigned char *bytes, size_t n, bool crlf)
{
    struct find_columns *f = arg;
    (void)record_end;
    (void)bytes;
    (void)n;
    (void)crlf;
    while (f->next < f->n && f->offsets[f->next] < start)
        f->next++; /* in a delimiter: no cell's */
    while (f->next < f->n && f->offsets[f->next] >= start && f->offsets[f->next] < end) {
        if (column < f->max)
            f->drop[column] = true;
        f->next++;
    }
    return true;
}

enum pd_error pd_redact_columns_of(int fd, unsigned unit, bool big_endian, char delim, const uint64_t *offsets,
                                   size_t n, bool *drop, size_t max)
{
    struct find_columns f = {.offsets = offsets, .n = n, .drop = drop, .max = max};
    return each_cell(fd, unit, big_endian, delim, mark_column, &f) ? PD_OK : PD_ERR_IO;
}

struct cut {
    int out;
    unsigned unit;
    bool big_endian;
    char delim;
    const bool *drop;
    size_t max;
    bool any_in_record; /* a cell of this record written */
    bool bom_done;
    unsigned char obuf[BUF];
    size_t olen;
    bool failed;
};

static void flush_cut(struct cut *c)
{
    c->failed |= !pd_write_all(c->out, c->obuf, c->olen);
    c->olen = 0;
}

static void put(struct cut *c, const void *p, size_t n)
{
    if (n == 0) /* an empty cell may have no buffer at all */
        return;
    if (c->olen + n > BUF)
        flush_cut(c);
    if (n > BUF) {
        c->failed |= !pd_write_all(c->out, p, n);
        return;
    }
    memcpy(c->obuf + c->olen, p, n);
    c->olen += n;
}

static void put_char(struct cut *c, char ch)
{
    unsigned char raw[2] = {(unsigned char)ch, 0};
    if (c->unit == 2 && c->big_endian) {
        raw[0] = 0;
        raw[1] = (unsigned char)ch;
    }
    if (c->olen + 2 > BUF)
        flush_cut(c);
    memcpy(c->obuf + c->olen, raw, c->unit);
    c->olen += c->unit;
}

static bool write_kept(void *arg, size_t column, uint64_t start, uint64_t end, bool record_end,
                       const unsigned char *bytes, size_t n, bool crlf)
{
    struct cut *c = arg;
    (void)end;
    if (start == 0 && !c->bom_done) { /* a byte-order mark stays, whatever column is dropped */
        c->bom_done = true;
        size_t bom = c->unit == 1 && n >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0 ? 3
                     : c->unit == 2 && n >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) ||
                                                  (bytes[0] == 0xFE && bytes[1] == 0xFF)) ? 2 : 0;
        if (bom) { /* an empty first cell may have no buffer: no offset on it */
            put(c, bytes, bom);
            bytes += bom;
            n -= bom;
        }
    }
    if (column >= c->max || !c->drop[column]) {
        if (c->any_in_record)
            put_char(c, c->delim);
        put(c, bytes, n);
        c->any_in_record = true;
    }
    if (record_end) {
        if (crlf)
            put_char(c, '\r');
        put_char(c, '\n');
        c->any_in_record = false;
    }
    return !c->failed;
}

enum pd_error pd_redact_remove_columns(int in, int out, unsigned unit, bool big_endian, char delim, const bool *drop,
                                       size_t max)
{
    struct cut *c = calloc(1, sizeof *c);
    if (!c)
        return PD_ERR_NOMEM;
    *c = (struct cut){.out = out, .unit = unit, .big_endian = big_endian, .delim = delim, .drop = drop, .max = max};
    bool ok = each_cell(in, unit, big_endian, delim, write_kept, c);
    if (ok && c->olen)
        flush_cut(c);
    ok = ok && !c->failed;
    free(c);
    return ok ? PD_OK : PD_ERR_IO;
}

/* ---- JSON ---- */

static bool dropped(const char *path, char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], path) == 0)
            return true;
    return false;
}

/* Removes the keys whose path ("a.b[].c", as pdpscan names fields) is listed; *removed counts. */
static bool drop_keys(struct json_object *o, const char *path, char *const *paths, size_t n, size_t *removed)
{
    if (json_object_is_type(o, json_type_array)) {
        size_t len = strlen(path);
        char *child = malloc(len + 3);
        if (!child)
            return false;
        snprintf(child, len + 3, "%s[]", path);
        bool ok = true;
        for (size_t i = 0; ok && i < json_object_array_length(o); i++)
            ok = drop_keys(json_object_array_get_idx(o, i), child, paths, n, removed);
        free(child);
        return ok;
    }
    if (!json_object_is_type(o, json_type_object))
        return true;
    size_t keys = (size_t)json_object_object_length(o), k = 0;
    char **gone = calloc(keys + 1, sizeof *gone);
    bool ok = gone != NULL;
    json_object_object_foreach(o, key, value) {
        if (!ok)
            break;
        size_t len = strlen(path) + strlen(key) + 2;
        char *child = malloc(len);
        if (!child) {
            ok = false;
            break;
        }
        snprintf(child, len, "%s%s%s", path, *path ? "." : "", key);
        if (dropped(child, paths, n))
            gone[k++] = key;
        else
            ok = drop_keys(value, child, paths, n, removed);
        free(child);
    }
    for (size_t i = 0; ok && i < k; i++)
        json_object_object_del(o, gone[i]);
    *removed += k;
    free(gone);
    return ok;
}

enum pd_error pd_redact_drop_keys(const char *in_path, int out, bool lines, char *const *paths, size_t n,
                                  size_t *removed, char *why, size_t cap)
{
    FILE *f = fopen(in_path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot read the copy: %s", strerror(errno));
        return PD_ERR_IO;
    }
    enum pd_error err = PD_OK;
    const int flags = JSON_C_TO_STRING_NOSLASHESCAPE | (lines ? JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PRETTY);
    if (lines) { /* a record per line; blank lines stay */
        char *line = NULL;
        size_t lcap = 0;
        ssize_t len;
        while (!err && (len = getline(&line, &lcap, f)) >= 0) {
            struct json_object *o = json_tokener_parse(line);
            bool blank = strspn(line, " \t\r\n") == (size_t)len;
            const char *text = blank ? "" : o && drop_keys(o, "", paths, n, removed)
                                               ? json_object_to_json_string_ext(o, flags) : NULL;
            if (!text)
                err = PD_ERR_FORMAT;
            else if (dprintf(out, "%s%s", text, len && line[len - 1] == '\n' ? "\n" : "") < 0)
                err = PD_ERR_IO;
            json_object_put(o);
        }
        free(line);
    } else {
        fclose(f);
        f = NULL;
        struct json_object *o = json_object_from_file(in_path);
        const char *text = o && drop_keys(o, "", paths, n, removed) ? json_object_to_json_string_ext(o, flags) : NULL;
        if (!text)
            err = PD_ERR_FORMAT;
        else if (dprintf(out, "%s\n", text) < 0)
            err = PD_ERR_IO;
        json_object_put(o);
    }
    if (f)
        fclose(f);
    if (err == PD_ERR_FORMAT)
        snprintf(why, cap, "the copy could not be read back as JSON to drop keys");
    else if (err)
        snprintf(why, cap, "cannot write: %s", strerror(errno));
    return err;
}

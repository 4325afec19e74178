/* XLSX and DOCX redacted in place: the package is read member by member (libarchive), the parts
 * that hold text are parsed with expat into items (a shared string, a sheet cell, a paragraph)
 * made of the character-data pieces of their text elements, each with its byte range in the part.
 * The text the scanner would read (a sheet as tab-separated rows, the document one paragraph per
 * line) is handed to the caller for edits; each edit becomes new text in the pieces it covers,
 * so a value split over two runs or rich-text pieces is redacted whole. The package is written
 * again with every other member as it was. */
#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redact/redact-int.h"

#define PACKAGE_MAX ((size_t)512 << 20) /* expanded bytes held at once */
#define MEMBERS_MAX 20000

struct member {
    char *name;
    unsigned char *data;
    size_t len;
    time_t mtime;
    char *replaced; /* new content, or NULL */
    size_t replaced_len;
};

struct package {
    struct member *v;
    size_t n, cap, bytes;
};

static void package_free(struct package *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].data);
        free(p->v[i].replaced);
    }
    free(p->v);
}

static enum pd_error read_package(int fd, struct package *p, char *why, size_t cap)
{
    struct archive *a = archive_read_new();
    if (!a)
        return PD_ERR_NOMEM;
    archive_read_support_format_zip(a);
    enum pd_error err = PD_OK;
    if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
        snprintf(why, cap, "not a readable package: %s", archive_error_string(a));
        archive_read_free(a);
        return PD_ERR_FORMAT;
    }
    struct archive_entry *e;
    int r;
    while (!err && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        int64_t size = archive_entry_size(e);
        if (p->n == MEMBERS_MAX || size < 0 || (size_t)size > PACKAGE_MAX - p->bytes) {
            snprintf(why, cap, "package larger than %zu MiB or %d members: not redacted", PACKAGE_MAX >> 20,
                     MEMBERS_MAX);
            err = PD_ERR_LIMIT;
            break;
        }
        if (p->n == p->cap) {
            size_t nc = p->cap ? 2 * p->cap : 64;
            struct member *v = realloc(p->v, nc * sizeof *v);
            if (!v) {
                err = PD_ERR_NOMEM;
                break;
            }
            p->v = v;
            p->cap = nc;
        }
        struct member *m = &p->v[p->n];
        memset(m, 0, sizeof *m);
        m->name = strdup(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
        m->data = malloc((size_t)size + 1);
        m->mtime = archive_entry_mtime(e);
        if (!m->name || !m->data) {
            free(m->name);
            free(m->data);
            err = PD_ERR_NOMEM;
            break;
        }
        p->n++;
        la_ssize_t got = archive_read_data(a, m->data, (size_t)size);
        if (got != (la_ssize_t)size) {
            snprintf(why, cap, "member %s cannot be read: %s", m->name, got < 0 ? archive_error_string(a) : "short");
            err = PD_ERR_FORMAT;
        }
        m->len = (size_t)size;
        m->data[m->len] = '\0';
        p->bytes += m->len;
    }
    if (!err && r != ARCHIVE_EOF) {
        snprintf(why, cap, "not a readable package: %s", archive_error_string(a));
        err = PD_ERR_FORMAT;
    }
    archive_read_free(a);
    return err;
}

static enum pd_error write_package(int fd, const struct package *p, char *why, size_t cap)
{
    struct archive *a = archive_write_new();
    if (!a)
        return PD_ERR_NOMEM;
    archive_write_set_format_zip(a);
    archive_write_zip_set_compression_deflate(a);
    enum pd_error err = archive_write_open_fd(a, fd) == ARCHIVE_OK ? PD_OK : PD_ERR_IO;
    for (size_t i = 0; !err && i < p->n; i++) {
        const struct member *m = &p->v[i];
        const void *data = m->replaced ? (const void *)m->replaced : m->data;
        size_t len = m->replaced ? m->replaced_len : m->len;
        struct archive_entry *e = archive_entry_new();
        if (!e) {
            err = PD_ERR_NOMEM;
            break;
        }
        archive_entry_set_pathname(e, m->name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)len);
        archive_entry_set_mtime(e, m->mtime, 0);
        if (archive_write_header(a, e) != ARCHIVE_OK || (len && archive_write_data(a, data, len) != (la_ssize_t)len))
            err = PD_ERR_IO;
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK && !err)
        err = PD_ERR_IO;
    if (err)
        snprintf(why, cap, "cannot write the package: %s", archive_error_string(a) ? archive_error_string(a) : "error");
    archive_write_free(a);
    return err;
}

static struct member *member_named(struct package *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

/* ---- a part's text: items made of pieces ---- */

struct piece {
    size_t raw, raw_len; /* in the part's bytes */
    size_t off, len;     /* in its item's text */
};

struct item {
    size_t first, n; /* pieces */
    size_t text, len; /* in the part's text buffer */
    bool number;
    char after; /* documents: what follows it as the scanner reads them: '\n', or in a table row '\t'
                 * after a cell's last paragraph and ' ' between a cell's paragraphs */
    /* sheets: where the cell sits and what it shows */
    long row, col;
    long shared; /* a shared string's index, or -1 */
};

struct part {
    const char *data;
    size_t data_len;
    struct piece *pieces;
    size_t n_pieces, cap_pieces;
    struct item *items;
    size_t n_items, cap_items;
    char *text;
    size_t text_len, text_cap;
    bool failed;
    /* parsing */
    XML_Parser parser;
    bool workbook_strings, sheet, document;
    int depth_item;   /* element depth of the open item, 0: none */
    int depth;
    bool in_text;     /* inside a text element of the open item */
    bool in_phonetic; /* <rPh>: a reading aid, not the string */
    bool cell_shared, cell_inline, cell_value_text;
    long row, col;
    int table_depth; /* documents: tables open */
};

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? 2 * *cap : 256;
    void *nv = realloc(*v, nc * size);
    if (!nv)
        return false;
    *v = nv;
    *cap = nc;
    return true;
}

static void add_text(struct part *p, const char *s, size_t n)
{
    if (n == 0 && p->text)
        return;
    while (p->text_len + n + 1 > p->text_cap) {
        size_t nc = p->text_cap ? 2 * p->text_cap : 65536;
        char *t = realloc(p->text, nc);
        if (!t) {
            p->failed = true;
            return;
        }
        p->text = t;
        p->text_cap = nc;
    }
    memcpy(p->text + p->text_len, s, n);
    p->text_len += n;
    p->text[p->text_len] = '\0';
}

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* "BC12" -> column 55 (A = 1) */
static long column_of(const char *ref)
{
    long col = 0;
    for (; ref && *ref >= 'A' && *ref <= 'Z'; ref++)
        col = col * 26 + (*ref - 'A' + 1);
    return col;
}

static void open_item(struct part *p)
{
    if (!grow((void **)&p->items, &p->cap_items, p->n_items, sizeof *p->items)) {
        p->failed = true;
        return;
    }
    p->items[p->n_items] = (struct item){.first = p->n_pieces, .text = p->text_len, .row = p->row, .col = p->col,
                                         .shared = -1, .after = p->table_depth ? ' ' : '\n'};
    p->depth_item = p->depth;
}

static void close_item(struct part *p)
{
    struct item *it = &p->items[p->n_items];
    it->n = p->n_pieces - it->first;
    it->len = p->text_len - it->text;
    p->n_items++;
    p->depth_item = 0;
}

static void XMLCALL on_start(void *arg, const char *name, const char **atts)
{
    struct part *p = arg;
    const char *n = local(name);
    p->depth++;
    if (p->failed)
        return;
    if (p->workbook_strings) {
        if (strcmp(n, "si") == 0 && !p->depth_item)
            open_item(p);
        else if (strcmp(n, "rPh") == 0)
            p->in_phonetic = true;
        else if (strcmp(n, "t") == 0 && p->depth_item && !p->in_phonetic)
            p->in_text = true;
    } else if (p->sheet) {
        if (strcmp(n, "row") == 0) {
            const char *r = attr(atts, "r");
            p->row = r ? strtol(r, NULL, 10) : p->row + 1;
            p->col = 0;
        } else if (strcmp(n, "c") == 0) {
            const char *t = attr(atts, "t"), *r = attr(atts, "r");
            p->col = r ? column_of(r) : p->col + 1;
            p->cell_shared = t && strcmp(t, "s") == 0;
            p->cell_inline = t && strcmp(t, "inlineStr") == 0;
            p->cell_value_text = t && (strcmp(t, "str") == 0 || strcmp(t, "e") == 0 || strcmp(t, "b") == 0);
            open_item(p);
            if (!p->failed)
                p->items[p->n_items].number = !t || strcmp(t, "n") == 0;
        } else if (p->depth_item && (strcmp(n, "v") == 0 || (strcmp(n, "t") == 0 && p->cell_inline))) {
            p->in_text = true;
        } else if (strcmp(n, "f") == 0) {
            p->in_text = false; /* a formula is no value */
        }
    } else if (p->document) {
        if (strcmp(n, "tbl") == 0)
            p->table_depth++;
        if (strcmp(n, "p") == 0 && !p->depth_item)
            open_item(p);
        else if (strcmp(n, "t") == 0 && p->depth_item)
            p->in_text = true;
        else if ((strcmp(n, "tab") == 0 || strcmp(n, "br") == 0) && p->depth_item)
            add_text(p, strcmp(n, "tab") == 0 ? "\t" : " ", 1); /* shown, held by no piece */
    }
}

static void XMLCALL on_end(void *arg, const char *name)
{
    struct part *p = arg;
    const char *n = local(name);
    if (!p->failed) {
        if (p->document && p->n_items) { /* a table row reads as a line of cells, as the scanner reads it */
            if (strcmp(n, "tc") == 0 && p->table_depth == 1)
                p->items[p->n_items - 1].after = '\t';
            else if (strcmp(n, "tr") == 0 && p->table_depth == 1)
                p->items[p->n_items - 1].after = '\n';
            else if (strcmp(n, "tbl") == 0)
                p->items[p->n_items - 1].after = '\n';
        }
        if (p->document && strcmp(n, "tbl") == 0)
            p->table_depth--;
        if (strcmp(n, "rPh") == 0)
            p->in_phonetic = false;
        if (strcmp(n, "t") == 0 || strcmp(n, "v") == 0)
            p->in_text = false;
        if (p->depth_item == p->depth) {
            if (p->sheet && p->cell_shared && p->n_items < p->cap_items) { /* <v> held the index */
                struct item *it = &p->items[p->n_items];
                it->shared = p->text_len > it->text ? strtol(p->text + it->text, NULL, 10) : -1;
                p->n_pieces = it->first; /* an index is no text to redact */
                p->text_len = it->text;
                it->number = false;
            }
            close_item(p);
        }
    }
    p->depth--;
}

static void XMLCALL on_chars(void *arg, const char *s, int len)
{
    struct part *p = arg;
    if (p->failed || !p->in_text || !p->depth_item || len <= 0)
        return;
    if (!grow((void **)&p->pieces, &p->cap_pieces, p->n_pieces, sizeof *p->pieces)) {
        p->failed = true;
        return;
    }
    struct item *it = &p->items[p->n_items];
    p->pieces[p->n_pieces++] = (struct piece){.raw = (size_t)XML_GetCurrentByteIndex(p->parser),
                                              .raw_len = (size_t)XML_GetCurrentByteCount(p->parser),
                                              .off = p->text_len - it->text, .len = (size_t)len};
    add_text(p, s, (size_t)len);
}

static bool parse_part(struct part *p, const struct member *m, char *why, size_t cap)
{
    p->data = (const char *)m->data;
    p->data_len = m->len;
    add_text(p, "", 0); /* a text buffer even for a part without text: items point into it */
    if (p->failed || !(p->parser = XML_ParserCreate("UTF-8")))
        return false;
    XML_SetUserData(p->parser, p);
    XML_SetElementHandler(p->parser, on_start, on_end);
    XML_SetCharacterDataHandler(p->parser, on_chars);
    bool ok = XML_Parse(p->parser, p->data, (int)p->data_len, 1) == XML_STATUS_OK && !p->failed;
    if (!ok)
        snprintf(why, cap, "%s: %s at line %lu", m->name,
                 p->failed ? "out of memory" : XML_ErrorString(XML_GetErrorCode(p->parser)),
                 (unsigned long)XML_GetCurrentLineNumber(p->parser));
    XML_ParserFree(p->parser);
    p->parser = NULL;
    return ok;
}

static void part_free(struct part *p)
{
    free(p->pieces);
    free(p->items);
    free(p->text);
}

/* ---- edits of items ---- */

/* An edit of one item's text: [off, off + len) becomes text. */
struct item_edit {
    size_t item, off, len;
    const char *text;
};

static int by_item(const void *a, const void *b)
{
    const struct item_edit *x = a, *y = b;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

static void put_escaped(struct part *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
        if (e)
            add_text(out, e, strlen(e));
        else
            add_text(out, s + i, 1);
    }
}

/* The part with each edited piece's bytes replaced by its new text: a piece loses what an edit
 * covers of it, and the piece where an edit starts (or the first after it) takes the edit's text. */
static bool rewrite_part(const struct part *p, struct item_edit *edits, size_t n, struct member *m)
{
    qsort(edits, n, sizeof *edits, by_item);
    struct part out = {0};
    size_t raw = 0, e = 0;
    for (size_t i = 0; i < p->n_items && e < n; i++) {
        const struct item *it = &p->items[i];
        size_t first_edit = e;
        while (e < n && edits[e].item == i)
            e++;
        if (first_edit == e)
            continue;
        bool *placed = calloc(e - first_edit, sizeof *placed);
        if (!placed)
            return false;
        for (size_t k = 0; k < it->n; k++) {
            const struct piece *pc = &p->pieces[it->first + k];
            const char *t = p->text + it->text;
            add_text(&out, p->data + raw, pc->raw - raw); /* the XML up to this piece */
            size_t pos = pc->off, end = pc->off + pc->len;
            for (size_t x = first_edit; x < e; x++) {
                const struct item_edit *ed = &edits[x];
                if (ed->off + ed->len <= pos && placed[x - first_edit])
                    continue; /* done in an earlier piece */
                /* one that starts after this piece waits for its own, unless none is left */
                if (ed->off >= end && !(k + 1 == it->n && !placed[x - first_edit]))
                    break;
                size_t keep_to = ed->off < end ? (ed->off > pos ? ed->off : pos) : end;
                put_escaped(&out, t + pos, keep_to - pos);
                pos = keep_to;
                if (!placed[x - first_edit] && (ed->off < end || k + 1 == it->n)) {
                    put_escaped(&out, ed->text, strlen(ed->text));
                    placed[x - first_edit] = true;
                }
                size_t skip_to = ed->off + ed->len < end ? ed->off + ed->len : end;
                if (skip_to > pos)
                    pos = skip_to;
            }
            if (end > pos)
                put_escaped(&out, t + pos, end - pos);
            raw = pc->raw + pc->raw_len;
        }
        free(placed);
    }
    add_text(&out, p->data + raw, p->data_len - raw);
    if (out.failed) {
        free(out.text);
        return false;
    }
    free(m->replaced);
    m->replaced = out.text;
    m->replaced_len = out.text_len;
    return true;
}

/* ---- the two kinds of package ---- */

/* Edits handed back by the caller, kept until the parts they name are rewritten. */
struct kept {
    struct pd_redact_edit **v;
    size_t n, cap;
};

static bool keep_edits(struct kept *k, struct pd_redact_edit *edits)
{
    if (!edits)
        return true;
    if (!grow((void **)&k->v, &k->cap, k->n, sizeof *k->v)) {
        free(edits);
        return false;
    }
    k->v[k->n++] = edits;
    return true;
}

static void kept_free(struct kept *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i]);
    free(k->v);
}

/* The name a part's text is scanned under: its extension tells a table from prose. */
static char *text_name(const char *member, const char *ext)
{
    size_t n = strlen(member) + strlen(ext) + 1;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%s%s", member, ext);
    return name;
}

struct cell_span {
    size_t off, len; /* in the sheet's text */
    size_t item;     /* the sheet's item, or the shared string's with shared */
    bool shared, number;
};

static bool number_at(void *arg, size_t off);

struct sheet_ctx {
    struct cell_span *spans;
    size_t n;
};

static const struct cell_span *span_at(const struct sheet_ctx *c, size_t off)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->spans[mid].off + c->spans[mid].len <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->spans[lo].off <= off ? &c->spans[lo] : NULL;
}

static bool number_at(void *arg, size_t off)
{
    const struct cell_span *s = span_at(arg, off);
    return s && s->number;
}

static int by_row_col(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static bool add_edit(struct item_edit **v, size_t *n, size_t *cap, struct item_edit e)
{
    if (!grow((void **)v, cap, *n, sizeof **v))
        return false;
    (*v)[(*n)++] = e;
    return true;
}

/* A sheet as the scanner reads it: a row per line, a tab before each cell, shared strings shown. */
static enum pd_error redact_sheet(const struct pd_redact_texts *t, struct member *m, const struct part *strings,
                                  struct item_edit **sedits, size_t *n_sedits, size_t *cap_sedits, struct kept *kept,
                                  char *why, size_t cap)
{
    struct part sh = {.sheet = true};
    if (!parse_part(&sh, m, why, cap)) {
        part_free(&sh);
        return PD_ERR_FORMAT;
    }
    /* cells in reading order (they are, in a sheet Excel wrote; sorted for any other) */
    size_t *order = malloc((sh.n_items + 1) * sizeof *order);
    struct item *sorted = malloc((sh.n_items + 1) * sizeof *sorted);
    struct sheet_ctx ctx = {.spans = calloc(sh.n_items + 1, sizeof *ctx.spans)};
    struct part text = {0};
    enum pd_error err = order && sorted && ctx.spans ? PD_OK : PD_ERR_NOMEM;
    for (size_t i = 0; !err && i < sh.n_items; i++) {
        sorted[i] = sh.items[i];
        sorted[i].first = i; /* its index in sh.items */
    }
    if (!err)
        qsort(sorted, sh.n_items, sizeof *sorted, by_row_col);
    long row = -1;
    long col = 0;
    for (size_t i = 0; !err && i < sh.n_items; i++) {
        const struct item *it = &sorted[i];
        if (it->row != row) {
            if (row != -1)
                add_text(&text, "\n", 1);
            row = it->row;
            col = 0;
        }
        for (; col < it->col; col++)
            add_text(&text, "\t", 1);
        struct cell_span *s = &ctx.spans[ctx.n++];
        s->off = text.text_len;
        if (it->shared >= 0 && strings && (size_t)it->shared < strings->n_items) {
            const struct item *si = &strings->items[it->shared];
            add_text(&text, strings->text + si->text, si->len);
            *s = (struct cell_span){s->off, si->len, (size_t)it->shared, true, false};
        } else {
            add_text(&text, sh.text + it->text, it->len);
            *s = (struct cell_span){s->off, it->len, it->first, false, it->number};
        }
    }
    add_text(&text, "\n", 1);
    struct pd_redact_edit *edits = NULL;
    size_t n = 0;
    struct item_edit *own = NULL;
    size_t n_own = 0, cap_own = 0;
    char *name = text_name(m->name, ".tsv");
    if (!err && (text.failed || !name))
        err = PD_ERR_NOMEM;
    if (!err)
        err = t->edits(t->arg, name, text.text ? text.text : "", text.text_len, number_at, &ctx, &edits, &n);
    free(name);
    if (!err && !keep_edits(kept, edits))
        err = PD_ERR_NOMEM;
    for (size_t i = 0; !err && i < n; i++) {
        const struct cell_span *s = span_at(&ctx, edits[i].offset);
        if (!s || edits[i].offset + edits[i].length > s->off + s->len)
            continue; /* across cells: no value of one cell (the rescan says if anything stays) */
        struct item_edit e = {.item = s->item, .off = edits[i].offset - s->off, .len = edits[i].length,
                              .text = edits[i].text};
        if (!(s->shared ? add_edit(sedits, n_sedits, cap_sedits, e) : add_edit(&own, &n_own, &cap_own, e)))
            err = PD_ERR_NOMEM;
    }
    if (!err && n_own && !rewrite_part(&sh, own, n_own, m))
        err = PD_ERR_NOMEM;
    if (err == PD_ERR_NOMEM)
        snprintf(why, cap, "out of memory");
    free(own);
    free(order);
    free(sorted);
    free(ctx.spans);
    free(text.text);
    part_free(&sh);
    return err;
}

static bool is_sheet(const char *name)
{
    return strncmp(name, "xl/worksheets/", 14) == 0 && strlen(name) > 18 &&
           strcasecmp(name + strlen(name) - 4, ".xml") == 0;
}

static bool is_document_text(const char *name)
{
    return strcmp(name, "word/document.xml") == 0 || (strncmp(name, "word/header", 11) == 0) ||
           (strncmp(name, "word/footer", 11) == 0) || strcmp(name, "word/footnotes.xml") == 0 ||
           strcmp(name, "word/endnotes.xml") == 0 || strcmp(name, "word/comments.xml") == 0;
}

static enum pd_error redact_workbook(const struct pd_redact_texts *t, struct package *pkg, char *why, size_t cap)
{
    struct member *sst = member_named(pkg, "xl/sharedStrings.xml");
    struct part strings = {.workbook_strings = true};
    if (sst && !parse_part(&strings, sst, why, cap)) {
        part_free(&strings);
        return PD_ERR_FORMAT;
    }
    struct item_edit *sedits = NULL;
    size_t n_sedits = 0, cap_sedits = 0;
    enum pd_error err = PD_OK;
    struct kept kept = {0};
    for (size_t i = 0; !err && i < pkg->n; i++) {
        if (!is_sheet(pkg->v[i].name))
            continue;
        err = redact_sheet(t, &pkg->v[i], sst ? &strings : NULL, &sedits, &n_sedits, &cap_sedits, &kept, why, cap);
    }
    /* strings no cell cites, one per line, as the scanner reads them */
    if (!err && sst) {
        struct part lines = {0};
        for (size_t i = 0; i < strings.n_items; i++) {
            add_text(&lines, strings.text + strings.items[i].text, strings.items[i].len);
            add_text(&lines, "\n", 1);
        }
        struct pd_redact_edit *edits = NULL;
        size_t n = 0;
        err = lines.failed ? PD_ERR_NOMEM
                           : t->edits(t->arg, "xl/sharedStrings.xml.txt", lines.text ? lines.text : "",
                                      lines.text_len, NULL, NULL, &edits, &n);
        if (!err && !keep_edits(&kept, edits))
            err = PD_ERR_NOMEM;
        size_t at = 0, item = 0;
        for (size_t k = 0; !err && k < n; k++) {
            while (item < strings.n_items && at + strings.items[item].len + 1 <= edits[k].offset)
                at += strings.items[item++].len + 1;
            if (item < strings.n_items && edits[k].offset + edits[k].length <= at + strings.items[item].len &&
                !add_edit(&sedits, &n_sedits, &cap_sedits,
                          (struct item_edit){item, edits[k].offset - at, edits[k].length, edits[k].text}))
                err = PD_ERR_NOMEM;
        }
        free(lines.text);
    }
    /* one edit per place of a shared string, however many cells show it */
    if (!err && n_sedits) {
        qsort(sedits, n_sedits, sizeof *sedits, by_item);
        size_t k = 0;
        for (size_t i = 0; i < n_sedits; i++) {
            bool same = k && sedits[k - 1].item == sedits[i].item && sedits[k - 1].off + sedits[k - 1].len > sedits[i].off;
            if (!same)
                sedits[k++] = sedits[i];
        }
        if (!rewrite_part(&strings, sedits, k, sst))
            err = PD_ERR_NOMEM;
    }
    free(sedits);
    kept_free(&kept);
    part_free(&strings);
    return err;
}

static enum pd_error redact_document(const struct pd_redact_texts *t, struct package *pkg, char *why, size_t cap)
{
    enum pd_error err = PD_OK;
    for (size_t i = 0; !err && i < pkg->n; i++) {
        struct member *m = &pkg->v[i];
        if (!is_document_text(m->name))
            continue;
        struct part doc = {.document = true};
        if (!parse_part(&doc, m, why, cap)) {
            part_free(&doc);
            return PD_ERR_FORMAT;
        }
        struct part lines = {0}; /* a paragraph per line; a table row per line, its cells apart by tabs */
        for (size_t k = 0; k < doc.n_items; k++) {
            add_text(&lines, doc.text + doc.items[k].text, doc.items[k].len);
            add_text(&lines, &doc.items[k].after, 1);
        }
        struct pd_redact_edit *edits = NULL;
        size_t n = 0;
        char *name = text_name(m->name, ".txt");
        err = lines.failed || !name ? PD_ERR_NOMEM
                                    : t->edits(t->arg, name, lines.text ? lines.text : "", lines.text_len, NULL, NULL,
                                               &edits, &n);
        free(name);
        struct item_edit *own = NULL;
        size_t n_own = 0, cap_own = 0, at = 0, item = 0;
        for (size_t k = 0; !err && k < n; k++) {
            while (item < doc.n_items && at + doc.items[item].len + 1 <= edits[k].offset)
                at += doc.items[item++].len + 1;
            if (item < doc.n_items && edits[k].offset + edits[k].length <= at + doc.items[item].len &&
                !add_edit(&own, &n_own, &cap_own,
                          (struct item_edit){item, edits[k].offset - at, edits[k].length, edits[k].text}))
                err = PD_ERR_NOMEM;
        }
        if (!err && n_own && !rewrite_part(&doc, own, n_own, m))
            err = PD_ERR_NOMEM;
        free(edits);
        free(own);
        free(lines.text);
        part_free(&doc);
    }
    return err;
}

enum pd_error pd_redact_ooxml(const struct pd_redact_texts *t, bool workbook, int in_fd, int out_fd, char *why,
                              size_t cap)
{
    struct package pkg = {0};
    enum pd_error err = read_package(in_fd, &pkg, why, cap);
    if (!err)
        err = workbook ? redact_workbook(t, &pkg, why, cap) : redact_document(t, &pkg, why, cap);
    if (!err)
        err = write_package(out_fd, &pkg, why, cap);
    if (err == PD_ERR_NOMEM && !*why)
        snprintf(why, cap, "out of memory");
    package_free(&pkg);
    return err;
}

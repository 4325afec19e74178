/* Office documents (DOCX, XLSX, PPTX and their macro/template variants; ODT, ODS, ODP): the zip
 * parts that hold text are streamed through expat into plain text, one unit per part
 * ("report.docx!word/document.xml"). Runs inside a paragraph are joined (Word splits words across
 * runs), paragraphs, rows and cells are separated, and red runs are set on a line of their own,
 * as a stamp stands apart on paper, so that a red "MẬT" counts as a marking. Spreadsheets come
 * out as rows whose header labels their cells; Word tables put labels beside their values
 * (word_table.h). Offsets and lines of findings in a part refer to its extracted text (one line
 * per paragraph or row). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <expat.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "text/labels.h"
#include "scanner/formats/member_xml.h"
#include "scanner/formats/word_table.h"
#include "scanner/formats/workbook.h"
#include "scanner/worker-int.h"

#define XML_CHUNK (64u << 10)
#define MAX_TEXT_BUFFER (32u << 20)
#define SHEET_PARTS "xl/worksheets/sheet*.xml"

static bool accepts(const char *mime)
{
    return strncmp(mime, "application/vnd.openxmlformats-officedocument.", 46) == 0 ||
           strncmp(mime, "application/vnd.oasis.opendocument.", 35) == 0 ||
           strncmp(mime, "application/vnd.ms-word.", 24) == 0 || strncmp(mime, "application/vnd.ms-excel.", 25) == 0 ||
           strncmp(mime, "application/vnd.ms-powerpoint.", 30) == 0;
}

/* Parts that hold a document's text; embedded objects are scanned as documents of their own. */
static const char *const text_parts[] = {
    "word/document.xml", "word/header*.xml", "word/footer*.xml", "word/footnotes.xml", "word/endnotes.xml",
    "word/comments*.xml", PD_SHARED_STRINGS_PART, SHEET_PARTS, "xl/comments*.xml",
    "ppt/slides/slide*.xml", "ppt/notesSlides/notesSlide*.xml", "ppt/comments/*.xml", "content.xml", "styles.xml",
    NULL};
static const char *const embedded_parts[] = {"word/embeddings/*", "xl/embeddings/*", "ppt/embeddings/*",
                                             "Object */*", NULL};

static bool matches(const char *const *globs, const char *name)
{
    for (int i = 0; globs[i]; i++)
        if (fnmatch(globs[i], name, 0) == 0)
            return true;
    return false;
}

/* ---- XML to text ---- */

struct xml_text {
    struct archive *a;
    struct pd_budget *budget;
    XML_Parser parser;
    char *out;               /* extracted text not yet handed out */
    size_t len, pos, cap;
    bool eof, failed, budget_hit;
    int run_depth;           /* inside w:r (a Word run) */
    bool run_red, run_has_text, in_rpr;
    bool run_legacy;         /* the run's font is a legacy Vietnamese one: its text is that encoding */
    bool spreadsheet;        /* ODS content or an XLSX sheet: one row per line, one cell per tab */
    int cell_depth;          /* inside an ODF table:table-cell (any document) or a sheet's c */
    bool started;            /* some text was put */
    /* XLSX sheets: cells are placed by their reference (empty ones are left out of the XML), and
     * a cell of type "s" holds an index into the shared strings, shown as its text */
    bool sheet;
    const struct pd_workbook *book;       /* what sheets cite; a table not loaded is NULL in it */
    unsigned column;                   /* of the row's last cell, 1 for A */
    unsigned width;                    /* columns of the first row, the header's */
    bool cell_shared, in_value, in_formula;
    unsigned cell_digits;              /* a number's digits shown at least (its format) */
    char value[32];                    /* a shared string's index, or a number to pad */
    size_t value_len;
    struct pd_word_table table;
    struct pd_word_table_out table_out;
    enum pd_encoding run_encoding;
    unsigned char xml[XML_CHUNK];
};

static void put(struct xml_text *x, const char *s, size_t n)
{
    if (x->len + n > x->cap) {
        size_t cap = x->cap ? x->cap : 65536;
        while (cap < x->len + n)
            cap *= 2;
        if (cap > MAX_TEXT_BUFFER) {
            x->failed = true;
            return;
        }
        char *no = realloc(x->out, cap);
        if (!no) {
            x->failed = true;
            return;
        }
        x->out = no;
        x->cap = cap;
    }
    memcpy(x->out + x->len, s, n);
    x->len += n;
    x->started = true;
}

static void put_text(void *ctx, const char *s, size_t n) { put(ctx, s, n); }

static bool is_block(const char *ln)
{
    /* paragraphs, headings, rows, shared-string items, list items, slides' text bodies */
    return strcmp(ln, "p") == 0 || strcmp(ln, "h") == 0 || strcmp(ln, "tr") == 0 || strcmp(ln, "row") == 0 ||
           strcmp(ln, "table-row") == 0 || strcmp(ln, "si") == 0 || strcmp(ln, "br") == 0 ||
           strcmp(ln, "line-break") == 0 || strcmp(ln, "list-item") == 0 || strcmp(ln, "comment") == 0;
}

static bool is_cell(const char *ln)
{
    return strcmp(ln, "tc") == 0 || strcmp(ln, "c") == 0 || strcmp(ln, "table-cell") == 0 || strcmp(ln, "tab") == 0;
}

/* w:color values that print red: strong red, weak green and blue */
static bool red(const char *hex)
{
    unsigned v;
    if (strlen(hex) != 6 || sscanf(hex, "%6x", &v) != 1)
        return false;
    return (v >> 16) >= 0xB0 && ((v >> 8) & 0xFF) <= 0x50 && (v & 0xFF) <= 0x50;
}

/* Column of a cell reference ("C7": 3), 0 if there is none. */
static unsigned reference_column(const char *ref)
{
    unsigned col = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && col <= 16384; ref++)
        col = col * 26 + (unsigned)(*ref - 'A' + 1);
    return col <= 16384 ? col : 0;
}

/* A sheet cell opens: tabs up to its column, as a TSV export has for the empty cells before it
 * (at most a label table's width: columns past it get no label anyway). */
static void sheet_cell(struct xml_text *x, const char **attrs)
{
    unsigned col = 0;
    const char *type = "n", *style = NULL;
    for (int i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], "r") == 0)
            col = reference_column(attrs[i + 1]);
        else if (strcmp(attrs[i], "t") == 0)
            type = attrs[i + 1];
        else if (strcmp(attrs[i], "s") == 0)
            style = attrs[i + 1];
    x->cell_shared = strcmp(type, "s") == 0;
    /* only a number is padded: a formula's string ("str") in the same style stays as it is */
    x->cell_digits = strcmp(type, "n") == 0 && style && x->book
                         ? pd_cell_formats_digits(x->book->formats, strtoul(style, NULL, 10))
                         : 0;
    unsigned tabs = col > x->column ? col - x->column : 1;
    if (tabs > PD_COLUMNS_MAX)
        tabs = 1;
    x->column = col ? col : x->column + 1;
    for (unsigned i = 0; i < tabs; i++)
        put(x, "\t", 1);
    x->cell_depth = 1;
}

/* A sheet row ends: empty cells at its end are left out of the XML, but a TSV export has a tab for
 * each, and only rows as wide as the header row get its labels. */
static void end_sheet_row(struct xml_text *x)
{
    if (!x->width)
        x->width = x->column;
    for (unsigned c = x->column; c < x->width && c < PD_COLUMNS_MAX; c++)
        put(x, "\t", 1);
    put(x, "\n", 1);
}

/* Text of a sheet cell stays on the cell's line: its tabs and line breaks become spaces. */
static void put_cell_text(struct xml_text *x, const char *text, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\t' || text[i] == '\r' || text[i] == '\n') {
            put(x, text + run, i - run);
            put(x, " ", 1);
            run = i + 1;
        }
    put(x, text + run, len - run);
}

/* A cell's value once read whole: the shared string it cites, or its number with the leading
 * zeros its format shows ("000000000000": 1087123456 reads 001087123456). */
static void put_value(struct xml_text *x)
{
    x->value[x->value_len] = '\0';
    if (x->cell_shared) {
        char *end;
        unsigned long index = strtoul(x->value, &end, 10);
        const char *text;
        size_t len;
        if (x->book && x->book->strings && end != x->value &&
            pd_shared_strings_show(x->book->strings, index, &text, &len))
            put_cell_text(x, text, len);
        return;
    }
    bool integer = x->value_len > 0 && strspn(x->value, "0123456789") == x->value_len;
    for (size_t i = x->value_len; integer && i < x->cell_digits; i++)
        put(x, "0", 1);
    put(x, x->value, x->value_len);
}

static void on_start(void *ud, const char *name, const char **attrs)
{
    struct xml_text *x = ud;
    const char *ln = pd_xml_local_name(name);
    if (strcmp(name, "w:r") == 0) {
        x->run_depth++;
        x->run_red = x->run_has_text = x->run_legacy = false;
    } else if (strcmp(name, "w:rPr") == 0) {
        x->in_rpr = true;
    } else if (x->in_rpr && strcmp(name, "w:color") == 0) {
        for (int i = 0; attrs[i]; i += 2)
            if (strcmp(attrs[i], "w:val") == 0 && red(attrs[i + 1]))
                x->run_red = true;
    } else if (x->in_rpr && strcmp(name, "w:rFonts") == 0) {
        for (int i = 0; attrs[i]; i += 2)
            if ((strcmp(attrs[i], "w:ascii") == 0 || strcmp(attrs[i], "w:hAnsi") == 0) &&
                pd_text_font_encoding(attrs[i + 1], &x->run_encoding))
                x->run_legacy = true;
    } else if (name[0] == 'w' && name[1] == ':' && pd_word_table_start(&x->table, name, attrs)) {
        /* placed */
    } else if (x->sheet && strcmp(ln, "c") == 0) {
        sheet_cell(x, attrs);
    } else if (x->sheet && strcmp(ln, "row") == 0) {
        x->column = 0;
    } else if (x->sheet && strcmp(ln, "v") == 0) {
        x->in_value = true;
        x->value_len = 0;
    } else if (x->sheet && strcmp(ln, "f") == 0) {
        x->in_formula = true; /* the value computed is what a reader sees */
    } else if (is_cell(ln)) {
        put(x, "\t", 1);
        /* ODF table cells, in a spreadsheet or a text document: a row per line, a cell per tab,
         * so that a table's header row labels the cells below it as a DOCX table's does */
        x->cell_depth += strcmp(name, "table:table-cell") == 0;
    } else if (strcmp(name, "office:spreadsheet") == 0) {
        x->spreadsheet = true;
    } else if (strcmp(ln, "s") == 0 && strncmp(name, "text:", 5) == 0) {
        put(x, " ", 1); /* ODF's run of spaces */
    }
}

static void on_end(void *ud, const char *name)
{
    struct xml_text *x = ud;
    const char *ln = pd_xml_local_name(name);
    if (strcmp(name, "w:r") == 0) {
        if (x->run_red && x->run_has_text)
            put(x, "\n", 1);
        x->run_depth--;
    } else if (strcmp(name, "w:rPr") == 0) {
        x->in_rpr = false;
    } else if (name[0] == 'w' && name[1] == ':' && pd_word_table_end(&x->table, name)) {
        /* placed */
    } else if (x->sheet && strcmp(ln, "row") == 0) {
        end_sheet_row(x);
    } else if (x->sheet && strcmp(ln, "c") == 0) {
        x->cell_depth = 0;
    } else if (x->sheet && strcmp(ln, "f") == 0) {
        x->in_formula = false;
    } else if (x->sheet && strcmp(ln, "v") == 0) {
        x->in_value = false;
        if (x->cell_shared || x->cell_digits)
            put_value(x);
    } else if (x->cell_depth > 0 && strcmp(name, "table:table-cell") == 0) {
        x->cell_depth--;
    } else if (x->cell_depth > 0 && strcmp(ln, "p") == 0) {
        put(x, " ", 1); /* one row per line, one cell per tab: the layout of a TSV export, whose
                         * header row then labels the cells below it */
    } else if (is_block(ln)) {
        put(x, "\n", 1);
    }
}

/* Text, decoded: held by a table, or written after a red run's line break. */
static void put_run_text(struct xml_text *x, const char *s, size_t n)
{
    bool in_run = x->run_depth > 0;
    if (x->table.depth && pd_word_table_text(&x->table, s, n, in_run, !(in_run && x->run_red)))
        return; /* held by a table: a label, perhaps */
    /* indentation before the text or between a spreadsheet's rows and cells would add rows */
    if (!x->started || (x->spreadsheet && x->cell_depth == 0)) {
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
            k++;
        if (k == n)
            return;
    }
    if (in_run && x->run_red && !x->run_has_text)
        put(x, "\n", 1); /* a red run starts a line of its own */
    if (in_run)
        x->run_has_text = true;
    if (x->sheet && x->cell_depth > 0)
        put_cell_text(x, s, n); /* an inline string or a value */
    else
        put(x, s, n);
}

static void on_text(void *ud, const char *s, int n)
{
    struct xml_text *x = ud;
    if (x->in_formula)
        return;
    if (x->in_value && (x->cell_shared || x->cell_digits)) {
        for (int i = 0; i < n && x->value_len < sizeof x->value - 1; i++)
            x->value[x->value_len++] = s[i];
        return;
    }
    if (x->run_depth == 0 || !x->run_legacy) {
        put_run_text(x, s, (size_t)n);
        return;
    }
    /* a legacy font's text arrives as the Windows-1252 characters of its bytes: decoded in
     * slices, never cutting a character */
    char decoded[4096 * 3];
    for (size_t i = 0, len = (size_t)n; i < len;) {
        size_t k = len - i < 1024 ? len - i : 1024;
        while (i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k--;
        put_run_text(x, decoded, pd_text_redecode(x->run_encoding, s + i, k, decoded, sizeof decoded));
        i += k;
    }
}

static ssize_t xml_read(struct pd_source *src, void *buf, size_t n)
{
    struct xml_text *x = src->ctx;
    while (x->pos == x->len && !x->eof) {
        x->pos = x->len = 0;
        if (x->failed) {
            snprintf(src->error, sizeof src->error, "extracted text of one chunk over %u bytes", MAX_TEXT_BUFFER);
            errno = EFBIG;
            return -1;
        }
        la_ssize_t r = archive_read_data(x->a, x->xml, sizeof x->xml);
        if (r < 0) {
            snprintf(src->error, sizeof src->error, "document part unreadable: %s", archive_error_string(x->a));
            errno = EIO;
            return -1;
        }
        if (!pd_budget_bytes(x->budget, (uint64_t)r)) {
            x->budget_hit = true;
            snprintf(src->error, sizeof src->error, "%s", x->budget->exceeded);
            errno = EFBIG;
            return -1;
        }
        x->eof = r == 0;
        if (XML_Parse(x->parser, (const char *)x->xml, (int)r, x->eof) == XML_STATUS_ERROR) {
            snprintf(src->error, sizeof src->error, "malformed XML at line %lu: %s",
                     (unsigned long)XML_GetCurrentLineNumber(x->parser), XML_ErrorString(XML_GetErrorCode(x->parser)));
            errno = EILSEQ;
            return -1;
        }
    }
    size_t k = x->len - x->pos < n ? x->len - x->pos : n;
    memcpy(buf, x->out + x->pos, k);
    x->pos += k;
    return (ssize_t)k;
}

static void xml_close(struct pd_source *src) { (void)src; }

/* book: what a workbook's sheets cite, for a sheet (sheet true) to show; NULL otherwise. */
static void scan_part(struct pd_worker *w, struct pd_unit *part, struct archive *a, unsigned depth, bool sheet,
                      const struct pd_workbook *book, bool *budget_hit)
{
    struct xml_text *x = calloc(1, sizeof *x);
    if (!x || !(x->parser = XML_ParserCreate("UTF-8"))) {
        free(x);
        pd_unit_set(part, PD_UNIT_ERROR, "out of memory");
        return;
    }
    x->a = a;
    x->budget = pd_worker_budget(w);
    x->sheet = x->spreadsheet = sheet;
    x->book = book;
    x->table_out = (struct pd_word_table_out){.put = put_text, .ctx = x};
    pd_word_table_init(&x->table, &x->table_out);
    XML_SetUserData(x->parser, x);
    XML_SetElementHandler(x->parser, on_start, on_end);
    XML_SetCharacterDataHandler(x->parser, on_text);
    struct pd_source src = {.kind = "document part", .read = xml_read, .close = xml_close, .fd = -1, .ctx = x};
    pd_worker_scan_text(w, part, &src, depth, PD_ENC_UTF8);
    snprintf(part->mime, sizeof part->mime, "application/xml");
    *budget_hit = x->budget_hit;
    XML_ParserFree(x->parser);
    free(x->out);
    free(x);
}

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    struct pd_budget *budget = pd_worker_budget(w);
    struct pd_workbook book;
    if (!(src = pd_workbook_open(w, u, src, depth, &book)))
        return;
    void *outer;
    struct archive *a = pd_archive_begin(w, u, src, depth, true, &outer);
    if (!a) {
        pd_workbook_close(&book);
        return;
    }
    int r;
    struct archive_entry *entry;
    unsigned parts = 0;
    uint64_t strings_size = 0;
    while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname_utf8(entry);
        if (!name)
            name = archive_entry_pathname(entry);
        if (!name || archive_entry_filetype(entry) != AE_IFREG)
            continue;
        bool text = matches(text_parts, name), embedded = !text && matches(embedded_parts, name);
        if (!text && !embedded)
            continue; /* images, styles, relationships: no text of the document */
        if (book.strings && strcmp(name, PD_SHARED_STRINGS_PART) == 0) {
            strings_size = archive_entry_size_is_set(entry) ? (uint64_t)archive_entry_size(entry) : 0;
            continue; /* read already: what the sheets did not show is scanned after them */
        }
        if (!pd_budget_member(budget)) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
            break;
        }
        struct pd_unit *part = pd_worker_child(u, name);
        if (!part)
            break;
        part->size = archive_entry_size_is_set(entry) ? (uint64_t)archive_entry_size(entry) : 0;
        bool hit = false;
        if (archive_entry_is_encrypted(entry)) {
            pd_unit_set(part, PD_UNIT_SKIPPED, "encrypted");
        } else if (text) {
            scan_part(w, part, a, depth + 1, fnmatch(SHEET_PARTS, name, 0) == 0, &book, &hit);
            parts++;
        } else {
            pd_archive_scan_member(w, part, a, depth + 1, &hit); /* a spreadsheet inside a report... */
        }
        pd_worker_emit(w, part);
        if (hit) {
            pd_unit_set(u, PD_UNIT_PARTIAL, "%s", budget->exceeded);
            break;
        }
    }
    if (r == ARCHIVE_FATAL)
        pd_unit_set(u, PD_UNIT_ERROR, "corrupt or truncated document after %u parts: %s", parts,
                    archive_error_string(a));
    else if (r == ARCHIVE_OK || r == ARCHIVE_EOF) {
        if (parts == 0 && !book.strings && u->status == PD_UNIT_SCANNED)
            pd_unit_set(u, PD_UNIT_PARTIAL, "no text part found in the document");
    }
    pd_workbook_scan_unshown(w, u, &book, depth + 1, strings_size);
    /* the string table was read in the first pass only; the zip's directory in both */
    u->bytes_scanned = (uint64_t)archive_filter_bytes(a, -1) + book.first_pass_bytes;
    if (u->size && u->bytes_scanned > u->size)
        u->bytes_scanned = u->size;
    u->encoding = NULL;
    pd_archive_end(a, outer);
    pd_workbook_close(&book);
}

const struct pd_format pd_format_office = {
    .accepts = accepts,
    .scan = scan,
};

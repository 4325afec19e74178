/* An XLSX workbook read twice: the first pass, the copy, the strings no sheet showed. */
#include "scanner/formats/workbook.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHARED_STRINGS (32u << 20) /* bytes of a workbook's string table kept in memory */
#define MAX_BUFFERED_WORKBOOK (16u << 20) /* a workbook in an archive, copied to be read twice */
#define STYLES_PART "xl/styles.xml"

static bool is_workbook(const char *mime)
{
    return strstr(mime, "spreadsheetml") || strncmp(mime, "application/vnd.ms-excel.sheet", 30) == 0;
}

static void free_tables(struct pd_workbook *book)
{
    pd_shared_strings_free(book->strings);
    pd_cell_formats_free(book->formats);
    book->strings = NULL;
    book->formats = NULL;
}

/* The first pass, over a source that can be read again; left at its start. */
static void load_tables(struct pd_worker *w, struct pd_source *src, unsigned depth, struct pd_workbook *book)
{
    if (!src->rewind || src->rewind(src) != 0)
        return;
    struct pd_unit probe = {.status = PD_UNIT_SCANNED}; /* the second pass reports what fails */
    void *outer;
    struct archive *a = pd_archive_begin(w, &probe, src, depth, true, &outer);
    if (!a)
        return;
    struct archive_entry *entry;
    bool strings_read = false, styles_read = false;
    int r;
    while (!(strings_read && styles_read) &&
           ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
        const char *name = archive_entry_pathname(entry);
        if (!name || archive_entry_is_encrypted(entry))
            continue;
        if (!strings_read && strcmp(name, PD_SHARED_STRINGS_PART) == 0) {
            pd_shared_strings_load(a, pd_worker_budget(w), MAX_SHARED_STRINGS, &book->strings);
            strings_read = true;
        } else if (!styles_read && strcmp(name, STYLES_PART) == 0) {
            pd_cell_formats_load(a, pd_worker_budget(w), &book->formats);
            styles_read = true;
        }
    }
    book->first_pass_bytes = (uint64_t)archive_filter_bytes(a, -1);
    pd_archive_end(a, outer);
    if (src->rewind(src) != 0) /* rewound once already: this fails only if the file vanished */
        free_tables(book);
}

/* A workbook streamed out of an archive, copied into memory; false when it could not be read
 * (the unit then says why). Too large a one, or no memory, leaves book->copy NULL. */
static bool copy_member(struct pd_unit *u, struct pd_source *src, struct pd_workbook *book)
{
    if (u->size == 0 || u->size > MAX_BUFFERED_WORKBOOK)
        return true;
    unsigned char *copy = malloc(u->size + 1); /* one byte more tells a member larger than its header said */
    if (!copy)
        return true;
    ssize_t n = pd_source_read_full(src, copy, u->size + 1);
    if (n < 0 || (uint64_t)n > u->size) {
        if (n < 0)
            pd_unit_set(u, PD_UNIT_ERROR, "read failed: %s", pd_source_error(src, errno));
        else
            pd_unit_set(u, PD_UNIT_ERROR, "member larger than its archive header says (%llu bytes)",
                        (unsigned long long)u->size);
        free(copy);
        return false;
    }
    book->copy = copy;
    pd_source_open_memory(&book->copy_src, copy, (size_t)n);
    return true;
}

struct pd_source *pd_workbook_open(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                   struct pd_workbook *book)
{
    memset(book, 0, sizeof *book);
    if (!is_workbook(u->mime))
        return src;
    if (!src->rewind) {
        if (!copy_member(u, src, book))
            return NULL;
        if (book->copy)
            src = &book->copy_src;
    }
    load_tables(w, src, depth, book);
    return src;
}

void pd_workbook_scan_unshown(struct pd_worker *w, struct pd_unit *u, const struct pd_workbook *book, unsigned depth,
                              uint64_t size)
{
    if (!book->strings)
        return;
    struct pd_unit *part = pd_worker_child(u, PD_SHARED_STRINGS_PART);
    if (!part)
        return;
    part->size = size;
    size_t len;
    char *text = pd_shared_strings_unshown(book->strings, &len);
    if (!text) {
        pd_unit_set(part, PD_UNIT_ERROR, "out of memory");
    } else {
        struct pd_source src;
        pd_source_open_memory(&src, (const unsigned char *)text, len);
        pd_worker_scan_text(w, part, &src, depth, PD_ENC_UTF8);
        snprintf(part->mime, sizeof part->mime, "application/xml");
    }
    free(text);
    pd_worker_emit(w, part);
}

void pd_workbook_close(struct pd_workbook *book)
{
    free_tables(book);
    free(book->copy);
    book->copy = NULL;
}

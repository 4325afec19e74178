/* An XLSX workbook read twice. Its sheets cite a table of strings and a table of cell formats
 * that Excel stores after them, so a first pass over the zip reads those two tables and the
 * second pass writes each sheet with its cells' own text. A workbook read from a file or from
 * memory (an e-mail attachment) is simply read again; one streamed out of an archive is copied
 * to memory first, up to 16 MiB. Internal to the document handler. */
#ifndef PD_WORKBOOK_H
#define PD_WORKBOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "scanner/formats/cell_formats.h"
#include "scanner/formats/shared_strings.h"
#include "scanner/source.h"
#include "scanner/worker-int.h"

#define PD_SHARED_STRINGS_PART "xl/sharedStrings.xml"

struct pd_workbook {
    struct pd_shared_strings *strings; /* NULL: none, unreadable or over 32 MiB */
    struct pd_cell_formats *formats;   /* NULL: none or unreadable */
    uint64_t first_pass_bytes;         /* of the zip read by the first pass */
    unsigned char *copy;               /* the workbook, when it was an archive member */
    struct pd_source copy_src;
};

/* Runs the first pass for a unit whose type is a workbook (nothing otherwise) and returns the
 * source the second pass reads from its start: src, or the copy. NULL when the unit failed (its
 * reason is set). A table that cannot be read stays NULL: its sheets then show no strings and
 * the string table is scanned as a part of its own, as other documents' parts are. */
struct pd_source *pd_workbook_open(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth,
                                   struct pd_workbook *book);

/* After the sheets: the strings none of them showed, scanned as the table's part (size: the
 * part's size in the zip). */
void pd_workbook_scan_unshown(struct pd_worker *w, struct pd_unit *u, const struct pd_workbook *book, unsigned depth,
                              uint64_t size);

void pd_workbook_close(struct pd_workbook *book);

#endif

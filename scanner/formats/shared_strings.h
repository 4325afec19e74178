/* An XLSX workbook's shared strings (xl/sharedStrings.xml): the table of cell texts that sheets
 * cite by index. Excel stores it after the sheets, so it is read in a first pass over the zip;
 * a sheet then shows each cell's own text, and its header row can label the column below, as in
 * a CSV export. Strings no sheet shows are still scanned, on their own. */
#ifndef PD_SHARED_STRINGS_H
#define PD_SHARED_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/budget.h"
#include "util/error.h"

struct archive;
struct pd_shared_strings;

/* Reads the table from the member of a whose header was just read, counting its bytes against
 * budget. PD_ERR_LIMIT past max_bytes of text or the budget, PD_ERR_FORMAT for malformed XML,
 * PD_ERR_IO for an unreadable member. */
enum pd_error pd_shared_strings_load(struct archive *a, struct pd_budget *budget, size_t max_bytes,
                                     struct pd_shared_strings **out);

/* The text of string index (not NUL-terminated), marked as shown; false if there is none. */
bool pd_shared_strings_show(struct pd_shared_strings *s, unsigned long index, const char **text, size_t *len);

/* The strings no sheet showed, one per line, in a buffer the caller frees (NULL: out of memory). */
char *pd_shared_strings_unshown(const struct pd_shared_strings *s, size_t *len);

void pd_shared_strings_free(struct pd_shared_strings *s);

#endif

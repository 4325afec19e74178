/* An XLSX workbook's cell formats (xl/styles.xml), as far as they change what a number shows:
 * an ID typed as a number loses its leading zero ("001087123456" is stored as 1087123456) and a
 * custom format "000000000000" puts it back on screen. A sheet cell's style index says how many
 * digits its number is shown with; the sheet's text then holds them, as a reader sees them. */
#ifndef PD_CELL_FORMATS_H
#define PD_CELL_FORMATS_H

#include <stddef.h>

#include "scanner/budget.h"
#include "util/error.h"

struct archive;
struct pd_cell_formats;

/* Reads the formats from the member of a whose header was just read, counting its bytes against
 * budget. PD_ERR_FORMAT for malformed XML, PD_ERR_IO for an unreadable member, PD_ERR_LIMIT past
 * the budget. */
enum pd_error pd_cell_formats_load(struct archive *a, struct pd_budget *budget, struct pd_cell_formats **out);

/* The digits a number of style index shows at least (a format of zeros only), 0 for none. */
unsigned pd_cell_formats_digits(const struct pd_cell_formats *f, unsigned long style);

void pd_cell_formats_free(struct pd_cell_formats *f);

#endif

/* Parsing an archive member's XML with expat, chunk by chunk, within the budget: the first pass
 * over a workbook reads its string table and its styles this way. */
#ifndef PD_MEMBER_XML_H
#define PD_MEMBER_XML_H

#include <expat.h>

#include "scanner/budget.h"
#include "util/error.h"

struct archive;

/* "x:row" -> "row": element names without their namespace prefix. */
const char *pd_xml_local_name(const char *name);

/* Feeds the member of a whose header was just read to parser, counting its bytes against budget,
 * until its end or until *handler_err (the handlers' own error) is set. Returns *handler_err,
 * else PD_ERR_IO (unreadable), PD_ERR_LIMIT (budget), PD_ERR_FORMAT (malformed) or PD_OK. */
enum pd_error pd_member_parse_xml(struct archive *a, struct pd_budget *budget, XML_Parser parser,
                                  const enum pd_error *handler_err);

#endif

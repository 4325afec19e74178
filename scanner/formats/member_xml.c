/* An archive member through expat. */
#include "scanner/formats/member_xml.h"

#include <archive.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64u << 10)

const char *pd_xml_local_name(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

enum pd_error pd_member_parse_xml(struct archive *a, struct pd_budget *budget, XML_Parser parser,
                                  const enum pd_error *handler_err)
{
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk)
        return PD_ERR_NOMEM;
    enum pd_error err = PD_OK;
    for (bool last = false; !last && !err && !*handler_err;) {
        la_ssize_t r = archive_read_data(a, chunk, CHUNK);
        if (r < 0)
            err = PD_ERR_IO;
        else if (!pd_budget_bytes(budget, (uint64_t)r))
            err = PD_ERR_LIMIT;
        else if (XML_Parse(parser, (const char *)chunk, (int)r, (last = r == 0)) == XML_STATUS_ERROR)
            err = PD_ERR_FORMAT;
    }
    free(chunk);
    return *handler_err ? *handler_err : err;
}

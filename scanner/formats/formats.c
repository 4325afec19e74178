/* The table of format readers, built from format_list.h. */
#include "scanner/formats/formats.h"

#include <stddef.h>

#define PD_FORMAT(name) extern const struct pd_format pd_format_##name;
#include "scanner/formats/format_list.h"
#undef PD_FORMAT

static const struct pd_format *const formats[] = {
#define PD_FORMAT(name) &pd_format_##name,
#include "scanner/formats/format_list.h"
#undef PD_FORMAT
};

const struct pd_format *pd_format_for(const char *mime)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i]->accepts(mime))
            return formats[i];
    return NULL;
}

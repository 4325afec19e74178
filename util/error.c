/* The error table's messages and the diagnostic formatter. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *pd_strerror(enum pd_error err)
{
    switch (err) {
#define PD_ERROR_TEXT(name, text) \
    case name:                    \
        return text;
        PD_ERROR_LIST(PD_ERROR_TEXT)
#undef PD_ERROR_TEXT
    }
    return "unknown error";
}

enum pd_error pd_fail(struct pd_diag *diag, enum pd_error err, const char *fmt, ...)
{
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->text, sizeof diag->text, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Cell formats: for each style (cellXfs entry), the width of its zero-padding number format. */
#include "scanner/formats/cell_formats.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/formats/member_xml.h"

#define MAX_STYLES 65536 /* Excel's own limit is 64,000 cell formats */
#define MAX_CUSTOM 512   /* custom number formats remembered */

struct pd_cell_formats {
    uint8_t *digits; /* per style */
    size_t count;
};

struct loader {
    struct pd_cell_formats *f;
    struct {
        unsigned id;
        uint8_t digits;
    } custom[MAX_CUSTOM];
    size_t n_custom;
    bool in_cell_xfs;
    enum pd_error err;
};

static const char *attr(const char **attrs, const char *key)
{
    for (int i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], key) == 0)
            return attrs[i + 1];
    return NULL;
}

/* "000000000000" (or its positive section, "0000000000;@"): the digits shown, else 0. */
static uint8_t zero_padding(const char *code)
{
    size_t n = strspn(code, "0");
    if (n < 2 || n > 20 || (code[n] != '\0' && code[n] != ';'))
        return 0;
    return (uint8_t)n;
}

static uint8_t digits_of_format(const struct loader *l, unsigned id)
{
    for (size_t i = 0; i < l->n_custom; i++)
        if (l->custom[i].id == id)
            return l->custom[i].digits;
    return 0; /* built-in formats (ids below 164) pad nothing */
}

static void on_start(void *ud, const char *name, const char **attrs)
{
    struct loader *l = ud;
    const char *ln = pd_xml_local_name(name);
    if (strcmp(ln, "numFmt") == 0 && !l->in_cell_xfs) {
        const char *id = attr(attrs, "numFmtId"), *code = attr(attrs, "formatCode");
        uint8_t digits = code ? zero_padding(code) : 0;
        if (id && digits && l->n_custom < MAX_CUSTOM) {
            l->custom[l->n_custom].id = (unsigned)strtoul(id, NULL, 10);
            l->custom[l->n_custom++].digits = digits;
        }
    } else if (strcmp(ln, "cellXfs") == 0) {
        l->in_cell_xfs = true;
    } else if (strcmp(ln, "xf") == 0 && l->in_cell_xfs) {
        struct pd_cell_formats *f = l->f;
        if (f->count >= MAX_STYLES)
            return;
        if (f->count % 256 == 0) {
            uint8_t *d = realloc(f->digits, f->count + 256);
            if (!d) {
                l->err = PD_ERR_NOMEM;
                return;
            }
            f->digits = d;
        }
        const char *id = attr(attrs, "numFmtId");
        f->digits[f->count++] = id ? digits_of_format(l, (unsigned)strtoul(id, NULL, 10)) : 0;
    }
}

static void on_end(void *ud, const char *name)
{
    struct loader *l = ud;
    if (strcmp(pd_xml_local_name(name), "cellXfs") == 0)
        l->in_cell_xfs = false;
}

enum pd_error pd_cell_formats_load(struct archive *a, struct pd_budget *budget, struct pd_cell_formats **out)
{
    *out = NULL;
    struct pd_cell_formats *f = calloc(1, sizeof *f);
    struct loader *l = calloc(1, sizeof *l);
    XML_Parser parser = XML_ParserCreate("UTF-8");
    enum pd_error err = PD_ERR_NOMEM;
    if (f && l && parser) {
        l->f = f;
        XML_SetUserData(parser, l);
        XML_SetElementHandler(parser, on_start, on_end);
        err = pd_member_parse_xml(a, budget, parser, &l->err);
    }
    if (parser)
        XML_ParserFree(parser);
    free(l);
    if (err) {
        pd_cell_formats_free(f);
        return err;
    }
    *out = f;
    return PD_OK;
}

unsigned pd_cell_formats_digits(const struct pd_cell_formats *f, unsigned long style)
{
    return f && style < f->count ? f->digits[style] : 0;
}

void pd_cell_formats_free(struct pd_cell_formats *f)
{
    if (!f)
        return;
    free(f->digits);
    free(f);
}

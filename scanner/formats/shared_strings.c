/* Shared strings: one text buffer, an offset per string and a bit per string once shown. */
#include "scanner/formats/shared_strings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/formats/member_xml.h"

struct pd_shared_strings {
    char *text;
    size_t len, cap, max_bytes;
    uint32_t *starts; /* string i is text[starts[i], starts[i + 1]) */
    size_t count, starts_cap;
    uint64_t *shown;
};

struct loader {
    struct pd_shared_strings *s;
    int phonetic;   /* inside rPh: a reading aid for East Asian text, not the cell's text */
    bool in_text;   /* inside a t of the current si */
    enum pd_error err;
};

/* The cap covers the text and the starts together. */
static bool grow_text(struct pd_shared_strings *s, size_t more)
{
    if (s->len + more <= s->cap)
        return true;
    size_t starts = s->starts_cap * sizeof *s->starts;
    size_t room = s->max_bytes > starts ? s->max_bytes - starts : 0;
    if (s->len + more > room)
        return false;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + more)
        cap *= 2;
    if (cap > room)
        cap = room; /* still room for len + more */
    char *t = realloc(s->text, cap);
    if (!t)
        return false;
    s->text = t;
    s->cap = cap;
    return true;
}

static bool push_start(struct pd_shared_strings *s)
{
    if (s->count + 1 >= s->starts_cap) {
        size_t cap = s->starts_cap ? s->starts_cap * 2 : 1024;
        if (cap * sizeof *s->starts + s->cap > s->max_bytes) /* empty items cost their start */
            return false;
        uint32_t *n = realloc(s->starts, cap * sizeof *n);
        if (!n)
            return false;
        s->starts = n;
        s->starts_cap = cap;
    }
    s->starts[++s->count] = (uint32_t)s->len;
    return true;
}

static void fail(struct loader *l, enum pd_error err)
{
    if (!l->err)
        l->err = err;
}

static void on_start(void *ud, const char *name, const char **attrs)
{
    (void)attrs;
    struct loader *l = ud;
    const char *ln = pd_xml_local_name(name);
    if (strcmp(ln, "rPh") == 0)
        l->phonetic++;
    else if (strcmp(ln, "t") == 0 && !l->phonetic)
        l->in_text = true;
}

static void on_end(void *ud, const char *name)
{
    struct loader *l = ud;
    const char *ln = pd_xml_local_name(name);
    if (strcmp(ln, "rPh") == 0 && l->phonetic > 0)
        l->phonetic--;
    else if (strcmp(ln, "t") == 0)
        l->in_text = false;
    else if (strcmp(ln, "si") == 0 && !push_start(l->s))
        fail(l, PD_ERR_LIMIT);
}

static void on_text(void *ud, const char *text, int n)
{
    struct loader *l = ud;
    if (!l->in_text || l->err)
        return;
    if (!grow_text(l->s, (size_t)n)) {
        fail(l, PD_ERR_LIMIT);
        return;
    }
    memcpy(l->s->text + l->s->len, text, (size_t)n);
    l->s->len += (size_t)n;
}

enum pd_error pd_shared_strings_load(struct archive *a, struct pd_budget *budget, size_t max_bytes,
                                     struct pd_shared_strings **out)
{
    *out = NULL;
    struct pd_shared_strings *s = calloc(1, sizeof *s);
    XML_Parser parser = XML_ParserCreate("UTF-8");
    struct loader l = {.s = s};
    enum pd_error err = PD_ERR_NOMEM;
    if (s && parser && (s->starts = malloc(1024 * sizeof *s->starts))) {
        s->max_bytes = max_bytes < UINT32_MAX ? max_bytes : UINT32_MAX;
        s->starts_cap = 1024;
        s->starts[0] = 0;
        XML_SetUserData(parser, &l);
        XML_SetElementHandler(parser, on_start, on_end);
        XML_SetCharacterDataHandler(parser, on_text);
        err = pd_member_parse_xml(a, budget, parser, &l.err);
        if (!err && !(s->shown = calloc((s->count + 63) / 64 + 1, sizeof *s->shown)))
            err = PD_ERR_NOMEM;
    }
    if (parser)
        XML_ParserFree(parser);
    if (err) {
        pd_shared_strings_free(s);
        return err;
    }
    *out = s;
    return PD_OK;
}

bool pd_shared_strings_show(struct pd_shared_strings *s, unsigned long index, const char **text, size_t *len)
{
    if (index >= s->count)
        return false;
    s->shown[index / 64] |= 1ULL << (index % 64);
    *text = s->text + s->starts[index];
    *len = s->starts[index + 1] - s->starts[index];
    return true;
}

char *pd_shared_strings_unshown(const struct pd_shared_strings *s, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        if (!(s->shown[i / 64] >> (i % 64) & 1))
            n += s->starts[i + 1] - s->starts[i] + 1;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < s->count; i++)
        if (!(s->shown[i / 64] >> (i % 64) & 1)) {
            memcpy(out + o, s->text + s->starts[i], s->starts[i + 1] - s->starts[i]);
            o += s->starts[i + 1] - s->starts[i];
            out[o++] = '\n';
        }
    *len = o;
    return out;
}

void pd_shared_strings_free(struct pd_shared_strings *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->starts);
    free(s->shown);
    free(s);
}

/* The formats redacted in place, told by the type pdpscan read a file as and by its name. */
#include <string.h>
#include <strings.h>

#include "redact/redact-int.h"

static const struct pd_redact_format formats[] = {
    {"json", PD_SYNTAX_JSON}, {"jsonl", PD_SYNTAX_JSON}, {"csv", PD_SYNTAX_TEXT}, {"tsv", PD_SYNTAX_TEXT},
    {"sql", PD_SYNTAX_SQL},   {"markdown", PD_SYNTAX_TEXT}, {"text", PD_SYNTAX_TEXT},
    {"xlsx", PD_SYNTAX_PACKAGE}, {"docx", PD_SYNTAX_PACKAGE},
};

static const struct pd_redact_format *named(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

static bool ends_with(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

const struct pd_redact_format *pd_redact_format_for(const char *mime, const char *path)
{
    /* a package libmagic calls a plain zip (its parts in another order) goes by its name */
    bool zip = strcmp(mime, "application/zip") == 0;
    if (strcmp(mime, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") == 0 ||
        (zip && ends_with(path, ".xlsx")))
        return named("xlsx");
    if (strcmp(mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document") == 0 ||
        (zip && ends_with(path, ".docx")))
        return named("docx");
    /* otherwise only what pdpscan read as text: an archive, other document or binary file is not */
    bool text = strncmp(mime, "text/", 5) == 0 || strcmp(mime, "application/json") == 0 ||
                strcmp(mime, "application/x-ndjson") == 0 || strcmp(mime, "application/sql") == 0;
    if (!text || strcmp(mime, "text/html") == 0 || strcmp(mime, "text/xml") == 0 || strcmp(mime, "message/rfc822") == 0)
        return NULL;
    if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
        return named("jsonl");
    if (ends_with(path, ".json") || strcmp(mime, "application/json") == 0)
        return named("json");
    if (ends_with(path, ".tsv") || ends_with(path, ".tab"))
        return named("tsv");
    if (ends_with(path, ".csv") || strcmp(mime, "text/csv") == 0)
        return named("csv");
    if (ends_with(path, ".sql") || strcmp(mime, "application/sql") == 0 || strcmp(mime, "text/x-sql") == 0)
        return named("sql");
    if (ends_with(path, ".md") || ends_with(path, ".markdown") || strcmp(mime, "text/markdown") == 0)
        return named("markdown");
    return named("text");
}

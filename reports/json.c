/* The JSON report, the contract other tools parse. Findings stream into the (temporary) file as
 * units finish; unit records go to a spill file and are copied in at the end, when the scan
 * summary is known. The file is renamed into place only when complete. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "reports/writer.h"

#define PD_REPORT_SCHEMA_VERSION "1.7.0"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

#define SPILL_BUFFER (256u << 10) /* stdio's 4 KiB made a write() per few units: 2,400 for 6,000 files */

struct json_writer {
    FILE *out;
    FILE *units, *violations; /* spilled, copied into the document at the end */
    char *units_buffer, *violations_buffer;
    bool reveal;
    bool any_finding, any_unit, any_violation;
    struct pd_json_rule_cache rules;
};

static enum pd_error put(FILE *out, struct json_object *o)
{
    int ok = o && fputs(json_object_to_json_string_ext(o, JSON_FLAGS), out) >= 0;
    json_object_put(o);
    return ok ? PD_OK : PD_ERR_IO;
}

static enum pd_error json_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct json_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    w->reveal = info->reveal;
    if (!(w->units = tmpfile()) || !(w->violations = tmpfile())) {
        if (w->units)
            fclose(w->units);
        free(w);
        return PD_ERR_IO;
    }
    /* without a buffer of our own glibc ignores the size asked for */
    if ((w->units_buffer = malloc(SPILL_BUFFER)) != NULL)
        setvbuf(w->units, w->units_buffer, _IOFBF, SPILL_BUFFER);
    if ((w->violations_buffer = malloc(SPILL_BUFFER)) != NULL)
        setvbuf(w->violations, w->violations_buffer, _IOFBF, SPILL_BUFFER);
    *state = w;
    fprintf(out, "{\"schema_version\":\"%s\",\"tool\":{\"name\":\"pdpscan\",\"version\":\"%s\"},\n\"findings\":[",
            PD_REPORT_SCHEMA_VERSION, info->tool_version);
    return ferror(out) ? PD_ERR_IO : PD_OK;
}

static enum pd_error json_unit(void *state, const struct pd_unit *u)
{
    struct json_writer *w = state;
    enum pd_error err = PD_OK;
    for (size_t i = 0; i < u->n_findings && !err; i++) {
        fputs(w->any_finding ? ",\n" : "\n", w->out);
        w->any_finding = true;
        err = pd_json_put_finding(w->out, pd_unit_finding(u, i), u, w->reveal, NULL);
    }
    if (err)
        return err;
    fputs(w->any_unit ? ",\n" : "\n", w->units);
    w->any_unit = true;
    return pd_json_put_unit(w->units, u, NULL);
}

static enum pd_error json_violation(void *state, const struct pd_violation *v)
{
    struct json_writer *w = state;
    fputs(w->any_violation ? ",\n" : "\n", w->violations);
    w->any_violation = true;
    return pd_json_put_violation(w->violations, &w->rules, v, NULL);
}

static enum pd_error json_end(void *state, const struct pd_report_summary *s)
{
    struct json_writer *w = state;
    fputs("],\n\"units\":[", w->out);
    if (pd_report_copy_spill(w->units, w->out))
        return PD_ERR_IO;
    fputs("],\n\"violations\":[", w->out);
    if (pd_report_copy_spill(w->violations, w->out))
        return PD_ERR_IO;
    if (s->info->incremental) { /* --state: files no longer there */
        fputs("],\n\"gone\":", w->out);
        if (put(w->out, pd_json_gone(s)))
            return PD_ERR_IO;
        fputs(",\n\"policies\":", w->out);
    } else {
        fputs("],\n\"policies\":", w->out);
    }
    if (put(w->out, pd_json_policies(s)))
        return PD_ERR_IO;
    fputs(",\n\"scan\":", w->out);
    enum pd_error err = put(w->out, pd_json_scan(s));
    fputs(",\n\"counters\":", w->out);
    if (!err)
        err = put(w->out, pd_json_counters(s));
    fputs(",\n\"totals\":", w->out);
    if (!err)
        err = put(w->out, pd_json_totals(s));
    fputs("}\n", w->out);
    return err || ferror(w->out) ? PD_ERR_IO : PD_OK;
}

static void json_destroy(void *state)
{
    struct json_writer *w = state;
    if (!w)
        return;
    if (w->units)
        fclose(w->units);
    if (w->violations)
        fclose(w->violations);
    free(w->units_buffer); /* after fclose: the streams used them */
    free(w->violations_buffer);
    pd_json_rule_cache_free(&w->rules);
    free(w);
}

const struct pd_writer pd_writer_json = {
    .format = "json",
    .extensions = "json",
    .description = "one JSON document (the documented, versioned contract)",
    .atomic = true,
    .begin = json_begin,
    .unit = json_unit,
    .violation = json_violation,
    .end = json_end,
    .destroy = json_destroy,
};

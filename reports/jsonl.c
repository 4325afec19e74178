/* JSON Lines: one event per line (start, finding, unit, end), flushed as units finish, for
 * streaming consumers and for sharded scans whose outputs are merged later. */
#include <json-c/json.h>
#include <stdlib.h>

#include "reports/writer.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct jsonl_writer {
    FILE *out;
    bool reveal;
    struct pd_json_rule_cache rules;
};

static enum pd_error emit(FILE *out, const char *type, struct json_object *o)
{
    if (!o)
        return PD_ERR_NOMEM;
    json_object_object_add(o, "type", json_object_new_string(type));
    int ok = fputs(json_object_to_json_string_ext(o, JSON_FLAGS), out) >= 0 && fputc('\n', out) != EOF;
    json_object_put(o);
    return ok ? PD_OK : PD_ERR_IO;
}

static enum pd_error jsonl_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct jsonl_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    w->reveal = info->reveal;
    *state = w;
    struct json_object *o = json_object_new_object();
    char started[32];
    pd_json_time(started, info->started);
    json_object_object_add(o, "tool", json_object_new_string("pdpscan"));
    json_object_object_add(o, "version", json_object_new_string(info->tool_version));
    json_object_object_add(o, "started_at", json_object_new_string(started));
    return emit(out, "start", o);
}

static enum pd_error jsonl_unit(void *state, const struct pd_unit *u)
{
    struct jsonl_writer *w = state;
    enum pd_error err = PD_OK;
    for (size_t i = 0; i < u->n_findings && !err; i++)
        if (!(err = pd_json_put_finding(w->out, pd_unit_finding(u, i), u, w->reveal, "finding")) &&
            fputc('\n', w->out) == EOF)
            err = PD_ERR_IO;
    if (!err)
        err = pd_json_put_unit(w->out, u, "unit");
    if (!err && fputc('\n', w->out) == EOF)
        err = PD_ERR_IO;
    fflush(w->out);
    return err;
}

static enum pd_error jsonl_violation(void *state, const struct pd_violation *v)
{
    struct jsonl_writer *w = state;
    enum pd_error err = pd_json_put_violation(w->out, &w->rules, v, "violation");
    return err ? err : fputc('\n', w->out) == EOF ? PD_ERR_IO : PD_OK;
}

static enum pd_error jsonl_end(void *state, const struct pd_report_summary *s)
{
    struct jsonl_writer *w = state;
    for (size_t i = 0; i < s->n_gone; i++) { /* --state: files no longer there */
        struct json_object *g = json_object_new_object();
        json_object_object_add(g, "path", pd_json_string(s->gone[i].path));
        json_object_object_add(g, "findings", json_object_new_int64((int64_t)s->gone[i].findings));
        enum pd_error err = emit(w->out, "gone", g);
        if (err)
            return err;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "scan", pd_json_scan(s));
    json_object_object_add(o, "counters", pd_json_counters(s));
    json_object_object_add(o, "totals", pd_json_totals(s));
    json_object_object_add(o, "policies", pd_json_policies(s));
    return emit(w->out, "end", o);
}

static void jsonl_destroy(void *state)
{
    struct jsonl_writer *w = state;
    if (w)
        pd_json_rule_cache_free(&w->rules);
    free(w);
}

const struct pd_writer pd_writer_jsonl = {
    .format = "jsonl",
    .extensions = "jsonl ndjson",
    .description = "JSON Lines: start, finding, unit and end events, one per line",
    .atomic = false,
    .begin = jsonl_begin,
    .unit = jsonl_unit,
    .violation = jsonl_violation,
    .end = jsonl_end,
    .destroy = jsonl_destroy,
};

/* SARIF 2.1.0, for code-scanning dashboards and the CI tools that read it. One run: the tool with
 * one rule per detector and per policy rule (their texts in English, Vietnamese in properties),
 * then a result per listed finding (level "note": a finding is a fact, not yet a breach) and per
 * violation (level from its severity), then the invocation with the units that could not be read
 * whole as notifications. Values are masked as in the JSON report; fingerprints are carried as
 * partialFingerprints, so that a dashboard tracks a finding across runs. A member of an archive
 * or document is located in its file, with the chain as a logical location; a database column
 * only logically. Results stream into the file as units finish; notifications wait in a spill. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/digest.h"
#include "policies/policy.h"
#include "reports/writer.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

struct sarif_writer {
    FILE *out;
    FILE *notes; /* toolExecutionNotifications, copied in at the end */
    bool reveal, any_result, any_note;
    size_t n_detectors;
    const struct pd_detector *detectors;
    const struct pd_policy_set *policies;
    struct pd_digest *sha256;
};

static struct json_object *text(const char *s)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "text", pd_json_string(s ? s : ""));
    return o;
}

/* A path as a URI reference: absolute paths as file:// URIs, relative ones relative; every byte
 * but unreserved characters and '/' percent-encoded (names hold spaces, '#', '!' and non-ASCII). */
static char *uri_of(const char *path, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *u = malloc(3 * len + 8);
    if (!u)
        return NULL;
    size_t o = 0;
    if (len && path[0] == '/') {
        memcpy(u, "file://", 7);
        o = 7;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
            u[o++] = (char)c;
        } else {
            u[o++] = '%';
            u[o++] = hex[c >> 4];
            u[o++] = hex[c & 15];
        }
    }
    u[o] = '\0';
    return u;
}

/* Where a unit (or a folder) is: its file, and the chain inside it as a logical location. */
static struct json_object *location(const char *path, const char *logical, const char *kind)
{
    struct json_object *loc = json_object_new_object();
    if (!logical) {
        const char *bang = strchr(path, '!');
        size_t file_len = bang ? (size_t)(bang - path) : strlen(path);
        char *uri = uri_of(path, file_len);
        struct json_object *phys = json_object_new_object(), *art = json_object_new_object();
        json_object_object_add(art, "uri", json_object_new_string(uri ? uri : ""));
        free(uri);
        json_object_object_add(phys, "artifactLocation", art);
        json_object_object_add(loc, "physicalLocation", phys);
        if (bang)
            logical = path, kind = "member";
    }
    if (logical) {
        struct json_object *ll = json_object_new_object(), *lls = json_object_new_array();
        json_object_object_add(ll, "fullyQualifiedName", pd_json_string(logical));
        json_object_object_add(ll, "kind", json_object_new_string(kind));
        json_object_array_add(lls, ll);
        json_object_object_add(loc, "logicalLocations", lls);
    }
    return loc;
}

static const char *severity_level(enum pd_severity s)
{
    return s >= PD_SEV_HIGH ? "error" : s == PD_SEV_MEDIUM ? "warning" : "note";
}

static struct json_object *vi_en(const struct pd_vi_en *t)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "vi", pd_json_string(t->vi ? t->vi : ""));
    json_object_object_add(o, "en", pd_json_string(t->en ? t->en : ""));
    return o;
}

static struct json_object *rules_json(const struct sarif_writer *w)
{
    struct json_object *rules = json_object_new_array();
    for (size_t i = 0; i < w->n_detectors; i++) {
        const struct pd_detector *d = &w->detectors[i];
        struct json_object *r = json_object_new_object(), *props = json_object_new_object(),
                           *config = json_object_new_object();
        json_object_object_add(r, "id", json_object_new_string(d->id));
        json_object_object_add(r, "shortDescription", text(d->description));
        json_object_object_add(config, "level", json_object_new_string("note"));
        json_object_object_add(r, "defaultConfiguration", config);
        json_object_object_add(props, "kind", json_object_new_string("detector"));
        json_object_object_add(props, "category", json_object_new_string(pd_category_name(d->category)));
        json_object_object_add(r, "properties", props);
        json_object_array_add(rules, r);
    }
    for (size_t i = 0; w->policies && i < pd_policy_rule_count(w->policies); i++) {
        const struct pd_rule *rule = pd_policy_rule(w->policies, i);
        struct json_object *r = json_object_new_object(), *config = json_object_new_object();
        json_object_object_add(r, "id", json_object_new_string(rule->id));
        json_object_object_add(r, "shortDescription", text(rule->title.en));
        json_object_object_add(r, "fullDescription", text(rule->rationale.en ? rule->rationale.en : rule->title.en));
        json_object_object_add(r, "help", text(rule->remediation.en));
        json_object_object_add(config, "level", json_object_new_string(severity_level(rule->severity)));
        json_object_object_add(config, "enabled", json_object_new_boolean(rule->enabled));
        json_object_object_add(r, "defaultConfiguration", config);
        /* title, remediation and legal basis in both languages, as the JSON report gives them */
        struct json_object *props = pd_rule_texts_json(w->policies, rule);
        json_object_object_add(props, "kind", json_object_new_string("policy"));
        json_object_object_add(props, "policy", json_object_new_string(rule->policy));
        json_object_object_add(props, "severity", json_object_new_string(pd_severity_name(rule->severity)));
        json_object_object_add(props, "rationale", vi_en(&rule->rationale));
        json_object_object_add(r, "properties", props);
        json_object_array_add(rules, r);
    }
    return rules;
}

static enum pd_error put_result(struct sarif_writer *w, struct json_object *r)
{
    if (!r)
        return PD_ERR_NOMEM;
    fputs(w->any_result ? ",\n" : "\n", w->out);
    w->any_result = true;
    int ok = fputs(json_object_to_json_string_ext(r, JSON_FLAGS), w->out) >= 0;
    json_object_put(r);
    return ok ? PD_OK : PD_ERR_IO;
}

static enum pd_error sarif_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct sarif_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    w->reveal = info->reveal;
    w->policies = info->policies;
    w->detectors = pd_detectors(&w->n_detectors);
    if (!(w->notes = tmpfile()) || pd_digest_create(NULL, 0, &w->sha256) != PD_OK) {
        if (w->notes)
            fclose(w->notes);
        free(w);
        return PD_ERR_IO;
    }
    *state = w;
    struct json_object *driver = json_object_new_object(), *tool = json_object_new_object();
    json_object_object_add(driver, "name", json_object_new_string("pdpscan"));
    json_object_object_add(driver, "version", json_object_new_string(info->tool_version));
    json_object_object_add(driver, "rules", rules_json(w));
    json_object_object_add(tool, "driver", driver);
    fprintf(out, "{\"$schema\":\"%s\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":%s,\n\"results\":[", SARIF_SCHEMA,
            json_object_to_json_string_ext(tool, JSON_FLAGS));
    json_object_put(tool);
    return ferror(out) ? PD_ERR_IO : PD_OK;
}

static struct json_object *finding_result(struct sarif_writer *w, const struct pd_finding *f, const struct pd_unit *u)
{
    const struct pd_detector *d = f->detector;
    struct json_object *r = json_object_new_object(), *props = json_object_new_object(),
                       *fps = json_object_new_object(), *locs = json_object_new_array();
    json_object_object_add(r, "ruleId", json_object_new_string(d->id));
    json_object_object_add(r, "ruleIndex", json_object_new_int((int)(d - w->detectors)));
    json_object_object_add(r, "level", json_object_new_string("note"));
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s (%s confidence)", d->description, f->masked, pd_confidence_name(f->confidence));
    json_object_object_add(r, "message", text(msg));
    struct json_object *loc;
    if (f->field && u->columns) { /* a database column: no file to point at */
        size_t n = strlen(u->path) + strlen(f->field) + 2;
        char *where = malloc(n);
        if (where)
            snprintf(where, n, "%s.%s", u->path, f->field);
        loc = location(u->path, where ? where : u->path, "resource");
        free(where);
        json_object_object_add(props, "row", json_object_new_int64((int64_t)f->line));
    } else {
        loc = location(u->path, NULL, NULL);
        struct json_object *phys = NULL;
        if (!strchr(u->path, '!') && json_object_object_get_ex(loc, "physicalLocation", &phys) && f->line > 0) {
            struct json_object *region = json_object_new_object(); /* the file's own bytes and lines */
            json_object_object_add(region, "startLine", json_object_new_int64((int64_t)f->line));
            json_object_object_add(region, "startColumn", json_object_new_int64((int64_t)f->column));
            json_object_object_add(region, "byteOffset", json_object_new_int64((int64_t)f->offset));
            json_object_object_add(region, "byteLength", json_object_new_int64((int64_t)f->length));
            json_object_object_add(phys, "region", region);
        } else { /* inside a member: where in the member's text */
            json_object_object_add(props, "line", json_object_new_int64((int64_t)f->line));
            json_object_object_add(props, "column", json_object_new_int64((int64_t)f->column));
            json_object_object_add(props, "offset", json_object_new_int64((int64_t)f->offset));
        }
    }
    json_object_array_add(locs, loc);
    json_object_object_add(r, "locations", locs);
    json_object_object_add(fps, "pdpscan/finding/v2", json_object_new_string(f->fingerprint));
    json_object_object_add(r, "partialFingerprints", fps);
    json_object_object_add(props, "category", json_object_new_string(pd_category_name(d->category)));
    json_object_object_add(props, "confidence", json_object_new_int(f->confidence));
    json_object_object_add(props, "masked", pd_json_string(f->masked));
    json_object_object_add(props, "value_hash", json_object_new_string(f->value_hash));
    if (w->reveal && f->clear)
        json_object_object_add(props, "clear", pd_json_string(f->clear));
    if (f->field)
        json_object_object_add(props, "field", pd_json_string(f->field));
    if (u->carried) /* --state: found by an earlier run in the same, unchanged file */
        json_object_object_add(props, "carried", json_object_new_boolean(true));
    for (unsigned i = 0; i < f->n_attrs; i++)
        json_object_object_add(props, f->attrs[i].key, json_object_new_string(f->attrs[i].value));
    json_object_object_add(r, "properties", props);
    return r;
}

/* Units not read whole: notifications of the invocation, so that no dashboard shows a clean run
 * that did not check everything. */
static void note_unit(struct sarif_writer *w, const struct pd_unit *u)
{
    if (u->status != PD_UNIT_ERROR && u->status != PD_UNIT_PARTIAL)
        return;
    struct json_object *n = json_object_new_object(), *locs = json_object_new_array();
    json_object_object_add(n, "level", json_object_new_string(u->status == PD_UNIT_ERROR ? "error" : "warning"));
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", pd_unit_status_name(u->status), u->reason);
    json_object_object_add(n, "message", text(msg));
    json_object_array_add(locs, location(u->path, NULL, NULL));
    json_object_object_add(n, "locations", locs);
    fputs(w->any_note ? ",\n" : "\n", w->notes);
    w->any_note = true;
    fputs(json_object_to_json_string_ext(n, JSON_FLAGS), w->notes);
    json_object_put(n);
}

static enum pd_error sarif_unit(void *state, const struct pd_unit *u)
{
    struct sarif_writer *w = state;
    enum pd_error err = PD_OK;
    for (size_t i = 0; i < u->n_findings && !err; i++)
        err = put_result(w, finding_result(w, pd_unit_finding(u, i), u));
    note_unit(w, u);
    return err ? err : ferror(w->notes) ? PD_ERR_IO : PD_OK;
}

static enum pd_error sarif_violation(void *state, const struct pd_violation *v)
{
    struct sarif_writer *w = state;
    const struct pd_rule *rule = pd_violation_rule(v);
    struct json_object *r = json_object_new_object(), *props = json_object_new_object(),
                       *fps = json_object_new_object();
    json_object_object_add(r, "ruleId", json_object_new_string(rule->id));
    json_object_object_add(r, "ruleIndex", json_object_new_int((int)(w->n_detectors + v->rule)));
    json_object_object_add(r, "level", json_object_new_string(severity_level(v->severity)));
    char msg[768];
    snprintf(msg, sizeof msg, "%s: %s (%llu findings, %llu distinct values)", rule->title.en ? rule->title.en : rule->id,
             v->subject ? v->subject : "the whole scan", (unsigned long long)v->findings,
             (unsigned long long)v->distinct);
    json_object_object_add(r, "message", text(msg));
    if (v->subject) {
        struct json_object *locs = json_object_new_array();
        json_object_array_add(locs, strcmp(v->scope, "folder") == 0 ? location(v->subject, v->subject, "folder")
                                                                     : location(v->subject, NULL, NULL));
        json_object_object_add(r, "locations", locs);
    }
    /* the rule, its scope and subject name the breach; the findings in it may come and go */
    const char *parts[3] = {rule->id, v->scope, v->subject ? v->subject : ""};
    char id[33];
    pd_digest_hex128(w->sha256, parts, 3, id);
    json_object_object_add(fps, "pdpscan/violation/v1", json_object_new_string(id));
    json_object_object_add(r, "partialFingerprints", fps);
    json_object_object_add(props, "severity", json_object_new_string(pd_severity_name(v->severity)));
    json_object_object_add(props, "scope", json_object_new_string(v->scope));
    json_object_object_add(props, "findings", json_object_new_int64((int64_t)v->findings));
    json_object_object_add(props, "distinct_values", json_object_new_int64((int64_t)v->distinct));
    struct json_object *finding_fps = json_object_new_array();
    for (size_t i = 0; i < v->n_fingerprints; i++)
        json_object_array_add(finding_fps, json_object_new_string(v->fingerprints[i]));
    json_object_object_add(props, "finding_fingerprints", finding_fps);
    if (v->expired_exception)
        json_object_object_add(props, "expired_exception", pd_json_string(v->expired_exception));
    json_object_object_add(r, "properties", props);
    return put_result(w, r);
}

static enum pd_error sarif_end(void *state, const struct pd_report_summary *s)
{
    struct sarif_writer *w = state;
    char started[32], finished[32];
    pd_json_time(started, s->info->started);
    pd_json_time(finished, s->finished);
    fprintf(w->out, "\n],\n\"invocations\":[{\"executionSuccessful\":%s,\"startTimeUtc\":\"%s\",\"endTimeUtc\":\"%s\","
                    "\"toolExecutionNotifications\":[",
            s->partial || s->by_status[PD_UNIT_ERROR] ? "false" : "true", started, finished);
    enum pd_error err = pd_report_copy_spill(w->notes, w->out);
    struct json_object *props = json_object_new_object();
    json_object_object_add(props, "counters", pd_json_counters(s));
    json_object_object_add(props, "totals", pd_json_totals(s));
    fprintf(w->out, "\n]}],\n\"properties\":%s}]}\n", json_object_to_json_string_ext(props, JSON_FLAGS));
    json_object_put(props);
    return err ? err : ferror(w->out) ? PD_ERR_IO : PD_OK;
}

static void sarif_destroy(void *state)
{
    struct sarif_writer *w = state;
    if (!w)
        return;
    if (w->notes)
        fclose(w->notes);
    pd_digest_destroy(w->sha256);
    free(w);
}

const struct pd_writer pd_writer_sarif = {
    .format = "sarif",
    .extensions = "sarif",
    .description = "SARIF 2.1.0: a rule per detector and policy rule, a result per finding and violation",
    .atomic = true,
    .begin = sarif_begin,
    .unit = sarif_unit,
    .violation = sarif_violation,
    .end = sarif_end,
    .destroy = sarif_destroy,
};

/* HTML: one self-contained page a compliance officer can open and act on. A summary; the
 * violations by severity with their legal basis and what to do, in Vietnamese and English; the
 * folders with most findings; a findings table (masked) that filters by detector, severity and
 * path; the units not read whole. No network, font or file outside the page; every name and
 * value is escaped, and a Content-Security-Policy lets only the page's own script (by its hash)
 * run, so a file named "<script>...</script>" stays text even if escaping were ever missed. */
#include <json-c/json.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/policy.h"
#include "reports/writer.h"

#define TOP_FOLDERS 10
#define MAX_ROWS 20000 /* a page a browser opens in a moment; the JSON report lists them all */

/* Filters the table by the select boxes and the path box, and by the page's #fragment
 * (detector=..&severity=..&path=..) so that a link can open a filtered view. Reads attributes
 * and values only: nothing from the data is ever parsed as HTML. */
static const char script[] =
    "(function(){var d=document,f={detector:d.getElementById('f-detector'),severity:d.getElementById('f-severity'),"
    "path:d.getElementById('f-path')};var h=new URLSearchParams(location.hash.slice(1));"
    "for(var k in f){if(h.get(k)!==null)f[k].value=h.get(k);}"
    "function apply(){var n=0,rows=d.querySelectorAll('#findings tbody tr');for(var i=0;i<rows.length;i++){"
    "var r=rows[i],show=(!f.detector.value||r.getAttribute('data-detector')===f.detector.value)&&"
    "(!f.severity.value||r.getAttribute('data-severity')===f.severity.value)&&"
    "(!f.path.value||r.getAttribute('data-path').indexOf(f.path.value)>=0);"
    "r.style.display=show?'':'none';if(show)n++;}d.getElementById('shown').textContent=String(n);}"
    "for(var k2 in f){f[k2].addEventListener('input',apply);f[k2].addEventListener('change',apply);}apply();})();";

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1a1a1a}h1{font-size:1.5em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.3em .5em;"
    "text-align:left;vertical-align:top}th{background:#f2f2f2}.critical,.high{color:#a40000;font-weight:bold}"
    ".medium{color:#8a5300}.low,.info{color:#555}.num{text-align:right}.vi{color:#444}code{font-size:.95em}"
    "label{margin-right:1em}";

struct html_writer {
    FILE *out;
    FILE *rows, *problems, *violations[PD_SEV_COUNT]; /* spilled, copied in at the end */
    struct json_object *folders;   /* folder -> findings */
    struct json_object *severity;  /* fingerprint -> the most severe unit violation that holds it */
    struct json_object *detectors; /* detector ids seen, for the filter */
    uint64_t rows_written, problems_written;
    bool reveal;
};

/* Writes s (may be invalid UTF-8: bytes repaired) with &, <, >, " and ' escaped. */
static void esc(FILE *o, const char *s)
{
    struct json_object *j = pd_json_string(s ? s : ""); /* repairs invalid UTF-8 */
    for (const char *p = json_object_get_string(j); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        case '\'': fputs("&#39;", o); break;
        default:
            if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n')
                fprintf(o, "&#x%x;", (unsigned char)*p);
            else
                fputc(*p, o);
        }
    }
    json_object_put(j);
}

static enum pd_error html_begin(void **state, FILE *out, const struct pd_report_info *info)
{
    struct html_writer *w = calloc(1, sizeof *w);
    if (!w)
        return PD_ERR_NOMEM;
    w->out = out;
    w->reveal = info->reveal;
    bool ok = (w->rows = tmpfile()) && (w->problems = tmpfile());
    for (int i = 0; ok && i < PD_SEV_COUNT; i++)
        ok = (w->violations[i] = tmpfile()) != NULL;
    w->folders = json_object_new_object();
    w->severity = json_object_new_object();
    w->detectors = json_object_new_object();
    *state = w;
    return ok && w->folders && w->severity && w->detectors ? PD_OK : PD_ERR_IO;
}

static enum pd_error html_violation(void *state, const struct pd_violation *v)
{
    struct html_writer *w = state;
    const struct pd_rule *rule = pd_violation_rule(v);
    FILE *o = w->violations[v->severity];
    fprintf(o, "<tr><td class=\"%s\">%s</td><td><code>", pd_severity_name(v->severity), pd_severity_name(v->severity));
    esc(o, rule->id);
    fputs("</code><br>", o);
    esc(o, rule->title.en);
    fputs("<br><span class=\"vi\">", o);
    esc(o, rule->title.vi);
    fputs("</span></td><td>", o);
    esc(o, v->subject ? v->subject : "(the whole scan)");
    fprintf(o, "<br>%llu findings, %llu distinct values</td><td>", (unsigned long long)v->findings,
            (unsigned long long)v->distinct);
    for (size_t i = 0; i < rule->n_basis; i++) {
        const struct pd_law *law = pd_policy_law(v->set, rule->basis[i].law);
        fputs(i ? "<br>" : "", o);
        esc(o, law && law->number ? law->number : rule->basis[i].law);
        fputs(", art. ", o);
        esc(o, rule->basis[i].article);
        if (rule->basis[i].clause) {
            fputs(", cl. ", o);
            esc(o, rule->basis[i].clause);
        }
    }
    fputs("</td><td>", o);
    esc(o, rule->remediation.en);
    fputs("<br><span class=\"vi\">", o);
    esc(o, rule->remediation.vi);
    fputs("</span>", o);
    if (v->expired_exception) {
        fputs("<br><em>An exception would apply but has expired: ", o);
        esc(o, v->expired_exception);
        fputs("</em>", o);
    }
    fputs("</td></tr>\n", o);
    /* a unit's violations come before its findings: their severity marks those findings */
    if (strcmp(v->scope, "unit") == 0)
        for (size_t i = 0; i < v->n_fingerprints; i++) {
            struct json_object *had;
            if (!json_object_object_get_ex(w->severity, v->fingerprints[i], &had) ||
                json_object_get_int(had) < (int)v->severity)
                json_object_object_add(w->severity, v->fingerprints[i], json_object_new_int((int)v->severity));
        }
    return ferror(o) ? PD_ERR_IO : PD_OK;
}

static void count_folder(struct html_writer *w, const struct pd_unit *u, uint64_t n)
{
    const char *bang = strchr(u->path, '!'); /* a member counts in its file's folder */
    size_t len = bang ? (size_t)(bang - u->path) : strlen(u->path);
    const char *slash = memrchr(u->path, '/', len);
    char folder[1024];
    snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - u->path) : 1, slash ? u->path : ".");
    struct json_object *had;
    uint64_t before = json_object_object_get_ex(w->folders, folder, &had) ? (uint64_t)json_object_get_int64(had) : 0;
    json_object_object_add(w->folders, folder, json_object_new_int64((int64_t)(before + n)));
}

static enum pd_error html_unit(void *state, const struct pd_unit *u)
{
    struct html_writer *w = state;
    uint64_t total = u->n_findings + u->findings_unlisted;
    if (total)
        count_folder(w, u, total);
    for (size_t i = 0; i < u->n_findings && w->rows_written < MAX_ROWS; i++) {
        const struct pd_finding *f = pd_unit_finding(u, i);
        struct json_object *sev;
        const char *severity = json_object_object_get_ex(w->severity, f->fingerprint, &sev)
                                   ? pd_severity_name((enum pd_severity)json_object_get_int(sev))
                                   : "";
        json_object_object_add(w->detectors, f->detector->id, NULL);
        FILE *o = w->rows;
        fprintf(o, "<tr data-detector=\"%s\" data-severity=\"%s\" data-path=\"", f->detector->id, severity);
        esc(o, u->path);
        fprintf(o, "\"><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>", f->detector->id,
                pd_confidence_name(f->confidence), severity, severity[0] ? severity : "-");
        esc(o, f->masked);
        if (w->reveal && f->clear) {
            fputs(" <strong>", o);
            esc(o, f->clear);
            fputs("</strong>", o);
        }
        fputs("</td><td>", o);
        esc(o, u->path);
        if (f->field) {
            fputs(" <small>(", o);
            esc(o, f->field);
            fputs(")</small>", o);
        }
        fprintf(o, "</td><td class=\"num\">%llu</td></tr>\n", (unsigned long long)f->line);
        w->rows_written++;
    }
    if (json_object_object_length(w->severity)) { /* the next unit's violations start afresh */
        json_object_put(w->severity);
        w->severity = json_object_new_object();
    }
    if (u->status == PD_UNIT_ERROR || u->status == PD_UNIT_PARTIAL) {
        fprintf(w->problems, "<tr><td>%s</td><td>", pd_unit_status_name(u->status));
        esc(w->problems, u->path);
        fputs("</td><td>", w->problems);
        esc(w->problems, u->reason);
        fputs("</td></tr>\n", w->problems);
        w->problems_written++;
    }
    return ferror(w->rows) || ferror(w->problems) ? PD_ERR_IO : PD_OK;
}

/* The script's hash for the Content-Security-Policy: only it may run. */
static void script_hash(char out[64])
{
    struct sha256_ctx ctx;
    uint8_t md[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, sizeof script - 1, (const uint8_t *)script);
    sha256_digest(&ctx, sizeof md, md);
    base64_encode_raw(out, sizeof md, md);
    out[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
}

static int by_count(const void *a, const void *b)
{
    int64_t x = json_object_get_int64(*(struct json_object *const *)a), y = json_object_get_int64(*(struct json_object *const *)b);
    return x < y ? 1 : x > y ? -1 : 0;
}

static enum pd_error html_end(void *state, const struct pd_report_summary *s)
{
    struct html_writer *w = state;
    FILE *o = w->out;
    char hash[64], started[32];
    script_hash(hash);
    pd_json_time(started, s->info->started);
    fprintf(o, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
               "script-src 'sha256-%s'\">\n<title>pdpscan report</title><style>%s</style></head><body>\n"
               "<h1>pdpscan report</h1>\n<p>pdpscan %s, started %s%s. Values are masked",
            hash, style, s->info->tool_version, started, s->partial ? ", <strong>PARTIAL scan</strong>" : "");
    fputs(s->info->reveal ? "; with --reveal, values in clear are in bold.</p>\n" : ".</p>\n", o);
    fprintf(o, "<table id=\"summary\"><tr><th>Units</th><td id=\"units\">%llu</td><th>Findings</th><td id=\"findings-total\">"
               "%llu</td><th>Violations</th><td id=\"violations-total\">%llu</td><th>Not read whole</th><td id=\"problems\">"
               "%llu</td></tr></table>\n",
            (unsigned long long)s->units, (unsigned long long)s->findings, (unsigned long long)s->violations,
            (unsigned long long)(s->by_status[PD_UNIT_ERROR] + s->by_status[PD_UNIT_PARTIAL]));
    fputs("<h2>Violations by severity</h2>\n<table id=\"violations\"><thead><tr><th>Severity</th><th>Rule</th>"
          "<th>Where</th><th>Legal basis</th><th>What to do</th></tr></thead><tbody>\n",
          o);
    enum pd_error err = PD_OK;
    for (int sev = PD_SEV_COUNT - 1; sev >= 0 && !err; sev--)
        err = pd_report_copy_spill(w->violations[sev], o);
    fputs("</tbody></table>\n<h2>Folders with most findings</h2>\n<table id=\"folders\"><thead><tr><th>Folder</th>"
          "<th>Findings</th></tr></thead><tbody>\n",
          o);
    size_t n = (size_t)json_object_object_length(w->folders), k = 0;
    struct json_object **counts = calloc(n ? n : 1, sizeof *counts);
    const char **names = calloc(n ? n : 1, sizeof *names);
    json_object_object_foreach(w->folders, folder, count)
    {
        if (counts && names) {
            names[k] = folder;
            counts[k++] = count;
        }
    }
    for (size_t shown = 0; counts && names && shown < TOP_FOLDERS && shown < k; shown++) {
        size_t best = shown; /* a partial selection: the top ten of any number of folders */
        for (size_t i = shown + 1; i < k; i++)
            if (by_count(&counts[i], &counts[best]) < 0)
                best = i;
        struct json_object *tc = counts[shown];
        const char *tn = names[shown];
        counts[shown] = counts[best], names[shown] = names[best];
        counts[best] = tc, names[best] = tn;
        fputs("<tr><td>", o);
        esc(o, names[shown]);
        fprintf(o, "</td><td class=\"num\">%lld</td></tr>\n", (long long)json_object_get_int64(counts[shown]));
    }
    free(counts);
    free(names);
    fputs("</tbody></table>\n<h2>Findings</h2>\n<p><label>Detector <select id=\"f-detector\"><option value=\"\">all"
          "</option>",
          o);
    json_object_object_foreach(w->detectors, det, unused)
    {
        (void)unused;
        fprintf(o, "<option>%s</option>", det);
    }
    fputs("</select></label><label>Severity <select id=\"f-severity\"><option value=\"\">all</option>", o);
    for (int sev = PD_SEV_COUNT - 1; sev >= 0; sev--)
        fprintf(o, "<option>%s</option>", pd_severity_name((enum pd_severity)sev));
    fprintf(o, "</select></label><label>Path contains <input id=\"f-path\" type=\"search\"></label> "
               "<span id=\"shown\">%llu</span> of %llu listed",
            (unsigned long long)w->rows_written, (unsigned long long)w->rows_written);
    if (s->findings > w->rows_written)
        fprintf(o, " (<span id=\"not-listed\">%llu</span> more not listed here: see the JSON report)",
                (unsigned long long)(s->findings - w->rows_written));
    fputs("</p>\n<table id=\"findings\"><thead><tr><th>Detector</th><th>Confidence</th><th>Severity</th><th>Value "
          "(masked)</th><th>Where</th><th>Line</th></tr></thead><tbody>\n",
          o);
    if (!err)
        err = pd_report_copy_spill(w->rows, o);
    fputs("</tbody></table>\n<h2>Not read whole</h2>\n<table id=\"errors\"><thead><tr><th>Status</th><th>Unit</th>"
          "<th>Why</th></tr></thead><tbody>\n",
          o);
    if (!err)
        err = pd_report_copy_spill(w->problems, o);
    fprintf(o, "</tbody></table>\n<script>%s</script>\n</body></html>\n", script);
    return err ? err : ferror(o) ? PD_ERR_IO : PD_OK;
}

static void html_destroy(void *state)
{
    struct html_writer *w = state;
    if (!w)
        return;
    if (w->rows)
        fclose(w->rows);
    if (w->problems)
        fclose(w->problems);
    for (int i = 0; i < PD_SEV_COUNT; i++)
        if (w->violations[i])
            fclose(w->violations[i]);
    json_object_put(w->folders);
    json_object_put(w->severity);
    json_object_put(w->detectors);
    free(w);
}

const struct pd_writer pd_writer_html = {
    .format = "html",
    .extensions = "html htm",
    .description = "one self-contained HTML page: violations, folders, a filterable findings table",
    .atomic = true,
    .begin = html_begin,
    .unit = html_unit,
    .violation = html_violation,
    .end = html_end,
    .destroy = html_destroy,
};

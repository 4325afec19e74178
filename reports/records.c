/* JSON records shared by the JSON and JSON Lines writers: the documented report shapes
 * (docs/report-format.md, docs/report.schema.json). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/writer.h"
#include "scanner/roots.h"
#include "text/text.h"

struct json_object *pd_json_string(const char *s)
{
    size_t cap = strlen(s) * 3 + 1;
    char *safe = malloc(cap);
    if (!safe)
        return NULL;
    pd_text_repair_utf8(s, safe, cap);
    struct json_object *o = json_object_new_string(safe);
    free(safe);
    return o;
}

void pd_json_time(char out[32], time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A growing output buffer for one record, starting on the caller's stack. */
struct jbuf {
    char *p;
    size_t len, cap;
    bool heap, failed;
};

static void jb_raw(struct jbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t ncap = (b->len + n) * 2;
        char *np = b->heap ? realloc(b->p, ncap) : malloc(ncap);
        if (!np) {
            b->failed = true;
            return;
        }
        if (!b->heap)
            memcpy(np, b->p, b->len);
        b->p = np;
        b->cap = ncap;
        b->heap = true;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void jb_lit(struct jbuf *b, const char *s) { jb_raw(b, s, strlen(s)); }

static void jb_int(struct jbuf *b, long long v)
{
    char num[24], *p = num + sizeof num;
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    jb_raw(b, p, (size_t)(num + sizeof num - p));
}

/* A string of ours known to need no escaping (ids, hex hashes, fixed names). */
static void jb_plain(struct jbuf *b, const char *s)
{
    jb_raw(b, "\"", 1);
    jb_raw(b, s, strlen(s));
    jb_raw(b, "\"", 1);
}

/* True if some byte of the 8 in w is a control byte, '"', '\\' or not ASCII (the usual SWAR
 * tests: a byte below n, or a zero byte after XOR with the character). */
static bool needs_care(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w, q = (quote - ones) & ~quote, bs = (backslash - ones) & ~backslash;
    return ((control | q | bs) & high) || (w & high);
}

/* A JSON string literal of s, made valid UTF-8 first; only '"', '\\' and controls are escaped. */
static void jb_str(struct jbuf *b, const char *s)
{
    char stack[1024], *safe = stack;
    size_t len = strlen(s), n = 0, run = 0;
    uint64_t w;
    while (n + 8 <= len && (memcpy(&w, s + n, 8), !needs_care(w)))
        n += 8;
    while (n < len && (unsigned char)s[n] >= 0x20 && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] < 0x80)
        n++;
    if (n == len) { /* the common case: nothing to repair or escape */
        jb_raw(b, "\"", 1);
        jb_raw(b, s, len);
        jb_raw(b, "\"", 1);
        return;
    }
    bool ascii = true;
    for (n = 0; s[n]; n++)
        ascii &= (unsigned char)s[n] < 0x80;
    if (ascii) {
        safe = (char *)s; /* nothing to repair */
    } else {
        size_t cap = n * 3 + 1;
        if (cap > sizeof stack && !(safe = malloc(cap))) {
            b->failed = true;
            return;
        }
        n = pd_text_repair_utf8(s, safe, cap);
    }
    jb_raw(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)safe[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jb_raw(b, safe + run, i - run);
        run = i + 1;
        char esc[8];
        switch (c) {
        case '"': jb_raw(b, "\\\"", 2); break;
        case '\\': jb_raw(b, "\\\\", 2); break;
        case '\n': jb_raw(b, "\\n", 2); break;
        case '\r': jb_raw(b, "\\r", 2); break;
        case '\t': jb_raw(b, "\\t", 2); break;
        case '\b': jb_raw(b, "\\b", 2); break;
        case '\f': jb_raw(b, "\\f", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            jb_raw(b, esc, 6);
        }
    }
    jb_raw(b, safe + run, n - run);
    jb_raw(b, "\"", 1);
    if (safe != stack && safe != s)
        free(safe);
}

static void jb_str_or_null(struct jbuf *b, const char *s)
{
    if (s)
        jb_str(b, s);
    else
        jb_lit(b, "null");
}

/* Plain integers become numbers; codes with leading zeros stay strings. */
static void jb_attribute_value(struct jbuf *b, const char *v)
{
    size_t n = strlen(v);
    bool integer = n > 0 && n < 10 && (v[0] != '0' || n == 1);
    for (size_t i = 0; i < n && integer; i++)
        integer = v[i] >= '0' && v[i] <= '9';
    if (integer)
        jb_raw(b, v, n);
    else
        jb_str(b, v);
}

/* Ends a record: its "type" member last when there is one (JSON Lines), the closing brace, then
 * the whole record written to out at once. */
static enum pd_error jb_close_record(struct jbuf *b, const char *type, FILE *out)
{
    if (type) {
        jb_lit(b, ",\"type\":");
        jb_plain(b, type);
    }
    jb_raw(b, "}", 1);
    bool ok = !b->failed && fwrite(b->p, 1, b->len, out) == b->len;
    enum pd_error err = b->failed ? PD_ERR_NOMEM : ok ? PD_OK : PD_ERR_IO;
    if (b->heap)
        free(b->p);
    return err;
}

enum pd_error pd_json_put_finding(FILE *out, const struct pd_finding *f, const struct pd_unit *u, bool reveal,
                                  const char *type)
{
    char stack[2048];
    struct jbuf b = {.p = stack, .cap = sizeof stack};
    jb_lit(&b, "{\"fingerprint\":");
    jb_plain(&b, f->fingerprint);
    jb_lit(&b, ",\"detector\":");
    jb_plain(&b, f->detector->id);
    jb_lit(&b, ",\"category\":");
    jb_plain(&b, pd_category_name(f->detector->category));
    jb_lit(&b, ",\"confidence\":");
    jb_int(&b, f->confidence);
    jb_lit(&b, ",\"confidence_level\":");
    jb_plain(&b, pd_confidence_name(f->confidence));
    jb_lit(&b, ",\"location\":{\"path\":");
    if (f->field && u->columns) { /* a database column: "db#schema.table.column", the row as the line */
        size_t n = strlen(u->path) + strlen(f->field) + 2;
        char *where = malloc(n);
        if (!where)
            b.failed = true;
        else
            snprintf(where, n, "%s.%s", u->path, f->field);
        jb_str(&b, where ? where : "");
        free(where);
        jb_lit(&b, ",\"row\":");
        jb_int(&b, (long long)f->line);
    } else {
        jb_str(&b, u->path);
    }
    if (f->field) { /* the field that labelled the value: a column, a JSON path, a header */
        jb_lit(&b, ",\"field\":");
        jb_str(&b, f->field);
    }
    jb_lit(&b, ",\"offset\":");
    jb_int(&b, (long long)f->offset);
    jb_lit(&b, ",\"length\":");
    jb_int(&b, f->length);
    jb_lit(&b, ",\"line\":");
    jb_int(&b, (long long)f->line);
    jb_lit(&b, ",\"column\":");
    jb_int(&b, (long long)f->column);
    for (unsigned i = 0; i < f->n_attrs; i++)
        if (strcmp(f->attrs[i].key, "page") == 0) { /* PDFs: the page is where a reader looks */
            jb_lit(&b, ",\"page\":");
            jb_int(&b, strtoll(f->attrs[i].value, NULL, 10));
        }
    jb_lit(&b, "},\"value\":{\"masked\":");
    jb_str(&b, f->masked);
    jb_lit(&b, ",\"hash\":");
    jb_plain(&b, f->value_hash);
    if (reveal && f->clear) {
        jb_lit(&b, ",\"clear\":");
        jb_str(&b, f->clear);
    }
    if (u->carried) /* --state: found by an earlier run in the same, unchanged file */
        jb_lit(&b, "},\"carried\":true,\"attributes\":{");
    else
        jb_lit(&b, "},\"attributes\":{");
    for (unsigned i = 0; i < f->n_attrs; i++) {
        if (i)
            jb_raw(&b, ",", 1);
        jb_plain(&b, f->attrs[i].key);
        jb_raw(&b, ":", 1);
        jb_attribute_value(&b, f->attrs[i].value);
    }
    jb_raw(&b, "}", 1);
    return jb_close_record(&b, type, out);
}

/* A member whose value json-c prints: the unusual parts of records (columns, rule texts). */
static void jb_json(struct jbuf *b, struct json_object *o)
{
    if (!o) {
        b->failed = true;
        return;
    }
    jb_lit(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

/* Column statistics of delimited text and database tables (shares print as json-c prints doubles). */
static struct json_object *columns_json(const struct pd_unit *u)
{
    struct json_object *cols = json_object_new_array();
    for (size_t i = 0; i < u->n_columns; i++) {
        const struct pd_column *c = &u->columns[i];
        struct json_object *jc = json_object_new_object(), *dets = json_object_new_array();
        json_object_object_add(jc, "name", pd_json_string(c->name));
        json_object_object_add(jc, "rows", json_object_new_int64((int64_t)c->rows));
        for (size_t k = 0; k < c->n_stats; k++) {
            const struct pd_column_stat *st = &c->stats[k];
            struct json_object *jd = json_object_new_object(), *ex = json_object_new_array();
            json_object_object_add(jd, "detector", json_object_new_string(st->detector->id));
            json_object_object_add(jd, "category", json_object_new_string(pd_category_name(st->detector->category)));
            json_object_object_add(jd, "findings", json_object_new_int64((int64_t)st->count));
            json_object_object_add(jd, "rows", json_object_new_int64((int64_t)st->rows));
            json_object_object_add(jd, "share", json_object_new_double(c->rows ? (double)st->rows / (double)c->rows : 0));
            json_object_object_add(jd, "distinct_values", json_object_new_int64((int64_t)st->distinct.count));
            json_object_object_add(jd, "confidence", json_object_new_int(st->confidence));
            for (unsigned e = 0; e < st->n_examples; e++)
                json_object_array_add(ex, pd_json_string(st->examples[e]));
            json_object_object_add(jd, "examples", ex);
            json_object_array_add(dets, jd);
        }
        json_object_object_add(jc, "detectors", dets);
        json_object_array_add(cols, jc);
    }
    return cols;
}

enum pd_error pd_json_put_unit(FILE *out, const struct pd_unit *u, const char *type)
{
    char stack[1024];
    struct jbuf b = {.p = stack, .cap = sizeof stack};
    jb_lit(&b, "{\"path\":");
    jb_str(&b, u->path);
    jb_lit(&b, ",\"status\":");
    jb_plain(&b, pd_unit_status_name(u->status));
    jb_lit(&b, ",\"reason\":");
    jb_str_or_null(&b, u->reason[0] ? u->reason : NULL);
    jb_lit(&b, ",\"size\":");
    jb_int(&b, (long long)u->size);
    jb_lit(&b, ",\"bytes_scanned\":");
    jb_int(&b, (long long)u->bytes_scanned);
    jb_lit(&b, ",\"mime\":");
    jb_str_or_null(&b, u->mime[0] ? u->mime : NULL);
    jb_lit(&b, ",\"encoding\":");
    jb_str_or_null(&b, u->encoding);
    if (u->have_stat) {
        char when[32], mode[8];
        pd_json_time(when, (time_t)u->mtime);
        snprintf(mode, sizeof mode, "%04o", (unsigned)(u->mode & 07777));
        jb_lit(&b, ",\"mtime\":");
        jb_plain(&b, when);
        jb_lit(&b, ",\"mode\":");
        jb_plain(&b, mode);
        jb_lit(&b, ",\"uid\":");
        jb_int(&b, (long long)u->uid);
    }
    if (u->carried)
        jb_lit(&b, ",\"carried\":true");
    jb_lit(&b, ",\"findings\":");
    jb_int(&b, (long long)(u->n_findings + u->findings_unlisted));
    jb_lit(&b, ",\"findings_unlisted\":");
    jb_int(&b, (long long)u->findings_unlisted);
    if (u->findings_unlisted) { /* by detector, so that a merge of shards counts them as one run */
        size_t n = 0;
        const struct pd_detector *table = pd_detectors(&n);
        struct json_object *by = json_object_new_object();
        for (size_t i = 0; by && i < n && i < PD_MAX_DETECTORS; i++)
            if (u->unlisted_by_detector[i])
                json_object_object_add(by, table[i].id, json_object_new_int64((int64_t)u->unlisted_by_detector[i]));
        jb_lit(&b, ",\"unlisted_by_detector\":");
        jb_json(&b, by);
    }
    if (u->columns) {
        jb_lit(&b, ",\"rows\":");
        jb_int(&b, (long long)u->rows);
        jb_lit(&b, ",\"columns\":");
        jb_json(&b, columns_json(u));
    }
    return jb_close_record(&b, type, out);
}

void pd_json_rule_cache_free(struct pd_json_rule_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->texts[i]);
    free(c->texts);
    memset(c, 0, sizeof *c);
}

/* The rule's title, remediation and legal basis as members, printed once per rule: a report
 * may hold one violation per file, each with a kilobyte of the same bilingual text. */
static const char *rule_texts(struct pd_json_rule_cache *c, const struct pd_violation *v)
{
    if (c->set != v->set) {
        pd_json_rule_cache_free(c);
        size_t n = pd_policy_rule_count(v->set);
        if (!(c->texts = calloc(n ? n : 1, sizeof *c->texts)))
            return NULL;
        c->set = v->set;
        c->n = n;
    }
    if (v->rule >= c->n)
        return NULL;
    if (!c->texts[v->rule]) {
        struct json_object *o = pd_rule_texts_json(v->set, pd_violation_rule(v));
        const char *j = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
        size_t len = j ? strlen(j) : 0;
        if (len >= 2 && (c->texts[v->rule] = malloc(len - 1)) != NULL) { /* the members, without braces */
            memcpy(c->texts[v->rule], j + 1, len - 2);
            c->texts[v->rule][len - 2] = '\0';
        }
        json_object_put(o);
    }
    return c->texts[v->rule];
}

enum pd_error pd_json_put_violation(FILE *out, struct pd_json_rule_cache *cache, const struct pd_violation *v,
                                    const char *type)
{
    const char *texts = rule_texts(cache, v);
    if (!texts)
        return PD_ERR_NOMEM;
    const struct pd_rule *rule = pd_violation_rule(v);
    const char *id = rule->id, *policy = rule->policy;
    char stack[4096];
    struct jbuf b = {.p = stack, .cap = sizeof stack};
    jb_lit(&b, "{\"rule\":");
    jb_str(&b, id);
    jb_lit(&b, ",\"policy\":");
    jb_str(&b, policy);
    jb_lit(&b, ",\"severity\":");
    jb_plain(&b, pd_severity_name(v->severity));
    jb_lit(&b, ",\"scope\":");
    jb_plain(&b, v->scope);
    jb_lit(&b, ",\"subject\":");
    jb_str_or_null(&b, v->subject);
    if (texts[0]) {
        jb_raw(&b, ",", 1);
        jb_lit(&b, texts);
    }
    jb_lit(&b, ",\"counts\":{\"findings\":");
    jb_int(&b, (long long)v->findings);
    jb_lit(&b, ",\"distinct_values\":");
    jb_int(&b, (long long)v->distinct);
    jb_lit(&b, "},\"fingerprints\":[");
    for (size_t i = 0; i < v->n_fingerprints; i++) {
        if (i)
            jb_raw(&b, ",", 1);
        jb_plain(&b, v->fingerprints[i]);
    }
    jb_raw(&b, "]", 1);
    if (v->expired_exception) {
        jb_lit(&b, ",\"expired_exception\":");
        jb_str(&b, v->expired_exception);
    }
    return jb_close_record(&b, type, out);
}

struct json_object *pd_json_scan(const struct pd_report_summary *s)
{
    struct json_object *o = json_object_new_object(), *roots = json_object_new_array();
    char started[32], finished[32];
    pd_json_time(started, s->info->started);
    pd_json_time(finished, s->finished);
    json_object_object_add(o, "started_at", json_object_new_string(started));
    json_object_object_add(o, "finished_at", json_object_new_string(finished));
    json_object_object_add(o, "duration_seconds", json_object_new_int64((int64_t)difftime(s->finished, s->info->started)));
    json_object_object_add(o, "partial", json_object_new_boolean(s->partial));
    json_object_object_add(o, "interrupted_by", s->interrupted_by ? json_object_new_string(s->interrupted_by) : NULL);
    if (s->info->key_id) /* reports hashed with different keys cannot be compared: diff and --baseline check */
        json_object_object_add(o, "key_id", json_object_new_string(s->info->key_id));
    for (size_t i = 0; i < s->info->n_roots; i++)
        json_object_array_add(roots, pd_json_string(s->info->roots[i]));
    json_object_object_add(o, "roots", roots);
    /* what each root is on disk: policy path rules match canonical paths, fingerprints use the id */
    struct json_object *resolved = json_object_new_array();
    for (size_t i = 0; s->info->resolved && i < s->info->n_roots; i++) {
        const struct pd_root *r = &s->info->resolved[i];
        struct json_object *ro = json_object_new_object();
        json_object_object_add(ro, "given", pd_json_string(s->info->roots[i]));
        json_object_object_add(ro, "canonical", r->canonical ? pd_json_string(r->canonical) : NULL);
        json_object_object_add(ro, "id", r->id ? pd_json_string(r->id) : NULL);
        json_object_array_add(resolved, ro);
    }
    json_object_object_add(o, "resolved_roots", resolved);
    json_object_object_add(o, "options", s->info->options ? json_object_get(s->info->options) : json_object_new_object());
    return o;
}

struct json_object *pd_json_counters(const struct pd_report_summary *s)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "units", json_object_new_int64((int64_t)s->units));
    for (int st = 0; st < PD_UNIT_STATUS_COUNT; st++)
        json_object_object_add(o, pd_unit_status_name(st), json_object_new_int64((int64_t)s->by_status[st]));
    json_object_object_add(o, "bytes_total", json_object_new_int64((int64_t)s->bytes_total));
    json_object_object_add(o, "bytes_scanned", json_object_new_int64((int64_t)s->bytes_scanned));
    json_object_object_add(o, "findings", json_object_new_int64((int64_t)s->findings));
    json_object_object_add(o, "findings_unlisted", json_object_new_int64((int64_t)s->findings_unlisted));
    json_object_object_add(o, "units_with_findings", json_object_new_int64((int64_t)s->units_with_findings));
    json_object_object_add(o, "binary", json_object_new_int64((int64_t)s->binary_units));
    if (s->info->incremental) { /* --state */
        json_object_object_add(o, "carried", json_object_new_int64((int64_t)s->carried_units));
        json_object_object_add(o, "gone", json_object_new_int64((int64_t)(s->n_gone + s->gone_unlisted)));
    }
    if (s->info->baseline) { /* known since the baseline report, left out of everything else */
        json_object_object_add(o, "baseline_findings", json_object_new_int64((int64_t)s->baseline_findings));
        json_object_object_add(o, "baseline_violations", json_object_new_int64((int64_t)s->baseline_violations));
    }
    return o;
}

struct json_object *pd_json_totals(const struct pd_report_summary *s)
{
    struct json_object *o = json_object_new_object(), *det = json_object_new_object(), *cat = json_object_new_object();
    for (size_t i = 0; i < s->n_detectors; i++) {
        if (!s->by_detector[i].findings)
            continue;
        struct json_object *d = json_object_new_object();
        json_object_object_add(d, "category", json_object_new_string(pd_category_name(s->by_detector[i].detector->category)));
        json_object_object_add(d, "findings", json_object_new_int64((int64_t)s->by_detector[i].findings));
        json_object_object_add(d, "units", json_object_new_int64((int64_t)s->by_detector[i].units));
        json_object_object_add(det, s->by_detector[i].detector->id, d);
    }
    for (int c = 0; c < PD_CAT_COUNT; c++)
        json_object_object_add(cat, pd_category_name(c), json_object_new_int64((int64_t)s->by_category[c]));
    json_object_object_add(o, "by_detector", det);
    json_object_object_add(o, "by_category", cat);
    struct json_object *sev = json_object_new_object(), *law = json_object_new_object();
    for (int i = 0; i < PD_SEV_COUNT; i++)
        json_object_object_add(sev, pd_severity_name(i), json_object_new_int64((int64_t)s->by_severity[i]));
    for (size_t i = 0; i < s->n_laws; i++)
        json_object_object_add(law, s->by_law[i].number, json_object_new_int64((int64_t)s->by_law[i].violations));
    json_object_object_add(o, "violations", json_object_new_int64((int64_t)s->violations));
    json_object_object_add(o, "by_severity", sev);
    json_object_object_add(o, "by_law", law);
    return o;
}

struct json_object *pd_json_policies(const struct pd_report_summary *s)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "evaluated", json_object_new_boolean(s->info->policies != NULL));
    /* which policy texts were evaluated: an audit can tell the shipped ones from edited copies */
    struct json_object *files = json_object_new_array();
    for (size_t i = 0; s->info->policies && i < pd_policy_file_count(s->info->policies); i++) {
        const struct pd_policy_info *p = pd_policy_file(s->info->policies, i);
        struct json_object *f = json_object_new_object();
        json_object_object_add(f, "id", p->id ? json_object_new_string(p->id) : NULL);
        json_object_object_add(f, "path", json_object_new_string(p->file ? p->file : ""));
        json_object_object_add(f, "sha256", json_object_new_string(p->sha256));
        json_object_array_add(files, f);
    }
    json_object_object_add(o, "files", files);
    json_object_object_add(o, "expired_exceptions",
                           s->policy_notes ? json_object_get(s->policy_notes) : json_object_new_array());
    return o;
}

enum pd_error pd_report_copy_spill(FILE *from, FILE *to)
{
    rewind(from);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            return PD_ERR_IO;
    return ferror(from) ? PD_ERR_IO : PD_OK;
}

struct json_object *pd_json_gone(const struct pd_report_summary *s)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < s->n_gone; i++) {
        struct json_object *g = json_object_new_object();
        json_object_object_add(g, "path", pd_json_string(s->gone[i].path));
        json_object_object_add(g, "findings", json_object_new_int64((int64_t)s->gone[i].findings));
        json_object_array_add(a, g);
    }
    return a;
}

/* pdpscan merge: the JSON reports of a scan's shards (--shard K/N) made into the report one run
 * over all the roots would give. Units and findings are read back into units and handed to the
 * report pipeline, which counts them and evaluates every policy rule again, so folder and scan
 * rules see all the shards' findings. Shards that did not scan the same way are refused. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report.h"
#include "reports/reports-int.h"
#include "scanner/roots.h"
#include "text/text.h"

#define MAX_NAMES 128 /* attribute names interned */

struct pd_merge {
    struct json_object **reports;
    char *const *paths;
    size_t n;
    unsigned shards;
    struct pd_roots roots;
    char **given;
    size_t n_given;
    struct json_object *options; /* shard 0's, without its shard */
    const char *names[MAX_NAMES];
    size_t n_names;
};

/* Options that may differ between shards: how each was run and written, not what it found. */
static bool per_shard_option(const char *key)
{
    static const char *const own[] = {"jobs", "format", "output", "output_pattern", "keep", "shard", "fail_on"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strcmp(key, own[i]) == 0)
            return true;
    return false;
}

static const char *json_text(struct json_object *o)
{
    return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "null"; /* pdpscan writes keys in one order */
}

/* "K/N" of a report; an unsharded one is 0/1. */
static bool shard_of(struct json_object *options, unsigned *k, unsigned *n)
{
    const char *s = options ? pd_report_string(options, "shard") : NULL;
    *k = 0;
    *n = 1;
    return !s || sscanf(s, "%u/%u", k, n) == 2;
}

static struct json_object *scan_of(struct json_object *r) { return pd_report_member(r, "scan", json_type_object); }

static struct json_object *options_of(struct json_object *r)
{
    struct json_object *scan = scan_of(r);
    return scan ? pd_report_member(scan, "options", json_type_object) : NULL;
}

/* What makes two shards parts of one scan: the tool, the key, the roots, the options and the
 * policy files. Names the first difference. */
static enum pd_error same_scan(struct pd_merge *m, size_t i, struct pd_diag *diag)
{
    struct json_object *a = m->reports[0], *b = m->reports[i], *ta, *tb;
    const char *pa = m->paths[0], *pb = m->paths[i];
    const char *va = (ta = pd_report_member(a, "tool", json_type_object)) ? pd_report_string(ta, "version") : NULL;
    const char *vb = (tb = pd_report_member(b, "tool", json_type_object)) ? pd_report_string(tb, "version") : NULL;
    if (!va || !vb || strcmp(va, vb) != 0)
        return pd_fail(diag, PD_ERR_USAGE, "%s and %s were made by different pdpscan versions (%s, %s)", pa, pb,
                       va ? va : "?", vb ? vb : "?");
    const char *ka = pd_report_key_id(a), *kb = pd_report_key_id(b);
    if (!ka || !kb)
        return pd_fail(diag, PD_ERR_USAGE, "%s has no key identity (scan.key_id: a report before schema 1.7.0, or an "
                       "--ephemeral-key run): shards cannot be told to share a key", ka ? pb : pa);
    if (strcmp(ka, kb) != 0)
        return pd_fail(diag, PD_ERR_USAGE, "%s and %s were hashed with different keys (key ids %.8s... and %.8s...)",
                       pa, pb, ka, kb);
    struct json_object *sa = scan_of(a), *sb = scan_of(b), *x, *y;
    const char *what[] = {"roots", "resolved_roots"};
    for (size_t k = 0; k < 2; k++) {
        x = sa ? pd_report_member(sa, what[k], json_type_array) : NULL;
        y = sb ? pd_report_member(sb, what[k], json_type_array) : NULL;
        if (strcmp(json_text(x), json_text(y)) != 0)
            return pd_fail(diag, PD_ERR_USAGE, "%s and %s scanned different roots", pa, pb);
    }
    struct json_object *oa = options_of(a), *ob = options_of(b);
    if (!oa || !ob)
        return pd_fail(diag, PD_ERR_FORMAT, "%s has no scan.options: not a shard's report", oa ? pb : pa);
    json_object_object_foreach(oa, key, value) {
        struct json_object *other = NULL;
        if (per_shard_option(key))
            continue;
        json_object_object_get_ex(ob, key, &other);
        if (strcmp(json_text(value), json_text(other)) != 0)
            return pd_fail(diag, PD_ERR_USAGE, "%s and %s were run with different --%s (%s, %s): not one scan", pa, pb,
                           key, json_text(value), json_text(other));
    }
    x = pd_report_member(a, "policies", json_type_object);
    y = pd_report_member(b, "policies", json_type_object);
    if (strcmp(json_text(x ? pd_report_member(x, "files", json_type_array) : NULL),
               json_text(y ? pd_report_member(y, "files", json_type_array) : NULL)) != 0)
        return pd_fail(diag, PD_ERR_USAGE, "%s and %s were evaluated with different policy files", pa, pb);
    return PD_OK;
}

void pd_merge_free(struct pd_merge *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        json_object_put(m->reports[i]);
    free(m->reports);
    pd_roots_free(&m->roots);
    free(m->given);
    json_object_put(m->options);
    for (size_t i = 0; i < m->n_names; i++)
        free((char *)m->names[i]);
    free(m);
}

enum pd_error pd_merge_load(char *const *paths, size_t n, struct pd_merge **out, struct pd_diag *diag)
{
    struct pd_merge *m = calloc(1, sizeof *m);
    if (!m || !(m->reports = calloc(n, sizeof *m->reports))) {
        free(m);
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    }
    m->paths = paths;
    enum pd_error err = PD_OK;
    for (size_t i = 0; i < n && !err; i++) {
        if (!(m->reports[i] = pd_report_load(paths[i], diag)))
            err = PD_ERR_FORMAT;
        else
            m->n++;
    }
    /* which shard each is: every one of 0..N-1 once */
    unsigned k = 0, count = 0;
    const char **seen = NULL;
    if (!err && !shard_of(options_of(m->reports[0]), &k, &count))
        err = pd_fail(diag, PD_ERR_FORMAT, "%s: its shard is not K/N", paths[0]);
    if (!err && (count < 1 || count > 100000))
        err = pd_fail(diag, PD_ERR_FORMAT, "%s: shard count %u is not 1 to 100000", paths[0], count);
    if (!err && !(seen = calloc(count, sizeof *seen)))
        err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !err; i++) {
        unsigned ki, ni;
        if (!shard_of(options_of(m->reports[i]), &ki, &ni) || ni != count || ki >= ni)
            err = pd_fail(diag, PD_ERR_USAGE, "%s is shard %u/%u, %s one of %u", paths[i], ki, ni, paths[0], count);
        else if (seen[ki])
            err = pd_fail(diag, PD_ERR_USAGE, "shard %u/%u appears twice: %s and %s", ki, ni, seen[ki], paths[i]);
        else
            seen[ki] = paths[i];
        if (!err && i > 0)
            err = same_scan(m, i, diag);
        struct json_object *o = options_of(m->reports[i]), *b = NULL;
        if (!err && o && json_object_object_get_ex(o, "baseline", &b) && b)
            err = pd_fail(diag, PD_ERR_USAGE, "%s was made with --baseline: merge the whole reports, then compare",
                          paths[i]);
        if (!err && o && json_object_object_get_ex(o, "reveal", &b) && json_object_get_boolean(b))
            err = pd_fail(diag, PD_ERR_USAGE, "%s holds values in clear (--reveal): not merged", paths[i]);
    }
    for (unsigned s = 0; !err && s < count; s++)
        if (!seen[s])
            err = pd_fail(diag, PD_ERR_USAGE, "shard %u/%u is missing: merge all %u shards' reports", s, count, count);
    free(seen);
    m->shards = count;
    /* the roots as the shards resolved them: policy path rules match canonical paths */
    struct json_object *scan = err ? NULL : scan_of(m->reports[0]);
    struct json_object *given = scan ? pd_report_member(scan, "roots", json_type_array) : NULL;
    struct json_object *resolved = scan ? pd_report_member(scan, "resolved_roots", json_type_array) : NULL;
    size_t nr = given ? json_object_array_length(given) : 0;
    if (!err && (!(m->given = calloc(nr + 1, sizeof *m->given)) || !(m->roots.v = calloc(nr + 1, sizeof *m->roots.v))))
        err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !err && i < nr; i++) {
        m->given[i] = (char *)json_object_get_string(json_object_array_get_idx(given, i));
        struct json_object *r = resolved ? json_object_array_get_idx(resolved, i) : NULL;
        const char *canonical = r ? pd_report_string(r, "canonical") : NULL, *id = r ? pd_report_string(r, "id") : NULL;
        m->roots.v[i].given = m->given[i];
        if (canonical && id && (!(m->roots.v[i].canonical = strdup(canonical)) || !(m->roots.v[i].id = strdup(id))))
            err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
        m->roots.n = i + 1;
    }
    m->n_given = nr;
    struct json_object *first = err ? NULL : options_of(m->reports[0]);
    if (!err && !first)
        err = pd_fail(diag, PD_ERR_FORMAT, "%s has no scan.options: not a shard's report", paths[0]);
    if (!err && (m->options = json_object_new_object())) {
        json_object_object_foreach(first, key, value)
            json_object_object_add(m->options, key, strcmp(key, "shard") == 0 ? NULL : json_object_get(value));
    }
    if (err) {
        pd_merge_free(m);
        return err;
    }
    *out = m;
    return PD_OK;
}

struct json_object *pd_merge_options(const struct pd_merge *m) { return m->options; }

enum pd_error pd_merge_check_policies(const struct pd_merge *m, const struct pd_policy_set *set, struct pd_diag *diag)
{
    struct json_object *p = pd_report_member(m->reports[0], "policies", json_type_object);
    struct json_object *files = p ? pd_report_member(p, "files", json_type_array) : NULL;
    size_t n = files ? json_object_array_length(files) : 0, have = set ? pd_policy_file_count(set) : 0;
    bool same = n == have;
    for (size_t i = 0; same && i < n; i++) {
        const char *sha = pd_report_string(json_object_array_get_idx(files, i), "sha256");
        same = sha && strcmp(sha, pd_policy_file(set, i)->sha256) == 0;
    }
    if (!same)
        return pd_fail(diag, PD_ERR_USAGE, "the policy files here are not the ones the shards were evaluated with "
                       "(%s lists %zu, with their sha256): merge where the same policies are installed", m->paths[0], n);
    return PD_OK;
}

/* ---- units read back ---- */

static const char *intern(struct pd_merge *m, const char *name)
{
    for (size_t i = 0; i < m->n_names; i++)
        if (strcmp(m->names[i], name) == 0)
            return m->names[i];
    char *copy = m->n_names < MAX_NAMES ? strdup(name) : NULL;
    if (copy)
        m->names[m->n_names++] = copy;
    return copy;
}

static int64_t get_int(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static time_t parse_time(const char *iso)
{
    struct tm tm = {0};
    if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    return timegm(&tm);
}

/* A finding record into unit u. */
static enum pd_error add_finding(struct pd_merge *m, struct pd_unit *u, struct json_object *f)
{
    struct json_object *loc = pd_report_member(f, "location", json_type_object);
    struct json_object *value = pd_report_member(f, "value", json_type_object);
    struct json_object *attrs = pd_report_member(f, "attributes", json_type_object);
    const char *id = pd_report_string(f, "detector"), *fp = pd_report_string(f, "fingerprint");
    const char *hash = value ? pd_report_string(value, "hash") : NULL;
    const struct pd_detector *d = id ? pd_detector_find(id) : NULL;
    if (!d || !loc || !fp || strlen(fp) != 32 || !hash || strlen(hash) != 32)
        return PD_ERR_FORMAT;
    struct pd_finding x = {.detector = d};
    x.offset = (uint64_t)get_int(loc, "offset");
    x.length = (uint32_t)get_int(loc, "length");
    x.line = (uint64_t)get_int(loc, "line");
    x.column = (uint64_t)get_int(loc, "column");
    x.confidence = (int)get_int(f, "confidence");
    snprintf(x.masked, sizeof x.masked, "%s", pd_report_string(value, "masked") ? pd_report_string(value, "masked") : "");
    memcpy(x.value_hash, hash, 33);
    memcpy(x.fingerprint, fp, 33);
    char first[17];
    memcpy(first, hash, 16);
    first[16] = '\0';
    x.value_key = strtoull(first, NULL, 16);
    const char *field = pd_report_string(loc, "field");
    if (field)
        x.field = pd_unit_field_name(u, NULL, field);
    if (json_object_object_get_ex(loc, "page", NULL)) { /* written from the attribute */
        x.attrs[x.n_attrs].key = intern(m, "page");
        snprintf(x.attrs[x.n_attrs].value, sizeof x.attrs[0].value, "%lld", (long long)get_int(loc, "page"));
        x.n_attrs += x.attrs[x.n_attrs].key != NULL;
    }
    if (attrs) {
        json_object_object_foreach(attrs, key, v) {
            const char *k = intern(m, key);
            if (!k || x.n_attrs == PD_MAX_ATTRS)
                continue;
            x.attrs[x.n_attrs].key = k;
            snprintf(x.attrs[x.n_attrs].value, sizeof x.attrs[0].value, "%s", json_object_get_string(v));
            x.n_attrs++;
        }
    }
    return pd_unit_add_finding(u, &x);
}

static enum pd_error add_columns(struct pd_unit *u, struct json_object *cols)
{
    size_t n = json_object_array_length(cols);
    if (!(u->columns = calloc(n + 1, sizeof *u->columns)))
        return PD_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(cols, i);
        struct json_object *dets = pd_report_member(c, "detectors", json_type_array), *ex;
        struct pd_column *col = &u->columns[u->n_columns++];
        const char *name = pd_report_string(c, "name");
        col->name = strdup(name ? name : "");
        col->rows = (uint64_t)get_int(c, "rows");
        size_t nd = dets ? json_object_array_length(dets) : 0;
        if (!col->name || !(col->stats = calloc(nd + 1, sizeof *col->stats)))
            return PD_ERR_NOMEM;
        for (size_t k = 0; k < nd; k++) {
            struct json_object *d = json_object_array_get_idx(dets, k);
            const struct pd_detector *det = pd_detector_find(pd_report_string(d, "detector") ? pd_report_string(d, "detector") : "");
            if (!det)
                return PD_ERR_FORMAT;
            struct pd_column_stat *st = &col->stats[col->n_stats++];
            st->detector = det;
            st->count = (uint64_t)get_int(d, "findings");
            st->rows = (uint64_t)get_int(d, "rows");
            st->confidence = (int)get_int(d, "confidence");
            /* only the number of distinct values is reported: the values themselves are not kept */
            int64_t distinct = get_int(d, "distinct_values");
            st->distinct.count = distinct > 0 ? (size_t)distinct : 0;
            if ((ex = pd_report_member(d, "examples", json_type_array)) != NULL)
                for (size_t e = 0; e < json_object_array_length(ex) && st->n_examples < PD_COLUMN_EXAMPLES; e++)
                    snprintf(st->examples[st->n_examples++], sizeof st->examples[0], "%s",
                             json_object_get_string(json_object_array_get_idx(ex, e)));
        }
    }
    return PD_OK;
}

static struct pd_unit *unit_of(struct pd_merge *m, struct json_object *rec, struct json_object *findings)
{
    const char *path = pd_report_string(rec, "path"), *status = pd_report_string(rec, "status");
    struct pd_unit *u = path ? pd_unit_create(path) : NULL;
    if (!u)
        return NULL;
    for (size_t i = 0; i < m->roots.n; i++) /* the root it was found under: the longest given */
        if (m->roots.v[i].canonical && strncmp(path, m->roots.v[i].given, strlen(m->roots.v[i].given)) == 0 &&
            (!u->root || strlen(m->roots.v[i].given) > u->root_len))
            pd_unit_set_root(u, &m->roots.v[i]);
    for (int s = 0; status && s < PD_UNIT_STATUS_COUNT; s++)
        if (strcmp(status, pd_unit_status_name((enum pd_unit_status)s)) == 0)
            u->status = (enum pd_unit_status)s;
    snprintf(u->reason, sizeof u->reason, "%s", pd_report_string(rec, "reason") ? pd_report_string(rec, "reason") : "");
    u->size = (uint64_t)get_int(rec, "size");
    u->bytes_scanned = (uint64_t)get_int(rec, "bytes_scanned");
    snprintf(u->mime, sizeof u->mime, "%s", pd_report_string(rec, "mime") ? pd_report_string(rec, "mime") : "");
    u->encoding = pd_encoding_known(pd_report_string(rec, "encoding"));
    u->binary = (u->encoding && strcmp(u->encoding, "binary") == 0) || strncmp(u->reason, "binary data", 11) == 0;
    const char *mtime = pd_report_string(rec, "mtime"), *mode = pd_report_string(rec, "mode");
    if ((u->have_stat = mtime != NULL)) {
        u->mtime = (int64_t)parse_time(mtime);
        u->mode = mode ? (mode_t)strtoul(mode, NULL, 8) : 0;
        u->uid = (uid_t)get_int(rec, "uid");
    }
    u->carried = json_object_object_get_ex(rec, "carried", NULL);
    u->rows = (uint64_t)get_int(rec, "rows");
    struct json_object *cols = pd_report_member(rec, "columns", json_type_array);
    enum pd_error err = cols ? add_columns(u, cols) : PD_OK;
    for (size_t i = 0; !err && findings && i < json_object_array_length(findings); i++)
        err = add_finding(m, u, json_object_array_get_idx(findings, i));
    /* beyond 10,000 a unit's findings are counted, not listed, by detector */
    struct json_object *by = pd_report_member(rec, "unlisted_by_detector", json_type_object);
    size_t nd = 0;
    const struct pd_detector *table = pd_detectors(&nd);
    if (!err && by) {
        json_object_object_foreach(by, id, count) {
            const struct pd_detector *d = pd_detector_find(id);
            if (d && (size_t)(d - table) < PD_MAX_DETECTORS && json_object_get_int64(count) > 0) {
                u->unlisted_by_detector[d - table] = (uint64_t)json_object_get_int64(count);
                u->findings_unlisted += (uint64_t)json_object_get_int64(count);
            }
        }
    }
    if (err) {
        pd_unit_destroy(u);
        return NULL;
    }
    return u;
}

/* The unit a finding belongs to: its location's path, without the column of a table's. */
static char *unit_path_of(struct json_object *f)
{
    struct json_object *loc = pd_report_member(f, "location", json_type_object);
    const char *path = loc ? pd_report_string(loc, "path") : NULL, *field = loc ? pd_report_string(loc, "field") : NULL;
    if (!path)
        return NULL;
    size_t n = strlen(path);
    if (field && json_object_object_get_ex(loc, "row", NULL) && n > strlen(field) + 1 &&
        strcmp(path + n - strlen(field), field) == 0 && path[n - strlen(field) - 1] == '.')
        n -= strlen(field) + 1;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, path, n);
        p[n] = '\0';
    }
    return p;
}

enum pd_error pd_merge_write(struct pd_merge *m, const char *format, const char *output, bool summary,
                             const struct pd_policy_set *policies, struct pd_report_summary *out, struct pd_diag *diag)
{
    time_t started = 0;
    const char *interrupted = NULL;
    bool incremental = false;
    for (size_t i = 0; i < m->n; i++) {
        struct json_object *scan = scan_of(m->reports[i]), *c = pd_report_member(m->reports[i], "counters",
                                                                                 json_type_object);
        time_t t = parse_time(scan ? pd_report_string(scan, "started_at") : NULL);
        if (t && (!started || t < started))
            started = t;
        if (scan && pd_report_string(scan, "interrupted_by")) /* a shard stopped: the merge is partial */
            interrupted = pd_report_string(scan, "interrupted_by");
        incremental |= c && json_object_object_get_ex(c, "carried", NULL);
    }
    /* where this report goes is the merge's, not a shard's */
    json_object_object_add(m->options, "output", output && strcmp(output, "-") != 0 ? json_object_new_string(output)
                                                                                     : NULL);
    json_object_object_add(m->options, "format", json_object_new_string(format));
    json_object_object_add(m->options, "output_pattern", NULL);
    json_object_object_add(m->options, "keep", NULL);
    struct json_object *tool = pd_report_member(m->reports[0], "tool", json_type_object), *bin = NULL;
    json_object_object_get_ex(m->options, "binary", &bin);
    struct pd_report_info info = {.tool_version = pd_report_string(tool, "version"), .started = started,
                                  .roots = m->given, .n_roots = m->n_given, .resolved = m->roots.v,
                                  .options = m->options, .read_binary = bin && json_object_get_boolean(bin),
                                  .incremental = incremental, .key_id = pd_report_key_id(m->reports[0]),
                                  .policies = policies};
    struct pd_report *report = NULL;
    enum pd_error err = pd_report_open(format, output, summary, &info, &report, diag);
    if (err)
        return err;
    struct pd_state_gone *gone = NULL;
    size_t n_gone = 0;
    for (size_t i = 0; i < m->n && !err; i++) {
        struct json_object *r = m->reports[i], *by_unit = json_object_new_object();
        struct json_object *findings = pd_report_member(r, "findings", json_type_array);
        struct json_object *units = pd_report_member(r, "units", json_type_array);
        struct json_object *g = pd_report_member(r, "gone", json_type_array);
        for (size_t k = 0; by_unit && findings && k < json_object_array_length(findings); k++) {
            struct json_object *f = json_object_array_get_idx(findings, k), *list;
            char *up = unit_path_of(f);
            if (!up)
                continue;
            if (!json_object_object_get_ex(by_unit, up, &list)) {
                list = json_object_new_array();
                json_object_object_add(by_unit, up, list);
            }
            json_object_array_add(list, json_object_get(f));
            free(up);
        }
        for (size_t k = 0; by_unit && units && k < json_object_array_length(units) && !err; k++) {
            struct json_object *rec = json_object_array_get_idx(units, k), *list = NULL;
            const char *path = pd_report_string(rec, "path");
            if (path)
                json_object_object_get_ex(by_unit, path, &list);
            struct pd_unit *u = unit_of(m, rec, list);
            if (!u)
                err = pd_fail(diag, PD_ERR_FORMAT, "%s: unit %s cannot be read back", m->paths[i], path ? path : "?");
            else
                pd_report_submit(report, u);
        }
        for (size_t k = 0; g && k < json_object_array_length(g) && !err; k++) {
            struct json_object *x = json_object_array_get_idx(g, k);
            struct pd_state_gone *ng = realloc(gone, (n_gone + 1) * sizeof *gone);
            if (!ng) {
                err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
                break;
            }
            gone = ng;
            gone[n_gone].path = strdup(pd_report_string(x, "path") ? pd_report_string(x, "path") : "");
            gone[n_gone++].findings = (uint64_t)get_int(x, "findings");
        }
        json_object_put(by_unit);
    }
    pd_report_set_gone(report, gone, n_gone, 0);
    struct pd_diag close_diag = {{0}};
    enum pd_error cerr = pd_report_close(report, err ? "merge failed" : interrupted, out, &close_diag);
    if (!err && cerr)
        pd_fail(diag, cerr, "%s", close_diag.text);
    pd_state_gone_free(gone, n_gone);
    return err ? err : cerr;
}

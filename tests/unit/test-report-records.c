/* Report records written straight to the output: a finding shows its masked value and keyed
 * hash, never the clear value unless revealing; a violation record has its members in the
 * documented order, with the rule's texts (printed once per rule and reused) and the law's
 * number; a "type" member comes last when asked for (JSON Lines). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/writer.h"
#include "tests/unit/check.h"
#include "tests/unit/policy-fixture.h"

/* Runs put into a memory stream; returns the text (malloc'd). */
static char *finding_text(const struct pd_finding *f, const struct pd_unit *u, bool reveal, const char *type)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CHECK(pd_json_put_finding(out, f, u, reveal, type) == PD_OK);
    fclose(out);
    return text;
}

struct first {
    struct pd_violation v;
    char fps[2][33];
    bool seen;
};

static void keep_first(void *arg, const struct pd_violation *v)
{
    struct first *f = arg;
    if (f->seen)
        return;
    f->v = *v;
    for (size_t i = 0; i < v->n_fingerprints && i < 2; i++)
        memcpy(f->fps[i], v->fingerprints[i], 33);
    f->v.fingerprints = f->fps;
    f->v.n_fingerprints = v->n_fingerprints < 2 ? v->n_fingerprints : 2;
    f->seen = true;
}

static void test_finding(void)
{
    struct pd_unit *u = pd_unit_create("/share/kh.txt");
    struct pd_finding f = {.detector = pd_detector_find("vn.cccd"), .offset = 42, .length = 12, .line = 3,
                           .column = 7, .confidence = 95};
    snprintf(f.masked, sizeof f.masked, "001*******56");
    snprintf(f.value_hash, sizeof f.value_hash, "%032d", 7);
    snprintf(f.fingerprint, sizeof f.fingerprint, "%032d", 9);
    f.clear = strdup("001087123456");
    char *text = finding_text(&f, u, false, NULL);
    struct json_object *j = json_tokener_parse(text);
    CHECK_MSG(j != NULL, "not JSON: %s", text);
    CHECK(strstr(text, "001087123456") == NULL);
    CHECK(strstr(text, "001*******56") != NULL);
    struct json_object *loc = NULL, *line = NULL, *det = NULL;
    CHECK(json_object_object_get_ex(j, "location", &loc) && json_object_object_get_ex(loc, "line", &line) &&
          json_object_get_int(line) == 3);
    CHECK(json_object_object_get_ex(j, "detector", &det) && strcmp(json_object_get_string(det), "vn.cccd") == 0);
    json_object_put(j);
    free(text);
    text = finding_text(&f, u, true, "finding");
    CHECK(strstr(text, "001087123456") != NULL);
    const char *type = strstr(text, "\"type\":\"finding\"");
    CHECK_MSG(type && strcmp(type, "\"type\":\"finding\"}") == 0, "type not last: %s", text);
    free(text);
    free(f.clear);
    pd_unit_destroy(u);
}

static void test_violation(void)
{
    char *path = fixture_file(FIXTURE_POLICY);
    const char *paths[] = {path};
    struct pd_policy_set *set = NULL;
    struct pd_diag diag;
    CHECK_MSG(pd_policy_load(paths, 1, 20261203, &set, &diag) == PD_OK, "%s", diag.text);
    unlink(path);
    free(path);
    if (!set)
        return;
    struct pd_policy_eval *ev;
    pd_policy_eval_create(set, 0, &ev);
    struct pd_unit *u = pd_unit_create("/share/mail.txt");
    for (int i = 0; i < 2; i++) {
        struct pd_finding f = {.detector = pd_detector_find("email"), .offset = (uint64_t)i * 20, .length = 10,
                               .line = 1, .column = 1, .confidence = 90, .value_key = 10u + (unsigned)i};
        snprintf(f.fingerprint, sizeof f.fingerprint, "%032d", i);
        pd_unit_add_finding(u, &f);
    }
    struct first first = {0};
    pd_policy_eval_unit(ev, u, keep_first, &first);
    CHECK(first.seen);
    if (first.seen) {
        struct pd_json_rule_cache cache = {0};
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        CHECK(pd_json_put_violation(out, &cache, &first.v, NULL) == PD_OK);
        fputc('\n', out);
        CHECK(pd_json_put_violation(out, &cache, &first.v, "violation") == PD_OK);
        fclose(out);
        const char *order[] = {"\"rule\":\"ORG-EMAIL\"", "\"policy\":\"test\"", "\"severity\":\"low\"",
                               "\"scope\":\"unit\"", "\"subject\":\"/share/mail.txt\"", "\"title\":",
                               "\"remediation\":", "\"legal_basis\":", "\"number\":\"QĐ-01/2026\"",
                               "\"clause\":\"2\"", "\"counts\":", "\"fingerprints\":"};
        const char *at = text;
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            const char *p = strstr(at, order[i]);
            CHECK_MSG(p != NULL, "%s missing or out of order in %s", order[i], text);
            at = p ? p : at;
        }
        char *second = strchr(text, '\n');
        CHECK(second && strstr(second, "\"title\":") && strstr(second, "\"type\":\"violation\"}"));
        struct json_object *parsed = second ? json_tokener_parse(second + 1) : NULL;
        CHECK(parsed != NULL);
        json_object_put(parsed);
        pd_json_rule_cache_free(&cache);
        free(text);
    }
    pd_unit_destroy(u);
    pd_policy_eval_destroy(ev);
    pd_policy_destroy(set);
}

int main(void)
{
    test_finding();
    test_violation();
    return check_done();
}

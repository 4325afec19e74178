/* Evaluating policies: a unit rule fires on a unit that meets its condition and not on a near
 * miss; a folder rule fires once for the folder at the end, counting distinct values across its
 * units. */
#include <string.h>
#include <unistd.h>

#include "policies/policy.h"
#include "tests/unit/check.h"
#include "tests/unit/policy-fixture.h"

struct fired {
    char rules[16][64];
    char subjects[16][256];
    uint64_t distinct[16];
    size_t n;
};

static void on_violation(void *arg, const struct pd_violation *v)
{
    struct fired *f = arg;
    if (f->n < 16) {
        snprintf(f->rules[f->n], sizeof f->rules[0], "%s", pd_violation_rule(v)->id);
        snprintf(f->subjects[f->n], sizeof f->subjects[0], "%s", v->subject ? v->subject : "");
        f->distinct[f->n++] = v->distinct;
    }
}

static struct pd_unit *unit_with(const char *path, const char *detector, unsigned count)
{
    struct pd_unit *u = pd_unit_create(path);
    const struct pd_detector *d = pd_detector_find(detector);
    for (unsigned i = 0; u && d && i < count; i++) {
        struct pd_finding f = {.detector = d, .offset = 10 * i, .length = 12, .line = i + 1, .column = 1,
                               .confidence = 90, .value_key = 1000 + i};
        snprintf(f.value_hash, sizeof f.value_hash, "%032x", 1000 + i);
        snprintf(f.fingerprint, sizeof f.fingerprint, "%032x", 5000 + i);
        pd_unit_add_finding(u, &f);
    }
    return u;
}

int main(void)
{
    char *path = fixture_file(FIXTURE_POLICY);
    const char *paths[] = {path};
    struct pd_policy_set *set = NULL;
    struct pd_diag diag = {{0}};
    CHECK_MSG(pd_policy_load(paths, 1, 20261203, &set, &diag) == PD_OK, "%s", diag.text);
    unlink(path);
    free(path);
    if (!set)
        return check_done();
    struct pd_policy_eval *ev;
    CHECK(pd_policy_eval_create(set, 0, &ev) == PD_OK);
    struct fired *f = calloc(1, sizeof *f);

    struct pd_unit *two = unit_with("/share/a/mail.txt", "email", 2), *one = unit_with("/share/a/one.txt", "email", 1);
    pd_policy_eval_unit(ev, two, on_violation, f);
    CHECK(f->n == 1 && strcmp(f->rules[0], "ORG-EMAIL") == 0 && strcmp(f->subjects[0], "/share/a/mail.txt") == 0);
    pd_policy_eval_unit(ev, one, on_violation, f);
    CHECK_MSG(f->n == 1, "a unit with one e-mail fired %s", f->rules[f->n - 1]);

    /* two CCCDs in one file, two more in another of the same folder: three distinct at least */
    struct pd_unit *c1 = unit_with("/share/b/x.txt", "vn.cccd", 2), *c2 = unit_with("/share/b/y.txt", "vn.cccd", 4);
    struct pd_unit *c3 = unit_with("/share/c/z.txt", "vn.cccd", 2);
    pd_policy_eval_unit(ev, c1, on_violation, f);
    pd_policy_eval_unit(ev, c2, on_violation, f);
    pd_policy_eval_unit(ev, c3, on_violation, f);
    CHECK(f->n == 1); /* folder rules wait for the end */
    pd_policy_eval_finish(ev, on_violation, f);
    size_t folder = 0;
    for (size_t i = 1; i < f->n; i++)
        if (strcmp(f->rules[i], "ORG-CCCD-FOLDER") == 0) {
            folder++;
            CHECK_MSG(strcmp(f->subjects[i], "/share/b") == 0, "fired for %s", f->subjects[i]);
            CHECK(f->distinct[i] >= 3);
        }
    CHECK_MSG(folder == 1, "folder rule fired %zu times", folder);

    pd_unit_destroy(two);
    pd_unit_destroy(one);
    pd_unit_destroy(c1);
    pd_unit_destroy(c2);
    pd_unit_destroy(c3);
    free(f);
    pd_policy_eval_destroy(ev);
    pd_policy_destroy(set);
    return check_done();
}

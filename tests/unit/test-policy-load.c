/* Loading policies: a valid file gives its rules as plain data (ids, severities, scopes, legal
 * basis with the law's number); a malformed one is refused whole, with a message naming the
 * file, the place and what was expected. */
#include <string.h>
#include <unistd.h>

#include "policies/policy.h"
#include "tests/unit/check.h"
#include "tests/unit/policy-fixture.h"

#define LAW                                                                                                \
    "\"laws\": [{\"id\": \"org\", \"number\": \"1/2026\", \"effective_from\": \"2026-01-01\", "             \
    "\"name\": {\"vi\": \"Quy định\", \"en\": \"Rule\"}}], "

static const struct pd_rule *rule_named(const struct pd_policy_set *set, const char *id)
{
    for (size_t i = 0; i < pd_policy_rule_count(set); i++)
        if (strcmp(pd_policy_rule(set, i)->id, id) == 0)
            return pd_policy_rule(set, i);
    return NULL;
}

/* Loads text as a policy file: NULL on failure, with the message in diag. */
static struct pd_policy_set *load_text(const char *text, struct pd_diag *diag, char **path_out)
{
    char *path = fixture_file(text);
    const char *paths[] = {path};
    struct pd_policy_set *set = NULL;
    if (pd_policy_load(paths, 1, 20261203, &set, diag) != PD_OK)
        set = NULL;
    unlink(path);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return set;
}

static void expect_refused(const char *text, const char *message)
{
    struct pd_diag diag = {{0}};
    char *path;
    struct pd_policy_set *set = load_text(text, &diag, &path);
    CHECK_MSG(set == NULL, "accepted: %s", text);
    CHECK_MSG(strstr(diag.text, message) != NULL, "message '%s' lacks '%s'", diag.text, message);
    CHECK_MSG(strstr(diag.text, path) != NULL, "message '%s' does not name the file", diag.text);
    pd_policy_destroy(set);
    free(path);
}

int main(void)
{
    struct pd_diag diag = {{0}};
    struct pd_policy_set *set = load_text(FIXTURE_POLICY, &diag, NULL);
    CHECK_MSG(set != NULL, "%s", diag.text);
    if (!set)
        return check_done();
    CHECK(pd_policy_rule_count(set) == 2);
    const struct pd_rule *r = rule_named(set, "ORG-EMAIL");
    CHECK(r && r->severity == PD_SEV_LOW && r->scope == PD_SCOPE_UNIT && r->enabled);
    CHECK(r && r->n_basis == 1 && strcmp(r->basis[0].article, "3") == 0 && strcmp(r->basis[0].clause, "2") == 0);
    CHECK(r && strcmp(pd_policy_law(set, r->basis[0].law)->number, "QĐ-01/2026") == 0);
    CHECK(r && strcmp(r->title.en, "E-mail") == 0 && strcmp(r->title.vi, "Thư") == 0);
    r = rule_named(set, "ORG-CCCD-FOLDER");
    CHECK(r && r->scope == PD_SCOPE_FOLDER && r->severity == PD_SEV_HIGH && r->basis[0].uncertain);
    CHECK_STR(pd_scope_name(PD_SCOPE_FOLDER), "folder");
    CHECK(pd_policy_file_count(set) == 1 && strcmp(pd_policy_file(set, 0)->id, "test") == 0);
    pd_policy_destroy(set);

    /* a condition has exactly one key, named from the one table of kinds */
    expect_refused("{\"format\": \"pdpscan-policy/1\", \"id\": \"t\", " LAW "\"rules\": [{\"id\": \"X\", \"severity\": \"low\","
                   " \"title\": {\"vi\": \"t\", \"en\": \"t\"}, \"rationale\": {\"vi\": \"r\", \"en\": \"r\"},"
                   " \"remediation\": {\"vi\": \"m\", \"en\": \"m\"}, \"legal_basis\": [{\"law\": \"org\", \"article\": \"1\"}],"
                   " \"condition\": {\"path\": [\"*\"], \"mime\": [\"text/*\"]}}]}",
                   "one of all, any, not, findings, path, location, mime, in_archive, min_size, older_than_days, "
                   "world_readable, group_readable, owner_uid, ref");
    expect_refused("{\"format\": \"pdpscan-policy/1\", \"id\": \"t\", " LAW "\"rules\": [{\"id\": \"X\", \"severity\": \"low\","
                   " \"title\": {\"vi\": \"t\", \"en\": \"t\"}, \"rationale\": {\"vi\": \"r\", \"en\": \"r\"},"
                   " \"remediation\": {\"vi\": \"m\", \"en\": \"m\"}, \"legal_basis\": [{\"law\": \"org\", \"article\": \"1\"}],"
                   " \"condition\": {\"size_above\": 3}}]}",
                   "size_above");
    expect_refused("{\"format\": \"pdpscan-policy/1\", \"id\": \"t\", " LAW "\"rules\": [{\"id\": \"X\", \"severity\": \"grave\"}]}",
                   "severity");
    expect_refused("{\"format\": \"pdpscan-policy/1\", \"id\": \"t\", " LAW "\"rules\": [", "");
    expect_refused("{\"format\": \"pdpscan-policy/1\", \"id\": \"t\", " LAW "\"conditions\": {\"a\": {\"ref\": \"a\"}},"
                   " \"rules\": [{\"id\": \"X\", \"severity\": \"low\","
                   " \"title\": {\"vi\": \"t\", \"en\": \"t\"}, \"rationale\": {\"vi\": \"r\", \"en\": \"r\"},"
                   " \"remediation\": {\"vi\": \"m\", \"en\": \"m\"}, \"legal_basis\": [{\"law\": \"org\", \"article\": \"1\"}],"
                   " \"condition\": {\"ref\": \"a\"}}]}",
                   "circular");
    return check_done();
}

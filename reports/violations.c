/* Violations and policies as report data: the rule texts every violation of a rule shares, the
 * notes on expired exceptions, and the text of `pdpscan policy list` and `policy explain`.
 * Policies hand out plain data (policies/policy.h); every output format is written here. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "reports/report.h"
#include "reports/writer.h"

static struct json_object *vi_en_json(const struct pd_vi_en *t)
{
    if (!t->vi && !t->en)
        return NULL;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "vi", json_object_new_string(t->vi ? t->vi : ""));
    json_object_object_add(o, "en", json_object_new_string(t->en ? t->en : ""));
    return o;
}

struct json_object *pd_rule_texts_json(const struct pd_policy_set *set, const struct pd_rule *r)
{
    struct json_object *o = json_object_new_object(), *basis = json_object_new_array();
    json_object_object_add(o, "title", vi_en_json(&r->title));
    json_object_object_add(o, "remediation", vi_en_json(&r->remediation));
    for (size_t i = 0; i < r->n_basis; i++) {
        const struct pd_basis *b = &r->basis[i];
        const struct pd_law *law = pd_policy_law(set, b->law);
        struct json_object *jb = json_object_new_object();
        json_object_object_add(jb, "law", json_object_new_string(b->law));
        json_object_object_add(jb, "number", json_object_new_string(law->number));
        json_object_object_add(jb, "name", vi_en_json(&law->name));
        json_object_object_add(jb, "article", json_object_new_string(b->article));
        json_object_object_add(jb, "clause", b->clause ? json_object_new_string(b->clause) : NULL);
        json_object_object_add(jb, "uncertain", json_object_new_boolean(b->uncertain));
        if (b->note.vi || b->note.en)
            json_object_object_add(jb, "note", vi_en_json(&b->note));
        json_object_array_add(basis, jb);
    }
    json_object_object_add(o, "legal_basis", basis);
    return o;
}

static void add_expired(void *arg, const struct pd_exception *x)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "policy", json_object_new_string(x->policy));
    json_object_object_add(o, "rule", x->rule ? json_object_new_string(x->rule) : NULL);
    json_object_object_add(o, "reason", json_object_new_string(x->reason));
    json_object_object_add(o, "expired_on", json_object_new_string(x->expires));
    json_object_array_add(arg, o);
}

struct json_object *pd_expired_exceptions_json(const struct pd_policy_set *set)
{
    struct json_object *notes = json_object_new_array();
    pd_policy_each_expired(set, add_expired, notes);
    return notes;
}

void pd_report_policy_list(const struct pd_policy_set *set, FILE *out)
{
    for (size_t p = 0; p < pd_policy_file_count(set); p++) {
        const struct pd_policy_info *pi = pd_policy_file(set, p);
        fprintf(out, "policy %s (%s)%s%s\n", pi->id, pi->file, pi->title.en ? ": " : "", pi->title.en ? pi->title.en : "");
    }
    for (size_t i = 0; i < pd_policy_rule_count(set); i++) {
        const struct pd_rule *r = pd_policy_rule(set, i);
        fprintf(out, "  %-34s %-8s %-6s %s%s\n", r->id, pd_severity_name(r->severity), pd_scope_name(r->scope),
                r->title.en, r->enabled ? "" : " [disabled]");
    }
    for (size_t i = 0; i < pd_policy_class_count(set); i++) {
        const struct pd_class *c = pd_policy_class(set, i);
        fprintf(out, "location class %s:", c->name);
        for (size_t k = 0; k < c->n_globs; k++)
            fprintf(out, " %s", c->globs[k]);
        fputc('\n', out);
    }
}

static void print_rule(const struct pd_policy_set *set, const struct pd_rule *r, FILE *out)
{
    fprintf(out, "%s (per %s, severity %s, policy %s, %s)%s\n\n", r->id, pd_scope_name(r->scope),
            pd_severity_name(r->severity), r->policy, r->file, r->enabled ? "" : " [disabled]");
    fprintf(out, "%s\n%s\n\n", r->title.vi, r->title.en);
    fprintf(out, "Why / Lý do:\n  %s\n  %s\n\n", r->rationale.vi, r->rationale.en);
    fprintf(out, "Legal basis / Căn cứ pháp lý:\n");
    for (size_t k = 0; k < r->n_basis; k++) {
        const struct pd_basis *b = &r->basis[k];
        const struct pd_law *law = pd_policy_law(set, b->law);
        fprintf(out, "  %s %s, article %s%s%s%s — %s\n", law->number, law->name.en, b->article,
                b->clause ? ", clause " : "", b->clause ? b->clause : "",
                b->uncertain ? " (article number uncertain)" : "", law->name.vi);
        if (b->note.en)
            fprintf(out, "    note: %s\n", b->note.en);
    }
    fprintf(out, "\nWhat to do / Cách khắc phục:\n  %s\n  %s\n", r->remediation.vi, r->remediation.en);
    for (size_t k = 0; k < r->n_exceptions; k++)
        fprintf(out, "\nException until %s%s: %s\n", r->exceptions[k].expires,
                r->exceptions[k].expired ? " (expired)" : "", r->exceptions[k].reason);
}

bool pd_report_policy_explain(const struct pd_policy_set *set, const char *id, FILE *out)
{
    for (size_t i = 0; i < pd_policy_rule_count(set); i++) {
        const struct pd_rule *r = pd_policy_rule(set, i);
        if (strcmp(r->id, id) == 0) {
            print_rule(set, r, out);
            return true;
        }
    }
    return false;
}

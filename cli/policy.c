/* `pdpscan policy`: check policy files (and their globs against real trees), list and explain
 * rules. */
#include "cli/policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <fts.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/policy.h"
#include "reports/report.h"
#include "cli/scan.h"

static void print_warning(void *arg, const char *message)
{
    (void)arg;
    fprintf(stderr, "pdpscan policy check: warning: %s\n", message);
}

struct glob_use {
    const char *what, *where, *glob;
    bool matched;
};

struct glob_uses {
    struct glob_use *v;
    size_t n, cap;
    bool failed;
};

static void collect_glob(void *arg, const char *what, const char *where, const char *glob)
{
    struct glob_uses *g = arg;
    if (strchr(glob, '!'))
        return; /* an archive member's path: only a scan opens archives */
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        struct glob_use *v = realloc(g->v, cap * sizeof *v);
        if (!v) {
            g->failed = true;
            return;
        }
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = (struct glob_use){what, where, glob, false};
}

/* Marks the globs that match an entry under root (canonical paths, as a scan matches them).
 * Returns false when root cannot be walked. */
static bool mark_under(struct glob_uses *g, const char *root, size_t *left)
{
    char *canonical = realpath(root, NULL);
    if (!canonical) {
        fprintf(stderr, "pdpscan policy check: --root %s: %s\n", root, strerror(errno));
        return false;
    }
    char *const paths[] = {canonical, NULL};
    FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_NOSTAT, NULL);
    if (!fts) {
        fprintf(stderr, "pdpscan policy check: --root %s: %s\n", root, strerror(errno));
        free(canonical);
        return false;
    }
    FTSENT *e;
    while (*left && (e = fts_read(fts)) != NULL) {
        if (e->fts_info == FTS_DP)
            continue;
        if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) /* its globs may be reported unmatched */
            fprintf(stderr, "pdpscan policy check: warning: cannot read %s under --root: %s\n", e->fts_path,
                    strerror(e->fts_errno));
        for (size_t i = 0; i < g->n; i++) {
            struct glob_use *u = &g->v[i];
            if (u->matched)
                continue;
            bool hit = fnmatch(u->glob, e->fts_path, 0) == 0;
            /* a folder that is there, empty or not, is what a glob of its files names: they may come later */
            if (!hit && e->fts_info == FTS_D) {
                size_t len = strlen(e->fts_path);
                char *probe = malloc(len + 3);
                if (probe) {
                    memcpy(probe, e->fts_path, len);
                    memcpy(probe + len, "/x", 3);
                    hit = fnmatch(u->glob, probe, 0) == 0;
                    free(probe);
                }
            }
            if (hit) {
                u->matched = true;
                (*left)--;
            }
        }
    }
    fts_close(fts);
    free(canonical);
    return true;
}

/* --root: warns about each glob that matches nothing under any of the roots (a typo, or a share
 * mounted elsewhere than the policy says). Returns false when a root cannot be read. */
static bool globs_under_roots(const struct pd_policy_set *set, char *const *roots, size_t n_roots, size_t *unmatched)
{
    struct glob_uses g = {0};
    pd_policy_each_glob(set, collect_glob, &g);
    if (g.failed) {
        fprintf(stderr, "pdpscan policy check: out of memory\n");
        free(g.v);
        return false;
    }
    size_t left = g.n;
    bool ok = true;
    for (size_t r = 0; r < n_roots && ok; r++)
        ok = mark_under(&g, roots[r], &left);
    for (size_t i = 0; ok && i < g.n; i++) {
        if (g.v[i].matched)
            continue;
        char msg[1024];
        const struct glob_use *u = &g.v[i];
        snprintf(msg, sizeof msg, "%s%s%s%s: glob \"%s\" matches nothing under %s%s", u->what, u->where ? " \"" : "",
                 u->where ? u->where : "", u->where ? "\"" : "", u->glob, roots[0], n_roots > 1 ? " or the other roots" : "");
        print_warning(NULL, msg);
        (*unmatched)++;
    }
    free(g.v);
    return ok;
}

int pd_cli_policy(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "pdpscan policy: say check, list or explain\n");
        return PD_EXIT_FATAL;
    }
    const char *sub = argv[2];
    char **files = calloc((size_t)argc, sizeof *files), **roots = calloc((size_t)argc, sizeof *roots);
    size_t n = 0, n_roots = 0;
    bool no_defaults = false, strict = false;
    const char *rule = NULL;
    int code = PD_EXIT_FATAL;
    for (int i = 3; files && roots && i < argc; i++) {
        if (strcmp(sub, "check") == 0 && strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            roots[n_roots++] = argv[++i];
        else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
            files[n++] = argv[++i];
        else if (strcmp(argv[i], "--no-default-policies") == 0)
            no_defaults = true;
        else if (strcmp(sub, "check") == 0 && strcmp(argv[i], "--strict") == 0)
            strict = true;
        else if (strcmp(sub, "check") == 0)
            files[n++] = argv[i];
        else if (strcmp(sub, "explain") == 0 && !rule)
            rule = argv[i];
        else {
            fprintf(stderr, "pdpscan policy %s: unexpected argument '%s'\n", sub, argv[i]);
            goto done;
        }
    }
    if (strcmp(sub, "check") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "explain") != 0) {
        fprintf(stderr, "pdpscan policy: unknown subcommand '%s' (check, list, explain)\n", sub);
        goto done;
    }
    if (strcmp(sub, "check") == 0 && n == 0) {
        fprintf(stderr, "pdpscan policy check: name the policy files to check\n");
        goto done;
    }
    if (strcmp(sub, "explain") == 0 && !rule) {
        fprintf(stderr, "pdpscan policy explain: name a rule id (see 'pdpscan policy list')\n");
        goto done;
    }
    struct pd_policy_set *set = pd_cli_load_policies(files, n, no_defaults);
    if (!set)
        goto done;
    code = 0;
    if (strcmp(sub, "check") == 0) {
        size_t warnings = pd_policy_lint(set, print_warning, NULL), unmatched = 0;
        if (n_roots && !globs_under_roots(set, roots, n_roots, &unmatched)) {
            pd_policy_destroy(set);
            code = PD_EXIT_FATAL;
            goto done;
        }
        warnings += unmatched;
        printf("ok: %zu file%s valid; %zu rules loaded%s", n, n == 1 ? "" : "s", pd_policy_rule_count(set),
               no_defaults ? "" : " with the shipped policies");
        printf(warnings ? "; %zu warning%s\n" : "\n", warnings, warnings == 1 ? "" : "s");
        if (warnings && strict) {
            fprintf(stderr, "pdpscan policy check: --strict: %zu warning%s\n", warnings, warnings == 1 ? "" : "s");
            code = PD_EXIT_FATAL;
        }
    } else if (strcmp(sub, "list") == 0) {
        pd_report_policy_list(set, stdout);
    } else if (!pd_report_policy_explain(set, rule, stdout)) {
        fprintf(stderr, "pdpscan policy explain: no rule '%s' (see 'pdpscan policy list')\n", rule);
        code = PD_EXIT_FATAL;
    }
    pd_policy_destroy(set);
done:
    free(files);
    free(roots);
    return code;
}


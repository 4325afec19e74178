/* Roots: however a root is spelled, a unit's canonical and identity paths are the same; a root's
 * trailing slashes, "/" itself, a file root and archive members join without doubled or missing
 * slashes; --root-id replaces the canonical path in the identity only; counts must match. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/roots.h"
#include "tests/unit/check.h"

/* The canonical and identity paths of a unit at path under the single root given. */
static void paths_of(const char *given, const char *id, const char *path, char **canonical, char **identity)
{
    char *roots[1] = {(char *)given}, *ids[1] = {(char *)id};
    struct pd_roots r;
    struct pd_diag diag = {{0}};
    *canonical = *identity = NULL;
    if (pd_roots_resolve(roots, 1, ids, id ? 1 : 0, &r, &diag) != PD_OK)
        return;
    struct pd_unit *u = pd_unit_create(path);
    if (u) {
        pd_unit_set_root(u, &r.v[0]);
        *canonical = pd_unit_canonical_path(u);
        *identity = pd_unit_identity_path(u);
        pd_unit_destroy(u);
    }
    pd_roots_free(&r);
}

static void expect(const char *given, const char *id, const char *path, const char *canonical, const char *identity)
{
    char *c, *i;
    paths_of(given, id, path, &c, &i);
    CHECK_MSG(c && strcmp(c, canonical) == 0, "%s under %s: canonical %s, expected %s", path, given, c ? c : "NULL",
              canonical);
    CHECK_MSG(i && strcmp(i, identity) == 0, "%s under %s: identity %s, expected %s", path, given, i ? i : "NULL",
              identity);
    free(c);
    free(i);
}

int main(void)
{
    char dir[] = "/tmp/pdpscan-roots.XXXXXX", cwd[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 64];
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof cwd) || chdir(dir) != 0 || mkdir("share", 0700) != 0 ||
        symlink("share", "link") != 0 || !realpath(dir, real))
        return 99;
    snprintf(want, sizeof want, "%s/share/a.txt", real);
    expect("share", NULL, "share/a.txt", want, want);
    expect("./share", NULL, "./share/a.txt", want, want);
    expect("share/", NULL, "share/a.txt", want, want);
    expect("share//", NULL, "share//a.txt", want, want);
    expect("link", NULL, "link/a.txt", want, want);
    expect("./share/../share", NULL, "./share/../share/a.txt", want, want);
    expect("share", "nas", "share/a.txt", want, "nas/a.txt");
    expect("share/", "nas/", "share/a.txt", want, "nas/a.txt");
    snprintf(want, sizeof want, "%s/share", real);
    expect("share/", NULL, "share/", want, want); /* the root itself */
    expect("share", "nas", "share", want, "nas");
    /* a file root and its members: the member follows its file directly */
    FILE *f = fopen("share/a.zip", "w");
    if (!f || fclose(f) != 0)
        return 99;
    snprintf(want, sizeof want, "%s/share/a.zip!x/y.txt", real);
    expect("share/a.zip", NULL, "share/a.zip!x/y.txt", want, want);
    expect("./share/a.zip", "z", "./share/a.zip!x/y.txt", want, "z!x/y.txt");
    /* "/" as the root */
    expect("/", NULL, "/etc/hosts", "/etc/hosts", "/etc/hosts");
    expect("/", NULL, "/", "/", "/");
    expect("/", "host1", "/etc/hosts", "/etc/hosts", "host1/etc/hosts");
    /* a missing root is made absolute, so that its error unit still has a canonical path */
    snprintf(want, sizeof want, "%s/gone", real);
    expect("gone", NULL, "gone", want, want);
    /* a unit outside any root (a database table) keeps its own path */
    struct pd_unit *u = pd_unit_create("sqlite:db.sqlite#main.t");
    char *c = u ? pd_unit_canonical_path(u) : NULL, *i = u ? pd_unit_identity_path(u) : NULL;
    CHECK(c && i && strcmp(c, "sqlite:db.sqlite#main.t") == 0 && strcmp(i, c) == 0);
    free(c);
    free(i);
    pd_unit_destroy(u);
    /* one id per filesystem root: database roots take none */
    char *roots[3] = {"share", "postgresql://h/db", "link"}, *ids[2] = {"a", "b"};
    struct pd_roots r;
    struct pd_diag diag = {{0}};
    CHECK(pd_roots_resolve(roots, 3, ids, 1, &r, &diag) == PD_ERR_USAGE && strstr(diag.text, "1 time for 2"));
    CHECK(pd_roots_resolve(roots, 3, ids, 2, &r, &diag) == PD_OK && r.n == 3 && strcmp(r.v[2].id, "b") == 0 &&
          !r.v[1].canonical && !r.v[1].id);
    pd_roots_free(&r);

    if (chdir(cwd) != 0)
        return 99;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 99;
    return check_done();
}

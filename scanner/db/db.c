/* The shared database driver: roots, the backend table, table lists, and the prologue every
 * table scan shares (the worker's connection, the column check, the unit's name and type). A
 * table's connection string stays in memory and never reaches a report or a message: units are
 * named by the display form, without any password. */
#include "scanner/db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/db/db-int.h"
#include "text/labels.h"
#include "scanner/worker-int.h"

static const struct pd_db_backend *const backends[] = {
#define PD_DB_BACKEND(name) &pd_db_##name,
#include "scanner/db/backend_list.h"
#undef PD_DB_BACKEND
};

static const struct pd_db_backend *backend_for(const char *root)
{
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (backends[i]->claims(root))
            return backends[i];
    return NULL;
}

bool pd_database_root(const char *root) { return backend_for(root) != NULL; }

struct pd_db_table *pd_db_table_create(const struct pd_db_backend *b, const char *conn, const char *schema,
                                       const char *table, const char *display)
{
    struct pd_db_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->backend = b;
    t->conn = strdup(conn);
    t->schema = strdup(schema);
    t->table = strdup(table);
    t->display = strdup(display);
    if (!t->conn || !t->schema || !t->table || !t->display) {
        pd_db_table_destroy(t);
        return NULL;
    }
    return t;
}

void pd_db_table_destroy(struct pd_db_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_columns; i++) {
        free(t->columns[i]);
        free(t->types[i]);
    }
    free(t->columns);
    free(t->types);
    free(t->conn);
    free(t->schema);
    free(t->table);
    free(t->display);
    free(t);
}

bool pd_db_table_add_column(struct pd_db_table *t, const char *name, const char *type)
{
    char **nc = realloc(t->columns, (t->n_columns + 1) * sizeof *nc);
    if (!nc)
        return false;
    t->columns = nc;
    char **nt = realloc(t->types, (t->n_columns + 1) * sizeof *nt);
    if (!nt)
        return false;
    t->types = nt;
    nt[t->n_columns] = type ? strdup(type) : NULL;
    if (!(nc[t->n_columns] = strdup(name)) || (type && !nt[t->n_columns])) {
        free(nc[t->n_columns]);
        free(nt[t->n_columns]);
        return false;
    }
    t->n_columns++;
    return true;
}

bool pd_db_birth_date_column(const char *name, const char *type)
{
    char label[PD_LABEL_MAX];
    return pd_label_for_column(name, type, label) == PD_LABEL_KNOWN && strcmp(label, "ngay sinh") == 0;
}

bool pd_db_tables_push(struct pd_db_tables *list, struct pd_db_table *t)
{
    struct pd_db_table **ni = t ? realloc(list->items, (list->n + 1) * sizeof *ni) : NULL;
    if (!ni) {
        pd_db_table_destroy(t);
        return false;
    }
    list->items = ni;
    ni[list->n++] = t;
    return true;
}

void pd_db_tables_clear(struct pd_db_tables *list)
{
    for (size_t i = 0; i < list->n; i++)
        pd_db_table_destroy(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

char *pd_db_table_name(const struct pd_db_table *t)
{
    size_t n = strlen(t->display) + strlen(t->schema) + strlen(t->table) + 3;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%s#%s.%s", t->display, t->schema, t->table);
    return name;
}

enum pd_error pd_database_tables(const char *root, struct pd_db_table ***tables, size_t *n, char *display,
                                 size_t cap, struct pd_diag *diag)
{
    struct pd_db_tables list = {0};
    const struct pd_db_backend *b = backend_for(root);
    *tables = NULL;
    *n = 0;
    if (!b) {
        snprintf(display, cap, "%s", "(not a database)");
        return pd_fail(diag, PD_ERR_USAGE, "not a database root");
    }
    enum pd_error err = b->list(root, &list, display, cap, diag);
    *tables = list.items;
    *n = list.n;
    return err;
}

/* This worker's connection to t's database: kept from the last table of the same database,
 * closed and re-opened when the backend says it broke. NULL (cause in why) if it cannot. */
static void *worker_conn(struct pd_worker *w, const struct pd_db_table *t, char *why, size_t cap)
{
    const struct pd_db_backend *b = t->backend;
    struct pd_db_slot *slot = pd_worker_db(w);
    if (slot->conn && (slot->close != b->close || strcmp(slot->key, t->conn) != 0 || !b->alive(slot->conn))) {
        slot->close(slot->conn);
        slot->conn = NULL;
    }
    if (!slot->conn) {
        free(slot->key);
        slot->key = strdup(t->conn);
        slot->conn = b->open(t->conn, why, cap);
        slot->close = b->close;
    }
    return slot->conn;
}

struct pd_unit *pd_worker_scan_db_table(struct pd_worker *w, const struct pd_db_table *t)
{
    char *name = pd_db_table_name(t), why[512];
    struct pd_unit *u = pd_unit_create(name ? name : "(database table)");
    free(name);
    if (!u)
        return NULL;
    const struct pd_db_backend *b = t->backend;
    snprintf(u->mime, sizeof u->mime, "%s", b->mime);
    void *conn = worker_conn(w, t, why, sizeof why);
    if (!conn)
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
    else if (!t->n_columns)
        pd_unit_set(u, PD_UNIT_SKIPPED, "%s", b->no_columns);
    else
        b->scan(w, u, conn, t, t->n_columns < b->max_columns ? t->n_columns : b->max_columns);
    return u;
}

void pd_database_redact(const char *root, char *out, size_t cap)
{
    size_t o = 0;
    const char *p = root, *auth = strstr(root, "://");
    if (!cap)
        return;
    if (auth) {
        auth += 3;
        const char *end = auth + strcspn(auth, "/?");
        const char *at = memchr(auth, '@', (size_t)(end - auth));
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        size_t keep = (size_t)((colon ? colon : auth) - root);
        o = keep < cap - 1 ? keep : cap - 1;
        memcpy(out, root, o);
        p = colon ? at : auth;
    }
    if (!auth) { /* a keyword string: the password=... pair goes, quoted value and all */
        for (const char *q = root; *q && o < cap - 1;) {
            if ((q == root || q[-1] == ' ') && strncmp(q, "password", 8) == 0 && q[8 + strspn(q + 8, " ")] == '=') {
                q += 8 + strspn(q + 8, " ") + 1;
                q += strspn(q, " ");
                if (*q == '\'') {
                    for (q++; *q && *q != '\''; q += *q == '\\' && q[1] ? 2 : 1)
                        ;
                    if (*q)
                        q++;
                } else {
                    q += strcspn(q, " ");
                }
                q += strspn(q, " ");
                continue;
            }
            out[o++] = *q++;
        }
        out[o] = '\0';
        return;
    }
    while (*p && o < cap - 1) {
        /* a password=... parameter is dropped whole, with its separator */
        if ((p[0] == '?' || p[0] == '&') && strncmp(p + 1, "password=", 9) == 0) {
            const char *next = strchr(p + 1, '&');
            if (p[0] == '?' && next) {
                out[o++] = '?';
                p = next + 1;
            } else {
                p = next ? next : p + strlen(p);
            }
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
}

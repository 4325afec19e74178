/* SQLite databases: given as sqlite:///path or met during a walk (found by content). Opened
 * read-only with a busy timeout, so a locked or corrupt file becomes an error record, never a hang. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/db/db-int.h"
#include "scanner/worker-int.h"

#define MAX_COLUMNS 2000

static int open_ro(const char *path, sqlite3 **db, char *why, size_t cap)
{
    int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(*db, 2000);
        return 0;
    }
    snprintf(why, cap, "cannot open: %s", *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
    sqlite3_close(*db);
    *db = NULL;
    return -1;
}

enum pd_error pd_sqlite_list_file(const char *path, const char *display, struct pd_db_tables *out,
                                  struct pd_diag *diag)
{
    sqlite3 *db;
    char why[300];
    if (open_ro(path, &db, why, sizeof why) != 0)
        return pd_fail(diag, PD_ERR_IO, "%s: %s", display, why);
    sqlite3_stmt *st = NULL;
    enum pd_error err = PD_OK;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        err = pd_fail(diag, PD_ERR_IO, "%s: cannot list tables: %s", display, sqlite3_errmsg(db));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char *sql = sqlite3_mprintf("PRAGMA table_info(\"%w\")", name);
        sqlite3_stmt *cols = NULL;
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &cols, NULL) != SQLITE_OK) {
            err = pd_fail(diag, PD_ERR_IO, "%s: cannot read the columns of %s: %s", display, name, sqlite3_errmsg(db));
            sqlite3_free(sql);
            break;
        }
        sqlite3_free(sql);
        struct pd_db_table *t = pd_db_table_create(&pd_db_sqlite, path, "main", name, display);
        bool listed = t != NULL;
        while (listed && sqlite3_step(cols) == SQLITE_ROW)
            listed = pd_db_table_add_column(t, (const char *)sqlite3_column_text(cols, 1),
                                            (const char *)sqlite3_column_text(cols, 2));
        sqlite3_finalize(cols);
        if (!listed) {
            pd_db_table_destroy(t);
            err = PD_ERR_NOMEM;
            break;
        }
        if (!pd_db_tables_push(out, t)) {
            err = PD_ERR_NOMEM;
            break;
        }
    }
    if (!err && rc != SQLITE_DONE)
        err = pd_fail(diag, PD_ERR_IO, "%s: cannot list tables: %s", display, sqlite3_errmsg(db));
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return err;
}

static bool claims(const char *root) { return strncmp(root, "sqlite://", 9) == 0; }

static enum pd_error list_root(const char *root, struct pd_db_tables *out, char *display, size_t cap,
                               struct pd_diag *diag)
{
    snprintf(display, cap, "%s", root);
    return pd_sqlite_list_file(root + 9, display, out, diag);
}

struct sqlite_rows {
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t n;
    const char *values[MAX_COLUMNS];
};

static int sqlite_next(void *ctx, const char *const **values, char *why, size_t cap)
{
    struct sqlite_rows *r = ctx;
    int rc = sqlite3_step(r->st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        snprintf(why, cap, "query failed: %s", sqlite3_errmsg(r->db));
        return -1;
    }
    for (size_t i = 0; i < r->n; i++)
        r->values[i] = (const char *)sqlite3_column_text(r->st, (int)i);
    *values = r->values;
    return 1;
}

static void *open_conn(const char *path, char *why, size_t cap)
{
    sqlite3 *db;
    return open_ro(path, &db, why, cap) == 0 ? db : NULL;
}

static bool alive(void *db) { return db != NULL; }

static void close_conn(void *db) { sqlite3_close(db); }

static void scan_table(struct pd_worker *w, struct pd_unit *u, void *conn, const struct pd_db_table *t, size_t n)
{
    sqlite3 *db = conn;
    /* SELECT "a", "b" FROM "t" LIMIT n: every column, whatever its declared type (SQLite's are advisory) */
    sqlite3_str *sql = sqlite3_str_new(db);
    sqlite3_str_appendall(sql, "SELECT ");
    for (size_t i = 0; i < n; i++)
        sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "", t->columns[i]);
    sqlite3_str_appendf(sql, " FROM \"%w\"", t->table);
    uint64_t sample = pd_worker_config_of(w)->db_sample;
    if (sample)
        sqlite3_str_appendf(sql, " LIMIT %llu", (unsigned long long)sample);
    char *query = sqlite3_str_finish(sql);
    struct sqlite_rows rows = {.db = db, .n = n};
    if (!query || sqlite3_prepare_v2(db, query, -1, &rows.st, NULL) != SQLITE_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "query failed: %s", sqlite3_errmsg(db));
    } else {
        struct pd_table_reader reader = {.n_columns = n, .columns = (const char *const *)t->columns,
                                         .types = (const char *const *)t->types, .next = sqlite_next, .ctx = &rows};
        pd_worker_scan_table(w, u, &reader);
    }
    sqlite3_finalize(rows.st);
    sqlite3_free(query);
}

const struct pd_db_backend pd_db_sqlite = {
    .mime = "application/vnd.sqlite3",
    .claims = claims,
    .list = list_root,
    .open = open_conn,
    .alive = alive,
    .close = close_conn,
    .max_columns = MAX_COLUMNS,
    .no_columns = "table has no columns",
    .scan = scan_table,
};

/* ---- SQLite files met during a walk ---- */

static bool accepts(const char *mime)
{
    return strcmp(mime, "application/vnd.sqlite3") == 0 || strcmp(mime, "application/x-sqlite3") == 0;
}

static void scan(struct pd_worker *w, struct pd_unit *u, struct pd_source *src, unsigned depth)
{
    if (depth > 0 || src->fd < 0) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "SQLite database inside a container: not read (scan it extracted)");
        return;
    }
    struct pd_db_tables tables = {0};
    struct pd_diag diag;
    if (pd_sqlite_list_file(u->path, u->path, &tables, &diag) != PD_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", diag.text);
    } else {
        for (size_t i = 0; i < tables.n; i++) {
            struct pd_unit *t = pd_worker_scan_db_table(w, tables.items[i]);
            if (t)
                pd_worker_emit(w, t);
        }
        u->bytes_scanned = u->size;
    }
    u->encoding = NULL;
    pd_db_tables_clear(&tables);
}

const struct pd_format pd_format_sqlite = {
    .accepts = accepts,
    .scan = scan,
};

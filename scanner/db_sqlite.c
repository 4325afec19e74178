/* SQLite databases: given as sqlite:///path or met during a walk (found by content). Opened
 * read-only with a busy timeout, so a locked or corrupt file becomes an error record, never a hang. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/database-int.h"
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

static char *quote_ident(const char *name)
{
    char *q = sqlite3_mprintf("\"%w\"", name);
    char *copy = q ? strdup(q) : NULL;
    sqlite3_free(q);
    return copy;
}

/* Lists tables and their columns as jobs (kind "sqlite"). */
static enum pd_error list_tables(const char *path, const char *display, char ***jobs, size_t *n, struct pd_diag *diag)
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
        const char *table = (const char *)sqlite3_column_text(st, 0);
        char *q = quote_ident(table);
        char *sql = q ? sqlite3_mprintf("PRAGMA table_info(%s)", q) : NULL;
        free(q);
        sqlite3_stmt *cols = NULL;
        size_t len = 0, cap = 0;
        char *list = NULL;
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &cols, NULL) != SQLITE_OK) {
            err = pd_fail(diag, PD_ERR_IO, "%s: cannot read the columns of %s: %s", display, table, sqlite3_errmsg(db));
            sqlite3_free(sql);
            free(list);
            break;
        }
        sqlite3_free(sql);
        bool listed = true;
        while (listed && sqlite3_step(cols) == SQLITE_ROW)
            listed = pd_db_list_append(&list, &len, &cap, (const char *)sqlite3_column_text(cols, 1));
        sqlite3_finalize(cols);
        if (!listed || !pd_db_jobs_push(jobs, n, pd_db_job_make("sqlite", path, "main", table, list ? list : "", display))) {
            free(list);
            err = PD_ERR_NOMEM;
            break;
        }
        free(list);
    }
    if (!err && rc != SQLITE_DONE)
        err = pd_fail(diag, PD_ERR_IO, "%s: cannot list tables: %s", display, sqlite3_errmsg(db));
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return err;
}

enum pd_error pd_sqlite_tables(const char *path, char ***jobs, size_t *n, char *display, size_t cap,
                               struct pd_diag *diag)
{
    snprintf(display, cap, "sqlite://%s", path);
    return list_tables(path, display, jobs, n, diag);
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

void pd_sqlite_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_db_job *j)
{
    char why[300];
    sqlite3 *db;
    if (open_ro(j->conn, &db, why, sizeof why) != 0) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
        return;
    }
    char *list = strdup(j->columns);
    const char **names = calloc(MAX_COLUMNS, sizeof *names);
    size_t n = list && names ? pd_db_split_columns(list, names, MAX_COLUMNS) : 0;
    /* SELECT "a", "b" FROM "t" LIMIT n: every column, whatever its declared type (SQLite's are advisory) */
    sqlite3_str *sql = sqlite3_str_new(db);
    sqlite3_str_appendall(sql, "SELECT ");
    for (size_t i = 0; i < n; i++)
        sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "", names[i]);
    sqlite3_str_appendf(sql, " FROM \"%w\"", j->table);
    uint64_t sample = pd_worker_config_of(w)->db_sample;
    if (sample)
        sqlite3_str_appendf(sql, " LIMIT %llu", (unsigned long long)sample);
    char *query = sqlite3_str_finish(sql);
    struct sqlite_rows rows = {.db = db, .n = n};
    if (!n) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "table has no columns");
    } else if (!query || sqlite3_prepare_v2(db, query, -1, &rows.st, NULL) != SQLITE_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "query failed: %s", sqlite3_errmsg(db));
    } else {
        struct pd_table_reader reader = {.n_columns = n, .columns = names, .next = sqlite_next, .ctx = &rows};
        pd_worker_scan_table(w, u, &reader);
    }
    sqlite3_finalize(rows.st);
    sqlite3_free(query);
    sqlite3_close(db);
    free(names);
    free(list);
}

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
    char **jobs = NULL;
    size_t n = 0;
    struct pd_diag diag;
    if (list_tables(u->path, u->path, &jobs, &n, &diag) != PD_OK) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", diag.text);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct pd_unit *t = pd_worker_scan_db_job(w, jobs[i]);
            if (t)
                pd_worker_emit(w, t);
        }
        u->bytes_scanned = u->size;
    }
    u->encoding = NULL;
    for (size_t i = 0; i < n; i++)
        free(jobs[i]);
    free(jobs);
}

const struct pd_handler pd_handler_sqlite = {
    .name = "sqlite",
    .accepts = accepts,
    .scan = scan,
};

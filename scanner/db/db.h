/* Databases as sources: a table is a unit ("postgresql://auditor@db1:5432/crm#public.customers",
 * "share/app.db#main.users"); its rows are sampled (or read whole) through read-only
 * transactions and server-side cursors, column by column, with the column name as context.
 * Findings carry "...#schema.table.column" and the row number; the unit also gets per-column
 * aggregates (detector, count, share of rows, distinct values, best confidence, masked examples).
 * Each engine is a backend in scanner/db/backend_list.h; nothing outside this folder names one. */
#ifndef PD_DB_H
#define PD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "scanner/unit.h"
#include "scanner/worker.h"

struct pd_db_backend;

/* One table to scan: what a worker needs to reach it. The connection string may hold a password:
 * it stays in memory and never reaches a report or a message (see pd_db_table_name). */
struct pd_db_table {
    const struct pd_db_backend *backend;
    char *conn;    /* connection string or SQLite path */
    char *schema;
    char *table;
    char *display; /* the database as it may be shown: no password */
    char **columns; /* the columns to read, in table order */
    char **types;   /* their SQL types as the database names them (NULL entries: unknown) */
    size_t n_columns;
};

void pd_db_table_destroy(struct pd_db_table *t);

/* The unit name of a table, "display#schema.table" (malloc'd; NULL when memory runs out). */
char *pd_db_table_name(const struct pd_db_table *t);

/* True if root names a database rather than a path: sqlite://, postgresql://, postgres://,
 * mariadb://, mysql://, or a libpq keyword string. */
bool pd_database_root(const char *root);

/* Lists the tables of a database root (*tables malloc'd, each freed with pd_db_table_destroy)
 * and the root with any password removed, for messages and reports. On a failure to connect or
 * list, returns an error with the cause in diag (which never holds the password). */
enum pd_error pd_database_tables(const char *root, struct pd_db_table ***tables, size_t *n, char *display,
                                 size_t cap, struct pd_diag *diag);

/* Copies root into out with any password removed ("user:secret@" -> "user@", "password=" query
 * parameters dropped): how a database root may appear in reports and messages. */
void pd_database_redact(const char *root, char *out, size_t cap);

/* Scans one table over this worker's connection to its database (opened on first use, kept for
 * the next table of the same database). NULL when memory runs out. */
struct pd_unit *pd_worker_scan_db_table(struct pd_worker *w, const struct pd_db_table *t);

#endif

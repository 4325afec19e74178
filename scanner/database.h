/* Databases as sources: a table is a unit ("postgresql://auditor@db1:5432/crm#public.customers",
 * "share/app.db#main.users"); its rows are sampled (or read whole) through read-only
 * transactions and server-side cursors, column by column, with the column name as context.
 * Findings carry "...#schema.table.column" and the row number; the unit also gets per-column
 * aggregates (detector, count, share of rows, distinct values, best confidence, masked examples). */
#ifndef PD_DATABASE_H
#define PD_DATABASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/error.h"
#include "scanner/unit.h"
#include "scanner/worker.h"

/* Rows of one table, as text. */
struct pd_table_reader {
    size_t n_columns;
    const char *const *columns;
    /* Next row: values[i] is NUL-terminated text or NULL (SQL NULL), valid until the next call.
     * Returns 1 for a row, 0 at the end, -1 on failure with the cause in why. */
    int (*next)(void *ctx, const char *const **values, char *why, size_t cap);
    void *ctx;
};

/* Scans rows from r into u (status, findings, column aggregates). */
void pd_worker_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_table_reader *r);

/* True if root names a database rather than a path: sqlite://, postgresql://, postgres://,
 * mariadb://, mysql://. */
bool pd_database_root(const char *root);

/* Lists the tables of a database root as job strings for the workers (each malloc'd) and the
 * root with any password removed, for messages and reports. On a failure to connect or list,
 * returns an error with the cause in diag (which never holds the password). */
enum pd_error pd_database_tables(const char *root, char ***jobs, size_t *n, char *display, size_t cap,
                                 struct pd_diag *diag);

/* Copies root into out with any password removed ("user:secret@" -> "user@", "password=" query
 * parameters dropped): how a database root may appear in reports and messages. */
void pd_database_redact(const char *root, char *out, size_t cap);

/* True if a job string is a database table (as made by pd_database_tables). */
bool pd_database_job(const char *job);

/* The unit name of a job, "display#schema.table" (malloc'd): never the connection string. */
char *pd_database_job_name(const char *job);

/* Scans the table a job names, over this worker's connection to that database (opened on first
 * use, kept for the next table of the same database). */
struct pd_unit *pd_worker_scan_db_job(struct pd_worker *w, const char *job);

#endif

/* Internals shared by the database sources. */
#ifndef PD_DATABASE_INT_H
#define PD_DATABASE_INT_H

#include "scanner/database.h"

struct pd_db_job {
    char *storage;
    const char *kind, *conn, *schema, *table, *columns, *display; /* columns: '\x1e'-separated */
};

char *pd_db_job_make(const char *kind, const char *conn, const char *schema, const char *table, const char *columns,
                     const char *display);
bool pd_db_job_parse(const char *job, struct pd_db_job *out);

/* Splits a '\x1e'-separated column list in place; returns the count (names points into list). */
size_t pd_db_split_columns(char *list, const char **names, size_t max);

enum pd_error pd_sqlite_tables(const char *path, char ***jobs, size_t *n, char *display, size_t cap,
                               struct pd_diag *diag);
void pd_sqlite_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_db_job *j);
enum pd_error pd_postgres_tables(const char *conninfo, char ***jobs, size_t *n, char *display, size_t cap,
                                 struct pd_diag *diag);
void pd_postgres_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_db_job *j);

enum pd_error pd_mariadb_tables(const char *uri, char ***jobs, size_t *n, char *display, size_t cap,
                                struct pd_diag *diag);
void pd_mariadb_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_db_job *j);

/* Appends a job to a growable list; false when memory runs out. */
bool pd_db_jobs_push(char ***jobs, size_t *n, char *job);

#endif

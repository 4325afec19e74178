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

/* This worker's connection for a connection string: kept from the last table of the same
 * database, closed and re-opened when alive() says it broke. NULL (cause in why) if it cannot. */
void *pd_db_worker_conn(struct pd_worker *w, const char *conninfo, bool (*alive)(void *conn),
                        void *(*open)(const char *conninfo, char *why, size_t cap), void (*close)(void *conn),
                        char *why, size_t cap);

/* Appends a column name to a '\x1e'-separated list; false when memory runs out. */
bool pd_db_list_append(char **list, size_t *len, size_t *cap, const char *name);

/* Appends a job to a growable list; false when memory runs out. */
bool pd_db_jobs_push(char ***jobs, size_t *n, char *job);

#endif

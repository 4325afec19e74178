/* The database backend interface: one struct per engine, listed in backend_list.h. The shared
 * driver (db.c) keeps the worker's connection, checks the column list, and names the unit; the
 * backend lists tables and turns one table's rows into a pd_table_reader for rows.c. */
#ifndef PD_DB_INT_H
#define PD_DB_INT_H

#include "scanner/db/db.h"

/* A growable list of tables, filled by a backend's list(). */
struct pd_db_tables {
    struct pd_db_table **items;
    size_t n;
};

struct pd_db_backend {
    const char *mime;      /* the type of its table units */
    bool (*claims)(const char *root);
    /* Lists root's tables into the list; display gets the root without its password. */
    enum pd_error (*list)(const char *root, struct pd_db_tables *out, char *display, size_t cap,
                          struct pd_diag *diag);
    void *(*open)(const char *conn, char *why, size_t cap);
    bool (*alive)(void *conn);
    void (*close)(void *conn);
    size_t max_columns;    /* columns read per table, at most */
    const char *no_columns; /* why a table with no column to read is skipped */
    /* Reads the first n of t's columns over conn into u (status, findings, aggregates). */
    void (*scan)(struct pd_worker *w, struct pd_unit *u, void *conn, const struct pd_db_table *t, size_t n);
};

/* A new table with no columns yet (NULL when memory runs out). */
struct pd_db_table *pd_db_table_create(const struct pd_db_backend *b, const char *conn, const char *schema,
                                       const char *table, const char *display);
/* Appends a column and its SQL type (NULL: unknown); false when memory runs out. */
bool pd_db_table_add_column(struct pd_db_table *t, const char *name, const char *type);

/* Whether a column of a date or time type is a birth date by its name (birth_date, ngay_sinh):
 * the only date columns worth reading. */
bool pd_db_birth_date_column(const char *name, const char *type);
/* Appends t to the list (taking it); false, with t destroyed, when memory runs out. */
bool pd_db_tables_push(struct pd_db_tables *list, struct pd_db_table *t);
void pd_db_tables_clear(struct pd_db_tables *list);

/* Rows of one table, as text. */
struct pd_table_reader {
    size_t n_columns;
    const char *const *columns;
    const char *const *types; /* the columns' SQL types (NULL, or NULL entries: unknown) */
    /* Next row: values[i] is NUL-terminated text or NULL (SQL NULL), valid until the next call.
     * Returns 1 for a row, 0 at the end, -1 on failure with the cause in why. */
    int (*next)(void *ctx, const char *const **values, char *why, size_t cap);
    void *ctx;
};

/* Scans rows from r into u (status, findings, column aggregates): rows.c. */
void pd_worker_scan_table(struct pd_worker *w, struct pd_unit *u, const struct pd_table_reader *r);

/* Lists a SQLite file's tables (display: how the file is named in units). */
enum pd_error pd_sqlite_list_file(const char *path, const char *display, struct pd_db_tables *out,
                                  struct pd_diag *diag);

#define PD_DB_BACKEND(name) extern const struct pd_db_backend pd_db_##name;
#include "scanner/db/backend_list.h"
#undef PD_DB_BACKEND

#endif

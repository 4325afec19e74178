/* PostgreSQL through libpq: every form of connection string libpq knows (URIs, keyword strings,
 * PGPASSWORD, .pgpass, service files). The session is read-only with statement and lock
 * timeouts, rows come through a server-side cursor, and sampling uses TABLESAMPLE when the table
 * is large, so a scan never blocks or changes production. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/db/db-int.h"
#include "util/dynlib.h"
#include "scanner/worker-int.h"

/* libpq is opened on first use (dynlib.h); these are the functions called through it. */
#define PQ_FUNCTIONS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQhost) X(PQport) X(PQdb) X(PQuser) \
    X(PQconninfoParse) X(PQconninfoFree) X(PQexec) X(PQresultStatus) X(PQresultErrorMessage) X(PQntuples) \
    X(PQgetvalue) X(PQclear) X(PQgetisnull) X(PQescapeIdentifier) X(PQfreemem)
PD_DYNLIB_DEFINE(pq, libpq, PQ_FUNCTIONS, "libpq.so.5", "the PostgreSQL client library", "libpq5");

#define FETCH_ROWS 500
#define MAX_COLUMNS 1600

static PGconn *connect_ro(const char *conninfo, char *why, size_t cap)
{
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
    const char *vals[] = {conninfo, "10", "pdpscan",
                          "-c default_transaction_read_only=on -c statement_timeout=120000 -c lock_timeout=5000 "
                          "-c idle_in_transaction_session_timeout=600000",
                          NULL};
    if (!pd_dynlib_load(&libpq, why, cap))
        return NULL;
    PGconn *c = pq.PQconnectdbParams(keys, vals, 1);
    if (c && pq.PQstatus(c) == CONNECTION_OK)
        return c;
    /* libpq's message names host, port and user, never the password */
    snprintf(why, cap, "connection failed: %s", c ? pq.PQerrorMessage(c) : "out of memory");
    for (char *p = why; *p; p++)
        if (*p == '\n')
            *p = *(p + 1) ? ' ' : '\0';
    pq.PQfinish(c);
    return NULL;
}

static void display_of(PGconn *c, const char *conninfo, char *out, size_t cap)
{
    const char *host = pq.PQhost(c), *port = pq.PQport(c), *db = pq.PQdb(c), *user = pq.PQuser(c);
    (void)conninfo;
    snprintf(out, cap, "postgresql://%s@%s:%s/%s", user ? user : "", host && *host != '/' ? host : "localhost",
             port ? port : "5432", db ? db : "");
}

static void strip_newlines(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = *(p + 1) ? ' ' : '\0';
}

/* Column types that can hold identifiers written as text or numbers. */
static bool readable_type(const char *t)
{
    static const char *const prefixes[] = {"character", "text", "json", "xml", "bigint", "integer", "numeric",
                                           "citext", "name", NULL};
    for (int i = 0; prefixes[i]; i++)
        if (strncmp(t, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* libpq's keyword form, "host=db1 dbname=crm user=auditor", when no file has that name. */
static bool keyword_string(const char *root)
{
    static const char *const keys[] = {"host=", "hostaddr=", "port=", "dbname=", "user=", "service=", NULL};
    struct stat st;
    for (int i = 0; keys[i]; i++)
        if (strncmp(root, keys[i], strlen(keys[i])) == 0)
            return stat(root, &st) != 0;
    return false;
}

static bool claims(const char *root)
{
    return strncmp(root, "postgresql://", 13) == 0 || strncmp(root, "postgres://", 11) == 0 || keyword_string(root);
}

static enum pd_error list_tables(const char *conninfo, struct pd_db_tables *out, char *display, size_t cap,
                                 struct pd_diag *diag)
{
    char why[512];
    snprintf(display, cap, "postgresql://(unreachable)");
    if (!pd_dynlib_load(&libpq, why, sizeof why)) /* nothing below may call libpq without it */
        return pd_fail(diag, PD_ERR_IO, "%s", why);
    PGconn *c = connect_ro(conninfo, why, sizeof why);
    if (!c) {
        /* name the database without its password: libpq parses the string for us */
        PQconninfoOption *opts = pq.PQconninfoParse(conninfo, NULL);
        const char *host = NULL, *port = NULL, *db = NULL, *user = NULL;
        for (PQconninfoOption *o = opts; o && o->keyword; o++) {
            if (!o->val)
                continue;
            if (strcmp(o->keyword, "host") == 0)
                host = o->val;
            else if (strcmp(o->keyword, "port") == 0)
                port = o->val;
            else if (strcmp(o->keyword, "dbname") == 0)
                db = o->val;
            else if (strcmp(o->keyword, "user") == 0)
                user = o->val;
        }
        snprintf(display, cap, "postgresql://%s@%s:%s/%s", user ? user : "", host ? host : "localhost",
                 port ? port : "5432", db ? db : "");
        pq.PQconninfoFree(opts);
        return pd_fail(diag, PD_ERR_IO, "%s", why);
    }
    display_of(c, conninfo, display, cap);
    /* pg_catalog, not information_schema: tables the role may not read must be listed too, so that
     * they are reported as errors instead of silently missing */
    PGresult *r = pq.PQexec(c, "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
                            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "JOIN pg_attribute a ON a.attrelid = c.oid "
                            "WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped "
                            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                            "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                            "ORDER BY 1, 2, a.attnum");
    enum pd_error err = PD_OK;
    if (pq.PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(why, sizeof why, "%s", pq.PQresultErrorMessage(r));
        strip_newlines(why);
        err = pd_fail(diag, PD_ERR_IO, "%s: cannot list tables: %s", display, why);
    }
    int rows = err ? 0 : pq.PQntuples(r);
    for (int i = 0; i < rows && !err;) {
        const char *schema = pq.PQgetvalue(r, i, 0), *table = pq.PQgetvalue(r, i, 1);
        struct pd_db_table *t = pd_db_table_create(&pd_db_postgres, conninfo, schema, table, display);
        if (!t)
            err = PD_ERR_NOMEM;
        int k = i;
        for (; k < rows && strcmp(pq.PQgetvalue(r, k, 0), schema) == 0 && strcmp(pq.PQgetvalue(r, k, 1), table) == 0; k++)
            if (!err && (readable_type(pq.PQgetvalue(r, k, 3)) || strstr(pq.PQgetvalue(r, k, 3), "[]") ||
                         pd_db_birth_date_column(pq.PQgetvalue(r, k, 2), pq.PQgetvalue(r, k, 3))) &&
                !pd_db_table_add_column(t, pq.PQgetvalue(r, k, 2), pq.PQgetvalue(r, k, 3)))
                err = PD_ERR_NOMEM;
        if (err)
            pd_db_table_destroy(t);
        else if (!pd_db_tables_push(out, t))
            err = PD_ERR_NOMEM;
        i = k;
    }
    pq.PQclear(r);
    pq.PQfinish(c);
    return err;
}

struct pg_rows {
    PGconn *c;
    PGresult *batch;
    int row, n;
    size_t ncols;
    const char *values[MAX_COLUMNS];
};

static int pg_next(void *ctx, const char *const **values, char *why, size_t cap)
{
    struct pg_rows *p = ctx;
    if (!p->batch || p->row >= p->n) {
        pq.PQclear(p->batch);
        p->batch = pq.PQexec(p->c, "FETCH " "500" " FROM pdpscan_rows");
        if (pq.PQresultStatus(p->batch) != PGRES_TUPLES_OK) {
            snprintf(why, cap, "%s%s", pq.PQstatus(p->c) == CONNECTION_BAD ? "connection lost: " : "query failed: ",
                     pq.PQerrorMessage(p->c));
            strip_newlines(why);
            return -1;
        }
        p->n = pq.PQntuples(p->batch);
        p->row = 0;
        if (p->n == 0)
            return 0;
    }
    for (size_t i = 0; i < p->ncols; i++)
        p->values[i] = pq.PQgetisnull(p->batch, p->row, (int)i) ? NULL : pq.PQgetvalue(p->batch, p->row, (int)i);
    p->row++;
    *values = p->values;
    return 1;
}

static bool exec_ok(PGconn *c, const char *sql, char *why, size_t cap)
{
    PGresult *r = pq.PQexec(c, sql);
    bool ok = pq.PQresultStatus(r) == PGRES_COMMAND_OK || pq.PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) {
        snprintf(why, cap, "%s%s", pq.PQstatus(c) == CONNECTION_BAD ? "connection lost: " : "query failed: ",
                 pq.PQresultErrorMessage(r));
        strip_newlines(why);
    }
    pq.PQclear(r);
    return ok;
}

static void close_conn(void *c) { pq.PQfinish(c); }

static bool alive(void *c) { return pq.PQstatus(c) == CONNECTION_OK; }

static void *open_conn(const char *conninfo, char *why, size_t cap) { return connect_ro(conninfo, why, cap); }

static void scan_table(struct pd_worker *w, struct pd_unit *u, void *conn, const struct pd_db_table *t, size_t n)
{
    char why[512];
    PGconn *c = conn;
    char *const *names = t->columns;
    char *qs = pq.PQescapeIdentifier(c, t->schema, strlen(t->schema)), *qt = pq.PQescapeIdentifier(c, t->table, strlen(t->table));
    uint64_t sample = pd_worker_config_of(w)->db_sample;
    size_t cap = 512 + n * 80;
    char *sql = malloc(cap);
    struct pg_rows rows = {.c = c, .ncols = n};
    if (!qs || !qt || !sql) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory");
        goto done;
    }
    if (!exec_ok(c, "BEGIN TRANSACTION READ ONLY", why, sizeof why) ||
        !exec_ok(c, "SET LOCAL statement_timeout = '120s'", why, sizeof why) ||
        !exec_ok(c, "SET LOCAL lock_timeout = '5s'", why, sizeof why)) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
        goto done;
    }
    /* server-side sampling when the table is much larger than the sample */
    char tablesample[96] = "";
    if (sample) {
        snprintf(sql, cap, "SELECT reltuples FROM pg_class WHERE oid = '%s.%s'::regclass", qs, qt);
        PGresult *r = pq.PQexec(c, sql);
        double est = pq.PQresultStatus(r) == PGRES_TUPLES_OK && pq.PQntuples(r) ? atof(pq.PQgetvalue(r, 0, 0)) : 0;
        pq.PQclear(r);
        if (est > 4.0 * (double)sample)
            snprintf(tablesample, sizeof tablesample, " TABLESAMPLE SYSTEM (%.6f)", 400.0 * (double)sample / est);
    }
    size_t o = (size_t)snprintf(sql, cap, "DECLARE pdpscan_rows NO SCROLL CURSOR FOR SELECT ");
    for (size_t i = 0; i < n; i++) {
        char *qc = pq.PQescapeIdentifier(c, names[i], strlen(names[i]));
        if (qc && o < cap)
            o += (size_t)snprintf(sql + o, cap - o, "%s%s::text", i ? ", " : "", qc);
        pq.PQfreemem(qc);
    }
    if (o < cap)
        o += (size_t)snprintf(sql + o, cap - o, " FROM %s.%s%s", qs, qt, tablesample);
    if (sample && o < cap)
        snprintf(sql + o, cap - o, " LIMIT %llu", (unsigned long long)sample);
    if (!exec_ok(c, sql, why, sizeof why)) {
        pd_unit_set(u, PD_UNIT_ERROR, "%s", why);
    } else {
        struct pd_table_reader reader = {.n_columns = n, .columns = (const char *const *)names,
                                         .types = (const char *const *)t->types, .next = pg_next, .ctx = &rows};
        pd_worker_scan_table(w, u, &reader);
    }
    pq.PQclear(rows.batch);
    /* never commit anything: the transaction was read-only and is simply ended */
    if (pq.PQstatus(c) == CONNECTION_OK)
        pq.PQclear(pq.PQexec(c, "ROLLBACK"));
done:
    pq.PQfreemem(qs);
    pq.PQfreemem(qt);
    free(sql);
}

const struct pd_db_backend pd_db_postgres = {
    .mime = "application/x-postgresql-table",
    .claims = claims,
    .list = list_tables,
    .open = open_conn,
    .alive = alive,
    .close = close_conn,
    .max_columns = MAX_COLUMNS,
    .no_columns = "no column of a type that can hold personal data",
    .scan = scan_table,
};

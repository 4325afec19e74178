/* MariaDB and MySQL through libmariadb: mariadb://user[:password]@host[:port]/db (or mysql://),
 * with the [client] group of the option files (~/.my.cnf) filling in what the URI leaves out.
 * The session is read-only with statement and lock timeouts; rows stream with mysql_use_result,
 * never a whole table in memory. MariaDB has no TABLESAMPLE: a sample is the first rows. */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/db/db-int.h"
#include "util/dynlib.h"
#include "scanner/worker-int.h"

/* libmariadb is opened on first use (dynlib.h); these are the functions called through it. */
#define MY_FUNCTIONS(X) \
    X(mysql_close) X(mysql_errno) X(mysql_error) X(mysql_fetch_row) X(mysql_free_result) X(mysql_init) \
    X(mysql_options) X(mysql_ping) X(mysql_query) X(mysql_real_connect) X(mysql_real_escape_string) \
    X(mysql_store_result) X(mysql_use_result)
PD_DYNLIB_DEFINE(my, libmariadb, MY_FUNCTIONS, "libmariadb.so.3", "the MariaDB client library", "libmariadb3");

#define MAX_COLUMNS 4096

struct maria_uri {
    char user[128], password[256], host[256], db[128], socket[512];
    unsigned port;
};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Copies [s, e) percent-decoded into out. */
static void decode(const char *s, const char *e, char *out, size_t cap)
{
    size_t o = 0;
    while (s < e && o + 1 < cap) {
        if (*s == '%' && e - s > 2 && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            out[o++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
            s += 3;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
}

static bool parse_uri(const char *uri, struct maria_uri *u)
{
    memset(u, 0, sizeof *u);
    const char *p = strstr(uri, "://");
    if (!p)
        return false;
    p += 3;
    const char *end = p + strcspn(p, "/?");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        decode(p, colon ? colon : at, u->user, sizeof u->user);
        if (colon)
            decode(colon + 1, at, u->password, sizeof u->password);
        p = at + 1;
    }
    const char *colon = memchr(p, ':', (size_t)(end - p));
    decode(p, colon ? colon : end, u->host, sizeof u->host);
    if (colon)
        u->port = (unsigned)strtoul(colon + 1, NULL, 10);
    p = end;
    if (*p == '/') {
        const char *q = p + 1 + strcspn(p + 1, "?");
        decode(p + 1, q, u->db, sizeof u->db);
        p = q;
    }
    while (*p == '?' || *p == '&') { /* ?socket=/run/mysqld/mysqld.sock */
        const char *amp = p + 1 + strcspn(p + 1, "&");
        if (strncmp(p + 1, "socket=", 7) == 0)
            decode(p + 8, amp, u->socket, sizeof u->socket);
        p = amp;
    }
    return true;
}

static void display_of(const struct maria_uri *u, char *out, size_t cap)
{
    snprintf(out, cap, "mariadb://%s@%s:%u/%s", u->user, u->host[0] ? u->host : "localhost", u->port ? u->port : 3306,
             u->db);
}

static MYSQL *connect_ro(const char *uri, char *why, size_t cap)
{
    struct maria_uri u;
    if (!parse_uri(uri, &u)) {
        snprintf(why, cap, "not a mariadb:// URI");
        return NULL;
    }
    if (!pd_dynlib_load(&libmariadb, why, cap))
        return NULL;
    MYSQL *m = my.mysql_init(NULL);
    if (!m) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    unsigned timeout = 10, read_timeout = 120;
    my.mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client"); /* ~/.my.cnf and friends */
    my.mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    my.mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
    my.mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!my.mysql_real_connect(m, u.host[0] ? u.host : NULL, u.user[0] ? u.user : NULL, u.password[0] ? u.password : NULL,
                            u.db[0] ? u.db : NULL, u.port, u.socket[0] ? u.socket : NULL, 0)) {
        /* MariaDB's message says whether a password was used, never which */
        snprintf(why, cap, "connection failed: %s", my.mysql_error(m));
        my.mysql_close(m);
        return NULL;
    }
    static const char *const session[] = {
        "SET SESSION TRANSACTION READ ONLY", "SET SESSION max_statement_time = 120",
        "SET SESSION lock_wait_timeout = 5", "SET SESSION innodb_lock_wait_timeout = 5", NULL};
    for (int i = 0; session[i]; i++)
        my.mysql_query(m, session[i]); /* best effort: older servers lack some of them */
    return m;
}

static bool claims(const char *root)
{
    return strncmp(root, "mariadb://", 10) == 0 || strncmp(root, "mysql://", 8) == 0;
}

static enum pd_error list_tables(const char *uri, struct pd_db_tables *out, char *display, size_t cap,
                                 struct pd_diag *diag)
{
    struct maria_uri u;
    parse_uri(uri, &u);
    display_of(&u, display, cap);
    char why[512];
    MYSQL *m = connect_ro(uri, why, sizeof why);
    if (!m)
        return pd_fail(diag, PD_ERR_IO, "%s", why);
    char sql[768];
    char esc[300] = "";
    if (u.db[0])
        my.mysql_real_escape_string(m, esc, u.db, strlen(u.db));
    snprintf(sql, sizeof sql,
             "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
             "WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') %s%s%s "
             "ORDER BY table_schema, table_name, ordinal_position",
             u.db[0] ? "AND table_schema = '" : "", esc, u.db[0] ? "'" : "");
    enum pd_error err = PD_OK;
    MYSQL_RES *res = NULL;
    if (my.mysql_query(m, sql) != 0 || !(res = my.mysql_store_result(m))) {
        err = pd_fail(diag, PD_ERR_IO, "%s: cannot list tables: %s", display, my.mysql_error(m));
        my.mysql_close(m);
        return err;
    }
    static const char *const types[] = {"char", "varchar", "text", "tinytext", "mediumtext", "longtext", "json",
                                        "enum", "set", "bigint", "int", "decimal", NULL};
    struct pd_db_table *t = NULL; /* the table whose columns come now */
    MYSQL_ROW row;
    while (!err && (row = my.mysql_fetch_row(res)) != NULL) {
        if (!t || strcmp(row[0], t->schema) != 0 || strcmp(row[1], t->table) != 0) {
            if (t && !pd_db_tables_push(out, t))
                err = PD_ERR_NOMEM;
            if (err || !(t = pd_db_table_create(&pd_db_mariadb, uri, row[0], row[1], display))) {
                err = PD_ERR_NOMEM;
                break;
            }
        }
        bool readable = false;
        for (int i = 0; types[i] && !readable; i++)
            readable = strcmp(row[3], types[i]) == 0;
        if ((readable || pd_db_birth_date_column(row[2], row[3])) && !pd_db_table_add_column(t, row[2], row[3]))
            err = PD_ERR_NOMEM;
    }
    if (t && (err || !pd_db_tables_push(out, t)))
        err = PD_ERR_NOMEM;
    my.mysql_free_result(res);
    my.mysql_close(m);
    return err;
}

struct maria_rows {
    MYSQL *m;
    MYSQL_RES *res;
    size_t n;
};

static int maria_next(void *ctx, const char *const **values, char *why, size_t cap)
{
    struct maria_rows *r = ctx;
    MYSQL_ROW row = my.mysql_fetch_row(r->res);
    if (!row) {
        if (my.mysql_errno(r->m)) {
            snprintf(why, cap, "%s: %s", my.mysql_errno(r->m) >= 2000 ? "connection lost" : "query failed", my.mysql_error(r->m));
            return -1;
        }
        return 0;
    }
    *values = (const char *const *)row;
    return 1;
}

static void close_conn(void *m) { my.mysql_close(m); }

static bool alive(void *m) { return my.mysql_ping(m) == 0; }

static void *open_conn(const char *uri, char *why, size_t cap) { return connect_ro(uri, why, cap); }

static void append_ident(char *sql, size_t cap, size_t *o, const char *name)
{
    if (*o < cap)
        sql[(*o)++] = '`';
    for (const char *p = name; *p && *o + 3 < cap; p++) {
        if (*p == '`')
            sql[(*o)++] = '`';
        sql[(*o)++] = *p;
    }
    if (*o < cap)
        sql[(*o)++] = '`';
    sql[*o < cap ? *o : cap - 1] = '\0';
}

static void scan_table(struct pd_worker *w, struct pd_unit *u, void *conn, const struct pd_db_table *t, size_t n)
{
    MYSQL *m = conn;
    char *const *names = t->columns;
    size_t cap = 256 + (n + 2) * 140, o = 0;
    char *sql = malloc(cap);
    if (!sql) {
        pd_unit_set(u, PD_UNIT_ERROR, "out of memory");
        return;
    }
    o = (size_t)snprintf(sql, cap, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        if (i && o + 2 < cap) {
            sql[o++] = ',';
            sql[o++] = ' ';
        }
        append_ident(sql, cap, &o, names[i]);
    }
    o += (size_t)snprintf(sql + o, cap - o, " FROM ");
    append_ident(sql, cap, &o, t->schema);
    if (o < cap)
        sql[o++] = '.';
    append_ident(sql, cap, &o, t->table);
    uint64_t sample = pd_worker_config_of(w)->db_sample;
    if (sample && o < cap)
        snprintf(sql + o, cap - o, " LIMIT %llu", (unsigned long long)sample);
    my.mysql_query(m, "START TRANSACTION READ ONLY");
    struct maria_rows rows = {.m = m, .n = n};
    if (my.mysql_query(m, sql) != 0 || !(rows.res = my.mysql_use_result(m))) {
        pd_unit_set(u, PD_UNIT_ERROR, "query failed: %s", my.mysql_error(m));
    } else {
        struct pd_table_reader reader = {.n_columns = n, .columns = (const char *const *)names,
                                         .types = (const char *const *)t->types, .next = maria_next, .ctx = &rows};
        pd_worker_scan_table(w, u, &reader);
        my.mysql_free_result(rows.res); /* drains what a partial read left */
    }
    my.mysql_query(m, "ROLLBACK");
    free(sql);
}

const struct pd_db_backend pd_db_mariadb = {
    .mime = "application/x-mariadb-table",
    .claims = claims,
    .list = list_tables,
    .open = open_conn,
    .alive = alive,
    .close = close_conn,
    .max_columns = MAX_COLUMNS,
    .no_columns = "no column of a type that can hold personal data",
    .scan = scan_table,
};

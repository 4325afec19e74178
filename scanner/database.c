/* Database roots and table jobs. A job string carries what a worker needs to reach one table
 * (kind, connection string, schema, table, columns, display form); it stays in memory and never
 * reaches a report or a message: units are named by the display form, without any password. */
#include "scanner/database.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/database-int.h"
#include "scanner/worker-int.h"

#define SEP '\x1f'
#define JOB_TAG "pdpscan-db-job"

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

bool pd_database_root(const char *root)
{
    return strncmp(root, "sqlite://", 9) == 0 || strncmp(root, "postgresql://", 13) == 0 ||
           strncmp(root, "postgres://", 11) == 0 || strncmp(root, "mariadb://", 10) == 0 ||
           strncmp(root, "mysql://", 8) == 0 || keyword_string(root);
}

bool pd_database_job(const char *job) { return strncmp(job, JOB_TAG "\x1f", sizeof JOB_TAG) == 0; }

char *pd_db_job_make(const char *kind, const char *conn, const char *schema, const char *table,
                     const char *columns, const char *display)
{
    size_t n = sizeof JOB_TAG + strlen(kind) + strlen(conn) + strlen(schema) + strlen(table) + strlen(columns) +
               strlen(display) + 8;
    char *job = malloc(n);
    if (job)
        snprintf(job, n, JOB_TAG "%c%s%c%s%c%s%c%s%c%s%c%s", SEP, kind, SEP, conn, SEP, schema, SEP, table, SEP,
                 columns, SEP, display);
    return job;
}

bool pd_db_job_parse(const char *job, struct pd_db_job *out)
{
    char *copy = strdup(job);
    if (!copy)
        return false;
    char *field[7];
    int n = 0;
    for (char *p = copy; n < 7; n++) {
        field[n] = p;
        char *sep = strchr(p, SEP);
        if (!sep) {
            n++;
            break;
        }
        *sep = '\0';
        p = sep + 1;
    }
    if (n != 7) {
        free(copy);
        return false;
    }
    out->storage = copy;
    out->kind = field[1];
    out->conn = field[2];
    out->schema = field[3];
    out->table = field[4];
    out->columns = field[5];
    out->display = field[6];
    return true;
}

char *pd_database_job_name(const char *job)
{
    struct pd_db_job j;
    if (!pd_db_job_parse(job, &j))
        return strdup("(database table)");
    size_t n = strlen(j.display) + strlen(j.schema) + strlen(j.table) + 3;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%s#%s.%s", j.display, j.schema, j.table);
    free(j.storage);
    return name;
}

enum pd_error pd_database_tables(const char *root, char ***jobs, size_t *n, char *display, size_t cap,
                                 struct pd_diag *diag)
{
    *jobs = NULL;
    *n = 0;
    if (strncmp(root, "sqlite://", 9) == 0)
        return pd_sqlite_tables(root + 9, jobs, n, display, cap, diag);
    if (strncmp(root, "mariadb://", 10) == 0 || strncmp(root, "mysql://", 8) == 0)
        return pd_mariadb_tables(root, jobs, n, display, cap, diag);
    return pd_postgres_tables(root, jobs, n, display, cap, diag);
}

struct pd_unit *pd_worker_scan_db_job(struct pd_worker *w, const char *job)
{
    struct pd_db_job j;
    char *name = pd_database_job_name(job);
    struct pd_unit *u = pd_unit_create(name ? name : "(database table)");
    free(name);
    if (!u)
        return NULL;
    if (!pd_db_job_parse(job, &j)) {
        pd_unit_set(u, PD_UNIT_ERROR, "malformed table job");
        return u;
    }
    bool sqlite = strcmp(j.kind, "sqlite") == 0, maria = strcmp(j.kind, "mariadb") == 0;
    snprintf(u->mime, sizeof u->mime, "%s",
             sqlite ? "application/vnd.sqlite3" : maria ? "application/x-mariadb-table" : "application/x-postgresql-table");
    if (sqlite)
        pd_sqlite_scan_table(w, u, &j);
    else if (maria)
        pd_mariadb_scan_table(w, u, &j);
    else
        pd_postgres_scan_table(w, u, &j);
    free(j.storage);
    return u;
}

size_t pd_db_split_columns(char *list, const char **names, size_t max)
{
    size_t n = 0;
    for (char *p = list; *p && n < max;) {
        names[n++] = p;
        char *sep = strchr(p, '\x1e');
        if (!sep)
            break;
        *sep = '\0';
        p = sep + 1;
    }
    return n;
}

bool pd_db_jobs_push(char ***jobs, size_t *n, char *job)
{
    char **nj = job ? realloc(*jobs, (*n + 1) * sizeof *nj) : NULL;
    if (!nj) {
        free(job);
        return false;
    }
    *jobs = nj;
    nj[(*n)++] = job;
    return true;
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

void *pd_db_worker_conn(struct pd_worker *w, const char *conninfo, bool (*alive)(void *conn),
                        void *(*open)(const char *conninfo, char *why, size_t cap), void (*close)(void *conn),
                        char *why, size_t cap)
{
    struct pd_db_slot *slot = pd_worker_db(w);
    if (slot->conn && (strcmp(slot->key, conninfo) != 0 || !alive(slot->conn))) {
        slot->close(slot->conn);
        slot->conn = NULL;
    }
    if (!slot->conn) {
        free(slot->key);
        slot->key = strdup(conninfo);
        slot->conn = open(conninfo, why, cap);
        slot->close = close;
    }
    return slot->conn;
}

bool pd_db_list_append(char **list, size_t *len, size_t *cap, const char *name)
{
    size_t k = strlen(name);
    if (!*list || *len + k + 2 > *cap) {
        size_t ncap = (*len + k + 2) * 2;
        char *nl = realloc(*list, ncap);
        if (!nl)
            return false;
        *list = nl;
        *cap = ncap;
    }
    if (*len)
        (*list)[(*len)++] = '\x1e';
    memcpy(*list + *len, name, k + 1);
    *len += k;
    return true;
}

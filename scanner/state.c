/* The --state file: SQLite tables of files and their units, read during the walk, written once at
 * the end. One connection behind one mutex: the walker looks files up, workers record them. */
#include "scanner/state.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "detectors/detector.h"
#include "text/text.h"

#define STATE_FORMAT "1"
#define MAX_INTERNED 64 /* attribute names: a handful exist */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS files(root TEXT NOT NULL, path TEXT NOT NULL, dev INTEGER, ino INTEGER,"
    " size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, content BLOB, findings INTEGER, units TEXT NOT NULL,"
    " PRIMARY KEY(root, path));";

/* what this run adds, in a scratch database of its own connection until the end: a damaged state
 * file puts its connection in an error state that would fail these writes too */
static const char work_schema[] =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
    "CREATE TABLE seen(root TEXT, path TEXT, PRIMARY KEY(root, path));"
    "CREATE TABLE fresh(root TEXT, path TEXT, dev INTEGER, ino INTEGER, size INTEGER, mtime_ns INTEGER,"
    " ctime_ns INTEGER, content BLOB, findings INTEGER, units TEXT, PRIMARY KEY(root, path));"
    "CREATE TABLE moved(root TEXT, path TEXT, dev INTEGER, ino INTEGER, size INTEGER, mtime_ns INTEGER,"
    " ctime_ns INTEGER, PRIMARY KEY(root, path));"
    "CREATE TABLE walked(root TEXT, path TEXT, keep INTEGER, PRIMARY KEY(root, path));";

enum stmt { LOOKUP, SEEN, UNITS, MOVED, FRESH, WALKED, STMT_COUNT };

static const char *const stmt_sql[STMT_COUNT] = {
    [LOOKUP] = "SELECT dev, ino, size, mtime_ns, ctime_ns, content FROM main.files WHERE root = ?1 AND path = ?2",
    [SEEN] = "INSERT OR IGNORE INTO seen VALUES (?1, ?2)",
    [UNITS] = "SELECT units FROM main.files WHERE root = ?1 AND path = ?2",
    [MOVED] = "INSERT OR REPLACE INTO moved VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [FRESH] = "INSERT OR REPLACE INTO fresh VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [WALKED] = "INSERT OR REPLACE INTO walked VALUES (?1, ?2, ?3)",
};
static bool on_work(enum stmt i) { return i != LOOKUP && i != UNITS; }

struct pd_state {
    pthread_mutex_t lock;
    sqlite3 *db;   /* the state file: read during the run, written at its end */
    sqlite3 *work; /* this run's scratch tables (seen, fresh, moved, walked) */
    char *work_path;
    int lock_fd;   /* flock()ed: one run at a time */
    sqlite3_stmt *stmt[STMT_COUNT];
    char *path, *settings;
    const struct pd_root *roots;
    size_t n_roots;
    bool reset;  /* written under other settings: nothing is carried, the file is emptied */
    bool broken; /* the file failed while in use: nothing more is carried, it is rebuilt */
    char broken_why[160];
    char notice[512];
    uint64_t dev, ino;
    const char *interned[MAX_INTERNED]; /* attribute names of carried findings */
    size_t n_interned;
};

struct pd_state_record {
    struct json_object *units;
    bool complete; /* every unit read whole or skipped by choice */
};

void pd_file_meta_from_stat(struct pd_file_meta *m, const struct stat *st)
{
    m->dev = (uint64_t)st->st_dev;
    m->ino = (uint64_t)st->st_ino;
    m->size = (uint64_t)st->st_size;
    m->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    m->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

/* ---- opening ---- */

static bool corrupt_code(int rc)
{
    rc &= 0xff;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static void close_db(struct pd_state *s)
{
    for (int i = 0; i < STMT_COUNT; i++) {
        sqlite3_finalize(s->stmt[i]);
        s->stmt[i] = NULL;
    }
    sqlite3_close(s->db);
    s->db = NULL;
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
}

/* Creates path 0600 when missing; an existing one must be a regular file of ours, and loses any
 * group or other permission (it names every file that held personal data). */
static enum pd_error prepare_file(struct pd_state *s, struct pd_diag *diag)
{
    int fd = open(s->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return pd_fail(diag, PD_ERR_USAGE, "--state %s: %s", s->path,
                       errno == ELOOP ? "is a symbolic link" : strerror(errno));
    struct stat st;
    enum pd_error err = PD_OK;
    if (fstat(fd, &st) != 0)
        err = pd_fail(diag, PD_ERR_IO, "--state %s: cannot stat: %s", s->path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        err = pd_fail(diag, PD_ERR_USAGE, "--state %s: not a regular file", s->path);
    else if ((st.st_mode & 077) && fchmod(fd, 0600) != 0)
        err = pd_fail(diag, PD_ERR_USAGE, "--state %s: readable by others and cannot be made 0600: %s", s->path,
                      strerror(errno));
    s->dev = (uint64_t)st.st_dev;
    s->ino = (uint64_t)st.st_ino;
    if (!err && flock(fd, LOCK_EX | LOCK_NB) != 0)
        err = errno == EWOULDBLOCK ? pd_fail(diag, PD_ERR_USAGE, "--state %s is in use by another pdpscan run", s->path)
                                   : pd_fail(diag, PD_ERR_IO, "--state %s: cannot lock: %s", s->path, strerror(errno));
    if (err) {
        close(fd);
        return err;
    }
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = fd; /* held until the state closes */
    return PD_OK;
}

static enum pd_error open_db(struct pd_state *s, struct pd_diag *diag)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
        pd_fail(diag, PD_ERR_USAGE, "--state %s: %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        close_db(s);
        return PD_ERR_USAGE;
    }
    sqlite3_busy_timeout(s->db, 2000);
    /* a rescan looks every file up, then reads the records of unchanged ones: 2 MiB of cache read
     * the file twice over */
    sqlite3_exec(s->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);
    return PD_OK;
}

/* What is wrong with the file as a state, or NULL when it is one (or empty). *foreign: an SQLite
 * database of something else, never to be overwritten. */
static const char *check_format(struct pd_state *s, int *rc, bool *foreign)
{
    static char why[160];
    sqlite3_stmt *q = NULL;
    *foreign = false;
    *rc = sqlite3_prepare_v2(s->db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &q, NULL);
    bool has_meta = false, has_other = false;
    while (q && (*rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        if (name && strcmp(name, "meta") == 0)
            has_meta = true;
        else if (name && strcmp(name, "files") != 0)
            has_other = true;
    }
    sqlite3_finalize(q);
    if (*rc != SQLITE_DONE) {
        snprintf(why, sizeof why, "%s", sqlite3_errstr(*rc));
        return why;
    }
    *rc = SQLITE_OK;
    if (has_other && !has_meta) {
        *foreign = true;
        return "an SQLite database of something else";
    }
    if (!has_meta)
        return NULL; /* new */
    const char *format = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'format'", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        format = (const char *)sqlite3_column_text(q, 0);
    bool ours = format && strcmp(format, STATE_FORMAT) == 0;
    if (!ours)
        snprintf(why, sizeof why, "state format %s, this pdpscan writes %s", format ? format : "unknown",
                 STATE_FORMAT);
    sqlite3_finalize(q);
    return ours ? NULL : why;
}

/* Moves an unusable file aside (FILE.corrupt, never deleted: it may be something the user
 * needs) and starts a new one. */
static enum pd_error rebuild(struct pd_state *s, const char *why, struct pd_diag *diag)
{
    close_db(s);
    size_t n = strlen(s->path) + sizeof ".corrupt";
    char *aside = malloc(n);
    if (!aside)
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    snprintf(aside, n, "%s.corrupt", s->path);
    if (rename(s->path, aside) != 0) {
        enum pd_error err = pd_fail(diag, PD_ERR_USAGE, "--state %s is not a usable state (%s) and cannot be moved "
                                    "aside: %s", s->path, why, strerror(errno));
        free(aside);
        return err;
    }
    snprintf(s->notice, sizeof s->notice, "state file %s was not a usable pdpscan state (%s): moved to %s and "
             "rebuilt; every file is read again", s->path, why, aside);
    free(aside);
    enum pd_error err = prepare_file(s, diag);
    return err ? err : open_db(s, diag);
}

/* The first setting (name=value; ...) that differs, for the notice. */
static void settings_change(const char *old, const char *now, char *out, size_t cap)
{
    const char *a = old, *b = now;
    while (*a || *b) {
        size_t la = strcspn(a, ";"), lb = strcspn(b, ";");
        if (la != lb || memcmp(a, b, la) != 0) {
            size_t name = strcspn(b, "=;");
            snprintf(out, cap, "%.*s", (int)(name ? name : strcspn(a, "=;")), name ? b : a);
            return;
        }
        a += la + (a[la] == ';');
        b += lb + (b[lb] == ';');
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
    }
    snprintf(out, cap, "settings");
}

static void check_settings(struct pd_state *s)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'settings'", -1, &q, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *old = (const char *)sqlite3_column_text(q, 0);
        if (old && strcmp(old, s->settings) != 0) {
            char what[64];
            settings_change(old, s->settings, what, sizeof what);
            s->reset = true;
            snprintf(s->notice, sizeof s->notice, "state file %s was written with other settings (%s changed): "
                     "every file is read again", s->path, what);
        }
    }
    sqlite3_finalize(q);
}

/* The scratch database: a file of this user only (0600) in $TMPDIR, removed when the state closes. */
static enum pd_error open_work(struct pd_state *s, struct pd_diag *diag)
{
    const char *dir = getenv("TMPDIR");
    size_t n = strlen(dir && *dir ? dir : "/tmp") + sizeof "/pdpscan-state-XXXXXX";
    if (!(s->work_path = malloc(n)))
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    snprintf(s->work_path, n, "%s/pdpscan-state-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(s->work_path);
    if (fd < 0) {
        enum pd_error err = pd_fail(diag, PD_ERR_IO, "--state: cannot create a scratch file %s: %s", s->work_path,
                                    strerror(errno));
        free(s->work_path);
        s->work_path = NULL;
        return err;
    }
    close(fd);
    char *msg = NULL;
    if (sqlite3_open_v2(s->work_path, &s->work, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(s->work, work_schema, NULL, NULL, &msg) != SQLITE_OK) {
        enum pd_error err = pd_fail(diag, PD_ERR_IO, "--state: scratch file %s: %s", s->work_path,
                                    msg ? msg : s->work ? sqlite3_errmsg(s->work) : "out of memory");
        sqlite3_free(msg);
        return err;
    }
    sqlite3_exec(s->work, "BEGIN", NULL, NULL, NULL); /* one transaction: a row per file costs no sync */
    return PD_OK;
}

enum pd_error pd_state_open(const char *path, const char *settings, const struct pd_root *roots, size_t n_roots,
                            struct pd_state **out, struct pd_diag *diag)
{
    struct pd_state *s = calloc(1, sizeof *s);
    if (s) {
        pthread_mutex_init(&s->lock, NULL);
        s->lock_fd = -1;
    }
    if (!s || !(s->path = strdup(path)) || !(s->settings = strdup(settings))) {
        pd_state_close(s);
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    }
    s->roots = roots;
    s->n_roots = n_roots;
    enum pd_error err = prepare_file(s, diag);
    if (!err)
        err = open_db(s, diag);
    int rc = SQLITE_OK;
    bool foreign = false;
    const char *why = err ? NULL : check_format(s, &rc, &foreign);
    if (!err && foreign)
        err = pd_fail(diag, PD_ERR_USAGE, "--state %s is %s: give another file", path, why);
    else if (!err && why && rc != SQLITE_OK && !corrupt_code(rc))
        err = pd_fail(diag, PD_ERR_USAGE, "--state %s: %s", path, why); /* busy, unreadable: not corrupt */
    else if (!err && why)
        err = rebuild(s, why, diag);
    char *msg = NULL;
    if (!err && sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        /* a damaged file can look fine until its pages are read */
        int code = sqlite3_errcode(s->db);
        char reason[160];
        snprintf(reason, sizeof reason, "%s", msg ? msg : "unknown error");
        sqlite3_free(msg);
        msg = NULL;
        err = corrupt_code(code) ? rebuild(s, reason, diag) : pd_fail(diag, PD_ERR_USAGE, "--state %s: %s", path, reason);
        if (!err && sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK)
            err = pd_fail(diag, PD_ERR_IO, "--state %s: %s", path, msg ? msg : "cannot create tables");
    }
    if (!err)
        check_settings(s);
    sqlite3_free(msg);
    if (!err)
        err = open_work(s, diag);
    for (int i = 0; !err && i < STMT_COUNT; i++) {
        sqlite3 *db = on_work((enum stmt)i) ? s->work : s->db;
        if (sqlite3_prepare_v2(db, stmt_sql[i], -1, &s->stmt[i], NULL) != SQLITE_OK)
            err = pd_fail(diag, PD_ERR_IO, "--state %s: %s", path, sqlite3_errmsg(db));
    }
    if (err) {
        pd_state_close(s);
        return err;
    }
    *out = s;
    return PD_OK;
}

const char *pd_state_notice(const struct pd_state *s) { return s->notice; }

bool pd_state_file_id(const struct pd_state *s, uint64_t *dev, uint64_t *ino)
{
    *dev = s->dev;
    *ino = s->ino;
    return true;
}

/* ---- keys ---- */

/* A unit's path under its root, without leading slashes ("" for a root that is a file). */
static const char *rel_path(const struct pd_unit *u)
{
    const char *rel = u->path + u->root_len;
    while (*rel == '/')
        rel++;
    return rel;
}

static const char *rel_of(const struct pd_root *root, const char *path)
{
    size_t len = strlen(root->given);
    const char *rel = strncmp(path, root->given, len) == 0 ? path + len : path;
    while (*rel == '/')
        rel++;
    return rel;
}

/* The path as this run names it: root, '/', the path under it (an archive member's '!' and a
 * root that is the file itself need no slash). Malloc'd. */
static char *shown_path(const struct pd_root *root, const char *rel)
{
    size_t gl = strlen(root->given), rl = strlen(rel);
    bool slash = rl > 0 && rel[0] != '!' && gl > 0 && root->given[gl - 1] != '/';
    char *p = malloc(gl + rl + 2);
    if (p)
        snprintf(p, gl + rl + 2, "%s%s%s", root->given, slash ? "/" : "", rel);
    return p;
}

static void bind_key(sqlite3_stmt *q, const char *root_id, const char *rel)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    sqlite3_bind_text(q, 1, root_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, rel, -1, SQLITE_STATIC);
}

/* A step that fails with corruption stops all carrying: the file is rebuilt at the end. */
static int step(struct pd_state *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && !s->broken && corrupt_code(rc)) {
        s->broken = true;
        snprintf(s->broken_why, sizeof s->broken_why, "%s", sqlite3_errmsg(sqlite3_db_handle(q)));
    }
    return rc;
}

/* ---- the walk ---- */

enum pd_state_verdict pd_state_check(struct pd_state *s, const struct pd_root *root, const char *path,
                                     const struct pd_file_meta *now, unsigned char content[32])
{
    if (!root || !root->id)
        return PD_STATE_READ;
    const char *rel = rel_of(root, path);
    enum pd_state_verdict v = PD_STATE_READ;
    pthread_mutex_lock(&s->lock);
    bind_key(s->stmt[SEEN], root->id, rel);
    step(s, s->stmt[SEEN]);
    sqlite3_stmt *q = s->stmt[LOOKUP];
    bind_key(q, root->id, rel);
    if (!s->reset && !s->broken && step(s, q) == SQLITE_ROW) {
        bool same_size = (uint64_t)sqlite3_column_int64(q, 2) == now->size;
        bool same = same_size && (uint64_t)sqlite3_column_int64(q, 0) == now->dev &&
                    (uint64_t)sqlite3_column_int64(q, 1) == now->ino && sqlite3_column_int64(q, 3) == now->mtime_ns &&
                    sqlite3_column_int64(q, 4) == now->ctime_ns;
        if (same)
            v = PD_STATE_CARRY;
        else if (same_size && sqlite3_column_bytes(q, 5) == 32) {
            memcpy(content, sqlite3_column_blob(q, 5), 32);
            v = PD_STATE_VERIFY;
        }
    }
    sqlite3_reset(q);
    pthread_mutex_unlock(&s->lock);
    return v;
}

void pd_state_note_walked(struct pd_state *s, const struct pd_unit *u)
{
    if (!u->root || !u->root->id)
        return;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *q = s->stmt[WALKED];
    bind_key(q, u->root->id, rel_path(u));
    sqlite3_bind_int(q, 3, u->status == PD_UNIT_ERROR); /* unreadable: what is under it is unknown */
    step(s, q);
    pthread_mutex_unlock(&s->lock);
}

bool pd_state_hash_file(const char *path, const struct pd_file_meta *expect, unsigned char out[32])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return false;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == expect->size;
    if (ok)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    static const size_t chunk = 1u << 20;
    unsigned char *buf = ok ? malloc(chunk) : NULL;
    uint64_t total = 0;
    ssize_t r = 0;
    while (buf && (r = read(fd, buf, chunk)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        sha256_update(&ctx, (size_t)r, buf);
        total += (uint64_t)r;
    }
    free(buf);
    close(fd);
    if (!buf || r != 0 || total != expect->size)
        return false;
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
    return true;
}

/* ---- records: one JSON array of units per file ---- */

static void add_str(struct json_object *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_object_add(o, key, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *key, int64_t v)
{
    if (v)
        json_object_object_add(o, key, json_object_new_int64(v));
}

static struct json_object *finding_json(const struct pd_finding *f)
{
    struct json_object *a = json_object_new_array();
    json_object_array_add(a, json_object_new_string(f->detector->id));
    json_object_array_add(a, json_object_new_int64((int64_t)f->offset));
    json_object_array_add(a, json_object_new_int64(f->length));
    json_object_array_add(a, json_object_new_int64((int64_t)f->line));
    json_object_array_add(a, json_object_new_int64((int64_t)f->column));
    json_object_array_add(a, json_object_new_int(f->confidence));
    json_object_array_add(a, json_object_new_string(f->masked));
    json_object_array_add(a, json_object_new_string(f->value_hash));
    json_object_array_add(a, json_object_new_string(f->fingerprint));
    json_object_array_add(a, f->field ? json_object_new_string(f->field) : NULL);
    for (unsigned i = 0; i < f->n_attrs; i++) {
        json_object_array_add(a, json_object_new_string(f->attrs[i].key));
        json_object_array_add(a, json_object_new_string(f->attrs[i].value));
    }
    return a;
}

static struct json_object *unit_json(const struct pd_unit *u)
{
    struct json_object *o = json_object_new_object(), *fs = json_object_new_array();
    json_object_object_add(o, "p", json_object_new_string(rel_path(u)));
    json_object_object_add(o, "s", json_object_new_int(u->status));
    add_str(o, "r", u->reason);
    add_int(o, "z", (int64_t)u->size);
    add_int(o, "b", (int64_t)u->bytes_scanned);
    add_str(o, "m", u->mime);
    add_str(o, "e", u->encoding);
    if (u->have_stat) {
        json_object_object_add(o, "t", json_object_new_int64(u->mtime));
        json_object_object_add(o, "o", json_object_new_int64((int64_t)u->mode));
        json_object_object_add(o, "u", json_object_new_int64((int64_t)u->uid));
    }
    if (u->binary)
        json_object_object_add(o, "x", json_object_new_boolean(true));
    add_int(o, "rows", (int64_t)u->rows);
    if (u->findings_unlisted) {
        size_t n = 0;
        const struct pd_detector *table = pd_detectors(&n);
        struct json_object *by = json_object_new_object();
        for (size_t i = 0; i < n && i < PD_MAX_DETECTORS; i++)
            add_int(by, table[i].id, (int64_t)u->unlisted_by_detector[i]);
        json_object_object_add(o, "un", by);
        add_int(o, "ul", (int64_t)u->findings_unlisted);
    }
    for (size_t i = 0; i < u->n_findings; i++)
        json_object_array_add(fs, finding_json(pd_unit_finding(u, i)));
    json_object_object_add(o, "f", fs);
    return o;
}

struct pd_state_record *pd_state_record_begin(void)
{
    struct pd_state_record *r = calloc(1, sizeof *r);
    if (r && !(r->units = json_object_new_array())) {
        free(r);
        return NULL;
    }
    if (r)
        r->complete = true;
    return r;
}

void pd_state_record_unit(struct pd_state_record *r, const struct pd_unit *u)
{
    if (!r)
        return;
    if (u->status != PD_UNIT_SCANNED && u->status != PD_UNIT_SKIPPED)
        r->complete = false; /* partial or in error: read again next time */
    if (r->complete) {
        struct json_object *j = unit_json(u);
        if (!j || json_object_array_add(r->units, j) != 0)
            r->complete = false;
    }
}

void pd_state_record_free(struct pd_state_record *r)
{
    if (r)
        json_object_put(r->units);
    free(r);
}

void pd_state_record_end(struct pd_state *s, struct pd_state_record *r, const struct pd_unit *top, bool stopping)
{
    if (!r || !s || !top->root || !top->root->id || !top->have_stat || stopping || !r->complete) {
        pd_state_record_free(r);
        return;
    }
    uint64_t findings = 0;
    for (size_t i = 0; i < json_object_array_length(r->units); i++) {
        struct json_object *u = json_object_array_get_idx(r->units, i), *f, *ul;
        if (json_object_object_get_ex(u, "f", &f))
            findings += json_object_array_length(f);
        if (json_object_object_get_ex(u, "ul", &ul))
            findings += (uint64_t)json_object_get_int64(ul);
    }
    const char *text = json_object_to_json_string_ext(r->units, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *q = s->stmt[FRESH];
    bind_key(q, top->root->id, rel_path(top));
    sqlite3_bind_int64(q, 3, (int64_t)top->dev);
    sqlite3_bind_int64(q, 4, (int64_t)top->ino);
    sqlite3_bind_int64(q, 5, (int64_t)top->size);
    sqlite3_bind_int64(q, 6, top->mtime_ns);
    sqlite3_bind_int64(q, 7, top->ctime_ns);
    if (top->have_content_hash)
        sqlite3_bind_blob(q, 8, top->content_hash, 32, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 8);
    sqlite3_bind_int64(q, 9, (int64_t)findings);
    sqlite3_bind_text(q, 10, text, -1, SQLITE_STATIC);
    step(s, q);
    sqlite3_reset(q);
    pthread_mutex_unlock(&s->lock);
    pd_state_record_free(r);
}

/* ---- carrying ---- */

static const char *intern(struct pd_state *s, const char *name)
{
    for (size_t i = 0; i < s->n_interned; i++)
        if (strcmp(s->interned[i], name) == 0)
            return s->interned[i];
    if (s->n_interned == MAX_INTERNED)
        return NULL;
    char *copy = strdup(name);
    if (copy)
        s->interned[s->n_interned++] = copy;
    return copy;
}

static const char *get_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                            : NULL;
}

static int64_t get_int(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void copy_str(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
}

static bool is_hex32(const char *h)
{
    if (!h || strlen(h) != 32)
        return false;
    for (int i = 0; i < 32; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return false;
    return true;
}

static const char *str_at(struct json_object *a, size_t i)
{
    struct json_object *v = json_object_array_get_idx(a, i);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* [detector, offset, length, line, column, confidence, masked, hash, fingerprint, field, key, value...] */
static enum pd_error decode_finding(struct pd_state *s, struct pd_unit *u, struct json_object *a)
{
    size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    if (n < 10 || (n - 10) % 2 != 0 || (n - 10) / 2 > PD_MAX_ATTRS)
        return PD_ERR_FORMAT;
    const char *id = str_at(a, 0), *vh = str_at(a, 7), *fp = str_at(a, 8);
    const struct pd_detector *d = id ? pd_detector_find(id) : NULL;
    if (!d || !is_hex32(vh) || !is_hex32(fp))
        return PD_ERR_FORMAT;
    struct pd_finding finding = {0}, *f = &finding;
    f->detector = d;
    f->offset = (uint64_t)json_object_get_int64(json_object_array_get_idx(a, 1));
    f->length = (uint32_t)json_object_get_int64(json_object_array_get_idx(a, 2));
    f->line = (uint64_t)json_object_get_int64(json_object_array_get_idx(a, 3));
    f->column = (uint64_t)json_object_get_int64(json_object_array_get_idx(a, 4));
    f->confidence = json_object_get_int(json_object_array_get_idx(a, 5));
    copy_str(f->masked, sizeof f->masked, str_at(a, 6));
    memcpy(f->value_hash, vh, 33);
    memcpy(f->fingerprint, fp, 33);
    f->value_key = strtoull((char[17]){vh[0], vh[1], vh[2], vh[3], vh[4], vh[5], vh[6], vh[7], vh[8], vh[9], vh[10],
                                       vh[11], vh[12], vh[13], vh[14], vh[15], 0},
                            NULL, 16);
    struct json_object *field = json_object_array_get_idx(a, 9);
    if (field && json_object_is_type(field, json_type_string))
        f->field = pd_unit_field_name(u, NULL, json_object_get_string(field));
    for (size_t i = 10; i + 1 < n; i += 2) {
        const char *name = str_at(a, i), *key = name ? intern(s, name) : NULL;
        if (!name)
            return PD_ERR_FORMAT;
        if (!key)
            continue; /* more names than any detector gives: the state is not pdpscan's */
        f->attrs[f->n_attrs].key = key;
        copy_str(f->attrs[f->n_attrs].value, sizeof f->attrs[0].value, str_at(a, i + 1));
        f->n_attrs++;
    }
    return pd_unit_add_finding(u, f);
}

static enum pd_error decode_unit(struct pd_state *s, struct json_object *o, const struct pd_root *root,
                                 struct pd_unit **out)
{
    const char *rel = get_str(o, "p");
    struct json_object *fs = NULL, *by;
    int64_t status = get_int(o, "s");
    if (!rel || status < 0 || status >= PD_UNIT_STATUS_COUNT || !json_object_object_get_ex(o, "f", &fs) ||
        !json_object_is_type(fs, json_type_array))
        return PD_ERR_FORMAT;
    char *path = shown_path(root, rel);
    struct pd_unit *u = path ? pd_unit_create(path) : NULL;
    free(path);
    if (!u)
        return PD_ERR_NOMEM;
    pd_unit_set_root(u, root);
    u->status = (enum pd_unit_status)status;
    copy_str(u->reason, sizeof u->reason, get_str(o, "r"));
    u->size = (uint64_t)get_int(o, "z");
    u->bytes_scanned = (uint64_t)get_int(o, "b");
    copy_str(u->mime, sizeof u->mime, get_str(o, "m"));
    u->encoding = pd_encoding_known(get_str(o, "e"));
    if ((u->have_stat = json_object_object_get_ex(o, "t", NULL))) {
        u->mtime = get_int(o, "t");
        u->mode = (mode_t)get_int(o, "o");
        u->uid = (uid_t)get_int(o, "u");
    }
    u->binary = json_object_object_get_ex(o, "x", NULL);
    u->rows = (uint64_t)get_int(o, "rows");
    u->carried = true;
    enum pd_error err = PD_OK;
    for (size_t i = 0; !err && i < json_object_array_length(fs); i++)
        err = decode_finding(s, u, json_object_array_get_idx(fs, i));
    if (!err && json_object_object_get_ex(o, "un", &by) && json_object_is_type(by, json_type_object)) {
        size_t n = 0;
        const struct pd_detector *table = pd_detectors(&n);
        json_object_object_foreach(by, id, count) {
            const struct pd_detector *d = pd_detector_find(id);
            int64_t c = json_object_get_int64(count);
            if (!d || c < 0 || (size_t)(d - table) >= PD_MAX_DETECTORS) {
                err = PD_ERR_FORMAT;
                break;
            }
            u->unlisted_by_detector[d - table] = (uint64_t)c;
            u->findings_unlisted += (uint64_t)c;
        }
    }
    if (err) {
        pd_unit_destroy(u);
        return err;
    }
    *out = u;
    return PD_OK;
}

enum pd_error pd_state_decode(struct pd_state *s, const char *record, size_t len, const struct pd_root *root,
                              void (*submit)(void *arg, struct pd_unit *unit), void *arg, struct pd_diag *diag)
{
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    struct json_object *units = len <= INT32_MAX ? json_tokener_parse_ex(tok, record, (int)len) : NULL;
    bool whole = units && json_tokener_get_error(tok) == json_tokener_success;
    json_tokener_free(tok);
    size_t n = whole && json_object_is_type(units, json_type_array) ? json_object_array_length(units) : 0;
    struct pd_unit **made = n ? calloc(n, sizeof *made) : NULL;
    enum pd_error err = !n ? PD_ERR_FORMAT : made ? PD_OK : PD_ERR_NOMEM;
    size_t k = 0;
    pthread_mutex_lock(&s->lock); /* interning */
    for (; !err && k < n; k++)
        err = decode_unit(s, json_object_array_get_idx(units, k), root, &made[k]);
    pthread_mutex_unlock(&s->lock);
    json_object_put(units);
    if (err) {
        for (size_t i = 0; i < n && made; i++)
            pd_unit_destroy(made[i]);
        free(made);
        return pd_fail(diag, err, "recorded units that cannot be read back");
    }
    for (size_t i = 0; i < n; i++)
        submit(arg, made[i]);
    free(made);
    return PD_OK;
}

enum pd_error pd_state_carry(struct pd_state *s, const struct pd_root *root, const char *path,
                             const struct pd_file_meta *now, void (*submit)(void *arg, struct pd_unit *unit),
                             void *arg, struct pd_diag *diag)
{
    const char *rel = rel_of(root, path);
    char *record = NULL;
    size_t len = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *q = s->stmt[UNITS];
    bind_key(q, root->id, rel);
    if (!s->broken && step(s, q) == SQLITE_ROW) {
        len = (size_t)sqlite3_column_bytes(q, 0);
        const unsigned char *text = sqlite3_column_text(q, 0);
        if (text && (record = malloc(len + 1)) != NULL)
            memcpy(record, text, len + 1);
    }
    sqlite3_reset(q);
    pthread_mutex_unlock(&s->lock);
    if (!record)
        return pd_fail(diag, PD_ERR_IO, "its record could not be read");
    enum pd_error err = pd_state_decode(s, record, len, root, submit, arg, diag);
    free(record);
    if (!err && now) { /* same bytes under new facts: compared by those next time */
        pthread_mutex_lock(&s->lock);
        q = s->stmt[MOVED];
        bind_key(q, root->id, rel);
        sqlite3_bind_int64(q, 3, (int64_t)now->dev);
        sqlite3_bind_int64(q, 4, (int64_t)now->ino);
        sqlite3_bind_int64(q, 5, (int64_t)now->size);
        sqlite3_bind_int64(q, 6, now->mtime_ns);
        sqlite3_bind_int64(q, 7, now->ctime_ns);
        step(s, q);
        sqlite3_reset(q);
        pthread_mutex_unlock(&s->lock);
    }
    return err;
}

/* ---- the end ---- */

struct walked {
    char *path;
    bool keep;
};

/* What the walk said of a path's place, if anything: the entry itself or a directory above it. */
static const struct walked *walked_over(const struct walked *w, size_t n, const char *rel)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(w[i].path);
        if (l == 0 || (strncmp(rel, w[i].path, l) == 0 && (rel[l] == '\0' || rel[l] == '/')))
            return &w[i];
    }
    return NULL;
}

static enum pd_error exec_on(struct pd_state *s, sqlite3 *db, const char *sql, struct pd_diag *diag)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return PD_OK;
    enum pd_error err = pd_fail(diag, PD_ERR_IO, "--state %s: %s", s->path, msg ? msg : "write failed");
    if (db == s->db && corrupt_code(sqlite3_errcode(db)) && !s->broken) {
        s->broken = true;
        snprintf(s->broken_why, sizeof s->broken_why, "%s", msg ? msg : "corrupt");
    }
    sqlite3_free(msg);
    return err;
}

static enum pd_error exec(struct pd_state *s, const char *sql, struct pd_diag *diag)
{
    return exec_on(s, s->db, sql, diag);
}

/* Lists the files of one root kept but not seen, except those the walk said something of (an
 * excluded or unreadable directory above them, or the path itself no longer a regular file). */
static enum pd_error sweep_root(struct pd_state *s, const struct pd_root *root, struct pd_state_gone **gone,
                                size_t *n_gone, size_t *cap, uint64_t *unlisted, struct pd_diag *diag)
{
    struct walked *w = NULL;
    size_t nw = 0;
    sqlite3_stmt *q = NULL;
    enum pd_error err = PD_OK;
    if (sqlite3_prepare_v2(s->db, "SELECT path, keep FROM work.walked WHERE root = ?1", -1, &q, NULL) != SQLITE_OK)
        return pd_fail(diag, PD_ERR_IO, "--state %s: %s", s->path, sqlite3_errmsg(s->db));
    sqlite3_bind_text(q, 1, root->id, -1, SQLITE_STATIC);
    while (!err && step(s, q) == SQLITE_ROW) {
        struct walked *nwk = realloc(w, (nw + 1) * sizeof *w);
        if (!nwk || !(nwk[nw].path = strdup((const char *)sqlite3_column_text(q, 0)))) {
            w = nwk ? nwk : w;
            err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
            break;
        }
        w = nwk;
        w[nw++].keep = sqlite3_column_int(q, 1) != 0;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (!err && sqlite3_prepare_v2(s->db, "SELECT path, findings FROM main.files f WHERE root = ?1 AND NOT EXISTS "
                                          "(SELECT 1 FROM work.seen t WHERE t.root = f.root AND t.path = f.path)",
                                   -1, &q, NULL) != SQLITE_OK)
        err = pd_fail(diag, PD_ERR_IO, "--state %s: %s", s->path, sqlite3_errmsg(s->db));
    if (!err)
        sqlite3_bind_text(q, 1, root->id, -1, SQLITE_STATIC);
    while (!err && step(s, q) == SQLITE_ROW) {
        const char *rel = (const char *)sqlite3_column_text(q, 0);
        const struct walked *over = walked_over(w, nw, rel);
        if (!over) { /* excluded now, or no longer a file: dropped without a word (drop_unseen) */
            if (*n_gone == *cap && *n_gone < PD_STATE_GONE_LISTED) {
                size_t nc = *cap ? 2 * *cap : 16;
                struct pd_state_gone *g = realloc(*gone, nc * sizeof *g);
                if (!g) {
                    err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
                    break;
                }
                *gone = g;
                *cap = nc;
            }
            if (*n_gone < PD_STATE_GONE_LISTED) {
                (*gone)[*n_gone].path = shown_path(root, rel);
                (*gone)[*n_gone].findings = (uint64_t)sqlite3_column_int64(q, 1);
                if ((*gone)[*n_gone].path)
                    (*n_gone)++;
            } else {
                (*unlisted)++;
            }
        }
    }
    sqlite3_finalize(q);
    for (size_t i = 0; i < nw; i++)
        free(w[i].path);
    free(w);
    return err;
}

static enum pd_error sweep(struct pd_state *s, struct pd_state_gone **gone, size_t *n_gone, uint64_t *unlisted,
                           struct pd_diag *diag)
{
    size_t cap = 0;
    enum pd_error err = PD_OK;
    for (size_t i = 0; !err && i < s->n_roots; i++) {
        const struct pd_root *r = &s->roots[i];
        bool again = false; /* a root named twice is swept once */
        for (size_t k = 0; k < i && !again; k++)
            again = s->roots[k].id && r->id && strcmp(s->roots[k].id, r->id) == 0;
        if (r->id && !again)
            err = sweep_root(s, r, gone, n_gone, &cap, unlisted, diag);
    }
    return err;
}

static const char apply_sql[] =
    "INSERT OR REPLACE INTO main.files SELECT * FROM work.fresh;"
    "INSERT OR REPLACE INTO main.files SELECT f.root, f.path, m.dev, m.ino, m.size, m.mtime_ns, m.ctime_ns,"
    " f.content, f.findings, f.units FROM main.files f JOIN work.moved m ON m.root = f.root AND m.path = f.path;";

/* Deletes, under this run's roots, the kept files the walk did not see: gone, excluded now or no
 * longer regular files. Those under a directory it could not read stay, as nothing is known of
 * them. */
static enum pd_error drop_unseen(struct pd_state *s, struct pd_diag *diag)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM main.files WHERE root = ?1 AND NOT EXISTS (SELECT 1 FROM work.seen t "
                                  "WHERE t.root = main.files.root AND t.path = main.files.path) AND NOT EXISTS "
                                  "(SELECT 1 FROM work.walked w WHERE w.root = main.files.root AND w.keep = 1 AND "
                                  "(w.path = '' OR main.files.path = w.path OR "
                                  "substr(main.files.path, 1, length(w.path) + 1) = w.path || '/'))",
                           -1, &q, NULL) != SQLITE_OK)
        return pd_fail(diag, PD_ERR_IO, "--state %s: %s", s->path, sqlite3_errmsg(s->db));
    enum pd_error err = PD_OK;
    for (size_t i = 0; !err && i < s->n_roots; i++) {
        if (!s->roots[i].id)
            continue;
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, s->roots[i].id, -1, SQLITE_STATIC);
        if (step(s, q) != SQLITE_DONE)
            err = pd_fail(diag, PD_ERR_IO, "--state %s: %s", s->path, sqlite3_errmsg(s->db));
    }
    sqlite3_finalize(q);
    return err;
}

/* The file failed while in use: what this run read goes into a new file put in its place. */
static enum pd_error rebuild_at_end(struct pd_state *s, struct pd_diag *diag)
{
    size_t n = strlen(s->path) + sizeof ".new";
    char *fresh = malloc(n);
    if (!fresh)
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    snprintf(fresh, n, "%s.new", s->path);
    unlink(fresh);
    int fd = open(fresh, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    enum pd_error err = fd < 0 ? pd_fail(diag, PD_ERR_IO, "--state %s: cannot create %s: %s", s->path, fresh,
                                         strerror(errno))
                               : PD_OK;
    if (fd >= 0)
        close(fd);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL); /* the damaged file: nothing of it is kept */
    /* the scratch connection writes the new file: ATTACH needs no transaction open */
    char *sql = err ? NULL : sqlite3_mprintf("ATTACH %Q AS rebuilt", fresh);
    if (!err && !sql)
        err = pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    if (!err)
        err = exec_on(s, s->work, sql, diag);
    sqlite3_free(sql);
    if (!err)
        err = exec_on(s, s->work, "BEGIN;"
                      "CREATE TABLE rebuilt.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                      "CREATE TABLE rebuilt.files(root TEXT NOT NULL, path TEXT NOT NULL, dev INTEGER, ino INTEGER,"
                      " size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, content BLOB, findings INTEGER,"
                      " units TEXT NOT NULL, PRIMARY KEY(root, path));"
                      "INSERT INTO rebuilt.files SELECT * FROM main.fresh;"
                      "INSERT INTO rebuilt.meta VALUES ('format', '" STATE_FORMAT "');",
                   diag);
    if (!err) {
        sql = sqlite3_mprintf("INSERT INTO rebuilt.meta VALUES ('settings', %Q); COMMIT; DETACH rebuilt", s->settings);
        err = sql ? exec_on(s, s->work, sql, diag) : pd_fail(diag, PD_ERR_NOMEM, "out of memory");
        sqlite3_free(sql);
    }
    if (!err && rename(fresh, s->path) != 0)
        err = pd_fail(diag, PD_ERR_IO, "--state %s: cannot put the rebuilt state in place: %s", s->path,
                      strerror(errno));
    if (err)
        unlink(fresh);
    free(fresh);
    return err;
}

enum pd_error pd_state_finish(struct pd_state *s, bool complete, struct pd_state_gone **gone, size_t *n_gone,
                              uint64_t *unlisted, struct pd_diag *diag)
{
    *gone = NULL;
    *n_gone = 0;
    *unlisted = 0;
    pthread_mutex_lock(&s->lock);
    enum pd_error err = exec_on(s, s->work, "COMMIT", diag); /* readable from the state's connection */
    char *attach = sqlite3_mprintf("ATTACH %Q AS work", s->work_path);
    if (!err && !s->broken)
        err = attach ? exec(s, attach, diag) : pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    sqlite3_free(attach);
    if (!err && !s->broken && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        if (corrupt_code(sqlite3_errcode(s->db)))
            exec(s, "BEGIN IMMEDIATE", diag); /* marks it broken */
        else
            err = pd_fail(diag, PD_ERR_IO, "--state %s: cannot write: %s", s->path, sqlite3_errmsg(s->db));
    }
    /* under other settings (another shard, other limits) a file not seen may simply not be this
     * run's: nothing is reported gone, the old records go */
    if (!err && complete && !s->broken && !s->reset)
        err = sweep(s, gone, n_gone, unlisted, diag);
    if (!err && !s->broken && s->reset)
        err = exec(s, "DELETE FROM main.files", diag);
    else if (!err && !s->broken && complete)
        err = drop_unseen(s, diag);
    if (!err && !s->broken)
        err = exec(s, apply_sql, diag);
    if (!err && !s->broken) {
        char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO main.meta VALUES ('format', '" STATE_FORMAT "'), "
                                    "('settings', %Q); COMMIT",
                                    s->settings);
        err = sql ? exec(s, sql, diag) : pd_fail(diag, PD_ERR_NOMEM, "out of memory");
        sqlite3_free(sql);
    }
    if (s->broken) { /* what failed said why; the gone list cannot be trusted */
        err = PD_OK;
        pd_state_gone_free(*gone, *n_gone);
        *gone = NULL;
        *n_gone = 0;
        *unlisted = 0;
        snprintf(s->notice, sizeof s->notice, "state file %s failed while in use (%s): rebuilt from this run's "
                 "reads; files carried this time are read again next time", s->path, s->broken_why);
        err = rebuild_at_end(s, diag);
    }
    pthread_mutex_unlock(&s->lock);
    return err;
}

void pd_state_gone_free(struct pd_state_gone *gone, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(gone[i].path);
    free(gone);
}

void pd_state_close(struct pd_state *s)
{
    if (!s)
        return;
    if (s->db)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL); /* a no-op after COMMIT */
    close_db(s); /* and its lock */
    sqlite3_close(s->work);
    if (s->work_path)
        unlink(s->work_path);
    free(s->work_path);
    for (size_t i = 0; i < s->n_interned; i++)
        free((char *)s->interned[i]);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s->settings);
    free(s);
}

/* The scan's threads: one walker (the caller's thread) and N workers around one job queue.
 * Jobs are typed: a file, a database table, or a slice of a large file. */
#include "scanner/scan.h"
#include "scanner/roots.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/db/db.h"
#include "scanner/queue.h"
#include "scanner/state.h"

#define JOB_QUEUE_LENGTH 4096

enum job_kind { JOB_FILE, JOB_TABLE, JOB_SLICE };
/* what a file job does first (--state) */
enum job_check { CHECK_NONE, CHECK_CARRY, CHECK_CONTENT };

/* What the job queue carries. */
struct job {
    enum job_kind kind;
    const struct pd_root *root; /* files: where the walk found it */
    /* --state: a file unchanged (carried from the state, read only if that fails) or whose
     * times changed but not its size (read to compare its content hash first) */
    enum job_check check;
    struct pd_file_meta meta;
    unsigned char content[32];
    union {
        char *path;
        struct pd_db_table *table;
        struct pd_slice *slice;
    } as;
};

struct worker_thread {
    struct pd_scan *scan;
    struct pd_worker *worker;
    pthread_t thread;
    struct pd_state_record *record; /* --state: the units of the file at hand */
};

struct pd_scan {
    const struct pd_scan_config *cfg;
    struct pd_queue *jobs;
    atomic_int stop; /* the signal number that stopped the scan, or 0 */
    /* jobs queued or being scanned; the queue closes when the walk is over and this drops to
     * zero, since a job may still add slices of its file until it is done */
    atomic_size_t outstanding;
    atomic_bool walk_over;
    /* what the walk found, for progress lines */
    atomic_uint_fast64_t files_found, bytes_found;
    _Atomic(const struct pd_root *) walking;
};

enum pd_error pd_scan_create(const struct pd_scan_config *cfg, struct pd_scan **out, struct pd_diag *diag)
{
    struct pd_scan *s = calloc(1, sizeof *s);
    if (!s || pd_queue_create(JOB_QUEUE_LENGTH, &s->jobs) != PD_OK) {
        free(s);
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    }
    s->cfg = cfg;
    *out = s;
    return PD_OK;
}

void pd_scan_destroy(struct pd_scan *s)
{
    if (!s)
        return;
    pd_queue_destroy(s->jobs);
    free(s);
}

void pd_scan_stop(struct pd_scan *s, int sig)
{
    atomic_store(&s->stop, sig);
    pd_queue_close(s->jobs); /* wakes the walker if it waits on a full queue */
}

int pd_scan_stopped(const struct pd_scan *s) { return atomic_load(&s->stop); }

static void submit(struct pd_scan *s, struct pd_unit *u) { s->cfg->submit(s->cfg->submit_arg, u); }

/* The name a job's unit gets when it is not read: never a connection string. */
static char *job_name(const struct job *j)
{
    return j->kind == JOB_TABLE ? pd_db_table_name(j->as.table) : strdup(j->as.path);
}

static void job_free(struct job *j)
{
    if (j->kind == JOB_TABLE)
        pd_db_table_destroy(j->as.table);
    else if (j->kind == JOB_FILE)
        free(j->as.path);
    free(j);
}

/* A job the scan will not read, because it is stopping: reported as seen but not read. */
static void submit_not_read(struct pd_scan *s, const struct job *j)
{
    char *name = job_name(j);
    struct pd_unit *u = name ? pd_unit_create(name) : NULL;
    if (u) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "scan interrupted before this unit was read");
        submit(s, u);
    }
    free(name);
}

/* Queues j (taking it). Slices never wait for room: a worker must not block on the queue it
 * drains. A closed queue (the scan is stopping) reports the unit as not read. */
static bool push_job(struct pd_scan *s, struct job *j, uint64_t weight)
{
    atomic_fetch_add(&s->outstanding, 1);
    if (j->kind == JOB_SLICE ? pd_queue_push_urgent(s->jobs, j, weight) : pd_queue_push_weighted(s->jobs, j, weight))
        return true;
    atomic_fetch_sub(&s->outstanding, 1);
    if (j->kind != JOB_SLICE)
        submit_not_read(s, j);
    job_free(j);
    return false;
}

/* Queues a job for what; check: a file's --state check and facts (or NULL). */
static bool push(struct pd_scan *s, enum job_kind kind, void *what, const struct pd_root *root, uint64_t weight,
                 const struct job *check)
{
    struct job *j = check ? malloc(sizeof *j) : calloc(1, sizeof *j);
    if (!j) {
        if (kind == JOB_FILE)
            free(what);
        else if (kind == JOB_TABLE)
            pd_db_table_destroy(what);
        return false;
    }
    if (check)
        *j = *check;
    j->kind = kind;
    j->root = root;
    if (kind == JOB_FILE)
        j->as.path = what;
    else if (kind == JOB_TABLE)
        j->as.table = what;
    else
        j->as.slice = what;
    return push_job(s, j, weight);
}

/* Called when the walk is over and after each job: the last one out closes the queue. */
static void job_done(struct pd_scan *s, bool was_job)
{
    if (was_job && atomic_fetch_sub(&s->outstanding, 1) != 1)
        return;
    if (atomic_load(&s->walk_over) && atomic_load(&s->outstanding) == 0)
        pd_queue_close(s->jobs); /* safe to call twice */
}

/* --state: an unchanged file's units come from the state; a file whose times changed but not its
 * size is carried when its bytes are the same. False: read it (a record that cannot be decoded
 * is read too). */
static bool carried(struct pd_scan *s, const struct job *j)
{
    unsigned char now[32];
    struct pd_diag diag;
    if (j->check == CHECK_CONTENT &&
        (!pd_state_hash_file(j->as.path, &j->meta, now) || memcmp(now, j->content, sizeof now) != 0))
        return false;
    return pd_state_carry(s->cfg->state, j->root, j->as.path, j->check == CHECK_CONTENT ? &j->meta : NULL,
                          s->cfg->submit, s->cfg->submit_arg, &diag) == PD_OK;
}

/* --state: the file's units (its members went by emit_unit) are kept for the next run. */
static void record(struct worker_thread *wt, struct pd_unit *u)
{
    struct pd_scan *s = wt->scan;
    if (!s->cfg->state)
        return;
    if (!wt->record)
        wt->record = pd_state_record_begin();
    pd_state_record_unit(wt->record, u);
    pd_state_record_end(s->cfg->state, wt->record, u, atomic_load(&s->stop) != 0);
    wt->record = NULL;
}

static struct pd_unit *run_job(struct worker_thread *wt, const struct job *j)
{
    struct pd_scan *s = wt->scan;
    bool stopping = atomic_load(&s->stop) != 0, in_slices = false;
    struct pd_unit *u = NULL;
    switch (j->kind) {
    case JOB_SLICE: /* the last slice of a file to finish returns the file's unit */
        if ((u = pd_worker_scan_slice(wt->worker, j->as.slice, stopping)) != NULL)
            record(wt, u);
        return u;
    case JOB_TABLE:
        if (stopping) {
            submit_not_read(s, j);
            return NULL;
        }
        u = pd_worker_scan_db_table(wt->worker, j->as.table);
        break;
    case JOB_FILE:
        if (stopping) {
            submit_not_read(s, j);
            return NULL;
        }
        if (j->check && carried(s, j))
            return NULL;
        if (s->cfg->state)
            wt->record = pd_state_record_begin();
        u = pd_worker_scan_file(wt->worker, j->as.path, j->root, &in_slices);
        if (u)
            record(wt, u);
        pd_state_record_free(wt->record); /* in slices: the last one records the file */
        wt->record = NULL;
        break;
    }
    if (!u && !in_slices) /* in slices: the last one to finish submits the unit */
        fprintf(stderr, "pdpscan: out of memory recording a unit\n");
    return u;
}

static void *worker_main(void *arg)
{
    struct worker_thread *wt = arg;
    struct pd_scan *s = wt->scan;
    struct job *j;
    while ((j = pd_queue_pop(s->jobs)) != NULL) {
        struct pd_unit *u = run_job(wt, j);
        if (u)
            submit(s, u);
        job_free(j);
        job_done(s, true);
    }
    return NULL;
}

/* Jobs weigh their size, so that workers take the largest waiting file first: a big file picked up
 * last would otherwise leave one worker scanning alone at the end. Database tables go first. */
/* --shard: whether this process scans what the walk found at path under root (or a table). */
static bool in_shard(const struct pd_scan *s, const struct pd_root *root, const char *path)
{
    if (s->cfg->shard_n <= 1)
        return true;
    char *id = root && root->id ? pd_root_identity_of(root, path) : strdup(path);
    bool mine = !id || pd_shard_of(id, s->cfg->shard_n) == s->cfg->shard_k; /* out of memory: scanned */
    free(id);
    return mine;
}

static bool walk_file(void *arg, char *path, const struct stat *st, const struct pd_root *root)
{
    struct pd_scan *s = arg;
    if (!in_shard(s, root, path)) { /* another shard's */
        free(path);
        return true;
    }
    uint64_t size = st ? (uint64_t)st->st_size : 0;
    atomic_store(&s->walking, root);
    struct job check = {.kind = JOB_FILE, .root = root};
    if (s->cfg->state && st) { /* --state: an unchanged file is not read */
        pd_file_meta_from_stat(&check.meta, st);
        enum pd_state_verdict v = pd_state_check(s->cfg->state, root, path, &check.meta, check.content);
        check.check = v == PD_STATE_CARRY ? CHECK_CARRY : v == PD_STATE_VERIFY ? CHECK_CONTENT : CHECK_NONE;
    }
    if (check.check == CHECK_CARRY) /* decoded by a worker, after the files to read */
        return push(arg, JOB_FILE, path, root, 0, &check);
    atomic_fetch_add(&s->files_found, 1);
    atomic_fetch_add(&s->bytes_found, size);
    return push(arg, JOB_FILE, path, root, size, check.check ? &check : NULL);
}

void pd_scan_progress(struct pd_scan *s, struct pd_scan_progress *out)
{
    const struct pd_root *root = atomic_load(&s->walking);
    out->files = atomic_load(&s->files_found);
    out->bytes = atomic_load(&s->bytes_found);
    out->queued = atomic_load(&s->outstanding);
    out->walk_over = atomic_load(&s->walk_over);
    out->root = root ? root->given : NULL;
}

static void walk_unit(void *arg, struct pd_unit *u)
{
    struct pd_scan *s = arg;
    if (!in_shard(s, u->root, u->path)) {
        pd_unit_destroy(u);
        return;
    }
    if (s->cfg->state)
        pd_state_note_walked(s->cfg->state, u);
    submit(s, u);
}

/* Slices of large files, from the workers: taken before any waiting file. */
static bool queue_slice(void *arg, struct pd_slice *slice)
{
    return push(arg, JOB_SLICE, slice, NULL, UINT64_MAX, NULL);
}

/* Archive members and document parts, from the workers: recorded with their file (--state). */
static void emit_unit(void *arg, struct pd_unit *u)
{
    struct worker_thread *wt = arg;
    pd_state_record_unit(wt->record, u);
    submit(wt->scan, u);
}

/* Database roots become one job per table; a database that cannot be reached is an error unit. */
static void queue_databases(struct pd_scan *s)
{
    const struct pd_walk_options *walk = &s->cfg->walk;
    for (size_t i = 0; i < walk->n_roots && !atomic_load(&s->stop); i++) {
        if (!pd_database_root(walk->roots[i]))
            continue;
        struct pd_db_table **tables = NULL;
        char display[512];
        size_t n = 0, k = 0;
        struct pd_diag diag = {{0}};
        if (pd_database_tables(walk->roots[i], &tables, &n, display, sizeof display, &diag) != PD_OK) {
            struct pd_unit *u = in_shard(s, NULL, display) ? pd_unit_create(display) : NULL;
            if (u) {
                pd_unit_set(u, PD_UNIT_ERROR, "%s", diag.text);
                submit(s, u);
            }
        }
        size_t mine = 0; /* --shard: tables by their name */
        for (size_t t = 0; t < n; t++) {
            char *name = s->cfg->shard_n > 1 ? pd_db_table_name(tables[t]) : NULL;
            if (s->cfg->shard_n > 1 && name && pd_shard_of(name, s->cfg->shard_n) != s->cfg->shard_k)
                pd_db_table_destroy(tables[t]);
            else
                tables[mine++] = tables[t];
            free(name);
        }
        n = mine;
        for (; k < n && push(s, JOB_TABLE, tables[k], NULL, UINT64_MAX, NULL); k++)
            ;
        for (k = k < n ? k + 1 : n; k < n; k++)
            pd_db_table_destroy(tables[k]);
        free(tables);
    }
}

static size_t start_workers(struct pd_scan *s, struct worker_thread *threads, struct pd_diag *diag)
{
    const struct pd_scan_config *cfg = s->cfg;
    struct pd_worker_config wc = cfg->worker;
    wc.stop = &s->stop;
    wc.emit = emit_unit;
    wc.content_hash = cfg->state != NULL;
    wc.split_max = cfg->jobs > 1 ? 2 * cfg->jobs : 0;
    wc.split = queue_slice;
    wc.split_arg = s;
    size_t started = 0;
    for (size_t i = 0; i < cfg->jobs; i++) {
        threads[i].scan = s;
        wc.emit_arg = &threads[i];
        if (pd_worker_create(&wc, &threads[i].worker, diag) != PD_OK)
            break;
        if (pthread_create(&threads[i].thread, NULL, worker_main, &threads[i]) != 0) {
            pd_worker_destroy(threads[i].worker);
            pd_fail(diag, PD_ERR_INTERNAL, "cannot start worker thread %zu", i + 1);
            break;
        }
        started++;
    }
    return started;
}

enum pd_error pd_scan_run(struct pd_scan *s, struct pd_diag *diag)
{
    const struct pd_scan_config *cfg = s->cfg;
    struct worker_thread *threads = calloc(cfg->jobs, sizeof *threads);
    if (!threads)
        return pd_fail(diag, PD_ERR_NOMEM, "out of memory");
    size_t started = start_workers(s, threads, diag);
    enum pd_error err = PD_ERR_INTERNAL;
    if (started == cfg->jobs) {
        queue_databases(s);
        struct pd_walk_sink sink = {.file = walk_file, .unit = walk_unit, .arg = s, .own = cfg->own,
                                    .n_own = cfg->n_own};
        err = pd_walk(&cfg->walk, &sink, &s->stop);
        if (err)
            pd_fail(diag, err, "walking stopped: %s", pd_strerror(err));
    }
    atomic_store(&s->walk_over, true);
    if (started == cfg->jobs)
        job_done(s, false);
    else
        pd_queue_close(s->jobs); /* workers missing: no slices will be handed out */
    for (size_t i = 0; i < started; i++) {
        pthread_join(threads[i].thread, NULL);
        pd_worker_destroy(threads[i].worker);
    }
    free(threads);
    return err;
}

/* One scan from start to report: engine, report, workers, walker and a signal thread that turns
 * SIGINT/SIGTERM into an orderly stop with a valid partial report. */
#include "scanner/scan.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detectors/engine.h"
#include "detectors/hscache.h"
#include "policies/policy.h"
#include "reports/report.h"
#include "scanner/key.h"
#include "scanner/queue.h"
#include "scanner/database.h"
#include "scanner/walker.h"
#include "scanner/worker.h"

#define JOB_QUEUE_LENGTH 4096

struct scan {
    const struct pd_scan_options *opts;
    struct pd_engine *engine;
    struct pd_report *report;
    struct pd_queue *jobs;
    atomic_int stop; /* the signal number that stopped the scan, or 0 */
    /* jobs queued or being scanned; the queue closes when the walk is over and this drops to
     * zero, since a job may still add slices of its file until it is done */
    atomic_size_t outstanding;
    atomic_bool walk_over;
    atomic_bool done;
    pthread_t signal_thread;
};

/* What the job queue carries: a file or database table to scan, or a slice of a large file. */
struct job {
    char *path;
    struct pd_slice *slice;
};

static bool push_job(struct scan *sc, char *path, struct pd_slice *slice, uint64_t weight)
{
    struct job *j = malloc(sizeof *j);
    if (!j)
        return false;
    j->path = path;
    j->slice = slice;
    atomic_fetch_add(&sc->outstanding, 1);
    /* slices never wait for room: a worker must not block on the queue it drains */
    if (slice ? pd_queue_push_urgent(sc->jobs, j, weight) : pd_queue_push_weighted(sc->jobs, j, weight))
        return true;
    atomic_fetch_sub(&sc->outstanding, 1);
    free(j);
    return false;
}

/* Called when the walk is over and after each job: the last one out closes the queue. */
static void job_done(struct scan *sc, bool was_job)
{
    if (was_job && atomic_fetch_sub(&sc->outstanding, 1) != 1)
        return;
    if (atomic_load(&sc->walk_over) && atomic_load(&sc->outstanding) == 0)
        pd_queue_close(sc->jobs); /* safe to call twice */
}

struct worker_thread {
    struct scan *scan;
    struct pd_worker *worker;
    pthread_t thread;
};

static void *worker_main(void *arg)
{
    struct worker_thread *wt = arg;
    struct scan *sc = wt->scan;
    struct job *job;
    while ((job = pd_queue_pop(sc->jobs)) != NULL) {
        char *path = job->path;
        struct pd_slice *slice = job->slice;
        free(job);
        if (slice) { /* the last slice of a file to finish returns the file's unit */
            struct pd_unit *u = pd_worker_scan_slice(wt->worker, slice, atomic_load(&sc->stop) != 0);
            if (u)
                pd_report_submit(sc->report, u);
            job_done(sc, true);
            continue;
        }
        struct pd_unit *u;
        bool table = pd_database_job(path), in_slices = false;
        if (atomic_load(&sc->stop)) {
            char *name = table ? pd_database_job_name(path) : NULL; /* never the connection string */
            if ((u = pd_unit_create(name ? name : path)) != NULL)
                pd_unit_set(u, PD_UNIT_SKIPPED, "scan interrupted before this unit was read");
            free(name);
        } else {
            u = table ? pd_worker_scan_db_job(wt->worker, path) : pd_worker_scan_file(wt->worker, path, &in_slices);
        }
        if (u)
            pd_report_submit(sc->report, u);
        else if (!in_slices) /* in slices: the last one to finish submits the unit */
            fprintf(stderr, "pdpscan: out of memory recording a unit\n");
        free(path);
        job_done(sc, true);
    }
    return NULL;
}

static void *signal_main(void *arg)
{
    struct scan *sc = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGUSR1 && atomic_load(&sc->done))
            return NULL;
        if (sig == SIGINT || sig == SIGTERM) {
            if (atomic_load(&sc->stop)) {
                static const char msg[] = "pdpscan: second signal, exiting without a report\n";
                ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
                (void)ignored;
                _exit(128 + sig);
            }
            atomic_store(&sc->stop, sig);
            pd_queue_close(sc->jobs); /* wakes the walker if it waits on a full queue */
        }
    }
}

/* Jobs weigh their size, so that workers take the largest waiting file first: a big file picked up
 * last would otherwise leave one worker scanning alone at the end. Database tables go first. */
static bool walk_file(void *arg, char *path, uint64_t size)
{
    struct scan *sc = arg;
    if (push_job(sc, path, NULL, size))
        return true;
    /* queue closed by a signal: the unit was seen, so it is reported as not read */
    char *name = pd_database_job(path) ? pd_database_job_name(path) : NULL; /* never a connection string */
    struct pd_unit *u = pd_unit_create(name ? name : path);
    if (u) {
        pd_unit_set(u, PD_UNIT_SKIPPED, "scan interrupted before this unit was read");
        pd_report_submit(sc->report, u);
    }
    free(name);
    free(path);
    return false;
}

/* Slices of large files, from the workers: taken before any waiting file. */
static bool queue_slice(void *arg, struct pd_slice *slice)
{
    return push_job(arg, NULL, slice, UINT64_MAX);
}

/* Archive members and document parts, from the workers. */
static void emit_unit(void *arg, struct pd_unit *u)
{
    struct scan *sc = arg;
    pd_report_submit(sc->report, u);
}

static void walk_unit(void *arg, struct pd_unit *u)
{
    struct scan *sc = arg;
    pd_report_submit(sc->report, u);
}

/* Database roots become one job per table; a database that cannot be reached is an error unit. */
/* The files the report writes, and the old report an atomic one replaces at the end: a report
 * written inside a scanned tree is not read back (with --reveal it holds values in clear). */
static size_t report_files(const struct pd_report *report, struct pd_file_id own[2 * PD_REPORT_OUTPUTS])
{
    int fds[PD_REPORT_OUTPUTS];
    const char *replaced[PD_REPORT_OUTPUTS];
    size_t n = 0, outputs = pd_report_outputs(report, fds, replaced);
    struct stat st;
    for (size_t i = 0; i < outputs; i++) {
        if (fds[i] >= 0 && fstat(fds[i], &st) == 0 && S_ISREG(st.st_mode))
            own[n++] = (struct pd_file_id){st.st_dev, st.st_ino};
        if (replaced[i] && stat(replaced[i], &st) == 0 && S_ISREG(st.st_mode))
            own[n++] = (struct pd_file_id){st.st_dev, st.st_ino};
    }
    return n;
}

static void queue_databases(struct scan *sc)
{
    for (size_t i = 0; i < sc->opts->n_roots && !atomic_load(&sc->stop); i++) {
        if (!pd_database_root(sc->opts->roots[i]))
            continue;
        char **jobs = NULL, display[512];
        size_t n = 0, k = 0;
        struct pd_diag diag = {{0}};
        if (pd_database_tables(sc->opts->roots[i], &jobs, &n, display, sizeof display, &diag) != PD_OK) {
            struct pd_unit *u = pd_unit_create(display);
            if (u) {
                pd_unit_set(u, PD_UNIT_ERROR, "%s", diag.text);
                pd_report_submit(sc->report, u);
            }
        }
        for (; k < n && walk_file(sc, jobs[k], UINT64_MAX); k++)
            ;
        for (k = k < n ? k + 1 : n; k < n; k++)
            free(jobs[k]);
        free(jobs);
    }
}

static struct json_object *options_json(const struct pd_scan_options *o)
{
    struct json_object *j = json_object_new_object(), *ex = json_object_new_array();
    json_object_object_add(j, "jobs", json_object_new_int((int)o->jobs));
    json_object_object_add(j, "format", json_object_new_string(o->format));
    json_object_object_add(j, "output", o->output ? json_object_new_string(o->output) : NULL);
    for (size_t i = 0; i < o->n_excludes; i++)
        json_object_array_add(ex, json_object_new_string(o->excludes[i]));
    json_object_object_add(j, "exclude", ex);
    json_object_object_add(j, "max_file_size", json_object_new_int64((int64_t)o->max_file_size));
    json_object_object_add(j, "db_sample", json_object_new_int64((int64_t)o->db_sample));
    json_object_object_add(j, "follow_symlinks", json_object_new_boolean(o->follow_symlinks));
    json_object_object_add(j, "detectors", o->detectors ? json_object_new_string(o->detectors) : NULL);
    json_object_object_add(j, "skip_detectors", o->skip_detectors ? json_object_new_string(o->skip_detectors) : NULL);
    json_object_object_add(j, "min_confidence", json_object_new_int(o->min_confidence));
    json_object_object_add(j, "reveal", json_object_new_boolean(o->reveal));
    struct json_object *pol = json_object_new_array();
    for (size_t i = 0; i < o->n_policies; i++)
        json_object_array_add(pol, json_object_new_string(o->policies[i]));
    json_object_object_add(j, "policies", pol);
    json_object_object_add(j, "default_policies", json_object_new_boolean(!o->no_default_policies));
    json_object_object_add(j, "fail_on", o->fail_on >= 0 ? json_object_new_string(pd_severity_name(o->fail_on)) : NULL);
    return j;
}

struct pd_policy_set *pd_scan_load_policies(char *const *extra, size_t n_extra, bool no_defaults)
{
    char **defaults = NULL;
    size_t n_defaults = no_defaults ? 0 : pd_policy_default_files(&defaults);
    const char **all = calloc(n_defaults + n_extra + 1, sizeof *all);
    struct pd_policy_set *set = NULL;
    struct pd_diag diag = {{0}};
    size_t n = 0;
    if (all) {
        for (size_t i = 0; i < n_defaults; i++) {
            /* a shipped file named again on the command line is loaded once, in its later place */
            bool again = false;
            char *a = realpath(defaults[i], NULL);
            for (size_t k = 0; a && k < n_extra && !again; k++) {
                char *b = realpath(extra[k], NULL);
                again = b && strcmp(a, b) == 0;
                free(b);
            }
            free(a);
            if (!again)
                all[n++] = defaults[i];
        }
        for (size_t i = 0; i < n_extra; i++)
            all[n++] = extra[i];
        if (!no_defaults && n_defaults == 0)
            fprintf(stderr, "pdpscan: warning: no shipped policy files found (set PDPSCAN_POLICY_DIR)\n");
        if (pd_policy_load(all, n, 0, &set, &diag) != PD_OK)
            fprintf(stderr, "pdpscan: %s\n", diag.text);
    }
    for (size_t i = 0; i < n_defaults; i++)
        free(defaults[i]);
    free(defaults);
    free(all);
    return set;
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : NULL;
}

int pd_scan_run(const struct pd_scan_options *opts)
{
    struct scan sc = {.opts = opts};
    struct pd_diag diag = {{0}};
    struct worker_thread *threads = NULL;
    size_t started = 0;
    int code = PD_EXIT_FATAL;
    bool signals_up = false;
    struct json_object *options = NULL;
    char **shown_roots = NULL;

    /* a mistyped root must not look like a clean scan */
    for (size_t i = 0; i < opts->n_roots; i++) {
        struct stat st;
        if (!pd_database_root(opts->roots[i]) && stat(opts->roots[i], &st) != 0) {
            fprintf(stderr, "pdpscan: cannot scan %s: %s\n", opts->roots[i], strerror(errno));
            return PD_EXIT_FATAL;
        }
    }

    /* a malformed policy stops everything before the first file is read */
    struct pd_policy_set *policies = pd_scan_load_policies(opts->policies, opts->n_policies, opts->no_default_policies);
    if (!policies)
        return PD_EXIT_FATAL;

    unsigned char key[PD_KEY_MAX];
    size_t key_len = 0;
    bool ephemeral = false;
    if (pd_key_load(opts->key_file, key, &key_len, &ephemeral, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        pd_policy_destroy(policies);
        return PD_EXIT_FATAL;
    }
    if (ephemeral)
        fprintf(stderr, "pdpscan: warning: no key file could be used; value hashes and fingerprints "
                        "will differ from other runs (see --key-file)\n");
    if (opts->reveal)
        fprintf(stderr, "pdpscan: warning: --reveal writes found values in clear into the report; "
                        "protect it like the data itself\n");

    char cache_dir[4096];
    bool cache = !opts->no_cache && pd_hscache_default_dir(cache_dir, sizeof cache_dir);
    struct pd_engine_options eo = {.enable = opts->detectors, .disable = opts->skip_detectors,
                                   .min_confidence = opts->min_confidence, .reveal = opts->reveal,
                                   .key = key, .key_len = key_len, .cache_dir = cache ? cache_dir : NULL};
    if (pd_engine_create(&eo, &sc.engine, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        goto done;
    }

    /* signals are taken by one thread only: block them here, before any thread exists */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    if (pd_queue_create(JOB_QUEUE_LENGTH, &sc.jobs) != PD_OK) {
        fprintf(stderr, "pdpscan: out of memory\n");
        goto done;
    }
    options = options_json(opts);
    /* the report names roots as given, except that database roots lose their passwords */
    shown_roots = calloc(opts->n_roots + 1, sizeof *shown_roots);
    for (size_t i = 0; shown_roots && i < opts->n_roots; i++) {
        size_t cap = strlen(opts->roots[i]) + 1;
        if ((shown_roots[i] = malloc(cap)) != NULL)
            pd_database_redact(opts->roots[i], shown_roots[i], cap);
    }
    struct pd_report_info info = {.tool_version = PACKAGE_VERSION, .started = time(NULL),
                                  .roots = shown_roots ? shown_roots : opts->roots, .n_roots = opts->n_roots,
                                  .options = options, .reveal = opts->reveal, .policies = policies};
    bool summary = !opts->quiet && strcmp(opts->format, "text") != 0;
    if (pd_report_open(opts->format, opts->output, summary, &info, &sc.report, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        goto done;
    }
    if (pthread_create(&sc.signal_thread, NULL, signal_main, &sc) == 0)
        signals_up = true;

    threads = calloc(opts->jobs, sizeof *threads);
    struct pd_worker_config wc = {.engine = sc.engine, .max_file_size = opts->max_file_size,
                                  .window_size = opts->window_size, .stop = &sc.stop, .limits = &opts->limits,
                                  .extractor_timeout = opts->extractor_timeout, .db_sample = opts->db_sample,
                                  .emit = emit_unit, .emit_arg = &sc, .split_size = opts->split_size,
                                  .split_max = opts->jobs > 1 ? 2 * opts->jobs : 0, .split = queue_slice,
                                  .split_arg = &sc};
    for (size_t i = 0; threads && i < opts->jobs; i++) {
        threads[i].scan = &sc;
        if (pd_worker_create(&wc, &threads[i].worker, &diag) != PD_OK) {
            fprintf(stderr, "pdpscan: %s\n", diag.text);
            break;
        }
        if (pthread_create(&threads[i].thread, NULL, worker_main, &threads[i]) != 0) {
            pd_worker_destroy(threads[i].worker);
            break;
        }
        started++;
    }
    enum pd_error walk_err = PD_ERR_INTERNAL;
    if (started == opts->jobs) {
        queue_databases(&sc);
        struct pd_file_id own[2 * PD_REPORT_OUTPUTS];
        struct pd_walk_sink sink = {.file = walk_file, .unit = walk_unit, .arg = &sc, .own = own,
                                    .n_own = report_files(sc.report, own)};
        walk_err = pd_walk(opts, &sink, &sc.stop);
        if (walk_err)
            fprintf(stderr, "pdpscan: walking stopped: %s\n", pd_strerror(walk_err));
    }
    atomic_store(&sc.walk_over, true);
    if (started == opts->jobs)
        job_done(&sc, false);
    else
        pd_queue_close(sc.jobs); /* workers missing: no slices will be handed out */
    for (size_t i = 0; i < started; i++) {
        pthread_join(threads[i].thread, NULL);
        pd_worker_destroy(threads[i].worker);
    }
    int sig = atomic_load(&sc.stop);
    struct pd_report_summary sum;
    enum pd_error rerr = pd_report_close(sc.report, signal_name(sig), &sum, &diag);
    sc.report = NULL;
    if (rerr) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        goto done;
    }
    if (walk_err)
        goto done;
    if (sig) {
        code = PD_EXIT_INTERRUPTED;
    } else if (opts->fail_on >= 0) {
        code = PD_EXIT_CLEAN;
        for (int sev = opts->fail_on; sev < PD_SEV_COUNT; sev++)
            if (sum.by_severity[sev])
                code = PD_EXIT_FINDINGS;
    } else {
        code = sum.findings ? PD_EXIT_FINDINGS : sum.by_status[PD_UNIT_ERROR] ? PD_EXIT_INCOMPLETE : PD_EXIT_CLEAN;
    }
done:
    if (sc.report)
        pd_report_close(sc.report, "fatal error", NULL, &diag);
    if (signals_up) {
        atomic_store(&sc.done, true);
        pthread_kill(sc.signal_thread, SIGUSR1);
        pthread_join(sc.signal_thread, NULL);
    }
    free(threads);
    pd_queue_destroy(sc.jobs);
    pd_engine_destroy(sc.engine);
    json_object_put(options);
    for (size_t i = 0; shown_roots && i < opts->n_roots; i++)
        free(shown_roots[i]);
    free(shown_roots);
    pd_policy_destroy(policies);
    memset(key, 0, sizeof key);
    return code;
}

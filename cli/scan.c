/* `pdpscan scan` from start to exit code: setup (roots, policies, key, engine, report), the scan
 * itself (scanner/scan.h) with a signal thread that turns SIGINT/SIGTERM into an orderly stop
 * with a valid partial report, and the exit code. */
#include "cli/scan.h"

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

#include "detectors/digest.h"
#include "detectors/engine.h"
#include "detectors/hscache.h"
#include "policies/policy.h"
#include "reports/report.h"
#include "cli/progress.h"
#include "scanner/db/db.h"
#include "scanner/key.h"
#include "scanner/roots.h"
#include "scanner/scan.h"
#include "scanner/state.h"

/* Everything one run holds; setup fills it, teardown releases whatever setup got to. */
struct run {
    const struct pd_scan_options *opts;
    struct pd_policy_set *policies;
    unsigned char key[PD_KEY_MAX];
    size_t key_len;
    bool ephemeral_key; /* a key of this run only (--ephemeral-key, no key file) */
    char key_id[33];    /* the key's one-way identity: in the report and the --state settings */
    struct pd_engine *engine;
    struct json_object *options;
    char **shown_roots;
    struct pd_roots roots; /* canonical paths and identities */
    struct pd_report_info info; /* the report keeps a pointer to it */
    struct pd_baseline *baseline; /* --baseline */
    struct pd_report *report;
    struct pd_scan *scan;
    struct pd_scan_config config;
    struct pd_state *state; /* --state */
    struct pd_state_gone *gone;
    size_t n_gone;
    char state_notice[512]; /* said when it opened */
    struct pd_file_id own[2 * PD_REPORT_OUTPUTS + 1];
    pthread_t signal_thread;
    bool signals_up;
    atomic_bool done;
};

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGUSR1);
}

static void *signal_main(void *arg)
{
    struct run *run = arg;
    sigset_t set;
    stop_signals(&set);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGUSR1 && atomic_load(&run->done))
            return NULL;
        if (sig == SIGINT || sig == SIGTERM) {
            if (pd_scan_stopped(run->scan)) {
                static const char msg[] = "pdpscan: second signal, exiting without a report\n";
                ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
                (void)ignored;
                _exit(128 + sig);
            }
            pd_scan_stop(run->scan, sig);
        }
    }
}

/* Every finished unit, from the walker and the workers. */
static void submit_unit(void *arg, struct pd_unit *u)
{
    struct run *run = arg;
    pd_report_submit(run->report, u);
}

/* The files the report writes, and the old report an atomic one replaces at the end: a report
 * written inside a scanned tree is not read back (with --reveal it holds values in clear). */
static size_t report_files(const struct pd_report *report, struct pd_file_id own[2 * PD_REPORT_OUTPUTS + 1])
{
    int fds[PD_REPORT_OUTPUTS];
    const char *replaced[PD_REPORT_OUTPUTS];
    size_t n = 0, outputs = pd_report_outputs(report, fds, replaced);
    struct stat st;
    for (size_t i = 0; i < outputs; i++) {
        if (fds[i] >= 0 && fstat(fds[i], &st) == 0 && S_ISREG(st.st_mode))
            own[n++] = (struct pd_file_id){st.st_dev, st.st_ino, NULL};
        if (replaced[i] && stat(replaced[i], &st) == 0 && S_ISREG(st.st_mode))
            own[n++] = (struct pd_file_id){st.st_dev, st.st_ino, NULL};
    }
    return n;
}

/* What the scan was asked; ephemeral_key: it hashed with a key of this run only, so that its
 * fingerprints cannot be compared with another run's. */
static struct json_object *options_json(const struct pd_scan_options *o, bool ephemeral_key)
{
    struct json_object *j = json_object_new_object(), *ex = json_object_new_array();
    json_object_object_add(j, "jobs", json_object_new_int((int)o->jobs));
    json_object_object_add(j, "format", json_object_new_string(o->format));
    json_object_object_add(j, "output", o->output ? json_object_new_string(o->output) : NULL);
    json_object_object_add(j, "output_pattern", o->output_pattern ? json_object_new_string(o->output_pattern) : NULL);
    json_object_object_add(j, "keep", o->keep ? json_object_new_int((int)o->keep) : NULL);
    for (size_t i = 0; i < o->n_excludes; i++)
        json_object_array_add(ex, json_object_new_string(o->excludes[i]));
    json_object_object_add(j, "exclude", ex);
    struct json_object *ids = json_object_new_array();
    for (size_t i = 0; i < o->n_root_ids; i++)
        json_object_array_add(ids, json_object_new_string(o->root_ids[i]));
    json_object_object_add(j, "root_ids", ids);
    json_object_object_add(j, "max_file_size", json_object_new_int64((int64_t)o->max_file_size));
    json_object_object_add(j, "db_sample", json_object_new_int64((int64_t)o->db_sample));
    json_object_object_add(j, "binary", json_object_new_boolean(o->read_binary));
    json_object_object_add(j, "baseline", o->baseline ? json_object_new_string(o->baseline) : NULL);
    json_object_object_add(j, "stdin_name", o->stdin_name ? json_object_new_string(o->stdin_name) : NULL);
    json_object_object_add(j, "files_from", o->files_from ? json_object_new_string(o->files_from) : NULL);
    char shard[32];
    snprintf(shard, sizeof shard, "%u/%u", o->shard_k, o->shard_n);
    json_object_object_add(j, "shard", o->shard_n ? json_object_new_string(shard) : NULL);
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
    json_object_object_add(j, "ephemeral_key", json_object_new_boolean(ephemeral_key));
    return j;
}

struct pd_policy_set *pd_cli_load_policies(char *const *extra, size_t n_extra, bool no_defaults)
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
        const char *env = getenv("PDPSCAN_POLICY_DIR");
        if (!no_defaults && n_defaults == 0) {
            /* no law checked: the findings would carry no violation and --fail-on would pass */
            if (env && *env)
                fprintf(stderr, "pdpscan: no policy files (*.json) in $PDPSCAN_POLICY_DIR=%s: no law would be "
                                "checked; give --no-default-policies to evaluate only the --policy files\n", env);
            else
                fprintf(stderr, "pdpscan: no shipped policy files found (looked in %s, in ../share/pdpscan/policies "
                                "from the binary, and in policies/ beside it and up to three directories above): no law would be checked; set "
                                "PDPSCAN_POLICY_DIR, or give --no-default-policies to evaluate only the --policy "
                                "files\n", PD_DATADIR "/policies");
            goto done;
        }
        if (pd_policy_load(all, n, 0, &set, &diag) != PD_OK)
            fprintf(stderr, "pdpscan: %s\n", diag.text);
    }
done:
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

/* A root that cannot be reached is said at once; the scan goes on with the others, and the walk
 * reports it as a unit in error (exit 4 when nothing is found), as it does an unreachable
 * database. One missing share must not cost a nightly run the report of all the others. */
static void warn_missing_roots(const struct pd_scan_options *opts)
{
    for (size_t i = 0; i < opts->n_roots; i++) {
        struct stat st;
        if (!pd_database_root(opts->roots[i]) && strcmp(opts->roots[i], "-") != 0 && stat(opts->roots[i], &st) != 0)
            fprintf(stderr, "pdpscan: cannot scan %s: %s (reported as a unit in error)\n", opts->roots[i],
                    strerror(errno));
    }
}

/* The key's identity: a keyed digest of a fixed text, which tells keys apart and gives nothing of
 * them away. */
static bool key_identity(struct run *run)
{
    struct pd_digest *d = NULL;
    const char *part[] = {"pdpscan-key-id"};
    if (pd_digest_create(run->key, run->key_len, &d) != PD_OK)
        return false;
    pd_digest_hex128(d, part, 1, run->key_id);
    pd_digest_destroy(d);
    return true;
}

/* Policies, key and engine: what the scan needs before the report opens. */
static bool setup_engine(struct run *run)
{
    const struct pd_scan_options *opts = run->opts;
    struct pd_diag diag = {{0}};
    bool ephemeral = false;
    /* a malformed policy stops everything before the first file is read */
    run->policies = pd_cli_load_policies(opts->policies, opts->n_policies, opts->no_default_policies);
    if (!run->policies)
        return false;
    if (pd_key_load(opts->key_file, opts->ephemeral_key, run->key, &run->key_len, &ephemeral, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    run->ephemeral_key = ephemeral;
    if (!key_identity(run)) {
        fprintf(stderr, "pdpscan: out of memory\n");
        return false;
    }
    if (ephemeral)
        fprintf(stderr, "pdpscan: warning: no key file: --ephemeral-key hashes with a key of this run only; "
                        "its value hashes and fingerprints match no other run's\n");
    if (opts->reveal)
        fprintf(stderr, "pdpscan: warning: --reveal writes found values in clear into the report; "
                        "protect it like the data itself\n");
    char cache_dir[4096];
    bool cache = !opts->no_cache && pd_hscache_default_dir(cache_dir, sizeof cache_dir);
    struct pd_engine_options eo = {.enable = opts->detectors, .disable = opts->skip_detectors,
                                   .min_confidence = opts->min_confidence, .reveal = opts->reveal,
                                   .key = run->key, .key_len = run->key_len, .cache_dir = cache ? cache_dir : NULL};
    if (pd_engine_create(&eo, &run->engine, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    return true;
}

/* The report, which names roots as given except that database roots lose their passwords. */
static bool setup_report(struct run *run)
{
    const struct pd_scan_options *opts = run->opts;
    struct pd_diag diag = {{0}};
    run->options = options_json(opts, run->ephemeral_key);
    if (opts->baseline && pd_baseline_load(opts->baseline, &run->baseline, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: --baseline: %s\n", diag.text);
        return false;
    }
    const char *old_key = run->baseline ? pd_baseline_key_id(run->baseline) : NULL;
    if (old_key && strcmp(old_key, run->key_id) != 0) { /* nothing would match: everything would be new */
        fprintf(stderr, "pdpscan: --baseline: %s was hashed with another key (key id %.8s..., this run %.8s...): its "
                        "fingerprints cannot match this run's\n", opts->baseline, old_key, run->key_id);
        return false;
    }
    if (pd_roots_resolve(opts->roots, opts->n_roots, opts->root_ids, opts->n_root_ids, &run->roots, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    run->shown_roots = calloc(opts->n_roots + 1, sizeof *run->shown_roots);
    for (size_t i = 0; run->shown_roots && i < opts->n_roots; i++) {
        size_t cap = strlen(opts->roots[i]) + 1;
        if ((run->shown_roots[i] = malloc(cap)) != NULL)
            pd_database_redact(opts->roots[i], run->shown_roots[i], cap);
    }
    run->info = (struct pd_report_info){.tool_version = PACKAGE_VERSION, .started = time(NULL),
                                  .roots = run->shown_roots ? run->shown_roots : opts->roots,
                                  .n_roots = opts->n_roots, .resolved = run->roots.v,
                                  .options = run->options, .reveal = opts->reveal,
                                  .read_binary = opts->read_binary, .baseline = run->baseline,
                                  .incremental = opts->state != NULL,
                                  .key_id = run->ephemeral_key ? NULL : run->key_id,
                                  .policies = run->policies};
    bool summary = !opts->quiet && strcmp(opts->format, "text") != 0;
    if (pd_report_open(opts->no_report ? NULL : opts->format, opts->output, summary, &run->info, &run->report,
                       &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    return true;
}

/* Everything that decides what a file's scan gives, for --state: a state written under other
 * settings carries nothing. */
static char *state_settings(const struct run *run)
{
    const struct pd_scan_options *o = run->opts;
    const char *key_id = run->key_id;
    size_t n = 0, len = 0, cap = 1024;
    const struct pd_detector *const *dets = pd_engine_detectors(run->engine, &n);
    for (size_t i = 0; i < n; i++)
        cap += strlen(dets[i]->id) + 1;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    len = (size_t)snprintf(s, cap, "pdpscan=%s; key=%s; min_confidence=%d; max_file_size=%llu; binary=%d; "
                           "window=%zu; split=%llu; archive=%llu/%llu/%llu/%llu/%llu; follow_symlinks=%d; shard=%u/%u; "
                           "detectors=",
                           PACKAGE_VERSION, key_id, o->min_confidence, (unsigned long long)o->max_file_size,
                           o->read_binary, o->window_size, (unsigned long long)o->split_size,
                           (unsigned long long)o->limits.max_depth, (unsigned long long)o->limits.max_members,
                           (unsigned long long)o->limits.max_bytes, (unsigned long long)o->limits.max_ratio,
                           (unsigned long long)o->limits.timeout, o->follow_symlinks, o->shard_k, o->shard_n);
    for (size_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "," : "", dets[i]->id);
    return s;
}

/* --state: opened once the roots are known; its own file is never scanned. */
static bool setup_state(struct run *run)
{
    const struct pd_scan_options *opts = run->opts;
    if (!opts->state)
        return true;
    struct pd_diag diag = {{0}};
    char *settings = state_settings(run);
    enum pd_error err = settings ? pd_state_open(opts->state, settings, run->roots.v, run->roots.n, &run->state, &diag)
                                 : pd_fail(&diag, PD_ERR_NOMEM, "out of memory");
    free(settings);
    if (err) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    snprintf(run->state_notice, sizeof run->state_notice, "%s", pd_state_notice(run->state));
    if (*run->state_notice)
        fprintf(stderr, "pdpscan: warning: %s\n", run->state_notice);
    return true;
}

/* The scan and the thread that takes its signals. */
static bool setup_scan(struct run *run)
{
    const struct pd_scan_options *opts = run->opts;
    struct pd_diag diag = {{0}};
    run->config = (struct pd_scan_config){
        .worker = {.engine = run->engine, .max_file_size = opts->max_file_size, .window_size = opts->window_size,
                   .limits = &opts->limits, .extractor_timeout = opts->extractor_timeout,
                   .extractor_user = &opts->extractor_user,
                   .db_sample = opts->db_sample, .read_binary = opts->read_binary,
                   .stdin_name = opts->stdin_name,
                   .split_size = opts->split_size},
        .state = run->state,
        .shard_k = opts->shard_k,
        .shard_n = opts->shard_n,
        .jobs = opts->jobs,
        .walk = {.roots = opts->roots, .n_roots = opts->n_roots, .resolved = run->roots.v, .excludes = opts->excludes,
                 .n_excludes = opts->n_excludes, .follow_symlinks = opts->follow_symlinks},
        .own = run->own,
        .n_own = report_files(run->report, run->own),
        .submit = submit_unit,
        .submit_arg = run,
    };
    uint64_t dev, ino;
    if (run->state && pd_state_file_id(run->state, &dev, &ino))
        run->own[run->config.n_own++] = (struct pd_file_id){(dev_t)dev, (ino_t)ino, "pdpscan's own --state file"};
    if (pd_scan_create(&run->config, &run->scan, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan: %s\n", diag.text);
        return false;
    }
    run->signals_up = pthread_create(&run->signal_thread, NULL, signal_main, run) == 0;
    return true;
}

/* What the run tells CI and schedulers (enum pd_exit). */
/* 1 for findings (with --fail-on: a violation that severe); otherwise 4 when a unit was not read
 * whole, in error or partial (a budget, an interruption of its reading): a run that did not check
 * everything never looks clean, --fail-on gate or not. */
static int exit_code(const struct pd_scan_options *opts, int sig, const struct pd_report_summary *sum)
{
    if (sig)
        return PD_EXIT_INTERRUPTED;
    bool found = sum->findings > 0;
    if (opts->fail_on >= 0) {
        found = false;
        for (int sev = opts->fail_on; sev < PD_SEV_COUNT; sev++)
            found |= sum->by_severity[sev] > 0;
    }
    if (found)
        return PD_EXIT_FINDINGS;
    return sum->by_status[PD_UNIT_ERROR] || sum->by_status[PD_UNIT_PARTIAL] ? PD_EXIT_INCOMPLETE : PD_EXIT_CLEAN;
}

static void teardown(struct run *run)
{
    struct pd_diag diag;
    if (run->report)
        pd_report_close(run->report, "fatal error", NULL, &diag);
    if (run->signals_up) {
        atomic_store(&run->done, true);
        pthread_kill(run->signal_thread, SIGUSR1);
        pthread_join(run->signal_thread, NULL);
    }
    pd_scan_destroy(run->scan);
    pd_state_close(run->state); /* after the report: carried units point at its strings */
    pd_state_gone_free(run->gone, run->n_gone);
    pd_engine_destroy(run->engine);
    json_object_put(run->options);
    for (size_t i = 0; run->shown_roots && i < run->opts->n_roots; i++)
        free(run->shown_roots[i]);
    free(run->shown_roots);
    pd_roots_free(&run->roots);
    pd_policy_destroy(run->policies);
    pd_baseline_free(run->baseline);
    memset(run->key, 0, sizeof run->key);
}

int pd_cli_scan(const struct pd_scan_options *opts)
{
    struct run run = {.opts = opts};
    struct pd_diag diag = {{0}};
    int code = PD_EXIT_FATAL;
    /* signals are taken by one thread only: block them here, before any thread (the report's
     * writer, the workers) exists, so that every thread inherits the mask */
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    warn_missing_roots(opts);
    if (!setup_engine(&run) || !setup_report(&run) || !setup_state(&run) || !setup_scan(&run))
        goto done;
    bool tty = isatty(STDERR_FILENO);
    struct pd_progress *progress = opts->progress == 1 || (opts->progress < 0 && tty && !opts->quiet)
                                       ? pd_progress_start(run.scan, run.report, stderr, tty)
                                       : NULL;
    enum pd_error walk_err = pd_scan_run(run.scan, &diag);
    pd_progress_stop(progress); /* before the report closes: the line reads its counters */
    if (walk_err)
        fprintf(stderr, "pdpscan: %s\n", diag.text);
    int sig = pd_scan_stopped(run.scan);
    bool state_failed = false;
    if (run.state) { /* only a whole walk can tell what is gone; what was read is kept either way */
        uint64_t unlisted = 0;
        struct pd_diag sdiag = {{0}};
        if (pd_state_finish(run.state, !walk_err && !sig, &run.gone, &run.n_gone, &unlisted, &sdiag) != PD_OK) {
            fprintf(stderr, "pdpscan: %s\n", sdiag.text);
            state_failed = true;
        }
        if (strcmp(pd_state_notice(run.state), run.state_notice) != 0) /* it failed while in use */
            fprintf(stderr, "pdpscan: warning: %s\n", pd_state_notice(run.state));
        pd_report_set_gone(run.report, run.gone, run.n_gone, unlisted);
    }
    struct pd_report_summary sum;
    enum pd_error rerr = pd_report_close(run.report, signal_name(sig), &sum, &diag);
    run.report = NULL;
    if (rerr)
        fprintf(stderr, "pdpscan: %s\n", diag.text);
    else if (!walk_err && !state_failed)
        code = exit_code(opts, sig, &sum);
    unsigned removed = 0; /* older reports go only once this one is in place */
    /* a partial report (interrupted) is no reason to remove complete ones */
    if (!rerr && !sig && opts->keep && pd_report_keep_latest(opts->output_pattern, opts->keep, &removed, &diag) != PD_OK)
        fprintf(stderr, "pdpscan: %s\n", diag.text);
done:
    teardown(&run);
    return code;
}

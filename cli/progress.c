/* The progress line: a thread that reads the scan's and the report's counters (atomics, so that
 * neither waits for it) and prints them. */
#include "cli/progress.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "reports/report.h"
#include "scanner/scan.h"

struct pd_progress {
    struct pd_scan *scan;
    struct pd_report *report;
    FILE *out;
    bool tty, stopping;
    struct timespec started;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
};

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A root's name as it may be printed: no control character reaches the terminal. */
static void printable(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        out[o++] = (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s;
    out[o] = '\0';
}

static void print_line(struct pd_progress *p)
{
    struct pd_scan_progress sp;
    uint64_t files, bytes, findings;
    pd_scan_progress(p->scan, &sp);
    pd_report_progress(p->report, &files, &bytes, &findings);
    double elapsed = seconds_since(&p->started);
    double rate = elapsed > 0.1 ? (double)bytes / elapsed : 0;
    char done[32], total[32], speed[32], line[640];
    pd_report_human_bytes(bytes, done);
    pd_report_human_bytes(sp.bytes, total);
    pd_report_human_bytes((uint64_t)rate, speed);
    if (sp.walk_over) {
        char eta[32] = "";
        if (rate > 0 && sp.bytes > bytes) {
            unsigned long left = (unsigned long)((double)(sp.bytes - bytes) / rate);
            snprintf(eta, sizeof eta, ", ETA %lum%02lus", left / 60, left % 60);
        }
        snprintf(line, sizeof line, "%llu of %llu files, %s of %s, %s/s, %llu findings, %llu queued%s",
                     (unsigned long long)files, (unsigned long long)sp.files, done, total, speed,
                     (unsigned long long)findings, (unsigned long long)sp.queued, eta);
    } else {
        char root[256];
        printable(sp.root, root, sizeof root);
        snprintf(line, sizeof line, "%llu files done (%llu found so far), %s, %s/s, %llu findings, %llu queued, walking %s",
                     (unsigned long long)files, (unsigned long long)sp.files, done, speed,
                     (unsigned long long)findings, (unsigned long long)sp.queued, root[0] ? root : "...");
    }
    if (p->tty)
        fprintf(p->out, "\rpdpscan: %s\033[K", line);
    else
        fprintf(p->out, "pdpscan: %s\n", line);
    fflush(p->out);
}

static void *progress_main(void *arg)
{
    struct pd_progress *p = arg;
    unsigned ticks = 0;
    pthread_mutex_lock(&p->lock);
    print_line(p); /* at once: even a short scan says what it is doing */
    while (!p->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        if (!p->stopping && (p->tty || ++ticks % 10 == 0)) /* a log gets a line every five seconds */
            print_line(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pd_progress *pd_progress_start(struct pd_scan *scan, struct pd_report *report, FILE *out, bool tty)
{
    struct pd_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (struct pd_progress){.scan = scan, .report = report, .out = out, .tty = tty};
    clock_gettime(CLOCK_MONOTONIC, &p->started);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (pthread_create(&p->thread, NULL, progress_main, p) != 0) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->wake);
        free(p);
        return NULL;
    }
    return p;
}

void pd_progress_stop(struct pd_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    if (p->tty) {
        fputs("\r\033[K", p->out); /* the summary follows on a clean line */
        fflush(p->out);
    } /* a log's totals are the report's */
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p);
}

/* A progress line on standard error while a scan runs: files and bytes done, the rate, findings
 * so far, the root being walked, and once the walk is over, how much is left and an ETA. */
#ifndef PD_CLI_PROGRESS_H
#define PD_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct pd_scan;
struct pd_report;
struct pd_progress;

/* Starts the thread that prints it to out: redrawn in place twice a second on a terminal (tty),
 * otherwise a line every five seconds. Returns NULL (and prints nothing) if it cannot start. */
struct pd_progress *pd_progress_start(struct pd_scan *scan, struct pd_report *report, FILE *out, bool tty);

/* Stops the thread and clears the line (a terminal) or prints the last one. NULL is allowed. */
void pd_progress_stop(struct pd_progress *progress);

#endif

/* `pdpscan scan`: sets a scan up from its options, runs it, and turns the result into an exit code. */
#ifndef PD_CLI_SCAN_H
#define PD_CLI_SCAN_H

#include "cli/options.h"

/* Exit codes: the contract with CI and schedulers (docs/report-format.md). */
enum pd_exit {
    PD_EXIT_CLEAN = 0,       /* scan complete, nothing found */
    PD_EXIT_FINDINGS = 1,    /* something found */
    PD_EXIT_FATAL = 2,       /* usage or fatal error: no valid report */
    PD_EXIT_INTERRUPTED = 3, /* SIGINT/SIGTERM: a valid report marked partial was written */
    PD_EXIT_INCOMPLETE = 4,  /* nothing found, but units in error (a database unreachable...) */
};

/* Runs the scan described by opts and returns the exit code; messages go to stderr. */
int pd_cli_scan(const struct pd_scan_options *opts);

struct pd_policy_set;
/* Loads the shipped policies (unless no_defaults) and then extra files, in order. Prints the
 * error and returns NULL if any file is malformed. */
struct pd_policy_set *pd_cli_load_policies(char *const *extra, size_t n_extra, bool no_defaults);

#endif

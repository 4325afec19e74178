/* `pdpscan merge`: the reports of a sharded scan made into one (reports/report.h). */
#ifndef PD_CLI_MERGE_H
#define PD_CLI_MERGE_H

/* argv[1] is "merge". Returns the exit code, as a scan's: 0 nothing found, 1 findings, 2 error,
 * 3 a shard was interrupted, 4 units not read whole. */
int pd_cli_merge(int argc, char **argv);

#endif

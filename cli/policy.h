/* `pdpscan policy check|list|explain`: the policies without a scan. */
#ifndef PD_CLI_POLICY_H
#define PD_CLI_POLICY_H

/* argv[1] is "policy". Returns the exit code; messages go to stderr. */
int pd_cli_policy(int argc, char **argv);

#endif

/* `pdpscan redact`: a cleaned, verified copy of datasets (redact/redact.h). */
#ifndef PD_CLI_REDACT_H
#define PD_CLI_REDACT_H

/* argv[1] is "redact". Returns the exit code (0 all redacted and verified, 1 something remains,
 * 2 usage or fatal error, 4 some files not redacted); messages go to stderr. */
int pd_cli_redact(int argc, char **argv);

#endif

/* pdpscan: finds personal data and state-secret markings in file shares.
 * This file only dispatches subcommands; the work is in scanner/, detectors/ and reports/. */
#include <locale.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "scanner/key.h"
#include "policies/policy.h"
#include "reports/report.h"
#include "cli/options.h"
#include "cli/merge.h"
#include "cli/policy.h"
#include "cli/redact.h"
#include "cli/scan.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: pdpscan scan [OPTIONS] PATH|DATABASE...\n"
            "       (DATABASE: sqlite:///path/app.db, postgresql://user@host:port/db?sslmode=require,\n"
            "        mariadb://user@host:port/db)\n"
            "       pdpscan detectors [--patterns | --full-patterns]\n"
            "       pdpscan policy check [--strict] [--root DIR]... FILE...\n"
            "       pdpscan policy list [--policy FILE]... [--no-default-policies]\n"
            "       pdpscan policy explain RULE-ID [--policy FILE]... [--no-default-policies]\n"
            "       pdpscan key init [--system]\n"
            "       pdpscan diff [-f text|json] OLD.json NEW.json   (exit 0: nothing new, 1: something new)\n"
            "       pdpscan config [--config FILE] [OPTIONS]   (the settings in effect, and where each is from)\n"
            "       pdpscan redact [OPTIONS] INPUT... -o OUTPUT   (a cleaned, verified copy; redact --help)\n"
            "       pdpscan merge [-f FMT] [-o OUT] REPORT...   (the reports of --shard runs made one)\n"
            "       pdpscan --version | --help\n"
            "\n"
            "Scan options:\n");
    pd_scan_options_help(out);
    fprintf(out,
            "\n"
            "Exit codes: 0 nothing found, 1 findings (with --fail-on: a violation that severe),\n"
            "            2 usage or fatal error (a malformed policy file included),\n"
            "            3 interrupted (a valid report marked partial was written),\n"
            "            4 nothing found but some units were not read whole (in error or partial: see\n"
            "              the report), with or without --fail-on.\n");
}

/* patterns: 0 descriptions, 1 what Hyperscan runs, 2 whole patterns */
static int list_detectors(int patterns)
{
    size_t n;
    const struct pd_detector *d = pd_detectors(&n);
    for (size_t i = 0; i < n; i++) {
        if (patterns) {
            char *p = patterns == 1 ? pd_engine_scan_pattern(&d[i]) : pd_engine_full_pattern(&d[i]);
            if (!p)
                return 2;
            printf("%s\t%s\n", d[i].id, p);
            free(p);
        } else {
            printf("%-24s %-13s %s\n", d[i].id, pd_category_name(d[i].category), d[i].description);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* Names are read and reported as UTF-8 whatever locale the scan was started in: libarchive
     * converts a zip's UTF-8 member names into the locale's charset, and under cron's C locale a
     * name such as "Danh sách.xlsx" could not be converted at all and was lost. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
    /* A core dump would hold the values being scanned, in clear: none is written. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (argc < 2) {
        usage(stderr);
        return PD_EXIT_FATAL;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "key") == 0) { /* pdpscan key init [--system] */
        bool system = argc == 4 && strcmp(argv[3], "--system") == 0;
        if (argc < 3 || strcmp(argv[2], "init") != 0 || (argc == 4 && !system) || argc > 4) {
            fprintf(stderr, "pdpscan key: usage: pdpscan key init [--system]\n");
            return PD_EXIT_FATAL;
        }
        char path[4200];
        struct pd_diag diag = {{0}};
        if (pd_key_init(system, path, sizeof path, &diag) != PD_OK) {
            fprintf(stderr, "pdpscan key init: %s\n", diag.text);
            return PD_EXIT_FATAL;
        }
        printf("created %s (%s)\n", path, system ? "0640: give its group to the accounts that scan" : "0600");
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("pdpscan %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "detectors") == 0)
        return list_detectors(argc <= 2                                ? 0
                              : strcmp(argv[2], "--patterns") == 0      ? 1
                              : strcmp(argv[2], "--full-patterns") == 0 ? 2
                                                                        : 0);
    if (strcmp(cmd, "policy") == 0)
        return pd_cli_policy(argc, argv);
    if (strcmp(cmd, "config") == 0) /* pdpscan config [--config FILE] [OPTIONS] */
        return pd_config_print(argc - 1, argv + 1, stdout);
    if (strcmp(cmd, "diff") == 0) { /* pdpscan diff [-f text|json] OLD.json NEW.json */
        bool json = argc == 6 && strcmp(argv[2], "-f") == 0 && strcmp(argv[3], "json") == 0;
        bool text = argc == 6 && strcmp(argv[2], "-f") == 0 && strcmp(argv[3], "text") == 0;
        if (argc != 4 && !json && !text) {
            fprintf(stderr, "pdpscan diff: usage: pdpscan diff [-f text|json] OLD.json NEW.json\n");
            return PD_EXIT_FATAL;
        }
        struct pd_diag diag = {{0}};
        bool anything_new = false;
        if (pd_report_diff(argv[argc - 2], argv[argc - 1], json, stdout, &anything_new, &diag) != PD_OK) {
            fprintf(stderr, "pdpscan diff: %s\n", diag.text);
            return PD_EXIT_FATAL;
        }
        return anything_new ? PD_EXIT_FINDINGS : PD_EXIT_CLEAN;
    }
    if (strcmp(cmd, "merge") == 0)
        return pd_cli_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "redact") == 0)
        return pd_cli_redact(argc - 1, argv + 1);
    if (strcmp(cmd, "scan") == 0) {
        struct pd_scan_options opts;
        int code = PD_EXIT_FATAL;
        if (pd_scan_options_parse(argc - 1, argv + 1, &opts))
            code = pd_cli_scan(&opts);
        pd_scan_options_free(&opts);
        return code;
    }
    fprintf(stderr, "pdpscan: unknown command '%s'\n", cmd);
    usage(stderr);
    return PD_EXIT_FATAL;
}

/* `pdpscan merge [-f FMT] [-o OUT] REPORT...`: options, the policies the shards used, and the
 * merged report with a scan's exit code. */
#include "cli/merge.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/policy.h"
#include "reports/report.h"
#include "cli/scan.h"

static const char usage_text[] =
    "Usage: pdpscan merge [-f FMT] [-o OUT] [-q] REPORT...\n"
    "  REPORT       the JSON reports of every shard of one scan (--shard K/N, K = 0..N-1)\n"
    "  -o, --output the merged report (format by its extension, as pdpscan scan; default: stdout)\n"
    "  -f, --format json, jsonl, csv, sarif, html or text\n"
    "  -q, --quiet  no terminal summary besides the report\n"
    "The shards must share a pdpscan version, key, roots, options and policy files; every policy\n"
    "rule (folder and scan rules too) is evaluated again on the merged findings. Exit codes as\n"
    "pdpscan scan: 0 nothing found, 1 findings, 2 error, 3 a shard interrupted, 4 not read whole.\n";

/* The policies the shards named: the shipped ones unless they ran without, and their --policy files. */
static struct pd_policy_set *shard_policies(struct json_object *options)
{
    struct json_object *list = NULL, *defaults = NULL;
    json_object_object_get_ex(options, "policies", &list);
    json_object_object_get_ex(options, "default_policies", &defaults);
    size_t n = list && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    char **extra = calloc(n + 1, sizeof *extra);
    if (!extra)
        return NULL;
    for (size_t i = 0; i < n; i++)
        extra[i] = (char *)json_object_get_string(json_object_array_get_idx(list, i));
    struct pd_policy_set *set = pd_cli_load_policies(extra, n, defaults && !json_object_get_boolean(defaults));
    free(extra);
    return set;
}

int pd_cli_merge(int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *output = NULL, *format = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'f': format = optarg; break;
        case 'q': quiet = true; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default:
            fprintf(stderr, "pdpscan merge: unknown or incomplete option '%s'\n%s", argv[optind - 1], usage_text);
            return PD_EXIT_FATAL;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "pdpscan merge: name the shards' reports\n%s", usage_text);
        return PD_EXIT_FATAL;
    }
    if (format && !pd_report_format_known(format)) {
        fprintf(stderr, "pdpscan merge: -f takes json, jsonl, csv, sarif, html or text, not '%s'\n", format);
        return PD_EXIT_FATAL;
    }
    if (!format && output && strcmp(output, "-") != 0 && !(format = pd_report_format_for_path(output))) {
        fprintf(stderr, "pdpscan merge: cannot tell the report format from the name '%s': give -f\n", output);
        return PD_EXIT_FATAL;
    }
    if (!format)
        format = "text";
    struct pd_diag diag = {{0}};
    struct pd_merge *m = NULL;
    if (pd_merge_load(argv + optind, (size_t)(argc - optind), &m, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan merge: %s\n", diag.text);
        return PD_EXIT_FATAL;
    }
    int code = PD_EXIT_FATAL;
    struct pd_policy_set *set = shard_policies(pd_merge_options(m));
    struct pd_report_summary sum;
    if (!set) {
        /* pd_cli_load_policies said why */
    } else if (pd_merge_check_policies(m, set, &diag) != PD_OK ||
               pd_merge_write(m, format, output, !quiet && strcmp(format, "text") != 0, set, &sum, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan merge: %s\n", diag.text);
    } else {
        code = sum.interrupted_by ? PD_EXIT_INTERRUPTED
               : sum.findings      ? PD_EXIT_FINDINGS
               : sum.by_status[PD_UNIT_ERROR] || sum.by_status[PD_UNIT_PARTIAL] ? PD_EXIT_INCOMPLETE
                                                                                  : PD_EXIT_CLEAN;
    }
    pd_policy_destroy(set);
    pd_merge_free(m);
    return code;
}

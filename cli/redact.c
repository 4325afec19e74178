/* `pdpscan redact`: options, key and engine, the run (redact/redact.h), a summary and the exit
 * code. */
#include "cli/redact.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/engine.h"
#include "detectors/hscache.h"
#include "redact/redact.h"
#include "scanner/key.h"
#include "cli/scan.h"

static const char usage_text[] =
    "Usage: pdpscan redact [OPTIONS] INPUT... -o OUTPUT\n"
    "  -o, --output PATH        the cleaned copy: a file for one file INPUT, else a folder\n"
    "                           mirroring the inputs (never an input, never inside one)\n"
    "      --operator K=OP      K a detector id or category (basic, sensitive, state_secret);\n"
    "                           OP mask[:FIRST,LAST], replace[:TEXT], hash[:digits], drop or\n"
    "                           keep (repeatable; defaults: sensitive and state_secret replace,\n"
    "                           basic mask)\n"
    "      --policy FILE        a redaction policy file (docs/redaction-policy.md)\n"
    "      --min-confidence C   low, medium, high or 1-100: redacted and verified from C on\n"
    "                           (default: medium)\n"
    "      --report FILE        the redaction report (default: OUTPUT.redaction.json)\n"
    "      --keep-failed        keep a copy in which the rescan still finds something\n"
    "      --copy-unsupported   copy formats that cannot be redacted as they are\n"
    "      --key-file FILE      key of the hash pseudonyms (as pdpscan scan)\n"
    "      --no-cache           compile the detectors afresh\n"
    "  -q, --quiet              print nothing but errors\n"
    "Exit codes: 0 every file redacted and verified, 1 something remains in a copy,\n"
    "            2 usage or fatal error, 4 some files not redacted (unsupported or unreadable)\n";

static bool parse_confidence(const char *s, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end != s && !*end && v >= 1 && v <= 100) {
        *out = (int)v;
        return true;
    }
    *out = strcmp(s, "low") == 0 ? PD_CONF_LOW : strcmp(s, "medium") == 0 ? PD_CONF_MEDIUM
                                              : strcmp(s, "high") == 0 ? PD_CONF_HIGH : 0;
    return *out != 0;
}

int pd_cli_redact(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"operator", required_argument, NULL, 'O'},
        {"policy", required_argument, NULL, 'P'},   {"min-confidence", required_argument, NULL, 'c'},
        {"report", required_argument, NULL, 'r'},   {"keep-failed", no_argument, NULL, 'k'},
        {"copy-unsupported", no_argument, NULL, 'u'}, {"key-file", required_argument, NULL, 'K'},
        {"no-cache", no_argument, NULL, 'n'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    struct pd_redact_rules *rules = NULL;
    struct pd_redact_options o = {.min_confidence = PD_CONF_MEDIUM, .tool_version = PACKAGE_VERSION};
    struct pd_diag diag = {{0}};
    const char *key_file = NULL, *policy = NULL;
    char *report = NULL;
    bool no_cache = false, quiet = false, confidence_given = false;
    int code = PD_EXIT_FATAL, c;
    struct pd_engine *engine = NULL;
    if (pd_redact_rules_create(&rules) != PD_OK) {
        fprintf(stderr, "pdpscan redact: out of memory\n");
        return PD_EXIT_FATAL;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'O':
            if (pd_redact_rules_add(rules, optarg, &diag) != PD_OK) {
                fprintf(stderr, "pdpscan redact: %s\n", diag.text);
                goto done;
            }
            break;
        case 'P': policy = optarg; break;
        case 'c':
            if (!parse_confidence(optarg, &o.min_confidence)) {
                fprintf(stderr, "pdpscan redact: --min-confidence takes low, medium, high or 1-100, not '%s'\n",
                        optarg);
                goto done;
            }
            confidence_given = true;
            break;
        case 'r': o.report = optarg; break;
        case 'k': o.keep_failed = true; break;
        case 'u': o.copy_unsupported = true; break;
        case 'K': key_file = optarg; break;
        case 'n': no_cache = true; break;
        case 'q': quiet = true; break;
        case 'h': fputs(usage_text, stdout); code = 0; goto done;
        default:
            fprintf(stderr, "pdpscan redact: unknown or incomplete option '%s'\n%s", argv[optind - 1], usage_text);
            goto done;
        }
    }
    o.inputs = argv + optind;
    o.n_inputs = (size_t)(argc - optind);
    if (!o.n_inputs || !o.output) {
        fprintf(stderr, "pdpscan redact: %s\n%s", o.n_inputs ? "give -o OUTPUT" : "name at least one INPUT",
                usage_text);
        goto done;
    }
    if (policy) { /* the command line's rules and confidence override the file's */
        struct pd_redact_rules *from_file = NULL;
        int file_confidence = o.min_confidence;
        if (pd_redact_rules_create(&from_file) != PD_OK ||
            pd_redact_rules_load(from_file, policy, &file_confidence, &diag) != PD_OK) {
            fprintf(stderr, "pdpscan redact: %s\n", diag.text[0] ? diag.text : "out of memory");
            pd_redact_rules_free(from_file);
            goto done;
        }
        bool ok = true;
        for (int i = 1; i < argc && ok; i++) /* command-line rules again, on top */
            if (strncmp(argv[i], "--operator", 10) == 0)
                ok = pd_redact_rules_add(from_file, argv[i][10] == '=' ? argv[i] + 11 : argv[i + 1], &diag) == PD_OK;
        pd_redact_rules_free(rules);
        rules = from_file;
        if (!confidence_given)
            o.min_confidence = file_confidence;
    }
    for (size_t i = 0; i < o.n_inputs; i++)
        if (strcmp(o.inputs[i], "-") == 0) {
            fprintf(stderr, "pdpscan redact: standard input (-) cannot be redacted: give files or folders\n");
            goto done;
        }
    if (!o.report) { /* beside the output, never inside it: publish/ gives publish.redaction.json */
        size_t len = strlen(o.output);
        while (len > 1 && o.output[len - 1] == '/')
            len--;
        size_t n = len + sizeof ".redaction.json";
        if (!(report = malloc(n))) {
            fprintf(stderr, "pdpscan redact: out of memory\n");
            goto done;
        }
        snprintf(report, n, "%.*s.redaction.json", (int)len, o.output);
        o.report = report;
    }
    unsigned char key[PD_KEY_MAX];
    size_t key_len = 0;
    bool ephemeral = false;
    if (pd_key_load(key_file, false, key, &key_len, &ephemeral, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan redact: %s\n", diag.text);
        goto done;
    }
    char cache_dir[4096];
    bool cache = !no_cache && pd_hscache_default_dir(cache_dir, sizeof cache_dir);
    /* every finding, whatever its confidence: a weak one in a field that labelled strong ones is
     * redacted too */
    struct pd_engine_options eo = {.min_confidence = 1, .key = key, .key_len = key_len,
                                   .cache_dir = cache ? cache_dir : NULL};
    enum pd_error err = pd_engine_create(&eo, &engine, &diag);
    memset(key, 0, sizeof key);
    if (err) {
        fprintf(stderr, "pdpscan redact: %s\n", diag.text);
        goto done;
    }
    o.engine = engine;
    o.rules = rules;
    struct pd_redact_summary s;
    if (pd_redact_run(&o, &s, &diag) != PD_OK) {
        fprintf(stderr, "pdpscan redact: %s\n", diag.text);
        goto done;
    }
    if (!quiet) {
        fprintf(stderr, "pdpscan redact: %llu files: %llu redacted (%llu findings), %llu failed verification, "
                        "%llu not redacted, %llu in error; report %s\n",
                (unsigned long long)s.files, (unsigned long long)s.redacted, (unsigned long long)s.findings,
                (unsigned long long)s.failed, (unsigned long long)s.unsupported, (unsigned long long)s.errors,
                o.report);
        if (!s.failed && !s.errors)
            fprintf(stderr, "pdpscan redact: verified: nothing at or above confidence %d remains in the copies\n",
                    o.min_confidence);
    }
    bool not_all = s.errors || (s.unsupported && !o.copy_unsupported);
    code = s.failed ? PD_EXIT_FINDINGS : not_all ? PD_EXIT_INCOMPLETE : PD_EXIT_CLEAN;
done:
    pd_engine_destroy(engine);
    pd_redact_rules_free(rules);
    free(report);
    return code;
}

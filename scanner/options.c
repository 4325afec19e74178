/* Command-line options of `pdpscan scan`. */
#include "scanner/options.h"

#include "policies/policy.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool pd_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return false;
    uint64_t mult = 1;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mult = 1ULL << 10; end++; break;
    case 'm': case 'M': mult = 1ULL << 20; end++; break;
    case 'g': case 'G': mult = 1ULL << 30; end++; break;
    case 't': case 'T': mult = 1ULL << 40; end++; break;
    default: return false;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' && end[1] == 'B' ? 2 : 1;
    if (*end || (v && mult > UINT64_MAX / v))
        return false;
    *out = v * mult;
    return true;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool add_string(char ***list, size_t *n, const char *s)
{
    char **nl = realloc(*list, (*n + 1) * sizeof *nl);
    if (!nl)
        return false;
    *list = nl;
    if (!(nl[*n] = strdup(s)))
        return false;
    (*n)++;
    return true;
}

static const char *format_for_path(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return "text";
    const char *dot = strrchr(path, '.');
    if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0))
        return "jsonl";
    if (dot && strcmp(dot, ".txt") == 0)
        return "text";
    return "json";
}

enum {
    OPT_EXCLUDE = 256,
    OPT_MAX_FILE_SIZE,
    OPT_FOLLOW,
    OPT_DETECTORS,
    OPT_SKIP,
    OPT_MIN_CONF,
    OPT_REVEAL,
    OPT_KEY_FILE,
    OPT_WINDOW,
    OPT_POLICY,
    OPT_NO_DEFAULT_POLICIES,
    OPT_FAIL_ON,
    OPT_ARCHIVE_DEPTH,
    OPT_ARCHIVE_MEMBERS,
    OPT_ARCHIVE_BYTES,
    OPT_ARCHIVE_RATIO,
    OPT_ARCHIVE_TIMEOUT,
    OPT_EXTRACTOR_TIMEOUT,
    OPT_DB_SAMPLE,
    OPT_NO_CACHE,
    OPT_SPLIT_SIZE,
};

bool pd_scan_options_parse(int argc, char **argv, struct pd_scan_options *o)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
        {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
        {"detectors", required_argument, NULL, OPT_DETECTORS},
        {"skip-detectors", required_argument, NULL, OPT_SKIP},
        {"min-confidence", required_argument, NULL, OPT_MIN_CONF},
        {"reveal", no_argument, NULL, OPT_REVEAL},
        {"key-file", required_argument, NULL, OPT_KEY_FILE},
        {"window-size", required_argument, NULL, OPT_WINDOW},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"no-default-policies", no_argument, NULL, OPT_NO_DEFAULT_POLICIES},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"archive-max-depth", required_argument, NULL, OPT_ARCHIVE_DEPTH},
        {"archive-max-members", required_argument, NULL, OPT_ARCHIVE_MEMBERS},
        {"archive-max-bytes", required_argument, NULL, OPT_ARCHIVE_BYTES},
        {"archive-max-ratio", required_argument, NULL, OPT_ARCHIVE_RATIO},
        {"archive-timeout", required_argument, NULL, OPT_ARCHIVE_TIMEOUT},
        {"extractor-timeout", required_argument, NULL, OPT_EXTRACTOR_TIMEOUT},
        {"db-sample", required_argument, NULL, OPT_DB_SAMPLE},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"split-size", required_argument, NULL, OPT_SPLIT_SIZE},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (unsigned)cpus : 1;
    o->min_confidence = 1;
    o->fail_on = -1;
    o->limits = pd_budget_defaults;
    o->extractor_timeout = 60;
    o->db_sample = 10000;
    o->split_size = 64u << 20;
    optind = 1;
    opterr = 0;
    int c;
    long v;
    uint64_t size;
    while ((c = getopt_long(argc, argv, "+j:o:f:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (!parse_int(optarg, 1, 1024, &v)) {
                fprintf(stderr, "pdpscan scan: -j/--jobs takes a number of threads from 1 to 1024, not '%s'\n", optarg);
                return false;
            }
            o->jobs = (unsigned)v;
            break;
        case 'o': o->output = optarg; break;
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "jsonl") && strcmp(optarg, "text")) {
                fprintf(stderr, "pdpscan scan: --format takes json, jsonl or text, not '%s'\n", optarg);
                return false;
            }
            o->format = optarg;
            break;
        case 'q': o->quiet = true; break;
        case OPT_EXCLUDE:
            if (!add_string(&o->excludes, &o->n_excludes, optarg))
                return false;
            break;
        case OPT_MAX_FILE_SIZE:
            if (!pd_parse_size(optarg, &o->max_file_size)) {
                fprintf(stderr, "pdpscan scan: --max-file-size takes a size such as 500M or 2G, not '%s'\n", optarg);
                return false;
            }
            break;
        case OPT_FOLLOW: o->follow_symlinks = true; break;
        case OPT_DETECTORS: o->detectors = optarg; break;
        case OPT_SKIP: o->skip_detectors = optarg; break;
        case OPT_MIN_CONF:
            if (strcmp(optarg, "low") == 0)
                o->min_confidence = 1;
            else if (strcmp(optarg, "medium") == 0)
                o->min_confidence = 50;
            else if (strcmp(optarg, "high") == 0)
                o->min_confidence = 80;
            else if (parse_int(optarg, 0, 100, &v))
                o->min_confidence = (int)v;
            else {
                fprintf(stderr, "pdpscan scan: --min-confidence takes low, medium, high or 0-100, not '%s'\n", optarg);
                return false;
            }
            break;
        case OPT_REVEAL: o->reveal = true; break;
        case OPT_KEY_FILE: o->key_file = optarg; break;
        case OPT_WINDOW:
            if (!pd_parse_size(optarg, &size) || size < 4096 || size > (1ULL << 30)) {
                fprintf(stderr, "pdpscan scan: --window-size takes a size from 4K to 1G, not '%s'\n", optarg);
                return false;
            }
            o->window_size = (size_t)size;
            break;
        case OPT_POLICY:
            if (!add_string(&o->policies, &o->n_policies, optarg))
                return false;
            break;
        case OPT_NO_DEFAULT_POLICIES: o->no_default_policies = true; break;
        case OPT_NO_CACHE: o->no_cache = true; break;
        case OPT_SPLIT_SIZE:
            if (!pd_parse_size(optarg, &o->split_size) || (o->split_size && o->split_size < (64u << 10))) {
                fprintf(stderr, "pdpscan scan: --split-size takes 0 or a size of at least 64K, not '%s'\n", optarg);
                return false;
            }
            break;
        case OPT_FAIL_ON: {
            enum pd_severity sev;
            if (!pd_severity_parse(optarg, &sev)) {
                fprintf(stderr, "pdpscan scan: --fail-on takes info, low, medium, high or critical, not '%s'\n", optarg);
                return false;
            }
            o->fail_on = (int)sev;
            break;
        }
        case OPT_ARCHIVE_DEPTH:
        case OPT_ARCHIVE_RATIO:
        case OPT_ARCHIVE_TIMEOUT:
        case OPT_EXTRACTOR_TIMEOUT:
            if (!parse_int(optarg, 0, 100000, &v)) {
                fprintf(stderr, "pdpscan scan: %s takes a whole number from 0 to 100000, not '%s'\n", argv[optind - 1],
                        optarg);
                return false;
            }
            if (c == OPT_ARCHIVE_DEPTH)
                o->limits.max_depth = (unsigned)(v > 60 ? 60 : v);
            else if (c == OPT_ARCHIVE_RATIO)
                o->limits.max_ratio = (unsigned)v;
            else if (c == OPT_ARCHIVE_TIMEOUT)
                o->limits.timeout = (unsigned)v;
            else
                o->extractor_timeout = (unsigned)(v ? v : 1);
            break;
        case OPT_DB_SAMPLE:
            if (!pd_parse_size(optarg, &o->db_sample)) {
                fprintf(stderr, "pdpscan scan: --db-sample takes a number of rows (0: every row), not '%s'\n", optarg);
                return false;
            }
            break;
        case OPT_ARCHIVE_MEMBERS:
        case OPT_ARCHIVE_BYTES:
            if (!pd_parse_size(optarg, &size)) {
                fprintf(stderr, "pdpscan scan: %s takes a number such as 10000 or 400M, not '%s'\n", argv[optind - 1],
                        optarg);
                return false;
            }
            if (c == OPT_ARCHIVE_MEMBERS)
                o->limits.max_members = size;
            else
                o->limits.max_bytes = size;
            break;
        default:
            fprintf(stderr, "pdpscan scan: unknown or incomplete option '%s' (see pdpscan --help)\n", argv[optind - 1]);
            return false;
        }
    }
    for (int i = optind; i < argc; i++)
        if (!add_string(&o->roots, &o->n_roots, argv[i]))
            return false;
    if (o->n_roots == 0) {
        fprintf(stderr, "pdpscan scan: name at least one PATH to scan\n");
        return false;
    }
    if (!o->format)
        o->format = format_for_path(o->output);
    return true;
}

void pd_scan_options_free(struct pd_scan_options *o)
{
    for (size_t i = 0; i < o->n_roots; i++)
        free(o->roots[i]);
    for (size_t i = 0; i < o->n_excludes; i++)
        free(o->excludes[i]);
    for (size_t i = 0; i < o->n_policies; i++)
        free(o->policies[i]);
    free(o->roots);
    free(o->excludes);
    free(o->policies);
    memset(o, 0, sizeof *o);
}

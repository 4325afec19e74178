/* Everything `pdpscan scan` was asked to do, as parsed from the command line. */
#ifndef PD_OPTIONS_H
#define PD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scanner/budget.h" /* struct pd_budget_limits */
#include "scanner/sandbox.h" /* struct pd_sandbox_user */

#define PD_MAX_OPTIONS 64 /* the option table's size limit */

struct pd_scan_options {
    char **roots;
    size_t n_roots;
    unsigned jobs;             /* worker threads */
    const char *output;        /* NULL: standard output */
    const char *format;        /* json, jsonl, text */
    char **root_ids;           /* --root-id: the identity of each filesystem root, in order */
    size_t n_root_ids;
    char **excludes;           /* fnmatch globs, matched against the name and the whole path */
    size_t n_excludes;
    uint64_t max_file_size;    /* 0: no limit */
    bool follow_symlinks;
    const char *detectors;     /* comma list, NULL: all */
    const char *skip_detectors;
    int min_confidence;
    bool reveal;
    bool ephemeral_key; /* with no key file, hash with a key of this run only */
    const char *key_file;      /* HMAC key for value hashes and fingerprints */
    bool quiet;
    bool no_report;                 /* -q without -o or -f: nothing printed but errors */
    int progress;                   /* --progress 1, --no-progress 0, else -1: when stderr is a terminal */
    bool no_cache;             /* always compile the detectors (no compiled-database cache) */
    size_t window_size;        /* bytes read and scanned at a time */
    char **policies;           /* policy files layered over the shipped ones */
    size_t n_policies;
    bool no_default_policies;  /* only the files given */
    int fail_on;               /* -1: exit 1 on findings; else exit 1 only on a violation this severe */
    struct pd_budget_limits limits; /* archives and documents, per top-level file */
    unsigned extractor_timeout;     /* seconds for pdftotext, catdoc... */
    struct pd_sandbox_user extractor_user; /* who runs them when pdpscan is root */
    uint64_t db_sample;             /* rows per database table; 0: all */
    const char *output_pattern;     /* -o as given when it holds strftime conversions; output: expanded */
    char *output_expanded;
    unsigned keep;                  /* --keep N: earlier reports of output_pattern kept (0: all) */
    const char *stdin_name;         /* --stdin-name: what standard input (PATH "-") is called */
    const char *baseline;           /* --baseline: an earlier JSON report whose findings are left out */
    bool read_binary;               /* --binary: read binary files' printable strings */
    const char *state;              /* --state: the incremental scan's SQLite file */
    const char *files_from;         /* --files-from: a list of roots (newline- or NUL-separated; - stdin) */
    unsigned shard_k, shard_n;      /* --shard K/N: this process scans the units whose identity hashes
                                     * to K of N; shard_n 0: not sharded */
    uint64_t split_size;            /* text files of twice this are scanned in slices; 0: never */
    /* where each option's value came from (pdpscan config): NULL the default, else "command
     * line" or a configuration file's path; and the value as written (the last one given) */
    const char *source[PD_MAX_OPTIONS];
    const char *value[PD_MAX_OPTIONS];
    char *config_text[3];           /* the configuration files read: values point into them */
    bool settings_only;             /* pdpscan config: no PATH needed */
};

/* One option of `pdpscan scan`: the single source of its name, argument, help and default. */
struct pd_option {
    const char *name;     /* long name, without the dashes */
    char short_name;      /* 0: none */
    const char *arg;      /* the argument's name in help; NULL: a flag */
    bool (*parse)(struct pd_scan_options *o, const char *arg); /* false: not of the option's kind */
    const char *dflt;     /* parsed before the command line; NULL: no default, or `shown` */
    const char *shown;    /* a default computed elsewhere, as help shows it */
    const char *expects;  /* what the argument must be, for the error message */
    const char *help;     /* help text; '\n' continues it on an indented line */
};

extern const struct pd_option pd_scan_option_table[];
extern const size_t pd_scan_option_count;

/* Configuration files hold the long options' names: `name = value`, or `name` for a flag, one
 * per line, '#' comments. Read in order, each overriding the one before: /etc/pdpscan/pdpscan.conf
 * ($PDPSCAN_SYSTEM_CONFIG), ~/.config/pdpscan/pdpscan.conf ($XDG_CONFIG_HOME), then --config FILE;
 * the command line overrides them all. Repeatable options add up. */
#define PD_SYSTEM_CONFIG "/etc/pdpscan/pdpscan.conf"

/* pdpscan config [OPTIONS]: the effective settings and where each came from. Returns the exit code. */
int pd_config_print(int argc, char **argv, FILE *out);

/* Prints the option table as `pdpscan --help` shows it. */
void pd_scan_options_help(FILE *out);

/* Parses `scan` arguments (argv[0] is "scan"). On error prints a message naming the option and
 * returns false; opts then needs pd_scan_options_free all the same. */
bool pd_scan_options_parse(int argc, char **argv, struct pd_scan_options *opts);
void pd_scan_options_free(struct pd_scan_options *opts);

/* Parses sizes like 100, 64K, 10M, 2G. */
bool pd_parse_size(const char *s, uint64_t *out);

#endif

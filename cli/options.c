/* Command-line options of `pdpscan scan`, as one table: each row is the single source of an
 * option's name, argument, help line, default and parser. `--help` prints the table, the
 * defaults are parsed from it before the command line is, and tests/cli/usage.sh checks the
 * README's option list against `--help`. */
#include "cli/options.h"

#include "policies/policy.h"
#include "reports/report.h"
#include "scanner/db/db.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static bool add_string(char ***list, size_t *n, const char *s);

/* --files-from: each entry a root; NUL-separated when the list holds a NUL, else one per line
 * (a trailing \r dropped). Empty entries are skipped. */
static bool read_files_from(struct pd_scan_options *o)
{
    bool from_stdin = strcmp(o->files_from, "-") == 0;
    for (size_t i = 0; from_stdin && i < o->n_roots; i++)
        if (strcmp(o->roots[i], "-") == 0) {
            fprintf(stderr, "pdpscan scan: --files-from - and the PATH - both read standard input: give one\n");
            return false;
        }
    FILE *f = from_stdin ? stdin : fopen(o->files_from, "rb");
    if (!f) {
        fprintf(stderr, "pdpscan scan: --files-from %s: %s\n", o->files_from, strerror(errno));
        return false;
    }
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    bool ok = true;
    do {
        if (len + 65536 > cap) {
            char *t = realloc(text, cap = 2 * cap + 65536);
            if (!t) {
                ok = false;
                break;
            }
            text = t;
        }
        got = fread(text + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    if (ferror(f)) {
        fprintf(stderr, "pdpscan scan: --files-from %s: %s\n", o->files_from, strerror(errno));
        ok = false;
    }
    if (!from_stdin)
        fclose(f);
    char sep = ok && memchr(text, '\0', len) ? '\0' : '\n';
    size_t added = 0;
    for (size_t at = 0; ok && at < len;) {
        char *end = memchr(text + at, sep, len - at);
        size_t n = end ? (size_t)(end - (text + at)) : len - at;
        if (sep == '\n' && n && text[at + n - 1] == '\r')
            n--;
        if (n) {
            char saved = text[at + n];
            text[at + n] = '\0';
            ok = add_string(&o->roots, &o->n_roots, text + at);
            text[at + n] = saved;
            added++;
        }
        at += (end ? (size_t)(end - (text + at)) : len - at) + 1;
    }
    free(text);
    if (ok && !added && !o->n_roots) {
        fprintf(stderr, "pdpscan scan: --files-from %s lists no path\n", o->files_from);
        return false;
    }
    return ok;
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


/* ---- one parser per kind of argument; false: the argument is not of the option's kind ---- */

static bool set_jobs(struct pd_scan_options *o, const char *a)
{
    long v;
    if (!parse_int(a, 1, 1024, &v))
        return false;
    o->jobs = (unsigned)v;
    return true;
}
static bool set_output(struct pd_scan_options *o, const char *a) { o->output = a; return true; }
static bool set_format(struct pd_scan_options *o, const char *a)
{
    if (!pd_report_format_known(a))
        return false;
    o->format = a;
    return true;
}
static bool set_quiet(struct pd_scan_options *o, const char *a) { o->quiet = true; return true; }
static bool set_progress(struct pd_scan_options *o, const char *a) { o->progress = 1; return true; }
static bool set_no_progress(struct pd_scan_options *o, const char *a) { o->progress = 0; return true; }
static bool add_exclude(struct pd_scan_options *o, const char *a) { return add_string(&o->excludes, &o->n_excludes, a); }

/* A root's identity names the share, not where it is mounted: any text but an empty one. */
static bool add_root_id(struct pd_scan_options *o, const char *a)
{
    return a[0] != '\0' && add_string(&o->root_ids, &o->n_root_ids, a);
}
static bool set_max_file_size(struct pd_scan_options *o, const char *a) { return pd_parse_size(a, &o->max_file_size); }
static bool set_follow(struct pd_scan_options *o, const char *a) { o->follow_symlinks = true; return true; }
static bool set_detectors(struct pd_scan_options *o, const char *a) { o->detectors = a; return true; }
static bool set_skip(struct pd_scan_options *o, const char *a) { o->skip_detectors = a; return true; }
static bool set_min_confidence(struct pd_scan_options *o, const char *a)
{
    static const struct { const char *name; int value; } levels[] = {{"low", 1}, {"medium", 50}, {"high", 80}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(a, levels[i].name) == 0) {
            o->min_confidence = levels[i].value;
            return true;
        }
    long v;
    if (!parse_int(a, 0, 100, &v))
        return false;
    o->min_confidence = (int)v;
    return true;
}
static bool set_reveal(struct pd_scan_options *o, const char *a) { o->reveal = true; return true; }
static bool set_ephemeral_key(struct pd_scan_options *o, const char *a)
{
    (void)a;
    o->ephemeral_key = true;
    return true;
}
static bool set_key_file(struct pd_scan_options *o, const char *a) { o->key_file = a; return true; }
static bool set_window(struct pd_scan_options *o, const char *a)
{
    uint64_t size;
    if (!pd_parse_size(a, &size) || size < 4096 || size > (1ULL << 30))
        return false;
    o->window_size = (size_t)size;
    return true;
}
static bool set_split_size(struct pd_scan_options *o, const char *a)
{
    return pd_parse_size(a, &o->split_size) && (!o->split_size || o->split_size >= (64u << 10));
}
static bool set_no_cache(struct pd_scan_options *o, const char *a) { o->no_cache = true; return true; }
/* 0-100000 seconds or counts */
static bool whole(const char *a, unsigned *out)
{
    long v;
    if (!parse_int(a, 0, 100000, &v))
        return false;
    *out = (unsigned)v;
    return true;
}
static bool set_archive_depth(struct pd_scan_options *o, const char *a)
{
    bool ok = whole(a, &o->limits.max_depth);
    if (o->limits.max_depth > 60)
        o->limits.max_depth = 60;
    return ok;
}
static bool set_archive_members(struct pd_scan_options *o, const char *a) { return pd_parse_size(a, &o->limits.max_members); }
static bool set_archive_bytes(struct pd_scan_options *o, const char *a) { return pd_parse_size(a, &o->limits.max_bytes); }
static bool set_archive_ratio(struct pd_scan_options *o, const char *a) { return whole(a, &o->limits.max_ratio); }
static bool set_archive_timeout(struct pd_scan_options *o, const char *a) { return whole(a, &o->limits.timeout); }
static bool set_extractor_user(struct pd_scan_options *o, const char *a)
{
    struct pd_diag diag = {{0}};
    return pd_sandbox_user_parse(a, &o->extractor_user, &diag) == PD_OK;
}

static bool set_extractor_timeout(struct pd_scan_options *o, const char *a)
{
    bool ok = whole(a, &o->extractor_timeout);
    if (!o->extractor_timeout)
        o->extractor_timeout = 1;
    return ok;
}
static bool set_db_sample(struct pd_scan_options *o, const char *a) { return pd_parse_size(a, &o->db_sample); }
static bool set_keep(struct pd_scan_options *o, const char *a)
{
    long v;
    if (!parse_int(a, 1, 100000, &v))
        return false;
    o->keep = (unsigned)v;
    return true;
}
static bool set_stdin_name(struct pd_scan_options *o, const char *a)
{
    o->stdin_name = a;
    return *a != '\0';
}
static bool set_config(struct pd_scan_options *o, const char *a)
{
    (void)o; /* read before the command line (read_configs), so that the command line wins */
    return *a != '\0';
}
static bool set_baseline(struct pd_scan_options *o, const char *a)
{
    o->baseline = a;
    return *a != '\0';
}
static bool set_files_from(struct pd_scan_options *o, const char *a)
{
    o->files_from = a;
    return *a != '\0';
}
static bool set_shard(struct pd_scan_options *o, const char *a)
{
    char *end = NULL;
    unsigned long k = strtoul(a, &end, 10), n;
    if (end == a || *end != '/' || !isdigit((unsigned char)end[1]))
        return false;
    const char *ns = end + 1;
    n = strtoul(ns, &end, 10);
    if (*end || n < 1 || n > 100000 || k >= n)
        return false;
    o->shard_k = (unsigned)k;
    o->shard_n = (unsigned)n;
    return true;
}
static bool set_state(struct pd_scan_options *o, const char *a)
{
    o->state = a;
    return *a != '\0';
}
static bool set_binary(struct pd_scan_options *o, const char *a)
{
    (void)a;
    o->read_binary = true;
    return true;
}
static bool add_policy(struct pd_scan_options *o, const char *a) { return add_string(&o->policies, &o->n_policies, a); }
static bool set_no_default_policies(struct pd_scan_options *o, const char *a)
{
    o->no_default_policies = true;
    return true;
}
static bool set_fail_on(struct pd_scan_options *o, const char *a)
{
    enum pd_severity sev;
    if (!pd_severity_parse(a, &sev))
        return false;
    o->fail_on = (int)sev;
    return true;
}

/* name, short, argument (NULL: a flag), parser, default (parsed before the command line; NULL:
 * none, or computed as `shown` says), shown default, what the argument must be, help lines. */
const struct pd_option pd_scan_option_table[] = {
    {"jobs", 'j', "N", set_jobs, NULL, "online CPUs", "a number of threads from 1 to 1024",
     "worker threads"},
    {"config", 0, "FILE", set_config, NULL, NULL, "a configuration file",
     "read options from FILE (name = value lines) after\n"
     "/etc/pdpscan/pdpscan.conf and ~/.config/pdpscan/pdpscan.conf"},
    {"output", 'o', "FILE", set_output, NULL, NULL, NULL,
     "write the report to FILE (created 0600; '-' for stdout)"},
    {"format", 'f', "FMT", set_format, NULL, "from FILE's extension, else text", "json, jsonl, csv, sarif, html or text",
     "json, jsonl, csv, sarif, html or text"},
    {"quiet", 'q', NULL, set_quiet, NULL, NULL, NULL,
     "no terminal summary besides the report; with no -o or -f,\n"
     "nothing but errors (the exit code tells the result)"},
    {"progress", 0, NULL, set_progress, NULL, NULL, NULL,
     "a progress line on stderr (files, bytes, rate, findings, ETA),\n"
     "also when it is no terminal (then a line every 5 s)"},
    {"no-progress", 0, NULL, set_no_progress, NULL, NULL, NULL,
     "no progress line, even on a terminal (by default there is one\n"
     "when stderr is a terminal and -q is not given)"},
    {"exclude", 0, "GLOB", add_exclude, NULL, NULL, NULL, "skip names or paths matching GLOB (repeatable)"},
    {"root-id", 0, "NAME", add_root_id, NULL, "the root's real absolute path", "a non-empty name",
     "identity of a PATH for fingerprints, once per PATH in order: the\n"
     "same share mounted elsewhere keeps its fingerprints"},
    {"max-file-size", 0, "SIZE", set_max_file_size, NULL, "no limit", "a size such as 500M or 2G",
     "skip larger files (e.g. 2G)"},
    {"follow-symlinks", 0, NULL, set_follow, NULL, NULL, NULL, "follow symbolic links (loops are detected)"},
    {"detectors", 0, "LIST", set_detectors, NULL, NULL, NULL,
     "only these detector ids or categories (comma-separated)"},
    {"skip-detectors", 0, "LIST", set_skip, NULL, NULL, NULL, "leave these detector ids or categories out"},
    {"min-confidence", 0, "C", set_min_confidence, "low", NULL, "low, medium, high or 0-100",
     "low, medium, high or 0-100"},
    {"reveal", 0, NULL, set_reveal, NULL, NULL, NULL, "write found values in clear (dangerous: off by default)"},
    {"key-file", 0, "FILE", set_key_file, NULL,
     "$PDPSCAN_KEY_FILE, ~/.config/pdpscan/key, /etc/pdpscan/key", NULL,
     "key for value hashes and fingerprints"},
    {"ephemeral-key", 0, NULL, set_ephemeral_key, NULL, NULL, NULL,
     "with no key file, hash with a key of this run only (its\n"
     "fingerprints match no other run's); without it, no key is\n"
     "an error"},
    {"window-size", 0, "SIZE", set_window, "256K", NULL, "a size from 4K to 1G", "bytes scanned at a time"},
    {"split-size", 0, "SIZE", set_split_size, "64M", NULL, "0 or a size of at least 64K",
     "text files of twice SIZE are scanned by several threads\n"
     "at once, in slices of at least SIZE (0: never)"},
    {"no-cache", 0, NULL, set_no_cache, NULL, NULL, NULL,
     "compile the detectors afresh instead of loading them from\n"
     "$PDPSCAN_CACHE_DIR, else ~/.cache/pdpscan"},
    {"archive-max-depth", 0, "N", set_archive_depth, "17", NULL, "a whole number from 0 to 100000",
     "containers within containers (at most 60)"},
    {"archive-max-members", 0, "N", set_archive_members, "10000", NULL, "a number such as 10000 or 400M",
     "members per top-level file"},
    {"archive-max-bytes", 0, "SIZE", set_archive_bytes, "400M", NULL, "a number such as 10000 or 400M",
     "expanded bytes per top-level file"},
    {"archive-max-ratio", 0, "N", set_archive_ratio, "250", NULL, "a whole number from 0 to 100000",
     "expanded bytes per byte of the file"},
    {"archive-timeout", 0, "S", set_archive_timeout, "120", NULL, "a whole number from 0 to 100000",
     "seconds per top-level file"},
    {"extractor-user", 0, "USER", set_extractor_user, "nobody", NULL, "an existing user other than root",
     "who runs pdftotext and catdoc when pdpscan runs as root"},
    {"extractor-timeout", 0, "S", set_extractor_timeout, "60", NULL, "a whole number from 0 to 100000",
     "seconds for pdftotext/catdoc per document"},
    {"db-sample", 0, "N", set_db_sample, "10000", NULL, "a number of rows (0: every row)",
     "rows read per database table (0: all)"},
    {"binary", 0, NULL, set_binary, NULL, NULL, NULL,
     "read the printable strings of binary files that are no\n"
     "archive or document (skipped by default, and counted)"},
    {"policy", 0, "FILE", add_policy, NULL, NULL, NULL, "policy file layered over the shipped ones (repeatable)"},
    {"no-default-policies", 0, NULL, set_no_default_policies, NULL, NULL, NULL, "use only the --policy files"},
    {"stdin-name", 0, "NAME", set_stdin_name, NULL, "-", "a non-empty name",
     "the name standard input (PATH -) is reported under; its\n"
     "extension helps tell a table from prose (export.csv)"},
    {"keep", 0, "N", set_keep, NULL, "all", "a whole number from 1 to 100000",
     "with -o naming reports by date (%Y-%m-%d...), remove all but\n"
     "the newest N of them once this one is in place"},
    {"baseline", 0, "OLD.json", set_baseline, NULL, NULL, "a JSON report of an earlier scan",
     "report, count and gate (exit code, --fail-on) only findings\n"
     "and violations that OLD.json does not hold"},
    {"state", 0, "FILE", set_state, NULL, NULL, "a file name",
     "incremental scans: keep in FILE (SQLite, 0600) what each file\n"
     "was and what it held; unchanged files are not read again,\n"
     "their findings carried into the report"},
    {"files-from", 0, "FILE", set_files_from, NULL, NULL, "a file listing paths, or -",
     "scan the paths FILE lists as roots, one per line, or NUL-separated\n"
     "when FILE holds a NUL (names with line breaks); - reads standard input"},
    {"shard", 0, "K/N", set_shard, NULL, NULL, "K/N with 0 <= K < N <= 100000",
     "scan only the files and tables whose identity (--root-id and the\n"
     "path under it) hashes to shard K of N: N processes cover the roots\n"
     "once between them, whatever order their walks take"},
    {"fail-on", 0, "SEVERITY", set_fail_on, NULL, NULL, "info, low, medium, high or critical",
     "exit 1 only for a violation at least this severe\n"
     "(info, low, medium, high, critical); 0 otherwise"},
};
const size_t pd_scan_option_count = sizeof pd_scan_option_table / sizeof pd_scan_option_table[0];
_Static_assert(sizeof pd_scan_option_table / sizeof pd_scan_option_table[0] <= PD_MAX_OPTIONS,
               "raise PD_MAX_OPTIONS: each option records where its value came from");

#define HELP_WIDTH 100 /* a default that would run past this goes on a line of its own */

static int option_left(const struct pd_option *opt, char *out, size_t cap)
{
    return snprintf(out, cap, "  %c%c%c --%s%s%s", opt->short_name ? '-' : ' ', opt->short_name ? opt->short_name : ' ',
                    opt->short_name ? ',' : ' ', opt->name, opt->arg ? " " : "", opt->arg ? opt->arg : "");
}

void pd_scan_options_help(FILE *out)
{
    char left[96];
    int column = 0;
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        int n = option_left(&pd_scan_option_table[i], left, sizeof left);
        column = n + 2 > column ? n + 2 : column;
    }
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        const char *dflt = opt->dflt ? opt->dflt : opt->shown;
        option_left(opt, left, sizeof left);
        fprintf(out, "%-*s", column, left);
        for (const char *line = opt->help; line;) {
            const char *nl = strchr(line, '\n');
            int len = nl ? (int)(nl - line) : (int)strlen(line);
            fprintf(out, "%.*s", len, line);
            if (!nl && dflt)
                fprintf(out, column + len + (int)strlen(dflt) + 12 > HELP_WIDTH ? "\n%*s(default: %s)" : "%*s (default: %s)",
                        column + len + (int)strlen(dflt) + 12 > HELP_WIDTH ? column : 0, "", dflt);
            fputc('\n', out);
            if (nl)
                fprintf(out, "%*s", column, "");
            line = nl ? nl + 1 : NULL;
        }
    }
}

/* "-j/--jobs" or "--format": how a message names the option. */
static void option_name(const struct pd_option *opt, char *out, size_t cap)
{
    if (opt->short_name)
        snprintf(out, cap, "-%c/--%s", opt->short_name, opt->name);
    else
        snprintf(out, cap, "--%s", opt->name);
}

static void set_defaults(struct pd_scan_options *o)
{
    memset(o, 0, sizeof *o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (unsigned)cpus : 1; /* "online CPUs" */
    o->fail_on = -1;
    o->progress = -1;
    for (size_t i = 0; i < pd_scan_option_count; i++)
        if (pd_scan_option_table[i].dflt)
            pd_scan_option_table[i].parse(o, pd_scan_option_table[i].dflt);
}

/* Records where option i's value came from. */
static void note_source(struct pd_scan_options *o, size_t i, const char *source, const char *value)
{
    o->source[i] = source;
    o->value[i] = value ? value : "yes";
}

/* Applies one `name = value` line of a configuration file; false with the message printed. */
static bool apply_config_line(struct pd_scan_options *o, const char *file, unsigned line, char *text)
{
    char *eq = strchr(text, '='), *name = text, *value = NULL;
    if (eq) {
        *eq = '\0';
        value = eq + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        size_t n = strlen(value);
        while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
            value[--n] = '\0';
    }
    size_t n = strlen(name);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        name[--n] = '\0';
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        if (strcmp(opt->name, name) != 0)
            continue;
        if (strcmp(name, "config") == 0) {
            fprintf(stderr, "pdpscan: %s:%u: a configuration file cannot name another one\n", file, line);
            return false;
        }
        if (!opt->arg && value && strcmp(value, "yes") != 0 && strcmp(value, "true") != 0) {
            fprintf(stderr, "pdpscan: %s:%u: %s is a switch: write it alone (or = yes)\n", file, line, name);
            return false;
        }
        if (opt->arg && (!value || !*value)) {
            fprintf(stderr, "pdpscan: %s:%u: %s needs a value (%s = ...)\n", file, line, name, name);
            return false;
        }
        if (!opt->parse(o, opt->arg ? value : NULL)) {
            fprintf(stderr, "pdpscan: %s:%u: %s takes %s, not '%s'\n", file, line, name,
                    opt->expects ? opt->expects : "a value", value ? value : "");
            return false;
        }
        note_source(o, i, file, opt->arg ? value : NULL);
        return true;
    }
    fprintf(stderr, "pdpscan: %s:%u: unknown option '%s' (the long names of pdpscan --help, without dashes)\n",
            file, line, name);
    return false;
}

/* Reads one configuration file into o->config_text[slot] and applies it. A missing file is no
 * error unless it was named with --config; one that others may write is refused, since it could
 * turn on --reveal or change who runs the extractors. */
static bool read_config(struct pd_scan_options *o, size_t slot, const char *path, bool named)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        /* the usual files are optional; one behind a folder this user may not enter (HOME still
         * root's after dropping privileges) is not theirs either */
        if (!named && (errno == ENOENT || errno == ENOTDIR || errno == EACCES))
            return true;
        fprintf(stderr, "pdpscan: cannot read configuration %s: %s\n", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & S_IWOTH) ||
        (st.st_uid != 0 && st.st_uid != geteuid())) {
        fprintf(stderr, "pdpscan: configuration %s is not a regular file owned by you or root and written by no "
                        "one else: refused\n", path);
        fclose(f);
        return false;
    }
    char *text = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&text, &cap, '\0', f); /* whole: values point into it */
    fclose(f);
    if (n < 0) {
        free(text);
        text = strdup("");
    }
    if (!text)
        return false;
    o->config_text[slot] = text;
    unsigned line = 0;
    for (char *p = text, *next; p && *p; p = next) {
        line++;
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = '\0';
        if (*p == '\0' || *p == '#')
            continue;
        if (!apply_config_line(o, path, line, p))
            return false;
    }
    return true;
}

/* The system, user and named configuration files, in that order. */
static bool read_configs(struct pd_scan_options *o, int argc, char **argv)
{
    const char *named = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            named = argv[++i];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            named = argv[i] + 9;
        else if (argv[i][0] != '-' || strcmp(argv[i], "--") == 0)
            break; /* options end at the first PATH, as getopt is told */
    }
    static char user[4200];
    const char *system = getenv("PDPSCAN_SYSTEM_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    user[0] = '\0';
    if (xdg && *xdg)
        snprintf(user, sizeof user, "%s/pdpscan/pdpscan.conf", xdg);
    else if (home && *home)
        snprintf(user, sizeof user, "%s/.config/pdpscan/pdpscan.conf", home);
    return read_config(o, 0, system ? system : PD_SYSTEM_CONFIG, false) &&
           (!user[0] || read_config(o, 1, user, false)) && (!named || read_config(o, 2, named, true));
}

static bool parse_options(int argc, char **argv, struct pd_scan_options *o, bool settings_only)
{
    struct option longopts[sizeof pd_scan_option_table / sizeof pd_scan_option_table[0] + 1];
    char shorts[2 + 3 * sizeof pd_scan_option_table / sizeof pd_scan_option_table[0]] = "+";
    size_t ns = 1;
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        longopts[i] = (struct option){opt->name, opt->arg ? required_argument : no_argument, NULL, 256 + (int)i};
        if (opt->short_name) {
            shorts[ns++] = opt->short_name;
            if (opt->arg)
                shorts[ns++] = ':';
        }
    }
    longopts[pd_scan_option_count] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';
    set_defaults(o);
    o->settings_only = settings_only;
    if (!read_configs(o, argc, argv))
        return false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
        const struct pd_option *opt = NULL;
        for (size_t i = 0; i < pd_scan_option_count && !opt; i++)
            if (c == 256 + (int)i || (c < 256 && c == pd_scan_option_table[i].short_name))
                opt = &pd_scan_option_table[i];
        if (!opt) {
            fprintf(stderr, "pdpscan scan: unknown or incomplete option '%s' (see pdpscan --help)\n", argv[optind - 1]);
            return false;
        }
        if (!opt->parse(o, optarg)) {
            char name[64];
            option_name(opt, name, sizeof name);
            if (opt->expects)
                fprintf(stderr, "pdpscan scan: %s takes %s, not '%s'\n", name, opt->expects, optarg);
            else
                fprintf(stderr, "pdpscan scan: out of memory for %s\n", name);
            return false;
        }
        note_source(o, (size_t)(opt - pd_scan_option_table), "command line", opt->arg ? optarg : NULL);
    }
    for (int i = optind; i < argc; i++)
        if (!add_string(&o->roots, &o->n_roots, argv[i]))
            return false;
    if (o->files_from && !o->settings_only && !read_files_from(o))
        return false;
    if (o->n_roots == 0 && !o->settings_only) {
        fprintf(stderr, "pdpscan scan: name at least one PATH to scan\n");
        return false;
    }
    size_t n_files = 0;
    for (size_t i = 0; i < o->n_roots; i++)
        n_files += !pd_database_root(o->roots[i]);
    if (o->n_root_ids && o->n_root_ids != n_files) {
        fprintf(stderr, "pdpscan scan: --root-id was given %zu time%s for %zu PATH%s: name each PATH once, in order\n",
                o->n_root_ids, o->n_root_ids == 1 ? "" : "s", n_files, n_files == 1 ? "" : "s");
        return false;
    }
    size_t n_stdin = 0; /* standard input can be read once */
    for (size_t i = 0; i < o->n_roots; i++)
        n_stdin += strcmp(o->roots[i], "-") == 0;
    if (n_stdin > 1 || (o->stdin_name && !n_stdin)) {
        fprintf(stderr, "pdpscan scan: %s\n", n_stdin > 1 ? "standard input (-) can be named once"
                                                           : "--stdin-name names standard input: give - as a PATH");
        return false;
    }
    if (o->state && o->reveal) { /* a state never holds a value in clear, so a carried finding has none */
        fprintf(stderr, "pdpscan scan: --state cannot be given with --reveal: findings carried from the state have "
                        "no value in clear; run once without --state to see them\n");
        return false;
    }
    if (o->output && pd_report_name_has_date(o->output)) { /* -o /var/lib/pdpscan/%Y-%m-%d.json */
        const char *slash = strrchr(o->output, '/');
        const char *pct = strchr(o->output, '%');
        if (slash && pct < slash) {
            fprintf(stderr, "pdpscan scan: -o %s: only the file name may hold date conversions, not its folder\n",
                    o->output);
            return false;
        }
        struct pd_diag diag = {{0}};
        if (!(o->output_expanded = malloc(4096)) ||
            pd_report_name_expand(o->output, time(NULL), o->output_expanded, 4096, &diag) != PD_OK) {
            fprintf(stderr, "pdpscan scan: %s\n", o->output_expanded ? diag.text : "out of memory");
            return false;
        }
        o->output_pattern = o->output;
        o->output = o->output_expanded;
    }
    if (o->keep && !o->output_pattern) {
        fprintf(stderr, "pdpscan scan: --keep needs -o with a date in the name (such as -o reports/%%Y-%%m-%%d.json): "
                        "it removes only earlier reports of that pattern\n");
        return false;
    }
    /* without -f the output's extension decides; one no writer claims is a mistake to say, not
     * a reason to write JSON under a name that promises something else */
    o->no_report = o->quiet && !o->output && !o->format; /* the exit code says what it found */
    if (!o->format && (!o->output || strcmp(o->output, "-") == 0))
        o->format = "text";
    if (!o->format && !(o->format = pd_report_format_for_path(o->output))) {
        char formats[128], extensions[160];
        pd_report_formats(formats, sizeof formats, false);
        pd_report_formats(extensions, sizeof extensions, true);
        fprintf(stderr, "pdpscan scan: cannot tell the report format from the name '%s': give -f (%s) or a file "
                        "ending in %s\n", o->output, formats, extensions);
        return false;
    }
    return true;
}

bool pd_scan_options_parse(int argc, char **argv, struct pd_scan_options *o)
{
    return parse_options(argc, argv, o, false);
}

void pd_scan_options_free(struct pd_scan_options *o)
{
    free(o->output_expanded);
    for (size_t i = 0; i < sizeof o->config_text / sizeof o->config_text[0]; i++)
        free(o->config_text[i]);
    for (size_t i = 0; i < o->n_roots; i++)
        free(o->roots[i]);
    for (size_t i = 0; i < o->n_excludes; i++)
        free(o->excludes[i]);
    for (size_t i = 0; i < o->n_root_ids; i++)
        free(o->root_ids[i]);
    free(o->root_ids);
    for (size_t i = 0; i < o->n_policies; i++)
        free(o->policies[i]);
    free(o->roots);
    free(o->excludes);
    free(o->policies);
    memset(o, 0, sizeof *o);
}

int pd_config_print(int argc, char **argv, FILE *out)
{
    struct pd_scan_options o;
    if (!parse_options(argc, argv, &o, true)) {
        pd_scan_options_free(&o);
        return 2;
    }
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        if (strcmp(opt->name, "config") == 0)
            continue;
        const char *value = o.value[i] ? o.value[i] : opt->dflt ? opt->dflt : opt->shown ? opt->shown : opt->arg ? "" : "no";
        fprintf(out, "%-22s = %-40s # %s\n", opt->name, value, o.source[i] ? o.source[i] : "default");
    }
    pd_scan_options_free(&o);
    return 0;
}

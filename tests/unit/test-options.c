/* The option table: its defaults are the scanner's own (pd_budget_defaults), every row parses its
 * default, a bad argument is refused with a message naming the option, and --help shows every
 * row with its default. */
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "tests/unit/check.h"

/* Parses "scan [a1 [a2]] /tmp". */
static bool parse(const char *a1, const char *a2, struct pd_scan_options *o)
{
    char *argv[5] = {"scan"};
    int argc = 1;
    if (a1)
        argv[argc++] = (char *)a1;
    if (a2)
        argv[argc++] = (char *)a2;
    argv[argc++] = "/tmp";
    argv[argc] = NULL;
    return pd_scan_options_parse(argc, argv, o);
}

int main(void)
{
    struct pd_scan_options o;
    CHECK(parse(NULL, NULL, &o));
    CHECK(memcmp(&o.limits, &pd_budget_defaults, sizeof o.limits) == 0);
    CHECK(o.window_size == 256u << 10 && o.split_size == 64u << 20 && o.db_sample == 10000);
    CHECK(o.min_confidence == 1 && o.fail_on == -1 && o.extractor_timeout == 60 && o.jobs >= 1);
    CHECK(o.n_roots == 1 && strcmp(o.format, "text") == 0);
    pd_scan_options_free(&o);

    /* each default parses, and the value it gives is the one a row with no default leaves */
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        CHECK_MSG(opt->help && *opt->help, "--%s has no help", opt->name);
        CHECK_MSG(!(opt->dflt && opt->shown), "--%s has two defaults", opt->name);
        if (opt->dflt) {
            memset(&o, 0, sizeof o);
            CHECK_MSG(opt->parse(&o, opt->dflt), "--%s: its default '%s' does not parse", opt->name, opt->dflt);
        }
    }

    CHECK(parse("--archive-max-depth", "500", &o) && o.limits.max_depth == 60);
    pd_scan_options_free(&o);
    CHECK(parse("-o", "r.jsonl", &o) && strcmp(o.format, "jsonl") == 0);
    pd_scan_options_free(&o);
    CHECK(parse("--min-confidence=high", NULL, &o) && o.min_confidence == 80);
    pd_scan_options_free(&o);

    /* bad arguments: stderr names the option (checked by tests/cli/usage.sh); here, refused */
    const char *bad[][2] = {{"-j", "0"}, {"--format", "xml"}, {"--window-size", "1K"}, {"--split-size", "1K"},
                            {"--fail-on", "grave"}, {"--archive-timeout", "-1"}, {"--db-sample", "lots"},
                            {"--bogus", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(!parse(bad[i][0], bad[i][1], &o), "%s %s accepted", bad[i][0], bad[i][1] ? bad[i][1] : "");
        pd_scan_options_free(&o);
    }

    char *help = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&help, &len);
    pd_scan_options_help(out);
    fclose(out);
    for (size_t i = 0; i < pd_scan_option_count; i++) {
        const struct pd_option *opt = &pd_scan_option_table[i];
        char name[64], dflt[96];
        snprintf(name, sizeof name, "--%s", opt->name);
        CHECK_MSG(strstr(help, name) != NULL, "--help lacks %s", name);
        if (opt->dflt || opt->shown) {
            snprintf(dflt, sizeof dflt, "(default: %s)", opt->dflt ? opt->dflt : opt->shown);
            CHECK_MSG(strstr(help, dflt) != NULL, "--help lacks %s's %s", name, dflt);
        }
    }
    free(help);
    return check_done();
}

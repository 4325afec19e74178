/* Fuzz target: arbitrary bytes as a shard's JSON report through pdpscan merge's reader (the
 * checks of what makes shards one scan, units and findings read back into units) and the report
 * pipeline they are submitted to. A report it cannot use must be refused with a reason, never
 * crash or hand the report half a unit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void pd_fuzz_cleanup(void);

static char dir[] = "/tmp/pdpscan-fuzz-merge.XXXXXX";
static char out[64];

void pd_fuzz_cleanup(void)
{
    if (out[0])
        unlink(out);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!out[0]) {
        if (!mkdtemp(dir))
            abort();
        snprintf(out, sizeof out, "%s/merged.json", dir);
    }
    int fd = memfd_create("fuzz-merge", MFD_CLOEXEC);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char *paths[1] = {path};
    struct pd_merge *m = NULL;
    struct pd_diag diag = {{0}};
    if (pd_merge_load(paths, 1, &m, &diag) == PD_OK) {
        struct pd_report_summary sum;
        if (pd_merge_write(m, "json", out, false, NULL, &sum, &diag) != PD_OK && !diag.text[0])
            abort(); /* failed without a reason */
        pd_merge_free(m);
    } else if (!diag.text[0]) {
        abort();
    }
    close(fd);
    return 0;
}

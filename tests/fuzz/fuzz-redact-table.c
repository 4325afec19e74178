/* Fuzz target: arbitrary bytes as a CSV and a TSV table, in one-byte and UTF-16 code units,
 * through the drop operator's column cutter (redact/drop.c): the columns holding a few offsets
 * found, then the table written again without them. It must never crash or read past the input,
 * and a table with no column dropped must come back byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "redact/redact-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void) {}

static size_t cut(int in, unsigned unit, bool be, char delim, const bool *drop, size_t max, unsigned char **out)
{
    int o = memfd_create("fuzz-out", MFD_CLOEXEC);
    if (o < 0)
        abort();
    if (pd_redact_remove_columns(in, o, unit, be, delim, drop, max) != PD_OK)
        abort(); /* memory files do not fail */
    off_t n = lseek(o, 0, SEEK_END);
    *out = malloc((size_t)n + 1);
    if (!*out || pread(o, *out, (size_t)n, 0) != n)
        abort();
    close(o);
    return (size_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int in = memfd_create("fuzz-in", MFD_CLOEXEC);
    if (in < 0 || (size && write(in, data, size) != (ssize_t)size))
        abort();
    for (int v = 0; v < 4; v++) {
        unsigned unit = v & 1 ? 2 : 1;
        char delim = v & 2 ? '\t' : ',';
        bool drop[64] = {false}, none[64] = {false};
        uint64_t offsets[3] = {size / 5, size / 2, size - size / 7};
        if (pd_redact_columns_of(in, unit, false, delim, offsets, size ? 3 : 0, drop, 64) != PD_OK)
            abort();
        unsigned char *same = NULL, *cutout = NULL;
        size_t n = cut(in, unit, false, delim, none, 64, &same);
        /* nothing dropped: every byte back (an odd last byte of UTF-16 is no code unit) */
        size_t whole = unit == 2 ? size - size % 2 : size;
        if (n != whole || memcmp(same, data, n) != 0)
            abort();
        cut(in, unit, false, delim, drop, 64, &cutout);
        free(same);
        free(cutout);
    }
    close(in);
    return 0;
}

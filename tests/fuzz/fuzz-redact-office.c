/* Fuzz target: arbitrary bytes as an XLSX and as a DOCX package through pdpscan redact's package
 * rewriter (libarchive, expat, the text pieces and their edits), with edits placed anywhere in
 * the texts it hands over. A package it cannot read must be refused with a reason, never crash or
 * write past a part. */
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

/* Three edits per text, where its length says: across pieces, cells and lines alike. */
static enum pd_error edits(void *arg, const char *name, const char *text, size_t len,
                           bool (*number_at)(void *narg, size_t offset), void *narg, struct pd_redact_edit **out,
                           size_t *n)
{
    (void)arg;
    (void)name;
    (void)text;
    *n = 0;
    if (!(*out = calloc(3, sizeof **out)))
        return PD_ERR_NOMEM;
    for (size_t k = 0; k < 3 && len > 0; k++) {
        size_t at = len * k / 3, l = (len / 7) % 13 + 1;
        if (at + l > len)
            break;
        (*out)[*n] = (struct pd_redact_edit){.offset = at, .length = l};
        snprintf((*out)[*n].text, sizeof (*out)[*n].text, "%s", number_at && number_at(narg, at) ? "0" : "<X&Y>");
        (*n)++;
    }
    return PD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int workbook = 0; workbook < 2; workbook++) {
        int in = memfd_create("fuzz-in", MFD_CLOEXEC), out = memfd_create("fuzz-out", MFD_CLOEXEC);
        if (in < 0 || out < 0 || (size && write(in, data, size) != (ssize_t)size) || lseek(in, 0, SEEK_SET) != 0)
            abort();
        struct pd_redact_texts t = {.edits = edits};
        char why[256] = "";
        enum pd_error err = pd_redact_ooxml(&t, workbook, in, out, why, sizeof why);
        if (err && err != PD_ERR_NOMEM && !why[0])
            abort(); /* refused without a reason */
        close(in);
        close(out);
    }
    return 0;
}

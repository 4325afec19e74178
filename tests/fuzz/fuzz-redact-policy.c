/* Fuzz target: arbitrary bytes as a redaction policy file (pdpscan redact --policy), through the
 * loader and every operator's argument check. A malformed file must be refused with a message,
 * never crash; one that loads must give every detector an operator. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "redact/redact-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void) {}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-redact-policy", MFD_CLOEXEC);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct pd_redact_rules *rules = NULL;
    struct pd_diag diag = {{0}};
    int confidence = 50;
    if (pd_redact_rules_create(&rules) != PD_OK)
        abort();
    if (pd_redact_rules_load(rules, path, &confidence, &diag) == PD_OK) {
        size_t n = 0;
        const struct pd_detector *table = pd_detectors(&n);
        for (size_t i = 0; i < n; i++) {
            struct pd_redact_choice c;
            pd_redact_rules_choose(rules, &table[i], &c);
            if (!c.op || confidence < 1 || confidence > 100)
                abort();
        }
    } else if (!diag.text[0]) {
        abort(); /* refused without a reason */
    }
    pd_redact_rules_free(rules);
    close(fd);
    return 0;
}

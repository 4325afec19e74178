/* Fuzz target: arbitrary bytes as a policy file, through the loader (JSON, every field's checks,
 * conditions, overrides of the shipped rules it is layered on) and the linter. A malformed file
 * must be refused with a message, never crash or half-load. Built with -fsanitize=fuzzer it is a
 * libFuzzer target; in `make check` the driver feeds it a deterministic corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policies/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-policy", MFD_CLOEXEC);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    /* alone, and layered over a shipped policy ($PD_FUZZ_BASE_POLICY), as --policy files are */
    const char *base = getenv("PD_FUZZ_BASE_POLICY"), *alone[1] = {path}, *layered[2] = {base, path};
    for (int k = 0; k < (base ? 2 : 1); k++) {
        struct pd_policy_set *set = NULL;
        struct pd_diag diag = {{0}};
        if (pd_policy_load(k ? layered : alone, k ? 2 : 1, 20261203, &set, &diag) == PD_OK) {
            if (!set)
                abort();
            pd_policy_lint(set, ignore, NULL);
            pd_policy_destroy(set);
        } else if (set || !diag.text[0]) {
            abort(); /* refused without a message, or half-loaded */
        }
    }
    close(fd);
    return 0;
}

void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void) {}

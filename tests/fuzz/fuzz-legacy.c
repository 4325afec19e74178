/* Fuzz target: arbitrary bytes through the encoding guesses and every decoder (UTF-16, TCVN3,
 * VISCII, CP1258, VNI, VIQR, legacy text saved as UTF-8, and the strings view of binary data),
 * into the text views. Every folded byte must map back inside the input, in order. Built with
 * -fsanitize=fuzzer it is a libFuzzer target; in `make check` the driver feeds it a
 * deterministic corpus. */
#include <stdint.h>
#include <stdlib.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum pd_encoding guessed;
    (void)pd_text_guess_legacy(data, size, &guessed);
    (void)pd_text_guess_viqr(data, size, &guessed);
    (void)pd_text_guess_utf16(data, size, &guessed);
    static const enum pd_encoding all[] = {PD_ENC_UTF8,   PD_ENC_UTF16LE, PD_ENC_UTF16BE, PD_ENC_TCVN3,
                                           PD_ENC_VISCII, PD_ENC_CP1258,  PD_ENC_VNI,     PD_ENC_VIQR,
                                           PD_ENC_TCVN3_IN_UTF8, PD_ENC_VNI_IN_UTF8, PD_ENC_BINARY};
    struct pd_text t;
    pd_text_init(&t, 1 << 20);
    for (size_t e = 0; e < sizeof all / sizeof all[0]; e++) {
        if (pd_text_build(&t, data, size, all[e]) != PD_OK)
            continue;
        if (all[e] == PD_ENC_BINARY && t.utf8_len != size)
            abort(); /* the strings view keeps every offset: one byte for one byte */
        size_t last = 0;
        for (size_t off = 0; off <= t.fold_len; off += 1 + off / 3) {
            size_t raw = pd_text_raw_offset(&t, off);
            if (raw > size || raw < last)
                abort(); /* a folded byte from outside the input, or out of order */
            last = raw;
        }
    }
    pd_text_release(&t);
    return 0;
}

void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void) {}

/* Fuzz target: arbitrary bytes through every structure reader (fields.h), whole and in windows
 * of sizes the input chooses, and through the text views built over them in UTF-8, UTF-16 and a
 * legacy encoding. It must never crash or read out of bounds, and every view byte must lead back
 * to an input byte, in order. Built with -fsanitize=fuzzer it is a libFuzzer target; in
 * `make check` the driver feeds it a deterministic corpus. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/fields/fields.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(struct pd_fields *f, const char *in, size_t len, size_t resume, char *out, uint32_t *map)
{
    size_t n = pd_fields_view(f, in, len, NULL, resume, out, map);
    if (n == SIZE_MAX)
        return;
    if (n > pd_fields_view_cap(len))
        abort();
    for (size_t i = 0; i < n; i++)
        if (map[i] >= len || (i && map[i] < map[i - 1]))
            abort(); /* a view byte from nowhere, or out of order */
    for (size_t k = 0; k < len; k += 7)
        (void)pd_fields_field_at(f, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pd_fields *f;
    if (pd_fields_create(&f) != PD_OK)
        abort();
    const char *in = (const char *)data;
    size_t cap = pd_fields_view_cap(size);
    char *out = malloc(cap ? cap : 1);
    uint32_t *map = malloc((cap ? cap : 1) * sizeof *map);
    if (!out || !map)
        abort();
    if (pd_fields_detect(f, in, size, NULL)) {
        check_view(f, in, size, SIZE_MAX, out, map);
        /* windows: the size and overlap come from the input's first bytes */
        size_t W = size ? 16 + data[0] % 200 : 16, O = 4 + (size > 1 ? data[1] % (W / 2 - 3) : 0);
        if (pd_fields_detect(f, in, size, NULL))
            for (size_t base = 0; base < size; base += W - O) {
                size_t len = size - base < W ? size - base : W;
                check_view(f, in + base, len, base + len < size ? len - O : SIZE_MAX, out, map);
                if (base + len >= size)
                    break;
                pd_fields_next_window(f);
            }
        /* the views over decoded text, in three encodings */
        static const enum pd_encoding encs[] = {PD_ENC_UTF8, PD_ENC_UTF16LE, PD_ENC_CP1258};
        for (size_t e = 0; e < 3; e++) {
            struct pd_text t;
            pd_text_init(&t, 1 << 20);
            if (pd_fields_detect(f, in, size, NULL)) {
                t.fields = f;
                t.fields_resume = SIZE_MAX;
                enum pd_error err = pd_text_build(&t, data, size, encs[e]);
                if (err == PD_OK)
                    for (size_t k = 0; k <= t.fold_len; k += 5)
                        if (pd_text_raw_offset(&t, k) > size)
                            abort();
            }
            pd_text_release(&t);
        }
    }
    free(out);
    free(map);
    pd_fields_destroy(f);
    return 0;
}

void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void) {}

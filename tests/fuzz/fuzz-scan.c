/* Fuzz target: arbitrary bytes through sniffing, decoding (UTF-8, UTF-16), folding and every
 * detector. Built with -DPD_FUZZ_MIME='"type"' (fuzz-archive, fuzz-office, fuzz-workbook,
 * fuzz-word-table, fuzz-mail) the input goes straight to that format's reader, as if sniffing had
 * named its type, so that every input reaches the parser under test. Built with -fsanitize=fuzzer it is a libFuzzer target; in `make check` the driver
 * feeds it a deterministic corpus. It must never crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "detectors/engine.h"
#include "scanner/worker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pd_engine *engine;
static struct pd_worker *worker;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        struct pd_diag diag;
        const unsigned char key[] = "fuzz key of at least 16 bytes";
        struct pd_engine_options o = {.key = key, .key_len = sizeof key - 1, .min_confidence = 1, .reveal = true};
        struct pd_worker_config cfg = {.window_size = 8192};
        if (pd_engine_create(&o, &engine, &diag) != PD_OK)
            abort();
        cfg.engine = engine;
        if (pd_worker_create(&cfg, &worker, &diag) != PD_OK)
            abort();
    }
#ifdef PD_FUZZ_MIME
    struct pd_unit *u = pd_worker_scan_buffer_as(worker, "fuzz", data, size, PD_FUZZ_MIME);
#else
    struct pd_unit *u = pd_worker_scan_buffer(worker, "fuzz", data, size);
#endif
    if (!u)
        abort();
    for (size_t i = 0; i < u->n_findings; i++)
        if (pd_unit_finding(u, i)->offset + pd_unit_finding(u, i)->length > size)
            abort(); /* a location outside the input */
    pd_unit_destroy(u);
    return 0;
}

void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void)
{
    pd_worker_destroy(worker);
    pd_engine_destroy(engine);
    worker = NULL;
    engine = NULL;
}

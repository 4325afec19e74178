/* Fuzz target for one format reader, chosen at build time by PD_FUZZ_MIME: the input goes to that
 * reader as if sniffing had named its type (archives through the container budget, OOXML/ODF
 * packages with their shared strings, cell formats and Word tables, mail), so that every input
 * reaches the parser under test. Built as fuzz-archive, fuzz-office, fuzz-workbook,
 * fuzz-word-table and fuzz-mail, each with its own seed corpus (make-seeds.py). Built with
 * -fsanitize=fuzzer it is a libFuzzer target; in `make check` the driver feeds it the corpus. */
#include <stdint.h>
#include <stdlib.h>

#include "detectors/engine.h"
#include "scanner/worker.h"

#ifndef PD_FUZZ_MIME
#error "build with -DPD_FUZZ_MIME='\"type/subtype\"'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pd_engine *engine;
static struct pd_worker *worker;

static void drop(void *arg, struct pd_unit *u)
{
    (void)arg;
    pd_unit_destroy(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        struct pd_diag diag;
        const unsigned char key[] = "fuzz key of at least 16 bytes";
        struct pd_engine_options o = {.key = key, .key_len = sizeof key - 1, .min_confidence = 1};
        /* members and parts become units of their own, as in a scan, and are dropped */
        struct pd_worker_config cfg = {.window_size = 16384, .emit = drop};
        if (pd_engine_create(&o, &engine, &diag) != PD_OK)
            abort();
        cfg.engine = engine;
        if (pd_worker_create(&cfg, &worker, &diag) != PD_OK)
            abort();
    }
    struct pd_unit *u = pd_worker_scan_buffer_as(worker, "fuzz", data, size, PD_FUZZ_MIME);
    if (!u)
        abort();
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

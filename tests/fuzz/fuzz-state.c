/* Fuzz target: arbitrary bytes as one file's record in a --state file (the JSON array of units
 * and findings that pd_state_record_end writes), decoded as an incremental rescan carries it. A
 * record that cannot be read back must be refused whole (the file is then read again), never
 * crash or hand over half its units. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/roots.h"
#include "scanner/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pd_state *state;
static struct pd_root root = {.given = "share", .canonical = "/srv/share", .id = "/srv/share"};

static void take(void *arg, struct pd_unit *u)
{
    size_t *n = arg;
    if (strncmp(u->path, "share", 5) != 0 || !u->carried)
        abort(); /* every unit under its root, marked */
    (*n)++;
    pd_unit_destroy(u);
}

static void open_state(void)
{
    char dir[] = "/tmp/pdpscan-fuzz-state.XXXXXX", path[64];
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/state.db", dir);
    struct pd_diag diag = {{0}};
    if (pd_state_open(path, "fuzz", &root, 1, &state, &diag) != PD_OK)
        abort();
    remove(path); /* the open connection keeps it; nothing is left behind */
    remove(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!state)
        open_state();
    size_t n = 0;
    struct pd_diag diag = {{0}};
    if (pd_state_decode(state, (const char *)data, size, &root, take, &n, &diag) != PD_OK && (n || !diag.text[0]))
        abort(); /* refused after handing units over, or without a reason */
    return 0;
}

/* The driver's last call: the state closed, so that leak checkers see nothing left. */
void pd_fuzz_cleanup(void);
void pd_fuzz_cleanup(void)
{
    pd_state_close(state);
    state = NULL;
}

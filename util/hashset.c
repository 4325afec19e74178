/* Open-addressing set of 64-bit values. */
#include "util/hashset.h"

#include <stdlib.h>

bool pd_hashset_add(struct pd_hashset *h, uint64_t v)
{
    if (v == 0)
        v = 1; /* 0 marks an empty slot */
    if ((h->count + 1) * 2 > h->cap) {
        struct pd_hashset big = {.cap = h->cap ? h->cap * 2 : 64};
        if (!(big.slots = calloc(big.cap, sizeof *big.slots)))
            return false;
        for (size_t i = 0; i < h->cap; i++)
            if (h->slots[i])
                pd_hashset_add(&big, h->slots[i]);
        free(h->slots);
        *h = big;
    }
    for (size_t i = v & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        if (h->slots[i] == v)
            return true;
        if (!h->slots[i]) {
            h->slots[i] = v;
            h->count++;
            return true;
        }
    }
}

void pd_hashset_free(struct pd_hashset *h)
{
    free(h->slots);
    h->slots = NULL;
    h->cap = h->count = 0;
}

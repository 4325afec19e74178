/* A set of 64-bit hash prefixes, for counting distinct values by their keyed hashes (never by the
 * values themselves). */
#ifndef PD_HASHSET_H
#define PD_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_hashset {
    uint64_t *slots;
    size_t cap, count;
};

/* Adds v; returns false only when memory runs out. */
bool pd_hashset_add(struct pd_hashset *h, uint64_t v);
void pd_hashset_free(struct pd_hashset *h);

#endif

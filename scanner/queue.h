/* A bounded blocking queue of pointers: the only way threads hand work to each other. Items come
 * out heaviest first, equal weights in the order they went in (plain pushes weigh 0: FIFO). */
#ifndef PD_QUEUE_H
#define PD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct pd_queue;

enum pd_error pd_queue_create(size_t capacity, struct pd_queue **out);
/* The queue must be empty or its items already released by the caller. */
void pd_queue_destroy(struct pd_queue *q);

/* Blocks while full. Returns false (item not taken) once the queue is closed. */
bool pd_queue_push(struct pd_queue *q, void *item);
bool pd_queue_push_weighted(struct pd_queue *q, void *item, uint64_t weight);
/* Items that hold memory: pushes also wait while the items queued already cost budget in all
 * (set once, before use). */
void pd_queue_set_budget(struct pd_queue *q, size_t budget);
bool pd_queue_push_costed(struct pd_queue *q, void *item, size_t cost);
/* Never waits for room (the queue grows past its capacity): for work that a consumer splits off,
 * which must not block on the queue it drains. The caller bounds how much it adds. */
bool pd_queue_push_urgent(struct pd_queue *q, void *item, uint64_t weight);

/* Blocks while empty. Returns NULL once the queue is closed and drained. */
void *pd_queue_pop(struct pd_queue *q);

/* No more pushes; poppers drain what is left, then get NULL. Safe to call twice. */
void pd_queue_close(struct pd_queue *q);

#endif

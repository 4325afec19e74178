/* Bounded blocking queue: a binary heap under one mutex with two condition variables. The heap
 * orders by weight, then by push order, so unweighted use is plain FIFO. */
#include "scanner/queue.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    void *item;
    uint64_t weight;
    uint64_t seq;
    size_t cost;
};

struct pd_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_full, not_empty;
    struct slot *heap;
    size_t capacity, count, allocated; /* pushes wait at capacity; urgent ones grow the heap */
    uint64_t next_seq;
    size_t budget, spent; /* cost of the items waiting, and its bound (0: none) */
    bool closed;
};

enum pd_error pd_queue_create(size_t capacity, struct pd_queue **out)
{
    struct pd_queue *q = calloc(1, sizeof *q);
    if (!q || !(q->heap = calloc(capacity, sizeof *q->heap))) {
        free(q);
        return PD_ERR_NOMEM;
    }
    q->capacity = q->allocated = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    *out = q;
    return PD_OK;
}

void pd_queue_destroy(struct pd_queue *q)
{
    if (!q)
        return;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    free(q->heap);
    free(q);
}

/* a comes out before b */
static bool before(const struct slot *a, const struct slot *b)
{
    return a->weight != b->weight ? a->weight > b->weight : a->seq < b->seq;
}

static void swap(struct slot *a, struct slot *b)
{
    struct slot t = *a;
    *a = *b;
    *b = t;
}

void pd_queue_set_budget(struct pd_queue *q, size_t budget) { q->budget = budget; }

/* Full: at capacity, or over budget unless empty (an item dearer than the budget still goes
 * through alone). */
static bool full(const struct pd_queue *q, size_t cost)
{
    return q->count >= q->capacity || (q->budget && q->count > 0 && q->spent + cost > q->budget);
}

/* Drained enough to wake waiting pushers: a quarter of the room (and of the budget) free. Waking
 * them on every pop made the walker, which outruns the workers, sleep and wake once per file. */
static bool roomy(const struct pd_queue *q)
{
    return q->count <= q->capacity - q->capacity / 4 && q->spent <= q->budget - q->budget / 4;
}

static bool push(struct pd_queue *q, void *item, uint64_t weight, size_t cost, bool urgent)
{
    pthread_mutex_lock(&q->lock);
    while (!urgent && full(q, cost) && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    bool ok = !q->closed;
    if (ok && q->count == q->allocated) {
        struct slot *bigger = realloc(q->heap, (q->allocated + 64) * sizeof *bigger);
        if (bigger) {
            q->heap = bigger;
            q->allocated += 64;
        }
        ok = bigger != NULL;
    }
    if (ok) {
        size_t i = q->count++;
        q->heap[i] = (struct slot){.item = item, .weight = weight, .seq = q->next_seq++, .cost = cost};
        q->spent += cost;
        while (i > 0 && before(&q->heap[i], &q->heap[(i - 1) / 2])) {
            swap(&q->heap[i], &q->heap[(i - 1) / 2]);
            i = (i - 1) / 2;
        }
        pthread_cond_signal(&q->not_empty);
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

bool pd_queue_push_weighted(struct pd_queue *q, void *item, uint64_t weight)
{
    return push(q, item, weight, 0, false);
}

bool pd_queue_push_urgent(struct pd_queue *q, void *item, uint64_t weight) { return push(q, item, weight, 0, true); }

bool pd_queue_push_costed(struct pd_queue *q, void *item, size_t cost) { return push(q, item, 0, cost, false); }

bool pd_queue_push(struct pd_queue *q, void *item) { return push(q, item, 0, 0, false); }

void *pd_queue_pop(struct pd_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->lock);
    void *item = NULL;
    if (q->count > 0) {
        item = q->heap[0].item;
        q->spent -= q->heap[0].cost;
        q->heap[0] = q->heap[--q->count];
        for (size_t i = 0;;) {
            size_t l = 2 * i + 1, r = l + 1, top = i;
            if (l < q->count && before(&q->heap[l], &q->heap[top]))
                top = l;
            if (r < q->count && before(&q->heap[r], &q->heap[top]))
                top = r;
            if (top == i)
                break;
            swap(&q->heap[i], &q->heap[top]);
            i = top;
        }
        if (roomy(q))
            pthread_cond_broadcast(&q->not_full); /* waiters may need different room */
    }
    pthread_mutex_unlock(&q->lock);
    return item;
}

void pd_queue_close(struct pd_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

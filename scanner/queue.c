/* Bounded blocking queue: a ring buffer under one mutex with two condition variables. */
#include "scanner/queue.h"

#include <pthread.h>
#include <stdlib.h>

struct pd_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_full, not_empty;
    void **items;
    size_t capacity, head, count;
    bool closed;
};

enum pd_error pd_queue_create(size_t capacity, struct pd_queue **out)
{
    struct pd_queue *q = calloc(1, sizeof *q);
    if (!q || !(q->items = calloc(capacity, sizeof *q->items))) {
        free(q);
        return PD_ERR_NOMEM;
    }
    q->capacity = capacity;
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
    free(q->items);
    free(q);
}

bool pd_queue_push(struct pd_queue *q, void *item)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == q->capacity && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    bool ok = !q->closed;
    if (ok) {
        q->items[(q->head + q->count) % q->capacity] = item;
        q->count++;
        pthread_cond_signal(&q->not_empty);
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

void *pd_queue_pop(struct pd_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->lock);
    void *item = NULL;
    if (q->count > 0) {
        item = q->items[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        pthread_cond_signal(&q->not_full);
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

/* The job queue: heaviest first, equal weights (and plain pushes) in order, bounded, closable. */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "scanner/queue.h"
#include "tests/unit/check.h"

static void *item(uintptr_t n) { return (void *)n; }

static void test_order(void)
{
    struct pd_queue *q;
    CHECK(pd_queue_create(16, &q) == PD_OK);
    const uint64_t weights[] = {5, 100, 3, 7, 100, 0, 7};
    for (uintptr_t i = 0; i < 7; i++)
        CHECK(pd_queue_push_weighted(q, item(i + 1), weights[i]));
    const uintptr_t want[] = {2, 5, 4, 7, 1, 3, 6}; /* by weight, ties in push order */
    for (int i = 0; i < 7; i++)
        CHECK((uintptr_t)pd_queue_pop(q) == want[i]);
    for (uintptr_t i = 1; i <= 10; i++) /* plain pushes: FIFO */
        CHECK(pd_queue_push(q, item(i)));
    for (uintptr_t i = 1; i <= 10; i++)
        CHECK((uintptr_t)pd_queue_pop(q) == i);
    pd_queue_destroy(q);
}

static void *consume(void *arg)
{
    struct pd_queue *q = arg;
    uintptr_t sum = 0;
    void *p;
    while ((p = pd_queue_pop(q)) != NULL)
        sum += (uintptr_t)p;
    return (void *)sum;
}

static void test_bounded_and_closed(void)
{
    struct pd_queue *q;
    CHECK(pd_queue_create(4, &q) == PD_OK);
    pthread_t t;
    pthread_create(&t, NULL, consume, q);
    uintptr_t sum = 0;
    for (uintptr_t i = 1; i <= 1000; i++) { /* more than the capacity: pushes wait for the consumer */
        CHECK(pd_queue_push_weighted(q, item(i), i % 7));
        sum += i;
    }
    pd_queue_close(q);
    void *got;
    pthread_join(t, &got);
    CHECK((uintptr_t)got == sum); /* every item came out once */
    CHECK(!pd_queue_push(q, item(1))); /* closed */
    CHECK(pd_queue_pop(q) == NULL);
    pd_queue_destroy(q);
}

/* A consumer that splits work off must never block on the queue it drains. */
static void test_urgent(void)
{
    struct pd_queue *q;
    CHECK(pd_queue_create(2, &q) == PD_OK);
    CHECK(pd_queue_push(q, item(1)) && pd_queue_push(q, item(2)));
    for (uintptr_t i = 3; i <= 100; i++) /* past the capacity, without waiting */
        CHECK(pd_queue_push_urgent(q, item(i), i == 50 ? UINT64_MAX : 1));
    CHECK((uintptr_t)pd_queue_pop(q) == 50);
    CHECK((uintptr_t)pd_queue_pop(q) == 3);
    size_t left = 0;
    pd_queue_close(q);
    CHECK(!pd_queue_push_urgent(q, item(7), 1));
    while (pd_queue_pop(q))
        left++;
    CHECK(left == 98);
    pd_queue_destroy(q);
}

/* Pushes that wait for budget are woken in batches; none may be left waiting, even one dearer than
 * the whole budget (it goes through alone). */
static void test_budget_wakeups(void)
{
    struct pd_queue *q;
    CHECK(pd_queue_create(8, &q) == PD_OK);
    pd_queue_set_budget(q, 100);
    pthread_t t;
    pthread_create(&t, NULL, consume, q);
    static const size_t costs[] = {10, 30, 60, 150, 1, 99};
    uintptr_t sum = 0;
    for (uintptr_t i = 1; i <= 3000; i++) {
        CHECK(pd_queue_push_costed(q, item(i), costs[i % 6]));
        sum += i;
    }
    pd_queue_close(q);
    void *got;
    pthread_join(t, &got);
    CHECK((uintptr_t)got == sum);
    pd_queue_destroy(q);
}

int main(void)
{
    alarm(60); /* a lost wake-up hangs: fail instead */
    test_order();
    test_urgent();
    test_bounded_and_closed();
    test_budget_wakeups();
    return check_done();
}

/* Unit tests for core/id: time-ordered 64-bit ids, node bits, and uniqueness across
 * threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/id.h"

#define NODE_OF(id) ((unsigned)(((id) >> 12) & ID_NODE_MAX))

static void test_time_close_to_now(void **state)
{
    (void)state;
    int64_t before = clock_now_us() / 1000;
    int64_t id = id_next();
    int64_t after = clock_now_us() / 1000;
    assert_true(id > 0); /* the sign bit stays zero */
    int64_t t = id_time_ms(id);
    assert_true(t >= before);
    assert_true(t <= after + 1);
}

static void test_strictly_increasing(void **state)
{
    (void)state;
    int64_t prev = id_next();
    for (int i = 0; i < 100000; i++) {
        int64_t id = id_next();
        assert_true(id > prev);
        prev = id;
    }
    /* even after 100k ids (more than 4096 in some milliseconds) the time part stays
     * near the real clock */
    int64_t now_ms = clock_now_us() / 1000;
    assert_true(id_time_ms(prev) <= now_ms + 100);
    assert_true(id_time_ms(prev) >= now_ms - 5000);
}

static void test_node_bits(void **state)
{
    (void)state;
    static const unsigned nodes[] = {1, 0x2A5, ID_NODE_MAX, 0};
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        /* the node is set once at start-up, so order is only promised within a node */
        id_set_node(nodes[i]);
        int64_t prev = id_next();
        assert_int_equal(NODE_OF(prev), nodes[i]);
        for (int k = 0; k < 5000; k++) {
            int64_t id = id_next();
            assert_int_equal(NODE_OF(id), nodes[i]);
            assert_true(id > prev);
            prev = id;
        }
    }
    id_set_node(0);
}

/* One thread's share of the concurrency test. */
struct gen {
    int64_t *ids;
    size_t n;
    int ordered; /* each thread's own ids are increasing */
};

enum { PER_THREAD = 50000 };

static void *generate(void *arg)
{
    struct gen *g = arg;
    g->ordered = 1;
    for (size_t i = 0; i < g->n; i++) {
        g->ids[i] = id_next();
        if (i && g->ids[i] <= g->ids[i - 1])
            g->ordered = 0;
    }
    return NULL;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_two_threads_no_duplicates(void **state)
{
    (void)state;
    int64_t *all = calloc(2 * PER_THREAD, sizeof(*all));
    assert_non_null(all);
    struct gen g[2] = {{all, PER_THREAD, 0}, {all + PER_THREAD, PER_THREAD, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, generate, &g[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_true(g[0].ordered);
    assert_true(g[1].ordered);
    qsort(all, 2 * PER_THREAD, sizeof(*all), cmp_id);
    for (size_t i = 1; i < 2 * PER_THREAD; i++)
        assert_true(all[i] != all[i - 1]);
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_close_to_now),
        cmocka_unit_test(test_strictly_increasing),
        cmocka_unit_test(test_node_bits),
        cmocka_unit_test(test_two_threads_no_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

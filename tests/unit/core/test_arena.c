/* Unit tests for core/arena: alignment, growth across blocks, the cap, overflow checks,
 * string helpers and the cleanup callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

static void assert_released(const struct arena *a)
{
    assert_int_equal(a->used, 0);
    assert_null(a->head);
    assert_null(a->cleanups);
    assert_false(a->failed);
}

static void test_init_allocates_nothing(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_int_equal(a.used, 0);
    assert_int_equal(a.cap, (size_t)64 << 20); /* 0 means the 64 MiB default */
    assert_null(a.head);
    arena_release(&a);
    assert_released(&a);
}

static void test_alignment(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    static const size_t sizes[] = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000, 5000, 9000};
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            void *p = arena_alloc(&a, sizes[i]);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % 16, 0);
            memset(p, 0xAB, sizes[i]);
        }
    }
    /* a zero-byte request still gives a distinct, aligned pointer */
    void *z1 = arena_alloc(&a, 0), *z2 = arena_alloc(&a, 0);
    assert_non_null(z1);
    assert_non_null(z2);
    assert_ptr_not_equal(z1, z2);
    assert_int_equal((uintptr_t)z1 % 16, 0);
    assert_false(a.failed);
    arena_release(&a);
    assert_released(&a);
}

static void test_many_allocations_across_blocks(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    enum { N = 5000, SZ = 40 };
    unsigned char **ptrs = calloc(N, sizeof(*ptrs));
    assert_non_null(ptrs);
    for (int i = 0; i < N; i++) {
        ptrs[i] = arena_alloc(&a, SZ);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], i & 0xFF, SZ);
    }
    /* 5000 * 48 bytes cannot fit in the first 8 KiB block */
    assert_true(a.used >= (size_t)N * 48);
    assert_true(a.used <= a.cap);
    /* no allocation overlapped another */
    for (int i = 0; i < N; i++)
        for (int k = 0; k < SZ; k++)
            assert_int_equal(ptrs[i][k], i & 0xFF);
    free(ptrs);
    arena_release(&a);
    assert_released(&a);
}

static void test_zalloc_zeroes(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* the block is fresh malloc memory (ASan fills it with garbage): zalloc must clear it */
    unsigned char *p = arena_alloc(&a, 256);
    assert_non_null(p);
    memset(p, 0xFF, 256);
    unsigned char *z = arena_zalloc(&a, 300);
    assert_non_null(z);
    for (int i = 0; i < 300; i++)
        assert_int_equal(z[i], 0);
    arena_release(&a);
    assert_released(&a);
}

static void test_large_allocation(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    char *small1 = arena_alloc(&a, 32);
    assert_non_null(small1);
    size_t used_before = a.used;

    size_t big = (size_t)3 << 20; /* 3 MiB: far above any block size */
    unsigned char *p = arena_alloc(&a, big);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 0x5A, big);
    assert_true(a.used >= used_before + big);
    assert_int_equal(p[0], 0x5A);
    assert_int_equal(p[big - 1], 0x5A);

    /* the big block goes behind the first one, whose free space is still used */
    size_t used_after_big = a.used;
    char *small2 = arena_alloc(&a, 32);
    assert_non_null(small2);
    assert_int_equal(a.used, used_after_big);
    assert_true((uintptr_t)small2 - (uintptr_t)small1 < ((uintptr_t)8 << 10));
    assert_false(a.failed);
    arena_release(&a);
    assert_released(&a);
}

static void test_cap(void **state)
{
    (void)state;
    struct arena a;

    /* a single request beyond the cap */
    arena_init(&a, 1024);
    assert_null(arena_alloc(&a, 2048));
    assert_true(a.failed);
    assert_int_equal(a.used, 0);
    arena_release(&a);
    assert_released(&a);
    assert_int_equal(a.cap, 1024); /* the cap survives a release */

    /* filling up: the arena never holds more than its cap */
    size_t cap = (size_t)64 << 10;
    arena_init(&a, cap);
    int got = 0;
    for (int i = 0; i < 100000; i++) {
        void *p = arena_alloc(&a, 100);
        assert_true(a.used <= cap);
        if (!p)
            break;
        got++;
    }
    assert_true(got > 0);
    assert_true(got < 100000);
    assert_true(a.failed);
    assert_true(a.used <= cap);
    /* the other helpers fail the same way once nothing fits */
    assert_null(arena_alloc(&a, 100));
    assert_null(arena_printf(&a, "%0200d", 1));
    assert_null(arena_alloc(&a, cap + 1));
    arena_release(&a);
    assert_released(&a);
}

static void test_failed_is_sticky(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, (size_t)1 << 20);
    assert_null(arena_alloc(&a, ((size_t)1 << 20) + 1));
    assert_true(a.failed);
    /* a later allocation that fits succeeds, but the flag stays set */
    assert_non_null(arena_alloc(&a, 10));
    assert_true(a.failed);
    arena_release(&a);
    assert_released(&a);
}

static void test_calloc_overflow(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    int *v = arena_calloc(&a, 100, sizeof(int));
    assert_non_null(v);
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], 0);
    assert_false(a.failed);

    /* count * size wraps around SIZE_MAX: refused, not a tiny allocation */
    assert_null(arena_calloc(&a, SIZE_MAX / 2 + 2, 2));
    assert_true(a.failed);
    assert_null(arena_calloc(&a, SIZE_MAX, SIZE_MAX));
    assert_null(arena_calloc(&a, ((size_t)1 << (sizeof(size_t) * 4)) + 1,
                             ((size_t)1 << (sizeof(size_t) * 4))));
    /* zero elements is not an overflow */
    assert_non_null(arena_calloc(&a, 0, 16));
    assert_non_null(arena_calloc(&a, 16, 0));
    arena_release(&a);
    assert_released(&a);
}

static void test_strings(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *src = "张三 abc";
    char *d = arena_strdup(&a, src);
    assert_non_null(d);
    assert_ptr_not_equal(d, src);
    assert_string_equal(d, src);

    char *e = arena_strdup(&a, "");
    assert_non_null(e);
    assert_string_equal(e, "");

    /* strndup terminates its copy itself: give it recycled, dirty memory to prove it */
    struct arena dirty;
    arena_init(&dirty, 0);
    char *junk = arena_alloc(&dirty, 4000);
    assert_non_null(junk);
    memset(junk, 'x', 4000);
    arena_release(&dirty);
    assert_released(&dirty);
    char *n = arena_strndup(&dirty, "abcdef", 3);
    assert_non_null(n);
    assert_string_equal(n, "abc");
    assert_int_equal(n[3], '\0');
    arena_release(&dirty);
    assert_released(&dirty);
    /* a slice from the middle of a longer text, as the router and db layer use it */
    const char *path = "/api/v1/units/42/roles";
    char *seg = arena_strndup(&a, path + 14, 2);
    assert_string_equal(seg, "42");

    char *p = arena_printf(&a, "%s=%d,%05.1f,%x", "n", -42, 3.14159, 255u);
    assert_non_null(p);
    assert_string_equal(p, "n=-42,003.1,ff");

    /* a formatted string longer than the first block */
    char *longs = malloc(20001);
    assert_non_null(longs);
    memset(longs, 'x', 20000);
    longs[20000] = '\0';
    char *lp = arena_printf(&a, "[%s]", longs);
    assert_non_null(lp);
    assert_int_equal(strlen(lp), 20002);
    assert_int_equal(lp[0], '[');
    assert_int_equal(lp[20001], ']');
    free(longs);
    assert_false(a.failed);
    arena_release(&a);
    assert_released(&a);
}

/* The cleanup log: each callback appends its tag. */
struct cleanup_log {
    int order[8];
    int n;
};

static struct cleanup_log cleanup_log;

static void record_cleanup(void *ptr)
{
    int tag = *(int *)ptr;
    if (cleanup_log.n < 8)
        cleanup_log.order[cleanup_log.n] = tag;
    cleanup_log.n++;
}

static void free_cleanup(void *ptr)
{
    free(ptr);
    cleanup_log.n++;
}

static void test_cleanups_newest_first_once(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    memset(&cleanup_log, 0, sizeof(cleanup_log));
    static int tags[] = {1, 2, 3};
    for (int i = 0; i < 3; i++)
        assert_true(arena_on_release(&a, record_cleanup, &tags[i]));
    assert_int_equal(cleanup_log.n, 0); /* nothing runs before the release */
    arena_release(&a);
    assert_int_equal(cleanup_log.n, 3);
    assert_int_equal(cleanup_log.order[0], 3);
    assert_int_equal(cleanup_log.order[1], 2);
    assert_int_equal(cleanup_log.order[2], 1);
    assert_released(&a);

    /* a second release does not run them again */
    arena_release(&a);
    assert_int_equal(cleanup_log.n, 3);
    assert_released(&a);
}

static void test_cleanup_frees_foreign_memory(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    memset(&cleanup_log, 0, sizeof(cleanup_log));
    /* LeakSanitizer proves the malloc'd block is freed by the cleanup */
    char *foreign = malloc(64);
    assert_non_null(foreign);
    assert_true(arena_on_release(&a, free_cleanup, foreign));
    arena_release(&a);
    assert_int_equal(cleanup_log.n, 1);
    assert_released(&a);
}

static void test_reuse_after_release(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, (size_t)1 << 20);
    for (int round = 0; round < 3; round++) {
        char *s = arena_printf(&a, "round %d", round);
        assert_non_null(s);
        assert_true(a.used > 0);
        assert_null(arena_alloc(&a, ((size_t)1 << 20) + 1));
        assert_true(a.failed);
        arena_release(&a);
        assert_released(&a);
        assert_int_equal(a.cap, (size_t)1 << 20);
    }
    memset(&cleanup_log, 0, sizeof(cleanup_log));
    static int tag = 7;
    assert_true(arena_on_release(&a, record_cleanup, &tag));
    assert_non_null(arena_alloc(&a, 100));
    arena_release(&a);
    assert_int_equal(cleanup_log.n, 1);
    assert_int_equal(cleanup_log.order[0], 7);
    assert_released(&a);
}

/* A cap smaller than a block still gives the whole of itself, in small pieces. */
static void test_small_cap_is_usable(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 4096);
    assert_non_null(arena_alloc(&a, 16));
    size_t got = 16;
    while (arena_alloc(&a, 16))
        got += 16;
    assert_int_equal(got, 4096);
    assert_true(a.failed);
    arena_release(&a);
    assert_released(&a);
    arena_init(&a, 64 << 10);
    got = 0;
    while (arena_alloc(&a, 1024))
        got += 1024;
    assert_true(got >= (60u << 10));
    arena_release(&a);
    assert_released(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_allocates_nothing),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_many_allocations_across_blocks),
        cmocka_unit_test(test_zalloc_zeroes),
        cmocka_unit_test(test_large_allocation),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_failed_is_sticky),
        cmocka_unit_test(test_calloc_overflow),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_cleanups_newest_first_once),
        cmocka_unit_test(test_cleanup_frees_foreign_memory),
        cmocka_unit_test(test_reuse_after_release),
        cmocka_unit_test(test_small_cap_is_usable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

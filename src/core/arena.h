/* Region allocator: everything a request allocates comes from its arena and goes at once
 * when the request ends.
 *
 * Invariants: allocations are 16-byte aligned and never freed one by one; the total held
 * never passes the cap given to arena_init (0 means the default, 64 MiB); foreign
 * resources register a cleanup that runs, newest first, in arena_release. */
#ifndef SHEGONG_CORE_ARENA_H
#define SHEGONG_CORE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_block;
struct arena_cleanup;

struct arena {
    struct arena_block *head;
    struct arena_cleanup *cleanups;
    size_t used; /* bytes held in blocks */
    size_t cap;  /* most bytes the arena may hold */
    bool failed; /* sticky: an allocation has failed */
};

typedef void (*arena_cleanup_fn)(void *ptr);

/* Lifecycle. arena_init allocates nothing; arena_release frees every block and runs
 * the cleanups, leaving the arena ready for reuse. */
void arena_init(struct arena *a, size_t cap);
void arena_release(struct arena *a);

/* Allocation. Each returns NULL when the cap is reached or memory is exhausted, and
 * sets a->failed. arena_zalloc zero-fills. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* Array allocation with overflow check. */
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* Copies exactly n bytes of s (which must have them) and a terminating NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs fn(ptr) when the arena is released. Returns false (and runs nothing) if the
 * registration itself cannot be allocated; the caller then frees ptr itself. */
bool arena_on_release(struct arena *a, arena_cleanup_fn fn, void *ptr);

#endif

/* Allocation failure on demand, for the torture test (tests/alloc, docs/reliability.md).
 *
 * Only a build configured with -DSHEGONG_FAILALLOC=ON has it. There failalloc.c wraps
 * malloc, calloc, realloc, strdup and strndup of our own objects (ld --wrap; jansson
 * allocates through core/jsonin.c, so through them too), SQLite's and OpenSSL's
 * allocators, and every arena_alloc. In any other build failalloc_now() is a constant
 * false the compiler removes, and nothing else exists.
 *
 * Invariants: the countdown is per thread and starts disarmed; after failalloc_arm(n) the
 * n-th allocation on that thread fails (returns NULL) and every later one succeeds
 * again ("one failure" mode), until the next failalloc_arm. */
#ifndef SHEGONG_CORE_FAILALLOC_H
#define SHEGONG_CORE_FAILALLOC_H

#include <stdbool.h>

#ifdef SHEGONG_FAILALLOC

/* Arms this thread's countdown: the n-th allocation from now fails (n >= 1). */
void failalloc_arm(long n);
/* Disarms it; true when an allocation was made to fail since failalloc_arm. */
bool failalloc_disarm(void);
/* Counts one allocation; true when this one must fail. Allocators of our own (the arena)
 * call it first. */
bool failalloc_now(void);
/* A countdown carried from one thread to another: a write that group commit runs on the
 * writer's thread takes its request's countdown along and brings back what is left. */
struct failalloc_state {
    long countdown;
    bool injected;
};
/* Moves this thread's countdown into s and disarms the thread. */
void failalloc_save(struct failalloc_state *s);
/* Arms this thread with the countdown in s. */
void failalloc_restore(const struct failalloc_state *s);
/* Stops (on) and restarts counting on this thread: jansson's parser cannot survive a failed
 * allocation (akheron/jansson#362: it drops a byte, then asserts or overruns), so the
 * torture test leaves it alone (core/jsonin.c). */
void failalloc_pause(bool on);

#else

struct failalloc_state {
    char none;
};

static inline bool failalloc_now(void)
{
    return false;
}

static inline void failalloc_save(struct failalloc_state *s)
{
    (void)s;
}

static inline void failalloc_restore(const struct failalloc_state *s)
{
    (void)s;
}

static inline void failalloc_pause(bool on)
{
    (void)on;
}

#endif

#endif

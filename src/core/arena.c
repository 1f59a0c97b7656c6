/* Region allocator with a cap and cleanup callbacks (see arena.h). */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/failalloc.h"

#define ARENA_DEFAULT_CAP ((size_t)64 << 20)
#define ARENA_BLOCK_MIN   ((size_t)8 << 10)
#define ALIGN             16

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t off;
    _Alignas(ALIGN) unsigned char data[];
};

struct arena_cleanup {
    struct arena_cleanup *next;
    arena_cleanup_fn fn;
    void *ptr;
};

void arena_init(struct arena *a, size_t cap)
{
    a->head = NULL;
    a->cleanups = NULL;
    a->used = 0;
    a->cap = cap ? cap : ARENA_DEFAULT_CAP;
    a->failed = false;
}

void arena_release(struct arena *a)
{
    while (a->cleanups) {
        struct arena_cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->ptr);
    }
    while (a->head) {
        struct arena_block *b = a->head;
        a->head = b->next;
        free(b);
    }
    arena_init(a, a->cap);
}

static size_t round_up(size_t n)
{
    return (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > a->cap || failalloc_now()) {
        a->failed = true;
        return NULL;
    }
    n = round_up(n);
    struct arena_block *b = a->head;
    if (!b || b->size - b->off < n) {
        size_t size = a->head ? a->head->size * 2 : ARENA_BLOCK_MIN;
        if (size < n)
            size = round_up(n);
        if (size > ((size_t)1 << 20) && size > n)
            size = n > ((size_t)1 << 20) ? n : ((size_t)1 << 20);
        if (a->used + size > a->cap) {
            /* near the cap: a smaller block that still holds the request will do */
            if (a->used + n > a->cap) {
                a->failed = true;
                return NULL;
            }
            size = (a->cap - a->used) & ~(size_t)(ALIGN - 1);
        }
        b = malloc(sizeof(*b) + size);
        if (!b) {
            a->failed = true;
            return NULL;
        }
        b->size = size;
        b->off = 0;
        a->used += size;
        /* A big one-off block goes behind the current one so its free space is kept. */
        if (a->head && n == size && a->head->size - a->head->off >= ALIGN) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->off;
    b->off += n;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        a->failed = true;
        return NULL;
    }
    return arena_zalloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->failed = true;
        return NULL;
    }
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

bool arena_on_release(struct arena *a, arena_cleanup_fn fn, void *ptr)
{
    struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
    if (!c)
        return false;
    c->fn = fn;
    c->ptr = ptr;
    c->next = a->cleanups;
    a->cleanups = c;
    return true;
}

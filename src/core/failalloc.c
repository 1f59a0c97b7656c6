/* Allocation failure on demand (SHEGONG_FAILALLOC builds only, see failalloc.h): the ld
 * --wrap targets for our own objects, and the allocator hooks of SQLite and OpenSSL.
 * jansson allocates through core/jsonin.c's functions, which call our (wrapped) malloc. */
#include "core/failalloc.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local long countdown; /* allocations until the failing one; 0: disarmed */
static _Thread_local bool injected;  /* one was made to fail since the last arm */
static _Thread_local bool paused;    /* allocations are neither counted nor failed */
static bool trace;                   /* SHEGONG_FAILALLOC_TRACE: print where each one fails */

/* The sanitizers' stack printer, when the build has them (a weak reference otherwise). */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

void failalloc_arm(long n)
{
    countdown = n > 0 ? n : 0;
    injected = false;
}

bool failalloc_disarm(void)
{
    bool was = injected;
    countdown = 0;
    injected = false;
    return was;
}

void failalloc_save(struct failalloc_state *s)
{
    s->countdown = countdown;
    s->injected = injected;
    countdown = 0;
    injected = false;
}

void failalloc_restore(const struct failalloc_state *s)
{
    countdown = s->countdown;
    injected = s->injected;
}

void failalloc_pause(bool on)
{
    paused = on;
}

bool failalloc_now(void)
{
    if (paused || countdown <= 0 || --countdown > 0)
        return false;
    injected = true; /* countdown is 0 now: later allocations succeed */
    if (trace && __sanitizer_print_stack_trace) {
        fputs("failalloc: this allocation fails\n", stderr);
        __sanitizer_print_stack_trace();
    }
    errno = ENOMEM;
    return true;
}

/* ld --wrap=malloc makes our objects' calls to malloc go to __wrap_malloc, and
 * __real_malloc to the real one (then ASan's, in a sanitized build). Libraries linked as
 * shared objects (libmicrohttpd, libsqlite3, libjansson, libcrypto …) keep their own. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n)
{
    return failalloc_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t count, size_t n)
{
    return failalloc_now() ? NULL : __real_calloc(count, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return failalloc_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return failalloc_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return failalloc_now() ? NULL : __real_strndup(s, n);
}

/* SQLite: its default allocator behind the countdown. */
static sqlite3_mem_methods sqlite_default;

static void *sqlite_malloc(int n)
{
    return failalloc_now() ? NULL : sqlite_default.xMalloc(n);
}

static void *sqlite_realloc(void *p, int n)
{
    return failalloc_now() ? NULL : sqlite_default.xRealloc(p, n);
}

/* OpenSSL (the field encryption and HMACs of personal data). */
static void *openssl_malloc(size_t n, const char *file, int line)
{
    return failalloc_now() ? NULL : __real_malloc(n);
}

static void *openssl_realloc(void *p, size_t n, const char *file, int line)
{
    return failalloc_now() ? NULL : __real_realloc(p, n);
}

static void openssl_free(void *p, const char *file, int line)
{
    free(p);
}

/* Before main(): the hooks must be in place before the first allocation of each library. */
__attribute__((constructor)) static void failalloc_install(void)
{
    const char *t = getenv("SHEGONG_FAILALLOC_TRACE");
    trace = t && *t && *t != '0';
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default) == SQLITE_OK) {
        m = sqlite_default;
        m.xMalloc = sqlite_malloc;
        m.xRealloc = sqlite_realloc;
        if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK)
            fprintf(stderr, "failalloc: SQLite's allocator could not be replaced\n");
    }
    if (!CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free))
        fprintf(stderr, "failalloc: OpenSSL's allocator could not be replaced\n");
}

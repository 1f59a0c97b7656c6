/* What every fuzz target shares: libFuzzer's entry points, declared once so that the
 * targets build with -Wmissing-prototypes, and a NUL-terminated copy of the input. */
#ifndef SHEGONG_FUZZ_FUZZ_H
#define SHEGONG_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Called once per input; must not keep state that changes the next run's behaviour. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time set-up (the route table, a key, a database). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts, so libFuzzer (and the replay driver) report the input: an invariant broke. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(#cond, __FILE__, __LINE__);                                                  \
    } while (0)

__attribute__((noreturn)) static inline void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "fuzz: invariant failed at %s:%d: %s\n", file, line, what);
    abort();
}

/* A NUL-terminated copy of data (malloc'd; the caller frees it). NUL bytes inside stay,
 * so C-string consumers see a prefix, as they would behind a header or a JSON string. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif

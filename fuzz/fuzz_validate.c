/* Fuzz target: every validator of Chinese identifiers, region codes and masking on the
 * same bytes. A value a validator accepts must come out normalised: validating the
 * normalised form again accepts it and gives the same form. */
#include "core/arena.h"
#include "core/mask.h"
#include "core/regioncode.h"
#include "core/utf8.h"
#include "core/validate.h"
#include "fuzz.h"
#include "modules/region/region.h"

static void idcard(const char *s)
{
    struct idcard_info info, again;
    if (validate_idcard(s, 20260101, &info))
        return;
    FUZZ_CHECK(strlen(info.number) == 18);
    FUZZ_CHECK(strlen(info.birth_date) == 10);
    FUZZ_CHECK(info.gender == 'M' || info.gender == 'F');
    FUZZ_CHECK(validate_idcard(info.number, 20260101, &again) == NULL);
    FUZZ_CHECK(strcmp(info.number, again.number) == 0);
}

static void uscc(const char *s)
{
    struct uscc_info info, again;
    if (validate_uscc(s, &info))
        return;
    FUZZ_CHECK(strlen(info.code) == 18);
    FUZZ_CHECK(validate_uscc(info.code, &again) == NULL);
    FUZZ_CHECK(strcmp(info.code, again.code) == 0);
}

static void phones(const char *s, struct arena *a)
{
    char mobile[12], again[32], line[24], any[32], tiny[4];
    if (!validate_mobile(s, mobile)) {
        FUZZ_CHECK(strlen(mobile) == 11);
        FUZZ_CHECK(validate_mobile(mobile, again) == NULL && strcmp(mobile, again) == 0);
        FUZZ_CHECK(mask_mobile(a, mobile) != NULL);
    }
    if (!validate_landline(s, line, sizeof(line))) {
        FUZZ_CHECK(strlen(line) < sizeof(line));
        FUZZ_CHECK(validate_landline(line, again, sizeof(again)) == NULL);
        FUZZ_CHECK(strcmp(line, again) == 0);
        FUZZ_CHECK(mask_landline(a, line) != NULL);
    }
    if (!validate_phone(s, any, sizeof(any)))
        FUZZ_CHECK(mask_phone(a, any) != NULL);
    /* a buffer too small for the answer must be refused, never overrun */
    (void)validate_landline(s, tiny, sizeof(tiny));
    (void)validate_phone(s, tiny, sizeof(tiny));
}

static void regions(const char *s, size_t n)
{
    if (regioncode_valid(s)) {
        size_t p = regioncode_prefix_len(s);
        FUZZ_CHECK(p == 2 || p == 4 || p == 6 || p == 9 || p == 12);
        int level = regioncode_level(s);
        FUZZ_CHECK(level >= 1 && level <= 5);
        FUZZ_CHECK(regioncode_within(s, s));
    }
    (void)region_code_shape(s);
    /* two codes out of one input: the halves */
    char a[13] = {0}, b[13] = {0};
    memcpy(a, s, n < 12 ? n : 12);
    if (n > 12)
        memcpy(b, s + 12, n - 12 < 12 ? n - 12 : 12);
    if (regioncode_valid(a) && regioncode_valid(b))
        (void)regioncode_within(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    size_t n = strlen(s);
    struct arena a;
    arena_init(&a, 1 << 20);
    idcard(s);
    uscc(s);
    phones(s, &a);
    regions(s, n);
    if (utf8_valid(s, n)) {
        (void)utf8_len(s);
        /* a mask is never longer than what it hides */
        const char *m[] = {mask_name(&a, s), mask_idcard(&a, s), mask_date(&a, s),
                           mask_keep(&a, s, 3, 4), mask_phone(&a, s)};
        for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
            FUZZ_CHECK(m[i] && strlen(m[i]) <= n);
    }
    arena_release(&a);
    free(s);
    return 0;
}

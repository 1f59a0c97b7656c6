/* Unit tests for core/err: every error maps to a known HTTP status and a distinct,
 * stable snake_case code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/err.h"

static int is_known_status(int s)
{
    static const int statuses[] = {200, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (statuses[i] == s)
            return 1;
    return 0;
}

static int is_snake_case(const char *s)
{
    if (!s[0] || s[0] == '_')
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return 0;
    return s[strlen(s) - 1] != '_';
}

static void test_every_value_maps(void **state)
{
    (void)state;
    for (int e = ERR_OK; e <= ERR_IO; e++) {
        int status = err_http((enum err)e);
        const char *code = err_code((enum err)e);
        if (!is_known_status(status))
            fail_msg("error %d maps to unexpected status %d", e, status);
        assert_non_null(code);
        if (!is_snake_case(code))
            fail_msg("error %d has code '%s', not snake_case", e, code);
        /* only success answers 200, and every failure is a 4xx or 5xx */
        if (e == ERR_OK)
            assert_int_equal(status, 200);
        else
            assert_true(status >= 400);
    }
}

static void test_codes_distinct(void **state)
{
    (void)state;
    for (int e = ERR_OK; e <= ERR_IO; e++)
        for (int f = e + 1; f <= ERR_IO; f++)
            if (strcmp(err_code((enum err)e), err_code((enum err)f)) == 0)
                fail_msg("errors %d and %d share the code '%s'", e, f, err_code((enum err)e));
}

static void test_contract(void **state)
{
    (void)state;
    /* clients match on these; changing one breaks them */
    assert_int_equal(err_http(ERR_OK), 200);
    assert_string_equal(err_code(ERR_OK), "ok");
    assert_int_equal(err_http(ERR_INVALID), 400);
    assert_string_equal(err_code(ERR_INVALID), "invalid");
    assert_int_equal(err_http(ERR_MALFORMED_JSON), 400);
    assert_int_equal(err_http(ERR_BAD_ENCODING), 400);
    assert_int_equal(err_http(ERR_UNAUTHENTICATED), 401);
    assert_int_equal(err_http(ERR_BAD_CREDENTIALS), 401);
    assert_int_equal(err_http(ERR_FORBIDDEN), 403);
    assert_int_equal(err_http(ERR_CSRF), 403);
    assert_int_equal(err_http(ERR_ACCOUNT_LOCKED), 403);
    assert_int_equal(err_http(ERR_NOT_FOUND), 404);
    assert_string_equal(err_code(ERR_NOT_FOUND), "not_found");
    assert_int_equal(err_http(ERR_METHOD_NOT_ALLOWED), 405);
    assert_int_equal(err_http(ERR_CONFLICT), 409);
    assert_string_equal(err_code(ERR_CONFLICT), "conflict");
    assert_int_equal(err_http(ERR_TOO_LARGE), 413);
    assert_int_equal(err_http(ERR_UNSUPPORTED_MEDIA), 415);
    assert_int_equal(err_http(ERR_UNPROCESSABLE), 422);
    assert_int_equal(err_http(ERR_RATE_LIMITED), 429);
    assert_int_equal(err_http(ERR_INTERNAL), 500);
    assert_int_equal(err_http(ERR_DB), 500);
    assert_int_equal(err_http(ERR_IO), 500);
    assert_int_equal(err_http(ERR_NOMEM), 503);
    assert_int_equal(err_http(ERR_DB_BUSY), 503);
    assert_int_equal(err_http(ERR_UNAVAILABLE), 503);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_value_maps),
        cmocka_unit_test(test_codes_distinct),
        cmocka_unit_test(test_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

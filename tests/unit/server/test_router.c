/* Unit tests for server/router: literal and {param} segments, 404 versus 405 with the
 * Allow list, HEAD, test-only routes, and paths that must simply not match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "server/router.h"

static enum err dummy(struct req *r)
{
    (void)r;
    return ERR_OK;
}

enum {
    R_UNITS_GET,
    R_UNITS_POST,
    R_UNIT_GET,
    R_UNIT_PUT,
    R_UNIT_DELETE,
    R_USER_ROLE,
    R_ME,
    R_CLOCK,
    R_FOUR,
    R_FIVE,
    R_LOGIN,
    R_UNITS_EXPORT,
};

static const struct route routes[] = {
    [R_UNITS_GET] = {.method = "GET", .pattern = "/api/v1/units", .handler = dummy},
    [R_UNITS_POST] = {.method = "POST", .pattern = "/api/v1/units", .handler = dummy},
    [R_UNIT_GET] = {.method = "GET", .pattern = "/api/v1/units/{id}", .handler = dummy},
    [R_UNIT_PUT] = {.method = "PUT", .pattern = "/api/v1/units/{id}"},
    [R_UNIT_DELETE] = {.method = "DELETE", .pattern = "/api/v1/units/{id}"},
    [R_USER_ROLE] = {.method = "GET", .pattern = "/api/v1/users/{id}/roles/{role}"},
    [R_ME] = {.method = "GET", .pattern = "/api/v1/me"},
    [R_CLOCK] = {.method = "POST", .pattern = "/api/v1/test/clock", .flags = ROUTE_TEST_ONLY},
    [R_FOUR] = {.method = "GET", .pattern = "/p/{a}/{b}/{c}/{d}"},
    [R_FIVE] = {.method = "GET", .pattern = "/q/{a}/{b}/{c}/{d}/{e}"},
    [R_LOGIN] = {.method = "POST", .pattern = "/api/v1/auth/login", .flags = ROUTE_PUBLIC},
    /* after the {id} route on purpose: the literal segment must still win */
    [R_UNITS_EXPORT] = {.method = "GET", .pattern = "/api/v1/units/export"},
    {.pattern = NULL},
};

/* One arena for the whole file; each test releases it. */
static struct arena arena;

static enum err match(const char *method, const char *path, int test_mode, struct route_match *m)
{
    return router_match(routes, method, path, test_mode, &arena, m);
}

static void expect_route(const char *method, const char *path, int index)
{
    struct route_match m;
    enum err e = match(method, path, 0, &m);
    if (e != ERR_OK || m.index != index)
        fail_msg("%s %s: err %d index %d, want ERR_OK index %d", method, path, e, m.index, index);
}

static void expect_not_found(const char *method, const char *path)
{
    struct route_match m;
    enum err e = match(method, path, 0, &m);
    if (e != ERR_NOT_FOUND)
        fail_msg("%s \"%s\": err %d index %d, want ERR_NOT_FOUND", method, path, e, m.index);
    assert_int_equal(m.index, -1);
    assert_int_equal(m.nparams, 0);
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    assert_int_equal(arena.used, 0);
    assert_null(arena.head);
    return 0;
}

static void test_exact_match(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match("GET", "/api/v1/units", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNITS_GET);
    assert_int_equal(m.nparams, 0);
    assert_ptr_equal(routes[m.index].handler, dummy);
    expect_route("POST", "/api/v1/units", R_UNITS_POST);
    expect_route("GET", "/api/v1/me", R_ME);
    expect_route("POST", "/api/v1/auth/login", R_LOGIN);
}

static void test_param(void **state)
{
    (void)state;
    struct route_match m;
    char path[] = "/api/v1/units/7350432998227968";
    assert_int_equal(match("GET", path, 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNIT_GET);
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.params[0], "7350432998227968");
    /* the value is a copy in the arena, not a pointer into the path */
    memset(path, 'x', sizeof(path) - 1);
    assert_string_equal(m.params[0], "7350432998227968");
    assert_true(arena.used > 0);

    assert_int_equal(match("PUT", "/api/v1/units/1", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNIT_PUT);
    assert_string_equal(m.params[0], "1");
    assert_int_equal(match("DELETE", "/api/v1/units/abc", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNIT_DELETE);
    assert_string_equal(m.params[0], "abc"); /* typing the id is the dispatcher's job */
}

static void test_several_params(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match("GET", "/api/v1/users/42/roles/street_clerk", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_USER_ROLE);
    assert_int_equal(m.nparams, 2);
    assert_string_equal(m.params[0], "42");
    assert_string_equal(m.params[1], "street_clerk");

    assert_int_equal(match("GET", "/p/1/22/333/4444", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_FOUR);
    assert_int_equal(m.nparams, ROUTE_MAX_PARAMS);
    assert_string_equal(m.params[0], "1");
    assert_string_equal(m.params[1], "22");
    assert_string_equal(m.params[2], "333");
    assert_string_equal(m.params[3], "4444");

    /* more parameters than ROUTE_MAX_PARAMS never match (and never overflow params) */
    expect_not_found("GET", "/q/1/2/3/4/5");
}

static void test_trailing_slash(void **state)
{
    (void)state;
    expect_not_found("GET", "/api/v1/units/");
    expect_not_found("GET", "/api/v1/me/");
    expect_not_found("GET", "/api/v1/units/42/");
    expect_not_found("GET", "/api/v1/users/42/roles/clerk/");
    expect_not_found("POST", "/api/v1/auth/login/");
}

static void test_empty_segment(void **state)
{
    (void)state;
    expect_not_found("GET", "/api/v1/users//roles/clerk");
    expect_not_found("GET", "/api/v1/users/42/roles/");
    expect_not_found("GET", "/api/v1/units//");
    expect_not_found("GET", "/api/v1//units");
    expect_not_found("GET", "/p/1//3/4");
}

static void test_unknown_path(void **state)
{
    (void)state;
    expect_not_found("GET", "/api/v1/nothing");
    expect_not_found("GET", "/api/v1/unit");
    expect_not_found("GET", "/api/v1/unitsx");
    expect_not_found("GET", "/api/v1/units/1/2");
    expect_not_found("GET", "/API/V1/UNITS");
    expect_not_found("GET", "/");
    expect_not_found("GET", "");
    expect_not_found("GET", "api/v1/units");
    /* an unknown path answers 404 whatever the method */
    expect_not_found("DELETE", "/api/v1/nothing");
}

static void test_wrong_method(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match("DELETE", "/api/v1/units", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_int_equal(m.index, -1);
    assert_string_equal(m.allow, "GET, POST");

    assert_int_equal(match("PATCH", "/api/v1/units/5", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, PUT, DELETE");

    assert_int_equal(match("POST", "/api/v1/me", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET");

    assert_int_equal(match("GET", "/api/v1/auth/login", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST");

    /* method names are case-sensitive */
    assert_int_equal(match("get", "/api/v1/me", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET");
}

static void test_head_matches_get(void **state)
{
    (void)state;
    struct route_match m;
    assert_int_equal(match("HEAD", "/api/v1/units", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNITS_GET);
    assert_int_equal(match("HEAD", "/api/v1/units/9", 0, &m), ERR_OK);
    assert_int_equal(m.index, R_UNIT_GET);
    assert_string_equal(m.params[0], "9");
    /* but not a path that has no GET */
    assert_int_equal(match("HEAD", "/api/v1/auth/login", 0, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST");
}

static void test_test_only_routes(void **state)
{
    (void)state;
    struct route_match m;
    /* without test mode the route does not exist at all: 404, not 405 */
    assert_int_equal(match("POST", "/api/v1/test/clock", 0, &m), ERR_NOT_FOUND);
    assert_int_equal(match("GET", "/api/v1/test/clock", 0, &m), ERR_NOT_FOUND);
    assert_int_equal(match("POST", "/api/v1/test/clock", 1, &m), ERR_OK);
    assert_int_equal(m.index, R_CLOCK);
    assert_int_equal(match("GET", "/api/v1/test/clock", 1, &m), ERR_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST");
    /* test mode changes nothing for ordinary routes */
    assert_int_equal(match("GET", "/api/v1/units", 1, &m), ERR_OK);
    assert_int_equal(m.index, R_UNITS_GET);
}

static void test_dot_dot_and_percent(void **state)
{
    (void)state;
    expect_not_found("GET", "/api/v1/units/../me");
    expect_not_found("GET", "/api/v1/../v1/me");
    expect_not_found("GET", "/api/v1/./me");
    expect_not_found("GET", "/api/v1/%6De");      /* "me" percent-encoded */
    expect_not_found("GET", "/api/v1/units%2F5"); /* an encoded slash is not a separator */
    expect_not_found("GET", "/api%2Fv1%2Fme");
    expect_not_found("GET", "/api/v1/me%00");
    expect_not_found("GET", "/api/v1/me?x=1"); /* the query string is not part of the path */
    /* inside a parameter nothing is decoded: the raw text is what the dispatcher sees */
    struct route_match m;
    assert_int_equal(match("GET", "/api/v1/units/%34%32", 0, &m), ERR_OK);
    assert_string_equal(m.params[0], "%34%32");
}

static void test_literal_beats_param(void **state)
{
    (void)state;
    expect_route("GET", "/api/v1/units/export", R_UNITS_EXPORT);
    expect_route("GET", "/api/v1/units/exports", R_UNIT_GET);
    expect_route("GET", "/api/v1/units/42", R_UNIT_GET);
    /* only the {id} route takes DELETE: the literal one does not hide it */
    expect_route("DELETE", "/api/v1/units/export", R_UNIT_DELETE);
}

static void test_table_end(void **state)
{
    (void)state;
    /* an empty table matches nothing */
    static const struct route none[] = {{.pattern = NULL}};
    struct route_match m;
    assert_int_equal(router_match(none, "GET", "/api/v1/units", 0, &arena, &m), ERR_NOT_FOUND);
    assert_int_equal(m.index, -1);
    assert_string_equal(m.allow, "");
}

int main(void)
{
    arena_init(&arena, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_exact_match, teardown),
        cmocka_unit_test_teardown(test_param, teardown),
        cmocka_unit_test_teardown(test_several_params, teardown),
        cmocka_unit_test_teardown(test_trailing_slash, teardown),
        cmocka_unit_test_teardown(test_empty_segment, teardown),
        cmocka_unit_test_teardown(test_unknown_path, teardown),
        cmocka_unit_test_teardown(test_wrong_method, teardown),
        cmocka_unit_test_teardown(test_head_matches_get, teardown),
        cmocka_unit_test_teardown(test_test_only_routes, teardown),
        cmocka_unit_test_teardown(test_dot_dot_and_percent, teardown),
        cmocka_unit_test_teardown(test_literal_beats_param, teardown),
        cmocka_unit_test_teardown(test_table_end, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

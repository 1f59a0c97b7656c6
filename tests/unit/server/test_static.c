/* Unit tests for server/static: which requests the web root answers, which paths may be
 * mapped under it, content types, Accept-Encoding and If-None-Match parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "server/static.h"

static void test_applies(void **state)
{
    (void)state;
    assert_true(static_applies("GET", "/"));
    assert_true(static_applies("HEAD", "/e/unit/123"));
    assert_true(static_applies("GET", "/portal"));
    assert_true(static_applies("GET", "/apiary")); /* only the /api segment is the API */
    assert_true(static_applies("GET", "/metricsx"));
    assert_false(static_applies("POST", "/portal"));
    assert_false(static_applies("DELETE", "/"));
    assert_false(static_applies("GET", "/api"));
    assert_false(static_applies("GET", "/api/"));
    assert_false(static_applies("GET", "/api/v1/nothing"));
    assert_false(static_applies("GET", "/healthz"));
    assert_false(static_applies("GET", "/healthz/x"));
    assert_false(static_applies("GET", "/metrics"));
    assert_false(static_applies("GET", "relative"));
}

static void test_path_safe(void **state)
{
    (void)state;
    assert_true(static_path_safe("/"));
    assert_true(static_path_safe("/index.html"));
    assert_true(static_path_safe("/assets/index-B1x2c3.js"));
    assert_true(static_path_safe("/e/unit/123"));
    assert_true(static_path_safe("/assets/"));
    assert_true(static_path_safe("/\xe4\xb8\xad\xe6\x96\x87")); /* 中文 */
    assert_true(static_path_safe("/a..b"));                     /* dots inside a name */

    assert_false(static_path_safe(""));
    assert_false(static_path_safe("index.html"));
    assert_false(static_path_safe("/.."));
    assert_false(static_path_safe("/../etc/passwd"));
    assert_false(static_path_safe("/assets/../../etc/passwd"));
    assert_false(static_path_safe("/assets/.."));
    assert_false(static_path_safe("/."));
    assert_false(static_path_safe("/./index.html"));
    assert_false(static_path_safe("/.env"));
    assert_false(static_path_safe("/assets/.git/config"));
    assert_false(static_path_safe("//etc/passwd"));
    assert_false(static_path_safe("/a//b"));
    assert_false(static_path_safe("/a\\..\\b"));
    assert_false(static_path_safe("/a\x01"));
    assert_false(static_path_safe("/a\x7f"));
    assert_false(static_path_safe("/index.html\xff.png")); /* an encoded NUL (server/http.c) */
    assert_false(static_path_safe("/\xc0\xaf"));           /* overlong '/' */

    char long_path[1100];
    long_path[0] = '/';
    for (size_t i = 1; i < sizeof(long_path) - 1; i++)
        long_path[i] = 'a';
    long_path[sizeof(long_path) - 1] = '\0';
    assert_false(static_path_safe(long_path));
}

static void test_content_type(void **state)
{
    (void)state;
    assert_string_equal(static_content_type("/assets/a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(static_content_type("/assets/a.CSS"), "text/css; charset=utf-8");
    assert_string_equal(static_content_type("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(static_content_type("/logo.svg"), "image/svg+xml");
    assert_string_equal(static_content_type("/a.png"), "image/png");
    assert_string_equal(static_content_type("/favicon.ico"), "image/x-icon");
    assert_string_equal(static_content_type("/f.woff2"), "font/woff2");
    assert_string_equal(static_content_type("/m.json"), "application/json; charset=utf-8");
    assert_string_equal(static_content_type("/a.js.map"), "application/json; charset=utf-8");
    assert_null(static_content_type("/e/unit/123"));
    assert_null(static_content_type("/portal"));
    assert_null(static_content_type("/a.exe"));
    assert_null(static_content_type("/assets.d/x")); /* the dot is in a directory */
    assert_null(static_content_type("/.js"));        /* a hidden name, not an extension */
}

static void test_accepts_gzip(void **state)
{
    (void)state;
    assert_true(static_accepts_gzip("gzip"));
    assert_true(static_accepts_gzip("gzip, deflate, br, zstd"));
    assert_true(static_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    assert_true(static_accepts_gzip("x-gzip"));
    assert_true(static_accepts_gzip("*"));
    assert_true(static_accepts_gzip("deflate, gzip ; q=0.8"));
    assert_false(static_accepts_gzip(NULL));
    assert_false(static_accepts_gzip(""));
    assert_false(static_accepts_gzip("identity"));
    assert_false(static_accepts_gzip("br, deflate"));
    assert_false(static_accepts_gzip("gzip;q=0"));
    assert_false(static_accepts_gzip("gzip;q=0.000, br"));
    assert_false(static_accepts_gzip("*, gzip;q=0")); /* named beats the wildcard */
    assert_false(static_accepts_gzip("*;q=0"));
    assert_false(static_accepts_gzip("gzipx"));
}

static void test_etag(void **state)
{
    (void)state;
    const char *tag = "\"87-18ec84\"";
    assert_true(static_etag_matches("\"87-18ec84\"", tag));
    assert_true(static_etag_matches("W/\"87-18ec84\"", tag));
    assert_true(static_etag_matches("\"x\", \"87-18ec84\"", tag));
    assert_true(static_etag_matches("*", tag));
    assert_false(static_etag_matches(NULL, tag));
    assert_false(static_etag_matches("", tag));
    assert_false(static_etag_matches("\"87-18ec84-gz\"", tag));
    assert_false(static_etag_matches("\"87-18ec8\"", tag));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_applies),      cmocka_unit_test(test_path_safe),
        cmocka_unit_test(test_content_type), cmocka_unit_test(test_accepts_gzip),
        cmocka_unit_test(test_etag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

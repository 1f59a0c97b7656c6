/* Unit tests for core/encode: hex in both directions and strict decimal parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/encode.h"

static void test_hex_encode(void **state)
{
    (void)state;
    char out[16];
    static const unsigned char in[] = {0x00, 0x7f, 0x80, 0xff, 0x0a, 0xa0};
    hex_encode(in, sizeof(in), out);
    assert_string_equal(out, "007f80ff0aa0");

    memset(out, 'z', sizeof(out));
    hex_encode(in, 0, out);
    assert_string_equal(out, "");
}

static void test_hex_round_trip(void **state)
{
    (void)state;
    unsigned char in[256], back[256];
    char hex[513];
    for (int i = 0; i < 256; i++)
        in[i] = (unsigned char)i;
    hex_encode(in, sizeof(in), hex);
    assert_int_equal(strlen(hex), 512);
    for (size_t i = 0; i < 512; i++)
        assert_true((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'));
    memset(back, 0, sizeof(back));
    assert_true(hex_decode(hex, sizeof(back), back));
    assert_memory_equal(in, back, sizeof(in));
}

static void test_hex_decode(void **state)
{
    (void)state;
    unsigned char out[4];
    assert_true(hex_decode("DEADbeef", 4, out));
    static const unsigned char want[] = {0xde, 0xad, 0xbe, 0xef};
    assert_memory_equal(out, want, 4);
    /* n counts bytes: only the first 2n digits are read */
    assert_true(hex_decode("0102zz", 2, out));
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 2);
    assert_true(hex_decode("", 0, out));

    assert_false(hex_decode("0g", 1, out));
    assert_false(hex_decode("g0", 1, out));
    assert_false(hex_decode("00 1", 2, out));
    assert_false(hex_decode("0x12", 2, out));
    assert_false(hex_decode("-1", 1, out));
    assert_false(hex_decode("aaaaaaG0", 4, out)); /* a bad digit at the end */
    assert_false(hex_decode("\xe5\xbc", 1, out));
}

static void test_parse_int64_ok(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_true(parse_int64("0", &v));
    assert_int_equal(v, 0);
    assert_true(parse_int64("42", &v));
    assert_int_equal(v, 42);
    assert_true(parse_int64("-42", &v));
    assert_true(v == -42);
    assert_true(parse_int64("-0", &v));
    assert_int_equal(v, 0);
    assert_true(parse_int64("007", &v));
    assert_int_equal(v, 7);
    assert_true(parse_int64("9223372036854775807", &v));
    assert_true(v == INT64_MAX);
    assert_true(parse_int64("-9223372036854775808", &v));
    assert_true(v == INT64_MIN);
    assert_true(parse_int64("7350432998227968", &v)); /* an id past 2^53 */
    assert_true(v == 7350432998227968LL);
}

static void test_parse_int64_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "-",
        "+1",
        "--1",
        " 1",
        "1 ",
        "1 2",
        "\t1",
        "1\n",
        "12a",
        "a12",
        "0x10",
        "1e3",
        "1.0",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999",
        "１２", /* full-width digits */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 12345;
        if (parse_int64(bad[i], &v))
            fail_msg("parse_int64 accepted \"%s\"", bad[i]);
        /* a refused input leaves the output alone */
        assert_int_equal(v, 12345);
    }
    int64_t v = 12345;
    assert_false(parse_int64(NULL, &v));
    assert_int_equal(v, 12345);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_encode),          cmocka_unit_test(test_hex_round_trip),
        cmocka_unit_test(test_hex_decode),          cmocka_unit_test(test_parse_int64_ok),
        cmocka_unit_test(test_parse_int64_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

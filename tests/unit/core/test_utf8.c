/* Unit tests for core/utf8: strict validation (RFC 3629) and code point counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"

/* Validates a string literal by its full size (minus the literal's own terminator), so
 * embedded NULs are seen. */
#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)

static void test_valid_text(void **state)
{
    (void)state;
    assert_true(utf8_valid("", 0));
    assert_true(VALID("hello, world 123 ~!@#"));
    assert_true(VALID("\x01\x1f\x7f")); /* control characters are well-formed */
    assert_true(VALID("北京市东城区东华门街道"));
    assert_true(VALID("张三 Zhang San"));
    assert_true(VALID("é ß ü")); /* two-byte forms */
    assert_true(VALID("😀🇨🇳"));   /* four-byte forms */
    /* the edges of each range */
    assert_true(VALID("\xc2\x80"));         /* U+0080, smallest two-byte */
    assert_true(VALID("\xdf\xbf"));         /* U+07FF */
    assert_true(VALID("\xe0\xa0\x80"));     /* U+0800, smallest three-byte */
    assert_true(VALID("\xed\x9f\xbf"));     /* U+D7FF, just below the surrogates */
    assert_true(VALID("\xee\x80\x80"));     /* U+E000, just above them */
    assert_true(VALID("\xef\xbf\xbf"));     /* U+FFFF */
    assert_true(VALID("\xf0\x90\x80\x80")); /* U+10000, smallest four-byte */
    assert_true(VALID("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
}

static void test_overlong(void **state)
{
    (void)state;
    assert_false(VALID("\xc0\x80")); /* NUL in two bytes */
    assert_false(VALID("\xc0\xaf")); /* '/' in two bytes */
    assert_false(VALID("\xc1\xbf"));
    assert_false(VALID("\xe0\x80\x80"));
    assert_false(VALID("\xe0\x9f\xbf")); /* U+07FF in three bytes */
    assert_false(VALID("\xf0\x80\x80\x80"));
    assert_false(VALID("\xf0\x8f\xbf\xbf")); /* U+FFFF in four bytes */
    assert_false(VALID("ok\xc0\x80ok"));
}

static void test_surrogates_and_range(void **state)
{
    (void)state;
    assert_false(VALID("\xed\xa0\x80"));             /* U+D800 */
    assert_false(VALID("\xed\xaf\xbf"));             /* U+DBFF */
    assert_false(VALID("\xed\xb0\x80"));             /* U+DC00 */
    assert_false(VALID("\xed\xbf\xbf"));             /* U+DFFF */
    assert_false(VALID("\xed\xa0\xbd\xed\xb8\x80")); /* a CESU-8 surrogate pair */
    assert_false(VALID("\xf4\x90\x80\x80"));         /* U+110000 */
    assert_false(VALID("\xf5\x80\x80\x80"));
    assert_false(VALID("\xf7\xbf\xbf\xbf"));
    assert_false(VALID("\xf8\x88\x80\x80\x80")); /* old five-byte form */
    assert_false(VALID("\xfe"));
    assert_false(VALID("\xff"));
}

static void test_truncated(void **state)
{
    (void)state;
    assert_false(VALID("\xc3"));
    assert_false(VALID("\xe5\xbc")); /* 张 is e5 bc a0 */
    assert_false(VALID("\xf0\x9f\x98"));
    assert_false(VALID("abc\xe5"));
    /* a lead byte followed by something that is not a continuation */
    assert_false(VALID("\xc3"
                       "A"));
    assert_false(VALID("\xe5\xbc"
                       "A"));
    assert_false(VALID("\xf0\x9f\x98"
                       "A"));
    /* n cuts a valid character short: bytes past n are not looked at */
    assert_false(utf8_valid("张", 2));
    assert_false(utf8_valid("😀", 3));
    assert_true(utf8_valid("a张", 1));
    assert_true(utf8_valid("张三", 3));
}

static void test_stray_continuation(void **state)
{
    (void)state;
    assert_false(VALID("\x80"));
    assert_false(VALID("\xbf"));
    assert_false(VALID("a\x80z"));
    assert_false(VALID("张\xa0")); /* one continuation too many */
    assert_false(VALID("\xa0\xbc\xe5"));
}

static void test_nul_byte(void **state)
{
    (void)state;
    assert_false(VALID("\0"));
    assert_false(VALID("a\0b"));
    assert_false(VALID("张三\0"));
    /* but the NUL after n does not count */
    assert_true(utf8_valid("abc", 3));
}

static void test_len(void **state)
{
    (void)state;
    assert_int_equal(utf8_len(""), 0);
    assert_int_equal(utf8_len("abc"), 3);
    assert_int_equal(utf8_len("张三"), 2);
    assert_int_equal(strlen("张三"), 6);
    assert_int_equal(utf8_len("北京市东城区"), 6);
    assert_int_equal(utf8_len("a张😀é"), 4);
    assert_int_equal(utf8_len("\xf4\x8f\xbf\xbf"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_surrogates_and_range),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_stray_continuation),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

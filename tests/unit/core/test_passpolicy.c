/* Unit tests for core/passpolicy: length in characters, 3 of 4 character classes, the
 * username rule and the byte limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/passpolicy.h"

static void test_good_password(void **state)
{
    (void)state;
    assert_int_equal(passpolicy_check("Abcdefgh12", "zhangsan"), PASSPOLICY_OK);
    assert_int_equal(passpolicy_check("Correct-Horse-9", "zhangsan"), PASSPOLICY_OK);
    assert_int_equal(passpolicy_check("Abcdefgh12", NULL), PASSPOLICY_OK);
}

static void test_too_short(void **state)
{
    (void)state;
    /* 9 characters, every class: only the length fails */
    assert_int_equal(passpolicy_check("Abc1234!x", NULL), PASSPOLICY_TOO_SHORT);
    assert_int_equal(passpolicy_check("Abc1234!xy", NULL), PASSPOLICY_OK);
    assert_int_equal(passpolicy_check("", NULL), PASSPOLICY_TOO_SHORT | PASSPOLICY_TOO_FEW_CLASSES);
}

static void test_classes(void **state)
{
    (void)state;
    /* one and two classes fail */
    assert_int_equal(passpolicy_check("abcdefghijkl", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    assert_int_equal(passpolicy_check("123456789012", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    assert_int_equal(passpolicy_check("abcdef123456", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    assert_int_equal(passpolicy_check("abcdefGHIJKL", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    assert_int_equal(passpolicy_check("!@#$%^123456", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    assert_int_equal(passpolicy_check("!@#$%^&*()_+", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    /* each combination of three passes */
    assert_int_equal(passpolicy_check("abcdeFGHIJ12", NULL), PASSPOLICY_OK); /* lower upper digit */
    assert_int_equal(passpolicy_check("abcdeFGHIJ!?", NULL), PASSPOLICY_OK); /* lower upper other */
    assert_int_equal(passpolicy_check("abcde12345!?", NULL), PASSPOLICY_OK); /* lower digit other */
    assert_int_equal(passpolicy_check("ABCDE12345!?", NULL), PASSPOLICY_OK); /* upper digit other */
    assert_int_equal(passpolicy_check("aB3!aB3!aB3!", NULL), PASSPOLICY_OK); /* all four */
    /* a space is "other" */
    assert_int_equal(passpolicy_check("abcde 12345", NULL), PASSPOLICY_OK);
}

static void test_chinese(void **state)
{
    (void)state;
    /* 8 Chinese characters + 2 letters = 10 characters (26 bytes); Chinese is "other" */
    assert_int_equal(passpolicy_check("张三李四王五赵六aB", NULL), PASSPOLICY_OK);
    /* 9 characters but 25 bytes: the length is counted in characters */
    assert_int_equal(passpolicy_check("张三李四王五赵六a", NULL),
                     PASSPOLICY_TOO_SHORT | PASSPOLICY_TOO_FEW_CLASSES);
    /* only Chinese: one class, long enough */
    assert_int_equal(passpolicy_check("张三李四王五赵六钱孙", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    /* Chinese + digits + lower */
    assert_int_equal(passpolicy_check("密码password123", NULL), PASSPOLICY_OK);
    /* Chinese + lower only: two classes, however many Chinese characters */
    assert_int_equal(passpolicy_check("密码密码密码abcd", NULL), PASSPOLICY_TOO_FEW_CLASSES);
    /* 4-byte characters count once too */
    assert_int_equal(passpolicy_check("😀😀😀😀😀😀😀aB1", NULL), PASSPOLICY_OK);
    assert_int_equal(passpolicy_check("😀😀😀😀😀😀aB1", NULL), PASSPOLICY_TOO_SHORT);
}

static void test_contains_username(void **state)
{
    (void)state;
    assert_int_equal(passpolicy_check("Zhangsan-2024", "zhangsan"), PASSPOLICY_CONTAINS_USERNAME);
    assert_int_equal(passpolicy_check("xxZHANGSANxx1", "zhangsan"), PASSPOLICY_CONTAINS_USERNAME);
    assert_int_equal(passpolicy_check("Pass-zhangsan1", "ZhangSan"), PASSPOLICY_CONTAINS_USERNAME);
    /* at the very end */
    assert_int_equal(passpolicy_check("Aa1!Aa1!zhangsan", "zhangsan"),
                     PASSPOLICY_CONTAINS_USERNAME);
    /* a part of the name is fine */
    assert_int_equal(passpolicy_check("Zhangsa-2024x", "zhangsan"), PASSPOLICY_OK);
    /* no username, or an empty one, is not checked */
    assert_int_equal(passpolicy_check("Zhangsan-2024", NULL), PASSPOLICY_OK);
    assert_int_equal(passpolicy_check("Zhangsan-2024", ""), PASSPOLICY_OK);
    /* several rules at once: every bit is reported */
    assert_int_equal(passpolicy_check("admin", "admin"), PASSPOLICY_TOO_SHORT |
                                                             PASSPOLICY_TOO_FEW_CLASSES |
                                                             PASSPOLICY_CONTAINS_USERNAME);
}

static void test_too_long(void **state)
{
    (void)state;
    char pw[PASSPOLICY_MAX_BYTES + 2];
    memset(pw, 'x', sizeof(pw));
    memcpy(pw, "Aa1", 3);

    pw[PASSPOLICY_MAX_BYTES] = '\0'; /* exactly 256 bytes */
    assert_int_equal(passpolicy_check(pw, NULL), PASSPOLICY_OK);

    pw[PASSPOLICY_MAX_BYTES] = 'x';
    pw[PASSPOLICY_MAX_BYTES + 1] = '\0'; /* 257 bytes */
    assert_int_equal(passpolicy_check(pw, NULL), PASSPOLICY_TOO_LONG);

    /* the limit is in bytes: 86 Chinese characters are 258 bytes */
    char zh[86 * 3 + 8];
    size_t n = 0;
    for (int i = 0; i < 86; i++) {
        memcpy(zh + n, "张", 3);
        n += 3;
    }
    memcpy(zh + n, "aB", 3);
    assert_int_equal(passpolicy_check(zh, NULL), PASSPOLICY_TOO_LONG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_password),     cmocka_unit_test(test_too_short),
        cmocka_unit_test(test_classes),           cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_contains_username), cmocka_unit_test(test_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

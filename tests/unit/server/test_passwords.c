/* Unit tests for the password and username parts of server/accounts: normalising
 * usernames, argon2id hashing, the policy codes, and secret hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/passpolicy.h"
#include "server/accounts.h"

static void expect_name(const char *in, const char *want)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", in);
    if (!accounts_username_normalize(buf))
        fail_msg("username \"%s\" refused", in);
    assert_string_equal(buf, want);
}

static void expect_bad_name(const char *in)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", in);
    if (accounts_username_normalize(buf))
        fail_msg("username \"%s\" accepted", in);
}

static void test_username_normalize(void **state)
{
    (void)state;
    expect_name("zhangsan", "zhangsan");
    expect_name("ZhangSan", "zhangsan");
    expect_name("ADMIN", "admin");
    expect_name("li.si-2_x", "li.si-2_x");
    expect_name("abc", "abc"); /* 3: the shortest */
    expect_name("a234567890123456789012345678901Z", "a234567890123456789012345678901z"); /* 32 */

    expect_bad_name("");
    expect_bad_name("ab");                                /* too short */
    expect_bad_name("a2345678901234567890123456789012x"); /* 33: too long */
    expect_bad_name("1abc");                              /* must start with a letter */
    expect_bad_name("_abc");
    expect_bad_name(".abc");
    expect_bad_name("-abc");
    expect_bad_name("zhang san"); /* bad characters */
    expect_bad_name("zhang@san");
    expect_bad_name("zhang/san");
    expect_bad_name("zhang'san");
    expect_bad_name("张三abc");
    expect_bad_name("abc张三");
    expect_bad_name("ａｂｃ"); /* full-width letters */
}

static void test_hash_and_verify(void **state)
{
    (void)state;
    char h1[ACCOUNTS_HASH_LEN], h2[ACCOUNTS_HASH_LEN];
    assert_int_equal(accounts_hash_password("Correct-Horse-9", h1), ERR_OK);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    assert_true(strlen(h1) < ACCOUNTS_HASH_LEN);

    assert_true(accounts_verify_password(h1, "Correct-Horse-9"));
    assert_false(accounts_verify_password(h1, "correct-horse-9"));
    assert_false(accounts_verify_password(h1, "Correct-Horse-9 "));
    assert_false(accounts_verify_password(h1, "Correct-Horse-"));
    assert_false(accounts_verify_password(h1, ""));

    /* salted: the same password hashes differently, and each hash verifies */
    assert_int_equal(accounts_hash_password("Correct-Horse-9", h2), ERR_OK);
    assert_string_not_equal(h1, h2);
    assert_true(accounts_verify_password(h2, "Correct-Horse-9"));

    /* Chinese passwords work byte for byte */
    assert_int_equal(accounts_hash_password("密码Password1", h2), ERR_OK);
    assert_true(accounts_verify_password(h2, "密码Password1"));
    assert_false(accounts_verify_password(h2, "密碼Password1"));

    /* a damaged or foreign hash never verifies */
    assert_false(accounts_verify_password("", "Correct-Horse-9"));
    assert_false(accounts_verify_password("not a hash", "Correct-Horse-9"));
    h1[strlen(h1) - 2] ^= 1;
    assert_false(accounts_verify_password(h1, "Correct-Horse-9"));

    /* the dummy check for unknown users runs without failing */
    accounts_verify_dummy("anything");
}

static void test_password_problem(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* user_id 0: the policy only, no database needed */
    assert_null(accounts_password_problem(NULL, &a, 0, "zhangsan", "Correct-Horse-9"));
    assert_null(accounts_password_problem(NULL, &a, 0, NULL, "Correct-Horse-9"));
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "zhangsan", "Short-1"),
                        "password_too_short");
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "zhangsan", "abcdefghijkl"),
                        "password_too_few_classes");
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "zhangsan", "Zhangsan-2024"),
                        "password_contains_username");
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "ZhangSan", "xx-zhangsan-99"),
                        "password_contains_username");

    char longpw[PASSPOLICY_MAX_BYTES + 2];
    memset(longpw, 'x', sizeof(longpw) - 1);
    memcpy(longpw, "Aa1", 3);
    longpw[sizeof(longpw) - 1] = '\0';
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "zhangsan", longpw),
                        "password_too_long");

    /* one code at a time, the most basic first */
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "abc", "abc"), "password_too_short");
    assert_string_equal(accounts_password_problem(NULL, &a, 0, "zhangsan", "zhangsanzhangsan"),
                        "password_too_few_classes");
    arena_release(&a);
    assert_int_equal(a.used, 0);
}

static void test_secret_hash(void **state)
{
    (void)state;
    char h1[65], h2[65];
    memset(h1, 'z', sizeof(h1));
    accounts_secret_hash("abc", h1);
    /* SHA-256("abc") from FIPS 180-2 */
    assert_string_equal(h1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(strlen(h1), 64);

    accounts_secret_hash("sgt_0123456789abcdef", h1);
    accounts_secret_hash("sgt_0123456789abcdef", h2);
    assert_int_equal(strlen(h1), 64);
    assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
    assert_string_equal(h1, h2);
    accounts_secret_hash("sgt_0123456789abcdeF", h2);
    assert_string_not_equal(h1, h2);

    accounts_secret_hash("", h1);
    assert_string_equal(h1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_random_hex(void **state)
{
    (void)state;
    char r1[65], r2[65];
    accounts_random_hex(32, r1);
    accounts_random_hex(32, r2);
    assert_int_equal(strlen(r1), 64);
    assert_int_equal(strspn(r1, "0123456789abcdef"), 64);
    assert_string_not_equal(r1, r2);
    char small[9];
    accounts_random_hex(4, small);
    assert_int_equal(strlen(small), 8);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_username_normalize), cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_password_problem),   cmocka_unit_test(test_secret_hash),
        cmocka_unit_test(test_random_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

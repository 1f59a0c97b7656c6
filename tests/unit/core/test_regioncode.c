/* Unit tests for core/regioncode: the 12-digit statistical region code, its levels and
 * subtree checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/regioncode.h"

static void test_valid(void **state)
{
    (void)state;
    assert_true(regioncode_valid("110000000000")); /* 北京市 */
    assert_true(regioncode_valid("110100000000")); /* 市辖区 */
    assert_true(regioncode_valid("110105000000")); /* 朝阳区 */
    assert_true(regioncode_valid("110105001000")); /* a 街道 */
    assert_true(regioncode_valid("110105001001")); /* a 社区 */
    assert_true(regioncode_valid("659004500499"));
    assert_true(regioncode_valid("999999999999"));
}

static void test_invalid_shape(void **state)
{
    (void)state;
    assert_false(regioncode_valid(NULL));
    assert_false(regioncode_valid(""));
    assert_false(regioncode_valid("11010500100"));   /* 11 digits */
    assert_false(regioncode_valid("1101050010011")); /* 13 digits */
    assert_false(regioncode_valid("11010500100a"));
    assert_false(regioncode_valid("a10105001001"));
    assert_false(regioncode_valid("11010500100 "));
    assert_false(regioncode_valid(" 11010500100"));
    assert_false(regioncode_valid("-11010500100"));
    assert_false(regioncode_valid("１１０１０５００１００１")); /* full-width digits */
}

static void test_invalid_nesting(void **state)
{
    (void)state;
    assert_false(regioncode_valid("000000000000")); /* no province */
    assert_false(regioncode_valid("001000000000"));
    assert_false(regioncode_valid("000105001001"));
    assert_false(regioncode_valid("110005001000")); /* county under a zero prefecture */
    /* cities without counties: the county digits are 00 below a real city */
    assert_true(regioncode_valid("441900003000"));
    assert_true(regioncode_valid("441900003001"));
    assert_int_equal(regioncode_prefix_len("441900003000"), 9);
    assert_true(regioncode_within("441900003001", "441900000000"));
    assert_false(regioncode_valid("440000003000")); /* but not below a zero city */
    assert_false(regioncode_valid("110005000000"));
    /* a township under a zero county has the same shape as 东莞's: accepted by shape,
     * existence is the region table's question (region_exists) */
    assert_true(regioncode_valid("110100001000"));
    assert_false(regioncode_valid("110105000001")); /* village under a zero township */
    assert_false(regioncode_valid("110000000001"));
}

static void test_prefix_len_and_level(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        size_t prefix;
        int level;
    } cases[] = {
        {"110000000000", 2, 1},
        {"110100000000", 4, 2},
        {"110105000000", 6, 3},
        {"110105001000", 9, 4},
        {"110105001001", 12, 5},
        /* a level's zero digits do not end it early: every digit of it counts */
        {"111000000000", 4, 2},
        {"110110000000", 6, 3},
        {"110105100000", 9, 4},
        {"110105010000", 9, 4},
        {"110105001100", 12, 5},
        {"110105001010", 12, 5},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_true(regioncode_valid(cases[i].code));
        assert_int_equal(regioncode_prefix_len(cases[i].code), cases[i].prefix);
        assert_int_equal(regioncode_level(cases[i].code), cases[i].level);
    }
}

static void test_within(void **state)
{
    (void)state;
    const char *province = "110000000000";
    const char *county = "110105000000";
    const char *township = "110105001000";
    const char *village = "110105001001";

    /* children, at any depth */
    assert_true(regioncode_within(township, county));
    assert_true(regioncode_within(village, county));
    assert_true(regioncode_within(village, township));
    assert_true(regioncode_within(village, province));
    assert_true(regioncode_within(county, province));
    /* self */
    assert_true(regioncode_within(county, county));
    assert_true(regioncode_within(village, village));
    assert_true(regioncode_within(province, province));
    /* siblings */
    assert_false(regioncode_within("110106000000", county));
    assert_false(regioncode_within("110105002000", township));
    assert_false(regioncode_within("110105001002", village));
    assert_false(regioncode_within("120105001001", province));
    /* a parent is not within its child */
    assert_false(regioncode_within(county, township));
    assert_false(regioncode_within(province, village));
    assert_false(regioncode_within(township, village));
    /* a code of the wrong length is never within anything */
    assert_false(regioncode_within("1101050010", county));
    assert_false(regioncode_within("11", province));
    assert_false(regioncode_within("1101050010011", county));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),           cmocka_unit_test(test_invalid_shape),
        cmocka_unit_test(test_invalid_nesting), cmocka_unit_test(test_prefix_len_and_level),
        cmocka_unit_test(test_within),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for core/mask: ID numbers, mobiles, landlines, names (with 复姓), dates,
 * and odd lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/mask.h"

static struct arena arena;

static int setup(void **state)
{
    (void)state;
    arena_init(&arena, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    assert_null(arena.head);
    return 0;
}

static void test_idcard(void **state)
{
    (void)state;
    assert_string_equal(mask_idcard(&arena, "11010519491231002X"), "110105********002X");
    assert_string_equal(mask_idcard(&arena, "110105194912310021"), "110105********0021");
    /* shorter identifiers keep 6 + 4 while something is left to hide */
    assert_string_equal(mask_idcard(&arena, "12345678901"), "123456*8901");
    assert_string_equal(mask_idcard(&arena, "1234567890"), "**********");
    assert_string_equal(mask_idcard(&arena, ""), "");
}

static void test_mobile(void **state)
{
    (void)state;
    assert_string_equal(mask_mobile(&arena, "13812345678"), "138****5678");
    assert_string_equal(mask_phone(&arena, "13812345678"), "138****5678");
    assert_string_equal(mask_mobile(&arena, "1381234"), "*******");
}

static void test_landline(void **state)
{
    (void)state;
    assert_string_equal(mask_landline(&arena, "010-12345678"), "010-****5678");
    assert_string_equal(mask_phone(&arena, "010-12345678"), "010-****5678");
    assert_string_equal(mask_phone(&arena, "0755-1234567"), "0755-***4567");
    assert_string_equal(mask_phone(&arena, "010-12345678-123"), "010-****5678-***");
    assert_string_equal(mask_phone(&arena, "01012345678"), "*******5678"); /* no dash */
    assert_string_equal(mask_landline(&arena, "010-123"), "010-***");
}

static void test_name(void **state)
{
    (void)state;
    assert_string_equal(mask_name(&arena, "张三"), "张*");
    assert_string_equal(mask_name(&arena, "张三丰"), "张**");
    assert_string_equal(mask_name(&arena, "欧阳娜娜"), "欧阳**");
    assert_string_equal(mask_name(&arena, "欧阳修"), "欧阳*");
    assert_string_equal(mask_name(&arena, "司马相如"), "司马**");
    assert_string_equal(mask_name(&arena, "诸葛亮"), "诸葛*");
    /* a two-character name keeps its first, even when it reads as a 复姓 */
    assert_string_equal(mask_name(&arena, "欧阳"), "欧*");
    assert_string_equal(mask_name(&arena, "王"), "*");
    assert_string_equal(mask_name(&arena, ""), "");
    /* separators in minority and foreign names stay */
    assert_string_equal(mask_name(&arena, "阿依古丽·买买提"), "阿***·***");
    assert_string_equal(mask_name(&arena, "John Smith"), "J*** *****");
    /* never longer than the input */
    const char *in = "欧阳娜娜";
    assert_true(strlen(mask_name(&arena, in)) <= strlen(in));
}

static void test_date(void **state)
{
    (void)state;
    assert_string_equal(mask_date(&arena, "1949-12-31"), "1949-**-**");
    assert_string_equal(mask_date(&arena, "19"), "**");
}

static void test_keep(void **state)
{
    (void)state;
    assert_string_equal(mask_keep(&arena, "北京市朝阳区", 2, 1), "北京***区");
    assert_string_equal(mask_keep(&arena, "abc", 1, 2), "***");
    assert_string_equal(mask_keep(&arena, "abcd", 1, 2), "a*cd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idcard),   cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_landline), cmocka_unit_test(test_name),
        cmocka_unit_test(test_date),     cmocka_unit_test(test_keep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

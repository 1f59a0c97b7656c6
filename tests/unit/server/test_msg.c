/* Unit tests for server/msg: the zh-CN message table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"
#include "server/msg.h"

/* True when s holds at least one CJK unified ideograph (U+4E00..U+9FFF). */
static int has_chinese(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
            unsigned cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 |
                          (unsigned)(p[2] & 0x3F);
            if (cp >= 0x4E00 && cp <= 0x9FFF)
                return 1;
        }
    }
    return 0;
}

static void test_field_puts_label_in(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(msg_field(&a, "required", "用户名"), "用户名不能为空");
    assert_string_equal(msg_field(&a, "too_long", "姓名"), "姓名过长");
    assert_string_equal(msg_field(&a, "taken", "用户名"), "用户名已被使用");
    assert_string_equal(msg_field(&a, "invalid_region", "区划代码"),
                        "区划代码不是有效的12位统计用区划代码");
    /* the label need not come first */
    assert_string_equal(msg_field(&a, "unknown_field", "nickname"), "不认识的字段：nickname");
    assert_string_equal(msg_field(&a, "self_grant", "角色"), "角色：不能修改自己的角色或岗位");
    assert_string_equal(msg_field(&a, "password_too_short", "新密码"), "新密码至少需要10个字符");
    arena_release(&a);
    assert_int_equal(a.used, 0);
}

static void test_field_unknown_code(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(msg_field(&a, "no_such_code", "用户名"), "用户名无效");
    assert_string_equal(msg_field(&a, "", "字段"), "字段无效");
    assert_string_equal(msg_field(&a, "REQUIRED", "字段"), "字段无效"); /* codes are exact */
    arena_release(&a);
    assert_int_equal(a.used, 0);
}

static void test_field_label_is_text_not_format(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* a label holding printf directives is copied literally */
    assert_string_equal(msg_field(&a, "required", "100%s%d%n"), "100%s%d%n不能为空");
    assert_string_equal(msg_field(&a, "required", ""), "不能为空");
    const char *m = msg_field(&a, "out_of_scope", "所属区划");
    assert_string_equal(m, "所属区划不在您的管辖范围内");
    assert_true(utf8_valid(m, strlen(m)));
    arena_release(&a);
    assert_int_equal(a.used, 0);
}

static void test_err_messages(void **state)
{
    (void)state;
    for (int e = ERR_OK; e <= ERR_IO; e++) {
        const char *m = msg_err((enum err)e);
        assert_non_null(m);
        if (!m[0])
            fail_msg("msg_err(%d) is empty", e);
        if (!has_chinese(m))
            fail_msg("msg_err(%d) = \"%s\" has no Chinese character", e, m);
        assert_true(utf8_valid(m, strlen(m)));
    }
    assert_string_equal(msg_err(ERR_BAD_CREDENTIALS), "用户名或密码错误");
    /* internal failures never say more than "internal error" */
    assert_string_equal(msg_err(ERR_DB), msg_err(ERR_INTERNAL));
}

static void test_text(void **state)
{
    (void)state;
    assert_string_equal(msg_text("body_required"), "请求体不能为空");
    assert_true(has_chinese(msg_text("login_locked")));
    /* an unknown code comes back as itself */
    assert_string_equal(msg_text("no_such_text"), "no_such_text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_puts_label_in),
        cmocka_unit_test(test_field_unknown_code),
        cmocka_unit_test(test_field_label_is_text_not_format),
        cmocka_unit_test(test_err_messages),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

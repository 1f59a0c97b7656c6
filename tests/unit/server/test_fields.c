/* Unit tests for server/fields: the body readers record the validators' field errors with
 * their Chinese messages and hand back the normalised values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "server/fields.h"

static void req_with_body(struct req *r, const char *body)
{
    memset(r, 0, sizeof(*r));
    arena_init(&r->arena, 0);
    r->json = json_loads(body, 0, NULL);
    assert_non_null(r->json);
}

static void req_done(struct req *r)
{
    json_decref(r->json);
    arena_release(&r->arena);
    assert_int_equal(r->arena.used, 0);
}

static void test_valid_values_normalised(void **state)
{
    (void)state;
    struct req r;
    req_with_body(&r, "{\"id\":\"110105491231002\",\"org\":\"91350100m000100y43\","
                      "\"tel\":\"0755 1234567\",\"mob\":\"+86 138-1234-5678\"}");
    struct idcard_info id;
    struct uscc_info u;
    assert_string_equal(body_idcard(&r, "id", "身份证号码", REQUIRED, 20260115, &id),
                        "11010519491231002X");
    assert_true(id.converted);
    assert_string_equal(body_uscc(&r, "org", "统一社会信用代码", REQUIRED, &u),
                        "91350100M000100Y43");
    assert_string_equal(u.label, "企业");
    assert_string_equal(body_phone(&r, "tel", "联系电话", REQUIRED), "0755-1234567");
    assert_string_equal(body_mobile(&r, "mob", "手机号码", REQUIRED), "13812345678");
    assert_int_equal(r.nerrors, 0);
    req_done(&r);
}

static void test_every_mistake_recorded(void **state)
{
    (void)state;
    struct req r;
    req_with_body(&r, "{\"id\":\"11010519491231002Y\",\"org\":\"91350100M000100Y44\","
                      "\"tel\":\"12345\",\"mob\":\"010-12345678\",\"num\":11010519491231002}");
    struct idcard_info id;
    struct uscc_info u;
    assert_null(body_idcard(&r, "id", "身份证号码", REQUIRED, 20260115, &id));
    assert_null(body_uscc(&r, "org", "统一社会信用代码", REQUIRED, &u));
    assert_null(body_phone(&r, "tel", "联系电话", REQUIRED));
    assert_null(body_mobile(&r, "mob", "手机号码", REQUIRED));
    assert_null(body_idcard(&r, "num", "证件号码", REQUIRED, 20260115, &id));
    assert_null(body_idcard(&r, "missing", "身份证号码", REQUIRED, 20260115, &id));
    assert_int_equal(r.nerrors, 6);
    static const struct {
        const char *field, *code, *message;
    } want[] = {
        {"id", "idcard_chars", "身份证号码只能由数字组成，18位号码的最后一位可以是X"},
        {"org", "uscc_check", "统一社会信用代码的校验码（最后一位）不正确"},
        {"tel", "phone_invalid", "联系电话不是有效的手机号码或固定电话号码"},
        {"mob", "mobile_invalid", "手机号码不是有效的手机号码（11位，以13至19开头）"},
        {"num", "type_string", "证件号码应为文本"},
        {"missing", "required", "身份证号码不能为空"},
    };
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(r.errors[i].field, want[i].field);
        assert_string_equal(r.errors[i].code, want[i].code);
        assert_string_equal(r.errors[i].message, want[i].message);
    }
    req_done(&r);
}

static void test_optional_absent_or_empty(void **state)
{
    (void)state;
    struct req r;
    req_with_body(&r, "{\"tel\":\"\",\"mob\":null,\"org\":\"\"}");
    struct idcard_info id;
    struct uscc_info u;
    assert_null(body_idcard(&r, "id", "身份证号码", OPTIONAL, 20260115, &id));
    assert_null(body_uscc(&r, "org", "统一社会信用代码", OPTIONAL, &u));
    assert_null(body_phone(&r, "tel", "联系电话", OPTIONAL));
    assert_null(body_mobile(&r, "mob", "手机号码", OPTIONAL));
    assert_int_equal(r.nerrors, 0);
    /* empty but required */
    assert_null(body_phone(&r, "tel", "联系电话", REQUIRED));
    assert_int_equal(r.nerrors, 1);
    assert_string_equal(r.errors[0].code, "required");
    req_done(&r);
}

static void test_unknown_kind_is_no_error(void **state)
{
    (void)state;
    struct req r;
    /* authority 9 category 9 is not in the table; the check character is right */
    req_with_body(&r, "{\"org\":\"99110105MA00000019\"}");
    struct uscc_info u;
    const char *code = body_uscc(&r, "org", "统一社会信用代码", REQUIRED, &u);
    assert_string_equal(code, "99110105MA00000019");
    assert_true(u.unknown_kind);
    assert_null(u.label);
    assert_int_equal(r.nerrors, 0);
    req_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_values_normalised),
        cmocka_unit_test(test_every_mistake_recorded),
        cmocka_unit_test(test_optional_absent_or_empty),
        cmocka_unit_test(test_unknown_kind_is_no_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

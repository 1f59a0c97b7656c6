/* Unit tests for core/jsonin: request bodies parsed defensively, with the reason and
 * position of the first error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/jsonin.h"
#include "core/sbuf.h"

/* Parses a C string; asserts the outcome and returns the root (or NULL). */
static json_t *parse(const char *s, size_t n, enum err want, struct jsonin_error *e)
{
    json_t sentinel;
    json_t *root = &sentinel; /* must be overwritten on every path */
    enum err got = jsonin_parse_object(s, n, JSONIN_MAX_DEPTH, &root, e);
    assert_int_equal(got, want);
    if (want != ERR_OK)
        assert_null(root);
    else
        assert_non_null(root);
    return root;
}

static void expect_malformed(const char *s, enum jsonin_reason reason)
{
    struct jsonin_error e;
    parse(s, strlen(s), ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, reason);
}

static void test_valid_object(void **state)
{
    (void)state;
    const char *s = "{\"name\": \"张三\", \"age\": 42, \"tags\": [\"a\", \"b\"], "
                    "\"addr\": {\"region\": \"110105001001\"}, \"ok\": true, \"x\": null}";
    struct jsonin_error e;
    json_t *root = parse(s, strlen(s), ERR_OK, &e);
    assert_true(json_is_object(root));
    assert_string_equal(json_string_value(json_object_get(root, "name")), "张三");
    assert_int_equal(json_integer_value(json_object_get(root, "age")), 42);
    assert_int_equal(json_array_size(json_object_get(root, "tags")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "addr"), "region")),
                        "110105001001");
    assert_true(json_is_true(json_object_get(root, "ok")));
    assert_true(json_is_null(json_object_get(root, "x")));
    json_decref(root);

    /* an empty object, surrounding whitespace, escapes that decode to real characters */
    root = parse("{}", 2, ERR_OK, &e);
    assert_int_equal(json_object_size(root), 0);
    json_decref(root);
    const char *ws = " \n\t{ \"a\" : \"\\u5f20\\ud83d\\ude00\\n\" } \n";
    root = parse(ws, strlen(ws), ERR_OK, &e);
    assert_string_equal(json_string_value(json_object_get(root, "a")), "张😀\n");
    json_decref(root);
    /* the largest int64 is still accepted */
    const char *big = "{\"n\": 9223372036854775807, \"m\": -9223372036854775808}";
    root = parse(big, strlen(big), ERR_OK, &e);
    assert_true(json_integer_value(json_object_get(root, "n")) == INT64_MAX);
    assert_true(json_integer_value(json_object_get(root, "m")) == INT64_MIN);
    json_decref(root);
}

static void test_only_n_bytes_read(void **state)
{
    (void)state;
    /* the buffer is not NUL-terminated where n ends */
    const char buf[] = "{\"a\": 1}GARBAGE";
    struct jsonin_error e;
    json_t *root = parse(buf, 8, ERR_OK, &e);
    assert_int_equal(json_integer_value(json_object_get(root, "a")), 1);
    json_decref(root);
}

static void test_syntax_error_position(void **state)
{
    (void)state;
    struct jsonin_error e;
    const char *s = "{\"name\": \"张三\", \"age\": }";
    parse(s, strlen(s), ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_SYNTAX);
    assert_int_equal(e.line, 1);
    /* the column counts characters: 张三 are two columns, not six */
    assert_int_equal(e.column, 23);
    assert_true(e.text[0] != '\0');

    const char *multi = "{\n"
                        "  \"name\": \"张三\",\n"
                        "  \"age\": ,\n"
                        "  \"x\": 1\n"
                        "}";
    parse(multi, strlen(multi), ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_SYNTAX);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 10);

    expect_malformed("{\"a\": 1,}", JSONIN_SYNTAX);
    expect_malformed("{\"a\" 1}", JSONIN_SYNTAX);
    expect_malformed("{'a': 1}", JSONIN_SYNTAX);
    expect_malformed("{\"a\": 1} {}", JSONIN_SYNTAX); /* trailing document */
    expect_malformed("{\"a\": tru}", JSONIN_SYNTAX);
    expect_malformed("{\"a\": \"unterminated}", JSONIN_SYNTAX);
    expect_malformed("{", JSONIN_SYNTAX);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    struct jsonin_error e;
    const char *s = "{\"a\": 1,\n \"a\": 2}";
    parse(s, strlen(s), ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_DUPLICATE);
    assert_int_equal(e.line, 2);
    /* also in a nested object */
    expect_malformed("{\"o\": {\"k\": 1, \"k\": 1}}", JSONIN_DUPLICATE);
    /* the same key in two different objects is fine */
    const char *ok = "{\"o\": {\"k\": 1}, \"p\": {\"k\": 1}}";
    json_decref(parse(ok, strlen(ok), ERR_OK, &e));
}

/* {"a": [[[...]]]} with `depth` levels in total (the object is one). */
static void nested(struct sbuf *sb, int depth)
{
    sbuf_reset(sb);
    sbuf_adds(sb, "{\"a\": ");
    for (int i = 1; i < depth; i++)
        sbuf_addc(sb, '[');
    for (int i = 1; i < depth; i++)
        sbuf_addc(sb, ']');
    sbuf_addc(sb, '}');
}

static void test_depth(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    struct jsonin_error e;

    nested(&sb, JSONIN_MAX_DEPTH);
    json_t *root = parse(sb.buf, sb.len, ERR_OK, &e);
    json_decref(root);

    nested(&sb, JSONIN_MAX_DEPTH + 1);
    parse(sb.buf, sb.len, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_DEPTH);
    assert_int_equal(e.line, 1);
    /* the 33rd opening bracket: 6 characters of {"a": plus 32 brackets */
    assert_int_equal(e.column, 6 + JSONIN_MAX_DEPTH);

    /* brackets inside strings do not count */
    sbuf_reset(&sb);
    sbuf_adds(&sb, "{\"a\": \"");
    for (int i = 0; i < 100; i++)
        sbuf_adds(&sb, "[{");
    sbuf_adds(&sb, "\\\"[\"}");
    root = parse(sb.buf, sb.len, ERR_OK, &e);
    json_decref(root);

    /* very deep input is refused without recursion trouble */
    nested(&sb, 100000);
    parse(sb.buf, sb.len, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_DEPTH);

    sbuf_release(&sb);
    assert_int_equal(sb.alloc, 0);
    assert_int_equal(sb.len, 0);
}

static void test_not_object(void **state)
{
    (void)state;
    struct jsonin_error e;
    parse("[1, 2]", 6, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_NOT_OBJECT);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 1);
    parse("[]", 2, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_NOT_OBJECT);
    /* a top-level scalar is refused too */
    parse("\"x\"", 3, ERR_MALFORMED_JSON, &e);
    parse("42", 2, ERR_MALFORMED_JSON, &e);
    parse("null", 4, ERR_MALFORMED_JSON, &e);
}

static void test_bad_encoding(void **state)
{
    (void)state;
    struct jsonin_error e;
    const char *s = "{\"name\": \"\xe5\xbc\"}"; /* 张 cut short */
    parse(s, strlen(s), ERR_BAD_ENCODING, &e);
    const char *over = "{\"a\": \"\xc0\xaf\"}";
    parse(over, strlen(over), ERR_BAD_ENCODING, &e);
    const char *sur = "{\"a\": \"\xed\xa0\x80\"}";
    parse(sur, strlen(sur), ERR_BAD_ENCODING, &e);
    /* a raw NUL byte inside the body */
    const char nul[] = "{\"a\": \"x\0y\"}";
    parse(nul, sizeof(nul) - 1, ERR_BAD_ENCODING, &e);
    /* a bad byte after a complete document is still seen */
    const char tail[] = "{\"a\": 1}\xff";
    parse(tail, sizeof(tail) - 1, ERR_BAD_ENCODING, &e);
}

static void test_empty(void **state)
{
    (void)state;
    struct jsonin_error e;
    parse("", 0, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_EMPTY);
    parse("{}", 0, ERR_MALFORMED_JSON, &e); /* n decides, not the bytes behind it */
    assert_int_equal(e.reason, JSONIN_EMPTY);
    /* whitespace alone is no document either */
    parse("   ", 3, ERR_MALFORMED_JSON, &e);
    parse("\n", 1, ERR_MALFORMED_JSON, &e);
}

static void test_nul_escape_refused(void **state)
{
    (void)state;
    const char *s = "{\"name\": \"ab\\u0000cd\"}";
    expect_malformed(s, JSONIN_SYNTAX);
    expect_malformed("{\"a\\u0000b\": 1}", JSONIN_SYNTAX);
    /* other control escapes are fine */
    struct jsonin_error e;
    const char *ok = "{\"a\": \"\\u0001\"}";
    json_decref(parse(ok, strlen(ok), ERR_OK, &e));
}

static void test_lone_surrogate_refused(void **state)
{
    (void)state;
    expect_malformed("{\"a\": \"\\ud800\"}", JSONIN_SYNTAX);
    expect_malformed("{\"a\": \"\\udc00\"}", JSONIN_SYNTAX);
    expect_malformed("{\"a\": \"\\ud800x\"}", JSONIN_SYNTAX);
    expect_malformed("{\"a\": \"\\ude00\\ud83d\"}", JSONIN_SYNTAX); /* reversed pair */
}

static void test_integer_overflow_refused(void **state)
{
    (void)state;
    expect_malformed("{\"n\": 9223372036854775808}", JSONIN_SYNTAX);
    expect_malformed("{\"n\": -9223372036854775809}", JSONIN_SYNTAX);
    expect_malformed("{\"n\": 123456789012345678901234567890}", JSONIN_SYNTAX);
}

/* Regressions: whitespace is empty, scalars are "not an object", columns count from 1,
 * a leading NUL is bad encoding. */
static void test_edge_reasons(void **state)
{
    (void)state;
    struct jsonin_error e;
    expect_malformed("   ", JSONIN_EMPTY);
    expect_malformed("\n\t\r ", JSONIN_EMPTY);
    expect_malformed("\"x\"", JSONIN_NOT_OBJECT);
    expect_malformed("42", JSONIN_NOT_OBJECT);
    expect_malformed("null", JSONIN_NOT_OBJECT);
    parse("{\n", 2, ERR_MALFORMED_JSON, &e);
    assert_int_equal(e.reason, JSONIN_SYNTAX);
    assert_true(e.line >= 1);
    assert_true(e.column >= 1);
    parse("\0{}", 3, ERR_BAD_ENCODING, &e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_object),
        cmocka_unit_test(test_only_n_bytes_read),
        cmocka_unit_test(test_syntax_error_position),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_not_object),
        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_nul_escape_refused),
        cmocka_unit_test(test_lone_surrogate_refused),
        cmocka_unit_test(test_integer_overflow_refused),
        cmocka_unit_test(test_edge_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

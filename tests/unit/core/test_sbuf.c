/* Unit tests for core/sbuf: the strbuf invariants, growth, the sticky cap error, take,
 * reset, truncate and JSON string escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

/* The invariants that hold after every operation. */
static void assert_sane(const struct sbuf *sb)
{
    assert_non_null(sb->buf);
    assert_int_equal(sb->buf[sb->len], '\0');
    assert_true(sb->len <= sb->cap);
    if (sb->alloc)
        assert_true(sb->len < sb->alloc);
}

static void assert_released(const struct sbuf *sb)
{
    assert_sane(sb);
    assert_int_equal(sb->len, 0);
    assert_int_equal(sb->alloc, 0);
    assert_int_equal(sb->err, ERR_OK);
    assert_string_equal(sb->buf, "");
}

static void test_empty_invariants(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    assert_sane(&sb);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.alloc, 0); /* _init allocates nothing */
    assert_int_equal(sb.cap, SBUF_DEFAULT_CAP);
    assert_string_equal(sb.buf, "");
    assert_int_equal(sbuf_err(&sb), ERR_OK);

    /* appending nothing keeps it valid */
    sbuf_add(&sb, "", 0);
    sbuf_adds(&sb, "");
    assert_sane(&sb);
    assert_int_equal(sb.len, 0);
    sbuf_release(&sb);
    assert_released(&sb);
}

static void test_add_and_growth(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_adds(&sb, "abc");
    sbuf_addc(&sb, '-');
    sbuf_add(&sb, "xyz123", 3);
    assert_sane(&sb);
    assert_string_equal(sb.buf, "abc-xyz");
    assert_int_equal(sb.len, 7);

    /* many small appends: content intact across reallocations */
    sbuf_reset(&sb);
    for (int i = 0; i < 10000; i++)
        sbuf_addc(&sb, (char)('a' + i % 26));
    assert_sane(&sb);
    assert_int_equal(sb.len, 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(sb.buf[i], 'a' + i % 26);

    /* bytes past a NUL are kept: sbuf_add is binary safe */
    sbuf_reset(&sb);
    sbuf_add(&sb, "a\0b", 3);
    assert_int_equal(sb.len, 3);
    assert_memory_equal(sb.buf, "a\0b", 4);
    assert_int_equal(sbuf_err(&sb), ERR_OK);
    sbuf_release(&sb);
    assert_released(&sb);
}

static void test_addf(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_addf(&sb, "%s=%d", "n", 42);
    sbuf_addf(&sb, ",%s", "张三");
    assert_string_equal(sb.buf, "n=42,张三");
    assert_int_equal(sb.len, strlen("n=42,张三"));

    /* growth inside addf: each append is bigger than the last allocation */
    sbuf_reset(&sb);
    size_t expect = 0;
    for (int i = 0; i < 2000; i++) {
        sbuf_addf(&sb, "%d,", i);
        expect += (size_t)snprintf(NULL, 0, "%d,", i);
    }
    assert_sane(&sb);
    assert_int_equal(sb.len, expect);
    assert_int_equal(strncmp(sb.buf, "0,1,2,3,", 8), 0);
    assert_string_equal(sb.buf + sb.len - 5, "1999,");

    sbuf_reset(&sb);
    sbuf_addf(&sb, "%0300d", 7);
    assert_int_equal(sb.len, 300);
    assert_int_equal(sb.buf[299], '7');
    assert_int_equal(sb.buf[0], '0');
    assert_int_equal(sbuf_err(&sb), ERR_OK);
    sbuf_release(&sb);
    assert_released(&sb);
}

static void test_cap_is_sticky(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 8);
    sbuf_adds(&sb, "12345678"); /* exactly the cap fits */
    assert_int_equal(sbuf_err(&sb), ERR_OK);
    assert_string_equal(sb.buf, "12345678");

    sbuf_addc(&sb, '9');
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);
    assert_string_equal(sb.buf, "12345678");
    sbuf_release(&sb);
    assert_released(&sb);
    assert_int_equal(sb.cap, 8); /* the cap survives a release */

    /* an append that would pass the cap is dropped whole, and later appends do nothing
     * even when they would fit */
    sbuf_adds(&sb, "12345");
    sbuf_adds(&sb, "6789");
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);
    assert_string_equal(sb.buf, "12345");
    assert_int_equal(sb.len, 5);
    sbuf_addc(&sb, 'x');
    sbuf_adds(&sb, "y");
    sbuf_add(&sb, "z", 1);
    sbuf_addf(&sb, "%d", 1);
    sbuf_add_json_str(&sb, "q");
    assert_string_equal(sb.buf, "12345");
    assert_int_equal(sb.len, 5);
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);
    assert_sane(&sb);

    /* addf past the cap */
    sbuf_release(&sb);
    sbuf_addf(&sb, "%s", "123456789");
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);
    assert_string_equal(sb.buf, "");
    assert_sane(&sb);
    sbuf_release(&sb);
    assert_released(&sb);
}

static void test_take(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_adds(&sb, "hello");
    size_t len = 0;
    char *s = sbuf_take(&sb, &len);
    assert_non_null(s);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    free(s);
    /* the buffer is empty and usable again, without sharing s */
    assert_released(&sb);
    sbuf_adds(&sb, "again");
    assert_string_equal(sb.buf, "again");

    sbuf_release(&sb);
    /* taking an empty buffer gives an empty string the caller can free */
    len = 99;
    s = sbuf_take(&sb, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    s = sbuf_take(&sb, NULL); /* len is optional */
    assert_non_null(s);
    free(s);
    assert_released(&sb);
}

static void test_reset(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 16);
    sbuf_adds(&sb, "0123456789");
    size_t alloc = sb.alloc;
    char *buf = sb.buf;
    sbuf_adds(&sb, "0123456789"); /* 20 > 16 */
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);

    sbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.buf, "");
    assert_int_equal(sbuf_err(&sb), ERR_OK);
    assert_int_equal(sb.alloc, alloc); /* the allocation is kept */
    assert_ptr_equal(sb.buf, buf);
    sbuf_adds(&sb, "abc");
    assert_string_equal(sb.buf, "abc");
    assert_int_equal(sbuf_err(&sb), ERR_OK);

    /* reset of a never-used buffer is harmless */
    sbuf_release(&sb);
    sbuf_reset(&sb);
    assert_released(&sb);
}

static void test_truncate(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_adds(&sb, "abcdef");
    sbuf_truncate(&sb, 3);
    assert_int_equal(sb.len, 3);
    assert_string_equal(sb.buf, "abc");
    sbuf_truncate(&sb, 3); /* same length: nothing changes */
    assert_string_equal(sb.buf, "abc");
    sbuf_truncate(&sb, 0);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb.buf, "");
    sbuf_adds(&sb, "xy");
    assert_string_equal(sb.buf, "xy");
    assert_sane(&sb);

    /* the common "drop the trailing comma" use */
    sbuf_reset(&sb);
    sbuf_adds(&sb, "[1,2,");
    sbuf_truncate(&sb, sb.len - 1);
    sbuf_addc(&sb, ']');
    assert_string_equal(sb.buf, "[1,2]");

    /* truncating an empty, unallocated buffer */
    sbuf_release(&sb);
    sbuf_truncate(&sb, 0);
    assert_released(&sb);
}

static void assert_json_str(const char *in, const char *want)
{
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_add_json_str(&sb, in);
    assert_int_equal(sbuf_err(&sb), ERR_OK);
    assert_string_equal(sb.buf, want);
    assert_int_equal(sb.len, strlen(want));
    sbuf_release(&sb);
    assert_released(&sb);
}

static void test_json_str(void **state)
{
    (void)state;
    assert_json_str("", "");
    assert_json_str("plain text", "plain text");
    assert_json_str("say \"hi\"", "say \\\"hi\\\"");
    assert_json_str("C:\\dir\\", "C:\\\\dir\\\\");
    assert_json_str("a\nb", "a\\nb");
    assert_json_str("\r\t", "\\r\\t");
    assert_json_str("\x01", "\\u0001");
    assert_json_str("x\x1fy", "x\\u001fy");
    assert_json_str("\b\f", "\\u0008\\u000c");
    /* UTF-8 and the printable ASCII rest pass through unchanged */
    assert_json_str("张三 / 社区", "张三 / 社区");
    assert_json_str("😀", "😀");
    assert_json_str("\"张\"\n", "\\\"张\\\"\\n");
    assert_json_str("\x7f~", "\x7f~");
}

static void test_json_str_appends(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 0);
    sbuf_addc(&sb, '"');
    sbuf_add_json_str(&sb, "a\"b");
    sbuf_addc(&sb, '"');
    assert_string_equal(sb.buf, "\"a\\\"b\"");
    sbuf_release(&sb);
    assert_released(&sb);

    /* escaping counts against the cap: 4 input bytes become 8 */
    sbuf_init(&sb, 6);
    sbuf_add_json_str(&sb, "\"\"\"\"");
    assert_int_equal(sbuf_err(&sb), ERR_TOO_LARGE);
    assert_true(sb.len <= 6);
    assert_sane(&sb);
    sbuf_release(&sb);
    assert_released(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_invariants),
        cmocka_unit_test(test_add_and_growth),
        cmocka_unit_test(test_addf),
        cmocka_unit_test(test_cap_is_sticky),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_json_str_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

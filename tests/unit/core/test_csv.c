/* Unit tests for core/csv: writer quoting and formula guard, BOM, streaming 100,000 rows in
 * a bounded buffer, sink errors; reader round trip, CRLF, last row without newline, and
 * every structural error with its line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* Collects everything written, for round trips. */
static int sink_sbuf(void *ctx, const char *buf, size_t n)
{
    sbuf_add(ctx, buf, n);
    return sbuf_err(ctx) != ERR_OK;
}

struct counting_sink {
    size_t bytes;
    size_t calls;
    size_t biggest;
    size_t fail_after; /* calls that succeed before failing; 0 never fails */
};

static int sink_count(void *ctx, const char *buf, size_t n)
{
    struct counting_sink *c = ctx;
    (void)buf;
    c->calls++;
    if (c->fail_after && c->calls > c->fail_after)
        return -1;
    c->bytes += n;
    if (n > c->biggest)
        c->biggest = n;
    return 0;
}

static void assert_reader_released(struct csv_reader *r)
{
    csv_reader_release(r);
    assert_int_equal(r->data.alloc, 0);
    assert_int_equal(r->data.len, 0);
}

static const char *tricky[] = {
    "张三",
    "北京市,朝阳区",
    "他说\"你好\"",
    "第一行\n第二行",
    "",
    "CR\r\nLF",
    "=1+1",
    "+86",
    "-1",
    "@x",
    "\tTAB",
    "a'b",
    "\"",
    ",",
    "普通 text 123",
};
#define NTRICKY (sizeof(tricky) / sizeof(tricky[0]))

static void test_round_trip(void **state)
{
    (void)state;
    struct sbuf out;
    sbuf_init(&out, 0);
    struct csv_writer w;
    csv_writer_init(&w, sink_sbuf, &out);
    csv_writer_begin(&w);
    for (size_t i = 0; i < NTRICKY; i++)
        csv_field(&w, tricky[i]);
    csv_end_row(&w);
    csv_field_number(&w, "-1");
    csv_field_number(&w, "3.50");
    csv_field_number(&w, "-1+cmd|' /C calc'!A0"); /* not a number: guarded as text */
    csv_field(&w, NULL);
    csv_end_row(&w);
    assert_int_equal(csv_writer_finish(&w), ERR_OK);

    /* BOM exactly once, at the start */
    assert_memory_equal(out.buf, "\xEF\xBB\xBF", 3);
    assert_null(strstr(out.buf + 3, "\xEF\xBB\xBF"));
    /* the guarded cells as a spreadsheet sees them */
    assert_non_null(strstr(out.buf, ",'=1+1,'+86,'-1,'@x,"));
    assert_non_null(strstr(out.buf, "\r\n-1,3.50,'-1+cmd|' /C calc'!A0,\r\n"));
    assert_non_null(strstr(out.buf, "\"他说\"\"你好\"\"\""));

    struct csv_reader r;
    struct csv_row row;
    csv_reader_init(&r, out.buf, out.len);
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.n, NTRICKY);
    for (size_t i = 0; i < NTRICKY; i++) {
        const char *want = tricky[i];
        if (i >= 6 && i <= 10) {
            /* guarded on the way out, the guard removed on the way in */
            assert_int_equal(row.field[i][0], '\'');
            assert_string_equal(row.field[i] + 1, want);
            assert_string_equal(csv_unguard(row.field[i]), want);
        } else {
            assert_string_equal(row.field[i], want);
            assert_string_equal(csv_unguard(row.field[i]), want);
        }
        assert_int_equal(row.len[i], strlen(row.field[i]));
    }
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 4); /* two values above span lines */
    assert_int_equal(row.n, 4);
    assert_string_equal(row.field[0], "-1");
    assert_string_equal(row.field[1], "3.50");
    assert_string_equal(row.field[2], "'-1+cmd|' /C calc'!A0");
    assert_string_equal(row.field[3], "");
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.n, 0);
    assert_reader_released(&r);

    /* begin twice still writes one BOM */
    sbuf_reset(&out);
    csv_writer_init(&w, sink_sbuf, &out);
    csv_writer_begin(&w);
    csv_writer_begin(&w);
    csv_field(&w, "a");
    csv_end_row(&w);
    assert_int_equal(csv_writer_finish(&w), ERR_OK);
    assert_int_equal(out.len, 6);
    assert_memory_equal(out.buf,
                        "\xEF\xBB\xBF"
                        "a\r\n",
                        6);
    sbuf_release(&out);
    assert_int_equal(out.alloc, 0);
}

static void test_100k_rows_bounded(void **state)
{
    (void)state;
    struct counting_sink c = {0};
    struct csv_writer w;
    csv_writer_init(&w, sink_count, &c);
    csv_writer_begin(&w);
    char num[32];
    size_t expect = 3;
    for (int i = 0; i < 100000; i++) {
        int k = snprintf(num, sizeof(num), "%d", i);
        csv_field_number(&w, num);
        csv_field(&w, "上访事项,含逗号");
        csv_field(&w, "=HYPERLINK(\"x\")");
        csv_end_row(&w);
        assert_true(w.len <= CSV_WRITER_BUF);
        /* num , "上访事项,含逗号" , "'=HYPERLINK(""x"")" CRLF */
        expect += (size_t)k + 1 + 24 + 1 + 20 + 2;
    }
    assert_int_equal(csv_writer_finish(&w), ERR_OK);
    assert_int_equal(w.len, 0);
    assert_int_equal(c.bytes, expect);
    assert_true(c.biggest <= CSV_WRITER_BUF);
    assert_true(c.calls >= expect / CSV_WRITER_BUF);
}

static void test_sink_error_sticky(void **state)
{
    (void)state;
    struct counting_sink c = {.fail_after = 2};
    struct csv_writer w;
    csv_writer_init(&w, sink_count, &c);
    csv_writer_begin(&w);
    for (int i = 0; i < 10000; i++) {
        csv_field(&w, "0123456789");
        csv_end_row(&w);
    }
    assert_int_equal(csv_writer_err(&w), ERR_IO);
    assert_int_equal(c.calls, 3); /* nothing tried after the failure */
    assert_int_equal(csv_writer_finish(&w), ERR_IO);
    assert_int_equal(c.calls, 3);
}

static void test_crlf_last_row_without_newline(void **state)
{
    (void)state;
    static const char in[] = "\xEF\xBB\xBF"
                             "姓名,电话\r\n"
                             "张三,13800138000\r\n"
                             "\r\n"
                             "\"李,四\",\"多\r\n行\"\r\n"
                             "王五,";
    struct csv_reader r;
    struct csv_row row;
    csv_reader_init(&r, in, sizeof(in) - 1);

    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.n, 2);
    assert_string_equal(row.field[0], "姓名"); /* BOM skipped */
    assert_string_equal(row.field[1], "电话");

    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.field[1], "13800138000");

    assert_int_equal(csv_read_row(&r, &row), ERR_OK); /* empty line: one empty value */
    assert_int_equal(row.line, 3);
    assert_int_equal(row.n, 1);
    assert_string_equal(row.field[0], "");

    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 4);
    assert_string_equal(row.field[0], "李,四");
    assert_string_equal(row.field[1], "多\r\n行");

    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 6);
    assert_int_equal(row.n, 2);
    assert_string_equal(row.field[0], "王五");
    assert_string_equal(row.field[1], "");

    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.n, 0);
    assert_int_equal(csv_read_row(&r, &row), ERR_OK); /* stays at the end */
    assert_int_equal(row.n, 0);
    assert_reader_released(&r);

    /* LF only, and an empty input */
    csv_reader_init(&r, "a\nb\n", 4);
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_string_equal(row.field[0], "a");
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.field[0], "b");
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.n, 0);
    assert_reader_released(&r);

    csv_reader_init(&r, "\xEF\xBB\xBF", 3);
    assert_int_equal(csv_read_row(&r, &row), ERR_OK);
    assert_int_equal(row.n, 0);
    assert_reader_released(&r);
}

struct bad_case {
    const char *in;
    size_t max_field;
    size_t max_cols;
    enum err err;
    size_t line;
    size_t column;
    const char *msg;
    size_t good_rows; /* rows read before the error */
};

static void test_reader_errors(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"a,b\n\"open,\nstill\nopen", 0, 0, ERR_INVALID, 2, 1, "引号未闭合", 1},
        {"a,b\nc,d\"e\n", 0, 0, ERR_INVALID, 2, 2, "未加引号的字段中出现引号", 1},
        {"a\n\"x\"y,z\n", 0, 0, ERR_INVALID, 2, 1, "引号后出现多余字符", 1},
        {"ok\nok\n\"多\n行\",\xFF\xFE\n", 0, 0, ERR_BAD_ENCODING, 4, 2, "不是有效的 UTF-8 文本", 2},
        {"a\n\"bad\n\xE4\xB8\"\n", 0, 0, ERR_BAD_ENCODING, 2, 1, "不是有效的 UTF-8 文本", 1},
        {"a\nb\nx,0123456789\n", 8, 0, ERR_TOO_LARGE, 3, 2, "字段过长", 2},
        {"a\n\"01234\n56789\"\n", 8, 0, ERR_TOO_LARGE, 2, 1, "字段过长", 1},
        {"1,2,3\n1,2,3,4\n", 0, 3, ERR_TOO_LARGE, 2, 4, "列数过多", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct bad_case *c = &cases[i];
        struct csv_reader r;
        struct csv_row row;
        csv_reader_init(&r, c->in, strlen(c->in));
        if (c->max_field)
            r.max_field = c->max_field;
        if (c->max_cols)
            r.max_cols = c->max_cols;
        for (size_t k = 0; k < c->good_rows; k++) {
            assert_int_equal(csv_read_row(&r, &row), ERR_OK);
            assert_true(row.n > 0);
        }
        assert_int_equal(csv_read_row(&r, &row), c->err);
        assert_int_equal(row.n, 0);
        assert_int_equal(r.err_line, c->line);
        assert_int_equal(r.err_column, c->column);
        assert_string_equal(r.err_msg, c->msg);
        /* sticky */
        assert_int_equal(csv_read_row(&r, &row), c->err);
        assert_int_equal(row.n, 0);
        assert_reader_released(&r);
    }

    /* a NUL byte is not text */
    struct csv_reader r;
    struct csv_row row;
    csv_reader_init(&r, "a\0b", 3);
    assert_int_equal(csv_read_row(&r, &row), ERR_BAD_ENCODING);
    assert_int_equal(r.err_line, 1);
    assert_reader_released(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_100k_rows_bounded),
        cmocka_unit_test(test_sink_error_sticky),
        cmocka_unit_test(test_crlf_last_row_without_newline),
        cmocka_unit_test(test_reader_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

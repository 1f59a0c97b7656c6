/* Unit tests for core/xlsx_read: a workbook written by libxlsxwriter reads back cell for
 * cell; hand-made parts with shared strings (rich runs, phonetic runs), inline strings,
 * booleans, errors, gaps, missing references, namespace prefixes and a renamed sheet part;
 * and the refusals: not a zip, no sheet, DOCTYPE, bad shared-string index, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/sbuf.h"
#include "core/xlsx_read.h"

/* Reads a whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* A zip of (name, content) pairs, NULL-terminated, in memory. */
static char *make_zip(const char *const *parts, size_t *n)
{
    char path[] = "/tmp/test_xlsx_read-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (size_t i = 0; parts[i]; i += 2) {
        zip_source_t *s = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    char *buf = slurp(path, n);
    unlink(path);
    return buf;
}

/* Collects rows as "row:type=value|type=value" lines. */
static enum err collect(void *ctx, const struct xlsx_row *row)
{
    struct sbuf *sb = ctx;
    sbuf_addf(sb, "%zu:", row->row);
    for (size_t c = 0; c < row->n; c++) {
        assert_int_equal(strlen(row->cell[c]), row->len[c]);
        sbuf_addf(sb, "%s%d=%s", c ? "|" : "", (int)row->type[c], row->cell[c]);
    }
    sbuf_addc(sb, '\n');
    return ERR_OK;
}

static const char *WORKBOOK =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"数据\" sheetId=\"7\" r:id=\"rId3\"/><sheet name=\"二\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char *RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
    "<Relationship Id=\"rId9\" Type=\"http://x/relationships/sharedStrings\" "
    "Target=\"strings.xml\"/></Relationships>";
static const char *STRINGS =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>标题</t></si>"
    "<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">文本 </t></r>"
    "<rPh><t>フリガナ</t></rPh></si>"
    "<si><t>a&amp;b&lt;c</t></si></sst>";
static const char *SHEET =
    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<x:sheetData>"
    "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"C1\" t=\"s\"><x:v>1</x:v>"
    "</x:c></x:row>"
    "<x:row r=\"3\"><x:c r=\"A3\"><x:v>12.5</x:v></x:c><x:c t=\"b\"><x:v>1</x:v></x:c>"
    "<x:c t=\"inlineStr\"><x:is><x:t>行内</x:t></x:is></x:c>"
    "<x:c r=\"E3\" t=\"e\"><x:v>#DIV/0!</x:v></x:c>"
    "<x:c r=\"F3\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>标题x</x:v></x:c>"
    "<x:c r=\"G3\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"H3\" s=\"1\"/></x:row>"
    "<x:row><x:c><x:v>45992</x:v></x:c></x:row>"
    "<x:row r=\"6\"/>"
    "</x:sheetData></x:worksheet>";

static void test_hand_made_parts(void **state)
{
    const char *parts[] = {
        "xl/workbook.xml",
        WORKBOOK,
        "xl/_rels/workbook.xml.rels",
        RELS,
        "xl/strings.xml",
        STRINGS,
        "xl/worksheets/data.xml",
        SHEET,
        "xl/worksheets/sheet1.xml",
        "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>",
        NULL};
    size_t n;
    char *zip = make_zip(parts, &n);
    struct sbuf out;
    sbuf_init(&out, 0);
    struct xlsx_error xe;
    assert_int_equal(xlsx_read(zip, n, NULL, collect, &out, &xe), ERR_OK);
    assert_string_equal(out.buf, "1:1=标题|0=|1=富文本 \n"
                                 "3:2=12.5|3=1|1=行内|0=|4=#DIV/0!|1=标题x|1=a&b<c|0=\n"
                                 "4:2=45992\n");
    sbuf_release(&out);
    free(zip);
}

static void test_libxlsxwriter_round_trip(void **state)
{
    char path[] = "/tmp/test_xlsx_read-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(path, &opt); /* shared strings */
    lxw_worksheet *ws = workbook_add_worksheet(wb, "样本");
    worksheet_write_string(ws, 0, 0, "标题", NULL);
    worksheet_write_string(ws, 0, 1, "=1+1", NULL);
    worksheet_write_number(ws, 1, 0, 3.25, NULL);
    worksheet_write_boolean(ws, 1, 2, 0, NULL);
    worksheet_write_string(ws, 2, 1, "标题", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t n;
    char *buf = slurp(path, &n);
    unlink(path);
    struct sbuf out;
    sbuf_init(&out, 0);
    assert_int_equal(xlsx_read(buf, n, NULL, collect, &out, NULL), ERR_OK);
    assert_string_equal(out.buf, "1:1=标题|1==1+1\n2:2=3.25|0=|3=0\n3:0=|1=标题\n");
    sbuf_release(&out);
    free(buf);
}

static enum err stop_at_two(void *ctx, const struct xlsx_row *row)
{
    (*(int *)ctx)++;
    return row->row == 2 ? ERR_DB : ERR_OK;
}

static void test_callback_stops(void **state)
{
    const char *parts[] = {"xl/workbook.xml",
                           "<workbook><sheets><sheet r:id=\"a\"/></sheets></workbook>",
                           "xl/worksheets/sheet1.xml",
                           "<worksheet><sheetData><row><c><v>1</v></c></row><row><c><v>2</v></c>"
                           "</row><row><c><v>3</v></c></row></sheetData></worksheet>",
                           NULL};
    size_t n;
    char *zip = make_zip(parts, &n);
    int calls = 0;
    struct xlsx_error xe;
    assert_int_equal(xlsx_read(zip, n, NULL, stop_at_two, &calls, &xe), ERR_DB);
    assert_int_equal(calls, 2);
    assert_null(xe.message);
    free(zip);
}

struct bad {
    const char *sheet; /* NULL: no sheet part */
    const char *strings;
    struct xlsx_limits lim;
    enum err err;
    size_t row, col;
    const char *msg;
};

static void test_refusals(void **state)
{
    struct sbuf out;
    sbuf_init(&out, 0);
    struct xlsx_error xe;
    assert_int_equal(xlsx_read("not a zip at all", 16, NULL, collect, &out, &xe), ERR_INVALID);
    assert_string_equal(xe.message, "文件不是有效的 XLSX 工作簿");

    const struct bad cases[] = {
        {NULL, NULL, {0}, ERR_INVALID, 0, 0, "XLSX 文件中没有工作表"},
        {"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>",
         NULL,
         {0},
         ERR_INVALID,
         0,
         0,
         "XLSX 文件含有不允许的文档类型声明"},
        {"<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
         "<sst><si><t>a</t></si></sst>",
         {0},
         ERR_INVALID,
         1,
         1,
         "XLSX 文件中的共享字符串编号无效"},
        {"<worksheet><sheetData><row><c r=\"D1\"><v>1</v></c></row></sheetData></worksheet>",
         NULL,
         {.max_cols = 3},
         ERR_TOO_LARGE,
         1,
         4,
         "列数超过上限"},
        {"<worksheet><sheetData><row><c r=\"1A\"><v>1</v></c></row></sheetData></worksheet>",
         NULL,
         {0},
         ERR_INVALID,
         1,
         1,
         "XLSX 文件中的单元格引用无效"},
        {"<worksheet><sheetData><row><c><v>123456</v></c></row></sheetData></worksheet>",
         NULL,
         {.max_cell = 5},
         ERR_TOO_LARGE,
         1,
         1,
         "单元格内容过长"},
        {"<worksheet><sheetData><row r=\"2\"/><row r=\"2\"/></sheetData></worksheet>",
         NULL,
         {0},
         ERR_INVALID,
         2,
         0,
         "XLSX 文件中的行号无效"},
        {"<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>",
         NULL,
         {0},
         ERR_INVALID,
         1,
         1,
         "XLSX 文件内容格式错误"},
        {"<worksheet><sheetData>" /* 40 bytes past a 32-byte cap */
         "<row><c><v>1</v></c></row></sheetData></worksheet>",
         NULL,
         {.max_part = 32},
         ERR_TOO_LARGE,
         0,
         0,
         "XLSX 文件内容过大"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct bad *c = &cases[i];
        const char *parts[7] = {"xl/workbook.xml",
                                "<workbook><sheets><sheet r:id=\"a\"/></sheets></workbook>"};
        size_t k = 2;
        if (c->sheet) {
            parts[k++] = "xl/worksheets/sheet1.xml";
            parts[k++] = c->sheet;
        }
        if (c->strings) {
            parts[k++] = "xl/sharedStrings.xml";
            parts[k++] = c->strings;
        }
        parts[k] = NULL;
        size_t n;
        char *zip = make_zip(parts, &n);
        sbuf_reset(&out);
        enum err e = xlsx_read(zip, n, &c->lim, collect, &out, &xe);
        free(zip);
        assert_int_equal(e, c->err);
        assert_string_equal(xe.message, c->msg);
        assert_int_equal(xe.row, c->row);
        assert_int_equal(xe.col, c->col);
    }
    sbuf_release(&out);
}

static void test_parse_ref(void **state)
{
    size_t col, row;
    assert_true(xlsx_parse_ref("A1", &col, &row));
    assert_int_equal(col, 0);
    assert_int_equal(row, 1);
    assert_true(xlsx_parse_ref("$AB$12", &col, &row));
    assert_int_equal(col, 27);
    assert_int_equal(row, 12);
    assert_true(xlsx_parse_ref("XFD1048576", &col, &row));
    assert_int_equal(col, 16383);
    assert_false(xlsx_parse_ref("A0", NULL, NULL));
    assert_false(xlsx_parse_ref("ABCD1", NULL, NULL));
    assert_false(xlsx_parse_ref("A12345678", NULL, NULL));
    assert_false(xlsx_parse_ref("12", NULL, NULL));
    assert_false(xlsx_parse_ref("A1 ", NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_made_parts), cmocka_unit_test(test_libxlsxwriter_round_trip),
        cmocka_unit_test(test_callback_stops),  cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_parse_ref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for core/filetype: each accepted type from a tiny sample built here, the
 * refused ones (executables, scripts, markup, plain ZIP, unknown bytes), truncated
 * headers, and file name sanitising. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/filetype.h"

/* Detects a string literal by its full size, so embedded NULs count. */
#define DETECT(lit, name, out)                                                                     \
    filetype_detect((const unsigned char *)(lit), sizeof(lit) - 1, (name), (out))

static unsigned char buf[4096];

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)(v >> 16));
}

/* A ZIP of stored entries names[i] holding data[i] (NULL: empty) into buf; with central
 * set, the central directory and end record follow. Returns its size. */
static size_t make_zip(const char *const *names, const char *const *data, size_t count, int central,
                       unsigned flags)
{
    size_t off = 0, local[16];
    memset(buf, 0, sizeof buf);
    for (size_t i = 0; i < count; i++) {
        size_t nlen = strlen(names[i]), dlen = data && data[i] ? strlen(data[i]) : 0;
        local[i] = off;
        memcpy(buf + off, "PK\x03\x04", 4);
        put16(buf + off + 6, flags);
        put32(buf + off + 18, dlen);
        put32(buf + off + 22, dlen);
        put16(buf + off + 26, (unsigned)nlen);
        memcpy(buf + off + 30, names[i], nlen);
        if (dlen)
            memcpy(buf + off + 30 + nlen, data[i], dlen);
        off += 30 + nlen + dlen;
    }
    if (!central)
        return off;
    size_t cd = off;
    for (size_t i = 0; i < count; i++) {
        size_t nlen = strlen(names[i]);
        memcpy(buf + off, "PK\x01\x02", 4);
        put16(buf + off + 28, (unsigned)nlen);
        put32(buf + off + 42, local[i]);
        memcpy(buf + off + 46, names[i], nlen);
        off += 46 + nlen;
    }
    memcpy(buf + off, "PK\x05\x06", 4);
    put16(buf + off + 8, (unsigned)count);
    put16(buf + off + 10, (unsigned)count);
    put32(buf + off + 12, off - cd);
    put32(buf + off + 16, cd);
    return off + 22;
}

/* A 1024-byte compound file whose first directory sector holds the root and stream. */
static size_t make_ole2(const char *stream)
{
    static const char root[] = "Root Entry";
    memset(buf, 0, 1024);
    memcpy(buf, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
    put16(buf + 0x1e, 9); /* 512-byte sectors */
    put32(buf + 0x30, 0); /* directory starts at sector 0, right after the header */
    for (size_t i = 0; root[i]; i++)
        buf[512 + 2 * i] = (unsigned char)root[i];
    put16(buf + 512 + 0x40, (unsigned)(sizeof root * 2));
    for (size_t i = 0; stream[i]; i++)
        buf[640 + 2 * i] = (unsigned char)stream[i];
    put16(buf + 640 + 0x40, (unsigned)((strlen(stream) + 1) * 2));
    return 1024;
}

static void expect(size_t n, const char *name, enum filetype_kind kind, const char *mime,
                   const char *ext)
{
    struct filetype t;
    assert_int_equal(filetype_detect(buf, n, name, &t), ERR_OK);
    assert_int_equal(t.kind, kind);
    assert_string_equal(t.mime, mime);
    assert_string_equal(t.ext, ext);
    assert_non_null(t.label);
}

static void refuse(size_t n, const char *name)
{
    struct filetype t;
    assert_int_equal(filetype_detect(buf, n, name, &t), ERR_UNSUPPORTED_MEDIA);
    assert_int_equal(t.kind, FILETYPE_NONE);
    assert_null(t.mime);
}

static size_t load(const char *s, size_t n)
{
    memset(buf, 0, sizeof buf);
    memcpy(buf, s, n);
    return n;
}
#define LOAD(lit) load((lit), sizeof(lit) - 1)

static void test_images_and_pdf(void **state)
{
    (void)state;
    struct filetype t;
    expect(LOAD("\xff\xd8\xff\xe0\x00\x10JFIF"), "a.jpg", FILETYPE_JPEG, "image/jpeg", "jpg");
    expect(LOAD("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "a.png", FILETYPE_PNG, "image/png", "png");
    expect(LOAD("GIF89a\x01\0\x01\0"), NULL, FILETYPE_GIF, "image/gif", "gif");
    expect(LOAD("GIF87a\x01\0\x01\0"), NULL, FILETYPE_GIF, "image/gif", "gif");
    expect(LOAD("RIFF\x24\0\0\0WEBPVP8 "), NULL, FILETYPE_WEBP, "image/webp", "webp");
    expect(LOAD("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0"), NULL, FILETYPE_BMP,
           "image/bmp", "bmp");
    expect(LOAD("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "x.pdf", FILETYPE_PDF, "application/pdf", "pdf");
    assert_int_equal(DETECT("%PDF-1.4", NULL, &t), ERR_OK);
    assert_string_equal(t.label, "PDF 文档");
    /* the name never decides: a PNG called x.pdf is a PNG */
    expect(LOAD("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "x.pdf", FILETYPE_PNG, "image/png", "png");
    /* "BM" alone is text, not a bitmap */
    expect(LOAD("BMW 车辆登记"), NULL, FILETYPE_TEXT, "text/plain; charset=utf-8", "txt");
}

static void test_ooxml(void **state)
{
    (void)state;
    const char *docx[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
    const char *xlsx[] = {"[Content_Types].xml", "xl/workbook.xml"};
    const char *pptx[] = {"[Content_Types].xml", "ppt/presentation.xml"};
    const char *xlsm[] = {"[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"};
    const char *mime = "application/vnd.openxmlformats-officedocument.";
    struct filetype t;

    assert_int_equal(filetype_detect(buf, make_zip(docx, NULL, 3, 0, 0), "a.docx", &t), ERR_OK);
    assert_int_equal(t.kind, FILETYPE_DOCX);
    assert_string_equal(t.ext, "docx");
    assert_memory_equal(t.mime, mime, strlen(mime));
    assert_int_equal(filetype_detect(buf, make_zip(xlsx, NULL, 2, 0, 0), NULL, &t), ERR_OK);
    assert_int_equal(t.kind, FILETYPE_XLSX);
    assert_string_equal(t.label, "Excel 工作簿");
    assert_int_equal(filetype_detect(buf, make_zip(pptx, NULL, 2, 0, 0), NULL, &t), ERR_OK);
    assert_int_equal(t.kind, FILETYPE_PPTX);

    /* sizes behind a data descriptor stop the local walk; the central directory still
     * names the parts */
    assert_int_equal(filetype_detect(buf, make_zip(xlsx, NULL, 2, 1, 0x08), NULL, &t), ERR_OK);
    assert_int_equal(t.kind, FILETYPE_XLSX);
    refuse(make_zip(xlsx, NULL, 2, 0, 0x08), NULL);

    /* macro-enabled is refused, and so is a part folder without [Content_Types].xml */
    refuse(make_zip(xlsm, NULL, 3, 1, 0), "a.xlsx");
    refuse(make_zip(docx + 1, NULL, 2, 1, 0), "a.docx");
}

static void test_opendocument(void **state)
{
    (void)state;
    const char *names[] = {"mimetype", "content.xml"};
    const char *odt[] = {"application/vnd.oasis.opendocument.text", NULL};
    const char *ods[] = {"application/vnd.oasis.opendocument.spreadsheet", NULL};
    const char *odp[] = {"application/vnd.oasis.opendocument.presentation", NULL};
    const char *odg[] = {"application/vnd.oasis.opendocument.graphics", NULL};
    const char *epub[] = {"application/epub+zip", NULL};

    expect(make_zip(names, odt, 2, 0, 0), NULL, FILETYPE_ODT,
           "application/vnd.oasis.opendocument.text", "odt");
    expect(make_zip(names, ods, 2, 1, 0), NULL, FILETYPE_ODS,
           "application/vnd.oasis.opendocument.spreadsheet", "ods");
    expect(make_zip(names, odp, 2, 0, 0), NULL, FILETYPE_ODP,
           "application/vnd.oasis.opendocument.presentation", "odp");
    refuse(make_zip(names, odg, 2, 0, 0), NULL);
    refuse(make_zip(names, epub, 2, 0, 0), NULL);
    /* the mimetype content cut off by the end of the buffer */
    make_zip(names, odt, 2, 0, 0);
    refuse(50, NULL);
}

static void test_ole2(void **state)
{
    (void)state;
    expect(make_ole2("WordDocument"), "a.doc", FILETYPE_DOC, "application/msword", "doc");
    expect(make_ole2("Workbook"), NULL, FILETYPE_XLS, "application/vnd.ms-excel", "xls");
    expect(make_ole2("Book"), NULL, FILETYPE_XLS, "application/vnd.ms-excel", "xls");
    expect(make_ole2("PowerPoint Document"), NULL, FILETYPE_PPT, "application/vnd.ms-powerpoint",
           "ppt");
    /* an MSI installer is OLE2 too, without an Office stream */
    refuse(make_ole2("\x05SummaryInformation"), "setup.doc");
    /* the directory past the end of what was given */
    make_ole2("WordDocument");
    refuse(600, "a.doc");
    refuse(8, "a.doc");
}

static void test_text(void **state)
{
    (void)state;
    const char *plain = "text/plain; charset=utf-8";
    expect(LOAD("信访事项登记\r\n编号\t日期\n"), "登记.txt", FILETYPE_TEXT, plain, "txt");
    expect(LOAD("\xef\xbb\xbf姓名,电话\n张三,13800138000\n"), "名单.CSV", FILETYPE_CSV,
           "text/csv; charset=utf-8", "csv");
    expect(LOAD("a,b\n1,2\n"), "a.txt", FILETYPE_TEXT, plain, "txt");
    expect(LOAD("1 < 2 and <b> is fine\n"), NULL, FILETYPE_TEXT, plain, "txt");
    refuse(LOAD("abc\0def"), "a.txt");                    /* NUL */
    refuse(LOAD("abc\x1b[31mred"), "a.txt");              /* escape */
    refuse(LOAD("\xd5\xc5\xc8\xfd,\xb5\xe7"), "gbk.csv"); /* GBK, not UTF-8 */
    refuse(0, "empty.txt");
    struct filetype t;
    assert_int_equal(filetype_detect(NULL, 0, NULL, &t), ERR_UNSUPPORTED_MEDIA);
}

static void test_refused(void **state)
{
    (void)state;
    refuse(LOAD("\x7f"
                "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
           "report.pdf");
    refuse(LOAD("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"), "a.docx");
    refuse(LOAD("\xcf\xfa\xed\xfe\x07\0\0\x01"), NULL);
    refuse(LOAD("\xca\xfe\xba\xbe\0\0\0\x02"), NULL);
    refuse(LOAD("#!/bin/sh\nrm -rf /\n"), "a.txt");
    refuse(LOAD("\xef\xbb\xbf#!/usr/bin/env python3\n"), "a.txt");
    refuse(LOAD("<html><body>hi</body></html>"), "a.txt");
    refuse(LOAD("\n  <!DOCTYPE html>\n<HTML>"), "a.txt");
    refuse(LOAD("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script>"), "a.png");
    refuse(LOAD("<?XML version=\"1.0\"?><a/>"), "a.csv");
    refuse(LOAD("hello <ScRiPt>alert(1)</script>"), "a.txt");
    refuse(LOAD("\x13\x9a\xfe\x02\x88\x41\xc7\x00\x5e\xd1"), NULL);

    const char *plain[] = {"readme.txt", "bin/tool.exe"};
    refuse(make_zip(plain, NULL, 2, 1, 0), "a.zip");
    refuse(make_zip(plain, NULL, 2, 1, 0), "a.docx");
}

static void test_truncated(void **state)
{
    (void)state;
    /* each signature cut one byte short is not that type */
    refuse(LOAD("\xff\xd8"), "a.jpg");
    refuse(LOAD("\x89PNG\r\n\x1a"), "a.png");
    refuse(LOAD("RIFF\x24\0\0\0WEB"), "a.webp");
    refuse(LOAD("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0"), "a.bmp");
    refuse(LOAD("PK\x03"), "a.docx");
    refuse(LOAD("PK\x03\x04\0\0"), "a.docx");
    refuse(LOAD("\xd0\xcf\x11\xe0\xa1\xb1\x1a"), "a.doc");
    refuse(LOAD("\x7f"
                "EL"),
           NULL);
    /* short ASCII prefixes are merely text */
    expect(LOAD("%PDF"), "a.pdf", FILETYPE_TEXT, "text/plain; charset=utf-8", "txt");
    expect(LOAD("GIF89"), NULL, FILETYPE_TEXT, "text/plain; charset=utf-8", "txt");
    expect(LOAD("M"), NULL, FILETYPE_TEXT, "text/plain; charset=utf-8", "txt");
}

static void test_safe_name(void **state)
{
    (void)state;
    char out[256];
    char long_name[300];

    assert_true(filetype_safe_name("../etc/passwd", out, sizeof out));
    assert_string_equal(out, "passwd");
    assert_true(filetype_safe_name("C:\\Users\\张三\\a\\b.pdf", out, sizeof out));
    assert_string_equal(out, "b.pdf");
    assert_true(filetype_safe_name("a\\b", out, sizeof out));
    assert_string_equal(out, "b");
    assert_true(filetype_safe_name("2024年第三季度信访统计.xlsx", out, sizeof out));
    assert_string_equal(out, "2024年第三季度信访统计.xlsx");

    assert_false(filetype_safe_name("..", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(filetype_safe_name("a/..", out, sizeof out));
    assert_false(filetype_safe_name("x..pdf", out, sizeof out));
    assert_false(filetype_safe_name(".htaccess", out, sizeof out));
    assert_false(filetype_safe_name("dir/", out, sizeof out));
    assert_false(filetype_safe_name("", out, sizeof out));
    assert_false(filetype_safe_name(NULL, out, sizeof out));
    assert_false(filetype_safe_name("a\nb.txt", out, sizeof out));
    assert_false(filetype_safe_name("a\tb.txt", out, sizeof out));
    assert_false(filetype_safe_name("a\x7f.txt", out, sizeof out));
    assert_false(filetype_safe_name("a\xc2\x85.txt", out, sizeof out)); /* NEL */
    assert_false(filetype_safe_name("invoice\xe2\x80\xae"
                                    "fdp.exe",
                                    out, sizeof out));                         /* RLO */
    assert_false(filetype_safe_name("\xd5\xc5\xc8\xfd.txt", out, sizeof out)); /* GBK */
    assert_false(filetype_safe_name("a\xc0\xaf.txt", out, sizeof out));        /* overlong '/' */

    memset(long_name, 'a', FILETYPE_NAME_MAX);
    long_name[FILETYPE_NAME_MAX] = '\0';
    assert_true(filetype_safe_name(long_name, out, sizeof out));
    assert_int_equal(strlen(out), FILETYPE_NAME_MAX);
    long_name[FILETYPE_NAME_MAX] = 'a';
    long_name[FILETYPE_NAME_MAX + 1] = '\0';
    assert_false(filetype_safe_name(long_name, out, sizeof out));
    /* the overlong part may sit in a directory that is dropped */
    memset(long_name, 'd', 250);
    memcpy(long_name + 250, "/ok.txt", 8);
    assert_true(filetype_safe_name(long_name, out, sizeof out));
    assert_string_equal(out, "ok.txt");
    /* too small a buffer */
    assert_false(filetype_safe_name("abcdef.txt", out, 5));
    assert_string_equal(out, "");
}

static void test_ext(void **state)
{
    (void)state;
    struct filetype png, jpeg, none;
    char out[64];
    assert_int_equal(LOAD("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), 16);
    assert_int_equal(filetype_detect(buf, 16, "x.pdf", &png), ERR_OK);
    assert_int_equal(LOAD("\xff\xd8\xff\xe0"), 4);
    assert_int_equal(filetype_detect(buf, 4, NULL, &jpeg), ERR_OK);

    assert_true(filetype_ext_agrees(&png, "a.PNG"));
    assert_false(filetype_ext_agrees(&png, "x.pdf"));
    assert_false(filetype_ext_agrees(&png, "png"));
    assert_true(filetype_ext_agrees(&jpeg, "照片.JPEG"));
    assert_true(filetype_ext_agrees(&jpeg, "a.jpg"));

    assert_true(filetype_store_name(&png, "x.pdf", out, sizeof out));
    assert_string_equal(out, "x.png");
    assert_true(filetype_store_name(&png, "截图", out, sizeof out));
    assert_string_equal(out, "截图.png");
    assert_true(filetype_store_name(&jpeg, "a.Jpeg", out, sizeof out));
    assert_string_equal(out, "a.Jpeg");
    assert_false(filetype_store_name(&png, "abcdef", out, 8));
    assert_string_equal(out, "");

    assert_int_equal(filetype_detect(buf, 0, NULL, &none), ERR_UNSUPPORTED_MEDIA);
    assert_false(filetype_ext_agrees(&none, "a.png"));
    assert_false(filetype_store_name(&none, "a.png", out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_images_and_pdf),
        cmocka_unit_test(test_ooxml),
        cmocka_unit_test(test_opendocument),
        cmocka_unit_test(test_ole2),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_safe_name),
        cmocka_unit_test(test_ext),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

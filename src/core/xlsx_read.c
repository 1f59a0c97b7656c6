/* XLSX reader for imports: libzip opens the workbook in memory, expat parses the workbook,
 * its relationships, the shared strings and the first worksheet as streams. */
#include "core/xlsx_read.h"

#include <expat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/sbuf.h"

#define CHUNK 65536

struct reader {
    zip_t *za;
    struct xlsx_limits lim;
    struct xlsx_error *err;
    enum err status; /* the first failure; parsing stops at it */
    XML_Parser p;
    char *chunk;

    /* text being collected (a <t> or <v>) */
    struct sbuf text;
    bool collect;
    int in_rph; /* phonetic runs inside a string: not part of the value */

    /* workbook.xml and its relationships */
    char *sheet_rid;
    char *sheet_target;
    char *strings_target;

    /* shared strings: values NUL-separated in strings, starting at soff[i] */
    struct sbuf strings;
    size_t *soff;
    size_t nstrings, scap;
    bool in_si;

    /* the worksheet */
    bool in_data, in_cell, in_is;
    size_t row, prev_row, col;
    long prev_col;
    char ctype; /* 's' shared, 'b' bool, 'e' error, 'i' inline/str/date, 'n' number */
    struct sbuf rowdata;
    size_t *off, *lens;
    const char **ptrs;
    enum xlsx_cell_type *types;
    size_t ncols; /* one past the last column present in the current row */
    xlsx_row_fn fn;
    void *ctx;
};

static void fail(struct reader *rd, enum err e, const char *message)
{
    if (rd->status)
        return;
    rd->status = e;
    if (rd->err) {
        rd->err->message = message;
        rd->err->row = rd->in_data ? rd->row : 0;
        rd->err->col = rd->in_cell ? rd->col + 1 : 0;
    }
    if (rd->p)
        XML_StopParser(rd->p, XML_FALSE);
}

/* The element or attribute name without its namespace prefix ("x:row" -> "row"). */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

bool xlsx_parse_ref(const char *ref, size_t *col, size_t *row)
{
    size_t c = 0, k = 0;
    while (ref[k] == '$')
        k++;
    size_t letters = 0;
    while ((ref[k] >= 'A' && ref[k] <= 'Z') || (ref[k] >= 'a' && ref[k] <= 'z')) {
        char ch = ref[k] >= 'a' ? (char)(ref[k] - 'a' + 'A') : ref[k];
        c = c * 26 + (size_t)(ch - 'A' + 1);
        if (++letters > 3)
            return false; /* past XFD */
        k++;
    }
    if (!letters)
        return false;
    if (ref[k] == '$')
        k++;
    size_t rw = 0, digits = 0;
    while (ref[k] >= '0' && ref[k] <= '9') {
        rw = rw * 10 + (size_t)(ref[k] - '0');
        if (++digits > 7)
            return false; /* past 1,048,576 */
        k++;
    }
    if (ref[k] || !digits || !rw)
        return false;
    if (col)
        *col = c - 1;
    if (row)
        *row = rw;
    return true;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct reader *rd = ud;
    if (!rd->collect || rd->in_rph || rd->status)
        return;
    if (rd->text.len + (size_t)len > rd->lim.max_cell) {
        fail(rd, ERR_TOO_LARGE, "单元格内容过长");
        return;
    }
    sbuf_add(&rd->text, s, (size_t)len);
    if (sbuf_err(&rd->text))
        fail(rd, ERR_NOMEM, "内存不足");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    fail(ud, ERR_INVALID, "XLSX 文件含有不允许的文档类型声明");
}

/* ---- workbook.xml and workbook.xml.rels ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *rd = ud;
    if (rd->sheet_rid || strcmp(local(name), "sheet") != 0)
        return;
    /* r:id, the relationship naming the sheet's part (not the sheetId attribute) */
    for (size_t i = 0; atts[i]; i += 2)
        if (strchr(atts[i], ':') && strcmp(local(atts[i]), "id") == 0) {
            rd->sheet_rid = strdup(atts[i + 1]);
            if (!rd->sheet_rid)
                fail(rd, ERR_NOMEM, "内存不足");
            return;
        }
}

/* A relationship target is relative to xl/ unless it starts with '/'. */
static char *part_name(const char *target)
{
    if (target[0] == '/')
        return strdup(target + 1);
    size_t n = strlen(target);
    char *s = malloc(n + 4);
    if (s) {
        memcpy(s, "xl/", 3);
        memcpy(s + 3, target, n + 1);
    }
    return s;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *rd = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (!id || !target || !*target)
        return;
    if (rd->sheet_rid && !rd->sheet_target && strcmp(id, rd->sheet_rid) == 0) {
        rd->sheet_target = part_name(target);
        if (!rd->sheet_target)
            fail(rd, ERR_NOMEM, "内存不足");
    } else if (type && ends_with(type, "/sharedStrings") && !rd->strings_target) {
        rd->strings_target = part_name(target);
        if (!rd->strings_target)
            fail(rd, ERR_NOMEM, "内存不足");
    }
}

/* ---- sharedStrings.xml: <si><t>..</t></si> or <si><r><t>..</t></r>..<rPh>..</rPh></si> ---- */

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *rd = ud;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        rd->in_si = true;
        sbuf_reset(&rd->text);
    } else if (strcmp(n, "rPh") == 0) {
        rd->in_rph++;
    } else if (rd->in_si && strcmp(n, "t") == 0) {
        rd->collect = true;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
    struct reader *rd = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        rd->collect = false;
    } else if (strcmp(n, "rPh") == 0) {
        if (rd->in_rph)
            rd->in_rph--;
    } else if (strcmp(n, "si") == 0 && rd->in_si) {
        rd->in_si = false;
        if (rd->nstrings == rd->scap) {
            size_t cap = rd->scap ? rd->scap * 2 : 1024;
            size_t *o = realloc(rd->soff, cap * sizeof(*o));
            if (!o) {
                fail(rd, ERR_NOMEM, "内存不足");
                return;
            }
            rd->soff = o;
            rd->scap = cap;
        }
        if (rd->strings.len + rd->text.len + 1 > rd->lim.max_strings) {
            fail(rd, ERR_TOO_LARGE, "XLSX 文件中的文字内容过多");
            return;
        }
        rd->soff[rd->nstrings++] = rd->strings.len;
        sbuf_add(&rd->strings, rd->text.buf, rd->text.len);
        sbuf_addc(&rd->strings, '\0');
        if (sbuf_err(&rd->strings))
            fail(rd, ERR_NOMEM, "内存不足");
    }
}

/* ---- the worksheet ---- */

static void row_begin(struct reader *rd, const char **atts)
{
    const char *r = attr(atts, "r");
    size_t n = 0;
    if (r) {
        int64_t v = 0;
        size_t k = 0;
        while (r[k] >= '0' && r[k] <= '9' && k < 8)
            v = v * 10 + (r[k++] - '0');
        if (r[k] || !k || v <= 0 || (size_t)v <= rd->prev_row) {
            fail(rd, ERR_INVALID, "XLSX 文件中的行号无效");
            return;
        }
        n = (size_t)v;
    } else {
        n = rd->prev_row + 1;
    }
    rd->row = n;
    rd->prev_col = -1;
    rd->ncols = 0;
    sbuf_reset(&rd->rowdata);
}

static void cell_begin(struct reader *rd, const char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t");
    size_t col = (size_t)(rd->prev_col + 1);
    rd->in_cell = true;
    rd->col = col; /* where a bad reference is reported */
    if (r && !xlsx_parse_ref(r, &col, NULL)) {
        fail(rd, ERR_INVALID, "XLSX 文件中的单元格引用无效");
        return;
    }
    rd->col = col;
    if (col >= rd->lim.max_cols) {
        fail(rd, ERR_TOO_LARGE, "列数超过上限");
        return;
    }
    rd->ctype = 'n';
    if (t) {
        if (strcmp(t, "s") == 0)
            rd->ctype = 's';
        else if (strcmp(t, "b") == 0)
            rd->ctype = 'b';
        else if (strcmp(t, "e") == 0)
            rd->ctype = 'e';
        else if (strcmp(t, "str") == 0 || strcmp(t, "inlineStr") == 0 || strcmp(t, "d") == 0)
            rd->ctype = 'i';
    }
    sbuf_reset(&rd->text);
}

static void cell_end(struct reader *rd)
{
    const char *v = rd->text.buf;
    size_t vlen = rd->text.len;
    enum xlsx_cell_type type = XLSX_STRING;
    switch (rd->ctype) {
    case 's': {
        size_t i = 0, k = 0;
        while (v[k] == ' ')
            k++;
        if (!v[k]) {
            type = XLSX_EMPTY;
            break;
        }
        for (; v[k] >= '0' && v[k] <= '9'; k++) {
            i = i * 10 + (size_t)(v[k] - '0');
            if (i > rd->nstrings)
                break;
        }
        if (v[k] || i >= rd->nstrings) {
            fail(rd, ERR_INVALID, "XLSX 文件中的共享字符串编号无效");
            return;
        }
        v = rd->strings.buf + rd->soff[i];
        vlen = strlen(v);
        break;
    }
    case 'b':
        type = XLSX_BOOL;
        v = vlen && v[0] == '1' ? "1" : "0";
        vlen = 1;
        if (!rd->text.len)
            type = XLSX_EMPTY;
        break;
    case 'e':
        type = XLSX_ERROR;
        break;
    case 'n':
        type = XLSX_NUMBER;
        break;
    default:
        break;
    }
    if (!vlen)
        type = XLSX_EMPTY;
    /* a column given twice in a row: the later value wins, the earlier stays unused */
    while (rd->ncols <= rd->col) {
        rd->off[rd->ncols] = SIZE_MAX;
        rd->ncols++;
    }
    rd->off[rd->col] = rd->rowdata.len;
    rd->lens[rd->col] = vlen;
    rd->types[rd->col] = type;
    sbuf_add(&rd->rowdata, v, vlen);
    sbuf_addc(&rd->rowdata, '\0');
    if (sbuf_err(&rd->rowdata))
        fail(rd, ERR_NOMEM, "内存不足");
    rd->prev_col = (long)rd->col;
}

static void row_end(struct reader *rd)
{
    rd->prev_row = rd->row;
    if (!rd->ncols)
        return;
    for (size_t c = 0; c < rd->ncols; c++) {
        if (rd->off[c] == SIZE_MAX) {
            rd->ptrs[c] = "";
            rd->lens[c] = 0;
            rd->types[c] = XLSX_EMPTY;
        } else {
            rd->ptrs[c] = rd->rowdata.buf + rd->off[c];
        }
    }
    struct xlsx_row row = {
        .row = rd->row, .n = rd->ncols, .cell = rd->ptrs, .len = rd->lens, .type = rd->types};
    enum err e = rd->fn(rd->ctx, &row);
    if (e) {
        rd->status = e; /* the callback's own error: no message of ours */
        XML_StopParser(rd->p, XML_FALSE);
    }
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *rd = ud;
    const char *n = local(name);
    if (strcmp(n, "sheetData") == 0) {
        rd->in_data = true;
    } else if (!rd->in_data) {
        return;
    } else if (strcmp(n, "row") == 0) {
        row_begin(rd, atts);
    } else if (strcmp(n, "c") == 0) {
        cell_begin(rd, atts);
    } else if (!rd->in_cell) {
        return;
    } else if (strcmp(n, "v") == 0) {
        rd->collect = true;
    } else if (strcmp(n, "is") == 0) {
        rd->in_is = true;
    } else if (strcmp(n, "rPh") == 0) {
        rd->in_rph++;
    } else if (rd->in_is && strcmp(n, "t") == 0) {
        rd->collect = true;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct reader *rd = ud;
    const char *n = local(name);
    if (!rd->in_data || rd->status)
        return;
    if (strcmp(n, "sheetData") == 0) {
        rd->in_data = false;
    } else if (strcmp(n, "row") == 0) {
        row_end(rd);
    } else if (strcmp(n, "c") == 0 && rd->in_cell) {
        cell_end(rd);
        rd->in_cell = rd->in_is = rd->collect = false;
        rd->in_rph = 0;
    } else if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        rd->collect = false;
    } else if (strcmp(n, "rPh") == 0) {
        if (rd->in_rph)
            rd->in_rph--;
    } else if (strcmp(n, "is") == 0) {
        rd->in_is = false;
    }
}

/* Inflates the part name chunk by chunk into a fresh parser with the given handlers.
 * ERR_NOT_FOUND when the zip has no such part. */
static enum err parse_part(struct reader *rd, const char *name, XML_StartElementHandler start,
                           XML_EndElementHandler end)
{
    zip_int64_t idx = zip_name_locate(rd->za, name, ZIP_FL_NOCASE);
    if (idx < 0)
        return ERR_NOT_FOUND;
    zip_file_t *zf = zip_fopen_index(rd->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        fail(rd, ERR_INVALID, "文件不是有效的 XLSX 工作簿（无法解压）");
        return rd->status;
    }
    rd->p = XML_ParserCreate(NULL);
    if (!rd->p) {
        zip_fclose(zf);
        fail(rd, ERR_NOMEM, "内存不足");
        return rd->status;
    }
    XML_SetUserData(rd->p, rd);
    XML_SetElementHandler(rd->p, start, end);
    XML_SetCharacterDataHandler(rd->p, on_text);
    XML_SetStartDoctypeDeclHandler(rd->p, on_doctype);
    size_t total = 0;
    for (;;) {
        zip_int64_t got = zip_fread(zf, rd->chunk, CHUNK);
        if (got < 0) {
            fail(rd, ERR_INVALID, "文件不是有效的 XLSX 工作簿（数据损坏）");
            break;
        }
        total += (size_t)got;
        if (total > rd->lim.max_part) {
            fail(rd, ERR_TOO_LARGE, "XLSX 文件内容过大");
            break;
        }
        if (XML_Parse(rd->p, rd->chunk, (int)got, got == 0) == XML_STATUS_ERROR) {
            fail(rd, ERR_INVALID, "XLSX 文件内容格式错误");
            break;
        }
        if (got == 0 || rd->status)
            break;
    }
    XML_ParserFree(rd->p);
    rd->p = NULL;
    zip_fclose(zf);
    rd->collect = false;
    rd->in_rph = 0;
    return rd->status;
}

static void limits(struct xlsx_limits *out, const struct xlsx_limits *in)
{
    *out = in ? *in : (struct xlsx_limits){0};
    if (!out->max_part)
        out->max_part = (size_t)256 << 20;
    if (!out->max_strings)
        out->max_strings = (size_t)64 << 20;
    if (!out->max_cols || out->max_cols > 16384)
        out->max_cols = out->max_cols ? 16384 : 256;
    if (!out->max_cell)
        out->max_cell = (size_t)64 << 10;
}

enum err xlsx_read(const void *buf, size_t n, const struct xlsx_limits *lim, xlsx_row_fn fn,
                   void *ctx, struct xlsx_error *err)
{
    struct reader rd = {.err = err, .fn = fn, .ctx = ctx};
    enum err e = ERR_OK;
    zip_error_t ze;
    zip_source_t *src = NULL;

    if (err)
        *err = (struct xlsx_error){0};
    limits(&rd.lim, lim);
    sbuf_init(&rd.text, rd.lim.max_cell + 1);
    sbuf_init(&rd.strings, rd.lim.max_strings + 1);
    sbuf_init(&rd.rowdata, 0);
    zip_error_init(&ze);
    rd.chunk = malloc(CHUNK);
    rd.off = calloc(rd.lim.max_cols, sizeof(*rd.off));
    rd.lens = calloc(rd.lim.max_cols, sizeof(*rd.lens));
    rd.ptrs = calloc(rd.lim.max_cols, sizeof(*rd.ptrs));
    rd.types = calloc(rd.lim.max_cols, sizeof(*rd.types));
    if (!rd.chunk || !rd.off || !rd.lens || !rd.ptrs || !rd.types) {
        fail(&rd, ERR_NOMEM, "内存不足");
        goto out;
    }
    src = zip_source_buffer_create(buf, n, 0, &ze);
    if (src)
        rd.za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!rd.za) {
        fail(&rd, ERR_INVALID, "文件不是有效的 XLSX 工作簿");
        goto out;
    }
    src = NULL; /* the archive owns it now */

    /* a missing part answers ERR_NOT_FOUND and leaves rd.status alone */
    e = parse_part(&rd, "xl/workbook.xml", wb_start, NULL);
    if (e == ERR_NOT_FOUND || (!e && !rd.sheet_rid)) {
        fail(&rd, ERR_INVALID, "XLSX 文件中没有工作表");
        goto out;
    }
    if (e)
        goto out;
    e = parse_part(&rd, "xl/_rels/workbook.xml.rels", rels_start, NULL);
    if (e && e != ERR_NOT_FOUND)
        goto out;
    e = parse_part(&rd, rd.strings_target ? rd.strings_target : "xl/sharedStrings.xml", ss_start,
                   ss_end);
    if (e && e != ERR_NOT_FOUND)
        goto out;
    e = parse_part(&rd, rd.sheet_target ? rd.sheet_target : "xl/worksheets/sheet1.xml", sheet_start,
                   sheet_end);
    if (e == ERR_NOT_FOUND)
        fail(&rd, ERR_INVALID, "XLSX 文件中没有工作表");
out:
    e = rd.status;
    if (rd.za)
        zip_discard(rd.za);
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    free(rd.chunk);
    free(rd.off);
    free(rd.lens);
    free(rd.ptrs);
    free(rd.types);
    free(rd.soff);
    free(rd.sheet_rid);
    free(rd.sheet_target);
    free(rd.strings_target);
    sbuf_release(&rd.text);
    sbuf_release(&rd.strings);
    sbuf_release(&rd.rowdata);
    return e;
}

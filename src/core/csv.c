/* CSV writer (streaming, injection-guarded) and RFC 4180 reader with line-numbered errors,
 * shared by every entity's export and import. */
#include "core/csv.h"

#include <string.h>

#include "core/utf8.h"

/* ---- Writer ---- */

static void flush(struct csv_writer *w)
{
    if (w->err || !w->len)
        return;
    if (w->write(w->ctx, w->buf, w->len) != 0)
        w->err = ERR_IO;
    w->len = 0;
}

static void put(struct csv_writer *w, const char *s, size_t n)
{
    while (n && !w->err) {
        if (w->len == sizeof(w->buf))
            flush(w);
        if (w->err)
            return;
        size_t room = sizeof(w->buf) - w->len;
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
    }
}

void csv_writer_init(struct csv_writer *w, csv_sink_fn write, void *ctx)
{
    w->write = write;
    w->ctx = ctx;
    w->len = 0;
    w->row_fields = 0;
    w->begun = false;
    w->err = ERR_OK;
}

void csv_writer_begin(struct csv_writer *w)
{
    if (w->begun)
        return;
    w->begun = true;
    put(w, "\xEF\xBB\xBF", 3);
}

enum err csv_writer_finish(struct csv_writer *w)
{
    flush(w);
    return w->err;
}

/* Spreadsheets evaluate a cell starting with these (OWASP "CSV injection"). */
static bool needs_guard(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]);
}

static void separator(struct csv_writer *w)
{
    if (w->row_fields++)
        put(w, ",", 1);
}

static void field_text(struct csv_writer *w, const char *s, bool guard)
{
    separator(w);
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        put(w, "\"", 1);
    if (guard)
        put(w, "'", 1);
    const char *q;
    while (quote && (q = memchr(s, '"', n)) != NULL) {
        size_t k = (size_t)(q - s) + 1;
        put(w, s, k);
        put(w, "\"", 1);
        s += k;
        n -= k;
    }
    put(w, s, n);
    if (quote)
        put(w, "\"", 1);
}

void csv_field(struct csv_writer *w, const char *s)
{
    if (!s)
        s = "";
    field_text(w, s, needs_guard(s));
}

/* -?digits(.digits)? — what we write unguarded. */
static bool plain_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void csv_field_number(struct csv_writer *w, const char *s)
{
    if (s && plain_number(s))
        field_text(w, s, false);
    else
        csv_field(w, s);
}

void csv_end_row(struct csv_writer *w)
{
    put(w, "\r\n", 2);
    w->row_fields = 0;
}

/* ---- Reader ---- */

void csv_reader_init(struct csv_reader *r, const char *buf, size_t n)
{
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        n -= 3;
    }
    r->p = buf;
    r->end = buf + n;
    r->line = 1;
    r->max_field = CSV_DEFAULT_MAX_FIELD;
    r->max_cols = CSV_MAX_COLUMNS;
    sbuf_init(&r->data, 0);
    r->err = ERR_OK;
    r->err_line = 0;
    r->err_column = 0;
    r->err_msg = NULL;
}

void csv_reader_release(struct csv_reader *r)
{
    sbuf_release(&r->data);
}

static enum err fail(struct csv_reader *r, enum err e, size_t line, size_t col, const char *msg)
{
    r->err = e;
    r->err_line = line;
    r->err_column = col;
    r->err_msg = msg;
    return e;
}

/* Consumes one line break (CRLF, LF or CR) at p. */
static void newline(struct csv_reader *r)
{
    if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
        r->p++;
    r->p++;
    r->line++;
}

/* Reads a quoted value; p is just past the opening quote. */
static enum err quoted(struct csv_reader *r, size_t start, size_t col)
{
    size_t open_line = r->line;
    for (;;) {
        const char *s = r->p;
        while (r->p < r->end && *r->p != '"' && *r->p != '\r' && *r->p != '\n')
            r->p++;
        sbuf_add(&r->data, s, (size_t)(r->p - s));
        if (r->data.len - start > r->max_field)
            return fail(r, ERR_TOO_LARGE, open_line, col, "字段过长");
        if (r->p == r->end)
            return fail(r, ERR_INVALID, open_line, col, "引号未闭合");
        if (*r->p == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                sbuf_addc(&r->data, '"');
                r->p += 2;
                continue;
            }
            r->p++;
            break;
        }
        /* a line break inside the value is kept byte for byte */
        s = r->p;
        newline(r);
        sbuf_add(&r->data, s, (size_t)(r->p - s));
    }
    if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n')
        return fail(r, ERR_INVALID, r->line, col, "引号后出现多余字符");
    return ERR_OK;
}

static enum err unquoted(struct csv_reader *r, size_t start, size_t col)
{
    const char *s = r->p;
    while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
        if (*r->p == '"')
            return fail(r, ERR_INVALID, r->line, col, "未加引号的字段中出现引号");
        r->p++;
    }
    if ((size_t)(r->p - s) > r->max_field)
        return fail(r, ERR_TOO_LARGE, r->line, col, "字段过长");
    sbuf_add(&r->data, s, (size_t)(r->p - s));
    return ERR_OK;
}

enum err csv_read_row(struct csv_reader *r, struct csv_row *row)
{
    enum err err = r->err;
    row->n = 0;
    row->field = r->ptrs;
    row->len = r->lens;
    row->line = r->line;
    if (err || r->p == r->end)
        goto out;
    sbuf_reset(&r->data);
    size_t n = 0;
    size_t max_cols = r->max_cols < CSV_MAX_COLUMNS ? r->max_cols : CSV_MAX_COLUMNS;
    for (;;) {
        size_t start = r->data.len;
        size_t field_line = r->line;
        if (n == max_cols) {
            err = fail(r, ERR_TOO_LARGE, r->line, n + 1, "列数过多");
            goto out;
        }
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            err = quoted(r, start, n + 1);
        } else {
            err = unquoted(r, start, n + 1);
        }
        if (err)
            goto out;
        size_t len = r->data.len - start;
        if (!utf8_valid(r->data.buf + start, len)) {
            err = fail(r, ERR_BAD_ENCODING, field_line, n + 1, "不是有效的 UTF-8 文本");
            goto out;
        }
        sbuf_addc(&r->data, '\0');
        err = sbuf_err(&r->data);
        if (err) {
            err = fail(r, err, field_line, n + 1, err == ERR_NOMEM ? "内存不足" : "行过长");
            goto out;
        }
        r->off[n] = start;
        r->lens[n] = len;
        n++;
        if (r->p == r->end)
            break;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        newline(r);
        break;
    }
    /* the sbuf may have moved while the row grew */
    for (size_t i = 0; i < n; i++)
        r->ptrs[i] = r->data.buf + r->off[i];
    row->n = n;
out:
    return err;
}

const char *csv_unguard(const char *s)
{
    if (s[0] == '\'' && needs_guard(s + 1))
        return s + 1;
    return s;
}

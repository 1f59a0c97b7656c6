/* POST /api/v1/{entity}/import[?dry_run=1]: rows from an XLSX or CSV file, each written
 * as a client would POST it, all or nothing in the request's transaction. Every row is
 * checked even after a bad one, so the report names every mistake with its row. */
#include <iconv.h>
#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/encode.h"
#include "core/filetype.h"
#include "core/utf8.h"
#include "core/xlsx_read.h"
#include "engine/engine.h"
#include "engine/internal.h"
#include "engine/transfer.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define IMPORT_MAX_ROWS   10000  /* data rows per file */
#define IMPORT_MAX_LINES  100000 /* rows read, blank ones included */
#define IMPORT_MAX_ERRORS 1000   /* errors kept for the report (all are counted) */
#define IMPORT_MAX_COLS   256

struct import {
    struct req *r;
    const struct entity *e;
    bool xlsx;
    bool header_done;
    size_t ncols;                                   /* columns of the header */
    const struct field_def *field[IMPORT_MAX_COLS]; /* NULL: an ignored column */
    size_t rows;                                    /* data rows seen */
    size_t lines;                                   /* rows read */
    json_t *ids;
    struct field_error *errs; /* in keep's arena */
    size_t nerrs, cap, total;
    struct arena *keep; /* the request's arena, also while a row has a scratch one */
    struct xfer_enums enums;
    json_t *refs; /* "entity\x1flabel" -> id text, "" none, "*" several */
};

/* ---- the report ---- */

static void keep_error(struct import *im, size_t row, const struct field_error *fe)
{
    im->total++;
    if (im->nerrs == IMPORT_MAX_ERRORS)
        return;
    if (im->nerrs == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 32;
        struct field_error *e = arena_calloc(im->keep, cap, sizeof(*e));
        if (!e)
            return;
        if (im->nerrs)
            memcpy(e, im->errs, im->nerrs * sizeof(*e));
        im->errs = e;
        im->cap = cap;
    }
    struct field_error *k = &im->errs[im->nerrs++];
    *k = *fe;
    k->row = (int)row;
    const char *m = arena_printf(im->keep, "第%zu行：%s", row, fe->message);
    k->message = m ? m : "";
    k->field = arena_strdup(im->keep, fe->field);
    if (!k->field)
        k->field = "";
    k->code = arena_strdup(im->keep, fe->code);
    if (!k->code)
        k->code = "invalid";
}

/* Moves the errors r collected for this row into the report (one per field: a value that
 * could not be read is not reported again as missing), and clears them on r. */
static void take_errors(struct import *im, size_t row)
{
    struct req *r = im->r;
    for (size_t i = 0; i < r->nerrors; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(r->errors[j].field, r->errors[i].field) == 0;
        if (!dup)
            keep_error(im, row, &r->errors[i]);
    }
    r->nerrors = 0;
    r->message = NULL;
}

/* A header or cell text for a message: at most 64 bytes of whole characters, printable. */
static const char *shown_text(struct req *r, const char *s)
{
    size_t n = strlen(s);
    if (n > 64) {
        n = 64;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *c = arena_strndup(&r->arena, s, n);
    for (char *p = c; p && *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
    return c ? c : "?";
}

static const char *column_name(struct req *r, size_t col)
{
    char buf[8];
    size_t n = 0, c = col + 1;
    char rev[8];
    while (c && n < sizeof(rev)) {
        rev[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
    return arena_strdup(&r->arena, buf);
}

/* ---- values ---- */

/* s without surrounding ASCII white space and ideographic spaces, in the arena. */
static const char *trimmed(struct req *r, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
           strncmp(s, "\xE3\x80\x80", 3) == 0)
        s += *s == '\xE3' ? 3 : 1;
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
            n--;
        else if (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    return arena_strndup(&r->arena, s, n);
}

/* A number as a spreadsheet wrote it ("1.3812345678E10", "12.0") as the integer text it
 * stands for, when it is one; else s. */
static const char *integral_text(struct req *r, const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v != floor(v) || fabs(v) >= 1e15)
        return s;
    return arena_printf(&r->arena, "%.0f", v);
}

static enum err field_error(struct req *r, const struct field_def *f, const char *code)
{
    req_field_error(r, f->name, f->label, code);
    return ERR_OK;
}

/* Splits s at 、 ， , ; ； into its trimmed, non-empty parts. */
static json_t *split_list(struct req *r, const char *s)
{
    json_t *out = json_array();
    const char *p = s;
    while (out && *p) {
        size_t n = 0, skip = 0;
        while (p[n]) {
            if (p[n] == ',' || p[n] == ';') {
                skip = 1;
                break;
            }
            if (strncmp(p + n, "、", 3) == 0 || strncmp(p + n, "，", 3) == 0 ||
                strncmp(p + n, "；", 3) == 0) {
                skip = 3;
                break;
            }
            n++;
        }
        const char *copy = arena_strndup(&r->arena, p, n);
        const char *part = copy ? trimmed(r, copy) : NULL;
        if (part && *part)
            json_array_append_new(out, json_string(part));
        p += n + skip;
    }
    return out;
}

/* The id of the one live row of ref in the reader's scope whose label column is text: its
 * id as text, "" when none, "*" when several. */
static enum err find_by_label(struct req *r, const struct entity *ref, const char *label,
                              const char *text, const char **out)
{
    struct scope sc;
    enum err e = access_scope(r, ref->perms.read, &sc);
    if (e)
        return e;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, arena_printf(&r->arena, "SELECT t.id FROM %s t WHERE t.%s = ", ref->table, label));
    sqlq_arg(&q, DB_T(text));
    if (ref->flags & ENTITY_SOFT_DELETE)
        sqlq_add(&q, " AND t.deleted_at IS NULL");
    if (engine_scope_field(ref)) {
        sqlq_add(&q, " AND ");
        access_scope_sql(&sc, "t.region_code", &r->arena, &q);
    }
    sqlq_add(&q, " LIMIT 2");
    struct db_rows rows;
    e = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (e)
        return e;
    *out = rows.nrows == 1  ? arena_printf(&r->arena, "%lld", (long long)db_int(&rows, 0, 0))
           : rows.nrows > 1 ? "*"
                            : "";
    return *out ? ERR_OK : ERR_NOMEM;
}

/* A reference given by id, or by the label of exactly one live row in the reader's scope
 * of the referenced entity (looked up once per file). *out gets the id text, or NULL with a
 * field error on r. */
static enum err ref_of(struct import *im, const struct field_def *f, const char *text,
                       const char **out)
{
    struct req *r = im->r;
    *out = NULL;
    int64_t id;
    if (parse_int64(text, &id) && id > 0) {
        *out = text;
        return ERR_OK;
    }
    const struct entity *ref = engine_entity(f->ref);
    const char *label = ref && !ref->key ? engine_label_column(ref) : NULL;
    if (!label)
        return field_error(r, f, "type_id");
    const char *key = arena_printf(&r->arena, "%s\x1f%s", ref->name, text);
    if (!key)
        return ERR_NOMEM;
    json_t *hit = json_object_get(im->refs, key);
    if (!hit) {
        const char *found = ""; /* rows one may not read do not exist for them */
        if (access_has(r, ref->perms.read)) {
            enum err e = find_by_label(r, ref, label, text, &found);
            if (e)
                return e;
        }
        hit = json_string(found);
        if (!hit || json_object_set_new(im->refs, key, hit))
            return ERR_NOMEM;
    }
    const char *v = json_string_value(hit);
    if (!*v)
        return field_error(r, f, "not_found");
    if (*v == '*')
        return field_error(r, f, "ambiguous_ref");
    *out = v;
    return ERR_OK;
}

/* One cell as the JSON value a client would send for f; NULL (with a field error on r)
 * when it cannot be read. */
static enum err value_of(struct import *im, const struct field_def *f, const char *text,
                         enum xlsx_cell_type type, json_t **out)
{
    struct req *r = im->r;
    bool number = type == XLSX_NUMBER; /* a CSV's cells are all text */
    *out = NULL;
    switch (f->type) {
    case FT_INT: {
        int64_t v;
        if (!parse_int64(integral_text(r, text), &v))
            return field_error(r, f, "type_integer");
        *out = json_integer(v);
        break;
    }
    case FT_DECIMAL:
        if (number) {
            /* the shortest text that reads back as the same double, within the scale */
            char *end;
            double v = strtod(text, &end);
            char buf[64];
            snprintf(buf, sizeof(buf), "%.*f", f->scale, v);
            if (strtod(buf, NULL) == v)
                text = arena_strdup(&r->arena, buf);
        }
        *out = json_string(text);
        break;
    case FT_BOOL:
        if (!strcmp(text, "是") || !strcmp(text, "1") || !strcasecmp(text, "true") ||
            !strcasecmp(text, "y") || !strcasecmp(text, "yes"))
            *out = json_true();
        else if (!strcmp(text, "否") || !strcmp(text, "0") || !strcasecmp(text, "false") ||
                 !strcasecmp(text, "n") || !strcasecmp(text, "no"))
            *out = json_false();
        else
            return field_error(r, f, "import_boolean");
        break;
    case FT_DATE: {
        int64_t t;
        if (number && xfer_excel_time(text, &t)) {
            char day[CALENDAR_DATE_LEN + 1];
            calendar_format_date(calendar_today(t), day);
            text = arena_strdup(&r->arena, day);
        } else if (strlen(text) == 10 && text[4] == '/' && text[7] == '/') {
            char *s = arena_strdup(&r->arena, text);
            if (s) {
                s[4] = s[7] = '-';
                text = s;
            }
        } else if (strlen(text) > 10 && xfer_time_parse(text, &t) &&
                   strcmp(text + 10, " 00:00:00") == 0) {
            text = arena_strndup(&r->arena, text, 10);
        }
        *out = json_string(text ? text : "");
        break;
    }
    case FT_DATETIME: {
        int64_t t;
        if (!(number ? xfer_excel_time(text, &t) : xfer_time_parse(text, &t)))
            return field_error(r, f, "import_datetime");
        char utc[21];
        clock_format_utc(t, utc);
        *out = json_string(utc);
        break;
    }
    case FT_ENUM: {
        const char *code = NULL;
        enum err e = xfer_enum_code(r, &im->enums, engine_enum(f->enum_name), text, &code);
        if (e)
            return e;
        if (!code)
            return field_error(r, f, "invalid_enum");
        *out = json_string(code);
        break;
    }
    case FT_REF: {
        const char *id;
        enum err e = ref_of(im, f, text, &id);
        if (e || !id)
            return e;
        *out = json_string(id);
        break;
    }
    case FT_MULTI_REF: {
        json_t *parts = split_list(r, text), *ids = json_array();
        size_t i;
        json_t *p;
        enum err e = parts && ids ? ERR_OK : ERR_NOMEM;
        json_array_foreach(parts, i, p)
        {
            const char *id = NULL;
            if (!e)
                e = ref_of(im, f, json_string_value(p), &id);
            if (e || !id)
                break;
            json_array_append_new(ids, json_string(id));
        }
        json_decref(parts);
        if (e || json_array_size(ids) != i) {
            json_decref(ids);
            return e;
        }
        *out = ids;
        break;
    }
    case FT_TAGS:
        *out = split_list(r, text);
        break;
    case FT_GEO: {
        char *end, *end2;
        const char *comma = strstr(text, "，");
        size_t skip = comma ? 3 : 1;
        if (!comma)
            comma = strchr(text, ',');
        double lng = comma ? strtod(text, &end) : 0, lat = 0;
        if (!comma || end != comma)
            return field_error(r, f, "import_geo");
        lat = strtod(comma + skip, &end2);
        if (end2 == comma + skip || *trimmed(r, end2) || !isfinite(lng) || !isfinite(lat))
            return field_error(r, f, "import_geo");
        *out = json_pack("{s:f, s:f}", "lng", lng, "lat", lat);
        break;
    }
    case FT_TEXT:
    case FT_PHONE:
    case FT_IDCARD:
    case FT_USCC:
    case FT_REGION:
        *out = json_string(number ? integral_text(r, text) : text);
        break;
    case FT_LONGTEXT:
    case FT_ATTACHMENTS:
        *out = json_string(text);
        break;
    }
    if (!*out)
        return field_error(r, f, "invalid_format");
    return ERR_OK;
}

/* ---- rows ---- */

static bool importable(const struct field_def *f)
{
    return !(f->flags & FF_READONLY) && f->type != FT_ATTACHMENTS;
}

/* The header row: each column's field by 中文 label (as export writes it) or by name;
 * the id, the state and read-only columns of an exported file are ignored. */
static void header_row(struct import *im, size_t row, const char *const *cells, size_t n)
{
    struct req *r = im->r;
    const struct entity *e = im->e;
    im->ncols = n < IMPORT_MAX_COLS ? n : IMPORT_MAX_COLS;
    for (size_t c = 0; c < im->ncols; c++) {
        const char *h = trimmed(r, cells[c]);
        im->field[c] = NULL;
        if (!h || !*h)
            continue;
        const struct field_def *hit = NULL;
        for (const struct field_def *f = e->fields; f->name && !hit; f++)
            if (strcmp(f->label, h) == 0 || strcmp(f->name, h) == 0)
                hit = f;
        if (hit && !importable(hit))
            continue;
        if (!hit) {
            if (strcmp(h, xfer_id_header(e)) == 0 || strcmp(h, "id") == 0)
                continue;
            if (e->workflow && (strcmp(h, "状态") == 0 || strcmp(h, "state") == 0))
                continue;
            const char *t = shown_text(r, h);
            req_field_error(r, t, t, "unknown_column");
            continue;
        }
        for (size_t k = 0; k < c; k++)
            if (im->field[k] == hit) {
                req_field_error(r, hit->name, h, "duplicate_column");
                hit = NULL;
                break;
            }
        im->field[c] = hit;
    }
    take_errors(im, row);
}

/* One data row: its cells as a JSON object, written through engine_write. */
static enum err data_row(struct import *im, size_t row, const char *const *cells,
                         const enum xlsx_cell_type *types, size_t n)
{
    struct req *r = im->r;
    json_t *obj = json_object();
    if (!obj)
        return ERR_NOMEM;
    enum err err = ERR_OK;
    for (size_t c = 0; c < n && !err; c++) {
        const char *raw = im->xlsx ? cells[c] : csv_unguard(cells[c]);
        const struct field_def *f = c < im->ncols ? im->field[c] : NULL;
        const char *text = f && f->type == FT_LONGTEXT ? raw : trimmed(r, raw);
        if (!text) {
            err = ERR_NOMEM;
            break;
        }
        if (!*text)
            continue;
        if (c >= im->ncols) {
            const char *col = column_name(r, c);
            req_field_error(r, col ? col : "?", col ? col : "?", "no_header");
            continue;
        }
        if (!f)
            continue;
        json_t *v = NULL;
        err = value_of(im, f, text, types ? types[c] : XLSX_STRING, &v);
        if (v)
            json_object_set_new(obj, f->name, v);
    }
    int64_t id = 0;
    if (!err)
        err = engine_write(r, im->e, obj, 0, 0, &id);
    json_decref(obj);
    if (err && !r->nerrors && err_http(err) >= 400 && err_http(err) < 500 && err != ERR_TOO_LARGE) {
        /* a hook's refusal without a field: reported for the row as a whole */
        const char *m = r->message ? r->message : msg_err(err);
        req_field_error(r, "", "", err_code(err));
        r->errors[r->nerrors - 1].message = m;
    }
    if (r->nerrors) {
        take_errors(im, row);
        return ERR_OK;
    }
    if (err)
        return err; /* the database or memory failed: the import stops */
    return json_array_append_new(im->ids, json_id(id)) ? ERR_NOMEM : ERR_OK;
}

/* Every row of the file, header first. Blank rows are skipped. */
static enum err on_row(struct import *im, size_t row, const char *const *cells,
                       const enum xlsx_cell_type *types, size_t n)
{
    if (++im->lines > IMPORT_MAX_LINES)
        return req_fail(im->r, ERR_TOO_LARGE, "import_too_many_rows");
    bool blank = true;
    for (size_t c = 0; c < n && blank; c++)
        for (const char *p = cells[c]; *p && blank; p++)
            blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
    if (blank)
        return ERR_OK;
    if (!im->header_done) {
        im->header_done = true;
        header_row(im, row, cells, n);
        /* with a wrong header every row would fail the same way: report the header only */
        return im->total ? ERR_INVALID : ERR_OK;
    }
    if (++im->rows > IMPORT_MAX_ROWS)
        return req_fail(im->r, ERR_TOO_LARGE, "import_too_many_rows");
    struct xfer_scratch sc;
    xfer_scratch_begin(im->r, &sc);
    im->keep = &sc.saved;
    enum err err = data_row(im, row, cells, types, n);
    im->keep = &im->r->arena;
    xfer_scratch_end(im->r, &sc);
    return err;
}

static enum err on_xlsx_row(void *ctx, const struct xlsx_row *row)
{
    return on_row(ctx, row->row, row->cell, row->type, row->n);
}

/* A structural problem of the file (bad quoting, bad zip): one error at its row. */
static enum err file_error(struct import *im, size_t row, const char *why)
{
    struct field_error fe = {.field = "", .code = "invalid_file", .message = why};
    if (row) {
        keep_error(im, row, &fe);
    } else {
        im->total++;
        im->r->message = why;
    }
    return ERR_INVALID;
}

/* Whether the CSV has more data rows than an import takes: counted before any row is
 * written, so an oversized file is refused at once. */
static bool csv_too_long(const char *buf, size_t n)
{
    struct csv_reader cr;
    csv_reader_init(&cr, buf, n);
    cr.max_cols = IMPORT_MAX_COLS;
    size_t rows = 0;
    struct csv_row cells;
    while (rows <= IMPORT_MAX_ROWS + 1 && csv_read_row(&cr, &cells) == ERR_OK && cells.n) {
        bool blank = true;
        for (size_t c = 0; c < cells.n && blank; c++)
            blank = cells.len[c] == 0;
        rows += !blank;
    }
    csv_reader_release(&cr);
    return rows > IMPORT_MAX_ROWS + 1; /* the header is one of them */
}

static enum err read_csv(struct import *im, const char *buf, size_t n)
{
    if (csv_too_long(buf, n))
        return req_fail(im->r, ERR_TOO_LARGE, "import_too_many_rows");
    struct csv_reader cr;
    csv_reader_init(&cr, buf, n);
    cr.max_cols = IMPORT_MAX_COLS;
    enum err err = ERR_OK;
    for (size_t row = 1;; row++) {
        struct csv_row cells;
        err = csv_read_row(&cr, &cells);
        if (err) {
            if (err != ERR_NOMEM)
                err = file_error(im, row, cr.err_msg ? cr.err_msg : msg_text("import_bad_file"));
            break;
        }
        if (!cells.n)
            break;
        err = on_row(im, row, cells.field, NULL, cells.n);
        if (err)
            break;
    }
    csv_reader_release(&cr);
    return err;
}

/* A CSV that is not UTF-8 is most likely GB18030 (Excel's "CSV" on a Chinese Windows):
 * converted into a malloc'd buffer, or NULL when it is not that either. */
static char *from_gb18030(const char *in, size_t n, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = n * 2 + 16;
    char *out = malloc(cap);
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    bool ok = out && iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0;
    iconv_close(cd);
    if (!ok || !utf8_valid(out, (size_t)(op - out))) {
        free(out);
        return NULL;
    }
    *outlen = (size_t)(op - out);
    return out;
}

/* ---- the handler ---- */

static bool dry_run(struct req *r)
{
    const char *v =
        r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "dry_run") : NULL;
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static json_t *errors_json(struct import *im)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < im->nerrs; i++) {
        const struct field_error *fe = &im->errs[i];
        json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s}", "row", fe->row, "field",
                                           fe->field, "code", fe->code, "message", fe->message));
    }
    return a;
}

enum err engine_import(struct req *r)
{
    const struct entity *e = r->route->entity;
    const char *body = r->body.buf;
    size_t len = r->body.len;
    char *converted = NULL;
    bool dry = dry_run(r);
    struct import im = {
        .r = r, .e = e, .ids = json_array(), .refs = json_object(), .keep = &r->arena};
    xfer_enums_init(&im.enums);
    enum err err = ERR_OK;

    if (!im.ids || !im.refs) {
        err = ERR_NOMEM;
        goto out;
    }
    if (!len) {
        err = req_fail(r, ERR_INVALID, "body_required");
        goto out;
    }
    if (len >= 4 && memcmp(body, "PK\x03\x04", 4) == 0) {
        struct filetype ft;
        if (filetype_detect((const unsigned char *)body, len, NULL, &ft) ||
            ft.kind != FILETYPE_XLSX) {
            err = req_fail(r, ERR_UNSUPPORTED_MEDIA, "import_bad_type");
            goto out;
        }
        im.xlsx = true;
        struct xlsx_limits lim = {.max_part = (size_t)128 << 20,
                                  .max_strings = (size_t)64 << 20,
                                  .max_cols = IMPORT_MAX_COLS,
                                  .max_cell = CSV_DEFAULT_MAX_FIELD};
        struct xlsx_error xe;
        err = xlsx_read(body, len, &lim, on_xlsx_row, &im, &xe);
        if (err && xe.message) { /* the reader's own failure, not one of ours */
            if (err == ERR_INVALID || (err == ERR_TOO_LARGE && xe.row))
                err = file_error(&im, xe.row, xe.message);
            else
                r->message = xe.message;
        }
    } else {
        if (memchr(body, '\0', len) ||
            (!utf8_valid(body, len) && !(converted = from_gb18030(body, len, &len)))) {
            err = req_fail(r, ERR_UNSUPPORTED_MEDIA, "import_bad_type");
            goto out;
        }
        err = read_csv(&im, converted ? converted : body, len);
    }
    if (err && err != ERR_INVALID)
        goto out;
    if (!im.total && !im.rows) {
        err = req_fail(r, ERR_INVALID, "import_empty");
        goto out;
    }

    r->nerrors = 0;
    if (dry) {
        /* checked and written inside the transaction, then all of it rolled back */
        r->rollback_only = true;
        err = reply_json_take(r, 200,
                              json_pack("{s:I, s:b, s:I, s:o}", "rows", (json_int_t)im.rows,
                                        "valid", im.total == 0, "error_count", (json_int_t)im.total,
                                        "errors", errors_json(&im)));
        goto out;
    }
    if (im.total) {
        r->errors = im.errs;
        r->nerrors = im.nerrs;
        r->errors_cap = im.cap;
        if (im.nerrs)
            r->message = arena_printf(&r->arena, "%s（共%zu处，第一处：%s）",
                                      msg_text("import_has_errors"), im.total, im.errs[0].message);
        else if (!r->message)
            r->message = msg_text("import_has_errors");
        err = ERR_INVALID;
        goto out;
    }
    r->audit.object_type = e->name;
    r->audit.object_id[0] = '\0';
    r->audit.detail = arena_printf(&r->arena, "{\"format\":\"%s\",\"rows\":%zu}",
                                   im.xlsx ? "xlsx" : "csv", im.rows);
    err = reply_json_take(r, 200,
                          json_pack("{s:I, s:O}", "imported", (json_int_t)im.rows, "ids", im.ids));
out:
    free(converted);
    json_decref(im.ids);
    json_decref(im.refs);
    xfer_enums_release(&im.enums);
    return err;
}

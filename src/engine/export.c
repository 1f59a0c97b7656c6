/* GET /api/v1/{entity}/export?format=xlsx|csv&<the list's filters>: the filtered, scoped
 * list as a spreadsheet, streamed row batch by row batch into an unlinked temporary file
 * so that memory stays flat whatever the row count, then sent as a download. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/calendar.h"
#include "core/csv.h"
#include "core/utf8.h"
#include "core/fsutil.h"
#include "engine/engine.h"
#include "engine/transfer.h"
#include "server/audit.h"
#include "server/reply.h"
#include "server/server.h"

#define EXPORT_BATCH    500
#define EXPORT_MAX_ROWS 1000000 /* below XLSX's 1,048,576 rows per sheet */
#define XLSX_CELL_MAX   32767   /* characters in one XLSX cell */
#define MAX_SCALE       6

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CSV_MIME  "text/csv; charset=utf-8"

enum format { FMT_XLSX, FMT_CSV };

/* Where the rows go: a CSV writer on the file, or a worksheet. */
struct out {
    enum format fmt;
    int fd;
    char path[64]; /* /proc/self/fd/N: the unlinked file, for libxlsxwriter */
    struct csv_writer csv;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    lxw_format *decimal[MAX_SCALE + 1];
    lxw_error lxw_err;
    struct sbuf cell; /* the cell being built */
    struct xfer_enums enums;
};

/* ---- the temporary file ---- */

static int csv_sink(void *ctx, const char *buf, size_t n)
{
    return fs_write_all(*(int *)ctx, buf, n);
}

/* An unlinked file in the data directory (else /tmp): nothing is left behind on any exit. */
static enum err temp_open(struct req *r, int *fd)
{
    const char *dirs[] = {r->srv && r->srv->cfg ? r->srv->cfg->data_dir : NULL, "/tmp"};
    for (size_t i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        char path[4200];
        snprintf(path, sizeof(path), "%s/.export-XXXXXX", dirs[i]);
        int f = mkstemp(path);
        if (f < 0)
            continue;
        unlink(path);
        *fd = f;
        return ERR_OK;
    }
    return ERR_IO;
}

static const char *tmp_dir(struct req *r)
{
    return r->srv && r->srv->cfg && r->srv->cfg->data_dir ? r->srv->cfg->data_dir : "/tmp";
}

/* ---- cells ---- */

/* Display width of text: CJK and other wide characters count 2. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x80)
            w += 1;
        else if ((*p & 0xC0) == 0xC0)
            w += 2;
    return w;
}

static double col_width(const struct xfer_col *c)
{
    double w = 12;
    if (c->kind == XCOL_ID)
        w = 20;
    else if (c->kind == XCOL_FIELD)
        switch (c->f->type) {
        case FT_TEXT:
            w = c->f->max ? (double)c->f->max * 2 : 30;
            w = w < 10 ? 10 : w > 40 ? 40 : w;
            break;
        case FT_LONGTEXT:
            w = 50;
            break;
        case FT_INT:
        case FT_BOOL:
            w = 8;
            break;
        case FT_DECIMAL:
            w = 14;
            break;
        case FT_DATE:
        case FT_REGION:
            w = 14;
            break;
        case FT_DATETIME:
            w = 20;
            break;
        case FT_IDCARD:
        case FT_USCC:
            w = 22;
            break;
        case FT_PHONE:
            w = 16;
            break;
        case FT_REF:
        case FT_TAGS:
        case FT_GEO:
            w = 24;
            break;
        case FT_MULTI_REF:
            w = 30;
            break;
        case FT_ENUM:
        case FT_ATTACHMENTS:
            w = 12;
            break;
        }
    double h = text_width(c->header) + 2;
    return h > w ? h : w;
}

static void put_text(struct out *o, lxw_row_t row, lxw_col_t col, const char *s)
{
    if (o->fmt == FMT_CSV) {
        csv_field(&o->csv, s);
        return;
    }
    if (!s || !*s)
        return;
    /* never a formula: worksheet_write_string stores "=1+1" as the text it is */
    lxw_error e = worksheet_write_string(o->ws, row, col, s, NULL);
    if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
        /* cut to the cell's limit on a character boundary */
        size_t n = 0, chars = 0;
        while (s[n] && chars < XLSX_CELL_MAX) {
            n++;
            while (((unsigned char)s[n] & 0xC0) == 0x80)
                n++;
            chars++;
        }
        while (n > XLSX_CELL_MAX) {
            n--;
            while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
                n--;
        }
        sbuf_reset(&o->cell);
        sbuf_add(&o->cell, s, n);
        e = sbuf_err(&o->cell) ? LXW_ERROR_MEMORY_MALLOC_FAILED
                               : worksheet_write_string(o->ws, row, col, o->cell.buf, NULL);
    }
    if (e && !o->lxw_err)
        o->lxw_err = e;
}

/* A number cell; text is its decimal form as the row JSON had it ("12.50", "3"). */
static void put_number(struct out *o, lxw_row_t row, lxw_col_t col, const char *text, int scale)
{
    if (o->fmt == FMT_CSV) {
        csv_field_number(&o->csv, text);
        return;
    }
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v)) {
        put_text(o, row, col, text);
        return;
    }
    lxw_format *fmt = NULL;
    if (scale > 0 && scale <= MAX_SCALE) {
        if (!o->decimal[scale]) {
            char pattern[16] = "0.";
            for (int i = 0; i < scale; i++)
                pattern[2 + i] = '0';
            pattern[2 + scale] = '\0';
            o->decimal[scale] = workbook_add_format(o->wb);
            if (o->decimal[scale])
                format_set_num_format(o->decimal[scale], pattern);
        }
        fmt = o->decimal[scale];
    }
    lxw_error e = worksheet_write_number(o->ws, row, col, v, fmt);
    if (e && !o->lxw_err)
        o->lxw_err = e;
}

/* The values of a JSON array (strings or numbers) joined with "、" into o->cell; NULL when
 * out of memory. */
static const char *joined(struct out *o, json_t *arr)
{
    sbuf_reset(&o->cell);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i)
            sbuf_adds(&o->cell, "、");
        if (json_is_string(v))
            sbuf_adds(&o->cell, json_string_value(v));
        else if (json_is_integer(v))
            sbuf_addf(&o->cell, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    return sbuf_err(&o->cell) ? NULL : o->cell.buf;
}

/* A coordinate with 6 decimals (as stored), trailing zeros dropped: "116.4". */
static const char *coordinate(double v, char buf[32])
{
    snprintf(buf, 32, "%.6f", v);
    char *end = buf + strlen(buf);
    while (end > buf && end[-1] == '0')
        *--end = '\0';
    if (end > buf && end[-1] == '.')
        *--end = '\0';
    return buf;
}

/* One field of a row's JSON into its cell, as export promises: labels for enums and refs,
 * 是/否, Beijing wall-clock times, numbers as numbers. label_key names a ref's label in obj
 * ("unit_id_label"). */
static enum err put_field(struct req *r, struct out *o, const struct field_def *f, json_t *obj,
                          const char *label_key, lxw_row_t row, lxw_col_t col)
{
    json_t *v = json_object_get(obj, f->name);
    char buf[64];
    if (!v || json_is_null(v)) {
        put_text(o, row, col, NULL);
        return ERR_OK;
    }
    switch (f->type) {
    case FT_INT: /* an integer */
        snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put_number(o, row, col, buf, 0);
        return ERR_OK;
    case FT_DECIMAL: /* "12.50" */
        put_number(o, row, col, json_string_value(v), f->scale);
        return ERR_OK;
    case FT_BOOL:
        put_text(o, row, col, json_is_true(v) ? "是" : "否");
        return ERR_OK;
    case FT_DATETIME: { /* RFC 3339 UTC */
        const char *utc = json_string_value(v);
        put_text(o, row, col, xfer_time_local(utc, buf) ? buf : utc);
        return ERR_OK;
    }
    case FT_ENUM: {
        const char *label = NULL;
        enum err e =
            xfer_enum_label(r, &o->enums, engine_enum(f->enum_name), json_string_value(v), &label);
        if (e)
            return e;
        put_text(o, row, col, label);
        return ERR_OK;
    }
    case FT_REF: { /* the target's label; its id when the target has none */
        json_t *label = json_object_get(obj, label_key);
        put_text(o, row, col, json_string_value(json_is_string(label) ? label : v));
        return ERR_OK;
    }
    case FT_MULTI_REF: /* ids: the row JSON has no labels for them */
    case FT_TAGS: {
        const char *text = joined(o, v);
        if (!text)
            return ERR_NOMEM;
        put_text(o, row, col, text);
        return ERR_OK;
    }
    case FT_GEO: { /* {"lng","lat"} */
        char lng[32], lat[32];
        put_text(o, row, col,
                 arena_printf(&r->arena, "%s,%s",
                              coordinate(json_number_value(json_object_get(v, "lng")), lng),
                              coordinate(json_number_value(json_object_get(v, "lat")), lat)));
        return ERR_OK;
    }
    default:
        put_text(o, row, col, json_is_string(v) ? json_string_value(v) : NULL);
        return ERR_OK;
    }
}

static void end_row(struct out *o)
{
    if (o->fmt == FMT_CSV)
        csv_end_row(&o->csv);
}

/* ---- the sheet ---- */

static enum err out_begin(struct req *r, const struct entity *e, struct out *o,
                          const struct xfer_col *cols, size_t ncols)
{
    enum err err = temp_open(r, &o->fd);
    if (err)
        return err;
    if (o->fmt == FMT_CSV) {
        csv_writer_init(&o->csv, csv_sink, &o->fd);
        csv_writer_begin(&o->csv);
        for (size_t c = 0; c < ncols; c++)
            csv_field(&o->csv, cols[c].header);
        csv_end_row(&o->csv);
        return csv_writer_err(&o->csv);
    }
    /* libxlsxwriter wants a path: the unlinked file's own, through /proc */
    snprintf(o->path, sizeof(o->path), "/proc/self/fd/%d", o->fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmp_dir(r)};
    o->wb = workbook_new_opt(o->path, &opt);
    if (!o->wb)
        return ERR_IO;
    o->ws = workbook_add_worksheet(o->wb, e->label);
    if (!o->ws)
        o->ws = workbook_add_worksheet(o->wb, NULL);
    o->bold = workbook_add_format(o->wb);
    if (!o->ws || !o->bold)
        return ERR_NOMEM;
    format_set_bold(o->bold);
    for (size_t c = 0; c < ncols; c++) {
        worksheet_set_column(o->ws, (lxw_col_t)c, (lxw_col_t)c, col_width(&cols[c]), NULL);
        worksheet_write_string(o->ws, 0, (lxw_col_t)c, cols[c].header, o->bold);
    }
    worksheet_freeze_panes(o->ws, 1, 0);
    return ERR_OK;
}

/* Closes the sheet; *size gets the file's length. */
static enum err out_finish(struct out *o, size_t nrows, size_t ncols, uint64_t *size)
{
    if (o->fmt == FMT_CSV) {
        enum err e = csv_writer_finish(&o->csv);
        if (e)
            return e;
    } else {
        if (ncols)
            worksheet_autofilter(o->ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1));
        lxw_error le = workbook_close(o->wb);
        o->wb = NULL;
        if (le || o->lxw_err)
            return ERR_IO;
    }
    struct stat st;
    if (fstat(o->fd, &st) != 0 || lseek(o->fd, 0, SEEK_SET) != 0)
        return ERR_IO;
    *size = (uint64_t)st.st_size;
    return ERR_OK;
}

static void out_release(struct out *o)
{
    if (o->wb) {
        /* a failed export: finish libxlsxwriter's work (frees it) into the doomed file */
        workbook_close(o->wb);
        o->wb = NULL;
    }
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    sbuf_release(&o->cell);
    xfer_enums_release(&o->enums);
}

/* ---- the rows ---- */

/* q's from text and values behind head, as a new statement. */
static void query_from(struct sqlq *dst, const char *head, const struct sqlq *from)
{
    sqlq_init(dst);
    sqlq_add(dst, head);
    sqlq_add(dst, from->sql.buf);
    memcpy(dst->args, from->args, sizeof(from->args[0]) * (size_t)from->nargs);
    dst->nargs = from->nargs;
    dst->overflow = from->overflow;
    if (sbuf_err(&from->sql))
        dst->sql.err = sbuf_err(&from->sql); /* its text is cut short, and so is this one */
}

/* Phase 1: the keys of every row to export, in order (one small column, so even the cap's
 * million rows cost a few megabytes). */
static enum err read_keys(struct req *r, const struct entity *e, const struct engine_query *q,
                          json_t **out)
{
    const char *key = e->key ? e->key : "id";
    struct sqlq s;
    query_from(&s, arena_printf(&r->arena, "SELECT t.%s ", key), &q->from);
    sqlq_add(&s, " ORDER BY ");
    sqlq_add(&s, q->order);
    sqlq_add(&s, " LIMIT "); /* one past the cap tells that it was passed */
    sqlq_arg(&s, DB_I(EXPORT_MAX_ROWS + 1));
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err err = sqlq_query(&s, r->db, &a, &rows);
    sqlq_release(&s);
    json_t *all = NULL;
    if (err)
        goto out;
    if (rows.nrows > EXPORT_MAX_ROWS) {
        err = req_fail(r, ERR_TOO_LARGE, "export_too_many");
        goto out;
    }
    all = json_array();
    if (!all) {
        err = ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        json_t *k = e->key ? json_string(db_str(&rows, i, 0) ? db_str(&rows, i, 0) : "")
                           : json_integer(db_int(&rows, i, 0));
        if (json_array_append_new(all, k)) {
            err = ERR_NOMEM;
            goto out;
        }
    }
out:
    arena_release(&a);
    if (err)
        json_decref(all);
    else
        *out = all;
    return err;
}

struct run {
    struct req *r;
    const struct entity *e;
    struct engine_query *q;
    struct engine_view *view;
    struct out *o;
    const struct xfer_col *cols;
    const char *const *label_keys;
    size_t ncols;
    size_t written;
};

static bool same_key(const struct entity *e, json_t *want, const struct db_rows *rows, size_t i,
                     size_t kc)
{
    if (e->key) {
        const char *s = db_str(rows, i, kc);
        return s && strcmp(s, json_string_value(want)) == 0;
    }
    return db_int(rows, i, kc) == json_integer_value(want);
}

/* Phase 2: one batch of keys, read in one statement and written in the keys' order. */
static enum err write_batch(struct run *x, json_t *batch)
{
    struct req *r = x->r;
    const struct entity *e = x->e;
    const char *key = e->key ? e->key : "id";
    bool pg = strcmp(db_conn_backend(r->db), "postgres") == 0;
    char *list = json_dumps(batch, JSON_COMPACT);
    if (!list)
        return ERR_NOMEM;
    struct arena a;
    arena_init(&a, 0);
    struct sqlq s;
    query_from(&s, arena_printf(&a, "SELECT %s ", x->q->cols), &x->q->from);
    sqlq_add(&s, arena_printf(&a, " AND t.%s IN (", key));
    if (pg)
        sqlq_add(&s, e->key ? "SELECT jsonb_array_elements_text("
                            : "SELECT (jsonb_array_elements_text(");
    else
        sqlq_add(&s, "SELECT value FROM json_each(");
    sqlq_arg(&s, DB_T(list));
    sqlq_add(&s, pg ? (e->key ? "::jsonb))" : "::jsonb))::bigint)") : "))");
    struct db_rows rows;
    enum err err = sqlq_query(&s, r->db, &a, &rows);
    sqlq_release(&s);
    if (err)
        goto out;
    size_t kc = rows.ncols;
    for (size_t c = 0; c < rows.ncols; c++)
        if (strcmp(rows.names[c], key) == 0) {
            kc = c;
            break;
        }
    if (kc == rows.ncols) {
        err = ERR_INTERNAL; /* the select list has no key column */
        goto out;
    }
    /* a batch is small: find each key's row by a scan from where the last one was */
    size_t n = json_array_size(batch), hint = 0;
    for (size_t k = 0; k < n; k++) {
        json_t *want = json_array_get(batch, k);
        size_t i = rows.nrows;
        for (size_t t = 0; t < rows.nrows; t++) {
            size_t c = (hint + t) % rows.nrows;
            if (same_key(e, want, &rows, c, kc)) {
                i = c;
                break;
            }
        }
        if (i == rows.nrows)
            continue; /* cannot happen inside the read transaction; skip rather than fail */
        hint = i + 1;
        json_t *obj = NULL;
        err = engine_row_json(r, e, &rows, i, x->view, &obj);
        if (err)
            goto out;
        lxw_row_t row = (lxw_row_t)(x->written + 1);
        for (size_t c = 0; c < x->ncols && !err; c++) {
            const struct xfer_col *col = &x->cols[c];
            if (col->kind == XCOL_ID) {
                put_text(x->o, row, (lxw_col_t)c, json_string_value(json_object_get(obj, "id")));
            } else if (col->kind == XCOL_STATE) {
                put_text(x->o, row, (lxw_col_t)c,
                         xfer_state_label(e, json_string_value(json_object_get(obj, "state"))));
            } else {
                err = put_field(r, x->o, col->f, obj, x->label_keys[c], row, (lxw_col_t)c);
            }
        }
        json_decref(obj);
        if (err)
            goto out;
        end_row(x->o);
        x->written++;
        if (x->o->fmt == FMT_CSV && csv_writer_err(&x->o->csv)) {
            err = ERR_IO;
            goto out;
        }
        if (x->o->lxw_err) {
            err = ERR_IO;
            goto out;
        }
    }
out:
    arena_release(&a);
    free(list);
    return err;
}

static enum err write_rows(struct run *x, json_t *keys)
{
    struct req *r = x->r;
    size_t n = json_array_size(keys);
    enum err err = ERR_OK;
    for (size_t at = 0; at < n && !err; at += EXPORT_BATCH) {
        json_t *batch = json_array();
        if (!batch)
            return ERR_NOMEM;
        for (size_t k = at; k < n && k < at + EXPORT_BATCH; k++)
            json_array_append(batch, json_array_get(keys, k));
        /* what the engine allocates per row goes with the batch */
        struct xfer_scratch sc;
        xfer_scratch_begin(r, &sc);
        err = write_batch(x, batch);
        xfer_scratch_end(r, &sc);
        json_decref(batch);
    }
    return err;
}

/* ---- audit ---- */

/* The export's record (r->audit), and one {entity}.identity_export record with the count
 * of rows written with personal data in clear, in place of an identity_read record per
 * row: a million-row export is one record, not a million. */
static enum err audit_export(struct db_conn *c, void *ctx)
{
    struct run *x = ctx;
    struct req *r = x->r;
    enum err e = ERR_OK;
    if (x->view->nshown) { /* the view counted the rows shown in clear */
        const char *action = arena_printf(&r->arena, "%s.identity_export", x->e->name);
        const char *detail = arena_printf(&r->arena, "{\"rows\":%zu}", x->view->nshown);
        e = action && detail ? audit_event(r, action, x->e->name, NULL, "success", detail)
                             : ERR_NOMEM;
    }
    if (!e)
        e = audit_event(r, r->audit.action, x->e->name, NULL, "success", r->audit.detail);
    return !e && req_alloc_failed(r) ? ERR_NOMEM : e;
}

struct filters {
    json_t *obj;
    const struct entity *e;
};

/* The query string for the audit record: personal data in filters is not repeated there. */
static enum MHD_Result add_filter(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct filters *fl = cls;
    if (!key || strcmp(key, "format") == 0 || json_object_size(fl->obj) >= 32)
        return MHD_YES;
    const struct field_def *f = NULL;
    for (const struct field_def *d = fl->e->fields; d->name; d++) {
        size_t n = strlen(d->name);
        if (strncmp(key, d->name, n) == 0 && (!key[n] || key[n] == '_'))
            f = d;
    }
    json_t *v;
    if (f && f->pii != PII_NONE)
        v = json_string("***");
    else if (!value)
        v = json_string("");
    else if (strlen(value) > 100 || !utf8_valid(value, strlen(value)))
        v = json_string("…");
    else
        v = json_string(value);
    if (utf8_valid(key, strlen(key)) && strlen(key) <= 64)
        json_object_set_new(fl->obj, key, v);
    else
        json_decref(v);
    return MHD_YES;
}

static const char *audit_detail(struct req *r, const struct entity *e, enum format fmt,
                                size_t nrows)
{
    struct filters fl = {.obj = json_object(), .e = e};
    if (fl.obj && r->conn)
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_filter, &fl);
    json_t *d = json_pack("{s:s, s:I, s:o}", "format", fmt == FMT_CSV ? "csv" : "xlsx", "rows",
                          (json_int_t)nrows, "filters", fl.obj ? fl.obj : json_object());
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    const char *out = s ? arena_strdup(&r->arena, s) : NULL;
    free(s);
    return out;
}

/* ---- the handler ---- */

enum err engine_export(struct req *r)
{
    const struct entity *e = r->route->entity;
    const char *fmt_s =
        r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format") : NULL;
    enum format fmt = FMT_XLSX;
    if (fmt_s && *fmt_s && strcmp(fmt_s, "xlsx") != 0) {
        if (strcmp(fmt_s, "csv") != 0)
            return req_field_error(r, "format", "导出格式", "invalid_enum");
        fmt = FMT_CSV;
    }

    struct xfer_col cols[XFER_MAX_COLS];
    size_t ncols = xfer_columns(e, cols, XFER_MAX_COLS);
    const char *label_keys[XFER_MAX_COLS] = {0};
    for (size_t c = 0; c < ncols; c++)
        if (cols[c].kind == XCOL_FIELD && cols[c].f->type == FT_REF)
            label_keys[c] = arena_printf(&r->arena, "%s_label", cols[c].f->name);

    struct engine_query q = {0};
    struct engine_view view = {0};
    struct out o = {.fmt = fmt, .fd = -1};
    sbuf_init(&o.cell, 0);
    xfer_enums_init(&o.enums);
    json_t *keys = NULL;
    bool in_tx = false;
    uint64_t size = 0;
    size_t nrows = 0;

    enum err err = engine_query_build(r, e, &q);
    if (err || r->nerrors) {
        err = err ? err : ERR_INVALID;
        goto out;
    }
    err = engine_view_init(r, e, &view);
    if (err)
        goto out;
    view.count_only = true;       /* audited with one summary record (rows in clear) */
    view.skip_attachments = true; /* no attachment column in the file */
    /* one snapshot for both phases: rows written or deleted meanwhile do not tear it */
    err = db_begin(r->db, DB_TX_READ);
    if (err)
        goto out;
    in_tx = true;
    err = read_keys(r, e, &q, &keys);
    if (err)
        goto out;
    err = out_begin(r, e, &o, cols, ncols);
    if (err)
        goto out;
    struct run x = {.r = r,
                    .e = e,
                    .q = &q,
                    .view = &view,
                    .o = &o,
                    .cols = cols,
                    .label_keys = label_keys,
                    .ncols = ncols};
    err = write_rows(&x, keys);
    nrows = x.written;
    if (err)
        goto out;
    err = out_finish(&o, nrows, ncols, &size);
    if (err)
        goto out;
    db_rollback(r->db); /* the read transaction: nothing to keep */
    in_tx = false;

    /* the answer first, then the records: nothing fails after their commit, and an export
     * that cannot be audited is not answered (the error replaces the file) */
    char day[CALENDAR_DATE_LEN + 1];
    calendar_format_date(calendar_today(r->now), day);
    const char *name = arena_printf(&r->arena, "%s-%.4s%.2s%.2s.%s", e->label, day, day + 5,
                                    day + 8, fmt == FMT_CSV ? "csv" : "xlsx");
    int fd = o.fd;
    o.fd = -1; /* reply_file_take owns it from here, on success or failure */
    err = reply_file_take(r, 200, fd, size, fmt == FMT_CSV ? CSV_MIME : XLSX_MIME, name);
    if (err)
        goto out;
    r->audit.action = arena_printf(&r->arena, "%s.export", e->name);
    r->audit.object_type = e->name;
    r->audit.detail = audit_detail(r, e, fmt, nrows);
    if (!r->audit.action || !r->audit.detail || req_alloc_failed(r)) {
        err = ERR_NOMEM;
        goto out;
    }
    err = db_tx_run(r->db, audit_export, &x);
out:
    if (in_tx)
        db_rollback(r->db);
    out_release(&o);
    json_decref(keys);
    engine_query_release(&q);
    return err;
}

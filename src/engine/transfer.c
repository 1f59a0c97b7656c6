/* Columns and value conversions shared by export and import (see transfer.h). */
#include "engine/transfer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "engine/internal.h"

#define SHANGHAI_OFFSET (8 * 3600)

const char *xfer_id_header(const struct entity *e)
{
    for (const struct field_def *f = e->fields; f->name; f++)
        if (strcmp(f->label, "编号") == 0)
            return "系统编号";
    return "编号";
}

size_t xfer_columns(const struct entity *e, struct xfer_col *cols, size_t cap)
{
    size_t n = 0;
    if (n < cap && !e->key)
        cols[n++] = (struct xfer_col){.kind = XCOL_ID, .header = xfer_id_header(e)};
    for (const struct field_def *f = e->fields; f->name && n < cap; f++)
        if ((f->flags & FF_EXPORTABLE) && f->type != FT_ATTACHMENTS)
            cols[n++] = (struct xfer_col){.kind = XCOL_FIELD, .f = f, .header = f->label};
    if (e->workflow && n < cap)
        cols[n++] = (struct xfer_col){.kind = XCOL_STATE, .header = "状态"};
    return n;
}

const char *xfer_state_label(const struct entity *e, const char *state)
{
    if (!state || !e->workflow)
        return state;
    for (const struct state_def *s = e->workflow->states; s->name; s++)
        if (strcmp(s->name, state) == 0)
            return s->label;
    return state;
}

/* ---- scratch arenas ---- */

void xfer_scratch_begin(struct req *r, struct xfer_scratch *s)
{
    s->saved = r->arena;
    arena_init(&r->arena, 0);
}

static const char *keep(struct arena *a, const char *s)
{
    const char *c = s ? arena_strdup(a, s) : NULL;
    return c ? c : "";
}

void xfer_scratch_end(struct req *r, struct xfer_scratch *s)
{
    struct arena *a = &s->saved;
    struct field_error *errs = NULL;
    if (r->nerrors) {
        errs = arena_calloc(a, r->nerrors, sizeof(*errs));
        for (size_t i = 0; errs && i < r->nerrors; i++)
            errs[i] = (struct field_error){.field = keep(a, r->errors[i].field),
                                           .code = keep(a, r->errors[i].code),
                                           .message = keep(a, r->errors[i].message),
                                           .row = r->errors[i].row};
    }
    if (r->message)
        r->message = keep(a, r->message);
    r->audit.detail = NULL;
    arena_release(&r->arena);
    r->arena = s->saved;
    r->errors = errs;
    r->errors_cap = errs ? r->nerrors : 0;
    if (!errs)
        r->nerrors = 0;
}

/* ---- enums ---- */

void xfer_enums_init(struct xfer_enums *x)
{
    x->cache = NULL;
}

void xfer_enums_release(struct xfer_enums *x)
{
    json_decref(x->cache);
    x->cache = NULL;
}

/* The dictionary's {code: label} for d (an empty object for a closed enum). */
static enum err dictionary(struct req *r, struct xfer_enums *x, const struct enum_def *d,
                           json_t **out)
{
    if (!x->cache) {
        x->cache = json_object();
        if (!x->cache)
            return ERR_NOMEM;
    }
    json_t *m = json_object_get(x->cache, d->name);
    if (m) {
        *out = m;
        return ERR_OK;
    }
    m = json_object();
    if (!m || json_object_set_new(x->cache, d->name, m))
        return ERR_NOMEM;
    if (d->extendable) {
        struct db_rows rows;
        enum err e = db_query(r->db, &r->arena,
                              "SELECT code, label FROM dictionary WHERE enum_name = $1 ORDER BY "
                              "sort, code",
                              DB_ARGS(DB_T(d->name)), &rows);
        if (e)
            return e;
        for (size_t i = 0; i < rows.nrows; i++) {
            const char *code = db_str(&rows, i, 0), *label = db_str(&rows, i, 1);
            if (code && label && json_object_set_new(m, code, json_string(label)))
                return ERR_NOMEM;
        }
    }
    *out = m;
    return ERR_OK;
}

enum err xfer_enum_label(struct req *r, struct xfer_enums *x, const struct enum_def *d,
                         const char *code, const char **out)
{
    *out = code;
    if (!d || !code)
        return ERR_OK;
    for (const struct enum_item *it = d->items; it->code; it++)
        if (strcmp(it->code, code) == 0) {
            *out = it->label;
            return ERR_OK;
        }
    json_t *m;
    enum err e = dictionary(r, x, d, &m);
    if (e)
        return e;
    json_t *label = json_object_get(m, code);
    if (json_is_string(label))
        *out = json_string_value(label);
    return ERR_OK;
}

enum err xfer_enum_code(struct req *r, struct xfer_enums *x, const struct enum_def *d,
                        const char *text, const char **out)
{
    *out = NULL;
    /* labels first: a code that happens to equal another item's label loses */
    for (const struct enum_item *it = d->items; it->code; it++)
        if (strcmp(it->label, text) == 0) {
            *out = it->code;
            return ERR_OK;
        }
    json_t *m;
    enum err e = dictionary(r, x, d, &m);
    if (e)
        return e;
    const char *code;
    json_t *label;
    json_object_foreach(m, code, label)
    {
        if (strcmp(json_string_value(label), text) == 0) {
            *out = code;
            return ERR_OK;
        }
    }
    for (const struct enum_item *it = d->items; it->code; it++)
        if (strcmp(it->code, text) == 0) {
            *out = it->code;
            return ERR_OK;
        }
    void *added = json_object_iter_at(m, text); /* its key outlives text */
    if (added)
        *out = json_object_iter_key(added);
    return ERR_OK;
}

/* ---- times ---- */

/* n digits at s into *v; false unless all are digits. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* Wall-clock time in Asia/Shanghai as Unix seconds (day numbers count from 1970-01-01). */
static int64_t shanghai_unix(int y, int mo, int d, int h, int mi, int sec)
{
    return (int64_t)calendar_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
           SHANGHAI_OFFSET;
}

bool xfer_time_local(const char *s, char out[20])
{
    int64_t t;
    if (!s || !xfer_time_parse(s, &t))
        return false;
    int32_t day = calendar_today(t);
    int64_t secs = t + SHANGHAI_OFFSET - (int64_t)day * 86400;
    char date[CALENDAR_DATE_LEN + 1], buf[64];
    calendar_format_date(day, date);
    snprintf(buf, sizeof(buf), "%s %02d:%02d:%02d", date, (int)(secs / 3600), (int)(secs / 60 % 60),
             (int)(secs % 60));
    memcpy(out, buf, 19);
    out[19] = '\0';
    return true;
}

bool xfer_time_parse(const char *s, int64_t *t)
{
    if (engine_parse_time(s, t)) /* RFC 3339 with Z or an offset */
        return true;
    /* else wall-clock time without a zone, which is Beijing time */
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (strlen(s) < 10 || !digits(s, 4, &y) || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
        !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) || !calendar_valid_ymd(y, mo, d))
        return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return false;
            p += 3;
        }
    }
    if (*p || h > 23 || mi > 59 || sec > 59)
        return false;
    *t = shanghai_unix(y, mo, d, h, mi, sec);
    return true;
}

bool xfer_excel_time(const char *serial, int64_t *t)
{
    char *end;
    double v = strtod(serial, &end);
    /* 1 = 1900-01-01 ... 2958465 = 9999-12-31; 60 is Excel's phantom 1900-02-29 */
    if (end == serial || *end || !isfinite(v) || v < 61 || v >= 2958466)
        return false;
    *t = (int64_t)llround(v * 86400.0) + shanghai_unix(1899, 12, 30, 0, 0, 0);
    return true;
}

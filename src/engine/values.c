/* Field values: checked and normalised from a client's JSON, loaded from a row, shown
 * (masked where the reader may not see them) and bound to SQL.
 *
 * Normalised forms: text-like types, dates and geo points as strings; int, datetime
 * (Unix seconds), decimal (scaled integer) and ref (id) as integers; bool as true/false;
 * multi-ref as an array of integers, tags as an array of strings, attachments as an
 * array of id strings; idcard and phone as their clear normalised text. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/crypto.h"
#include "core/encode.h"
#include "core/id.h"
#include "core/jsonin.h"
#include "core/mask.h"
#include "core/regioncode.h"
#include "core/utf8.h"
#include "core/validate.h"
#include "engine/attachment.h"
#include "engine/internal.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/keystore.h"
#include "server/log.h"
#include "server/reply.h"

#define MAX_LIST 100 /* items in a multi-ref, tags or attachments value */
#define MAX_TAG  20  /* characters in one tag */

bool engine_field_sealed(const struct field_def *f)
{
    return f->type == FT_IDCARD || f->type == FT_PHONE;
}

const char *engine_blind_kind(const struct field_def *f)
{
    return f->type == FT_IDCARD ? "idcard" : "phone";
}

enum err engine_value_seal(struct req *r, const struct field_def *f, json_t *v, struct db_val *enc,
                           struct db_val *idx)
{
    *enc = *idx = DB_NUL;
    if (!json_is_string(v))
        return ERR_OK;
    const char *sealed = NULL;
    char buf[65];
    enum err err = crypto_seal(&r->arena, json_string_value(v), &sealed);
    if (err)
        return err;
    crypto_blind_index(engine_blind_kind(f), json_string_value(v), buf);
    const char *kept = arena_strdup(&r->arena, buf);
    if (!kept)
        return ERR_NOMEM;
    *enc = DB_T(sealed);
    *idx = DB_T(kept);
    return ERR_OK;
}

int engine_field_cols(const struct field_def *f)
{
    return f->type == FT_REF || f->type == FT_REGION ? 2 : 1; /* and its label */
}

void engine_layout(const struct entity *e, struct layout *l)
{
    int n = (e->flags & ENTITY_REFERENCE) ? 1 : COL_NSTD;
    l->deleted = (e->flags & ENTITY_SOFT_DELETE) ? n++ : -1;
    l->state = e->workflow ? n++ : -1;
    l->first = n;
}

static int64_t pow10i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static enum err field_err(struct req *r, const struct field_def *f, const char *code)
{
    req_field_error(r, f->name, f->label, code);
    return ERR_OK;
}

static bool text_ok(struct req *r, const struct field_def *f, const char *s)
{
    size_t n = utf8_len(s);
    int64_t max = engine_text_max(f);
    if ((int64_t)n > max) {
        field_err(r, f, "too_long");
        return false;
    }
    if (f->min && (int64_t)n < f->min && n > 0) {
        field_err(r, f, "too_short");
        return false;
    }
    if (f->type == FT_TEXT && strpbrk(s, "\r\n")) {
        field_err(r, f, "single_line");
        return false;
    }
    const regex_t *re = f->pattern ? engine_field_regex(f) : NULL;
    if (re && *s) {
        if (regexec(re, s, 0, NULL, 0) != 0) {
            field_err(r, f, "pattern_mismatch");
            return false;
        }
    }
    return true;
}

/* A decimal given as a JSON number or string, scaled by 10^scale. */
static bool parse_decimal(const char *s, int scale, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (whole > (INT64_MAX / 10 - 10) / pow10i(scale))
            return false;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++, fdigits++) {
            if (fdigits >= scale)
                return false;
            frac = frac * 10 + (*s - '0');
        }
        if (!fdigits)
            return false;
    }
    if (*s || !digits)
        return false;
    *out = whole * pow10i(scale) + frac * pow10i(scale - fdigits);
    if (neg)
        *out = -*out;
    return true;
}

static void format_decimal(int64_t v, int scale, char *buf, size_t len)
{
    int64_t p = pow10i(scale);
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (scale)
        snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "", a / (uint64_t)p, scale,
                 a % (uint64_t)p);
    else
        snprintf(buf, len, "%" PRId64, v);
}

bool engine_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
        return false;
    if (!calendar_valid_ymd(y, mo, d) || h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 ||
        sec < 0)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 14 || om > 59)
            return false;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    int64_t days = calendar_from_ymd(y, mo, d) - calendar_from_ymd(1970, 1, 1);
    *out = days * 86400 + h * 3600 + mi * 60 + sec - offset;
    return true;
}

bool engine_id_of(json_t *v, int64_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return true;
    }
    return json_is_string(v) && parse_int64(json_string_value(v), out) && *out > 0;
}

enum err engine_row_visible(struct req *r, const struct entity *e, int64_t id, bool *ok)
{
    *ok = false;
    if (!access_has(r, e->perms.read))
        return ERR_OK;
    struct scope sc;
    enum err err = access_scope(r, e->perms.read, &sc);
    if (err)
        return err;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT 1 FROM ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " t WHERE t.id = ");
    sqlq_arg(&q, DB_I(id));
    if (e->flags & ENTITY_SOFT_DELETE)
        sqlq_add(&q, " AND t.deleted_at IS NULL");
    if (engine_scope_field(e)) {
        sqlq_add(&q, " AND ");
        access_scope_sql(&sc, "t.region_code", &r->arena, &q);
    }
    err = engine_read_filter(r, e, &q);
    struct db_rows rows;
    if (!err)
        err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err)
        *ok = rows.nrows == 1;
    return err;
}

enum err engine_read_filter(struct req *r, const struct entity *e, struct sqlq *q)
{
    return e->hooks && e->hooks->read_filter ? e->hooks->read_filter(r, e, q) : ERR_OK;
}

enum err engine_row_filtered(struct req *r, const struct entity *e, int64_t id)
{
    if (!e->hooks || !e->hooks->read_filter)
        return ERR_OK;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT 1 FROM ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " t WHERE t.id = ");
    sqlq_arg(&q, DB_I(id));
    enum err err = engine_read_filter(r, e, &q);
    struct db_rows rows;
    if (!err)
        err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    return err ? err : rows.nrows == 1 ? ERR_OK : ERR_NOT_FOUND;
}

int64_t engine_text_max(const struct field_def *f)
{
    return f->max ? f->max : f->type == FT_LONGTEXT ? 20000 : 200;
}

static enum err in_ref(struct req *r, const struct field_def *f, json_t *in, json_t **out)
{
    int64_t id;
    if (!engine_id_of(in, &id))
        return field_err(r, f, "type_id");
    bool ok;
    enum err e = engine_row_visible(r, engine_entity(f->ref), id, &ok);
    if (e)
        return e;
    if (!ok)
        return field_err(r, f, "not_found");
    *out = json_integer(id);
    return ERR_OK;
}

static enum err in_multi_ref(struct req *r, const struct field_def *f, json_t *in, json_t **out)
{
    if (!json_is_array(in))
        return field_err(r, f, "type_array");
    if (json_array_size(in) > MAX_LIST)
        return field_err(r, f, "too_many");
    json_t *ids = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(in, i, v)
    {
        int64_t id;
        bool ok = false, dup = false;
        if (!engine_id_of(v, &id)) {
            json_decref(ids);
            return field_err(r, f, "type_id");
        }
        size_t j;
        json_t *w;
        json_array_foreach(ids, j, w) dup = dup || json_integer_value(w) == id;
        if (dup)
            continue;
        enum err e = engine_row_visible(r, engine_entity(f->ref), id, &ok);
        if (e || !ok) {
            json_decref(ids);
            return e ? e : field_err(r, f, "not_found");
        }
        json_array_append_new(ids, json_integer(id));
    }
    *out = ids;
    return ERR_OK;
}

static enum err in_tags(struct req *r, const struct field_def *f, json_t *in, json_t **out)
{
    if (!json_is_array(in))
        return field_err(r, f, "type_array");
    if (json_array_size(in) > MAX_LIST)
        return field_err(r, f, "too_many");
    json_t *tags = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(in, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || utf8_len(s) > MAX_TAG || strpbrk(s, "\"\\\r\n,、")) {
            json_decref(tags);
            return field_err(r, f, "invalid_tag");
        }
        bool dup = false;
        size_t j;
        json_t *w;
        json_array_foreach(tags, j, w) dup = dup || strcmp(json_string_value(w), s) == 0;
        if (!dup)
            json_array_append_new(tags, json_string(s));
    }
    *out = tags;
    return ERR_OK;
}

static enum err in_geo(struct req *r, const struct field_def *f, json_t *in, json_t **out)
{
    json_t *lng = json_object_get(in, "lng"), *lat = json_object_get(in, "lat");
    if (!json_is_object(in) || !json_is_number(lng) || !json_is_number(lat) ||
        json_object_size(in) != 2)
        return field_err(r, f, "invalid_geo");
    double x = json_number_value(lng), y = json_number_value(lat);
    if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
        return field_err(r, f, "invalid_geo");
    char buf[64];
    snprintf(buf, sizeof(buf), "%.6f,%.6f", x, y);
    *out = json_string(buf);
    return ERR_OK;
}

enum err engine_value_in(struct req *r, const struct entity *e, const struct field_def *f,
                         json_t *in, int64_t row_id, json_t **out)
{
    *out = NULL;
    const char *s = json_string_value(in);
    if (json_is_null(in) || (s && !*s)) { /* an empty text clears the value */
        *out = json_null();
        return ERR_OK;
    }
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
        if (!s)
            return field_err(r, f, "type_string");
        if (text_ok(r, f, s))
            *out = json_string(s);
        return ERR_OK;
    case FT_INT:
    case FT_DECIMAL: {
        int64_t v;
        if (f->type == FT_INT) {
            if (!json_is_integer(in))
                return field_err(r, f, "type_integer");
            v = json_integer_value(in);
        } else {
            char buf[64];
            if (json_is_integer(in))
                snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)json_integer_value(in));
            else if (json_is_real(in))
                snprintf(buf, sizeof(buf), "%.*f", f->scale + 2, json_real_value(in));
            else if (s && strlen(s) < sizeof(buf))
                snprintf(buf, sizeof(buf), "%s", s);
            else
                return field_err(r, f, "type_number");
            if (json_is_real(in)) { /* 12.5 printed as 12.5000: drop the zeros we added */
                char *end = buf + strlen(buf);
                while (end > buf && end[-1] == '0' && strchr(buf, '.'))
                    *--end = '\0';
                if (end > buf && end[-1] == '.')
                    *--end = '\0';
            }
            if (!parse_decimal(buf, f->scale, &v))
                return field_err(r, f, strchr(buf, '.') ? "too_many_decimals" : "type_number");
        }
        int64_t k = f->type == FT_DECIMAL ? pow10i(f->scale) : 1;
        if ((f->min || f->max) && (v < f->min * k || v > f->max * k))
            return field_err(r, f, "out_of_range");
        *out = json_integer(v);
        return ERR_OK;
    }
    case FT_BOOL:
        if (!json_is_boolean(in))
            return field_err(r, f, "type_boolean");
        *out = json_incref(in);
        return ERR_OK;
    case FT_DATE: {
        int32_t day;
        if (!s || strlen(s) != 10 || !calendar_parse_date(s, &day))
            return field_err(r, f, "invalid_date");
        *out = json_string(s);
        return ERR_OK;
    }
    case FT_DATETIME: {
        int64_t t;
        if (!s || !engine_parse_time(s, &t))
            return field_err(r, f, "invalid_datetime");
        *out = json_integer(t);
        return ERR_OK;
    }
    case FT_ENUM: {
        if (!s)
            return field_err(r, f, "type_string");
        bool ok;
        enum err err = engine_enum_has(r->db, &r->arena, engine_enum(f->enum_name), s, &ok);
        if (err)
            return err;
        if (!ok)
            return field_err(r, f, "invalid_enum");
        *out = json_string(s);
        return ERR_OK;
    }
    case FT_REF:
        return in_ref(r, f, in, out);
    case FT_MULTI_REF:
        return in_multi_ref(r, f, in, out);
    case FT_REGION: {
        if (!s)
            return field_err(r, f, "type_string");
        if (!region_code_shape(s))
            return field_err(r, f, "invalid_region");
        bool exists;
        enum err err = region_exists(r->db, s, &exists);
        if (err)
            return err;
        if (!exists)
            return field_err(r, f, "region_not_found");
        if ((f->flags & FF_SCOPE) && !access_scope_allows(&r->scope, s))
            return field_err(r, f, "out_of_scope");
        *out = json_string(s);
        return ERR_OK;
    }
    case FT_IDCARD: {
        struct idcard_info info;
        const char *code = s ? validate_idcard(s, validate_today(), &info) : "type_string";
        if (code)
            return field_err(r, f, code);
        *out = json_string(info.number);
        return ERR_OK;
    }
    case FT_USCC: {
        struct uscc_info info;
        const char *code = s ? validate_uscc(s, &info) : "type_string";
        if (code)
            return field_err(r, f, code);
        *out = json_string(info.code);
        return ERR_OK;
    }
    case FT_PHONE: {
        char buf[32];
        const char *code = s ? validate_phone(s, buf, sizeof(buf)) : "type_string";
        if (code)
            return field_err(r, f, code);
        *out = json_string(buf);
        return ERR_OK;
    }
    case FT_ATTACHMENTS: {
        if (!json_is_array(in))
            return field_err(r, f, "type_array");
        if (json_array_size(in) > MAX_LIST)
            return field_err(r, f, "too_many");
        size_t before = r->nerrors;
        json_t *ids = NULL;
        enum err err = attachment_check(r, f, in, row_id, e, &ids);
        if (err || r->nerrors != before) {
            json_decref(ids);
            return err;
        }
        *out = ids;
        return ERR_OK;
    }
    case FT_TAGS:
        return in_tags(r, f, in, out);
    case FT_GEO:
        return in_geo(r, f, in, out);
    }
    return ERR_INTERNAL;
}

bool engine_value_present(json_t *v)
{
    if (!v || json_is_null(v))
        return false;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return true;
}

const char *engine_value_text(struct req *r, json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(&r->arena, "%" PRId64, (int64_t)json_integer_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return "";
}

static json_t *array_of(const char *stored)
{
    json_t *a = stored ? jsonin_loads(stored) : NULL;
    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    return a;
}

enum err engine_value_load(struct req *r, const struct field_def *f, const struct db_rows *rows,
                           size_t i, int col, json_t **out)
{
    const char *s = db_str(rows, i, (size_t)col);
    bool null = db_is_null(rows, i, (size_t)col);
    *out = NULL;
    switch (f->type) {
    case FT_INT:
    case FT_DECIMAL:
    case FT_DATETIME:
    case FT_REF:
        *out = null ? json_null() : json_integer(db_int(rows, i, (size_t)col));
        break;
    case FT_BOOL:
        *out = null ? json_null() : json_boolean(db_int(rows, i, (size_t)col) != 0);
        break;
    case FT_MULTI_REF:
    case FT_TAGS:
    case FT_ATTACHMENTS:
        *out = array_of(s);
        break;
    case FT_IDCARD:
    case FT_PHONE: {
        if (!s) {
            *out = json_null();
            break;
        }
        const char *clear;
        enum err e = crypto_open(&r->arena, s, &clear);
        if (e == ERR_CONFLICT) {
            if (keystore_check(r->db) == ERR_UNAVAILABLE)
                return req_fail(r, ERR_UNAVAILABLE, "key_rotated");
            log_error(r, "a sealed personal value failed authentication (altered, or sealed "
                         "under another key)");
            return ERR_INTERNAL;
        }
        if (e)
            return e;
        *out = json_string(clear);
        break;
    }
    default:
        *out = s ? json_string(s) : json_null();
    }
    return *out ? ERR_OK : ERR_NOMEM;
}

enum err engine_value_out(struct req *r, const struct field_def *f, json_t *v, bool clear,
                          json_t **out)
{
    *out = NULL;
    if (json_is_null(v)) {
        *out = json_null();
        return ERR_OK;
    }
    switch (f->type) {
    case FT_DECIMAL: {
        char buf[32];
        format_decimal(json_integer_value(v), f->scale, buf, sizeof(buf));
        *out = json_string(buf);
        break;
    }
    case FT_DATETIME:
        *out = json_time(json_integer_value(v));
        break;
    case FT_REF:
        *out = json_id(json_integer_value(v));
        break;
    case FT_MULTI_REF: {
        *out = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) json_array_append_new(*out, json_id(json_integer_value(x)));
        break;
    }
    case FT_ATTACHMENTS:
        return attachment_describe(r, v, out);
    case FT_GEO: {
        double lng, lat;
        if (sscanf(json_string_value(v), "%lf,%lf", &lng, &lat) != 2)
            *out = json_null();
        else
            *out = json_pack("{s:f, s:f}", "lng", lng, "lat", lat);
        break;
    }
    default:
        if (!clear && json_is_string(v) && f->pii) {
            const char *s = json_string_value(v), *m = s;
            switch (f->pii) {
            case PII_NONE:
                break;
            case PII_NAME:
                m = mask_name(&r->arena, s);
                break;
            case PII_IDCARD:
                m = mask_idcard(&r->arena, s);
                break;
            case PII_PHONE:
                m = mask_phone(&r->arena, s);
                break;
            case PII_ADDRESS:
                m = mask_keep(&r->arena, s, 6, 0);
                break;
            case PII_DATE:
                m = mask_date(&r->arena, s);
                break;
            }
            if (!m)
                return ERR_NOMEM;
            *out = json_string(m);
        } else {
            *out = json_incref(v);
        }
    }
    return *out ? ERR_OK : ERR_NOMEM;
}

struct db_val engine_value_db(struct req *r, const struct field_def *f, json_t *v)
{
    if (!v || json_is_null(v))
        return DB_NUL;
    if (json_is_integer(v))
        return DB_I(json_integer_value(v));
    if (json_is_boolean(v))
        return DB_I(json_is_true(v) ? 1 : 0);
    if (json_is_string(v))
        return DB_T(arena_strdup(&r->arena, json_string_value(v)));
    if (json_is_array(v)) { /* stored as JSON text; ids as strings keep 64 bits exact */
        char *text = json_dumps(v, JSON_COMPACT);
        const char *copy = text ? arena_strdup(&r->arena, text) : NULL;
        free(text);
        return copy ? DB_T(copy) : DB_NUL;
    }
    return DB_NUL;
}

enum err engine_value_filter(struct req *r, const struct field_def *f, const char *param,
                             const char *text, json_t **out)
{
    *out = NULL;
    json_t *in = NULL;
    switch (f->type) {
    case FT_INT:
    case FT_REF:
    case FT_MULTI_REF: {
        char *end;
        long long v = strtoll(text, &end, 10);
        if (!*text || *end || (f->type != FT_INT && v <= 0)) {
            req_field_error(r, param, f->label, f->type == FT_INT ? "type_integer" : "type_id");
            return ERR_OK;
        }
        if (f->type == FT_INT && (f->min || f->max) && (v < f->min || v > f->max)) {
            req_field_error(r, param, f->label, "out_of_range");
            return ERR_OK;
        }
        *out = json_integer(v);
        return ERR_OK;
    }
    case FT_BOOL:
        if (strcmp(text, "true") && strcmp(text, "false") && strcmp(text, "1") &&
            strcmp(text, "0")) {
            req_field_error(r, param, f->label, "type_boolean");
            return ERR_OK;
        }
        *out = json_boolean(text[0] == 't' || text[0] == '1');
        return ERR_OK;
    case FT_DECIMAL: {
        int64_t v;
        if (!parse_decimal(text, f->scale, &v)) {
            req_field_error(r, param, f->label, "type_number");
            return ERR_OK;
        }
        *out = json_integer(v);
        return ERR_OK;
    }
    case FT_DATE: {
        int32_t day;
        if (strlen(text) != 10 || !calendar_parse_date(text, &day)) {
            req_field_error(r, param, f->label, "invalid_date");
            return ERR_OK;
        }
        *out = json_string(text);
        return ERR_OK;
    }
    case FT_DATETIME: {
        int64_t t;
        if (!engine_parse_time(text, &t)) {
            req_field_error(r, param, f->label, "invalid_datetime");
            return ERR_OK;
        }
        *out = json_integer(t);
        return ERR_OK;
    }
    case FT_REGION:
        if (!regioncode_valid(text) && !region_code_shape(text)) {
            req_field_error(r, param, f->label, "invalid_region");
            return ERR_OK;
        }
        *out = json_string(text);
        return ERR_OK;
    case FT_IDCARD: {
        struct idcard_info info;
        const char *code = validate_idcard(text, validate_today(), &info);
        if (code) {
            req_field_error(r, param, f->label, code);
            return ERR_OK;
        }
        *out = json_string(info.number);
        return ERR_OK;
    }
    case FT_PHONE: {
        char buf[32];
        const char *code = validate_phone(text, buf, sizeof(buf));
        if (code) {
            req_field_error(r, param, f->label, code);
            return ERR_OK;
        }
        *out = json_string(buf);
        return ERR_OK;
    }
    case FT_USCC: {
        struct uscc_info info;
        const char *code = validate_uscc(text, &info);
        if (code) {
            req_field_error(r, param, f->label, code);
            return ERR_OK;
        }
        *out = json_string(info.code);
        return ERR_OK;
    }
    case FT_ENUM: {
        bool ok;
        enum err err = engine_enum_has(r->db, &r->arena, engine_enum(f->enum_name), text, &ok);
        if (err)
            return err;
        if (!ok) {
            req_field_error(r, param, f->label, "invalid_enum");
            return ERR_OK;
        }
        *out = json_string(text);
        return ERR_OK;
    }
    default:
        in = json_string(text);
        if (!in) {
            req_field_error(r, param, f->label, "invalid_format");
            return ERR_OK;
        }
        *out = in;
        return ERR_OK;
    }
}

bool engine_view_clear(const struct engine_view *v, const struct entity *e, const char *region)
{
    if (!e->perms.identity)
        return false;
    if (!engine_scope_field(e))
        return v->identity.n > 0;
    return region && access_scope_allows(&v->identity, region);
}

const char *engine_label_column(const struct entity *e)
{
    const struct field_def *f = engine_label_field(e);
    if (!f)
        return NULL;
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_ENUM:
    case FT_USCC:
    case FT_REGION:
    case FT_DATE:
        return f->name;
    default:
        return NULL;
    }
}

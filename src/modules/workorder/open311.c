/* Open311 GeoReport v2 (docs/open311.md): the catalogue's leaf categories as services, a
 * request posted by an integration's API key as a work order, and its tracking. */
#include "modules/workorder/workorder.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "core/utf8.h"
#include "engine/workflow.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/auth.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/server.h"

#define OPEN311_PERM    "workorder.open311"
#define MAX_RESULTS     1000         /* GET requests.json answers at most this many */
#define DEFAULT_SPAN    (90 * 86400) /* ... from this far back when no range is given */
#define MAX_IDS         50           /* service_request_id=a,b,... with a key */
#define MAX_PUBLIC_IDS  10           /* ... without one (each code is a guess) */
#define MAX_SERVICES    20           /* service_code=a,b,... */
#define CODE_LEN        12           /* a work order's code (its service_request_id) */
#define SHANGHAI_OFFSET (8 * 3600)
#define HOUR            3600

/* The parameters Open311 defines, with the labels their errors name. service_request_id
 * is read raw (a list of codes may be longer than a typed parameter allows). */
const struct param_def open311_params[] = {
    {.name = "api_key", .type = PARAM_STR, .label = "API密钥（api_key）"},
    {.name = "jurisdiction_id", .type = PARAM_STR, .label = "辖区（jurisdiction_id）"},
    {.name = "service_code", .type = PARAM_STR, .label = "服务代码（service_code）"},
    {.name = "start_date", .type = PARAM_STR, .label = "起始时间（start_date）"},
    {.name = "end_date", .type = PARAM_STR, .label = "截止时间（end_date）"},
    {.name = "status", .type = PARAM_STR, .label = "状态（status）"},
    {.name = NULL},
};

/* The other fields a client sends and what their errors call them. */
static const struct {
    const char *name;
    const char *label;
} fields[] = {
    {"description", "诉求描述（description）"},
    {"lat", "纬度（lat）"},
    {"long", "经度（long）"},
    {"location", "诉求位置（lat、long 或 address_string）"},
    {"address_string", "地址（address_string）"},
    {"first_name", "姓名（first_name、last_name）"},
    {"last_name", "姓名（first_name、last_name）"},
    {"phone", "联系电话（phone）"},
    {"attribute[type]", "诉求类型（attribute[type]）"},
    {"service_request_id", "诉求编号（service_request_id）"},
};

/* A work order's field as the Open311 field a client sent for it. */
static const struct {
    const char *order_field;
    const char *open311;
} order_fields[] = {
    {"content", "description"},         {"category_id", "service_code"},
    {"region_code", "jurisdiction_id"}, {"address", "address_string"},
    {"location", "location"},           {"caller_name", "first_name"},
    {"caller_phone", "phone"},          {"type", "attribute[type]"},
};

/* The form fields read from a posted request; any other name is ignored (docs). */
static const char *const form_fields[] = {
    "api_key",        "jurisdiction_id", "service_code", "description",     "lat",   "long",
    "address_string", "first_name",      "last_name",    "phone",           "email", "device_id",
    "account_id",     "media_url",       "address_id",   "attribute[type]", NULL,
};

static const char *label_of(const char *name)
{
    for (const struct param_def *p = open311_params; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p->label;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(fields[i].name, name) == 0)
            return fields[i].label;
    return name;
}

static enum err field_error(struct req *r, const char *name, const char *code)
{
    return req_field_error(r, name, label_of(name), code);
}

static bool has_error(const struct req *r, const char *name)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, name) == 0)
            return true;
    return false;
}

/* ---- Times ---------------------------------------------------------------------------- */

/* ISO 8601 as the w3 note profiles it, in Beijing time: "2026-05-01T10:00:00+08:00". */
static json_t *json_time_cn(int64_t t)
{
    if (!t)
        return json_null();
    int64_t local = t + SHANGHAI_OFFSET;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t secs = local - days * 86400;
    int y, m, d;
    calendar_to_ymd((int32_t)(calendar_from_ymd(1970, 1, 1) + days), &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
    return json_string(buf);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)": the zone is required (the spec's rule). */
static bool parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    if (!calendar_valid_ymd(y, mo, d) || h > 23 || mi > 59 || sec > 59)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    int sign = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return false;
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    int64_t days = calendar_from_ymd(y, mo, d) - calendar_from_ymd(1970, 1, 1);
    *out = days * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    return true;
}

/* ---- The posted form ------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes one name or value of application/x-www-form-urlencoded: '+' is a space, %XX a
 * byte; the result must be UTF-8 without NUL. NULL when it is not. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[k++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return utf8_valid(out, k) ? out : NULL;
}

static bool form_field(const char *name)
{
    for (const char *const *f = form_fields; *f; f++)
        if (strcmp(*f, name) == 0)
            return true;
    return false;
}

/* The body's fields that Open311 defines, as a JSON object of strings. ERR_INVALID with
 * the message set for bad encoding; a field given twice is a field error (a proxy might
 * have read the other one). */
static enum err form_parse(struct req *r, json_t **out)
{
    json_t *form = json_object();
    if (!form || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, form)) {
        json_decref(form);
        return ERR_NOMEM;
    }
    *out = form;
    const char *p = r->body.buf, *end = r->body.buf + r->body.len;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            const char *name_end = eq ? eq : stop;
            char *name = form_decode(&r->arena, p, (size_t)(name_end - p));
            char *value = eq ? form_decode(&r->arena, eq + 1, (size_t)(stop - eq - 1))
                             : arena_strdup(&r->arena, "");
            if (!name || !value)
                return req_fail(r, ERR_INVALID, "open311_bad_form");
            if (form_field(name)) {
                if (json_object_get(form, name)) {
                    if (!has_error(r, name))
                        field_error(r, name, "open311_duplicate");
                } else if (json_object_set_new(form, name, json_string(value))) {
                    return ERR_NOMEM;
                }
            }
        }
        p = amp ? amp + 1 : NULL;
    }
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

/* A field of the form, or of the query string when the form lacks it; NULL when absent
 * or empty. */
static const char *param(struct req *r, json_t *form, const char *name)
{
    const char *v = form ? json_string_value(json_object_get(form, name)) : NULL;
    if (!v || !*v)
        v = query_str(r, name);
    return v && *v ? v : NULL;
}

static bool form_content_type(struct req *r)
{
    static const char want[] = "application/x-www-form-urlencoded";
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    size_t n = sizeof(want) - 1;
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A coordinate in decimal degrees within [-limit, limit]. */
static bool coordinate(const char *s, double limit, double *out)
{
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+')
            return false;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < -limit || v > limit)
        return false;
    *out = v;
    return true;
}

/* ---- Keys, jurisdictions and the catalogue ------------------------------------------- */

/* The API key's user with workorder.open311 and its scope in r->scope. ERR_FORBIDDEN (or
 * ERR_RATE_LIMITED) otherwise. */
static enum err key_check(struct req *r, const char *key)
{
    if (!key)
        return req_fail(r, ERR_FORBIDDEN, "open311_api_key_required");
    enum err e = auth_api_key(r, key);
    if (e == ERR_RATE_LIMITED || e == ERR_NOMEM || e == ERR_DB_BUSY || e == ERR_INTERNAL)
        return e;
    if (e || !access_has(r, OPEN311_PERM))
        return req_fail(r, ERR_FORBIDDEN, "open311_api_key_invalid");
    return access_scope(r, OPEN311_PERM, &r->scope);
}

/* A public look-up (no key) counts against the address's hourly limit, as the portal's
 * do: a code is a tracking key that should not be guessed at speed. */
static enum err lookup_limit(struct req *r)
{
    int retry = 0;
    if (auth_rate_hit(r, "open311_lookup", r->ip, r->srv->cfg->portal_lookup_rate, HOUR, &retry))
        return ERR_OK;
    const char *after = arena_printf(&r->arena, "%d", retry > 0 ? retry : 1);
    if (after)
        reply_header(r, "Retry-After", after);
    return req_fail(r, ERR_RATE_LIMITED, "open311_rate_limited");
}

/* The jurisdiction named, and its chain of regions up to the province (itself first) in
 * *chain: ERR_INVALID when missing (required) or not a code, ERR_NOT_FOUND when no such
 * region. *code stays NULL when it was optional and absent. */
static enum err jurisdiction(struct req *r, json_t *form, bool required, const char **code,
                             const char *chain[6], size_t *n)
{
    *code = param(r, form, "jurisdiction_id");
    *n = 0;
    if (!*code)
        return required ? field_error(r, "jurisdiction_id", "required") : ERR_OK;
    if (!region_code_shape(*code))
        return field_error(r, "jurisdiction_id", "invalid_region");
    for (const char *at = *code; at && *n < 6;) {
        struct region reg;
        enum err e = region_find(r->db, &r->arena, at, &reg);
        if (e == ERR_NOT_FOUND && *n == 0)
            return req_fail(r, ERR_NOT_FOUND, "open311_jurisdiction_unknown");
        if (e == ERR_NOT_FOUND)
            break;
        if (e)
            return e;
        chain[(*n)++] = arena_strdup(&r->arena, reg.code);
        at = reg.parent_code;
    }
    return ERR_OK;
}

/* The active leaf categories of the catalogues whose region contains the jurisdiction
 * (its chain), the nearest catalogue's first; only code's when code is not NULL. Columns:
 * id, code, name, description, keywords, group (parent's name). */
static enum err services_query(struct req *r, const char *const *chain, size_t n, const char *code,
                               struct db_rows *rows)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT c.id, c.code, c.name, c.description, c.keywords, p.name "
                 "FROM dispatch_category c LEFT JOIN dispatch_category p ON p.id = c.parent_id "
                 "WHERE c.active = 1 AND NOT EXISTS (SELECT 1 FROM dispatch_category k "
                 "WHERE k.parent_id = c.id) AND c.region_code IN (");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_T(chain[i]));
    }
    sqlq_add(&q, ")");
    if (code) {
        sqlq_add(&q, " AND c.code = ");
        sqlq_arg(&q, DB_T(code));
    }
    /* a deeper region's code is greater within one chain: the nearest catalogue first */
    sqlq_add(&q, " ORDER BY c.region_code DESC, p.name, c.code");
    enum err e = sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return e;
}

/* ---- GET services.json ----------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

enum err open311_services(struct req *r)
{
    const char *code, *chain[6];
    size_t n;
    enum err e = jurisdiction(r, NULL, true, &code, chain, &n);
    struct db_rows rows;
    if (!e)
        e = services_query(r, chain, n, NULL, &rows);
    if (e)
        return e;
    json_t *list = json_array(), *seen = json_object();
    for (size_t i = 0; list && seen && i < rows.nrows; i++) {
        const char *scode = db_str(&rows, i, 1);
        if (json_object_get(seen, scode))
            continue; /* a nearer catalogue's category of the same code answered already */
        json_object_set_new(seen, scode, json_true());
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o}", "service_code",
                                        scode, "service_name", db_str(&rows, i, 2), "description",
                                        str_or_null(db_str(&rows, i, 3)), "metadata", 0, "type",
                                        "realtime", "keywords", str_or_null(db_str(&rows, i, 4)),
                                        "group", str_or_null(db_str(&rows, i, 5))));
    }
    json_decref(seen);
    return reply_json_take(r, 200, list);
}

/* ---- POST requests.json ------------------------------------------------------------------ */

/* first_name and last_name as one name: family name first without a space for Chinese
 * names, "first last" for names written in Latin letters. */
static const char *caller_name(struct req *r, const char *first, const char *last)
{
    if (!first || !last)
        return first ? first : last;
    bool ascii = true;
    for (const char *p = first; *p; p++)
        ascii = ascii && (unsigned char)*p < 0x80;
    for (const char *p = last; *p; p++)
        ascii = ascii && (unsigned char)*p < 0x80;
    return ascii ? arena_printf(&r->arena, "%s %s", first, last)
                 : arena_printf(&r->arena, "%s%s", last, first);
}

/* The work order's field errors as the Open311 fields the client sent; one error per
 * field (the checks above may have named it already). */
static void errors_as_open311(struct req *r, size_t from)
{
    size_t k = from;
    for (size_t i = from; i < r->nerrors; i++) {
        struct field_error fe = r->errors[i];
        for (size_t j = 0; j < sizeof(order_fields) / sizeof(order_fields[0]); j++)
            if (strcmp(fe.field, order_fields[j].order_field) == 0) {
                fe.field = order_fields[j].open311;
                fe.message = msg_field(&r->arena, fe.code, label_of(fe.field));
            }
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup = dup || strcmp(r->errors[j].field, fe.field) == 0;
        if (!dup)
            r->errors[k++] = fe;
    }
    r->nerrors = k;
}

/* The order as the engine takes it, from the form, and its category (*category); field
 * errors for what Open311 itself requires (the engine checks the rest). The category is
 * not part of the engine's input: a key may not read the catalogue through the API (its
 * reference check would not find it), but a service of the jurisdiction is by definition
 * an active leaf of a catalogue covering it, which is what an order may take. */
static enum err order_input(struct req *r, json_t *form, const char *region,
                            const char *const *chain, size_t n, json_t **out, int64_t *category)
{
    json_t *in = json_object();
    if (!in || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, in)) {
        json_decref(in);
        return ERR_NOMEM;
    }
    *out = in;
    const char *service = param(r, form, "service_code");
    if (!service) {
        field_error(r, "service_code", "required");
    } else {
        struct db_rows rows;
        enum err e = services_query(r, chain, n, service, &rows);
        if (e)
            return e;
        if (rows.nrows == 0)
            field_error(r, "service_code", "open311_unknown_service");
        else
            *category = db_int(&rows, 0, 0);
    }
    const char *description = param(r, form, "description");
    if (!description)
        field_error(r, "description", "required");
    const char *lat = param(r, form, "lat"), *lng = param(r, form, "long");
    const char *address = param(r, form, "address_string");
    double x = 0, y = 0;
    if (lat && !coordinate(lat, 90, &y))
        field_error(r, "lat", "out_of_range");
    if (lng && !coordinate(lng, 180, &x))
        field_error(r, "long", "out_of_range");
    if ((lat != NULL) != (lng != NULL))
        field_error(r, lat ? "long" : "lat", "open311_lat_long_pair");
    if (!address && !(lat && lng))
        field_error(r, "location", "open311_location");
    const char *type = param(r, form, "attribute[type]");
    const char *name = caller_name(r, param(r, form, "first_name"), param(r, form, "last_name"));
    json_object_set_new(in, "channel", json_string("open311"));
    json_object_set_new(in, "type", json_string(type ? type : "complaint"));
    json_object_set_new(in, "region_code", json_string(region));
    json_object_set_new(in, "content", str_or_null(description));
    json_object_set_new(in, "address", str_or_null(address));
    json_object_set_new(in, "caller_name", str_or_null(name));
    json_object_set_new(in, "caller_phone", str_or_null(param(r, form, "phone")));
    if (lat && lng && !has_error(r, "lat") && !has_error(r, "long"))
        json_object_set_new(in, "location", json_pack("{s:f, s:f}", "lng", x, "lat", y));
    return ERR_OK;
}

enum err open311_requests_create(struct req *r)
{
    if (!form_content_type(r))
        return req_fail(r, ERR_INVALID, "open311_form_only");
    json_t *form, *in;
    enum err e = form_parse(r, &form);
    if (e)
        return e;
    e = key_check(r, param(r, form, "api_key"));
    if (e)
        return e;
    const char *region, *chain[6];
    size_t n;
    e = jurisdiction(r, form, true, &region, chain, &n);
    if (e)
        return e;
    if (!access_scope_allows(&r->scope, region))
        return req_fail(r, ERR_FORBIDDEN, "open311_out_of_scope");
    int64_t id = 0, category = 0;
    e = order_input(r, form, region, chain, n, &in, &category);
    if (e)
        return e;
    size_t checked = r->nerrors;
    e = engine_write(r, &work_order_entity, in, 0, 0, &id);
    errors_as_open311(r, checked);
    if (!e && r->nerrors)
        e = ERR_INVALID;
    if (e == ERR_CONFLICT && r->nerrors)
        e = ERR_INVALID; /* a field's uniqueness is the client's to fix */
    if (e)
        return e;
    struct db_rows rows;
    /* the urgency is the category's, as for an order registered without one */
    e = db_exec(r->db,
                "UPDATE work_order SET category_id = $2, source_token_id = $3, urgency = "
                "(SELECT urgency FROM dispatch_category WHERE id = $2) WHERE id = $1",
                DB_ARGS(DB_I(id), DB_I(category), DB_I(r->user.token_id)), NULL);
    if (!e)
        e = db_query_one(r->db, &r->arena, "SELECT code FROM work_order WHERE id = $1",
                         DB_ARGS(DB_I(id)), &rows);
    if (e)
        return e;
    const char *code = db_str(&rows, 0, 0);
    const char *location = arena_printf(&r->arena, "/open311/v2/requests/%s.json", code);
    if (location)
        reply_header(r, "Location", location);
    return reply_json_take(r, 201,
                           json_pack("[{s:s, s:s, s:n}]", "service_request_id", code,
                                     "service_notice", msg_text("open311_notice"), "account_id"));
}

/* ---- GET requests ------------------------------------------------------------------------ */

#define ORDER_COLS                                                                                 \
    "SELECT w.code, w.state, w.content, w.address, w.location, w.region_code, w.received_at, "     \
    "w.updated_at, w.handle_due, c.code, c.name, u.name FROM work_order w "                        \
    "LEFT JOIN dispatch_category c ON c.id = w.category_id LEFT JOIN unit u ON u.id = w.unit_id "

static bool state_closed(const char *state)
{
    return strcmp(state, "closed") == 0 || strcmp(state, "redirected") == 0;
}

/* One order as a service request. full (an API key whose scope holds the order) adds what
 * the public answer leaves out: the description, the address and the point. */
static json_t *request_json(struct req *r, const struct db_rows *rows, size_t i, bool keyed)
{
    const char *state = db_str(rows, i, 1), *unit = db_str(rows, i, 11);
    bool full = keyed && access_scope_allows(&r->scope, db_str(rows, i, 5));
    const char *label = workflow_state_label(work_order_entity.workflow, state);
    const char *notes =
        unit ? arena_printf(&r->arena, "%s%s%s", label, msg_text("open311_note_unit"), unit)
             : label;
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "service_request_id", json_string(db_str(rows, i, 0)));
    json_object_set_new(o, "status", json_string(state_closed(state) ? "closed" : "open"));
    json_object_set_new(o, "status_notes", str_or_null(notes));
    json_object_set_new(o, "service_name", str_or_null(db_str(rows, i, 10)));
    json_object_set_new(o, "service_code", str_or_null(db_str(rows, i, 9)));
    if (full)
        json_object_set_new(o, "description", str_or_null(db_str(rows, i, 2)));
    json_object_set_new(o, "agency_responsible", str_or_null(unit));
    json_object_set_new(o, "service_notice", json_null());
    json_object_set_new(o, "requested_datetime", json_time_cn(db_int(rows, i, 6)));
    json_object_set_new(o, "updated_datetime", json_time_cn(db_int(rows, i, 7)));
    json_object_set_new(o, "expected_datetime", json_time_cn(db_int(rows, i, 8)));
    if (full) {
        double lng, lat;
        const char *point = db_str(rows, i, 4);
        bool has_point = point && sscanf(point, "%lf,%lf", &lng, &lat) == 2;
        json_object_set_new(o, "address", str_or_null(db_str(rows, i, 3)));
        json_object_set_new(o, "address_id", json_null());
        json_object_set_new(o, "zipcode", json_null());
        json_object_set_new(o, "lat", has_point ? json_real(lat) : json_null());
        json_object_set_new(o, "long", has_point ? json_real(lng) : json_null());
    }
    json_object_set_new(o, "media_url", json_null());
    return o;
}

static bool code_shape(const char *s, size_t n)
{
    if (n != CODE_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The key when one was given (403 when it is bad), else a public look-up's limit. */
static enum err reader(struct req *r, bool *keyed)
{
    const char *key = query_str(r, "api_key");
    *keyed = key != NULL;
    return key ? key_check(r, key) : lookup_limit(r);
}

/* The orders of the given codes (those that exist), inside the jurisdiction when one was
 * named. */
static enum err requests_by_code(struct req *r, const char *const *codes, size_t ncodes,
                                 json_t **out)
{
    bool keyed;
    enum err e = reader(r, &keyed);
    const char *region, *chain[6];
    size_t n;
    if (!e)
        e = jurisdiction(r, NULL, false, &region, chain, &n);
    if (e)
        return e;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, ORDER_COLS "WHERE w.code IN (");
    for (size_t i = 0; i < ncodes; i++) {
        if (i)
            sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_T(codes[i]));
    }
    sqlq_add(&q, ")");
    if (region) {
        struct scope js = {.roots = &region, .n = 1};
        sqlq_add(&q, " AND ");
        access_scope_sql(&js, "w.region_code", &r->arena, &q);
    }
    sqlq_add(&q, " ORDER BY w.received_at DESC, w.id DESC");
    struct db_rows rows;
    e = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (e)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; list && i < rows.nrows; i++)
        json_array_append_new(list, request_json(r, &rows, i, keyed));
    *out = list;
    return list ? ERR_OK : ERR_NOMEM;
}

enum err open311_request_get(struct req *r)
{
    const char *seg = r->params[0];
    size_t len = strlen(seg);
    if (len > 4 && strcmp(seg + len - 4, ".xml") == 0)
        return req_fail(r, ERR_INVALID, "open311_json_only");
    if (len <= 5 || strcmp(seg + len - 5, ".json") != 0 || !code_shape(seg, len - 5))
        return req_fail(r, ERR_NOT_FOUND, "open311_request_not_found");
    const char *code = arena_strndup(&r->arena, seg, len - 5);
    json_t *list;
    enum err e = code ? requests_by_code(r, &code, 1, &list) : ERR_NOMEM;
    if (e)
        return e;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return req_fail(r, ERR_NOT_FOUND, "open311_request_not_found");
    }
    return reply_json_take(r, 200, list);
}

/* service_request_id=a,b,c as codes; ERR_INVALID on a malformed list, or a longer one
 * than a reader with a key (or without) may ask for. */
static enum err id_list(struct req *r, const char *raw, const char ***codes, size_t *n)
{
    size_t most = query_str(r, "api_key") ? MAX_IDS : MAX_PUBLIC_IDS;
    *n = 0;
    *codes = arena_calloc(&r->arena, MAX_IDS, sizeof(char *));
    if (!*codes)
        return ERR_NOMEM;
    for (const char *p = raw;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            if (!code_shape(p, len))
                return field_error(r, "service_request_id", "invalid_format");
            if (*n == most)
                return field_error(r, "service_request_id", "too_many");
            (*codes)[(*n)++] = arena_strndup(&r->arena, p, len);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return *n ? ERR_OK : field_error(r, "service_request_id", "required");
}

/* Appends " AND (column IN (a, b))" for a comma-separated list of text (at most
 * MAX_SERVICES items: ERR_INVALID beyond). */
static enum err text_list_sql(struct req *r, struct sqlq *q, const char *column, const char *list)
{
    sqlq_add(q, " AND ");
    sqlq_add(q, column);
    sqlq_add(q, " IN (");
    size_t k = 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len && k == MAX_SERVICES)
            return field_error(r, "service_code", "too_many");
        if (len) {
            if (k++)
                sqlq_add(q, ", ");
            sqlq_arg(q, DB_T(arena_strndup(&r->arena, p, len)));
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (!k)
        sqlq_arg(q, DB_NUL);
    sqlq_add(q, ")");
    return ERR_OK;
}

/* status=open,closed as a condition: *cond NULL for both (or none). */
static enum err status_filter(struct req *r, const char **cond)
{
    const char *s = query_str(r, "status");
    bool open = false, closed = false;
    *cond = NULL;
    for (const char *p = s; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 4 && strncasecmp(p, "open", 4) == 0)
            open = true;
        else if (len == 6 && strncasecmp(p, "closed", 6) == 0)
            closed = true;
        else
            return field_error(r, "status", "open311_status");
        p = comma ? comma + 1 : p + len;
    }
    if (open != closed)
        *cond = closed ? " AND w.state IN ('closed', 'redirected')"
                       : " AND w.state NOT IN ('closed', 'redirected')";
    return ERR_OK;
}

/* start_date and end_date: at most 90 days apart, the last 90 days by default. */
static enum err date_range(struct req *r, int64_t *from, int64_t *to)
{
    const char *s = query_str(r, "start_date"), *e = query_str(r, "end_date");
    *to = r->now;
    if (s && !parse_time(s, from))
        field_error(r, "start_date", "invalid_datetime");
    if (e && !parse_time(e, to))
        field_error(r, "end_date", "invalid_datetime");
    if (r->nerrors)
        return ERR_INVALID;
    if (!s)
        *from = *to - DEFAULT_SPAN;
    else if (!e)
        *to = *from + DEFAULT_SPAN < r->now ? *from + DEFAULT_SPAN : r->now;
    if (*to < *from)
        return field_error(r, "end_date", "open311_date_order");
    if (*to - *from > DEFAULT_SPAN)
        return field_error(r, "end_date", "open311_date_span");
    return ERR_OK;
}

/* The key's orders by filters, newest first. */
static enum err requests_search(struct req *r, json_t **out)
{
    enum err e = key_check(r, query_str(r, "api_key"));
    if (e)
        return e;
    const char *region, *chain[6], *state_cond;
    size_t n;
    int64_t from, to;
    e = jurisdiction(r, NULL, false, &region, chain, &n);
    if (!e && region && !access_scope_allows(&r->scope, region))
        e = req_fail(r, ERR_FORBIDDEN, "open311_out_of_scope");
    if (e)
        return e;
    status_filter(r, &state_cond);
    date_range(r, &from, &to);
    if (r->nerrors)
        return ERR_INVALID;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, ORDER_COLS "WHERE w.received_at >= ");
    sqlq_arg(&q, DB_I(from));
    sqlq_add(&q, " AND w.received_at <= ");
    sqlq_arg(&q, DB_I(to));
    sqlq_add(&q, " AND ");
    access_scope_sql(&r->scope, "w.region_code", &r->arena, &q);
    if (region) {
        struct scope js = {.roots = &region, .n = 1};
        sqlq_add(&q, " AND ");
        access_scope_sql(&js, "w.region_code", &r->arena, &q);
    }
    const char *services = query_str(r, "service_code");
    if (services)
        e = text_list_sql(r, &q, "c.code", services);
    if (state_cond)
        sqlq_add(&q, state_cond);
    sqlq_add(&q, " ORDER BY w.received_at DESC, w.id DESC LIMIT ");
    sqlq_arg(&q, DB_I(MAX_RESULTS));
    struct db_rows rows;
    if (!e)
        e = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (e)
        return e;
    json_t *list = json_array();
    for (size_t i = 0; list && i < rows.nrows; i++)
        json_array_append_new(list, request_json(r, &rows, i, true));
    *out = list;
    return list ? ERR_OK : ERR_NOMEM;
}

enum err open311_requests_list(struct req *r)
{
    /* read raw: a list of codes is longer than a typed parameter may be */
    const char *ids =
        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "service_request_id");
    json_t *list = NULL;
    enum err e;
    if (ids && *ids) {
        const char **codes;
        size_t n;
        e = id_list(r, ids, &codes, &n);
        if (!e)
            e = requests_by_code(r, codes, n, &list);
    } else {
        e = requests_search(r, &list);
    }
    return e ? e : reply_json_take(r, 200, list);
}

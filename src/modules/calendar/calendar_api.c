/* Calendar handlers (see calendar_api.h). Reads answer from the cached calendar or the
 * tables; writes change calendar_correction or calendar_year and raise the version. */
#include "modules/calendar/calendar_api.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/encode.h"
#include "modules/calendar/calendar_db.h"
#include "modules/calendar/calendar_import.h"
#include "server/msg.h"
#include "server/reply.h"

/* Every entry between $1 and $2: official days with any correction over them, then the
 * corrections of days without an official entry. */
static const char items_sql[] =
    "SELECT d.date, d.kind, d.name, d.source, d.updated_at, "
    "c.kind, c.name, c.updated_at, c.updated_by "
    "FROM calendar_day d LEFT JOIN calendar_correction c ON c.date = d.date "
    "WHERE d.date BETWEEN $1 AND $2 "
    "UNION ALL "
    "SELECT c.date, NULL, NULL, NULL, NULL, c.kind, c.name, c.updated_at, c.updated_by "
    "FROM calendar_correction c WHERE c.date BETWEEN $1 AND $2 "
    "AND NOT EXISTS (SELECT 1 FROM calendar_day d WHERE d.date = c.date) "
    "ORDER BY 1";

static enum err query_items(struct req *r, const char *lo, const char *hi, struct db_rows *rows)
{
    return db_query(r->db, &r->arena, items_sql, DB_ARGS(DB_T(lo), DB_T(hi)), rows);
}

/* The columns of items_sql: the official entry, then the correction over it. */
enum {
    COL_DATE,
    COL_KIND,
    COL_NAME,
    COL_SOURCE,
    COL_AT,
    COL_FIX_KIND,
    COL_FIX_NAME,
    COL_FIX_AT,
    COL_FIX_BY
};

/* One day as the API shows it: the effective kind (a correction's when there is one), and
 * the official entry a correction overrules. */
static json_t *item_json(const struct db_rows *rows, size_t i)
{
    bool fixed = !db_is_null(rows, i, COL_FIX_KIND);
    bool official = !db_is_null(rows, i, COL_KIND);
    const char *date = db_str(rows, i, COL_DATE);
    const char *kind = db_str(rows, i, fixed ? COL_FIX_KIND : COL_KIND);
    int32_t day = 0;
    calendar_parse_date(date, &day);
    int weekday = calendar_weekday(day);
    bool workday = strcmp(kind, "workday") == 0 || (strcmp(kind, "ordinary") == 0 && weekday <= 5);
    json_t *o = json_object();
    json_object_set_new(o, "date", json_string(date));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "name", json_string(db_str(rows, i, fixed ? COL_FIX_NAME : COL_NAME)));
    json_object_set_new(o, "workday", json_boolean(workday));
    json_object_set_new(o, "weekday", json_integer(weekday));
    json_object_set_new(o, "source",
                        json_string(fixed ? CALENDAR_SOURCE_ADMIN : db_str(rows, i, COL_SOURCE)));
    json_object_set_new(o, "updated_at", json_time(db_int(rows, i, fixed ? COL_FIX_AT : COL_AT)));
    json_object_set_new(o, "updated_by", json_id(fixed ? db_int(rows, i, COL_FIX_BY) : 0));
    json_object_set_new(o, "official",
                        fixed && official
                            ? json_pack("{s:s, s:s, s:s}", "kind", db_str(rows, i, COL_KIND),
                                        "name", db_str(rows, i, COL_NAME), "source",
                                        db_str(rows, i, COL_SOURCE))
                            : json_null());
    return o;
}

static void year_bounds(int year, char lo[CALENDAR_DATE_LEN + 1], char hi[CALENDAR_DATE_LEN + 1])
{
    calendar_format_date(calendar_from_ymd(year, 1, 1), lo);
    calendar_format_date(calendar_from_ymd(year, 12, 31), hi);
}

enum err calendar_api_list(struct req *r)
{
    int64_t year;
    if (!query_int(r, "year", &year))
        year = calendar_year_of(calendar_today(r->now));
    char lo[CALENDAR_DATE_LEN + 1], hi[CALENDAR_DATE_LEN + 1];
    year_bounds((int)year, lo, hi);
    struct db_rows rows, years;
    enum err e = query_items(r, lo, hi, &rows);
    if (!e)
        e = db_query(r->db, &r->arena,
                     "SELECT year, source, updated_at, updated_by FROM calendar_year ORDER BY year",
                     DB_NOARGS, &years);
    if (e)
        return e;
    json_t *items = json_array(), *covered_years = json_array(), *coverage = json_null();
    for (size_t i = 0; i < rows.nrows; i++)
        json_array_append_new(items, item_json(&rows, i));
    for (size_t i = 0; i < years.nrows; i++) {
        json_array_append_new(covered_years, json_integer(db_int(&years, i, 0)));
        if (db_int(&years, i, 0) == year) {
            json_decref(coverage);
            coverage = json_pack("{s:s, s:o, s:o}", "source", db_str(&years, i, 1), "updated_at",
                                 json_time(db_int(&years, i, 2)), "updated_by",
                                 json_id(db_int(&years, i, 3)));
        }
    }
    return reply_json_take(r, 200,
                           json_pack("{s:I, s:b, s:o, s:o, s:o}", "year", (json_int_t)year,
                                     "covered", !json_is_null(coverage), "coverage", coverage,
                                     "covered_years", covered_years, "items", items));
}

/* The path's {date}; a field error when it is not a date. */
static const char *path_date(struct req *r)
{
    int32_t day;
    const char *date = r->params[0];
    if (!calendar_parse_date(date, &day)) {
        req_field_error(r, "date", "日期", "invalid_date");
        return NULL;
    }
    r->audit.object_type = "calendar_day";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%s", date);
    return date;
}

/* The effective entry of one date (rows->nrows is 0 for an ordinary day without any). */
static enum err day_item(struct req *r, const char *date, struct db_rows *rows)
{
    return query_items(r, date, date, rows);
}

enum err calendar_api_put(struct req *r)
{
    static const char *const keys[] = {"kind", "name", NULL};
    const char *date = path_date(r);
    body_allow(r, keys);
    const char *kind = body_str(r, "kind", "类型", REQUIRED, 16);
    const char *name = body_str(r, "name", "名称", OPTIONAL, CALENDAR_NAME_MAX);
    enum calendar_kind k;
    if (kind && !calendar_kind_parse(kind, &k))
        req_field_error(r, "kind", "类型", "invalid_enum");
    if (r->nerrors)
        return ERR_INVALID;
    struct db_rows before;
    enum err e = day_item(r, date, &before);
    if (!e)
        e = db_exec(
            r->db,
            "INSERT INTO calendar_correction (date, kind, name, updated_at, updated_by) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (date) DO UPDATE SET "
            "kind = excluded.kind, name = excluded.name, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            DB_ARGS(DB_T(date), DB_T(kind), DB_T(name ? name : ""), DB_I(r->now), DB_I(r->user.id)),
            NULL);
    if (!e)
        e = calendar_db_touch(r->db);
    if (e)
        return e;
    struct sbuf d;
    sbuf_init(&d, 1024);
    sbuf_adds(&d, "{\"kind\":\"");
    sbuf_add_json_str(&d, kind);
    sbuf_adds(&d, "\",\"name\":\"");
    sbuf_add_json_str(&d, name ? name : "");
    if (before.nrows) {
        bool fixed = !db_is_null(&before, 0, COL_FIX_KIND);
        const char *prev = db_str(&before, 0, fixed ? COL_FIX_KIND : COL_KIND);
        sbuf_adds(&d, "\",\"previous\":{\"kind\":\"");
        sbuf_add_json_str(&d, prev ? prev : "");
        sbuf_adds(&d, "\",\"source\":\"");
        sbuf_add_json_str(&d, fixed ? CALENDAR_SOURCE_ADMIN : db_str(&before, 0, COL_SOURCE));
        sbuf_adds(&d, "\"}}");
    } else {
        sbuf_adds(&d, "\",\"previous\":null}");
    }
    r->audit.detail = arena_strdup(&r->arena, d.buf);
    sbuf_release(&d);
    struct db_rows after;
    e = day_item(r, date, &after);
    if (e)
        return e;
    if (after.nrows != 1)
        return ERR_INTERNAL;
    return reply_json_take(r, 200, item_json(&after, 0));
}

enum err calendar_api_delete(struct req *r)
{
    const char *date = path_date(r);
    if (!date)
        return ERR_INVALID;
    struct db_rows before;
    enum err e = db_query(r->db, &r->arena, "SELECT kind FROM calendar_correction WHERE date = $1",
                          DB_ARGS(DB_T(date)), &before);
    if (e)
        return e;
    if (before.nrows == 0)
        return req_fail(r, ERR_NOT_FOUND, "calendar_no_correction");
    e = db_exec(r->db, "DELETE FROM calendar_correction WHERE date = $1", DB_ARGS(DB_T(date)),
                NULL);
    if (!e)
        e = calendar_db_touch(r->db);
    if (e)
        return e;
    r->audit.detail = arena_printf(&r->arena, "{\"kind\":\"%s\"}", db_str(&before, 0, 0));
    return reply_no_content(r);
}

/* The path's {year}; a field error when it is not a year 1..9999. */
static bool path_year(struct req *r, int *year)
{
    int64_t y;
    if (!parse_int64(r->params[0], &y) || y < CALENDAR_MIN_YEAR || y > CALENDAR_MAX_YEAR) {
        req_field_error(r, "year", "年份", "invalid_year");
        return false;
    }
    *year = (int)y;
    r->audit.object_type = "calendar_year";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%d", *year);
    return true;
}

enum err calendar_api_year_put(struct req *r)
{
    int year;
    if (!path_year(r, &year))
        return ERR_INVALID;
    int64_t added = 0;
    enum err e = db_exec(
        r->db,
        "INSERT INTO calendar_year (year, source, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (year) DO NOTHING",
        DB_ARGS(DB_I(year), DB_T(CALENDAR_SOURCE_ADMIN), DB_I(r->now), DB_I(r->user.id)), &added);
    if (!e && added)
        e = calendar_db_touch(r->db);
    struct db_rows rows;
    if (!e)
        e = db_query_one(r->db, &r->arena,
                         "SELECT source, updated_at, updated_by FROM calendar_year WHERE year = $1",
                         DB_ARGS(DB_I(year)), &rows);
    if (e)
        return e;
    r->audit.detail = added ? "{\"added\":true}" : "{\"added\":false}";
    return reply_json_take(r, 200,
                           json_pack("{s:i, s:b, s:{s:s, s:o, s:o}}", "year", year, "covered", 1,
                                     "coverage", "source", db_str(&rows, 0, 0), "updated_at",
                                     json_time(db_int(&rows, 0, 1)), "updated_by",
                                     json_id(db_int(&rows, 0, 2))));
}

enum err calendar_api_year_delete(struct req *r)
{
    int year;
    if (!path_year(r, &year))
        return ERR_INVALID;
    struct db_rows before;
    enum err e = db_query(r->db, &r->arena, "SELECT source FROM calendar_year WHERE year = $1",
                          DB_ARGS(DB_I(year)), &before);
    if (e)
        return e;
    if (before.nrows == 0)
        return req_fail(r, ERR_NOT_FOUND, "calendar_year_not_covered");
    e = db_exec(r->db, "DELETE FROM calendar_year WHERE year = $1", DB_ARGS(DB_I(year)), NULL);
    if (!e)
        e = calendar_db_touch(r->db);
    if (e)
        return e;
    struct sbuf d;
    sbuf_init(&d, 256);
    sbuf_adds(&d, "{\"source\":\"");
    sbuf_add_json_str(&d, db_str(&before, 0, 0));
    sbuf_adds(&d, "\"}");
    r->audit.detail = arena_strdup(&r->arena, d.buf);
    sbuf_release(&d);
    return reply_no_content(r);
}

enum err calendar_api_deadline(struct req *r)
{
    int32_t from = calendar_today(r->now);
    const char *s = query_str(r, "from");
    if (s && !calendar_parse_date(s, &from))
        req_field_error(r, "from", "起算日期", "invalid_date");
    int64_t days = 0;
    if (!query_int(r, "days", &days))
        req_field_error(r, "days", "天数", "required");
    enum calendar_count count = CALENDAR_DAYS;
    const char *mode = query_str(r, "mode");
    if (mode && strcmp(mode, "working") == 0)
        count = CALENDAR_WORKING_DAYS;
    else if (mode && strcmp(mode, "calendar") != 0)
        req_field_error(r, "mode", "计算方式", "invalid_enum");
    bool roll = json_is_true(r->query ? json_object_get(r->query, "roll_forward") : NULL);
    if (r->nerrors)
        return ERR_INVALID;
    const struct calendar *cal;
    enum err e = calendar_db_current(r->db, &r->arena, &cal);
    if (e)
        return e;
    int32_t end;
    int gap = 0;
    e = calendar_deadline(cal, from, days, count, roll, &end, &gap);
    if (e == ERR_INVALID)
        return req_field_error(r, "days", "天数", "out_of_range");
    if (e)
        return e;
    char from_s[CALENDAR_DATE_LEN + 1], end_s[CALENDAR_DATE_LEN + 1];
    calendar_format_date(from, from_s);
    calendar_format_date(end, end_s);
    json_t *warnings = json_array();
    if (gap)
        json_array_append_new(warnings,
                              json_pack("{s:s, s:i, s:s}", "code", "calendar_year_missing", "year",
                                        gap, "message",
                                        arena_printf(&r->arena, "%s（%d年）",
                                                     msg_text("calendar_year_missing"), gap)));
    return reply_json_take(r, 200,
                           json_pack("{s:s, s:I, s:s, s:b, s:s, s:b, s:o}", "from", from_s, "days",
                                     (json_int_t)days, "mode",
                                     count == CALENDAR_WORKING_DAYS ? "working" : "calendar",
                                     "roll_forward", roll, "deadline", end_s, "workday",
                                     calendar_is_workday(cal, end), "warnings", warnings));
}

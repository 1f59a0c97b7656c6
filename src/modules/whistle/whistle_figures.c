/* The monthly whistle figures (GET /api/v1/whistle/figures): per street or township, the
 * whistles raised against the work orders dispatched to it, flagged when a street whistles
 * too seldom or too often; and the ranking of the summoned units by on-time 报到 and the
 * raisers' ratings (GET /api/v1/whistle/ranking, 反向考核). docs/whistle.md. */
#include "modules/whistle/whistle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "modules/region/region.h"
#include "modules/whistle/internal.h"
#include "server/access.h"
#include "server/reply.h"

/* The health flag of a township's month (defaults of this deployment; docs/whistle.md):
 * "low" when it had at least HEALTH_MIN_ORDERS work orders and raised fewer than
 * HEALTH_LOW_PER_100 whistles per 100 of them (problems it could not solve alone are not
 * being escalated), "high" when it raised more than HEALTH_HIGH_PER_100 per 100 (whistling
 * instead of handling); else "normal". */
#define HEALTH_MIN_ORDERS   20
#define HEALTH_LOW_PER_100  1
#define HEALTH_HIGH_PER_100 20

/* The ranking's score: WEIGHT_ON_TIME % on-time 报到 share and WEIGHT_RATING % the mean
 * rating (1..5 scaled to 100); a unit with only one of the two is scored by that one. */
#define WEIGHT_ON_TIME 40
#define WEIGHT_RATING  60

/* ---- Parameters ------------------------------------------------------------------------ */

/* ?month=YYYY-MM, this month (Asia/Shanghai) when absent. */
static const char *month_param(struct req *r, char buf[8])
{
    const char *m = query_str(r, "month");
    if (!m) {
        whistle_month_of(r->now, buf);
        return buf;
    }
    int month;
    if (!calendar_parse_month(m, &month)) {
        req_field_error(r, "month", "统计月份", "whistle_invalid_month");
        return NULL;
    }
    return m;
}

/* ?region=, the caller's one scope root when absent; inside the scope. */
static enum err region_param(struct req *r, struct region *out)
{
    const char *code = query_str(r, "region");
    if (!code && r->scope.n == 1)
        code = r->scope.roots[0];
    if (!code)
        return req_field_error(r, "region", "区划", "required");
    if (!access_scope_allows(&r->scope, code)) {
        req_field_error(r, "region", "区划", "out_of_scope");
        return ERR_FORBIDDEN;
    }
    enum err err = region_find(r->db, &r->arena, code, out);
    if (err == ERR_NOT_FOUND)
        return req_field_error(r, "region", "区划", "region_not_found");
    return err;
}

static enum err params(struct req *r, char buf[8], const char **month, struct region *region)
{
    *month = month_param(r, buf);
    enum err err = region_param(r, region);
    if (err)
        return err;
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

/* num * scale / den rounded to `places` decimals; null without a denominator. */
static json_t *ratio(int64_t num, int64_t scale, int64_t den, int places)
{
    if (den <= 0)
        return json_null();
    double k = pow(10.0, places);
    return json_real(round((double)num * (double)scale * k / (double)den) / k);
}

/* ---- Figures ------------------------------------------------------------------------------ */

static const char *health(int64_t whistles, int64_t orders)
{
    if (orders >= HEALTH_MIN_ORDERS && whistles * 100 < (int64_t)HEALTH_LOW_PER_100 * orders)
        return "low";
    if (orders > 0 && whistles * 100 > (int64_t)HEALTH_HIGH_PER_100 * orders)
        return "high";
    return "normal";
}

static json_t *figure_json(int64_t whistles, int64_t cancelled, int64_t orders, int64_t population)
{
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:s}", "whistles", (json_int_t)whistles,
                     "cancelled", (json_int_t)cancelled, "orders", (json_int_t)orders,
                     "per_100_orders", ratio(whistles, 100, orders, 2), "population",
                     population > 0 ? json_integer(population) : json_null(), "per_10k_residents",
                     ratio(whistles, 10000, population, 2), "health", health(whistles, orders));
}

/* The residents of the region subtree root by its grids (网格): population per grid region
 * (the region table keeps no population). */
static enum err grid_population(struct req *r, const char *root, struct db_rows *out)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT g.region_code, SUM(g.population) FROM grid g WHERE ");
    struct scope sub = {&root, 1};
    access_scope_sql(&sub, "g.region_code", &r->arena, &q);
    sqlq_add(&q, " GROUP BY g.region_code");
    enum err err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, out);
    sqlq_release(&q);
    return err;
}

static int64_t population_of(const struct db_rows *grids, const char *area)
{
    int64_t n = 0;
    for (size_t i = 0; area && i < grids->nrows; i++)
        if (db_str(grids, i, 0) && regioncode_within(db_str(grids, i, 0), area))
            n += db_int(grids, i, 1);
    return n;
}

enum err whistle_figures(struct req *r)
{
    char buf[8];
    const char *month = NULL;
    struct region region;
    enum err err = params(r, buf, &month, &region);
    if (err)
        return err;
    const char *root = region.code;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT u.id, u.name, u.region_code, "
                 "(SELECT COUNT(*) FROM whistle w WHERE w.unit_id = u.id AND w.rate_month = ");
    sqlq_arg(&q, DB_T(month));
    sqlq_add(&q, " AND w.state <> 'cancelled'), (SELECT COUNT(*) FROM whistle w WHERE "
                 "w.unit_id = u.id AND w.rate_month = ");
    sqlq_arg(&q, DB_T(month));
    sqlq_add(&q, " AND w.state = 'cancelled'), (SELECT COUNT(*) FROM work_order o WHERE "
                 "o.unit_id = u.id AND o.rate_month = ");
    sqlq_arg(&q, DB_T(month));
    sqlq_add(&q, ") FROM unit u WHERE u.kind = 'township' AND u.deleted_at IS NULL AND ");
    struct scope sub = {&root, 1};
    access_scope_sql(&sub, "u.region_code", &r->arena, &q);
    sqlq_add(&q, " ORDER BY u.region_code, u.name, u.id");
    struct db_rows rows, grids;
    err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err)
        err = grid_population(r, root, &grids);
    if (err)
        return err;
    json_t *units = json_array();
    int64_t tw = 0, tc = 0, to = 0, tp = 0;
    for (size_t i = 0; units && i < rows.nrows; i++) {
        int64_t pop = population_of(&grids, db_str(&rows, i, 2)), w = db_int(&rows, i, 3),
                c = db_int(&rows, i, 4), o = db_int(&rows, i, 5);
        json_t *u = figure_json(w, c, o, pop);
        if (!u)
            break;
        json_object_set_new(u, "unit_id", json_id(db_int(&rows, i, 0)));
        json_object_set_new(u, "unit_name", json_string(db_str(&rows, i, 1)));
        json_object_set_new(u, "region_code", json_string(db_str(&rows, i, 2)));
        json_array_append_new(units, u);
        tw += w;
        tc += c;
        to += o;
        tp += pop > 0 ? pop : 0;
    }
    json_t *total = figure_json(tw, tc, to, tp);
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:o, s:o}", "month", month, "region", root,
        "region_name", region.full_name ? region.full_name : "", "thresholds", "min_orders",
        HEALTH_MIN_ORDERS, "low_per_100", HEALTH_LOW_PER_100, "high_per_100", HEALTH_HIGH_PER_100,
        "units", units ? units : json_null(), "total", total ? total : json_null());
    if (!body || !units || !total || json_array_size(units) != rows.nrows) {
        json_decref(body);
        return ERR_NOMEM;
    }
    return reply_json_take(r, 200, body);
}

/* ---- Ranking ------------------------------------------------------------------------------ */

struct ranked {
    int64_t unit;
    const char *name, *kind;
    int kind_order;
    int64_t summons, reported, on_time, judged, rated, sum_t, sum_e, sum_a;
    bool scored;
    int64_t score; /* hundredths */
    int64_t rank;
};

static int kind_order(const char *kind)
{
    const struct enum_def *d = engine_enum("unit_kind");
    int i = 0;
    for (const struct enum_item *it = d ? d->items : NULL; it && it->code; it++, i++)
        if (kind && strcmp(it->code, kind) == 0)
            return i;
    return i;
}

/* By kind, then score (unscored last), then name. */
static int by_rank(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->kind_order != b->kind_order)
        return a->kind_order < b->kind_order ? -1 : 1;
    if (a->scored != b->scored)
        return a->scored ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c ? c : (a->unit < b->unit ? -1 : a->unit > b->unit);
}

static void score(struct ranked *u)
{
    /* both parts in hundredths of a percentage point */
    double on_time = u->judged ? (double)u->on_time * 100.0 / (double)u->judged : 0;
    double rating =
        u->rated ? (double)(u->sum_t + u->sum_e + u->sum_a) * 100.0 / (double)(15 * u->rated) : 0;
    double s = u->judged && u->rated ? (on_time * WEIGHT_ON_TIME + rating * WEIGHT_RATING) / 100.0
               : u->judged           ? on_time
                                     : rating;
    u->scored = u->judged || u->rated;
    u->score = u->scored ? llround(s * 100.0) : 0;
}

static json_t *ranked_json(const struct ranked *u)
{
    int64_t sum = u->sum_t + u->sum_e + u->sum_a;
    json_t *o = json_pack(
        "{s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "unit_id",
        json_id(u->unit), "unit_name", u->name ? u->name : "", "unit_kind", u->kind ? u->kind : "",
        "summons", (json_int_t)u->summons, "reported", (json_int_t)u->reported, "on_time",
        (json_int_t)u->on_time, "judged", (json_int_t)u->judged, "rated", (json_int_t)u->rated,
        "on_time_rate", ratio(u->on_time, 100, u->judged, 1), "rating_timeliness",
        ratio(u->sum_t, 1, u->rated, 2), "rating_effect", ratio(u->sum_e, 1, u->rated, 2),
        "rating_attitude", ratio(u->sum_a, 1, u->rated, 2), "rating_mean",
        ratio(sum, 1, 3 * u->rated, 2), "rating_score", ratio(sum, 100, 15 * u->rated, 1), "score",
        u->scored ? json_real((double)u->score / 100.0) : json_null());
    if (o)
        json_object_set_new(o, "rank", u->scored ? json_integer(u->rank) : json_null());
    return o;
}

enum err whistle_ranking(struct req *r)
{
    char buf[8];
    const char *month = NULL;
    struct region region;
    enum err err = params(r, buf, &month, &region);
    if (err)
        return err;
    const char *root = region.code;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT s.unit_id, u.name, u.kind, COUNT(*), "
                 "SUM(CASE WHEN s.reported_at IS NOT NULL THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN s.reported_in_time = 1 THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN s.reported_at IS NOT NULL OR s.report_due < ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, " THEN 1 ELSE 0 END), SUM(CASE WHEN s.state = 'rated' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN s.state = 'rated' THEN s.rating_timeliness ELSE 0 END), "
                 "SUM(CASE WHEN s.state = 'rated' THEN s.rating_effect ELSE 0 END), "
                 "SUM(CASE WHEN s.state = 'rated' THEN s.rating_attitude ELSE 0 END) "
                 "FROM whistle_summons s JOIN unit u ON u.id = s.unit_id "
                 "WHERE s.state <> 'withdrawn' AND s.rate_month = ");
    sqlq_arg(&q, DB_T(month));
    sqlq_add(&q, " AND ");
    struct scope sub = {&root, 1};
    access_scope_sql(&sub, "s.region_code", &r->arena, &q);
    sqlq_add(&q, " GROUP BY s.unit_id, u.name, u.kind");
    struct db_rows rows;
    err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (err)
        return err;
    struct ranked *list = arena_calloc(&r->arena, rows.nrows + 1, sizeof(*list));
    if (!list)
        return ERR_NOMEM;
    for (size_t i = 0; i < rows.nrows; i++) {
        struct ranked *u = &list[i];
        u->unit = db_int(&rows, i, 0);
        u->name = db_str(&rows, i, 1);
        u->kind = db_str(&rows, i, 2);
        u->kind_order = kind_order(u->kind);
        u->summons = db_int(&rows, i, 3);
        u->reported = db_int(&rows, i, 4);
        u->on_time = db_int(&rows, i, 5);
        u->judged = db_int(&rows, i, 6);
        u->rated = db_int(&rows, i, 7);
        u->sum_t = db_int(&rows, i, 8);
        u->sum_e = db_int(&rows, i, 9);
        u->sum_a = db_int(&rows, i, 10);
        score(u);
    }
    qsort(list, rows.nrows, sizeof(*list), by_rank);
    /* equal scores share a rank within a kind (1, 1, 3) */
    size_t start = 0;
    for (size_t i = 0; i < rows.nrows; i++) {
        if (i && list[i].kind_order != list[i - 1].kind_order)
            start = i;
        bool tie =
            i > start && list[i].scored == list[i - 1].scored && list[i].score == list[i - 1].score;
        list[i].rank = tie ? list[i - 1].rank : (int64_t)(i - start + 1);
    }
    json_t *units = json_array();
    for (size_t i = 0; units && i < rows.nrows; i++)
        json_array_append_new(units, ranked_json(&list[i]));
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:{s:i, s:i}, s:o}", "month", month, "region", root,
                  "region_name", region.full_name ? region.full_name : "", "weights", "on_time",
                  WEIGHT_ON_TIME, "rating", WEIGHT_RATING, "units", units ? units : json_null());
    if (!body || !units || json_array_size(units) != rows.nrows) {
        json_decref(body);
        return ERR_NOMEM;
    }
    return reply_json_take(r, 200, body);
}

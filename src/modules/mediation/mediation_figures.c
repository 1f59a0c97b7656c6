/* The mediation figures of a region (GET /api/v1/mediation/figures): disputes registered in
 * a period by what became of them, 化解率, performance of agreements, the level where
 * agreements were reached (小事不出村、大事不出镇、矛盾不上交), the same per child region,
 * and the committees' staffing. Every count names the list filter that yields its rows,
 * so the console drills down with the generic list route. */
#include "modules/mediation/mediation.h"

#include <math.h>
#include <string.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "db/sqlq.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/reply.h"

#define MAX_CHILDREN 2000

enum { LV_VILLAGE, LV_TOWNSHIP, LV_COUNTY, LV_ABOVE, LV_N };
static const char *const level_codes[LV_N] = {"village", "township", "county", "above"};

#define WHERE_N 5
static const char *const where_codes[WHERE_N] = {"arbitration", "administrative", "court",
                                                 "petition", "other"};

/* The accepted states: every state but registered and declined. */
#define ACCEPTED_STATES "accepted,mediating,agreed,failed,performed,not_performed,closed"

/* The rungs of 枫桥经验: agreements reached at or below a level. */
static const struct rung {
    const char *name, *motto, *levels;
    int up_to; /* the highest level counted (LV_*) */
} rungs[] = {
    {"village", "小事不出村", "village", LV_VILLAGE},
    {"township", "大事不出镇", "village,township", LV_TOWNSHIP},
    {"county", "矛盾不上交", "village,township,county", LV_COUNTY},
};

struct tally {
    int64_t disputes, pending, declined, accepted, in_progress, agreements, failed, awaiting,
        performed, not_performed, closed;
    int64_t level[LV_N];
    int64_t where[WHERE_N];
};

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static void tally_add(struct tally *t, const char *state, const char *outcome,
                      const char *performance, const char *level, const char *where, int64_t n)
{
    t->disputes += n;
    if (is(state, "registered"))
        t->pending += n;
    else if (is(state, "declined"))
        t->declined += n;
    else
        t->accepted += n;
    if (is(state, "accepted") || is(state, "mediating"))
        t->in_progress += n;
    if (is(state, "agreed"))
        t->awaiting += n;
    if (is(state, "closed"))
        t->closed += n;
    if (is(outcome, "agreed")) {
        t->agreements += n;
        for (int i = 0; i < LV_N; i++)
            if (is(level, level_codes[i]))
                t->level[i] += n;
    }
    if (is(outcome, "failed")) {
        t->failed += n;
        for (int i = 0; i < WHERE_N; i++)
            if (is(where, where_codes[i]))
                t->where[i] += n;
    }
    if (is(performance, "performed"))
        t->performed += n;
    if (is(performance, "not_performed"))
        t->not_performed += n;
}

/* ---- JSON ----------------------------------------------------------------------------- */

static json_t *filter_with(json_t *base, const char *k1, const char *v1, const char *k2,
                           const char *v2)
{
    json_t *f = json_deep_copy(base);
    if (f && k1)
        json_object_set_new(f, k1, json_string(v1));
    if (f && k2)
        json_object_set_new(f, k2, json_string(v2));
    return f;
}

/* {"count", "entity", "filter"}: the rows of entity that GET /api/v1/{entity}?{filter}
 * lists are the ones counted. */
static json_t *figure(const char *entity, int64_t count, json_t *filter)
{
    return json_pack("{s:I, s:s, s:o}", "count", (json_int_t)count, "entity", entity, "filter",
                     filter ? filter : json_object());
}

static json_t *ratio(int64_t num, int64_t den)
{
    return den ? json_real(round((double)num * 10000.0 / (double)den) / 10000.0) : json_null();
}

/* A rate: value (4 decimals, null without a denominator), its parts and both filters. */
static json_t *rate(int64_t num, int64_t den, json_t *num_filter, json_t *den_filter)
{
    return json_pack("{s:o, s:I, s:I, s:s, s:o, s:o}", "value", ratio(num, den), "numerator",
                     (json_int_t)num, "denominator", (json_int_t)den, "entity", "dispute", "filter",
                     num_filter ? num_filter : json_object(), "denominator_filter",
                     den_filter ? den_filter : json_object());
}

static const char *enum_label(const struct enum_def *d, const char *code)
{
    for (const struct enum_item *i = d->items; i->code; i++)
        if (strcmp(i->code, code) == 0)
            return i->label;
    return code;
}

static json_t *tally_json(const struct tally *t, json_t *base)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
#define FIG(key, n, k, v)                                                                          \
    json_object_set_new(o, key, figure("dispute", n, filter_with(base, k, v, NULL, NULL)))
    FIG("disputes", t->disputes, NULL, NULL);
    FIG("pending", t->pending, "state", "registered");
    FIG("declined", t->declined, "state", "declined");
    FIG("accepted", t->accepted, "state", ACCEPTED_STATES);
    FIG("in_progress", t->in_progress, "state", "accepted,mediating");
    FIG("agreements", t->agreements, "outcome", "agreed");
    FIG("failed", t->failed, "outcome", "failed");
    FIG("awaiting_performance", t->awaiting, "state", "agreed");
    FIG("performed", t->performed, "performance", "performed");
    FIG("not_performed", t->not_performed, "performance", "not_performed");
    FIG("closed", t->closed, "state", "closed");
#undef FIG
    json_object_set_new(o, "resolution_rate",
                        rate(t->agreements, t->agreements + t->failed,
                             filter_with(base, "outcome", "agreed", NULL, NULL),
                             filter_with(base, "outcome", "agreed,failed", NULL, NULL)));
    json_object_set_new(o, "performance_rate",
                        rate(t->performed, t->agreements,
                             filter_with(base, "performance", "performed", NULL, NULL),
                             filter_with(base, "outcome", "agreed", NULL, NULL)));
    json_t *levels = json_object();
    for (int i = 0; levels && i < LV_N; i++) {
        json_t *f = figure("dispute", t->level[i],
                           filter_with(base, "outcome", "agreed", "level", level_codes[i]));
        json_object_set_new(f, "label",
                            json_string(enum_label(&dispute_level_enum, level_codes[i])));
        json_object_set_new(f, "share", ratio(t->level[i], t->agreements));
        json_object_set_new(levels, level_codes[i], f);
    }
    json_object_set_new(o, "levels", levels);
    json_t *ladder = json_object();
    for (size_t i = 0; ladder && i < sizeof(rungs) / sizeof(rungs[0]); i++) {
        int64_t n = 0;
        for (int k = 0; k <= rungs[i].up_to; k++)
            n += t->level[k];
        json_t *f =
            figure("dispute", n, filter_with(base, "outcome", "agreed", "level", rungs[i].levels));
        json_object_set_new(f, "motto", json_string(rungs[i].motto));
        json_object_set_new(f, "share", ratio(n, t->agreements));
        json_object_set_new(ladder, rungs[i].name, f);
    }
    json_object_set_new(o, "ladder", ladder);
    json_t *where = json_object();
    for (int i = 0; where && i < WHERE_N; i++) {
        json_t *f = figure("dispute", t->where[i],
                           filter_with(base, "outcome", "failed", "where_to_go", where_codes[i]));
        json_object_set_new(f, "label",
                            json_string(enum_label(&dispute_where_to_go_enum, where_codes[i])));
        json_object_set_new(where, where_codes[i], f);
    }
    json_object_set_new(o, "failed_where_to_go", where);
    return o;
}

/* ---- Queries ----------------------------------------------------------------------------- */

struct period {
    const char *from, *to; /* "YYYY-MM-DD" or NULL */
};

/* The disputes of region's subtree registered in the period, grouped by what the figures
 * count (one row per combination, so the region's children are tallied from the same rows). */
static enum err dispute_groups(struct req *r, const char *region, const struct period *p,
                               struct db_rows *rows)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT t.region_code, t.state, t.outcome, t.performance, t.level, "
                 "t.where_to_go, COUNT(*) FROM dispute t WHERE ");
    struct scope sub = {&region, 1};
    access_scope_sql(&sub, "t.region_code", &r->arena, &q);
    if (p->from) {
        sqlq_add(&q, " AND t.registered_on >= ");
        sqlq_arg(&q, DB_T(p->from));
    }
    if (p->to) {
        sqlq_add(&q, " AND t.registered_on <= ");
        sqlq_arg(&q, DB_T(p->to));
    }
    sqlq_add(&q, " GROUP BY t.region_code, t.state, t.outcome, t.performance, t.level, "
                 "t.where_to_go");
    enum err err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return err;
}

/* Committees and active mediators of the subtree: how many, how many below three members,
 * how many past their term. */
static enum err staffing(struct req *r, const char *region, json_t *base, json_t *out)
{
    char yesterday[CALENDAR_DATE_LEN + 1];
    calendar_format_date(calendar_today(r->now) - 1, yesterday);
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT COUNT(*), SUM(CASE WHEN t.member_count < ");
    sqlq_arg(&q, DB_I(MEDIATION_MEMBERS_MIN));
    sqlq_add(&q, " THEN 1 ELSE 0 END), SUM(CASE WHEN t.term_end <= ");
    sqlq_arg(&q, DB_T(yesterday));
    sqlq_add(&q, " THEN 1 ELSE 0 END), (SELECT COUNT(*) FROM mediator m WHERE m.status = "
                 "'active' AND ");
    struct scope sub = {&region, 1};
    access_scope_sql(&sub, "m.region_code", &r->arena, &q);
    sqlq_add(&q, ") FROM mediation_committee t WHERE ");
    access_scope_sql(&sub, "t.region_code", &r->arena, &q);
    struct db_rows rows;
    enum err err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (err)
        return err;
    char below[8];
    snprintf(below, sizeof(below), "%d", MEDIATION_MEMBERS_MIN - 1);
    json_t *c = json_pack("{s:o, s:o, s:o}", "total",
                          figure("mediation_committee", db_int(&rows, 0, 0), json_deep_copy(base)),
                          "understaffed",
                          figure("mediation_committee", db_int(&rows, 0, 1),
                                 filter_with(base, "member_count_to", below, NULL, NULL)),
                          "term_expired",
                          figure("mediation_committee", db_int(&rows, 0, 2),
                                 filter_with(base, "term_end_to", yesterday, NULL, NULL)));
    json_t *m = json_pack(
        "{s:o}", "active",
        figure("mediator", db_int(&rows, 0, 3), filter_with(base, "status", "active", NULL, NULL)));
    if (!c || !m) {
        json_decref(c);
        json_decref(m);
        return ERR_NOMEM;
    }
    json_object_set_new(out, "committees", c);
    json_object_set_new(out, "mediators", m);
    return ERR_OK;
}

/* ---- The handler --------------------------------------------------------------------- */

static const char *date_param(struct req *r, const char *name, const char *label)
{
    const char *s = query_str(r, name);
    int32_t day;
    if (s && (strlen(s) != CALENDAR_DATE_LEN || !calendar_parse_date(s, &day))) {
        req_field_error(r, name, label, "invalid_date");
        return NULL;
    }
    return s;
}

static json_t *base_filter(const char *region, const struct period *p)
{
    json_t *f = json_pack("{s:s}", "region", region);
    if (f && p->from)
        json_object_set_new(f, "registered_on_from", json_string(p->from));
    if (f && p->to)
        json_object_set_new(f, "registered_on_to", json_string(p->to));
    return f;
}

enum err mediation_figures(struct req *r)
{
    struct period p = {date_param(r, "from", "起始日期"), date_param(r, "to", "截止日期")};
    if (p.from && p.to && strcmp(p.from, p.to) > 0)
        req_field_error(r, "to", "截止日期", "mediation_date_range");
    const char *code = query_str(r, "region");
    if (!code && r->scope.n == 1)
        code = r->scope.roots[0];
    else if (!code)
        req_field_error(r, "region", "区划", "required");
    if (r->nerrors)
        return ERR_INVALID;
    if (!access_scope_allows(&r->scope, code)) {
        req_field_error(r, "region", "区划", "out_of_scope");
        return ERR_FORBIDDEN;
    }
    struct region region;
    enum err err = region_find(r->db, &r->arena, code, &region);
    if (err == ERR_NOT_FOUND)
        return req_field_error(r, "region", "区划", "region_not_found");
    struct db_rows groups, children;
    if (!err)
        err = dispute_groups(r, code, &p, &groups);
    if (!err)
        err = db_query(r->db, &r->arena,
                       "SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code",
                       DB_ARGS(DB_T(code)), &children);
    if (err)
        return err;
    size_t nchildren = children.nrows < MAX_CHILDREN ? children.nrows : MAX_CHILDREN;
    struct tally total = {0};
    struct tally *per = arena_calloc(&r->arena, nchildren + 1, sizeof(*per));
    if (!per)
        return ERR_NOMEM;
    for (size_t i = 0; i < groups.nrows; i++) {
        const char *at = db_str(&groups, i, 0);
        const char *state = db_str(&groups, i, 1), *outcome = db_str(&groups, i, 2);
        const char *perf = db_str(&groups, i, 3), *level = db_str(&groups, i, 4);
        const char *where = db_str(&groups, i, 5);
        int64_t n = db_int(&groups, i, 6);
        tally_add(&total, state, outcome, perf, level, where, n);
        for (size_t k = 0; at && k < nchildren; k++)
            if (regioncode_within(at, db_str(&children, k, 0))) {
                tally_add(&per[k], state, outcome, perf, level, where, n);
                break;
            }
    }
    json_t *base = base_filter(code, &p);
    json_t *body = base ? tally_json(&total, base) : NULL;
    if (!body) {
        json_decref(base);
        return ERR_NOMEM;
    }
    json_object_set_new(body, "region", json_string(code));
    json_object_set_new(body, "region_name", json_string(region.full_name));
    json_object_set_new(body, "from", p.from ? json_string(p.from) : json_null());
    json_object_set_new(body, "to", p.to ? json_string(p.to) : json_null());
    json_t *staff_base = json_pack("{s:s}", "region", code);
    err = staff_base ? staffing(r, code, staff_base, body) : ERR_NOMEM;
    json_decref(staff_base);
    json_t *list = json_array();
    for (size_t k = 0; !err && list && k < nchildren; k++) {
        const char *child = db_str(&children, k, 0);
        json_t *cb = base_filter(child, &p);
        json_t *c = cb ? tally_json(&per[k], cb) : NULL;
        json_decref(cb);
        if (!c) {
            err = ERR_NOMEM;
            break;
        }
        json_object_set_new(c, "region", json_string(child));
        json_object_set_new(c, "name", json_string(db_str(&children, k, 1)));
        json_array_append_new(list, c);
    }
    json_decref(base);
    if (err || !list) {
        json_decref(list);
        json_decref(body);
        return err ? err : ERR_NOMEM;
    }
    json_object_set_new(body, "children", list);
    return reply_json_take(r, 200, body);
}

/* 三率 (docs/workorder.md "三率"): the response, solve and satisfaction rates of each unit
 * for a month, their weighted composite and the rank within the unit's kind; the weights;
 * the publication that freezes a month; the orders behind each figure. What counts is one
 * table of SQL expressions per source (the live orders, or a published month's frozen
 * items), so the figures, the frozen copy and the drill-down always agree. */
#include "modules/workorder/workorder.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/csv.h"
#include "core/encode.h"
#include "core/regioncode.h"
#include "db/sqlq.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

const struct param_def workorder_rates_params[] = {
    {.name = "month", .type = PARAM_STR, .label = "月份"},
    {.name = "kind", .type = PARAM_STR, .label = "单位类别"},
    {.name = "region", .type = PARAM_REGION, .label = "区划"},
    {.name = "format", .type = PARAM_STR, .label = "格式"},
    {.name = NULL},
};
const struct param_def workorder_rate_orders_params[] = {
    {.name = "month", .type = PARAM_STR, .label = "月份"},
    {.name = "unit", .type = PARAM_STR, .label = "承办单位"},
    {.name = "measure", .type = PARAM_STR, .label = "考评指标"},
    {.name = "ok", .type = PARAM_BOOL, .label = "是否达标"},
    {.name = "kind", .type = PARAM_STR, .label = "单位类别"},
    {.name = "region", .type = PARAM_REGION, .label = "区划"},
    {.name = "page", .type = PARAM_INT, .label = "页码", .min = 1, .max = 1000000},
    {.name = "page_size", .type = PARAM_INT, .label = "每页条数", .min = 1, .max = 200},
    {.name = NULL},
};

#define WEIGHTS_KEY "weights"

/* ---- What is counted --------------------------------------------------------------- */

/* Where the counted orders of a month come from: the work orders as they are now (t, with
 * their unit u), or a published month's frozen items (i, with the frozen unit figures w
 * and the order t). Each flag expression is 0 or 1 for one counted order. The one '?' in
 * from stands for the month. */
struct source {
    const char *from;
    const char *unit, *unit_name, *kind, *region; /* columns of the counted unit */
    const char *responded, *called_back, *solved, *satisfied;
};

/* Counted: dispatched to a unit with this rate_month; an order answered at intake or
 * redirected was never dispatched, and one returned and awaiting 审定 belongs to no unit
 * until it is reassigned (to the new unit's month) or kept. */
static const struct source live = {
    .from = " FROM work_order t JOIN unit u ON u.id = t.unit_id WHERE t.rate_month = ? AND "
            "t.dispatched_at IS NOT NULL AND t.state NOT IN ('received', 'returned', "
            "'redirected')",
    .unit = "t.unit_id",
    .unit_name = "u.name",
    .kind = "u.kind",
    .region = "u.region_code",
    .responded = "CASE WHEN t.responded_in_time = 1 THEN 1 ELSE 0 END",
    .called_back = "CASE WHEN t.called_back_at IS NOT NULL THEN 1 ELSE 0 END",
    .solved = "CASE WHEN t.called_back_at IS NOT NULL AND t.solved = 1 THEN 1 ELSE 0 END",
    .satisfied = "CASE WHEN t.called_back_at IS NOT NULL AND t.satisfaction IN ('satisfied', "
                 "'basic') THEN 1 ELSE 0 END",
};

static const struct source frozen = {
    .from = " FROM workorder_rate_item i JOIN workorder_rate w ON w.month = i.month AND "
            "w.unit_id = i.unit_id JOIN work_order t ON t.id = i.order_id WHERE i.month = ?",
    .unit = "i.unit_id",
    .unit_name = "w.unit_name",
    .kind = "w.unit_kind",
    .region = "w.region_code",
    .responded = "i.responded",
    .called_back = "i.called_back",
    .solved = "i.solved",
    .satisfied = "i.satisfied",
};

/* The three rates: numerator and denominator as indexes into struct rate_line.n. */
enum { N_ORDERS, N_RESPONDED, N_CALLED_BACK, N_SOLVED, N_SATISFIED, N_COUNT };
enum { RATE_RESPONSE, RATE_SOLVE, RATE_SATISFACTION, RATE_COUNT };
static const struct {
    const char *measure; /* ?measure= and the weights' JSON key */
    int num, den;
} rates[RATE_COUNT] = {
    {"response", N_RESPONDED, N_ORDERS},
    {"solve", N_SOLVED, N_CALLED_BACK},
    {"satisfaction", N_SATISFIED, N_CALLED_BACK},
};

/* Appends src's FROM ... WHERE with the month bound. */
static void add_from(struct sqlq *q, struct arena *a, const struct source *src, const char *month)
{
    const char *mark = strchr(src->from, '?');
    sqlq_add(q, arena_strndup(a, src->from, (size_t)(mark - src->from)));
    sqlq_arg(q, DB_T(month));
    sqlq_add(q, mark + 1);
}

/* Appends ", fn(flag)" for src's four flags (fn "" for the bare values). */
static void add_flags(struct sqlq *q, struct arena *a, const struct source *src, const char *fn)
{
    const char *flags[] = {src->responded, src->called_back, src->solved, src->satisfied};
    for (size_t k = 0; k < 4; k++)
        sqlq_add(q, arena_printf(a, ", %s(%s)", fn, flags[k]));
}

/* ---- Months ------------------------------------------------------------------------ */

/* Months are calendar month numbers (core/calendar.h: y * 12 + m - 1). */
static int month_now(const struct req *r)
{
    return calendar_month_of(calendar_today(r->now));
}

static const char *month_text(struct arena *a, int ym)
{
    char buf[CALENDAR_MONTH_LEN + 1];
    calendar_format_month(ym, buf);
    return arena_strdup(a, buf);
}

/* ?month=, the current month when absent; NULL after a field error. */
static const char *month_param(struct req *r, int *ym)
{
    const char *s = query_str(r, "month");
    if (!s) {
        *ym = month_now(r);
        return month_text(&r->arena, *ym);
    }
    if (!calendar_parse_month(s, ym)) {
        req_field_error(r, "month", "月份", "workorder_month");
        return NULL;
    }
    return s;
}

/* ---- Weights ----------------------------------------------------------------------- */

/* "300,350,350": three per mille weights summing to 1000. */
static bool weights_parse(const char *s, int w[RATE_COUNT])
{
    const char *p = s;
    int sum = 0;
    for (int k = 0; k < RATE_COUNT; k++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > 1000 || (k < RATE_COUNT - 1 ? *end != ',' : *end != '\0'))
            return false;
        w[k] = (int)v;
        sum += w[k];
        p = end + 1;
    }
    return sum == 1000;
}

static const char *weights_text(struct arena *a, const int w[RATE_COUNT])
{
    return arena_printf(a, "%d,%d,%d", w[0], w[1], w[2]);
}

/* The weights in force (the defaults until someone sets them); *updated_at 0 for those. */
static enum err weights_load(struct req *r, int w[RATE_COUNT], int64_t *updated_at)
{
    w[RATE_RESPONSE] = WORKORDER_WEIGHT_RESPONSE;
    w[RATE_SOLVE] = WORKORDER_WEIGHT_SOLVE;
    w[RATE_SATISFACTION] = WORKORDER_WEIGHT_SATISFACTION;
    *updated_at = 0;
    struct db_rows rows;
    enum err err =
        db_query(r->db, &r->arena, "SELECT value, updated_at FROM workorder_setting WHERE key = $1",
                 DB_ARGS(DB_T(WEIGHTS_KEY)), &rows);
    if (err || !rows.nrows)
        return err;
    int stored[RATE_COUNT];
    if (!weights_parse(db_str(&rows, 0, 0) ? db_str(&rows, 0, 0) : "", stored))
        return ERR_OK; /* not ours: the defaults hold */
    memcpy(w, stored, sizeof(stored));
    *updated_at = db_int(&rows, 0, 1);
    return ERR_OK;
}

/* A per mille value as a percentage with one decimal (null below zero: no value). */
static json_t *percent_json(int64_t permille)
{
    if (permille < 0)
        return json_null();
    if (permille % 10 == 0)
        return json_integer(permille / 10);
    return json_real((double)permille / 10.0);
}

static json_t *weights_json(const int w[RATE_COUNT])
{
    json_t *o = json_object();
    for (int k = 0; o && k < RATE_COUNT; k++)
        json_object_set_new(o, rates[k].measure, percent_json(w[k]));
    return o;
}

/* ---- Figures ----------------------------------------------------------------------- */

struct rate_line {
    int64_t unit;
    const char *name, *kind, *region;
    int64_t n[N_COUNT];
    int64_t rate[RATE_COUNT]; /* per mille, -1 without a denominator */
    int64_t composite;        /* per mille, -1 when no weighted rate has a denominator */
    int64_t rank;             /* 0: none */
};

/* num / den in per mille, rounded half up; -1 without a denominator. */
static int64_t permille(int64_t num, int64_t den)
{
    return den > 0 ? (num * 2000 + den) / (2 * den) : -1;
}

/* The rates and the composite: the weighted mean of the unrounded rates that have a
 * denominator, the weights of the others left out (renormalised), rounded half up to
 * 0.1 %. */
static void line_compute(struct rate_line *l, const int w[RATE_COUNT])
{
    double sum = 0;
    int64_t weight = 0;
    for (int k = 0; k < RATE_COUNT; k++) {
        int64_t num = l->n[rates[k].num], den = l->n[rates[k].den];
        l->rate[k] = permille(num, den);
        if (den > 0) {
            sum += (double)w[k] * (double)num / (double)den;
            weight += w[k];
        }
    }
    /* the epsilon keeps an exact half (912.5) from rounding down through binary noise */
    l->composite = weight > 0 ? (int64_t)floor(sum * 1000.0 / (double)weight + 0.5 + 1e-7) : -1;
}

static int kind_order(const char *kind)
{
    static const char *const order[] = {"district", "township", "department"};
    for (int i = 0; i < 3; i++)
        if (kind && strcmp(kind, order[i]) == 0)
            return i;
    return 3;
}

/* By kind, then composite descending (none last), then name and id. */
static int line_cmp(const void *a, const void *b)
{
    const struct rate_line *x = a, *y = b;
    int kx = kind_order(x->kind), ky = kind_order(y->kind);
    if (kx != ky)
        return kx < ky ? -1 : 1;
    int c = strcmp(x->kind ? x->kind : "", y->kind ? y->kind : "");
    if (c)
        return c;
    if (x->composite != y->composite)
        return x->composite > y->composite ? -1 : 1;
    c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    if (c)
        return c;
    return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static const char *kind_of(const struct rate_line *l)
{
    return l->kind ? l->kind : "";
}

/* Sorts and ranks within each kind: equal composites share a rank (1, 1, 3); a unit
 * without a composite has no rank. */
static void lines_rank(struct rate_line *l, size_t n)
{
    qsort(l, n, sizeof(*l), line_cmp);
    size_t start = 0; /* the first line of the current kind */
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(kind_of(&l[i]), kind_of(&l[i - 1])) != 0)
            start = i;
        if (l[i].composite < 0)
            l[i].rank = 0;
        else if (i > start && l[i].composite == l[i - 1].composite)
            l[i].rank = l[i - 1].rank;
        else
            l[i].rank = (int64_t)(i - start) + 1;
    }
}

/* The unit and its counts from columns 0 .. 8 of row i (both queries start alike). */
static void line_read(struct rate_line *l, const struct db_rows *rows, size_t i)
{
    l->unit = db_int(rows, i, 0);
    l->name = db_str(rows, i, 1);
    l->kind = db_str(rows, i, 2);
    l->region = db_str(rows, i, 3);
    for (int k = 0; k < N_COUNT; k++)
        l->n[k] = db_int(rows, i, 4 + (size_t)k);
}

/* Every unit with counted orders in month, as the orders are now (all units, whoever
 * asks: ranks are the whole platform's; the reader's view is filtered afterwards). */
static enum err lines_live(struct req *r, const char *month, const int w[RATE_COUNT],
                           struct rate_line **out, size_t *n)
{
    const struct source *s = &live;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT t.unit_id, u.name, u.kind, u.region_code, COUNT(*)");
    add_flags(&q, &r->arena, s, "SUM");
    add_from(&q, &r->arena, s, month);
    sqlq_add(&q, " GROUP BY t.unit_id, u.name, u.kind, u.region_code");
    struct db_rows rows;
    enum err err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (err)
        return err;
    struct rate_line *l = arena_calloc(&r->arena, rows.nrows + 1, sizeof(*l));
    if (!l)
        return ERR_NOMEM;
    for (size_t i = 0; i < rows.nrows; i++) {
        line_read(&l[i], &rows, i);
        line_compute(&l[i], w);
    }
    lines_rank(l, rows.nrows);
    *out = l;
    *n = rows.nrows;
    return ERR_OK;
}

/* A published month's frozen figures (all units), in rank order. */
static enum err lines_frozen(struct req *r, const char *month, struct rate_line **out, size_t *n)
{
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT unit_id, unit_name, unit_kind, region_code, orders, "
                            "responded, called_back, solved, satisfied, response_rate, "
                            "solve_rate, satisfaction_rate, composite, rank FROM workorder_rate "
                            "WHERE month = $1",
                            DB_ARGS(DB_T(month)), &rows);
    if (err)
        return err;
    struct rate_line *l = arena_calloc(&r->arena, rows.nrows + 1, sizeof(*l));
    if (!l)
        return ERR_NOMEM;
    for (size_t i = 0; i < rows.nrows; i++) {
        line_read(&l[i], &rows, i);
        for (int k = 0; k < RATE_COUNT; k++)
            l[i].rate[k] =
                db_is_null(&rows, i, 9 + (size_t)k) ? -1 : db_int(&rows, i, 9 + (size_t)k);
        l[i].composite = db_is_null(&rows, i, 12) ? -1 : db_int(&rows, i, 12);
        l[i].rank = db_int(&rows, i, 13);
    }
    qsort(l, rows.nrows, sizeof(*l), line_cmp);
    *out = l;
    *n = rows.nrows;
    return ERR_OK;
}

/* ---- The reader's view ------------------------------------------------------------- */

/* What a request asks for: the month, whether it is published (and its weights then),
 * and the units it shows: in r's scope, of kind, in region's subtree. */
struct view {
    const char *month;
    int ym;
    bool published;
    int64_t published_at;
    int w[RATE_COUNT];
    const char *kind, *region;
};

static bool kind_valid(const char *kind)
{
    return strcmp(kind, "district") == 0 || strcmp(kind, "township") == 0 ||
           strcmp(kind, "department") == 0;
}

/* Reads ?month=, ?kind= and ?region= (field errors on r) and whether the month is
 * published. ERR_FORBIDDEN for a region outside the scope. */
static enum err view_init(struct req *r, struct view *v)
{
    memset(v, 0, sizeof(*v));
    v->month = month_param(r, &v->ym);
    v->kind = query_str(r, "kind");
    if (v->kind && !kind_valid(v->kind))
        req_field_error(r, "kind", "单位类别", "invalid_enum");
    v->region = query_str(r, "region");
    if (v->region) {
        struct db_rows rows;
        enum err err = db_query(r->db, &r->arena, "SELECT 1 FROM region WHERE code = $1",
                                DB_ARGS(DB_T(v->region)), &rows);
        if (err)
            return err;
        if (!rows.nrows)
            req_field_error(r, "region", "区划", "region_not_found");
        else if (!access_scope_allows(&r->scope, v->region)) {
            req_field_error(r, "region", "区划", "out_of_scope");
            return ERR_FORBIDDEN;
        }
    }
    if (r->nerrors)
        return ERR_INVALID;
    struct db_rows m;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT weights, published_at FROM workorder_month WHERE month = $1",
                            DB_ARGS(DB_T(v->month)), &m);
    if (err)
        return err;
    if (m.nrows) {
        v->published = true;
        v->published_at = db_int(&m, 0, 1);
        if (weights_parse(db_str(&m, 0, 0) ? db_str(&m, 0, 0) : "", v->w))
            return ERR_OK;
    }
    int64_t at;
    return weights_load(r, v->w, &at);
}

static bool view_shows(const struct req *r, const struct view *v, const struct rate_line *l)
{
    return l->region && access_scope_allows(&r->scope, l->region) &&
           (!v->kind || (l->kind && strcmp(l->kind, v->kind) == 0)) &&
           (!v->region || regioncode_within(l->region, v->region));
}

static json_t *line_json(const struct rate_line *l)
{
    return json_pack(
        "{s:o, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "unit_id",
        json_id(l->unit), "unit_name", l->name, "unit_kind", l->kind, "region_code", l->region,
        "orders", (json_int_t)l->n[N_ORDERS], "responded", (json_int_t)l->n[N_RESPONDED],
        "called_back", (json_int_t)l->n[N_CALLED_BACK], "solved", (json_int_t)l->n[N_SOLVED],
        "satisfied", (json_int_t)l->n[N_SATISFIED], "response_rate",
        percent_json(l->rate[RATE_RESPONSE]), "solve_rate", percent_json(l->rate[RATE_SOLVE]),
        "satisfaction_rate", percent_json(l->rate[RATE_SATISFACTION]), "composite",
        percent_json(l->composite), "rank", l->rank ? json_integer(l->rank) : json_null());
}

/* ---- CSV --------------------------------------------------------------------------- */

static int sink_out(void *ctx, const char *buf, size_t n)
{
    struct sbuf *out = ctx;
    sbuf_add(out, buf, n);
    return sbuf_err(out) ? -1 : 0;
}

/* A count, or with permille a per mille value as a percentage with one decimal (empty
 * below zero: no value). */
static void csv_number(struct csv_writer *w, int64_t v, bool permille)
{
    char s[24];
    if (v < 0)
        csv_field(w, NULL);
    else if (permille)
        snprintf(s, sizeof(s), "%" PRId64 ".%" PRId64, v / 10, v % 10);
    else
        snprintf(s, sizeof(s), "%" PRId64, v);
    if (v >= 0)
        csv_field_number(w, s);
}

static const char *kind_label(const char *kind)
{
    const struct enum_def *d = engine_enum("unit_kind");
    for (const struct enum_item *i = d ? d->items : NULL; kind && i && i->code; i++)
        if (strcmp(i->code, kind) == 0)
            return i->label;
    return kind;
}

static enum err rates_csv(struct req *r, const struct view *v, const struct rate_line *l, size_t n)
{
    static const char *const head[] = {
        "排名",        "承办单位",    "单位类别",    "工单数",
        "及时响应数",  "回访数",      "解决数",      "满意数（含基本满意）",
        "响应率（%）", "解决率（%）", "满意率（%）", "综合得分",
    };
    sbuf_reset(&r->out);
    struct csv_writer w;
    csv_writer_init(&w, sink_out, &r->out);
    csv_writer_begin(&w);
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        csv_field(&w, head[k]);
    csv_end_row(&w);
    for (size_t i = 0; i < n; i++) {
        if (!view_shows(r, v, &l[i]))
            continue;
        csv_number(&w, l[i].rank ? l[i].rank : -1, false);
        csv_field(&w, l[i].name);
        csv_field(&w, kind_label(l[i].kind));
        for (int k = 0; k < N_COUNT; k++)
            csv_number(&w, l[i].n[k], false);
        for (int k = 0; k < RATE_COUNT; k++)
            csv_number(&w, l[i].rate[k], true);
        csv_number(&w, l[i].composite, true);
        csv_end_row(&w);
    }
    if (csv_writer_finish(&w) || sbuf_err(&r->out))
        return ERR_NOMEM;
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    reply_header(
        r, "Content-Disposition",
        arena_printf(&r->arena, "attachment; filename=\"workorder-rates-%s.csv\"", v->month));
    return ERR_OK;
}

/* ---- GET /api/v1/workorder/rates --------------------------------------------------- */

/* The body of the rates of v for r (also the answer of a publication). */
static enum err rates_reply(struct req *r, const struct view *v, int status)
{
    struct rate_line *l = NULL;
    size_t n = 0;
    enum err err =
        v->published ? lines_frozen(r, v->month, &l, &n) : lines_live(r, v->month, v->w, &l, &n);
    if (err)
        return err;
    const char *format = query_str(r, "format");
    if (format && strcmp(format, "csv") == 0)
        return rates_csv(r, v, l, n);
    json_t *units = json_array();
    for (size_t i = 0; units && i < n; i++) {
        if (!view_shows(r, v, &l[i]))
            continue;
        json_t *o = line_json(&l[i]);
        if (!o || json_array_append_new(units, o)) {
            json_decref(units);
            units = NULL;
        }
    }
    json_t *body = units ? json_pack("{s:s, s:b, s:o, s:o, s:o}", "month", v->month, "published",
                                     v->published, "published_at", json_time(v->published_at),
                                     "weights", weights_json(v->w), "units", units)
                         : NULL;
    if (!body)
        return ERR_NOMEM;
    return reply_json_take(r, status, body);
}

enum err workorder_rates(struct req *r)
{
    const char *format = query_str(r, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        req_field_error(r, "format", "格式", "invalid_enum");
    struct view v;
    enum err err = view_init(r, &v);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    return rates_reply(r, &v, 200);
}

/* ---- POST /api/v1/workorder/rates/publish ------------------------------------------ */

static enum err publish_lines(struct req *r, const char *month, const struct rate_line *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct db_val rate[RATE_COUNT + 1];
        for (int k = 0; k < RATE_COUNT; k++)
            rate[k] = l[i].rate[k] < 0 ? DB_NUL : DB_I(l[i].rate[k]);
        rate[RATE_COUNT] = l[i].composite < 0 ? DB_NUL : DB_I(l[i].composite);
        enum err err = db_exec(
            r->db,
            "INSERT INTO workorder_rate (month, unit_id, unit_kind, unit_name, region_code, "
            "orders, responded, called_back, solved, satisfied, response_rate, solve_rate, "
            "satisfaction_rate, composite, rank) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10, $11, $12, $13, $14, $15)",
            DB_ARGS(DB_T(month), DB_I(l[i].unit), DB_T(l[i].kind), DB_T(l[i].name),
                    DB_T(l[i].region), DB_I(l[i].n[N_ORDERS]), DB_I(l[i].n[N_RESPONDED]),
                    DB_I(l[i].n[N_CALLED_BACK]), DB_I(l[i].n[N_SOLVED]), DB_I(l[i].n[N_SATISFIED]),
                    rate[0], rate[1], rate[2], rate[3], l[i].rank ? DB_I(l[i].rank) : DB_NUL),
            NULL);
        if (err)
            return err;
    }
    /* the orders counted, with what each counted for: the same expressions, the same
     * transaction, so the items are exactly what the figures above summed */
    const struct source *s = &live;
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "INSERT INTO workorder_rate_item (month, unit_id, order_id, responded, "
                 "called_back, solved, satisfied) SELECT t.rate_month, t.unit_id, t.id");
    add_flags(&q, &r->arena, s, "");
    add_from(&q, &r->arena, s, month);
    enum err err = q.overflow ? ERR_TOO_LARGE : sqlq_exec(&q, r->db, NULL);
    sqlq_release(&q);
    return err;
}

enum err workorder_rates_publish(struct req *r)
{
    static const char *const keys[] = {"month", NULL};
    body_allow(r, keys);
    const char *month = body_str(r, "month", "月份", REQUIRED, 20);
    int ym = 0;
    if (month && !calendar_parse_month(month, &ym))
        req_field_error(r, "month", "月份", "workorder_month");
    else if (month && ym >= month_now(r))
        req_field_error(r, "month", "月份", "workorder_month_not_ended");
    if (r->nerrors)
        return ERR_INVALID;
    r->audit.object_type = "workorder_month";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%s", month);

    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena, "SELECT 1 FROM workorder_month WHERE month = $1",
                            DB_ARGS(DB_T(month)), &rows);
    if (err)
        return err;
    if (rows.nrows)
        return req_fail(r, ERR_CONFLICT, "workorder_month_published");
    int w[RATE_COUNT];
    int64_t at;
    err = weights_load(r, w, &at);
    struct rate_line *l = NULL;
    size_t n = 0;
    if (!err)
        err = lines_live(r, month, w, &l, &n);
    if (err)
        return err;
    if (!n)
        return req_field_error(r, "month", "月份", "workorder_month_empty");
    err = db_exec(
        r->db,
        "INSERT INTO workorder_month (month, weights, published_at, published_by) "
        "VALUES ($1, $2, $3, $4)",
        DB_ARGS(DB_T(month), DB_T(weights_text(&r->arena, w)), DB_I(r->now), DB_I(r->user.id)),
        NULL);
    if (!err)
        err = publish_lines(r, month, l, n);
    if (err)
        return err;
    int64_t orders = 0;
    for (size_t i = 0; i < n; i++)
        orders += l[i].n[N_ORDERS];
    r->audit.detail =
        arena_printf(&r->arena, "{\"weights\":\"%s\",\"units\":%zu,\"orders\":%" PRId64 "}",
                     weights_text(&r->arena, w), n, orders);
    struct view v = {.month = month, .ym = ym, .published = true, .published_at = r->now};
    memcpy(v.w, w, sizeof(w));
    return rates_reply(r, &v, 201);
}

/* ---- GET /api/v1/workorder/rates/orders -------------------------------------------- */

/* The condition of ?measure= and ?ok= on src's flags (NULL: every counted order). */
static const char *measure_cond(struct arena *a, const struct source *s, int k, json_t *ok)
{
    const char *flag = k == RATE_RESPONSE ? s->responded
                       : k == RATE_SOLVE  ? s->solved
                                          : s->satisfied;
    if (k == RATE_RESPONSE)
        return !ok ? NULL : arena_printf(a, "(%s) = %d", flag, json_is_true(ok) ? 1 : 0);
    if (!ok)
        return arena_printf(a, "(%s) = 1", s->called_back);
    return arena_printf(a, "(%s) = 1 AND (%s) = %d", s->called_back, flag,
                        json_is_true(ok) ? 1 : 0);
}

static json_t *flag_json(const struct db_rows *rows, size_t i, size_t col, bool applies)
{
    return applies ? json_boolean(db_int(rows, i, col) == 1) : json_null();
}

enum err workorder_rate_orders(struct req *r)
{
    const char *measure = query_str(r, "measure");
    int k = -1;
    for (int j = 0; measure && j < RATE_COUNT; j++)
        if (strcmp(measure, rates[j].measure) == 0)
            k = j;
    if (measure && k < 0)
        req_field_error(r, "measure", "考评指标", "invalid_enum");
    json_t *ok = json_object_get(r->query, "ok");
    if (ok && !measure)
        req_field_error(r, "ok", "是否达标", "workorder_ok_needs_measure");
    const char *unit = query_str(r, "unit");
    int64_t unit_id = 0;
    if (unit && (!parse_int64(unit, &unit_id) || unit_id <= 0))
        req_field_error(r, "unit", "承办单位", "type_id");
    struct view v;
    enum err err = view_init(r, &v);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;
    int64_t page, size;
    query_page(r, 20, &page, &size);

    const struct source *s = v.published ? &frozen : &live;
    struct sqlq from;
    sqlq_init(&from);
    add_from(&from, &r->arena, s, v.month);
    sqlq_add(&from, " AND ");
    access_scope_sql(&r->scope, s->region, &r->arena, &from);
    if (v.region) {
        const char *root = v.region;
        struct scope sub = {&root, 1};
        sqlq_add(&from, " AND ");
        access_scope_sql(&sub, s->region, &r->arena, &from);
    }
    if (v.kind) {
        sqlq_add(&from, arena_printf(&r->arena, " AND %s = ", s->kind));
        sqlq_arg(&from, DB_T(v.kind));
    }
    if (unit_id) {
        sqlq_add(&from, arena_printf(&r->arena, " AND %s = ", s->unit));
        sqlq_arg(&from, DB_I(unit_id));
    }
    const char *cond = k >= 0 ? measure_cond(&r->arena, s, k, ok) : NULL;
    if (cond) {
        sqlq_add(&from, " AND ");
        sqlq_add(&from, cond);
    }
    const char *cols =
        arena_printf(&r->arena,
                     "t.id, t.code, t.state, %s, %s, t.dispatched_at, %s, %s, %s, "
                     "%s, t.satisfaction",
                     s->unit, s->unit_name, s->responded, s->called_back, s->solved, s->satisfied);
    int64_t total = 0;
    struct db_rows rows;
    err = from.overflow ? ERR_TOO_LARGE
                        : sqlq_page(r->db, &r->arena, cols, &from, "t.dispatched_at, t.id", page,
                                    size, &total, &rows);
    sqlq_release(&from);
    if (err)
        return err;
    json_t *items = json_array();
    for (size_t i = 0; items && i < rows.nrows; i++) {
        bool cb = db_int(&rows, i, 7) == 1;
        json_t *o = json_pack(
            "{s:o, s:s?, s:s?, s:o, s:s?, s:o, s:o, s:b, s:o, s:o, s:s?}", "id",
            json_id(db_int(&rows, i, 0)), "code", db_str(&rows, i, 1), "state", db_str(&rows, i, 2),
            "unit_id", json_id(db_int(&rows, i, 3)), "unit_name", db_str(&rows, i, 4),
            "dispatched_at", json_time(db_int(&rows, i, 5)), "responded_in_time",
            flag_json(&rows, i, 6, true), "called_back", cb, "solved", flag_json(&rows, i, 8, cb),
            "satisfied", flag_json(&rows, i, 9, cb), "satisfaction", db_str(&rows, i, 10));
        if (!o || json_array_append_new(items, o)) {
            json_decref(items);
            items = NULL;
        }
    }
    json_t *body = items
                       ? json_pack("{s:s, s:b, s:o, s:I, s:I, s:I}", "month", v.month, "published",
                                   v.published, "items", items, "total", (json_int_t)total, "page",
                                   (json_int_t)page, "page_size", (json_int_t)size)
                       : NULL;
    if (!body)
        return ERR_NOMEM;
    return reply_json_take(r, 200, body);
}

/* ---- GET and PUT /api/v1/workorder/weights ----------------------------------------- */

static enum err weights_reply(struct req *r, const int w[RATE_COUNT], int64_t updated_at)
{
    json_t *body = weights_json(w);
    if (!body)
        return ERR_NOMEM;
    json_object_set_new(body, "updated_at", json_time(updated_at));
    return reply_json_take(r, 200, body);
}

enum err workorder_weights_get(struct req *r)
{
    int w[RATE_COUNT];
    int64_t at;
    enum err err = weights_load(r, w, &at);
    return err ? err : weights_reply(r, w, at);
}

enum err workorder_weights_put(struct req *r)
{
    static const char *const keys[] = {"response", "solve", "satisfaction", NULL};
    static const char *const labels[RATE_COUNT] = {"响应率权重", "解决率权重", "满意率权重"};
    body_allow(r, keys);
    int w[RATE_COUNT] = {0};
    int sum = 0;
    bool complete = true;
    for (int k = 0; k < RATE_COUNT; k++) {
        int64_t v = 0;
        if (!body_int(r, rates[k].measure, labels[k], REQUIRED, &v)) {
            complete = false;
        } else if (v < 0 || v > 100) {
            req_field_error(r, rates[k].measure, labels[k], "out_of_range");
            complete = false;
        } else {
            w[k] = (int)v * 10;
            sum += (int)v;
        }
    }
    if (complete && sum != 100)
        req_field_error(r, "weights", "三率权重", "workorder_weights_sum");
    if (r->nerrors)
        return ERR_INVALID;
    const char *text = weights_text(&r->arena, w);
    int64_t changes = 0;
    enum err err =
        db_exec(r->db,
                "UPDATE workorder_setting SET value = $1, updated_at = $2, "
                "updated_by = $3 WHERE key = $4",
                DB_ARGS(DB_T(text), DB_I(r->now), DB_I(r->user.id), DB_T(WEIGHTS_KEY)), &changes);
    if (!err && !changes)
        err = db_exec(r->db,
                      "INSERT INTO workorder_setting (key, value, updated_at, updated_by) "
                      "VALUES ($1, $2, $3, $4)",
                      DB_ARGS(DB_T(WEIGHTS_KEY), DB_T(text), DB_I(r->now), DB_I(r->user.id)), NULL);
    if (err)
        return err;
    r->audit.object_type = "workorder_setting";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%s", WEIGHTS_KEY);
    r->audit.detail = arena_printf(&r->arena, "{\"weights\":\"%s\"}", text);
    return weights_reply(r, w, r->now);
}

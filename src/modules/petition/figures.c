/* Petition figures (figures.h): what the figures count is one table of SQL conditions, so
 * the rates, the CSV and the drill-down to the items always agree. The list route cannot
 * express these sets (registration period, clocks stopped in time, "either repeat flag"),
 * so the drill-down is a route of its own that takes the same conditions. Also the region
 * helpers hotspots.c shares. */
#include "modules/petition/figures.h"

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
#include "engine/deadline.h"
#include "engine/engine.h"
#include "modules/petition/petition.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

/* ---- What is counted ------------------------------------------------------------------- */

/* A figure: its numerator and denominator as conditions on an item (t) with its routing
 * clock (dr) and handling clock (dh), LEFT JOINed; '?' stands for now. An overdue clock
 * (due passed, not stopped) is due without having been met. */
struct figure {
    const char *name;                  /* JSON key, ?figure= */
    const char *label;                 /* 中文 */
    const char *num_label, *den_label; /* CSV headers */
    const char *num, *den;
};

enum { FIG_REGISTERED, FIG_N = 6 };

static const struct figure figures[FIG_N] = {
    {"registered", "登记件数", "登记件数", "登记件数", "1 = 1", "1 = 1"},
    {"timely_accept", "及时受理率", "及时受理件数", "应受理件数",
     "dr.state = 'stopped' AND dr.stopped_at <= dr.due_at",
     "(dr.state = 'stopped' OR dr.due_at < ?)"},
    {"on_time", "按期办结率", "按期办结件数", "应办结件数",
     "dh.state = 'stopped' AND dh.stopped_at <= dh.due_at",
     "(dh.state = 'stopped' OR dh.due_at < ?)"},
    {"rated", "参评率", "参评件数", "答复件数", "t.rating IS NOT NULL", "t.replied_at IS NOT NULL"},
    {"satisfied", "满意率", "满意件数（含基本满意）", "参评件数",
     "t.rating IN ('satisfied', 'basic')", "t.rating IS NOT NULL"},
    {"repeat", "重复信访率", "重复件数", "登记件数",
     "(t.repeat_of IS NOT NULL OR t.after_rereview = 1)", "1 = 1"},
};

#define CLOCK_JOINS                                                                                \
    " LEFT JOIN deadline dr ON dr.entity = 'petition' AND dr.row_id = t.id AND dr.name = "         \
    "'route' LEFT JOIN deadline dh ON dh.entity = 'petition' AND dh.row_id = t.id AND "            \
    "dh.name = 'handle'"

static const struct figure *figure_named(const char *name)
{
    for (size_t i = 0; name && i < FIG_N; i++)
        if (strcmp(figures[i].name, name) == 0)
            return &figures[i];
    return NULL;
}

/* Appends cond with every '?' bound to now. */
static void add_cond(struct sqlq *q, struct arena *a, const char *cond, int64_t now)
{
    const char *p = cond;
    for (const char *m = strchr(p, '?'); m; m = strchr(p, '?')) {
        sqlq_add(q, arena_strndup(a, p, (size_t)(m - p)));
        sqlq_arg(q, DB_I(now));
        p = m + 1;
    }
    sqlq_add(q, p);
}

/* ---- Which items ----------------------------------------------------------------------- */

/* Registered from the start of from to the end of to (Asia/Shanghai days), each optional. */
struct period {
    const char *from, *to;
    int64_t lo, hi;
};

/* The items a number covers: the period, a region's subtree (or exactly the region), a
 * handling unit ("none": not routed to any). */
struct where {
    const struct period *p;
    const char *region;
    bool exact;
    const char *unit; /* NULL: any; "none"; or the unit's id */
};

static const char *date_param(struct req *r, const char *name, const char *label, int64_t *day)
{
    const char *s = query_str(r, name);
    int32_t d = 0;
    if (s && (strlen(s) != CALENDAR_DATE_LEN || !calendar_parse_date(s, &d))) {
        req_field_error(r, name, label, "invalid_date");
        return NULL;
    }
    *day = d;
    return s;
}

static void period_of(struct req *r, struct period *p)
{
    int64_t from = 0, to = 0;
    p->from = date_param(r, "from", "起始日期", &from);
    p->to = date_param(r, "to", "截止日期", &to);
    p->lo = from * DEADLINE_DAY_SECONDS - DEADLINE_SHANGHAI_SHIFT;
    p->hi = to * DEADLINE_DAY_SECONDS + DEADLINE_DAY_SECONDS - 1 - DEADLINE_SHANGHAI_SHIFT;
    if (p->from && p->to && to < from)
        req_field_error(r, "to", "截止日期", "petition_date_range");
}

enum err petition_figures_region(struct req *r, const struct scope *s, bool required,
                                 struct region *out, const char **code)
{
    *code = query_str(r, "region");
    if (!*code && required && s->n == 1)
        *code = s->roots[0];
    else if (!*code && required)
        return req_field_error(r, "region", "区划", "required");
    if (!*code)
        return ERR_OK;
    enum err err = region_find(r->db, &r->arena, *code, out);
    if (err == ERR_NOT_FOUND)
        return req_field_error(r, "region", "区划", "region_not_found");
    if (err)
        return err;
    if (!access_scope_allows(s, *code)) {
        req_field_error(r, "region", "区划", "out_of_scope");
        return ERR_FORBIDDEN;
    }
    return ERR_OK;
}

/* FROM the items with their clocks WHERE r may read them and they are within w. */
static enum err add_from(struct req *r, const struct scope *s, const struct where *w,
                         struct sqlq *q)
{
    sqlq_add(q, " FROM petition t" CLOCK_JOINS " WHERE ");
    access_scope_sql(s, "t.region_code", &r->arena, q);
    enum err err = engine_read_filter(r, &petition_entity, q);
    if (err)
        return err;
    if (w->region && w->exact) {
        sqlq_add(q, " AND t.region_code = ");
        sqlq_arg(q, DB_T(w->region));
    } else if (w->region) {
        const char *root = w->region;
        struct scope sub = {&root, 1};
        sqlq_add(q, " AND ");
        access_scope_sql(&sub, "t.region_code", &r->arena, q);
    }
    if (w->unit && strcmp(w->unit, "none") == 0) {
        sqlq_add(q, " AND t.unit_id IS NULL");
    } else if (w->unit) {
        int64_t unit = 0;
        parse_int64(w->unit, &unit);
        sqlq_add(q, " AND t.unit_id = ");
        sqlq_arg(q, DB_I(unit));
    }
    if (w->p->from) {
        sqlq_add(q, " AND t.created_at >= ");
        sqlq_arg(q, DB_I(w->p->lo));
    }
    if (w->p->to) {
        sqlq_add(q, " AND t.created_at <= ");
        sqlq_arg(q, DB_I(w->p->hi));
    }
    return q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

/* ---- Tallies --------------------------------------------------------------------------- */

struct tally {
    int64_t num[FIG_N], den[FIG_N];
};

static void tally_add_row(struct tally *t, const struct db_rows *rows, size_t i)
{
    for (size_t k = 0; k < FIG_N; k++) {
        t->num[k] += db_int(rows, i, 1 + 2 * k);
        t->den[k] += db_int(rows, i, 2 + 2 * k);
    }
}

/* One row per value of key: key, then each figure's numerator and denominator. */
static enum err tally_query(struct req *r, const struct scope *s, const struct where *w,
                            const char *key, struct db_rows *rows)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT ");
    sqlq_add(&q, key);
    for (size_t k = 0; k < FIG_N; k++) {
        sqlq_add(&q, ", SUM(CASE WHEN ");
        add_cond(&q, &r->arena, figures[k].num, r->now);
        sqlq_add(&q, " THEN 1 ELSE 0 END), SUM(CASE WHEN ");
        add_cond(&q, &r->arena, figures[k].den, r->now);
        sqlq_add(&q, " THEN 1 ELSE 0 END)");
    }
    enum err err = add_from(r, s, w, &q);
    sqlq_add(&q, " GROUP BY ");
    sqlq_add(&q, key);
    if (!err)
        err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return err;
}

/* A row of the table: a unit or a child region (or the region's own level), its tally and
 * the items it covers. */
struct line {
    const char *label;
    int64_t unit;     /* by unit: the unit (0: not routed) */
    const char *code; /* by region: the child region (or the region itself, own) */
    bool own;
    struct tally t;
    struct where w;
};

int petition_figures_prefix(const struct db_rows *children)
{
    size_t len = 0;
    for (size_t i = 0; i < children->nrows; i++) {
        size_t n = regioncode_prefix_len(db_str(children, i, 0));
        len = n > len ? n : len;
    }
    return len ? (int)len : REGION_CODE_LEN;
}

const char *petition_figures_code(struct arena *a, const char *prefix)
{
    char code[REGION_CODE_LEN + 1];
    memset(code, '0', REGION_CODE_LEN);
    code[REGION_CODE_LEN] = '\0';
    size_t n = prefix ? strlen(prefix) : 0;
    memcpy(code, prefix, n < REGION_CODE_LEN ? n : REGION_CODE_LEN);
    return arena_strdup(a, code);
}

enum err petition_figures_children(struct req *r, const char *code, struct db_rows *children)
{
    return db_query(r->db, &r->arena,
                    "SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code",
                    DB_ARGS(DB_T(code)), children);
}

/* The lines of by=region: every child of region (in code order), then the region's own
 * level when items sit there. */
static enum err lines_by_region(struct req *r, const struct scope *s, const struct where *base,
                                const struct region *top, struct line **out, size_t *n)
{
    struct db_rows children, rows;
    enum err err = petition_figures_children(r, top->code, &children);
    if (err)
        return err;
    size_t nc = children.nrows < PETITION_FIGURES_MAX_CHILDREN ? children.nrows
                                                               : PETITION_FIGURES_MAX_CHILDREN;
    int len = petition_figures_prefix(&children);
    err = tally_query(r, s, base, arena_printf(&r->arena, "substr(t.region_code, 1, %d)", len),
                      &rows);
    if (err)
        return err;
    struct line *l = arena_calloc(&r->arena, nc + 1, sizeof(*l));
    if (!l)
        return ERR_NOMEM;
    for (size_t k = 0; k < nc; k++) {
        l[k].code = db_str(&children, k, 0);
        l[k].label = db_str(&children, k, 1);
        l[k].w = *base;
        l[k].w.region = l[k].code;
        l[k].w.exact = false;
    }
    l[nc].code = arena_strdup(&r->arena, top->code);
    l[nc].own = true;
    l[nc].label = msg_text("petition_figures_own");
    l[nc].w = *base;
    l[nc].w.region = l[nc].code;
    l[nc].w.exact = true;
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *code = petition_figures_code(&r->arena, db_str(&rows, i, 0));
        size_t k = 0;
        while (k < nc && !regioncode_within(code, l[k].code))
            k++;
        tally_add_row(&l[k].t, &rows, i);
    }
    *out = l;
    *n = l[nc].t.num[FIG_REGISTERED] ? nc + 1 : nc;
    return ERR_OK;
}

static int line_cmp(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    if (!x->unit != !y->unit) /* not routed last */
        return !x->unit ? 1 : -1;
    if (x->t.num[FIG_REGISTERED] != y->t.num[FIG_REGISTERED])
        return x->t.num[FIG_REGISTERED] > y->t.num[FIG_REGISTERED] ? -1 : 1;
    return strcmp(x->label ? x->label : "", y->label ? y->label : "");
}

/* The lines of by=unit: the handling units with items, most items first, then the items
 * not routed to any unit. */
static enum err lines_by_unit(struct req *r, const struct scope *s, const struct where *base,
                              struct line **out, size_t *n)
{
    struct db_rows rows, names = {0};
    enum err err = tally_query(r, s, base, "t.unit_id", &rows);
    if (err || !rows.nrows) {
        *out = NULL;
        *n = 0;
        return err;
    }
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT id, name FROM unit WHERE id IN (0");
    for (size_t i = 0; i < rows.nrows; i++) {
        sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_I(db_is_null(&rows, i, 0) ? 0 : db_int(&rows, i, 0)));
        if (q.nargs == SQLQ_MAX_ARGS) /* more units than one statement binds: names below */
            break;
    }
    sqlq_add(&q, ")");
    err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, &names);
    sqlq_release(&q);
    if (err)
        return err;
    struct line *l = arena_calloc(&r->arena, rows.nrows, sizeof(*l));
    if (!l)
        return ERR_NOMEM;
    for (size_t i = 0; i < rows.nrows; i++) {
        l[i].unit = db_is_null(&rows, i, 0) ? 0 : db_int(&rows, i, 0);
        l[i].w = *base;
        l[i].w.unit = l[i].unit ? arena_printf(&r->arena, "%" PRId64, l[i].unit) : "none";
        l[i].label = l[i].unit ? NULL : msg_text("petition_figures_no_unit");
        for (size_t k = 0; l[i].unit && k < names.nrows; k++)
            if (db_int(&names, k, 0) == l[i].unit)
                l[i].label = db_str(&names, k, 1);
        if (!l[i].label) {
            struct db_rows one;
            err = db_query(r->db, &r->arena, "SELECT name FROM unit WHERE id = $1",
                           DB_ARGS(DB_I(l[i].unit)), &one);
            if (err)
                return err;
            l[i].label = one.nrows ? db_str(&one, 0, 0) : l[i].w.unit;
        }
        tally_add_row(&l[i].t, &rows, i);
    }
    qsort(l, rows.nrows, sizeof(*l), line_cmp);
    *out = l;
    *n = rows.nrows;
    return ERR_OK;
}

/* ---- JSON ------------------------------------------------------------------------------ */

/* The query of GET /api/v1/petition/figures/items that answers exactly the items counted. */
static json_t *filter_json(const struct figure *f, const char *part, const struct where *w)
{
    json_t *o = json_pack("{s:s, s:s}", "figure", f->name, "part", part);
    if (o && w->unit)
        json_object_set_new(o, "unit", json_string(w->unit));
    if (o && w->region)
        json_object_set_new(o, "region", json_string(w->region));
    if (o && w->region && w->exact)
        json_object_set_new(o, "exact", json_string("true"));
    if (o && w->p->from)
        json_object_set_new(o, "from", json_string(w->p->from));
    if (o && w->p->to)
        json_object_set_new(o, "to", json_string(w->p->to));
    return o;
}

static json_t *ratio(int64_t num, int64_t den)
{
    return den ? json_real(round((double)num * 10000.0 / (double)den) / 10000.0) : json_null();
}

static json_t *tally_json(const struct tally *t, const struct where *w)
{
    json_t *o = json_object();
    for (size_t k = 0; o && k < FIG_N; k++) {
        const struct figure *f = &figures[k];
        json_t *v;
        if (k == FIG_REGISTERED)
            v = json_pack("{s:I, s:o}", "count", (json_int_t)t->num[k], "filter",
                          filter_json(f, "numerator", w));
        else
            v = json_pack("{s:o, s:I, s:I, s:o, s:o}", "value", ratio(t->num[k], t->den[k]),
                          "numerator", (json_int_t)t->num[k], "denominator", (json_int_t)t->den[k],
                          "filter", filter_json(f, "numerator", w), "denominator_filter",
                          filter_json(f, "denominator", w));
        if (!v || json_object_set_new(o, f->name, v)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *line_json(const struct line *l, bool by_unit)
{
    json_t *o = tally_json(&l->t, &l->w);
    if (!o)
        return NULL;
    json_object_set_new(o, "label", json_string(l->label ? l->label : ""));
    if (by_unit) {
        json_object_set_new(o, "unit_id", json_id(l->unit));
    } else {
        json_object_set_new(o, "region_code", json_string(l->code));
        json_object_set_new(o, "own", json_boolean(l->own));
    }
    return o;
}

static json_t *figures_meta(void)
{
    json_t *list = json_array();
    for (size_t k = 0; list && k < FIG_N; k++)
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:s}", "name", figures[k].name, "label",
                                        figures[k].label, "numerator_label", figures[k].num_label,
                                        "denominator_label", figures[k].den_label));
    return list;
}

/* ---- CSV ------------------------------------------------------------------------------- */

static int sink_out(void *ctx, const char *buf, size_t n)
{
    struct sbuf *out = ctx;
    sbuf_add(out, buf, n);
    return sbuf_err(out) ? -1 : 0;
}

static void csv_count(struct csv_writer *w, int64_t n)
{
    char s[24];
    snprintf(s, sizeof(s), "%" PRId64, n);
    csv_field_number(w, s);
}

/* A rate in per cent with two decimals, rounded half up; empty without a denominator. */
static void csv_percent(struct csv_writer *w, int64_t num, int64_t den)
{
    if (!den) {
        csv_field(w, NULL);
        return;
    }
    int64_t hundredths = (num * 20000 + den) / (2 * den);
    char s[32];
    snprintf(s, sizeof(s), "%" PRId64 ".%02" PRId64, hundredths / 100, hundredths % 100);
    csv_field_number(w, s);
}

static void csv_line(struct csv_writer *w, const char *label, const struct tally *t)
{
    csv_field(w, label);
    for (size_t k = 0; k < FIG_N; k++) {
        csv_count(w, t->num[k]);
        if (k == FIG_REGISTERED)
            continue;
        csv_count(w, t->den[k]);
        csv_percent(w, t->num[k], t->den[k]);
    }
    csv_end_row(w);
}

static enum err figures_csv(struct req *r, bool by_unit, const struct line *l, size_t n,
                            const struct tally *total, const struct period *p)
{
    sbuf_reset(&r->out);
    struct csv_writer w;
    csv_writer_init(&w, sink_out, &r->out);
    csv_writer_begin(&w);
    csv_field(&w, by_unit ? "承办单位" : "区划");
    for (size_t k = 0; k < FIG_N; k++) {
        csv_field(&w, figures[k].num_label);
        if (k == FIG_REGISTERED)
            continue;
        csv_field(&w, figures[k].den_label);
        csv_field(&w, arena_printf(&r->arena, "%s（%%）", figures[k].label));
    }
    csv_end_row(&w);
    for (size_t i = 0; i < n; i++)
        csv_line(&w, l[i].label, &l[i].t);
    csv_line(&w, msg_text("petition_figures_total"), total);
    enum err err = csv_writer_finish(&w);
    if (err || sbuf_err(&r->out))
        return ERR_NOMEM;
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    reply_header(r, "Content-Disposition",
                 arena_printf(&r->arena, "attachment; filename=\"petition-figures-%s-%s-%s.csv\"",
                              by_unit ? "unit" : "region", p->from ? p->from : "start",
                              p->to ? p->to : "now"));
    return ERR_OK;
}

/* ---- GET /api/v1/petition/figures ------------------------------------------------------- */

enum err petition_figures(struct req *r)
{
    const char *by = query_str(r, "by"), *format = query_str(r, "format");
    bool by_unit = !by || strcmp(by, "unit") == 0;
    if (by && !by_unit && strcmp(by, "region") != 0)
        req_field_error(r, "by", "统计口径", "invalid_enum");
    bool csv = format && strcmp(format, "csv") == 0;
    if (format && !csv && strcmp(format, "json") != 0)
        req_field_error(r, "format", "格式", "invalid_enum");
    struct period p;
    period_of(r, &p);
    struct scope s;
    enum err err = access_scope(r, petition_entity.perms.read, &s);
    if (err)
        return err;
    struct region top;
    const char *code = NULL;
    err = petition_figures_region(r, &s, !by_unit, &top, &code);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;

    struct where base = {.p = &p, .region = code};
    struct line *l = NULL;
    size_t n = 0;
    err =
        by_unit ? lines_by_unit(r, &s, &base, &l, &n) : lines_by_region(r, &s, &base, &top, &l, &n);
    if (err)
        return err;
    struct tally total = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < FIG_N; k++) {
            total.num[k] += l[i].t.num[k];
            total.den[k] += l[i].t.den[k];
        }
    if (csv)
        return figures_csv(r, by_unit, l, n, &total, &p);

    json_t *rows = json_array(), *tot = tally_json(&total, &base);
    for (size_t i = 0; rows && i < n; i++) {
        json_t *o = line_json(&l[i], by_unit);
        if (!o || json_array_append_new(rows, o)) {
            json_decref(rows);
            rows = NULL;
        }
    }
    json_t *body =
        rows && tot ? json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o}", "by",
                                by_unit ? "unit" : "region", "region",
                                code ? json_pack("{s:s, s:s}", "code", code, "name", top.full_name)
                                     : json_null(),
                                "from", p.from ? json_string(p.from) : json_null(), "to",
                                p.to ? json_string(p.to) : json_null(), "as_of", json_time(r->now),
                                "figures", figures_meta(), "items_route",
                                "/api/v1/petition/figures/items", "rows", rows, "total", tot)
                    : NULL;
    if (!body) {
        json_decref(rows);
        json_decref(tot);
        return ERR_NOMEM;
    }
    return reply_json_take(r, 200, body);
}

/* ---- GET /api/v1/petition/figures/items ------------------------------------------------- */

enum err petition_figure_items(struct req *r)
{
    const struct figure *f = figure_named(query_str(r, "figure"));
    if (!query_str(r, "figure"))
        req_field_error(r, "figure", "统计项", "required");
    else if (!f)
        req_field_error(r, "figure", "统计项", "invalid_enum");
    const char *part = query_str(r, "part");
    bool den = part && strcmp(part, "denominator") == 0;
    if (part && !den && strcmp(part, "numerator") != 0)
        req_field_error(r, "part", "分子分母", "invalid_enum");
    const char *unit = query_str(r, "unit");
    int64_t unit_id = 0;
    if (unit && strcmp(unit, "none") != 0 && (!parse_int64(unit, &unit_id) || unit_id <= 0))
        req_field_error(r, "unit", "承办单位", "type_id");
    json_t *exact = json_object_get(r->query, "exact");
    struct period p;
    period_of(r, &p);
    int64_t page = 1, size = 20;
    query_int(r, "page", &page);
    query_int(r, "size", &size);
    struct scope s;
    enum err err = access_scope(r, petition_entity.perms.read, &s);
    if (err)
        return err;
    struct region top;
    const char *code = NULL;
    err = petition_figures_region(r, &s, false, &top, &code);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;

    struct where w = {.p = &p, .region = code, .exact = json_is_true(exact), .unit = unit};
    struct sqlq from;
    sqlq_init(&from);
    err = add_from(r, &s, &w, &from);
    /* The condition inside a CASE: a plain "dh.state = 'stopped'" makes SQLite treat the
     * LEFT JOIN as an inner one and drive the query from every stopped clock of every
     * petition (seconds at a million); so the items in scope drive, their clocks looked up. */
    sqlq_add(&from, " AND CASE WHEN ");
    add_cond(&from, &r->arena, den ? f->den : f->num, r->now);
    sqlq_add(&from, " THEN 1 ELSE 0 END = 1");
    int64_t total = 0;
    struct db_rows rows;
    if (!err)
        err = from.overflow
                  ? ERR_TOO_LARGE
                  : sqlq_page_keyed(r->db, &r->arena, engine_select_list(&petition_entity), &from,
                                    "petition", "id", "t.created_at DESC, t.id DESC", page, size,
                                    &total, &rows);
    sqlq_release(&from);
    if (err)
        return err;
    struct engine_view v;
    err = engine_view_init(r, &petition_entity, &v);
    json_t *items = json_array();
    for (size_t i = 0; !err && items && i < rows.nrows; i++) {
        json_t *o = NULL;
        err = engine_row_json(r, &petition_entity, &rows, i, &v, &o);
        if (!err)
            json_array_append_new(items, o);
    }
    if (!err)
        err = engine_view_audit(r, &petition_entity, &v);
    if (err || !items) {
        json_decref(items);
        return err ? err : ERR_NOMEM;
    }
    return reply_json_take(r, 200,
                           json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                                     (json_int_t)total, "page", (json_int_t)page, "size",
                                     (json_int_t)size));
}

/* Hot spots (源头治理; figures.h): the items registered in the last months by child region,
 * category and month, new versus repeat and overdue, and the categories rising fastest in
 * each child region. Grouped in SQL by region prefix, category and Shanghai day; months are
 * counted here, so the SQL stays portable. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "db/sqlq.h"
#include "engine/deadline.h"
#include "engine/engine.h"
#include "modules/petition/figures.h"
#include "modules/petition/petition.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

enum { HS_TOTAL, HS_NEW, HS_REPEAT, HS_OVERDUE, HS_N };
static const char *const hs_keys[HS_N] = {"total", "new", "repeat", "overdue"};

/* Counts of one region or category: sums and per month. */
struct series {
    int64_t sum[HS_N];
    int64_t *month[HS_N];
};

struct hs_cat {
    const char *code;
    struct series s;
};

struct hs_area {
    const char *code, *name;
    bool own;
    struct series s;
    struct hs_cat *cats;
    size_t ncats, cap;
};

static bool series_init(struct arena *a, struct series *s, int months)
{
    memset(s, 0, sizeof(*s));
    for (int k = 0; k < HS_N; k++) {
        s->month[k] = arena_calloc(a, (size_t)months, sizeof(int64_t));
        if (!s->month[k])
            return false;
    }
    return true;
}

static void series_add(struct series *s, int m, const int64_t v[HS_N])
{
    for (int k = 0; k < HS_N; k++) {
        s->sum[k] += v[k];
        s->month[k][m] += v[k];
    }
}

static struct hs_cat *cat_of(struct arena *a, struct hs_cat **cats, size_t *n, size_t *cap,
                             const char *code, int months)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*cats)[i].code, code) == 0)
            return &(*cats)[i];
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct hs_cat *bigger = arena_calloc(a, ncap, sizeof(*bigger));
        if (!bigger)
            return NULL;
        if (*n)
            memcpy(bigger, *cats, *n * sizeof(*bigger));
        *cats = bigger;
        *cap = ncap;
    }
    struct hs_cat *c = &(*cats)[(*n)++];
    c->code = arena_strdup(a, code);
    return c->code && series_init(a, &c->s, months) ? c : NULL;
}

static json_t *series_json(const struct series *s, int months)
{
    json_t *o = json_object(), *monthly = json_object();
    for (int k = 0; o && monthly && k < HS_N; k++) {
        json_t *arr = json_array();
        for (int m = 0; arr && m < months; m++)
            json_array_append_new(arr, json_integer(s->month[k][m]));
        json_object_set_new(o, hs_keys[k], json_integer(s->sum[k]));
        json_object_set_new(monthly, hs_keys[k], arr ? arr : json_null());
    }
    if (!o || !monthly) {
        json_decref(o);
        json_decref(monthly);
        return NULL;
    }
    json_object_set_new(o, "monthly", monthly);
    return o;
}

/* The category's label: built in, else added in the dictionary, else the code. */
static const char *category_label(const struct db_rows *dict, const char *code)
{
    const struct enum_def *d = engine_enum("petition_category");
    for (const struct enum_item *i = d ? d->items : NULL; i && i->code; i++)
        if (strcmp(i->code, code) == 0)
            return i->label;
    for (size_t i = 0; i < dict->nrows; i++)
        if (strcmp(db_str(dict, i, 0), code) == 0)
            return db_str(dict, i, 1);
    return code;
}

static int cat_cmp(const void *a, const void *b)
{
    const struct hs_cat *x = a, *y = b;
    if (x->s.sum[HS_TOTAL] != y->s.sum[HS_TOTAL])
        return x->s.sum[HS_TOTAL] > y->s.sum[HS_TOTAL] ? -1 : 1;
    return strcmp(x->code, y->code);
}

static json_t *cats_json(struct hs_cat *cats, size_t n, int months, const struct db_rows *dict)
{
    qsort(cats, n, sizeof(*cats), cat_cmp);
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        json_t *o = series_json(&cats[i].s, months);
        if (!o) {
            json_decref(list);
            return NULL;
        }
        json_object_set_new(o, "category", json_string(cats[i].code));
        json_object_set_new(o, "label", json_string(category_label(dict, cats[i].code)));
        json_array_append_new(list, o);
    }
    return list;
}

/* Rising: last month at least PETITION_RISING_MIN items and above the mean of the months
 * before it; ranked by how far above (last − mean), then by last. */
struct rise {
    const struct hs_cat *c;
    int64_t last, before; /* last month's count, the sum of the months before */
    int64_t excess;       /* (last − mean) times the number of months before */
};

static int rise_cmp(const void *a, const void *b)
{
    const struct rise *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess > y->excess ? -1 : 1;
    if (x->last != y->last)
        return x->last > y->last ? -1 : 1;
    return strcmp(x->c->code, y->c->code);
}

static json_t *rising_json(struct req *r, const struct hs_area *a, int months,
                           const struct db_rows *dict)
{
    json_t *list = json_array();
    if (!list || months < 2)
        return list;
    struct rise *c = arena_calloc(&r->arena, a->ncats + 1, sizeof(*c));
    if (!c) {
        json_decref(list);
        return NULL;
    }
    size_t n = 0;
    int64_t prior = months - 1;
    for (size_t i = 0; i < a->ncats; i++) {
        int64_t last = a->cats[i].s.month[HS_TOTAL][months - 1];
        int64_t before = a->cats[i].s.sum[HS_TOTAL] - last;
        if (last >= PETITION_RISING_MIN && last * prior > before)
            c[n++] = (struct rise){&a->cats[i], last, before, last * prior - before};
    }
    qsort(c, n, sizeof(*c), rise_cmp);
    for (size_t i = 0; i < n && i < PETITION_RISING_TOP; i++) {
        double mean = (double)c[i].before / (double)prior;
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:f, s:f}", "category", c[i].c->code,
                                              "label", category_label(dict, c[i].c->code), "last",
                                              (json_int_t)c[i].last, "previous_mean",
                                              round(mean * 100.0) / 100.0, "increase",
                                              round(((double)c[i].last - mean) * 100.0) / 100.0));
    }
    return list;
}

static json_t *area_json(struct req *r, struct hs_area *a, int months, const struct db_rows *dict)
{
    json_t *o = series_json(&a->s, months);
    json_t *cats = cats_json(a->cats, a->ncats, months, dict);
    json_t *rising = rising_json(r, a, months, dict);
    if (!o || !cats || !rising) {
        json_decref(o);
        json_decref(cats);
        json_decref(rising);
        return NULL;
    }
    json_object_set_new(o, "region_code", json_string(a->code));
    json_object_set_new(o, "label", json_string(a->name));
    json_object_set_new(o, "own", json_boolean(a->own));
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "rising", rising);
    return o;
}

/* Items registered since start in region's subtree that r may read, by grouping prefix,
 * category and Shanghai day: how many, how many repeats, how many overdue now. */
static enum err hotspot_query(struct req *r, const char *region, int len, int64_t start,
                              struct db_rows *rows)
{
    struct scope s;
    enum err err = access_scope(r, petition_entity.perms.read, &s);
    if (err)
        return err;
    const char *key = arena_printf(&r->arena,
                                   "substr(t.region_code, 1, %d), t.category, (t.created_at + "
                                   "%d) / %d",
                                   len, DEADLINE_SHANGHAI_SHIFT, DEADLINE_DAY_SECONDS);
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT ");
    sqlq_add(&q, key);
    /* the overdue items are one set, read once from the clocks' index: a subquery per item
     * correlated on it let SQLite walk every overdue clock for each item (minutes at a
     * million petitions) */
    sqlq_add(&q, ", COUNT(*), SUM(CASE WHEN t.repeat_of IS NOT NULL OR t.after_rereview = 1 THEN "
                 "1 ELSE 0 END), SUM(CASE WHEN t.id IN (SELECT d.row_id FROM deadline d WHERE "
                 "d.entity = 'petition' AND d.state = 'running' AND d.due_at < ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, ") THEN 1 ELSE 0 END) FROM petition t WHERE ");
    access_scope_sql(&s, "t.region_code", &r->arena, &q);
    err = engine_read_filter(r, &petition_entity, &q);
    struct scope sub = {&region, 1};
    sqlq_add(&q, " AND ");
    access_scope_sql(&sub, "t.region_code", &r->arena, &q);
    sqlq_add(&q, " AND t.created_at >= ");
    sqlq_arg(&q, DB_I(start));
    sqlq_add(&q, " AND t.created_at <= ");
    sqlq_arg(&q, DB_I(r->now));
    sqlq_add(&q, " GROUP BY ");
    sqlq_add(&q, key);
    if (!err)
        err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return err;
}

enum err petition_hotspots(struct req *r)
{
    int64_t months = PETITION_HOTSPOT_MONTHS;
    query_int(r, "months", &months);
    struct scope s;
    enum err err = access_scope(r, petition_entity.perms.read, &s);
    if (err)
        return err;
    struct region top;
    const char *code = NULL;
    err = petition_figures_region(r, &s, true, &top, &code);
    if (err || r->nerrors)
        return err ? err : ERR_INVALID;

    /* the window: this month (Asia/Shanghai) and the months - 1 before it */
    int y, m, d;
    calendar_to_ymd(calendar_today(r->now), &y, &m, &d);
    int last = y * 12 + (m - 1), first = last - (int)months + 1;
    int64_t start =
        (int64_t)calendar_from_ymd(first / 12, first % 12 + 1, 1) * DEADLINE_DAY_SECONDS -
        DEADLINE_SHANGHAI_SHIFT;

    struct db_rows children, rows, dict;
    err = petition_figures_children(r, code, &children);
    size_t nc = children.nrows < PETITION_FIGURES_MAX_CHILDREN ? children.nrows
                                                               : PETITION_FIGURES_MAX_CHILDREN;
    int len = err ? 0 : petition_figures_prefix(&children);
    if (!err)
        err = hotspot_query(r, code, len, start, &rows);
    if (!err)
        err = db_query(r->db, &r->arena,
                       "SELECT code, label FROM dictionary WHERE enum_name = 'petition_category'",
                       DB_NOARGS, &dict);
    if (err)
        return err;
    int nm = (int)months;
    struct hs_area *areas = arena_calloc(&r->arena, nc + 1, sizeof(*areas));
    struct series all;
    struct hs_cat *cats = NULL;
    size_t ncats = 0, cap = 0;
    if (!areas || !series_init(&r->arena, &all, nm))
        return ERR_NOMEM;
    for (size_t k = 0; k <= nc; k++) {
        areas[k].code = k < nc ? db_str(&children, k, 0) : arena_strdup(&r->arena, code);
        areas[k].name = k < nc ? db_str(&children, k, 1) : msg_text("petition_figures_own");
        areas[k].own = k == nc;
        if (!series_init(&r->arena, &areas[k].s, nm))
            return ERR_NOMEM;
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        int yy, mm, dd;
        calendar_to_ymd((int32_t)db_int(&rows, i, 2), &yy, &mm, &dd);
        int idx = yy * 12 + (mm - 1) - first;
        if (idx < 0 || idx >= nm)
            continue;
        int64_t n = db_int(&rows, i, 3), rep = db_int(&rows, i, 4);
        int64_t v[HS_N] = {n, n - rep, rep, db_int(&rows, i, 5)};
        const char *at = petition_figures_code(&r->arena, db_str(&rows, i, 0));
        size_t k = 0;
        while (k < nc && !regioncode_within(at, areas[k].code))
            k++;
        const char *cat = db_str(&rows, i, 1);
        struct hs_cat *ac =
            cat_of(&r->arena, &areas[k].cats, &areas[k].ncats, &areas[k].cap, cat, nm);
        struct hs_cat *tc = cat_of(&r->arena, &cats, &ncats, &cap, cat, nm);
        if (!ac || !tc)
            return ERR_NOMEM;
        series_add(&areas[k].s, idx, v);
        series_add(&ac->s, idx, v);
        series_add(&tc->s, idx, v);
        series_add(&all, idx, v);
    }

    json_t *labels = json_array(), *list = json_array();
    for (int i = 0; labels && i < nm; i++)
        json_array_append_new(labels,
                              json_string(arena_printf(&r->arena, "%04d-%02d", (first + i) / 12,
                                                       (first + i) % 12 + 1)));
    for (size_t k = 0; list && k <= nc; k++) {
        if (areas[k].own && !areas[k].s.sum[HS_TOTAL])
            continue;
        json_t *o = area_json(r, &areas[k], nm, &dict);
        if (!o) {
            json_decref(list);
            list = NULL;
        } else {
            json_array_append_new(list, o);
        }
    }
    json_t *total = series_json(&all, nm), *tcats = cats_json(cats, ncats, nm, &dict);
    json_t *body = labels && list && total && tcats
                       ? json_pack("{s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "region",
                                   json_pack("{s:s, s:s}", "code", code, "name", top.full_name),
                                   "as_of", json_time(r->now), "months", labels, "rising_min",
                                   (json_int_t)PETITION_RISING_MIN, "total", total, "categories",
                                   tcats, "regions", list)
                       : NULL;
    if (!body) {
        json_decref(labels);
        json_decref(list);
        json_decref(total);
        json_decref(tcats);
        return ERR_NOMEM;
    }
    return reply_json_take(r, 200, body);
}

/* 每月一题 (docs/workorder.md "每月一题"): the categories of work orders recurring most by
 * township over recent months, proposed as a month's topic, and the monthly_topic entity
 * with its workflow and 30-day clock. Months are those of Asia/Shanghai, counted by when
 * an order was received; the SQL groups by month through bound month boundaries, so it
 * stays portable. */
#include "modules/workorder/workorder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/regioncode.h"
#include "db/sqlq.h"
#include "engine/deadline.h"
#include "engine/workflow.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define TOPIC_DAYS         30 /* the 办理期限 of a topic, calendar days from its creation */
#define TOPIC_MONTHS       3  /* ?months= default */
#define TOPIC_MONTHS_MAX   12
#define TOPIC_LIMIT        20 /* ?limit= default */
#define TOPIC_LIMIT_MAX    50
#define TOPIC_RISING_MIN   2 /* orders in the last month before a category can be rising */
#define TOPIC_TOWNSHIP_LEN 9 /* region code digits of a township (街乡镇) */
#define TOPIC_CLOCK        "due"

/* Orders a topic counts: received (in Asia/Shanghai months) and not sent elsewhere. */
#define COUNTED " AND t.category_id IS NOT NULL AND t.state <> 'redirected'"

/* ---- Months ------------------------------------------------------------------------ */

static int month_now(const struct req *r)
{
    return calendar_month_of(calendar_today(r->now));
}

/* The first second of month ym (y * 12 + m - 1) in Asia/Shanghai. */
static int64_t month_start(int ym)
{
    return (int64_t)calendar_month_first(ym) * DEADLINE_DAY_SECONDS - DEADLINE_SHANGHAI_SHIFT;
}

/* ---- The monthly_topic entity ------------------------------------------------------ */

static const struct field_def mt_fields[] = {
    {.name = "title",
     .label = "题目",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_LISTED | FF_SORTABLE | FF_SEARCHABLE | FF_EXPORTABLE | FF_LABEL,
     .max = 100},
    {.name = "month",
     .label = "月份",
     .type = FT_TEXT,
     .flags =
         FF_REQUIRED | FF_CREATE_ONLY | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE,
     .max = 7,
     .pattern = "[0-9]{4}-(0[1-9]|1[0-2])",
     .help = "如 2026-11；不能晚于下个月"},
    {.name = "region_code",
     .label = "所属区划",
     .type = FT_REGION,
     .flags = FF_REQUIRED | FF_CREATE_ONLY | FF_SCOPE | FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .help = "问题集中的街道乡镇，或统筹解决的区"},
    {.name = "category_id",
     .label = "诉求类别",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY | FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "dispatch_category"},
    {.name = "lead_unit_id",
     .label = "牵头单位",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_LISTED | FF_FILTERABLE | FF_EXPORTABLE,
     .ref = "unit"},
    {.name = "description",
     .label = "问题描述和工作安排",
     .type = FT_LONGTEXT,
     .flags = FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "order_count",
     .label = "当月工单数",
     .type = FT_INT,
     .flags = FF_READONLY | FF_LISTED | FF_SORTABLE | FF_EXPORTABLE,
     .help = "确定时该区划内该类别当月受理的工单数"},
    {.name = "due_on",
     .label = "办理期限",
     .type = FT_DATE,
     .flags = FF_READONLY | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE,
     .help = "确定之日起30日"},
    {.name = "progress",
     .label = "工作进展",
     .type = FT_LONGTEXT,
     .flags = FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "result",
     .label = "办理结果",
     .type = FT_LONGTEXT,
     .flags = FF_READONLY | FF_SEARCHABLE | FF_EXPORTABLE,
     .max = 5000},
    {.name = "done_at",
     .label = "办结时间",
     .type = FT_DATETIME,
     .flags = FF_READONLY | FF_LISTED | FF_FILTERABLE | FF_SORTABLE | FF_EXPORTABLE},
    {.name = NULL},
};

static const struct state_def mt_states[] = {
    {"open", "待办理", false}, {"in_progress", "办理中", false},
    {"done", "已办结", true},  {"cancelled", "已撤销", true},
    {NULL, NULL, false},
};

static const struct deadline_rule mt_on_create[] = {
    {.name = TOPIC_CLOCK,
     .label = "办理期限",
     .op = DL_START,
     .amount = TOPIC_DAYS,
     .unit = DL_CALENDAR_DAYS},
    {.name = NULL},
};
static const struct deadline_rule mt_stop[] = {
    {.name = TOPIC_CLOCK, .op = DL_STOP},
    {.name = NULL},
};

static const struct field_def mt_start_fields[] = {
    {.name = "progress", .label = "工作进展", .type = FT_LONGTEXT, .max = 5000},
    {.name = NULL},
};
static const struct field_def mt_report_fields[] = {
    {.name = "progress",
     .label = "工作进展",
     .type = FT_LONGTEXT,
     .flags = FF_REQUIRED,
     .max = 5000},
    {.name = NULL},
};
static const struct field_def mt_finish_fields[] = {
    {.name = "result", .label = "办理结果", .type = FT_LONGTEXT, .flags = FF_REQUIRED, .max = 5000},
    {.name = "progress", .label = "工作进展", .type = FT_LONGTEXT, .max = 5000},
    {.name = NULL},
};
static const struct field_def mt_cancel_fields[] = {
    {.name = "cancel_reason",
     .label = "撤销原因",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max = 200},
    {.name = NULL},
};

static const struct transition mt_transitions[] = {
    {.from = "open",
     .action = "start",
     .label = "开始办理",
     .to = "in_progress",
     .fields = mt_start_fields},
    {.from = "in_progress",
     .action = "report",
     .label = "报告进展",
     .to = "in_progress",
     .fields = mt_report_fields},
    {.from = "in_progress",
     .action = "finish",
     .label = "办结",
     .to = "done",
     .fields = mt_finish_fields,
     .deadlines = mt_stop},
    {.from = "open",
     .action = "cancel",
     .label = "撤销",
     .to = "cancelled",
     .fields = mt_cancel_fields,
     .deadlines = mt_stop},
    {.from = "in_progress",
     .action = "cancel",
     .label = "撤销",
     .to = "cancelled",
     .fields = mt_cancel_fields,
     .deadlines = mt_stop},
    {.from = NULL},
};

static const struct workflow mt_workflow = {
    .initial = "open",
    .states = mt_states,
    .transitions = mt_transitions,
    .on_create = mt_on_create,
    .supervise_perm = "workorder.supervise",
};

/* ---- Hooks ------------------------------------------------------------------------- */

static json_t *value_of(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    if (!v && row->old)
        v = json_object_get(row->old, key);
    return v;
}

static bool has_error(const struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

/* The row id of a value as the engine keeps it (an integer, or the API's string). */
static int64_t id_of(json_t *v)
{
    int64_t id = 0;
    if (json_is_integer(v))
        id = json_integer_value(v);
    else if (json_is_string(v))
        id = strtoll(json_string_value(v), NULL, 10);
    return id;
}

static enum err mt_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    if (!row->create) { /* a finished or cancelled topic is a record */
        struct db_rows rows;
        enum err err =
            db_query_one(r->db, &r->arena, "SELECT state FROM monthly_topic WHERE id = $1",
                         DB_ARGS(DB_I(row->id)), &rows);
        if (err)
            return err;
        const char *state = db_str(&rows, 0, 0);
        if (state && (strcmp(state, "done") == 0 || strcmp(state, "cancelled") == 0)) {
            r->message = arena_printf(&r->arena, "%s%s", msg_text("workorder_topic_final"),
                                      workflow_state_label(e->workflow, state));
            return ERR_CONFLICT;
        }
    }
    int ym;
    const char *month = json_string_value(json_object_get(row->values, "month"));
    if (month && !has_error(r, "month") && calendar_parse_month(month, &ym) &&
        ym > month_now(r) + 1)
        req_field_error(r, "month", "月份", "workorder_topic_month_future");
    return ERR_OK;
}

/* The orders of category received in month ym in region's subtree. */
static enum err month_count(struct req *r, int64_t category, const char *region, int ym,
                            int64_t *out)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT COUNT(*) FROM work_order t WHERE t.category_id = ");
    sqlq_arg(&q, DB_I(category));
    sqlq_add(&q, COUNTED " AND t.received_at >= ");
    sqlq_arg(&q, DB_I(month_start(ym)));
    sqlq_add(&q, " AND t.received_at < ");
    sqlq_arg(&q, DB_I(month_start(ym + 1)));
    struct scope sub = {&region, 1};
    sqlq_add(&q, " AND ");
    access_scope_sql(&sub, "t.region_code", &r->arena, &q);
    struct db_rows rows;
    enum err err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err)
        *out = rows.nrows ? db_int(&rows, 0, 0) : 0;
    return err;
}

/* On create: one topic per month, region and category; the month's order count and the
 * due date of the 30-day clock (today + 30, as the clock counts). */
static enum err mt_before_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    (void)e;
    if (!row->create)
        return ERR_OK;
    const char *month = json_string_value(value_of(row, "month"));
    const char *region = json_string_value(value_of(row, "region_code"));
    int64_t category = id_of(value_of(row, "category_id"));
    int ym;
    if (!month || !region || !category || !calendar_parse_month(month, &ym))
        return ERR_OK; /* the field checks have refused it already */
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT id FROM monthly_topic WHERE month = $1 AND region_code = $2 "
                            "AND category_id = $3",
                            DB_ARGS(DB_T(month), DB_T(region), DB_I(category)), &rows);
    if (err)
        return err;
    if (rows.nrows) {
        req_field_error(r, "category_id", "诉求类别", "workorder_topic_taken");
        return ERR_CONFLICT;
    }
    int64_t count = 0;
    err = month_count(r, category, region, ym, &count);
    if (err)
        return err;
    char due[CALENDAR_DATE_LEN + 1];
    calendar_format_date(calendar_today(r->now) + TOPIC_DAYS, due);
    json_object_set_new(row->values, "order_count", json_integer(count));
    json_object_set_new(row->values, "due_on", json_string(due));
    return ERR_OK;
}

static enum err mt_on_transition(struct req *r, const struct entity *e, int64_t id,
                                 const struct transition *t, json_t *body)
{
    (void)e, (void)body;
    if (strcmp(t->action, "finish") != 0)
        return ERR_OK;
    return db_exec(r->db, "UPDATE monthly_topic SET done_at = $1 WHERE id = $2",
                   DB_ARGS(DB_I(r->now), DB_I(id)), NULL);
}

const struct entity_hooks monthly_topic_hooks = {
    .validate = mt_validate,
    .before_save = mt_before_save,
    .on_transition = mt_on_transition,
};

const struct entity monthly_topic_entity = {
    .name = "monthly_topic",
    .label = "每月一题",
    .table = "monthly_topic",
    .fields = mt_fields,
    .perms = {.read = "workorder.read", .write = "workorder.topic", .export = "workorder.export"},
    .default_sort = "-created_at",
    .workflow = &mt_workflow,
    .hooks = &monthly_topic_hooks,
    .module = "workorder",
};

/* ---- GET /api/v1/workorder/topics -------------------------------------------------- */

const struct param_def workorder_topics_params[] = {
    {.name = "month", .type = PARAM_STR, .label = "月份"},
    {.name = "months", .type = PARAM_INT, .label = "统计月数", .min = 1, .max = TOPIC_MONTHS_MAX},
    {.name = "region", .type = PARAM_REGION, .label = "区划"},
    {.name = "limit", .type = PARAM_INT, .label = "条数", .min = 1, .max = TOPIC_LIMIT_MAX},
    {.name = NULL},
};

/* One township and category over the window. */
struct proposal {
    const char *region; /* the township's code (9 digits + "000") */
    int64_t category;
    int64_t count, last, present;
    int64_t *monthly;
};

static int proposal_cmp(const void *a, const void *b)
{
    const struct proposal *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (x->last != y->last)
        return x->last > y->last ? -1 : 1;
    int c = strcmp(x->region, y->region);
    if (c)
        return c;
    return x->category < y->category ? -1 : x->category > y->category;
}

/* The counted orders in r's scope (and region's subtree) received from month first to
 * the end of month last, by township prefix, category and month index, ordered so that the
 * rows of one township and category follow each other. */
static enum err proposal_rows(struct req *r, const char *region, int first, int last,
                              struct db_rows *rows)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT substr(t.region_code, 1, 9), t.category_id, ");
    if (last > first)
        sqlq_add(&q, "CASE");
    for (int ym = first + 1; ym <= last; ym++) {
        sqlq_add(&q, " WHEN t.received_at < ");
        sqlq_arg(&q, DB_I(month_start(ym)));
        sqlq_add(&q, arena_printf(&r->arena, " THEN %d", ym - 1 - first));
    }
    sqlq_add(&q, arena_printf(&r->arena, last > first ? " ELSE %d END" : "%d", last - first));
    sqlq_add(&q, ", COUNT(*) FROM work_order t WHERE ");
    access_scope_sql(&r->scope, "t.region_code", &r->arena, &q);
    if (region) {
        struct scope sub = {&region, 1};
        sqlq_add(&q, " AND ");
        access_scope_sql(&sub, "t.region_code", &r->arena, &q);
    }
    sqlq_add(&q, COUNTED " AND t.received_at >= ");
    sqlq_arg(&q, DB_I(month_start(first)));
    sqlq_add(&q, " AND t.received_at < ");
    sqlq_arg(&q, DB_I(month_start(last + 1)));
    sqlq_add(&q, " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    enum err err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, rows);
    sqlq_release(&q);
    return err;
}

/* Folds the rows into one proposal per township and category. */
static enum err proposals_of(struct req *r, const struct db_rows *rows, int months,
                             struct proposal **out, size_t *n)
{
    struct proposal *p = arena_calloc(&r->arena, rows->nrows + 1, sizeof(*p));
    if (!p)
        return ERR_NOMEM;
    size_t np = 0;
    for (size_t i = 0; i < rows->nrows; i++) {
        const char *prefix = db_str(rows, i, 0);
        int64_t category = db_int(rows, i, 1), idx = db_int(rows, i, 2), c = db_int(rows, i, 3);
        if (!prefix || idx < 0 || idx >= months)
            continue;
        const char *code = arena_printf(&r->arena, "%.9s000", prefix);
        if (!code)
            return ERR_NOMEM;
        struct proposal *cur = np ? &p[np - 1] : NULL;
        if (!cur || cur->category != category || strcmp(cur->region, code) != 0) {
            cur = &p[np++];
            cur->region = code;
            cur->category = category;
            cur->monthly = arena_calloc(&r->arena, (size_t)months, sizeof(int64_t));
            if (!cur->monthly)
                return ERR_NOMEM;
        }
        cur->monthly[idx] += c;
        cur->count += c;
    }
    for (size_t i = 0; i < np; i++) {
        for (int m = 0; m < months; m++)
            p[i].present += p[i].monthly[m] > 0;
        p[i].last = p[i].monthly[months - 1];
    }
    qsort(p, np, sizeof(*p), proposal_cmp);
    *out = p;
    *n = np;
    return ERR_OK;
}

/* Names of the shown proposals' regions and categories, and the topics already chosen in
 * month (not cancelled), as rows (kind, key, value): 'r' code name, 'c' id name,
 * 't' "code/category" topic id. n <= TOPIC_LIMIT_MAX keeps the IN lists bound. */
static enum err lookups(struct req *r, const struct proposal *p, size_t n, const char *month,
                        struct db_rows *regions, struct db_rows *cats, struct db_rows *topics)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT code, name FROM region WHERE code IN ('-'");
    for (size_t i = 0; i < n; i++) {
        sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_T(p[i].region));
    }
    sqlq_add(&q, ")");
    enum err err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, regions);
    sqlq_release(&q);
    if (err)
        return err;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT id, name FROM dispatch_category WHERE id IN (0");
    for (size_t i = 0; i < n; i++) {
        sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_I(p[i].category));
    }
    sqlq_add(&q, ")");
    err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, cats);
    sqlq_release(&q);
    if (err)
        return err;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT id, region_code, category_id FROM monthly_topic t WHERE t.month = ");
    sqlq_arg(&q, DB_T(month));
    sqlq_add(&q, " AND t.state <> 'cancelled' AND ");
    access_scope_sql(&r->scope, "t.region_code", &r->arena, &q);
    err = q.overflow ? ERR_TOO_LARGE : sqlq_query(&q, r->db, &r->arena, topics);
    sqlq_release(&q);
    return err;
}

static const char *name_in(const struct db_rows *rows, const char *code, int64_t id)
{
    for (size_t i = 0; i < rows->nrows; i++)
        if (code ? strcmp(db_str(rows, i, 0) ? db_str(rows, i, 0) : "", code) == 0
                 : db_int(rows, i, 0) == id)
            return db_str(rows, i, 1);
    return NULL;
}

static int64_t topic_in(const struct db_rows *topics, const struct proposal *p)
{
    for (size_t i = 0; i < topics->nrows; i++)
        if (db_int(topics, i, 2) == p->category && db_str(topics, i, 1) &&
            strcmp(db_str(topics, i, 1), p->region) == 0)
            return db_int(topics, i, 0);
    return 0;
}

static json_t *proposal_json(const struct proposal *p, int months, const char *region_name,
                             const char *category_name, int64_t topic)
{
    json_t *monthly = json_array();
    for (int m = 0; monthly && m < months; m++)
        json_array_append_new(monthly, json_integer(p->monthly[m]));
    /* rising: the last month at least TOPIC_RISING_MIN and above the mean of the months
     * before it */
    int64_t before = p->count - p->last, prior = months - 1;
    bool rising = prior > 0 && p->last >= TOPIC_RISING_MIN && p->last * prior > before;
    double average = round((double)p->count / (double)months * 100.0) / 100.0;
    return json_pack(
        "{s:s, s:s?, s:o, s:s?, s:I, s:I, s:I, s:f, s:b, s:b, s:o, s:o}", "region_code", p->region,
        "region_name", region_name, "category_id", json_id(p->category), "category_name",
        category_name, "count", (json_int_t)p->count, "months_present", (json_int_t)p->present,
        "last_month_count", (json_int_t)p->last, "average", average, "rising", rising, "chosen",
        topic != 0, "topic_id", json_id(topic), "monthly", monthly ? monthly : json_null());
}

enum err workorder_topics(struct req *r)
{
    int last = month_now(r);
    const char *month = query_str(r, "month");
    if (month && !calendar_parse_month(month, &last))
        req_field_error(r, "month", "月份", "workorder_month");
    int64_t months = TOPIC_MONTHS, limit = TOPIC_LIMIT;
    query_int(r, "months", &months);
    query_int(r, "limit", &limit);
    const char *region = query_str(r, "region");
    if (region && !access_scope_allows(&r->scope, region)) {
        req_field_error(r, "region", "区划", "out_of_scope");
        return ERR_FORBIDDEN;
    }
    if (r->nerrors)
        return ERR_INVALID;
    int first = last - (int)months + 1;
    month = arena_printf(&r->arena, "%04d-%02d", last / 12, last % 12 + 1);

    struct db_rows rows, regions, cats, topics;
    struct proposal *p = NULL;
    size_t n = 0;
    enum err err = proposal_rows(r, region, first, last, &rows);
    if (!err)
        err = proposals_of(r, &rows, (int)months, &p, &n);
    if (err)
        return err;
    if (n > (size_t)limit)
        n = (size_t)limit;
    err = lookups(r, p, n, month, &regions, &cats, &topics);
    if (err)
        return err;
    json_t *items = json_array(), *window = json_array();
    for (int ym = first; window && ym <= last; ym++)
        json_array_append_new(
            window, json_string(arena_printf(&r->arena, "%04d-%02d", ym / 12, ym % 12 + 1)));
    for (size_t i = 0; items && i < n; i++) {
        json_t *o = proposal_json(&p[i], (int)months, name_in(&regions, p[i].region, 0),
                                  name_in(&cats, NULL, p[i].category), topic_in(&topics, &p[i]));
        if (!o || json_array_append_new(items, o)) {
            json_decref(items);
            items = NULL;
        }
    }
    json_t *body = items && window
                       ? json_pack("{s:s, s:I, s:o, s:s?, s:I, s:o}", "month", month, "months",
                                   (json_int_t)months, "window", window, "region", region,
                                   "rising_min", (json_int_t)TOPIC_RISING_MIN, "items", items)
                       : NULL;
    if (!body) {
        json_decref(items);
        json_decref(window);
        return ERR_NOMEM;
    }
    return reply_json_take(r, 200, body);
}

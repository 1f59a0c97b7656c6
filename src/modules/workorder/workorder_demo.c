/* The demonstration month of 接诉即办 for `shegong demo` (workorder.h): the district's
 * units and dispatch catalogue, the roles of the demo users, then the orders
 * (workorder_demo_order.c) and whistles (workorder_demo_whistle.c) of the previous and the
 * current month, written row by row with the history, clocks and full-text documents the
 * workflow would have left. Deterministic: a fixed seed, times counted from now. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/id.h"
#include "core/sbuf.h"
#include "engine/reindex.h"
#include "modules/calendar/calendar_db.h"
#include "modules/whistle/whistle.h"
#include "modules/workorder/workorder.h"
#include "modules/workorder/workorder_demo.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "server/reply.h"

#define SEED 0x12345C0DEULL

/* How each unit works: the rankings differ because the units do. Streets not named here
 * get a profile drawn from the seed. */
static const struct {
    const char *name;
    struct wd_quality q;
} profiles[] = {
    {"建外街道办事处", {98, 92, 94, 96, 1, 2}},
    {"朝外街道办事处", {94, 84, 88, 90, 2, 3}},
    {"呼家楼街道办事处", {90, 78, 84, 88, 2, 3}},
    {"三里屯街道办事处", {84, 70, 78, 82, 4, 5}},
    {"酒仙桥街道办事处", {88, 76, 82, 85, 3, 4}},
    {"双井街道办事处", {80, 64, 70, 78, 5, 5}},
    {"劲松街道办事处", {92, 82, 86, 90, 2, 3}},
    {"望京街道办事处", {62, 46, 55, 60, 10, 8}},
    {"十八里店地区办事处", {76, 60, 66, 74, 6, 6}},
    {"金盏地区办事处", {86, 74, 80, 84, 3, 4}},
    {"朝阳区城市管理委员会", {90, 74, 80, 86, 3, 3}},
    {"朝阳区住房和城乡建设委员会", {80, 60, 68, 76, 5, 6}},
    {"朝阳区交通委员会", {88, 70, 76, 84, 3, 4}},
    {"朝阳区生态环境局", {93, 80, 86, 90, 2, 3}},
    {"朝阳区市场监督管理局", {96, 86, 90, 94, 1, 2}},
    {"朝阳区水务局", {91, 84, 88, 90, 2, 3}},
    {"朝阳区园林绿化局", {95, 88, 92, 94, 1, 2}},
    {"朝阳区卫生健康委员会", {89, 78, 84, 88, 2, 3}},
    {"北京市公安局朝阳分局", {86, 70, 74, 84, 3, 3}},
    {"朝阳区人民政府", {92, 72, 80, 88, 2, 0}},
};

/* The busiest streets (those with a petition office among the demo's units as well). */
static const char *const busy_towns[] = {
    "110105001000", "110105002000", "110105003000", "110105004000", "110105011000",
    "110105016000", "110105017000", "110105026000", "110105028000", "110105036000",
};

/* ---- Small helpers ----------------------------------------------------------------------- */

uint32_t workorder_demo_rnd(struct wd_demo *d, uint32_t n)
{
    d->rng ^= d->rng << 13; /* xorshift64 */
    d->rng ^= d->rng >> 7;
    d->rng ^= d->rng << 17;
    return n ? (uint32_t)(d->rng % n) : 0;
}

bool workorder_demo_chance(struct wd_demo *d, int percent)
{
    return (int)workorder_demo_rnd(d, 100) < percent;
}

const char *workorder_demo_month(struct wd_demo *d, int64_t t)
{
    int y, m, dd;
    calendar_to_ymd(calendar_today(t), &y, &m, &dd);
    return arena_printf(d->a, "%04d-%02d", y, m);
}

const char *workorder_demo_fill(struct wd_demo *d, const char *text, const char *place)
{
    struct sbuf b;
    sbuf_init(&b, 8192);
    for (const char *p = text; *p;) {
        if (strncmp(p, "{地}", strlen("{地}")) == 0) {
            sbuf_adds(&b, place);
            p += strlen("{地}");
        } else if (strncmp(p, "{n}", 3) == 0) {
            sbuf_addf(&b, "%u", 1 + workorder_demo_rnd(d, 24));
            p += 3;
        } else {
            sbuf_add(&b, p, 1);
            p++;
        }
    }
    const char *out = sbuf_err(&b) ? NULL : arena_strdup(d->a, b.buf);
    sbuf_release(&b);
    return out;
}

enum err workorder_demo_caller(struct wd_demo *d, const char **name, struct db_val *enc,
                               struct db_val *idx)
{
    static const char second[] = "3589";
    char phone[16];
    snprintf(phone, sizeof(phone), "1%c%u%08u", second[workorder_demo_rnd(d, 4)],
             workorder_demo_rnd(d, 10), workorder_demo_rnd(d, 100000000));
    *name = arena_printf(d->a, "%s%s",
                         workorder_demo_surnames[workorder_demo_rnd(d, workorder_demo_nsurnames)],
                         workorder_demo_given[workorder_demo_rnd(d, workorder_demo_ngiven)]);
    const char *sealed = NULL;
    char bi[65];
    enum err err = *name ? crypto_seal(d->a, phone, &sealed) : ERR_NOMEM;
    if (err)
        return err;
    crypto_blind_index("phone", phone, bi);
    *enc = DB_T(sealed);
    *idx = DB_T(arena_strdup(d->a, bi));
    return ERR_OK;
}

enum err workorder_demo_history(struct wd_demo *d, const char *entity, int64_t id,
                                const char *action, const char *from, const char *to, int64_t user,
                                int64_t at, const char *fields)
{
    return db_exec(d->c,
                   "INSERT INTO workflow_history (id, entity, row_id, action, from_state, "
                   "to_state, user_id, at, comment, fields) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
                   DB_ARGS(DB_I(id_next()), DB_T(entity), DB_I(id), DB_T(action), DB_T(from),
                           DB_T(to), user ? DB_I(user) : DB_NUL, DB_I(at), DB_T(fields)),
                   NULL);
}

enum err workorder_demo_clock(struct wd_demo *d, const char *entity, int64_t id, const char *region,
                              const char *name, const char *label, const struct wd_clock *k)
{
    if (!k->state)
        return ERR_OK;
    return db_exec(d->c,
                   "INSERT INTO deadline (id, entity, row_id, region_code, name, label, "
                   "started_at, due_at, state, paused_at, extended, stopped_at) VALUES ($1, $2, "
                   "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                   DB_ARGS(DB_I(id_next()), DB_T(entity), DB_I(id), DB_T(region), DB_T(name),
                           DB_T(label), DB_I(k->started), DB_I(k->due), DB_T(k->state),
                           k->paused_at ? DB_I(k->paused_at) : DB_NUL, DB_I(k->extended ? 1 : 0),
                           k->stopped_at ? DB_I(k->stopped_at) : DB_NUL),
                   NULL);
}

enum err workorder_demo_audit(struct wd_demo *d, const char *action, const char *type, int64_t id)
{
    char sid[24];
    snprintf(sid, sizeof(sid), "%" PRId64, id);
    struct audit_rec rec = {.username = "(cli)",
                            .ip = "local",
                            .action = action,
                            .object_type = type,
                            .object_id = sid,
                            .result = "success",
                            .detail = "{\"source\":\"demo\"}"};
    return audit_append(d->c, &rec);
}

void workorder_demo_set(struct wd_row *r, const char *name, struct db_val v)
{
    if (r->n >= WD_MAX_COLS)
        abort(); /* a programming error: the table has fewer columns */
    r->names[r->n] = name;
    r->vals[r->n++] = v;
}

void workorder_demo_set_time(struct wd_row *r, const char *name, int64_t t)
{
    workorder_demo_set(r, name, t ? DB_I(t) : DB_NUL);
}

enum err workorder_demo_insert(struct wd_demo *d, const char *table, const struct wd_row *r)
{
    struct sbuf b;
    sbuf_init(&b, 8192);
    sbuf_addf(&b, "INSERT INTO %s (", table);
    for (int i = 0; i < r->n; i++)
        sbuf_addf(&b, "%s%s", i ? ", " : "", r->names[i]);
    sbuf_adds(&b, ") VALUES (");
    for (int i = 0; i < r->n; i++)
        sbuf_addf(&b, "%s$%d", i ? ", " : "", i + 1);
    sbuf_adds(&b, ")");
    const char *sql = sbuf_err(&b) ? NULL : arena_strdup(d->a, b.buf);
    sbuf_release(&b);
    enum err err = db_exec(d->c, sql, r->vals, r->n, NULL);
    if (err)
        fprintf(stderr, "demo: work orders: %s: %s\n", table, db_errmsg(d->c));
    return err;
}

/* ---- Units ------------------------------------------------------------------------------- */

static void quality_of(struct wd_demo *d, struct wd_unit *u)
{
    for (size_t i = 0; i < WD_NELEMS(profiles); i++)
        if (strcmp(profiles[i].name, u->name) == 0) {
            u->q = profiles[i].q;
            return;
        }
    int respond = 78 + (int)workorder_demo_rnd(d, 18);
    u->q = (struct wd_quality){.respond = respond,
                               .solve = respond - 16 + (int)workorder_demo_rnd(d, 10),
                               .satisfy = respond - 8 + (int)workorder_demo_rnd(d, 8),
                               .on_time = respond - 4,
                               .stall = 2 + (int)workorder_demo_rnd(d, 4),
                               .returns = 2 + (int)workorder_demo_rnd(d, 4)};
}

/* The unit of this kind at region (any name), else the one named so, made when missing. */
static enum err unit_at(struct wd_demo *d, const char *name, const char *kind, const char *region,
                        bool by_region, struct wd_unit *u)
{
    struct db_rows rows;
    enum err err =
        by_region
            ? db_query(d->c, d->a,
                       "SELECT id, name FROM unit WHERE kind = $1 AND region_code = $2 AND "
                       "deleted_at IS NULL ORDER BY id",
                       DB_ARGS(DB_T(kind), DB_T(region)), &rows)
            : db_query(
                  d->c, d->a,
                  "SELECT id, name FROM unit WHERE name = $1 AND deleted_at IS NULL ORDER BY id",
                  DB_ARGS(DB_T(name)), &rows);
    if (err)
        return err;
    *u = (struct wd_unit){.name = name, .kind = kind, .region = region};
    if (rows.nrows) {
        u->id = db_int(&rows, 0, 0);
        u->name = db_str(&rows, 0, 1);
    } else {
        u->id = id_next();
        int64_t at = d->prev_start - 400 * WD_DAY;
        err = db_exec(d->c,
                      "INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) "
                      "VALUES ($1, $2, $3, $4, $5, $5)",
                      DB_ARGS(DB_I(u->id), DB_T(name), DB_T(kind), DB_T(region), DB_I(at)), NULL);
        if (!err)
            err = workorder_demo_audit(d, "unit.create", "unit", u->id);
    }
    quality_of(d, u);
    return err;
}

/* A community's short name: 南郎家园社区居委会 → 南郎家园社区. */
static const char *short_name(struct wd_demo *d, const char *name)
{
    static const char *const tails[] = {"居民委员会", "村民委员会", "居委会", "村委会"};
    size_t n = strlen(name);
    for (size_t i = 0; i < WD_NELEMS(tails); i++) {
        size_t k = strlen(tails[i]);
        if (n > k && strcmp(name + n - k, tails[i]) == 0)
            return arena_printf(d->a, "%.*s", (int)(n - k), name);
    }
    return name;
}

static enum err load_towns(struct wd_demo *d)
{
    struct db_rows towns, places;
    enum err err =
        db_query(d->c, d->a, "SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code",
                 DB_ARGS(DB_T(WD_COUNTY)), &towns);
    if (!err)
        err = db_query(d->c, d->a,
                       "SELECT code, name, parent_code FROM region WHERE code > $1 AND code <= $2 "
                       "AND level = 5 ORDER BY code",
                       DB_ARGS(DB_T(WD_COUNTY), DB_T("110105999999")), &places);
    if (err)
        return err;
    d->towns = arena_calloc(d->a, towns.nrows ? towns.nrows : 1, sizeof(*d->towns));
    if (!d->towns)
        return ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < towns.nrows; i++) {
        struct wd_town *t = &d->towns[d->ntowns++];
        t->code = db_str(&towns, i, 0);
        t->name = db_str(&towns, i, 1);
        t->weight = 1;
        for (size_t b = 0; b < WD_NELEMS(busy_towns); b++)
            if (strcmp(busy_towns[b], t->code) == 0)
                t->weight = 12;
        size_t first = k, n = 0;
        while (k < places.nrows && strcmp(db_str(&places, k, 2), t->code) < 0)
            first = ++k;
        while (k < places.nrows && strcmp(db_str(&places, k, 2), t->code) == 0)
            k++, n++;
        t->places = arena_calloc(d->a, n ? n : 1, sizeof(char *));
        t->place_names = arena_calloc(d->a, n ? n : 1, sizeof(char *));
        if (!t->places || !t->place_names)
            return ERR_NOMEM;
        for (size_t j = 0; j < n; j++) {
            t->places[j] = db_str(&places, first + j, 0);
            t->place_names[j] = short_name(d, db_str(&places, first + j, 1));
        }
        t->nplaces = n;
        if (!n) { /* a street without communities loaded: the street itself */
            t->places[0] = t->code;
            t->place_names[0] = t->name;
            t->nplaces = 1;
        }
    }
    return ERR_OK;
}

static enum err load_units(struct wd_demo *d)
{
    d->district = arena_calloc(d->a, 1, sizeof(*d->district));
    if (!d->district)
        return ERR_NOMEM;
    enum err err = unit_at(d, workorder_demo_district, "district", WD_COUNTY, true, d->district);
    for (int i = 0; !err && i < WD_NDEPTS; i++)
        err = unit_at(d, workorder_demo_depts[i], "department", WD_COUNTY, false, &d->depts[i]);
    for (size_t i = 0; !err && i < d->ntowns; i++) {
        struct wd_town *t = &d->towns[i];
        t->unit = arena_calloc(d->a, 1, sizeof(*t->unit));
        if (!t->unit)
            return ERR_NOMEM;
        err =
            unit_at(d, arena_printf(d->a, "%s办事处", t->name), "township", t->code, true, t->unit);
        if (!err && strcmp(t->code, "110105001000") == 0)
            d->street_user_unit = t->unit;
    }
    return err;
}

/* ---- The catalogue ------------------------------------------------------------------------ */

struct limits {
    const char *urgency, *respond_unit, *limit_unit;
    int respond, limit;
};
static const struct limits default_limits[] = {
    {"urgent", "minutes", "hours", 30, 2},
    {"utility", "hours", "hours", 2, 24},
    {"general", "hours", "calendar_days", 24, 7},
    {"complex", "hours", "working_days", 24, 15},
};

static const struct limits *limits_of(const char *urgency)
{
    for (size_t i = 0; i < WD_NELEMS(default_limits); i++)
        if (strcmp(default_limits[i].urgency, urgency) == 0)
            return &default_limits[i];
    return &default_limits[2];
}

/* The category whose 停水 limit was shortened this month (version 2). */
#define CHANGED_CATEGORY "SDQR-02"
#define CHANGED_LIMIT    12

/* The rules as a version row keeps them: the text the hooks write (keys sorted), so that
 * a later dispatch finds the version it would have written. */
static const char *rules_json(struct wd_demo *d, const struct wd_category *k, int64_t unit,
                              const struct limits *l, int limit)
{
    json_t *o = json_pack("{s:s, s:o, s:s, s:I, s:s, s:I, s:s}", "handler_kind", k->handler,
                          "handler_unit_id", json_id(unit), "urgency", k->urgency, "respond_amount",
                          (json_int_t)l->respond, "respond_unit", l->respond_unit, "limit_amount",
                          (json_int_t)limit, "limit_unit", l->limit_unit);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    const char *kept = s ? arena_strdup(d->a, s) : NULL;
    free(s);
    return kept;
}

static enum err load_catalogue(struct wd_demo *d)
{
    d->ncats = workorder_demo_ncategories;
    d->cats = arena_calloc(d->a, d->ncats, sizeof(*d->cats));
    if (!d->cats)
        return ERR_NOMEM;
    int64_t made = d->prev_start - 90 * WD_DAY;
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < d->ncats; i++) {
        const struct wd_category *k = &workorder_demo_categories[i];
        struct wd_cat *cat = &d->cats[i];
        cat->def = k;
        cat->id = id_next();
        cat->unit = strcmp(k->handler, "department") == 0 ? &d->depts[k->dept]
                    : strcmp(k->handler, "district") == 0 ? d->district
                                                          : NULL;
        const struct limits *l = limits_of(k->urgency);
        bool changed = strcmp(k->code, CHANGED_CATEGORY) == 0;
        cat->respond = l->respond;
        cat->respond_unit = l->respond_unit;
        cat->limit = l->limit;
        cat->limit_unit = l->limit_unit;
        if (changed) {
            cat->v2_from = d->month_start;
            cat->limit_v2 = CHANGED_LIMIT;
        }
        int64_t parent = 0;
        if (k->parent)
            parent = d->cats[workorder_demo_find_category(d, k->parent)].id;
        int64_t unit = strcmp(k->handler, "department") == 0 && cat->unit ? cat->unit->id : 0;
        int limit = changed ? CHANGED_LIMIT : l->limit;
        const char *description =
            changed ? arena_printf(d->a, "%s。自本月起办理时限由24小时缩短为%d小时", k->description,
                                   CHANGED_LIMIT)
                    : k->description;
        struct wd_row r = {0};
        workorder_demo_set(&r, "id", DB_I(cat->id));
        workorder_demo_set(&r, "version", DB_I(changed ? 2 : 1));
        workorder_demo_set(&r, "code", DB_T(k->code));
        workorder_demo_set(&r, "name", DB_T(k->name));
        workorder_demo_set(&r, "parent_id", parent ? DB_I(parent) : DB_NUL);
        workorder_demo_set(&r, "region_code", DB_T(WD_COUNTY));
        workorder_demo_set(&r, "handler_kind", DB_T(k->handler));
        workorder_demo_set(&r, "handler_unit_id", unit ? DB_I(unit) : DB_NUL);
        workorder_demo_set(&r, "urgency", DB_T(k->urgency));
        workorder_demo_set(&r, "respond_amount", DB_I(l->respond));
        workorder_demo_set(&r, "respond_unit", DB_T(l->respond_unit));
        workorder_demo_set(&r, "limit_amount", DB_I(limit));
        workorder_demo_set(&r, "limit_unit", DB_T(l->limit_unit));
        workorder_demo_set(&r, "active", DB_I(1));
        workorder_demo_set(&r, "description", DB_T(description));
        workorder_demo_set(&r, "keywords", DB_T(k->keywords));
        workorder_demo_set(&r, "created_at", DB_I(made));
        workorder_demo_set(&r, "updated_at", DB_I(changed ? cat->v2_from : made));
        workorder_demo_set(&r, "created_by", d->dispatcher ? DB_I(d->dispatcher) : DB_NUL);
        workorder_demo_set(&r, "updated_by", d->dispatcher ? DB_I(d->dispatcher) : DB_NUL);
        err = workorder_demo_insert(d, "dispatch_category", &r);
        for (int v = 1; !err && v <= (changed ? 2 : 1); v++) {
            const char *rules = rules_json(d, k, unit, l, v == 2 ? limit : l->limit);
            err =
                rules
                    ? db_exec(d->c,
                              "INSERT INTO dispatch_category_version (category_id, version, rules, "
                              "valid_from, changed_by) VALUES ($1, $2, $3, $4, $5)",
                              DB_ARGS(DB_I(cat->id), DB_I(v), DB_T(rules),
                                      DB_I(v == 2 ? cat->v2_from : made),
                                      d->dispatcher ? DB_I(d->dispatcher) : DB_NUL),
                              NULL)
                    : ERR_NOMEM;
        }
        if (!err)
            err = workorder_demo_audit(d, "dispatch_category.create", "dispatch_category", cat->id);
        if (!err && changed)
            err = workorder_demo_audit(d, "dispatch_category.update", "dispatch_category", cat->id);
    }
    return err;
}

size_t workorder_demo_find_category(struct wd_demo *d, const char *code)
{
    for (size_t i = 0; i < d->ncats; i++)
        if (strcmp(workorder_demo_categories[i].code, code) == 0)
            return i;
    return d->ncats - 1; /* the last: 其他诉求 */
}

/* A leaf by weight (heating only in the heating season); not of urgency urgency_not. */
size_t workorder_demo_pick_category(struct wd_demo *d, int64_t t, const char *urgency_not)
{
    int y, m, dd;
    calendar_to_ymd(calendar_today(t), &y, &m, &dd);
    bool winter = m == 12 || m <= 2 || (m == 11 && dd >= 15) || (m == 3 && dd <= 15);
    int total = 0;
    for (size_t i = 0; i < d->ncats; i++)
        total += workorder_demo_categories[i].weight;
    for (;;) {
        int u = (int)workorder_demo_rnd(d, (uint32_t)total);
        size_t i = 0;
        while (u >= workorder_demo_categories[i].weight)
            u -= workorder_demo_categories[i++].weight;
        const struct wd_category *k = &workorder_demo_categories[i];
        if ((k->flags & WD_WINTER) && !winter)
            continue;
        if (urgency_not && strcmp(k->urgency, urgency_not) == 0)
            continue;
        return i;
    }
}

/* ---- Accounts ------------------------------------------------------------------------------ */

/* chaoyang: 派单员 and 接诉即办负责人 of the district; jianwai: 建外街道办事处's 经办人 (a post
 * at the street) and 吹哨 officer (a post at the district with the street's unit: it
 * summons the district's departments, and the unit limits what it raises; docs/whistle.md). */
static enum err grant_roles(struct wd_demo *d)
{
    static const struct {
        const char *user, *role;
        bool street, county_post;
    } grants[] = {
        {"chaoyang", "dispatcher", false, true},
        {"chaoyang", "workorder_leader", false, true},
        {"jianwai", "workorder_handler", true, false},
        {"jianwai", "whistle_officer", true, true},
    };
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < WD_NELEMS(grants); i++) {
        int64_t user = 0, grant = 0;
        const char *why = NULL;
        err = accounts_find(d->c, d->a, grants[i].user, &user);
        if (err == ERR_NOT_FOUND) {
            err = ERR_OK;
            continue;
        }
        bool street = grants[i].street && d->street_user_unit;
        if (!err)
            err = accounts_grant(d->c, user, grants[i].role,
                                 street && !grants[i].county_post ? d->street_user_unit->region
                                                                  : WD_COUNTY,
                                 street ? d->street_user_unit->id : 0, 0, &grant, &why);
        if (!err)
            err = workorder_demo_audit(d, "role.grant", "user", user);
        if (!err && grants[i].street)
            d->handler = user;
        else if (!err)
            d->dispatcher = user;
    }
    return err;
}

/* ---- The load ------------------------------------------------------------------------------- */

static enum err reindex(struct wd_demo *d)
{
    const struct entity *entities[] = {engine_entity("unit"), &work_order_entity, &whistle_entity};
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < WD_NELEMS(entities); i++) {
        int64_t n = 0;
        if (entities[i])
            err = engine_reindex_all(d->c, entities[i], &n);
    }
    return err;
}

enum err workorder_demo_load(struct db_conn *c, int64_t now)
{
    struct arena a;
    arena_init(&a, 0);
    struct wd_demo d = {.c = c, .a = &a, .now = now, .rng = SEED};
    int y, m, dd;
    int32_t today = calendar_today(now);
    calendar_to_ymd(today, &y, &m, &dd);
    d.today_start = (int64_t)today * WD_DAY - WD_SHIFT;
    d.month_start = (int64_t)calendar_from_ymd(y, m, 1) * WD_DAY - WD_SHIFT;
    d.prev_start =
        (int64_t)calendar_from_ymd(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, 1) * WD_DAY - WD_SHIFT;

    struct wd_spec *specs = NULL;
    size_t n = 0;
    enum err err = calendar_db_current(c, &a, &d.cal);
    if (!err)
        err = load_towns(&d);
    if (!err && !d.ntowns) {
        fprintf(stderr, "demo: no regions of 朝阳区 loaded; the work orders were left out\n");
        goto out;
    }
    if (!err)
        err = load_units(&d);
    if (!err)
        err = grant_roles(&d);
    if (!err)
        err = load_catalogue(&d);
    if (!err)
        err = workorder_demo_plan(&d, &specs, &n);
    for (size_t i = 0; !err && i < n; i++)
        err = workorder_demo_order(&d, &specs[i]);
    if (!err)
        err = workorder_demo_whistles_load(&d);
    if (!err)
        err = reindex(&d);
out:
    arena_release(&a);
    return err;
}

/* The dispatch catalogue's hooks (docs/workorder.md): its tree, the unit it names and its
 * rule versions; the units that cover a place and the catalogue's dispatch suggestion; and
 * the small helpers the order hooks (workorder_hooks.c) share (workorder_internal.h). */
#include "modules/workorder/workorder_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/regioncode.h"
#include "server/msg.h"
#include "server/reply.h"

#define TREE_DEPTH 32

/* ---- Helpers ------------------------------------------------------------------------ */

bool workorder_has_error(const struct req *r, const char *field)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (strcmp(r->errors[i].field, field) == 0)
            return true;
    return false;
}

/* The value the row will have: given in this request, else stored. */
json_t *workorder_value_of(const struct engine_row *row, const char *key)
{
    json_t *v = json_object_get(row->values, key);
    if (!v && row->old)
        v = json_object_get(row->old, key);
    return v;
}

int64_t workorder_id_value(json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    int64_t id = 0;
    const char *s = json_string_value(v);
    if (!s || !*s)
        return 0;
    char *end = NULL;
    long long n = strtoll(s, &end, 10);
    if (end && *end == '\0' && n > 0)
        id = n;
    return id;
}

const char *workorder_label_of(const struct entity *e, const char *name)
{
    const struct field_def *f = engine_field(e, name);
    return f ? f->label : name;
}

enum deadline_unit workorder_limit_unit(const char *name)
{
    if (!name)
        return 0;
    if (strcmp(name, "minutes") == 0)
        return DL_MINUTES;
    if (strcmp(name, "hours") == 0)
        return DL_HOURS;
    if (strcmp(name, "calendar_days") == 0)
        return DL_CALENDAR_DAYS;
    if (strcmp(name, "working_days") == 0)
        return DL_WORKING_DAYS;
    return 0;
}

/* ---- Units and the places they cover ------------------------------------------------- */

enum err workorder_unit_get(struct req *r, int64_t id, struct workorder_unit *u)
{
    memset(u, 0, sizeof(*u));
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT kind, region_code, name FROM unit WHERE id = $1 AND "
                            "deleted_at IS NULL",
                            DB_ARGS(DB_I(id)), &rows);
    if (err || !rows.nrows)
        return err;
    u->found = true;
    u->kind = db_str(&rows, 0, 0);
    u->region = db_str(&rows, 0, 1);
    u->name = db_str(&rows, 0, 2);
    return ERR_OK;
}

/* Whether unit u handles matters of region: a township or district whose region contains
 * it, or a department of the county (or wider area) containing it. */
bool workorder_unit_covers(const struct workorder_unit *u, const char *region)
{
    if (!u->found || !u->kind || !u->region || !region)
        return false;
    if (strcmp(u->kind, "township") == 0 || strcmp(u->kind, "district") == 0)
        return regioncode_within(region, u->region);
    if (strcmp(u->kind, "department") != 0)
        return false;
    char county[REGION_CODE_LEN + 1];
    memcpy(county, u->region, REGION_CODE_LEN);
    county[REGION_CODE_LEN] = '\0';
    if (regioncode_level(county) > 3)
        memset(county + 6, '0', REGION_CODE_LEN - 6);
    return regioncode_within(region, county);
}

/* The district unit whose region contains region, the most local one (0: none). */
enum err workorder_district_of(struct req *r, const char *region, int64_t *unit)
{
    *unit = 0;
    if (!region || strlen(region) != REGION_CODE_LEN)
        return ERR_OK;
    char county[REGION_CODE_LEN + 1], city[REGION_CODE_LEN + 1], province[REGION_CODE_LEN + 1];
    snprintf(county, sizeof(county), "%.6s000000", region);
    snprintf(city, sizeof(city), "%.4s00000000", region);
    snprintf(province, sizeof(province), "%.2s0000000000", region);
    struct db_rows rows;
    enum err err =
        db_query(r->db, &r->arena,
                 "SELECT id FROM unit WHERE kind = 'district' AND deleted_at IS NULL "
                 "AND region_code IN ($1, $2, $3) ORDER BY region_code DESC, id LIMIT 1",
                 DB_ARGS(DB_T(arena_strdup(&r->arena, county)), DB_T(arena_strdup(&r->arena, city)),
                         DB_T(arena_strdup(&r->arena, province))),
                 &rows);
    if (!err && rows.nrows)
        *unit = db_int(&rows, 0, 0);
    return err;
}

/* The township unit of region's township (街道乡镇) level (0: none, or region is above it). */
static enum err township_of(struct req *r, const char *region, int64_t *unit)
{
    *unit = 0;
    if (!region || regioncode_level(region) < 4)
        return ERR_OK;
    char town[REGION_CODE_LEN + 1];
    snprintf(town, sizeof(town), "%.9s000", region);
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT id FROM unit WHERE kind = 'township' AND deleted_at IS NULL "
                            "AND region_code = $1 ORDER BY id LIMIT 1",
                            DB_ARGS(DB_T(arena_strdup(&r->arena, town))), &rows);
    if (!err && rows.nrows)
        *unit = db_int(&rows, 0, 0);
    return err;
}

/* ---- The catalogue ---------------------------------------------------------------------- */

enum err workorder_category_get(struct req *r, int64_t id, struct workorder_category *c)
{
    memset(c, 0, sizeof(*c));
    struct db_rows rows;
    enum err err = db_query(
        r->db, &r->arena,
        "SELECT id, version, code, name, region_code, handler_kind, handler_unit_id, urgency, "
        "respond_amount, respond_unit, limit_amount, limit_unit, active, "
        "(SELECT COUNT(*) FROM dispatch_category k WHERE k.parent_id = c.id) "
        "FROM dispatch_category c WHERE c.id = $1",
        DB_ARGS(DB_I(id)), &rows);
    if (err || !rows.nrows)
        return err;
    c->found = true;
    c->id = db_int(&rows, 0, 0);
    c->version = db_int(&rows, 0, 1);
    c->code = db_str(&rows, 0, 2);
    c->name = db_str(&rows, 0, 3);
    c->region = db_str(&rows, 0, 4);
    c->handler_kind = db_str(&rows, 0, 5);
    c->handler_unit_id = db_is_null(&rows, 0, 6) ? 0 : db_int(&rows, 0, 6);
    c->urgency = db_str(&rows, 0, 7);
    c->respond_amount = db_int(&rows, 0, 8);
    c->respond_unit = db_str(&rows, 0, 9);
    c->limit_amount = db_int(&rows, 0, 10);
    c->limit_unit = db_str(&rows, 0, 11);
    c->active = db_int(&rows, 0, 12) != 0;
    c->has_children = db_int(&rows, 0, 13) > 0;
    return ERR_OK;
}

/* The rules of a category as its version rows keep them (keys sorted: equal rules give
 * equal text). */
static char *rules_text(struct req *r, const struct workorder_category *c)
{
    json_t *o = json_pack(
        "{s:s, s:o, s:s, s:I, s:s, s:I, s:s}", "handler_kind", c->handler_kind, "handler_unit_id",
        c->handler_unit_id ? json_id(c->handler_unit_id) : json_null(), "urgency", c->urgency,
        "respond_amount", (json_int_t)c->respond_amount, "respond_unit", c->respond_unit,
        "limit_amount", (json_int_t)c->limit_amount, "limit_unit", c->limit_unit);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    char *kept = s ? arena_strdup(&r->arena, s) : NULL;
    free(s);
    return kept;
}

/* Writes a dispatch_category_version row for the category's current rules unless the
 * latest one says the same; *version gets the version of the rules in force. */
enum err workorder_category_sync(struct req *r, const struct workorder_category *c,
                                 int64_t *version)
{
    const char *rules = rules_text(r, c);
    if (!rules)
        return ERR_NOMEM;
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena,
                            "SELECT version, rules FROM dispatch_category_version WHERE "
                            "category_id = $1 ORDER BY version DESC LIMIT 1",
                            DB_ARGS(DB_I(c->id)), &rows);
    if (err)
        return err;
    if (rows.nrows && db_str(&rows, 0, 1) && strcmp(db_str(&rows, 0, 1), rules) == 0) {
        *version = db_int(&rows, 0, 0);
        return ERR_OK;
    }
    *version = c->version;
    return db_exec(r->db,
                   "INSERT INTO dispatch_category_version (category_id, version, rules, "
                   "valid_from, changed_by) VALUES ($1, $2, $3, $4, $5)",
                   DB_ARGS(DB_I(c->id), DB_I(c->version), DB_T(rules), DB_I(r->now),
                           r->user.id ? DB_I(r->user.id) : DB_NUL),
                   NULL);
}

/* Whether parent (or one of its ancestors) is the category id itself. */
static enum err makes_cycle(struct req *r, int64_t id, int64_t parent, bool *cycle)
{
    *cycle = false;
    for (int depth = 0; parent && depth < TREE_DEPTH; depth++) {
        if (parent == id) {
            *cycle = true;
            return ERR_OK;
        }
        struct db_rows rows;
        enum err err =
            db_query(r->db, &r->arena, "SELECT parent_id FROM dispatch_category WHERE id = $1",
                     DB_ARGS(DB_I(parent)), &rows);
        if (err)
            return err;
        parent = rows.nrows && !db_is_null(&rows, 0, 0) ? db_int(&rows, 0, 0) : 0;
    }
    *cycle = parent != 0; /* deeper than any real catalogue: a loop already stored */
    return ERR_OK;
}

static enum err dc_validate(struct req *r, const struct entity *e, struct engine_row *row)
{
    const char *region = json_string_value(workorder_value_of(row, "region_code"));
    const char *kind = json_string_value(workorder_value_of(row, "handler_kind"));
    int64_t unit = workorder_id_value(workorder_value_of(row, "handler_unit_id"));
    int64_t parent = workorder_id_value(workorder_value_of(row, "parent_id"));
    enum err err = ERR_OK;
    if (unit && region && !workorder_has_error(r, "handler_unit_id") &&
        !workorder_has_error(r, "region_code")) {
        struct workorder_unit u;
        err = workorder_unit_get(r, unit, &u);
        if (err)
            return err;
        if (kind && strcmp(kind, "department") == 0 && u.found &&
            strcmp(u.kind ? u.kind : "", "department") != 0)
            req_field_error(r, "handler_unit_id", workorder_label_of(e, "handler_unit_id"),
                            "workorder_unit_not_department");
        else if (u.found && !regioncode_within(u.region, region))
            req_field_error(r, "handler_unit_id", workorder_label_of(e, "handler_unit_id"),
                            "workorder_unit_outside_catalogue");
    }
    if (parent && region && !workorder_has_error(r, "parent_id") &&
        !workorder_has_error(r, "region_code")) {
        struct workorder_category p;
        bool cycle = false;
        err = workorder_category_get(r, parent, &p);
        if (!err && row->id)
            err = makes_cycle(r, row->id, parent, &cycle);
        if (err)
            return err;
        if (cycle)
            req_field_error(r, "parent_id", workorder_label_of(e, "parent_id"),
                            "workorder_parent_cycle");
        else if (p.found && strcmp(p.region, region) != 0)
            req_field_error(r, "parent_id", workorder_label_of(e, "parent_id"),
                            "workorder_parent_other_catalogue");
    }
    /* the children were checked against the catalogue's region: it stays */
    const char *before =
        row->old ? json_string_value(json_object_get(row->old, "region_code")) : NULL;
    if (before && region && strcmp(before, region) != 0 && !workorder_has_error(r, "region_code")) {
        struct db_rows rows;
        err = db_query_one(r->db, &r->arena,
                           "SELECT COUNT(*) FROM dispatch_category WHERE parent_id = $1",
                           DB_ARGS(DB_I(row->id)), &rows);
        if (!err && db_int(&rows, 0, 0) > 0)
            req_field_error(r, "region_code", workorder_label_of(e, "region_code"),
                            "workorder_category_has_children");
    }
    return err;
}

/* Every change of the rules is a version (the engine bumped the row's). */
static enum err dc_after_save(struct req *r, const struct entity *e, struct engine_row *row)
{
    (void)e;
    struct workorder_category c;
    enum err err = workorder_category_get(r, row->id, &c);
    int64_t version = 0;
    if (!err && c.found)
        err = workorder_category_sync(r, &c, &version);
    return err;
}

const struct entity_hooks dispatch_category_hooks = {
    .validate = dc_validate,
    .after_save = dc_after_save,
};

/* ---- Orders' categories and the suggestion ---------------------------------------- */

/* A category an order may take: active, a leaf, of a catalogue whose region contains the
 * order's. A field error on field otherwise; *c gets the category. */
enum err workorder_category_check(struct req *r, int64_t id, const char *region, const char *field,
                                  const char *label, struct workorder_category *c)
{
    enum err err = workorder_category_get(r, id, c);
    if (err)
        return err;
    if (!c->found)
        req_field_error(r, field, label, "not_found");
    else if (!c->active)
        req_field_error(r, field, label, "workorder_category_inactive");
    else if (c->has_children)
        req_field_error(r, field, label, "workorder_category_not_leaf");
    else if (region && !regioncode_within(region, c->region))
        req_field_error(r, field, label, "workorder_category_out_of_region");
    return ERR_OK;
}

/* The catalogue's unit for an order of region in category (0: none). */
enum err workorder_suggest_for(struct req *r, const char *region,
                               const struct workorder_category *c, struct workorder_suggestion *s)
{
    memset(s, 0, sizeof(*s));
    enum err err = ERR_OK;
    if (c && c->found && c->handler_unit_id) {
        struct workorder_unit u;
        err = workorder_unit_get(r, c->handler_unit_id, &u);
        if (!err && workorder_unit_covers(&u, region)) {
            s->unit = c->handler_unit_id;
            s->why = "workorder_why_named";
            if (strcmp(u.kind, "township") == 0)
                err = workorder_district_of(r, region, &s->copy);
            return err;
        }
    }
    if (!err && c && c->found && strcmp(c->handler_kind, "township") == 0) {
        err = township_of(r, region, &s->unit);
        if (!err && s->unit) {
            s->why = "workorder_why_township";
            return workorder_district_of(r, region, &s->copy);
        }
    }
    if (!err)
        err = workorder_district_of(r, region, &s->unit);
    if (!err && s->unit)
        s->why = c && c->found && strcmp(c->handler_kind, "district") == 0
                     ? "workorder_why_district"
                     : "workorder_why_fallback";
    return err;
}

enum err workorder_suggest(struct req *r, int64_t id, int64_t *unit, int64_t *copy,
                           const char **why)
{
    *unit = *copy = 0;
    *why = NULL;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT region_code, category_id FROM work_order WHERE id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    struct workorder_category c = {0};
    if (!err && !db_is_null(&rows, 0, 1))
        err = workorder_category_get(r, db_int(&rows, 0, 1), &c);
    struct workorder_suggestion s;
    if (!err)
        err = workorder_suggest_for(r, db_str(&rows, 0, 0), &c, &s);
    if (err)
        return err;
    if (!s.unit)
        return ERR_NOT_FOUND;
    *unit = s.unit;
    *copy = s.copy;
    *why = msg_text(s.why);
    return ERR_OK;
}

static json_t *unit_name_json(struct req *r, int64_t id)
{
    struct workorder_unit u;
    if (!id || workorder_unit_get(r, id, &u) || !u.found)
        return json_null();
    return json_string(u.name);
}

enum err workorder_suggestion(struct req *r)
{
    /* the order as its reader may see it (the read filter too) */
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT 1 FROM work_order t WHERE t.id = ");
    sqlq_arg(&q, DB_I(r->id));
    enum err err = engine_read_filter(r, &work_order_entity, &q);
    struct db_rows rows = {0};
    if (!err)
        err = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    if (!err && !rows.nrows)
        err = ERR_NOT_FOUND;
    struct workorder_category c = {0};
    struct db_rows order;
    if (!err)
        err = db_query_one(r->db, &r->arena, "SELECT category_id FROM work_order WHERE id = $1",
                           DB_ARGS(DB_I(r->id)), &order);
    if (!err && !db_is_null(&order, 0, 0))
        err = workorder_category_get(r, db_int(&order, 0, 0), &c);
    int64_t unit = 0, copy = 0;
    const char *why = NULL;
    if (!err)
        err = workorder_suggest(r, r->id, &unit, &copy, &why);
    if (err == ERR_NOT_FOUND && rows.nrows)
        return req_fail(r, ERR_NOT_FOUND, "workorder_no_unit");
    if (err)
        return err;
    json_t *cat = json_null();
    if (c.found) {
        /* the rules' version as the dispatch would record it (a GET writes nothing) */
        struct db_rows v;
        err = db_query_one(r->db, &r->arena,
                           "SELECT COALESCE(MAX(version), $2) FROM dispatch_category_version "
                           "WHERE category_id = $1",
                           DB_ARGS(DB_I(c.id), DB_I(c.version)), &v);
        if (err)
            return err;
        int64_t version = db_int(&v, 0, 0);
        cat = json_pack("{s:o, s:s, s:s, s:s, s:o, s:s, s:I, s:s, s:I, s:s, s:I}", "id",
                        json_id(c.id), "code", c.code, "name", c.name, "handler_kind",
                        c.handler_kind, "handler_unit_id",
                        c.handler_unit_id ? json_id(c.handler_unit_id) : json_null(), "urgency",
                        c.urgency, "respond_amount", (json_int_t)c.respond_amount, "respond_unit",
                        c.respond_unit, "limit_amount", (json_int_t)c.limit_amount, "limit_unit",
                        c.limit_unit, "version", (json_int_t)version);
    }
    json_t *out =
        json_pack("{s:o, s:o, s:o, s:o, s:s, s:o}", "unit_id", json_id(unit), "unit_label",
                  unit_name_json(r, unit), "copy_unit_id", copy ? json_id(copy) : json_null(),
                  "copy_unit_label", unit_name_json(r, copy), "reason", why, "category",
                  cat ? cat : json_null());
    return out ? reply_json_take(r, 200, out) : ERR_NOMEM;
}

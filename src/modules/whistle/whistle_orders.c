/* Whistles and work orders: an order its street cannot solve alone becomes a whistle in
 * one step (POST /api/v1/work_order/{id}/whistle), and a whistle spawns work orders for
 * the 12345 centre to dispatch (POST /api/v1/whistle/{id}/orders). docs/whistle.md. */
#include "modules/whistle/whistle.h"

#include <inttypes.h>
#include <string.h>

#include "engine/workflow.h"
#include "modules/whistle/internal.h"
#include "modules/workorder/workorder.h"
#include "server/access.h"
#include "server/msg.h"
#include "server/reply.h"

#define TITLE_CHARS 30

/* The first TITLE_CHARS characters of the first line of text (valid UTF-8). */
static const char *title_of(struct req *r, const char *text)
{
    size_t end = 0, chars = 0, len = strlen(text);
    while (end < len && chars < TITLE_CHARS && text[end] != '\n' && text[end] != '\r') {
        end++;
        while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80)
            end++;
        chars++;
    }
    return arena_strndup(&r->arena, text, end);
}

/* Sets key of o to v (taking it); false when out of memory. */
static bool put(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

/* Copies key of the request's body into o when given (the engine checks it). */
static bool pass(struct req *r, json_t *o, const char *key)
{
    json_t *v = json_object_get(r->json, key);
    return !v || json_object_set(o, key, v) == 0;
}

static enum err reply_created(struct req *r, const struct entity *e, int64_t id)
{
    json_t *o = NULL;
    enum err err = engine_get_json(r, e, id, &o);
    if (err)
        return err;
    reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/%s/%" PRId64, e->name, id));
    return reply_json_take(r, 201, o);
}

/* The new order as its creator sees it. A street reads work orders only once they are
 * dispatched to it, so the answer does not go through the order's read filter; personal
 * data is shown as to any reader (a spawned order has none). */
static enum err reply_spawned(struct req *r, int64_t id)
{
    const struct entity *e = &work_order_entity;
    const char *sql = arena_printf(&r->arena, "SELECT %s FROM %s t WHERE t.id = $1",
                                   engine_select_list(e), e->table);
    struct db_rows rows;
    struct engine_view v;
    json_t *o = NULL;
    enum err err = sql ? db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(id)), &rows) : ERR_NOMEM;
    if (!err)
        err = engine_view_init(r, e, &v);
    if (!err)
        err = engine_row_json(r, e, &rows, 0, &v, &o);
    if (!err)
        err = workflow_detail(r, e, id, json_string_value(json_object_get(o, "state")),
                              json_string_value(json_object_get(o, "region_code")), o);
    if (!err)
        err = engine_view_audit(r, e, &v);
    if (err) {
        json_decref(o);
        return err;
    }
    reply_header(r, "Location", arena_printf(&r->arena, "/api/v1/%s/%" PRId64, e->name, id));
    return reply_json_take(r, 201, o);
}

/* ---- Order -> whistle ------------------------------------------------------------------ */

struct order {
    const char *state, *content, *region, *address, *unit_kind;
    int64_t unit, whistle;
};

static enum err order_get(struct req *r, int64_t id, struct order *o)
{
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT o.state, o.content, o.region_code, o.address, o.unit_id, "
                                "o.whistle_id, u.kind FROM work_order o LEFT JOIN unit u ON "
                                "u.id = o.unit_id WHERE o.id = $1",
                                DB_ARGS(DB_I(id)), &rows);
    if (err)
        return err;
    o->state = db_str(&rows, 0, 0);
    o->content = db_str(&rows, 0, 1);
    o->region = db_str(&rows, 0, 2);
    o->address = db_str(&rows, 0, 3);
    o->unit = db_int(&rows, 0, 4);
    o->whistle = db_int(&rows, 0, 5);
    o->unit_kind = db_str(&rows, 0, 6);
    return ERR_OK;
}

static bool order_state_ok(const char *state)
{
    return state && (strcmp(state, "signed") == 0 || strcmp(state, "contacted") == 0 ||
                     strcmp(state, "handling") == 0);
}

/* The order must be with a street or township the caller raises whistles for (or the
 * caller raises by region: the dispatcher checked the order's region), being handled, and
 * not a whistle yet. */
static enum err order_check(struct req *r, const struct order *o)
{
    struct access_units au;
    enum err err = access_units(r, WHISTLE_PERM_RAISE, &au);
    if (err)
        return err;
    if (!au.by_region && !access_units_has(au.granting, au.ngranting, o->unit))
        return req_fail(r, ERR_FORBIDDEN, "whistle_order_not_yours");
    if (o->whistle)
        return req_fail(r, ERR_CONFLICT, "whistle_order_has_whistle");
    if (!order_state_ok(o->state)) {
        r->message = arena_printf(
            &r->arena, "%s%s", msg_text("whistle_order_state"),
            workflow_state_label(work_order_entity.workflow, o->state ? o->state : ""));
        return ERR_CONFLICT;
    }
    if (!o->unit_kind || strcmp(o->unit_kind, "township") != 0)
        return req_fail(r, ERR_CONFLICT, "whistle_order_not_township");
    return ERR_OK;
}

enum err whistle_from_order(struct req *r)
{
    static const char *const keys[] = {"kind", "summoned_units", "title", NULL};
    body_allow(r, keys);
    struct order o;
    enum err err = order_get(r, r->id, &o);
    if (!err)
        err = order_check(r, &o);
    if (err)
        return err;
    json_t *in = json_object();
    if (!in || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, in)) {
        json_decref(in);
        return ERR_NOMEM;
    }
    const char *content = o.content ? o.content : "";
    bool ok =
        pass(r, in, "kind") && pass(r, in, "summoned_units") &&
        (json_object_get(r->json, "title") ? pass(r, in, "title")
                                           : put(in, "title", json_string(title_of(r, content)))) &&
        put(in, "problem", json_string(content)) &&
        put(in, "region_code", json_string(o.region ? o.region : "")) &&
        put(in, "unit_id", json_integer(o.unit)) &&
        (!o.address || put(in, "address", json_string(o.address)));
    if (!ok)
        return ERR_NOMEM;
    int64_t id = 0;
    err = engine_write(r, &whistle_entity, in, 0, 0, &id);
    if (err)
        return err;
    err = db_exec(r->db,
                  "UPDATE whistle SET work_order_id = $2, location = (SELECT o.location FROM "
                  "work_order o WHERE o.id = $2) WHERE id = $1",
                  DB_ARGS(DB_I(id), DB_I(r->id)), NULL);
    int64_t changes = 0;
    if (!err)
        err = db_exec(
            r->db,
            "UPDATE work_order SET whistle_id = $1, version = version + 1, updated_at = "
            "$3, updated_by = $4 WHERE id = $2 AND whistle_id IS NULL",
            DB_ARGS(DB_I(id), DB_I(r->id), DB_I(r->now), r->user.id ? DB_I(r->user.id) : DB_NUL),
            &changes);
    if (!err && changes != 1) /* another request made it a whistle meanwhile */
        err = req_fail(r, ERR_CONFLICT, "whistle_order_has_whistle");
    return err ? err : reply_created(r, &whistle_entity, id);
}

/* ---- Whistle -> order ------------------------------------------------------------------ */

/* ERR_NOT_FOUND unless the reader's read filter of e lets it see row id. */
static enum err readable(struct req *r, const struct entity *e, int64_t id)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, "SELECT 1 FROM ");
    sqlq_add(&q, e->table);
    sqlq_add(&q, " t WHERE t.id = ");
    sqlq_arg(&q, DB_I(id));
    enum err err = engine_read_filter(r, e, &q);
    struct db_rows rows;
    if (!err)
        err = q.overflow ? ERR_NOMEM : sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    return err ? err : rows.nrows ? ERR_OK : ERR_NOT_FOUND;
}

enum err whistle_spawn_order(struct req *r)
{
    static const char *const keys[] = {"category_id", "type", "content", NULL};
    body_allow(r, keys);
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena,
                                "SELECT state, unit_id, problem, region_code, address FROM "
                                "whistle WHERE id = $1",
                                DB_ARGS(DB_I(r->id)), &rows);
    if (!err)
        err = readable(r, &whistle_entity, r->id);
    if (!err)
        err = whistle_check_raiser(r, db_int(&rows, 0, 1));
    if (err)
        return err;
    const char *state = db_str(&rows, 0, 0);
    if (!state || strcmp(state, "raised") != 0) {
        r->message =
            arena_printf(&r->arena, "%s%s", msg_text("whistle_not_raised"),
                         workflow_state_label(whistle_entity.workflow, state ? state : ""));
        return ERR_CONFLICT;
    }
    const struct field_def *category = engine_field(&work_order_entity, "category_id");
    if (!json_object_get(r->json, "category_id"))
        req_field_error(r, "category_id", category ? category->label : "诉求类别", "required");
    json_t *in = json_object();
    if (!in || !arena_on_release(&r->arena, (arena_cleanup_fn)json_decref, in)) {
        json_decref(in);
        return ERR_NOMEM;
    }
    const char *problem = db_str(&rows, 0, 2), *address = db_str(&rows, 0, 4);
    bool ok = put(in, "channel", json_string("whistle")) && pass(r, in, "type") &&
              pass(r, in, "category_id") &&
              (json_object_get(r->json, "content")
                   ? pass(r, in, "content")
                   : put(in, "content", json_string(problem ? problem : ""))) &&
              put(in, "region_code", json_string(db_str(&rows, 0, 3))) &&
              (!address || put(in, "address", json_string(address)));
    if (!ok)
        return ERR_NOMEM;
    int64_t id = 0;
    err = engine_write(r, &work_order_entity, in, 0, 0, &id);
    if (!err)
        err = db_exec(r->db,
                      "UPDATE work_order SET source_whistle_id = $2, location = (SELECT w.location "
                      "FROM whistle w WHERE w.id = $2) WHERE id = $1",
                      DB_ARGS(DB_I(id), DB_I(r->id)), NULL);
    return err ? err : reply_spawned(r, id);
}

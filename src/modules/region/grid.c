/* Grid handlers: list (scoped), read, create and update (see grid.h). */
#include "modules/region/grid.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/sbuf.h"
#include "db/sqlq.h"
#include "modules/region/region.h"
#include "server/access.h"
#include "server/reply.h"

#define MAX_COUNT 100000000 /* households and population: far above any community */

static const char *const columns = "g.id, g.name, g.code, g.region_code, g.households, "
                                   "g.population, g.created_at, g.updated_at, r.full_name";
static const char *const from_join = "FROM grid g LEFT JOIN region r ON r.code = g.region_code";

static json_t *row_json(const struct db_rows *rows, size_t i)
{
    return json_pack("{s:o, s:s, s:s?, s:s, s:s?, s:I, s:I, s:o, s:o}", "id",
                     json_id(db_int(rows, i, 0)), "name", db_str(rows, i, 1), "code",
                     db_str(rows, i, 2), "region_code", db_str(rows, i, 3), "region_name",
                     db_str(rows, i, 8), "households", (json_int_t)db_int(rows, i, 4), "population",
                     (json_int_t)db_int(rows, i, 5), "created_at", json_time(db_int(rows, i, 6)),
                     "updated_at", json_time(db_int(rows, i, 7)));
}

static enum err reply_grid(struct req *r, int status, int64_t id)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT %s %s WHERE g.id = $1", columns, from_join);
    struct db_rows rows;
    enum err e = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(id)), &rows);
    if (e)
        return e;
    return reply_json_take(r, status, row_json(&rows, 0));
}

enum err grid_list(struct req *r)
{
    int64_t page, size, total = 0;
    query_page(r, 20, &page, &size);
    const char *region = query_str(r, "region_code");
    /* the query parameter is text: codes of cities without counties (东莞 441900003001)
     * do not pass the strict nesting rule of PARAM_REGION */
    if (region && !region_code_shape(region))
        return req_field_error(r, "region_code", "所属区划", "invalid_region");
    struct sqlq from;
    sqlq_init(&from);
    sqlq_add(&from, from_join);
    sqlq_add(&from, " WHERE ");
    access_scope_sql(&r->scope, "g.region_code", &r->arena, &from);
    if (region) {
        /* a filter narrows to a subtree; outside the scope it simply finds nothing */
        struct scope sub = {&region, 1};
        sqlq_add(&from, " AND ");
        access_scope_sql(&sub, "g.region_code", &r->arena, &from);
    }
    const char *q = query_str(r, "q");
    if (q) {
        sqlq_add(&from, " AND (g.name LIKE ");
        const char *pat = db_like_contains(&r->arena, q);
        sqlq_arg(&from, DB_T(pat));
        sqlq_add(&from, " ESCAPE '\\' OR g.code LIKE ");
        sqlq_arg(&from, DB_T(pat));
        sqlq_add(&from, " ESCAPE '\\')");
    }
    struct db_rows rows;
    enum err e = sqlq_page(r->db, &r->arena, columns, &from, "g.region_code, g.name, g.id", page,
                           size, &total, &rows);
    sqlq_release(&from);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows; i++)
        json_array_append_new(items, row_json(&rows, i));
    return reply_page_take(r, items, total, page, size);
}

enum err grid_get(struct req *r)
{
    return reply_grid(r, 200, r->id);
}

/* The fields of a body; absent ones stay NULL / false. */
struct grid_in {
    const char *name, *code, *region;
    int64_t households, population;
    bool has_households, has_population;
};

static void read_count(struct req *r, const char *key, const char *label, int64_t *out, bool *has)
{
    *has = body_int(r, key, label, OPTIONAL, out);
    if (*has && (*out < 0 || *out > MAX_COUNT)) {
        req_field_error(r, key, label, "out_of_range");
        *has = false;
    }
}

/* Reads and checks the body, collecting every field error. Answers ERR_FORBIDDEN for a
 * community outside the caller's scope, ERR_INVALID for other mistakes. */
static enum err read_fields(struct req *r, bool create, struct grid_in *in)
{
    static const char *const keys[] = {"name",       "code",       "region_code",
                                       "households", "population", NULL};
    enum body_req need = create ? REQUIRED : OPTIONAL;
    body_allow(r, keys);
    in->name = body_str(r, "name", "网格名称", need, 50);
    in->code = body_str(r, "code", "网格编号", OPTIONAL, 30);
    in->region = body_str(r, "region_code", "所属村（社区）", need, 12);
    read_count(r, "households", "户数", &in->households, &in->has_households);
    read_count(r, "population", "人口数", &in->population, &in->has_population);
    if (in->name && !create && !*in->name)
        req_field_error(r, "name", "网格名称", "required");
    if (!in->region)
        return r->nerrors ? ERR_INVALID : ERR_OK;
    struct region g;
    enum err e =
        region_code_shape(in->region) ? region_find(r->db, &r->arena, in->region, &g) : ERR_INVALID;
    if (e == ERR_INVALID) {
        req_field_error(r, "region_code", "所属村（社区）", "invalid_region");
    } else if (e == ERR_NOT_FOUND) {
        req_field_error(r, "region_code", "所属村（社区）", "not_found");
    } else if (e) {
        return e;
    } else if (!access_scope_allows(&r->scope, in->region)) {
        req_field_error(r, "region_code", "所属村（社区）", "out_of_scope");
        return ERR_FORBIDDEN;
    } else if (g.level != 5) {
        req_field_error(r, "region_code", "所属村（社区）", "region_not_village");
    }
    return r->nerrors ? ERR_INVALID : ERR_OK;
}

/* A name or code already used by another grid of the same community: 409 naming it. */
static enum err check_unique(struct req *r, int64_t id, const char *region, const char *name,
                             const char *code)
{
    static const struct {
        const char *column, *label;
    } keys[] = {{"name", "网格名称"}, {"code", "网格编号"}};
    const char *vals[] = {name, code};
    for (size_t i = 0; i < 2; i++) {
        if (!vals[i] || !*vals[i])
            continue;
        char sql[128];
        snprintf(sql, sizeof(sql),
                 "SELECT 1 FROM grid WHERE region_code = $1 AND %s = $2 AND id <> $3",
                 keys[i].column);
        struct db_rows rows;
        enum err e =
            db_query(r->db, &r->arena, sql, DB_ARGS(DB_T(region), DB_T(vals[i]), DB_I(id)), &rows);
        if (e)
            return e;
        if (rows.nrows)
            req_field_error(r, keys[i].column, keys[i].label, "taken");
    }
    return r->nerrors ? ERR_CONFLICT : ERR_OK;
}

static void set_audit(struct req *r, int64_t id, const char *detail)
{
    r->audit.object_type = "grid";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, id);
    r->audit.detail = detail;
}

enum err grid_create(struct req *r)
{
    struct grid_in in = {0};
    enum err e = read_fields(r, true, &in);
    if (e)
        return e;
    e = check_unique(r, 0, in.region, in.name, in.code);
    if (e)
        return e;
    int64_t id = id_next();
    e = db_exec(r->db,
                "INSERT INTO grid (id, name, code, region_code, households, population, "
                "created_at, updated_at, created_by, updated_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8)",
                DB_ARGS(DB_I(id), DB_T(in.name), in.code && *in.code ? DB_T(in.code) : DB_NUL,
                        DB_T(in.region), DB_I(in.households), DB_I(in.population), DB_I(r->now),
                        DB_I(r->user.id)),
                NULL);
    if (e)
        return e;
    set_audit(r, id,
              "{\"fields\":[\"name\",\"code\",\"region_code\",\"households\",\"population\"]}");
    return reply_grid(r, 201, id);
}

enum err grid_update(struct req *r)
{
    struct grid_in in = {0};
    enum err e = read_fields(r, false, &in);
    if (e)
        return e;
    struct db_rows cur;
    e = db_query_one(r->db, &r->arena, "SELECT region_code, name, code FROM grid WHERE id = $1",
                     DB_ARGS(DB_I(r->id)), &cur);
    if (e)
        return e;
    /* the grid as it will be, against the others of the community it ends up in */
    e = check_unique(r, r->id, in.region ? in.region : db_str(&cur, 0, 0),
                     in.name ? in.name : db_str(&cur, 0, 1),
                     in.code ? in.code : db_str(&cur, 0, 2));
    if (e)
        return e;
    struct sbuf changed;
    sbuf_init(&changed, 1024);
    sbuf_adds(&changed, "{\"fields\":[");
    static const char *const text_cols[] = {"name", "code", "region_code"};
    const char *text_vals[] = {in.name, in.code, in.region};
    int n = 0;
    for (size_t i = 0; i < 3 && !e; i++) {
        if (!text_vals[i])
            continue;
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE grid SET %s = $2 WHERE id = $1", text_cols[i]);
        /* an empty code clears it */
        struct db_val v = *text_vals[i] ? DB_T(text_vals[i]) : DB_NUL;
        e = db_exec(r->db, sql, DB_ARGS(DB_I(r->id), v), NULL);
        sbuf_addf(&changed, "%s\"%s\"", n++ ? "," : "", text_cols[i]);
    }
    static const char *const int_cols[] = {"households", "population"};
    const bool has[] = {in.has_households, in.has_population};
    const int64_t ints[] = {in.households, in.population};
    for (size_t i = 0; i < 2 && !e; i++) {
        if (!has[i])
            continue;
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE grid SET %s = $2 WHERE id = $1", int_cols[i]);
        e = db_exec(r->db, sql, DB_ARGS(DB_I(r->id), DB_I(ints[i])), NULL);
        sbuf_addf(&changed, "%s\"%s\"", n++ ? "," : "", int_cols[i]);
    }
    if (!e)
        e = db_exec(r->db, "UPDATE grid SET updated_at = $2, updated_by = $3 WHERE id = $1",
                    DB_ARGS(DB_I(r->id), DB_I(r->now), DB_I(r->user.id)), NULL);
    sbuf_adds(&changed, "]}");
    set_audit(r, r->id, arena_strdup(&r->arena, changed.buf));
    sbuf_release(&changed);
    if (e)
        return e;
    return reply_grid(r, 200, r->id);
}

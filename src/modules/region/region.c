/* Reading the region table: lookups for other modules and the read-only region API. */
#include "modules/region/region.h"

#include <stdio.h>
#include <string.h>

#include "core/regioncode.h"
#include "server/access.h"
#include "server/reply.h"

bool region_code_shape(const char *s)
{
    if (!s || strlen(s) != REGION_CODE_LEN)
        return false;
    for (size_t i = 0; i < REGION_CODE_LEN; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

enum err region_exists(struct db_conn *c, const char *code, bool *exists)
{
    *exists = false;
    if (!region_code_shape(code))
        return ERR_OK;
    struct arena a;
    arena_init(&a, 1 << 16);
    struct db_rows rows;
    enum err e =
        db_query(c, &a, "SELECT 1 FROM region WHERE code = $1", DB_ARGS(DB_T(code)), &rows);
    if (!e)
        *exists = rows.nrows > 0;
    arena_release(&a);
    return e;
}

enum err region_count(struct db_conn *c, int64_t *n)
{
    struct arena a;
    arena_init(&a, 1 << 16);
    struct db_rows rows;
    *n = 0;
    /* any row answers "loaded"; counting 665,000 rows is not needed */
    enum err e =
        db_query(c, &a, "SELECT COUNT(*) FROM (SELECT 1 FROM region LIMIT 1) x", DB_NOARGS, &rows);
    if (!e && rows.nrows)
        *n = db_int(&rows, 0, 0);
    arena_release(&a);
    return e;
}

static const char *const region_cols = "code, parent_code, level, name, full_name, placeholder";

static void row_region(const struct db_rows *rows, size_t i, struct region *out)
{
    snprintf(out->code, sizeof(out->code), "%s", db_str(rows, i, 0));
    out->parent_code = db_str(rows, i, 1);
    out->level = (int)db_int(rows, i, 2);
    out->name = db_str(rows, i, 3);
    out->full_name = db_str(rows, i, 4);
    out->placeholder = db_int(rows, i, 5) != 0;
}

enum err region_find(struct db_conn *c, struct arena *a, const char *code, struct region *out)
{
    if (!region_code_shape(code))
        return ERR_NOT_FOUND;
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT %s FROM region WHERE code = $1", region_cols);
    struct db_rows rows;
    enum err e = db_query_one(c, a, sql, DB_ARGS(DB_T(code)), &rows);
    if (e)
        return e;
    row_region(&rows, 0, out);
    return ERR_OK;
}

/* --- the API --- */

/* Inside the caller's scope, or an ancestor of one of its roots (for the path). */
static bool visible(const struct req *r, const char *code)
{
    if (access_scope_allows(&r->scope, code))
        return true;
    for (size_t i = 0; i < r->scope.n; i++)
        if (regioncode_within(r->scope.roots[i], code))
            return true;
    return false;
}

static json_t *region_json(const struct region *g)
{
    return json_pack("{s:s, s:s?, s:i, s:s, s:s, s:b}", "code", g->code, "parent_code",
                     g->parent_code, "level", g->level, "name", g->name, "full_name", g->full_name,
                     "placeholder", g->placeholder);
}

/* The code path parameter when it names a region the caller may see. */
static enum err visible_region(struct req *r, struct region *out)
{
    const char *code = r->params[0];
    if (!region_code_shape(code) || !visible(r, code))
        return ERR_NOT_FOUND;
    return region_find(r->db, &r->arena, code, out);
}

enum err region_get(struct req *r)
{
    struct region g;
    enum err e = visible_region(r, &g);
    if (e)
        return e;
    /* ancestors, province first: at most four steps up the parent links */
    struct region chain[5];
    int n = 0;
    const char *up = g.parent_code;
    while (up && n < 5) {
        e = region_find(r->db, &r->arena, up, &chain[n]);
        if (e == ERR_NOT_FOUND)
            break;
        if (e)
            return e;
        up = chain[n++].parent_code;
    }
    json_t *path = json_array();
    for (int i = n - 1; i >= 0; i--)
        json_array_append_new(path, json_pack("{s:s, s:s, s:i, s:b}", "code", chain[i].code, "name",
                                              chain[i].name, "level", chain[i].level, "placeholder",
                                              chain[i].placeholder));
    struct db_rows cnt;
    e = db_query_one(r->db, &r->arena, "SELECT COUNT(*) FROM region WHERE parent_code = $1",
                     DB_ARGS(DB_T(g.code)), &cnt);
    if (e) {
        json_decref(path);
        return e;
    }
    json_t *body = region_json(&g);
    json_object_set_new(body, "path", path);
    json_object_set_new(body, "child_count", json_integer(db_int(&cnt, 0, 0)));
    return reply_json_take(r, 200, body);
}

enum err region_children(struct req *r)
{
    struct region g;
    enum err e = visible_region(r, &g);
    if (e)
        return e;
    /* above the scope only the branches that lead into it are shown */
    bool whole = access_scope_allows(&r->scope, g.code);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT %s, (SELECT COUNT(*) FROM region c WHERE c.parent_code = region.code) "
             "FROM region WHERE parent_code = $1 ORDER BY code",
             region_cols);
    struct db_rows rows;
    e = db_query(r->db, &r->arena, sql, DB_ARGS(DB_T(g.code)), &rows);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows; i++) {
        struct region k;
        row_region(&rows, i, &k);
        if (!whole && !visible(r, k.code))
            continue;
        json_t *o = region_json(&k);
        json_object_set_new(o, "child_count", json_integer(db_int(&rows, i, 6)));
        json_array_append_new(items, o);
    }
    return reply_json_take(r, 200, json_pack("{s:o}", "items", items));
}

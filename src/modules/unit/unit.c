/* Unit handlers: list (scoped), read, create and update. */
#include "modules/unit/unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/regioncode.h"
#include "core/utf8.h"
#include "db/sqlq.h"
#include "server/access.h"
#include "server/reply.h"

static const char *const kinds[] = {"district",  "department", "township",
                                    "community", "other",      NULL};

static const char *const columns =
    "id, name, kind, region_code, parent_id, contact, created_at, updated_at";

static json_t *row_json(const struct db_rows *rows, size_t i)
{
    return json_pack("{s:o, s:s, s:s, s:s, s:o, s:s?, s:o, s:o}", "id", json_id(db_int(rows, i, 0)),
                     "name", db_str(rows, i, 1), "kind", db_str(rows, i, 2), "region_code",
                     db_str(rows, i, 3), "parent_id", json_id(db_int(rows, i, 4)), "contact",
                     db_str(rows, i, 5), "created_at", json_time(db_int(rows, i, 6)), "updated_at",
                     json_time(db_int(rows, i, 7)));
}

static enum err reply_unit(struct req *r, int status, int64_t id)
{
    struct db_rows rows;
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT %s FROM unit WHERE id = $1", columns);
    enum err e = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(id)), &rows);
    if (e)
        return e;
    return reply_json_take(r, status, row_json(&rows, 0));
}

enum err unit_list(struct req *r)
{
    int64_t page, size, total = 0;
    query_page(r, 20, &page, &size);
    struct sqlq from;
    sqlq_init(&from);
    sqlq_add(&from, "FROM unit WHERE ");
    access_scope_sql(&r->scope, "region_code", &r->arena, &from);
    const char *s;
    if ((s = query_str(r, "region_code"))) {
        /* a filter narrows to a subtree; outside the scope it simply finds nothing */
        struct scope sub = {&s, 1};
        sqlq_add(&from, " AND ");
        access_scope_sql(&sub, "region_code", &r->arena, &from);
    }
    if ((s = query_str(r, "kind"))) {
        sqlq_add(&from, " AND kind = ");
        sqlq_arg(&from, DB_T(s));
    }
    if ((s = query_str(r, "q"))) {
        sqlq_add(&from, " AND name LIKE ");
        sqlq_arg(&from, DB_T(db_like_contains(&r->arena, s)));
        sqlq_add(&from, " ESCAPE '\\'");
    }
    struct db_rows rows;
    enum err e = sqlq_page(r->db, &r->arena, columns, &from, "region_code, name, id", page, size,
                           &total, &rows);
    sqlq_release(&from);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows; i++)
        json_array_append_new(items, row_json(&rows, i));
    return reply_page_take(r, items, total, page, size);
}

enum err unit_get(struct req *r)
{
    return reply_unit(r, 200, r->id);
}

/* Reads and checks the fields; for an update, absent fields keep their values. */
static void read_fields(struct req *r, bool create, const char **name, const char **kind,
                        const char **region, const char **contact, int64_t *parent,
                        bool *has_parent)
{
    static const char *const keys[] = {"name", "kind", "region_code", "parent_id", "contact", NULL};
    enum body_req need = create ? REQUIRED : OPTIONAL;
    body_allow(r, keys);
    *name = body_str(r, "name", "单位名称", need, 100);
    *kind = body_str(r, "kind", "单位类别", need, 20);
    *region = body_str(r, "region_code", "所属区划", need, 12);
    *contact = body_str(r, "contact", "联系方式", OPTIONAL, 100);
    *has_parent = body_id(r, "parent_id", "上级单位", OPTIONAL, parent);
    if (*name && !create && !**name)
        req_field_error(r, "name", "单位名称", "required");
    if (*kind) {
        bool ok = false;
        for (const char *const *k = kinds; *k; k++)
            ok = ok || strcmp(*k, *kind) == 0;
        if (!ok)
            req_field_error(r, "kind", "单位类别", "invalid_enum");
    }
    if (*region && !regioncode_valid(*region))
        req_field_error(r, "region_code", "所属区划", "invalid_region");
    if (*has_parent && !r->nerrors) {
        /* a parent the caller cannot see does not exist for them */
        enum err e = access_check_row(r, "unit", *parent);
        if (e == ERR_NOT_FOUND)
            req_field_error(r, "parent_id", "上级单位", "not_found");
        else if (e)
            req_field_error(r, "parent_id", "上级单位", "not_found");
        else if (!create && *parent == r->id)
            req_field_error(r, "parent_id", "上级单位", "invalid_format");
    }
}

enum err unit_create(struct req *r)
{
    const char *name, *kind, *region, *contact;
    int64_t parent = 0;
    bool has_parent;
    read_fields(r, true, &name, &kind, &region, &contact, &parent, &has_parent);
    if (r->nerrors)
        return ERR_INVALID;
    int64_t id = id_next();
    enum err e = db_exec(r->db,
                         "INSERT INTO unit (id, name, kind, region_code, parent_id, contact, "
                         "created_at, updated_at, created_by, updated_by) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8)",
                         DB_ARGS(DB_I(id), DB_T(name), DB_T(kind), DB_T(region),
                                 has_parent ? DB_I(parent) : DB_NUL, DB_T(contact), DB_I(r->now),
                                 DB_I(r->user.id)),
                         NULL);
    if (e)
        return e;
    r->audit.object_type = "unit";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, id);
    r->audit.detail = "{\"fields\":[\"name\",\"kind\",\"region_code\",\"parent_id\",\"contact\"]}";
    return reply_unit(r, 201, id);
}

enum err unit_update(struct req *r)
{
    const char *name, *kind, *region, *contact;
    int64_t parent = 0;
    bool has_parent;
    read_fields(r, false, &name, &kind, &region, &contact, &parent, &has_parent);
    if (r->nerrors)
        return ERR_INVALID;
    struct sbuf changed;
    sbuf_init(&changed, 1024);
    sbuf_adds(&changed, "{\"fields\":[");
    const char *names[] = {"name", "kind", "region_code", "contact"};
    const char *vals[] = {name, kind, region, contact};
    enum err e = ERR_OK;
    int n = 0;
    for (size_t i = 0; i < 4 && !e; i++) {
        if (!vals[i])
            continue;
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE unit SET %s = $2 WHERE id = $1", names[i]);
        e = db_exec(r->db, sql, DB_ARGS(DB_I(r->id), DB_T(vals[i])), NULL);
        sbuf_addf(&changed, "%s\"%s\"", n++ ? "," : "", names[i]);
    }
    if (!e && has_parent) {
        e = db_exec(r->db, "UPDATE unit SET parent_id = $2 WHERE id = $1",
                    DB_ARGS(DB_I(r->id), DB_I(parent)), NULL);
        sbuf_addf(&changed, "%s\"parent_id\"", n++ ? "," : "");
    }
    if (!e)
        e = db_exec(r->db, "UPDATE unit SET updated_at = $2, updated_by = $3 WHERE id = $1",
                    DB_ARGS(DB_I(r->id), DB_I(r->now), DB_I(r->user.id)), NULL);
    sbuf_adds(&changed, "]}");
    r->audit.object_type = "unit";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, r->id);
    r->audit.detail = arena_strdup(&r->arena, changed.buf);
    sbuf_release(&changed);
    if (e)
        return e;
    return reply_unit(r, 200, r->id);
}

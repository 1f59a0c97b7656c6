/* User administration over the API. The three admin roles split the work (三员分立):
 * sysadmin creates, locks and resets accounts; secadmin grants and revokes roles at posts
 * inside its own scope; nobody changes their own account or roles here. */
#include "server/users_api.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/encode.h"
#include "core/regioncode.h"
#include "db/sqlq.h"
#include "server/access.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/reply.h"

static void set_audit_user(struct req *r, int64_t id)
{
    r->audit.object_type = "user";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, id);
}

/* The user's JSON with its posts; ERR_NOT_FOUND when there is none. */
static enum err user_json(struct req *r, int64_t id, json_t **out)
{
    struct db_rows u, posts, fail;
    enum err e = db_query_one(r->db, &r->arena,
                              "SELECT id, username, display_name, status, password_changed_at, "
                              "last_login_at, created_at FROM users WHERE id = $1",
                              DB_ARGS(DB_I(id)), &u);
    if (e)
        return e;
    e = db_query(r->db, &r->arena,
                 "SELECT id, role, region_code, unit_id, granted_at FROM user_role "
                 "WHERE user_id = $1 ORDER BY region_code, role",
                 DB_ARGS(DB_I(id)), &posts);
    if (!e)
        e = db_query(r->db, &r->arena,
                     "SELECT failures, locked_until FROM login_failure WHERE username = $1",
                     DB_ARGS(DB_T(db_str(&u, 0, 1))), &fail);
    if (e)
        return e;
    json_t *jp = json_array();
    for (size_t i = 0; i < posts.nrows; i++)
        json_array_append_new(
            jp, json_pack("{s:o, s:s, s:s, s:o, s:o}", "id", json_id(db_int(&posts, i, 0)), "role",
                          db_str(&posts, i, 1), "region_code", db_str(&posts, i, 2), "unit_id",
                          json_id(db_int(&posts, i, 3)), "granted_at",
                          json_time(db_int(&posts, i, 4))));
    int64_t until = fail.nrows && !db_is_null(&fail, 0, 1) ? db_int(&fail, 0, 1) : 0;
    *out = json_pack("{s:o, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
                     json_id(db_int(&u, 0, 0)), "username", db_str(&u, 0, 1), "display_name",
                     db_str(&u, 0, 2), "status", db_str(&u, 0, 3), "failed_logins",
                     (json_int_t)(fail.nrows ? db_int(&fail, 0, 0) : 0), "locked_until",
                     until > r->now ? json_time(until) : json_null(), "password_changed_at",
                     json_time(db_int(&u, 0, 4)), "last_login_at", json_time(db_int(&u, 0, 5)),
                     "created_at", json_time(db_int(&u, 0, 6)), "posts", jp);
    return *out ? ERR_OK : ERR_NOMEM;
}

enum err users_list(struct req *r)
{
    int64_t page, size, total = 0;
    query_page(r, 20, &page, &size);
    struct sqlq from;
    sqlq_init(&from);
    sqlq_add(&from, "FROM users WHERE 1 = 1");
    const char *s = query_str(r, "q");
    if (s) {
        const char *like = db_like_contains(&r->arena, s);
        sqlq_add(&from, " AND (username LIKE ");
        sqlq_arg(&from, DB_T(like));
        sqlq_add(&from, " ESCAPE '\\' OR display_name LIKE ");
        sqlq_arg(&from, DB_T(like));
        sqlq_add(&from, " ESCAPE '\\')");
    }
    if ((s = query_str(r, "status"))) {
        sqlq_add(&from, " AND status = ");
        sqlq_arg(&from, DB_T(s));
    }
    struct db_rows rows;
    enum err e = sqlq_page(r->db, &r->arena, "id", &from, "username", page, size, &total, &rows);
    sqlq_release(&from);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < rows.nrows && !e; i++) {
        json_t *u = NULL;
        e = user_json(r, db_int(&rows, i, 0), &u);
        if (!e)
            json_array_append_new(items, u);
    }
    if (e) {
        json_decref(items);
        return e;
    }
    return reply_page_take(r, items, total, page, size);
}

enum err users_get(struct req *r)
{
    json_t *u;
    enum err e = user_json(r, r->id, &u);
    if (e)
        return e;
    return reply_json_take(r, 200, u);
}

enum err users_create(struct req *r)
{
    static const char *const keys[] = {"username", "display_name", "password", NULL};
    body_allow(r, keys);
    const char *name = body_str(r, "username", "用户名", REQUIRED, 32);
    const char *display = body_str(r, "display_name", "姓名", REQUIRED, 64);
    const char *password = body_str(r, "password", "初始密码", REQUIRED, 0);
    char *uname = name ? arena_strdup(&r->arena, name) : NULL;
    if (uname && !accounts_username_normalize(uname))
        req_field_error(r, "username", "用户名", "invalid_username");
    if (uname && password && !r->nerrors) {
        const char *problem = accounts_password_problem(r->db, &r->arena, 0, uname, password);
        if (problem)
            req_field_error(r, "password", "初始密码", problem);
    }
    if (r->nerrors)
        return ERR_INVALID;
    /* ~100 ms of hashing inside the write transaction: acceptable for an admin action */
    char hash[ACCOUNTS_HASH_LEN];
    enum err e = accounts_hash_password(password, hash);
    int64_t id = 0;
    if (!e)
        e = accounts_create(r->db, uname, display, hash, &id);
    if (e == ERR_CONFLICT)
        return req_field_error(r, "username", "用户名", "taken");
    if (e)
        return e;
    set_audit_user(r, id);
    r->audit.detail = "{\"fields\":[\"username\",\"display_name\",\"password\"]}";
    json_t *u;
    e = user_json(r, id, &u);
    if (e)
        return e;
    return reply_json_take(r, 201, u);
}

static enum err set_status(struct req *r, const char *status)
{
    if (r->id == r->user.id)
        return req_field_error(r, "id", "用户", "self_grant");
    enum err e = accounts_set_status(r->db, r->id, status);
    if (e)
        return e;
    set_audit_user(r, r->id);
    json_t *u;
    e = user_json(r, r->id, &u);
    if (e)
        return e;
    return reply_json_take(r, 200, u);
}

enum err users_lock(struct req *r)
{
    r->audit.detail = "{\"status\":\"locked\"}";
    return set_status(r, "locked");
}

enum err users_unlock(struct req *r)
{
    r->audit.detail = "{\"status\":\"active\"}";
    return set_status(r, "active");
}

enum err users_reset_password(struct req *r)
{
    static const char *const keys[] = {"password", NULL};
    body_allow(r, keys);
    const char *password = body_str(r, "password", "新密码", REQUIRED, 0);
    if (r->nerrors)
        return ERR_INVALID;
    if (r->id == r->user.id)
        return req_field_error(r, "id", "用户", "self_grant");
    struct db_rows u;
    enum err e = db_query_one(r->db, &r->arena, "SELECT username FROM users WHERE id = $1",
                              DB_ARGS(DB_I(r->id)), &u);
    if (e)
        return e;
    const char *problem =
        accounts_password_problem(r->db, &r->arena, r->id, db_str(&u, 0, 0), password);
    if (problem)
        return req_field_error(r, "password", "新密码", problem);
    char hash[ACCOUNTS_HASH_LEN];
    e = accounts_hash_password(password, hash);
    if (!e)
        e = accounts_set_password(r->db, r->id, hash);
    if (!e)
        e = auth_sessions_end(r, r->id, NULL);
    if (e)
        return e;
    set_audit_user(r, r->id);
    r->audit.detail = "{\"fields\":[\"password\"]}";
    return reply_no_content(r);
}

enum err users_grant(struct req *r)
{
    static const char *const keys[] = {"role", "region_code", "unit_id", NULL};
    body_allow(r, keys);
    const char *role = body_str(r, "role", "角色", REQUIRED, 64);
    const char *region = body_str(r, "region_code", "岗位区划", REQUIRED, 12);
    int64_t unit = 0;
    body_id(r, "unit_id", "岗位单位", OPTIONAL, &unit);
    if (region && !regioncode_valid(region))
        req_field_error(r, "region_code", "岗位区划", "invalid_region");
    if (r->nerrors)
        return ERR_INVALID;
    if (r->id == r->user.id)
        return req_field_error(r, "role", "角色", "self_grant");
    if (!access_scope_allows(&r->scope, region)) {
        req_field_error(r, "region_code", "岗位区划", "out_of_scope");
        return ERR_FORBIDDEN;
    }
    int64_t grant_id = 0;
    const char *why = NULL;
    enum err e = accounts_grant(r->db, r->id, role, region, unit, r->user.id, &grant_id, &why);
    if (e == ERR_NOT_FOUND && why)
        return req_field_error(r, "role", "角色", why);
    if (e == ERR_CONFLICT) {
        req_field_error(r, "role", "角色", why ? why : "taken");
        return ERR_CONFLICT;
    }
    if (e)
        return e;
    /* the user's sessions carry the old rights: end them */
    e = auth_sessions_end(r, r->id, NULL);
    if (e)
        return e;
    set_audit_user(r, r->id);
    r->audit.detail =
        arena_printf(&r->arena, "{\"role\":\"%s\",\"region_code\":\"%s\"}", role, region);
    json_t *u;
    e = user_json(r, r->id, &u);
    if (e)
        return e;
    return reply_json_take(r, 201, u);
}

enum err users_revoke(struct req *r)
{
    int64_t grant_id;
    if (r->id == r->user.id)
        return req_field_error(r, "role", "角色", "self_grant");
    if (!parse_int64(r->params[1], &grant_id))
        return ERR_NOT_FOUND;
    struct db_rows g;
    enum err e = db_query_one(r->db, &r->arena,
                              "SELECT role, region_code FROM user_role WHERE id = $1 AND "
                              "user_id = $2",
                              DB_ARGS(DB_I(grant_id), DB_I(r->id)), &g);
    if (e)
        return e;
    if (!access_scope_allows(&r->scope, db_str(&g, 0, 1)))
        return ERR_NOT_FOUND;
    int64_t removed = 0;
    e = accounts_revoke(r->db, r->id, NULL, NULL, grant_id, &removed);
    if (!e)
        e = auth_sessions_end(r, r->id, NULL);
    if (e)
        return e;
    set_audit_user(r, r->id);
    r->audit.detail = arena_printf(&r->arena, "{\"role\":\"%s\",\"region_code\":\"%s\"}",
                                   db_str(&g, 0, 0), db_str(&g, 0, 1));
    return reply_no_content(r);
}

enum err roles_list(struct req *r)
{
    struct db_rows roles, perms;
    enum err e =
        db_query(r->db, &r->arena,
                 "SELECT name, label, admin_kind, builtin, requires_2fa FROM role ORDER BY name",
                 DB_NOARGS, &roles);
    if (!e)
        e = db_query(r->db, &r->arena,
                     "SELECT role, permission FROM role_permission ORDER BY role, permission",
                     DB_NOARGS, &perms);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; i < roles.nrows; i++) {
        json_t *p = json_array();
        for (size_t k = 0; k < perms.nrows; k++)
            if (strcmp(db_str(&perms, k, 0), db_str(&roles, i, 0)) == 0)
                json_array_append_new(p, json_string(db_str(&perms, k, 1)));
        json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:b, s:b, s:o}", "name",
                                               db_str(&roles, i, 0), "label", db_str(&roles, i, 1),
                                               "admin_kind", db_str(&roles, i, 2), "builtin",
                                               (int)db_int(&roles, i, 3), "requires_2fa",
                                               (int)db_int(&roles, i, 4), "permissions", p));
    }
    return reply_json_take(r, 200, json_pack("{s:o}", "items", items));
}

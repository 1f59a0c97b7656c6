/* Permissions and region scope (see access.h). */
#include "server/access.h"

#include <stdio.h>
#include <string.h>

#include "core/regioncode.h"

enum err access_sync_roles(struct db_conn *c, const struct role_def *roles)
{
    enum err e = ERR_OK;
    for (const struct role_def *r = roles; r->name && !e; r++) {
        e = db_exec(c,
                    "INSERT INTO role (name, label, admin_kind, builtin, requires_2fa) "
                    "VALUES ($1, $2, $3, 1, $4) "
                    "ON CONFLICT (name) DO UPDATE SET label = excluded.label, "
                    "admin_kind = excluded.admin_kind, builtin = 1, "
                    "requires_2fa = excluded.requires_2fa",
                    DB_ARGS(DB_T(r->name), DB_T(r->label), DB_T(r->admin_kind),
                            DB_I(r->requires_2fa ? 1 : 0)),
                    NULL);
        if (!e)
            e = db_exec(c, "DELETE FROM role_permission WHERE role = $1", DB_ARGS(DB_T(r->name)),
                        NULL);
        for (const char *const *p = r->perms; p && *p && !e; p++)
            e = db_exec(c, "INSERT INTO role_permission (role, permission) VALUES ($1, $2)",
                        DB_ARGS(DB_T(r->name), DB_T(*p)), NULL);
    }
    return e;
}

enum err access_load(struct req *r, int64_t user_id)
{
    struct db_rows posts, grants;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT ur.role, ur.region_code, ur.unit_id, ro.admin_kind "
                          "FROM user_role ur JOIN role ro ON ro.name = ur.role "
                          "WHERE ur.user_id = $1 ORDER BY ur.region_code, ur.role",
                          DB_ARGS(DB_I(user_id)), &posts);
    if (e)
        return e;
    e = db_query(r->db, &r->arena,
                 "SELECT DISTINCT rp.role, rp.permission FROM role_permission rp "
                 "JOIN user_role ur ON ur.role = rp.role WHERE ur.user_id = $1 "
                 "ORDER BY rp.permission",
                 DB_ARGS(DB_I(user_id)), &grants);
    if (e)
        return e;
    struct principal *u = &r->user;
    u->posts = arena_calloc(&r->arena, posts.nrows + 1, sizeof(*u->posts));
    u->grants = arena_calloc(&r->arena, grants.nrows + 1, sizeof(*u->grants));
    u->perms = arena_calloc(&r->arena, grants.nrows + 1, sizeof(*u->perms));
    if (!u->posts || !u->grants || !u->perms)
        return ERR_NOMEM;
    for (size_t i = 0; i < posts.nrows; i++) {
        u->posts[i] =
            (struct post){db_str(&posts, i, 0), db_str(&posts, i, 1), db_int(&posts, i, 2)};
        if (!db_is_null(&posts, i, 3))
            u->admin_kind = db_str(&posts, i, 3);
    }
    u->nposts = posts.nrows;
    for (size_t i = 0; i < grants.nrows; i++) {
        u->grants[i] = (struct grant){db_str(&grants, i, 0), db_str(&grants, i, 1)};
        if (u->nperms == 0 || strcmp(u->perms[u->nperms - 1], u->grants[i].perm) != 0)
            u->perms[u->nperms++] = u->grants[i].perm;
    }
    u->ngrants = grants.nrows;
    return ERR_OK;
}

bool access_has(const struct req *r, const char *perm)
{
    for (size_t i = 0; i < r->user.nperms; i++)
        if (strcmp(r->user.perms[i], perm) == 0)
            return true;
    return false;
}

static bool role_grants(const struct principal *u, const char *role, const char *perm)
{
    for (size_t i = 0; i < u->ngrants; i++)
        if (strcmp(u->grants[i].role, role) == 0 && strcmp(u->grants[i].perm, perm) == 0)
            return true;
    return false;
}

bool access_scope_allows(const struct scope *s, const char *region_code)
{
    for (size_t i = 0; i < s->n; i++)
        if (regioncode_within(region_code, s->roots[i]))
            return true;
    return false;
}

enum err access_scope(struct req *r, const char *perm, struct scope *out)
{
    const struct principal *u = &r->user;
    out->n = 0;
    out->roots = arena_calloc(&r->arena, u->nposts + 1, sizeof(char *));
    if (!out->roots)
        return ERR_NOMEM;
    for (size_t i = 0; i < u->nposts; i++) {
        if (!role_grants(u, u->posts[i].role, perm))
            continue;
        const char *code = u->posts[i].region_code;
        /* keep only the outermost roots */
        if (access_scope_allows(out, code))
            continue;
        size_t k = 0;
        for (size_t j = 0; j < out->n; j++)
            if (!regioncode_within(out->roots[j], code))
                out->roots[k++] = out->roots[j];
        out->n = k;
        out->roots[out->n++] = code;
    }
    return ERR_OK;
}

void access_scope_sql(const struct scope *s, const char *column, struct arena *a, struct sqlq *q)
{
    if (s->n == 0) {
        sqlq_add(q, "(1 = 0)");
        return;
    }
    sqlq_add(q, "(");
    for (size_t i = 0; i < s->n; i++) {
        /* the subtree of a root is the range root .. root with its zero levels as nines */
        char *hi = arena_strdup(a, s->roots[i]);
        if (!hi) {
            q->overflow = true;
            return;
        }
        size_t p = regioncode_prefix_len(hi);
        memset(hi + p, '9', REGION_CODE_LEN - p);
        if (i)
            sqlq_add(q, " OR ");
        sqlq_add(q, column);
        sqlq_add(q, " BETWEEN ");
        sqlq_arg(q, DB_T(s->roots[i]));
        sqlq_add(q, " AND ");
        sqlq_arg(q, DB_T(hi));
    }
    sqlq_add(q, ")");
}

enum err access_check_row(struct req *r, const char *table, int64_t id)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT region_code FROM %s WHERE id = $1", table);
    struct db_rows rows;
    enum err e = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_I(id)), &rows);
    if (e)
        return e;
    const char *code = db_str(&rows, 0, 0);
    if (!code || !access_scope_allows(&r->scope, code))
        return ERR_NOT_FOUND;
    return ERR_OK;
}

/* ---- Units of the posts ----------------------------------------------------------- */

static void add_unit(int64_t *list, size_t *n, int64_t unit)
{
    if (!access_units_has(list, *n, unit))
        list[(*n)++] = unit;
}

enum err access_units(struct req *r, const char *perm, struct access_units *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = r->user.nposts ? r->user.nposts : 1;
    out->units = arena_calloc(&r->arena, n, sizeof(int64_t));
    out->granting = arena_calloc(&r->arena, n, sizeof(int64_t));
    if (!out->units || !out->granting)
        return ERR_NOMEM;
    for (size_t i = 0; i < r->user.nposts; i++) {
        const struct post *p = &r->user.posts[i];
        bool grants = role_grants(&r->user, p->role, perm);
        if (p->unit_id)
            add_unit(out->units, &out->nunits, p->unit_id);
        if (grants && p->unit_id)
            add_unit(out->granting, &out->ngranting, p->unit_id);
        if (grants && !p->unit_id)
            out->by_region = true;
    }
    return ERR_OK;
}

bool access_units_has(const int64_t *list, size_t n, int64_t unit)
{
    for (size_t i = 0; unit && i < n; i++)
        if (list[i] == unit)
            return true;
    return false;
}

void access_units_sql(struct sqlq *q, const int64_t *list, size_t n)
{
    sqlq_add(q, "(");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sqlq_add(q, ", ");
        sqlq_arg(q, DB_I(list[i]));
    }
    sqlq_add(q, ")");
}

enum err access_units_narrow(struct req *r, const char *perm, struct sqlq *q,
                             const char *const *parts)
{
    if (!r->user.id) {
        sqlq_add(q, " AND 1 = 0");
        return ERR_OK;
    }
    struct access_units rd;
    enum err err = access_units(r, perm, &rd);
    if (err || rd.by_region)
        return err;
    if (!rd.ngranting) {
        sqlq_add(q, " AND 1 = 0");
        return ERR_OK;
    }
    for (size_t i = 0; parts[i]; i++) {
        if (i)
            access_units_sql(q, rd.granting, rd.ngranting);
        sqlq_add(q, parts[i]);
    }
    return q->overflow ? ERR_TOO_LARGE : ERR_OK;
}

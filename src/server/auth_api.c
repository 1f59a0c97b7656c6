/* POST /api/v1/auth/login, /logout, /password and GET /api/v1/auth/me. */
#include "server/auth_api.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "server/access.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/msg.h"
#include "server/reply.h"

struct login {
    struct req *r;
    const char *username;
    int64_t user_id;
    bool password_ok;
    bool admin;
    const char *old_hash; /* the session cookie presented, if any */
    enum err outcome;     /* what the client is told */
    char csrf[65];
};

/* Records a failed attempt; the fifth within the window locks the name for 15 minutes. */
static enum err count_failure(struct login *l, bool *locked_now)
{
    struct req *r = l->r;
    struct db_rows rows;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT failures, locked_until FROM login_failure WHERE username = $1",
                          DB_ARGS(DB_T(l->username)), &rows);
    if (e)
        return e;
    int64_t failures = 1;
    if (rows.nrows) {
        int64_t until = db_is_null(&rows, 0, 1) ? 0 : db_int(&rows, 0, 1);
        /* a lock that has run out starts a fresh count */
        failures = until && until <= r->now ? 1 : db_int(&rows, 0, 0) + 1;
    }
    *locked_now = failures >= ACCOUNTS_MAX_FAILURES;
    return db_exec(r->db,
                   "INSERT INTO login_failure (username, failures, locked_until, last_failure_at) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO UPDATE SET "
                   "failures = excluded.failures, locked_until = excluded.locked_until, "
                   "last_failure_at = excluded.last_failure_at",
                   DB_ARGS(DB_T(l->username), DB_I(failures),
                           *locked_now ? DB_I(r->now + ACCOUNTS_LOCK_SECONDS) : DB_NUL,
                           DB_I(r->now)),
                   NULL);
}

static enum err login_record(struct db_conn *c, void *ctx)
{
    struct login *l = ctx;
    struct req *r = l->r;
    char uid[24] = "";
    if (l->user_id)
        snprintf(uid, sizeof(uid), "%lld", (long long)l->user_id);
    /* the audit record names the account only when it exists */
    r->user.username = l->user_id ? l->username : NULL;
    r->user.id = l->user_id;
    const char *detail = NULL;
    enum err e = ERR_OK;
    if (l->outcome == ERR_ACCOUNT_LOCKED && !l->password_ok) {
        detail = "{\"reason\":\"locked_after_failures\"}";
    } else if (!l->password_ok) {
        bool locked_now = false;
        e = count_failure(l, &locked_now);
        if (e)
            return e;
        if (locked_now) {
            l->outcome = ERR_ACCOUNT_LOCKED;
            e = audit_event(r, "login.lock", l->user_id ? "user" : NULL, l->user_id ? uid : NULL,
                            "success", "{\"reason\":\"too_many_failures\"}");
            if (e)
                return e;
        }
        detail = l->user_id ? "{\"reason\":\"wrong_password\"}" : "{\"reason\":\"unknown_user\"}";
    } else if (l->outcome == ERR_ACCOUNT_LOCKED) {
        detail = "{\"reason\":\"locked_by_admin\"}";
    } else if (l->outcome == ERR_ACCOUNT_DISABLED) {
        detail = "{\"reason\":\"disabled\"}";
    }
    if (l->outcome) {
        r->user.id = 0;
        return audit_event(r, "login.failure", l->user_id ? "user" : NULL, l->user_id ? uid : NULL,
                           "failure", detail);
    }
    e = db_exec(c, "DELETE FROM login_failure WHERE username = $1", DB_ARGS(DB_T(l->username)),
                NULL);
    if (!e)
        e = db_exec(c, "UPDATE users SET last_login_at = $2 WHERE id = $1",
                    DB_ARGS(DB_I(l->user_id), DB_I(r->now)), NULL);
    /* a new session id at every login: the one presented (if any) ends */
    if (!e && l->old_hash)
        e = db_exec(c, "DELETE FROM session WHERE id_hash = $1", DB_ARGS(DB_T(l->old_hash)), NULL);
    if (!e)
        e = auth_session_start(r, l->user_id, l->admin, l->csrf);
    if (!e)
        e = audit_event(r, "login.success", "user", uid, "success", NULL);
    return e;
}

static json_t *user_json(struct req *r)
{
    json_t *posts = json_array();
    for (size_t i = 0; i < r->user.nposts; i++)
        json_array_append_new(posts, json_pack("{s:s, s:s, s:o}", "role", r->user.posts[i].role,
                                               "region_code", r->user.posts[i].region_code,
                                               "unit_id", json_id(r->user.posts[i].unit_id)));
    json_t *perms = json_array();
    for (size_t i = 0; i < r->user.nperms; i++)
        json_array_append_new(perms, json_string(r->user.perms[i]));
    /* the union of the posts' regions, outermost only */
    struct scope all = {arena_calloc(&r->arena, r->user.nposts + 1, sizeof(char *)), 0};
    json_t *scope = json_array();
    for (size_t i = 0; all.roots && i < r->user.nposts; i++) {
        if (access_scope_allows(&all, r->user.posts[i].region_code))
            continue;
        all.roots[all.n++] = r->user.posts[i].region_code;
    }
    for (size_t i = 0; i < all.n; i++) {
        bool inner = false;
        for (size_t j = 0; j < all.n; j++)
            if (i != j && strcmp(all.roots[i], all.roots[j]) != 0 &&
                access_scope_allows(&(struct scope){&all.roots[j], 1}, all.roots[i]))
                inner = true;
        if (!inner)
            json_array_append_new(scope, json_string(all.roots[i]));
    }
    return json_pack("{s:o, s:s, s:s, s:s?, s:o, s:o, s:o}", "id", json_id(r->user.id), "username",
                     r->user.username, "display_name", r->user.display_name, "admin_kind",
                     r->user.admin_kind, "posts", posts, "permissions", perms, "scope", scope);
}

enum err auth_login(struct req *r)
{
    static const char *const keys[] = {"username", "password", NULL};
    if (!auth_rate_allow(r))
        return ERR_RATE_LIMITED;
    body_allow(r, keys);
    const char *name = body_str(r, "username", "用户名", REQUIRED, 64);
    const char *password = body_str(r, "password", "密码", REQUIRED, 256);
    if (r->nerrors)
        return ERR_INVALID;
    struct login l = {.r = r};
    char *uname = arena_strdup(&r->arena, name);
    if (!uname)
        return ERR_NOMEM;
    /* a name that cannot exist is still counted and answered like any other */
    accounts_username_normalize(uname);
    l.username = uname;
    const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sid");
    if (sid && *sid) {
        char *h = arena_alloc(&r->arena, 65);
        if (!h)
            return ERR_NOMEM;
        accounts_secret_hash(sid, h);
        l.old_hash = h;
    }

    /* Reads and the slow hash happen outside any transaction. */
    struct db_rows lock, user;
    enum err e =
        db_query(r->db, &r->arena, "SELECT locked_until FROM login_failure WHERE username = $1",
                 DB_ARGS(DB_T(uname)), &lock);
    if (!e)
        e = db_query(
            r->db, &r->arena,
            "SELECT id, password_hash, status, display_name FROM users WHERE username = $1",
            DB_ARGS(DB_T(uname)), &user);
    if (e)
        return e;
    if (user.nrows)
        l.user_id = db_int(&user, 0, 0);
    if (lock.nrows && !db_is_null(&lock, 0, 0) && db_int(&lock, 0, 0) > r->now) {
        l.outcome = ERR_ACCOUNT_LOCKED;
    } else if (!user.nrows) {
        accounts_verify_dummy(password);
        l.outcome = ERR_BAD_CREDENTIALS;
    } else if (!accounts_verify_password(db_str(&user, 0, 1), password)) {
        l.outcome = ERR_BAD_CREDENTIALS;
    } else {
        l.password_ok = true;
        const char *status = db_str(&user, 0, 2);
        if (strcmp(status, "locked") == 0)
            l.outcome = ERR_ACCOUNT_LOCKED;
        else if (strcmp(status, "disabled") == 0)
            l.outcome = ERR_ACCOUNT_DISABLED;
    }
    if (!l.outcome) {
        e = access_load(r, l.user_id);
        if (e)
            return e;
        l.admin = r->user.admin_kind != NULL;
    }
    e = db_tx_run(r->db, login_record, &l);
    if (e)
        return e;
    if (l.outcome == ERR_ACCOUNT_LOCKED)
        return req_fail(r, l.outcome, l.password_ok ? "account_locked_by_admin" : "login_locked");
    if (l.outcome)
        return l.outcome;
    r->user.id = l.user_id;
    r->user.username = uname;
    r->user.display_name = db_str(&user, 0, 3);
    return reply_json_take(r, 200, json_pack("{s:o, s:s}", "user", user_json(r), "csrf", l.csrf));
}

enum err auth_logout(struct req *r)
{
    /* Logging out ends every session of the user, not only this browser's. */
    enum err e = auth_sessions_end(r, r->user.id, NULL);
    if (e)
        return e;
    auth_clear_cookie(r);
    r->audit.object_type = "user";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%lld", (long long)r->user.id);
    return reply_no_content(r);
}

enum err auth_me(struct req *r)
{
    json_t *body = json_pack("{s:o}", "user", user_json(r));
    if (body && r->user.kind == AUTH_SESSION)
        json_object_set_new(body, "csrf", json_string(r->user.csrf));
    return reply_json_take(r, 200, body);
}

struct pwchange {
    struct req *r;
    char hash[ACCOUNTS_HASH_LEN];
};

static enum err password_record(struct db_conn *c, void *ctx)
{
    struct pwchange *p = ctx;
    struct req *r = p->r;
    enum err e = accounts_set_password(c, r->user.id, p->hash);
    if (!e)
        e = auth_sessions_end(r, r->user.id, r->user.session_hash);
    if (!e) {
        char uid[24];
        snprintf(uid, sizeof(uid), "%lld", (long long)r->user.id);
        e = audit_event(r, "password.change", "user", uid, "success", NULL);
    }
    return e;
}

enum err auth_password(struct req *r)
{
    static const char *const keys[] = {"current_password", "new_password", NULL};
    body_allow(r, keys);
    const char *cur = body_str(r, "current_password", "当前密码", REQUIRED, 256);
    const char *next = body_str(r, "new_password", "新密码", REQUIRED, 0);
    if (r->nerrors)
        return ERR_INVALID;
    struct db_rows rows;
    enum err e = db_query_one(r->db, &r->arena, "SELECT password_hash FROM users WHERE id = $1",
                              DB_ARGS(DB_I(r->user.id)), &rows);
    if (e)
        return e;
    if (!accounts_verify_password(db_str(&rows, 0, 0), cur))
        return req_field_error(r, "current_password", "当前密码", "password_wrong");
    const char *problem =
        accounts_password_problem(r->db, &r->arena, r->user.id, r->user.username, next);
    if (problem)
        return req_field_error(r, "new_password", "新密码", problem);
    struct pwchange p = {.r = r};
    e = accounts_hash_password(next, p.hash);
    if (!e)
        e = db_tx_run(r->db, password_record, &p);
    if (e)
        return e;
    return reply_no_content(r);
}

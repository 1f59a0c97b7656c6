/* POST /api/v1/auth/login, /logout, /password and GET /api/v1/auth/me. A login whose
 * account has or needs a second factor stops at a challenge (see totp_api.c). */
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
#include "server/twofactor.h"

struct login {
    struct req *r;
    const char *username;
    int64_t user_id;
    bool password_ok;
    bool admin;
    bool second;              /* the password was right and a second factor is owed */
    bool enrolled;            /* ... from an authenticator already set up */
    const char *old_hash;     /* the session cookie presented, if any */
    const char *display_name; /* the account's, for the answer */
    enum err outcome;         /* what the client is told */
    char csrf[65];
    char challenge[65];
};

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
        e = auth_failure_count(r, l->username, &locked_now);
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
    /* The answer is made before the commit: a login answered 503 leaves no session or
     * challenge behind. */
    if (l->second) {
        /* the failures are not cleared yet: wrong codes keep counting toward the lock */
        e = twofactor_challenge_create(c, l->user_id, r->ip, r->now, l->challenge);
        if (!e)
            e = audit_event(r, "login.challenge", "user", uid, "success",
                            l->enrolled ? "{\"enrolled\":true}" : "{\"enrolled\":false}");
        if (!e)
            e = reply_json_take(r, 200,
                                json_pack("{s:b, s:b, s:s, s:i}", "second_factor_required", 1,
                                          "enrolled", l->enrolled, "challenge", l->challenge,
                                          "expires_in", TWOFACTOR_CHALLENGE_SECONDS));
    } else {
        e = auth_login_complete(r, l->admin, l->old_hash, NULL, l->csrf);
        if (!e)
            e = auth_login_reply(r, l->display_name, l->csrf, NULL);
    }
    return !e && req_alloc_failed(r) ? ERR_NOMEM : e;
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
    l.old_hash = auth_presented_session(r);

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
    if (user.nrows) {
        l.user_id = db_int(&user, 0, 0);
        l.display_name = db_str(&user, 0, 3);
    }
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
        struct twofactor_status tf;
        e = twofactor_status(r->db, &r->arena, l.user_id, &tf);
        if (e)
            return e;
        l.second = tf.required || tf.enabled;
        l.enrolled = tf.enabled;
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
    return ERR_OK; /* answered by login_record */
}

enum err auth_login_reply(struct req *r, const char *display_name, const char *csrf, json_t *extra)
{
    r->user.display_name = display_name;
    json_t *body = json_pack("{s:o, s:s}", "user", user_json(r), "csrf", csrf);
    if (body && extra)
        json_object_update(body, extra);
    json_decref(extra);
    return reply_json_take(r, 200, body);
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
    struct twofactor_status tf;
    enum err e = twofactor_status(r->db, &r->arena, r->user.id, &tf);
    if (e)
        return e;
    json_t *body = json_pack("{s:o, s:{s:b, s:b, s:I}}", "user", user_json(r), "two_factor",
                             "required", tf.required, "enabled", tf.enabled, "recovery_codes_left",
                             (json_int_t)tf.codes_left);
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

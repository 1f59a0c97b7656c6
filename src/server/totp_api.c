/* The second factor over HTTP (see totp_api.h). Like the password step, each handler reads
 * and checks outside any transaction and then writes in one short one: the code's step or
 * the recovery code used up, the challenge used up, the session, and the audit records.
 * A wrong code counts toward the same lock as a wrong password. enroll and confirm are
 * public routes that authenticate themselves: by the login's challenge when one is sent,
 * else by the session cookie (with its CSRF token), never by an API token. */
#include "server/totp_api.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/qr.h"
#include "server/access.h"
#include "server/audit.h"
#include "server/auth.h"
#include "server/auth_api.h"
#include "server/log.h"
#include "server/reply.h"
#include "server/twofactor.h"

/* Who is setting up or using a second factor. */
struct actor {
    int64_t user_id;
    const char *username;
    const char *display_name;
    const char *challenge; /* the login's challenge; NULL for a signed-in session */
    bool admin;
    char uid[24];
};

/* The holder of a live challenge (its password was right, moments ago), or else the
 * signed-in session. A challenge's account must still be able to log in. */
static enum err actor_find(struct req *r, const char *challenge, struct actor *a)
{
    memset(a, 0, sizeof(*a));
    enum err e;
    if (!challenge) {
        e = auth_authenticate(r);
        if (e)
            return e;
        if (r->user.kind != AUTH_SESSION)
            return req_fail(r, ERR_FORBIDDEN, "totp_session_only");
        a->user_id = r->user.id;
        a->username = r->user.username;
        a->display_name = r->user.display_name;
        a->admin = r->user.admin_kind != NULL;
    } else {
        if (!auth_rate_allow(r))
            return ERR_RATE_LIMITED;
        e = twofactor_challenge_find(r->db, &r->arena, challenge, r->now, &a->user_id);
        if (e == ERR_NOT_FOUND)
            return req_fail(r, ERR_UNAUTHENTICATED, "challenge_invalid");
        if (e)
            return e;
        struct db_rows u;
        e = db_query_one(r->db, &r->arena,
                         "SELECT username, display_name, status FROM users WHERE id = $1",
                         DB_ARGS(DB_I(a->user_id)), &u);
        if (e)
            return e;
        a->username = db_str(&u, 0, 0);
        a->display_name = db_str(&u, 0, 1);
        a->challenge = challenge;
        const char *status = db_str(&u, 0, 2);
        if (strcmp(status, "locked") == 0)
            return req_fail(r, ERR_ACCOUNT_LOCKED, "account_locked_by_admin");
        if (strcmp(status, "disabled") == 0)
            return ERR_ACCOUNT_DISABLED;
        bool locked = false;
        e = auth_failure_locked(r, a->username, &locked);
        if (e)
            return e;
        if (locked)
            return req_fail(r, ERR_ACCOUNT_LOCKED, "login_locked");
        e = access_load(r, a->user_id);
        if (e)
            return e;
        a->admin = r->user.admin_kind != NULL;
        /* records name the user whose password opened the challenge */
        r->user.username = a->username;
    }
    snprintf(a->uid, sizeof(a->uid), "%" PRId64, a->user_id);
    return ERR_OK;
}

/* The answer to a wrong code: on a login step like a wrong password, signed in a field
 * error; either way the lock wins once it is reached. */
static enum err wrong_code(struct req *r, const struct actor *a, bool recovery, bool locked)
{
    if (locked)
        return req_fail(r, ERR_ACCOUNT_LOCKED, "login_locked");
    if (a->challenge)
        return req_fail(r, ERR_BAD_CREDENTIALS, recovery ? "recovery_code_wrong" : "totp_wrong");
    return recovery ? req_field_error(r, "recovery_code", "恢复码", "recovery_code_wrong")
                    : req_field_error(r, "code", "动态验证码", "totp_wrong");
}

/* Records a wrong code (inside the transaction): counted toward the lock, whose arrival
 * also ends the user's challenges, and audited under action with its reason. */
static enum err record_wrong(struct req *r, const struct actor *a, const char *action,
                             const char *reason, bool *locked_now)
{
    if (a->challenge)
        r->user.id = 0; /* like a wrong password: the record names the account, no actor */
    enum err e = auth_failure_count(r, a->username, locked_now);
    if (!e && *locked_now)
        e = twofactor_challenges_end(r->db, a->user_id);
    if (!e && *locked_now)
        e = audit_event(r, "login.lock", "user", a->uid, "success",
                        "{\"reason\":\"too_many_failures\"}");
    if (!e)
        e = audit_event(r, action, "user", a->uid, "failure",
                        arena_printf(&r->arena, "{\"reason\":\"%s\"}", reason));
    return e;
}

/* The code or the recovery code of a body: exactly one of them. */
static void read_codes(struct req *r, const char **code, const char **recovery)
{
    size_t before = r->nerrors;
    *code = body_str(r, "code", "动态验证码", OPTIONAL, 16);
    *recovery = body_str(r, "recovery_code", "恢复码", OPTIONAL, 64);
    if (*code && !**code)
        *code = NULL;
    if (*recovery && !**recovery)
        *recovery = NULL;
    if (r->nerrors > before)
        return; /* a value of the wrong type or length says enough */
    if (!*code && !*recovery)
        req_field_error(r, "code", "动态验证码", "required");
    else if (*code && *recovery)
        req_field_error(r, "recovery_code", "恢复码", "totp_one_of");
}

/* A secret that cannot be sealed or opened is our problem (no key, or not the key the
 * database is under), not the user's. */
static enum err check_failed(struct req *r, enum err e)
{
    if (e == ERR_CONFLICT || e == ERR_UNAVAILABLE) {
        log_error(r, "TOTP secret: the field-encryption key is missing or not the database's");
        return ERR_INTERNAL;
    }
    return e;
}

/* What one code attempt found and did. */
struct attempt {
    struct req *r;
    struct actor *a;
    const char *recovery;    /* the recovery code tried, or NULL for a TOTP code */
    enum totp_result result; /* TOTP: the check's verdict */
    int64_t step;            /* TOTP: the step it matched */
    int64_t code_id;         /* recovery: the code found (0: none) */
    int64_t left;            /* recovery: unused codes after this one */
    bool ok;                 /* the code was accepted and used up */
    bool locked;             /* a wrong one reached the lock */
    const char *action;      /* audit action of a wrong code */
    char csrf[65];
    char codes[TWOFACTOR_RECOVERY_CODES][TWOFACTOR_RECOVERY_LEN + 1];
};

/* Reads and judges the code of t (outside the transaction). */
static enum err attempt_check(struct attempt *t, const char *code)
{
    struct req *r = t->r;
    if (t->recovery) {
        enum err e =
            twofactor_recovery_find(r->db, &r->arena, t->a->user_id, t->recovery, &t->code_id);
        if (e == ERR_NOT_FOUND)
            t->code_id = 0;
        else if (e)
            return e;
        return ERR_OK;
    }
    enum err e =
        twofactor_check(r->db, &r->arena, t->a->user_id, false, code, r->now, &t->result, &t->step);
    return check_failed(r, e);
}

/* Uses up the judged code (inside the transaction), or records a wrong one. A code that
 * another request used first, between the check and now, is a wrong one too. */
static enum err attempt_use(struct attempt *t)
{
    struct req *r = t->r;
    t->ok = t->locked = false;
    enum err e = ERR_CONFLICT;
    const char *reason;
    if (t->recovery) {
        if (t->code_id)
            e = twofactor_recovery_use(r->db, &r->arena, t->a->user_id, t->code_id, r->now,
                                       &t->left);
        reason = "wrong_recovery_code";
    } else {
        if (t->result == TOTP_OK)
            e = twofactor_use_step(r->db, t->a->user_id, t->step);
        reason = t->result == TOTP_REUSED ? "totp_reused" : "wrong_totp";
    }
    if (e == ERR_CONFLICT)
        return record_wrong(r, t->a, t->action, reason, &t->locked);
    if (e)
        return e;
    t->ok = true;
    if (t->recovery) {
        r->user.id = t->a->user_id;
        e = audit_event(r, "totp.recovery_use", "user", t->a->uid, "success",
                        arena_printf(&r->arena, "{\"remaining\":%" PRId64 "}", t->left));
    }
    return e;
}

static enum err login_record(struct db_conn *c, void *ctx)
{
    struct attempt *t = ctx;
    struct req *r = t->r;
    enum err e = attempt_use(t);
    if (e || !t->ok)
        return e;
    e = twofactor_challenge_use(c, t->a->challenge);
    if (e)
        return e; /* ERR_NOT_FOUND: another request finished this login first */
    r->user.id = t->a->user_id;
    r->user.username = t->a->username;
    return auth_login_complete(r, t->a->admin, auth_presented_session(r),
                               t->recovery ? "{\"second_factor\":\"recovery_code\"}"
                                           : "{\"second_factor\":\"totp\"}",
                               t->csrf);
}

/* A login's challenge fails the same way whether it is unknown, used or expired. */
static enum err challenge_used(struct req *r, enum err e)
{
    r->user.id = 0;
    return e == ERR_NOT_FOUND ? req_fail(r, ERR_UNAUTHENTICATED, "challenge_invalid") : e;
}

enum err totp_login(struct req *r)
{
    static const char *const keys[] = {"challenge", "code", "recovery_code", NULL};
    body_allow(r, keys);
    const char *challenge = body_str(r, "challenge", "登录验证", REQUIRED, 128);
    const char *code, *recovery;
    read_codes(r, &code, &recovery);
    if (r->nerrors)
        return ERR_INVALID;
    struct actor a;
    enum err e = actor_find(r, challenge, &a);
    if (e)
        return e;
    struct twofactor_status tf;
    e = twofactor_status(r->db, &r->arena, a.user_id, &tf);
    if (e)
        return e;
    if (!tf.enabled)
        return req_fail(r, ERR_CONFLICT, "totp_not_enrolled");
    struct attempt t = {.r = r, .a = &a, .recovery = recovery, .action = "login.failure"};
    e = attempt_check(&t, code);
    if (!e)
        e = db_tx_run(r->db, login_record, &t);
    if (e)
        return challenge_used(r, e);
    if (!t.ok)
        return wrong_code(r, &a, recovery != NULL, t.locked);
    json_t *extra = recovery ? json_pack("{s:I}", "recovery_codes_left", (json_int_t)t.left) : NULL;
    return auth_login_reply(r, a.display_name, t.csrf, extra);
}

struct enrolment {
    struct req *r;
    struct actor *a;
    const char *secret;
};

static enum err enroll_record(struct db_conn *c, void *ctx)
{
    struct enrolment *en = ctx;
    struct req *r = en->r;
    enum err e = twofactor_enroll(c, &r->arena, en->a->user_id, r->now, &en->secret);
    if (!e) {
        int64_t signed_in = r->user.id;
        r->user.id = en->a->user_id;
        e = audit_event(r, "totp.enroll_start", "user", en->a->uid, "success", NULL);
        r->user.id = signed_in;
    }
    return e;
}

/* Who is enrolling (by challenge, or the signed-in user) and their second-factor state;
 * 409 when a second factor is already on. */
static enum err enrolling_actor(struct req *r, const char *challenge, struct actor *a,
                                struct twofactor_status *tf)
{
    enum err e = actor_find(r, challenge && *challenge ? challenge : NULL, a);
    if (!e)
        e = twofactor_status(r->db, &r->arena, a->user_id, tf);
    if (!e && tf->enabled)
        e = req_fail(r, ERR_CONFLICT, "totp_already_enabled");
    return e;
}

enum err totp_enroll(struct req *r)
{
    static const char *const keys[] = {"challenge", NULL};
    body_allow(r, keys);
    const char *challenge = body_str(r, "challenge", "登录验证", OPTIONAL, 128);
    if (r->nerrors)
        return ERR_INVALID;
    struct actor a;
    struct twofactor_status tf;
    enum err e = enrolling_actor(r, challenge, &a, &tf);
    if (e)
        return e;
    struct enrolment en = {.r = r, .a = &a};
    e = db_tx_run(r->db, enroll_record, &en);
    if (e == ERR_CONFLICT)
        return req_fail(r, ERR_CONFLICT, "totp_already_enabled");
    if (e == ERR_UNAVAILABLE)
        return check_failed(r, e);
    if (e)
        return e;
    const char *uri = twofactor_uri(&r->arena, a.username, en.secret);
    const char *svg = NULL;
    e = uri ? qr_svg(&r->arena, uri, &svg) : ERR_NOMEM;
    if (e)
        return e;
    return reply_json_take(
        r, 200,
        json_pack("{s:s, s:s, s:s}", "secret", en.secret, "otpauth_uri", uri, "qr_svg", svg));
}

static json_t *codes_json(struct attempt *t)
{
    json_t *list = json_array();
    for (int i = 0; i < TWOFACTOR_RECOVERY_CODES; i++)
        json_array_append_new(list, json_string(t->codes[i]));
    return list;
}

static enum err confirm_record(struct db_conn *c, void *ctx)
{
    struct attempt *t = ctx;
    struct req *r = t->r;
    t->ok = t->locked = false;
    if (t->result != TOTP_OK)
        return record_wrong(r, t->a, t->action,
                            t->result == TOTP_REUSED ? "totp_reused" : "wrong_totp", &t->locked);
    enum err e = twofactor_enable(c, t->a->user_id, t->step, r->now, t->codes);
    if (e)
        return e; /* ERR_CONFLICT: confirmed or replaced meanwhile */
    r->user.id = t->a->user_id;
    r->user.username = t->a->username;
    e = audit_event(r, "totp.enroll", "user", t->a->uid, "success",
                    arena_printf(&r->arena, "{\"recovery_codes\":%d}", TWOFACTOR_RECOVERY_CODES));
    if (!e && t->a->challenge) {
        e = twofactor_challenge_use(c, t->a->challenge);
        if (!e)
            e = auth_login_complete(r, t->a->admin, auth_presented_session(r),
                                    "{\"second_factor\":\"totp\",\"enrolled\":true}", t->csrf);
    }
    if (!e)
        t->ok = true;
    return e;
}

enum err totp_confirm(struct req *r)
{
    static const char *const keys[] = {"challenge", "code", NULL};
    body_allow(r, keys);
    const char *challenge = body_str(r, "challenge", "登录验证", OPTIONAL, 128);
    const char *code = body_str(r, "code", "动态验证码", REQUIRED, 16);
    if (r->nerrors)
        return ERR_INVALID;
    struct actor a;
    struct twofactor_status tf;
    enum err e = enrolling_actor(r, challenge, &a, &tf);
    if (e)
        return e;
    if (!tf.pending)
        return req_fail(r, ERR_CONFLICT, "totp_not_started");
    struct attempt t = {.r = r, .a = &a, .action = a.challenge ? "login.failure" : "totp.enroll"};
    e = twofactor_check(r->db, &r->arena, a.user_id, true, code, r->now, &t.result, &t.step);
    if (e == ERR_NOT_FOUND)
        return req_fail(r, ERR_CONFLICT, "totp_not_started");
    if (e)
        return check_failed(r, e);
    e = db_tx_run(r->db, confirm_record, &t);
    if (e == ERR_CONFLICT)
        return req_fail(r, ERR_CONFLICT, "totp_not_started");
    if (e && a.challenge)
        return challenge_used(r, e);
    if (e)
        return e;
    if (!t.ok)
        return wrong_code(r, &a, false, t.locked);
    json_t *extra = json_pack("{s:o}", "recovery_codes", codes_json(&t));
    if (!a.challenge)
        return reply_json_take(r, 200, extra);
    return auth_login_reply(r, a.display_name, t.csrf, extra);
}

static enum err disable_record(struct db_conn *c, void *ctx)
{
    struct attempt *t = ctx;
    struct req *r = t->r;
    enum err e = attempt_use(t);
    if (e || !t->ok)
        return e;
    bool removed = false;
    e = twofactor_remove(c, t->a->user_id, &removed);
    if (!e)
        e = audit_event(r, "totp.disable", "user", t->a->uid, "success",
                        t->recovery ? "{\"with\":\"recovery_code\"}" : "{\"with\":\"totp\"}");
    return e;
}

enum err totp_disable(struct req *r)
{
    static const char *const keys[] = {"code", "recovery_code", NULL};
    body_allow(r, keys);
    const char *code, *recovery;
    read_codes(r, &code, &recovery);
    if (r->nerrors)
        return ERR_INVALID;
    if (r->user.kind != AUTH_SESSION)
        return req_fail(r, ERR_FORBIDDEN, "totp_session_only");
    struct actor a = {
        .user_id = r->user.id,
        .username = r->user.username,
        .display_name = r->user.display_name,
        .admin = r->user.admin_kind != NULL,
    };
    snprintf(a.uid, sizeof(a.uid), "%" PRId64, a.user_id);
    struct twofactor_status tf;
    enum err e = twofactor_status(r->db, &r->arena, a.user_id, &tf);
    if (e)
        return e;
    if (tf.required)
        return req_fail(r, ERR_FORBIDDEN, "totp_required");
    if (!tf.enabled)
        return req_fail(r, ERR_CONFLICT, "totp_not_enabled");
    bool locked = false;
    e = auth_failure_locked(r, a.username, &locked);
    if (e)
        return e;
    if (locked)
        return req_fail(r, ERR_ACCOUNT_LOCKED, "login_locked");
    struct attempt t = {.r = r, .a = &a, .recovery = recovery, .action = "totp.disable"};
    e = attempt_check(&t, code);
    if (!e)
        e = db_tx_run(r->db, disable_record, &t);
    if (e)
        return e;
    if (!t.ok)
        return wrong_code(r, &a, recovery != NULL, t.locked);
    return reply_no_content(r);
}

enum err totp_reset(struct req *r)
{
    if (r->id == r->user.id)
        return req_field_error(r, "id", "用户", "self_grant");
    struct db_rows u;
    enum err e = db_query_one(r->db, &r->arena, "SELECT id FROM users WHERE id = $1",
                              DB_ARGS(DB_I(r->id)), &u);
    if (e)
        return e;
    bool removed = false;
    e = twofactor_remove(r->db, r->id, &removed);
    if (!e)
        e = twofactor_challenges_end(r->db, r->id);
    if (e)
        return e;
    r->audit.object_type = "user";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, r->id);
    r->audit.detail = removed ? "{\"had_totp\":true}" : "{\"had_totp\":false}";
    return reply_no_content(r);
}

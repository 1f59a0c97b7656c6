/* Sessions, tokens, CSRF and the login rate limit (see auth.h). */
#include "server/auth.h"

#include <microhttpd.h>
#include <sodium.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "server/access.h"
#include "server/accounts.h"
#include "server/audit.h"
#include "server/msg.h"
#include "server/reply.h"
#include "server/server.h"

#define LAST_SEEN_STEP   30  /* refresh last_seen_at at most this often (seconds) */
#define TOKEN_AUDIT_STEP 300 /* record a token's use at most this often */

void auth_clear_cookie(struct req *r)
{
    reply_header(r, "Set-Cookie",
                 r->srv->cfg->secure_cookies
                     ? "sid=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0"
                     : "sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static bool is_safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

static enum err token_use_record(struct db_conn *c, void *ctx)
{
    struct req *r = ctx;
    enum err e = db_exec(c, "UPDATE api_token SET last_used_at = $2 WHERE id = $1",
                         DB_ARGS(DB_I(r->user.token_id), DB_I(r->now)), NULL);
    if (!e) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)r->user.token_id);
        e = audit_event(r, "token.use", "api_token", id, "success", NULL);
    }
    return e;
}

static enum err auth_token(struct req *r, const char *token)
{
    char hash[65];
    accounts_secret_hash(token, hash);
    struct db_rows rows;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT t.id, t.user_id, t.expires_at, t.revoked_at, t.last_used_at, "
                          "u.status, u.username, u.display_name FROM api_token t "
                          "JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                          DB_ARGS(DB_T(hash)), &rows);
    if (e)
        return e;
    if (rows.nrows == 0 || !db_is_null(&rows, 0, 3) || db_int(&rows, 0, 2) <= r->now)
        return req_fail(r, ERR_UNAUTHENTICATED, "token_invalid");
    const char *status = db_str(&rows, 0, 5);
    if (strcmp(status, "active") != 0)
        return strcmp(status, "locked") == 0 ? ERR_ACCOUNT_LOCKED : ERR_ACCOUNT_DISABLED;
    r->user.id = db_int(&rows, 0, 1);
    r->user.username = db_str(&rows, 0, 6);
    r->user.display_name = db_str(&rows, 0, 7);
    r->user.kind = AUTH_TOKEN;
    r->user.token_id = db_int(&rows, 0, 0);
    e = access_load(r, r->user.id);
    if (e)
        return e;
    int64_t last = db_is_null(&rows, 0, 4) ? 0 : db_int(&rows, 0, 4);
    if (r->now - last >= TOKEN_AUDIT_STEP)
        /* a key checked by a write route's handler is already inside its transaction */
        e = db_in_tx(r->db) ? token_use_record(r->db, r) : db_tx_run(r->db, token_use_record, r);
    return e;
}

enum err auth_api_key(struct req *r, const char *key)
{
    if (!key || !*key)
        return req_fail(r, ERR_UNAUTHENTICATED, "token_invalid");
    enum err e = auth_token(r, key);
    if (e) {
        r->user = (struct principal){0}; /* nothing of a refused key stays on the request */
        return e;
    }
    return auth_token_rate_allow(r) ? ERR_OK : ERR_RATE_LIMITED;
}

static enum err auth_session(struct req *r, const char *sid)
{
    char hash[65];
    accounts_secret_hash(sid, hash);
    struct db_rows rows;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT s.user_id, s.csrf, s.last_seen_at, s.expires_at, "
                          "s.idle_seconds, u.status, u.username, u.display_name "
                          "FROM session s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
                          DB_ARGS(DB_T(hash)), &rows);
    if (e)
        return e;
    if (rows.nrows == 0) {
        auth_clear_cookie(r);
        return req_fail(r, ERR_UNAUTHENTICATED, "session_expired");
    }
    int64_t last_seen = db_int(&rows, 0, 2), expires = db_int(&rows, 0, 3),
            idle = db_int(&rows, 0, 4);
    if (r->now >= expires || r->now - last_seen >= idle ||
        strcmp(db_str(&rows, 0, 5), "active") != 0) {
        db_exec(r->db, "DELETE FROM session WHERE id_hash = $1", DB_ARGS(DB_T(hash)), NULL);
        auth_clear_cookie(r);
        return req_fail(r, ERR_UNAUTHENTICATED, "session_expired");
    }
    r->user.id = db_int(&rows, 0, 0);
    r->user.username = db_str(&rows, 0, 6);
    r->user.display_name = db_str(&rows, 0, 7);
    r->user.kind = AUTH_SESSION;
    r->user.csrf = db_str(&rows, 0, 1);
    r->user.session_hash = arena_strdup(&r->arena, hash);
    if (!is_safe_method(r->method)) {
        const char *sent = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!sent || strlen(sent) != strlen(r->user.csrf) ||
            sodium_memcmp(sent, r->user.csrf, strlen(sent)) != 0)
            return ERR_CSRF;
    }
    if (r->now - last_seen >= LAST_SEEN_STEP) {
        e = db_exec(r->db, "UPDATE session SET last_seen_at = $2 WHERE id_hash = $1",
                    DB_ARGS(DB_T(hash), DB_I(r->now)), NULL);
        if (e)
            return e;
    }
    return access_load(r, r->user.id);
}

enum err auth_authenticate(struct req *r)
{
    const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0)
            return req_fail(r, ERR_UNAUTHENTICATED, "token_invalid");
        return auth_token(r, authz + 7);
    }
    const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sid");
    if (!sid || !*sid)
        return ERR_UNAUTHENTICATED;
    return auth_session(r, sid);
}

enum err auth_session_start(struct req *r, int64_t user_id, bool admin, char csrf_out[65])
{
    char sid[65], hash[65];
    accounts_random_hex(32, sid);
    accounts_random_hex(32, csrf_out);
    accounts_secret_hash(sid, hash);
    int64_t idle = admin ? AUTH_ADMIN_IDLE_SECONDS : AUTH_IDLE_SECONDS;
    enum err e = db_exec(r->db,
                         "INSERT INTO session (id_hash, user_id, csrf, created_at, last_seen_at, "
                         "expires_at, idle_seconds, ip) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
                         DB_ARGS(DB_T(hash), DB_I(user_id), DB_T(csrf_out), DB_I(r->now),
                                 DB_I(r->now + AUTH_ABSOLUTE_SECONDS), DB_I(idle), DB_T(r->ip)),
                         NULL);
    if (e)
        return e;
    const char *cookie = arena_printf(&r->arena, "sid=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
                                      r->srv->cfg->secure_cookies ? "; Secure" : "");
    if (!cookie)
        return ERR_NOMEM;
    reply_header(r, "Set-Cookie", cookie);
    return ERR_OK;
}

enum err auth_sessions_end(struct req *r, int64_t user_id, const char *keep_hash)
{
    if (keep_hash)
        return db_exec(r->db, "DELETE FROM session WHERE user_id = $1 AND id_hash <> $2",
                       DB_ARGS(DB_I(user_id), DB_T(keep_hash)), NULL);
    return db_exec(r->db, "DELETE FROM session WHERE user_id = $1", DB_ARGS(DB_I(user_id)), NULL);
}

/* Adds n hits to key's count in the window starting at window; *hits the count after. */
static enum err rate_add(struct req *r, const char *key, int64_t window, int64_t n, int64_t *hits)
{
    struct db_rows rows;
    enum err e =
        db_query_one(r->db, &r->arena,
                     "INSERT INTO rate_counter (key, window_start, hits) VALUES ($1, $2, $3) "
                     "ON CONFLICT (key, window_start) DO UPDATE SET "
                     "hits = rate_counter.hits + $3 RETURNING hits",
                     DB_ARGS(DB_T(key), DB_I(window), DB_I(n)), &rows);
    if (!e)
        *hits = db_int(&rows, 0, 0);
    return e;
}

/* Fixed windows counted in the database, so that every server on it counts together (table
 * rate_counter; the jobs remove passed windows). The key is a keyed hash of the subject
 * (an address, a token): the table never holds an address. */
bool auth_rate_hit(struct req *r, const char *kind, const char *subject, int limit, int window_s,
                   int *retry_after)
{
    if (retry_after)
        *retry_after = 0;
    if (limit <= 0 || window_s <= 0)
        return true;
    char key[65];
    crypto_blind_index(kind, subject, key);
    int64_t now = clock_now(), window = now / window_s * window_s;
    int64_t hits = 0;
    enum err e = rate_add(r, key, window, 1, &hits);
    /* a database that cannot count cannot serve the request either: it fails on its own,
     * so an error here does not refuse it */
    if (e)
        return true;
    if (hits <= limit)
        return true;
    if (retry_after)
        *retry_after = (int)(window + window_s - now);
    return false;
}

static bool rate_allow(struct req *r, const char *kind, const char *subject, int limit)
{
    return auth_rate_hit(r, kind, subject, limit, 60, NULL);
}

/* ---- Counting an API token's requests in memory, writing through once a second -------------
 * A token's requests can come by the thousand a second; a row written per request would make
 * every read a durable write. Each server counts a token's hits in a small table here and adds
 * them to the shared rate_counter row at the first hit of a minute and then at most once a
 * second, learning the other servers' hits from the answer. A token is over its limit when
 * the shared count seen last plus the hits not yet written exceed it: exact on one server,
 * late by at most a second of the others' hits on several. A slot taken by another token
 * loses at most a second of unwritten hits. */

#define TOKEN_SLOTS    1024
#define TOKEN_PROBE    8
#define TOKEN_WRITE_US 1000000
#define TOKEN_WINDOW_S 60

struct token_slot {
    char key[65];     /* keyed hash of the token id, as in rate_counter; "" when free */
    int64_t window;   /* the minute counted */
    int64_t seen;     /* the shared count when last written (every server's hits) */
    int64_t pending;  /* hits here since */
    int64_t wrote_us; /* when last written (0: never in this window) */
};

static struct token_slot token_slots[TOKEN_SLOTS];
static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of key for window, under token_lock: taken, or reset for window (a newer window
 * starts afresh); NULL when !take and no slot counts key in window. */
static struct token_slot *token_slot(const char *key, int64_t window, bool take)
{
    uint32_t h = 2166136261u;
    for (const char *p = key; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    struct token_slot *victim = NULL;
    for (int i = 0; i < TOKEN_PROBE; i++) {
        struct token_slot *t = &token_slots[(h + (uint32_t)i) % TOKEN_SLOTS];
        if (strcmp(t->key, key) == 0) {
            if (!take)
                return t->window == window ? t : NULL;
            if (t->window < window)
                *t = (struct token_slot){.window = window};
            memcpy(t->key, key, sizeof(t->key));
            return t;
        }
        /* free or of a passed minute first, else the one written longest ago */
        if (!victim || (victim->key[0] && victim->window == window &&
                        (!t->key[0] || t->window != window || t->wrote_us < victim->wrote_us)))
            victim = t;
    }
    if (!take)
        return NULL;
    *victim = (struct token_slot){.window = window};
    memcpy(victim->key, key, sizeof(victim->key));
    return victim;
}

static bool token_rate_hit(struct req *r, const char *subject, int limit)
{
    if (limit <= 0)
        return true;
    char key[65];
    crypto_blind_index("token_rate", subject, key);
    int64_t now = clock_now(), window = now / TOKEN_WINDOW_S * TOKEN_WINDOW_S;
    int64_t now_us = clock_mono_us(), delta = 0;
    pthread_mutex_lock(&token_lock);
    struct token_slot *t = token_slot(key, window, true);
    t->pending++;
    if (!t->wrote_us || now_us - t->wrote_us >= TOKEN_WRITE_US) {
        delta = t->pending;
        t->pending = 0;
        t->wrote_us = now_us;
    }
    int64_t count = t->seen + t->pending;
    pthread_mutex_unlock(&token_lock);
    if (!delta)
        return count <= limit;
    int64_t hits = 0;
    enum err e = rate_add(r, key, window, delta, &hits);
    pthread_mutex_lock(&token_lock);
    t = token_slot(key, window, false); /* NULL: the minute has passed, or the slot was taken */
    if (e && t) { /* not written: written with the next hit; if the database is gone, the
                     request fails on its own (as in auth_rate_hit) */
        t->pending += delta;
        t->wrote_us = 0;
    } else if (t && hits > t->seen) {
        t->seen = hits;
    }
    if (!e)
        count = t ? t->seen + t->pending : hits;
    pthread_mutex_unlock(&token_lock);
    return e || count <= limit;
}

bool auth_rate_allow(struct req *r)
{
    return rate_allow(r, "login_rate", r->ip, r->srv->cfg->login_rate_per_min);
}

bool auth_token_rate_allow(struct req *r)
{
    char id[24];
    snprintf(id, sizeof(id), "%" PRId64, r->user.token_id);
    return token_rate_hit(r, id, r->srv->cfg->token_rate_per_min);
}

const char *auth_presented_session(struct req *r)
{
    const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sid");
    if (!sid || !*sid)
        return NULL;
    char *h = arena_alloc(&r->arena, 65);
    if (h)
        accounts_secret_hash(sid, h);
    return h;
}

enum err auth_failure_locked(struct req *r, const char *username, bool *locked)
{
    struct db_rows rows;
    enum err e =
        db_query(r->db, &r->arena, "SELECT locked_until FROM login_failure WHERE username = $1",
                 DB_ARGS(DB_T(username)), &rows);
    if (e)
        return e;
    *locked = rows.nrows && !db_is_null(&rows, 0, 0) && db_int(&rows, 0, 0) > r->now;
    return ERR_OK;
}

enum err auth_failure_count(struct req *r, const char *username, bool *locked_now)
{
    struct db_rows rows;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT failures, locked_until FROM login_failure WHERE username = $1",
                          DB_ARGS(DB_T(username)), &rows);
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
                   DB_ARGS(DB_T(username), DB_I(failures),
                           *locked_now ? DB_I(r->now + ACCOUNTS_LOCK_SECONDS) : DB_NUL,
                           DB_I(r->now)),
                   NULL);
}

enum err auth_login_complete(struct req *r, bool admin, const char *old_hash, const char *detail,
                             char csrf_out[65])
{
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user.id);
    enum err e = db_exec(r->db, "DELETE FROM login_failure WHERE username = $1",
                         DB_ARGS(DB_T(r->user.username)), NULL);
    if (!e)
        e = db_exec(r->db, "UPDATE users SET last_login_at = $2 WHERE id = $1",
                    DB_ARGS(DB_I(r->user.id), DB_I(r->now)), NULL);
    /* a new session id at every login: the one presented (if any) ends */
    if (!e && old_hash)
        e = db_exec(r->db, "DELETE FROM session WHERE id_hash = $1", DB_ARGS(DB_T(old_hash)), NULL);
    if (!e)
        e = auth_session_start(r, r->user.id, admin, csrf_out);
    if (!e)
        e = audit_event(r, "login.success", "user", uid, "success", detail);
    return e;
}

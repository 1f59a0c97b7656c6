/* Authentication: the session cookie (sid, with X-CSRF-Token on writes) or a bearer API
 * token, sessions' idle and absolute expiry, and the login rate limit per address. */
#ifndef SHEGONG_SERVER_AUTH_H
#define SHEGONG_SERVER_AUTH_H

#include <stdbool.h>

#include "server/req.h"

#define AUTH_IDLE_SECONDS       1800  /* 30 minutes */
#define AUTH_ADMIN_IDLE_SECONDS 900   /* 15 minutes for sysadmin, secadmin, auditor */
#define AUTH_ABSOLUTE_SECONDS   43200 /* 12 hours */

/* Finds and checks the caller's credentials and loads the user into r->user.
 * ERR_UNAUTHENTICATED, ERR_CSRF or ERR_ACCOUNT_* when they do not hold. */
enum err auth_authenticate(struct req *r);

/* Authenticates r with an API token given as a parameter rather than a header (Open311's
 * api_key): the checks of a bearer token, its use recorded (inside the caller's
 * transaction when one is open) and its per-minute rate limit. ERR_UNAUTHENTICATED,
 * ERR_ACCOUNT_* (r->user left empty) or ERR_RATE_LIMITED when they do not hold. */
enum err auth_api_key(struct req *r, const char *key);

/* Starts a session for user_id (inside a write transaction): a fresh 256-bit id, a CSRF
 * token; sets the cookie on r. csrf_out receives the token (65 bytes). */
enum err auth_session_start(struct req *r, int64_t user_id, bool admin, char csrf_out[65]);
/* Ends sessions of user_id: all of them, or all but keep_hash. */
enum err auth_sessions_end(struct req *r, int64_t user_id, const char *keep_hash);
/* Adds a Set-Cookie that clears sid. */
void auth_clear_cookie(struct req *r);

/* Counts a login attempt from r->ip in the database, so every server on it counts
 * together; false when the address is over its limit for the current minute. */
bool auth_rate_allow(struct req *r);
/* The same for an API token's requests (SHEGONG_TOKEN_RATE a minute), so one integration
 * cannot take the server from everyone else: counted in memory and added to the database's
 * count at most once a second (auth.c), not written per request. */
bool auth_token_rate_allow(struct req *r);

/* One more hit for subject under kind (its own counter) in the current fixed window of
 * window_s seconds; false when that makes more than limit, with *retry_after (may be NULL)
 * the seconds until the window ends. limit 0 means no limit. */
bool auth_rate_hit(struct req *r, const char *kind, const char *subject, int limit, int window_s,
                   int *retry_after);

/* The login's bookkeeping, shared by the password step and the second factor. */
/* The SHA-256 of the sid cookie presented (it ends when a login completes), or NULL. */
const char *auth_presented_session(struct req *r);
/* Whether username is locked now after failed logins. */
enum err auth_failure_locked(struct req *r, const char *username, bool *locked);
/* Records a failed login for username, existing or not (inside a write transaction); the
 * ACCOUNTS_MAX_FAILURES-th in a row locks it for ACCOUNTS_LOCK_SECONDS (*locked_now). */
enum err auth_failure_count(struct req *r, const char *username, bool *locked_now);
/* Completes a login (inside a write transaction): clears the failures, sets last_login_at,
 * ends the session presented (old_hash, may be NULL), starts a new one and audits
 * login.success with detail (may be NULL). r->user.id and .username name the user. */
enum err auth_login_complete(struct req *r, bool admin, const char *old_hash, const char *detail,
                             char csrf_out[65]);

#endif

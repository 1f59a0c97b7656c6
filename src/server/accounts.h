/* Accounts: usernames, password hashing and policy, users, role grants at posts and API
 * tokens. Both the command line and the API call these, so the rules hold either way.
 * Functions that write must run inside a write transaction on c. */
#ifndef SHEGONG_SERVER_ACCOUNTS_H
#define SHEGONG_SERVER_ACCOUNTS_H

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

#define ACCOUNTS_HASH_LEN      crypto_pwhash_STRBYTES
#define ACCOUNTS_HISTORY       5   /* a new password may not be one of the last 5 */
#define ACCOUNTS_MAX_FAILURES  5   /* failed logins before the lock */
#define ACCOUNTS_LOCK_SECONDS  900 /* 15 minutes */
#define ACCOUNTS_INACTIVE_DAYS 90  /* unused accounts are disabled after this */
#define ACCOUNTS_TOKEN_PREFIX  "sgt_"

/* Lower-cases a username in place and checks it: 3-32 of [a-z0-9_.-], starting with a
 * letter. */
bool accounts_username_normalize(char *name);

/* argon2id (libsodium, interactive limits). ~100 ms: call outside transactions. */
enum err accounts_hash_password(const char *password, char out[ACCOUNTS_HASH_LEN]);
bool accounts_verify_password(const char *hash, const char *password);
/* Verifies against a fixed hash, so an unknown username costs the same time. */
void accounts_verify_dummy(const char *password);

/* The field error code ("password_too_short", ...) the password breaks, or NULL.
 * With user_id, also compares against the last ACCOUNTS_HISTORY hashes (slow); when they
 * cannot be read the answer is "password_unverifiable", never a pass. */
const char *accounts_password_problem(struct db_conn *c, struct arena *a, int64_t user_id,
                                      const char *username, const char *password);

/* Creates a user with a hashed password; ERR_CONFLICT when the username is taken. */
enum err accounts_create(struct db_conn *c, const char *username, const char *display_name,
                         const char *hash, int64_t *id);
/* Sets a new password hash, records it in the history (keeping the last 5). */
enum err accounts_set_password(struct db_conn *c, int64_t user_id, const char *hash);
enum err accounts_find(struct db_conn *c, struct arena *a, const char *username, int64_t *id);
/* Sets status "active", "locked" or "disabled"; unlocking also clears failed logins. */
enum err accounts_set_status(struct db_conn *c, int64_t user_id, const char *status);

/* Grants role at region (and unit, 0 for none). ERR_NOT_FOUND for an unknown role,
 * ERR_CONFLICT for a second admin role or an admin role beside others (*why says). */
enum err accounts_grant(struct db_conn *c, int64_t user_id, const char *role,
                        const char *region_code, int64_t unit_id, int64_t by, int64_t *grant_id,
                        const char **why);
/* Removes a grant by role and region (every unit) or by grant id (role NULL). */
enum err accounts_revoke(struct db_conn *c, int64_t user_id, const char *role,
                         const char *region_code, int64_t grant_id, int64_t *removed);

/* Makes an API token; writes the secret (shown once) into token[80]. */
enum err accounts_token_create(struct db_conn *c, int64_t user_id, const char *label, int days,
                               char token[80], int64_t *token_id);
enum err accounts_token_revoke(struct db_conn *c, int64_t token_id, int64_t *removed);
/* SHA-256 hex of a secret (session ids and tokens are stored only hashed). */
void accounts_secret_hash(const char *secret, char out[65]);
/* A random secret: n bytes as hex into out (2n+1). */
void accounts_random_hex(size_t n, char *out);

#endif

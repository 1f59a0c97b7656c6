/* The second factor of a login (等保 level 3): an authenticator app's TOTP codes, with
 * recovery codes for a lost phone, and the challenges that join a login's two steps.
 *
 * Invariants: a TOTP secret is stored only sealed (core/crypto) and a recovery code only
 * as its SHA-256; each TOTP step and each recovery code is accepted once (the last used
 * step is kept per user, and the updates that consume them check they still may); a
 * challenge is a 256-bit random value stored hashed, used once, live for five minutes, and
 * lives in the database so that any server can finish the login. Functions that write
 * must run inside a write transaction on c; the others only read. */
#ifndef SHEGONG_SERVER_TWOFACTOR_H
#define SHEGONG_SERVER_TWOFACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/totp.h"
#include "db/db.h"

#define TWOFACTOR_CHALLENGE_SECONDS 300
#define TWOFACTOR_ISSUER            "shegong"
#define TWOFACTOR_RECOVERY_CODES    10
#define TWOFACTOR_RECOVERY_LEN      19 /* "xxxx-xxxx-xxxx-xxxx": 16 base32 characters, 80 bits */

/* What a user has and needs. */
struct twofactor_status {
    bool required;      /* one of the user's roles is marked requires_2fa */
    bool enabled;       /* an authenticator is confirmed */
    bool pending;       /* an enrolment waits for its first code */
    int64_t codes_left; /* unused recovery codes */
};
enum err twofactor_status(struct db_conn *c, struct arena *a, int64_t user_id,
                          struct twofactor_status *out);

/* Challenges. */
/* Creates one for user_id and writes its secret (64 hex) into out; drops expired ones. */
enum err twofactor_challenge_create(struct db_conn *c, int64_t user_id, const char *ip, int64_t now,
                                    char out[65]);
/* The user of a live challenge; ERR_NOT_FOUND when it is unknown, used or expired. */
enum err twofactor_challenge_find(struct db_conn *c, struct arena *a, const char *challenge,
                                  int64_t now, int64_t *user_id);
/* Uses it up; ERR_NOT_FOUND when another request used it first. */
enum err twofactor_challenge_use(struct db_conn *c, const char *challenge);
/* Drops every challenge of user_id (the account locked). */
enum err twofactor_challenges_end(struct db_conn *c, int64_t user_id);

/* Enrolment. */
/* A fresh secret for user_id, pending until confirmed; replaces a pending one. *secret is
 * its base32 text (in a). ERR_CONFLICT when an authenticator is already enabled. */
enum err twofactor_enroll(struct db_conn *c, struct arena *a, int64_t user_id, int64_t now,
                          const char **secret);
/* otpauth://totp/ISSUER:USERNAME?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30 */
const char *twofactor_uri(struct arena *a, const char *username, const char *secret);
/* Enables the pending secret, whose first code matched step, and replaces the recovery
 * codes with TWOFACTOR_RECOVERY_CODES fresh ones, written into codes (shown once).
 * ERR_CONFLICT when there is no pending secret any more. */
enum err twofactor_enable(struct db_conn *c, int64_t user_id, int64_t step, int64_t now,
                          char codes[][TWOFACTOR_RECOVERY_LEN + 1]);
/* Removes the authenticator and the recovery codes of user_id (*removed: whether one was
 * enabled). */
enum err twofactor_remove(struct db_conn *c, int64_t user_id, bool *removed);

/* Checking. */
/* Checks code against user_id's enabled (or, with pending, its pending) secret at time
 * now, ±TOTP_WINDOW steps, refusing steps already used. ERR_NOT_FOUND when there is no
 * such secret; ERR_CONFLICT (logged) when it cannot be opened with the current key. */
enum err twofactor_check(struct db_conn *c, struct arena *a, int64_t user_id, bool pending,
                         const char *code, int64_t now, enum totp_result *result, int64_t *step);
/* Consumes step for user_id; ERR_CONFLICT when it, or a later one, was used meanwhile. */
enum err twofactor_use_step(struct db_conn *c, int64_t user_id, int64_t step);
/* The id of user_id's unused recovery code equal to code (case, spaces and dashes
 * ignored); ERR_NOT_FOUND when there is none. */
enum err twofactor_recovery_find(struct db_conn *c, struct arena *a, int64_t user_id,
                                 const char *code, int64_t *code_id);
/* Uses it up; ERR_CONFLICT when it was used meanwhile. *left counts those still unused. */
enum err twofactor_recovery_use(struct db_conn *c, struct arena *a, int64_t user_id,
                                int64_t code_id, int64_t now, int64_t *left);

#endif

/* Accounts shared by the command line and the API (see accounts.h). */
#include "server/accounts.h"

#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/encode.h"
#include "core/id.h"
#include "core/passpolicy.h"

bool accounts_username_normalize(char *name)
{
    size_t n = strlen(name);
    if (n < 3 || n > 32)
        return false;
    for (char *p = name; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
              *p == '-'))
            return false;
    }
    return name[0] >= 'a' && name[0] <= 'z';
}

enum err accounts_hash_password(const char *password, char out[ACCOUNTS_HASH_LEN])
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ERR_NOMEM; /* the only failure is the 64 MiB it needs */
    return ERR_OK;
}

bool accounts_verify_password(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy_hash[ACCOUNTS_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[33];
    accounts_random_hex(16, pw);
    if (accounts_hash_password(pw, dummy_hash))
        dummy_hash[0] = '\0';
}

void accounts_verify_dummy(const char *password)
{
    pthread_once(&dummy_once, make_dummy);
    if (dummy_hash[0])
        (void)accounts_verify_password(dummy_hash, password);
}

const char *accounts_password_problem(struct db_conn *c, struct arena *a, int64_t user_id,
                                      const char *username, const char *password)
{
    unsigned fail = passpolicy_check(password, username);
    if (fail & PASSPOLICY_TOO_LONG)
        return "password_too_long";
    if (fail & PASSPOLICY_TOO_SHORT)
        return "password_too_short";
    if (fail & PASSPOLICY_TOO_FEW_CLASSES)
        return "password_too_few_classes";
    if (fail & PASSPOLICY_CONTAINS_USERNAME)
        return "password_contains_username";
    if (!user_id)
        return NULL;
    struct db_rows rows;
    if (db_query(c, a,
                 "SELECT password_hash FROM password_history WHERE user_id = $1 "
                 "ORDER BY id DESC LIMIT $2",
                 DB_ARGS(DB_I(user_id), DB_I(ACCOUNTS_HISTORY)), &rows))
        return "password_unverifiable"; /* fail closed: reuse could not be ruled out */
    for (size_t i = 0; i < rows.nrows; i++)
        if (accounts_verify_password(db_str(&rows, i, 0), password))
            return "password_reused";
    return NULL;
}

static enum err add_history(struct db_conn *c, int64_t user_id, const char *hash, int64_t now)
{
    enum err e = db_exec(c,
                         "INSERT INTO password_history (id, user_id, password_hash, created_at) "
                         "VALUES ($1, $2, $3, $4)",
                         DB_ARGS(DB_I(id_next()), DB_I(user_id), DB_T(hash), DB_I(now)), NULL);
    if (e)
        return e;
    return db_exec(c,
                   "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN ("
                   "SELECT id FROM password_history WHERE user_id = $1 "
                   "ORDER BY id DESC LIMIT $2)",
                   DB_ARGS(DB_I(user_id), DB_I(ACCOUNTS_HISTORY)), NULL);
}

enum err accounts_create(struct db_conn *c, const char *username, const char *display_name,
                         const char *hash, int64_t *id)
{
    int64_t now = clock_now();
    *id = id_next();
    enum err e = db_exec(
        c,
        "INSERT INTO users (id, username, display_name, password_hash, status, "
        "password_changed_at, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, 'active', $5, $5, $5)",
        DB_ARGS(DB_I(*id), DB_T(username), DB_T(display_name), DB_T(hash), DB_I(now)), NULL);
    if (e)
        return e;
    return add_history(c, *id, hash, now);
}

enum err accounts_set_password(struct db_conn *c, int64_t user_id, const char *hash)
{
    int64_t now = clock_now();
    int64_t n = 0;
    enum err e = db_exec(c,
                         "UPDATE users SET password_hash = $2, password_changed_at = $3, "
                         "updated_at = $3 WHERE id = $1",
                         DB_ARGS(DB_I(user_id), DB_T(hash), DB_I(now)), &n);
    if (e)
        return e;
    if (n == 0)
        return ERR_NOT_FOUND;
    return add_history(c, user_id, hash, now);
}

enum err accounts_find(struct db_conn *c, struct arena *a, const char *username, int64_t *id)
{
    struct db_rows rows;
    enum err e = db_query_one(c, a, "SELECT id FROM users WHERE username = $1",
                              DB_ARGS(DB_T(username)), &rows);
    if (!e)
        *id = db_int(&rows, 0, 0);
    return e;
}

enum err accounts_set_status(struct db_conn *c, int64_t user_id, const char *status)
{
    int64_t n = 0;
    int64_t now = clock_now();
    /* reactivating counts as use, or the inactivity job would disable it again at once */
    enum err e = db_exec(c,
                         "UPDATE users SET status = $2, updated_at = $3, "
                         "last_login_at = CASE WHEN $2 = 'active' THEN $3 ELSE last_login_at END "
                         "WHERE id = $1",
                         DB_ARGS(DB_I(user_id), DB_T(status), DB_I(now)), &n);
    if (e)
        return e;
    if (n == 0)
        return ERR_NOT_FOUND;
    if (strcmp(status, "active") == 0)
        e = db_exec(c,
                    "DELETE FROM login_failure WHERE username = "
                    "(SELECT username FROM users WHERE id = $1)",
                    DB_ARGS(DB_I(user_id)), NULL);
    else
        e = db_exec(c, "DELETE FROM session WHERE user_id = $1", DB_ARGS(DB_I(user_id)), NULL);
    return e;
}

enum err accounts_grant(struct db_conn *c, int64_t user_id, const char *role,
                        const char *region_code, int64_t unit_id, int64_t by, int64_t *grant_id,
                        const char **why)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct db_rows rows;
    *why = NULL;
    enum err e = db_query_one(c, &a, "SELECT admin_kind FROM role WHERE name = $1",
                              DB_ARGS(DB_T(role)), &rows);
    if (e == ERR_NOT_FOUND)
        *why = "unknown_role";
    if (e)
        goto out;
    e = db_query_one(c, &a, "SELECT id FROM users WHERE id = $1", DB_ARGS(DB_I(user_id)), &rows);
    if (e)
        goto out;
    *grant_id = id_next();
    e = db_exec(c,
                "INSERT INTO user_role (id, user_id, role, region_code, unit_id, granted_by, "
                "granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                DB_ARGS(DB_I(*grant_id), DB_I(user_id), DB_T(role), DB_T(region_code),
                        DB_I(unit_id), by ? DB_I(by) : DB_NUL, DB_I(clock_now())),
                NULL);
    if (e == ERR_CONFLICT)
        *why = strstr(db_errmsg(c), "admin_role_conflict") ? "admin_role_conflict" : "taken";
out:
    arena_release(&a);
    return e;
}

enum err accounts_revoke(struct db_conn *c, int64_t user_id, const char *role,
                         const char *region_code, int64_t grant_id, int64_t *removed)
{
    if (role)
        return db_exec(c,
                       "DELETE FROM user_role WHERE user_id = $1 AND role = $2 AND "
                       "region_code = $3",
                       DB_ARGS(DB_I(user_id), DB_T(role), DB_T(region_code)), removed);
    return db_exec(c, "DELETE FROM user_role WHERE user_id = $1 AND id = $2",
                   DB_ARGS(DB_I(user_id), DB_I(grant_id)), removed);
}

void accounts_secret_hash(const char *secret, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    hex_encode(h, sizeof(h), out);
}

void accounts_random_hex(size_t n, char *out)
{
    unsigned char buf[64];
    if (n > sizeof(buf))
        n = sizeof(buf);
    randombytes_buf(buf, n);
    hex_encode(buf, n, out);
}

enum err accounts_token_create(struct db_conn *c, int64_t user_id, const char *label, int days,
                               char token[80], int64_t *token_id)
{
    char secret[65], hash[65];
    accounts_random_hex(32, secret);
    snprintf(token, 80, "%s%s", ACCOUNTS_TOKEN_PREFIX, secret);
    accounts_secret_hash(token, hash);
    int64_t now = clock_now();
    *token_id = id_next();
    return db_exec(c,
                   "INSERT INTO api_token (id, user_id, token_hash, label, created_at, "
                   "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                   DB_ARGS(DB_I(*token_id), DB_I(user_id), DB_T(hash), DB_T(label), DB_I(now),
                           DB_I(now + (int64_t)days * 86400)),
                   NULL);
}

enum err accounts_token_revoke(struct db_conn *c, int64_t token_id, int64_t *removed)
{
    return db_exec(c, "UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                   DB_ARGS(DB_I(token_id), DB_I(clock_now())), removed);
}

/* TOTP secrets, recovery codes and login challenges in the database (see twofactor.h). */
#include "server/twofactor.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/id.h"
#include "core/sbuf.h"
#include "server/accounts.h"
#include "server/keystore.h"

enum err twofactor_status(struct db_conn *c, struct arena *a, int64_t user_id,
                          struct twofactor_status *out)
{
    struct db_rows req, totp, codes;
    memset(out, 0, sizeof(*out));
    enum err e = db_query(c, a,
                          "SELECT 1 FROM user_role ur JOIN role ro ON ro.name = ur.role "
                          "WHERE ur.user_id = $1 AND ro.requires_2fa <> 0 LIMIT 1",
                          DB_ARGS(DB_I(user_id)), &req);
    if (!e)
        e = db_query(c, a, "SELECT enabled FROM user_totp WHERE user_id = $1",
                     DB_ARGS(DB_I(user_id)), &totp);
    if (!e)
        e = db_query(c, a,
                     "SELECT COUNT(*) FROM totp_recovery_code WHERE user_id = $1 "
                     "AND used_at IS NULL",
                     DB_ARGS(DB_I(user_id)), &codes);
    if (e)
        return e;
    out->required = req.nrows > 0;
    out->enabled = totp.nrows && db_int(&totp, 0, 0) != 0;
    out->pending = totp.nrows && db_int(&totp, 0, 0) == 0;
    out->codes_left = out->enabled ? db_int(&codes, 0, 0) : 0;
    return ERR_OK;
}

enum err twofactor_challenge_create(struct db_conn *c, int64_t user_id, const char *ip, int64_t now,
                                    char out[65])
{
    char hash[65];
    accounts_random_hex(32, out);
    accounts_secret_hash(out, hash);
    enum err e =
        db_exec(c, "DELETE FROM login_challenge WHERE expires_at <= $1", DB_ARGS(DB_I(now)), NULL);
    if (e)
        return e;
    return db_exec(c,
                   "INSERT INTO login_challenge (id_hash, user_id, created_at, expires_at, ip) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   DB_ARGS(DB_T(hash), DB_I(user_id), DB_I(now),
                           DB_I(now + TWOFACTOR_CHALLENGE_SECONDS), DB_T(ip)),
                   NULL);
}

enum err twofactor_challenge_find(struct db_conn *c, struct arena *a, const char *challenge,
                                  int64_t now, int64_t *user_id)
{
    char hash[65];
    accounts_secret_hash(challenge, hash);
    struct db_rows rows;
    enum err e = db_query(c, a,
                          "SELECT user_id FROM login_challenge WHERE id_hash = $1 "
                          "AND expires_at > $2",
                          DB_ARGS(DB_T(hash), DB_I(now)), &rows);
    if (e)
        return e;
    if (!rows.nrows)
        return ERR_NOT_FOUND;
    *user_id = db_int(&rows, 0, 0);
    return ERR_OK;
}

enum err twofactor_challenge_use(struct db_conn *c, const char *challenge)
{
    char hash[65];
    accounts_secret_hash(challenge, hash);
    int64_t n = 0;
    enum err e =
        db_exec(c, "DELETE FROM login_challenge WHERE id_hash = $1", DB_ARGS(DB_T(hash)), &n);
    if (!e && n == 0)
        e = ERR_NOT_FOUND;
    return e;
}

enum err twofactor_challenges_end(struct db_conn *c, int64_t user_id)
{
    return db_exec(c, "DELETE FROM login_challenge WHERE user_id = $1", DB_ARGS(DB_I(user_id)),
                   NULL);
}

enum err twofactor_enroll(struct db_conn *c, struct arena *a, int64_t user_id, int64_t now,
                          const char **secret)
{
    unsigned char key[TOTP_SECRET_BYTES];
    char *text = arena_alloc(a, base32_encoded_len(sizeof(key)) + 1);
    if (!text)
        return ERR_NOMEM;
    randombytes_buf(key, sizeof(key));
    base32_encode(key, sizeof(key), text);
    sodium_memzero(key, sizeof(key));
    const char *sealed;
    enum err e = keystore_check(c); /* not under a key another server has rotated away */
    if (!e)
        e = crypto_seal(a, text, &sealed);
    if (e)
        return e;
    int64_t n = 0;
    /* an enabled authenticator is never replaced here: it is removed first, with a code */
    e = db_exec(c,
                "INSERT INTO user_totp (user_id, secret, enabled, created_at, last_used_step) "
                "VALUES ($1, $2, 0, $3, 0) ON CONFLICT (user_id) DO UPDATE SET "
                "secret = excluded.secret, created_at = excluded.created_at, last_used_step = 0 "
                "WHERE user_totp.enabled = 0",
                DB_ARGS(DB_I(user_id), DB_T(sealed), DB_I(now)), &n);
    if (!e && n == 0)
        e = ERR_CONFLICT;
    if (!e)
        *secret = text;
    return e;
}

/* Percent-encodes all but RFC 3986's unreserved characters. */
static void add_uri_part(struct sbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            sbuf_addc(sb, (char)*p);
        else
            sbuf_addf(sb, "%%%02X", *p);
    }
}

const char *twofactor_uri(struct arena *a, const char *username, const char *secret)
{
    struct sbuf sb;
    sbuf_init(&sb, 4096);
    sbuf_adds(&sb, "otpauth://totp/" TWOFACTOR_ISSUER ":");
    add_uri_part(&sb, username);
    sbuf_adds(&sb, "?secret=");
    add_uri_part(&sb, secret);
    sbuf_addf(&sb, "&issuer=" TWOFACTOR_ISSUER "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
              TOTP_STEP);
    const char *uri = sbuf_err(&sb) ? NULL : arena_strndup(a, sb.buf, sb.len);
    sbuf_release(&sb);
    return uri;
}

/* A recovery code reduced to its 16 characters, lower case; false when it cannot be one. */
static bool recovery_normalize(const char *code, char out[17])
{
    size_t n = 0;
    for (const char *p = code; *p; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '-')
            continue;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7')) || n == 16)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == 16;
}

enum err twofactor_enable(struct db_conn *c, int64_t user_id, int64_t step, int64_t now,
                          char codes[][TWOFACTOR_RECOVERY_LEN + 1])
{
    int64_t n = 0;
    enum err e = db_exec(c,
                         "UPDATE user_totp SET enabled = 1, confirmed_at = $3, "
                         "last_used_step = $2 WHERE user_id = $1 AND enabled = 0",
                         DB_ARGS(DB_I(user_id), DB_I(step), DB_I(now)), &n);
    if (!e && n == 0)
        e = ERR_CONFLICT;
    if (!e)
        e = db_exec(c, "DELETE FROM totp_recovery_code WHERE user_id = $1", DB_ARGS(DB_I(user_id)),
                    NULL);
    for (int i = 0; i < TWOFACTOR_RECOVERY_CODES && !e; i++) {
        unsigned char raw[10];
        char b32[17], hash[65];
        randombytes_buf(raw, sizeof(raw));
        base32_encode(raw, sizeof(raw), b32);
        for (char *p = b32; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        snprintf(codes[i], TWOFACTOR_RECOVERY_LEN + 1, "%.4s-%.4s-%.4s-%.4s", b32, b32 + 4, b32 + 8,
                 b32 + 12);
        accounts_secret_hash(b32, hash);
        sodium_memzero(b32, sizeof(b32));
        e = db_exec(c,
                    "INSERT INTO totp_recovery_code (id, user_id, code_hash, created_at) "
                    "VALUES ($1, $2, $3, $4)",
                    DB_ARGS(DB_I(id_next()), DB_I(user_id), DB_T(hash), DB_I(now)), NULL);
    }
    return e;
}

enum err twofactor_remove(struct db_conn *c, int64_t user_id, bool *removed)
{
    int64_t n = 0;
    enum err e = db_exec(c, "DELETE FROM user_totp WHERE user_id = $1 AND enabled <> 0",
                         DB_ARGS(DB_I(user_id)), &n);
    *removed = n > 0;
    if (!e) /* and an enrolment still waiting for its code */
        e = db_exec(c, "DELETE FROM user_totp WHERE user_id = $1", DB_ARGS(DB_I(user_id)), NULL);
    if (!e)
        e = db_exec(c, "DELETE FROM totp_recovery_code WHERE user_id = $1", DB_ARGS(DB_I(user_id)),
                    NULL);
    return e;
}

enum err twofactor_check(struct db_conn *c, struct arena *a, int64_t user_id, bool pending,
                         const char *code, int64_t now, enum totp_result *result, int64_t *step)
{
    struct db_rows rows;
    enum err e = db_query(c, a,
                          "SELECT secret, last_used_step FROM user_totp WHERE user_id = $1 "
                          "AND enabled = $2",
                          DB_ARGS(DB_I(user_id), DB_I(pending ? 0 : 1)), &rows);
    if (e)
        return e;
    if (!rows.nrows)
        return ERR_NOT_FOUND;
    const char *secret;
    e = crypto_open(a, db_str(&rows, 0, 0), &secret);
    if (e)
        return e;
    unsigned char key[64];
    size_t keylen = 0;
    if (!base32_decode(secret, key, sizeof(key), &keylen))
        return ERR_CONFLICT;
    /* people type codes the way apps show them: "123 456" */
    char digits[TOTP_MAX_DIGITS + 2];
    size_t n = 0;
    for (const char *p = code; *p && n < sizeof(digits) - 1; p++)
        if (*p != ' ')
            digits[n++] = *p;
    digits[n] = '\0';
    *result = totp_verify(key, keylen, digits, now, TOTP_STEP, TOTP_DIGITS, TOTP_WINDOW,
                          db_int(&rows, 0, 1), step);
    sodium_memzero(key, sizeof(key));
    return ERR_OK;
}

enum err twofactor_use_step(struct db_conn *c, int64_t user_id, int64_t step)
{
    int64_t n = 0;
    enum err e = db_exec(c,
                         "UPDATE user_totp SET last_used_step = $2 WHERE user_id = $1 "
                         "AND enabled = 1 AND last_used_step < $2",
                         DB_ARGS(DB_I(user_id), DB_I(step)), &n);
    if (!e && n == 0)
        e = ERR_CONFLICT;
    return e;
}

enum err twofactor_recovery_find(struct db_conn *c, struct arena *a, int64_t user_id,
                                 const char *code, int64_t *code_id)
{
    char norm[17], hash[65];
    if (!recovery_normalize(code, norm))
        return ERR_NOT_FOUND;
    accounts_secret_hash(norm, hash);
    struct db_rows rows;
    enum err e = db_query(c, a,
                          "SELECT r.id FROM totp_recovery_code r JOIN user_totp t "
                          "ON t.user_id = r.user_id AND t.enabled = 1 "
                          "WHERE r.user_id = $1 AND r.code_hash = $2 AND r.used_at IS NULL",
                          DB_ARGS(DB_I(user_id), DB_T(hash)), &rows);
    if (e)
        return e;
    if (!rows.nrows)
        return ERR_NOT_FOUND;
    *code_id = db_int(&rows, 0, 0);
    return ERR_OK;
}

enum err twofactor_recovery_use(struct db_conn *c, struct arena *a, int64_t user_id,
                                int64_t code_id, int64_t now, int64_t *left)
{
    int64_t n = 0;
    enum err e = db_exec(c,
                         "UPDATE totp_recovery_code SET used_at = $3 WHERE id = $1 "
                         "AND user_id = $2 AND used_at IS NULL",
                         DB_ARGS(DB_I(code_id), DB_I(user_id), DB_I(now)), &n);
    if (!e && n == 0)
        e = ERR_CONFLICT;
    struct db_rows rows;
    if (!e)
        e = db_query(c, a,
                     "SELECT COUNT(*) FROM totp_recovery_code WHERE user_id = $1 "
                     "AND used_at IS NULL",
                     DB_ARGS(DB_I(user_id)), &rows);
    if (!e)
        *left = db_int(&rows, 0, 0);
    return e;
}

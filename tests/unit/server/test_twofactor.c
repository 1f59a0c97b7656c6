/* Unit tests for server/twofactor over a migrated SQLite database: who needs a second
 * factor, enrolment with a sealed secret, each step and each recovery code used once even
 * when two requests race, and challenges that are single-use and expire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/crypto.h"
#include "db/migrate.h"
#include "model/model.h"
#include "server/accounts.h"
#include "server/keystore.h"
#include "server/twofactor.h"
#include "testdb.h"

static struct testdb t;
static struct arena arena;
static char key_path[300];
static int64_t admin_id, staff_id;

static int setup(void **state)
{
    (void)state;
    arena_init(&arena, 0);
    testdb_open(&t);
    int applied = 0;
    char errbuf[256];
    if (migrate_up(t.db, NULL, &applied, errbuf, sizeof(errbuf)))
        fail_msg("migrate_up: %s", errbuf);
    snprintf(key_path, sizeof(key_path), "%s.key", t.path);
    if (keystore_open(t.db, key_path, CRYPTO_SM4_CTR_HMAC_SM3, NULL, errbuf, sizeof(errbuf)))
        fail_msg("keystore_open: %s", errbuf);
    assert_int_equal(access_sync_roles(t.c, builtin_roles), ERR_OK);
    const char *why = NULL;
    int64_t grant;
    assert_int_equal(accounts_create(t.c, "sys", "系统管理员", "x", &admin_id), ERR_OK);
    assert_int_equal(accounts_create(t.c, "alice", "张三", "x", &staff_id), ERR_OK);
    assert_int_equal(accounts_grant(t.c, admin_id, "sysadmin", "110000000000", 0, 0, &grant, &why),
                     ERR_OK);
    assert_int_equal(accounts_grant(t.c, staff_id, "staff", "110105000000", 0, 0, &grant, &why),
                     ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    testdb_close(&t);
    unlink(key_path);
    arena_release(&arena);
    assert_null(arena.head);
    return 0;
}

/* The code of the base32 secret for step. */
static void code_for(const char *secret, int64_t step, char out[TOTP_MAX_DIGITS + 1])
{
    unsigned char key[64];
    size_t n = 0;
    assert_true(base32_decode(secret, key, sizeof(key), &n));
    totp_code(key, n, step, TOTP_DIGITS, out);
}

static void test_who_needs_it(void **state)
{
    (void)state;
    struct twofactor_status st;
    assert_int_equal(twofactor_status(t.c, &arena, admin_id, &st), ERR_OK);
    assert_true(st.required);
    assert_false(st.enabled);
    assert_false(st.pending);
    assert_int_equal(twofactor_status(t.c, &arena, staff_id, &st), ERR_OK);
    assert_false(st.required);
    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena,
                              "SELECT name, requires_2fa FROM role WHERE name IN "
                              "('sysadmin', 'secadmin', 'auditor', 'staff') ORDER BY name",
                              DB_NOARGS, &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 4);
    assert_int_equal(db_int(&r, 0, 1), 1); /* auditor */
    assert_int_equal(db_int(&r, 1, 1), 1); /* secadmin */
    assert_int_equal(db_int(&r, 2, 1), 0); /* staff */
    assert_int_equal(db_int(&r, 3, 1), 1); /* sysadmin */
}

static void test_enrol_use_and_remove(void **state)
{
    (void)state;
    const int64_t now = clock_now(), step = now / TOTP_STEP;
    const char *first, *secret;
    assert_int_equal(twofactor_enroll(t.c, &arena, admin_id, now, &first), ERR_OK);
    assert_int_equal(strlen(first), 32);
    /* a second enrolment before the first code replaces the secret */
    assert_int_equal(twofactor_enroll(t.c, &arena, admin_id, now, &secret), ERR_OK);
    assert_string_not_equal(first, secret);
    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena, "SELECT secret FROM user_totp WHERE user_id = $1",
                              DB_ARGS(DB_I(admin_id)), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_null(strstr(db_str(&r, 0, 0), secret)); /* sealed, not plain */

    struct twofactor_status st;
    assert_int_equal(twofactor_status(t.c, &arena, admin_id, &st), ERR_OK);
    assert_true(st.pending);
    assert_false(st.enabled);

    /* the pending secret checks; the enabled one does not exist yet */
    char code[TOTP_MAX_DIGITS + 1];
    code_for(secret, step, code);
    enum totp_result res;
    int64_t got = 0;
    assert_int_equal(twofactor_check(t.c, &arena, admin_id, false, code, now, &res, &got),
                     ERR_NOT_FOUND);
    assert_int_equal(twofactor_check(t.c, &arena, admin_id, true, code, now, &res, &got), ERR_OK);
    assert_int_equal(res, TOTP_OK);
    assert_int_equal(got, step);
    char old[TOTP_MAX_DIGITS + 1];
    code_for(first, step, old);
    if (strcmp(old, code) != 0) {
        assert_int_equal(twofactor_check(t.c, &arena, admin_id, true, old, now, &res, &got),
                         ERR_OK);
        assert_int_equal(res, TOTP_WRONG);
    }

    char codes[TWOFACTOR_RECOVERY_CODES][TWOFACTOR_RECOVERY_LEN + 1];
    assert_int_equal(twofactor_enable(t.c, admin_id, step, now, codes), ERR_OK);
    assert_int_equal(twofactor_enable(t.c, admin_id, step, now, codes), ERR_CONFLICT);
    assert_int_equal(twofactor_enroll(t.c, &arena, admin_id, now, &first), ERR_CONFLICT);
    assert_int_equal(twofactor_status(t.c, &arena, admin_id, &st), ERR_OK);
    assert_true(st.enabled);
    assert_int_equal(st.codes_left, TWOFACTOR_RECOVERY_CODES);
    for (int i = 0; i < TWOFACTOR_RECOVERY_CODES; i++) {
        assert_int_equal(strlen(codes[i]), TWOFACTOR_RECOVERY_LEN);
        assert_int_equal(codes[i][4], '-');
    }

    /* the confirming step is used: the same code again is a replay */
    assert_int_equal(twofactor_check(t.c, &arena, admin_id, false, code, now, &res, &got), ERR_OK);
    assert_int_equal(res, TOTP_REUSED);
    /* the next step, with a space as apps show it; two requests race for it */
    char next[TOTP_MAX_DIGITS + 1], spaced[16];
    code_for(secret, step + 1, next);
    snprintf(spaced, sizeof(spaced), "%.3s %.3s", next, next + 3);
    assert_int_equal(twofactor_check(t.c, &arena, admin_id, false, spaced, now, &res, &got),
                     ERR_OK);
    assert_int_equal(res, TOTP_OK);
    assert_int_equal(got, step + 1);
    assert_int_equal(twofactor_use_step(t.c, admin_id, got), ERR_OK);
    assert_int_equal(twofactor_use_step(t.c, admin_id, got), ERR_CONFLICT);
    assert_int_equal(twofactor_use_step(t.c, admin_id, step), ERR_CONFLICT);

    /* a recovery code, typed loosely, once */
    char loose[32];
    snprintf(loose, sizeof(loose), " %.4s %.4s-%.4s%.4s ", codes[3], codes[3] + 5, codes[3] + 10,
             codes[3] + 15);
    for (char *p = loose; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    int64_t id = 0, left = -1;
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, loose, &id), ERR_OK);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, staff_id, loose, &id), ERR_NOT_FOUND);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, loose, &id), ERR_OK);
    assert_int_equal(twofactor_recovery_use(t.c, &arena, admin_id, id, now, &left), ERR_OK);
    assert_int_equal(left, TWOFACTOR_RECOVERY_CODES - 1);
    assert_int_equal(twofactor_recovery_use(t.c, &arena, admin_id, id, now, &left), ERR_CONFLICT);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, codes[3], &id), ERR_NOT_FOUND);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, "abcd", &id), ERR_NOT_FOUND);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, "0000-0000-0000-0000", &id),
                     ERR_NOT_FOUND);

    bool removed = false;
    assert_int_equal(twofactor_remove(t.c, admin_id, &removed), ERR_OK);
    assert_true(removed);
    assert_int_equal(twofactor_remove(t.c, admin_id, &removed), ERR_OK);
    assert_false(removed);
    assert_int_equal(twofactor_status(t.c, &arena, admin_id, &st), ERR_OK);
    assert_false(st.enabled);
    assert_false(st.pending);
    assert_int_equal(twofactor_recovery_find(t.c, &arena, admin_id, codes[4], &id), ERR_NOT_FOUND);
}

static void test_challenges(void **state)
{
    (void)state;
    const int64_t now = clock_now();
    char a[65], b[65];
    assert_int_equal(twofactor_challenge_create(t.c, admin_id, "192.0.2.1", now, a), ERR_OK);
    assert_int_equal(twofactor_challenge_create(t.c, admin_id, NULL, now, b), ERR_OK);
    assert_int_equal(strlen(a), 64);
    assert_string_not_equal(a, b);
    int64_t uid = 0;
    assert_int_equal(twofactor_challenge_find(t.c, &arena, a, now + 299, &uid), ERR_OK);
    assert_int_equal(uid, admin_id);
    assert_int_equal(twofactor_challenge_find(t.c, &arena, a, now + 300, &uid), ERR_NOT_FOUND);
    assert_int_equal(twofactor_challenge_find(t.c, &arena, "nope", now, &uid), ERR_NOT_FOUND);
    /* stored hashed */
    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena, "SELECT 1 FROM login_challenge WHERE id_hash = $1",
                              DB_ARGS(DB_T(a)), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 0);
    /* single use */
    assert_int_equal(twofactor_challenge_use(t.c, a), ERR_OK);
    assert_int_equal(twofactor_challenge_use(t.c, a), ERR_NOT_FOUND);
    assert_int_equal(twofactor_challenge_find(t.c, &arena, a, now, &uid), ERR_NOT_FOUND);
    /* the lock ends them all; creating one drops the expired */
    assert_int_equal(twofactor_challenges_end(t.c, admin_id), ERR_OK);
    assert_int_equal(twofactor_challenge_find(t.c, &arena, b, now, &uid), ERR_NOT_FOUND);
    assert_int_equal(twofactor_challenge_create(t.c, staff_id, NULL, now, a), ERR_OK);
    assert_int_equal(twofactor_challenge_create(t.c, staff_id, NULL, now + 600, b), ERR_OK);
    assert_int_equal(db_query(t.c, &arena, "SELECT COUNT(*) FROM login_challenge", DB_NOARGS, &r),
                     ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), 1);
}

static void test_uri(void **state)
{
    (void)state;
    assert_string_equal(twofactor_uri(&arena, "zhang.san", "GEZDGNBVGY3TQOJQ"),
                        "otpauth://totp/shegong:zhang.san?secret=GEZDGNBVGY3TQOJQ"
                        "&issuer=shegong&algorithm=SHA1&digits=6&period=30");
    /* anything outside the unreserved set is percent-encoded */
    assert_string_equal(twofactor_uri(&arena, "a b&c", "X"),
                        "otpauth://totp/shegong:a%20b%26c?secret=X"
                        "&issuer=shegong&algorithm=SHA1&digits=6&period=30");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_who_needs_it),
        cmocka_unit_test(test_enrol_use_and_remove),
        cmocka_unit_test(test_challenges),
        cmocka_unit_test(test_uri),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

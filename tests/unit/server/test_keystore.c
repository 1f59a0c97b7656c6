/* Unit tests for server/keystore: binding the key file to its database at start-up,
 * re-sealing every registered column under a new key, and refusing to half-rotate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/migrate.h"
#include "engine/engine.h"
#include "model/model.h"
#include "model/sealed.h"
#include "server/keystore.h"
#include "testdb.h"

static struct testdb t;
static struct arena arena;
static char key_path[300];

static void remove_keys(void)
{
    char p[400];
    unlink(key_path);
    snprintf(p, sizeof(p), "%s.new", key_path);
    unlink(p);
}

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
    remove_keys();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_keys();
    testdb_close(&t);
    arena_release(&arena);
    return 0;
}

static void open_ok(void)
{
    char errbuf[512];
    enum err e =
        keystore_open(t.db, key_path, CRYPTO_SM4_CTR_HMAC_SM3, NULL, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("keystore_open: %s", errbuf);
}

/* A person row with sealed ID and phone numbers under the current key. */
static void add_person(int64_t id, const char *idn, const char *phone)
{
    const char *ie, *pe;
    char ii[65], pi[65];
    assert_int_equal(crypto_seal(&arena, idn, &ie), ERR_OK);
    assert_int_equal(crypto_seal(&arena, phone, &pe), ERR_OK);
    crypto_blind_index("idcard", idn, ii);
    crypto_blind_index("phone", phone, pi);
    assert_int_equal(db_exec(t.c,
                             "INSERT INTO person (id, name, id_number_enc, id_number_idx, "
                             "phone_enc, phone_idx, region_code, created_at, updated_at) "
                             "VALUES ($1, 'x', $2, $3, $4, $5, '110105001000', 0, 0)",
                             DB_ARGS(DB_I(id), DB_T(ie), DB_T(ii), DB_T(pe), DB_T(pi)), NULL),
                     ERR_OK);
}

static const char *cell(const char *sql, int64_t id)
{
    struct db_rows rows;
    assert_int_equal(db_query_one(t.c, &arena, sql, DB_ARGS(DB_I(id)), &rows), ERR_OK);
    return db_str(&rows, 0, 0);
}

static void test_first_start_records_the_key(void **state)
{
    (void)state;
    open_ok();
    struct stat st;
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    const char *fp = cell("SELECT fingerprint FROM crypto_key WHERE id = $1", 1);
    assert_string_equal(fp, crypto_current()->fingerprint);
    assert_int_equal(keystore_check(t.c), ERR_OK);
    /* the next start finds the same key */
    open_ok();
    assert_string_equal(crypto_current()->fingerprint, fp);
}

static void test_foreign_and_missing_key(void **state)
{
    (void)state;
    open_ok();
    char errbuf[512];
    unsigned char other[CRYPTO_MASTER_BYTES];
    memset(other, 7, sizeof(other));
    unlink(key_path);
    assert_int_equal(crypto_key_write(key_path, other, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(
        keystore_open(t.db, key_path, CRYPTO_SM4_CTR_HMAC_SM3, NULL, errbuf, sizeof(errbuf)),
        ERR_CONFLICT);
    assert_non_null(strstr(errbuf, "sealed under key"));
    unlink(key_path);
    assert_int_equal(
        keystore_open(t.db, key_path, CRYPTO_SM4_CTR_HMAC_SM3, NULL, errbuf, sizeof(errbuf)),
        ERR_CONFLICT);
    assert_non_null(strstr(errbuf, "missing"));
    assert_int_not_equal(access(key_path, F_OK), 0); /* not silently replaced */
}

struct reseal_ctx {
    struct crypto_key old, next;
    struct keystore_progress p;
};

static enum err reseal(struct db_conn *c, void *ctx)
{
    struct reseal_ctx *r = ctx;
    /* what `shegong key rotate` re-seals: the listed columns and the entities' fields */
    return keystore_reseal(c, engine_sealed_columns(sealed_columns), &r->old, &r->next, &r->p);
}

static void test_reseal(void **state)
{
    (void)state;
    open_ok();
    add_person(1, "110105198001011234", "13812345678");
    add_person(2, "11010519900215234X", "010-65001234");
    static struct reseal_ctx rc;
    rc.old = *crypto_current();
    unsigned char master[CRYPTO_MASTER_BYTES];
    memset(master, 9, sizeof(master));
    crypto_key_derive(master, CRYPTO_AES_256_GCM, &rc.next);
    assert_int_equal(db_tx_run(t.c, reseal, &rc), ERR_OK);
    assert_int_equal(rc.p.total, 4);
    assert_int_equal(rc.p.done, 4);
    /* the database now names the new key; this process still holds the old one */
    assert_int_equal(keystore_check(t.c), ERR_UNAVAILABLE);
    crypto_use(&rc.next);
    assert_int_equal(keystore_check(t.c), ERR_OK);
    const char *plain;
    const char *sealed = cell("SELECT id_number_enc FROM person WHERE id = $1", 2);
    assert_memory_equal(sealed, "aes:", 4);
    assert_int_equal(crypto_open(&arena, sealed, &plain), ERR_OK);
    assert_string_equal(plain, "11010519900215234X");
    assert_int_equal(crypto_open_with(&rc.old, &arena, sealed, &plain), ERR_CONFLICT);
    char idx[65];
    crypto_blind_index("phone", "010-65001234", idx);
    assert_string_equal(cell("SELECT phone_idx FROM person WHERE id = $1", 2), idx);
}

static void test_reseal_refuses_a_damaged_value(void **state)
{
    (void)state;
    open_ok();
    add_person(1, "110105198001011234", "13812345678");
    add_person(2, "11010519900215234X", "010-65001234");
    assert_int_equal(
        db_exec(t.c, "UPDATE person SET phone_enc = 'sm4:AAAA' WHERE id = 2", DB_NOARGS, NULL),
        ERR_OK);
    const char *before =
        arena_strdup(&arena, cell("SELECT id_number_enc FROM person WHERE id = $1", 1));
    const char *fp = arena_strdup(&arena, crypto_current()->fingerprint);
    static struct reseal_ctx rc;
    rc.old = *crypto_current();
    unsigned char master[CRYPTO_MASTER_BYTES];
    memset(master, 5, sizeof(master));
    crypto_key_derive(master, CRYPTO_SM4_CTR_HMAC_SM3, &rc.next);
    assert_int_equal(db_tx_run(t.c, reseal, &rc), ERR_CONFLICT);
    assert_string_equal(rc.p.bad_table, "person");
    assert_int_equal(rc.p.bad_key, 2);
    /* rolled back: row 1 was re-sealed inside the transaction, and that is gone too */
    assert_string_equal(cell("SELECT id_number_enc FROM person WHERE id = $1", 1), before);
    assert_string_equal(cell("SELECT fingerprint FROM crypto_key WHERE id = $1", 1), fp);
    assert_int_equal(keystore_check(t.c), ERR_OK);
}

static void test_switch(void **state)
{
    (void)state;
    open_ok();
    char next[400], old[4200], errbuf[512];
    keystore_new_path(key_path, next, sizeof(next));
    unsigned char m[CRYPTO_MASTER_BYTES], back[CRYPTO_MASTER_BYTES];
    memset(m, 3, sizeof(m));
    assert_int_equal(crypto_key_write(next, m, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(keystore_switch(key_path, old, sizeof(old), errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_not_equal(access(next, F_OK), 0);
    assert_int_equal(crypto_key_read(key_path, back, errbuf, sizeof(errbuf)), ERR_OK);
    assert_memory_equal(m, back, sizeof(m));
    assert_non_null(strstr(old, ".key.old-"));
    assert_int_equal(access(old, F_OK), 0);
    unlink(old);
}

int main(void)
{
    if (engine_init(model_entities, model_enums, routes) != ERR_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_start_records_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_and_missing_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reseal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reseal_refuses_a_damaged_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

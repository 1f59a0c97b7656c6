/* The job locks of db/db_lock: always granted on SQLite; on PostgreSQL (SHEGONG_TEST_PG_URL)
 * held by one connection at a time until it is released. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db/db_lock.h"
#include "testdb.h"
#include "testpg.h"

static void test_key(void **state)
{
    int64_t k = db_job_lock_key("shegong.jobs");
    assert_true(k >= 0);
    assert_int_equal(k, db_job_lock_key("shegong.jobs"));
    assert_true(k != db_job_lock_key("shegong.other"));
    assert_true(k != INT64_C(8316008206865164065)); /* the driver's write lock */
}

static void test_sqlite_always_granted(void **state)
{
    struct testdb t;
    testdb_open(&t);
    bool got = false;
    assert_int_equal(db_job_lock(t.c, 7, false, &got), ERR_OK);
    assert_true(got);
    assert_int_equal(db_job_lock(t.c, 7, true, &got), ERR_OK);
    assert_true(got);
    assert_int_equal(db_job_unlock(t.c, 7), ERR_OK);
    testdb_close(&t);
}

static void open_pg(struct db **db, struct db_conn **c)
{
    char errbuf[256];
    enum err e = db_open(testpg_url(), NULL, db, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("db_open: %s", errbuf);
    assert_int_equal(db_conn_get(*db, c), ERR_OK);
}

static void test_pg_one_holder(void **state)
{
    if (!testpg_url())
        skip();
    struct db *d1, *d2;
    struct db_conn *c1, *c2;
    open_pg(&d1, &c1);
    open_pg(&d2, &c2);
    int64_t key = db_job_lock_key("test_db_lock");
    bool got = false;
    assert_int_equal(db_job_lock(c1, key, false, &got), ERR_OK);
    assert_true(got);
    /* it outlives a transaction of its holder */
    assert_int_equal(db_begin(c1, DB_TX_WRITE), ERR_OK);
    assert_int_equal(db_commit(c1), ERR_OK);
    assert_int_equal(db_job_lock(c2, key, false, &got), ERR_OK);
    assert_false(got);
    assert_int_equal(db_job_unlock(c1, key), ERR_OK);
    assert_int_equal(db_job_lock(c2, key, true, &got), ERR_OK);
    assert_true(got);
    assert_int_equal(db_job_lock(c1, key, false, &got), ERR_OK);
    assert_false(got);
    /* a connection that ends releases it */
    db_close(d2);
    assert_int_equal(db_job_lock(c1, key, false, &got), ERR_OK);
    assert_true(got);
    assert_int_equal(db_job_unlock(c1, key), ERR_OK);
    db_close(d1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_sqlite_always_granted),
        cmocka_unit_test(test_pg_one_holder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

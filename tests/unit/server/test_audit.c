/* Unit tests for server/audit: the hash chain over a migrated SQLite database, the
 * database's refusal to change it, and audit_verify finding tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "db/migrate.h"
#include "server/audit.h"
#include "testdb.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static struct testdb t;
static struct testdb fresh; /* a second database one test opens */
static struct arena arena;

static const struct audit_rec records[3] = {
    {.user_id = 0,
     .username = "zhangsan",
     .ip = "192.0.2.7",
     .request_id = "req-0001",
     .action = "login.failure",
     .result = "failure"},
    {.user_id = 42,
     .username = "admin",
     .ip = "192.0.2.8",
     .request_id = "req-0002",
     .action = "unit.update",
     .object_type = "unit",
     .object_id = "7350432998227968",
     .result = "success",
     .detail = "{\"name\":\"东城区民政局\"}"},
    {.user_id = 42,
     .username = "admin",
     .action = "user.create",
     .object_type = "user",
     .object_id = "43",
     .result = "success",
     .detail = ""},
};

/* db_tx_run body: appends n records. */
struct append_ctx {
    const struct audit_rec *recs;
    size_t n;
};

static enum err append_all(struct db_conn *c, void *ctx)
{
    const struct append_ctx *a = ctx;
    for (size_t i = 0; i < a->n; i++) {
        enum err e = audit_append(c, &a->recs[i]);
        if (e)
            return e;
    }
    return ERR_OK;
}

static int setup(void **state)
{
    (void)state;
    testdb_open(&t);
    arena_init(&arena, 0);
    char errbuf[256];
    int applied = 0;
    if (migrate_up(t.db, NULL, &applied, errbuf, sizeof(errbuf)))
        fail_msg("migrate_up: %s", errbuf);
    struct append_ctx ctx = {records, 3};
    assert_int_equal(db_tx_run(t.c, append_all, &ctx), ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool in_tx = db_in_tx(t.c);
    testdb_close(&t);
    testdb_close(&fresh);
    assert_false(in_tx);
    arena_release(&arena);
    assert_int_equal(arena.used, 0);
    assert_null(arena.head);
    return 0;
}

static void expect_intact(int64_t n)
{
    int64_t checked = -1, bad = -1;
    char why[200] = "";
    enum err e = audit_verify(t.c, &checked, &bad, why, sizeof(why));
    if (e)
        fail_msg("audit_verify: err %d at seq %lld: %s", e, (long long)bad, why);
    assert_int_equal(checked, n);
    assert_int_equal(bad, 0);
}

/* audit_verify must fail at seq, after checking the records before it; why names the
 * kind of damage (a word from it is enough). */
static void expect_broken_at(int64_t seq, int64_t checked_before, const char *why_word)
{
    int64_t checked = -1, bad = -1;
    char why[200] = "";
    assert_int_equal(audit_verify(t.c, &checked, &bad, why, sizeof(why)), ERR_CONFLICT);
    assert_int_equal(bad, seq);
    assert_int_equal(checked, checked_before);
    if (!strstr(why, why_word))
        fail_msg("why \"%s\" does not say \"%s\"", why, why_word);
}

static void test_chain_intact(void **state)
{
    (void)state;
    expect_intact(3);

    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena,
                              "SELECT seq, user_id, action, prev_hash, hash, result "
                              "FROM audit_log ORDER BY seq",
                              DB_NOARGS, &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(db_int(&r, i, 0), (int64_t)i + 1);
        assert_string_equal(db_str(&r, i, 2), records[i].action);
        assert_string_equal(db_str(&r, i, 5), records[i].result);
        const char *hash = db_str(&r, i, 4);
        assert_int_equal(strlen(hash), 64);
        assert_int_equal(strspn(hash, "0123456789abcdef"), 64);
        /* each record links to the one before it */
        assert_string_equal(db_str(&r, i, 3), i ? db_str(&r, i - 1, 4) : GENESIS);
    }
    assert_true(db_is_null(&r, 0, 1)); /* user_id 0 is stored as NULL */
    assert_int_equal(db_int(&r, 1, 1), 42);
    assert_string_not_equal(db_str(&r, 1, 4), db_str(&r, 2, 4));

    /* appending later continues the chain */
    struct append_ctx more = {&records[1], 1};
    assert_int_equal(db_tx_run(t.c, append_all, &more), ERR_OK);
    expect_intact(4);
}

static void test_empty_log_is_intact(void **state)
{
    (void)state;
    testdb_open(&fresh);
    char errbuf[256];
    int applied = 0;
    assert_int_equal(migrate_up(fresh.db, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    int64_t checked = -1, bad = -1;
    char why[200] = "";
    assert_int_equal(audit_verify(fresh.c, &checked, &bad, why, sizeof(why)), ERR_OK);
    assert_int_equal(checked, 0);
    assert_int_equal(bad, 0);
    testdb_close(&fresh);
}

static void test_database_refuses_changes(void **state)
{
    (void)state;
    int64_t changes = 0;
    enum err e = db_exec(t.c, "UPDATE audit_log SET result = 'success' WHERE seq = $1",
                         DB_ARGS(DB_I(1)), &changes);
    assert_int_not_equal(e, ERR_OK);
    assert_int_equal(e, ERR_CONFLICT); /* the trigger's RAISE(ABORT) is a constraint */
    assert_non_null(strstr(db_errmsg(t.c), "audit_log_append_only"));

    e = db_exec(t.c, "DELETE FROM audit_log WHERE seq = $1", DB_ARGS(DB_I(3)), NULL);
    assert_int_not_equal(e, ERR_OK);
    assert_int_equal(e, ERR_CONFLICT);
    e = db_exec(t.c, "DELETE FROM audit_log", DB_NOARGS, NULL);
    assert_int_not_equal(e, ERR_OK);
    assert_int_not_equal(db_exec_script(t.c, "UPDATE audit_log SET hash = prev_hash"), ERR_OK);

    /* nothing changed */
    expect_intact(3);
    struct db_rows r;
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT result FROM audit_log WHERE seq = 1", DB_NOARGS, &r),
        ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "failure");
}

static void test_altered_record_found(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(t.c, "DROP TRIGGER audit_log_no_update"), ERR_OK);
    int64_t changes = 0;
    assert_int_equal(db_exec(t.c, "UPDATE audit_log SET result = $1 WHERE seq = $2",
                             DB_ARGS(DB_T("failure"), DB_I(2)), &changes),
                     ERR_OK);
    assert_int_equal(changes, 1);
    expect_broken_at(2, 1, "altered");
}

static void test_altered_detail_found(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(t.c, "DROP TRIGGER audit_log_no_update"), ERR_OK);
    /* NULL and an empty text are different contents */
    assert_int_equal(db_exec_script(t.c, "UPDATE audit_log SET detail = NULL WHERE seq = 3"),
                     ERR_OK);
    expect_broken_at(3, 2, "altered");
}

static void test_broken_link_found(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(t.c, "DROP TRIGGER audit_log_no_update"), ERR_OK);
    assert_int_equal(
        db_exec_script(t.c, "UPDATE audit_log SET prev_hash = '" GENESIS "' WHERE seq = 2"),
        ERR_OK);
    expect_broken_at(2, 1, "link");
}

static void test_deleted_record_found(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(t.c, "DROP TRIGGER audit_log_no_delete"), ERR_OK);
    assert_int_equal(db_exec_script(t.c, "DELETE FROM audit_log WHERE seq = 2"), ERR_OK);
    expect_broken_at(3, 1, "missing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chain_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_log_is_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_database_refuses_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_record_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_detail_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_link_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_record_found, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

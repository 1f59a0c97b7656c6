/* Unit tests for db/db over SQLite: opening, $n placeholders, rows copied into the arena,
 * constraint errors, transactions and db_tx_run, then the migrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/migrate.h"
#include "testdb.h"

static struct testdb t;
static struct testdb m; /* a second database some tests open */
static struct arena arena;

static int setup(void **state)
{
    (void)state;
    testdb_open(&t);
    arena_init(&arena, 0);
    assert_int_equal(db_exec_script(t.c, "CREATE TABLE person ("
                                         " id INTEGER PRIMARY KEY,"
                                         " name TEXT NOT NULL UNIQUE,"
                                         " score REAL,"
                                         " note TEXT);"
                                         "CREATE INDEX person_score ON person (score);"),
                     ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool in_tx = db_in_tx(t.c);
    testdb_close(&t);
    testdb_close(&m);
    assert_false(in_tx);
    arena_release(&arena);
    assert_int_equal(arena.used, 0);
    assert_null(arena.head);
    return 0;
}

static int64_t count_people(struct db_conn *c)
{
    struct db_rows r;
    assert_int_equal(db_query_one(c, &arena, "SELECT COUNT(*) FROM person", DB_NOARGS, &r), ERR_OK);
    return db_int(&r, 0, 0);
}

static enum err add_person(struct db_conn *c, int64_t id, const char *name)
{
    return db_exec(c, "INSERT INTO person (id, name) VALUES ($1, $2)",
                   DB_ARGS(DB_I(id), DB_T(name)), NULL);
}

static void test_open_errors(void **state)
{
    (void)state;
    char errbuf[256];
    static char sentinel;
    struct db *db = (struct db *)&sentinel; /* must be reset to NULL on failure */

    errbuf[0] = '\0';
    assert_int_equal(db_open("postgres://localhost/x", NULL, &db, errbuf, sizeof(errbuf)),
                     ERR_UNAVAILABLE);
    assert_null(db);
    assert_true(errbuf[0] != '\0');

    errbuf[0] = '\0';
    assert_int_equal(db_open("mysql://localhost/x", NULL, &db, errbuf, sizeof(errbuf)),
                     ERR_INVALID);
    assert_null(db);
    assert_true(errbuf[0] != '\0');

    errbuf[0] = '\0';
    assert_int_equal(db_open("sqlite:", NULL, &db, errbuf, sizeof(errbuf)), ERR_INVALID);
    assert_null(db);
    assert_true(errbuf[0] != '\0');

    errbuf[0] = '\0';
    assert_int_equal(
        db_open("sqlite:/nonexistent-shegong-dir/sub/x.db", NULL, &db, errbuf, sizeof(errbuf)),
        ERR_IO);
    assert_null(db);
    assert_non_null(strstr(errbuf, "/nonexistent-shegong-dir/sub/x.db"));
}

static void test_open_bare_path(void **state)
{
    (void)state;
    assert_string_equal(db_backend(t.db), "sqlite");
    /* a bare path means SQLite; it sees the same file */
    assert_int_equal(add_person(t.c, 1, "张三"), ERR_OK);
    char errbuf[256];
    struct db *db2 = NULL;
    assert_int_equal(db_open(t.path, NULL, &db2, errbuf, sizeof(errbuf)), ERR_OK);
    assert_string_equal(db_backend(db2), "sqlite");
    struct db_conn *c2 = NULL;
    assert_int_equal(db_conn_get(db2, &c2), ERR_OK);
    assert_ptr_not_equal(c2, t.c);
    assert_int_equal(count_people(c2), 1);
    /* the same thread gets the same connection back */
    struct db_conn *again = NULL;
    assert_int_equal(db_conn_get(db2, &again), ERR_OK);
    assert_ptr_equal(again, c2);
    db_close(db2);
}

static void test_placeholders(void **state)
{
    (void)state;
    int64_t changes = -1;
    assert_int_equal(
        db_exec(t.c, "INSERT INTO person (id, name, score, note) VALUES ($1, $2, $3, $4)",
                DB_ARGS(DB_I(7350432998227968), DB_T("张三"), DB_R(91.5), DB_NUL), &changes),
        ERR_OK);
    assert_int_equal(changes, 1);

    struct db_rows r;
    assert_int_equal(db_query_one(t.c, &arena,
                                  "SELECT id, name, score, note FROM person WHERE id = $1",
                                  DB_ARGS(DB_I(7350432998227968)), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(r.ncols, 4);
    assert_string_equal(r.names[0], "id");
    assert_string_equal(r.names[3], "note");
    assert_int_equal(db_cell(&r, 0, 0)->type, DB_INT);
    assert_true(db_int(&r, 0, 0) == 7350432998227968);
    assert_int_equal(db_cell(&r, 0, 1)->type, DB_TEXT);
    assert_string_equal(db_str(&r, 0, 1), "张三");
    assert_int_equal(db_cell(&r, 0, 1)->n, strlen("张三"));
    assert_int_equal(db_cell(&r, 0, 2)->type, DB_REAL);
    assert_true(db_cell(&r, 0, 2)->d == 91.5);
    assert_true(db_is_null(&r, 0, 3));
    assert_null(db_str(&r, 0, 3));
    assert_int_equal(db_int(&r, 0, 3), 0);

    /* placeholders used out of order bind by number, not by position */
    assert_int_equal(db_query(t.c, &arena, "SELECT $2, $1", DB_ARGS(DB_T("a"), DB_I(7)), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(db_int(&r, 0, 0), 7);
    assert_string_equal(db_str(&r, 0, 1), "a");

    /* one placeholder used twice */
    assert_int_equal(db_query(t.c, &arena, "SELECT $1 || '-' || $1", DB_ARGS(DB_T("x")), &r),
                     ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "x-x");

    /* two-digit numbers: $1 and $10 are different */
    assert_int_equal(db_query(t.c, &arena,
                              "SELECT $1 + $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 + $10, $10",
                              DB_ARGS(DB_I(1), DB_I(2), DB_I(3), DB_I(4), DB_I(5), DB_I(6), DB_I(7),
                                      DB_I(8), DB_I(9), DB_I(1000)),
                              &r),
                     ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), 1045);
    assert_int_equal(db_int(&r, 0, 1), 1000);

    /* a value is bound, never spliced: quotes in it are just text */
    assert_int_equal(add_person(t.c, 2, "O'Brien\"; DROP TABLE person; --"), ERR_OK);
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT name FROM person WHERE id = 2", DB_NOARGS, &r), ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "O'Brien\"; DROP TABLE person; --");
}

static void test_wrong_arg_count(void **state)
{
    (void)state;
    struct db_rows r;
    assert_int_not_equal(db_query(t.c, &arena, "SELECT $1, $2", DB_ARGS(DB_I(1)), &r), ERR_OK);
    assert_int_not_equal(db_query(t.c, &arena, "SELECT $1", DB_ARGS(DB_I(1), DB_I(2)), &r), ERR_OK);
    /* the cached statement is still good afterwards */
    assert_int_equal(db_query(t.c, &arena, "SELECT $1, $2", DB_ARGS(DB_I(1), DB_I(2)), &r), ERR_OK);
    assert_int_equal(db_int(&r, 0, 1), 2);
    /* and so is bad SQL reported, not crashed on */
    assert_int_not_equal(db_exec(t.c, "SELEC 1", DB_NOARGS, NULL), ERR_OK);
    assert_int_not_equal(db_exec(t.c, "SELECT * FROM no_such_table", DB_NOARGS, NULL), ERR_OK);
}

static void test_query_copies_rows(void **state)
{
    (void)state;
    char name[32];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "p%d", i);
        assert_int_equal(add_person(t.c, i, name), ERR_OK);
    }
    const char *sql = "SELECT id, name FROM person ORDER BY id";
    struct db_rows first;
    assert_int_equal(db_query(t.c, &arena, sql, DB_NOARGS, &first), ERR_OK);
    assert_int_equal(first.nrows, 20); /* more rows than the first cell allocation holds */
    assert_int_equal(first.ncols, 2);

    /* change the data, run the same (cached) statement and others */
    assert_int_equal(db_exec(t.c, "UPDATE person SET name = 'changed' || id", DB_NOARGS, NULL),
                     ERR_OK);
    struct db_rows second, third;
    assert_int_equal(db_query(t.c, &arena, sql, DB_NOARGS, &second), ERR_OK);
    assert_int_equal(
        db_query(t.c, &arena, "SELECT name, id FROM person ORDER BY id DESC", DB_NOARGS, &third),
        ERR_OK);

    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "p%d", i);
        assert_int_equal(db_int(&first, (size_t)i, 0), i);
        assert_string_equal(db_str(&first, (size_t)i, 1), name);
        snprintf(name, sizeof(name), "changed%d", i);
        assert_string_equal(db_str(&second, (size_t)i, 1), name);
        assert_string_equal(db_str(&third, (size_t)(19 - i), 0), name);
    }
    assert_string_equal(first.names[1], "name");
    assert_string_equal(third.names[0], "name");

    /* no rows: an empty result that still knows its columns */
    struct db_rows none;
    assert_int_equal(
        db_query(t.c, &arena, "SELECT id, name FROM person WHERE id < 0", DB_NOARGS, &none),
        ERR_OK);
    assert_int_equal(none.nrows, 0);
    assert_int_equal(none.ncols, 2);
    assert_string_equal(none.names[0], "id");
}

static void test_query_one(void **state)
{
    (void)state;
    struct db_rows r;
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT name FROM person WHERE id = $1", DB_ARGS(DB_I(1)), &r),
        ERR_NOT_FOUND);
    assert_int_equal(r.nrows, 0);
    assert_int_equal(add_person(t.c, 1, "李四"), ERR_OK);
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT name FROM person WHERE id = $1", DB_ARGS(DB_I(1)), &r),
        ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(db_str(&r, 0, 0), "李四");
}

static void test_constraint_conflict(void **state)
{
    (void)state;
    assert_int_equal(add_person(t.c, 1, "张三"), ERR_OK);
    assert_int_equal(add_person(t.c, 2, "张三"), ERR_CONFLICT);
    assert_non_null(strstr(db_errmsg(t.c), "UNIQUE"));
    assert_int_equal(add_person(t.c, 1, "王五"), ERR_CONFLICT); /* primary key */
    assert_int_equal(db_exec(t.c, "INSERT INTO person (id, name) VALUES ($1, $2)",
                             DB_ARGS(DB_I(3), DB_NUL), NULL),
                     ERR_CONFLICT); /* NOT NULL */
    /* the connection carries on */
    assert_int_equal(add_person(t.c, 3, "王五"), ERR_OK);
    assert_int_equal(count_people(t.c), 2);
}

static void test_begin_rollback(void **state)
{
    (void)state;
    assert_int_equal(add_person(t.c, 1, "kept"), ERR_OK);
    assert_false(db_in_tx(t.c));
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    assert_true(db_in_tx(t.c));
    assert_int_equal(add_person(t.c, 2, "discarded"), ERR_OK);
    assert_int_equal(count_people(t.c), 2); /* visible inside the transaction */
    /* nesting is a bug, reported and harmless to the open transaction */
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_INTERNAL);
    assert_true(db_in_tx(t.c));
    db_rollback(t.c);
    assert_false(db_in_tx(t.c));
    assert_int_equal(count_people(t.c), 1);

    /* commit and rollback outside a transaction */
    assert_int_equal(db_commit(t.c), ERR_INTERNAL);
    db_rollback(t.c);
    assert_false(db_in_tx(t.c));

    /* a committed write is seen by another connection */
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    assert_int_equal(add_person(t.c, 3, "committed"), ERR_OK);
    assert_int_equal(db_commit(t.c), ERR_OK);
    assert_false(db_in_tx(t.c));
    char errbuf[256];
    struct db *db2 = NULL;
    struct db_conn *c2 = NULL;
    assert_int_equal(db_open(t.path, NULL, &db2, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(db_conn_get(db2, &c2), ERR_OK);
    assert_int_equal(count_people(c2), 2);

    /* a read transaction */
    assert_int_equal(db_begin(c2, DB_TX_READ), ERR_OK);
    assert_int_equal(count_people(c2), 2);
    assert_int_equal(db_commit(c2), ERR_OK);
    db_close(db2);
}

/* What a db_tx_run body does: add names, then answer `result`. */
struct tx_body {
    const char *names[3];
    enum err result;
    int calls;
};

static int64_t next_person_id = 1000;

static enum err tx_body(struct db_conn *c, void *ctx)
{
    struct tx_body *b = ctx;
    b->calls++;
    assert_true(db_in_tx(c));
    for (int i = 0; i < 3 && b->names[i]; i++) {
        enum err e = add_person(c, next_person_id++, b->names[i]);
        if (e)
            return e;
    }
    return b->result;
}

static void test_tx_run(void **state)
{
    (void)state;
    struct tx_body ok = {.names = {"a", "b"}, .result = ERR_OK};
    assert_int_equal(db_tx_run(t.c, tx_body, &ok), ERR_OK);
    assert_int_equal(ok.calls, 1);
    assert_false(db_in_tx(t.c));
    assert_int_equal(count_people(t.c), 2);

    /* an error from the body rolls everything back and is passed on */
    struct tx_body bad = {.names = {"c", "d"}, .result = ERR_INVALID};
    assert_int_equal(db_tx_run(t.c, tx_body, &bad), ERR_INVALID);
    assert_int_equal(bad.calls, 1);
    assert_false(db_in_tx(t.c));
    assert_int_equal(count_people(t.c), 2);

    /* so does a failing statement after a successful one */
    struct tx_body dup = {.names = {"e", "a"}, .result = ERR_OK};
    assert_int_equal(db_tx_run(t.c, tx_body, &dup), ERR_CONFLICT);
    assert_int_equal(dup.calls, 1);
    assert_int_equal(count_people(t.c), 2);
    struct db_rows r;
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT id FROM person WHERE name = 'e'", DB_NOARGS, &r),
        ERR_NOT_FOUND);

    /* inside an open transaction it refuses, without running the body */
    struct tx_body nested = {.names = {"f"}, .result = ERR_OK};
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    assert_int_not_equal(db_tx_run(t.c, tx_body, &nested), ERR_OK);
    assert_int_equal(nested.calls, 0);
    db_rollback(t.c);
}

static void test_tx_run_retries_busy(void **state)
{
    (void)state;
    /* a body that stays busy is run again, in a fresh transaction each time, 5 times */
    struct tx_body busy = {.names = {"x"}, .result = ERR_DB_BUSY};
    assert_int_equal(db_tx_run(t.c, tx_body, &busy), ERR_DB_BUSY);
    assert_int_equal(busy.calls, 5);
    assert_false(db_in_tx(t.c));
    assert_int_equal(count_people(t.c), 0);
}

static void test_placeholder_in_string_literal(void **state)
{
    (void)state;
    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena, "SELECT '$1', $1", DB_ARGS(DB_T("x")), &r), ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "$1");
    assert_string_equal(db_str(&r, 0, 1), "x");

    /* no parameters at all: '$1' must not ask for one */
    assert_int_equal(db_query(t.c, &arena, "SELECT 'costs $1 or $22'", DB_NOARGS, &r), ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "costs $1 or $22");

    /* a doubled quote inside the literal does not end it */
    assert_int_equal(db_query(t.c, &arena, "SELECT 'it''s $1 and $2', $1", DB_ARGS(DB_T("y")), &r),
                     ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "it's $1 and $2");
    assert_string_equal(db_str(&r, 0, 1), "y");

    /* nor inside a quoted identifier */
    assert_int_equal(
        db_query(t.c, &arena, "SELECT \"$1\" FROM (SELECT 5 AS \"$1\")", DB_NOARGS, &r), ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), 5);
    assert_string_equal(r.names[0], "$1");

    /* stored as written */
    assert_int_equal(db_exec(t.c, "INSERT INTO person (id, name) VALUES ($1, 'price $2')",
                             DB_ARGS(DB_I(1)), NULL),
                     ERR_OK);
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT name FROM person WHERE id = 1", DB_NOARGS, &r), ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "price $2");
}

static void test_migrations(void **state)
{
    (void)state;
    /* a second, empty database: the fixture's table is not in the way */
    testdb_open(&m);
    int expect = 0;
    for (const struct migration *mg = migrations; mg->name; mg++)
        if (!strstr(mg->name, ".pg.sql"))
            expect++;
    assert_true(expect > 0);

    char errbuf[256] = "";
    int applied = -1;
    enum err e = migrate_up(m.db, NULL, &applied, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("migrate_up: %s", errbuf);
    assert_true(applied > 0);
    assert_int_equal(applied, expect);

    struct db_rows r;
    assert_int_equal(
        db_query_one(m.c, &arena, "SELECT COUNT(*) FROM schema_migrations", DB_NOARGS, &r), ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), expect);
    assert_int_equal(db_query_one(m.c, &arena, "SELECT COUNT(*) FROM users", DB_NOARGS, &r),
                     ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), 0);
    assert_int_equal(db_query_one(m.c, &arena,
                                  "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name = 'audit_log_no_update'",
                                  DB_NOARGS, &r),
                     ERR_OK);

    /* the second run finds nothing to do */
    applied = -1;
    assert_int_equal(migrate_up(m.db, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(
        db_query_one(m.c, &arena, "SELECT COUNT(*) FROM schema_migrations", DB_NOARGS, &r), ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), expect);
    assert_false(db_in_tx(m.c));
    testdb_close(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test_setup_teardown(test_open_bare_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placeholders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_arg_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_copies_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraint_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_run_retries_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placeholder_in_string_literal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

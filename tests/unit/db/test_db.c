/* Unit tests for db/db: opening, $n placeholders, rows copied into the arena, constraint
 * errors, transactions and db_tx_run, concurrent writers, then the migrations and their
 * guards. They run over SQLite, then again over PostgreSQL when SHEGONG_TEST_PG_URL names a
 * database (make test-pg-unit starts one); without it the PostgreSQL group is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "db/db.h"
#include "db/migrate.h"
#include "testdb.h"
#include "db/testpg.h"

static struct testdb t;
static struct testdb m; /* a second database some tests open */
static struct arena arena;
static bool on_pg; /* the group now running is the PostgreSQL one */

static void fx_open(struct testdb *d, const struct db_options *opt)
{
    if (on_pg) {
        testpg_open(d, opt);
        return;
    }
    testdb_open(d);
    if (opt) { /* testdb_open takes no options: reopen the file with them */
        char url[300], errbuf[256];
        snprintf(url, sizeof(url), "sqlite:%s", d->path);
        db_close(d->db);
        assert_int_equal(db_open(url, opt, &d->db, errbuf, sizeof(errbuf)), ERR_OK);
        assert_int_equal(db_conn_get(d->db, &d->c), ERR_OK);
    }
}

static void fx_close(struct testdb *d)
{
    if (on_pg)
        testpg_close(d);
    else
        testdb_close(d);
}

/* A URL of the fixture's database, for a second struct db on it. */
static const char *fx_url(void)
{
    return on_pg ? testpg_url() : t.path;
}

/* Opens another struct db on the fixture's database: another connection. */
static struct db *fx_second(const struct db_options *opt, struct db_conn **c)
{
    char errbuf[256];
    struct db *db = NULL;
    enum err e = db_open(fx_url(), opt, &db, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("db_open: %s", errbuf);
    assert_int_equal(db_conn_get(db, c), ERR_OK);
    return db;
}

static int setup(void **state)
{
    (void)state;
    fx_open(&t, NULL);
    arena_init(&arena, 0);
    /* BIGINT and DOUBLE PRECISION: INTEGER and REAL are 32-bit in PostgreSQL */
    assert_int_equal(db_exec_script(t.c, "CREATE TABLE person ("
                                         " id BIGINT PRIMARY KEY,"
                                         " name TEXT NOT NULL UNIQUE,"
                                         " score DOUBLE PRECISION,"
                                         " note TEXT);"
                                         "CREATE INDEX person_score ON person (score);"),
                     ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool in_tx = db_in_tx(t.c);
    fx_close(&t);
    fx_close(&m);
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
    assert_int_equal(db_open("postgres://127.0.0.1:1/x", NULL, &db, errbuf, sizeof(errbuf)),
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
    const char *backend = on_pg ? "postgres" : "sqlite";
    assert_string_equal(db_backend(t.db), backend);
    assert_string_equal(db_conn_backend(t.c), backend);
    /* a bare path means SQLite; it sees the same file */
    assert_int_equal(add_person(t.c, 1, "张三"), ERR_OK);
    char errbuf[256];
    struct db *db2 = NULL;
    assert_int_equal(db_open(fx_url(), NULL, &db2, errbuf, sizeof(errbuf)), ERR_OK);
    assert_string_equal(db_backend(db2), backend);
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
    assert_non_null(strstr(db_errmsg(t.c), on_pg ? "unique" : "UNIQUE"));
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
    struct db_conn *c2 = NULL;
    struct db *db2 = fx_second(NULL, &c2);
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

    /* nor inside a quoted identifier (PostgreSQL 15 wants the subquery's alias) */
    assert_int_equal(
        db_query(t.c, &arena, "SELECT \"$1\" FROM (SELECT 5 AS \"$1\") AS s", DB_NOARGS, &r),
        ERR_OK);
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
    fx_open(&m, NULL);
    int expect = 0;
    for (const struct migration *mg = migrations; mg->name; mg++)
        if (!strstr(mg->name, on_pg ? ".sqlite.sql" : ".pg.sql"))
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
                                  on_pg ? "SELECT tgname FROM pg_trigger "
                                          "WHERE tgname = 'audit_log_no_update'"
                                        : "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND name = 'audit_log_no_update'",
                                  DB_NOARGS, &r),
                     ERR_OK);
    char why[256] = "";
    assert_int_equal(db_integrity(m.c, why, sizeof(why)), ERR_OK);

    /* the second run finds nothing to do */
    applied = -1;
    assert_int_equal(migrate_up(m.db, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(
        db_query_one(m.c, &arena, "SELECT COUNT(*) FROM schema_migrations", DB_NOARGS, &r), ERR_OK);
    assert_int_equal(db_int(&r, 0, 0), expect);
    assert_false(db_in_tx(m.c));
    fx_close(&m);
}

static void test_types_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "社会工作部 信访", "emoji 😀 and \t tab", "a'b\"c\\d"};
    const int64_t ints[] = {INT64_MAX, INT64_MIN, 0, -1};
    const double reals[] = {0.1, -1e300, 1.5, 4503599627370497.0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(
            db_exec(t.c, "INSERT INTO person (id, name, score, note) VALUES ($1, $2, $3, $4)",
                    DB_ARGS(DB_I(ints[i]), DB_T(texts[i]), DB_R(reals[i]),
                            i % 2 ? DB_NUL : DB_T(texts[i])),
                    NULL),
            ERR_OK);
    }
    struct db_rows r;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(db_query_one(t.c, &arena,
                                      "SELECT id, name, score, note FROM person WHERE id = $1",
                                      DB_ARGS(DB_I(ints[i])), &r),
                         ERR_OK);
        assert_int_equal(db_cell(&r, 0, 0)->type, DB_INT);
        assert_true(db_int(&r, 0, 0) == ints[i]);
        assert_string_equal(db_str(&r, 0, 1), texts[i]);
        assert_int_equal(db_cell(&r, 0, 1)->n, strlen(texts[i]));
        assert_int_equal(db_cell(&r, 0, 2)->type, DB_REAL);
        assert_true(db_cell(&r, 0, 2)->d == reals[i]);
        assert_int_equal(db_is_null(&r, 0, 3), i % 2 == 1);
    }
    /* values straight into the select list, and a NULL tested on its own */
    assert_int_equal(db_query_one(t.c, &arena, "SELECT $1, $2, $3, $4, $4 IS NULL",
                                  DB_ARGS(DB_I(INT64_MIN), DB_R(-0.25), DB_T("区划"), DB_NUL), &r),
                     ERR_OK);
    assert_true(db_int(&r, 0, 0) == INT64_MIN);
    assert_true(db_cell(&r, 0, 1)->d == -0.25);
    assert_string_equal(db_str(&r, 0, 2), "区划");
    assert_true(db_is_null(&r, 0, 3));
    assert_int_equal(db_int(&r, 0, 4), 1);
    /* the same statement with other types: a text where a number is compared, and back */
    const char *by_id = "SELECT name FROM person WHERE ($1 IS NULL OR id = $1) ORDER BY id";
    assert_int_equal(db_query(t.c, &arena, by_id, DB_ARGS(DB_I(0)), &r), ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(db_query(t.c, &arena, by_id, DB_ARGS(DB_NUL), &r), ERR_OK);
    assert_int_equal(r.nrows, 4);
    assert_int_equal(db_query(t.c, &arena, by_id, DB_ARGS(DB_T("-1")), &r), ERR_OK);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(db_query(t.c, &arena, by_id, DB_ARGS(DB_I(-1)), &r), ERR_OK);
    assert_int_equal(r.nrows, 1);
    /* aggregates: COUNT and SUM over integers are integers, AVG of them is not */
    assert_int_equal(db_exec(t.c, "DELETE FROM person WHERE id <> 0 AND id <> -1", DB_NOARGS, NULL),
                     ERR_OK);
    assert_int_equal(db_query_one(t.c, &arena, "SELECT COUNT(*), SUM(id), AVG(score) FROM person",
                                  DB_NOARGS, &r),
                     ERR_OK);
    assert_int_equal(db_cell(&r, 0, 0)->type, DB_INT);
    assert_int_equal(db_int(&r, 0, 0), 2);
    assert_int_equal(db_cell(&r, 0, 1)->type, DB_INT);
    assert_int_equal(db_int(&r, 0, 1), -1);
    assert_int_equal(db_cell(&r, 0, 2)->type, DB_REAL);
}

static void test_changes(void **state)
{
    (void)state;
    assert_int_equal(add_person(t.c, 1, "p1"), ERR_OK);
    assert_int_equal(add_person(t.c, 2, "p2"), ERR_OK);
    assert_int_equal(add_person(t.c, 3, "p3"), ERR_OK);
    int64_t changes = -1;
    assert_int_equal(db_exec(t.c, "INSERT INTO person (id, name) VALUES (10, 'x'), (11, 'y')",
                             DB_NOARGS, &changes),
                     ERR_OK);
    assert_int_equal(changes, 2);
    assert_int_equal(db_exec(t.c, "UPDATE person SET note = $1 WHERE id >= $2",
                             DB_ARGS(DB_T("n"), DB_I(2)), &changes),
                     ERR_OK);
    assert_int_equal(changes, 4);
    assert_int_equal(
        db_exec(t.c, "UPDATE person SET note = 'none' WHERE id < 0", DB_NOARGS, &changes), ERR_OK);
    assert_int_equal(changes, 0);
    assert_int_equal(db_exec(t.c,
                             "INSERT INTO person (id, name) VALUES ($1, $2) "
                             "ON CONFLICT (id) DO NOTHING",
                             DB_ARGS(DB_I(10), DB_T("again")), &changes),
                     ERR_OK);
    assert_int_equal(changes, 0);
    assert_int_equal(db_exec(t.c, "DELETE FROM person", DB_NOARGS, &changes), ERR_OK);
    assert_int_equal(changes, 5);
}

/* A second writer, on its own thread and connection: how long its begin waited. */
struct writer {
    const char *url;
    int busy_timeout_ms;
    enum err begin, insert, commit;
    int64_t waited_us;
    atomic_bool connected; /* about to begin: the first writer may start its clock */
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct db_options opt = {.busy_timeout_ms = w->busy_timeout_ms};
    struct db *db = NULL;
    struct db_conn *c = NULL;
    char errbuf[256];
    w->begin = db_open(w->url, &opt, &db, errbuf, sizeof(errbuf));
    if (!w->begin)
        w->begin = db_conn_get(db, &c);
    atomic_store(&w->connected, true);
    int64_t t0 = clock_mono_us();
    if (!w->begin)
        w->begin = db_begin(c, DB_TX_WRITE);
    w->waited_us = clock_mono_us() - t0;
    if (!w->begin) {
        w->insert = add_person(c, 99, "second writer");
        w->commit = db_commit(c);
    }
    db_close(db);
    return NULL;
}

static void test_writers_wait(void **state)
{
    (void)state;
    struct writer w = {.url = fx_url(), .busy_timeout_ms = 5000};
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    assert_int_equal(add_person(t.c, 1, "first writer"), ERR_OK);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
    struct timespec ts = {0, 300 * 1000000L}, tick = {0, 1000000L};
    while (!atomic_load(&w.connected)) /* connecting may take long on a busy machine */
        nanosleep(&tick, NULL);
    nanosleep(&ts, NULL);
    assert_int_equal(db_commit(t.c), ERR_OK);
    pthread_join(th, NULL);
    assert_int_equal(w.begin, ERR_OK);
    assert_int_equal(w.insert, ERR_OK);
    assert_int_equal(w.commit, ERR_OK);
    assert_true(w.waited_us >= 250000); /* it waited for the first writer's commit */
    assert_int_equal(count_people(t.c), 2);

    /* with a short timeout the second writer gives up: busy, and db_tx_run may retry */
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    struct db_options opt = {.busy_timeout_ms = 200};
    struct db_conn *c2 = NULL;
    struct db *db2 = fx_second(&opt, &c2);
    int64_t t0 = clock_mono_us();
    assert_int_equal(db_begin(c2, DB_TX_WRITE), ERR_DB_BUSY);
    assert_true(clock_mono_us() - t0 >= 150000);
    assert_false(db_in_tx(c2));
    /* readers are not held up by the writer */
    assert_int_equal(db_begin(c2, DB_TX_READ), ERR_OK);
    assert_int_equal(count_people(c2), 2);
    assert_int_equal(db_commit(c2), ERR_OK);
    db_rollback(t.c);
    /* and once the writer is gone, the other's write goes through */
    assert_int_equal(db_begin(c2, DB_TX_WRITE), ERR_OK);
    assert_int_equal(add_person(c2, 3, "third"), ERR_OK);
    assert_int_equal(db_commit(c2), ERR_OK);
    db_close(db2);
    assert_int_equal(count_people(t.c), 3);
}

/* A read transaction sees one snapshot: rows committed meanwhile appear after it ends. */
static void test_read_snapshot(void **state)
{
    (void)state;
    assert_int_equal(add_person(t.c, 1, "a"), ERR_OK);
    struct db_conn *c2 = NULL;
    struct db *db2 = fx_second(NULL, &c2);
    assert_int_equal(db_begin(c2, DB_TX_READ), ERR_OK);
    assert_int_equal(count_people(c2), 1);
    assert_int_equal(add_person(t.c, 2, "b"), ERR_OK);
    assert_int_equal(count_people(c2), 1);
    assert_int_equal(db_commit(c2), ERR_OK);
    assert_int_equal(count_people(c2), 2);
    db_close(db2);
}

static const char *const guard_setup =
    "INSERT INTO users (id, username, display_name, password_hash, password_changed_at, "
    " created_at, updated_at) VALUES (1, 'admin', 'A', 'x', 0, 0, 0);"
    "INSERT INTO role (name, label, admin_kind) VALUES ('sysadmin', 'S', 'sysadmin'),"
    " ('staff', 'W', NULL);"
    "INSERT INTO audit_log (seq, at, action, result, prev_hash, hash)"
    " VALUES (1, 0, 'login', 'success', '', 'h1');";

static void test_guards(void **state)
{
    (void)state;
    fx_open(&m, NULL);
    char errbuf[256];
    int applied = 0;
    enum err e = migrate_up(m.db, NULL, &applied, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("migrate_up: %s", errbuf);
    assert_int_equal(db_exec_script(m.c, guard_setup), ERR_OK);
    /* the audit log is append-only */
    assert_int_equal(
        db_exec(m.c, "UPDATE audit_log SET result = 'failure' WHERE seq = 1", DB_NOARGS, NULL),
        ERR_CONFLICT);
    assert_non_null(strstr(db_errmsg(m.c), "audit_log_append_only"));
    assert_int_equal(db_exec(m.c, "DELETE FROM audit_log", DB_NOARGS, NULL), ERR_CONFLICT);
    assert_non_null(strstr(db_errmsg(m.c), "audit_log_append_only"));
    /* 三员分立: an admin role is held alone */
    const char *grant = "INSERT INTO user_role (id, user_id, role, region_code, granted_at) "
                        "VALUES ($1, 1, $2, '110000000000', 0)";
    assert_int_equal(db_exec(m.c, grant, DB_ARGS(DB_I(1), DB_T("sysadmin")), NULL), ERR_OK);
    assert_int_equal(db_begin(m.c, DB_TX_WRITE), ERR_OK);
    assert_int_equal(db_exec(m.c, grant, DB_ARGS(DB_I(2), DB_T("staff")), NULL), ERR_CONFLICT);
    assert_non_null(strstr(db_errmsg(m.c), "admin_role_conflict"));
    db_rollback(m.c);
    assert_int_equal(
        db_exec(m.c, "UPDATE user_role SET region_code = '120000000000'", DB_NOARGS, NULL),
        ERR_CONFLICT);
    assert_non_null(strstr(db_errmsg(m.c), "user_role_immutable"));
    struct db_rows r;
    assert_int_equal(db_query_one(m.c, &arena, "SELECT result FROM audit_log", DB_NOARGS, &r),
                     ERR_OK);
    assert_string_equal(db_str(&r, 0, 0), "success");
    fx_close(&m);
}

/* PostgreSQL only: what SQLite cannot show. */
static void test_pg_failures(void **state)
{
    (void)state;
    char errbuf[256];
    struct db *db = NULL;
    /* nothing listens there: unavailable, and the reason names the place */
    assert_int_equal(
        db_open("postgresql://nobody:secret@127.0.0.1:1/x", NULL, &db, errbuf, sizeof(errbuf)),
        ERR_UNAVAILABLE);
    assert_null(db);
    assert_non_null(strstr(errbuf, "127.0.0.1"));
    assert_null(strstr(errbuf, "secret"));

    /* a statement past the timeout is cancelled; the connection carries on */
    struct db_options opt = {.statement_timeout_ms = 100};
    struct db_conn *c2 = NULL;
    struct db *db2 = fx_second(&opt, &c2);
    assert_int_equal(db_exec(c2, "SELECT pg_sleep(2)", DB_NOARGS, NULL), ERR_UNAVAILABLE);
    assert_int_equal(add_person(c2, 1, "after timeout"), ERR_OK);

    /* a failed statement spoils the transaction: the commit says so, nothing is kept */
    assert_int_equal(db_begin(c2, DB_TX_WRITE), ERR_OK);
    assert_int_equal(add_person(c2, 2, "lost"), ERR_OK);
    assert_int_equal(add_person(c2, 3, "after timeout"), ERR_CONFLICT);
    assert_int_not_equal(db_commit(c2), ERR_OK);
    assert_false(db_in_tx(c2));
    assert_int_equal(count_people(c2), 1);

    /* a connection the server ended: unavailable once, then a new session */
    struct db_rows r;
    assert_int_equal(db_query_one(c2, &arena, "SELECT pg_backend_pid()", DB_NOARGS, &r), ERR_OK);
    int64_t pid = db_int(&r, 0, 0);
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT pg_terminate_backend($1::int)", DB_ARGS(DB_I(pid)), &r),
        ERR_OK);
    nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
    assert_int_equal(db_query(c2, &arena, "SELECT name FROM person", DB_NOARGS, &r),
                     ERR_UNAVAILABLE);
    assert_int_equal(db_query(c2, &arena, "SELECT name FROM person", DB_NOARGS, &r), ERR_OK);
    assert_int_equal(r.nrows, 1);
    /* lost inside a transaction: the transaction fails, the next one works */
    assert_int_equal(db_begin(c2, DB_TX_WRITE), ERR_OK);
    assert_int_equal(db_query_one(c2, &arena, "SELECT pg_backend_pid()", DB_NOARGS, &r), ERR_OK);
    pid = db_int(&r, 0, 0);
    assert_int_equal(
        db_query_one(t.c, &arena, "SELECT pg_terminate_backend($1::int)", DB_ARGS(DB_I(pid)), &r),
        ERR_OK);
    nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
    assert_int_equal(add_person(c2, 4, "never"), ERR_UNAVAILABLE);
    assert_int_equal(add_person(c2, 4, "never"), ERR_UNAVAILABLE); /* no silent autocommit */
    assert_int_not_equal(db_commit(c2), ERR_OK);
    assert_false(db_in_tx(c2));
    assert_int_equal(db_tx_run(c2, tx_body, &(struct tx_body){.names = {"z"}}), ERR_OK);
    assert_int_equal(count_people(c2), 2);
    db_close(db2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test_setup_teardown(test_types_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writers_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
    };
    const struct CMUnitTest pg_only[] = {
        cmocka_unit_test_setup_teardown(test_pg_failures, setup, teardown),
    };
    const struct CMUnitTest once[] = {
        cmocka_unit_test(test_open_errors),
    };
    int failed = cmocka_run_group_tests_name("db", once, NULL, NULL);
    failed += cmocka_run_group_tests_name("sqlite", tests, NULL, NULL);
    if (!testpg_url()) {
        printf("[  SKIPPED ] postgres: SHEGONG_TEST_PG_URL is not set (make test-pg-unit)\n");
        return failed;
    }
    on_pg = true;
    failed += cmocka_run_group_tests_name("postgres", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("postgres_only", pg_only, NULL, NULL);
    return failed;
}

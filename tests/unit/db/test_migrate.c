/* Migrations: each in its own transaction; a failing one leaves the database as it was;
 * a database from a newer version is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"

static char path[64];

static struct db *open_temp(void)
{
    snprintf(path, sizeof(path), "/tmp/shegong-migrate-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[96], errbuf[256];
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct db *db = NULL;
    assert_int_equal(db_open(url, NULL, &db, errbuf, sizeof(errbuf)), ERR_OK);
    return db;
}

static void remove_temp(void)
{
    char p[96];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static int64_t count(struct db *db, const char *sql)
{
    struct db_conn *c;
    struct arena a;
    struct db_rows rows;
    arena_init(&a, 0);
    assert_int_equal(db_conn_get(db, &c), ERR_OK);
    assert_int_equal(db_query_one(c, &a, sql, DB_NOARGS, &rows), ERR_OK);
    int64_t n = db_int(&rows, 0, 0);
    arena_release(&a);
    assert_int_equal(a.used, 0);
    return n;
}

static void failing_migration_changes_nothing(void **state)
{
    static const struct migration list[] = {
        {"0001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
        {"0002_b.sql", "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"},
        {"0003_c.sql", "CREATE TABLE c (x INTEGER);"},
        {NULL, NULL},
    };
    struct db *db = open_temp();
    char errbuf[256] = "";
    int applied = -1;
    enum err e = migrate_apply(db, list, NULL, &applied, errbuf, sizeof(errbuf));
    assert_int_not_equal(e, ERR_OK);
    assert_int_equal(applied, 1);
    assert_non_null(strstr(errbuf, "0002_b.sql"));
    assert_non_null(strstr(errbuf, "no_such_table"));
    assert_int_equal(count(db, "SELECT COUNT(*) FROM schema_migrations"), 1);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM a"), 1);
    /* neither b (same migration) nor c (after it) exists */
    assert_int_equal(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('b', 'c')"), 0);
    db_close(db);
    remove_temp();
}

static void reapplying_is_a_no_op(void **state)
{
    static const struct migration list[] = {
        {"0001_a.sql", "CREATE TABLE a (x INTEGER);"},
        {"0002_only_pg.pg.sql", "THIS IS NOT SQLITE SQL;"},
        {NULL, NULL},
    };
    struct db *db = open_temp();
    char errbuf[256];
    int applied = 0;
    assert_int_equal(migrate_apply(db, list, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(applied, 1); /* the PostgreSQL-only file is skipped */
    assert_int_equal(migrate_apply(db, list, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(applied, 0);
    db_close(db);
    remove_temp();
}

static void newer_database_is_refused(void **state)
{
    static const struct migration old[] = {
        {"0001_a.sql", "CREATE TABLE a (x INTEGER);"},
        {NULL, NULL},
    };
    static const struct migration newer[] = {
        {"0001_a.sql", "CREATE TABLE a (x INTEGER);"},
        {"0002_b.sql", "CREATE TABLE b (x INTEGER);"},
        {NULL, NULL},
    };
    struct db *db = open_temp();
    char errbuf[256];
    int applied = 0;
    assert_int_equal(migrate_apply(db, newer, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_int_equal(migrate_apply(db, old, NULL, &applied, errbuf, sizeof(errbuf)), ERR_CONFLICT);
    assert_non_null(strstr(errbuf, "0002_b.sql"));
    assert_non_null(strstr(errbuf, "newer"));
    db_close(db);
    remove_temp();
}

static void embedded_migrations_apply(void **state)
{
    struct db *db = open_temp();
    char errbuf[256];
    int applied = 0;
    assert_int_equal(migrate_up(db, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
    assert_true(applied >= 2);
    assert_int_equal(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND "
                               "name LIKE 'audit_log_no_%'"),
                     2);
    db_close(db);
    remove_temp();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failing_migration_changes_nothing),
        cmocka_unit_test(reapplying_is_a_no_op),
        cmocka_unit_test(newer_database_is_refused),
        cmocka_unit_test(embedded_migrations_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

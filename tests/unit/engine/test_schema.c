/* Every entity's table matches its definition after the migrations; a column or an index
 * the definition needs and the table lacks is named. */
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
#include "engine/engine.h"
#include "model/model.h"

static char path[64];

static struct db *open_migrated(void)
{
    snprintf(path, sizeof(path), "/tmp/shegong-schema-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[96], errbuf[256];
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct db *db = NULL;
    assert_int_equal(db_open(url, NULL, &db, errbuf, sizeof(errbuf)), ERR_OK);
    int applied = 0;
    assert_int_equal(migrate_up(db, NULL, &applied, errbuf, sizeof(errbuf)), ERR_OK);
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

static void test_tables_match(void **state)
{
    struct db *db = open_migrated();
    struct db_conn *c;
    char why[256] = "";
    assert_int_equal(db_conn_get(db, &c), ERR_OK);
    assert_int_equal(engine_schema_check(c, why, sizeof(why)), ERR_OK);
    db_close(db);
    remove_temp();
}

static void test_missing_column_and_index_named(void **state)
{
    struct db *db = open_migrated();
    struct db_conn *c;
    char why[256] = "";
    assert_int_equal(db_conn_get(db, &c), ERR_OK);
    assert_int_equal(db_exec_script(c, "ALTER TABLE unit DROP COLUMN contact;"), ERR_OK);
    assert_int_equal(engine_schema_check(c, why, sizeof(why)), ERR_CONFLICT);
    assert_string_equal(why, "unit has no column contact");
    assert_int_equal(db_exec_script(c, "ALTER TABLE unit ADD COLUMN contact TEXT;"
                                       "DROP INDEX unit_region;"),
                     ERR_OK);
    assert_int_equal(engine_schema_check(c, why, sizeof(why)), ERR_CONFLICT);
    assert_string_equal(why, "unit.region_code (the region scope) has no index");
    assert_int_equal(db_exec_script(c, "CREATE INDEX unit_region ON unit (region_code);"
                                       "ALTER TABLE grid DROP COLUMN population;"
                                       "ALTER TABLE grid ADD COLUMN population TEXT;"),
                     ERR_OK);
    assert_int_equal(engine_schema_check(c, why, sizeof(why)), ERR_CONFLICT);
    assert_string_equal(why, "grid.population is TEXT, the definition needs an integer");
    db_close(db);
    remove_temp();
}

int main(void)
{
    if (engine_init(model_entities, model_enums, routes) != ERR_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_match),
        cmocka_unit_test(test_missing_column_and_index_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

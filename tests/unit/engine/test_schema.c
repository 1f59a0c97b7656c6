/* Every entity's table matches its definition after the migrations; a column or an index
 * the definition needs and the table lacks is named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/migrate.h"
#include "engine/engine.h"
#include "model/model.h"
#include "testdb.h"

static void open_migrated(struct testdb *t)
{
    testdb_open(t);
    char errbuf[256];
    int applied = 0;
    if (migrate_up(t->db, NULL, &applied, errbuf, sizeof(errbuf)))
        fail_msg("migrate_up: %s", errbuf);
}

static void test_tables_match(void **state)
{
    struct testdb t;
    open_migrated(&t);
    struct db_conn *c = t.c;
    char why[256] = "";
    assert_int_equal(engine_schema_check(c, why, sizeof(why)), ERR_OK);
    testdb_close(&t);
}

static void test_missing_column_and_index_named(void **state)
{
    struct testdb t;
    open_migrated(&t);
    struct db_conn *c = t.c;
    char why[256] = "";
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
    testdb_close(&t);
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

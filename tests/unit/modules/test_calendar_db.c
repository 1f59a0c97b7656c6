/* Unit tests for modules/calendar: importing a chinese-days file (idempotent, reporting
 * what changed, a bad file changing nothing, corrections kept), loading the effective
 * calendar, and the cache following the version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/migrate.h"
#include "modules/calendar/calendar_db.h"
#include "modules/calendar/calendar_import.h"
#include "testdb.h"

struct fixture {
    struct testdb t;
    char file[300];
};

/* 2025 as the package has it (one day of each kind is enough for most checks). */
static const char file_2025[] =
    "{\"holidays\":{\"2025-01-01\":\"New Year's Day,元旦,1\","
    "\"2025-10-01\":\"National Day,国庆节,3\",\"2025-10-06\":\"Mid-autumn Festival,中秋,1\","
    "\"2025-10-08\":\"National Day,国庆节,3\"},"
    "\"workdays\":{\"2025-09-28\":\"National Day,国庆节,3\","
    "\"2025-10-11\":\"National Day,国庆节,3\"},"
    "\"inLieuDays\":{\"2025-10-08\":\"National Day,国庆节,3\"}}";

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    testdb_open(&fx->t);
    char errbuf[256];
    int applied = 0;
    if (migrate_up(fx->t.db, NULL, &applied, errbuf, sizeof(errbuf)))
        fail_msg("migrate_up: %s", errbuf);
    snprintf(fx->file, sizeof(fx->file), "%s.json", fx->t.path);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    unlink(fx->file);
    testdb_close(&fx->t);
    free(fx);
    return 0;
}

/* Reads fx->file holding text and applies it in a transaction; the counts in *imp. */
static enum err import_text(struct fixture *fx, const char *text, const char *source,
                            struct calendar_import *imp, char *why, size_t whylen)
{
    write_text(fx->file, text);
    calendar_import_init(imp);
    enum err e = calendar_import_read(imp, fx->file, why, whylen);
    if (e)
        return e;
    assert_int_equal(db_begin(fx->t.c, DB_TX_WRITE), ERR_OK);
    e = calendar_import_apply(fx->t.c, imp, source, 1700000000);
    if (e)
        db_rollback(fx->t.c);
    else
        assert_int_equal(db_commit(fx->t.c), ERR_OK);
    return e;
}

static int64_t scalar(struct fixture *fx, const char *sql)
{
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    assert_int_equal(db_query_one(fx->t.c, &a, sql, DB_NOARGS, &rows), ERR_OK);
    int64_t v = db_int(&rows, 0, 0);
    arena_release(&a);
    return v;
}

static void test_import_idempotent(void **state)
{
    struct fixture *fx = *state;
    struct calendar_import imp;
    char why[256] = "";
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    assert_int_equal(imp.added, 6);
    assert_int_equal(imp.nyears, 1);
    assert_int_equal(imp.first_year, 2025);
    assert_int_equal(imp.years_added, 1);
    calendar_import_release(&imp);
    int64_t v1 = scalar(fx, "SELECT version FROM calendar_version");
    assert_true(v1 > 0);
    assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM calendar_day WHERE name = '中秋'"), 1);

    /* again: nothing changes, not even the version */
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    assert_int_equal(imp.added + imp.changed + imp.removed + imp.years_added, 0);
    assert_int_equal(imp.unchanged, 6);
    calendar_import_release(&imp);
    assert_int_equal(scalar(fx, "SELECT version FROM calendar_version"), v1);

    /* a corrected file: one day gone, one renamed, one new */
    static const char fixed[] =
        "{\"holidays\":{\"2025-01-01\":\"New Year's Day,元旦,1\","
        "\"2025-10-01\":\"National Day,国庆节,3\",\"2025-10-06\":\"Mid-autumn Festival,中秋节,1\","
        "\"2025-10-07\":\"National Day,国庆节,3\"},"
        "\"workdays\":{\"2025-09-28\":\"National Day,国庆节,3\","
        "\"2025-10-11\":\"National Day,国庆节,3\"}}";
    assert_int_equal(import_text(fx, fixed, "chinese-days 1.5.7", &imp, why, sizeof(why)), ERR_OK);
    assert_int_equal(imp.added, 1);
    assert_int_equal(imp.changed, 1);
    assert_int_equal(imp.removed, 1);
    assert_int_equal(imp.unchanged, 4);
    calendar_import_release(&imp);
    assert_true(scalar(fx, "SELECT version FROM calendar_version") > v1);

    /* a new source version changes the source of every day of its years */
    assert_int_equal(import_text(fx, fixed, "chinese-days 1.5.8", &imp, why, sizeof(why)), ERR_OK);
    assert_int_equal(imp.changed, 6);
    assert_int_equal(imp.years_changed, 1);
    calendar_import_release(&imp);

    /* a one-year file leaves the other years alone */
    static const char y2026[] = "{\"holidays\":{\"2026-01-01\":\"New Year's Day,元旦,1\"},"
                                "\"workdays\":{\"2026-01-04\":\"New Year's Day,元旦,1\"}}";
    assert_int_equal(import_text(fx, y2026, "chinese-days 1.5.7", &imp, why, sizeof(why)), ERR_OK);
    assert_int_equal(imp.added, 2);
    assert_int_equal(imp.removed, 0);
    calendar_import_release(&imp);
    assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM calendar_day"), 8);
    assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM calendar_year"), 2);
}

static void test_bad_files_change_nothing(void **state)
{
    struct fixture *fx = *state;
    struct calendar_import imp;
    char why[256];
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    calendar_import_release(&imp);
    int64_t version = scalar(fx, "SELECT version FROM calendar_version");
    static const struct {
        const char *text;
        enum err e;
        const char *why;
    } bad[] = {
        {"", ERR_MALFORMED_JSON, "not a JSON object"},
        {"{\"holidays\":{\"2025-10-01\":\"National Day,国庆节,3\"", ERR_MALFORMED_JSON, "line 1"},
        {"[1,2]", ERR_MALFORMED_JSON, "not a JSON object"},
        {"{\"days\":{}}", ERR_INVALID, "chinese-days layout"},
        {"{\"holidays\":[],\"workdays\":{}}", ERR_INVALID, "chinese-days layout"},
        {"{\"holidays\":{},\"workdays\":[]}", ERR_INVALID, "chinese-days layout"},
        {"{\"holidays\":{},\"workdays\":{}}", ERR_INVALID, "no holidays"},
        {"{\"holidays\":{\"2025-02-30\":\"x,春节,4\"}}", ERR_INVALID, "2025-02-30"},
        {"{\"holidays\":{\"2025-10-01\":3}}", ERR_INVALID, "not text"},
        {"{\"holidays\":{\"2025-10-01\":\"a,国庆节,3\"},\"workdays\":{\"2025-10-01\":\"a,b,3\"}}",
         ERR_INVALID, "both a holiday and a working day"},
        {"{\"holidays\":{\"2025-10-01\":\"a,国庆节,3\",\"2025-10-01\":\"a,国庆节,3\"}}",
         ERR_MALFORMED_JSON, ""},
        {"{\"holidays\":{\"2025-10-01\":\"a,\xff\xfe,3\"}}", ERR_BAD_ENCODING, "UTF-8"},
        {"{\"holidays\":{\"2025-10-01\":\"a,"
         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八"
         "九十一二三四五六七八九十一二三四五六七八九十一,3\"}}",
         ERR_INVALID, "longer than"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        enum err e = import_text(fx, bad[i].text, "x", &imp, why, sizeof(why));
        if (e != bad[i].e || !strstr(why, bad[i].why))
            fail_msg("bad file %zu: %d '%s'", i, e, why);
        calendar_import_release(&imp);
    }
    /* a missing file */
    calendar_import_init(&imp);
    assert_int_equal(calendar_import_read(&imp, "/nonexistent/chinese-days.json", why, sizeof(why)),
                     ERR_IO);
    calendar_import_release(&imp);
    assert_int_equal(scalar(fx, "SELECT version FROM calendar_version"), version);
    assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM calendar_day"), 6);
}

static void test_corrections_win(void **state)
{
    struct fixture *fx = *state;
    struct calendar_import imp;
    char why[256];
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    calendar_import_release(&imp);
    /* an administrator says 10-08 is an ordinary day and adds 10-09 as a holiday */
    assert_int_equal(db_exec(fx->t.c,
                             "INSERT INTO calendar_correction (date, kind, name, updated_at) "
                             "VALUES ('2025-10-08', 'ordinary', '', 1), "
                             "('2025-10-09', 'holiday', '测试', 1)",
                             DB_NOARGS, NULL),
                     ERR_OK);
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    assert_int_equal(imp.overruled, 1);
    assert_int_equal(imp.unchanged, 6);
    calendar_import_release(&imp);
    assert_int_equal(scalar(fx, "SELECT COUNT(*) FROM calendar_correction"), 2);

    struct calendar cal;
    calendar_init(&cal);
    assert_int_equal(calendar_db_load(fx->t.c, &cal), ERR_OK);
    int32_t d;
    assert_true(calendar_parse_date("2025-10-08", &d));
    assert_true(calendar_is_workday(&cal, d)); /* a Wednesday, ordinary again */
    assert_null(calendar_find(&cal, d));
    assert_true(calendar_parse_date("2025-10-09", &d));
    assert_false(calendar_is_workday(&cal, d));
    assert_string_equal(calendar_find(&cal, d)->name, "测试");
    assert_true(calendar_parse_date("2025-09-28", &d));
    assert_true(calendar_is_workday(&cal, d));
    assert_true(calendar_covers_year(&cal, 2025));
    assert_false(calendar_covers_year(&cal, 2026));
    calendar_release(&cal);
}

static void test_cache_follows_version(void **state)
{
    struct fixture *fx = *state;
    struct calendar_import imp;
    char why[256];
    struct arena a1, a2, a3;
    arena_init(&a1, 0);
    arena_init(&a2, 0);
    arena_init(&a3, 0);
    const struct calendar *c1, *c2, *c3;
    assert_int_equal(calendar_db_current(fx->t.c, &a1, &c1), ERR_OK);
    assert_int_equal(c1->n, 0);
    assert_int_equal(import_text(fx, file_2025, "chinese-days 1.5.7", &imp, why, sizeof(why)),
                     ERR_OK);
    calendar_import_release(&imp);
    assert_int_equal(calendar_db_current(fx->t.c, &a2, &c2), ERR_OK);
    assert_ptr_not_equal(c1, c2);
    assert_int_equal(c2->n, 6);
    assert_int_equal(c1->n, 0); /* an older snapshot stays intact while it is used */
    assert_int_equal(calendar_db_current(fx->t.c, &a3, &c3), ERR_OK);
    assert_ptr_equal(c2, c3);
    arena_release(&a1);
    arena_release(&a2);
    arena_release(&a3);
    /* a change in a transaction of this connection is seen at once */
    assert_int_equal(db_begin(fx->t.c, DB_TX_WRITE), ERR_OK);
    assert_int_equal(db_exec(fx->t.c,
                             "INSERT INTO calendar_year (year, source, updated_at) "
                             "VALUES (2026, 'admin', 1)",
                             DB_NOARGS, NULL),
                     ERR_OK);
    assert_int_equal(calendar_db_touch(fx->t.c), ERR_OK);
    assert_int_equal(db_commit(fx->t.c), ERR_OK);
    arena_init(&a1, 0);
    assert_int_equal(calendar_db_current(fx->t.c, &a1, &c1), ERR_OK);
    assert_true(calendar_covers_year(c1, 2026));
    arena_release(&a1);
}

static void test_kind_names(void **state)
{
    (void)state;
    enum calendar_kind k;
    assert_true(calendar_kind_parse("holiday", &k));
    assert_int_equal(k, CALENDAR_HOLIDAY);
    assert_true(calendar_kind_parse("workday", &k));
    assert_int_equal(k, CALENDAR_WORKDAY);
    assert_true(calendar_kind_parse("ordinary", &k));
    assert_int_equal(k, CALENDAR_ORDINARY);
    assert_false(calendar_kind_parse("Holiday", &k));
    assert_false(calendar_kind_parse("", &k));
    assert_false(calendar_kind_parse(NULL, &k));
    assert_string_equal(calendar_kind_name(CALENDAR_WORKDAY), "workday");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test_setup_teardown(test_import_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrections_win, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_follows_version, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

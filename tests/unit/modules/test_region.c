/* Unit tests for modules/region/regionload: code padding, CSV lines, placeholders, path
 * names, and loads of small hand-made files (folding, renames, removals, damaged files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "db/migrate.h"
#include "modules/region/region.h"
#include "modules/region/regionload.h"
#include "testdb.h"

static void test_pad(void **state)
{
    (void)state;
    char out[13];
    assert_true(regionload_pad("11", 2, out));
    assert_string_equal(out, "110000000000");
    assert_true(regionload_pad("110105001", 9, out));
    assert_string_equal(out, "110105001000");
    assert_true(regionload_pad("110105001024", 12, out));
    assert_string_equal(out, "110105001024");
    assert_false(regionload_pad("", 0, out));
    assert_false(regionload_pad("1101050010241", 13, out));
    assert_false(regionload_pad("11a1", 4, out));
    assert_false(regionload_pad("-1", 2, out));
}

static void test_csv_split(void **state)
{
    (void)state;
    char *f[8];
    char a[] = "110105,\"朝阳区\",1101,11";
    assert_int_equal(regionload_csv_split(a, f, 8), 4);
    assert_string_equal(f[0], "110105");
    assert_string_equal(f[1], "朝阳区");
    assert_string_equal(f[2], "1101");
    assert_string_equal(f[3], "11");

    char b[] = "1,\"a \"\"b\"\", c\",";
    assert_int_equal(regionload_csv_split(b, f, 8), 3);
    assert_string_equal(f[1], "a \"b\", c");
    assert_string_equal(f[2], "");

    char c[] = "code,name";
    assert_int_equal(regionload_csv_split(c, f, 8), 2);

    char d[] = "1,\"unterminated";
    assert_int_equal(regionload_csv_split(d, f, 8), -1);
    char e[] = "1,\"quoted\"tail";
    assert_int_equal(regionload_csv_split(e, f, 8), -1);
    char g[] = "1,stray\"quote";
    assert_int_equal(regionload_csv_split(g, f, 8), -1);
    char h[] = "1,2,3";
    assert_int_equal(regionload_csv_split(h, f, 2), -1);
    char i[] = "";
    assert_int_equal(regionload_csv_split(i, f, 8), 1);
    assert_string_equal(f[0], "");
}

static void test_placeholder_and_join(void **state)
{
    (void)state;
    assert_true(regionload_placeholder("市辖区"));
    assert_true(regionload_placeholder("县"));
    assert_true(regionload_placeholder("省直辖县级行政区划"));
    assert_false(regionload_placeholder("朝阳区"));
    assert_false(regionload_placeholder("市辖区街道"));

    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(regionload_join(&a, "", "北京市"), "北京市");
    assert_string_equal(regionload_join(&a, "北京市", "朝阳区"), "北京市/朝阳区");
    /* a name equal to the path's last segment is not repeated */
    assert_string_equal(regionload_join(&a, "广东省/东莞市", "东莞市"), "广东省/东莞市");
    assert_string_equal(regionload_join(&a, "东莞市", "东莞市"), "东莞市");
    assert_string_equal(regionload_join(&a, "甲/乙", "乙丙"), "甲/乙/乙丙");
    arena_release(&a);
    assert_null(a.head);
}

/* --- loads of small files --- */

struct fixture {
    struct testdb t;
    char dir[300];
};

static const char *const base_files[][2] = {
    {"provinces.csv", "code,name\n11,\"北京市\"\n44,\"广东省\"\n"},
    {"cities.csv", "code,name,provinceCode\n1101,\"市辖区\",11\n4419,\"东莞市\",44\n"},
    {"areas.csv", "code,name,cityCode,provinceCode\n110105,\"朝阳区\",1101,11\n"
                  "441900,\"东莞市\",4419,44\n"},
    {"streets.csv", "code,name,areaCode,provinceCode,cityCode\n"
                    "110105001,\"建外街道\",110105,11,1101\n"
                    "441900003,\"东城街道\",441900,44,4419\n"},
    {"villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                     "110105001024,\"南郎家园社区居委会\",110105001,11,1101,110105\n"
                     "110105001025,\"北郎家园社区居委会\",110105001,11,1101,110105\n"
                     "441900003001,\"东城社区居委会\",441900003,44,4419,441900\n"},
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
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
    snprintf(fx->dir, sizeof(fx->dir), "%s.d", fx->t.path);
    assert_int_equal(mkdir(fx->dir, 0700), 0);
    for (size_t i = 0; i < 5; i++)
        write_file(fx->dir, base_files[i][0], base_files[i][1]);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < 5; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", fx->dir, base_files[i][0]);
        unlink(path);
    }
    rmdir(fx->dir);
    testdb_close(&fx->t);
    free(fx);
    return 0;
}

/* Runs a load in its own transaction; commits on success, rolls back otherwise. */
static enum err load(struct fixture *fx, struct regionload_stats *st, char *why, size_t n)
{
    struct regionload_opts o = {.dir = fx->dir, .now = 1700000000};
    assert_int_equal(db_begin(fx->t.c, DB_TX_WRITE), ERR_OK);
    enum err e = regionload_run(fx->t.c, &o, st, why, n);
    if (e)
        db_rollback(fx->t.c);
    else
        assert_int_equal(db_commit(fx->t.c), ERR_OK);
    return e;
}

static const char *full_name(struct fixture *fx, struct arena *a, const char *code)
{
    struct region g;
    if (region_find(fx->t.c, a, code, &g))
        return NULL;
    return g.full_name;
}

static void test_load_fold_and_paths(void **state)
{
    struct fixture *fx = *state;
    struct regionload_stats st;
    char why[512];
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_int_equal(st.levels[1], 2);
    assert_int_equal(st.levels[2], 2);
    assert_int_equal(st.levels[3], 1); /* 441900 is folded into the city 4419 */
    assert_int_equal(st.levels[4], 2);
    assert_int_equal(st.levels[5], 3);
    assert_int_equal(st.folded, 1);
    assert_int_equal(st.added, 10);

    struct arena a;
    arena_init(&a, 0);
    struct region g;
    assert_int_equal(region_find(fx->t.c, &a, "110100000000", &g), ERR_OK);
    assert_true(g.placeholder);
    assert_string_equal(g.full_name, "北京市/市辖区");
    assert_string_equal(full_name(fx, &a, "110105001000"), "北京市/朝阳区/建外街道");
    assert_int_equal(region_find(fx->t.c, &a, "441900003000", &g), ERR_OK);
    assert_string_equal(g.parent_code, "441900000000");
    assert_int_equal(g.level, 4);
    assert_string_equal(g.full_name, "广东省/东莞市/东城街道");
    assert_int_equal(region_find(fx->t.c, &a, "441900000000", &g), ERR_OK);
    assert_int_equal(g.level, 2);
    assert_int_equal(region_find(fx->t.c, &a, "110105001999", &g), ERR_NOT_FOUND);

    bool exists = false;
    assert_int_equal(region_exists(fx->t.c, "441900003001", &exists), ERR_OK);
    assert_true(exists);
    assert_int_equal(region_exists(fx->t.c, "110105001999", &exists), ERR_OK);
    assert_false(exists);
    assert_int_equal(region_exists(fx->t.c, "11010500102", &exists), ERR_OK);
    assert_false(exists);
    assert_int_equal(region_exists(fx->t.c, NULL, &exists), ERR_OK);
    assert_false(exists);
    int64_t n = 0;
    assert_int_equal(region_count(fx->t.c, &n), ERR_OK);
    assert_true(n > 0);
    arena_release(&a);
    assert_null(a.head);
}

static void test_reload_reports_changes(void **state)
{
    struct fixture *fx = *state;
    struct regionload_stats st;
    char why[512];
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_int_equal(st.added + st.renamed + st.updated + st.removed, 0);
    assert_int_equal(st.unchanged, 10);

    /* rename a street (its village's path follows), drop a village, add one */
    write_file(fx->dir, "streets.csv",
               "code,name,areaCode,provinceCode,cityCode\n"
               "110105001,\"建国门外街道\",110105,11,1101\n"
               "441900003,\"东城街道\",441900,44,4419\n");
    write_file(fx->dir, "villages.csv",
               "code,name,streetCode,provinceCode,cityCode,areaCode\n"
               "110105001024,\"南郎家园社区居委会\",110105001,11,1101,110105\n"
               "110105001026,\"永安里社区居委会\",110105001,11,1101,110105\n"
               "441900003001,\"东城社区居委会\",441900003,44,4419,441900\n");
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.renamed, 1);
    assert_int_equal(st.updated, 1); /* 110105001024's path */
    assert_int_equal(st.removed, 1);
    assert_int_equal(st.unchanged, 7);
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(full_name(fx, &a, "110105001024"),
                        "北京市/朝阳区/建国门外街道/南郎家园社区居委会");
    assert_null(full_name(fx, &a, "110105001025"));
    arena_release(&a);
}

/* Loads base files with one file replaced; expects failure with why containing want, and
 * the table as it was. */
static void expect_failure(struct fixture *fx, const char *file, const char *text, const char *want)
{
    struct regionload_stats st;
    char why[512];
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    write_file(fx->dir, file, text);
    enum err e = load(fx, &st, why, sizeof(why));
    assert_int_not_equal(e, ERR_OK);
    if (!strstr(why, want))
        fail_msg("expected '%s' in '%s'", want, why);
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(full_name(fx, &a, "110105001025"),
                        "北京市/朝阳区/建外街道/北郎家园社区居委会");
    arena_release(&a);
    for (size_t i = 0; i < 5; i++)
        if (strcmp(base_files[i][0], file) == 0)
            write_file(fx->dir, file, base_files[i][1]);
}

static void test_damaged_files(void **state)
{
    struct fixture *fx = *state;
    expect_failure(fx, "cities.csv", "code,title,provinceCode\n1101,\"市辖区\",11\n",
                   "cities.csv:1: the header should name the columns code, name and provinceCode");
    expect_failure(
        fx, "areas.csv",
        "code,name,cityCode,provinceCode\n110105,\"朝阳区\",1101,11\n11010,\"x\",1101,11\n",
        "areas.csv:3: code '11010' should be 6 digits");
    expect_failure(fx, "streets.csv",
                   "code,name,areaCode,provinceCode,cityCode\n"
                   "110105001,\"建外街道\",110105,11,1101\n"
                   "441900003,\"东城街道\",441900,44,4419\n"
                   "110106001,\"孤儿街道\",110106,11,1101\n",
                   "streets.csv:4: the parent 110106 of region 110106001 is not in areas.csv");
    expect_failure(fx, "villages.csv",
                   "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                   "110105001024,\"南郎家园社区居委会\",110105001,11,1101,110105\n"
                   "110105001025,\"改名\",110105001,11,1101,110105\n"
                   "110105001024,\"重复\",110105001,11,1101,110105\n"
                   "441900003001,\"东城社区居委会\",441900003,44,4419,441900\n",
                   "villages.csv:4: code 110105001024 appears twice");
    expect_failure(fx, "villages.csv",
                   "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                   "110105001025,\"改名\",110105001,11,1101,110105\n"
                   "110105001026,\"未闭合,110105001,11,1101,110105\n",
                   "villages.csv:3: the line is not CSV");
    expect_failure(fx, "villages.csv",
                   "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                   "110105001025,\"改名\",110105001,11,1101\n",
                   "villages.csv:2: expected 6 fields, found 5");
    expect_failure(fx, "villages.csv",
                   "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                   "110105002025,\"错位\",110105001,11,1101,110105\n",
                   "code 110105002025 does not begin with its parent's code 110105001");
    expect_failure(fx, "provinces.csv", "", "provinces.csv: the file is empty");
}

static void test_missing_file(void **state)
{
    struct fixture *fx = *state;
    char path[512];
    snprintf(path, sizeof(path), "%s/streets.csv", fx->dir);
    unlink(path);
    struct regionload_stats st;
    char why[512];
    assert_int_not_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_non_null(strstr(why, "streets.csv: cannot read the file"));
    assert_false(regionload_dir_has_files(fx->dir));
    int64_t n = 1;
    assert_int_equal(region_count(fx->t.c, &n), ERR_OK);
    assert_int_equal(n, 0);
}

static void test_removal_blocked_by_grid(void **state)
{
    struct fixture *fx = *state;
    struct regionload_stats st;
    char why[512];
    assert_int_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_int_equal(db_exec(fx->t.c,
                             "INSERT INTO grid (id, name, region_code, created_at, updated_at) "
                             "VALUES (1, '第一网格', '110105001025', 0, 0)",
                             DB_NOARGS, NULL),
                     ERR_OK);
    write_file(fx->dir, "villages.csv",
               "code,name,streetCode,provinceCode,cityCode,areaCode\n"
               "110105001024,\"南郎家园社区居委会\",110105001,11,1101,110105\n"
               "441900003001,\"东城社区居委会\",441900003,44,4419,441900\n");
    assert_int_not_equal(load(fx, &st, why, sizeof(why)), ERR_OK);
    assert_non_null(strstr(why, "110105001025 北郎家园社区居委会 is not in the new data, but 1 "
                                "grid(s) are filed under it"));
    bool exists = false;
    assert_int_equal(region_exists(fx->t.c, "110105001025", &exists), ERR_OK);
    assert_true(exists);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad),
        cmocka_unit_test(test_csv_split),
        cmocka_unit_test(test_placeholder_and_join),
        cmocka_unit_test_setup_teardown(test_load_fold_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_reports_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removal_blocked_by_grid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

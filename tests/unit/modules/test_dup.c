/* Unit tests for modules/petition/dup: fingerprints stored, replaced and removed, and the
 * near-duplicate check (matches, order, limit, exclusion, distance bounds, empty texts),
 * on SQLite and, when SHEGONG_TEST_PG_URL names one, on PostgreSQL. Only migration 0012
 * is applied, so the table stands on its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/minhash.h"
#include "db/migrate.h"
#include "db/testpg.h"
#include "modules/petition/dup.h"
#include "testdb.h"

static const char heating[] =
    "我叫李秀英，住在海淀区学院路街道金色家园12号楼3单元801室。今年供暖季开始以来，我家室内温"
    "度一直只有十二三度，远远达不到十八度的标准。供热公司派人测过温，承认不达标，但一直没有维修"
    "。家里老人孩子都冻感冒了，只能开电暖器。恳请上级部门督促有关单位尽快解决。";
/* the same letter again: punctuation, a room number and one sentence changed */
static const char heating_again[] =
    "我叫李秀英 住在海淀区学院路街道金色家园12号楼3单元802室 今年供暖季开始以来 我家室内温度"
    "一直只有十二三度 远远达不到十八度的标准 供热公司派人测过温 承认不达标 但一直没有维修 家里"
    "老人孩子都冻感冒了 只能开电暖器 这已经是我第二次反映了 恳请上级部门督促有关单位尽快解决";
static const char wages[] =
    "我们一共二十名工人在华兴建筑公司承建的滨河花园项目干活，从去年三月一直干到十二月。包工头至"
    "今拖欠我们工资共计四十万元，人均两万多元。我们多次去项目部讨要，对方总说开发商没有拨款。";

/* Opens the database (SQLite, or PostgreSQL when pg) and applies 0012 alone. */
static void open_db(struct testdb *t, bool pg)
{
    memset(t, 0, sizeof(*t));
    if (pg)
        testpg_open(t, NULL);
    else
        testdb_open(t);
    const struct migration *m = migrations;
    while (m->name && strcmp(m->name, "0012_petition_dup.sql") != 0)
        m++;
    assert_non_null(m->name);
    const struct migration only[] = {*m, {0}};
    char errbuf[256];
    int applied = 0;
    if (migrate_apply(t->db, only, NULL, &applied, errbuf, sizeof(errbuf)))
        fail_msg("migration 0012: %s", errbuf);
    assert_int_equal(applied, 1);
}

static void close_db(struct testdb *t, bool pg)
{
    if (pg)
        testpg_close(t);
    else
        testdb_close(t);
}

static int64_t rows_in(struct testdb *t)
{
    struct arena a;
    struct db_rows rows;
    arena_init(&a, 0);
    assert_int_equal(
        db_query_one(t->c, &a, "SELECT COUNT(*) FROM petition_minhash", DB_NOARGS, &rows), ERR_OK);
    int64_t n = db_int(&rows, 0, 0);
    arena_release(&a);
    return n;
}

static void check_similar(struct testdb *t, const char *text, int64_t exclude, int max,
                          size_t limit, const int64_t *want, size_t nwant)
{
    struct arena a;
    arena_init(&a, 0);
    struct dup_match *m = (struct dup_match *)1;
    size_t n = 99;
    assert_int_equal(dup_similar(t->c, &a, text, exclude, max, limit, &m, &n), ERR_OK);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m[i].petition_id, want[i]);
        assert_in_range(m[i].distance, 0, max < 64 ? max : 64);
        if (i)
            assert_true(
                m[i - 1].distance < m[i].distance ||
                (m[i - 1].distance == m[i].distance && m[i - 1].petition_id < m[i].petition_id));
    }
    if (!n)
        assert_null(m);
    arena_release(&a);
    assert_null(a.head);
}

static void run_cases(bool pg)
{
    struct testdb t;
    open_db(&t, pg);
    /* ids as the server makes them: large and time-ordered */
    const int64_t base = INT64_C(7300000000000000000);
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 1, heating), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 2, wages), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 3, heating_again), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 4, "，。！"), ERR_OK); /* nothing to index */
    assert_int_equal(dup_index(t.c, base + 5, NULL), ERR_OK);
    assert_int_equal(db_commit(t.c), ERR_OK);
    assert_int_equal(rows_in(&t), 3);

    /* the signature survives the round trip through a signed BIGINT */
    struct arena a;
    struct db_rows rows;
    arena_init(&a, 0);
    assert_int_equal(db_query_one(t.c, &a,
                                  "SELECT sig, b0, b3 FROM petition_minhash "
                                  "WHERE petition_id = $1",
                                  DB_ARGS(DB_I(base + 1)), &rows),
                     ERR_OK);
    struct minhash m;
    minhash_text(heating, strlen(heating), &m);
    assert_true((uint64_t)db_int(&rows, 0, 0) == m.sig);
    assert_int_equal(db_int(&rows, 0, 1), m.band[0]);
    assert_int_equal(db_int(&rows, 0, 2), m.band[3]);
    arena_release(&a);

    /* the repeat is found, the other complaint is not; the petition itself is left out */
    const int64_t again[] = {base + 3}, both[] = {base + 1, base + 3};
    check_similar(&t, heating, base + 1, DUP_DISTANCE, 10, again, 1);
    check_similar(&t, heating, 0, DUP_DISTANCE, 10, both, 2);
    check_similar(&t, heating, 0, DUP_DISTANCE, 1, both, 1);
    check_similar(&t, heating, 0, DUP_DISTANCE, 0, both, 2);
    check_similar(&t, heating, 0, 0, 10, both, 1); /* only the identical text */
    check_similar(&t, heating, 0, -1, 10, NULL, 0);
    check_similar(&t, heating, 0, 1000, 10, both, 2);
    const int64_t wage[] = {base + 2};
    check_similar(&t,
                  "我们一共二十名工人在华兴建筑公司承建的滨河花园项目干活，从去年三月一直干到十二"
                  "月。包工头至今拖欠我们工资共计四十万元。我们多次去项目部讨要。",
                  0, DUP_DISTANCE, 10, wage, 1);
    check_similar(&t, "", 0, DUP_DISTANCE, 10, NULL, 0);
    check_similar(&t, "？？？", 0, 64, 10, NULL, 0);
    check_similar(&t, NULL, 0, 64, 10, NULL, 0);

    /* equal distances come in id order */
    assert_int_equal(dup_index(t.c, base + 9, heating), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 8, heating), ERR_OK);
    const int64_t same[] = {base + 1, base + 8, base + 9};
    check_similar(&t, heating, 0, 0, 10, same, 3);

    /* indexing again replaces; an empty text or dup_remove forgets */
    assert_int_equal(dup_index(t.c, base + 3, wages), ERR_OK);
    assert_int_equal(dup_index(t.c, base + 9, "。"), ERR_OK);
    assert_int_equal(dup_remove(t.c, base + 8), ERR_OK);
    assert_int_equal(dup_remove(t.c, base + 8), ERR_OK);
    assert_int_equal(dup_remove(t.c, 12345), ERR_OK);
    const int64_t first[] = {base + 1};
    check_similar(&t, heating_again, 0, DUP_DISTANCE, 10, first, 1);
    const int64_t two_wages[] = {base + 2, base + 3};
    check_similar(&t, wages, 0, DUP_DISTANCE, 10, two_wages, 2);
    assert_int_equal(rows_in(&t), 3);

    /* a band key shared by more than DUP_BAND_CAP petitions: the newest of them are read */
    assert_int_equal(db_begin(t.c, DB_TX_WRITE), ERR_OK);
    for (int64_t i = 0; i < DUP_BAND_CAP + 5; i++)
        assert_int_equal(dup_index(t.c, base + 100 + i, heating), ERR_OK);
    assert_int_equal(db_commit(t.c), ERR_OK);
    arena_init(&a, 0);
    struct dup_match *found = NULL;
    size_t n = 0;
    assert_int_equal(dup_similar(t.c, &a, heating, 0, 0, 0, &found, &n), ERR_OK);
    assert_int_equal(n, DUP_BAND_CAP);
    assert_int_equal(found[0].petition_id, base + 105);
    assert_int_equal(found[n - 1].petition_id, base + 100 + DUP_BAND_CAP + 4);
    arena_release(&a);
    close_db(&t, pg);
}

static void test_sqlite(void **state)
{
    (void)state;
    run_cases(false);
}

static void test_postgres(void **state)
{
    (void)state;
    if (!testpg_url())
        skip();
    run_cases(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite),
        cmocka_unit_test(test_postgres),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

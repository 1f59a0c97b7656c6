/* Unit tests for the FTS5 tokenizer "shegong" over a real SQLite database: built queries
 * find exactly the rows that contain the words, bm25 puts the exact phrase first and
 * highlight() marks the right text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/search.h"
#include "db/db.h"
#include "testdb.h"

static struct testdb t;
static struct arena arena;

static const struct {
    int id;
    const char *title, *body;
} rows[] = {
    {1, "小区夜间施工噪音扰民", "每晚十点后仍有施工噪音，影响休息"},
    {2, "拖欠农民工工资", "某工地拖欠工资三个月"},
    {3, "工厂噪声超标", "机器噪声很大"},
    {4, "广场舞音乐太吵", "音乐声音过大"},
    {5, "冬季供暖问题", "供暖温度不达标，供暖问题反复出现"},
    {6, "供暖费用咨询", "询问暖气问题和收费标准"},
    {7, "Wi-Fi 信号差", "小区ＷＩＦＩ覆盖不足"},
    {8, "噪杂的音响", "商铺门口音响声大"},
    {9, "道路积水", "下雨后积水严重"},
    {10, "欠款纠纷", "拖 欠 货款"},
    {11, "ABC小区物业费", "物业 abc123 收费"},
    {12, "楼上噪音", "楼上住户深夜走动、搬动家具，邻里多次协商未果，希望社区出面调解"},
};

static int setup(void **state)
{
    (void)state;
    testdb_open(&t);
    arena_init(&arena, 0);
    assert_int_equal(
        db_exec_script(t.c, "CREATE VIRTUAL TABLE doc USING fts5(title, body, tokenize='shegong')"),
        ERR_OK);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(db_exec(t.c, "INSERT INTO doc (rowid, title, body) VALUES ($1, $2, $3)",
                                 DB_ARGS(DB_I(rows[i].id), DB_T(rows[i].title), DB_T(rows[i].body)),
                                 NULL),
                         ERR_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    testdb_close(&t);
    arena_release(&arena);
    assert_int_equal(arena.used, 0);
    assert_null(arena.head);
    return 0;
}

/* The MATCH expression for what a user typed, in the arena. */
static const char *build(const char *user)
{
    struct sbuf sb;
    sbuf_init(&sb, 0);
    size_t nterms = 0;
    assert_int_equal(search_build_query(user, strlen(user), &sb, &nterms), ERR_OK);
    assert_true(nterms > 0);
    const char *q = arena_strdup(&arena, sb.buf);
    sbuf_release(&sb);
    assert_non_null(q);
    return q;
}

/* The rowids a MATCH expression finds, in rowid order: "1,12" ("" for none). */
static const char *ids_for_expr(const char *expr)
{
    struct db_rows r;
    assert_int_equal(db_query_one(t.c, &arena,
                                  "SELECT coalesce(group_concat(rowid, ','), '') FROM"
                                  " (SELECT rowid FROM doc WHERE doc MATCH $1 ORDER BY rowid)",
                                  DB_ARGS(DB_T(expr)), &r),
                     ERR_OK);
    return db_str(&r, 0, 0);
}

#define FINDS(user, want) assert_string_equal(ids_for_expr(build(user)), (want))

static void test_two_character_words(void **state)
{
    (void)state;
    FINDS("噪音", "1,12"); /* not 噪声 (3), 音乐 (4) nor 噪杂的音响 (8) */
    FINDS("噪声", "3");
    FINDS("音乐", "4");
    FINDS("拖欠", "2"); /* not 拖 欠 apart (10) */
    FINDS("欠款", "10");
    FINDS("信访", "");
}

static void test_phrase(void **state)
{
    (void)state;
    assert_string_equal(build("供暖问题"), "\"供暖 暖问 问题\"");
    FINDS("供暖问题", "5"); /* 6 has 供暖 and 问题, but not together */
    FINDS("施工噪音", "1");
    FINDS("农民工工资", "2");
    FINDS("噪音施工", "");
}

static void test_single_character(void **state)
{
    (void)state;
    FINDS("吵", "4");
    FINDS("噪", "1,3,8,12");
    FINDS("欠", "2,10");
    /* a bare character typed straight into MATCH works too (the query tokenizer) */
    assert_string_equal(ids_for_expr("吵"), "4");
    assert_string_equal(ids_for_expr("访"), "");
}

static void test_latin(void **state)
{
    (void)state;
    FINDS("wifi", "7"); /* the body has full-width ＷＩＦＩ */
    FINDS("WIFI", "7");
    FINDS("ｗｉｆｉ", "7");
    FINDS("Wi Fi", "7");
    FINDS("abc", "11");
    FINDS("ABC123", "11");
    FINDS("abc12", ""); /* whole tokens only */
}

static void test_mixed(void **state)
{
    (void)state;
    FINDS("ABC 物业", "11");
    FINDS("物业abc123", "11");
    FINDS("小区 wifi", "7");
    FINDS("小区 噪音", "1");
    FINDS("噪音 wifi", "");
}

static void test_injection_is_text(void **state)
{
    (void)state;
    FINDS("\" OR 1 NEAR(", "");
    FINDS("title:噪音", ""); /* "title" is a word to find, not a column filter */
    FINDS("噪音 OR 拖欠", "");
    FINDS("噪音*", "1,12");
}

static void test_bm25_exact_phrase_first(void **state)
{
    (void)state;
    /* The phrase, or both words anywhere: 5 has the phrase, 6 only the words. */
    const char *expr =
        arena_printf(&arena, "%s OR %s AND %s", build("供暖问题"), build("供暖"), build("问题"));
    assert_non_null(expr);
    assert_string_equal(ids_for_expr(expr), "5,6");
    struct db_rows r;
    assert_int_equal(db_query(t.c, &arena,
                              "SELECT rowid FROM doc WHERE doc MATCH $1 ORDER BY bm25(doc)",
                              DB_ARGS(DB_T(expr)), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 2);
    assert_int_equal(db_int(&r, 0, 0), 5);
    assert_int_equal(db_int(&r, 1, 0), 6);

    /* The short row with the word in title and body beats the long one with it once. */
    assert_int_equal(db_query(t.c, &arena, "SELECT rowid FROM doc WHERE doc MATCH $1 ORDER BY rank",
                              DB_ARGS(DB_T(build("噪音"))), &r),
                     ERR_OK);
    assert_int_equal(r.nrows, 2);
    assert_int_equal(db_int(&r, 0, 0), 1);
}

/* highlight() of column col in row id for what a user typed. */
static const char *highlight(const char *user, int id, int col)
{
    struct db_rows r;
    assert_int_equal(db_query_one(t.c, &arena,
                                  "SELECT highlight(doc, $1, '[', ']') FROM doc"
                                  " WHERE doc MATCH $2 AND rowid = $3",
                                  DB_ARGS(DB_I(col), DB_T(build(user)), DB_I(id)), &r),
                     ERR_OK);
    return db_str(&r, 0, 0);
}

static void test_highlight(void **state)
{
    (void)state;
    assert_string_equal(highlight("噪音", 1, 0), "小区夜间施工[噪音]扰民");
    assert_string_equal(highlight("噪音", 1, 1), "每晚十点后仍有施工[噪音]，影响休息");
    assert_string_equal(highlight("供暖问题", 5, 1), "供暖温度不达标，[供暖问题]反复出现");
    assert_string_equal(highlight("吵", 4, 0), "广场舞音乐太[吵]");
    assert_string_equal(highlight("wifi", 7, 1), "小区[ＷＩＦＩ]覆盖不足");
    assert_string_equal(highlight("wi", 7, 0), "[Wi]-Fi 信号差");
    assert_string_equal(highlight("物业 abc123", 11, 1), "[物业] [abc123] 收费");
}

static void test_integrity_after_changes(void **state)
{
    (void)state;
    assert_int_equal(db_exec(t.c, "DELETE FROM doc WHERE rowid = 12", DB_NOARGS, NULL), ERR_OK);
    assert_int_equal(db_exec(t.c, "UPDATE doc SET body = $1 WHERE rowid = 3",
                             DB_ARGS(DB_T("机器噪音很大")), NULL),
                     ERR_OK);
    FINDS("噪音", "1,3");
    FINDS("噪声", "3"); /* still in the title */
    /* FTS5 re-tokenizes every row and compares with the index */
    assert_int_equal(
        db_exec(t.c, "INSERT INTO doc (doc) VALUES ('integrity-check')", DB_NOARGS, NULL), ERR_OK);
}

/* A character inside a run shares its position with the bigram it starts, and
 * highlight() marks that bigram (docs/search.md). */
static void test_highlight_inner_character(void **state)
{
    (void)state;
    assert_string_equal(highlight("乐", 4, 0), "广场舞音[乐太]吵");
}

static void test_tokenizer_takes_no_options(void **state)
{
    (void)state;
    assert_int_not_equal(
        db_exec_script(t.c, "CREATE VIRTUAL TABLE bad USING fts5(x, tokenize='shegong x')"),
        ERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_character_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_character, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_injection_is_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bm25_exact_phrase_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_highlight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integrity_after_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_highlight_inner_character, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokenizer_takes_no_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

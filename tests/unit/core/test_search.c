/* Unit tests for core/search: the tokens of mixed, full-width, punctuated and broken text
 * with their offsets, and the FTS5 query built from a user's search text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/search.h"

/* Tokens rendered as one string: "tok" or "+tok" (colocated), optionally "@start-end". */
struct collect {
    struct sbuf sb;
    bool offsets;
    int calls;
};

static int collect_token(void *ctx, int flags, const char *tok, size_t len, size_t start,
                         size_t end)
{
    struct collect *c = ctx;
    assert_true(start < end);
    assert_true(len > 0 && len <= SEARCH_MAX_TOKEN);
    if (c->sb.len)
        sbuf_addc(&c->sb, ' ');
    if (flags & SEARCH_TOKEN_COLOCATED)
        sbuf_addc(&c->sb, '+');
    sbuf_add(&c->sb, tok, len);
    if (c->offsets)
        sbuf_addf(&c->sb, "@%zu-%zu", start, end);
    c->calls++;
    return 0;
}

/* Tokenizes n bytes and compares the rendering with want. */
static void check_tokens_n(const char *text, size_t n, enum search_mode mode, bool offsets,
                           const char *want)
{
    struct collect c = {.offsets = offsets};
    sbuf_init(&c.sb, 0);
    assert_int_equal(search_tokenize(text, n, mode, collect_token, &c), 0);
    assert_int_equal(sbuf_err(&c.sb), ERR_OK);
    assert_string_equal(c.sb.buf, want);
    sbuf_release(&c.sb);
}

#define DOC(text, want)      check_tokens_n((text), strlen(text), SEARCH_DOCUMENT, false, (want))
#define QRY(text, want)      check_tokens_n((text), strlen(text), SEARCH_QUERY, false, (want))
#define DOC_AT(text, want)   check_tokens_n((text), strlen(text), SEARCH_DOCUMENT, true, (want))
#define DOC_BYTES(lit, want) check_tokens_n((lit), sizeof(lit) - 1, SEARCH_DOCUMENT, false, (want))

static void test_mixed_text(void **state)
{
    (void)state;
    const char *text = "北京市朝阳区信访局 ABC123 噪音！";
    DOC(text, "北京 +北 京市 +京 市朝 +市 朝阳 +朝 阳区 +阳 区信 +区 信访 +信 访局 +访 局 "
              "abc123 噪音 +噪 音");
    QRY(text, "北京 京市 市朝 朝阳 阳区 区信 信访 访局 abc123 噪音");
    /* 9 Han characters of 3 bytes, a space, ABC123, a space, 噪音, a full-width '!' */
    DOC_AT("信访局 ABC123 噪音！", "信访@0-6 +信@0-3 访局@3-9 +访@3-6 局@6-9 abc123@10-16 "
                                   "噪音@17-23 +噪@17-20 音@20-23");
}

static void test_single_character_runs(void **state)
{
    (void)state;
    DOC("噪", "噪");
    QRY("噪", "噪");
    DOC("噪 音", "噪 音");
    QRY("拖欠", "拖欠");
    DOC("拖欠", "拖欠 +拖 欠");
    DOC("〇", "〇");
    DOC("二〇二四年", "二〇 +二 〇二 +〇 二四 +二 四年 +四 年");
}

static void test_latin_and_digits(void **state)
{
    (void)state;
    DOC("Hello World a123 A1B2 2024", "hello world a123 a1b2 2024");
    DOC("XF2024-0001", "xf2024 0001");
    DOC("Café ÉCOLE Ÿ Ł", "café école ÿ ł");
    DOC("3×4÷2", "3 4 2");
    /* letters and Han touching make separate runs */
    DOC_AT("ABC噪音123", "abc@0-3 噪音@3-9 +噪@3-6 音@6-9 123@9-12");
}

static void test_full_width(void **state)
{
    (void)state;
    DOC_AT("ＡＢＣ１２３", "abc123@0-18");
    DOC_AT("ＡＢＣ　１２３", "abc@0-9 123@12-21"); /* U+3000 separates */
    DOC("ｈｅｌｌｏ，ｗｏｒｌｄ！", "hello world");
    DOC("Ｗｉ－Ｆｉ", "wi fi");
}

static void test_punctuation_dropped(void **state)
{
    (void)state;
    DOC("你好，世界。「引号」《书名》【括号】", "你好 +你 好 世界 +世 界 引号 +引 号 书名 +书 名 "
                                                "括号 +括 号");
    DOC("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "");
    DOC("、。〃〈〉「」『』【】〔〕…—·", "");
    DOC("", "");
    DOC("   \t\n", "");
}

static void test_emoji_and_invalid_bytes(void **state)
{
    (void)state;
    DOC("噪😀音", "噪 音");
    DOC("😀🇨🇳👍🏻", "");
    DOC_BYTES("噪\xff音", "噪 音");
    DOC_BYTES("a\x80"
              "b",
              "a b");
    DOC_BYTES("\xc0\xaf"
              "x",
              "x"); /* overlong '/' */
    DOC_BYTES("\xed\xa0\x80"
              "y",
              "y");                      /* a surrogate */
    DOC_BYTES("\xf4\x90\x80\x80z", "z"); /* past U+10FFFF */
    DOC_BYTES("ab\0cd", "ab cd");
    /* a sequence cut short at the end, and in the middle of a Han run */
    check_tokens_n("噪音", 5, SEARCH_DOCUMENT, true, "噪@0-3");
    DOC_BYTES("噪\xe9\x9f音", "噪 音");
}

static void test_long_word_truncated(void **state)
{
    (void)state;
    char text[301], want[SEARCH_MAX_TOKEN + 16];
    memset(text, 'A', 300);
    text[300] = '\0';
    memset(want, 'a', SEARCH_MAX_TOKEN);
    snprintf(want + SEARCH_MAX_TOKEN, sizeof(want) - SEARCH_MAX_TOKEN, "@0-300");
    DOC_AT(text, want);
    /* a two-byte letter never gets split at the cut */
    memset(text, 'a', SEARCH_MAX_TOKEN - 1);
    memcpy(text + SEARCH_MAX_TOKEN - 1, "é", 3);
    want[SEARCH_MAX_TOKEN - 1] = '\0';
    memset(want, 'a', SEARCH_MAX_TOKEN - 1);
    DOC(text, want);
}

static int stop_at_second(void *ctx, int flags, const char *tok, size_t len, size_t start,
                          size_t end)
{
    int *calls = ctx;
    return ++*calls == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
    (void)state;
    int calls = 0;
    assert_int_equal(search_tokenize("噪音扰民 abc", strlen("噪音扰民 abc"), SEARCH_DOCUMENT,
                                     stop_at_second, &calls),
                     42);
    assert_int_equal(calls, 2);
}

/* Builds the query for text and compares; want NULL means "no query". */
static void check_query(const char *text, const char *want)
{
    struct sbuf sb;
    sbuf_init(&sb, 0);
    size_t nterms = 99;
    assert_int_equal(search_build_query(text, strlen(text), &sb, &nterms), ERR_OK);
    if (want) {
        assert_true(nterms > 0);
        assert_string_equal(sb.buf, want);
    } else {
        assert_int_equal(nterms, 0);
        assert_string_equal(sb.buf, "");
    }
    sbuf_release(&sb);
    assert_int_equal(sb.alloc, 0);
}

static void test_query_building(void **state)
{
    (void)state;
    check_query("噪音", "\"噪音\"");
    check_query("拖欠", "\"拖欠\"");
    check_query("噪", "\"噪\"");
    check_query("供暖问题", "\"供暖 暖问 问题\"");
    check_query("北京市朝阳区", "\"北京 京市 市朝 朝阳 阳区\"");
    check_query("Hello WORLD", "\"hello\" AND \"world\"");
    check_query("ＡＢＣ１２３", "\"abc123\"");
    check_query("噪音 ABC", "\"噪音\" AND \"abc\"");
    check_query("噪音ABC", "\"噪音\" AND \"abc\"");
    check_query("施工，噪音", "\"施工\" AND \"噪音\"");
    check_query("噪 音", "\"噪\" AND \"音\"");
}

static void test_query_injection(void **state)
{
    (void)state;
    check_query("\" OR 1 NEAR(", "\"or\" AND \"1\" AND \"near\"");
    check_query("a* OR b", "\"a\" AND \"or\" AND \"b\"");
    check_query("title:噪音 -拖欠 ^x", "\"title\" AND \"噪音\" AND \"拖欠\" AND \"x\"");
    check_query("\"\"\"", NULL);
}

static void check_pg(const char *text, const char *vector, const char *query)
{
    struct sbuf b;
    size_t nterms = 0;
    sbuf_init(&b, 4096);
    assert_int_equal(search_build_tsvector(text, strlen(text), &b), ERR_OK);
    assert_string_equal(b.buf, vector);
    sbuf_reset(&b);
    assert_int_equal(search_build_tsquery(text, strlen(text), &b, &nterms), ERR_OK);
    if (query) {
        assert_string_equal(b.buf, query);
        assert_true(nterms > 0);
    } else {
        assert_int_equal(nterms, 0);
        assert_int_equal(b.len, 0);
    }
    sbuf_release(&b);
}

/* The PostgreSQL forms carry exactly the FTS5 tokens, positions included. */
static void test_postgres_forms(void **state)
{
    (void)state;
    check_pg("北京市", "'北京':1 '北':1 '京市':2 '京':2 '市':3", "('北京' <-> '京市')");
    check_pg("噪音", "'噪音':1 '噪':1 '音':2", "('噪音')");
    check_pg("噪", "'噪':1", "('噪')");
    check_pg("噪音 ABC", "'噪音':1 '噪':1 '音':2 'abc':3", "('噪音') & ('abc')");
    check_pg("it's", "'it':1 's':2", "('it') & ('s')");
    check_pg("！？", "", NULL);
}

static void test_no_query(void **state)
{
    (void)state;
    check_query("", NULL);
    check_query("   ", NULL);
    check_query("！？。，、", NULL);
    check_query("😀👍", NULL);
    check_query("\xff\xfe", NULL);
}

static void test_query_cap(void **state)
{
    (void)state;
    struct sbuf sb;
    sbuf_init(&sb, 8);
    size_t nterms = 99;
    assert_int_equal(search_build_query("供暖问题 很严重", strlen("供暖问题 很严重"), &sb, &nterms),
                     ERR_TOO_LARGE);
    assert_int_equal(nterms, 0);
    sbuf_release(&sb);
    assert_int_equal(sb.alloc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_text),
        cmocka_unit_test(test_single_character_runs),
        cmocka_unit_test(test_latin_and_digits),
        cmocka_unit_test(test_full_width),
        cmocka_unit_test(test_punctuation_dropped),
        cmocka_unit_test(test_emoji_and_invalid_bytes),
        cmocka_unit_test(test_long_word_truncated),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_query_building),
        cmocka_unit_test(test_query_injection),
        cmocka_unit_test(test_no_query),
        cmocka_unit_test(test_postgres_forms),
        cmocka_unit_test(test_query_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

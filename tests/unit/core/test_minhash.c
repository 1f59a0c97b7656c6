/* Unit tests for core/minhash: normalisation (punctuation, width, case, broken UTF-8),
 * distances of small edits and of unrelated texts, empty and short texts, and the
 * labelled set of near-duplicate petitions (tests/unit/data/dup_pairs.tsv) with the
 * precision and recall of the check dup_similar makes, printed for the record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/minhash.c" /* the statics, for the SimHash baseline */
#include "modules/petition/dup.h"

static struct minhash mh(const char *s)
{
    struct minhash m;
    minhash_text(s, strlen(s), &m);
    return m;
}

static int dist(const char *a, const char *b)
{
    return minhash_distance(mh(a).sig, mh(b).sig);
}

static void assert_same(const char *a, const char *b)
{
    struct minhash x = mh(a), y = mh(b);
    assert_true(x.nshingles > 0);
    assert_int_equal(x.nshingles, y.nshingles);
    assert_true(x.sig == y.sig);
    assert_memory_equal(x.band, y.band, sizeof(x.band));
}

static const char letter[] =
    "我叫张建国，住在朝阳区和平街道阳光花园3号楼2单元502室。小区南侧工地连续一个多月夜间施工，"
    "凌晨两三点还在打桩。打桩机和渣土车的噪音震得窗户嗡嗡响，全家人整夜睡不着觉。施工方没有公示"
    "夜间施工许可，我们打电话问过城管，说没有审批。恳请上级部门督促有关单位尽快解决。";

static void test_deterministic(void **state)
{
    (void)state;
    struct minhash a = mh(letter), b = mh(letter);
    assert_true(a.sig == b.sig);
    assert_memory_equal(a.band, b.band, sizeof(a.band));
    assert_true(a.sig != 0);
    assert_true(a.nshingles > 100);
    assert_int_equal(minhash_distance(a.sig, a.sig), 0);
    assert_int_equal(minhash_distance(0, UINT64_MAX), 64);
    assert_int_equal(minhash_distance(0x5, 0x3), 2);
    assert_true(minhash_bands_meet(&a, &b));
    /* a fixed value: a change of shingles, seeds or hash means re-indexing every text */
    struct minhash fixed = mh("信访事项重复件");
    assert_int_equal(fixed.nshingles, 5);
    assert_true(fixed.sig == 0xd0732928e2301298u);
}

static void test_normalisation(void **state)
{
    (void)state;
    assert_same("供暖不热，老人冻病了！", "供暖 不热 老人 冻病了");
    assert_same("供暖不热，老人冻病了！", "供暖\t不热\r\n老人——冻病了……");
    assert_same("供暖不热，老人冻病了！", "【供暖不热】《老人冻病了》");
    assert_same("供暖不热，老人冻病了！", "供暖\xe3\x80\x80不热😀老人冻病了");
    /* full-width letters and digits, Latin case */
    assert_same("3号楼ABC室", "３号楼ａｂｃ室");
    assert_same("Wi-Fi密码", "wifi密码");
    assert_same("CAFÉ咖啡", "café咖啡");
    /* bytes that are not UTF-8 are dropped, never read past n */
    assert_same("供暖不热老人冻病了", "供暖\xff不热\xc0\x80老人\xed\xa0\x80冻病了\xe4\xb8");
    struct minhash m;
    minhash_text("供暖不热"
                 "\0"
                 "老人冻病了",
                 4 * 3 + 1 + 5 * 3, &m);
    assert_true(m.sig == mh("供暖不热老人冻病了").sig);
    minhash_text("供暖不热老人冻病了", 4 * 3, &m);
    assert_true(m.sig == mh("供暖不热").sig);
}

static void test_empty_and_short(void **state)
{
    (void)state;
    static const char *const nothing[] = {"", "   ", "，。！？、……", "😀👍", "\xff\xfe\x80"};
    for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
        struct minhash m = mh(nothing[i]);
        assert_int_equal(m.nshingles, 0);
        assert_true(m.sig == 0);
        for (int b = 0; b < MINHASH_BANDS; b++)
            assert_int_equal(m.band[b], 0);
    }
    struct minhash m;
    minhash_text(NULL, 0, &m);
    assert_int_equal(m.nshingles, 0);
    /* shorter than a shingle: the whole text is one, equal only to itself */
    assert_int_equal(mh("吵").nshingles, 1);
    assert_int_equal(mh("吵闹").nshingles, 1);
    assert_int_equal(mh("吵闹声").nshingles, 1);
    assert_int_equal(mh("吵闹声大").nshingles, 2);
    assert_same("吵闹", "吵，闹");
    assert_true(mh("吵闹").sig != mh("闹吵").sig);
    /* a repeated shingle counts once in the set, but is read each time */
    assert_true(mh("好好好好好").sig == mh("好好好").sig);
    assert_int_equal(mh("好好好好好").nshingles, 3);
    /* k is clamped */
    minhash_text_k("供暖不热", strlen("供暖不热"), 0, &m);
    assert_int_equal(m.nshingles, 4);
    minhash_text_k("供暖不热", strlen("供暖不热"), 99, &m);
    assert_int_equal(m.nshingles, 1);
}

static void test_distances(void **state)
{
    (void)state;
    /* one character changed, one inserted, one sentence moved: few bits */
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", letter);
    char *p = strstr(buf, "502");
    p[0] = '6';
    assert_in_range(dist(letter, buf), 1, 8);
    snprintf(buf, sizeof(buf), "%s这已经是我第三次反映了。", letter);
    assert_in_range(dist(letter, buf), 0, 10);
    snprintf(buf, sizeof(buf),
             "我叫张建国，住在朝阳区和平街道阳光花园3号楼2单元502室。打桩机和渣土车的噪音震得窗户"
             "嗡嗡响，全家人整夜睡不着觉。小区南侧工地连续一个多月夜间施工，凌晨两三点还在打桩。施"
             "工方没有公示夜间施工许可，我们打电话问过城管，说没有审批。恳请上级部门督促有关单位尽"
             "快解决。");
    assert_in_range(dist(letter, buf), 0, 10);
    /* another complaint of the same kind by the same person: many bits */
    const char *other =
        "我叫张建国，住在朝阳区和平街道阳光花园3号楼2单元502室。楼下新开的火锅店排风机和空调外"
        "机正对着我家卧室窗户，从早上十点响到凌晨一点。油烟和噪音让我们根本不敢开窗。恳请上级部"
        "门督促有关单位尽快解决。";
    assert_in_range(dist(letter, other), 17, 64);
    assert_in_range(dist(letter, "物业公司未经业主大会同意涨物业费，服务反而更差了。"), 24, 64);
}

/* ---- the labelled set ---- */

struct pair {
    int label; /* 1: the same petition written again */
    char kind[32];
    char *a, *b;
};

struct labelled {
    struct pair *p;
    size_t n, cap;
};

/* tests/unit/data/dup_pairs.tsv, found beside this file's directory. */
static void load_pairs(struct labelled *set)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s", __FILE__);
    char *slash = strrchr(path, '/');
    assert_non_null(slash);
    *slash = '\0';
    slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof(path) - (size_t)(slash - path), "/data/dup_pairs.tsv");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, f)) > 0) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *save = NULL;
        char *label = strtok_r(line, "\t", &save);
        char *kind = strtok_r(NULL, "\t", &save);
        char *a = strtok_r(NULL, "\t", &save);
        char *b = strtok_r(NULL, "\t", &save);
        assert_non_null(b);
        if (set->n == set->cap) {
            set->cap = set->cap ? 2 * set->cap : 256;
            set->p = realloc(set->p, set->cap * sizeof(*set->p));
            assert_non_null(set->p);
        }
        struct pair *p = &set->p[set->n++];
        p->label = label[0] == '1';
        snprintf(p->kind, sizeof(p->kind), "%s", kind);
        p->a = strdup(a);
        p->b = strdup(b);
        assert_true(p->a && p->b);
    }
    free(line);
    fclose(f);
}

static void free_pairs(struct labelled *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->p[i].a);
        free(set->p[i].b);
    }
    free(set->p);
}

struct score {
    int tp, fp, fn;
};

static double precision(struct score s)
{
    return s.tp + s.fp ? (double)s.tp / (s.tp + s.fp) : 1.0;
}

static double recall(struct score s)
{
    return s.tp + s.fn ? (double)s.tp / (s.tp + s.fn) : 1.0;
}

static void count(struct score *s, int label, int predicted)
{
    if (predicted && label)
        s->tp++;
    else if (predicted)
        s->fp++;
    else if (label)
        s->fn++;
}

/* What dup_similar decides for a pair: the two meet in a band and are within t bits. */
static int predicted(const char *a, const char *b, unsigned k, int t)
{
    struct minhash x, y;
    minhash_text_k(a, strlen(a), k, &x);
    minhash_text_k(b, strlen(b), k, &y);
    return x.nshingles && y.nshingles && minhash_bands_meet(&x, &y) &&
           minhash_distance(x.sig, y.sig) <= t;
}

/* The baseline that was measured first: Charikar's SimHash over the same normalised
 * 3-character shingles (weight 1 each), found through four exact 16-bit bands (Manku et
 * al.), which find for certain only what lies within 3 bits. */
static uint64_t simhash3(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0, kept = 0;
    uint32_t ring[3];
    int64_t v[64] = {0};
    while (i < n) {
        uint32_t c = 0;
        size_t len = utf8_decode(s + i, n - i, &c);
        i += len ? len : 1;
        c = len ? normalise(c) : 0;
        if (!c)
            continue;
        ring[kept % 3] = c;
        if (++kept < 3)
            continue;
        uint64_t h = shingle_hash(ring, (unsigned)(kept % 3), 3);
        for (int b = 0; b < 64; b++)
            v[b] += (h >> b & 1) ? 1 : -1;
    }
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (v[b] > 0)
            h |= (uint64_t)1 << b;
    return h;
}

static int simhash_predicted(const char *a, const char *b, int t)
{
    uint64_t x = simhash3(a), y = simhash3(b);
    int meet = 0;
    for (int i = 0; i < 4; i++)
        if ((uint16_t)(x >> (16 * i)) == (uint16_t)(y >> (16 * i)))
            meet = 1;
    return meet && minhash_distance(x, y) <= t;
}

static void test_labelled_set(void **state)
{
    (void)state;
    struct labelled set = {0};
    load_pairs(&set);
    size_t dups = 0;
    for (size_t i = 0; i < set.n; i++)
        dups += (size_t)set.p[i].label;
    printf("labelled set: %zu pairs, %zu near-duplicates\n", set.n, dups);
    assert_true(set.n >= 300 && dups >= 100 && set.n - dups >= 100);

    /* the choice: shingle size k and distance t, through the bands as dup_similar reads */
    printf("  precision/recall by shingle size k and max distance t:\n");
    for (unsigned k = 2; k <= 4; k++) {
        printf("  k=%u", k);
        for (int t = 10; t <= 20; t += 2) {
            struct score s = {0};
            for (size_t i = 0; i < set.n; i++)
                count(&s, set.p[i].label, predicted(set.p[i].a, set.p[i].b, k, t));
            printf("  t=%d %.2f/%.2f", t, precision(s), recall(s));
        }
        printf("\n");
    }
    for (int t = 3; t <= 13; t += 5) {
        struct score base = {0};
        for (size_t i = 0; i < set.n; i++)
            count(&base, set.p[i].label, simhash_predicted(set.p[i].a, set.p[i].b, t));
        printf("  baseline SimHash k=3, 4 exact 16-bit bands, t=%d: precision %.2f recall %.2f\n",
               t, precision(base), recall(base));
    }

    /* the settings in use, with recall by kind of edit and false matches by kind */
    struct score s = {0};
    const char *kinds[16];
    int nk = 0, hit[16] = {0}, total[16] = {0};
    for (size_t i = 0; i < set.n; i++) {
        const struct pair *p = &set.p[i];
        int yes = predicted(p->a, p->b, MINHASH_SHINGLE, DUP_DISTANCE);
        count(&s, p->label, yes);
        int k = 0;
        while (k < nk && strcmp(kinds[k], p->kind) != 0)
            k++;
        if (k == nk && nk < 16)
            kinds[nk++] = p->kind;
        if (k < nk) {
            total[k]++;
            hit[k] += yes;
        }
    }
    printf("  k=%d t=%d: precision %.3f recall %.3f (tp %d, fp %d, fn %d)\n  matched by kind:",
           MINHASH_SHINGLE, DUP_DISTANCE, precision(s), recall(s), s.tp, s.fp, s.fn);
    for (int k = 0; k < nk; k++)
        printf(" %s %d/%d", kinds[k], hit[k], total[k]);
    printf("\n");
    /* floors from the measurement above (0.993 / 0.871), with a little room */
    assert_true(precision(s) >= 0.97);
    assert_true(recall(s) >= 0.83);
    free_pairs(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_empty_and_short), cmocka_unit_test(test_distances),
        cmocka_unit_test(test_labelled_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

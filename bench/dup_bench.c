/* dup-bench: how long one near-duplicate check (modules/petition/dup) takes against a
 * million petitions on SQLite. Fills a fresh database with the fingerprints of N generated
 * petition texts (dup_index in transactions of 10,000), then times Q dup_similar checks
 * with new texts of the same kind, a quarter of them near-copies of indexed ones of any
 * age, and prints the median, p99, the rows read per check and how many copies were found.
 *
 *   build/dup-bench [N [Q [DBFILE]]]      defaults 1000000, 1000, a temporary file
 *
 * A DBFILE is kept and reused: a second run only times the checks (the texts are the same
 * every run). DUP_BENCH_TRACE=1 prints each check's times and rows read.
 *
 * Texts are made of stock parts the way petitions are: an opening (who, where), three to
 * six sentences of one category drawn from templates with slots, sometimes one sentence of
 * another category, then what was tried and a demand. So texts of a category share much
 * of their vocabulary and many sentence shapes, more than real letters do: the candidate
 * counts (and times) are on the pessimistic side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/minhash.h"
#include "db/db.h"
#include "db/migrate.h"
#include "modules/petition/dup.h"

#define TEXT_CAP 4096

/* splitmix64: a small, good generator; the bench is reproducible. */
static uint64_t rng_state = 0x5eed2026u;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}
#define PICK(list) (list)[rng_below(sizeof(list) / sizeof((list)[0]))]

static const char *const surnames[] = {"张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周",
                                       "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
                                       "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩"};
static const char *const given[] = {"建国", "秀英", "海燕", "志强", "桂兰", "军",   "丽华",
                                    "伟",   "敏",   "德明", "春梅", "立新", "玉兰", "国庆",
                                    "晓东", "淑珍", "红梅", "永刚", "桂芳", "金龙", "文静"};
static const char *const districts[] = {"朝阳区", "海淀区", "丰台区", "西城区", "东城区",
                                        "通州区", "大兴区", "昌平区", "顺义区", "房山区"};
static const char *const streets[] = {"和平街道",   "建外街道",  "八里庄街道", "学院路街道",
                                      "新街口街道", "北苑街道",  "梨园镇",     "马驹桥镇",
                                      "回龙观街道", "天宫院街道"};
static const char *const estates[] = {"阳光花园", "幸福里小区", "金色家园", "和谐雅苑",
                                      "华龙苑",   "锦绣小区",   "翠微西里", "望京新城",
                                      "富力城",   "康乐里",     "东湖湾",   "远洋山水"};
static const char *const firms[] = {"宏达建设集团", "恒信化工有限公司", "远大机械厂",
                                    "华兴建筑公司", "鑫源食品公司",     "东方精密制造厂",
                                    "城建七公司",   "金鼎实业",         "天成物业公司"};
static const char *const villages[] = {"东坝村", "西王庄村", "南辛庄", "马家堡村",
                                       "北店村", "小营村",   "前进村", "红星村"};
static const char *const offices[] = {"社区居委会", "街道办事处",   "区信访办",
                                      "区住建委",   "区城管执法局", "12345市民热线"};

/* Sentence templates per category; %s slots are filled in order from the category's
 * fill lists (one pick per slot). */
struct category {
    const char *const *sentences;
    size_t nsentences;
    const char *const *fill; /* words for the slots */
    size_t nfill;
};

static const char *const noise_s[] = {
    "小区%s每天晚上都有人%s，声音特别大，一直闹到夜里十一点。",
    "%s的工地连续%s个月夜间施工，凌晨还在%s。",
    "楼下新开的%s排风机正对着我家窗户，从早响到晚。",
    "家里老人%s，孩子要%s，根本没法休息。",
    "我们找过%s协商，对方态度恶劣，说%s。",
    "噪音大得窗户都在响，全家人%s睡不着觉。",
    "打电话给%s，对方说%s，就再也没人管了。",
    "这种情况已经持续了%s个月，严重影响了周边居民的正常生活。",
};
static const char *const noise_f[] = {
    "广场上",     "楼下空地", "跳广场舞", "打麻将", "唱卡拉OK", "遛狗",
    "打桩",       "拉渣土",   "火锅店",   "烧烤店", "心脏不好", "血压高",
    "中考",       "高考",     "物业",     "店老板", "领舞的人", "公共场地谁都能用",
    "他们有手续", "整夜",     "好几天",   "派出所", "城管",     "这不归我们管",
    "会去看看",   "两",       "三",       "五",     "半",       "施工单位"};
static const char *const property_s[] = {
    "我们%s号楼的电梯今年已经坏了%s次，上个月还把人困在里面。",
    "物业公司未经业主大会同意，把物业费从每平方米%s元涨到%s元。",
    "涨价以后服务反而更差了，%s，%s也没人管。",
    "小区地下车位本来是业主共有的，物业却%s。",
    "楼上%s室下水管道破裂，污水顺着墙往我家%s渗。",
    "物业说是%s的责任，%s说归物业管，互相推诿。",
    "业主不交物业费就被%s，物业还威胁要%s。",
    "我们要求物业公开%s，物业一直推脱不给。",
};
static const char *const property_f[] = {"3",
                                         "7",
                                         "12",
                                         "十几",
                                         "二十",
                                         "1.5",
                                         "2.8",
                                         "2",
                                         "3.5",
                                         "垃圾经常几天没人清运",
                                         "保安不在岗",
                                         "绿化",
                                         "路灯",
                                         "卖给外来人员",
                                         "高价出租",
                                         "改成仓库",
                                         "1202",
                                         "901",
                                         "卫生间",
                                         "卧室",
                                         "楼上住户",
                                         "楼上",
                                         "停水停电",
                                         "起诉我们",
                                         "锁门禁卡",
                                         "收支账目",
                                         "维修基金使用情况",
                                         "车位产权证明",
                                         "业委会",
                                         "开发商"};
static const char *const wages_s[] = {
    "我们一共%s名工人在%s承建的项目干活，干了%s个月。",
    "包工头至今拖欠我们工资共计%s元，每人%s元。",
    "我们多次去%s讨要，对方总说%s，让我们再等等。",
    "我在%s上班，老板已经连续%s个月没有发工资。",
    "公司长期安排每天加班%s个小时，却从来不支付加班费。",
    "公司也没有给我们缴纳%s，劳动合同也一直不给本人。",
    "我向%s投诉过，公司只补了%s。",
    "我们都是外地人，没有工资连%s都交不起。",
};
static const char *const wages_f[] = {
    "12",       "30",         "46",       "建筑公司",   "开发商",
    "九",       "十",         "三",       "40万",       "86万",
    "两万多",   "一万五",     "项目部",   "公司总部",   "开发商没有拨款",
    "账上没钱", "年底一起结", "饭店",     "工厂",       "超市",
    "四",       "六",         "社会保险", "住房公积金", "劳动监察大队",
    "仲裁委",   "一小部分",   "一个月的", "房租",       "孩子学费"};
static const char *const demolition_s[] = {
    "我家位于%s的房屋被列入征收范围，补偿价格每平方米只有%s元。",
    "同一片区的邻居家补偿却达到每平方米%s元，明显不公平。",
    "我们申请%s，征收办一直不予答复。",
    "今年%s月凌晨，一伙人在没有任何手续的情况下强行拆除了我家的%s。",
    "家里的%s全部被埋在废墟下面，至今无人过问。",
    "我们%s多户签订了拆迁安置协议，约定%s年内交付安置房。",
    "现在安置房还是一片空地，%s也停发了。",
    "很多老人在外面租房，%s。",
};
static const char *const demolition_f[] = {
    "东坝村",         "北店村",       "老城区",       "3000",     "3500",       "6000",
    "8000",           "重新评估",     "公开评估报告", "行政复议", "3",          "11",
    "房屋",           "养殖棚",       "门面房",       "家具电器", "存折和证件", "粮食",
    "一百",           "二百",         "两",           "三",       "过渡费",     "安置补助",
    "有的已经去世了", "生活非常困难", "租金越来越贵", "村委会",   "征收办",     "评估公司"};
static const char *const pollution_s[] = {
    "%s附近的%s每天夜里偷偷排放%s，气味熏得人头晕。",
    "村里好几个老人得了%s，孩子们经常咳嗽。",
    "环保部门来检查时工厂就%s，检查人员一走又开始排放。",
    "上游的%s把污水直接排进河里，河水发黑发臭。",
    "下游的农田都靠这条河灌溉，今年%s。",
    "小区门口新建的%s离居民楼不到二十米，每天臭气熏天。",
    "%s每天凌晨来清运，噪音很大，污水流得满地都是。",
    "我们要求把%s迁到远离居民区的地方。",
};
static const char *const pollution_f[] = {
    "东坝村",   "红星村",   "化工厂",     "造纸厂",         "养猪场",         "废气",
    "废水",     "粉尘",     "呼吸道疾病", "皮肤病",         "停产",           "关门",
    "养猪场",   "洗砂场",   "屠宰场",     "庄稼大面积减产", "鱼塘的鱼都死了", "垃圾中转站",
    "公共厕所", "污水泵站", "垃圾车",     "清运车",         "垃圾站",         "泵站",
    "小区",     "学校",     "钢厂",       "沥青搅拌站",     "砖厂",           "村口"};
static const char *const welfare_s[] = {
    "我丈夫%s因病去世，我一个人带着%s，没有固定收入。",
    "今年社区突然取消了我家的%s，说是家里有%s。",
    "请民政部门重新核查，恢复我家的%s。",
    "我在%s工作了%s年，退休后才发现单位有%s年没有缴纳养老保险。",
    "现在每个月养老金只有%s元，比同样工龄的同事少很多。",
    "社保局说让我们找原单位，原单位说%s。",
    "我父亲患%s需要长期治疗，费用一直不能%s。",
    "家里已经为治病欠了%s元外债，实在负担不起。",
};
static const char *const welfare_f[] = {
    "去年",     "前年",         "两个孩子", "老母亲和孩子", "低保",       "临时救助",
    "车",       "存款",         "低保待遇", "残疾补贴",     "纺织厂",     "机械厂",
    "三十",     "二十五",       "八",       "五",           "1200",       "1500",
    "找社保局", "单位已经改制", "尿毒症",   "癌症",         "按规定报销", "异地结算",
    "十几万",   "二十多万",     "户口",     "医保",         "慢特病",     "民政局"};
static const char *const building_s[] = {
    "我们%s号楼顶层住户在楼顶私自加盖了%s，还搭了阳光棚。",
    "加建以后%s被破坏，下面几户人家一下雨就漏水。",
    "这些违建存在很大的安全隐患，万一%s后果不堪设想。",
    "一楼住户把院子围墙往外扩了%s米，占用了%s。",
    "还盖了一间彩钢房开%s，消防通道被堵住一半。",
    "%s来看过，说要拆，但是过了%s也没拆。",
    "邻居在自家院子里违规建了%s层楼，挡住了我家的采光。",
    "我们向%s举报后，对方反而威胁我们%s。",
};
static const char *const building_f[] = {
    "5",    "12",   "两间房",   "一层",     "防水层",     "楼板",   "坍塌",         "着火",
    "三",   "五",   "公共绿地", "消防通道", "小卖部",     "麻将馆", "城管",         "街道",
    "半年", "一年", "三",       "四",       "城管执法局", "街道办", "不要多管闲事", "要报复",
    "屋顶", "外墙", "车棚",     "地下室",   "两",         "六"};

static const struct category categories[] = {
#define CAT(x)                                                                                     \
    {                                                                                              \
        x##_s, sizeof(x##_s) / sizeof(x##_s[0]), x##_f, sizeof(x##_f) / sizeof(x##_f[0])           \
    }
    CAT(noise),     CAT(property), CAT(wages),    CAT(demolition),
    CAT(pollution), CAT(welfare),  CAT(building),
#undef CAT
};
#define NCATEGORIES (sizeof(categories) / sizeof(categories[0]))

/* What was tried already: the office goes between the two parts. */
static const char *const tried[][2] = {
    {"此事已向", "多次反映，至今没有得到解决。"},
    {"我从去年起多次向", "反映，对方答复会处理，但一直没有结果。"},
    {"之前已经向", "反映过两次，一直没有人答复。"},
    {"我们去", "找过好几次，每次都说正在协调。"},
    {"这个问题已经拖了大半年，", "和有关部门一直互相推诿。"},
};
static const char *const demands[] = {
    "恳请上级部门督促有关单位尽快解决。",
    "希望有关部门高度重视，尽快调查处理并给我们一个答复。",
    "请领导为我们做主，依法依规处理。",
    "请求政府部门依法处理，维护我们的合法权益。",
    "希望尽快解决，还我们一个正常的生活环境。",
};

struct text {
    char buf[TEXT_CAP];
    size_t len;
};

static void put(struct text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n < sizeof(t->buf)) {
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->buf[t->len] = '\0';
    }
}

/* One sentence of category c with its slots filled: the template is split at each %s. */
static void put_sentence(struct text *t, const struct category *c)
{
    const char *s = c->sentences[rng_below(c->nsentences)];
    for (;;) {
        const char *slot = strstr(s, "%s");
        if (!slot) {
            put(t, s);
            return;
        }
        char piece[256];
        size_t n = (size_t)(slot - s) < sizeof(piece) - 1 ? (size_t)(slot - s) : sizeof(piece) - 1;
        memcpy(piece, s, n);
        piece[n] = '\0';
        put(t, piece);
        put(t, c->fill[rng_below(c->nfill)]);
        s = slot + 2;
    }
}

/* Who and where, in one of the ways letters begin. */
static void put_opening(struct text *t)
{
    char line[512];
    const char *sur = PICK(surnames), *name = PICK(given), *district = PICK(districts),
               *street = PICK(streets), *estate = PICK(estates);
    int building = 1 + (int)rng_below(30), unit = 1 + (int)rng_below(6),
        room = 100 * (1 + (int)rng_below(30)) + 1 + (int)rng_below(4);
    switch (rng_below(4)) {
    case 0:
        snprintf(line, sizeof(line), "我叫%s%s，住在%s%s%s%d号楼%d单元%d室。", sur, name, district,
                 street, estate, building, unit, room);
        break;
    case 1:
        snprintf(line, sizeof(line), "反映人%s%s，家住%s%s%s%d栋%d。", sur, name, district, street,
                 estate, building, room);
        break;
    case 2:
        snprintf(line, sizeof(line), "我是%s%s，%s%s%s%d号楼%d单元%d室的居民。", sur, name,
                 district, street, estate, building, unit, room);
        break;
    default:
        snprintf(line, sizeof(line), "本人%s%s，现住%s%s%s%d号楼%d单元%d室，有情况向领导反映。",
                 sur, name, district, street, estate, building, unit, room);
        break;
    }
    put(t, line);
}

static void gen_petition(struct text *t)
{
    t->len = 0;
    t->buf[0] = '\0';
    put_opening(t);
    const struct category *c = &categories[rng_below(NCATEGORIES)];
    int n = 3 + (int)rng_below(4);
    for (int i = 0; i < n; i++)
        put_sentence(t, c);
    if (rng_below(4) == 0)
        put_sentence(t, &categories[rng_below(NCATEGORIES)]);
    if (rng_below(3) == 0) {
        put(t, "涉及的单位是");
        put(t, PICK(firms));
        put(t, "，地点在");
        put(t, PICK(villages));
        put(t, "。");
    }
    const char *const *how = tried[rng_below(sizeof(tried) / sizeof(tried[0]))];
    put(t, how[0]);
    put(t, PICK(offices));
    put(t, how[1]);
    put(t, PICK(demands));
}

/* A near-copy: 2 in 100 characters dropped, 2 in 100 replaced, one sentence appended. */
static void mutate(struct text *t)
{
    struct text out = {.len = 0};
    for (size_t i = 0; i < t->len;) {
        size_t n = 1;
        while (n < 4 && i + n < t->len && ((unsigned char)t->buf[i + n] & 0xC0) == 0x80)
            n++;
        uint64_t r = rng_below(100);
        if (r >= 2) { /* 2 in 100 characters dropped */
            char ch[8];
            memcpy(ch, t->buf + i, n);
            ch[n] = '\0';
            put(&out, r < 4 ? "的" : ch);
        }
        i += n;
    }
    put(&out, "这已经是我第二次反映了。");
    *t = out;
}

/* How many rows a check reads: those sharing a band key with the text, at most
 * DUP_BAND_CAP per key (counted untimed, with the query dup_similar runs). */
static size_t candidates(struct db_conn *c, struct arena *a, const char *text)
{
    struct minhash m;
    struct db_rows rows;
    minhash_text(text, strlen(text), &m);
    if (db_query_one(c, a,
                     "SELECT COUNT(*) FROM (SELECT petition_id FROM (SELECT petition_id FROM "
                     "petition_minhash WHERE b0 = $1 ORDER BY petition_id DESC LIMIT $5) AS m0 "
                     "UNION SELECT petition_id FROM (SELECT petition_id FROM petition_minhash "
                     "WHERE b1 = $2 ORDER BY petition_id DESC LIMIT $5) AS m1 "
                     "UNION SELECT petition_id FROM (SELECT petition_id FROM petition_minhash "
                     "WHERE b2 = $3 ORDER BY petition_id DESC LIMIT $5) AS m2 "
                     "UNION SELECT petition_id FROM (SELECT petition_id FROM petition_minhash "
                     "WHERE b3 = $4 ORDER BY petition_id DESC LIMIT $5) AS m3) AS hit",
                     DB_ARGS(DB_I(m.band[0]), DB_I(m.band[1]), DB_I(m.band[2]), DB_I(m.band[3]),
                             DB_I(DUP_BAND_CAP)),
                     &rows))
        return 0;
    return (size_t)db_int(&rows, 0, 0);
}

/* Wall time, and this thread's CPU time (which other processes on the machine do not
 * inflate). */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static long parse_count(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0) {
        fprintf(stderr, "dup-bench: %s must be a positive number, not \"%s\"\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? parse_count(argv[1], "N") : 1000000;
    long q = argc > 2 ? parse_count(argv[2], "Q") : 1000;
    char path[512], url[600], errbuf[256];
    int own_file = argc <= 3;
    if (own_file) {
        snprintf(path, sizeof(path), "/tmp/shegong-dup-bench-XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0) {
            perror("dup-bench: mkstemp");
            return 1;
        }
        close(fd);
    } else {
        snprintf(path, sizeof(path), "%s", argv[3]);
    }
    snprintf(url, sizeof(url), "sqlite:%s", path);
    struct db_options opt = {.sync = DB_SYNC_NORMAL};
    struct db *db;
    struct db_conn *c;
    if (db_open(url, &opt, &db, errbuf, sizeof(errbuf)) || db_conn_get(db, &c)) {
        fprintf(stderr, "dup-bench: cannot open %s: %s\n", url, errbuf);
        return 1;
    }
    /* only the fingerprint table, so the bench does not depend on other migrations */
    const struct migration *m = migrations;
    while (m->name && strcmp(m->name, "0012_petition_dup.sql") != 0)
        m++;
    const struct migration only[] = {*m, {0}};
    int applied;
    if (!m->name || migrate_apply(db, only, NULL, &applied, errbuf, sizeof(errbuf))) {
        fprintf(stderr, "dup-bench: migration: %s\n", m->name ? errbuf : "0012 not found");
        return 1;
    }

    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    int64_t have = 0;
    if (db_query_one(c, &a, "SELECT COUNT(*) FROM petition_minhash", DB_NOARGS, &rows) == ERR_OK)
        have = db_int(&rows, 0, 0);
    arena_release(&a);

    /* Q texts spread over the whole history are kept for the near-copy checks */
    struct text *kept = calloc((size_t)q, sizeof(*kept));
    long stride = n / q > 0 ? n / q : 1;
    struct text t;
    double t0 = now_ms();
    for (long i = 0; i < n; i++) {
        gen_petition(&t);
        if (i % stride == 0 && i / stride < q)
            kept[i / stride] = t;
        if (i < have)
            continue; /* a reused database file has it already */
        if (!db_in_tx(c) && db_begin(c, DB_TX_WRITE)) {
            fprintf(stderr, "dup-bench: begin: %s\n", db_errmsg(c));
            return 1;
        }
        if (dup_index(c, i + 1, t.buf)) {
            fprintf(stderr, "dup-bench: dup_index: %s\n", db_errmsg(c));
            return 1;
        }
        if ((i % 10000 == 9999 || i == n - 1) && db_commit(c)) {
            fprintf(stderr, "dup-bench: commit: %s\n", db_errmsg(c));
            return 1;
        }
        if (i % 100000 == 99999)
            fprintf(stderr, "dup-bench: %ld indexed, %.1f s\n", i + 1, (now_ms() - t0) / 1e3);
    }
    double fill_s = (now_ms() - t0) / 1e3;
    db_exec(c, "ANALYZE", DB_NOARGS, NULL);

    double *ms = calloc((size_t)q, sizeof(*ms)), *cpu = calloc((size_t)q, sizeof(*cpu));
    size_t found_copy = 0, copies = 0, total_matches = 0, total_candidates = 0;
    for (long i = 0; i < q; i++) {
        int64_t source = 0;
        if (i % 4 == 0 && i * stride < n) { /* a near-copy of an indexed petition */
            t = kept[i];
            mutate(&t);
            source = i * stride + 1;
            copies++;
        } else {
            gen_petition(&t);
        }
        struct dup_match *out;
        size_t nout;
        arena_init(&a, 0);
        double s = now_ms(), s_cpu = cpu_ms();
        enum err e = db_begin(c, DB_TX_READ);
        if (!e)
            e = dup_similar(c, &a, t.buf, 0, DUP_DISTANCE, 10, &out, &nout);
        if (!e)
            e = db_commit(c);
        ms[i] = now_ms() - s;
        cpu[i] = cpu_ms() - s_cpu;
        if (e) {
            fprintf(stderr, "dup-bench: dup_similar: %s\n", db_errmsg(c));
            return 1;
        }
        total_matches += nout;
        size_t cand = candidates(c, &a, t.buf);
        total_candidates += cand;
        if (getenv("DUP_BENCH_TRACE"))
            fprintf(stderr, "check %ld: %.3f ms wall, %.3f ms cpu, %zu rows\n", i, ms[i], cpu[i],
                    cand);
        for (size_t k = 0; k < nout; k++)
            if (out[k].petition_id == source)
                found_copy++;
        arena_release(&a);
    }
    qsort(ms, (size_t)q, sizeof(*ms), cmp_double);
    qsort(cpu, (size_t)q, sizeof(*cpu), cmp_double);
    printf("dup-bench: %ld petitions indexed in %.1f s (%s)\n", n, fill_s,
           have ? "partly reused" : "fresh");
    printf("dup-bench: %ld checks (max distance %d, limit 10): median %.3f ms, p99 %.3f ms, "
           "max %.3f ms; CPU time median %.3f ms, p99 %.3f ms\n",
           q, DUP_DISTANCE, ms[q / 2], ms[(q * 99) / 100], ms[q - 1], cpu[q / 2],
           cpu[(q * 99) / 100]);
    printf("dup-bench: %.1f rows read and %.2f matches per check; near-copies found %zu of %zu\n",
           (double)total_candidates / (double)q, (double)total_matches / (double)q, found_copy,
           copies);
    free(ms);
    free(cpu);
    free(kept);
    db_close(db);
    if (own_file) {
        char name[600];
        static const char *const suffix[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
            unlink(name);
        }
    }
    return 0;
}

/* shegong gen's random streams and the words drawn from them (gen.h): petitions' texts
 * from the templates (gen_words.c) with their slots filled, the officers' replies, names,
 * ID numbers, phones, addresses. Estates, firms, roads and people are invented. */
#include <stdio.h>
#include <string.h>

#include "cli/gen.h"

/* ---- Random streams: splitmix64, keyed by (seed, stream, index) ---------------------------- */

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void gen_rng_init(struct gen_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    r->s = mix(mix(seed ^ 0xA0761D6478BD642FULL) ^ mix((stream << 48) ^ index));
}

uint64_t gen_rng_next(struct gen_rng *r)
{
    r->s += 0x9E3779B97F4A7C15ULL;
    return mix(r->s);
}

uint32_t gen_rng_below(struct gen_rng *r, uint32_t n)
{
    return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int gen_rng_range(struct gen_rng *r, int lo, int hi)
{
    return hi <= lo ? lo : lo + (int)gen_rng_below(r, (uint32_t)(hi - lo + 1));
}

double gen_rng_unit(struct gen_rng *r)
{
    return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

bool gen_rng_chance(struct gen_rng *r, double p)
{
    return gen_rng_unit(r) < p;
}

size_t gen_rng_weighted(struct gen_rng *r, const unsigned *weights, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    uint64_t x = total ? (gen_rng_next(r) >> 11) % total : 0;
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

#define COUNT(a)   (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[gen_rng_below((r), (uint32_t)COUNT(a))])

/* The number of entries of a NULL-terminated list. */
static size_t list_len(const char *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

static const char *pick_list(struct gen_rng *r, const char *const *list)
{
    size_t n = list_len(list);
    return n ? list[gen_rng_below(r, (uint32_t)n)] : NULL;
}

/* ---- Invented names ------------------------------------------------------------------------ */

static const char *const estate_heads[] = {
    "阳光", "幸福", "锦绣", "金桂", "翠湖", "和平", "东方",   "丽景", "紫荆", "康乐",
    "明珠", "碧水", "春晖", "万福", "祥和", "安居", "御景",   "兰亭", "枫林", "柳岸",
    "星河", "滨江", "书香", "怡景", "瑞景", "秀水", "北苑",   "南苑", "西苑", "东苑",
    "新城", "名都", "金色", "泰和", "宏福", "桃源", "清华园", "丰收", "电力", "纺织厂",
};
static const char *const estate_tails[] = {
    "花园", "家园", "小区", "苑", "公寓", "新村", "佳苑", "雅居", "名邸", "嘉园", "华庭", "里",
};
static const char *const firm_heads[] = {
    "鑫达", "恒泰", "宏远", "华信", "永盛", "瑞丰", "天成", "金鼎", "众诚", "博远",
    "腾达", "盛世", "同创", "宏图", "长兴", "新锐", "德润", "合力", "正阳", "聚源",
    "丰泽", "汇通", "安泰", "景升", "嘉禾", "明远", "荣达", "宝成", "润丰", "福瑞",
};
static const char *const firm_trades[] = {
    "机械制造", "化工", "食品", "纺织", "物流", "商贸", "科技", "建材", "餐饮管理", "电子",
};
static const char *const build_trades[] = {"建筑工程", "建设集团", "劳务", "市政工程"};
static const char *const road_heads[] = {
    "人民", "解放", "建设", "和平", "文化", "胜利", "新华", "长江", "黄河", "青年", "光明",
    "团结", "振兴", "育才", "工业", "滨河", "环城", "东风", "前进", "民主", "府前", "站前",
};
static const char *const road_tails[] = {"路", "街", "大道", "东路", "西路", "南路", "北路"};
static const char *const village_heads[] = {
    "东风",   "前进", "红旗", "新民", "和平", "大王庄", "李家", "张家湾",
    "柳树屯", "杨庄", "石桥", "河西", "南关", "北坡",   "高家",
};
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏",
    "吕", "丁", "任", "沈", "姚", "卢", "傅", "钟", "姜", "崔", "谭", "陆", "范", "汪", "廖",
    "石", "金", "韦", "贾", "夏", "付", "方", "邹", "熊", "白", "孟", "秦", "邱", "侯", "江",
    "尹", "薛", "闫", "段", "雷", "龙", "黎", "史", "陶", "贺", "毛", "郝", "顾", "龚", "邵",
};
static const char *const compound_surnames[] = {"欧阳", "司马", "上官", "诸葛", "东方"};
static const char *const male_chars[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏",
    "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁",
    "龙", "林", "洋", "文", "建", "国", "志", "海", "东", "峰", "春", "德", "兵",
    "晨", "成", "荣", "庆", "福", "生", "祥", "新", "学", "永", "忠",
};
static const char *const female_chars[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "燕", "萍",
    "红", "梅", "琳", "兰", "雪", "慧", "婷", "倩", "颖", "洁", "琴", "云", "莉", "凤",
    "晶", "玉", "春", "月", "佳", "欣", "怡", "淑", "珍", "美", "华", "丹",
};

void gen_person_name(struct gen_rng *r, bool female, char *out, size_t len)
{
    const char *sur;
    if (gen_rng_chance(r, 0.01)) {
        sur = PICK(r, compound_surnames);
    } else { /* the common surnames far more often: the list is in order of frequency */
        double u = gen_rng_unit(r);
        sur = surnames[(size_t)((double)COUNT(surnames) * u * u)];
    }
    const char *a = female ? PICK(r, female_chars) : PICK(r, male_chars);
    const char *b =
        gen_rng_chance(r, 0.75) ? (female ? PICK(r, female_chars) : PICK(r, male_chars)) : "";
    snprintf(out, len, "%s%s%s", sur, a, b);
}

void gen_idcard(struct gen_rng *r, const char county[6], int birth, bool female, char out[19])
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int seq = gen_rng_range(r, 0, 499) * 2 + (female ? 0 : 1); /* 000..999, parity: sex */
    snprintf(out, 19, "%.6s%08d%03d", county, birth, seq);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * weight[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

void gen_mobile(struct gen_rng *r, char out[12])
{
    static const char *const heads[] = {
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
        "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "180",
        "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
    };
    snprintf(out, 12, "%s%08u", PICK(r, heads), gen_rng_below(r, 100000000));
}

const char *gen_estate(struct gen_rng *r, struct arena *a)
{
    return arena_printf(a, "%s%s", PICK(r, estate_heads), PICK(r, estate_tails));
}

/* A place name as people say it: "光华里社区居委会" -> "光华里社区", "东风村村民委员会" ->
 * "东风村". Writes into out. */
static void spoken_place(const char *name, char *out, size_t len)
{
    static const struct {
        const char *tail, *becomes;
    } tails[] = {
        {"村民委员会", "村"}, {"居民委员会", ""}, {"村委会", "村"}, {"居委会", ""}, {"委员会", ""},
    };
    snprintf(out, len, "%s", name);
    size_t n = strlen(out);
    for (size_t i = 0; i < COUNT(tails); i++) {
        size_t k = strlen(tails[i].tail);
        if (n <= k || strcmp(out + n - k, tails[i].tail) != 0)
            continue;
        out[n - k] = '\0';
        n = strlen(out);
        const char *add = tails[i].becomes;
        bool has_village = n >= 3 && strcmp(out + n - 3, "村") == 0;
        bool has_community = n >= 6 && strcmp(out + n - 6, "社区") == 0;
        if (*add && !has_village)
            snprintf(out + n, len - n, "%s", add);
        else if (!*add && !has_village && !has_community)
            snprintf(out + n, len - n, "社区");
        break;
    }
}

void gen_address(struct gen_rng *r, const char *place, char *out, size_t len)
{
    char spoken[160];
    spoken_place(place ? place : "", spoken, sizeof(spoken));
    size_t n = strlen(spoken);
    if (n >= 3 && strcmp(spoken + n - 3, "村") == 0) {
        snprintf(out, len, "%s%d组%d号", spoken, gen_rng_range(r, 1, 12), gen_rng_range(r, 1, 160));
        return;
    }
    snprintf(out, len, "%s%s%s%d号楼%d单元%d%02d室", spoken, PICK(r, estate_heads),
             PICK(r, estate_tails), gen_rng_range(r, 1, 30), gen_rng_range(r, 1, 6),
             gen_rng_range(r, 1, 28), gen_rng_range(r, 1, 4));
}

size_t gen_category_pick(struct gen_rng *r)
{
    unsigned w[GEN_MAX_CATEGORIES];
    for (size_t i = 0; i < gen_ncategories; i++)
        w[i] = gen_categories[i].weight;
    return gen_rng_weighted(r, w, gen_ncategories);
}

const char *gen_category_name(size_t category)
{
    return gen_categories[category].name;
}

const char *gen_category_department(size_t category)
{
    return gen_categories[category].department;
}

const char *gen_class_pick(struct gen_rng *r, size_t category)
{
    unsigned x = gen_rng_below(r, 100);
    const struct gen_category *c = &gen_categories[category];
    return x < c->accusation                   ? "accusation"
           : x < c->accusation + c->suggestion ? "suggestion"
                                               : "grievance";
}

const char *gen_channel_pick(struct gen_rng *r)
{
    static const char *const names[] = {"online", "phone", "visit", "letter", "fax"};
    static const unsigned w[] = {42, 18, 20, 17, 3};
    return names[gen_rng_weighted(r, w, COUNT(w))];
}

const char *const gen_departments[] = {
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "自然资源局",
    "农业农村局",
    "生态环境局",
    "卫生健康委员会",
    "教育局",
    "民政局",
    "交通运输局",
    "司法局",
    "公安分局",
    "纪律检查委员会",
    "国有资产监督管理局",
    "政务服务和数据管理局",
    "城市管理综合行政执法局",
    "市场监督管理局",
    "信访局",
    NULL,
};

/* ---- Slots --------------------------------------------------------------------------------- */

enum slot {
    S_ESTATE,
    S_WUYE,
    S_KAIFA,
    S_QIYE,
    S_JIANZHU,
    S_ROAD,
    S_VILLAGE,
    S_TOWN,
    S_COUNTY,
    S_AMOUNT,
    S_MONTHS,
    S_MONTH,
    S_COUNT,
    S_WORKERS,
    S_BUILDING,
    S_HOSPITAL,
    S_SCHOOL,
    S_AREA,
    S_SQM,
    S_PERSON,
    S_BUS,
    S_TEMP,
    S_YEAR,
    S_AGE,
    S_TIMES,
    S_MARKET,
    S_TOPIC,
    NSLOTS
};

static const char *const slot_names[NSLOTS] = {
    "estate", "wuye",   "kaifa", "qiye",  "jianzhu", "road",     "village",  "town",   "county",
    "amount", "months", "month", "count", "workers", "building", "hospital", "school", "area",
    "sqm",    "person", "bus",   "temp",  "year",    "age",      "times",    "market", "topic",
};

/* The slot values of one text, each drawn on first use so that a slot says the same thing
 * wherever the text uses it. */
struct slots {
    struct gen_rng *r;
    const struct gen_where *where;
    struct arena *a;
    const char *v[NSLOTS];
    int depth;
};

static void expand(struct slots *s, const char *tmpl, struct sbuf *out);

static const char *expanded(struct slots *s, const char *tmpl)
{
    struct sbuf b;
    sbuf_init(&b, 4096);
    expand(s, tmpl, &b);
    const char *v = sbuf_err(&b) ? "" : arena_strdup(s->a, b.buf);
    sbuf_release(&b);
    return v ? v : "";
}

static const char *draw(struct slots *s, enum slot k)
{
    struct gen_rng *r = s->r;
    struct arena *a = s->a;
    char place[160];
    switch (k) {
    case S_ESTATE:
        return gen_estate(r, a);
    case S_WUYE:
        return arena_printf(a, "%s物业服务有限公司", PICK(r, firm_heads));
    case S_KAIFA:
        return arena_printf(a, "%s房地产开发有限公司", PICK(r, firm_heads));
    case S_QIYE:
        return arena_printf(a, "%s%s有限公司", PICK(r, firm_heads), PICK(r, firm_trades));
    case S_JIANZHU:
        return arena_printf(a, "%s%s有限公司", PICK(r, firm_heads), PICK(r, build_trades));
    case S_ROAD:
        return arena_printf(a, "%s%s", PICK(r, road_heads), PICK(r, road_tails));
    case S_VILLAGE:
        if (s->where->village) {
            spoken_place(s->where->village, place, sizeof(place));
            return arena_strdup(a, place);
        }
        return arena_printf(a, "%s村", PICK(r, village_heads));
    case S_TOWN:
        return s->where->township;
    case S_COUNTY:
        return s->where->county;
    case S_AMOUNT:
        if (gen_rng_chance(r, 0.5))
            return arena_printf(a, "%d.%d万元", gen_rng_range(r, 1, 80), gen_rng_range(r, 0, 9));
        return arena_printf(a, "%d元", gen_rng_range(r, 30, 980) * 100);
    case S_MONTHS:
        return arena_printf(a, "%d", gen_rng_range(r, 2, 18));
    case S_MONTH:
        return arena_printf(a, "%d", gen_rng_range(r, 1, 12));
    case S_COUNT:
        return arena_printf(a, "%d", gen_rng_range(r, 12, 300));
    case S_WORKERS:
        return arena_printf(a, "%d", gen_rng_range(r, 5, 80));
    case S_BUILDING:
        return arena_printf(a, "%d", gen_rng_range(r, 1, 32));
    case S_HOSPITAL: {
        static const char *const h[] = {"{county}人民医院", "{county}中医医院", "{town}卫生院",
                                        "{county}妇幼保健院"};
        return expanded(s, PICK(r, h));
    }
    case S_SCHOOL: {
        static const char *const h[] = {"{town}中心小学", "{county}实验小学", "{town}中学",
                                        "{county}第二中学"};
        return expanded(s, PICK(r, h));
    }
    case S_AREA:
        return arena_printf(a, "%d.%d", gen_rng_range(r, 1, 60), gen_rng_range(r, 0, 9));
    case S_SQM:
        return arena_printf(a, "%d", gen_rng_range(r, 10, 200));
    case S_PERSON: {
        double u = gen_rng_unit(r);
        return arena_printf(a, "%s某", surnames[(size_t)((double)COUNT(surnames) * u * u)]);
    }
    case S_BUS:
        return arena_printf(a, "%d", gen_rng_range(r, 1, 120));
    case S_TEMP:
        return arena_printf(a, "%d", gen_rng_range(r, 10, 16));
    case S_YEAR:
        return arena_printf(a, "%d", gen_rng_range(r, 2, 15));
    case S_AGE:
        return arena_printf(a, "%d", gen_rng_range(r, 60, 86));
    case S_TIMES:
        return arena_printf(a, "%d", gen_rng_range(r, 2, 9));
    case S_MARKET: {
        static const char *const h[] = {"{town}农贸市场", "{road}菜市场"};
        return expanded(s, PICK(r, h));
    }
    case S_TOPIC:
    case NSLOTS:
        break;
    }
    return "";
}

static void expand(struct slots *s, const char *tmpl, struct sbuf *out)
{
    if (++s->depth > 4) { /* a slot's value naming itself: the data's mistake */
        s->depth--;
        return;
    }
    for (const char *p = tmpl; *p;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            sbuf_adds(out, p);
            break;
        }
        sbuf_add(out, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 1);
        for (size_t k = 0; k < NSLOTS; k++) {
            if (strlen(slot_names[k]) != n || memcmp(slot_names[k], open + 1, n) != 0)
                continue;
            if (!s->v[k])
                s->v[k] = draw(s, (enum slot)k);
            sbuf_adds(out, s->v[k] ? s->v[k] : "");
            break;
        }
        p = close + 1;
    }
    s->depth--;
}

static const struct gen_topic *pick_topic(struct gen_rng *r, const struct gen_topic *list)
{
    size_t n = 0;
    while (list[n].text)
        n++;
    return &list[gen_rng_below(r, (uint32_t)n)];
}

/* The first TITLE_CHARS characters of the content, as registration titles an untitled item. */
static const char *title_of_content(struct arena *a, const char *content)
{
    enum { TITLE_CHARS = 30 };
    size_t end = 0, chars = 0, len = strlen(content);
    while (end < len && chars < TITLE_CHARS && content[end] != '\n' && content[end] != '\r') {
        end++;
        while (end < len && ((unsigned char)content[end] & 0xC0) == 0x80)
            end++;
        chars++;
    }
    return arena_strndup(a, content, end);
}

void gen_petition_words(uint64_t seed, uint64_t index, const struct gen_where *where,
                        size_t category, const char *class_name, struct arena *a,
                        struct gen_words *out)
{
    struct gen_rng r;
    gen_rng_init(&r, seed, GEN_S_TEXT, index);
    struct slots s = {.r = &r, .where = where, .a = a};
    const struct gen_category *c = &gen_categories[category];
    bool accusation = strcmp(class_name, "accusation") == 0;
    bool suggestion = strcmp(class_name, "suggestion") == 0;
    const struct gen_topic *main =
        pick_topic(&r, accusation   ? (c->accusations ? c->accusations : gen_phrases.accusations)
                       : suggestion ? (c->suggestions ? c->suggestions : gen_phrases.suggestions)
                                    : c->mains);
    struct sbuf b;
    sbuf_init(&b, 16384);
    if (accusation) {
        expand(&s, pick_list(&r, gen_phrases.accusation_openings), &b);
        expand(&s, main->text, &b);
        if (gen_rng_chance(&r, 0.7))
            expand(&s, pick_list(&r, c->details), &b);
        expand(&s, pick_list(&r, gen_phrases.accusation_closings), &b);
    } else if (suggestion) {
        expand(&s, pick_list(&r, gen_phrases.suggestion_openings), &b);
        expand(&s, main->text, &b);
        expand(&s, pick_list(&r, gen_phrases.suggestion_closings), &b);
    } else {
        expand(&s, pick_list(&r, c->openings), &b);
        expand(&s, main->text, &b);
        size_t nd = list_len(c->details), first = gen_rng_below(&r, (uint32_t)nd);
        expand(&s, c->details[first], &b);
        if (nd > 1 && gen_rng_chance(&r, 0.4))
            expand(&s, c->details[(first + 1 + gen_rng_below(&r, (uint32_t)nd - 1)) % nd], &b);
        if (gen_rng_chance(&r, 0.7))
            expand(&s, pick_list(&r, gen_phrases.attempts), &b);
        expand(&s, pick_list(&r, c->requests), &b);
        if (gen_rng_chance(&r, 0.6))
            expand(&s, pick_list(&r, gen_phrases.closings), &b);
    }
    out->content = sbuf_err(&b) ? "" : arena_strdup(a, b.buf);
    sbuf_reset(&b);
    expand(&s, main->topic, &b);
    out->topic = sbuf_err(&b) ? "" : arena_strdup(a, b.buf);
    s.v[S_TOPIC] = out->topic;
    sbuf_reset(&b);
    if (gen_rng_chance(&r, 0.6)) {
        expand(&s,
               pick_list(&r, accusation   ? gen_phrases.accusation_titles
                             : suggestion ? gen_phrases.suggestion_titles
                                          : gen_phrases.grievance_titles),
               &b);
        out->title = sbuf_err(&b) ? NULL : arena_strdup(a, b.buf);
    } else {
        out->title = title_of_content(a, out->content ? out->content : "");
    }
    sbuf_release(&b);
}

/* ---- Officers' and units' texts ------------------------------------------------------------ */

const char *gen_reply_facts(struct gen_rng *r, struct arena *a, const char *topic,
                            const char *unit_name)
{
    static const char *const verdicts[] = {"属实", "基本属实", "部分属实", "与实际情况有出入"};
    static const char *const extras[] = {
        "",
        "目前相关单位已制定整改方案。",
        "承办人员已多次到现场核查并与信访人当面沟通。",
        "相关情况已形成书面调查报告。",
    };
    return arena_printf(a, "经%s调查核实，信访人反映的%s问题%s。%s", unit_name, topic,
                        PICK(r, verdicts), PICK(r, extras));
}

const char *gen_reply_basis(struct gen_rng *r, struct arena *a, size_t category)
{
    const char *const *laws = gen_categories[category].basis;
    size_t n = list_len(laws);
    size_t i = gen_rng_below(r, (uint32_t)n);
    if (n > 1 && gen_rng_chance(r, 0.4))
        return arena_printf(a, "依据%s、%s的有关规定。", laws[i], laws[(i + 1) % n]);
    return arena_printf(a, "依据%s的有关规定。", laws[i]);
}

const char *gen_reply_text(struct gen_rng *r, struct arena *a, const char *kind,
                           const char *unit_name)
{
    int days = gen_rng_range(r, 7, 30);
    if (strcmp(kind, "support") == 0)
        return gen_rng_chance(r, 0.5)
                   ? arena_printf(a,
                                  "信访人的诉求合理，予以支持。已责成%s于%d日内整改到位，并将办理"
                                  "结果告知信访人。",
                                  unit_name, days)
                   : arena_printf(a, "经研究，支持信访人的合理诉求，由%s负责落实，%d日内办结。",
                                  unit_name, days);
    if (strcmp(kind, "explain") == 0)
        return gen_rng_chance(r, 0.5)
                   ? "经核查，相关问题已按现行政策处理，现向信访人解释说明有关政策，请予理解支持。"
                   : "信访人反映的问题涉及历史原因，已向信访人当面解释说明，后续将持续跟进。";
    return "信访人的诉求缺乏事实和政策依据，不予支持。如不服本意见，可自收到之日起30日内请求复查。";
}

const char *gen_reject_guidance(struct gen_rng *r, struct arena *a, const char *reason,
                                const char *county)
{
    (void)r;
    if (strcmp(reason, "repeat_in_handling") == 0)
        return "该事项正在办理中，请等待办理结果，办理期间不再重复受理。";
    if (strcmp(reason, "after_rereview") == 0)
        return "该事项已经复核终结，对同一事实和理由提出的信访事项不再受理。";
    if (strcmp(reason, "legal_procedure") == 0)
        return arena_printf(a,
                            "该事项应通过诉讼、仲裁或行政复议等法定途径解决，请向%s人民法院"
                            "或有关机关提出。",
                            county);
    if (strcmp(reason, "not_in_remit") == 0)
        return "该事项不属于本机关职责范围，请向有权处理的机关提出。";
    return "信访人反映的事项缺少必要的事实和材料，请补充后再行提出。";
}

const char *gen_extension_reason(struct gen_rng *r)
{
    static const char *const reasons[] = {"案情复杂，需进一步调查核实", "涉及多个部门，需协调会商",
                                          "需等待第三方鉴定结果", "需实地勘察测量"};
    return PICK(r, reasons);
}

const char *gen_objection_reason(struct gen_rng *r, struct arena *a, const char *department)
{
    return gen_rng_chance(r, 0.6)
               ? arena_printf(a, "该事项不属于本单位职责范围，应由%s办理。", department)
               : arena_printf(a, "该事项主要涉及%s的职责，建议调整承办单位。", department);
}

const char *gen_rating_comment(struct gen_rng *r, const char *rating)
{
    static const char *const good[] = {"问题已解决，非常满意。", "办理及时，态度很好，谢谢！"};
    static const char *const basic[] = {"问题基本解决，希望继续跟进。", "处理结果可以接受。"};
    static const char *const bad[] = {"问题没有得到实际解决。", "答复敷衍，不满意。",
                                      "处理时间太长。"};
    if (strcmp(rating, "unsatisfied") == 0)
        return gen_rng_chance(r, 0.8) ? PICK(r, bad) : NULL;
    if (!gen_rng_chance(r, 0.5))
        return NULL;
    return strcmp(rating, "basic") == 0 ? PICK(r, basic) : PICK(r, good);
}

const char *gen_review_text(struct gen_rng *r, struct arena *a, const char *decision, bool rereview)
{
    (void)r;
    const char *what = rereview ? "复核" : "复查";
    if (strcmp(decision, "uphold") == 0)
        return arena_printf(a, "经%s，原处理意见认定事实清楚，适用依据正确，予以维持。", what);
    if (strcmp(decision, "change") == 0)
        return arena_printf(a, "经%s，原处理意见部分内容不当，予以变更，由原办理机关重新作出答复。",
                            what);
    return arena_printf(a, "经%s，原处理意见认定事实不清，予以撤销，责成原办理机关重新办理。",
                        what);
}

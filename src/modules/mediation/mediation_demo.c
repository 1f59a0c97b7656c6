/* Demonstration data of people's mediation for `shegong demo`: committees and mediators
 * across 朝阳区's streets and communities, sixty disputes in every state of the workflow
 * with the history, clocks and session records the workflow would have written, and the
 * mediation roles of two demo users. Deterministic: the same installation every time. */
#include "modules/mediation/mediation.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/crypto.h"
#include "core/id.h"
#include "engine/deadline.h"
#include "engine/reindex.h"
#include "server/accounts.h"
#include "server/audit.h"

#define NCOMMITTEES 11
#define NELEMS(x)   (sizeof(x) / sizeof((x)[0]))

struct demo_committee {
    const char *name, *kind, *region;
    int term_days; /* the term began this many days before the load */
    const char *contact, *address;
    int members; /* 主任, 副主任, 委员 (a township engages a 专职 one more) */
    const char *const places[4]; /* where its disputes happen */
};

/* 永安里社区's term has ended and 体东社区 has two members: both show in the
 * figures' staffing. */
static const struct demo_committee committees[NCOMMITTEES] = {
    {.name = "朝阳区矛盾纠纷多元调解中心人民调解委员会",
     .kind = "other",
     .region = "110105000000",
     .term_days = 330,
     .contact = "010-65090001",
     .address = "朝阳区朝外大街甲1号",
     .members = 5,
     .places = {"110105001000", "110105036000", "110105040000"}},
    {.name = "建外街道人民调解委员会",
     .kind = "township",
     .region = "110105001000",
     .term_days = 700,
     .contact = "010-65150001",
     .address = "建外街道办事处一层",
     .members = 5,
     .places = {"110105001025", "110105001027", "110105001028"}},
    {.name = "南郎家园社区人民调解委员会",
     .kind = "village",
     .region = "110105001024",
     .term_days = 270,
     .contact = "010-65150024",
     .address = "南郎家园社区居委会",
     .members = 3,
     .places = {"110105001024"}},
    {.name = "永安里社区人民调解委员会",
     .kind = "village",
     .region = "110105001026",
     .term_days = 1300,
     .contact = "010-65150026",
     .address = "永安里社区居委会",
     .members = 3,
     .places = {"110105001026"}},
    {.name = "朝外街道人民调解委员会",
     .kind = "township",
     .region = "110105002000",
     .term_days = 700,
     .contact = "010-65020001",
     .address = "朝外街道办事处二层",
     .members = 4,
     .places = {"110105002025", "110105002026", "110105002027"}},
    {.name = "体东社区人民调解委员会",
     .kind = "village",
     .region = "110105002024",
     .term_days = 270,
     .contact = "010-65020024",
     .address = "体东社区居委会",
     .members = 2,
     .places = {"110105002024"}},
    {.name = "金盏地区人民调解委员会",
     .kind = "township",
     .region = "110105036000",
     .term_days = 610,
     .contact = "010-84330001",
     .address = "金盏地区办事处",
     .members = 5,
     .places = {"110105036201", "110105036203", "110105036204"}},
    {.name = "雷庄村人民调解委员会",
     .kind = "village",
     .region = "110105036200",
     .term_days = 200,
     .contact = "010-84330200",
     .address = "雷庄村村委会",
     .members = 3,
     .places = {"110105036200"}},
    {.name = "皮村人民调解委员会",
     .kind = "village",
     .region = "110105036210",
     .term_days = 200,
     .contact = "010-84330210",
     .address = "皮村村委会",
     .members = 4,
     .places = {"110105036210"}},
    {.name = "黑庄户地区人民调解委员会",
     .kind = "township",
     .region = "110105040000",
     .term_days = 610,
     .contact = "010-85380001",
     .address = "黑庄户地区办事处",
     .members = 4,
     .places = {"110105040002", "110105040003"}},
    {.name = "双桥第一社区人民调解委员会",
     .kind = "village",
     .region = "110105040001",
     .term_days = 270,
     .contact = "010-85380101",
     .address = "双桥第一社区居委会",
     .members = 3,
     .places = {"110105040001"}},
};
/* which committee takes each dispute: villages most often (小事不出村) */
static const int picks[] = {2, 3, 5, 7, 8, 10, 2, 7, 8, 10, 1, 4, 6, 9, 2, 3, 7, 0, 8, 10, 5, 1, 6};

static const char *const mediator_names[] = {
    "王建华", "李淑珍", "张国栋", "刘桂芳", "陈志明", "杨秀兰", "赵德胜", "黄丽娟", "周文斌",
    "吴春华", "徐振国", "孙玉梅", "马俊杰", "朱红英", "胡长顺", "郭淑华", "何光明", "高丽萍",
    "林海波", "罗秀云", "梁建平", "宋桂英", "郑立群", "谢文华", "韩永刚", "唐素珍", "冯国华",
    "于凤兰", "董建民", "萧淑英", "程志华", "曹秀芳", "袁德福", "邓丽华", "许国强", "傅秀梅",
    "沈卫东", "曾凤英", "彭振华", "吕桂兰", "苏建国", "卢美华", "蒋德明", "蔡秀珍", "贾立军",
};
static const char *const party_names[] = {
    "张建国", "李秀英", "王淑芬", "刘志强", "陈美玲", "杨德明", "赵丽华", "黄海涛", "周桂兰",
    "吴国庆", "徐晓燕", "孙立新", "马玉珍", "朱永福", "胡春梅", "郭振华", "何雪梅", "高建军",
    "林静",   "罗志刚", "梁淑贞", "宋海燕", "郑大勇", "谢春生", "韩桂荣", "唐明亮",
};

struct demo_case {
    const char *summary, *type, *content;
    const char *party_b; /* an organisation on the other side, or NULL for a person */
    int64_t amount;      /* yuan, 0: none */
    const char *where;   /* failed: where the parties are told to go */
};

static const struct demo_case cases[] = {
    {"楼上漏水致楼下房屋受损", "neighbor",
     "楼上住户卫生间防水层老化漏水，楼下住户卫生间吊顶和墙面受损，双方就维修费用承担发生争执。",
     NULL, 4200, "court"},
    {"宅基地界墙位置争议", "housing",
     "两户相邻宅基地之间的界墙位置存在争议，一方翻建房屋时越过原界线约半米，另一方要求拆除恢复原状"
     "。",
     NULL, 0, "administrative"},
    {"离婚后子女抚养费纠纷", "marriage",
     "双方离婚时约定由男方每月支付抚养费1500元，男方近半年未按时支付，女方要求补足并按时给付。",
     NULL, 9000, "court"},
    {"赡养老人费用分担纠纷", "marriage",
     "老人育有三个子女，子女之间因赡养费用分担和轮流照料安排产生矛盾，老人申请调解。", NULL, 0,
     "court"},
    {"装修噪音扰民纠纷", "neighbor",
     "住户装修期间在午休和夜间施工，噪音影响邻居休息，邻居多次上门沟通未果，矛盾有激化倾向。", NULL,
     0, "administrative"},
    {"物业费拖欠纠纷", "property",
     "业主以小区电梯长期故障、绿化维护不到位为由拒交物业费两年，物业公司申请调解。",
     "某物业服务有限公司", 6800, "court"},
    {"务工人员工资拖欠纠纷", "labor",
     "施工队负责人拖欠十二名务工人员工资共计八万余元，务工人员多次讨要未果，情绪激动。",
     "某建筑劳务有限公司", 82000, "arbitration"},
    {"土地承包经营权流转费纠纷", "land",
     "村民将承包地流转给合作社种植蔬菜，合作社未按约定支付当年流转费，双方对合同期限也有分歧。",
     "某蔬菜种植专业合作社", 15000, "arbitration"},
    {"电动自行车碰撞致人受伤赔偿纠纷", "damages",
     "电动自行车与行人相撞致行人腿部骨折，双方就医疗费、误工费和护理费的赔偿数额发生争议。", NULL,
     23000, "court"},
    {"房屋租赁押金退还纠纷", "contract",
     "租期届满后房东以房屋设施损坏为由扣留押金，租客认为属于正常使用损耗，要求全额退还。", NULL,
     5000, "court"},
    {"犬只咬伤儿童赔偿纠纷", "damages",
     "邻居饲养的犬只未拴绳，咬伤小区内玩耍的儿童，双方就狂犬疫苗和医疗费用的赔偿发生争执。", NULL,
     3600, "court"},
    {"楼道堆物占用共用通道纠纷", "neighbor",
     "一户居民长期在楼道堆放杂物、停放电动车，影响通行和消防安全，邻居多次劝说无效。", NULL, 0,
     "administrative"},
    {"赊购货款拖欠纠纷", "contract",
     "个体商户向批发商赊购货物，约定月底结清，逾期三个月仍未付款，双方对欠款数额说法不一。", NULL,
     18500, "court"},
    {"院落排水影响邻居纠纷", "housing",
     "村民院落地面抬高后雨水排向邻居院内，造成邻居院墙浸泡开裂。", NULL, 2500, "administrative"},
    {"婚姻家庭财产分割纠纷", "marriage",
     "夫妻感情破裂后分居，双方就共同购置的车辆和存款的分配产生争议，女方申请调解。", NULL, 60000,
     "court"},
};
#define NCASES NELEMS(cases)

/* The workflow path of a demo dispute: its actions in order. */
enum step {
    S_ACCEPT,
    S_DECLINE,
    S_START,
    S_AGREE,
    S_FAIL,
    S_JUDICIAL,
    S_PERFORM,
    S_NOT_PERFORM,
    S_CLOSE
};
static const char *const step_actions[] = {"accept",  "decline",     "start",
                                           "agree",   "fail",        "judicial_apply",
                                           "perform", "not_perform", "close"};

struct path {
    int n;                /* disputes on this path */
    int age_min, age_max; /* registered this many days ago */
    enum step steps[6];
    int nsteps;
};
static const struct path paths[] = {
    {6, 0, 6, {0}, 0},
    {4, 10, 150, {S_DECLINE}, 1},
    {4, 1, 5, {S_ACCEPT}, 1},
    {9, 3, 35, {S_ACCEPT, S_START}, 2},
    {5, 5, 40, {S_ACCEPT, S_START, S_AGREE}, 3},
    {2, 12, 40, {S_ACCEPT, S_START, S_AGREE, S_JUDICIAL}, 4},
    {5, 15, 160, {S_ACCEPT, S_START, S_FAIL}, 3},
    {6, 20, 170, {S_ACCEPT, S_START, S_AGREE, S_PERFORM}, 4},
    {2, 30, 170, {S_ACCEPT, S_START, S_AGREE, S_JUDICIAL, S_PERFORM}, 5},
    {3, 30, 90, {S_ACCEPT, S_START, S_AGREE, S_NOT_PERFORM}, 4},
    {8, 40, 175, {S_ACCEPT, S_START, S_AGREE, S_PERFORM, S_CLOSE}, 5},
    {4, 40, 175, {S_ACCEPT, S_START, S_FAIL, S_CLOSE}, 4},
    {2, 60, 175, {S_ACCEPT, S_START, S_AGREE, S_NOT_PERFORM, S_CLOSE}, 5},
};

struct demo {
    struct db_conn *c;
    struct arena *a;
    int64_t now;
    uint32_t seed;
    int64_t user; /* the demo mediator's account (history) or 0 */
    int64_t committee_ids[NCOMMITTEES];
    int64_t mediator_ids[NCOMMITTEES][8]; /* the committee's mediators, director first */
    int nmediators[NCOMMITTEES];
};

static uint32_t next_rand(struct demo *d, uint32_t n)
{
    d->seed = d->seed * 1103515245u + 12345u;
    return (d->seed >> 16) % n;
}

static const char *date_of(struct demo *d, int64_t t)
{
    char buf[CALENDAR_DATE_LEN + 1];
    calendar_format_date(calendar_today(t), buf);
    return arena_strdup(d->a, buf);
}

/* The audit record of a row the demo wrote, as the command line writes it. */
static enum err audit_demo(struct demo *d, const char *action, const char *type, int64_t id)
{
    char sid[24];
    snprintf(sid, sizeof(sid), "%" PRId64, id);
    struct audit_rec rec = {.username = "(cli)",
                            .ip = "local",
                            .action = action,
                            .object_type = type,
                            .object_id = sid,
                            .result = "success",
                            .detail = "{\"source\":\"demo\"}"};
    return audit_append(d->c, &rec);
}

/* "2026年6月1日", as an agreement writes a date. */
static const char *date_cn(struct demo *d, int64_t t)
{
    int y, m, dd;
    calendar_to_ymd(calendar_today(t), &y, &m, &dd);
    return arena_printf(d->a, "%d年%d月%d日", y, m, dd);
}

static enum err sealed_phone(struct demo *d, const char *phone, struct db_val *enc,
                             struct db_val *idx)
{
    const char *sealed = NULL;
    char bi[65];
    enum err err = crypto_seal(d->a, phone, &sealed);
    if (err)
        return err;
    crypto_blind_index("phone", phone, bi);
    *enc = DB_T(sealed);
    *idx = DB_T(arena_strdup(d->a, bi));
    return ERR_OK;
}

/* ---- Committees and mediators --------------------------------------------------------- */

static enum err load_committees(struct demo *d)
{
    static const char *const member_posts[] = {"director", "deputy", "member", "member", "member"};
    int next_name = 0;
    enum err err = ERR_OK;
    for (int i = 0; !err && i < NCOMMITTEES; i++) {
        const struct demo_committee *k = &committees[i];
        int32_t start = calendar_today(d->now) - k->term_days;
        char begin[CALENDAR_DATE_LEN + 1];
        calendar_format_date(start, begin);
        char end[CALENDAR_DATE_LEN + 1];
        calendar_format_date(mediation_term_end(start), end);
        d->committee_ids[i] = id_next();
        err = db_exec(d->c,
                      "INSERT INTO mediation_committee (id, name, kind, region_code, term_start, "
                      "term_end, contact, address, created_at, updated_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                      DB_ARGS(DB_I(d->committee_ids[i]), DB_T(k->name), DB_T(k->kind),
                              DB_T(k->region), DB_T(begin), DB_T(end), DB_T(k->contact),
                              DB_T(k->address), DB_I(d->now)),
                      NULL);
        if (!err)
            err = audit_demo(d, "mediation_committee.create", "mediation_committee",
                             d->committee_ids[i]);
        bool township = strcmp(k->kind, "township") == 0 || strcmp(k->kind, "other") == 0;
        int n = k->members + (township ? 1 : 0);
        for (int j = 0; !err && j < n && j < 8; j++) {
            const char *post = j < k->members ? member_posts[j < 5 ? j : 4] : "fulltime";
            char phone[24];
            snprintf(phone, sizeof(phone), "139100%05d", 10 * i + j + 1);
            struct db_val enc, idx;
            err = sealed_phone(d, phone, &enc, &idx);
            int64_t id = id_next();
            if (!err)
                err = db_exec(d->c,
                              "INSERT INTO mediator (id, name, gender, phone_enc, phone_idx, "
                              "committee_id, post, region_code, status, appointed_on, "
                              "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                              "'active', $9, $10, $10)",
                              DB_ARGS(DB_I(id),
                                      DB_T(mediator_names[next_name % (int)NELEMS(mediator_names)]),
                                      DB_T(next_name % 2 ? "female" : "male"), enc, idx,
                                      DB_I(d->committee_ids[i]), DB_T(post), DB_T(k->region),
                                      DB_T(begin), DB_I(d->now)),
                              NULL);
            if (!err)
                err = audit_demo(d, "mediator.create", "mediator", id);
            next_name++;
            d->mediator_ids[i][d->nmediators[i]++] = id;
        }
        if (!err)
            err = mediation_recount_members(d->c, d->committee_ids[i]);
    }
    return err;
}

/* ---- Disputes --------------------------------------------------------------------------- */

/* One dispute as its path leaves it: the row's values besides the parties. */
struct row {
    int64_t id;
    const char *state, *level, *decline_reason, *agreement, *agreed_on, *performance_due,
        *signed_by, *judicial_on, *court, *fail_reason, *where_to_go, *outcome, *performance,
        *performed_on, *not_performed_reason, *closed_on;
    int64_t committee_id, mediator_id, updated_at, session_at;
};

static const struct transition *transition_of(const char *state, const char *action)
{
    for (const struct transition *t = dispute_entity.workflow->transitions; t->action; t++)
        if (strcmp(t->action, action) == 0 && strcmp(t->from, state) == 0)
            return t;
    return NULL;
}

static enum err history(struct demo *d, int64_t id, const char *action, const char *from,
                        const char *to, int64_t at, const char *fields)
{
    return db_exec(d->c,
                   "INSERT INTO workflow_history (id, entity, row_id, action, from_state, "
                   "to_state, user_id, at, comment, fields) "
                   "VALUES ($1, 'dispute', $2, $3, $4, $5, $6, $7, NULL, $8)",
                   DB_ARGS(DB_I(id_next()), DB_I(id), DB_T(action), DB_T(from), DB_T(to),
                           d->user ? DB_I(d->user) : DB_NUL, DB_I(at), DB_T(fields)),
                   NULL);
}

static enum err session(struct demo *d, int64_t dispute, const char *region, int64_t mediator,
                        int64_t at, const struct demo_case *k, const char *a, const char *b)
{
    const char *notes = arena_printf(
        d->a,
        "调解员分别听取了%s和%s的陈述，核实了“%s”的基本情况，向双方讲解了相关法律规定和类似纠纷"
        "的处理方式。双方情绪趋于平稳，初步表达了协商解决的意愿。",
        a, b, k->summary);
    return db_exec(d->c,
                   "INSERT INTO dispute_session (id, dispute_id, region_code, held_at, "
                   "mediator_id, place, participants, notes, next_steps, created_at, updated_at, "
                   "created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4, $4, "
                   "$10, $10)",
                   DB_ARGS(DB_I(id_next()), DB_I(dispute), DB_T(region), DB_I(at), DB_I(mediator),
                           DB_T("调解室"), DB_T(arena_printf(d->a, "%s、%s、调解员", a, b)),
                           DB_T(notes), DB_T("约定一周内再次组织双方协商"),
                           d->user ? DB_I(d->user) : DB_NUL),
                   NULL);
}

/* Walks a dispute along its path from registration at t: the history, the clocks each
 * transition applies at its time, and the values the row ends with (with the time of its
 * session record, once it was mediated). */
static enum err walk(struct demo *d, struct row *w, const struct path *p, int64_t t,
                     const char *region, int committee, const struct demo_case *k, const char *a,
                     const char *b)
{
    const char *why = NULL;
    enum err err = history(d, w->id, "create", NULL, "registered", t, NULL);
    if (!err)
        err = deadline_apply(d->c, d->a, &dispute_entity, w->id, region,
                             dispute_entity.workflow->on_create, t, NULL, &why);
    w->state = "registered";
    int64_t at = t;
    for (int s = 0; !err && s < p->nsteps; s++) {
        enum step st = p->steps[s];
        int64_t gap = st == S_ACCEPT ? 1 : st == S_START ? 1 : (int64_t)(2 + next_rand(d, 8));
        at += gap * 86400 - 3600 * (int64_t)next_rand(d, 6);
        int64_t limit = d->now - 600 - (p->nsteps - s) * 60; /* in order, in the past */
        if (at > limit)
            at = limit;
        const struct transition *tr = transition_of(w->state, step_actions[st]);
        if (!tr)
            return ERR_INTERNAL;
        const char *fields = NULL;
        switch (st) {
        case S_ACCEPT:
            w->committee_id = d->committee_ids[committee];
            w->mediator_id =
                d->mediator_ids[committee][next_rand(d, (uint32_t)d->nmediators[committee])];
            err = mediation_level_of(d->c, d->a, committees[committee].region, &w->level);
            fields = arena_printf(
                d->a, "{\"committee_id\":\"%" PRId64 "\",\"mediator_id\":\"%" PRId64 "\"}",
                w->committee_id, w->mediator_id);
            break;
        case S_DECLINE:
            w->outcome = "declined";
            w->decline_reason =
                next_rand(d, 2) ? "被申请人明确表示拒绝调解" : "纠纷已起诉至人民法院并已立案受理";
            fields = arena_printf(d->a, "{\"decline_reason\":\"%s\"}", w->decline_reason);
            break;
        case S_START: /* recorded once the row exists */
            w->session_at = at + 1800 < d->now - 60 ? at + 1800 : d->now - 60;
            break;
        case S_AGREE:
            w->outcome = "agreed";
            w->agreed_on = date_of(d, at);
            w->performance_due = date_of(d, at + 15 * 86400);
            w->signed_by = arena_printf(d->a, "%s、%s，调解员", a, b);
            w->agreement =
                k->amount ? arena_printf(d->a,
                                         "经人民调解委员会主持调解，双方自愿达成如下"
                                         "协议：一、%s于%s前向%s支付%" PRId64
                                         "元；二、款项付清后，双方就此纠纷再无其他争议。",
                                         b, date_cn(d, at + 15 * 86400), a, k->amount)
                          : arena_printf(d->a,
                                         "经人民调解委员会主持调解，双方自愿达成如下"
                                         "协议：一、%s于%s前按双方确认的方案整改完毕；"
                                         "二、双方互谅互让，今后和睦相处，就此纠纷再无其他争议。",
                                         b, date_cn(d, at + 15 * 86400));
            break;
        case S_FAIL:
            w->outcome = "failed";
            w->where_to_go = k->where;
            w->fail_reason =
                "双方对责任和数额分歧较大，经多次调解未能达成一致，已告知当事人依法维权的途径。";
            fields = arena_printf(d->a, "{\"where_to_go\":\"%s\"}", k->where);
            break;
        case S_JUDICIAL:
            w->judicial_on = date_of(d, at);
            w->court = "北京市朝阳区人民法院";
            break;
        case S_PERFORM:
            w->performance = "performed";
            w->performed_on = date_of(d, at);
            break;
        case S_NOT_PERFORM:
            w->performance = "not_performed";
            w->not_performed_reason = "义务人未在履行期限内履行，已告知权利人可以向人民法院起诉";
            break;
        case S_CLOSE:
            w->closed_on = date_of(d, at);
            break;
        }
        if (!err)
            err = deadline_apply(d->c, d->a, &dispute_entity, w->id, region, tr->deadlines, at,
                                 NULL, &why);
        if (!err && (st == S_PERFORM || st == S_CLOSE))
            err = mediation_stop_reminder(d->c, d->a, w->id, region, at, &why);
        if (!err)
            err = history(d, w->id, tr->action, w->state, tr->to, at, fields);
        w->state = tr->to;
        w->updated_at = at;
    }
    return err;
}

static enum err load_dispute(struct demo *d, int i, const struct path *p)
{
    const struct demo_case *k = &cases[next_rand(d, NCASES)];
    int committee = picks[next_rand(d, NELEMS(picks))];
    const struct demo_committee *dc = &committees[committee];
    int nplaces = 0;
    while (nplaces < 4 && dc->places[nplaces])
        nplaces++;
    const char *region = dc->places[next_rand(d, (uint32_t)nplaces)];
    const char *a = party_names[next_rand(d, NELEMS(party_names))];
    const char *b = k->party_b ? k->party_b : party_names[next_rand(d, NELEMS(party_names))];
    if (a == b)
        b = party_names[(i + 7) % (NELEMS(party_names))];
    int age = p->age_min + (int)next_rand(d, (uint32_t)(p->age_max - p->age_min + 1));
    int64_t t = d->now - (int64_t)age * 86400 - 3600 * (int64_t)(1 + next_rand(d, 8));
    static const char *const sources[] = {"walk_in",  "walk_in",    "grid_patrol", "grid_patrol",
                                          "petition", "work_order", "walk_in",     "other"};
    const char *source = sources[next_rand(d, 8)];
    const char *ref = strcmp(source, "petition") == 0 ? arena_printf(d->a, "XF2026%06d", 100 + i)
                      : strcmp(source, "work_order") == 0
                          ? arena_printf(d->a, "GD2026%06d", 500 + i)
                          : NULL;
    struct row w = {.id = id_next(), .updated_at = t};
    enum err err = walk(d, &w, p, t, region, committee, k, a, b);
    char phone_a[24], phone_b[24];
    snprintf(phone_a, sizeof(phone_a), "138%08d", 10010000 + i * 37);
    snprintf(phone_b, sizeof(phone_b), "137%08d", 20020000 + i * 53);
    struct db_val a_enc, a_idx, b_enc = DB_NUL, b_idx = DB_NUL;
    if (!err)
        err = sealed_phone(d, phone_a, &a_enc, &a_idx);
    if (!err && !k->party_b)
        err = sealed_phone(d, phone_b, &b_enc, &b_idx);
    if (err)
        return err;
    err = db_exec(
        d->c,
        "INSERT INTO dispute (id, version, state, summary, type, content, region_code, source, "
        "source_ref, occurred_on, amount, party_a_name, party_a_phone_enc, party_a_phone_idx, "
        "party_b_name, party_b_phone_enc, party_b_phone_idx, party_count, committee_id, "
        "mediator_id, level, registered_on, decline_reason, agreement_content, agreed_on, "
        "performance_due, signed_by, judicial_applied_on, court, fail_reason, where_to_go, "
        "outcome, performance, performed_on, not_performed_reason, closed_on, created_at, "
        "updated_at, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
        "$28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $39)",
        DB_ARGS(DB_I(w.id), DB_I(1 + p->nsteps), DB_T(w.state), DB_T(k->summary), DB_T(k->type),
                DB_T(k->content), DB_T(region), DB_T(source), DB_T(ref),
                DB_T(date_of(d, t - 86400 * (int64_t)next_rand(d, 10))),
                k->amount ? DB_I(k->amount * 100) : DB_NUL, DB_T(a), a_enc, a_idx, DB_T(b), b_enc,
                b_idx, DB_I(k->party_b ? 2 : 2 + (int64_t)next_rand(d, 2)),
                w.committee_id ? DB_I(w.committee_id) : DB_NUL,
                w.mediator_id ? DB_I(w.mediator_id) : DB_NUL, DB_T(w.level), DB_T(date_of(d, t)),
                DB_T(w.decline_reason), DB_T(w.agreement), DB_T(w.agreed_on),
                DB_T(w.performance_due), DB_T(w.signed_by), DB_T(w.judicial_on), DB_T(w.court),
                DB_T(w.fail_reason), DB_T(w.where_to_go), DB_T(w.outcome), DB_T(w.performance),
                DB_T(w.performed_on), DB_T(w.not_performed_reason), DB_T(w.closed_on), DB_I(t),
                DB_I(w.updated_at), d->user ? DB_I(d->user) : DB_NUL),
        NULL);
    if (!err)
        err = audit_demo(d, "dispute.create", "dispute", w.id);
    if (!err && w.session_at)
        err = session(d, w.id, region, w.mediator_id, w.session_at, k, a, b);
    return err;
}

/* ---- Accounts ------------------------------------------------------------------------------ */

/* The demo's district user manages mediation in 朝阳区; its street user mediates in 建外街道
 * (both roles ask for a second factor at the next login). */
static enum err grant_roles(struct demo *d)
{
    static const struct {
        const char *user, *role, *region;
    } grants[] = {
        {"chaoyang", "mediation_manager", "110105000000"},
        {"jianwai", "mediator", "110105001000"},
    };
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < NELEMS(grants); i++) {
        int64_t id = 0, grant = 0;
        const char *why = NULL;
        err = accounts_find(d->c, d->a, grants[i].user, &id);
        if (err == ERR_NOT_FOUND) {
            err = ERR_OK;
            continue;
        }
        if (!err)
            err = accounts_grant(d->c, id, grants[i].role, grants[i].region, 0, 0, &grant, &why);
        if (!err)
            err = audit_demo(d, "role.grant", "user", id);
        if (!err && strcmp(grants[i].user, "jianwai") == 0)
            d->user = id;
    }
    return err;
}

enum err mediation_demo_load(struct db_conn *c, int64_t now)
{
    struct arena a;
    arena_init(&a, 0);
    struct demo d = {.c = c, .a = &a, .now = now, .seed = 20260601u};
    enum err err = grant_roles(&d);
    if (!err)
        err = load_committees(&d);
    int i = 0;
    for (size_t p = 0; !err && p < NELEMS(paths); p++)
        for (int n = 0; !err && n < paths[p].n; n++)
            err = load_dispute(&d, i++, &paths[p]);
    int64_t indexed = 0;
    if (!err)
        err = engine_reindex_all(c, &dispute_entity, &indexed);
    arena_release(&a);
    return err;
}

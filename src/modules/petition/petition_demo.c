/* Demonstration petitions for `shegong demo` (petition_demo.h): every item is registered
 * with petition_register and moved with engine_take_action under a request made here, its
 * clock set to the moment each step happened, so history, clocks, stamps, persons and the
 * near-duplicate index are exactly what users' requests would have left. Deterministic:
 * a fixed seed, and times counted back from now. */
#include "modules/petition/petition_demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "engine/engine.h"
#include "modules/petition/petition.h"
#include "modules/petition/petition_demo_texts.h"
#include "server/accounts.h"
#include "server/audit.h"

#define COUNTY     "110105000000" /* 朝阳区 */
#define DAY        86400
#define SHANGHAI   (8 * 3600)
#define SEED       0x5eC0FFEEu
#define MAX_TOWNS  64
#define MAX_PLACES 64
#define NELEMS(x)  (sizeof(x) / sizeof((x)[0]))

#define N_BASE    290
#define N_REPEAT  35
#define N_STORIES 3

/* ---- The demo -------------------------------------------------------------------------- */

struct town {
    const char *code, *name;
    int64_t unit;
    const char *places[MAX_PLACES]; /* communities: code and name alternate */
    const char *place_names[MAX_PLACES];
    size_t nplaces;
    int weight;
};

/* An item registered so far: what a repeat of it needs. */
struct record {
    int64_t id, t0;
    const char *content, *name, *id_number, *phone, *address, *place, *place_name;
    size_t town, tmpl;
    bool collective;
};

enum kind { K_BASE, K_SURGE, K_STORY, K_REPEAT, K_AFTER };

struct spec {
    int64_t t0;
    enum kind kind;
    const char *pin; /* the path goes the whole way and stops after this action */
    size_t tmpl, town;
    const struct record *of; /* K_AFTER: the item closed after 复核 */
};

struct demo {
    struct db_conn *c;
    struct arena a; /* the load's lifetime */
    struct req r;   /* one petition's lifetime (its arena is renewed) */
    int64_t now;
    uint64_t rng;
    struct town towns[MAX_TOWNS];
    size_t ntowns;
    int64_t dept[D_N];
    int persons;
    struct record *rec;
    size_t nrec, caprec;
    struct record *closed[N_STORIES]; /* the stories' items, once closed after 复核 */
    int64_t closed_at[N_STORIES];
};

static uint32_t rnd(struct demo *d, uint32_t n)
{
    d->rng ^= d->rng << 13; /* xorshift64 */
    d->rng ^= d->rng >> 7;
    d->rng ^= d->rng << 17;
    return n ? (uint32_t)(d->rng % n) : 0;
}

static bool chance(struct demo *d, uint32_t percent)
{
    return rnd(d, 100) < percent;
}

/* A time in office hours (Asia/Shanghai) lo..hi days after t, and after t. */
static int64_t later(struct demo *d, int64_t t, int lo, int hi)
{
    int32_t day = calendar_today(t) + lo + (int32_t)rnd(d, (uint32_t)(hi - lo + 1));
    int64_t at = (int64_t)day * DAY - SHANGHAI + 9 * 3600 + rnd(d, 8 * 3600);
    return at > t ? at : t + 1800 + rnd(d, 3600);
}

/* text with every {地} replaced by place. */
static const char *placed(struct arena *a, const char *text, const char *place)
{
    static const char mark[] = "{地}";
    struct sbuf b;
    sbuf_init(&b, 8192);
    const char *p = text;
    for (const char *m = strstr(p, mark); m; m = strstr(p, mark)) {
        sbuf_add(&b, p, (size_t)(m - p));
        sbuf_adds(&b, place);
        p = m + strlen(mark);
    }
    sbuf_adds(&b, p);
    const char *out = sbuf_err(&b) ? NULL : arena_strdup(a, b.buf);
    sbuf_release(&b);
    return out;
}

/* A community's short name: 南郎家园社区居委会 → 南郎家园社区. */
static const char *short_name(struct arena *a, const char *name)
{
    static const char *const tails[] = {"居民委员会", "村民委员会", "居委会", "村委会"};
    size_t n = strlen(name);
    for (size_t i = 0; i < NELEMS(tails); i++) {
        size_t k = strlen(tails[i]);
        if (n > k && strcmp(name + n - k, tails[i]) == 0)
            return arena_strndup(a, name, n - k);
    }
    return name;
}

/* The first field error or message of a refused step, for the person running the demo. */
static enum err report(struct demo *d, enum err err, const char *what)
{
    if (!err)
        return ERR_OK;
    const struct field_error *fe = d->r.nerrors ? &d->r.errors[0] : NULL;
    fprintf(stderr, "demo: petition %s failed: %s%s%s%s%s\n", what, err_code(err), fe ? " " : "",
            fe ? fe->field : "", fe ? ": " : "",
            fe             ? fe->message
            : d->r.message ? d->r.message
                           : "");
    return err == ERR_INVALID || err == ERR_CONFLICT || err == ERR_NOT_FOUND ? ERR_INTERNAL : err;
}

/* A fresh arena and answer for the next item. */
static void renew(struct demo *d)
{
    arena_release(&d->r.arena);
    arena_init(&d->r.arena, 0);
    d->r.errors = NULL;
    d->r.nerrors = d->r.errors_cap = 0;
    d->r.message = NULL;
    d->r.headers = NULL;
}

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

/* ---- Setting up: streets, communities, units, roles -------------------------------------- */

static enum err load_towns(struct demo *d)
{
    struct db_rows towns, places;
    enum err err =
        db_query(d->c, &d->a, "SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code",
                 DB_ARGS(DB_T(COUNTY)), &towns);
    if (!err)
        err = db_query(d->c, &d->a,
                       "SELECT code, name, parent_code FROM region WHERE code > $1 AND code <= $2 "
                       "AND level = 5 ORDER BY code",
                       DB_ARGS(DB_T(COUNTY), DB_T("110105999999")), &places);
    if (err)
        return err;
    for (size_t i = 0; i < towns.nrows && d->ntowns < MAX_TOWNS; i++) {
        struct town *t = &d->towns[d->ntowns++];
        t->code = db_str(&towns, i, 0);
        t->name = db_str(&towns, i, 1);
        t->weight = 1;
        for (size_t k = 0; k < petition_demo_ntowns; k++)
            if (strcmp(petition_demo_towns[k].code, t->code) == 0)
                t->weight = 6;
        for (size_t k = 0; k < places.nrows && t->nplaces < MAX_PLACES; k++)
            if (strcmp(db_str(&places, k, 2), t->code) == 0) {
                t->places[t->nplaces] = db_str(&places, k, 0);
                t->place_names[t->nplaces++] = short_name(&d->a, db_str(&places, k, 1));
            }
        if (!t->nplaces) { /* a street without communities loaded: the street itself */
            t->places[0] = t->code;
            t->place_names[t->nplaces++] = t->name;
        }
    }
    return ERR_OK;
}

/* The unit of this name at region, made through the engine when it does not exist. */
static enum err unit_named(struct demo *d, const char *name, const char *kind, const char *region,
                           int64_t *id)
{
    struct db_rows rows;
    enum err err = db_query(d->c, &d->a, "SELECT id FROM unit WHERE name = $1 ORDER BY id",
                            DB_ARGS(DB_T(name)), &rows);
    if (err || rows.nrows) {
        *id = err ? 0 : db_int(&rows, 0, 0);
        return err;
    }
    renew(d);
    d->r.now = d->now - 400 * DAY;
    json_t *in = json_pack("{s:s, s:s, s:s}", "name", name, "kind", kind, "region_code", region);
    err = in ? engine_write(&d->r, engine_entity("unit"), in, 0, 0, id) : ERR_NOMEM;
    json_decref(in);
    if (!err)
        err = audit_demo(d, "unit.create", "unit", *id);
    return report(d, err, "unit");
}

static enum err load_units(struct demo *d)
{
    enum err err = ERR_OK;
    for (int i = 1; !err && i < D_N; i++)
        err = unit_named(d, petition_demo_depts[i], "department", COUNTY, &d->dept[i]);
    for (size_t i = 0; !err && i < d->ntowns; i++)
        for (size_t k = 0; !err && k < petition_demo_ntowns; k++)
            if (strcmp(petition_demo_towns[k].code, d->towns[i].code) == 0)
                err = unit_named(d, petition_demo_towns[k].name, "township", d->towns[i].code,
                                 &d->towns[i].unit);
    return err;
}

/* chaoyang: 信访干部 and 负责人 of the district; jianwai: 建外街道办事处's 承办人. */
static enum err grant_roles(struct demo *d)
{
    static const struct {
        const char *user, *role, *region, *unit;
    } grants[] = {
        {"chaoyang", "petition_officer", COUNTY, NULL},
        {"chaoyang", "petition_leader", COUNTY, NULL},
        {"jianwai", "unit_handler", "110105001000", "建外街道办事处"},
    };
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < NELEMS(grants); i++) {
        int64_t user = 0, unit = 0, grant = 0;
        const char *why = NULL;
        err = accounts_find(d->c, &d->a, grants[i].user, &user);
        if (err == ERR_NOT_FOUND) {
            err = ERR_OK;
            continue;
        }
        if (!err && grants[i].unit)
            err = unit_named(d, grants[i].unit, "township", grants[i].region, &unit);
        if (!err)
            err =
                accounts_grant(d->c, user, grants[i].role, grants[i].region, unit, 0, &grant, &why);
        if (!err)
            err = audit_demo(d, "role.grant", "user", user);
    }
    return err;
}

/* ---- One petition --------------------------------------------------------------------- */

static json_t *person_json(struct demo *d, const char *place, const char *place_name,
                           const char **name, const char **idn)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int y, m, dd;
    calendar_to_ymd(calendar_from_ymd(1948, 1, 1) + (int32_t)rnd(d, 365 * 54), &y, &m, &dd);
    char id[32];
    snprintf(id, sizeof(id), "%.6s%04d%02d%02d%03d", place, y, m, dd, d->persons++ % 1000);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (id[i] - '0') * w[i];
    id[17] = "10X98765432"[sum % 11];
    id[18] = '\0';
    static const char second[] = "3589";
    char phone[32];
    snprintf(phone, sizeof(phone), "1%c%u%08u", second[rnd(d, 4)], rnd(d, 10), rnd(d, 100000000));
    const char *full =
        arena_printf(&d->a, "%s%s", petition_demo_surnames[rnd(d, petition_demo_nsurnames)],
                     petition_demo_given[rnd(d, petition_demo_ngiven)]);
    const char *address = arena_printf(&d->a, "%s%u号楼%u单元%u室", place_name, 1 + rnd(d, 24),
                                       1 + rnd(d, 6), 101 + rnd(d, 18) * 100 + rnd(d, 4));
    *name = full;
    *idn = arena_strdup(&d->a, id);
    return json_pack("{s:s, s:s, s:s, s:s}", "name", full, "id_number", *idn, "phone", phone,
                     "address", address);
}

struct item {
    struct demo *d;
    int64_t id, t;
    const char *pin; /* stop after this action */
    bool stop;       /* the next step would be after now: the item stays where it is */
};

/* Takes action at time at (the item stays where it is when at is after now); body is
 * released here. */
static enum err step(struct item *it, const char *action, json_t *body, int64_t at)
{
    struct demo *d = it->d;
    if (it->stop || at > d->now) {
        it->stop = true;
        json_decref(body);
        return ERR_OK;
    }
    d->r.now = at;
    it->t = at;
    enum err err = engine_take_action(&d->r, &petition_entity, it->id, action, body, true, NULL);
    json_decref(body);
    it->stop = it->pin && strcmp(it->pin, action) == 0;
    return report(d, err, action);
}

static const char *rating_of(struct demo *d)
{
    uint32_t u = rnd(d, 100);
    return u < 58 ? "satisfied" : u < 84 ? "basic" : "unsatisfied";
}

static json_t *reply_json(struct demo *d, const struct tmpl *tp)
{
    const struct reply *rp = &petition_demo_replies[petition_demo_nreplies - 1];
    for (size_t i = 0; i < petition_demo_nreplies; i++)
        if (strcmp(petition_demo_replies[i].category, tp->category) == 0)
            rp = &petition_demo_replies[i];
    uint32_t u = rnd(d, 100);
    int k = u < 52 ? 0 : u < 86 ? 1 : 2;
    return json_pack("{s:s, s:s, s:s, s:s}", "reply_kind", petition_demo_reply_kinds[k],
                     "reply_facts", rp->facts, "reply_basis", rp->basis, "reply_text",
                     petition_demo_reply_texts[k]);
}

/* The unit an item goes to: the street's office or the department (an accusation: the
 * discipline body, never the unit complained about). */
static int64_t route_to(struct demo *d, const struct tmpl *tp, const struct town *tw, bool other)
{
    if (tp->dept == D_DISCIPLINE)
        return d->dept[D_DISCIPLINE];
    int64_t dept = tp->dept == D_TOWN ? d->dept[D_LETTERS] : d->dept[tp->dept];
    bool town = tw->unit && (tp->dept == D_TOWN || rnd(d, 100) < 40);
    if (other)
        town = !town && tw->unit;
    return town ? tw->unit : dept;
}

/* Moves item it along a path of the statutory workflow from its registration; a story goes
 * the whole way to 复核, a pinned item the whole way to its pin. Returns with it->stop when
 * the path runs into now (or the pin). */
static enum err walk(struct item *it, const struct spec *sp, const struct tmpl *tp,
                     const struct town *tw, bool collective)
{
    struct demo *d = it->d;
    enum err err = ERR_OK;
    bool story = sp->kind == K_STORY || sp->pin;
    bool pin_object = sp->pin && strcmp(sp->pin, "object") == 0;
    bool pin_extend = sp->pin && strcmp(sp->pin, "extend") == 0;
    bool pin_hearing = sp->pin && strcmp(sp->pin, "hearing_start") == 0;
#define STEP(action, body, at)                                                                     \
    do {                                                                                           \
        err = step(it, action, body, at);                                                          \
        if (err || it->stop)                                                                       \
            return err;                                                                            \
    } while (0)
    if (sp->kind == K_AFTER) {
        STEP("reject",
             json_pack("{s:s, s:s}", "reject_reason", "after_rereview", "reject_guidance",
                       "该事项已经复核，对同一事实和理由不再受理；如有困难可申请社会救助。"),
             later(d, it->t, 1, 5));
        return ERR_OK;
    }
    uint32_t fate = story ? 100 : rnd(d, 100);
    if (fate < 4)
        return ERR_OK; /* never routed: its clock runs out */
    if (!story && (fate < 13 || (tp->flags & F_LEGAL))) {
        bool legal = tp->flags & F_LEGAL;
        bool rep = sp->kind == K_REPEAT && fate < 9;
        STEP("reject",
             json_pack(
                 "{s:s, s:s}", "reject_reason",
                 legal ? "legal_procedure"
                 : rep ? "repeat_in_handling"
                       : "not_in_remit",
                 "reject_guidance",
                 legal ? "该事项属于诉讼程序解决的事项，请依法向人民法院申请再审或提起上诉。"
                 : rep ? "同一事项正在办理中，请等待办理结果，办理情况可凭查询码查询。"
                       : "该事项不属于本机关职责范围，请向所在街道办事处或有关行业主管部门反映。"),
             later(d, it->t, 1, 9));
        return ERR_OK;
    }
    bool late = !story && chance(d, 14);
    int64_t unit = route_to(d, tp, tw, false);
    STEP("route", json_pack("{s:I}", "unit_id", (json_int_t)unit),
         later(d, it->t, late ? 16 : 0, late ? 22 : 11));
    if (pin_object || (!story && chance(d, 6))) {
        STEP("object",
             json_pack("{s:s}", "objection_reason",
                       "该事项不属于本单位职责，建议转有关主管部门办理"),
             later(d, it->t, 1, 3));
        if (chance(d, 50)) {
            STEP("uphold_objection", NULL, later(d, it->t, 1, 3));
            int64_t other = route_to(d, tp, tw, true);
            STEP("route", json_pack("{s:I}", "unit_id", (json_int_t)(other ? other : unit)),
                 later(d, it->t, 1, 3));
        } else {
            STEP("dismiss_objection", NULL, later(d, it->t, 1, 3));
        }
    }
    if (!story && chance(d, 3)) {
        STEP("reject",
             json_pack("{s:s, s:s}", "reject_reason", "not_in_remit", "reject_guidance",
                       "该事项应由有关行业主管部门办理，请向其反映。"),
             later(d, it->t, 2, 8));
        return ERR_OK;
    }
    if (!story && chance(d, 3))
        return ERR_OK; /* never accepted */
    STEP("accept", NULL, later(d, it->t, 1, !story && chance(d, 8) ? 20 : 10));
    int64_t accepted = it->t;
    bool extended = pin_extend || (!story && chance(d, 10));
    if (extended)
        STEP("extend",
             json_pack("{s:i, s:s}", "extension_days", 15 + (int)rnd(d, 16), "extension_reason",
                       collective ? "涉及人数较多，需逐户核实情况" : "需组织现场勘验和多部门会商"),
             later(d, it->t, 35, 55));
    if (!story && chance(d, 5))
        return ERR_OK; /* never replied: overdue in time */
    uint32_t pace = rnd(d, 100);
    int lo = extended ? 56 : story || pace < 72 ? 12 : pace < 88 ? 50 : 61;
    int hi = extended ? 80 : story || pace < 72 ? 50 : pace < 88 ? 59 : 78;
    int64_t at = later(d, accepted, lo, hi);
    STEP("reply", reply_json(d, tp), at > it->t ? at : later(d, it->t, 1, 5));
    int64_t replied = it->t;
    const char *rating = NULL;
    if (story || chance(d, 78)) {
        rating = story ? "unsatisfied" : rating_of(d);
        bool unhappy = strcmp(rating, "unsatisfied") == 0;
        STEP("rate",
             json_pack("{s:s, s:s}", "rating", rating, "rating_comment",
                       unhappy ? "问题没有得到实际解决" : "办理及时，态度很好"),
             later(d, it->t, 1, 10));
    }
    bool review =
        story || (rating && strcmp(rating, "unsatisfied") == 0 && chance(d, 55)) || chance(d, 3);
    if (!review) {
        if (chance(d, 75))
            STEP("close", NULL, later(d, replied, 31, 45));
        return ERR_OK;
    }
    at = later(d, it->t, 1, 10);
    STEP("request_review", NULL, at < replied + 29 * DAY ? at : replied + 28 * DAY);
    STEP("review",
         json_pack("{s:s, s:s}", "review_decision", chance(d, 75) ? "uphold" : "change",
                   "review_text", "经复查，原处理意见认定事实清楚，适用依据正确。"),
         later(d, it->t, 10, 27));
    int64_t reviewed = it->t;
    if (!story && !chance(d, 35)) {
        if (chance(d, 80))
            STEP("close", NULL, later(d, reviewed, 31, 40));
        return ERR_OK;
    }
    STEP("request_rereview", NULL, later(d, it->t, 3, 20));
    if (pin_hearing || chance(d, 30)) {
        STEP("hearing_start", json_pack("{s:s}", "comment", "组织信访听证，邀请人大代表、律师参加"),
             later(d, it->t, 3, 8));
        STEP("hearing_end", NULL, later(d, it->t, 1, 3));
    }
    STEP("rereview",
         json_pack("{s:s, s:s}", "rereview_decision", "uphold", "rereview_text",
                   "经复核，维持复查意见。信访人以同一事实和理由再次提出的，不再受理。"),
         later(d, it->t, 8, 25));
#undef STEP
    return ERR_OK;
}

/* Registers spec's item with its petitioners and walks it. */
static enum err one(struct demo *d, const struct spec *sp)
{
    renew(d);
    const struct record *of = sp->kind == K_AFTER ? sp->of : NULL;
    if (sp->kind == K_REPEAT) { /* the same people about an earlier item of theirs */
        size_t n = 0;
        while (n < d->nrec && d->rec[n].t0 < sp->t0 - 5 * DAY)
            n++;
        if (n)
            of = &d->rec[n - 1 - rnd(d, n < 40 ? (uint32_t)n : 40)];
    }
    size_t ti = of ? of->tmpl : sp->tmpl;
    const struct tmpl *tp = &petition_demo_tmpls[ti];
    const struct town *tw = &d->towns[of ? of->town : sp->town];
    size_t pi = rnd(d, (uint32_t)tw->nplaces);
    const char *place = of ? of->place : tw->places[pi];
    const char *place_name = of ? of->place_name : tw->place_names[pi];
    bool collective = !of && (tp->flags & F_COLLECTIVE) && chance(d, 30);
    static const char *const channels[] = {"online", "online", "online", "letter", "letter",
                                           "phone",  "phone",  "visit",  "visit",  "fax"};
    const char *channel = collective ? "visit" : channels[rnd(d, NELEMS(channels))];
    const char *content =
        of ? (sp->kind == K_AFTER
                  ? of->content
                  : arena_printf(&d->a, "再次反映：%s此前已反映过，至今未解决。", of->content))
           : placed(&d->a, tp->content, place_name);
    if (!content)
        return ERR_NOMEM;

    json_t *people = json_array();
    const char *name = NULL, *idn = NULL;
    if (of) {
        json_array_append_new(people,
                              json_pack("{s:s, s:s, s:s?, s:s?}", "name", of->name, "id_number",
                                        of->id_number, "phone", of->phone, "address", of->address));
    } else {
        int n = collective ? 3 + (int)rnd(d, 3) : chance(d, 8) ? 2 : 1;
        for (int i = 0; i < n; i++) {
            const char *nm, *id;
            json_t *p = person_json(d, place, place_name, &nm, &id);
            if (p && collective)
                json_object_set_new(p, "representative", json_true());
            json_array_append_new(people, p);
            if (!name) {
                name = nm;
                idn = id;
            }
        }
    }
    json_t *in = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "channel", channel, "class", tp->cls, "category",
        tp->category, "title",
        of && sp->kind == K_REPEAT ? arena_printf(&d->a, "再次反映：%s", tp->title) : tp->title,
        "content", content, "region_code", place, "petitioners", people);
    if (!in || !arena_on_release(&d->r.arena, (arena_cleanup_fn)json_decref, people)) {
        json_decref(in);
        json_decref(people);
        return ERR_NOMEM;
    }
    if (collective)
        json_object_set_new(in, "collective", json_true());
    if (collective)
        json_object_set_new(in, "headcount", json_integer(6 + rnd(d, 55)));
    if (tp->dept == D_DISCIPLINE || chance(d, 4))
        json_object_set_new(in, "confidential", json_true());
    if (tp->dept == D_DISCIPLINE)
        json_object_set_new(in, "complained_unit_id",
                            json_integer(tw->unit ? tw->unit : d->dept[D_HOUSING]));
    if (of && sp->kind == K_REPEAT)
        json_object_set_new(in, "repeat_of", json_integer(of->id));

    struct item it = {.d = d, .t = sp->t0, .pin = sp->pin};
    const char *code = NULL;
    d->r.now = sp->t0;
    enum err err = petition_register(&d->r, in, false, &it.id, &code);
    json_decref(in);
    err = report(d, err, "registration");
    if (!err)
        err = audit_demo(d, "petition.create", "petition", it.id);
    if (!err)
        err = walk(&it, sp, tp, tw, collective);
    if (err)
        return err;

    if (d->nrec == d->caprec) {
        size_t cap = d->caprec ? d->caprec * 2 : 256;
        struct record *bigger = arena_calloc(&d->a, cap, sizeof(*bigger));
        if (!bigger)
            return ERR_NOMEM;
        if (d->nrec)
            memcpy(bigger, d->rec, d->nrec * sizeof(*bigger));
        d->rec = bigger;
        d->caprec = cap;
    }
    json_t *first = json_array_get(people, 0);
    const char *phone = json_string_value(json_object_get(first, "phone"));
    const char *address = json_string_value(json_object_get(first, "address"));
    struct record *rec = &d->rec[d->nrec++];
    *rec = (struct record){
        .id = it.id,
        .t0 = sp->t0,
        .content = content,
        .name = of ? of->name : name,
        .id_number = of ? of->id_number : idn,
        .phone = phone ? arena_strdup(&d->a, phone) : NULL,
        .address = address ? arena_strdup(&d->a, address) : NULL,
        .place = place,
        .place_name = place_name,
        .town = of ? of->town : sp->town,
        .tmpl = ti,
        .collective = collective,
    };
    if (sp->kind == K_STORY && !it.stop)
        for (size_t i = 0; i < N_STORIES; i++)
            if (!d->closed[i]) {
                d->closed[i] = rec;
                d->closed_at[i] = it.t;
                break;
            }
    return ERR_OK;
}

/* ---- The plan --------------------------------------------------------------------------- */

static size_t pick_town(struct demo *d)
{
    uint32_t total = 0;
    for (size_t i = 0; i < d->ntowns; i++)
        total += (uint32_t)d->towns[i].weight;
    uint32_t u = rnd(d, total);
    for (size_t i = 0; i < d->ntowns; i++) {
        if (u < (uint32_t)d->towns[i].weight)
            return i;
        u -= (uint32_t)d->towns[i].weight;
    }
    return 0;
}

static size_t town_index(struct demo *d, const char *code)
{
    for (size_t i = 0; i < d->ntowns; i++)
        if (strcmp(d->towns[i].code, code) == 0)
            return i;
    return 0;
}

/* A template by weight; heating only in the heating season (15 November to 15 March). */
static size_t pick_tmpl(struct demo *d, int64_t t0)
{
    int total = 0;
    for (size_t i = 0; i < petition_demo_ntmpls; i++)
        total += petition_demo_tmpls[i].weight;
    for (;;) {
        int u = (int)rnd(d, (uint32_t)total);
        size_t i = 0;
        while (u >= petition_demo_tmpls[i].weight)
            u -= petition_demo_tmpls[i++].weight;
        int y, m, dd;
        calendar_to_ymd(calendar_today(t0), &y, &m, &dd);
        bool winter = m == 12 || m <= 2 || (m == 11 && dd >= 15) || (m == 3 && dd <= 15);
        if (!(petition_demo_tmpls[i].flags & F_WINTER) || winter)
            return i;
    }
}

static int spec_cmp(const void *a, const void *b)
{
    const struct spec *x = a, *y = b;
    return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

static int64_t office_time(struct demo *d, int64_t day_ago_lo, int64_t day_ago_hi)
{
    int64_t ago = day_ago_lo + rnd(d, (uint32_t)(day_ago_hi - day_ago_lo + 1));
    int32_t day = calendar_today(d->now) - (int32_t)ago;
    return (int64_t)day * DAY - SHANGHAI + 8 * 3600 + 1800 + rnd(d, 9 * 3600);
}

/* Base items over the year, a surge in three streets this past month (the rising hot spots:
 * 望京 noise, 双井 wages, 建外 heating), three items taken all the way to 复核, repeats, and
 * a few items pinned in the states paths seldom stop in. */
static enum err plan(struct demo *d, struct spec **out, size_t *n)
{
    static const struct {
        const char *town;
        size_t tmpl;
        int count;
    } surges[] = {{"110105026000", T_NOISE, 13},
                  {"110105016000", T_WAGES, 11},
                  {"110105001000", T_HEATING, 9}};
    size_t cap = N_BASE + N_REPEAT + N_STORIES + 80;
    struct spec *s = arena_calloc(&d->a, cap, sizeof(*s));
    if (!s)
        return ERR_NOMEM;
    size_t k = 0;
    for (int i = 0; i < N_BASE; i++) {
        s[k].t0 = office_time(d, 1, 360);
        s[k].kind = K_BASE;
        s[k].town = pick_town(d);
        s[k].tmpl = pick_tmpl(d, s[k].t0);
        k++;
    }
    for (size_t i = 0; i < NELEMS(surges); i++)
        for (int j = 0; j < surges[i].count && k < cap; j++)
            s[k++] = (struct spec){.t0 = office_time(d, 0, 24),
                                   .kind = K_SURGE,
                                   .tmpl = surges[i].tmpl,
                                   .town = town_index(d, surges[i].town)};
    static const size_t stories[N_STORIES] = {T_EVICTION, T_WAGES, T_ALLOWANCE};
    /* states a random path rarely leaves an item in, reached on purpose */
    static const struct {
        const char *action;
        int ago; /* days before now it was registered */
    } pins[] = {{"object", 20},          {"object", 22},          {"extend", 85},
                {"request_review", 100}, {"request_review", 115}, {"request_rereview", 150},
                {"hearing_start", 165}};
    for (size_t i = 0; i < N_STORIES; i++)
        s[k++] = (struct spec){.t0 = office_time(d, 300, 330),
                               .kind = K_STORY,
                               .tmpl = stories[i],
                               .town = pick_town(d)};
    for (int i = 0; i < N_REPEAT; i++)
        s[k++] = (struct spec){.t0 = office_time(d, 2, 300), .kind = K_REPEAT};
    for (size_t i = 0; i < NELEMS(pins); i++)
        s[k++] = (struct spec){.t0 = office_time(d, pins[i].ago, pins[i].ago + 5),
                               .kind = K_BASE,
                               .pin = pins[i].action,
                               .tmpl = pick_tmpl(d, d->now),
                               .town = pick_town(d)};
    qsort(s, k, sizeof(*s), spec_cmp);
    *out = s;
    *n = k;
    return ERR_OK;
}

enum err petition_demo_load(struct db_conn *c, int64_t now)
{
    static struct demo d; /* large; one load at a time */
    memset(&d, 0, sizeof(d));
    d.c = c;
    d.now = now;
    d.rng = SEED;
    arena_init(&d.a, 0);
    arena_init(&d.r.arena, 0);

    /* the request the steps run in: a 信访干部 of 朝阳区 (the demo's district user) */
    static const char *perms[] = {"petition.read",     "petition.register", "petition.route",
                                  "petition.handle",   "petition.approve",  "petition.review",
                                  "petition.identity", "unit.read",         "unit.write",
                                  "person.read",       "person.write",      "region.read"};
    static struct grant grants[NELEMS(perms)];
    static struct post post = {.role = "petition_officer", .region_code = COUNTY};
    static const char *roots[] = {COUNTY};
    for (size_t i = 0; i < NELEMS(perms); i++)
        grants[i] = (struct grant){.role = post.role, .perm = perms[i]};
    d.r.db = c;
    d.r.user = (struct principal){.username = "chaoyang",
                                  .kind = AUTH_SESSION,
                                  .posts = &post,
                                  .nposts = 1,
                                  .grants = grants,
                                  .ngrants = NELEMS(grants),
                                  .perms = perms,
                                  .nperms = NELEMS(perms)};
    d.r.scope = (struct scope){roots, 1};
    snprintf(d.r.request_id, sizeof(d.r.request_id), "demo");
    snprintf(d.r.ip, sizeof(d.r.ip), "local");

    struct spec *specs = NULL;
    size_t n = 0;
    enum err err = accounts_find(c, &d.a, "chaoyang", &d.r.user.id);
    if (err == ERR_NOT_FOUND)
        err = ERR_OK;
    if (!err)
        err = load_towns(&d);
    if (!err && (!d.ntowns || !d.r.user.id)) {
        fprintf(stderr, "demo: no regions of 朝阳区 loaded; the petitions were left out\n");
        goto out;
    }
    if (!err)
        err = load_units(&d);
    if (!err)
        err = grant_roles(&d);
    if (!err)
        err = plan(&d, &specs, &n);
    for (size_t i = 0; !err && i < n; i++)
        err = one(&d, &specs[i]);
    /* after 复核, the same person with the same facts and reasons: flagged, not accepted */
    for (size_t i = 0; !err && i < N_STORIES; i++) {
        if (!d.closed[i] || d.closed_at[i] + 40 * DAY > now)
            continue;
        struct spec after = {
            .t0 = later(&d, d.closed_at[i], 10, 40), .kind = K_AFTER, .of = d.closed[i]};
        err = one(&d, &after);
    }
out:
    arena_release(&d.r.arena);
    arena_release(&d.a);
    return err;
}

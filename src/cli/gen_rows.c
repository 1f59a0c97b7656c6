/* shegong gen: the rows of one petition, one person and one unit, as the API would have
 * written them (gen.h); and when the petitions arrive. Draws only: gen.c writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/gen.h"
#include "core/crypto.h"
#include "core/id.h"
#include "core/minhash.h"
#include "core/search.h"
#include "core/validate.h"
#include "engine/deadline.h"
#include "modules/petition/petition.h"

#define DAY 86400

/* ---- Tables and rows ----------------------------------------------------------------------- */

#define COLS(...) ((const char *const[]){__VA_ARGS__, NULL})

enum pcol {
    P_ID,
    P_VERSION,
    P_STATE,
    P_TITLE,
    P_CHANNEL,
    P_CLASS,
    P_CATEGORY,
    P_CONTENT,
    P_REGION,
    P_COMPLAINED,
    P_UNIT,
    P_COLLECTIVE,
    P_HEADCOUNT,
    P_CONFIDENTIAL,
    P_QUERY_CODE,
    P_PNAME,
    P_PCOUNT,
    P_REPEAT_OF,
    P_AFTER_REREVIEW,
    P_REJECT_REASON,
    P_REJECT_GUIDANCE,
    P_REPLY_KIND,
    P_REPLY_FACTS,
    P_REPLY_BASIS,
    P_REPLY_TEXT,
    P_EXT_DAYS,
    P_EXT_REASON,
    P_OBJECTION,
    P_RATING,
    P_RATING_COMMENT,
    P_REVIEW_DECISION,
    P_REVIEW_TEXT,
    P_REREVIEW_DECISION,
    P_REREVIEW_TEXT,
    P_ROUTED,
    P_ACCEPTED,
    P_REPLIED,
    P_RATED,
    P_REVIEWED,
    P_REREVIEWED,
    P_CLOSED,
    P_CREATED,
    P_UPDATED,
    P_NCOLS
};

const struct gen_table_def gen_tables[GT_COUNT] = {
    [GT_PERSON] = {"person",
                   COLS("id", "name", "gender", "birth_date", "id_number_enc", "id_number_idx",
                        "phone_enc", "phone_idx", "region_code", "address", "created_at",
                        "updated_at"),
                   12, false},
    [GT_UNIT] = {"unit", COLS("id", "name", "kind", "region_code", "created_at", "updated_at"), 6,
                 false},
    [GT_UNIT_FTS] = {"unit_fts", COLS("rowid", "body"), 2, true},
    [GT_PETITION] = {"petition",
                     COLS("id", "version", "state", "title", "channel", "class", "category",
                          "content", "region_code", "complained_unit_id", "unit_id", "collective",
                          "headcount", "confidential", "query_code", "petitioner_name",
                          "petitioner_count", "repeat_of", "after_rereview", "reject_reason",
                          "reject_guidance", "reply_kind", "reply_facts", "reply_basis",
                          "reply_text", "extension_days", "extension_reason", "objection_reason",
                          "rating", "rating_comment", "review_decision", "review_text",
                          "rereview_decision", "rereview_text", "routed_at", "accepted_at",
                          "replied_at", "rated_at", "reviewed_at", "rereviewed_at", "closed_at",
                          "created_at", "updated_at"),
                     P_NCOLS, false},
    [GT_PETITION_FTS] = {"petition_fts", COLS("rowid", "body"), 2, true},
    [GT_MINHASH] = {"petition_minhash", COLS("petition_id", "sig", "b0", "b1", "b2", "b3"), 6,
                    false},
    [GT_PETITIONER] = {"petitioner", COLS("petition_id", "seq", "person_id", "representative"), 4,
                       false},
    [GT_TRACK] = {"petition_track", COLS("petition_id", "query_code", "phone_key"), 3, false},
    [GT_HISTORY] = {"workflow_history",
                    COLS("id", "entity", "row_id", "action", "from_state", "to_state", "user_id",
                         "at", "comment", "fields"),
                    10, false},
    [GT_DEADLINE] = {"deadline",
                     COLS("id", "entity", "row_id", "region_code", "name", "label", "started_at",
                          "due_at", "state", "paused_at", "extended", "stopped_at"),
                     12, false},
};

struct db_val *gen_row(struct gen_batch *b, enum gen_table t)
{
    struct gen_rows *r = &b->t[t];
    size_t ncols = (size_t)gen_tables[t].ncols;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct db_val *v = realloc(r->vals, cap * ncols * sizeof(*v));
        if (!v)
            return NULL;
        r->vals = v;
        r->cap = cap;
    }
    struct db_val *row = &r->vals[r->n++ * ncols];
    for (size_t k = 0; k < ncols; k++)
        row[k] = DB_NUL;
    return row;
}

void gen_batch_release(struct gen_batch *b)
{
    for (size_t t = 0; t < GT_COUNT; t++) {
        free(b->t[t].vals);
        b->t[t] = (struct gen_rows){0};
    }
    arena_release(&b->a);
}

int64_t gen_id(const struct gen *g, int64_t ms, int slot)
{
    return ((ms - g->epoch_ms) << 22) | ((int64_t)ID_NODE_MAX << 12) | ((int64_t)g->run << 7) |
           slot;
}

static struct db_val opt_t(const char *s)
{
    return s ? DB_T(s) : DB_NUL;
}

static struct db_val opt_i(int64_t v)
{
    return v ? DB_I(v) : DB_NUL;
}

/* The full-text document of a row as engine/fulltext.c indexes it: FTS5 text on SQLite,
 * the tsvector text on PostgreSQL. */
static enum err fts_row(struct gen *g, struct gen_batch *b, enum gen_table t, int64_t rowid,
                        const char *doc)
{
    struct db_val *row = gen_row(b, t);
    if (!row)
        return ERR_NOMEM;
    row[0] = DB_I(rowid);
    if (!g->pg) {
        row[1] = DB_T(doc);
        return ERR_OK;
    }
    struct sbuf v;
    sbuf_init(&v, (size_t)4 << 20);
    enum err e = search_build_tsvector(doc, strlen(doc), &v);
    const char *vector = e ? NULL : arena_strdup(&b->a, v.buf);
    sbuf_release(&v);
    row[1] = DB_T(vector);
    return e ? e : vector ? ERR_OK : ERR_NOMEM;
}

enum err gen_unit_rows(struct gen *g, struct gen_batch *b, int64_t id, const char *name,
                       const char *kind, const char *region)
{
    struct db_val *row = gen_row(b, GT_UNIT);
    if (!row)
        return ERR_NOMEM;
    row[0] = DB_I(id);
    row[1] = DB_T(name);
    row[2] = DB_T(kind);
    row[3] = DB_T(region);
    row[4] = row[5] = DB_I(g->start);
    return fts_row(g, b, GT_UNIT_FTS, id, name);
}

/* ---- Persons ------------------------------------------------------------------------------- */

bool gen_taken_add(struct gen *g, const char *idx)
{
    uint64_t key = 0;
    for (int i = 0; i < 16 && idx[i]; i++) {
        char ch = idx[i];
        key = (key << 4) | (uint64_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    key = key ? key : 1; /* 0 marks an empty slot */
    for (size_t i = (size_t)key & g->idx_mask;; i = (i + 1) & g->idx_mask) {
        if (g->idx_set[i] == key)
            return false;
        if (!g->idx_set[i]) {
            g->idx_set[i] = key;
            return true;
        }
    }
}

/* Where person k lives: the first draw of the person's stream. */
static uint32_t person_place(struct gen *g, uint32_t k)
{
    struct gen_person *p = &g->people[k];
    if (p->place == GEN_NONE) {
        struct gen_rng r;
        gen_rng_init(&r, g->seed, GEN_S_PERSON, k);
        p->place = gen_rng_below(&r, g->nplaces);
    }
    return p->place;
}

enum err gen_person(struct gen *g, struct gen_batch *b, uint32_t k, int64_t ms, int slot,
                    const char *region)
{
    struct gen_person *p = &g->people[k];
    if (p->inserted)
        return ERR_OK;
    struct arena *a = &b->a;
    struct gen_rng r;
    gen_rng_init(&r, g->seed, GEN_S_PERSON, k);
    const struct gen_place *pl = &g->places[gen_rng_below(&r, g->nplaces)];
    bool female = gen_rng_chance(&r, 0.45);
    gen_person_name(&r, female, p->name, sizeof(p->name));
    /* petitioners are older than most: ages 18-88, most around fifty */
    int y, m, d;
    calendar_to_ymd(g->until_day, &y, &m, &d);
    int age = 18 + (int)(70.0 * (gen_rng_unit(&r) + gen_rng_unit(&r) + gen_rng_unit(&r)) / 3.0);
    int by = y - age, bm = gen_rng_range(&r, 1, 12), bd = gen_rng_range(&r, 1, 28);
    const char *county =
        gen_rng_chance(&r, 0.9) ? pl->code : g->counties[gen_rng_below(&r, g->ncounties)].code;
    char idn[19], idx[65];
    struct idcard_info info;
    for (int tries = 0;; tries++) { /* a number taken already: another sequence, or day */
        if (tries && tries % 16 == 0)
            bd = gen_rng_range(&r, 1, 28);
        gen_idcard(&r, county, by * 10000 + bm * 100 + bd, female, idn);
        if (validate_idcard(idn, validate_today(), &info))
            return ERR_INTERNAL; /* gen_idcard's mistake */
        crypto_blind_index("idcard", info.number, idx);
        if (gen_taken_add(g, idx))
            break;
        if (tries > 1000)
            return ERR_CONFLICT;
    }
    char phone[12] = "", phone_idx[65], address[256];
    bool has_phone = gen_rng_chance(&r, 0.96);
    if (has_phone) {
        gen_mobile(&r, phone);
        crypto_blind_index("phone", phone, phone_idx);
        snprintf(p->last4, sizeof(p->last4), "%s", phone + 7);
    }
    gen_address(&r, pl->name, address, sizeof(address));
    const char *id_enc = NULL, *phone_enc = NULL;
    enum err e = crypto_seal(a, info.number, &id_enc);
    if (!e && has_phone)
        e = crypto_seal(a, phone, &phone_enc);
    struct db_val *row = e ? NULL : gen_row(b, GT_PERSON);
    if (!row)
        return e ? e : ERR_NOMEM;
    p->id = gen_id(g, ms, slot);
    row[0] = DB_I(p->id);
    row[1] = DB_T(arena_strdup(a, p->name));
    row[2] = DB_T(info.gender == 'F' ? "female" : "male");
    row[3] = DB_T(arena_strdup(a, info.birth_date));
    row[4] = DB_T(id_enc);
    row[5] = DB_T(arena_strdup(a, idx));
    row[6] = opt_t(phone_enc);
    row[7] = has_phone ? DB_T(arena_strdup(a, phone_idx)) : DB_NUL;
    row[8] = DB_T(region ? region : pl->code);
    row[9] = DB_T(arena_strdup(a, address));
    row[10] = row[11] = DB_I(ms / 1000);
    p->inserted = true;
    return a->failed ? ERR_NOMEM : ERR_OK;
}

/* A person for a petition: some come often, most once or twice. */
static uint32_t person_pick(struct gen *g, struct gen_rng *r)
{
    uint32_t k = (uint32_t)((double)g->persons * pow(gen_rng_unit(r), 1.4));
    return k < g->persons ? k : (uint32_t)g->persons - 1;
}

/* ---- Petitions ----------------------------------------------------------------------------- */

static uint32_t unit_other(struct gen *g, struct gen_rng *r, uint32_t county, uint32_t not_a,
                           uint32_t not_b)
{
    const struct gen_county *c = &g->counties[county];
    for (int i = 0; i < 8 && c->nunits; i++) {
        uint32_t u = c->unit0 + gen_rng_below(r, c->nunits);
        if (u != not_a && u != not_b)
            return u;
    }
    return c->nunits ? c->unit0 : GEN_NONE;
}

static void count_state(struct gen *g, const char *state)
{
    for (size_t i = 0; i < 16; i++) {
        if (!g->states[i].state)
            g->states[i].state = state;
        if (strcmp(g->states[i].state, state) == 0) {
            g->states[i].n++;
            return;
        }
    }
}

static const char *const class_names[] = {"grievance", "accusation", "suggestion"};

/* The petitioners (persons written first, registered with the petition, living where it is,
 * as registration makes them); the first one's name and the last four digits of the first
 * phone. */
static enum err petitioners(struct gen *g, struct gen_batch *b, struct gen_rng *r, int64_t id,
                            int64_t ms, const char *region, uint32_t first, size_t n,
                            bool representatives, const char **last4)
{
    uint32_t who[PETITION_MAX_REPRESENTATIVES];
    *last4 = NULL;
    for (size_t k = 0; k < n; k++) {
        who[k] = k == 0 ? first : person_pick(g, r);
        for (size_t x = 0; x < k; x++)
            if (who[x] == who[k]) { /* the same person twice: the next one, checked again */
                who[k] = (who[k] + 1) % (uint32_t)g->persons;
                x = (size_t)-1;
            }
        enum err e = gen_person(g, b, who[k], ms, GEN_SLOT_PERSON + (int)k, region);
        if (e)
            return e;
        if (!*last4 && g->people[who[k]].last4[0])
            *last4 = g->people[who[k]].last4;
        struct db_val *row = gen_row(b, GT_PETITIONER);
        if (!row)
            return ERR_NOMEM;
        row[0] = DB_I(id);
        row[1] = DB_I((int64_t)k + 1);
        row[2] = DB_I(g->people[who[k]].id);
        row[3] = DB_I(representatives);
    }
    return ERR_OK;
}

/* The workflow's rows: the history and the clocks. */
static enum err life_rows(struct gen *g, struct gen_batch *b, const struct gen_life *life,
                          int64_t id, int64_t ms, const char *region)
{
    for (size_t k = 0; k < life->nevents; k++) {
        const struct gen_event *ev = &life->events[k];
        struct db_val *row = gen_row(b, GT_HISTORY);
        if (!row)
            return ERR_NOMEM;
        row[0] = DB_I(gen_id(g, ms, GEN_SLOT_HISTORY + (int)k));
        row[1] = DB_T(petition_entity.name);
        row[2] = DB_I(id);
        row[3] = DB_T(ev->action);
        row[4] = opt_t(ev->from);
        row[5] = DB_T(ev->to);
        row[7] = DB_I(ev->at);
        row[9] = opt_t(ev->fields);
    }
    for (size_t k = 0; k < GEN_CLOCKS; k++) {
        const struct gen_clock *ck = &life->clocks[k];
        if (!ck->state)
            continue;
        struct db_val *row = gen_row(b, GT_DEADLINE);
        if (!row)
            return ERR_NOMEM;
        row[0] = DB_I(gen_id(g, ms, GEN_SLOT_CLOCK + (int)k));
        row[1] = DB_T(petition_entity.name);
        row[2] = DB_I(id);
        row[3] = DB_T(region);
        row[4] = DB_T(ck->name);
        row[5] = DB_T(ck->label);
        row[6] = DB_I(ck->started);
        row[7] = DB_I(ck->due);
        row[8] = DB_T(ck->state);
        row[9] = opt_i(ck->paused_at);
        row[10] = DB_I(ck->extended);
        row[11] = opt_i(ck->stopped_at);
    }
    return ERR_OK;
}

static void petition_row(struct db_val *p, const struct gen_life *l)
{
    p[P_VERSION] = DB_I(l->version);
    p[P_STATE] = DB_T(l->state);
    p[P_UNIT] = opt_i(l->unit_id);
    p[P_AFTER_REREVIEW] = l->after_rereview ? DB_I(1) : DB_NUL;
    p[P_REJECT_REASON] = opt_t(l->reject_reason);
    p[P_REJECT_GUIDANCE] = opt_t(l->reject_guidance);
    p[P_REPLY_KIND] = opt_t(l->reply_kind);
    p[P_REPLY_FACTS] = opt_t(l->reply_facts);
    p[P_REPLY_BASIS] = opt_t(l->reply_basis);
    p[P_REPLY_TEXT] = opt_t(l->reply_text);
    p[P_EXT_DAYS] = opt_i(l->extension_days);
    p[P_EXT_REASON] = opt_t(l->extension_reason);
    p[P_OBJECTION] = opt_t(l->objection_reason);
    p[P_RATING] = opt_t(l->rating);
    p[P_RATING_COMMENT] = opt_t(l->rating_comment);
    p[P_REVIEW_DECISION] = opt_t(l->review_decision);
    p[P_REVIEW_TEXT] = opt_t(l->review_text);
    p[P_REREVIEW_DECISION] = opt_t(l->rereview_decision);
    p[P_REREVIEW_TEXT] = opt_t(l->rereview_text);
    p[P_ROUTED] = opt_i(l->routed_at);
    p[P_ACCEPTED] = opt_i(l->accepted_at);
    p[P_REPLIED] = opt_i(l->replied_at);
    p[P_RATED] = opt_i(l->rated_at);
    p[P_REVIEWED] = opt_i(l->reviewed_at);
    p[P_REREVIEWED] = opt_i(l->rereviewed_at);
    p[P_CLOSED] = opt_i(l->closed_at);
    p[P_CREATED] = DB_I(l->created);
    p[P_UPDATED] = DB_I(l->updated_at);
}

enum err gen_petition(struct gen *g, struct gen_batch *b, uint64_t i, int64_t ms)
{
    struct arena *a = &b->a;
    struct gen_rng r;
    gen_rng_init(&r, g->seed, GEN_S_PETITION, i);
    int64_t created = ms / 1000;
    struct gen_earlier *me = &g->earlier[i];
    const struct gen_earlier *orig = NULL;
    /* a repeat (重复件) of an item of the last three months or so */
    uint64_t window = (uint64_t)(g->petitions / (g->months * 30 + 1)) * 90 + 1;
    if (i > 0 && gen_rng_chance(&r, 0.08))
        orig = &g->earlier[i - 1 - gen_rng_below(&r, (uint32_t)(i < window ? i : window))];
    size_t category;
    const char *class_name;
    bool at_township;
    if (orig) {
        category = orig->category;
        class_name = class_names[orig->class_index];
        me->place = orig->place;
        at_township = orig->at_township;
        me->person = orig->person;
        me->text = orig->text;
    } else {
        category = gen_category_pick(&r);
        class_name = gen_class_pick(&r, category);
        me->person = person_pick(g, &r);
        me->place = person_place(g, me->person);
        at_township = gen_rng_chance(&r, 0.25);
        me->text = i;
    }
    const struct gen_place *pl = &g->places[me->place];
    const struct gen_town *town = pl->town != GEN_NONE ? &g->towns[pl->town] : NULL;
    const struct gen_county *county = &g->counties[pl->county];
    at_township = at_township && town && pl->level == 5;
    const char *region = at_township ? town->code : pl->code;
    bool accusation = strcmp(class_name, "accusation") == 0;
    bool grievance = strcmp(class_name, "grievance") == 0;
    me->category = (uint8_t)category;
    me->class_index = (uint8_t)(grievance ? 0 : accusation ? 1 : 2);
    me->at_township = at_township;

    /* the words: a repeat re-reads its original's and says so */
    struct gen_where where = {.county = county->name,
                              .township = town ? town->name : county->name,
                              .village = pl->level == 5 ? pl->name : NULL};
    struct gen_words words;
    gen_petition_words(g->seed, me->text, &where, category, class_name, a, &words);
    const char *content = words.content, *title = words.title;
    if (orig) {
        content =
            gen_rng_chance(&r, 0.5)
                ? arena_printf(a, "我此前反映的问题至今没有得到解决，现再次反映：%s", words.content)
                : arena_printf(a, "%s此前已经反映过，至今仍未解决，请予重视。", words.content);
        title = arena_printf(a, "再次反映%s", words.topic);
        if (!content || !title)
            return ERR_NOMEM;
    }
    const char *channel = gen_channel_pick(&r);
    bool collective = grievance && gen_rng_chance(&r, 0.03);
    if (collective && gen_rng_chance(&r, 0.8))
        channel = "visit";
    bool confidential = gen_rng_chance(&r, accusation ? 0.6 : 0.05);

    /* who handles it (a department or the township office) and whom it is about; an
     * accusation never goes to the unit it accuses */
    uint32_t dept = county->department[category];
    uint32_t first = town && town->unit != GEN_NONE && gen_rng_chance(&r, 0.5) ? town->unit : dept;
    if (first == GEN_NONE)
        first = unit_other(g, &r, pl->county, GEN_NONE, GEN_NONE);
    uint32_t second = first == dept && town && town->unit != GEN_NONE
                          ? town->unit
                          : unit_other(g, &r, pl->county, first, GEN_NONE);
    uint32_t complained = GEN_NONE;
    if (accusation ? gen_rng_chance(&r, 0.9) : grievance && gen_rng_chance(&r, 0.2))
        complained = unit_other(g, &r, pl->county, first, second);
    if (accusation && (complained == first || complained == second))
        complained = GEN_NONE;

    /* its life up to now */
    struct gen_life *life = arena_zalloc(a, sizeof(*life));
    if (!life)
        return ERR_NOMEM;
    life->created = created;
    life->now = g->now;
    life->category = category;
    life->class_name = class_name;
    life->topic = words.topic;
    life->county = county->name;
    life->route_units[0] = first != GEN_NONE ? g->units[first].id : 0;
    life->route_units[1] = second != GEN_NONE ? g->units[second].id : life->route_units[0];
    life->route_names[0] = first != GEN_NONE ? g->units[first].name : county->name;
    life->route_names[1] = second != GEN_NONE ? g->units[second].name : life->route_names[0];
    life->other_department = life->route_names[1];
    if (orig) { /* the same matter again: still being handled, or closed after 复核 */
        bool open_then = !orig->closed_at || orig->closed_at > created;
        life->after_rereview = !open_then && orig->rereviewed;
        life->repeat_reject = open_then && gen_rng_chance(&r, 0.5);
    }
    enum err e = gen_life_run(life, &r, g->cal, a);
    if (e)
        return e;
    me->closed_at = life->closed_at;
    me->rereviewed = life->rereviewed_at != 0;
    count_state(g, life->state);

    int64_t id = gen_id(g, ms, 0);
    me->id = id;
    static const unsigned nw[] = {85, 10, 5};
    size_t n = collective ? (size_t)gen_rng_range(&r, 2, PETITION_MAX_REPRESENTATIVES)
                          : 1 + gen_rng_weighted(&r, nw, 3);
    if (n > (size_t)g->persons)
        n = (size_t)g->persons;
    const char *last4 = NULL;
    e = petitioners(g, b, &r, id, ms, region, me->person, n, collective, &last4);
    if (e)
        return e;

    /* the query code and the portal's key: the code and the phone's last four digits */
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    char code[PETITION_QUERY_CODE_LEN + 1], key[65], v[PETITION_QUERY_CODE_LEN + 8];
    for (size_t k = 0; k < PETITION_QUERY_CODE_LEN; k++)
        code[k] = alphabet[gen_rng_below(&r, 32)];
    code[PETITION_QUERY_CODE_LEN] = '\0';
    if (last4) {
        snprintf(v, sizeof(v), "%.12s:%.4s", code, last4);
        crypto_blind_index("petition_track", v, key);
    }
    const char *code_kept = arena_strdup(a, code);

    struct db_val *p = gen_row(b, GT_PETITION);
    if (!p)
        return ERR_NOMEM;
    petition_row(p, life);
    p[P_ID] = DB_I(id);
    p[P_TITLE] = DB_T(title);
    p[P_CHANNEL] = DB_T(channel);
    p[P_CLASS] = DB_T(class_name);
    p[P_CATEGORY] = DB_T(gen_category_name(category));
    p[P_CONTENT] = DB_T(content);
    p[P_REGION] = DB_T(region);
    p[P_COMPLAINED] = complained != GEN_NONE ? DB_I(g->units[complained].id) : DB_NUL;
    p[P_COLLECTIVE] = DB_I(collective);
    p[P_HEADCOUNT] = collective ? DB_I(gen_rng_range(&r, 5, 80)) : DB_NUL;
    p[P_CONFIDENTIAL] = DB_I(confidential);
    p[P_QUERY_CODE] = DB_T(code_kept);
    p[P_PNAME] = DB_T(arena_strdup(a, g->people[me->person].name));
    p[P_PCOUNT] = DB_I((int64_t)n);
    p[P_REPEAT_OF] = orig ? DB_I(orig->id) : DB_NUL;

    struct db_val *row = gen_row(b, GT_TRACK);
    if (!row)
        return ERR_NOMEM;
    row[0] = DB_I(id);
    row[1] = DB_T(code_kept);
    row[2] = last4 ? DB_T(arena_strdup(a, key)) : DB_NUL;

    /* the full-text document (title and content, joined as the engine joins them) and the
     * near-duplicate fingerprint (as dup_index stores it) */
    const char *doc = arena_printf(a, "%s %s", title, content);
    e = doc ? fts_row(g, b, GT_PETITION_FTS, id, doc) : ERR_NOMEM;
    struct minhash mh;
    minhash_text(content, strlen(content), &mh);
    if (!e && mh.nshingles) {
        row = gen_row(b, GT_MINHASH);
        if (!row)
            return ERR_NOMEM;
        row[0] = DB_I(id);
        row[1] = DB_I((int64_t)mh.sig);
        for (int k = 0; k < MINHASH_BANDS; k++)
            row[2 + k] = DB_I(mh.band[k]);
    }
    if (!e)
        e = life_rows(g, b, life, id, ms, region);
    return e ? e : a->failed ? ERR_NOMEM : ERR_OK;
}

/* ---- Arrivals ------------------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

enum err gen_schedule_init(struct gen_schedule *s, const struct gen *g)
{
    memset(s, 0, sizeof(*s));
    s->first_day = calendar_today(g->start);
    s->ndays = g->until_day - s->first_day;
    s->day = -1;
    s->per_day = calloc((size_t)s->ndays, sizeof(int64_t));
    double *w = calloc((size_t)s->ndays, sizeof(double));
    if (!s->per_day || !w) {
        free(w);
        return ERR_NOMEM;
    }
    double total = 0, cum = 0;
    for (int32_t d = 0; d < s->ndays; d++) {
        w[d] = (calendar_is_workday(g->cal, s->first_day + d) ? 1.0 : 0.3) *
               (1.0 + 0.3 * d / s->ndays);
        total += w[d];
    }
    int64_t before = 0;
    for (int32_t d = 0; d < s->ndays; d++) {
        cum += w[d];
        int64_t upto = llround((double)g->petitions * cum / total);
        s->per_day[d] = upto - before;
        before = upto;
    }
    free(w);
    return ERR_OK;
}

enum err gen_schedule_next(struct gen_schedule *s, const struct gen *g, int64_t *ms)
{
    while (s->next == s->n) {
        if (++s->day >= s->ndays)
            return ERR_INTERNAL;
        int32_t day = s->first_day + s->day;
        int64_t n = s->per_day[s->day];
        free(s->ms);
        s->ms = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
        if (!s->ms)
            return ERR_NOMEM;
        struct gen_rng r;
        gen_rng_init(&r, g->seed, GEN_S_SCHEDULE, (uint64_t)day);
        bool work = calendar_is_workday(g->cal, day);
        for (int64_t k = 0; k < n; k++) {
            int64_t t;
            if (work && gen_rng_chance(&r, 0.85))
                t = 8 * 3600 + gen_rng_below(&r, 10 * 3600); /* office hours */
            else if (work)
                t = gen_rng_below(&r, DAY); /* online, any hour */
            else
                t = 7 * 3600 + gen_rng_below(&r, 16 * 3600);
            s->ms[k] =
                ((int64_t)day * DAY - DEADLINE_SHANGHAI_SHIFT + t) * 1000 + gen_rng_below(&r, 1000);
        }
        qsort(s->ms, (size_t)n, sizeof(int64_t), cmp_i64);
        s->n = n;
        s->next = 0;
    }
    int64_t t = s->ms[s->next++];
    *ms = t > s->last_ms ? t : s->last_ms + 1;
    s->last_ms = *ms;
    return ERR_OK;
}

void gen_schedule_release(struct gen_schedule *s)
{
    free(s->per_day);
    free(s->ms);
}

/* shegong gen: one petition's life from registration to now (gen.h). The transitions, their
 * target states and their clock rules are read from the petition workflow's tables
 * (petition_model.c), the clocks computed with engine/deadline.h as the server computes
 * them, and the time stamps set as petition.c's on_transition sets them; what is drawn here
 * is only which way the item goes and when. */
#include <stdio.h>
#include <string.h>

#include "cli/gen.h"
#include "engine/deadline.h"
#include "modules/petition/petition.h"

#define DAY 86400

struct flow {
    struct gen_life *l;
    struct gen_rng *r;
    const struct calendar *cal;
    struct arena *a;
    enum err err;
};

int64_t gen_office_time(struct gen_rng *r, const struct calendar *cal, int64_t t, int min_days,
                        int max_days)
{
    int32_t day = calendar_today(t) + gen_rng_range(r, min_days, max_days);
    for (int i = 0; i < 40 && !calendar_is_workday(cal, day); i++)
        day++;
    int64_t secs = 8 * 3600 + 1800 + (int64_t)gen_rng_below(r, 9 * 3600); /* 08:30-17:30 */
    int64_t at = (int64_t)day * DAY - DEADLINE_SHANGHAI_SHIFT + secs;
    return at > t ? at : t + gen_rng_range(r, 600, 7200);
}

/* ---- The history's fields, as the API shows them (JSON, compact) --------------------------- */

struct fields {
    struct sbuf b;
};

static void fields_init(struct fields *f)
{
    sbuf_init(&f->b, 65536);
    sbuf_addc(&f->b, '{');
}

static void fields_str(struct fields *f, const char *key, const char *value)
{
    if (!value)
        return;
    sbuf_adds(&f->b, f->b.len > 1 ? ",\"" : "\"");
    sbuf_add_json_str(&f->b, key);
    sbuf_adds(&f->b, "\":\"");
    sbuf_add_json_str(&f->b, value);
    sbuf_addc(&f->b, '"');
}

static void fields_int(struct fields *f, const char *key, int64_t value)
{
    sbuf_addf(&f->b, "%s\"%s\":%lld", f->b.len > 1 ? "," : "", key, (long long)value);
}

/* The object in a, NULL when it is empty (the history keeps no fields then). */
static const char *fields_done(struct fields *f, struct arena *a)
{
    sbuf_addc(&f->b, '}');
    const char *s = f->b.len > 2 && !sbuf_err(&f->b) ? arena_strdup(a, f->b.buf) : NULL;
    sbuf_release(&f->b);
    return s;
}

/* ---- Transitions and clocks ---------------------------------------------------------------- */

static const struct transition *transition_of(const char *state, const char *action)
{
    const struct workflow *w = petition_entity.workflow;
    for (const struct transition *t = w->transitions; t->action; t++) {
        if (strcmp(t->action, action) != 0)
            continue;
        if (strcmp(t->from, state) == 0)
            return t;
        if (strcmp(t->from, "*") == 0)
            for (const struct state_def *s = w->states; s->name; s++)
                if (strcmp(s->name, state) == 0 && !s->final)
                    return t;
    }
    return NULL;
}

static struct gen_clock *clock_named(struct gen_life *l, const char *name)
{
    for (size_t i = 0; i < GEN_CLOCKS; i++) {
        if (!l->clocks[i].name) {
            l->clocks[i].name = name;
            return &l->clocks[i];
        }
        if (strcmp(l->clocks[i].name, name) == 0)
            return &l->clocks[i];
    }
    return NULL;
}

/* deadline.c's deadline_apply on the clocks in memory. */
static enum err apply_rules(struct flow *f, const struct deadline_rule *rules, int64_t at,
                            int64_t extension_days)
{
    for (const struct deadline_rule *rule = rules; rule && rule->name; rule++) {
        struct gen_clock *k = clock_named(f->l, rule->name);
        if (!k)
            return ERR_INTERNAL;
        bool running = k->state && strcmp(k->state, "running") == 0;
        bool paused = k->state && strcmp(k->state, "paused") == 0;
        int64_t due = 0;
        enum err err = ERR_OK;
        switch (rule->op) {
        case DL_START: /* a restart begins afresh */
            err =
                deadline_due(f->cal, at, rule->unit, rule->amount, rule->roll_forward, &due, NULL);
            *k = (struct gen_clock){.name = rule->name,
                                    .label = rule->label ? rule->label : rule->name,
                                    .started = at,
                                    .due = due,
                                    .state = "running"};
            break;
        case DL_STOP:
            if (!running && !paused)
                return ERR_INTERNAL;
            k->state = "stopped";
            k->paused_at = 0;
            k->stopped_at = at;
            break;
        case DL_PAUSE:
            if (!running)
                return ERR_INTERNAL;
            k->state = "paused";
            k->paused_at = at;
            break;
        case DL_RESUME:
            if (!paused)
                return ERR_INTERNAL;
            k->due = deadline_resume(k->due, k->paused_at, at);
            k->state = "running";
            k->paused_at = 0;
            break;
        case DL_EXTEND: {
            if (!running || k->extended)
                return ERR_INTERNAL;
            int amount = rule->amount_field ? (int)extension_days : rule->amount;
            amount = amount < 1 ? 1 : amount > rule->amount ? rule->amount : amount;
            err =
                deadline_extend(f->cal, k->due, rule->unit, amount, rule->roll_forward, &due, NULL);
            k->due = due;
            k->extended = true;
            break;
        }
        }
        if (err)
            return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* Takes action at time at if that is not after now: the state, the clocks, the history
 * and the time stamps change; false when it did not happen (the life ends there). */
static bool take(struct flow *f, const char *action, int64_t at, const char *fields,
                 int64_t extension_days)
{
    struct gen_life *l = f->l;
    if (f->err || at > l->now || l->nevents == GEN_MAX_EVENTS)
        return false;
    const struct transition *t = transition_of(l->state, action);
    if (!t) {
        f->err = ERR_INTERNAL;
        return false;
    }
    f->err = apply_rules(f, t->deadlines, at, extension_days);
    if (f->err)
        return false;
    l->events[l->nevents++] = (struct gen_event){
        .action = t->action, .from = l->state, .to = t->to, .at = at, .fields = fields};
    l->state = t->to;
    l->version++;
    l->updated_at = at;
    /* petition.c's stamps */
    if (strcmp(action, "route") == 0)
        l->routed_at = at;
    else if (strcmp(action, "accept") == 0)
        l->accepted_at = at;
    else if (strcmp(action, "reply") == 0)
        l->replied_at = at;
    else if (strcmp(action, "rate") == 0)
        l->rated_at = at;
    else if (strcmp(action, "review") == 0)
        l->reviewed_at = at;
    else if (strcmp(action, "rereview") == 0)
        l->rereviewed_at = l->closed_at = at;
    else if (strcmp(action, "close") == 0 || strcmp(action, "reject") == 0)
        l->closed_at = at;
    else if (strcmp(action, "uphold_objection") == 0)
        l->unit_id = l->routed_at = 0;
    return true;
}

static bool reject(struct flow *f, int64_t at, const char *reason)
{
    const char *guidance = gen_reject_guidance(f->r, f->a, reason, f->l->county);
    struct fields j;
    fields_init(&j);
    fields_str(&j, "reject_reason", reason);
    fields_str(&j, "reject_guidance", guidance);
    if (!take(f, "reject", at, fields_done(&j, f->a), 0))
        return false;
    f->l->reject_reason = reason;
    f->l->reject_guidance = guidance;
    return true;
}

static bool route(struct flow *f, int64_t at, int64_t unit)
{
    struct fields j;
    fields_init(&j);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)unit);
    fields_str(&j, "unit_id", id);
    if (!take(f, "route", at, fields_done(&j, f->a), 0))
        return false;
    f->l->unit_id = unit;
    return true;
}

static const char *pick(struct gen_rng *r, const char *const *names, const unsigned *w, size_t n)
{
    return names[gen_rng_weighted(r, w, n)];
}

/* From routed: rejected by the unit, objected to (and routed again when upheld), or
 * accepted. *t moves along; false when the life ended. */
static bool to_acceptance(struct flow *f, int64_t *t)
{
    struct gen_life *l = f->l;
    struct gen_rng *r = f->r;
    if (gen_rng_chance(r, 0.03)) {
        reject(f, gen_office_time(r, f->cal, *t, 1, 8), "not_in_remit");
        return false;
    }
    if (gen_rng_chance(r, 0.04)) { /* within the 5 working days */
        const char *reason = gen_objection_reason(r, f->a, l->other_department);
        struct fields j;
        fields_init(&j);
        fields_str(&j, "objection_reason", reason);
        *t = gen_office_time(r, f->cal, *t, 1, 4);
        if (!take(f, "object", *t, fields_done(&j, f->a), 0))
            return false;
        l->objection_reason = reason;
        *t = gen_office_time(r, f->cal, *t, 1, 6);
        if (gen_rng_chance(r, 0.6)) {
            if (!take(f, "dismiss_objection", *t, NULL, 0))
                return false;
        } else {
            if (!take(f, "uphold_objection", *t, NULL, 0))
                return false;
            *t = gen_office_time(r, f->cal, *t, 1, 5);
            if (!route(f, *t, l->route_units[1]))
                return false;
        }
    }
    int days = gen_rng_chance(r, 0.05) ? gen_rng_range(r, 16, 25) : gen_rng_range(r, 0, 12);
    *t = gen_office_time(r, f->cal, *t, days, days);
    return take(f, "accept", *t, NULL, 0);
}

/* From handling: perhaps extended, then replied. */
static bool to_reply(struct flow *f, int64_t *t)
{
    struct gen_life *l = f->l;
    struct gen_rng *r = f->r;
    int64_t accepted = *t;
    int days = gen_rng_chance(r, 0.08) ? gen_rng_range(r, 61, 90) : gen_rng_range(r, 10, 55);
    if (gen_rng_chance(r, 0.06)) {
        int when = gen_rng_range(r, 20, 55);
        int64_t ext_days = gen_rng_range(r, 10, 30);
        const char *reason = gen_extension_reason(r);
        struct fields j;
        fields_init(&j);
        fields_int(&j, "extension_days", ext_days);
        fields_str(&j, "extension_reason", reason);
        if (!take(f, "extend", gen_office_time(r, f->cal, accepted, when, when),
                  fields_done(&j, f->a), ext_days))
            return false;
        l->extension_days = ext_days;
        l->extension_reason = reason;
        if (days <= when)
            days = when + gen_rng_range(r, 3, 30);
    }
    static const char *const kinds[] = {"support", "explain", "not_support"};
    static const unsigned kw[] = {45, 40, 15};
    const char *kind = pick(r, kinds, kw, 3);
    const char *unit = l->route_names[l->unit_id == l->route_units[1] ? 1 : 0];
    const char *facts = gen_reply_facts(r, f->a, l->topic, unit);
    const char *basis = gen_reply_basis(r, f->a, l->category);
    const char *text = gen_reply_text(r, f->a, kind, unit);
    struct fields j;
    fields_init(&j);
    fields_str(&j, "reply_kind", kind);
    fields_str(&j, "reply_facts", facts);
    fields_str(&j, "reply_basis", basis);
    fields_str(&j, "reply_text", text);
    *t = gen_office_time(r, f->cal, accepted, days, days);
    if (*t <= l->updated_at)
        *t = gen_office_time(r, f->cal, l->updated_at, 1, 3);
    if (!take(f, "reply", *t, fields_done(&j, f->a), 0))
        return false;
    l->reply_kind = kind;
    l->reply_facts = facts;
    l->reply_basis = basis;
    l->reply_text = text;
    return true;
}

static bool rate(struct flow *f, int64_t at, const char *rating)
{
    const char *comment = gen_rating_comment(f->r, rating);
    struct fields j;
    fields_init(&j);
    fields_str(&j, "rating", rating);
    fields_str(&j, "rating_comment", comment);
    if (!take(f, "rate", at, fields_done(&j, f->a), 0))
        return false;
    f->l->rating = rating;
    f->l->rating_comment = comment;
    return true;
}

/* 复查 or 复核 (rereview): the decision and its text. */
static bool decide(struct flow *f, int64_t at, bool rereview)
{
    static const char *const decisions[] = {"uphold", "change", "revoke"};
    static const unsigned dw[] = {80, 15, 5};
    const char *decision = pick(f->r, decisions, dw, 3);
    const char *text = gen_review_text(f->r, f->a, decision, rereview);
    struct fields j;
    fields_init(&j);
    fields_str(&j, rereview ? "rereview_decision" : "review_decision", decision);
    fields_str(&j, rereview ? "rereview_text" : "review_text", text);
    if (!take(f, rereview ? "rereview" : "review", at, fields_done(&j, f->a), 0))
        return false;
    if (rereview) {
        f->l->rereview_decision = decision;
        f->l->rereview_text = text;
    } else {
        f->l->review_decision = decision;
        f->l->review_text = text;
    }
    return true;
}

/* From replied: rated or not, then closed, or reviewed (and perhaps 复核) first. */
static void after_reply(struct flow *f, int64_t replied)
{
    struct gen_life *l = f->l;
    struct gen_rng *r = f->r;
    static const char *const ratings[] = {"satisfied", "basic", "unsatisfied"};
    static const unsigned rw[] = {68, 22, 10};
    const char *rating = gen_rng_chance(r, 0.75) ? pick(r, ratings, rw, 3) : NULL;
    int64_t rated = rating ? gen_office_time(r, f->cal, replied, 1, 20) : 0;
    double p_review = rating && strcmp(rating, "unsatisfied") == 0 ? 0.3
                      : strcmp(l->reply_kind, "not_support") == 0  ? 0.15
                                                                   : 0.03;
    int64_t requested = 0;
    if (gen_rng_chance(r, p_review)) { /* within 30 日 of the reply, any hour */
        requested = replied + (int64_t)gen_rng_range(r, 3, 28) * DAY + gen_rng_range(r, 0, DAY);
        if (rated >= requested)
            rating = NULL;
    }
    if (rating && !rate(f, rated, rating))
        return;
    if (!requested) {
        int64_t from = rating ? rated : replied;
        int64_t at = gen_office_time(r, f->cal, replied, 31, 50);
        take(f, "close", at > from ? at : gen_office_time(r, f->cal, from, 1, 5), NULL, 0);
        return;
    }
    if (!take(f, "request_review", requested, NULL, 0))
        return;
    int64_t t = gen_office_time(r, f->cal, requested, 10, 28);
    if (!decide(f, t, false))
        return;
    if (!gen_rng_chance(r, 0.3)) {
        take(f, "close", gen_office_time(r, f->cal, t, 31, 45), NULL, 0);
        return;
    }
    t += (int64_t)gen_rng_range(r, 3, 28) * DAY + gen_rng_range(r, 0, DAY);
    if (!take(f, "request_rereview", t, NULL, 0))
        return;
    if (gen_rng_chance(r, 0.2)) {
        t = gen_office_time(r, f->cal, t, 3, 10);
        if (!take(f, "hearing_start", t, NULL, 0))
            return;
        t = gen_office_time(r, f->cal, t, 1, 7);
        if (!take(f, "hearing_end", t, NULL, 0))
            return;
    }
    decide(f, gen_office_time(r, f->cal, t, 10, 28), true);
}

enum err gen_life_run(struct gen_life *l, struct gen_rng *r, const struct calendar *cal,
                      struct arena *a)
{
    struct flow f = {.l = l, .r = r, .cal = cal, .a = a};
    const struct workflow *w = petition_entity.workflow;
    l->state = w->initial;
    l->version = 1;
    l->updated_at = l->created;
    l->events[l->nevents++] =
        (struct gen_event){.action = "create", .to = w->initial, .at = l->created};
    f.err = apply_rules(&f, w->on_create, l->created, 0);
    if (f.err)
        return f.err;
    int64_t t = l->created;
    if (l->after_rereview || l->repeat_reject) {
        reject(&f, gen_office_time(r, cal, t, 0, 3),
               l->after_rereview ? "after_rereview" : "repeat_in_handling");
        return f.err;
    }
    if (gen_rng_chance(r, 0.04)) {
        static const char *const reasons[] = {"legal_procedure", "not_in_remit", "other"};
        static const unsigned rw[] = {50, 30, 20};
        reject(&f, gen_office_time(r, cal, t, 1, 10), pick(r, reasons, rw, 3));
        return f.err;
    }
    int days = gen_rng_chance(r, 0.06) ? gen_rng_range(r, 16, 30) : gen_rng_range(r, 0, 10);
    t = gen_office_time(r, cal, t, days, days);
    if (route(&f, t, l->route_units[0]) && to_acceptance(&f, &t) && to_reply(&f, &t))
        after_reply(&f, t);
    return f.err;
}

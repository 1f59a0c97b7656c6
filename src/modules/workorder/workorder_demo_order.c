/* The demonstration work orders (workorder_demo.h): the plan of the two months' calls and
 * the walk of each along the workflow of docs/workorder.md at the times the steps happened,
 * leaving the row, its history and its two clocks as the engine would have. A unit's
 * profile (struct wd_quality) decides how it signs, contacts, replies and satisfies. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "engine/deadline.h"
#include "modules/workorder/workorder.h"
#include "modules/workorder/workorder_demo.h"

#define N_FREE 620 /* orders walked freely; the pinned ones come on top */

#define rnd    workorder_demo_rnd
#define chance workorder_demo_chance

/* ---- The plan --------------------------------------------------------------------------- */

/* Orders stopped on purpose where free walks seldom leave them (or leave them only on
 * some days): hours before now they came in, and an urgency they must not have. */
static const struct {
    enum wd_pin pin;
    int count, lo, hi;
    const char *urgency_not;
} pins[] = {
    {WD_DISPATCHED, 4, 1, 5, "urgent"}, {WD_DISPATCHED, 2, 50, 80, NULL},
    {WD_SIGNED, 3, 2, 12, "urgent"},    {WD_CONTACTED, 3, 3, 20, "urgent"},
    {WD_HANDLING, 4, 12, 60, "urgent"}, {WD_HANDLING, 3, 240, 320, "complex"},
    {WD_REPLIED, 3, 24, 72, NULL},      {WD_CALLED_BACK, 3, 48, 120, NULL},
    {WD_RETURNED, 3, 3, 30, NULL},      {WD_REASSIGNED, 3, 100, 400, "urgent"},
    {WD_KEPT, 2, 100, 400, "urgent"},   {WD_EXTENSION, 2, 48, 200, NULL},
};
#define N_RECEIVED 5

static size_t pick_town(struct wd_demo *d)
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

/* A time the hotline takes calls (mostly 7:00–22:00) between from and to. */
static int64_t call_time(struct wd_demo *d, int64_t from, int64_t to)
{
    for (int tries = 0; tries < 20; tries++) {
        int64_t day = from + (int64_t)rnd(d, (uint32_t)((to - from) / WD_DAY + 1)) * WD_DAY;
        int64_t start = day - (day + WD_SHIFT) % WD_DAY; /* midnight in Shanghai */
        int64_t second = chance(d, 90) ? 7 * WD_HOUR + rnd(d, 15 * WD_HOUR) : rnd(d, WD_DAY);
        int64_t t = start + second;
        if (t >= from && t < to)
            return t;
    }
    return from + (int64_t)rnd(d, (uint32_t)(to - from));
}

static int spec_cmp(const void *a, const void *b)
{
    const struct wd_spec *x = a, *y = b;
    return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

enum err workorder_demo_plan(struct wd_demo *d, struct wd_spec **out, size_t *n)
{
    size_t cap = N_FREE + N_RECEIVED;
    for (size_t i = 0; i < WD_NELEMS(pins); i++)
        cap += (size_t)pins[i].count;
    struct wd_spec *s = arena_calloc(d->a, cap, sizeof(*s));
    if (!s)
        return ERR_NOMEM;
    size_t k = 0;
    int64_t last = d->now - 40 * WD_MINUTE;
    for (int i = 0; i < N_FREE && last > d->prev_start; i++) {
        s[k].t0 = call_time(d, d->prev_start, last);
        s[k].town = pick_town(d);
        s[k].cat = workorder_demo_pick_category(d, s[k].t0, NULL);
        k++;
    }
    for (size_t p = 0; p < WD_NELEMS(pins); p++)
        for (int i = 0; i < pins[p].count; i++) {
            int64_t hours = pins[p].lo + rnd(d, (uint32_t)(pins[p].hi - pins[p].lo + 1));
            s[k].t0 = d->now - hours * WD_HOUR - rnd(d, WD_HOUR);
            s[k].pin = pins[p].pin;
            s[k].town = pick_town(d);
            s[k].cat = pins[p].pin == WD_EXTENSION
                           ? workorder_demo_find_category(d, i % 2 ? "ZF-02" : "HJ-05")
                           : workorder_demo_pick_category(d, s[k].t0, pins[p].urgency_not);
            k++;
        }
    int64_t from = d->today_start > d->now - 3 * WD_HOUR ? d->today_start : d->now - 3 * WD_HOUR;
    for (int i = 0; i < N_RECEIVED; i++) {
        int64_t span = d->now - 120 - from;
        s[k].t0 = from + (span > 0 ? (int64_t)rnd(d, (uint32_t)span) : 0);
        s[k].pin = WD_RECEIVED;
        s[k].town = pick_town(d);
        s[k].cat = workorder_demo_pick_category(d, s[k].t0, NULL);
        k++;
    }
    qsort(s, k, sizeof(*s), spec_cmp);
    *out = s;
    *n = k;
    return ERR_OK;
}

/* ---- One order ----------------------------------------------------------------------------- */

struct walk {
    struct wd_demo *d;
    const struct wd_spec *sp;
    const struct wd_cat *cat;
    const char *region;
    int64_t id, t;
    const char *state;
    bool stop, returned, reopened;
    int steps;
    int64_t last_user;
    /* the row */
    struct wd_unit *unit, *copy, *returned_unit;
    int64_t dispatched_at, signed_at, contacted_at, replied_at, called_back_at, closed_at;
    int responded, solved; /* -1: NULL */
    int version, respond_amount, limit_amount, extension_amount;
    const char *respond_unit, *limit_unit, *rate_month;
    const char *return_reason, *return_note, *arbitration, *arbitration_note;
    const char *extension_reason, *extension_state, *contact_note, *reply, *result;
    const char *satisfaction, *callback_note, *redirect_to, *answer;
    struct wd_clock respond, handle;
};

static enum deadline_unit unit_of(const char *name)
{
    return strcmp(name, "minutes") == 0        ? DL_MINUTES
           : strcmp(name, "hours") == 0        ? DL_HOURS
           : strcmp(name, "working_days") == 0 ? DL_WORKING_DAYS
                                               : DL_CALENDAR_DAYS;
}

/* Calendar days roll past holidays (docs/workorder.md). */
static enum err due_of(struct walk *w, int64_t at, const char *unit, int amount, int64_t *due)
{
    int gap = 0;
    enum deadline_unit u = unit_of(unit);
    return deadline_due(w->d->cal, at, u, amount, u == DL_CALENDAR_DAYS, due, &gap);
}

/* Whether a walk pinned so squeezes its steps in before now: those that stop at a state;
 * those that only pass through a return go on freely afterwards. */
static bool squeezes(enum wd_pin pin)
{
    return pin != WD_FREE && pin != WD_REASSIGNED && pin != WD_KEPT;
}

/* Whether the step at *at happens: never after now. A pinned walk squeezes its steps in
 * before now instead, so it reaches its pin. */
static bool happens(struct walk *w, int64_t *at)
{
    if (w->stop)
        return false;
    if (*at <= w->t)
        *at = w->t + 60;
    if (*at > w->d->now - 30) {
        if (!squeezes(w->sp->pin)) {
            w->stop = true;
            return false;
        }
        *at = w->t + (w->d->now - 30 - w->t) / 2;
        if (*at < w->t)
            *at = w->t;
    }
    w->t = *at;
    return true;
}

/* Whether the walk stops here, at its pin. */
static bool pinned(struct walk *w, enum wd_pin pin)
{
    if (w->sp->pin == pin)
        w->stop = true;
    return w->stop;
}

static bool unit_is_street_user(struct walk *w)
{
    return w->unit && w->unit == w->d->street_user_unit;
}

/* A transition to state at the step's time, by the 12345 centre or by the unit. */
static enum err move(struct walk *w, const char *action, const char *to, bool by_unit,
                     const char *fields)
{
    int64_t user = by_unit ? (unit_is_street_user(w) ? w->d->handler : 0) : w->d->dispatcher;
    enum err err =
        workorder_demo_history(w->d, "work_order", w->id, action, w->state, to, user, w->t, fields);
    w->state = to;
    w->steps++;
    w->last_user = user;
    return err;
}

static const char *unit_fields(struct walk *w)
{
    char copy[32] = "null";
    if (w->copy)
        snprintf(copy, sizeof(copy), "\"%" PRId64 "\"", w->copy->id);
    return arena_printf(w->d->a, "{\"unit_id\":\"%" PRId64 "\",\"copy_unit_id\":%s}", w->unit->id,
                        copy);
}

/* Both clocks start afresh at the step's time with the order's snapshot. */
static enum err start_clocks(struct walk *w)
{
    w->respond = (struct wd_clock){.started = w->t, .state = "running"};
    w->handle = (struct wd_clock){.started = w->t, .state = "running"};
    enum err err = due_of(w, w->t, w->respond_unit, w->respond_amount, &w->respond.due);
    if (!err)
        err = due_of(w, w->t, w->limit_unit, w->limit_amount, &w->handle.due);
    w->rate_month = workorder_demo_month(w->d, w->t);
    w->dispatched_at = w->t;
    w->signed_at = w->contacted_at = 0;
    w->responded = -1;
    return err;
}

static enum err dispatch(struct walk *w)
{
    const struct wd_cat *cat = w->cat;
    const struct wd_town *town = &w->d->towns[w->sp->town];
    w->unit = cat->unit ? cat->unit : town->unit;
    w->copy = strcmp(w->unit->kind, "township") == 0 ? w->d->district : NULL;
    bool v2 = cat->v2_from && w->t >= cat->v2_from;
    w->version = v2 ? 2 : 1;
    w->respond_amount = cat->respond;
    w->respond_unit = cat->respond_unit;
    w->limit_amount = v2 ? cat->limit_v2 : cat->limit;
    w->limit_unit = cat->limit_unit;
    enum err err = start_clocks(w);
    if (!err)
        err = move(w, "dispatch", "dispatched", false, unit_fields(w));
    return err;
}

/* Both clocks paused at a return, resumed by a 维持 (the paused time not counted). */
static void pause_clocks(struct walk *w)
{
    w->respond.state = w->handle.state = "paused";
    w->respond.paused_at = w->handle.paused_at = w->t;
}

static void resume_clocks(struct walk *w)
{
    struct wd_clock *k[] = {&w->respond, &w->handle};
    for (size_t i = 0; i < 2; i++) {
        k[i]->due = deadline_resume(k[i]->due, k[i]->paused_at, w->t);
        k[i]->paused_at = 0;
        k[i]->state = "running";
    }
}

/* Where a returned order goes: the category's other handler, or the next street for one
 * outside the first street's area. */
static struct wd_unit *reassign_to(struct walk *w, const char *reason)
{
    struct wd_demo *d = w->d;
    if (strcmp(w->unit->kind, "township") == 0) {
        if (strcmp(reason, "wrong_region") == 0 && d->ntowns > 1)
            return d->towns[(w->sp->town + 1) % d->ntowns].unit;
        return w->cat->def->alt != WD_NONE ? &d->depts[w->cat->def->alt] : d->district;
    }
    return d->towns[w->sp->town].unit;
}

static enum err give_back(struct walk *w)
{
    struct wd_demo *d = w->d;
    int64_t at;
    enum err err = ERR_OK;
    if (chance(d, 40)) {
        at = w->t + 10 * WD_MINUTE + rnd(d, 2 * WD_HOUR);
        if (!happens(w, &at))
            return ERR_OK;
        w->signed_at = w->t;
        err = move(w, "sign", "signed", true, NULL);
    }
    const struct wd_return *rt = &workorder_demo_returns[rnd(d, workorder_demo_nreturns)];
    at = w->t + 30 * WD_MINUTE + rnd(d, 5 * WD_HOUR);
    if (err || !happens(w, &at))
        return err;
    w->returned = true;
    w->return_reason = rt->reason;
    w->return_note = rt->note;
    w->returned_unit = w->unit;
    pause_clocks(w);
    err = move(w, "return", "returned", true,
               arena_printf(d->a, "{\"return_reason\":\"%s\",\"return_note\":\"%s\"}", rt->reason,
                            rt->note));
    if (err || pinned(w, WD_RETURNED))
        return err;
    at = w->t + 2 * WD_HOUR + rnd(d, 28 * WD_HOUR);
    if (!happens(w, &at))
        return ERR_OK;
    bool reassign = w->sp->pin == WD_REASSIGNED ||
                    (w->sp->pin != WD_KEPT && strcmp(rt->reason, "unclear") != 0 && chance(d, 70));
    if (reassign) {
        w->unit = reassign_to(w, rt->reason);
        w->copy = strcmp(w->unit->kind, "township") == 0 ? d->district : NULL;
        w->arbitration = "reassigned";
        w->arbitration_note = workorder_demo_reassign_note;
        err = start_clocks(w);
        if (!err)
            err =
                move(w, "reassign", "dispatched", false,
                     arena_printf(d->a, "{\"unit_id\":\"%" PRId64 "\",\"arbitration_note\":\"%s\"}",
                                  w->unit->id, w->arbitration_note));
        return err;
    }
    w->arbitration = "kept";
    w->arbitration_note = workorder_demo_keep_note;
    resume_clocks(w);
    return move(w, "keep", "dispatched", false,
                arena_printf(d->a, "{\"arbitration_note\":\"%s\"}", w->arbitration_note));
}

/* 申请延期 and, unless the walk stops on it, its decision. */
static enum err extension(struct walk *w)
{
    struct wd_demo *d = w->d;
    int64_t window = w->handle.due - w->t;
    int64_t at = w->t + window / 10 + rnd(d, (uint32_t)(window / 5 + 1));
    if (!happens(w, &at))
        return ERR_OK;
    int most = w->limit_amount < 5 ? w->limit_amount : 5;
    w->extension_amount = 1 + (int)rnd(d, (uint32_t)most);
    w->extension_reason =
        workorder_demo_extension_reasons[rnd(d, workorder_demo_nextension_reasons)];
    w->extension_state = "pending";
    enum err err = move(w, "request_extension", w->state, true,
                        arena_printf(d->a, "{\"extension_amount\":%d,\"extension_reason\":\"%s\"}",
                                     w->extension_amount, w->extension_reason));
    if (err || pinned(w, WD_EXTENSION))
        return err;
    at = w->t + 2 * WD_HOUR + rnd(d, 22 * WD_HOUR);
    if (!happens(w, &at))
        return ERR_OK;
    if (d->extensions++ % 4 == 3) {
        w->extension_state = "rejected";
        return move(w, "reject_extension", w->state, false, NULL);
    }
    int gap = 0;
    enum deadline_unit u = unit_of(w->limit_unit);
    err = deadline_extend(d->cal, w->handle.due, u, w->extension_amount, u == DL_CALENDAR_DAYS,
                          &w->handle.due, &gap);
    w->handle.extended = true;
    w->extension_state = "approved";
    return err ? err : move(w, "approve_extension", w->state, false, NULL);
}

/* 办理答复 then 回访: solved or not, and how the caller feels about it. */
static enum err reply_and_callback(struct walk *w, int solve_bonus)
{
    struct wd_demo *d = w->d;
    const struct wd_quality *q = &w->unit->q;
    bool free = w->sp->pin == WD_FREE;
    if (free && chance(d, q->stall))
        w->stop = true; /* left lying: overdue in time */
    int64_t window = w->handle.due - w->t;
    if (window < 600)
        window = 600;
    int64_t at = chance(d, q->on_time) ? w->t + window / 5 + rnd(d, (uint32_t)(window * 7 / 10))
                                       : w->handle.due + WD_HOUR + rnd(d, 2 * WD_DAY);
    if (!happens(w, &at))
        return ERR_OK;
    bool solved = chance(d, q->solve + solve_bonus);
    w->result = solved ? "solved" : chance(d, 60) ? "explained" : "unsolved";
    w->reply = solved                                ? w->cat->def->solved_reply
               : strcmp(w->result, "explained") == 0 ? w->cat->def->explained_reply
                                                     : workorder_demo_unsolved_reply;
    w->replied_at = w->t;
    w->handle.state = "stopped";
    w->handle.stopped_at = w->t;
    enum err err =
        move(w, "reply", "replied", true, arena_printf(d->a, "{\"result\":\"%s\"}", w->result));
    if (err || pinned(w, WD_REPLIED))
        return err;
    at = w->t + WD_HOUR + rnd(d, 30 * WD_HOUR);
    if (!happens(w, &at))
        return ERR_OK;
    int satisfied = solved ? q->satisfy : q->satisfy - 55;
    w->satisfaction = chance(d, satisfied) ? "satisfied"
                      : chance(d, solved          ? 75
                                  : satisfied > 0 ? 30
                                                  : 10)
                          ? "basic"
                          : "unsatisfied";
    w->solved = solved;
    w->callback_note = workorder_demo_callback_notes[strcmp(w->satisfaction, "satisfied") == 0 ? 0
                                                     : strcmp(w->satisfaction, "basic") == 0   ? 1
                                                                                               : 2];
    w->called_back_at = w->t;
    return move(w, "callback", "called_back", false,
                arena_printf(d->a, "{\"solved\":%s,\"satisfaction\":\"%s\"}",
                             solved ? "true" : "false", w->satisfaction));
}

/* The walk from received: intake, dispatch, handling, call-back, close. */
static enum err walk(struct walk *w, const struct wd_answer *intake)
{
    struct wd_demo *d = w->d;
    enum err err = move(w, "create", "received", false, NULL);
    w->steps = 1;
    if (err || pinned(w, WD_RECEIVED))
        return err;
    int64_t at = w->t + 2 * WD_MINUTE + rnd(d, 12 * WD_MINUTE);
    if (intake) {
        if (!happens(w, &at))
            return ERR_OK;
        w->answer = intake->answer;
        if (intake->redirect_to) {
            w->redirect_to = intake->redirect_to;
            w->closed_at = w->t;
            return move(w, "redirect", "redirected", false,
                        arena_printf(d->a, "{\"redirect_to\":\"%s\"}", intake->redirect_to));
        }
        w->closed_at = w->t;
        return move(w, "answer", "closed", false, NULL);
    }
    bool urgent = strcmp(w->cat->def->urgency, "urgent") == 0;
    at = w->t + (urgent ? 3 * WD_MINUTE + rnd(d, 10 * WD_MINUTE)
                        : 10 * WD_MINUTE + rnd(d, 150 * WD_MINUTE));
    if (!happens(w, &at))
        return ERR_OK;
    err = dispatch(w);
    bool free = w->sp->pin == WD_FREE;
    bool give = w->sp->pin == WD_RETURNED || w->sp->pin == WD_REASSIGNED || w->sp->pin == WD_KEPT ||
                (free && chance(d, w->unit->q.returns));
    if (!err && give)
        err = give_back(w);
    if (err || w->stop || pinned(w, WD_DISPATCHED))
        return err;
    const struct wd_quality *q = &w->unit->q;
    if (free && chance(d, q->stall / 3 + 1)) {
        w->stop = true; /* never signed: the respond clock runs out */
        return ERR_OK;
    }
    /* 签收 and 先行联系, in time or late as the unit works */
    int64_t window = w->respond.due - w->respond.started;
    int64_t contact = chance(d, q->respond)
                          ? w->t + window / 20 + rnd(d, (uint32_t)(window * 4 / 5))
                          : w->respond.due + WD_MINUTE * 10 + rnd(d, (uint32_t)(window * 3 / 5));
    at = w->t + (contact - w->t) * (10 + (int64_t)rnd(d, 50)) / 100;
    if (!happens(w, &at))
        return ERR_OK;
    w->signed_at = w->t;
    err = move(w, "sign", "signed", true, NULL);
    if (err || pinned(w, WD_SIGNED))
        return err;
    if (!happens(w, &contact))
        return ERR_OK;
    w->contacted_at = w->t;
    w->responded = w->contacted_at <= w->respond.due && w->signed_at <= w->respond.due;
    w->respond.state = "stopped";
    w->respond.stopped_at = w->t;
    w->contact_note = workorder_demo_contact_notes[rnd(d, workorder_demo_ncontact_notes)];
    err = move(w, "contact", "contacted", true,
               arena_printf(d->a, "{\"contact_note\":\"%s\"}", w->contact_note));
    if (err || pinned(w, WD_CONTACTED))
        return err;
    window = w->handle.due - w->t;
    at = w->t + 5 * WD_MINUTE + rnd(d, (uint32_t)(window > 0 ? window / 8 + 1 : 600));
    if (!happens(w, &at))
        return ERR_OK;
    err = move(w, "start", "handling", true, NULL);
    bool slow = strcmp(w->cat->def->urgency, "complex") == 0 ||
                strcmp(w->cat->def->urgency, "general") == 0;
    if (!err && (w->sp->pin == WD_EXTENSION || (free && slow && chance(d, 6))))
        err = extension(w);
    if (err || w->stop || pinned(w, WD_HANDLING))
        return err;
    err = reply_and_callback(w, 0);
    if (err || w->stop || pinned(w, WD_CALLED_BACK))
        return err;
    if (free && !w->solved && chance(d, 30)) { /* 重新办理, once */
        at = w->t + WD_HOUR + rnd(d, 6 * WD_HOUR);
        if (!happens(w, &at))
            return ERR_OK;
        w->reopened = true;
        w->handle = (struct wd_clock){.started = w->t, .state = "running"};
        err = due_of(w, w->t, w->limit_unit, w->limit_amount, &w->handle.due);
        if (!err)
            err =
                move(w, "reopen", "handling", false,
                     arena_printf(d->a, "{\"callback_note\":\"%s\"}", workorder_demo_reopen_note));
        if (!err)
            err = reply_and_callback(w, 25);
        if (err || w->stop)
            return err;
    }
    at = w->t + 10 * WD_MINUTE + rnd(d, 20 * WD_HOUR);
    if (!happens(w, &at))
        return ERR_OK;
    w->closed_at = w->t;
    return move(w, "close", "closed", false, NULL);
}

/* A 12-digit code: yyMMdd of the call, then 6 digits, unique. */
static const char *order_code(struct wd_demo *d, int64_t t)
{
    int y, m, dd;
    calendar_to_ymd(calendar_today(t), &y, &m, &dd);
    for (;;) {
        const char *code = arena_printf(d->a, "%02d%02d%02d%06u", y % 100, m, dd, rnd(d, 1000000));
        bool seen = false;
        for (size_t i = 0; code && i < d->ncodes && !seen; i++)
            seen = strcmp(d->codes[i], code) == 0;
        if (seen)
            continue;
        if (code && d->ncodes == d->capcodes) {
            size_t cap = d->capcodes ? d->capcodes * 2 : 1024;
            const char **bigger = arena_calloc(d->a, cap, sizeof(*bigger));
            if (!bigger)
                return NULL;
            if (d->ncodes)
                memcpy(bigger, d->codes, d->ncodes * sizeof(*bigger));
            d->codes = bigger;
            d->capcodes = cap;
        }
        if (code)
            d->codes[d->ncodes++] = code;
        return code;
    }
}

static enum err remember(struct wd_demo *d, const struct walk *w)
{
    if (d->norders == d->caporders) {
        size_t cap = d->caporders ? d->caporders * 2 : 1024;
        struct wd_order *bigger = arena_calloc(d->a, cap, sizeof(*bigger));
        if (!bigger)
            return ERR_NOMEM;
        if (d->norders)
            memcpy(bigger, d->orders, d->norders * sizeof(*bigger));
        d->orders = bigger;
        d->caporders = cap;
    }
    d->orders[d->norders++] = (struct wd_order){.id = w->id,
                                                .contacted_at = w->contacted_at,
                                                .replied_at = w->replied_at,
                                                .state = w->state,
                                                .region = w->region,
                                                .town = w->sp->town,
                                                .cat = (size_t)(w->cat - d->cats),
                                                .unit = w->unit};
    return ERR_OK;
}

#define SET(name, v)   workorder_demo_set(&r, name, v)
#define TEXT(name, s)  SET(name, DB_T(s))
#define TIME(name, t)  workorder_demo_set_time(&r, name, t)
#define UNIT(name, u)  SET(name, (u) ? DB_I((u)->id) : DB_NUL)
#define FLAG(name, b)  SET(name, (b) < 0 ? DB_NUL : DB_I(b))
#define COUNT(name, n) SET(name, (n) ? DB_I(n) : DB_NUL)

static enum err write_order(struct wd_demo *d, struct walk *w, const char *type,
                            const char *channel, const char *content, const char *address)
{
    const char *name = NULL;
    struct db_val enc = DB_NUL, idx = DB_NUL;
    enum err err = w->sp->whistle ? ERR_OK : workorder_demo_caller(d, &name, &enc, &idx);
    const char *code = order_code(d, w->sp->t0);
    if (!err && !code)
        err = ERR_NOMEM;
    if (err)
        return err;
    struct wd_row r = {0};
    SET("id", DB_I(w->id));
    SET("version", DB_I(w->steps));
    TEXT("state", w->state);
    TEXT("code", code);
    TEXT("channel", channel);
    TEXT("type", type);
    TEXT("caller_name", name);
    SET("caller_phone_enc", enc);
    SET("caller_phone_idx", idx);
    TEXT("content", content);
    TEXT("address", address);
    TEXT("region_code", w->region);
    SET("category_id", DB_I(w->cat->id));
    TEXT("urgency", w->cat->def->urgency);
    TIME("received_at", w->sp->t0);
    UNIT("unit_id", w->unit);
    UNIT("copy_unit_id", w->copy);
    COUNT("category_version", w->version);
    COUNT("respond_amount", w->respond_amount);
    TEXT("respond_unit", w->respond_unit);
    COUNT("limit_amount", w->limit_amount);
    TEXT("limit_unit", w->limit_unit);
    TEXT("rate_month", w->rate_month);
    TIME("dispatched_at", w->dispatched_at);
    TIME("signed_at", w->signed_at);
    TIME("contacted_at", w->contacted_at);
    TIME("replied_at", w->replied_at);
    TIME("called_back_at", w->called_back_at);
    TIME("closed_at", w->closed_at);
    TIME("respond_due", w->respond.state ? w->respond.due : 0);
    TIME("handle_due", w->handle.state ? w->handle.due : 0);
    FLAG("responded_in_time", w->responded);
    TEXT("return_reason", w->return_reason);
    TEXT("return_note", w->return_note);
    SET("return_count", DB_I(w->returned ? 1 : 0));
    TEXT("arbitration", w->arbitration);
    TEXT("arbitration_note", w->arbitration_note);
    COUNT("extension_amount", w->extension_amount);
    TEXT("extension_reason", w->extension_reason);
    TEXT("extension_state", w->extension_state);
    TEXT("contact_note", w->contact_note);
    TEXT("reply", w->reply);
    TEXT("result", w->result);
    FLAG("solved", w->solved);
    TEXT("satisfaction", w->satisfaction);
    TEXT("callback_note", w->callback_note);
    TEXT("redirect_to", w->redirect_to);
    TEXT("answer", w->answer);
    SET("source_whistle_id", w->sp->whistle ? DB_I(w->sp->whistle) : DB_NUL);
    TIME("created_at", w->sp->t0);
    TIME("updated_at", w->t);
    SET("created_by", d->dispatcher ? DB_I(d->dispatcher) : DB_NUL);
    SET("updated_by", w->last_user ? DB_I(w->last_user) : DB_NUL);
    UNIT("returned_unit_id", w->returned_unit);
    err = workorder_demo_insert(d, "work_order", &r);
    if (!err)
        err = workorder_demo_clock(d, "work_order", w->id, w->region, WORKORDER_CLOCK_RESPOND,
                                   "签收并先行联系期限", &w->respond);
    if (!err)
        err = workorder_demo_clock(d, "work_order", w->id, w->region, WORKORDER_CLOCK_HANDLE,
                                   "办理反馈期限", &w->handle);
    if (!err)
        err = workorder_demo_audit(d, "work_order.create", "work_order", w->id);
    return err;
}

enum err workorder_demo_order(struct wd_demo *d, const struct wd_spec *sp)
{
    const struct wd_town *town = &d->towns[sp->town];
    size_t pi = rnd(d, (uint32_t)town->nplaces);
    struct walk w = {.d = d,
                     .sp = sp,
                     .cat = &d->cats[sp->cat],
                     .region = sp->region ? sp->region : town->places[pi],
                     .id = id_next(),
                     .t = sp->t0,
                     .responded = -1,
                     .solved = -1};
    /* who calls about what */
    const struct wd_answer *intake = NULL;
    const char *type = "complaint", *channel = "hotline";
    if (sp->whistle) {
        type = "help";
        channel = "whistle";
    } else {
        uint32_t u = rnd(d, 1000);
        type = u < 100   ? "consult"
               : u < 380 ? "help"
               : u < 830 ? "complaint"
               : u < 930 ? "report"
                         : "suggest";
        u = rnd(d, 100);
        channel = u < 80   ? "hotline"
                  : u < 87 ? "web"
                  : u < 93 ? "wechat"
                  : u < 98 ? "app"
                           : "letter";
        if (sp->pin == WD_FREE && strcmp(type, "consult") == 0 && chance(d, 45))
            intake = &workorder_demo_consults[rnd(d, workorder_demo_nconsults)];
        else if (sp->pin == WD_FREE && chance(d, 3)) {
            intake = &workorder_demo_redirects[rnd(d, workorder_demo_nredirects)];
            type = strcmp(intake->redirect_to, "review") == 0 ? "complaint" : "help";
        }
        if (intake)
            w.cat = &d->cats[workorder_demo_find_category(d, intake->category)];
    }
    const char *content = sp->content, *address = NULL;
    const char *place_name = town->place_names[pi];
    if (intake) {
        content = intake->content;
        address = workorder_demo_fill(d, "{地}", place_name);
    } else {
        size_t n = 0, pick;
        for (size_t i = 0; i < workorder_demo_ntexts; i++)
            n += strcmp(workorder_demo_texts[i].category, w.cat->def->code) == 0;
        pick = rnd(d, (uint32_t)(n ? n : 1));
        const struct wd_text *tx = &workorder_demo_texts[0];
        for (size_t i = 0; i < workorder_demo_ntexts; i++)
            if (strcmp(workorder_demo_texts[i].category, w.cat->def->code) == 0 && pick-- == 0) {
                tx = &workorder_demo_texts[i];
                break;
            }
        if (!content)
            content = workorder_demo_fill(d, tx->content, place_name);
        address = workorder_demo_fill(d, tx->where, place_name);
    }
    if (!content || !address)
        return ERR_NOMEM;
    enum err err = walk(&w, intake);
    if (!err)
        err = write_order(d, &w, type, channel, content, address);
    if (!err)
        err = remember(d, &w);
    return err;
}

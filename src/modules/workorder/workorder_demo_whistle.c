/* The demonstration whistles (workorder_demo.h): streets raise 日常哨, 攻坚哨 and 应急哨 over
 * the two months, some from work orders they could not solve alone and some spawning work
 * orders; each summoned department reports (on time or late, as it works), reports back
 * and is rated, or is withdrawn when the whistle is cancelled. Rows, clocks and history as
 * whistle_hooks.c would leave them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/id.h"
#include "core/sbuf.h"
#include "engine/deadline.h"
#include "modules/whistle/whistle.h"
#include "modules/workorder/workorder_demo.h"

#define N_OLD         20 /* raised before the last few days */
#define N_RECENT      5  /* raised in the last few days: units still at work */
#define N_FROM_ORDERS 4
#define N_SPAWNING    3

#define rnd    workorder_demo_rnd
#define chance workorder_demo_chance

/* A few summons go one way on purpose, so that every state shows on any day: the first
 * unit never reports (overdue), reports late, or is done while the others still work. */
enum script { SC_FREE, SC_STALL, SC_LATE, SC_DONE_OTHERS_WORKING };
enum plan { P_FREE, P_STALL, P_LATE, P_DONE, P_HOLD };

static enum plan plan_of(enum script script, int i)
{
    switch (script) {
    case SC_FREE:
        break;
    case SC_STALL:
        return i == 0 ? P_STALL : P_FREE;
    case SC_LATE:
        return i == 0 ? P_LATE : P_FREE;
    case SC_DONE_OTHERS_WORKING:
        return i == 0 ? P_DONE : P_HOLD;
    }
    return P_FREE;
}

struct summons {
    int64_t id, due, reported_at, handled_at, rated_at, withdrawn_at;
    struct wd_unit *unit;
    const char *state, *report_note, *handling_note, *comment;
    int in_time, timeliness, effect, attitude, steps;
};

struct whistle {
    int64_t id, t, accepted_at, cancelled_at, order;
    const struct wd_whistle *tp;
    size_t town;
    const char *region, *state, *code, *address, *problem;
    struct summons s[4];
    int n, steps;
    bool recent, cancel;
    enum script script; /* what its first summoned unit is made to do */
};

static const char *whistle_code(struct wd_demo *d, int64_t t, const char **used, size_t n)
{
    int y, m, dd;
    calendar_to_ymd(calendar_today(t), &y, &m, &dd);
    for (;;) {
        const char *code =
            arena_printf(d->a, "CS%02d%02d%02d%06u", y % 100, m, dd, rnd(d, 1000000));
        bool seen = false;
        for (size_t i = 0; code && i < n; i++)
            seen = seen || strcmp(used[i], code) == 0;
        if (!seen)
            return code;
    }
}

/* The 报到 limit of the kind (whistle.h). */
static enum err report_due(struct wd_demo *d, const char *kind, int64_t t, int64_t *due)
{
    int gap = 0;
    if (strcmp(kind, "emergency") == 0)
        return deadline_due(d->cal, t, DL_MINUTES, WHISTLE_EMERGENCY_MINUTES, false, due, &gap);
    if (strcmp(kind, "tackle") == 0)
        return deadline_due(d->cal, t, DL_HOURS, WHISTLE_TACKLE_HOURS, false, due, &gap);
    return deadline_due(d->cal, t, DL_WORKING_DAYS, WHISTLE_DAILY_WORKING_DAYS, false, due, &gap);
}

/* The rating a township gives a unit that works as q says. */
static int score(struct wd_demo *d, int quality)
{
    int base = quality >= 90 ? 4 : quality >= 80 ? 3 : 2;
    int s = base + (int)rnd(d, 2);
    return s > 5 ? 5 : s < 1 ? 1 : s;
}

/* How the i-th summoned unit works the whistle, up to now (or the cancellation). */
static enum err walk_summons(struct wd_demo *d, struct whistle *w, struct summons *s, int i)
{
    const struct wd_quality *q = &s->unit->q;
    enum plan plan = plan_of(w->script, i);
    bool forced = plan == P_DONE || plan == P_HOLD;
    s->state = "summoned";
    s->steps = 1;
    enum err err = report_due(d, w->tp->kind, w->t, &s->due);
    if (err)
        return err;
    int64_t window = s->due - w->t;
    bool stall = plan == P_STALL || (plan == P_FREE && w->recent && chance(d, 35));
    s->in_time = plan != P_LATE && (forced || chance(d, q->respond));
    int64_t at = s->in_time ? w->t + window / 10 + rnd(d, (uint32_t)(window * 4 / 5))
                            : s->due + window / 10 + rnd(d, (uint32_t)(window + 1));
    if (forced && at > d->now - 60)
        at = w->t + (d->now - 60 - w->t) / 3;
    if (w->cancel || stall || at > d->now - 60)
        return ERR_OK;
    s->state = "reported";
    s->steps++;
    s->reported_at = at;
    s->in_time = at <= s->due;
    s->report_note = workorder_demo_report_notes[rnd(d, workorder_demo_nreport_notes)];
    if (plan == P_HOLD)
        return ERR_OK;
    int64_t work = strcmp(w->tp->kind, "emergency") == 0 ? WD_HOUR + rnd(d, 4 * WD_HOUR)
                   : strcmp(w->tp->kind, "tackle") == 0  ? WD_DAY / 2 + rnd(d, 3 * WD_DAY)
                                                         : WD_DAY + rnd(d, 6 * WD_DAY);
    at += work;
    if (plan == P_DONE && at > d->now - 60)
        at = s->reported_at + (d->now - 60 - s->reported_at) / 2;
    if (at > d->now - 60)
        return ERR_OK;
    s->state = "done";
    s->steps++;
    s->handled_at = at;
    s->handling_note = workorder_demo_handling_notes[rnd(d, workorder_demo_nhandling_notes)];
    return ERR_OK;
}

static enum err history(struct wd_demo *d, const char *entity, int64_t id, const char *action,
                        const char *from, const char *to, int64_t user, int64_t at,
                        const char *fields)
{
    return workorder_demo_history(d, entity, id, action, from, to, user, at, fields);
}

/* The summons row, its clock and its history. */
static enum err write_summons(struct wd_demo *d, const struct whistle *w, const struct summons *s,
                              int64_t raiser)
{
    const char *month = workorder_demo_month(d, w->t);
    struct wd_row r = {0};
    workorder_demo_set(&r, "id", DB_I(s->id));
    workorder_demo_set(&r, "version", DB_I(s->steps));
    workorder_demo_set(&r, "state", DB_T(s->state));
    workorder_demo_set(&r, "whistle_id", DB_I(w->id));
    workorder_demo_set(&r, "unit_id", DB_I(s->unit->id));
    workorder_demo_set(&r, "region_code", DB_T(w->region));
    workorder_demo_set(&r, "kind", DB_T(w->tp->kind));
    workorder_demo_set(&r, "rate_month", DB_T(month));
    workorder_demo_set(&r, "summoned_at", DB_I(w->t));
    workorder_demo_set(&r, "report_due", DB_I(s->due));
    workorder_demo_set_time(&r, "reported_at", s->reported_at);
    workorder_demo_set(&r, "reported_in_time",
                       s->reported_at ? DB_I(s->reported_at <= s->due ? 1 : 0) : DB_NUL);
    workorder_demo_set(&r, "report_note", DB_T(s->report_note));
    workorder_demo_set_time(&r, "handled_at", s->handled_at);
    workorder_demo_set(&r, "handling_note", DB_T(s->handling_note));
    workorder_demo_set(&r, "rating_timeliness", s->rated_at ? DB_I(s->timeliness) : DB_NUL);
    workorder_demo_set(&r, "rating_effect", s->rated_at ? DB_I(s->effect) : DB_NUL);
    workorder_demo_set(&r, "rating_attitude", s->rated_at ? DB_I(s->attitude) : DB_NUL);
    workorder_demo_set(&r, "rating_comment", DB_T(s->comment));
    workorder_demo_set_time(&r, "rated_at", s->rated_at);
    int64_t last = s->rated_at       ? s->rated_at
                   : s->withdrawn_at ? s->withdrawn_at
                   : s->handled_at   ? s->handled_at
                   : s->reported_at  ? s->reported_at
                                     : w->t;
    workorder_demo_set(&r, "created_at", DB_I(w->t));
    workorder_demo_set(&r, "updated_at", DB_I(last));
    workorder_demo_set(&r, "created_by", raiser ? DB_I(raiser) : DB_NUL);
    workorder_demo_set(&r, "updated_by",
                       raiser && (s->rated_at || s->withdrawn_at) ? DB_I(raiser) : DB_NUL);
    enum err err = workorder_demo_insert(d, "whistle_summons", &r);
    struct wd_clock k = {.started = w->t, .due = s->due, .state = "running"};
    if (s->reported_at || s->withdrawn_at) {
        k.state = "stopped";
        k.stopped_at = s->reported_at ? s->reported_at : s->withdrawn_at;
    }
    if (!err)
        err = workorder_demo_clock(d, "whistle_summons", s->id, w->region, WHISTLE_CLOCK_REPORT,
                                   "报到时限", &k);
    const char *E = "whistle_summons";
    if (!err)
        err = history(d, E, s->id, "create", NULL, "summoned", raiser, w->t, NULL);
    if (!err && s->reported_at)
        err = history(d, E, s->id, "report", "summoned", "reported", 0, s->reported_at,
                      arena_printf(d->a, "{\"report_note\":\"%s\"}", s->report_note));
    if (!err && s->handled_at)
        err = history(d, E, s->id, "finish", "reported", "done", 0, s->handled_at,
                      arena_printf(d->a, "{\"handling_note\":\"%s\"}", s->handling_note));
    if (!err && s->rated_at)
        err = history(d, E, s->id, "rate", "done", "rated", raiser, s->rated_at,
                      arena_printf(d->a,
                                   "{\"rating_timeliness\":%d,\"rating_effect\":%d,"
                                   "\"rating_attitude\":%d,\"rating_comment\":\"%s\"}",
                                   s->timeliness, s->effect, s->attitude, s->comment));
    if (!err && s->withdrawn_at)
        err = history(d, E, s->id, "withdraw", s->reported_at ? "reported" : "summoned",
                      "withdrawn", raiser, s->withdrawn_at, NULL);
    return err;
}

static enum err write_whistle(struct wd_demo *d, struct whistle *w)
{
    struct wd_town *town = &d->towns[w->town];
    int64_t raiser = town->unit == d->street_user_unit ? d->handler : 0;
    struct sbuf b;
    sbuf_init(&b, 4096);
    sbuf_adds(&b, "[");
    for (int i = 0; i < w->n; i++)
        sbuf_addf(&b, "%s%" PRId64, i ? "," : "", w->s[i].unit->id);
    sbuf_adds(&b, "]");
    const char *units = sbuf_err(&b) ? NULL : arena_strdup(d->a, b.buf);
    sbuf_release(&b);
    if (!units)
        return ERR_NOMEM;
    int64_t last = w->accepted_at ? w->accepted_at : w->cancelled_at ? w->cancelled_at : w->t;
    struct wd_row r = {0};
    workorder_demo_set(&r, "id", DB_I(w->id));
    workorder_demo_set(&r, "version", DB_I(w->steps));
    workorder_demo_set(&r, "state", DB_T(w->state));
    workorder_demo_set(&r, "code", DB_T(w->code));
    workorder_demo_set(&r, "kind", DB_T(w->tp->kind));
    workorder_demo_set(&r, "title", DB_T(w->tp->title));
    workorder_demo_set(&r, "problem", DB_T(w->problem));
    workorder_demo_set(&r, "address", DB_T(w->address));
    workorder_demo_set(&r, "region_code", DB_T(w->region));
    workorder_demo_set(&r, "unit_id", DB_I(town->unit->id));
    workorder_demo_set(&r, "summoned_units", DB_T(units));
    workorder_demo_set(&r, "work_order_id", w->order ? DB_I(w->order) : DB_NUL);
    workorder_demo_set(&r, "raised_at", DB_I(w->t));
    workorder_demo_set(&r, "rate_month", DB_T(workorder_demo_month(d, w->t)));
    workorder_demo_set_time(&r, "accepted_at", w->accepted_at);
    workorder_demo_set(&r, "result_note", DB_T(w->accepted_at ? w->tp->result : NULL));
    workorder_demo_set(
        &r, "cancel_reason",
        DB_T(w->cancelled_at ? "经现场核实，问题已由属地自行解决，无需部门报到。" : NULL));
    workorder_demo_set(&r, "created_at", DB_I(w->t));
    workorder_demo_set(&r, "updated_at", DB_I(last));
    workorder_demo_set(&r, "created_by", raiser ? DB_I(raiser) : DB_NUL);
    workorder_demo_set(&r, "updated_by", raiser ? DB_I(raiser) : DB_NUL);
    enum err err = workorder_demo_insert(d, "whistle", &r);
    if (!err)
        err = history(d, "whistle", w->id, "create", NULL, "raised", raiser, w->t,
                      w->order ? arena_printf(d->a, "{\"work_order_id\":\"%" PRId64 "\"}", w->order)
                               : NULL);
    if (!err && w->accepted_at)
        err = history(d, "whistle", w->id, "accept", "raised", "accepted", raiser, w->accepted_at,
                      NULL);
    if (!err && w->cancelled_at)
        err = history(d, "whistle", w->id, "cancel", "raised", "cancelled", raiser, w->cancelled_at,
                      NULL);
    for (int i = 0; !err && i < w->n; i++)
        err = write_summons(d, w, &w->s[i], raiser);
    if (!err)
        err = workorder_demo_audit(d, "whistle.create", "whistle", w->id);
    if (!err && w->order)
        err = db_exec(d->c,
                      "UPDATE work_order SET whistle_id = $1, version = version + 1 WHERE id = $2",
                      DB_ARGS(DB_I(w->id), DB_I(w->order)), NULL);
    return err;
}

/* A whistle at t: its summons walked, then accepted, cancelled or left raised. */
static enum err one(struct wd_demo *d, struct whistle *w)
{
    w->state = "raised";
    w->steps = 1;
    const struct wd_town *town = &d->towns[w->town];
    size_t pi = rnd(d, (uint32_t)town->nplaces);
    if (!w->region)
        w->region = town->places[pi];
    w->address = workorder_demo_fill(d, w->tp->where, town->place_names[pi]);
    w->problem = workorder_demo_fill(d, w->tp->problem, town->place_names[pi]);
    if (!w->address || !w->problem)
        return ERR_NOMEM;
    w->n = 0;
    int ndepts = 0;
    while (ndepts < 4 && w->tp->depts[ndepts] != WD_NONE)
        ndepts++;
    int take = ndepts > 1 && chance(d, 25) ? ndepts - 1 : ndepts; /* sometimes fewer */
    for (int i = 0; i < take; i++) {
        w->s[w->n] = (struct summons){.id = id_next(), .unit = &d->depts[w->tp->depts[i]]};
        enum err err = walk_summons(d, w, &w->s[w->n], i);
        if (err)
            return err;
        w->n++;
    }
    if (w->cancel) {
        w->cancelled_at = w->t + 2 * WD_HOUR + rnd(d, 20 * WD_HOUR);
        if (w->cancelled_at > d->now - 60)
            w->cancelled_at = w->t + (d->now - 60 - w->t) / 2;
        w->state = "cancelled";
        w->steps++;
        for (int i = 0; i < w->n; i++) {
            w->s[i].state = "withdrawn";
            w->s[i].withdrawn_at = w->cancelled_at;
            w->s[i].steps++;
        }
        return ERR_OK;
    }
    int64_t last = 0;
    for (int i = 0; i < w->n; i++) {
        if (!w->s[i].handled_at)
            return ERR_OK; /* a unit still at work: the whistle stays raised */
        if (w->s[i].handled_at > last)
            last = w->s[i].handled_at;
    }
    int64_t at = last + 2 * WD_HOUR + rnd(d, 22 * WD_HOUR);
    if (at > d->now - 60)
        return ERR_OK;
    w->accepted_at = at;
    w->state = "accepted";
    w->steps++;
    for (int i = 0; i < w->n; i++) {
        struct summons *s = &w->s[i];
        const struct wd_quality *q = &s->unit->q;
        s->rated_at = at;
        s->state = "rated";
        s->steps++;
        s->timeliness = s->in_time ? 4 + (int)rnd(d, 2) : 2 + (int)rnd(d, 2);
        s->effect = score(d, q->solve + 10);
        s->attitude = score(d, q->satisfy + 5);
        int sum = s->timeliness + s->effect + s->attitude;
        s->comment = workorder_demo_rating_comments[sum >= 13 ? 0 : sum >= 10 ? 1 : 2];
    }
    return ERR_OK;
}

/* The order a street could not solve alone: one of its own, contacted, not yet replied
 * when the whistle was raised a little after the contact. */
static bool from_order(struct wd_demo *d, struct whistle *w, size_t start)
{
    for (size_t k = 0; k < d->norders; k++) {
        const struct wd_order *o = &d->orders[(start + k) % d->norders];
        if (!o->unit || strcmp(o->unit->kind, "township") != 0 || !o->contacted_at)
            continue;
        if (o->unit != d->towns[o->town].unit)
            continue; /* reassigned to another street */
        int64_t t = o->contacted_at + WD_HOUR + rnd(d, 20 * WD_HOUR);
        int64_t end = o->replied_at ? o->replied_at : d->now;
        if (t > end - WD_HOUR || t > d->now - 2 * WD_DAY)
            continue;
        w->t = t;
        w->order = o->id;
        w->town = o->town;
        w->region = o->region;
        const char *code = workorder_demo_categories[o->cat].code;
        w->tp = NULL;
        for (size_t i = 0; i < workorder_demo_nwhistles && !w->tp; i++)
            if (workorder_demo_whistles[i].category &&
                strcmp(workorder_demo_whistles[i].category, code) == 0)
                w->tp = &workorder_demo_whistles[i];
        if (!w->tp)
            continue;
        return true;
    }
    return false;
}

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

enum err workorder_demo_whistles_load(struct wd_demo *d)
{
    enum { N = N_OLD + N_RECENT + N_FROM_ORDERS };
    struct whistle *ws = arena_calloc(d->a, N, sizeof(*ws));
    const char **codes = arena_calloc(d->a, N, sizeof(*codes));
    if (!ws || !codes)
        return ERR_NOMEM;
    size_t n = 0;
    int64_t old_end = d->now - 4 * WD_DAY;
    for (int i = 0; i < N_OLD && old_end > d->prev_start; i++, n++) {
        struct whistle *w = &ws[n];
        w->t = d->prev_start + (int64_t)rnd(d, (uint32_t)(old_end - d->prev_start));
        w->t -= (w->t + WD_SHIFT) % WD_DAY - 8 * WD_HOUR - rnd(d, 10 * WD_HOUR);
        if (w->t > old_end)
            w->t = old_end;
        w->town = pick_town(d);
        w->tp = &workorder_demo_whistles[rnd(d, workorder_demo_nwhistles)];
        w->cancel = i == 3 || i == 14;
        w->script = i == 0 ? SC_LATE : SC_FREE;
    }
    for (int i = 0; i < N_RECENT; i++, n++) {
        struct whistle *w = &ws[n];
        w->t = d->now - 6 * WD_HOUR - rnd(d, 74 * WD_HOUR);
        w->town = pick_town(d);
        w->tp = &workorder_demo_whistles[(size_t)(i * 5 + 2) % workorder_demo_nwhistles];
        w->recent = true;
        w->script = i == 0 ? SC_STALL : i == 1 ? SC_DONE_OTHERS_WORKING : SC_FREE;
    }
    for (int i = 0; i < N_FROM_ORDERS && d->norders; i++)
        if (from_order(d, &ws[n], rnd(d, (uint32_t)d->norders)))
            n++;
    int spawned = 0;
    enum err err = ERR_OK;
    for (size_t i = 0; !err && i < n; i++) {
        struct whistle *w = &ws[i];
        w->id = id_next();
        for (size_t j = 0; j < i && w->order; j++)
            if (ws[j].order == w->order)
                w->order = 0; /* one whistle per order */
        w->code = codes[i] = whistle_code(d, w->t, codes, i);
        err = one(d, w);
        if (!err)
            err = write_whistle(d, w);
        /* a work order the whistle spawned, for a part one department does on its own */
        int64_t t0 = w->t + WD_HOUR + rnd(d, 3 * WD_HOUR);
        int64_t end = w->accepted_at ? w->accepted_at : w->cancelled_at ? 0 : d->now - WD_DAY;
        if (!err && spawned < N_SPAWNING && w->tp->category && t0 < end && !w->order) {
            struct wd_spec sp = {.t0 = t0,
                                 .town = w->town,
                                 .region = w->region,
                                 .cat = workorder_demo_find_category(d, w->tp->category),
                                 .whistle = w->id,
                                 .content = arena_printf(d->a, "吹哨事项“%s”派生工单：%s",
                                                         w->tp->title, w->problem)};
            err = sp.content ? workorder_demo_order(d, &sp) : ERR_NOMEM;
            spawned++;
        }
    }
    return err;
}

/* The demonstration month of 接诉即办 and 吹哨报到 (workorder_demo*.c), for those files only:
 * what the demo says (workorder_demo_texts.c), the state one load shares, and the steps
 * the files hand each other. Every table ends with a NULL first member or where its count
 * says. */
#ifndef SHEGONG_MODULES_WORKORDER_DEMO_H
#define SHEGONG_MODULES_WORKORDER_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "db/db.h"

#define WD_COUNTY    "110105000000" /* 朝阳区 */
#define WD_DAY       86400
#define WD_HOUR      3600
#define WD_MINUTE    60
#define WD_SHIFT     (8 * 3600) /* Asia/Shanghai */
#define WD_NELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- Texts (workorder_demo_texts.c) ----------------------------------------------------- */

/* The departments at 朝阳区 the catalogue names (found by name, made when missing). */
enum wd_dept {
    WD_CITY,        /* 城市管理委员会 */
    WD_HOUSING,     /* 住房和城乡建设委员会 */
    WD_TRANSPORT,   /* 交通委员会 */
    WD_ENVIRONMENT, /* 生态环境局 */
    WD_MARKET,      /* 市场监督管理局 */
    WD_WATER,       /* 水务局 */
    WD_GREEN,       /* 园林绿化局 */
    WD_HEALTH,      /* 卫生健康委员会 */
    WD_POLICE,      /* 公安分局 */
    WD_NDEPTS,
    WD_NONE = -1
};
extern const char *const workorder_demo_depts[WD_NDEPTS];
extern const char workorder_demo_district[]; /* 朝阳区人民政府 */

/* Seasonal: heating only from 15 November to 15 March. */
enum { WD_WINTER = 1 };

/* A category of the demo's catalogue; parent NULL for the eight parents. handler is
 * "township", "department" (dept) or "district"; alt is where a return of it is
 * reassigned: a department for a township category, WD_NONE for the street. */
struct wd_category {
    const char *code, *name, *parent, *handler;
    int dept;
    const char *urgency, *keywords, *description;
    int weight;
    unsigned flags;
    int alt;
    const char *solved_reply, *explained_reply; /* 办理答复 */
};
extern const struct wd_category workorder_demo_categories[];
extern const size_t workorder_demo_ncategories;

/* What a caller says about a category: {地} is the community, {n} a small number; where is
 * the address in the same way. */
struct wd_text {
    const char *category, *content, *where;
};
extern const struct wd_text workorder_demo_texts[];
extern const size_t workorder_demo_ntexts;

/* A consultation answered at intake, a call told to go elsewhere. */
struct wd_answer {
    const char *category, *content, *answer, *redirect_to;
};
extern const struct wd_answer workorder_demo_consults[];
extern const size_t workorder_demo_nconsults;
extern const struct wd_answer workorder_demo_redirects[];
extern const size_t workorder_demo_nredirects;

/* Notes by situation. */
extern const char *const workorder_demo_contact_notes[];
extern const size_t workorder_demo_ncontact_notes;
extern const char *const workorder_demo_unsolved_reply;
extern const char *const workorder_demo_callback_notes[3]; /* satisfied, basic, unsatisfied */
extern const char *const workorder_demo_reopen_note;
struct wd_return {
    const char *reason, *note;
};
extern const struct wd_return workorder_demo_returns[];
extern const size_t workorder_demo_nreturns;
extern const char *const workorder_demo_reassign_note;
extern const char *const workorder_demo_keep_note;
extern const char *const workorder_demo_extension_reasons[];
extern const size_t workorder_demo_nextension_reasons;

/* Names: a surname and a given name. */
extern const char *const workorder_demo_surnames[];
extern const size_t workorder_demo_nsurnames;
extern const char *const workorder_demo_given[];
extern const size_t workorder_demo_ngiven;

/* A whistle: kind (daily, tackle, emergency), the departments it summons (WD_NONE ends the
 * list), the category of the work orders it may spawn. */
struct wd_whistle {
    const char *kind, *title, *problem, *where, *result;
    int depts[4];
    const char *category;
};
extern const struct wd_whistle workorder_demo_whistles[];
extern const size_t workorder_demo_nwhistles;
extern const char *const workorder_demo_report_notes[];
extern const size_t workorder_demo_nreport_notes;
extern const char *const workorder_demo_handling_notes[];
extern const size_t workorder_demo_nhandling_notes;
extern const char *const workorder_demo_rating_comments[3]; /* good, fair, poor */

/* ---- One load (workorder_demo.c) ---------------------------------------------------------- */

/* How a handling unit works: percentages of orders contacted in time, solved, satisfied
 * when solved, replied in time, left lying (overdue), returned. */
struct wd_quality {
    int respond, solve, satisfy, on_time, stall, returns;
};

struct wd_unit {
    int64_t id;
    const char *name, *kind, *region;
    struct wd_quality q;
};

struct wd_town {
    const char *code, *name;
    struct wd_unit *unit;
    const char **places, **place_names; /* communities (the street itself when none) */
    size_t nplaces;
    int weight;
};

/* A category as loaded: its row, its rules and the unit it names. */
struct wd_cat {
    const struct wd_category *def;
    int64_t id;
    struct wd_unit *unit; /* department or district; NULL for a township category */
    const char *respond_unit, *limit_unit;
    int respond, limit;
    int64_t v2_from; /* when version 2 (limit_v2) took effect, 0: never changed */
    int limit_v2;
};

/* A work order the load wrote, for the whistles. */
struct wd_order {
    int64_t id, contacted_at, replied_at;
    const char *state, *region;
    size_t town, cat;
    struct wd_unit *unit;
};

struct wd_demo {
    struct db_conn *c;
    struct arena *a;
    int64_t now, month_start, prev_start, today_start; /* instants */
    uint64_t rng;
    const struct calendar *cal;
    int64_t dispatcher, handler; /* the demo users' ids (history), 0 when missing */
    struct wd_unit *district, *street_user_unit;
    struct wd_unit depts[WD_NDEPTS];
    struct wd_town *towns;
    size_t ntowns;
    struct wd_cat *cats;
    size_t ncats;
    struct wd_order *orders;
    size_t norders, caporders;
    int extensions;     /* decided so far: every fourth is refused */
    const char **codes; /* work order codes so far (unique) */
    size_t ncodes, capcodes;
};

uint32_t workorder_demo_rnd(struct wd_demo *d, uint32_t n);
bool workorder_demo_chance(struct wd_demo *d, int percent);
/* "YYYY-MM" of instant t in Asia/Shanghai, in the load's arena. */
const char *workorder_demo_month(struct wd_demo *d, int64_t t);
/* text with {地} replaced by place and {n} by a small number. */
const char *workorder_demo_fill(struct wd_demo *d, const char *text, const char *place);
/* A caller's name and sealed phone (enc, idx). */
enum err workorder_demo_caller(struct wd_demo *d, const char **name, struct db_val *enc,
                               struct db_val *idx);
/* A workflow_history row of entity's row id. fields is JSON or NULL. */
enum err workorder_demo_history(struct wd_demo *d, const char *entity, int64_t id,
                                const char *action, const char *from, const char *to, int64_t user,
                                int64_t at, const char *fields);
/* A clock row of entity's row id. */
struct wd_clock {
    int64_t started, due, paused_at, stopped_at;
    const char *state; /* NULL: no clock */
    bool extended;
};
enum err workorder_demo_clock(struct wd_demo *d, const char *entity, int64_t id, const char *region,
                              const char *name, const char *label, const struct wd_clock *k);
enum err workorder_demo_audit(struct wd_demo *d, const char *action, const char *type, int64_t id);
/* An INSERT of up to WD_MAX_COLS named values. */
#define WD_MAX_COLS 72
struct wd_row {
    const char *names[WD_MAX_COLS];
    struct db_val vals[WD_MAX_COLS];
    int n;
};
void workorder_demo_set(struct wd_row *r, const char *name, struct db_val v);
void workorder_demo_set_time(struct wd_row *r, const char *name, int64_t t); /* 0: NULL */
enum err workorder_demo_insert(struct wd_demo *d, const char *table, const struct wd_row *r);

/* ---- Work orders (workorder_demo_order.c) -------------------------------------------------- */

/* What a walk is asked for: where it stops, if anywhere before its natural end. */
enum wd_pin {
    WD_FREE,
    WD_RECEIVED,
    WD_DISPATCHED,
    WD_SIGNED,
    WD_CONTACTED,
    WD_HANDLING,
    WD_REPLIED,
    WD_CALLED_BACK,
    WD_RETURNED,
    WD_REASSIGNED, /* returned, reassigned, then free */
    WD_KEPT,       /* returned, kept, then free */
    WD_EXTENSION,  /* an extension requested and left pending */
};

struct wd_spec {
    int64_t t0;
    enum wd_pin pin;
    size_t town, cat;
    const char *region;  /* the place, instead of one of the street's communities */
    int64_t whistle;     /* spawned by this whistle (channel whistle) */
    const char *content; /* instead of a template */
};

/* The plan of the month's orders (sorted by time) and one order walked and written. */
enum err workorder_demo_plan(struct wd_demo *d, struct wd_spec **out, size_t *n);
enum err workorder_demo_order(struct wd_demo *d, const struct wd_spec *sp);
size_t workorder_demo_pick_category(struct wd_demo *d, int64_t t, const char *urgency_not);
size_t workorder_demo_find_category(struct wd_demo *d, const char *code);

/* ---- Whistles (workorder_demo_whistle.c) --------------------------------------------------- */

/* About twenty-five whistles over the two months, some raised from work orders and some
 * spawning them, with their summons, clocks, ratings and history. */
enum err workorder_demo_whistles_load(struct wd_demo *d);

#endif

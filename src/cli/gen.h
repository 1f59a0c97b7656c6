/* shegong gen, synthetic data at any size. The parts, internal to src/cli/: gen.c the
 * command (options, the run, the writing thread and the drawing thread), gen_places.c the
 * counties, places and units the data lives in, gen_rows.c the rows of one petition or
 * person, gen_flow.c a petition's life through the workflow, gen_text.c the random streams
 * and the words, gen_words.c the templates.
 *
 * Determinism: everything is drawn from gen_rng streams keyed by (seed, stream, index), so
 * the n-th petition's words and life do not depend on how the others were drawn; the same
 * seed on a database in the same state (regions, units, calendar, earlier runs) writes the
 * same rows. Sealed values are the exception: crypto_seal takes a fresh random IV each time,
 * so they differ byte for byte and open to the same numbers. */
#ifndef SHEGONG_CLI_GEN_H
#define SHEGONG_CLI_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/sbuf.h"
#include "db/db.h"

/* ---- Random streams (gen_text.c) ----------------------------------------------------------- */

struct gen_rng {
    uint64_t s;
};

enum gen_stream {
    GEN_S_SCHEDULE = 1, /* when petitions arrive */
    GEN_S_PETITION,     /* one petition's choices and life */
    GEN_S_TEXT,         /* one petition's words (a repeat re-reads its original's) */
    GEN_S_PERSON,       /* one person */
    GEN_S_SETUP,        /* counties and units */
};

void gen_rng_init(struct gen_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
uint64_t gen_rng_next(struct gen_rng *r);
/* 0..n-1 (n > 0). */
uint32_t gen_rng_below(struct gen_rng *r, uint32_t n);
/* lo..hi, both included. */
int gen_rng_range(struct gen_rng *r, int lo, int hi);
/* [0, 1). */
double gen_rng_unit(struct gen_rng *r);
bool gen_rng_chance(struct gen_rng *r, double p);
/* An index into weights[0..n) drawn in proportion to the weights. */
size_t gen_rng_weighted(struct gen_rng *r, const unsigned *weights, size_t n);

/* ---- The templates (gen_words.c) ----------------------------------------------------------- */

#define GEN_MAX_CATEGORIES 16

/* A sentence of the main complaint and the short topic it is about. */
struct gen_topic {
    const char *text, *topic;
};

struct gen_category {
    const char *name;
    unsigned weight;                     /* per mille of petitions */
    unsigned accusation, suggestion;     /* per cent of the category's items */
    const char *department;              /* a word of the handling department's name */
    const char *const *openings;         /* NULL-terminated */
    const struct gen_topic *mains;       /* {NULL}-terminated */
    const struct gen_topic *accusations; /* NULL: the general ones */
    const struct gen_topic *suggestions; /* NULL: the general ones */
    const char *const *details;          /* NULL-terminated */
    const char *const *requests;         /* NULL-terminated */
    const char *const *basis;            /* laws a reply cites, NULL-terminated */
};
extern const struct gen_category gen_categories[];
extern const size_t gen_ncategories;

/* What every category shares: general accusations and suggestions for categories without
 * their own, and the phrases around the main complaint. Lists are NULL-terminated. */
struct gen_phrases {
    const struct gen_topic *accusations, *suggestions;
    const char *const *attempts, *const *closings;
    const char *const *accusation_openings, *const *accusation_closings;
    const char *const *suggestion_openings, *const *suggestion_closings;
    const char *const *grievance_titles, *const *accusation_titles, *const *suggestion_titles;
};
extern const struct gen_phrases gen_phrases;

/* ---- Words (gen_text.c) -------------------------------------------------------------------- */

/* Where a petition is: the names its text may mention. */
struct gen_where {
    const char *county;   /* 朝阳区 */
    const char *township; /* 建外街道 (the county's name again when there is none) */
    const char *village;  /* 光华里社区 (NULL: the text invents one) */
};

/* Categories, in the proportions petitions have them; names are petition_category items. */
size_t gen_category_pick(struct gen_rng *r);
const char *gen_category_name(size_t category);
/* The class of an item of the category: "grievance", "accusation" or "suggestion". */
const char *gen_class_pick(struct gen_rng *r, size_t category);
const char *gen_channel_pick(struct gen_rng *r);
/* The county department that handles the category (a word of its unit's name). */
const char *gen_category_department(size_t category);
/* The departments gen creates in each county, NULL-terminated ("住房和城乡建设局"). */
extern const char *const gen_departments[];

/* The words of one petition, written into arena a: its content, a short topic ("锦绣花园
 * 供暖温度不达标") and its title: one an officer would give it, or for about two in five the
 * first 30 characters of the content, as registration titles an untitled item. */
struct gen_words {
    const char *content, *topic, *title;
};
void gen_petition_words(uint64_t seed, uint64_t index, const struct gen_where *where,
                        size_t category, const char *class_name, struct arena *a,
                        struct gen_words *out);

/* The officers' and units' texts, drawn from r into a. */
const char *gen_reply_facts(struct gen_rng *r, struct arena *a, const char *topic,
                            const char *unit_name);
const char *gen_reply_basis(struct gen_rng *r, struct arena *a, size_t category);
const char *gen_reply_text(struct gen_rng *r, struct arena *a, const char *kind,
                           const char *unit_name);
const char *gen_reject_guidance(struct gen_rng *r, struct arena *a, const char *reason,
                                const char *county);
const char *gen_extension_reason(struct gen_rng *r);
const char *gen_objection_reason(struct gen_rng *r, struct arena *a, const char *department);
const char *gen_rating_comment(struct gen_rng *r, const char *rating); /* NULL: none given */
const char *gen_review_text(struct gen_rng *r, struct arena *a, const char *decision,
                            bool rereview);

/* ---- People (gen_text.c) ------------------------------------------------------------------- */

/* A person's name ("王建国", "欧阳婷"), female or not. */
void gen_person_name(struct gen_rng *r, bool female, char *out, size_t len);
/* A valid citizen ID number (GB 11643 check character) of someone born on birth (YYYYMMDD)
 * in county (6 digits): odd sequence digit for men, even for women. */
void gen_idcard(struct gen_rng *r, const char county[6], int birth, bool female, char out[19]);
/* An 11-digit mobile number. */
void gen_mobile(struct gen_rng *r, char out[12]);
/* A home address in the place named (a 村 gets 组/号, anything else a flat in an estate). */
void gen_address(struct gen_rng *r, const char *place, char *out, size_t len);
/* A name for a housing estate, to fill in texts and addresses. */
const char *gen_estate(struct gen_rng *r, struct arena *a);

/* ---- A petition's life (gen_flow.c) -------------------------------------------------------- */

#define GEN_MAX_EVENTS 24
#define GEN_CLOCKS     5

/* One workflow clock as the deadline table holds it. */
struct gen_clock {
    const char *name, *label;
    int64_t started, due, paused_at, stopped_at;
    const char *state; /* NULL: never started */
    bool extended;
};

/* One row of workflow_history. */
struct gen_event {
    const char *action, *from, *to;
    int64_t at;
    const char *fields; /* JSON object as the history shows it, or NULL */
};

/* What happens to a petition up to now: its final columns, history and clocks. */
struct gen_life {
    /* inputs */
    int64_t created, now;
    size_t category;
    const char *class_name;
    const char *topic;
    int64_t complained_unit;
    bool repeat_reject;     /* reject at once: the same matter is being handled */
    bool after_rereview;    /* reject at once: the same matter was closed after 复核 */
    const char *county;     /* names for the texts */
    int64_t route_units[2]; /* the unit routed to first, and after an upheld objection */
    const char *route_names[2];
    const char *other_department; /* who an objecting unit says should do it */
    /* outputs: the row */
    const char *state;
    int64_t version, updated_at;
    int64_t unit_id;
    int64_t routed_at, accepted_at, replied_at, rated_at, reviewed_at, rereviewed_at, closed_at;
    const char *reject_reason, *reject_guidance;
    const char *reply_kind, *reply_facts, *reply_basis, *reply_text;
    int64_t extension_days;
    const char *extension_reason, *objection_reason;
    const char *rating, *rating_comment;
    const char *review_decision, *review_text, *rereview_decision, *rereview_text;
    /* the history and the clocks */
    struct gen_event events[GEN_MAX_EVENTS];
    size_t nevents;
    struct gen_clock clocks[GEN_CLOCKS];
};

/* Lives the petition from life->created to life->now with draws from r, following the
 * petition workflow's transitions and clock rules (petition_model.c); strings go into a.
 * ERR_INTERNAL when the model no longer has a transition this file takes. */
enum err gen_life_run(struct gen_life *life, struct gen_rng *r, const struct calendar *cal,
                      struct arena *a);
/* An office hour (08:30-17:30 Asia/Shanghai) on a working day from min_days to max_days
 * days after t, and always after t. */
int64_t gen_office_time(struct gen_rng *r, const struct calendar *cal, int64_t t, int min_days,
                        int max_days);

/* ---- One run: gen.c sets it up and writes, gen_rows.c draws the rows ----------------------- */

#define GEN_NONE UINT32_MAX

struct gen_county {
    char code[13];
    const char *name;
    uint32_t unit0, nunits;
    uint32_t department[GEN_MAX_CATEGORIES]; /* per category: the unit handling it, or NONE */
};

struct gen_town {
    char code[13];
    const char *name;
    uint32_t county;
    uint32_t unit; /* its township office, or GEN_NONE */
};

/* Where people live: a village or community, else a township (or the county itself). */
struct gen_place {
    char code[13];
    const char *name;
    uint32_t county, town; /* town GEN_NONE: none */
    int level;
};

struct gen_unit {
    int64_t id;
    const char *name;
    uint32_t county;
};

struct gen_person {
    int64_t id;
    uint32_t place; /* GEN_NONE until drawn */
    bool inserted;
    char name[24];
    char last4[5]; /* "" without a phone */
};

/* What later petitions need to know of an earlier one (to repeat it). */
struct gen_earlier {
    int64_t id, closed_at;
    uint64_t text; /* whose words it has: its own, or those of the item it repeats */
    uint32_t person, place;
    uint8_t category, class_index;
    bool at_township, rereviewed;
};

struct gen_state_count {
    const char *state;
    int64_t n;
};

struct gen {
    /* options */
    int64_t petitions, persons, batch;
    uint64_t seed;
    int months;
    char region[13];
    int32_t until_day;
    bool bar;
    /* the run */
    bool pg;
    const struct calendar *cal;
    int64_t now, start, epoch_ms; /* the data ends at now and begins at start */
    int run;                      /* earlier runs into this database */
    struct gen_county *counties;
    struct gen_town *towns;
    struct gen_place *places;
    struct gen_unit *units;
    uint32_t ncounties, ntowns, nplaces, nunits, units_made;
    struct gen_person *people;
    struct gen_earlier *earlier;
    uint64_t *idx_set; /* the ID numbers' blind indexes taken (first 64 bits), open addressing */
    size_t idx_mask;
    /* the states the petitions ended in (counted by the thread that draws) */
    struct gen_state_count states[16];
};

/* The tables, in the order a batch writes them (persons before their petitioners). */
enum gen_table {
    GT_PERSON,
    GT_UNIT,
    GT_UNIT_FTS,
    GT_PETITION,
    GT_PETITION_FTS,
    GT_MINHASH,
    GT_PETITIONER,
    GT_TRACK,
    GT_HISTORY,
    GT_DEADLINE,
    GT_COUNT
};

struct gen_table_def {
    const char *name;
    const char *const *cols; /* NULL-terminated */
    int ncols;
    bool fts; /* a full-text table: the body is a tsvector on PostgreSQL */
};
extern const struct gen_table_def gen_tables[GT_COUNT];

/* The rows of one table in a batch: n rows of gen_tables[t].ncols values. */
struct gen_rows {
    struct db_val *vals;
    size_t n, cap;
};

/* A batch: its rows and the arena their text lives in, and how far the run is after it. */
struct gen_batch {
    struct arena a;
    struct gen_rows t[GT_COUNT];
    int64_t petitions_done, persons_done, persons_total;
};

/* The next row of t in b, every value NULL (NULL when out of memory). Fill it before asking
 * for the next row of the same table. */
struct db_val *gen_row(struct gen_batch *b, enum gen_table t);
void gen_batch_release(struct gen_batch *b);

/* id.h's layout with the node ID_NODE_MAX, kept for gen, and the sequence bits split into the
 * run (5 bits) and a slot (7 bits); ms is the row's own time (in the past, so never one a
 * server's id_next will use) and strictly increasing per slot within a run. */
#define GEN_MAX_RUNS     32
#define GEN_SLOT_HISTORY 1  /* + the event's number */
#define GEN_SLOT_CLOCK   32 /* + the clock's number */
#define GEN_SLOT_PERSON  64 /* + the petitioner's number */
#define GEN_SLOT_UNIT    96
#define GEN_SLOT_LONE    100
int64_t gen_id(const struct gen *g, int64_t ms, int slot);

/* Where the data lives (gen_places.c). The counties (at most 16 under g->region, drawn by
 * the seed; for a township or village root, its county), their townships and the places
 * people live in; 0, or 1 with the reason printed. */
int gen_places_load(struct gen *g, struct db_conn *c, struct arena *a);
/* Each county's units: those it has and, when it has fewer than five, its departments and
 * township offices, made into b; then the unit that handles each category there. */
enum err gen_units(struct gen *g, struct db_conn *c, struct arena *a, struct gen_batch *b);
/* The ID numbers registered already (their blind indexes), so that none is made again. */
enum err gen_taken_load(struct gen *g, struct db_conn *c);

/* A unit made by the run, with its full-text document. */
enum err gen_unit_rows(struct gen *g, struct gen_batch *b, int64_t id, const char *name,
                       const char *kind, const char *region);
/* Adds a blind index of an ID number to those taken; false when it was taken already. */
bool gen_taken_add(struct gen *g, const char *idx);
/* Petition i, registered at ms, with every row that goes with it. */
enum err gen_petition(struct gen *g, struct gen_batch *b, uint64_t i, int64_t ms);
/* Person k, if not written yet, registered at ms (ms / 1000) in region (NULL: where the
 * person lives). */
enum err gen_person(struct gen *g, struct gen_batch *b, uint32_t k, int64_t ms, int slot,
                    const char *region);

/* When the petitions arrive: per day in proportion to working days and a slow rise, at
 * office hours mostly; strictly increasing milliseconds. */
struct gen_schedule {
    int32_t first_day, ndays, day;
    int64_t *per_day; /* petitions on each day */
    int64_t *ms;      /* the current day's arrivals, sorted */
    int64_t n, next, last_ms;
};
enum err gen_schedule_init(struct gen_schedule *s, const struct gen *g);
enum err gen_schedule_next(struct gen_schedule *s, const struct gen *g, int64_t *ms);
void gen_schedule_release(struct gen_schedule *s);

#endif

/* People's mediation (人民调解, 枫桥经验; DOMAIN.md §3, docs/mediation.md): mediation
 * committees and their mediators, disputes with their workflow (registered → accepted →
 * mediating → agreement or failure → performed or not → closed), the records of mediation
 * sessions, and the figures (化解率, performance, the level where disputes ended).
 *
 * The entities are tables (mediation_model.c); the hooks (mediation_hooks.c) say what the
 * tables cannot: a committee's three-year term and its 3–9 members, a mediator inside its
 * committee's area, a session only while its dispute is being mediated, and what each
 * transition records beyond its fields. Tables: migration 0013_mediation. */
#ifndef SHEGONG_MODULES_MEDIATION_H
#define SHEGONG_MODULES_MEDIATION_H

#include <stdint.h>

#include "db/db.h"
#include "engine/engine.h"
#include "server/req.h"

/* A committee has three to nine members (委员: 主任, 副主任, 委员; 人民调解法 Art 8); other
 * mediators it engages (专职、兼职人民调解员) are not counted. Its term is three years (Art 9). */
#define MEDIATION_MEMBERS_MIN 3
#define MEDIATION_MEMBERS_MAX 9
#define MEDIATION_TERM_YEARS  3

/* ---- Definitions (mediation_model.c) ------------------------------------------------ */

extern const struct entity mediation_committee_entity;
extern const struct entity mediator_entity;
extern const struct entity dispute_entity;
extern const struct entity dispute_session_entity;

extern const struct enum_def mediation_committee_kind_enum;
extern const struct enum_def mediator_post_enum;
extern const struct enum_def mediator_status_enum;
extern const struct enum_def dispute_type_enum;
extern const struct enum_def dispute_source_enum;
extern const struct enum_def dispute_level_enum;
extern const struct enum_def dispute_outcome_enum;
extern const struct enum_def dispute_performance_enum;
extern const struct enum_def dispute_where_to_go_enum;

/* The clock names of the dispute workflow: acceptance, mediation, and the reminder of the
 * joint application for judicial confirmation (人民调解法 Art 33: within 30 days). */
#define MEDIATION_CLOCK_ACCEPT   "accept"
#define MEDIATION_CLOCK_MEDIATE  "mediate"
#define MEDIATION_CLOCK_JUDICIAL "judicial"

/* ---- Hooks (mediation_hooks.c) -------------------------------------------------------- */

extern const struct entity_hooks mediation_committee_hooks;
extern const struct entity_hooks mediator_hooks;
extern const struct entity_hooks dispute_hooks;
extern const struct entity_hooks dispute_session_hooks;

/* Sets committee's member_count to its active 主任, 副主任 and 委员 (after any change of
 * its mediators). */
enum err mediation_recount_members(struct db_conn *c, int64_t committee);

/* The last day of a committee's term that starts on day (a calendar day number): the day
 * before its third anniversary (a term from 29 February ends on the last day of February). */
int32_t mediation_term_end(int32_t day);

/* The level (dispute_level code: village, township, county, above) of a region code, by
 * the region table's level (the code's own shape when the region is not loaded). */
enum err mediation_level_of(struct db_conn *c, struct arena *a, const char *region_code,
                            const char **level);

/* Stops the reminder of judicial confirmation of dispute id when it still runs (perform
 * and close; also the demo), at now, inside the caller's transaction. */
enum err mediation_stop_reminder(struct db_conn *c, struct arena *a, int64_t id,
                                 const char *region_code, int64_t now, const char **why);

/* ---- Figures (mediation_figures.c) --------------------------------------------------- */

/* GET /api/v1/mediation/figures?region=&from=&to= (mediation.figures). */
enum err mediation_figures(struct req *r);

/* ---- Demonstration data (mediation_demo.c) --------------------------------------------- */

/* Inside the demo's write transaction: committees and mediators across 朝阳区's streets
 * and communities, about sixty disputes in every state with their history, sessions and
 * clocks, and mediation roles for the demo users chaoyang (manager) and jianwai
 * (mediator). now is the load time. */
enum err mediation_demo_load(struct db_conn *c, int64_t now);

#endif

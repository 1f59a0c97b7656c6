/* 街乡吹哨、部门报到 (docs/whistle.md): a township or street raises a whistle (日常哨, 攻坚哨,
 * 应急哨) summoning units; each summoned unit reports (报到) within the kind's limit,
 * handles and reports back; the township accepts the result and rates each unit
 * (timeliness, effect, attitude), and the ratings rank the units each month (反向考核).
 * A work order a street cannot solve becomes a whistle in one step; a whistle can spawn
 * work orders. Tables: migration 0014_workorder (whistle, whistle_summons). */
#ifndef SHEGONG_MODULES_WHISTLE_H
#define SHEGONG_MODULES_WHISTLE_H

#include <stdint.h>

#include "db/db.h"
#include "engine/engine.h"
#include "server/req.h"

extern const struct entity whistle_entity;
extern const struct entity whistle_summons_entity;
extern const struct enum_def *const whistle_enums[]; /* NULL-terminated */
extern const struct entity_hooks whistle_hooks;
extern const struct entity_hooks whistle_summons_hooks;

/* The 报到 limits by kind (configurable defaults, DOMAIN.md §2): 应急哨 30 minutes, 攻坚哨
 * 24 hours, 日常哨 3 working days. */
#define WHISTLE_EMERGENCY_MINUTES  30
#define WHISTLE_TACKLE_HOURS       24
#define WHISTLE_DAILY_WORKING_DAYS 3
#define WHISTLE_CLOCK_REPORT       "report"

extern const struct param_def whistle_month_params[];

/* POST /api/v1/work_order/{id}/whistle (whistle.raise): the order becomes a whistle. */
enum err whistle_from_order(struct req *r);
/* POST /api/v1/whistle/{id}/orders (whistle.raise): a work order spawned by the whistle. */
enum err whistle_spawn_order(struct req *r);
/* GET /api/v1/whistle/figures?month=&region= (whistle.rates): whistles per 100 work orders
 * and per 10,000 residents by township, flagged when too low or too high. */
enum err whistle_figures(struct req *r);
/* GET /api/v1/whistle/ranking?month=&region= (whistle.rates): summoned units ranked by
 * their ratings and on-time 报到 (反向考核). */
enum err whistle_ranking(struct req *r);

#endif

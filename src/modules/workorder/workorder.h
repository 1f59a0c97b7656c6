/* 接诉即办 work orders (docs/workorder.md): the dispatch catalogue (派单目录) and the work
 * order with its workflow (workorder_model.c, workorder_hooks.c), the catalogue's dispatch
 * suggestion, the 三率 per unit and month with their ranking, publication and drill-down
 * (rates.c), 每月一题 (topics.c), the Open311 GeoReport v2 interface (open311.c) and the
 * demonstration month (workorder_demo.c). Tables: migration 0014_workorder.
 *
 * Who reads: readers whose workorder.read comes from a post at a unit (承办单位) see only
 * the orders dispatched or copied to those units; readers by region see their region's.
 * The caller's name and phone are personal data: masked without workorder.identity. */
#ifndef SHEGONG_MODULES_WORKORDER_H
#define SHEGONG_MODULES_WORKORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "engine/engine.h"
#include "server/req.h"

/* ---- Definitions (workorder_model.c) ---------------------------------------------- */

extern const struct entity dispatch_category_entity;
extern const struct entity work_order_entity;
extern const struct enum_def *const workorder_enums[]; /* NULL-terminated */
extern const struct entity_hooks dispatch_category_hooks;
extern const struct entity_hooks work_order_hooks;

/* The clocks of an order: respond (签收并先行联系) and handle (办理反馈), both started at
 * dispatch with the category's amounts and units; extend moves handle by the approved
 * amount. */
#define WORKORDER_CLOCK_RESPOND "respond"
#define WORKORDER_CLOCK_HANDLE  "handle"

/* A limit's unit as stored (dispatch_category.*_unit: minutes, hours, calendar_days,
 * working_days) as the engine's deadline unit; 0 for anything else. */
enum deadline_unit workorder_limit_unit(const char *name);

/* The unit the catalogue suggests for order id: the category's named unit, else for
 * handler_kind township the township (street) unit whose region contains the order's
 * region, for department the category's unit, and the district unit containing the
 * region as the fallback (also when the category names nothing that applies). *copy gets
 * the district unit to copy when the suggestion is a township (0 otherwise); *why a
 * short Chinese explanation. ERR_NOT_FOUND when not even a district unit covers it. */
enum err workorder_suggest(struct req *r, int64_t id, int64_t *unit, int64_t *copy,
                           const char **why);

/* GET /api/v1/work_order/{id}/suggestion (workorder.dispatch):
 * {"unit_id","unit_label","copy_unit_id","copy_unit_label","reason","category":{...rules}} */
enum err workorder_suggestion(struct req *r);

/* ---- 三率 (rates.c) --------------------------------------------------------------------- */

/* The composite's default weights in per mille: 响应率 30 %, 解决率 35 %, 满意率 35 %. */
#define WORKORDER_WEIGHT_RESPONSE     300
#define WORKORDER_WEIGHT_SOLVE        350
#define WORKORDER_WEIGHT_SATISFACTION 350

extern const struct param_def workorder_rates_params[];
extern const struct param_def workorder_rate_orders_params[];
extern const struct param_def workorder_topics_params[];

/* GET /api/v1/workorder/rates?month=YYYY-MM&kind=&region= (workorder.rates) */
enum err workorder_rates(struct req *r);
/* GET /api/v1/workorder/rates/orders?month=&unit=&measure=&ok= (workorder.rates) */
enum err workorder_rate_orders(struct req *r);
/* POST /api/v1/workorder/rates/publish {"month"} (workorder.publish): freezes a month */
enum err workorder_rates_publish(struct req *r);
/* GET and PUT /api/v1/workorder/weights {"response","solve","satisfaction"} (percent) */
enum err workorder_weights_get(struct req *r);
enum err workorder_weights_put(struct req *r);

/* ---- 每月一题 (topics.c) ---------------------------------------------------------------- */

extern const struct entity monthly_topic_entity;
extern const struct entity_hooks monthly_topic_hooks;

/* GET /api/v1/workorder/topics?months=&region=&month= (workorder.topic): the categories
 * recurring most by region over the recent months, as proposals for the month's topic. */
enum err workorder_topics(struct req *r);

/* ---- Open311 GeoReport v2 (open311.c) -------------------------------------------------- */

extern const struct param_def open311_params[];

enum err open311_services(struct req *r);        /* GET /open311/v2/services.json */
enum err open311_requests_list(struct req *r);   /* GET /open311/v2/requests.json */
enum err open311_requests_create(struct req *r); /* POST /open311/v2/requests.json */
enum err open311_request_get(struct req *r);     /* GET /open311/v2/requests/{code} */

/* ---- Demonstration data (workorder_demo.c) ---------------------------------------------- */

/* Inside the demo's write transaction: a catalogue, units, a month of orders in every state
 * across 朝阳区's streets and departments (returns, overdue items, call-backs), whistles
 * with their summons and ratings, and roles for the demo users. now is the load time. */
enum err workorder_demo_load(struct db_conn *c, int64_t now);

#endif

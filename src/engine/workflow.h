/* Workflows of entities (engine.h struct workflow): transitions with their history and
 * deadline clocks, the 督办 notices of the job runner, and the to-do list.
 *
 * Tables (migration 0008_workflow.sql): workflow_history (one row per transition),
 * deadline (one row per named clock of a row), notice (one per deadline and kind, so a
 * notice is created exactly once, also across restarts) and notice_read (read marks). */
#ifndef SHEGONG_ENGINE_WORKFLOW_H
#define SHEGONG_ENGINE_WORKFLOW_H

#include <jansson.h>

#include "engine/engine.h"

/* A new row of e entered its workflow's initial state: records the creation in the
 * history and starts the workflow's on_create clocks. Called by engine_write inside the
 * request's transaction (the row exists already). */
enum err workflow_on_create(struct req *r, const struct entity *e, int64_t id,
                            const char *region_code);

/* Adds "history", "deadlines" ([{"name","label","due","state"}]) and "actions" (what this
 * user may do now, [{"action","label","to","fields":[…]}]) to row, the JSON of the row
 * in state `state`. */
enum err workflow_detail(struct req *r, const struct entity *e, int64_t id, const char *state,
                         const char *region_code, json_t *row);

/* The transitions of a workflow as the console and OpenAPI need them (a new object). */
json_t *workflow_meta(const struct entity *e);

/* The job: marks deadlines due soon or overdue as of now and writes their notices, each
 * exactly once. *created (may be NULL) counts notices written. */
enum err workflow_jobs_run(struct db_conn *c, int64_t now, int *created);
/* The Unix time the job must next run (the nearest due-soon or due time of a running
 * clock); 0 when no clock is running. */
enum err workflow_next_due(struct db_conn *c, int64_t now, int64_t *when);

/* Route handlers: GET /api/v1/todo, GET /api/v1/notices, POST /api/v1/notices/{id}/read. */
enum err workflow_todo(struct req *r);
enum err notices_list(struct req *r);
enum err notices_read(struct req *r);

#endif

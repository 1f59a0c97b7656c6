/* Workflows of entities (engine.h struct workflow): transitions with their history and
 * deadline clocks, the 督办 notices of the job runner, and the to-do list.
 *
 * Tables (migration 0008_workflow.sql): workflow_history (one row per transition),
 * deadline (one row per named clock of a row), notice (one per deadline, kind and due
 * time, so a notice is created exactly once, also across restarts) and notice_read (read
 * marks). */
#ifndef SHEGONG_ENGINE_WORKFLOW_H
#define SHEGONG_ENGINE_WORKFLOW_H

#include <jansson.h>

#include "engine/engine.h"
#include "server/jobs.h"

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

/* The 督办 job (registered with jobs_register at start-up): writes the due-soon and overdue
 * notices of running clocks as of now, each exactly once, counting those written; it must
 * next run at the nearest due-soon or due time of a running clock not yet noticed. */
extern const struct job_def workflow_notice_job;

/* Route handlers: GET /api/v1/todo, GET /api/v1/notices, POST /api/v1/notices/{id}/read. */
enum err workflow_todo(struct req *r);
enum err notices_list(struct req *r);
enum err notices_read(struct req *r);

/* ---- Shared by workflow.c, notices.c and todo.c ------------------------------------- */

/* The label of state name (name itself when unknown). */
const char *workflow_state_label(const struct workflow *w, const char *name);
/* The permission t needs: its own, else the entity's write permission (may be NULL). */
const char *workflow_transition_perm(const struct entity *e, const struct transition *t);
/* Appends to q the SQL condition that column lies in r's scope for perm. */
enum err workflow_scope_sql(struct req *r, const char *perm, const char *column, struct sqlq *q);

#endif

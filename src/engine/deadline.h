/* Deadline clocks of workflow rows: the arithmetic of due times (pure, given a calendar)
 * and the clocks stored in the deadline table (migration 0008_workflow.sql).
 *
 * Conventions:
 * - A due time is the last second that is still in time; a clock is overdue when
 *   due_at < now. Day-based rules end at the end of the due day in Asia/Shanghai
 *   (23:59:59 local, 15:59:59 UTC); hour- and minute-based rules end amount * 3600 s or
 *   amount * 60 s after the start.
 * - Counting starts the day after the start (core/calendar.h period rules): N working days
 *   end on the N-th working day after today, N calendar days on today + N, rolled forward
 *   to the next working day when the rule says so.
 * - A pause freezes the clock; resuming moves the due time by the paused time, in seconds
 *   (so a resumed clock may end at any second of a day).
 * - An extension shifts the due time once: hours and minutes by seconds, days by as many days as
 * the calendar arithmetic from the due date gives, keeping the time of day. */
#ifndef SHEGONG_ENGINE_DEADLINE_H
#define SHEGONG_ENGINE_DEADLINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "engine/engine.h"

#define DEADLINE_DAY_SECONDS    86400
#define DEADLINE_SHANGHAI_SHIFT (8 * 3600)
#define DEADLINE_SOON_DAYS      3 /* struct workflow due_soon_days when 0 */

/* ---- Arithmetic (no database, no clock) ------------------------------------------ */

/* The last second of day (a calendar day number) in Asia/Shanghai. */
int64_t deadline_day_end(int32_t day);
/* The due time of a clock started at now: unit and amount as in struct deadline_rule.
 * ERR_INVALID for a negative amount or a date outside years 1..9999; *gap_year as in
 * core/calendar.h (may be NULL). cal is needed only for day units. */
enum err deadline_due(const struct calendar *cal, int64_t now, enum deadline_unit unit, int amount,
                      bool roll_forward, int64_t *due, int *gap_year);
/* The due time after extending due by amount units (see the conventions above). */
enum err deadline_extend(const struct calendar *cal, int64_t due, enum deadline_unit unit,
                         int amount, bool roll_forward, int64_t *out, int *gap_year);
/* The due time of a clock paused at paused_at and resumed at now. */
int64_t deadline_resume(int64_t due, int64_t paused_at, int64_t now);
/* Whether a running clock is overdue at now, or due within soon_days days (and not yet
 * overdue); soon_days 0 means DEADLINE_SOON_DAYS. */
bool deadline_overdue(int64_t due, int64_t now);
bool deadline_due_soon(int64_t due, int64_t now, int soon_days);
/* The seconds before due at which a clock counts as due soon. */
int64_t deadline_soon_seconds(int soon_days);

/* ---- Stored clocks ----------------------------------------------------------------- */

/* Applies rules ({0}-terminated, may be NULL) to the clocks of row id of e at now, inside
 * the caller's transaction; values are the action's fields (an extension's amount_field),
 * may be NULL. A stopped clock keeps when it stopped (stopped_at), for on-time figures. A rule that
 * cannot apply (a second extension; stopping, pausing, resuming or extending a clock that is not
 * running, or not paused for a resume) answers ERR_CONFLICT with *why set to a Chinese message in
 * a. The calendar is loaded (calendar_db_current) only when a rule counts days. */
enum err deadline_apply(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                        const char *region_code, const struct deadline_rule *rules, int64_t now,
                        json_t *values, const char **why);
/* The clocks of row id as [{"name","label","started","due","state","overdue","due_soon",
 * "extended"}], oldest first (a new array in *out). */
enum err deadline_list_json(struct db_conn *c, struct arena *a, const struct entity *e, int64_t id,
                            int64_t now, json_t **out);

#endif

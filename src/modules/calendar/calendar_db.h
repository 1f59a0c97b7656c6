/* The working-day calendar kept in the database: official days (imported), administrators'
 * corrections over them, and the covered years; loading them into a core calendar, and
 * the per-process cache the server answers from.
 *
 * Invariants: every change to the calendar tables raises calendar_version in the same
 * transaction (calendar_db_touch); the cache compares that version on each use, so a
 * change made by any process on the same database is seen by the next request. */
#ifndef SHEGONG_MODULES_CALENDAR_DB_H
#define SHEGONG_MODULES_CALENDAR_DB_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "db/db.h"

/* The source recorded for administrators' corrections and declared years. */
#define CALENDAR_SOURCE_ADMIN "admin"

/* "holiday", "workday", "ordinary", and back; false for anything else. */
const char *calendar_kind_name(enum calendar_kind k);
bool calendar_kind_parse(const char *s, enum calendar_kind *k);

/* Loads the effective calendar into cal (initialised by the caller): the official days,
 * the corrections over them, and the covered years. */
enum err calendar_db_load(struct db_conn *c, struct calendar *cal);

/* The current calendar from the process cache, reloaded when the database has changed.
 * It stays valid until a is released (a reference is held on the arena). */
enum err calendar_db_current(struct db_conn *c, struct arena *a, const struct calendar **out);

/* Raises the version; call inside the write transaction that changed the calendar. */
enum err calendar_db_touch(struct db_conn *c);

#endif

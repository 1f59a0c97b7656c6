/* Background jobs of a running server: disabling accounts unused for 90 days, removing
 * expired sessions and stale login counters, and the workflow deadline notices
 * (engine/workflow.h). One thread, woken every minute, sooner when a deadline falls due
 * or due soon before that, and at shutdown. */
#ifndef SHEGONG_SERVER_JOBS_H
#define SHEGONG_SERVER_JOBS_H

#include "db/db.h"

struct server;
struct jobs;

struct jobs *jobs_start(struct server *srv);
void jobs_stop(struct jobs *j);
/* Runs every job once on c (also used by tests and the command line). *disabled counts
 * the accounts disabled for inactivity. */
enum err jobs_run_once(struct db_conn *c, int *disabled);
/* The same, also counting the deadline notices written in *notices. */
enum err jobs_run_all(struct db_conn *c, int *disabled, int *notices);

#endif

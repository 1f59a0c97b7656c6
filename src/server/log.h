/* The server's log on stderr: one JSON line per request (access log), per event, and per
 * error. Lines carry route patterns, never raw paths or query strings, so no password,
 * token, ID number or phone number can reach the log. */
#ifndef SHEGONG_SERVER_LOG_H
#define SHEGONG_SERVER_LOG_H

#include <stdint.h>

#include "server/req.h"

void log_access(const struct req *r, int status, int64_t us);
/* An event of the process (start, shutdown, a job's run). */
void log_event(const char *what, const char *text);
/* A statement that took us microseconds (db_set_slow_log): its text, shortened to 2,000
 * bytes, never its bound values. */
void log_slow_sql(const char *sql, int64_t us);
/* An error while serving r, with its request id. */
void log_error(const struct req *r, const char *text);

#endif

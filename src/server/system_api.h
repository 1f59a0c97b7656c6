/* Health, metrics and the test-mode controls. */
#ifndef SHEGONG_SERVER_SYSTEM_API_H
#define SHEGONG_SERVER_SYSTEM_API_H

#include "server/req.h"

enum err system_healthz(struct req *r);
enum err system_metrics(struct req *r);
/* Test mode only: moves the clock ({"advance_seconds": N}) and runs the jobs now. */
enum err system_test_clock(struct req *r);
enum err system_test_jobs(struct req *r);
/* Test mode only: {"fail": true} makes audit appends fail. */
enum err system_test_audit_fail(struct req *r);

#endif

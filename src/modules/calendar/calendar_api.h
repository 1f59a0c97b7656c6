/* The calendar's HTTP handlers: a year's exceptional days, administrators' corrections,
 * declaring a year complete, and deadlines. */
#ifndef SHEGONG_MODULES_CALENDAR_API_H
#define SHEGONG_MODULES_CALENDAR_API_H

#include "server/req.h"

/* GET /api/v1/calendar?year=Y: the year's holidays and make-up working days, whether the
 * year is covered, and every covered year. */
enum err calendar_api_list(struct req *r);
/* PUT /api/v1/calendar/{date} {"kind","name"}: adds or corrects a day. */
enum err calendar_api_put(struct req *r);
/* DELETE /api/v1/calendar/{date}: removes an administrator's entry. */
enum err calendar_api_delete(struct req *r);
/* PUT /api/v1/calendar/years/{year}: declares a year's arrangements complete. */
enum err calendar_api_year_put(struct req *r);
/* DELETE /api/v1/calendar/years/{year}: withdraws that. */
enum err calendar_api_year_delete(struct req *r);
/* GET /api/v1/calendar/deadline?from=&days=&mode=&roll_forward=: {"deadline","warnings"}. */
enum err calendar_api_deadline(struct req *r);

#endif

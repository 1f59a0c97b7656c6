/* What the whistle module's files share (not part of its interface, whistle.h): the
 * month a whistle counts in, and who acts for the raising and the summoned side. */
#ifndef SHEGONG_MODULES_WHISTLE_INTERNAL_H
#define SHEGONG_MODULES_WHISTLE_INTERNAL_H

#include <stdint.h>

#include "server/req.h"

/* At most this many units are summoned by one whistle. */
#define WHISTLE_MAX_UNITS 20

#define WHISTLE_PERM_RAISE  "whistle.raise"
#define WHISTLE_PERM_REPORT "whistle.report"

/* "YYYY-MM", the month of t in Asia/Shanghai. */
void whistle_month_of(int64_t t, char out[8]);

/* ERR_FORBIDDEN (with its message) unless r acts for the raising side of a whistle raised
 * by unit: whistle.raise from a post at that unit, or from a post without a unit (a reader
 * by region; the caller has checked the region scope). */
enum err whistle_check_raiser(struct req *r, int64_t unit);

#endif

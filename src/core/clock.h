/* The process clock. Everything that asks "what time is it" asks here, so a test-mode
 * server can move time forward (session expiry, lockout) without sleeping. */
#ifndef SHEGONG_CORE_CLOCK_H
#define SHEGONG_CORE_CLOCK_H

#include <stdint.h>

/* Unix time in seconds / microseconds, plus the test offset. */
int64_t clock_now(void);
int64_t clock_now_us(void);
/* Monotonic microseconds, for durations; not affected by the offset. */
int64_t clock_mono_us(void);
/* Moves the clock by seconds (only the test mode calls it). */
void clock_advance(int64_t seconds);
/* Formats a Unix time as RFC 3339 UTC ("2026-11-29T08:42:47Z") into out[21]. */
void clock_format_utc(int64_t t, char out[21]);

#endif

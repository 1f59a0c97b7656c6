/* Wall clock with a test offset, and a monotonic clock. */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t offset_s;

int64_t clock_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec + atomic_load(&offset_s)) * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_now(void)
{
    return clock_now_us() / 1000000;
}

int64_t clock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_advance(int64_t seconds)
{
    atomic_fetch_add(&offset_s, seconds);
}

void clock_format_utc(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

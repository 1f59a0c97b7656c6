/* Time-ordered 64-bit ids (see id.h). */
#include "core/id.h"

#include <pthread.h>

#include "core/clock.h"

#define EPOCH_MS 1704067200000LL /* 2024-01-01T00:00:00Z */

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned id_node;
static int64_t last_ms;
static unsigned seq;

void id_set_node(unsigned node)
{
    id_node = node & ID_NODE_MAX;
}

int64_t id_next(void)
{
    pthread_mutex_lock(&id_lock);
    int64_t ms = clock_now_us() / 1000 - EPOCH_MS;
    if (ms < last_ms)
        ms = last_ms; /* the clock went back (or a test moved it): stay monotonic */
    if (ms == last_ms) {
        seq = (seq + 1) & 0xFFF;
        if (seq == 0)
            ms = ++last_ms; /* 4096 ids in one millisecond: borrow the next one */
    } else {
        seq = 0;
    }
    last_ms = ms;
    int64_t id = (ms << 22) | ((int64_t)id_node << 12) | seq;
    pthread_mutex_unlock(&id_lock);
    return id;
}

int64_t id_time_ms(int64_t id)
{
    return (id >> 22) + EPOCH_MS;
}

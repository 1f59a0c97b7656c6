/* A per-thread note that an allocation failed where the caller could not be told: inside
 * jansson (core/jsonin.c) or OpenSSL behind a function without an error result
 * (core/crypto.c). The request dispatcher clears it when a request starts and answers
 * 503, rolling the request back, when it is set (server/reply.h req_alloc_failed). */
#ifndef SHEGONG_CORE_OOM_H
#define SHEGONG_CORE_OOM_H

#include <stdbool.h>

/* Notes a failed allocation on this thread. */
void oom_note(void);
/* Whether one was noted since the last oom_reset on this thread. */
bool oom_noted(void);
void oom_reset(void);

#endif

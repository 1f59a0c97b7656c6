/* The one table of user-visible text (zh-CN). Codes are stable English snake_case; the
 * Chinese text may change. Field messages take the field's 中文 label. */
#ifndef SHEGONG_SERVER_MSG_H
#define SHEGONG_SERVER_MSG_H

#include "core/arena.h"
#include "core/err.h"

/* The default message for an error class. */
const char *msg_err(enum err e);
/* The message for a field error code with the field's label put in, allocated in a;
 * an unknown code gives a generic "<label>无效". */
const char *msg_field(struct arena *a, const char *code, const char *label);
/* A plain message by code ("login_locked" ...); the code itself if unknown. */
const char *msg_text(const char *code);

#endif

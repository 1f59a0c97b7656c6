/* Building answers: the success body, extra headers, field errors, and the one error
 * envelope {"error":{"code","message","details":[{field,code,message}]},"request_id"}.
 * Also the helpers that read a request's JSON body field by field, collecting every
 * field error before failing once. */
#ifndef SHEGONG_SERVER_REPLY_H
#define SHEGONG_SERVER_REPLY_H

#include <jansson.h>
#include <stdbool.h>

#include "server/req.h"

/* Answers with body as JSON (takes the reference). */
enum err reply_json_take(struct req *r, int status, json_t *body);
/* Answers 204 No Content. */
enum err reply_no_content(struct req *r);
/* Adds a response header; name and value must outlive the request (arena or static). */
void reply_header(struct req *r, const char *name, const char *value);
/* Replaces the answer with the error envelope for e (the dispatcher calls it). */
void reply_error(struct req *r, enum err e);

/* Records a field error (code from the message table, label in 中文). Returns ERR_INVALID
 * so a handler can `return req_field_error(...)` for a single mistake. */
enum err req_field_error(struct req *r, const char *field, const char *label, const char *code);
/* Sets the top-level message by text code (msg_text) and returns e. */
enum err req_fail(struct req *r, enum err e, const char *text_code);
/* Whether an allocation failed during the request (the arena's sticky flag, or one noted
 * in a library, core/oom.h): its answer may lack a part, so it is not sent and its writes
 * are not kept. */
bool req_alloc_failed(const struct req *r);

/* Body readers. Each records a field error and returns NULL/false when the value is
 * missing (and required) or has the wrong type or length. maxlen counts characters. */
enum body_req { OPTIONAL = 0, REQUIRED = 1 };
const char *body_str(struct req *r, const char *key, const char *label, enum body_req need,
                     size_t maxlen);
bool body_int(struct req *r, const char *key, const char *label, enum body_req need, int64_t *out);
/* Accepts a 64-bit id as a JSON string of digits or an integer. */
bool body_id(struct req *r, const char *key, const char *label, enum body_req need, int64_t *out);
/* Records unknown_field for every body key not in the NULL-terminated list. */
void body_allow(struct req *r, const char *const *keys);

/* Query parameters after the typed parse (NULL / false when absent). */
const char *query_str(struct req *r, const char *name);
bool query_int(struct req *r, const char *name, int64_t *out);

/* Paging: ?page= (from 1) and ?page_size= as the route's typed parameters gave them, or
 * 1 and default_size. */
void query_page(struct req *r, int64_t default_size, int64_t *page, int64_t *size);
/* Answers {"items":[…],"total","page","page_size"} (takes items). */
enum err reply_page_take(struct req *r, json_t *items, int64_t total, int64_t page, int64_t size);

/* Answers status with the contents of the open file fd (size bytes from its start),
 * taking ownership of fd (closed after sending, or now on failure). filename (may be
 * NULL) is sent as Content-Disposition: attachment with an RFC 5987 UTF-8 name.
 * (server/reply_file.c) */
enum err reply_file_take(struct req *r, int status, int fd, uint64_t size, const char *content_type,
                         const char *filename);

/* JSON values for common types: ids as strings, times as RFC 3339 UTC (null for 0). */
json_t *json_id(int64_t id);
json_t *json_time(int64_t t);

#endif

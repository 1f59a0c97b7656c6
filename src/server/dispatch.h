/* The one dispatcher. Every request passes, in this order: route, method,
 * authentication (and CSRF), permission, region scope, typed parameters, transaction,
 * handler, audit. A handler runs only when all of these passed. */
#ifndef SHEGONG_SERVER_DISPATCH_H
#define SHEGONG_SERVER_DISPATCH_H

#include "server/req.h"

/* Runs the request and leaves the answer in r (status, out, headers). */
void dispatch(struct req *r);
/* After dispatch returned with r->suspended set (a write waiting for its batch's commit,
 * the connection suspended), libmicrohttpd calls again once the writer resumed it: this
 * makes the answer from the write's result. */
void dispatch_resume(struct req *r);
/* Answers an error before the dispatcher runs (413 on the first call). */
void dispatch_reject(struct req *r, enum err e, const char *text_code);

#endif

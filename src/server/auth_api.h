/* Handlers of the /api/v1/auth routes. */
#ifndef SHEGONG_SERVER_AUTH_API_H
#define SHEGONG_SERVER_AUTH_API_H

#include "server/req.h"

enum err auth_login(struct req *r);
enum err auth_logout(struct req *r);
enum err auth_me(struct req *r);
enum err auth_password(struct req *r);

/* Answers a completed login, {"user","csrf"} and the members of extra (taken; may be
 * NULL), for r->user (id, username, loaded roles) and its display name. */
enum err auth_login_reply(struct req *r, const char *display_name, const char *csrf, json_t *extra);

#endif

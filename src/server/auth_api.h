/* Handlers of the /api/v1/auth routes. */
#ifndef SHEGONG_SERVER_AUTH_API_H
#define SHEGONG_SERVER_AUTH_API_H

#include "server/req.h"

enum err auth_login(struct req *r);
enum err auth_logout(struct req *r);
enum err auth_me(struct req *r);
enum err auth_password(struct req *r);

#endif

/* Handlers for user administration (sysadmin), role grants (secadmin) and the role list. */
#ifndef SHEGONG_SERVER_USERS_API_H
#define SHEGONG_SERVER_USERS_API_H

#include "server/req.h"

enum err users_list(struct req *r);
enum err users_get(struct req *r);
enum err users_create(struct req *r);
enum err users_lock(struct req *r);
enum err users_unlock(struct req *r);
enum err users_reset_password(struct req *r);
enum err users_grant(struct req *r);
enum err users_revoke(struct req *r);
enum err roles_list(struct req *r);

#endif

/* The definitions: the route table, the built-in roles and the permission catalogue.
 * Data, not code; the server is handed them at start-up. */
#ifndef SHEGONG_MODEL_MODEL_H
#define SHEGONG_MODEL_MODEL_H

#include "server/access.h"
#include "server/req.h"

extern const struct route routes[];
extern const struct role_def builtin_roles[];
extern const struct perm_def permissions[];

#endif

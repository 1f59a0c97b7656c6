/* The definitions: the route table, the entities and enums, the built-in roles and the
 * permission catalogue. Data, not code; the server is handed them at start-up. */
#ifndef SHEGONG_MODEL_MODEL_H
#define SHEGONG_MODEL_MODEL_H

#include "db/migrate.h"
#include "engine/engine.h"
#include "server/access.h"
#include "server/req.h"

extern const struct route routes[];
extern const struct role_def builtin_roles[];
extern const struct perm_def permissions[];
extern const struct entity *const model_entities[];
extern const struct enum_def *const model_enums[];

/* Definitions added by a test build (an entity that exists only in the tests, with its
 * table, roles and permissions). NULL in the shipped program. */
struct model_extra {
    const struct entity *const *entities;
    const struct enum_def *const *enums;
    const struct migration *migrations; /* applied after the built-in ones */
    const struct role_def *roles;
    const struct perm_def *perms;
};
extern const struct model_extra *model_extra;

#endif

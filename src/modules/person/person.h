/* Citizens (person, DOMAIN.md §0): each held once, with the ID and phone numbers sealed,
 * found through their blind indexes, and answered masked unless the reader holds
 * person.identity over the person's region (docs/personal-data.md). The entity is defined
 * in src/model/entities.c; these are its hooks. */
#ifndef SHEGONG_MODULES_PERSON_H
#define SHEGONG_MODULES_PERSON_H

#include "engine/engine.h"

extern const struct entity_hooks person_hooks;

#endif

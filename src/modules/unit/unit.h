/* Units (departments and organs that receive work) at a region: the first region-scoped
 * business data. The entity engine will take these routes over from a definition. */
#ifndef SHEGONG_MODULES_UNIT_H
#define SHEGONG_MODULES_UNIT_H

#include "server/req.h"

enum err unit_list(struct req *r);
enum err unit_get(struct req *r);
enum err unit_create(struct req *r);
enum err unit_update(struct req *r);

#endif

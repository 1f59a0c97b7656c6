/* Citizens (person, DOMAIN.md §0): each held once, with the ID and phone numbers sealed,
 * found through their blind indexes, and answered masked unless the reader holds
 * person.identity over the person's region (docs/personal-data.md). The entity engine
 * will take these routes over; the protections stay. */
#ifndef SHEGONG_MODULES_PERSON_H
#define SHEGONG_MODULES_PERSON_H

#include "server/req.h"

/* POST /api/v1/person: 201 with the person; 409 (id_number, taken) for an ID number that
 * is registered already, naming the existing person when the caller may see it. */
enum err person_create(struct req *r);
/* GET /api/v1/person/{id} */
enum err person_get(struct req *r);
/* GET /api/v1/person?id_number=…|phone=…|q=…|region_code=…: a page of the persons in
 * scope; the identifiers are looked up through their blind indexes. */
enum err person_list(struct req *r);

#endif

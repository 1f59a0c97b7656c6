/* Petitions (信访事项, docs/petition.md): the entity (petition_model.c), its hooks and its
 * own routes (petition.c): registration with petitioners, one item with its petitioners,
 * the repeat and near-duplicate check; figures and hot spots (figures.c); the citizens'
 * portal (portal.c).
 *
 * Confidentiality, the rule every route keeps: an accusation (检举控告) against a unit the
 * reader belongs to is invisible to the reader; a reader who reads petitions only through
 * posts at a unit sees only the items routed to those units; the identity (petitioners,
 * their names and the documents) is withheld — not even masked — from readers of the
 * complained-about unit, and from readers without petition.identity when the petitioner
 * asked for confidentiality. */
#ifndef SHEGONG_MODULES_PETITION_H
#define SHEGONG_MODULES_PETITION_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

extern const struct entity petition_entity;
extern const struct enum_def *const petition_enums[]; /* NULL-terminated */
extern const struct entity_hooks petition_hooks;

#define PETITION_QUERY_CODE_LEN      12
#define PETITION_MAX_PETITIONERS     100
#define PETITION_MAX_REPRESENTATIVES 5

/* Registers a petition inside the caller's transaction: input holds the petition's fields
 * and "petitioners" ([{name, id_number, phone, address, representative}], 1..100), checked
 * as POST /api/v1/petition checks them (field errors on r, ERR_INVALID). The same ID number
 * is the same person. Sets the query code, the first petitioner's name, the near-duplicate
 * index and the after-复核 flag. *id and *query_code get the new item's. by_portal: the
 * citizen's own submission (no user; the phone's last four digits key the tracking). */
enum err petition_register(struct req *r, json_t *input, bool by_portal, int64_t *id,
                           const char **query_code);

/* The person entity's read filter: a person who petitioned against a unit is not in the
 * person registry of that unit's users (a reader with posts at units). */
enum err petition_person_read_filter(struct req *r, const struct entity *e, struct sqlq *q);

/* The portal's tracking key of an item (petition_track.phone_key): a keyed hash of the
 * query code and the last four characters of phone (a whole number or just the four). */
void petition_track_key(const char *code, const char *phone, char out[65]);

/* The windows the law gives: a unit's objection to a routing, the petitioner's 复查 and
 * 复核 requests. *until is the last second of the window that opened at since. */
enum petition_window { PETITION_OBJECTION, PETITION_REVIEW, PETITION_REREVIEW };
enum err petition_window_end(struct req *r, int64_t since, enum petition_window kind,
                             int64_t *until);

/* A dispute the petition module referred reached an outcome (agreed, failed, declined):
 * the petition that referred it shows it. Called by the mediation module's hooks inside
 * the transition's transaction; nothing happens for a dispute no petition referred. */
enum err petition_mediation_result(struct req *r, int64_t dispute_id, const char *outcome);

/* Route handlers. */
enum err petition_create(struct req *r); /* POST /api/v1/petition */
enum err petition_get(struct req *r);    /* GET /api/v1/petition/{id} */
enum err petition_check(struct req *r);  /* POST /api/v1/petition/check */

#endif

/* The citizens' petition portal (docs/portal.md): submitting a petition without an account,
 * tracking it by its query code and the last four digits of the mobile number given,
 * rating the reply, asking for 复查 and 复核, and the printable receipt.
 *
 * Invariants:
 * - Every route is public (no session) and limited per client address in the database
 *   (SHEGONG_PORTAL_SUBMIT_RATE submissions and SHEGONG_PORTAL_LOOKUP_RATE look-ups an
 *   hour); every attempt counts, also a refused or mistaken one.
 * - A wrong code and wrong digits get the same 404 with the same message: no oracle.
 * - What a citizen reads is built here field by field, never from the staff's JSON: state,
 *   dates, the unit the item went to, the reply and decisions; never a user, a comment, an
 *   internal step (objections) or a petitioner's personal data.
 * - Writes run in their own transaction, committed before the answer (a submission is
 *   durable when the query code is shown), with an audit record without a user. */
#ifndef SHEGONG_MODULES_PETITION_PORTAL_H
#define SHEGONG_MODULES_PETITION_PORTAL_H

#include "server/req.h"

/* GET /api/v1/public/petition: what the form offers (classes and categories). */
enum err portal_petition_form(struct req *r);
/* POST /api/v1/public/petition: {class, category?, content, region_code, contact: {name,
 * phone}, confidential?, title?} → 201 {query_code, receipt}. */
enum err portal_petition_submit(struct req *r);
/* GET /api/v1/public/petition/{code}?phone_last4=NNNN: the item as the citizen sees it. */
enum err portal_petition_track(struct req *r);
/* POST /api/v1/public/petition/{code}/rate {phone_last4, rating, comment?}. */
enum err portal_petition_rate(struct req *r);
/* POST /api/v1/public/petition/{code}/review {phone_last4}: 复查 after the reply, 复核 after
 * the review. */
enum err portal_petition_review(struct req *r);
/* GET /api/v1/public/petition/{code}/receipt.pdf?phone_last4=NNNN: the receipt (PDF). */
enum err portal_petition_receipt(struct req *r);
/* GET /api/v1/public/region?parent=CODE: the children of a region (the top level without
 * parent) for the portal's region chooser, placeholder levels (市辖区) skipped. */
enum err portal_regions(struct req *r);

#endif

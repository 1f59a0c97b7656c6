/* Body readers for Chinese identifiers, alongside body_str (server/reply.h): each reads one
 * JSON body field, validates it with core/validate and records a field error with the
 * validator's code ("idcard_check", "phone_invalid", ...) when it is wrong.
 *
 * Like body_str they return NULL both when the field is absent and when it is wrong (the
 * error is then on the request; the handler fails once after reading every field). An
 * empty string in an OPTIONAL field counts as absent. */
#ifndef SHEGONG_SERVER_FIELDS_H
#define SHEGONG_SERVER_FIELDS_H

#include "core/validate.h"
#include "server/reply.h"

/* A citizen ID number; today is YYYYMMDD (validate_today()). Returns out->number (18
 * characters, upper-case X, 15-digit numbers converted) and fills out. */
const char *body_idcard(struct req *r, const char *key, const char *label, enum body_req need,
                        int today, struct idcard_info *out);
/* A unified social credit code; returns out->code. An authority/category pair missing from
 * the standard's table is accepted: out->unknown_kind is set and no error is recorded, so
 * the handler decides whether to warn. */
const char *body_uscc(struct req *r, const char *key, const char *label, enum body_req need,
                      struct uscc_info *out);
/* A mobile or landline number; returns "13812345678" or "010-12345678[-ext]" in the
 * request's arena. */
const char *body_phone(struct req *r, const char *key, const char *label, enum body_req need);
/* A mobile number only; returns its 11 digits in the request's arena. */
const char *body_mobile(struct req *r, const char *key, const char *label, enum body_req need);

#endif

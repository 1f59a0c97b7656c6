/* The audit trail: append-only (the database refuses UPDATE and DELETE) and hash-chained,
 * each record's SHA-256 covering its fields and the previous record's hash. Records are
 * written in the same transaction as the change they describe, so a change whose record
 * cannot be written does not happen. */
#ifndef SHEGONG_SERVER_AUDIT_H
#define SHEGONG_SERVER_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "server/req.h"

struct audit_rec {
    int64_t user_id; /* 0: none (a failed login, the command line) */
    const char *username;
    const char *ip;
    const char *request_id;
    const char *action;      /* "login.success", "unit.update", ... */
    const char *object_type; /* "user", "unit", ... */
    const char *object_id;
    const char *result; /* "success" | "failure" */
    const char *detail; /* a short JSON summary of what changed, never personal data */
};

/* Appends rec; must run inside a write transaction on c. */
enum err audit_append(struct db_conn *c, const struct audit_rec *rec);
/* Appends the record of r's write (route action, r->audit, r->user). */
enum err audit_request(struct req *r, const char *result);
/* A record for r with an explicit action and object, in r's current transaction. */
enum err audit_event(struct req *r, const char *action, const char *object_type,
                     const char *object_id, const char *result, const char *detail);

/* Walks the whole chain. ERR_OK when intact; ERR_CONFLICT with *bad_seq naming the first
 * record whose hash or link is wrong (why says which). *checked counts the records. */
enum err audit_verify(struct db_conn *c, int64_t *checked, int64_t *bad_seq, char *why,
                      size_t whylen);

/* Test mode only: makes every append fail, to prove that writes roll back with it. */
void audit_test_fail(bool on);

/* GET /api/v1/audit */
enum err audit_list(struct req *r);

#endif

/* Near-duplicate petitions (重复件): the MinHash fingerprint of every petition's content
 * in petition_minhash (migration 0012), and the check that lists earlier petitions whose
 * text is nearly the same as a new one (docs/duplicates.md).
 *
 * Invariants: every function runs inside the caller's transaction and changes nothing
 * else; a text with no letters or digits has no fingerprint (dup_index removes the row,
 * dup_similar finds nothing), so empty or punctuation-only texts never match.
 *
 * How a check finds its matches: core/minhash gives each text a 64-bit signature and four
 * band keys. dup_similar reads the petitions that share at least one band key with the
 * text (four indexed lookups, at most DUP_BAND_CAP rows each), then keeps those whose
 * signature is within max_distance bits. The lookup is probabilistic, not a pigeonhole
 * guarantee: a petition sharing a fraction J of the text's 3-character shingles is read
 * with probability 1 - (1 - J^3)^4 (0.995 at J = 0.9, 0.81 at J = 0.7, 0.41 at J = 0.5)
 * and its distance is about 32 * (1 - J). On the labelled set (tests/unit/core/
 * test_minhash.c) this finds 0.87 of the near-duplicates with precision 0.99 at
 * DUP_DISTANCE. A SimHash cut into four 16-bit bands, which finds for certain only what
 * lies within 3 bits, found 0.19 at 3 bits and at most 0.41 at any distance: texts of a
 * few hundred characters that say the same thing differ in far more than 3 bits. */
#ifndef SHEGONG_MODULES_PETITION_DUP_H
#define SHEGONG_MODULES_PETITION_DUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* The max_distance callers should pass: about half the shingles shared (J >= 0.5). */
#define DUP_DISTANCE 16
/* Rows read per band key, the newest first. Texts share a key through stock phrases
 * ("恳请有关部门尽快解决") far more often than through being duplicates, and such a key
 * can be shared by thousands of petitions: the cap bounds a check's time (p99 under 2 ms
 * at a million petitions), and an older duplicate behind it may still be met in another
 * band. At a million generated petitions, far more alike than real letters, the cap cost
 * 16 of the 214 near-copies found without it (docs/duplicates.md). */
#define DUP_BAND_CAP 300

struct dup_match {
    int64_t petition_id;
    int distance; /* signature bits that differ, 0..64 */
};

/* Stores the fingerprint of a petition's content, replacing the one it had; a content
 * without letters or digits (or NULL) removes it. */
enum err dup_index(struct db_conn *c, int64_t petition_id, const char *content);
/* Forgets a petition (nothing happens if it had no fingerprint). */
enum err dup_remove(struct db_conn *c, int64_t petition_id);

/* The indexed petitions whose content is near content: at most limit of them (0: no
 * limit), exclude_id left out (0 leaves nothing out), sorted by distance and then id,
 * allocated in a. A max_distance below 0 finds nothing; past 64 it is 64. */
enum err dup_similar(struct db_conn *c, struct arena *a, const char *content, int64_t exclude_id,
                     int max_distance, size_t limit, struct dup_match **out, size_t *n);

#endif

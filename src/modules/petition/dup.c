/* Near-duplicate petitions: MinHash fingerprints in petition_minhash, found again by
 * their band keys and compared by signature distance (dup.h, docs/duplicates.md). */
#include "modules/petition/dup.h"

#include <stdlib.h>
#include <string.h>

#include "core/minhash.h"

enum err dup_index(struct db_conn *c, int64_t petition_id, const char *content)
{
    struct minhash m;
    minhash_text(content ? content : "", content ? strlen(content) : 0, &m);
    if (!m.nshingles)
        return dup_remove(c, petition_id);
    return db_exec(c,
                   "INSERT INTO petition_minhash (petition_id, sig, b0, b1, b2, b3) "
                   "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (petition_id) DO UPDATE SET "
                   "sig = excluded.sig, b0 = excluded.b0, b1 = excluded.b1, "
                   "b2 = excluded.b2, b3 = excluded.b3",
                   DB_ARGS(DB_I(petition_id), DB_I((int64_t)m.sig), DB_I(m.band[0]),
                           DB_I(m.band[1]), DB_I(m.band[2]), DB_I(m.band[3])),
                   NULL);
}

enum err dup_remove(struct db_conn *c, int64_t petition_id)
{
    return db_exec(c, "DELETE FROM petition_minhash WHERE petition_id = $1",
                   DB_ARGS(DB_I(petition_id)), NULL);
}

static int by_distance_then_id(const void *pa, const void *pb)
{
    const struct dup_match *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return (a->petition_id > b->petition_id) - (a->petition_id < b->petition_id);
}

enum err dup_similar(struct db_conn *c, struct arena *a, const char *content, int64_t exclude_id,
                     int max_distance, size_t limit, struct dup_match **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct minhash m;
    minhash_text(content ? content : "", content ? strlen(content) : 0, &m);
    if (!m.nshingles || max_distance < 0)
        return ERR_OK;
    if (max_distance > 64)
        max_distance = 64;
    /* One lookup per band index, the newest DUP_BAND_CAP rows of each key; a petition met
     * in several bands comes back once. */
    struct db_rows rows;
    enum err err = db_query(
        c, a,
        "SELECT petition_id, sig FROM (SELECT petition_id, sig FROM petition_minhash "
        "WHERE b0 = $1 ORDER BY petition_id DESC LIMIT $5) AS m0 "
        "UNION SELECT petition_id, sig FROM (SELECT petition_id, sig FROM petition_minhash "
        "WHERE b1 = $2 ORDER BY petition_id DESC LIMIT $5) AS m1 "
        "UNION SELECT petition_id, sig FROM (SELECT petition_id, sig FROM petition_minhash "
        "WHERE b2 = $3 ORDER BY petition_id DESC LIMIT $5) AS m2 "
        "UNION SELECT petition_id, sig FROM (SELECT petition_id, sig FROM petition_minhash "
        "WHERE b3 = $4 ORDER BY petition_id DESC LIMIT $5) AS m3",
        DB_ARGS(DB_I(m.band[0]), DB_I(m.band[1]), DB_I(m.band[2]), DB_I(m.band[3]),
                DB_I(DUP_BAND_CAP)),
        &rows);
    if (err || !rows.nrows)
        return err;
    struct dup_match *found = arena_calloc(a, rows.nrows, sizeof(*found));
    if (!found)
        return ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < rows.nrows; i++) {
        int64_t id = db_int(&rows, i, 0);
        int d = minhash_distance(m.sig, (uint64_t)db_int(&rows, i, 1));
        if (id == exclude_id || d > max_distance)
            continue;
        found[count++] = (struct dup_match){.petition_id = id, .distance = d};
    }
    qsort(found, count, sizeof(*found), by_distance_then_id);
    *out = found;
    *n = limit && count > limit ? limit : count;
    return ERR_OK;
}

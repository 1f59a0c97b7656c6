/* The full-text documents of entities with ENTITY_FTS, in the two dialects: SQLite keeps
 * TABLE_fts as an FTS5 table tokenized by 'shegong'; PostgreSQL keeps TABLE_fts (rowid,
 * body tsvector) with a GIN index, filled with the same tokens (core/search builds the
 * tsvector and tsquery text), so both find the same rows. Nothing else in the engine knows
 * which database it runs on. */
#include <string.h>

#include "core/search.h"
#include "engine/internal.h"
#include "server/reply.h"

static bool on_postgres(struct req *r)
{
    return strcmp(db_conn_backend(r->db), "postgres") == 0;
}

enum err engine_fts_document(struct req *r, const struct entity *e, json_t *values,
                             const char **doc)
{
    struct sbuf b;
    sbuf_init(&b, (size_t)1 << 20);
    for (const struct field_def *f = e->fields; f->name; f++) {
        json_t *v = json_object_get(values, f->name);
        if ((f->flags & FF_SEARCHABLE) && json_is_string(v))
            sbuf_addf(&b, "%s%s", b.len ? " " : "", json_string_value(v));
    }
    *doc = sbuf_err(&b) ? NULL : arena_strdup(&r->arena, b.buf);
    sbuf_release(&b);
    return *doc ? ERR_OK : ERR_NOMEM;
}

enum err engine_fts_delete(struct req *r, const struct entity *e, int64_t id)
{
    if (!(e->flags & ENTITY_FTS))
        return ERR_OK;
    return db_exec(r->db, arena_printf(&r->arena, "DELETE FROM %s_fts WHERE rowid = $1", e->table),
                   DB_ARGS(DB_I(id)), NULL);
}

enum err engine_fts_index(struct req *r, const struct entity *e, int64_t id, const char *doc)
{
    if (!(e->flags & ENTITY_FTS))
        return ERR_OK;
    enum err err = engine_fts_delete(r, e, id);
    if (err)
        return err;
    if (!on_postgres(r))
        return db_exec(
            r->db,
            arena_printf(&r->arena, "INSERT INTO %s_fts (rowid, body) VALUES ($1, $2)", e->table),
            DB_ARGS(DB_I(id), DB_T(doc)), NULL);
    struct sbuf v;
    sbuf_init(&v, (size_t)4 << 20);
    err = search_build_tsvector(doc, strlen(doc), &v);
    const char *vector = err ? NULL : arena_strdup(&r->arena, v.buf);
    sbuf_release(&v);
    if (err)
        return err;
    if (!vector)
        return ERR_NOMEM;
    return db_exec(r->db,
                   arena_printf(&r->arena,
                                "INSERT INTO %s_fts (rowid, body) VALUES ($1, $2::tsvector)",
                                e->table),
                   DB_ARGS(DB_I(id), DB_T(vector)), NULL);
}

/* Whether the search matches more than SEARCH_RANKED_MAX rows of the whole table: one look
 * at the index, stopping after that many (no row is read). */
static enum err many_matches(struct req *r, const struct entity *e, bool pg, const char *match,
                             bool *many)
{
    const char *sql = arena_printf(
        &r->arena,
        pg ? "SELECT COUNT(*) FROM (SELECT 1 FROM %s_fts WHERE body @@ $1::tsquery LIMIT %d) m"
           : "SELECT COUNT(*) FROM (SELECT 1 FROM %s_fts WHERE body MATCH $1 LIMIT %d)",
        e->table, SEARCH_RANKED_MAX + 1);
    if (!sql)
        return ERR_NOMEM;
    struct db_rows rows;
    enum err err = db_query_one(r->db, &r->arena, sql, DB_ARGS(DB_T(match)), &rows);
    if (!err)
        *many = db_int(&rows, 0, 0) > SEARCH_RANKED_MAX;
    return err;
}

/* SQLite: " INDEXED BY TABLE_id_scope" when the table has that index (migration 0015: the
 * ids with their region), else "". A match is then checked against the reader's scope in
 * that small index, and the row itself is read only for a match in scope; SQLite would look
 * every match up by rowid in the table otherwise. At a million petitions the count of a
 * common word's matches in a district took a median of 1.4-1.8 ms instead of 4.2-7.7 ms
 * (docs/performance.md). */
static enum err scope_index(struct req *r, const struct entity *e, const char **out)
{
    *out = "";
    const struct field_def *scope = engine_scope_field(e);
    if (!scope || strcmp(scope->name, "region_code") != 0)
        return ERR_OK;
    const char *name = arena_printf(&r->arena, "%s_id_scope", e->table);
    struct db_rows rows;
    enum err err = name ? db_query(r->db, &r->arena,
                                   "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = $1",
                                   DB_ARGS(DB_T(name)), &rows)
                        : ERR_NOMEM;
    if (!err && rows.nrows)
        *out = arena_printf(&r->arena, " INDEXED BY %s", name);
    return err ? err : *out ? ERR_OK : ERR_NOMEM;
}

enum err engine_fts_from(struct req *r, const struct entity *e, const char *text, bool sorted,
                         struct sqlq *from, struct engine_fts *out)
{
    *out = (struct engine_fts){0};
    bool pg = on_postgres(r);
    struct sbuf m;
    size_t nterms = 0;
    sbuf_init(&m, 4096);
    enum err err = pg ? search_build_tsquery(text, strlen(text), &m, &nterms)
                      : search_build_query(text, strlen(text), &m, &nterms);
    const char *match = err || !nterms ? NULL : arena_strdup(&r->arena, m.buf);
    sbuf_release(&m);
    if (err == ERR_TOO_LARGE)
        err = req_field_error(r, "q", "关键字", "too_long");
    if (err || !match) { /* !match: nothing searchable typed, no condition */
        sqlq_addf(from, "FROM %s t", e->table);
        return err;
    }
    bool many = false;
    if (!sorted && (err = many_matches(r, e, pg, match, &many)))
        return err;
    const char *by_scope = "";
    if (many && !pg && (err = scope_index(r, e, &by_scope)))
        return err;
    if (many) {
        /* newest first, the index driving: its matches are read from the newest down and
         * each one's row checked, until the page is full (SQLite's CROSS JOIN keeps the
         * index outside; PostgreSQL takes no ON after CROSS JOIN and plans it itself) */
        sqlq_addf(from, "FROM %s_fts fts %s %s t%s ON t.id = fts.rowid AND fts.body %s ", e->table,
                  pg ? "JOIN" : "CROSS JOIN", e->table, by_scope, pg ? "@@" : "MATCH");
        sqlq_arg(from, DB_T(match));
        sqlq_add(from, pg ? "::tsquery" : "");
        out->order = "fts.rowid DESC";
        out->capped = true;
        return ERR_OK;
    }
    /* few matches (or a sort of the reader's own): all of them with their rank, computed once
     * in one pass over the index (a rank looked up per row would run the search again for
     * every matching row) */
    sqlq_addf(from, "FROM %s t", e->table);
    if (pg) {
        sqlq_addf(from, " JOIN %s_fts fts ON fts.rowid = t.id AND fts.body @@ ", e->table);
        sqlq_arg(from, DB_T(match));
        sqlq_add(from, "::tsquery");
    } else {
        sqlq_addf(from,
                  " JOIN (SELECT rowid AS fts_id, rank AS fts_rank FROM %s_fts WHERE body MATCH ",
                  e->table);
        sqlq_arg(from, DB_T(match));
        sqlq_add(from, ") fts ON fts.fts_id = t.id");
    }
    /* best first: bm25 rank, lower is better, in SQLite; ts_rank, higher is better, in
     * PostgreSQL (the placeholder is the one bound above) */
    out->order = pg ? arena_printf(&r->arena, "ts_rank(fts.body, $%d::tsquery) DESC", from->nargs)
                    : "fts.fts_rank";
    out->ranked = true;
    return out->order ? ERR_OK : ERR_NOMEM;
}

/* Full-text documents of a whole entity rebuilt outside a request (see reindex.h): the rows
 * are read in id order, a batch at a time, and each row's document goes through
 * engine_fts_index, so both databases get what a save would have written. */
#include "engine/reindex.h"

#include <string.h>

#include "core/clock.h"
#include "engine/internal.h"

#define REINDEX_BATCH 500

/* The document of row i, as a save writes it (engine_fts_document). */
static enum err row_document(struct req *r, const struct entity *e, const struct db_rows *rows,
                             size_t i, const char **doc)
{
    struct layout l;
    engine_layout(e, &l);
    json_t *values = json_object();
    if (!values)
        return ERR_NOMEM;
    enum err err = ERR_OK;
    int col = l.first;
    for (const struct field_def *f = e->fields; f->name && !err; f++) {
        if (f->flags & FF_SEARCHABLE) {
            json_t *v = NULL;
            err = engine_value_load(r, f, rows, i, col, &v);
            if (!err)
                json_object_set_new(values, f->name, v);
        }
        col += engine_field_cols(f);
    }
    if (!err)
        err = engine_fts_document(r, e, values, doc);
    json_decref(values);
    return err;
}

enum err engine_reindex_all(struct db_conn *c, const struct entity *e, int64_t *count)
{
    *count = 0;
    if (!(e->flags & ENTITY_FTS))
        return ERR_OK;
    /* the part of a request the engine's value and full-text functions use */
    struct req r;
    memset(&r, 0, sizeof(r));
    r.db = c;
    r.now = clock_now();
    snprintf(r.request_id, sizeof(r.request_id), "reindex");
    snprintf(r.ip, sizeof(r.ip), "local");
    int64_t after = 0;
    enum err err = ERR_OK;
    for (;;) {
        arena_init(&r.arena, 0);
        const char *sql =
            arena_printf(&r.arena, "SELECT %s FROM %s t WHERE t.id > $1 ORDER BY t.id LIMIT %d",
                         engine_cols(e), e->table, REINDEX_BATCH);
        struct db_rows rows = {0};
        err = sql ? db_query(c, &r.arena, sql, DB_ARGS(DB_I(after)), &rows) : ERR_NOMEM;
        for (size_t i = 0; !err && i < rows.nrows; i++) {
            const char *doc;
            int64_t id = db_int(&rows, i, COL_ID);
            err = row_document(&r, e, &rows, i, &doc);
            if (!err)
                err = engine_fts_index(&r, e, id, doc);
            if (!err)
                (*count)++;
            after = id;
        }
        arena_release(&r.arena);
        if (err || rows.nrows < REINDEX_BATCH)
            break;
    }
    return err;
}

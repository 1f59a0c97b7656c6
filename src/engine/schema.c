/* Whether every entity's table matches its definition: the columns the engine reads and
 * writes exist with a compatible type, and the indexes the definition implies exist
 * (region scope, uniqueness, blind indexes). Migrations are hand-written; this is what
 * keeps them honest. SQLite reads its catalogue with PRAGMA; PostgreSQL will read
 * information_schema in its driver's issue. */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"

struct want {
    const char *name;
    bool integer; /* BIGINT / INTEGER; else TEXT */
};

static enum err columns_of(struct db_conn *c, struct arena *a, const char *table,
                           struct db_rows *out)
{
    return db_query(c, a, "SELECT name, type, \"notnull\" FROM pragma_table_info($1)",
                    DB_ARGS(DB_T(table)), out);
}

static bool has_column(const struct db_rows *cols, const char *name, bool integer, char *why,
                       size_t len, const char *table)
{
    for (size_t i = 0; i < cols->nrows; i++) {
        if (strcmp(db_str(cols, i, 0), name) != 0)
            continue;
        const char *type = db_str(cols, i, 1);
        bool is_int = type && strstr(type, "INT") != NULL;
        if (is_int != integer) {
            snprintf(why, len, "%s.%s is %s, the definition needs %s", table, name,
                     type ? type : "untyped", integer ? "an integer" : "text");
            return false;
        }
        return true;
    }
    snprintf(why, len, "%s has no column %s", table, name);
    return false;
}

/* Whether an index of table starts with column (unique when asked). */
static enum err index_on(struct db_conn *c, struct arena *a, const char *table, const char *column,
                         bool unique, bool *found)
{
    *found = false;
    struct db_rows idx;
    enum err e = db_query(c, a, "SELECT name, \"unique\" FROM pragma_index_list($1)",
                          DB_ARGS(DB_T(table)), &idx);
    for (size_t i = 0; i < idx.nrows && !e && !*found; i++) {
        if (unique && !db_int(&idx, i, 1))
            continue;
        struct db_rows cols;
        e = db_query(c, a, "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                     DB_ARGS(DB_T(db_str(&idx, i, 0))), &cols);
        if (!e && cols.nrows && db_str(&cols, 0, 0) &&
            (strcmp(db_str(&cols, 0, 0), column) == 0 ||
             (cols.nrows > 1 && unique && db_str(&cols, 1, 0) &&
              strcmp(db_str(&cols, 1, 0), column) == 0)))
            *found = true;
    }
    return e;
}

static bool integer_type(enum field_type t)
{
    return t == FT_INT || t == FT_DECIMAL || t == FT_BOOL || t == FT_DATETIME || t == FT_REF;
}

static enum err check_entity(struct db_conn *c, struct arena *a, const struct entity *e, char *why,
                             size_t len)
{
    struct db_rows cols;
    enum err err = columns_of(c, a, e->table, &cols);
    if (err)
        return err;
    if (!cols.nrows) {
        snprintf(why, len, "entity %s: table %s does not exist", e->name, e->table);
        return ERR_CONFLICT;
    }
    static const struct want std[] = {{"id", true},         {"version", true},
                                      {"created_at", true}, {"updated_at", true},
                                      {"created_by", true}, {"updated_by", true}};
    if (e->flags & ENTITY_REFERENCE) {
        if (!has_column(&cols, e->key, false, why, len, e->table))
            return ERR_CONFLICT;
    } else {
        for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
            if (!has_column(&cols, std[i].name, std[i].integer, why, len, e->table))
                return ERR_CONFLICT;
    }
    if ((e->flags & ENTITY_SOFT_DELETE) &&
        !has_column(&cols, "deleted_at", true, why, len, e->table))
        return ERR_CONFLICT;
    if (e->workflow && !has_column(&cols, "state", false, why, len, e->table))
        return ERR_CONFLICT;
    for (const struct field_def *f = e->fields; f->name; f++) {
        bool found;
        if (engine_field_sealed(f)) {
            char enc[80], idx[80];
            snprintf(enc, sizeof(enc), "%s_enc", f->name);
            snprintf(idx, sizeof(idx), "%s_idx", f->name);
            if (!has_column(&cols, enc, false, why, len, e->table) ||
                !has_column(&cols, idx, false, why, len, e->table))
                return ERR_CONFLICT;
            err = index_on(c, a, e->table, idx, false, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s (a blind index) has no index", e->table, idx);
                return ERR_CONFLICT;
            }
        } else if (!has_column(&cols, f->name, integer_type(f->type), why, len, e->table)) {
            return ERR_CONFLICT;
        }
        if (err)
            return err;
        if (f->flags & FF_SCOPE) {
            err = index_on(c, a, e->table, f->name, false, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s (the region scope) has no index", e->table, f->name);
                return ERR_CONFLICT;
            }
        }
        if (!err && (f->flags & (FF_UNIQUE | FF_UNIQUE_REGION))) {
            err = index_on(c, a, e->table, f->name, true, &found);
            if (!err && !found) {
                snprintf(why, len, "%s.%s is unique but no unique index guards it", e->table,
                         f->name);
                return ERR_CONFLICT;
            }
        }
        if (err)
            return err;
    }
    if (e->flags & ENTITY_FTS) {
        struct db_rows t;
        err = db_query(c, a, "SELECT 1 FROM sqlite_master WHERE name = $1",
                       DB_ARGS(DB_T(arena_printf(a, "%s_fts", e->table))), &t);
        if (!err && !t.nrows) {
            snprintf(why, len, "entity %s searches %s_fts, which does not exist", e->name,
                     e->table);
            return ERR_CONFLICT;
        }
    }
    return err;
}

enum err engine_schema_check(struct db_conn *c, char *why, size_t len)
{
    struct arena a;
    arena_init(&a, 0);
    enum err err = ERR_OK;
    for (const struct entity *const *e = engine_entities(); *e && !err; e++)
        err = check_entity(c, &a, *e, why, len);
    arena_release(&a);
    return err;
}

/* Rebuilding the full-text documents of a whole entity at once, outside any request (shegong
 * migrate --from … --to … fills a new database's TABLE_fts this way). */
#ifndef SHEGONG_ENGINE_REINDEX_H
#define SHEGONG_ENGINE_REINDEX_H

#include <stdint.h>

#include "engine/engine.h"

/* Inside a write transaction on c: writes the document of every row of e, soft-deleted
 * ones too (their documents stay, as on a delete), the same document a save writes: the
 * searchable values, space-separated. *count gets the rows indexed. Entities without
 * ENTITY_FTS have nothing to do (*count 0). Sealed searchable values need the key loaded. */
enum err engine_reindex_all(struct db_conn *c, const struct entity *e, int64_t *count);

#endif

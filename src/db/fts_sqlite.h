/* The SQLite side of full-text search: the FTS5 tokenizer "shegong" (core/search tokens),
 * registered on every connection so that tables can say tokenize='shegong'. */
#ifndef SHEGONG_DB_FTS_SQLITE_H
#define SHEGONG_DB_FTS_SQLITE_H

#include "core/err.h"

/* Registers the tokenizer on one connection (a sqlite3 *). ERR_DB when this SQLite has no
 * FTS5 (sqlite3_errmsg then says why), ERR_NOMEM when it ran out of memory. */
enum err db_sqlite_register_tokenizer(void *sqlite3_handle);

#endif

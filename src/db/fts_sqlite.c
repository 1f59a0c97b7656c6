/* The FTS5 tokenizer "shegong": core/search tokens for SQLite full-text tables
 * (CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='shegong')). */
#include "db/fts_sqlite.h"

#include <sqlite3.h>

#include "core/search.h"

/* The tokenizer keeps no state; xCreate hands out this address as its instance. */
static char tokenizer_instance;

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    (void)argv;
    *out = NULL;
    if (argc != 0) /* no options: every table must produce the same tokens */
        return SQLITE_ERROR;
    *out = (Fts5Tokenizer *)&tokenizer_instance;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *tok)
{
    (void)tok;
}

struct fts_call {
    void *ctx;
    int (*token)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);
};

static int pass_token(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct fts_call *call = ctx;
    int tflags = (flags & SEARCH_TOKEN_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0;
    /* FTS5 hands us at most INT_MAX bytes, so the offsets fit an int. */
    return call->token(call->ctx, tflags, tok, (int)len, (int)start, (int)end);
}

/* Queries (with or without a trailing '*') get query tokens; documents and auxiliary
 * functions such as highlight() must see exactly what was indexed. */
static int tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int ntext,
                        int (*token)(void *, int, const char *, int, int, int))
{
    (void)tok;
    struct fts_call call = {.ctx = ctx, .token = token};
    enum search_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? SEARCH_QUERY : SEARCH_DOCUMENT;
    if (!text || ntext <= 0)
        return SQLITE_OK;
    return search_tokenize(text, (size_t)ntext, mode, pass_token, &call);
}

/* The documented way to reach the FTS5 API: SELECT fts5(?1) with a bound pointer. */
static fts5_api *get_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
        sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

enum err db_sqlite_register_tokenizer(void *sqlite3_handle)
{
    static fts5_tokenizer tokenizer = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = get_fts5_api(sqlite3_handle);
    if (!api || api->iVersion < 2)
        return ERR_DB;
    int rc = api->xCreateTokenizer(api, "shegong", NULL, &tokenizer, NULL);
    if (rc == SQLITE_NOMEM)
        return ERR_NOMEM;
    return rc == SQLITE_OK ? ERR_OK : ERR_DB;
}

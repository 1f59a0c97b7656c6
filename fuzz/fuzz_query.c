/* Fuzz target: the list query-string parser (engine_query_build: filters, ranges, q,
 * region, deleted, sort, after, page, size) for each registered entity.
 *
 * engine_query_build reads its pairs from libmicrohttpd; this file compiles engine/query.c
 * itself with MHD_get_connection_values replaced by a feed of pairs cut from the input,
 * decoded as libmicrohttpd and server/http.c decode them, so the parser is exercised
 * unchanged without a socket (the way unit tests include a .c for its statics).
 *
 * Input: byte 0 picks the entity, byte 1 the reader's permissions and scope, the rest is
 * a query string "k=v&k=v". A migrated SQLite database in a temporary directory answers
 * the few look-ups the parser makes (dictionary codes). */
#include <microhttpd.h>

#include "fuzz.h"

static int fake_values(struct MHD_Connection *c, enum MHD_ValueKind kind, MHD_KeyValueIterator it,
                       void *cls);
#define MHD_get_connection_values fake_values
#define engine_query_build        fuzz_engine_query_build
#define engine_query_release      fuzz_engine_query_release
#include "engine/query.c"
#undef MHD_get_connection_values

#include <dirent.h>
#include <unistd.h>

#include "core/crypto.h"
#include "db/migrate.h"
#include "model/model.h"

static const char *input_qs; /* the query string of the current input */
/* The decoded pairs of the current input: the parser keeps pointers to them until the
 * request ends, as it does to libmicrohttpd's, so they are freed after it. */
static char *held[MAX_ARGS + 1];
static size_t nheld;
static struct db *db;
static char dir[64];

/* Cuts input_qs at '&' and '=' and decodes each half like libmicrohttpd ('+' is a space,
 * %XX a byte) and server/http.c (a decoded NUL is 0xFF), handing the pairs to it. */
static int fake_values(struct MHD_Connection *c, enum MHD_ValueKind kind, MHD_KeyValueIterator it,
                       void *cls)
{
    int n = 0;
    const char *p = input_qs;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        char *pair = fuzz_strndup((const uint8_t *)p, len);
        char *eq = strchr(pair, '=');
        char *val = NULL;
        if (eq) {
            *eq = '\0';
            val = eq + 1;
        }
        for (char *s = pair; *s; s++)
            if (*s == '+')
                *s = ' ';
        for (char *s = val; s && *s; s++)
            if (*s == '+')
                *s = ' ';
        char *parts[2] = {pair, val};
        for (int i = 0; i < 2; i++) {
            if (!parts[i])
                continue;
            size_t m = MHD_http_unescape(parts[i]);
            for (size_t j = 0; j < m; j++)
                if (parts[i][j] == '\0')
                    parts[i][j] = (char)0xFF;
            parts[i][m] = '\0';
        }
        if (nheld == sizeof(held) / sizeof(held[0])) {
            free(pair);
            break;
        }
        held[nheld++] = pair;
        n++;
        if (it(cls, kind, pair, val) != MHD_YES)
            break;
        if (!amp)
            break;
        p = amp + 1;
    }
    return n;
}

static void remove_dir(void)
{
    db_close(db);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.') {
                char path[400];
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (engine_init(model_entities, model_enums, routes) != ERR_OK)
        abort();
    static struct crypto_key key;
    unsigned char master[CRYPTO_MASTER_BYTES] = {1, 2, 3};
    crypto_key_derive(master, CRYPTO_SM4_CTR_HMAC_SM3, &key);
    crypto_use(&key);
    snprintf(dir, sizeof(dir), "/tmp/shegong-fuzz-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char url[128], errbuf[256];
    snprintf(url, sizeof(url), "sqlite:%s/fuzz.db", dir);
    int applied = 0;
    if (db_open(url, NULL, &db, errbuf, sizeof(errbuf)) ||
        migrate_up(db, NULL, &applied, errbuf, sizeof(errbuf))) {
        fprintf(stderr, "fuzz_query: %s\n", errbuf);
        abort();
    }
    atexit(remove_dir);
    return 0;
}

/* Text the parser wrote into SQL must be the code's own: ASCII identifiers, operators and
 * placeholders, never a byte, quote or statement break a client sent. */
static void sql_is_ours(const char *sql)
{
    for (const char *p = sql; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c >= 0x20 && c < 0x7f && c != ';' && c != '"');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const struct entity *const *ents = engine_entities();
    size_t ne = 0;
    while (ents[ne])
        ne++;
    const struct entity *e = ents[data[0] % ne];
    char *qs = fuzz_strndup(data + 2, size - 2);
    input_qs = qs;
    nheld = 0;

    static const char *const roots[] = {"110000000000", "110105000000"};
    static int dummy_conn;
    struct req r = {.status = 0};
    arena_init(&r.arena, 1 << 24);
    r.conn = (struct MHD_Connection *)&dummy_conn;
    if (db_conn_get(db, &r.db))
        abort();
    r.scope.roots = (const char **)roots;
    r.scope.n = data[1] % 3;
    const char *perm = e->perms.del;
    if ((data[1] & 4) && perm) { /* may list deleted rows */
        r.user.perms = &perm;
        r.user.nperms = 1;
    }

    struct engine_query q;
    enum err err = fuzz_engine_query_build(&r, e, &q);
    FUZZ_CHECK(err == ERR_OK || err == ERR_INVALID || err == ERR_FORBIDDEN);
    if (err == ERR_INVALID)
        FUZZ_CHECK(r.nerrors > 0);
    if (err == ERR_OK) {
        FUZZ_CHECK(r.nerrors == 0 && q.order);
        FUZZ_CHECK(q.page >= 1 && q.page <= 100000 && q.size >= 1 && q.size <= MAX_PAGE_SIZE);
        sql_is_ours(q.from.sql.buf);
        sql_is_ours(q.order);
        /* and the database takes it: the statement the list handler runs */
        int64_t total = 0;
        struct db_rows rows;
        err = sqlq_page(r.db, &r.arena, q.cols, &q.from, q.order, q.page, q.size, &total, &rows);
        if (err)
            fprintf(stderr, "fuzz_query: %s\nFROM: %s\nORDER: %s\n", db_errmsg(r.db),
                    q.from.sql.buf, q.order);
        FUZZ_CHECK(err == ERR_OK);
    }
    fuzz_engine_query_release(&q);
    arena_release(&r.arena);
    for (size_t i = 0; i < nheld; i++)
        free(held[i]);
    free(qs);
    return 0;
}

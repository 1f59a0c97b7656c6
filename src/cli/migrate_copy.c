/* shegong migrate --from sqlite:PATH --to URL: copies a county's whole database into a new
 * one (PostgreSQL, to scale out) in one target transaction, then checks the copy. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/sbuf.h"
#include "db/migrate.h"
#include "engine/engine.h"
#include "engine/reindex.h"
#include "server/audit.h"

#define READ_BATCH  1000 /* source rows read at a time */
#define INSERT_ROWS 100  /* rows per INSERT statement */
#define MAX_TABLES  256
#define MAX_COLS    400
#define MAX_MISSING 20 /* missing attachment files listed by name */

/* Tables every start-up writes by itself (built-in roles, the key record): a target that
 * `shegong migrate --db URL` prepared holds them, and the copy replaces them with the
 * source's. Rows a migration inserts are replaced the same way (found in the SQL). */
static const char *const startup_tables[] = {"role", "role_permission", "crypto_key", NULL};

struct fk {
    const char *col;
    const char *ref_table;
    const char *ref_col;
};

struct table {
    const char *name;
    const char **cols;
    size_t ncols;
    int key; /* the column that is the whole primary key, or -1: keyed by rowid */
    struct fk *fks;
    size_t nfks;
    bool replace; /* the target's rows came from start-up or migrations: replaced */
    bool placed;  /* ordering */
    int64_t src_rows, dst_rows, copied;
};

struct copy {
    const struct config *cfg;
    struct db_conn *sc, *dc; /* source, target */
    struct arena a;          /* the table list and names, for the whole run */
    struct table *t[MAX_TABLES];
    size_t n;
    const char *seeded[64]; /* tables that migrations insert into */
    size_t nseeded;
    int64_t fts_docs;
    char why[1024]; /* what failed inside the copy */
};

/* An identifier shegong's migrations make: lower case, digits, underscores. */
static bool plain_name(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; n ? i < n : list[i] != NULL; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* The tables the migrations insert rows into ("INSERT INTO name"), full-text ones aside. */
static void find_seeded(struct copy *cp)
{
    for (const struct migration *m = cli_migrations(); m && m->name; m++) {
        for (const char *p = strstr(m->sql, "INSERT INTO "); p; p = strstr(p + 1, "INSERT INTO ")) {
            const char *s = p + strlen("INSERT INTO ");
            size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
            const char *name = arena_strndup(&cp->a, s, len);
            if (name && len && !ends_with(name, "_fts") &&
                !in_list(cp->seeded, cp->nseeded, name) &&
                cp->nseeded < sizeof(cp->seeded) / sizeof(cp->seeded[0]))
                cp->seeded[cp->nseeded++] = name;
        }
    }
}

/* One table's columns, primary key and foreign keys, from the source's catalog. */
static enum err describe(struct copy *cp, struct table *t)
{
    struct db_rows rows;
    enum err e = db_query(cp->sc, &cp->a, "SELECT name, pk FROM pragma_table_info($1) ORDER BY cid",
                          DB_ARGS(DB_T(t->name)), &rows);
    if (e)
        return e;
    if (rows.nrows == 0 || rows.nrows > MAX_COLS)
        return ERR_INVALID;
    t->cols = arena_alloc(&cp->a, rows.nrows * sizeof(*t->cols));
    if (!t->cols)
        return ERR_NOMEM;
    t->ncols = rows.nrows;
    t->key = -1;
    int npk = 0;
    for (size_t i = 0; i < rows.nrows; i++) {
        t->cols[i] = db_str(&rows, i, 0);
        if (!plain_name(t->cols[i])) {
            snprintf(cp->why, sizeof(cp->why), "table %s has a column '%s' shegong does not make",
                     t->name, t->cols[i] ? t->cols[i] : "");
            return ERR_INVALID;
        }
        if (db_int(&rows, i, 1) > 0) {
            npk++;
            t->key = (int)i;
        }
    }
    if (npk != 1)
        t->key = -1;
    e = db_query(cp->sc, &cp->a,
                 "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list($1)",
                 DB_ARGS(DB_T(t->name)), &rows);
    if (e)
        return e;
    t->fks = arena_alloc(&cp->a, (rows.nrows + 1) * sizeof(*t->fks));
    if (!t->fks)
        return ERR_NOMEM;
    for (size_t i = 0; i < rows.nrows; i++) {
        struct fk *f = &t->fks[t->nfks++];
        f->col = db_str(&rows, i, 0);
        f->ref_table = db_str(&rows, i, 1);
        f->ref_col = db_str(&rows, i, 2);
    }
    return ERR_OK;
}

/* The source's tables, less the migrations' bookkeeping, SQLite's own, the full-text
 * tables (rebuilt, not copied) and their shadow tables. */
static enum err list_tables(struct copy *cp)
{
    struct db_rows rows;
    enum err e = db_query(cp->sc, &cp->a,
                          "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name",
                          DB_NOARGS, &rows);
    if (e)
        return e;
    const char *virt[MAX_TABLES];
    size_t nvirt = 0;
    for (size_t i = 0; i < rows.nrows && nvirt < MAX_TABLES; i++) {
        const char *sql = db_str(&rows, i, 1);
        if (sql && strncmp(sql, "CREATE VIRTUAL TABLE", 20) == 0)
            virt[nvirt++] = db_str(&rows, i, 0);
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *name = db_str(&rows, i, 0);
        if (!name || strncmp(name, "sqlite_", 7) == 0 || strcmp(name, "schema_migrations") == 0 ||
            ends_with(name, "_fts"))
            continue;
        bool shadow = false;
        for (size_t v = 0; v < nvirt && !shadow; v++)
            shadow = strcmp(name, virt[v]) == 0 ||
                     (strncmp(name, virt[v], strlen(virt[v])) == 0 && name[strlen(virt[v])] == '_');
        if (shadow)
            continue;
        if (!plain_name(name)) {
            snprintf(cp->why, sizeof(cp->why), "the source has a table '%s' shegong does not make",
                     name);
            return ERR_INVALID;
        }
        if (cp->n == MAX_TABLES) {
            snprintf(cp->why, sizeof(cp->why), "more than %d tables", MAX_TABLES);
            return ERR_INVALID;
        }
        struct table *t = arena_alloc(&cp->a, sizeof(*t));
        if (!t)
            return ERR_NOMEM;
        memset(t, 0, sizeof(*t));
        t->name = name;
        t->replace = in_list(startup_tables, 0, name) || in_list(cp->seeded, cp->nseeded, name);
        cp->t[cp->n++] = t;
        e = describe(cp, t);
        if (e) {
            if (!cp->why[0])
                snprintf(cp->why, sizeof(cp->why), "cannot read the columns of %s", name);
            return e;
        }
    }
    return ERR_OK;
}

static bool listed(const struct copy *cp, const char *name)
{
    for (size_t i = 0; i < cp->n; i++)
        if (strcmp(cp->t[i]->name, name) == 0)
            return true;
    return false;
}

/* Orders the tables so each comes after the tables it references (by name among equals).
 * A cycle (none exists today) keeps the rest in name order; its INSERT would then fail
 * and say so. */
static void order_tables(struct copy *cp)
{
    struct table *out[MAX_TABLES];
    for (size_t k = 0; k < cp->n; k++) {
        struct table *pick = NULL;
        for (size_t i = 0; i < cp->n && !pick; i++) {
            struct table *t = cp->t[i];
            if (t->placed)
                continue;
            bool ready = true;
            for (size_t f = 0; f < t->nfks && ready; f++) {
                const char *ref = t->fks[f].ref_table;
                if (strcmp(ref, t->name) == 0 || !listed(cp, ref))
                    continue;
                for (size_t j = 0; j < cp->n; j++)
                    if (strcmp(cp->t[j]->name, ref) == 0 && !cp->t[j]->placed)
                        ready = false;
            }
            if (ready)
                pick = t;
        }
        for (size_t i = 0; i < cp->n && !pick; i++)
            if (!cp->t[i]->placed)
                pick = cp->t[i];
        pick->placed = true;
        out[k] = pick;
    }
    memcpy(cp->t, out, cp->n * sizeof(out[0]));
}

static enum err count_rows(struct db_conn *c, struct arena *a, const char *table, int64_t *n)
{
    struct db_rows rows;
    enum err e =
        db_query_one(c, a, arena_printf(a, "SELECT COUNT(*) FROM %s", table), DB_NOARGS, &rows);
    *n = e ? 0 : db_int(&rows, 0, 0);
    return e;
}

/* Whether value a sorts before b as the source orders its keys (NULLs and mixed types: no). */
static bool sorts_before(const struct db_val *a, const struct db_val *b)
{
    if (a->type == DB_INT && b->type == DB_INT)
        return a->i < b->i;
    if (a->type == DB_TEXT && b->type == DB_TEXT)
        return strcmp(a->s, b->s) < 0;
    return false;
}

/* A value kept past its batch's arena (the keyset position, a deferred reference). */
static struct db_val keep(struct arena *a, const struct db_val *v)
{
    struct db_val out = *v;
    if (v->type == DB_TEXT) {
        out.s = arena_strndup(a, v->s, v->n);
        if (!out.s)
            out.type = DB_NULL;
    }
    return out;
}

struct deferred {
    struct db_val key, val;
    const char *col;
    struct deferred *next;
};

/* "INSERT INTO t (cols) VALUES ($1, ..), .." for k rows. */
static const char *insert_sql(struct arena *a, const struct table *t, size_t k)
{
    struct sbuf b;
    sbuf_init(&b, (size_t)4 << 20);
    sbuf_addf(&b, "INSERT INTO %s (", t->name);
    for (size_t c = 0; c < t->ncols; c++)
        sbuf_addf(&b, "%s%s", c ? ", " : "", t->cols[c]);
    sbuf_adds(&b, ") VALUES ");
    for (size_t r = 0; r < k; r++) {
        sbuf_adds(&b, r ? ", (" : "(");
        for (size_t c = 0; c < t->ncols; c++)
            sbuf_addf(&b, "%s$%zu", c ? ", " : "", r * t->ncols + c + 1);
        sbuf_adds(&b, ")");
    }
    const char *sql = sbuf_err(&b) ? NULL : arena_strdup(a, b.buf);
    sbuf_release(&b);
    return sql;
}

/* Whether the reference in column col of a row keyed cur must wait for a later row: a
 * reference within the table to a row the key order has not reached yet. */
static bool must_defer(const struct table *t, size_t col, const struct db_val *v,
                       const struct db_val *cur)
{
    if (v->type == DB_NULL || t->key < 0)
        return false;
    for (size_t f = 0; f < t->nfks; f++) {
        const struct fk *k = &t->fks[f];
        if (strcmp(k->ref_table, t->name) != 0 || strcmp(k->col, t->cols[col]) != 0)
            continue;
        if (!k->ref_col || strcmp(k->ref_col, t->cols[t->key]) != 0)
            return true; /* references another column: order unknown */
        bool before = sorts_before(v, cur), after = sorts_before(cur, v);
        bool itself = v->type == cur->type && !before && !after;
        return !before && !itself;
    }
    return false;
}

static enum err copy_table(struct copy *cp, struct table *t)
{
    struct arena ta; /* the table's statements, keyset position and deferred references */
    arena_init(&ta, 0);
    const char *keycol = t->key >= 0 ? t->cols[t->key] : "rowid";
    struct sbuf b;
    sbuf_init(&b, 1 << 20);
    sbuf_adds(&b, "SELECT ");
    if (t->key < 0)
        sbuf_adds(&b, "rowid, ");
    for (size_t c = 0; c < t->ncols; c++)
        sbuf_addf(&b, "%s%s", c ? ", " : "", t->cols[c]);
    sbuf_addf(&b, " FROM %s", t->name);
    const char *first = arena_printf(&ta, "%s ORDER BY %s LIMIT %d", b.buf, keycol, READ_BATCH);
    const char *next = arena_printf(&ta, "%s WHERE %s > $1 ORDER BY %s LIMIT %d", b.buf, keycol,
                                    keycol, READ_BATCH);
    enum err e = sbuf_err(&b) || !first || !next ? ERR_NOMEM : ERR_OK;
    sbuf_release(&b);
    const char *full = e ? NULL : insert_sql(&ta, t, INSERT_ROWS);
    if (!e && !full)
        e = ERR_NOMEM;
    size_t off = t->key < 0 ? 1 : 0; /* the rowid column comes first */
    size_t keyidx = t->key < 0 ? 0 : (size_t)t->key;
    struct db_val after = DB_NUL;
    struct deferred *deferred = NULL;
    struct db_val *args = e ? NULL : calloc((size_t)INSERT_ROWS * t->ncols, sizeof(*args));
    if (!e && !args)
        e = ERR_NOMEM;
    t->copied = 0;
    while (!e) {
        struct arena ba;
        arena_init(&ba, 0);
        struct db_rows rows;
        e = after.type == DB_NULL ? db_query(cp->sc, &ba, first, DB_NOARGS, &rows)
                                  : db_query(cp->sc, &ba, next, &after, 1, &rows);
        if (e)
            snprintf(cp->why, sizeof(cp->why), "reading %s from the source: %s", t->name,
                     db_errmsg(cp->sc));
        for (size_t r0 = 0; !e && r0 < rows.nrows; r0 += INSERT_ROWS) {
            size_t k = rows.nrows - r0 < INSERT_ROWS ? rows.nrows - r0 : INSERT_ROWS;
            for (size_t r = 0; r < k && !e; r++) {
                const struct db_val *cur = db_cell(&rows, r0 + r, keyidx + off);
                for (size_t c = 0; c < t->ncols; c++) {
                    const struct db_val *v = db_cell(&rows, r0 + r, c + off);
                    args[r * t->ncols + c] = *v;
                    if (!must_defer(t, c, v, cur))
                        continue;
                    struct deferred *d = arena_alloc(&ta, sizeof(*d));
                    if (!d) {
                        e = ERR_NOMEM;
                        break;
                    }
                    *d = (struct deferred){keep(&ta, cur), keep(&ta, v), t->cols[c], deferred};
                    deferred = d;
                    args[r * t->ncols + c] = DB_NUL;
                }
            }
            const char *sql = k == INSERT_ROWS ? full : insert_sql(&ba, t, k);
            if (!e && !sql)
                e = ERR_NOMEM;
            if (!e)
                e = db_exec(cp->dc, sql, args, (int)(k * t->ncols), NULL);
            if (e && !cp->why[0])
                snprintf(cp->why, sizeof(cp->why), "writing %s into the target: %s", t->name,
                         db_errmsg(cp->dc));
            if (!e)
                t->copied += (int64_t)k;
        }
        if (!e && rows.nrows)
            after = keep(&ta, db_cell(&rows, rows.nrows - 1, keyidx + off));
        size_t got = e ? 0 : rows.nrows;
        arena_release(&ba);
        if (got < READ_BATCH)
            break;
    }
    /* the references to rows that came later, now that every row is there */
    for (struct deferred *d = deferred; !e && d; d = d->next) {
        const char *sql =
            arena_printf(&ta, "UPDATE %s SET %s = $1 WHERE %s = $2", t->name, d->col, keycol);
        e = sql ? db_exec(cp->dc, sql, DB_ARGS(d->val, d->key), NULL) : ERR_NOMEM;
        if (e)
            snprintf(cp->why, sizeof(cp->why), "linking rows of %s in the target: %s", t->name,
                     db_errmsg(cp->dc));
    }
    free(args);
    arena_release(&ta);
    return e;
}

static enum err copy_tx(struct db_conn *dc, void *ctx)
{
    struct copy *cp = ctx;
    cp->why[0] = '\0';
    cp->fts_docs = 0;
    enum err e = ERR_OK;
    struct arena a;
    arena_init(&a, 0);
    /* what start-up and the migrations wrote goes first, referencing tables last */
    for (size_t i = cp->n; !e && i-- > 0;)
        if (cp->t[i]->replace && cp->t[i]->dst_rows) {
            e = db_exec(dc, arena_printf(&a, "DELETE FROM %s", cp->t[i]->name), DB_NOARGS, NULL);
            if (e)
                snprintf(cp->why, sizeof(cp->why), "clearing %s in the target: %s", cp->t[i]->name,
                         db_errmsg(dc));
        }
    for (size_t i = 0; !e && i < cp->n; i++) {
        fprintf(stderr, "migrate: copying %-28s", cp->t[i]->name);
        e = copy_table(cp, cp->t[i]);
        fprintf(stderr, " %12" PRId64 " rows\n", cp->t[i]->copied);
    }
    for (const struct entity *const *en = engine_entities(); !e && en && *en; en++) {
        int64_t n = 0;
        if (!((*en)->flags & ENTITY_FTS) || ((*en)->flags & ENTITY_REFERENCE))
            continue;
        e = engine_reindex_all(dc, *en, &n);
        if (e)
            snprintf(cp->why, sizeof(cp->why), "full-text documents of %s: %s", (*en)->table,
                     db_errmsg(dc));
        else
            fprintf(stderr, "migrate: full text of %-24s %12" PRId64 " documents\n", (*en)->table,
                    n);
        cp->fts_docs += n;
    }
    if (!e) {
        int64_t rows = 0;
        for (size_t i = 0; i < cp->n; i++)
            rows += cp->t[i]->copied;
        char detail[160];
        snprintf(detail, sizeof(detail),
                 "{\"from\":\"sqlite\",\"tables\":%zu,\"rows\":%" PRId64 "}", cp->n, rows);
        e = cli_audit(dc, "database.migrate", "database", NULL, detail);
        if (e)
            snprintf(cp->why, sizeof(cp->why), "the audit record of the copy: %s", db_errmsg(dc));
    }
    arena_release(&a);
    return e;
}

/* Whether every attachment's file is in the data directory; lists the first missing ones. */
static int check_files(struct copy *cp)
{
    const char *dir = cp->cfg->data_dir;
    int64_t total = 0, missing = 0, after = 0;
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        struct db_rows rows;
        enum err e = db_query(cp->dc, &a,
                              "SELECT id, sha256 FROM attachment WHERE id > $1 ORDER BY id "
                              "LIMIT 1000",
                              DB_ARGS(DB_I(after)), &rows);
        if (e) {
            printf("attachments: cannot list them: %s\n", db_errmsg(cp->dc));
            arena_release(&a);
            return 1;
        }
        for (size_t i = 0; i < rows.nrows; i++) {
            const char *sha = db_str(&rows, i, 1);
            char path[4200];
            struct stat st;
            snprintf(path, sizeof(path), "%s/files/%.2s/%.2s/%s", dir, sha ? sha : "",
                     sha && strlen(sha) > 2 ? sha + 2 : "", sha ? sha : "");
            total++;
            if (!sha || strlen(sha) != 64 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
                if (++missing <= MAX_MISSING)
                    printf("attachments: MISSING attachment %" PRId64 ": %s\n", db_int(&rows, i, 0),
                           path);
            }
            after = db_int(&rows, i, 0);
        }
        size_t n = rows.nrows;
        arena_release(&a);
        if (n < 1000)
            break;
    }
    if (missing) {
        printf("attachments: %" PRId64 " of %" PRId64 " files are missing under %s/files\n",
               missing, total, dir);
        return 1;
    }
    printf("attachments: %" PRId64 " file(s), all present under %s/files\n", total, dir);
    return 0;
}

/* Counts per table, source against target; the audit log has the copy's own record more. */
static int compare_counts(struct copy *cp)
{
    int rc = 0;
    struct arena a;
    arena_init(&a, 0);
    printf("%-32s %12s %12s\n", "table", "source", "target");
    for (size_t i = 0; i < cp->n; i++) {
        struct table *t = cp->t[i];
        int64_t dst = 0;
        enum err e = count_rows(cp->dc, &a, t->name, &dst);
        int64_t expect = t->src_rows + (strcmp(t->name, "audit_log") == 0 ? 1 : 0);
        bool ok = !e && dst == expect && t->copied == t->src_rows;
        printf("%-32s %12" PRId64 " %12" PRId64 "  %s\n", t->name, t->src_rows, dst,
               !ok                                 ? "MISMATCH"
               : strcmp(t->name, "audit_log") == 0 ? "ok (+1: the record of this copy)"
                                                   : "ok");
        if (!ok)
            rc = 1;
    }
    arena_release(&a);
    return rc;
}

static int verify_audit(struct copy *cp)
{
    int64_t checked = 0, bad = 0;
    char why[256] = "";
    enum err e = audit_verify(cp->dc, &checked, &bad, why, sizeof(why));
    if (e == ERR_CONFLICT) {
        printf("audit chain: BROKEN at record %" PRId64 ": %s\n", bad, why);
        return 1;
    }
    if (e) {
        printf("audit chain: cannot verify: %s\n", why[0] ? why : err_code(e));
        return 1;
    }
    printf("audit chain: intact (%" PRId64 " records)\n", checked);
    return 0;
}

/* Reads the source's layout and counts, and refuses a target that holds data. */
static int prepare(struct copy *cp)
{
    find_seeded(cp);
    enum err e = list_tables(cp);
    if (e) {
        fprintf(stderr, "shegong migrate: cannot read the source's tables: %s\n",
                cp->why[0] ? cp->why : db_errmsg(cp->sc));
        return 1;
    }
    order_tables(cp);
    struct sbuf held;
    sbuf_init(&held, 1 << 16);
    for (size_t i = 0; i < cp->n; i++) {
        struct table *t = cp->t[i];
        e = count_rows(cp->sc, &cp->a, t->name, &t->src_rows);
        if (e) {
            fprintf(stderr, "shegong migrate: cannot count %s in the source: %s\n", t->name,
                    db_errmsg(cp->sc));
            sbuf_release(&held);
            return 1;
        }
        e = count_rows(cp->dc, &cp->a, t->name, &t->dst_rows);
        if (e) {
            fprintf(stderr,
                    "shegong migrate: the target has no table %s like the source's (%s); are "
                    "both at the same shegong version?\n",
                    t->name, db_errmsg(cp->dc));
            sbuf_release(&held);
            return 1;
        }
        if (t->dst_rows && !t->replace)
            sbuf_addf(&held, "  %s: %" PRId64 " row(s)\n", t->name, t->dst_rows);
    }
    if (held.len) {
        fprintf(stderr,
                "shegong migrate: the target database already holds data, nothing was copied:\n"
                "%s"
                "Copy only into a new, empty database (CREATE DATABASE name; then --to its URL).\n",
                held.buf);
        sbuf_release(&held);
        return 1;
    }
    sbuf_release(&held);
    return 0;
}

static bool is_sqlite_url(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 || !strstr(url, "://");
}

int cli_migrate_copy(const struct config *cfg, const char *from, const char *to)
{
    if (!is_sqlite_url(from)) {
        fprintf(stderr, "shegong migrate: --from must be an SQLite database (sqlite:PATH)\n");
        return EXIT_USAGE;
    }
    const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "shegong migrate: there is no database at '%s'\n", path);
        return 1;
    }
    if (strcmp(from, to) == 0 ||
        (is_sqlite_url(to) && strcmp(path, strncmp(to, "sqlite:", 7) == 0 ? to + 7 : to) == 0)) {
        fprintf(stderr, "shegong migrate: --from and --to name the same database\n");
        return EXIT_USAGE;
    }
    struct config scfg = *cfg;
    scfg.db_url = from;
    scfg.db_url_set = true;
    struct db *src = NULL, *dst = NULL;
    /* the source is brought up to this version and its key loaded, as any command does */
    if (cli_open(&scfg, &src, false))
        return 1;
    int rc = 1;
    char errbuf[512];
    struct db_options opt = {.sync = cfg->sync};
    struct copy *cp = calloc(1, sizeof(*cp));
    if (!cp)
        goto out;
    cp->cfg = cfg;
    arena_init(&cp->a, 0);
    enum err e = db_open(to, &opt, &dst, errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr, "shegong migrate: the target: %s\n", errbuf);
        goto out;
    }
    int applied = 0;
    e = migrate_apply(dst, cli_migrations(), stderr, &applied, errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr, "shegong migrate: the target could not be migrated: %s\n", errbuf);
        goto out;
    }
    e = db_conn_get(src, &cp->sc);
    if (!e)
        e = db_conn_get(dst, &cp->dc);
    if (e) {
        fprintf(stderr, "shegong migrate: cannot connect: %s\n", err_code(e));
        goto out;
    }
    /* one snapshot of the source for the counts and the copy */
    e = db_begin(cp->sc, DB_TX_READ);
    if (e) {
        fprintf(stderr, "shegong migrate: cannot read the source: %s\n", db_errmsg(cp->sc));
        goto out;
    }
    if (prepare(cp)) {
        db_rollback(cp->sc);
        goto out;
    }
    fprintf(stderr, "migrate: copying %zu tables from %s in one transaction\n", cp->n, path);
    e = db_tx_run(cp->dc, copy_tx, cp);
    db_rollback(cp->sc);
    if (e) {
        fprintf(stderr, "shegong migrate: the copy failed, nothing was written to the target: %s\n",
                cp->why[0] ? cp->why : err_code(e));
        goto out;
    }
    rc = compare_counts(cp);
    rc |= verify_audit(cp);
    rc |= check_files(cp);
    printf("full text: %" PRId64 " document(s) rebuilt\n", cp->fts_docs);
    printf("\nThe copy is %s. The new servers need:\n"
           "  - the same key file as this one (SHEGONG_KEY_FILE, else %s/shegong.key): personal\n"
           "    data in the database is sealed under it;\n"
           "  - the attachment files under %s/files (same layout) on storage every server\n"
           "    shares (--data-dir / SHEGONG_DATA_DIR);\n"
           "  - SHEGONG_DB set to the new database and a distinct --node-id each.\n",
           rc ? "INCOMPLETE (see above)" : "complete", cfg->data_dir, cfg->data_dir);
out:
    if (cp) {
        arena_release(&cp->a);
        free(cp);
    }
    if (dst)
        db_close(dst);
    db_close(src);
    return rc;
}

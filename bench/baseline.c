/* bench-baseline: the bare server `make bench` measures shegong against. libmicrohttpd run
 * as shegong runs it (epoll, a thread pool of one thread per core, the two-call handler) and
 * SQLite set up as shegong sets it up (WAL, synchronous=FULL, one connection per thread),
 * doing exactly one statement per request: what this machine can do at best.
 *
 *   bench-baseline --db PATH [--port N] [--threads N] [--sync full|normal]
 *   bench-baseline --db PATH --seed N --regions FILE     fill N rows and exit
 *
 * Routes: POST /insert (a petition as JSON; one INSERT in its own durable transaction),
 * GET /get?id=N (one row by its key), GET /list?region=CODE (the 25 newest rows of a
 * region's subtree, by the index on region_code + created_at: one SELECT), GET /healthz
 * (SELECT 1).
 * No tricks shegong could not use too: no batching of commits, no caches. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#define BODY_CAP  (1 << 20)
#define LIST_SIZE 25

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS petition ("
    " id INTEGER PRIMARY KEY,"
    " region_code TEXT NOT NULL CHECK (length(region_code) = 12),"
    " channel TEXT NOT NULL, class TEXT NOT NULL, category TEXT NOT NULL,"
    " content TEXT NOT NULL,"
    " petitioners TEXT NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS petition_region ON petition (region_code, created_at);";

static const char SQL_INSERT[] =
    "INSERT INTO petition (region_code, channel, class, category, content, petitioners, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_GET[] = "SELECT id, region_code, channel, class, category, content, "
                              "petitioners, created_at FROM petition WHERE id = ?1";
/* The keys of the 25 newest rows from the covering index first, then those rows: a
 * street's subtree holds thousands of rows, and reading them all to sort them would be the
 * machine's worst, not its best. */
static const char SQL_LIST[] =
    "SELECT p.id, p.region_code, p.channel, p.class, p.category, substr(p.content, 1, 30), "
    "p.created_at FROM petition p WHERE p.id IN (SELECT id FROM petition "
    "WHERE region_code BETWEEN ?1 AND ?2 ORDER BY created_at DESC LIMIT ?3) "
    "ORDER BY p.created_at DESC";

static const char *db_path;
static bool sync_normal;

/* One connection and its statements per worker thread, opened on first use. */
struct conn {
    sqlite3 *db;
    sqlite3_stmt *insert, *get, *list, *health, *begin, *commit, *rollback;
    struct conn *next;
};

static pthread_key_t conn_key;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;

static void conn_close(struct conn *c)
{
    sqlite3_stmt *all[] = {c->insert, c->get, c->list, c->health, c->begin, c->commit, c->rollback};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(c->db);
    free(c);
}

/* shegong's pragmas (src/db/db_sqlite.c), then the schema. */
static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        fprintf(stderr, "bench-baseline: cannot open %s: %s\n", db_path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    char pragmas[256];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY;",
             sync_normal ? "NORMAL" : "FULL");
    char *msg = NULL;
    if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench-baseline: cannot set up %s: %s\n", db_path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static bool prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK)
        return true;
    fprintf(stderr, "bench-baseline: prepare failed: %s\n", sqlite3_errmsg(db));
    return false;
}

static struct conn *conn_get(void)
{
    struct conn *c = pthread_getspecific(conn_key);
    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->db = open_db();
    if (!c->db || !prepare(c->db, SQL_INSERT, &c->insert) || !prepare(c->db, SQL_GET, &c->get) ||
        !prepare(c->db, SQL_LIST, &c->list) || !prepare(c->db, "SELECT 1", &c->health) ||
        !prepare(c->db, "BEGIN IMMEDIATE", &c->begin) || !prepare(c->db, "COMMIT", &c->commit) ||
        !prepare(c->db, "ROLLBACK", &c->rollback)) {
        conn_close(c);
        return NULL;
    }
    pthread_setspecific(conn_key, c);
    pthread_mutex_lock(&conns_lock);
    c->next = conns;
    conns = c;
    pthread_mutex_unlock(&conns_lock);
    return c;
}

static int step_once(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* ---- requests ---- */

struct req {
    char *body;
    size_t len;
    bool too_large;
};

struct answer {
    unsigned status;
    char *text; /* malloc'd JSON, or NULL for a fixed error body */
};

static const char *text_col(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

static struct answer json_answer(unsigned status, json_t *o)
{
    struct answer a = {status, o ? json_dumps(o, JSON_COMPACT) : NULL};
    json_decref(o);
    if (!a.text)
        a.status = 500;
    return a;
}

static struct answer err_answer(unsigned status, const char *code)
{
    return json_answer(status, json_pack("{s:s}", "error", code));
}

static const char *str_field(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static struct answer do_insert(struct conn *c, const struct req *r)
{
    json_error_t jerr;
    json_t *in = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(in)) {
        json_decref(in);
        return err_answer(400, "malformed_json");
    }
    const char *region = str_field(in, "region_code"), *channel = str_field(in, "channel"),
               *class = str_field(in, "class"), *category = str_field(in, "category"),
               *content = str_field(in, "content");
    json_t *petitioners = json_object_get(in, "petitioners");
    if (!region || strlen(region) != 12 || !channel || !class || !category || !content ||
        !json_is_array(petitioners)) {
        json_decref(in);
        return err_answer(400, "invalid");
    }
    char *people = json_dumps(petitioners, JSON_COMPACT);
    struct answer a;
    if (step_once(c->begin) != SQLITE_DONE) {
        a = err_answer(503, "busy");
        goto out;
    }
    sqlite3_stmt *st = c->insert;
    sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, class, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, content, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, people ? people : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
    int rc = step_once(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE || step_once(c->commit) != SQLITE_DONE) {
        step_once(c->rollback);
        a = err_answer(503, "busy");
        goto out;
    }
    a = json_answer(201, json_pack("{s:I}", "id", (json_int_t)sqlite3_last_insert_rowid(c->db)));
out:
    free(people);
    json_decref(in);
    return a;
}

static bool parse_id(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

static struct answer do_get(struct conn *c, const char *id_text)
{
    int64_t id;
    if (!parse_id(id_text, &id))
        return err_answer(400, "invalid_id");
    sqlite3_stmt *st = c->get;
    sqlite3_bind_int64(st, 1, id);
    struct answer a;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        json_error_t jerr;
        json_t *people = json_loads(text_col(st, 6), 0, &jerr);
        a = json_answer(200,
                        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "id",
                                  (json_int_t)sqlite3_column_int64(st, 0), "region_code",
                                  text_col(st, 1), "channel", text_col(st, 2), "class",
                                  text_col(st, 3), "category", text_col(st, 4), "content",
                                  text_col(st, 5), "petitioners", people ? people : json_array(),
                                  "created_at", (json_int_t)sqlite3_column_int64(st, 7)));
    } else {
        a = err_answer(rc == SQLITE_DONE ? 404 : 500, rc == SQLITE_DONE ? "not_found" : "db");
    }
    sqlite3_reset(st);
    return a;
}

/* The subtree of a 12-digit region code: its significant prefix (2, 4, 6, 9 or 12 digits,
 * the rest zeros) up to that prefix followed by nines, as shegong's scope does. */
static bool region_range(const char *code, char lo[13], char hi[13])
{
    if (!code || strlen(code) != 12 || strspn(code, "0123456789") != 12)
        return false;
    static const int prefixes[] = {2, 4, 6, 9, 12};
    int p = 12;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strspn(code + prefixes[i], "0") == (size_t)(12 - prefixes[i])) {
            p = prefixes[i];
            break;
        }
    memcpy(lo, code, 13);
    memcpy(hi, code, 13);
    memset(hi + p, '9', (size_t)(12 - p));
    return true;
}

static struct answer do_list(struct conn *c, const char *region)
{
    char lo[13], hi[13];
    if (!region_range(region, lo, hi))
        return err_answer(400, "invalid_region");
    sqlite3_stmt *st = c->list;
    sqlite3_bind_text(st, 1, lo, 12, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, 12, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, LIST_SIZE);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
                             (json_int_t)sqlite3_column_int64(st, 0), "region_code",
                             text_col(st, 1), "channel", text_col(st, 2), "class", text_col(st, 3),
                             "category", text_col(st, 4), "title", text_col(st, 5), "created_at",
                             (json_int_t)sqlite3_column_int64(st, 6)));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return err_answer(500, "db");
    }
    return json_answer(200, json_pack("{s:o}", "items", items));
}

static struct answer route(const char *method, const char *url, struct MHD_Connection *conn,
                           const struct req *r)
{
    struct conn *c = conn_get();
    if (!c)
        return err_answer(503, "no_database");
    bool get = strcmp(method, "GET") == 0;
    if (strcmp(method, "POST") == 0 && strcmp(url, "/insert") == 0)
        return do_insert(c, r);
    if (get && strcmp(url, "/get") == 0)
        return do_get(c, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "id"));
    if (get && strcmp(url, "/list") == 0)
        return do_list(c, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "region"));
    if (get && strcmp(url, "/healthz") == 0)
        return step_once(c->health) == SQLITE_ROW
                   ? json_answer(200, json_pack("{s:s}", "status", "ok"))
                   : err_answer(503, "no_database");
    return err_answer(404, "no_route");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct req *r = *con_cls;
    if (!r) {
        /* the first call only sets up: answering now would close the connection */
        r = calloc(1, sizeof(*r));
        *con_cls = r;
        return r ? MHD_YES : MHD_NO;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_large || r->len + n > BODY_CAP) {
            r->too_large = true;
            return MHD_YES;
        }
        char *grown = realloc(r->body, r->len + n + 1);
        if (!grown)
            return MHD_NO;
        memcpy(grown + r->len, upload_data, n);
        r->body = grown;
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    struct answer a = r->too_large ? err_answer(413, "too_large") : route(method, url, conn, r);
    static const char fallback[] = "{\"error\":\"internal\"}";
    struct MHD_Response *resp =
        a.text ? MHD_create_response_from_buffer(strlen(a.text), a.text, MHD_RESPMEM_MUST_FREE)
               : MHD_create_response_from_buffer(sizeof(fallback) - 1, (void *)fallback,
                                                 MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(a.text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(conn, a.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct req *r = *con_cls;
    if (r) {
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

/* ---- seeding ---- */

/* Chinese phrases a petition is made of; the content is ~500 bytes of them. */
static const char *const phrases[] = {
    "反映小区夜间施工噪音扰民，",
    "严重影响居民休息，",
    "多次向物业反映未果，",
    "请求有关部门尽快协调处理。",
    "反映用人单位拖欠工资三个月，",
    "涉及农民工二十余人，",
    "要求依法支付劳动报酬。",
    "反映老旧小区供暖温度不达标，",
    "室内温度长期低于十六度，",
    "希望供热单位检修管网。",
    "反映道路积水严重，",
    "雨天出行十分不便，",
    "建议增设排水设施。",
    "反映村集体土地征收补偿不公，",
    "请求公开补偿标准和分配方案。",
    "反映社区养老服务站长期关闭，",
    "老年人就餐困难，",
    "希望恢复助餐服务。",
};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊",   "军", "洋",
                                    "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void make_content(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    while (n < 500) {
        const char *p = phrases[rng() % NELEM(phrases)];
        size_t k = strlen(p);
        if (n + k + 1 > cap)
            break;
        memcpy(out + n, p, k + 1);
        n += k;
    }
}

static int seed(long long rows, const char *regions_path)
{
    FILE *f = fopen(regions_path, "r");
    if (!f) {
        fprintf(stderr, "bench-baseline: cannot read %s: %s\n", regions_path, strerror(errno));
        return 1;
    }
    size_t nreg = 0, cap = 0;
    char(*regions)[13] = NULL;
    char line[64];
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strlen(line) != 12)
            continue;
        if (nreg == cap) {
            cap = cap ? cap * 2 : 1024;
            char(*grown)[13] = realloc(regions, cap * sizeof(*regions));
            if (!grown) {
                fclose(f);
                free(regions);
                return 1;
            }
            regions = grown;
        }
        memcpy(regions[nreg++], line, 13);
    }
    fclose(f);
    if (!nreg) {
        fprintf(stderr, "bench-baseline: no 12-digit region codes in %s\n", regions_path);
        free(regions);
        return 1;
    }
    sqlite3 *db = open_db();
    sqlite3_stmt *st = NULL;
    int rc = 1;
    if (!db || !prepare(db, SQL_INSERT, &st) ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    int64_t now = (int64_t)time(NULL);
    char content[700], people[512];
    for (long long i = 0; i < rows; i++) {
        make_content(content, sizeof(content));
        snprintf(people, sizeof(people),
                 "[{\"name\":\"%s%s\",\"id_number\":\"110105198%07lld\",\"phone\":\"138%08lld\","
                 "\"address\":\"北京市朝阳区建国路%lld号院\"}]",
                 surnames[rng() % NELEM(surnames)], given[rng() % NELEM(given)], i % 10000000,
                 i % 100000000, i % 300 + 1);
        sqlite3_bind_text(st, 1, regions[rng() % nreg], 12, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, "letter", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, "grievance", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, "labour", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, content, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, people, -1, SQLITE_STATIC);
        /* spread over the last year, oldest first */
        sqlite3_bind_int64(st, 7, now - 365 * 86400 + (int64_t)(i * 365 * 86400 / rows));
        if (step_once(st) != SQLITE_DONE) {
            fprintf(stderr, "bench-baseline: insert failed: %s\n", sqlite3_errmsg(db));
            goto out;
        }
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    rc = 0;
    fprintf(stderr, "bench-baseline: %lld rows seeded\n", rows);
out:
    if (rc && db)
        fprintf(stderr, "bench-baseline: seeding failed: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(regions);
    return rc;
}

/* ---- main ---- */

static const char usage[] =
    "Usage: bench-baseline --db PATH [--port N] [--threads N] [--sync full|normal]\n"
    "       bench-baseline --db PATH --seed ROWS --regions FILE\n";

static bool parse_num(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    long long port = 8090, threads = 0, rows = -1;
    const char *regions = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;
        if (strcmp(a, "--db") == 0 && v)
            db_path = v;
        else if (strcmp(a, "--port") == 0)
            ok = parse_num(v, 1, 65535, &port);
        else if (strcmp(a, "--threads") == 0)
            ok = parse_num(v, 0, 256, &threads);
        else if (strcmp(a, "--seed") == 0)
            ok = parse_num(v, 0, 1000000000, &rows);
        else if (strcmp(a, "--regions") == 0 && v)
            regions = v;
        else if (strcmp(a, "--sync") == 0 && v && (!strcmp(v, "full") || !strcmp(v, "normal")))
            sync_normal = strcmp(v, "normal") == 0;
        else
            ok = false;
        if (!ok) {
            fputs(usage, stderr);
            return 2;
        }
        i++;
    }
    if (!db_path || (rows >= 0 && !regions)) {
        fputs(usage, stderr);
        return 2;
    }
    if (rows >= 0)
        return seed(rows, regions);

    sqlite3 *setup = open_db(); /* the schema exists before the first request */
    if (!setup)
        return 1;
    sqlite3_close(setup);
    pthread_key_create(&conn_key, NULL);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned pool = threads > 0 ? (unsigned)threads : (unsigned)(cores > 0 ? cores : 2);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 200u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench-baseline: cannot listen on 127.0.0.1:%lld: %s\n", port,
                strerror(errno));
        return 1;
    }
    fprintf(stderr, "bench-baseline: serving on http://127.0.0.1:%lld (%u threads, %s)\n", port,
            pool, db_path);
    int sig = 0;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    while (conns) {
        struct conn *next = conns->next;
        conn_close(conns);
        conns = next;
    }
    return 0;
}

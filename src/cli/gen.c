/* shegong gen: synthetic petitions, persons and units at any size, for benchmarks and
 * demonstrations, written as the API writes them. This file is the command: the options,
 * the run (earlier runs, audit records, bulk settings) and the writing: a second thread
 * draws batches of rows (gen_rows.c) while this one writes them, --batch petitions per
 * transaction, through prepared statements. See gen.h and docs/operations.md. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/gen.h"
#include "core/clock.h"
#include "core/encode.h"
#include "core/id.h"
#include "core/regioncode.h"
#include "engine/deadline.h"
#include "modules/calendar/calendar_db.h"
#include "modules/region/region.h"

#define GEN_MAX_ROWS     50000000 /* petitions or persons in one run */
#define DRAW_BATCH       2000     /* petitions (or persons) drawn at a time */
#define LONE_BATCH       50000    /* persons per transaction after the petitions */
#define SQL_SIZES        9        /* statements of 1, 2, 4 .. 256 rows */
#define DAY              86400
#define FTS_HASH_BULK    "67108864" /* FTS5 'hashsize' while generating (64 MiB) */
#define FTS_HASH_DEFAULT "1048576"  /* and FTS5's own default, put back after */

static const char help[] =
    "Usage: shegong gen [--petitions N] [--persons M] [--seed S] [--months K]\n"
    "                   [--region CODE] [--until YYYY-MM-DD] [--batch B] [--quiet]\n"
    "                   [--db URL] [--data-dir DIR]\n"
    "Writes synthetic petitions (信访事项) with their petitioners, history and clocks, the\n"
    "persons they come from and, in counties that have few, the units that handle them, as\n"
    "the API would have written them over the last K months. Texts come from templates,\n"
    "places from the loaded region table (run `shegong import regions` or `shegong demo`\n"
    "first); ID and phone numbers are valid and sealed. The same seed and --until on a\n"
    "database in the same state write the same rows.\n"
    "  --petitions N  petitions to write (default 0)\n"
    "  --persons M    persons the petitioners are drawn from (default 30% of N)\n"
    "  --seed S       random seed, 0..2^63-1 (default 1); once per database\n"
    "  --months K     how far back the petitions go, 1..120 months (default 12)\n"
    "  --region CODE  12-digit region code: write only under it (default the whole tree)\n"
    "  --until DATE   the data ends the day before DATE (default today, Asia/Shanghai)\n"
    "  --batch B      petitions per transaction (default 50000)\n"
    "  --quiet        no progress bar (it is shown only when stderr is a terminal)\n";

struct run {
    struct gen g;
    struct db_conn *c;
    struct arena setup; /* regions, units, the calendar: for the whole run */
    char *sql[GT_COUNT][SQL_SIZES];
    int64_t rows[GT_COUNT];
    int64_t committed; /* petitions in committed transactions */
    int64_t t0_us, phase_us;
    /* the pipeline: the drawing thread fills a slot while this one writes the other */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct gen_batch slot[2];
    bool full[2], drawn, stop;
    enum err draw_err;
};

/* ---- Writing ------------------------------------------------------------------------------- */

/* The largest chunk of rows one statement takes: a power of two, under PostgreSQL's limit
 * on parameters. */
static int max_chunk_log(const struct run *u, enum gen_table t)
{
    int rows = 16000 / gen_tables[t].ncols, lg = 0;
    /* PostgreSQL pays a round trip per statement; SQLite runs one prepared row fastest */
    int cap = u->g.pg ? 256 : 1;
    while ((2 << lg) <= rows && (2 << lg) <= cap && lg + 1 < SQL_SIZES)
        lg++;
    return lg;
}

/* INSERT INTO t (...) VALUES ($1, ...), ... for 2^lg rows, made once. */
static const char *insert_sql(struct run *u, enum gen_table t, int lg)
{
    if (u->sql[t][lg])
        return u->sql[t][lg];
    const struct gen_table_def *d = &gen_tables[t];
    struct sbuf b;
    sbuf_init(&b, (size_t)16 << 20);
    sbuf_addf(&b, "INSERT INTO %s (", d->name);
    for (int k = 0; k < d->ncols; k++)
        sbuf_addf(&b, "%s%s", k ? ", " : "", d->cols[k]);
    sbuf_adds(&b, ") VALUES ");
    int n = 1;
    for (int i = 0; i < (1 << lg); i++) {
        sbuf_adds(&b, i ? ", (" : "(");
        for (int k = 0; k < d->ncols; k++)
            sbuf_addf(&b, "%s$%d%s", k ? ", " : "", n++,
                      d->fts && u->g.pg && k == 1 ? "::tsvector" : "");
        sbuf_addc(&b, ')');
    }
    u->sql[t][lg] = sbuf_err(&b) ? NULL : sbuf_take(&b, NULL);
    sbuf_release(&b);
    return u->sql[t][lg];
}

/* Writes a batch's rows, tables in order (foreign keys), inside the caller's transaction. */
static enum err write_rows(struct run *u, struct gen_batch *b)
{
    enum err e = ERR_OK;
    for (int t = 0; !e && t < GT_COUNT; t++) {
        const struct gen_rows *rows = &b->t[t];
        int ncols = gen_tables[t].ncols, top = max_chunk_log(u, (enum gen_table)t);
        for (size_t i = 0; !e && i < rows->n;) {
            int lg = top;
            while (lg && (size_t)1 << lg > rows->n - i)
                lg--;
            const char *sql = insert_sql(u, (enum gen_table)t, lg);
            e = sql ? db_exec(u->c, sql, &rows->vals[i * (size_t)ncols], ncols << lg, NULL)
                    : ERR_NOMEM;
            if (e)
                fprintf(stderr, "shegong gen: writing %s: %s\n", gen_tables[t].name,
                        db_errmsg(u->c));
            i += (size_t)1 << lg;
        }
        if (!e)
            u->rows[t] += (int64_t)rows->n;
    }
    return e;
}

/* The audit record of the run's start: what was asked for, and the run's number. */
static enum err audit_start(struct run *u)
{
    const struct gen *g = &u->g;
    int y, m, d;
    calendar_to_ymd(g->until_day, &y, &m, &d);
    char until[16];
    snprintf(until, sizeof(until), "%04d-%02d-%02d", y, m, d);
    json_t *j = json_pack("{s:I, s:I, s:I, s:i, s:s, s:s, s:i}", "seed", (json_int_t)g->seed,
                          "petitions", (json_int_t)g->petitions, "persons", (json_int_t)g->persons,
                          "months", g->months, "region", g->region, "until", until, "run", g->run);
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    enum err e = s ? cli_audit(u->c, "gen.start", NULL, NULL, s) : ERR_NOMEM;
    free(s);
    return e;
}

/* ---- Progress ------------------------------------------------------------------------------ */

static void progress(const struct run *u, const char *what, int64_t done, int64_t total)
{
    if (!u->g.bar || total <= 0)
        return;
    double secs = (double)(clock_mono_us() - u->phase_us) / 1e6;
    double rate = secs > 0 ? (double)done / secs : 0;
    int pct = (int)(done * 100 / total);
    char cells[31];
    for (int i = 0; i < 30; i++)
        cells[i] = i < pct * 30 / 100 ? '#' : '.';
    cells[30] = '\0';
    int eta = rate > 0 ? (int)((double)(total - done) / rate) : 0;
    fprintf(stderr, "\r%s [%s] %3d%% %" PRId64 "/%" PRId64 "  %.0f/s  ETA %d:%02d  ", what, cells,
            pct, done, total, rate, eta / 60, eta % 60);
    fflush(stderr);
}

/* ---- Drawing: the second thread ------------------------------------------------------------ */

/* Waits for slot k to be free; NULL when the writer has stopped. */
static struct gen_batch *slot_take(struct run *u, int k)
{
    pthread_mutex_lock(&u->lock);
    while (u->full[k] && !u->stop)
        pthread_cond_wait(&u->cond, &u->lock);
    bool stop = u->stop;
    pthread_mutex_unlock(&u->lock);
    if (stop)
        return NULL;
    struct gen_batch *b = &u->slot[k];
    arena_release(&b->a);
    for (int t = 0; t < GT_COUNT; t++)
        b->t[t].n = 0;
    b->petitions_done = b->persons_done = b->persons_total = 0;
    return b;
}

static void slot_give(struct run *u, int k)
{
    pthread_mutex_lock(&u->lock);
    u->full[k] = true;
    pthread_cond_broadcast(&u->cond);
    pthread_mutex_unlock(&u->lock);
}

static void *draw(void *arg)
{
    struct run *u = arg;
    struct gen *g = &u->g;
    struct gen_schedule s;
    enum err e = gen_schedule_init(&s, g);
    int k = 0;
    int64_t i = 0;
    while (!e && i < g->petitions) {
        struct gen_batch *b = slot_take(u, k);
        if (!b)
            break;
        int64_t end = i + DRAW_BATCH < g->petitions ? i + DRAW_BATCH : g->petitions;
        for (; !e && i < end; i++) {
            int64_t ms;
            e = gen_schedule_next(&s, g, &ms);
            if (!e)
                e = gen_petition(g, b, (uint64_t)i, ms);
        }
        b->petitions_done = i;
        if (!e)
            slot_give(u, k);
        k ^= 1;
    }
    gen_schedule_release(&s);
    /* the persons no petition brought: registered over the months (by grid workers) */
    int64_t lone = 0, done = 0;
    for (int64_t p = 0; p < g->persons; p++)
        lone += !g->people[p].inserted;
    int64_t step = lone ? (g->now - g->start) * 1000 / (lone + 1) : 0;
    for (int64_t p = 0; !e && p < g->persons;) {
        struct gen_batch *b = slot_take(u, k);
        if (!b)
            break;
        for (int64_t n = 0; !e && p < g->persons && n < DRAW_BATCH; p++) {
            if (g->people[p].inserted)
                continue;
            done++;
            n++;
            e = gen_person(g, b, (uint32_t)p, g->start * 1000 + step * done, GEN_SLOT_LONE, NULL);
        }
        b->petitions_done = g->petitions;
        b->persons_done = done;
        b->persons_total = lone;
        if (!e)
            slot_give(u, k);
        k ^= 1;
    }
    pthread_mutex_lock(&u->lock);
    u->drawn = true;
    u->draw_err = e;
    pthread_cond_broadcast(&u->cond);
    pthread_mutex_unlock(&u->lock);
    return NULL;
}

/* Writes the batches as they are drawn; ERR_OK when all were written. */
static enum err pipeline(struct run *u)
{
    pthread_t th;
    pthread_mutex_init(&u->lock, NULL);
    pthread_cond_init(&u->cond, NULL);
    if (pthread_create(&th, NULL, draw, u) != 0)
        return ERR_NOMEM;
    enum err e = ERR_OK;
    bool persons_phase = false, in_tx = false;
    int64_t tx_from = 0; /* petitions (or persons) done when the transaction began */
    u->phase_us = clock_mono_us();
    for (int k = 0;; k ^= 1) {
        pthread_mutex_lock(&u->lock);
        while (!u->full[k] && !u->drawn)
            pthread_cond_wait(&u->cond, &u->lock);
        bool have = u->full[k];
        pthread_mutex_unlock(&u->lock);
        if (!have)
            break;
        struct gen_batch *b = &u->slot[k];
        if (!persons_phase && b->persons_total) {
            if (in_tx)
                e = db_commit(u->c);
            in_tx = false;
            u->committed = u->rows[GT_PETITION];
            if (u->g.bar && u->g.petitions)
                fputc('\n', stderr);
            persons_phase = true;
            u->phase_us = clock_mono_us();
        }
        int64_t done = persons_phase ? b->persons_done : b->petitions_done;
        if (!e && !in_tx) {
            e = db_begin(u->c, DB_TX_WRITE);
            in_tx = !e;
            tx_from = done - (persons_phase ? 0 : b->t[GT_PETITION].n);
        }
        if (!e)
            e = write_rows(u, b);
        if (!e && done - tx_from >= (persons_phase ? LONE_BATCH : u->g.batch)) {
            e = db_commit(u->c);
            in_tx = false;
            u->committed = u->rows[GT_PETITION];
        }
        if (persons_phase)
            progress(u, "persons  ", done, b->persons_total);
        else
            progress(u, "petitions", done, u->g.petitions);
        pthread_mutex_lock(&u->lock);
        u->full[k] = false;
        u->stop = e != ERR_OK;
        pthread_cond_broadcast(&u->cond);
        pthread_mutex_unlock(&u->lock);
        if (e)
            break;
    }
    if (in_tx && !e)
        e = db_commit(u->c);
    else if (in_tx)
        db_rollback(u->c);
    if (!e)
        u->committed = u->rows[GT_PETITION];
    pthread_join(th, NULL);
    if (u->g.bar && (u->g.petitions || u->rows[GT_PERSON]))
        fputc('\n', stderr);
    pthread_cond_destroy(&u->cond);
    pthread_mutex_destroy(&u->lock);
    return e ? e : u->draw_err;
}

/* ---- Before and after ---------------------------------------------------------------------- */

/* The earlier runs into this database (their number keeps the ids apart), and whether
 * one had this seed (its ID numbers would come again). */
static int earlier_runs(struct run *u)
{
    struct gen *g = &u->g;
    struct arena a;
    arena_init(&a, (size_t)64 << 20);
    struct db_rows rows;
    enum err e =
        db_query(u->c, &a, "SELECT detail FROM audit_log WHERE action = 'gen.start' ORDER BY seq",
                 DB_NOARGS, &rows);
    int rc = e ? 1 : 0;
    if (e)
        fprintf(stderr, "shegong gen: cannot read the audit log: %s\n", err_code(e));
    for (size_t i = 0; !rc && i < rows.nrows; i++) {
        json_t *d = json_loads(db_str(&rows, i, 0) ? db_str(&rows, i, 0) : "{}", 0, NULL);
        json_t *seed = json_object_get(d, "seed");
        if (json_is_integer(seed) && (uint64_t)json_integer_value(seed) == g->seed) {
            fprintf(stderr,
                    "shegong gen: seed %" PRIu64 " was used on this database already (its ID "
                    "numbers would come again); give another --seed\n",
                    g->seed);
            rc = 1;
        }
        json_decref(d);
    }
    g->run = e ? 0 : (int)rows.nrows;
    if (!rc && g->run >= GEN_MAX_RUNS) {
        fprintf(stderr, "shegong gen: this database has had %d runs, the most gen keeps apart\n",
                GEN_MAX_RUNS);
        rc = 1;
    }
    arena_release(&a);
    return rc;
}

/* Regions, units, the audit record of the start. */
static int prepare(struct run *u)
{
    struct gen *g = &u->g;
    int64_t nregions = 0;
    if (region_count(u->c, &nregions)) {
        fprintf(stderr, "shegong gen: cannot read the region table\n");
        return 1;
    }
    if (!nregions) {
        fprintf(stderr, "shegong gen: the region table is empty; load it first with "
                        "`shegong import regions` (or `shegong demo`)\n");
        return 1;
    }
    bool exists = !g->region[0];
    if (g->region[0] && region_exists(u->c, g->region, &exists))
        return 1;
    if (!exists) {
        fprintf(stderr, "shegong gen: --region %s is not in the region table\n", g->region);
        return EXIT_USAGE;
    }
    if (calendar_db_current(u->c, &u->setup, &g->cal)) {
        fprintf(stderr, "shegong gen: cannot read the working-day calendar\n");
        return 1;
    }
    int rc = earlier_runs(u);
    if (!rc)
        rc = gen_places_load(g, u->c, &u->setup);
    if (rc)
        return rc;
    if (gen_ncategories > GEN_MAX_CATEGORIES) {
        fprintf(stderr, "shegong gen: more categories than GEN_MAX_CATEGORIES\n");
        return 1;
    }
    for (int t = 0; t < GT_COUNT; t++) {
        int n = 0;
        while (gen_tables[t].cols[n])
            n++;
        if (n != gen_tables[t].ncols)
            return fprintf(stderr, "shegong gen: the columns of %s do not add up\n",
                           gen_tables[t].name),
                   1;
    }
    struct gen_batch *b = &u->slot[0];
    enum err e = gen_taken_load(g, u->c);
    if (!e)
        e = db_begin(u->c, DB_TX_WRITE);
    if (!e) {
        e = gen_units(g, u->c, &u->setup, b);
        if (!e)
            e = write_rows(u, b);
        if (!e)
            e = audit_start(u);
        if (e)
            db_rollback(u->c);
        else
            e = db_commit(u->c);
    }
    if (e) {
        fprintf(stderr, "shegong gen: cannot prepare the run: %s\n", err_code(e));
        return 1;
    }
    return 0;
}

/* Bulk settings while generating (SQLite: no fsync per commit, a large page cache, a large
 * full-text buffer; PostgreSQL: no wait for the WAL flush per commit). The last commit, after
 * they are put back, makes everything before it durable. */
static void bulk_mode(struct run *u, bool on, bool full_sync)
{
    if (u->g.pg) {
        db_exec_script(u->c, on ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
        return;
    }
    db_exec_script(u->c, on          ? "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1048576"
                         : full_sync ? "PRAGMA synchronous = FULL; PRAGMA cache_size = -2000"
                                     : "PRAGMA cache_size = -2000");
    db_exec_script(u->c, on ? "INSERT INTO petition_fts (petition_fts, rank) "
                              "VALUES ('hashsize', " FTS_HASH_BULK ")"
                            : "INSERT INTO petition_fts (petition_fts, rank) "
                              "VALUES ('hashsize', " FTS_HASH_DEFAULT ")");
}

static enum err audit_done(struct run *u, double secs)
{
    const struct gen *g = &u->g;
    json_t *j =
        json_pack("{s:i, s:I, s:I, s:i, s:I}", "run", g->run, "petitions",
                  (json_int_t)u->rows[GT_PETITION], "persons", (json_int_t)u->rows[GT_PERSON],
                  "units", (int)u->rows[GT_UNIT], "ms", (json_int_t)(secs * 1000));
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    enum err e = s ? db_begin(u->c, DB_TX_WRITE) : ERR_NOMEM;
    if (!e)
        e = cli_audit(u->c, "gen.done", NULL, NULL, s);
    if (!e)
        e = db_commit(u->c);
    else if (s)
        db_rollback(u->c);
    free(s);
    return e;
}

static void summary(const struct run *u, double secs)
{
    const struct gen *g = &u->g;
    int64_t petitions = u->rows[GT_PETITION];
    printf("gen: %" PRId64 " petitions, %" PRId64 " persons, %" PRId64 " units made in %u "
           "count%s (%u places) in %.1f s",
           petitions, u->rows[GT_PERSON], u->rows[GT_UNIT], g->ncounties,
           g->ncounties == 1 ? "y" : "ies", g->nplaces, secs);
    if (secs > 0 && petitions)
        printf(", %.0f petitions/s", (double)petitions / secs);
    printf("\n");
    if (!petitions)
        return;
    printf("gen: states:");
    for (size_t i = 0; i < 16 && g->states[i].state; i++)
        printf(" %s %" PRId64, g->states[i].state, g->states[i].n);
    printf("\ngen: rows: %" PRId64 " petitioners, %" PRId64 " history, %" PRId64 " clocks\n",
           u->rows[GT_PETITIONER], u->rows[GT_HISTORY], u->rows[GT_DEADLINE]);
}

/* ---- Options ------------------------------------------------------------------------------- */

static bool number_arg(const char *name, const char *arg, int64_t min, int64_t max, int64_t *out)
{
    int64_t n;
    if (!parse_int64(arg, &n) || n < min || n > max) {
        fprintf(stderr,
                "shegong gen: --%s must be a whole number from %" PRId64 " to %" PRId64
                ", not '%s'\n",
                name, min, max, arg);
        return false;
    }
    *out = n;
    return true;
}

static bool option(struct gen *g, int opt, const char *arg)
{
    int64_t n = 0;
    int32_t day;
    switch (opt) {
    case 'n':
        return number_arg("petitions", arg, 0, GEN_MAX_ROWS, &g->petitions);
    case 'p':
        return number_arg("persons", arg, 0, GEN_MAX_ROWS, &g->persons);
    case 's':
        if (!number_arg("seed", arg, 0, INT64_MAX, &n))
            return false;
        g->seed = (uint64_t)n;
        return true;
    case 'm':
        if (!number_arg("months", arg, 1, 120, &n))
            return false;
        g->months = (int)n;
        return true;
    case 'b':
        return number_arg("batch", arg, 1, 1000000, &g->batch);
    case 'r':
        if (!region_code_shape(arg) || !regioncode_valid(arg)) {
            fprintf(stderr, "shegong gen: --region must be a 12-digit region code, not '%s'\n",
                    arg);
            return false;
        }
        snprintf(g->region, sizeof(g->region), "%s", arg);
        return true;
    case 'u':
        if (!calendar_parse_date(arg, &day) || day > g->until_day) {
            fprintf(stderr,
                    "shegong gen: --until must be a date (YYYY-MM-DD) no later than today, "
                    "not '%s'\n",
                    arg);
            return false;
        }
        g->until_day = day;
        return true;
    default:
        return false;
    }
}

/* The window: K months back from --until (the same day of the month, or the month's last),
 * and not before the ids' epoch. */
static bool window(struct gen *g)
{
    int y, m, d;
    calendar_to_ymd(g->until_day, &y, &m, &d);
    int months = y * 12 + (m - 1) - g->months;
    while (d > 28 && !calendar_valid_ymd(months / 12, months % 12 + 1, d))
        d--;
    int32_t first = calendar_from_ymd(months / 12, months % 12 + 1, d);
    g->epoch_ms = id_time_ms(0);
    g->start = (int64_t)first * DAY - DEADLINE_SHANGHAI_SHIFT;
    g->now = (int64_t)g->until_day * DAY - DEADLINE_SHANGHAI_SHIFT;
    if (g->start * 1000 >= g->epoch_ms)
        return true;
    fprintf(stderr,
            "shegong gen: --months %d reaches back before 2024-01-01, where ids begin; give "
            "fewer months or a later --until\n",
            g->months);
    return false;
}

static int parse(int argc, char **argv, struct config *cfg, struct gen *g)
{
    if (!cli_config_env(cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"petitions", required_argument, NULL, 'n'},
        {"persons", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 's'},
        {"months", required_argument, NULL, 'm'},
        {"region", required_argument, NULL, 'r'},
        {"until", required_argument, NULL, 'u'},
        {"batch", required_argument, NULL, 'b'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    g->persons = -1;
    g->seed = 1;
    g->months = 12;
    g->batch = 50000;
    g->bar = isatty(STDERR_FILENO);
    g->until_day = calendar_today(clock_now());
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (cli_common_flag(cfg, opt, optarg))
            continue;
        if (opt == 'h') {
            fputs(help, stdout);
            return 0;
        }
        if (opt == 'q') {
            g->bar = false;
            continue;
        }
        if (opt == '?' || opt == ':') {
            fputs(help, stderr);
            return EXIT_USAGE;
        }
        if (!option(g, opt, optarg))
            return EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "shegong gen: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    if (g->persons < 0)
        g->persons = g->petitions ? (g->petitions * 3 + 9) / 10 : 0;
    if (g->petitions && !g->persons) {
        fprintf(stderr, "shegong gen: --persons must be at least 1 when there are petitions\n");
        return EXIT_USAGE;
    }
    if (!g->petitions && !g->persons) {
        fprintf(stderr, "shegong gen: nothing to write; give --petitions or --persons\n\n%s", help);
        return EXIT_USAGE;
    }
    return window(g) ? -1 : EXIT_USAGE;
}

int cli_gen(int argc, char **argv)
{
    struct config cfg;
    static struct run u;
    memset(&u, 0, sizeof(u));
    struct gen *g = &u.g;
    int rc = parse(argc, argv, &cfg, g);
    if (rc >= 0)
        return rc;
    struct db *db;
    if (cli_open(&cfg, &db, false))
        return 1;
    u.t0_us = clock_mono_us();
    arena_init(&u.setup, (size_t)4 << 30);
    for (int k = 0; k < 2; k++)
        arena_init(&u.slot[k].a, (size_t)4 << 30);
    g->people = calloc((size_t)(g->persons ? g->persons : 1), sizeof(*g->people));
    g->earlier = calloc((size_t)(g->petitions ? g->petitions : 1), sizeof(*g->earlier));
    rc = g->people && g->earlier && !db_conn_get(db, &u.c) ? 0 : 1;
    if (rc)
        fprintf(stderr, "shegong gen: out of memory\n");
    for (int64_t k = 0; !rc && k < g->persons; k++)
        g->people[k].place = GEN_NONE;
    if (!rc) {
        g->pg = strcmp(db_backend(db), "postgres") == 0;
        rc = prepare(&u);
    }
    if (!rc) {
        bulk_mode(&u, true, false);
        enum err e = pipeline(&u);
        bulk_mode(&u, false, cfg.sync == DB_SYNC_FULL);
        double secs = (double)(clock_mono_us() - u.t0_us) / 1e6;
        if (e) {
            fprintf(stderr,
                    "shegong gen: stopped: %s; the %" PRId64 " petitions committed before it "
                    "are whole (--batch petitions per transaction)\n",
                    err_code(e), u.committed);
            rc = 1;
        }
        if (audit_done(&u, secs)) {
            fprintf(stderr, "shegong gen: cannot write the audit record\n");
            rc = 1;
        }
        if (!g->pg) /* fold the write-ahead log into the database file */
            db_exec_script(u.c, "PRAGMA wal_checkpoint(TRUNCATE)");
        summary(&u, secs);
    }
    for (int t = 0; t < GT_COUNT; t++)
        for (int k = 0; k < SQL_SIZES; k++)
            free(u.sql[t][k]);
    for (int k = 0; k < 2; k++)
        gen_batch_release(&u.slot[k]);
    free(g->people);
    free(g->earlier);
    free(g->idx_set);
    free(g->towns);
    free(g->places);
    free(g->units);
    arena_release(&u.setup);
    db_close(db);
    return rc;
}

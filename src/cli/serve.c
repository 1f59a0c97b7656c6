/* shegong serve and shegong migrate. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/encode.h"
#include "core/id.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "model/model.h"
#include "server/jobs.h"
#include "server/log.h"

static const char serve_help[] =
    "Usage: shegong serve [options]\n"
    "Serves the API and the built web console until SIGTERM or SIGINT.\n"
    "The console's files are read from SHEGONG_WEB_DIR (default web/dist, made by make build).\n"
    "\n"
    "  --db URL              database (SHEGONG_DB; default sqlite:data/shegong.db)\n"
    "  --port N              TCP port (SHEGONG_PORT; default 8080)\n"
    "  --bind ADDR           IPv4 address to listen on (SHEGONG_BIND; default 127.0.0.1)\n"
    "  --threads N           worker threads (SHEGONG_THREADS; default one per core)\n"
    "  --body-limit BYTES    largest request body (SHEGONG_BODY_LIMIT; default 1048576)\n"
    "  --trusted-proxy ADDR  believe X-Forwarded-For / X-Request-Id from this address\n"
    "  --secure-cookies      mark the session cookie Secure (behind HTTPS)\n"
    "  --node-id N           0-1023, distinct per server sharing a database\n"
    "  --sync full|normal    SQLite durability (default full; see docs/operations.md)\n"
    "  --quiet               no access log\n"
    "  --test-mode           enable the test-only routes (moving the clock); never in production\n";

int cli_serve(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"threads", required_argument, NULL, 't'},
        {"body-limit", required_argument, NULL, 'l'},
        {"trusted-proxy", required_argument, NULL, 'P'},
        {"secure-cookies", no_argument, NULL, 's'},
        {"node-id", required_argument, NULL, 'n'},
        {"sync", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"test-mode", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    int64_t n;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 'p':
            if (!parse_int64(optarg, &n) || n < 1 || n > 65535)
                goto bad_number;
            cfg.port = (int)n;
            break;
        case 'b':
            cfg.bind = optarg;
            break;
        case 't':
            if (!parse_int64(optarg, &n) || n < 0 || n > 256)
                goto bad_number;
            cfg.threads = (int)n;
            break;
        case 'l':
            if (!parse_int64(optarg, &n) || n < 1024 || n > ((int64_t)1 << 30))
                goto bad_number;
            cfg.body_cap = (size_t)n;
            break;
        case 'P':
            cfg.trusted_proxy = optarg;
            break;
        case 's':
            cfg.secure_cookies = true;
            break;
        case 'n':
            if (!parse_int64(optarg, &n) || n < 0 || n > ID_NODE_MAX)
                goto bad_number;
            cfg.node_id = (unsigned)n;
            break;
        case 'S':
            if (strcmp(optarg, "full") == 0)
                cfg.sync = DB_SYNC_FULL;
            else if (strcmp(optarg, "normal") == 0)
                cfg.sync = DB_SYNC_NORMAL;
            else {
                fprintf(stderr, "shegong serve: --sync must be 'full' or 'normal'\n");
                return EXIT_USAGE;
            }
            break;
        case 'q':
            cfg.quiet = true;
            break;
        case 'T':
            cfg.test_mode = true;
            break;
        case 'h':
            fputs(serve_help, stdout);
            return 0;
        default:
            fputs(serve_help, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "shegong serve: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    id_set_node(cfg.node_id);
#ifdef __GLIBC__
    /* A fixed threshold: a request's large arena blocks are mapped and given back when it
     * ends. glibc otherwise raises the threshold after the first such block is freed, and
     * later ones stay in the heap: a dashboard's requests at a million petitions left the
     * server at 99 MB instead of 43 MB (docs/performance.md). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    struct db *db;
    if (cli_open(&cfg, &db, true))
        return 1;
    cli_files_sweep(&cfg, db);
    db_set_slow_log(cfg.slow_sql_ms < 0 ? -1 : (int64_t)cfg.slow_sql_ms * 1000, log_slow_sql);
    if (cfg.test_mode)
        fprintf(stderr, "shegong: TEST MODE: the clock can be moved through the API\n");
    jobs_register(&workflow_notice_job);
    enum err e = server_run(&cfg, db, engine_routes());
    db_close(db);
    return e ? 1 : 0;
bad_number:
    fprintf(stderr, "shegong serve: '%s' is not a valid number for that option\n", optarg);
    return EXIT_USAGE;
}

static const char migrate_help[] =
    "Usage: shegong migrate [--db URL]\n"
    "       shegong migrate --from sqlite:PATH --to postgres://USER@HOST:PORT/NAME\n"
    "                       [--data-dir DIR]\n"
    "Applies the pending schema migrations and exits.\n"
    "\n"
    "With --from and --to it copies a whole database into a new one: a county moving from\n"
    "SQLite to PostgreSQL. Stop every server first. The source is brought up to this\n"
    "version (as any command does); the target gets every migration and must hold no data\n"
    "(what `shegong migrate --db URL` alone writes there is replaced). Every table is copied\n"
    "in one target transaction, in an order that satisfies its references; the full-text\n"
    "documents are rebuilt; the audit trail is copied record for record and gets one record\n"
    "of the copy. Then the row counts of both, the audit chain and the attachment files\n"
    "under DIR/files are checked. Exit status: 0 complete, 1 a check failed or nothing was\n"
    "copied (the target is then unchanged), 2 bad usage.\n"
    "\n"
    "  --from URL        the SQLite database (sqlite:PATH)\n"
    "  --to URL          the new database (postgres://…; an SQLite file also works)\n"
    "  --data-dir DIR    where the key file and the attachment files are (default data)\n"
    "  --db URL          the database to migrate (without --from/--to)\n";

int cli_migrate(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL;
    bool db_flag = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'D')
            db_flag = true;
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 'f':
            from = optarg;
            break;
        case 'o':
            to = optarg;
            break;
        case 'h':
            fputs(migrate_help, stdout);
            return 0;
        default:
            fputs(migrate_help, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "shegong migrate: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    if (from || to) {
        if (!from || !to || db_flag) {
            fprintf(stderr, "shegong migrate: a copy needs both --from and --to (and no --db)\n");
            return EXIT_USAGE;
        }
        return cli_migrate_copy(&cfg, from, to);
    }
    struct db *db;
    if (cli_open(&cfg, &db, true))
        return 1;
    db_close(db);
    fprintf(stderr, "migrate: the database is up to date\n");
    return 0;
}

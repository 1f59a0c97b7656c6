/* What the subcommands share: configuration, opening the database (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/encode.h"
#include "core/id.h"
#include "db/migrate.h"
#include "model/model.h"
#include "server/access.h"
#include "server/audit.h"

static bool env_int(const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return true;
    int64_t n;
    if (!parse_int64(v, &n) || n < min || n > max) {
        fprintf(stderr, "shegong: %s=%s is not a number between %lld and %lld\n", name, v,
                (long long)min, (long long)max);
        return false;
    }
    *out = n;
    return true;
}

/* The data directory, and the default database inside it unless one was named. */
static void set_data_dir(struct config *cfg, const char *dir)
{
    cfg->data_dir = dir;
    if (!cfg->db_url_set) {
        snprintf(cfg->db_url_buf, sizeof(cfg->db_url_buf), "sqlite:%s/shegong.db", dir);
        cfg->db_url = cfg->db_url_buf;
    }
}

bool cli_config_env(struct config *cfg)
{
    config_defaults(cfg);
    const char *v;
    if ((v = getenv("SHEGONG_DATA_DIR")) && *v)
        set_data_dir(cfg, v);
    if ((v = getenv("SHEGONG_DB")) && *v) {
        cfg->db_url = v;
        cfg->db_url_set = true;
    }
    if ((v = getenv("SHEGONG_BIND")) && *v)
        cfg->bind = v;
    if ((v = getenv("SHEGONG_WEB_DIR")) && *v)
        cfg->web_dir = v;
    if ((v = getenv("SHEGONG_TRUSTED_PROXY")) && *v)
        cfg->trusted_proxy = v;
    int64_t n;
    n = cfg->port;
    if (!env_int("SHEGONG_PORT", 1, 65535, &n))
        return false;
    cfg->port = (int)n;
    n = cfg->threads;
    if (!env_int("SHEGONG_THREADS", 0, 256, &n))
        return false;
    cfg->threads = (int)n;
    n = (int64_t)cfg->body_cap;
    if (!env_int("SHEGONG_BODY_LIMIT", 1024, (int64_t)1 << 30, &n))
        return false;
    cfg->body_cap = (size_t)n;
    n = (int64_t)cfg->upload_cap;
    if (!env_int("SHEGONG_ATTACHMENT_LIMIT", 0, (int64_t)1 << 32, &n))
        return false;
    cfg->upload_cap = (size_t)n;
    n = cfg->node_id;
    if (!env_int("SHEGONG_NODE_ID", 0, ID_NODE_MAX, &n))
        return false;
    cfg->node_id = (unsigned)n;
    n = cfg->login_rate_per_min;
    if (!env_int("SHEGONG_LOGIN_RATE", 0, 1000000, &n))
        return false;
    cfg->login_rate_per_min = (int)n;
    n = cfg->token_rate_per_min;
    if (!env_int("SHEGONG_TOKEN_RATE", 0, 1000000, &n))
        return false;
    cfg->token_rate_per_min = (int)n;
    n = cfg->portal_submit_rate;
    if (!env_int("SHEGONG_PORTAL_SUBMIT_RATE", 0, 1000000, &n))
        return false;
    cfg->portal_submit_rate = (int)n;
    n = cfg->portal_lookup_rate;
    if (!env_int("SHEGONG_PORTAL_LOOKUP_RATE", 0, 1000000, &n))
        return false;
    cfg->portal_lookup_rate = (int)n;
    n = cfg->slow_sql_ms;
    if (!env_int("SHEGONG_SLOW_SQL_MS", -1, 3600000, &n))
        return false;
    cfg->slow_sql_ms = (int)n;
    if ((v = getenv("SHEGONG_PUBLIC_URL")) && *v)
        cfg->public_url = v;
    if ((v = getenv("SHEGONG_SYNC")) && *v) {
        if (strcmp(v, "full") == 0)
            cfg->sync = DB_SYNC_FULL;
        else if (strcmp(v, "normal") == 0)
            cfg->sync = DB_SYNC_NORMAL;
        else {
            fprintf(stderr, "shegong: SHEGONG_SYNC must be 'full' or 'normal', not '%s'\n", v);
            return false;
        }
    }
    if ((v = getenv("SHEGONG_GROUP_COMMIT")) && *v) {
        if (strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
            cfg->group_commit = true;
        else if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
            cfg->group_commit = false;
        else {
            fprintf(stderr, "shegong: SHEGONG_GROUP_COMMIT must be 'on' or 'off', not '%s'\n", v);
            return false;
        }
    }
    if ((v = getenv("SHEGONG_SECURE_COOKIES")) && strcmp(v, "1") == 0)
        cfg->secure_cookies = true;
    if ((v = getenv("SHEGONG_KEY_FILE")) && *v)
        cfg->key_file = v;
    if (!cli_config_cipher(cfg))
        return false;
    return true;
}

bool cli_common_flag(struct config *cfg, int opt, const char *arg)
{
    switch (opt) {
    case 'D':
        cfg->db_url = arg;
        cfg->db_url_set = true;
        return true;
    case 'A':
        set_data_dir(cfg, arg);
        return true;
    default:
        return false;
    }
}

/* mkdir -p for the directory that holds an SQLite file. */
static int make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0750) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static enum err sync_roles(struct db_conn *c, void *ctx)
{
    enum err e = access_sync_roles(c, builtin_roles);
    if (!e && model_extra && model_extra->roles)
        e = access_sync_roles(c, model_extra->roles);
    return e;
}

const struct migration *cli_migrations(void)
{
    static struct migration *all; /* built once, kept for the process */
    if (!model_extra || !model_extra->migrations)
        return migrations;
    if (all)
        return all;
    /* a test build's own tables come after the built-in ones, in one list */
    size_t n = 0, m = 0;
    while (migrations[n].name)
        n++;
    while (model_extra->migrations[m].name)
        m++;
    all = calloc(n + m + 1, sizeof(*all));
    if (!all)
        return NULL;
    memcpy(all, migrations, n * sizeof(*all));
    memcpy(all + n, model_extra->migrations, m * sizeof(*all));
    return all;
}

int cli_open(const struct config *cfg, struct db **db, bool verbose)
{
    const char *url = cfg->db_url;
    const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : strstr(url, "://") ? NULL : url;
    if (path) {
        const char *slash = strrchr(path, '/');
        if (slash && slash != path) {
            char dir[4096];
            snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
            if (make_dirs(dir) != 0) {
                fprintf(stderr, "shegong: cannot create directory '%s': %s\n", dir,
                        strerror(errno));
                return 1;
            }
        }
    }
    char errbuf[512];
    struct db_options opt = {.sync = cfg->sync};
    enum err e = db_open(url, &opt, db, errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr, "shegong: %s\n", errbuf);
        return 1;
    }
    int applied = 0;
    const struct migration *all = cli_migrations();
    e = all ? migrate_apply(*db, all, verbose ? stderr : NULL, &applied, errbuf, sizeof(errbuf))
            : ERR_NOMEM;
    if (!all)
        snprintf(errbuf, sizeof(errbuf), "out of memory");
    if (e) {
        fprintf(stderr, "shegong: the database could not be migrated, nothing was changed: %s\n",
                errbuf);
        db_close(*db);
        *db = NULL;
        return 1;
    }
    struct db_conn *c;
    e = db_conn_get(*db, &c);
    if (!e)
        e = db_tx_run(c, sync_roles, NULL);
    if (e) {
        fprintf(stderr, "shegong: cannot write the built-in roles: %s\n", err_code(e));
        db_close(*db);
        *db = NULL;
        return 1;
    }
    if (cli_open_key(cfg, *db)) {
        db_close(*db);
        *db = NULL;
        return 1;
    }
    return 0;
}

bool cli_read_line(char *buf, size_t len)
{
    if (!fgets(buf, (int)len, stdin))
        return false;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (n == len - 1)
        return false; /* longer than the buffer */
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return true;
}

enum err cli_tx(struct db *db, enum err (*fn)(struct db_conn *c, void *ctx), void *ctx)
{
    struct db_conn *c;
    enum err e = db_conn_get(db, &c);
    if (e)
        return e;
    return db_tx_run(c, fn, ctx);
}

enum err cli_audit(struct db_conn *c, const char *action, const char *object_type,
                   const char *object_id, const char *detail)
{
    struct audit_rec rec = {
        .username = "(cli)",
        .ip = "local",
        .action = action,
        .object_type = object_type,
        .object_id = object_id,
        .result = "success",
        .detail = detail,
    };
    return audit_append(c, &rec);
}

int cli_parse_common_flag(int argc, char **argv, struct config *cfg, const char *help,
                          const char *flag, bool *on)
{
    if (!cli_config_env(cfg))
        return EXIT_USAGE;
    const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"help", no_argument, NULL, 'h'},
        {flag, no_argument, NULL, 'f'}, /* NULL: the end, no flag */
        {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(cfg, opt, optarg))
            continue;
        if (opt == 'f' && flag) {
            *on = true;
            continue;
        }
        if (opt == 'h') {
            fputs(help, stdout);
            return 0;
        }
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

int cli_parse_common(int argc, char **argv, struct config *cfg, const char *help)
{
    return cli_parse_common_flag(argc, argv, cfg, help, NULL, NULL);
}

/* shegong demo: a demonstration installation at 北京市朝阳区 — one account per admin role,
 * business users at the district, a street inside it and a sibling district, a department's
 * handler, and a few units. Passwords are generated, printed once and kept in
 * DATA_DIR/demo-accounts.txt (mode 600) so that `make run` can remind the person at the laptop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "modules/mediation/mediation.h"
#include "modules/petition/petition_demo.h"
#include "modules/workorder/workorder.h"
#include "server/accounts.h"

struct demo_user {
    const char *username, *display, *role, *region;
    const char *unit; /* the post's unit (a name of demo_units), or NULL */
};

static const struct demo_user demo_users[] = {
    {"sysadmin", "系统管理员（演示）", "sysadmin", "110000000000", NULL},
    {"secadmin", "安全管理员（演示）", "secadmin", "110000000000", NULL},
    {"auditor", "安全审计员（演示）", "auditor", "110000000000", NULL},
    {"chaoyang", "朝阳区社会工作部（演示）", "staff", "110105000000", NULL},
    {"jianwai", "建外街道工作人员（演示）", "staff", "110105001000", NULL},
    {"haidian", "海淀区社会工作部（演示）", "staff", "110108000000", NULL},
    /* a department that is dispatched work orders and summoned by whistles: it handles
     * and reports for duty (部门报到) only for its own unit */
    {"chengguan", "朝阳区城市管理委员会经办人（演示）", "workorder_handler", "110105000000",
     "朝阳区城市管理委员会"},
    {NULL, NULL, NULL, NULL, NULL},
};

struct demo_unit {
    const char *name, *kind, *region;
};

static const struct demo_unit demo_units[] = {
    {"朝阳区民政局", "department", "110105000000"},
    {"朝阳区住房和城乡建设委员会", "department", "110105000000"},
    {"朝阳区城市管理委员会", "department", "110105000000"},
    {"朝阳区信访办公室", "department", "110105000000"},
    {"建外街道办事处", "township", "110105001000"},
    {"朝外街道办事处", "township", "110105002000"},
    {"海淀区民政局", "department", "110108000000"},
    {NULL, NULL, NULL},
};

struct demo {
    char passwords[sizeof(demo_users) / sizeof(demo_users[0])][32];
    bool existed;
};

static enum err load(struct db_conn *c, void *ctx)
{
    struct demo *d = ctx;
    struct arena a;
    arena_init(&a, 1 << 20);
    struct db_rows rows;
    enum err e = db_query_one(c, &a, "SELECT COUNT(*) FROM users", DB_NOARGS, &rows);
    if (!e && db_int(&rows, 0, 0) > 0)
        d->existed = true;
    int64_t now = clock_now();
    int64_t unit_ids[sizeof(demo_units) / sizeof(demo_units[0])] = {0};
    for (int i = 0; !e && !d->existed && demo_units[i].name; i++) {
        int64_t id = id_next();
        e = db_exec(c,
                    "INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5, $5)",
                    DB_ARGS(DB_I(id), DB_T(demo_units[i].name), DB_T(demo_units[i].kind),
                            DB_T(demo_units[i].region), DB_I(now)),
                    NULL);
        char sid[24];
        snprintf(sid, sizeof(sid), "%" PRId64, id);
        if (!e)
            e = cli_audit(c, "unit.create", "unit", sid, "{\"source\":\"demo\"}");
        unit_ids[i] = id;
    }
    for (int i = 0; !e && !d->existed && demo_users[i].username; i++) {
        const struct demo_user *u = &demo_users[i];
        int64_t unit = 0;
        for (int k = 0; u->unit && demo_units[k].name; k++)
            if (strcmp(demo_units[k].name, u->unit) == 0)
                unit = unit_ids[k];
        char hex[21], hash[ACCOUNTS_HASH_LEN];
        accounts_random_hex(10, hex);
        snprintf(d->passwords[i], sizeof(d->passwords[i]), "Sg-%s", hex);
        int64_t id = 0, grant = 0;
        const char *why = NULL;
        e = accounts_hash_password(d->passwords[i], hash);
        if (!e)
            e = accounts_create(c, u->username, u->display, hash, &id);
        if (!e)
            e = accounts_grant(c, id, u->role, u->region, unit, 0, &grant, &why);
        char sid[24];
        snprintf(sid, sizeof(sid), "%" PRId64, id);
        if (!e)
            e = cli_audit(c, "user.create", "user", sid, "{\"source\":\"demo\"}");
    }
    if (!e && !d->existed)
        e = mediation_demo_load(c, now);
    if (!e && !d->existed)
        e = petition_demo_load(c, now);
    if (!e && !d->existed)
        e = workorder_demo_load(c, now);
    arena_release(&a);
    return e;
}

static const char demo_help[] =
    "Usage: shegong demo [--db URL] [--data-dir DIR]\n"
    "Loads the demonstration accounts and data into an empty installation. The passwords\n"
    "are printed once and written to DIR/demo-accounts.txt (mode 600). Does nothing when\n"
    "the installation already has accounts.\n";

int cli_demo(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_parse_common(argc, argv, &cfg, demo_help);
    if (rc >= 0)
        return rc;
    if (optind < argc) {
        fprintf(stderr, "shegong demo: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    struct db *db;
    if (cli_open(&cfg, &db, true))
        return 1;
    if (cli_import_regions_if_empty(db) != 0 || cli_import_holidays_if_empty(db) != 0) {
        db_close(db);
        return 1;
    }
    struct demo d = {0};
    enum err e = cli_tx(db, load, &d);
    db_close(db);
    if (e) {
        fprintf(stderr, "shegong demo: could not load the demonstration data: %s\n", err_code(e));
        return 1;
    }
    if (d.existed) {
        fprintf(stderr, "demo: the installation already has accounts; nothing was added\n");
        return 0;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/demo-accounts.txt", cfg.data_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    printf("演示账号 / demo accounts (passwords are shown only now%s):\n",
           f ? "; also kept in the file below" : "");
    printf("  %-10s %-24s %-10s %s\n", "username", "password", "role", "region");
    for (int i = 0; demo_users[i].username; i++) {
        printf("  %-10s %-24s %-10s %s\n", demo_users[i].username, d.passwords[i],
               demo_users[i].role, demo_users[i].region);
        if (f)
            fprintf(f, "%s %s %s %s\n", demo_users[i].username, d.passwords[i], demo_users[i].role,
                    demo_users[i].region);
    }
    if (f) {
        fclose(f);
        printf("  (saved in %s, readable only by you; delete it once noted)\n", path);
    } else {
        fprintf(stderr, "demo: could not write %s: %s\n", path, strerror(errno));
    }
    return 0;
}

/* shegong check: the database's own integrity check, the append-only guard on the audit
 * trail, and the audit hash chain. Exits non-zero and names the first broken record. */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "server/audit.h"

static const char check_help[] =
    "Usage: shegong check [--db URL]\n"
    "Verifies the database's integrity and the audit trail's hash chain.\n"
    "Exit status: 0 all intact, 1 a problem was found (it is named).\n";

/* The database must refuse to change an audit record. */
static enum err probe_append_only(struct db_conn *c, void *ctx)
{
    bool *guarded = ctx;
    enum err e = db_exec(c,
                         "UPDATE audit_log SET result = result WHERE seq = "
                         "(SELECT MIN(seq) FROM audit_log)",
                         DB_NOARGS, NULL);
    *guarded = e != ERR_OK;
    return ERR_CONFLICT; /* always roll the probe back */
}

int cli_check(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_parse_common(argc, argv, &cfg, check_help);
    if (rc >= 0)
        return rc;
    if (optind < argc) {
        fprintf(stderr, "shegong check: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    struct db *db;
    if (cli_open(&cfg, &db, false))
        return 1;
    struct db_conn *c;
    rc = 0;
    char why[256];
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = db_integrity(c, why, sizeof(why));
    if (e) {
        printf("database integrity: FAILED: %s\n", why);
        rc = 1;
    } else {
        printf("database integrity: ok\n");
    }
    e = engine_schema_check(c, why, sizeof(why));
    if (e) {
        printf("entity tables: FAILED: %s\n", e == ERR_CONFLICT ? why : err_code(e));
        rc = 1;
    } else {
        printf("entity tables: ok\n");
    }
    struct db_rows rows;
    struct arena a;
    arena_init(&a, 0);
    bool guarded = false;
    if (db_query_one(c, &a, "SELECT COUNT(*) FROM audit_log", DB_NOARGS, &rows) == ERR_OK &&
        db_int(&rows, 0, 0) > 0) {
        db_tx_run(c, probe_append_only, &guarded);
        if (!guarded) {
            printf("audit append-only guard: FAILED: the database accepted a change to "
                   "audit_log\n");
            rc = 1;
        } else {
            printf("audit append-only guard: ok\n");
        }
    }
    arena_release(&a);
    int64_t checked = 0, bad = 0;
    e = audit_verify(c, &checked, &bad, why, sizeof(why));
    if (e == ERR_CONFLICT) {
        printf("audit chain: BROKEN at record %" PRId64 ": %s (%" PRId64
               " records before it are intact)\n",
               bad, why, checked);
        rc = 1;
    } else if (e) {
        printf("audit chain: FAILED: %s\n", why);
        rc = 1;
    } else {
        printf("audit chain: ok (%" PRId64 " records)\n", checked);
    }
    db_close(db);
    return rc;
}

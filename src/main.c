/* shegong: one executable, many subcommands. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/jsonin.h"
#include "engine/engine.h"
#include "model/model.h"

#ifdef SHEGONG_FIXTURE
#include "fixture.h"
#endif

#define SHEGONG_VERSION "0.1.0"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static int cmd_version(int argc, char **argv)
{
    printf("shegong %s\n", SHEGONG_VERSION);
    return 0;
}

static int cmd_routes(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "Usage: shegong routes\nLists every route: method, path, permission.\n");
        return strcmp(argv[1], "--help") == 0 ? 0 : EXIT_USAGE;
    }
    for (const struct route *r = engine_routes(); r->pattern; r++)
        printf("%s %s %s%s\n", r->method, r->pattern, r->perm ? r->perm : "-",
               r->flags & ROUTE_TEST_ONLY ? " test-only" : "");
    return 0;
}

static const struct command commands[] = {
    {"serve", cli_serve, "serve the API until SIGTERM"},
    {"migrate", cli_migrate, "apply pending database migrations"},
    {"user", cli_user, "manage accounts, roles and API tokens"},
    {"check", cli_check, "verify the database and the audit chain"},
    {"demo", cli_demo, "load demonstration accounts and data"},
    {"import", cli_import, "load reference data (regions, holidays)"},
    {"validate", cli_validate, "check ID numbers, credit codes, phones, region codes"},
    {"calendar", cli_calendar, "working days: is-workday, deadline, years"},
    {"key", cli_key, "rotate the personal-data encryption key"},
    {"backup", cli_backup, "write a consistent backup while serving"},
    {"restore", cli_restore, "verify a backup and restore it"},
    {"gen", cli_gen, "write synthetic petitions and persons (benchmarks)"},
    /* validate, calendar and key commands */
    {"routes", cmd_routes, "list the routes with their permissions"},
    {"version", cmd_version, "print the version"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: shegong COMMAND [options]   (shegong COMMAND --help for more)\n\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
}

int main(int argc, char **argv)
{
    umask(077); /* the database and demo passwords hold personal data */
    jsonin_init();
    if (sodium_init() < 0) {
        fprintf(stderr, "shegong: libsodium could not be initialised\n");
        return 1;
    }
#ifdef SHEGONG_FIXTURE
    fixture_register();
#endif
    if (engine_init(model_entities, model_enums, routes) != ERR_OK) {
        fprintf(stderr, "shegong: the entity definitions are inconsistent\n");
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "shegong: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

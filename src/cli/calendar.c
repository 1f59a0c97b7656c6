/* shegong calendar (is-workday, deadline, years) and shegong import holidays: the
 * working-day calendar from the command line. A date in a year without calendar data is
 * an error here, never a guess. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/encode.h"
#include "modules/calendar/calendar_db.h"
#include "modules/calendar/calendar_import.h"

static const char calendar_help[] =
    "Usage: shegong calendar COMMAND [ARGS] [options]\n"
    "\n"
    "  is-workday DATE...               print yes or no, one line per DATE\n"
    "  deadline FROM N [--working] [--roll-forward]\n"
    "                                   print the date N days after FROM (YYYY-MM-DD):\n"
    "                                   calendar days, or working days with --working;\n"
    "                                   --roll-forward moves a rest day to the next\n"
    "                                   working day\n"
    "  years                            list the years with calendar data and their source\n"
    "\n"
    "Dates are YYYY-MM-DD (Asia/Shanghai). Counting starts the day after FROM. A date in\n"
    "a year without holiday data is an error (exit 1): load it with 'shegong import\n"
    "holidays', or add the days and declare the year through /api/v1/calendar.\n"
    "Exit status: 0 done, 1 no data or failure, 2 bad usage.\n"
    "Common options: --db URL (SHEGONG_DB), --data-dir DIR.\n";

static const char holidays_help[] =
    "Usage: shegong import holidays [PATH] [--source TEXT] [--dry-run]\n"
    "\n"
    "Loads the official holidays and make-up working days (调休) of every year a file in\n"
    "the layout of the chinese-days npm package holds, with each festival's name, and\n"
    "marks those years as covered. PATH is the package's dist/chinese-days.json, one\n"
    "year's dist/years/YYYY.json, or a directory holding either. Without PATH the\n"
    "installed package is used: $SHEGONG_REFDATA_DIR/chinese-days (or\n"
    "$SHEGONG_REFDATA_DIR/node_modules/chinese-days) when that variable is set, else\n"
    "./node_modules/chinese-days, else node_modules next to the directory of the\n"
    "shegong executable.\n"
    "\n"
    "The official days of the file's years are replaced; administrators' corrections are\n"
    "never changed and keep precedence. A second run changes nothing. A file that cannot\n"
    "be read or checked changes nothing.\n"
    "\n"
    "  --source TEXT  the source recorded with each day (default: the package's name and\n"
    "                 version from its package.json, e.g. 'chinese-days 1.5.7')\n"
    "  --dry-run      report what would change, change nothing\n"
    "Exit status: 0 done, 1 failed, 2 bad usage.\n";

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "shegong %s: %s%s%s\n", cmd, msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Run 'shegong %s --help' for usage.\n", cmd);
    return EXIT_USAGE;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The data file inside dir: dir may be node_modules, the package, or its dist. */
static bool file_in_dir(const char *dir, char *out, size_t len)
{
    static const char *const tails[] = {"chinese-days/dist/chinese-days.json",
                                        "dist/chinese-days.json", "chinese-days.json", NULL};
    for (const char *const *t = tails; *t; t++) {
        int n = snprintf(out, len, "%s/%s", dir, *t);
        if (n > 0 && (size_t)n < len && is_file(out))
            return true;
    }
    return false;
}

/* The installed package's data file (see holidays_help for the search order). */
static bool find_package(char *out, size_t len, char *where, size_t wlen)
{
    char dir[4096];
    const char *env = getenv("SHEGONG_REFDATA_DIR");
    if (env && *env) {
        snprintf(where, wlen, "SHEGONG_REFDATA_DIR=%s", env);
        snprintf(dir, sizeof(dir), "%s/node_modules", env);
        return file_in_dir(env, out, len) || file_in_dir(dir, out, len);
    }
    snprintf(where, wlen, "./node_modules and the executable's directory");
    if (file_in_dir("node_modules", out, len))
        return true;
    ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
    if (n <= 0)
        return false;
    dir[n] = '\0';
    /* build/shegong -> build -> the checkout, which holds node_modules */
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return false;
        *slash = '\0';
        char nm[4200];
        snprintf(nm, sizeof(nm), "%s/node_modules", dir);
        if (is_dir(nm) && file_in_dir(nm, out, len))
            return true;
    }
    return false;
}

/* "name version" from the package.json of the package a data file belongs to. */
static void package_source(const char *file, char *out, size_t len)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", file);
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    if (snprintf(out, len, "file %s", base) >= (int)len)
        out[len - 1] = '\0'; /* a label only: a cut name is fine */
    for (int up = 0; up < 3; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            snprintf(dir, sizeof(dir), ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        char pj[4200];
        snprintf(pj, sizeof(pj), "%s/package.json", dir);
        if (is_file(pj)) {
            json_t *root = json_load_file(pj, JSON_REJECT_DUPLICATES, NULL);
            const char *name = json_string_value(json_object_get(root, "name"));
            const char *version = json_string_value(json_object_get(root, "version"));
            if (name && version)
                snprintf(out, len, "%.30s %.30s", name, version);
            json_decref(root);
            return;
        }
        if (!slash || slash == dir)
            return;
    }
}

struct holidays_run {
    struct calendar_import imp;
    const char *source;
    const char *path;
    bool dry_run;
    bool dry_done;
};

static enum err do_import(struct db_conn *c, void *ctx)
{
    struct holidays_run *h = ctx;
    enum err e = calendar_import_apply(c, &h->imp, h->source, clock_now());
    if (e)
        return e;
    if (h->dry_run) {
        h->dry_done = true;
        return ERR_CONFLICT; /* roll it all back */
    }
    struct sbuf d;
    sbuf_init(&d, 4096);
    sbuf_adds(&d, "{\"source\":\"");
    sbuf_add_json_str(&d, h->source);
    sbuf_addf(&d,
              "\",\"years\":\"%d-%d\",\"added\":%d,\"changed\":%d,\"removed\":%d,"
              "\"unchanged\":%d,\"overruled\":%d,\"years_added\":%d}",
              h->imp.first_year, h->imp.last_year, h->imp.added, h->imp.changed, h->imp.removed,
              h->imp.unchanged, h->imp.overruled, h->imp.years_added);
    e = sbuf_err(&d);
    if (!e)
        e = cli_audit(c, "calendar.import", "calendar", NULL, d.buf);
    sbuf_release(&d);
    return e;
}

int cli_import_holidays(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"source", required_argument, NULL, 's'},
        {"dry-run", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct holidays_run h = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 's':
            if (!*optarg || strlen(optarg) >= CALENDAR_SOURCE_MAX)
                return usage_error("import holidays", "--source must be 1-63 bytes", NULL);
            h.source = optarg;
            break;
        case 'n':
            h.dry_run = true;
            break;
        case 'h':
            fputs(holidays_help, stdout);
            return 0;
        default:
            return usage_error("import holidays", "bad option", NULL);
        }
    }
    if (optind < argc - 1)
        return usage_error("import holidays", "unexpected argument", argv[optind + 1]);
    char path[4096], where[4200];
    if (optind < argc) {
        const char *arg = argv[optind];
        if (is_dir(arg)) {
            if (!file_in_dir(arg, path, sizeof(path))) {
                fprintf(stderr,
                        "shegong import holidays: %s holds no chinese-days.json "
                        "(nor dist/chinese-days.json); nothing was changed\n",
                        arg);
                return 1;
            }
        } else {
            snprintf(path, sizeof(path), "%s", arg);
        }
    } else if (!find_package(path, sizeof(path), where, sizeof(where))) {
        fprintf(stderr,
                "shegong import holidays: the chinese-days package was not found (looked in "
                "%s); run 'make deps' or give PATH; nothing was changed\n",
                where);
        return 1;
    }
    char source[CALENDAR_SOURCE_MAX];
    if (!h.source) {
        package_source(path, source, sizeof(source));
        h.source = source;
    }
    calendar_import_init(&h.imp);
    char why[512];
    enum err e = calendar_import_read(&h.imp, path, why, sizeof(why));
    if (e) {
        fprintf(stderr, "shegong import holidays: %s; nothing was changed\n", why);
        calendar_import_release(&h.imp);
        return 1;
    }
    struct db *db;
    if (cli_open(&cfg, &db, false)) {
        calendar_import_release(&h.imp);
        return 1;
    }
    e = cli_tx(db, do_import, &h);
    int rc = 0;
    if (e && !h.dry_done) {
        fprintf(stderr, "shegong import holidays: %s; nothing was changed\n", err_code(e));
        rc = 1;
    } else {
        const struct calendar_import *m = &h.imp;
        printf("%sholidays from %s (%s)\n", h.dry_run ? "dry run, nothing changed: " : "", path,
               h.source);
        printf("years %d-%d: %d covered, %d newly\n", m->first_year, m->last_year, m->nyears,
               m->years_added);
        printf("days: %d added, %d changed, %d removed, %d unchanged\n", m->added, m->changed,
               m->removed, m->unchanged);
        if (m->overruled)
            printf("%d day(s) overruled by administrators' corrections, which were kept\n",
                   m->overruled);
    }
    calendar_import_release(&h.imp);
    db_close(db);
    return rc;
}

int cli_import_holidays_if_empty(struct db *db)
{
    struct db_conn *c;
    struct arena a;
    struct db_rows rows;
    arena_init(&a, 1 << 16);
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = db_query_one(c, &a, "SELECT COUNT(*) FROM calendar_year", DB_NOARGS, &rows);
    int64_t n = e ? 0 : db_int(&rows, 0, 0);
    arena_release(&a);
    if (e) {
        fprintf(stderr, "shegong: cannot read the calendar\n");
        return 1;
    }
    if (n > 0)
        return 0;
    char path[4096], where[4200], source[CALENDAR_SOURCE_MAX];
    if (!find_package(path, sizeof(path), where, sizeof(where))) {
        fprintf(stderr, "demo: continuing without holidays; run `shegong import holidays` "
                        "later\n");
        return 0;
    }
    package_source(path, source, sizeof(source));
    struct holidays_run h = {.source = source, .path = path};
    calendar_import_init(&h.imp);
    char why[512];
    e = calendar_import_read(&h.imp, path, why, sizeof(why));
    if (e) {
        fprintf(stderr, "demo: the holidays could not be read: %s\n", why);
    } else {
        e = cli_tx(db, do_import, &h);
        if (e)
            fprintf(stderr, "demo: the holidays could not be imported: %s\n", err_code(e));
    }
    if (!e)
        printf("demo: imported the working-day calendar %d-%d from %s\n", h.imp.first_year,
               h.imp.last_year, source);
    calendar_import_release(&h.imp);
    return e ? 1 : 0;
}

/* The calendar, or a message and exit code 1. */
static int load_calendar(struct db *db, struct calendar *cal)
{
    struct db_conn *c;
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = calendar_db_load(c, cal);
    if (e) {
        fprintf(stderr, "shegong calendar: cannot read the calendar: %s\n", err_code(e));
        return 1;
    }
    return 0;
}

static int no_data(int year)
{
    fprintf(stderr,
            "shegong calendar: no holiday data for %d: its holidays and make-up working days "
            "are not known, so the answer would be a guess. Load them with 'shegong import "
            "holidays' (a newer chinese-days package), or add the days and declare the year "
            "through /api/v1/calendar.\n",
            year);
    return 1;
}

static int list_years(struct db *db)
{
    struct db_conn *c;
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = db_query(c, &a,
                     "SELECT y.year, y.source, (SELECT COUNT(*) FROM calendar_day d "
                     "WHERE d.date BETWEEN y.year || '-01-01' AND y.year || '-12-31') "
                     "FROM calendar_year y ORDER BY y.year",
                     DB_NOARGS, &rows);
    if (e) {
        fprintf(stderr, "shegong calendar: cannot read the calendar: %s\n", err_code(e));
        arena_release(&a);
        return 1;
    }
    for (size_t i = 0; i < rows.nrows; i++)
        printf("%" PRId64 " %s %" PRId64 " days\n", db_int(&rows, i, 0), db_str(&rows, i, 1),
               db_int(&rows, i, 2));
    arena_release(&a);
    return 0;
}

int cli_calendar(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(calendar_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *cmd = argv[1];
    int nargs;
    if (strcmp(cmd, "is-workday") == 0)
        nargs = -1; /* one or more */
    else if (strcmp(cmd, "deadline") == 0)
        nargs = 2;
    else if (strcmp(cmd, "years") == 0)
        nargs = 0;
    else
        return usage_error("calendar", "unknown command", cmd);
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"working", no_argument, NULL, 'w'},
        {"roll-forward", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool working = false, roll = false;
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 'w':
            working = true;
            break;
        case 'r':
            roll = true;
            break;
        case 'h':
            fputs(calendar_help, stdout);
            return 0;
        default:
            return usage_error("calendar", "bad option", NULL);
        }
    }
    if ((working || roll) && strcmp(cmd, "deadline") != 0)
        return usage_error("calendar", "--working and --roll-forward belong to deadline", NULL);
    if (nargs < 0 ? argc - optind < 1 : argc - optind != nargs)
        return usage_error("calendar",
                           nargs < 0    ? "expected a DATE"
                           : nargs == 2 ? "expected FROM and N"
                                        : "unexpected argument",
                           NULL);
    int32_t day = 0;
    int64_t n = 0;
    for (int i = optind; nargs != 0 && i < (nargs < 0 ? argc : optind + 1); i++)
        if (!calendar_parse_date(argv[i], &day))
            return usage_error("calendar", "not a date YYYY-MM-DD", argv[i]);
    if (nargs == 2 && (!parse_int64(argv[optind + 1], &n) || n < 0 || n > 100000))
        return usage_error("calendar", "N must be a whole number of days from 0 to 100000",
                           argv[optind + 1]);

    struct db *db;
    if (cli_open(&cfg, &db, false))
        return 1;
    int rc = 0;
    struct calendar cal;
    calendar_init(&cal);
    if (nargs == 0) {
        rc = list_years(db);
    } else if ((rc = load_calendar(db, &cal)) == 0 && nargs < 0) {
        /* every date is checked before anything is printed */
        for (int i = optind; rc == 0 && i < argc; i++) {
            calendar_parse_date(argv[i], &day);
            if (!calendar_covers(&cal, day))
                rc = no_data(calendar_year_of(day));
        }
        for (int i = optind; rc == 0 && i < argc; i++) {
            calendar_parse_date(argv[i], &day);
            printf("%s\n", calendar_is_workday(&cal, day) ? "yes" : "no");
        }
    } else if (rc == 0) {
        int32_t end;
        int gap = 0;
        enum err e = calendar_deadline(
            &cal, day, n, working ? CALENDAR_WORKING_DAYS : CALENDAR_DAYS, roll, &end, &gap);
        if (e) {
            fprintf(stderr, "shegong calendar: the deadline falls after 9999-12-31\n");
            rc = 1;
        } else if (gap) {
            rc = no_data(gap);
        } else {
            char out[CALENDAR_DATE_LEN + 1];
            calendar_format_date(end, out);
            printf("%s\n", out);
        }
    }
    calendar_release(&cal);
    db_close(db);
    return rc;
}

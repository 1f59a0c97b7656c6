/* shegong validate: checks citizen ID numbers, credit codes, telephone numbers and region
 * codes given as arguments or one per line on stdin, answering one line per value. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "core/regioncode.h"
#include "core/validate.h"
#include "modules/region/region.h"
#include "server/msg.h"

static const char validate_help[] =
    "Usage: shegong validate KIND [VALUE...]\n"
    "\n"
    "Checks each VALUE, or each line of stdin when no VALUE is given, and prints exactly\n"
    "one line per value:\n"
    "  OK <normalised value>            for uscc followed by the 中文 category, or by\n"
    "                                   'WARN uscc_unknown_kind <说明>' when the authority/\n"
    "                                   category pair is not in the standard's table\n"
    "  ERR <code> <中文说明>\n"
    "\n"
    "Kinds:\n"
    "  idcard   citizen ID number (GB 11643; 15-digit numbers are converted to 18)\n"
    "  uscc     unified social credit code (GB 32100)\n"
    "  phone    mobile or landline number\n"
    "  region   12-digit region code that exists in the imported region table\n"
    "           (reads the database: --db URL / SHEGONG_DB, --data-dir DIR)\n"
    "\n"
    "Exit status: 0 every value is valid, 1 at least one is not, 2 bad usage.\n";

/* Longest line looked at; the rest of a longer line is skipped (and it fails on length). */
#define LINE_MAX_LEN 1024

enum kind { KIND_IDCARD, KIND_USCC, KIND_PHONE, KIND_REGION };

static const struct {
    const char *name;
    enum kind kind;
    const char *label; /* 中文 name put into the error messages */
} kinds[] = {
    {"idcard", KIND_IDCARD, "身份证号码"},
    {"uscc", KIND_USCC, "统一社会信用代码"},
    {"phone", KIND_PHONE, "电话号码"},
    {"region", KIND_REGION, "区划代码"},
};

struct validate_run {
    enum kind kind;
    const char *label;
    int today;
    struct db_conn *db; /* KIND_REGION only */
    struct arena a;     /* message text, released after each line */
    bool failed;        /* a database error stopped the run */
};

static void answer_err(struct validate_run *v, const char *code)
{
    printf("ERR %s %s\n", code, msg_field(&v->a, code, v->label));
    arena_release(&v->a);
}

/* Checks a region code's shape, then that the table holds it. */
static const char *check_region(struct validate_run *v, const char *in, char out[13])
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = strlen(in);
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\r'))
        n--;
    if (n != REGION_CODE_LEN)
        return "invalid_region";
    memcpy(out, in, n);
    out[n] = '\0';
    if (!regioncode_valid(out))
        return "invalid_region";
    bool exists = false;
    enum err e = region_exists(v->db, out, &exists);
    if (e) {
        fprintf(stderr, "shegong validate: cannot read the region table: %s\n", err_code(e));
        v->failed = true;
        return "region_not_found";
    }
    return exists ? NULL : "region_not_found";
}

/* Answers one value; true when it is valid. */
static bool check_one(struct validate_run *v, const char *in)
{
    const char *s = in + strspn(in, " \t\r");
    if (!*s) {
        answer_err(v, "required");
        return false;
    }
    const char *code = NULL;
    switch (v->kind) {
    case KIND_IDCARD: {
        struct idcard_info id;
        code = validate_idcard(in, v->today, &id);
        if (!code)
            printf("OK %s\n", id.number);
        break;
    }
    case KIND_USCC: {
        struct uscc_info u;
        code = validate_uscc(in, &u);
        if (!code && u.unknown_kind)
            printf("OK %s WARN uscc_unknown_kind %s\n", u.code,
                   msg_field(&v->a, "uscc_unknown_kind", v->label));
        else if (!code)
            printf("OK %s %s\n", u.code, u.label);
        break;
    }
    case KIND_PHONE: {
        char phone[24];
        code = validate_phone(in, phone, sizeof(phone));
        if (!code)
            printf("OK %s\n", phone);
        break;
    }
    case KIND_REGION: {
        char region[REGION_CODE_LEN + 1];
        code = check_region(v, in, region);
        if (!code)
            printf("OK %s\n", region);
        break;
    }
    }
    if (v->failed) /* the reason is on stderr; no answer for this value */
        return false;
    if (code) {
        answer_err(v, code);
        return false;
    }
    arena_release(&v->a);
    return true;
}

/* Every line of stdin; false when one was not valid. */
static bool check_stdin(struct validate_run *v)
{
    bool all_ok = true;
    char line[LINE_MAX_LEN];
    while (!v->failed && fgets(line, sizeof(line), stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (!feof(stdin)) {
            int c; /* overlong: skip to the end of the line */
            do
                c = getchar();
            while (c != '\n' && c != EOF);
        }
        all_ok = check_one(v, line) && all_ok;
    }
    return all_ok;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "shegong validate: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Run 'shegong validate --help' for usage.\n");
    return EXIT_USAGE;
}

int cli_validate(int argc, char **argv)
{
    if (argc < 2) {
        fputs(validate_help, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(validate_help, stdout);
        return 0;
    }
    struct validate_run v = {.label = NULL};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i].name, argv[1]) == 0) {
            v.kind = kinds[i].kind;
            v.label = kinds[i].label;
        }
    if (!v.label)
        return usage_error("unknown kind", argv[1]);
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        if (opt == 'h') {
            fputs(validate_help, stdout);
            return 0;
        }
        return usage_error("unknown option", NULL);
    }
    struct db *db = NULL;
    if (v.kind == KIND_REGION) {
        if (cli_open(&cfg, &db, false))
            return 1;
        enum err e = db_conn_get(db, &v.db);
        if (e) {
            fprintf(stderr, "shegong validate: cannot use the database: %s\n", err_code(e));
            db_close(db);
            return 1;
        }
    }
    v.today = validate_today();
    arena_init(&v.a, 0);
    bool all_ok = true;
    if (optind + 1 < argc) {
        for (int i = optind + 1; i < argc && !v.failed; i++)
            all_ok = check_one(&v, argv[i]) && all_ok;
    } else {
        all_ok = check_stdin(&v);
    }
    arena_release(&v.a);
    if (db)
        db_close(db);
    if (fflush(stdout) != 0) {
        perror("shegong validate: stdout");
        return 1;
    }
    return all_ok && !v.failed ? 0 : 1;
}

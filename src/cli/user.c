/* shegong user: add, passwd, lock, unlock, grant, revoke, token, list. Every change is
 * audited with the actor "(cli)". */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/encode.h"
#include "core/id.h"
#include "core/regioncode.h"
#include "core/utf8.h"
#include "server/accounts.h"

static const char user_help[] =
    "Usage: shegong user COMMAND NAME [options]\n"
    "\n"
    "  add NAME --role ROLE --region CODE [--unit ID] [--display NAME] [--password-stdin]\n"
    "            create an account (without --password-stdin a password is generated and\n"
    "            printed once)\n"
    "  passwd NAME [--password-stdin]   set a new password\n"
    "  lock NAME | unlock NAME          lock or unlock (unlock also clears failed logins)\n"
    "  grant NAME --role ROLE --region CODE [--unit ID]\n"
    "  revoke NAME --role ROLE --region CODE\n"
    "  token NAME [--days N] [--label TEXT]   make an API token, printed once\n"
    "  token NAME --revoke ID                 revoke a token\n"
    "  list                                   every account with its roles\n"
    "\n"
    "Roles: sysadmin, secadmin, auditor (三员, mutually exclusive), staff, identity_officer.\n"
    "Common options: --db URL (SHEGONG_DB).\n";

struct user_args {
    const char *cmd;
    char name[64];
    const char *role, *region, *display, *label;
    int64_t unit, days, revoke;
    bool password_stdin;
    char password[512];
    /* results */
    int64_t id;
    const char *why;
    char token[80];
};

static enum err do_add(struct db_conn *c, void *ctx)
{
    struct user_args *u = ctx;
    char hash[ACCOUNTS_HASH_LEN];
    enum err e = accounts_hash_password(u->password, hash);
    if (!e)
        e = accounts_create(c, u->name, u->display ? u->display : u->name, hash, &u->id);
    if (e == ERR_CONFLICT)
        u->why = "that username is taken";
    int64_t grant = 0;
    if (!e)
        e = accounts_grant(c, u->id, u->role, u->region, u->unit, 0, &grant, &u->why);
    char id[24];
    snprintf(id, sizeof(id), "%" PRId64, u->id);
    if (!e)
        e = cli_audit(c, "user.create", "user", id, NULL);
    if (!e)
        e = cli_audit(c, "role.grant", "user", id, NULL);
    return e;
}

static enum err find(struct db_conn *c, struct user_args *u)
{
    struct arena a;
    arena_init(&a, 1 << 16);
    enum err e = accounts_find(c, &a, u->name, &u->id);
    arena_release(&a);
    if (e == ERR_NOT_FOUND)
        u->why = "no such user";
    return e;
}

static enum err do_change(struct db_conn *c, void *ctx)
{
    struct user_args *u = ctx;
    enum err e = find(c, u);
    if (e)
        return e;
    char id[24];
    snprintf(id, sizeof(id), "%" PRId64, u->id);
    const char *action = NULL;
    int64_t n = 0, grant = 0;
    if (strcmp(u->cmd, "passwd") == 0) {
        struct arena a;
        arena_init(&a, 1 << 20);
        u->why = accounts_password_problem(c, &a, u->id, u->name, u->password);
        arena_release(&a);
        if (u->why)
            return ERR_INVALID;
        char hash[ACCOUNTS_HASH_LEN];
        e = accounts_hash_password(u->password, hash);
        if (!e)
            e = accounts_set_password(c, u->id, hash);
        if (!e)
            e = db_exec(c, "DELETE FROM session WHERE user_id = $1", DB_ARGS(DB_I(u->id)), NULL);
        action = "user.reset_password";
    } else if (strcmp(u->cmd, "lock") == 0) {
        e = accounts_set_status(c, u->id, "locked");
        action = "user.lock";
    } else if (strcmp(u->cmd, "unlock") == 0) {
        e = accounts_set_status(c, u->id, "active");
        action = "user.unlock";
    } else if (strcmp(u->cmd, "grant") == 0) {
        e = accounts_grant(c, u->id, u->role, u->region, u->unit, 0, &grant, &u->why);
        if (!e)
            e = db_exec(c, "DELETE FROM session WHERE user_id = $1", DB_ARGS(DB_I(u->id)), NULL);
        action = "role.grant";
    } else if (strcmp(u->cmd, "revoke") == 0) {
        e = accounts_revoke(c, u->id, u->role, u->region, 0, &n);
        if (!e && n == 0) {
            u->why = "the user holds no such role at that region";
            e = ERR_NOT_FOUND;
        }
        if (!e)
            e = db_exec(c, "DELETE FROM session WHERE user_id = $1", DB_ARGS(DB_I(u->id)), NULL);
        action = "role.revoke";
    } else if (strcmp(u->cmd, "token") == 0 && u->revoke) {
        e = accounts_token_revoke(c, u->revoke, &n);
        if (!e && n == 0) {
            u->why = "no such active token";
            e = ERR_NOT_FOUND;
        }
        snprintf(id, sizeof(id), "%" PRId64, u->revoke);
        action = "token.revoke";
    } else if (strcmp(u->cmd, "token") == 0) {
        int64_t tid = 0;
        e = accounts_token_create(c, u->id, u->label ? u->label : "cli", (int)u->days, u->token,
                                  &tid);
        snprintf(id, sizeof(id), "%" PRId64, tid);
        action = "token.create";
    }
    if (!e)
        e = cli_audit(c, action, strncmp(action, "token", 5) == 0 ? "api_token" : "user", id, NULL);
    return e;
}

static int list_users(struct db *db)
{
    struct db_conn *c;
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = db_query(c, &a,
                     "SELECT u.username, u.display_name, u.status, ur.role, ur.region_code "
                     "FROM users u LEFT JOIN user_role ur ON ur.user_id = u.id "
                     "ORDER BY u.username, ur.region_code, ur.role",
                     DB_NOARGS, &rows);
    if (e) {
        fprintf(stderr, "shegong user list: %s\n", err_code(e));
        arena_release(&a);
        return 1;
    }
    printf("%-20s %-10s %-10s %s\n", "USERNAME", "STATUS", "ROLE", "REGION");
    for (size_t i = 0; i < rows.nrows; i++)
        printf("%-20s %-10s %-10s %s\n", db_str(&rows, i, 0), db_str(&rows, i, 2),
               db_str(&rows, i, 3) ? db_str(&rows, i, 3) : "-",
               db_str(&rows, i, 4) ? db_str(&rows, i, 4) : "-");
    arena_release(&a);
    return 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "shegong user: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Run 'shegong user --help' for usage.\n");
    return EXIT_USAGE;
}

int cli_user(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(user_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    static const char *const cmds[] = {"add",    "passwd", "lock", "unlock", "grant",
                                       "revoke", "token",  "list", NULL};
    struct user_args u = {.cmd = argv[1], .days = 365};
    bool known = false;
    for (const char *const *k = cmds; *k; k++)
        known = known || strcmp(*k, u.cmd) == 0;
    if (!known)
        return usage_error("unknown command", u.cmd);
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"role", required_argument, NULL, 'r'},
        {"region", required_argument, NULL, 'g'},
        {"unit", required_argument, NULL, 'u'},
        {"display", required_argument, NULL, 'd'},
        {"password-stdin", no_argument, NULL, 'p'},
        {"days", required_argument, NULL, 'y'},
        {"label", required_argument, NULL, 'l'},
        {"revoke", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 'r':
            u.role = optarg;
            break;
        case 'g':
            u.region = optarg;
            break;
        case 'u':
            if (!parse_int64(optarg, &u.unit) || u.unit < 0)
                return usage_error("--unit must be a unit id", optarg);
            break;
        case 'd':
            if (!utf8_valid(optarg, strlen(optarg)) || utf8_len(optarg) > 64)
                return usage_error("--display must be UTF-8 text of at most 64 characters", NULL);
            u.display = optarg;
            break;
        case 'p':
            u.password_stdin = true;
            break;
        case 'y':
            if (!parse_int64(optarg, &u.days) || u.days < 1 || u.days > 3650)
                return usage_error("--days must be between 1 and 3650", optarg);
            break;
        case 'l':
            u.label = optarg;
            break;
        case 'v':
            if (!parse_int64(optarg, &u.revoke) || u.revoke <= 0)
                return usage_error("--revoke must be a token id", optarg);
            break;
        case 'h':
            fputs(user_help, stdout);
            return 0;
        default:
            return usage_error("bad option", NULL);
        }
    }
    if (strcmp(u.cmd, "list") != 0) {
        if (optind >= argc)
            return usage_error("a user name is required", NULL);
        snprintf(u.name, sizeof(u.name), "%s", argv[optind++]);
        if (!accounts_username_normalize(u.name))
            return usage_error("a username is 3-32 of a-z 0-9 _ . - and starts with a letter",
                               NULL);
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    bool needs_post =
        strcmp(u.cmd, "add") == 0 || strcmp(u.cmd, "grant") == 0 || strcmp(u.cmd, "revoke") == 0;
    if (needs_post && (!u.role || !u.region))
        return usage_error("--role and --region are required", NULL);
    if (u.region && !regioncode_valid(u.region))
        return usage_error("--region must be a 12-digit statistical region code", u.region);
    bool needs_password = strcmp(u.cmd, "add") == 0 || strcmp(u.cmd, "passwd") == 0;
    bool generated = false;
    if (needs_password && u.password_stdin) {
        if (!cli_read_line(u.password, sizeof(u.password)) || !u.password[0])
            return usage_error("no password on standard input", NULL);
        if (!utf8_valid(u.password, strlen(u.password)))
            return usage_error("the password is not valid UTF-8", NULL);
    } else if (needs_password) {
        /* 20 hex characters plus a fixed tail of the other classes */
        char hex[21];
        accounts_random_hex(10, hex);
        snprintf(u.password, sizeof(u.password), "%sSg#", hex);
        generated = true;
    }
    if (strcmp(u.cmd, "add") == 0) {
        struct arena a;
        arena_init(&a, 1 << 16);
        const char *problem = accounts_password_problem(NULL, &a, 0, u.name, u.password);
        arena_release(&a);
        if (problem) {
            fprintf(stderr,
                    "shegong user: the password is too weak (%s): at least 10 "
                    "characters, 3 of lower/upper/digit/other, not the username\n",
                    problem);
            return 1;
        }
    }

    struct db *db;
    if (cli_open(&cfg, &db, false))
        return 1;
    int rc = 0;
    if (strcmp(u.cmd, "list") == 0) {
        rc = list_users(db);
    } else {
        enum err e = cli_tx(db, strcmp(u.cmd, "add") == 0 ? do_add : do_change, &u);
        if (e) {
            fprintf(stderr, "shegong user %s: %s%s%s\n", u.cmd, err_code(e), u.why ? ": " : "",
                    u.why ? u.why : "");
            rc = 1;
        } else if (strcmp(u.cmd, "token") == 0 && !u.revoke) {
            printf("%s\n", u.token);
            fprintf(stderr, "token for %s, valid %" PRId64 " days; it is shown only now\n", u.name,
                    u.days);
        } else {
            if (generated)
                printf("password for %s: %s\n", u.name, u.password);
            fprintf(stderr, "user %s: %s done\n", u.name, u.cmd);
        }
    }
    db_close(db);
    return rc;
}

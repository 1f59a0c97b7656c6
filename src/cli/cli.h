/* The subcommands of the shegong executable and what they share: configuration from
 * flags, then SHEGONG_* environment variables, then defaults; opening and migrating the
 * database. Each subcommand returns the process exit code: 0 done, 1 failed, 2 bad usage. */
#ifndef SHEGONG_CLI_CLI_H
#define SHEGONG_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "db/db.h"
#include "server/server.h"

#define EXIT_USAGE 2

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_import_regions(int argc, char **argv);
/* Imports the regions when the table is empty (shegong demo); 0 when done or skipped
 * because the package is not installed, 1 on failure. */
int cli_import_regions_if_empty(struct db *db);
/* shegong demo: loads the working-day calendar when none is loaded. */
int cli_import_holidays_if_empty(struct db *db);
int cli_import_holidays(int argc, char **argv);
/* import subcommands */
int cli_validate(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_key(int argc, char **argv);
/* The field-encryption key file: cfg->key_file, or shegong.key in the data directory. */
void cli_key_path(const struct config *cfg, char *out, size_t len);
/* Reads SHEGONG_CIPHER into cfg->cipher; false (message printed) when it is unknown. */
bool cli_config_cipher(struct config *cfg);
/* Loads the key for db (creating it on the first start), as cli_open does last. */
int cli_open_key(const struct config *cfg, struct db *db);
/* validate, calendar and key subcommands */
/* shegong backup and shegong restore (backup.c, restore.c). */
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
/* shegong gen: synthetic data at any size (gen.c). */
int cli_gen(int argc, char **argv);
/* Start-up, before serving: removes the temporary files of uploads a crash interrupted
 * and, on SQLite (the only server on its data), stored files no attachment row names. */
void cli_files_sweep(const struct config *cfg, struct db *db);

/* Fills cfg from the defaults and the environment; false (message printed) when an
 * environment value is malformed. */
bool cli_config_env(struct config *cfg);
/* Handles the flags every subcommand accepts (--db, --data-dir); true when opt was one. */
bool cli_common_flag(struct config *cfg, int opt, const char *arg);
/* For commands whose only options are the common ones and --help: fills cfg from the
 * environment and the flags and leaves optind at the first operand. Returns -1 to go on,
 * or the exit code to return (0 after --help, EXIT_USAGE on a bad option). */
int cli_parse_common(int argc, char **argv, struct config *cfg, const char *help);
/* The same with one boolean option --flag (sets *on). */
int cli_parse_common_flag(int argc, char **argv, struct config *cfg, const char *help,
                          const char *flag, bool *on);
/* Creates the data directory, opens the database, applies migrations and writes the
 * built-in roles. Prints a clear message and returns non-zero on failure. */
int cli_open(const struct config *cfg, struct db **db, bool verbose);
/* Every migration this build applies (the built-in ones, then a test build's own), or
 * NULL when out of memory. */
struct migration;
const struct migration *cli_migrations(void);
/* shegong migrate --from … --to …: copies a whole database into a new one (migrate_copy.c). */
int cli_migrate_copy(const struct config *cfg, const char *from, const char *to);
/* Reads one line (without the newline) from stdin into buf; false at EOF or overlong. */
bool cli_read_line(char *buf, size_t len);
/* Runs fn in a write transaction with an audit actor of "(cli)". */
enum err cli_tx(struct db *db, enum err (*fn)(struct db_conn *c, void *ctx), void *ctx);
/* Appends an audit record for a command-line action (inside a transaction). */
enum err cli_audit(struct db_conn *c, const char *action, const char *object_type,
                   const char *object_id, const char *detail);

#define CLI_COMMON_OPTS                                                                            \
    {"db", required_argument, NULL, 'D'},                                                          \
    {                                                                                              \
        "data-dir", required_argument, NULL, 'A'                                                   \
    }

#endif

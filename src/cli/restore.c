/* shegong restore: reads a backup archive into a staging place beside the data, verifies
 * all of it (checksum or decryption, the database's integrity, the audit chain, every
 * attachment file), and only then moves the files and the database into place. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/backup.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/fsutil.h"
#include "server/audit.h"

static const char restore_help[] =
    "Usage: shegong restore PATH [--force] [--db URL] [--data-dir DIR]\n"
    "Restores a backup written by `shegong backup`: the SQLite database and the attachment\n"
    "files. Everything is read into a staging place in the data directory and verified\n"
    "first (the archive's SHA-256, or its decryption with the key file; the database's\n"
    "integrity check; the audit hash chain; every attachment's file and hash); only then\n"
    "are the files and the database moved into place. On any failure nothing is changed.\n"
    "\n"
    "  --force           replace an existing database (stop its server first); the old one\n"
    "                    is kept as <database>.before-restore-<time>\n"
    "  --db URL          the database to restore into (SHEGONG_DB; default\n"
    "                    sqlite:<data dir>/shegong.db)\n"
    "  --data-dir DIR    where the attachment files go and the key file is (default data)\n"
    "\n"
    "An encrypted archive needs the key file it was made with (SHEGONG_KEY_FILE). The key\n"
    "file is not in the archive: put the one the database names beside it before starting\n"
    "the server. Exit status: 0 restored, 1 refused or failed (nothing changed), 2 bad usage.\n";

struct restore {
    const struct config *cfg;
    const char *db_path;
    char stage[4200];     /* DATA_DIR/.restore-<pid>: the attachment files */
    char staged_db[4200]; /* <database>.restore-<pid> */
    int64_t files, file_bytes, db_bytes, audit_records;
    char created_at[64], fingerprint[33];
    char why[9000];
};

static int failf(struct restore *rs, const char *what, const char *detail)
{
    snprintf(rs->why, sizeof(rs->why), "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* mkdir -p */
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
    return mkdir(buf, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

/* Copies the current entry into a new file at path, syncing it; sha (if given) gets the
 * SHA-256 of the bytes in hex. */
static int extract(struct restore *rs, struct archive *ar, const char *path, char *sha)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return failf(rs, "cannot create a staging file", strerror(errno));
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536];
    size_t got;
    int rc = 0;
    for (;;) {
        if (archive_read(ar, buf, sizeof(buf), &got) != ERR_OK) {
            rc = failf(rs, "the archive failed its check", archive_error(ar));
            break;
        }
        if (!got)
            break;
        crypto_hash_sha256_update(&st, buf, got);
        if (fs_write_all(fd, buf, got) != 0) {
            rc = failf(rs, "cannot write a staging file", strerror(errno));
            break;
        }
    }
    if (!rc && fsync(fd) != 0)
        rc = failf(rs, "cannot sync a staging file", strerror(errno));
    close(fd);
    if (sha) {
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&st, d);
        sodium_bin2hex(sha, 65, d, sizeof(d));
    }
    return rc;
}

static int read_manifest(struct restore *rs, struct archive *ar, uint64_t size)
{
    if (size > BACKUP_MANIFEST_MAX)
        return failf(rs, "the archive's manifest is too large", NULL);
    char *text = malloc((size_t)size + 1);
    size_t got, have = 0;
    if (!text)
        return failf(rs, "out of memory", NULL);
    do {
        if (archive_read(ar, text + have, (size_t)size - have, &got) != ERR_OK) {
            free(text);
            return failf(rs, "the archive failed its check", archive_error(ar));
        }
        have += got;
    } while (got && have < size);
    text[have] = '\0';
    json_t *m = json_loads(text, 0, NULL);
    free(text);
    const char *at = json_string_value(json_object_get(m, "created_at"));
    snprintf(rs->created_at, sizeof(rs->created_at), "%s", at ? at : "an unknown time");
    json_decref(m);
    return 0;
}

/* Reads every entry into the staging place; verifies each file's hash against its name
 * and, at the end, the archive's own checksum. */
static int unpack(struct restore *rs, struct archive *ar)
{
    bool have_db = false;
    for (;;) {
        char kind, name[ARCHIVE_NAME_MAX + 1], path[4400], sha[65];
        const char *want;
        uint64_t size;
        enum err e = archive_next(ar, &kind, name, &size);
        if (e == ERR_NOT_FOUND)
            break;
        if (e)
            return failf(rs, "the archive failed its check", archive_error(ar));
        switch (kind) {
        case BACKUP_MANIFEST:
            if (read_manifest(rs, ar, size))
                return 1;
            break;
        case BACKUP_DATABASE:
            if (have_db)
                return failf(rs, "the archive holds two databases", NULL);
            have_db = true;
            rs->db_bytes = (int64_t)size;
            if (extract(rs, ar, rs->staged_db, NULL))
                return 1;
            break;
        case BACKUP_FILE:
            if (!cli_backup_file_name(name, &want))
                return failf(rs, "the archive holds a file with a bad name", name);
            snprintf(path, sizeof(path), "%s/%s", rs->stage, want);
            if (extract(rs, ar, path, sha))
                return 1;
            if (strcmp(sha, want) != 0)
                return failf(rs, "an attachment's content does not match its hash", name);
            rs->files++;
            rs->file_bytes += (int64_t)size;
            break;
        default:
            return failf(rs, "the archive holds an entry of an unknown kind", name);
        }
    }
    if (!have_db)
        return failf(rs, "the archive holds no database", NULL);
    return 0;
}

/* The staged file of sha, or the one already in the data directory. */
static bool file_present(struct restore *rs, const char *sha, int64_t size)
{
    char path[4400];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", rs->stage, sha);
    if (stat(path, &st) == 0 && st.st_size == size)
        return true;
    snprintf(path, sizeof(path), "%s/files/%.2s/%.2s/%s", rs->cfg->data_dir, sha, sha + 2, sha);
    return stat(path, &st) == 0 && st.st_size == size;
}

static int check_files(struct restore *rs, struct db_conn *c)
{
    char after[65] = "";
    for (;;) {
        struct arena a;
        arena_init(&a, 0);
        struct db_rows rows;
        enum err e = db_query(c, &a,
                              "SELECT sha256, MAX(size) FROM attachment WHERE sha256 > $1 "
                              "GROUP BY sha256 ORDER BY sha256 LIMIT 500",
                              DB_ARGS(DB_T(after)), &rows);
        if (e) {
            arena_release(&a);
            return failf(rs, "cannot list the attachments", db_errmsg(c));
        }
        for (size_t i = 0; i < rows.nrows; i++) {
            const char *sha = db_str(&rows, i, 0);
            if (!sha || strlen(sha) != 64 || !file_present(rs, sha, db_int(&rows, i, 1))) {
                failf(rs, "the file of an attachment is not in the archive", sha);
                arena_release(&a);
                return 1;
            }
            snprintf(after, sizeof(after), "%s", sha);
        }
        size_t n = rows.nrows;
        arena_release(&a);
        if (n < 500)
            return 0;
    }
}

/* The staged database: integrity, audit chain, attachments, the key it names. */
static int verify(struct restore *rs)
{
    char url[4300], why[512] = "";
    snprintf(url, sizeof(url), "sqlite:%s", rs->staged_db);
    struct db *db;
    struct db_options opt = {0};
    if (db_open(url, &opt, &db, why, sizeof(why)) != ERR_OK)
        return failf(rs, "the database in the archive cannot be opened", why);
    struct db_conn *c;
    int rc = 0;
    enum err e = db_conn_get(db, &c);
    if (!e)
        e = db_integrity(c, why, sizeof(why));
    if (e) {
        rc = failf(rs, "the database in the archive fails its integrity check",
                   why[0] ? why : err_code(e));
        goto out;
    }
    printf("restore: database integrity: ok\n");
    int64_t checked = 0, bad = 0;
    e = audit_verify(c, &checked, &bad, why, sizeof(why));
    if (e) {
        char detail[700];
        snprintf(detail, sizeof(detail), "record %" PRId64 ": %s", bad, why);
        rc = failf(rs, "the audit chain in the archive is broken", detail);
        goto out;
    }
    rs->audit_records = checked;
    printf("restore: audit chain: ok (%" PRId64 " records)\n", checked);
    rc = check_files(rs, c);
    if (rc)
        goto out;
    printf("restore: attachments: %" PRId64 " file(s), every one present and matching its hash\n",
           rs->files);
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    if (db_query_one(c, &a, "SELECT fingerprint FROM crypto_key WHERE id = 1", DB_NOARGS, &rows) ==
            ERR_OK &&
        db_str(&rows, 0, 0))
        snprintf(rs->fingerprint, sizeof(rs->fingerprint), "%s", db_str(&rows, 0, 0));
    arena_release(&a);
out:
    db_close(db);
    return rc;
}

/* Moves the staged attachment files into DATA_DIR/files/ab/cd/; one already there has the
 * same content (its name is its hash) and stays. */
static int place_files(struct restore *rs)
{
    DIR *d = opendir(rs->stage);
    if (!d)
        return failf(rs, "cannot read the staging directory", strerror(errno));
    int rc = 0;
    const struct dirent *ent;
    while (!rc && (ent = readdir(d)) != NULL) {
        const char *sha = ent->d_name;
        if (strlen(sha) != 64)
            continue;
        char from[4400], dir[4400], to[4500];
        snprintf(from, sizeof(from), "%s/%.64s", rs->stage, sha);
        snprintf(dir, sizeof(dir), "%s/files/%.2s/%.2s", rs->cfg->data_dir, sha, sha + 2);
        snprintf(to, sizeof(to), "%s/%.64s", dir, sha);
        struct stat st;
        if (stat(to, &st) == 0) {
            unlink(from);
            continue;
        }
        if (make_dirs(dir) != 0)
            rc = failf(rs, "cannot create the attachment directory", strerror(errno));
        else if (rename(from, to) != 0 || fs_sync_parent(to) != 0)
            rc = failf(rs, "cannot move an attachment file into place", strerror(errno));
    }
    closedir(d);
    if (!rc) {
        /* the new ab/ and ab/cd/ directories themselves */
        char files[4200];
        snprintf(files, sizeof(files), "%s/files/x", rs->cfg->data_dir);
        fs_sync_parent(files);
    }
    return rc;
}

static void remove_stage(struct restore *rs)
{
    DIR *d = opendir(rs->stage);
    if (d) {
        const struct dirent *ent;
        while ((ent = readdir(d)) != NULL) {
            char p[4400];
            if (ent->d_name[0] == '.')
                continue;
            if (snprintf(p, sizeof(p), "%s/%s", rs->stage, ent->d_name) < (int)sizeof(p))
                unlink(p);
        }
        closedir(d);
        rmdir(rs->stage);
    }
    unlink(rs->staged_db);
}

/* What the operator must know about the key file after the switch. */
static void report_key(struct restore *rs)
{
    if (!rs->fingerprint[0])
        return;
    char path[4096], why[512];
    cli_key_path(rs->cfg, path, sizeof(path));
    unsigned char master[CRYPTO_MASTER_BYTES];
    enum err e = crypto_key_read(path, master, why, sizeof(why));
    if (e) {
        printf("restore: the personal data is sealed under key %s; put that key file at %s "
               "before starting the server (it is not part of the backup)\n",
               rs->fingerprint, path);
        return;
    }
    struct crypto_key k;
    crypto_key_derive(master, CRYPTO_SM4_CTR_HMAC_SM3, &k);
    crypto_wipe(master, sizeof(master));
    if (strcmp(k.fingerprint, rs->fingerprint) == 0)
        printf("restore: the key file %s is the key the database needs (%s)\n", path,
               rs->fingerprint);
    else
        printf("restore: WARNING: the key file %s is key %s, but the database needs key %s "
               "(after a rotation the old one is kept as <key>.old-<time>); the server will "
               "not start until that key file is in place\n",
               path, k.fingerprint, rs->fingerprint);
    crypto_wipe(&k, sizeof(k));
}

static int open_archive(struct restore *rs, const char *path, struct archive **ar)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failf(rs, "cannot open the archive", strerror(errno));
    bool sealed;
    char name[ARCHIVE_KEYNAME + 1];
    if (archive_peek(fd, &sealed, name) != ERR_OK) {
        close(fd);
        return failf(rs, "this is not a shegong backup", path);
    }
    static unsigned char key[ARCHIVE_KEY_BYTES]; /* key material: one place, wiped below */
    char fp[33] = "";
    if (sealed && cli_backup_key(rs->cfg, key, fp, rs->why, sizeof(rs->why))) {
        close(fd);
        return 1;
    }
    if (sealed && strcmp(fp, name) != 0) {
        char path_key[4096];
        cli_key_path(rs->cfg, path_key, sizeof(path_key));
        snprintf(rs->why, sizeof(rs->why),
                 "the archive is encrypted with key %s, but the key file %s is key %s (point "
                 "SHEGONG_KEY_FILE at the key file of the backup; after a rotation the old one "
                 "is kept as <key>.old-<time>)",
                 name, path_key, fp);
        close(fd);
        sodium_memzero(key, sizeof(key));
        return 1;
    }
    enum err e = archive_open(fd, sealed ? key : NULL, ar);
    sodium_memzero(key, sizeof(key));
    if (e) {
        if (*ar)
            failf(rs, "the archive failed its check", archive_error(*ar));
        else
            failf(rs, "out of memory", NULL);
        return 1;
    }
    if (sealed)
        printf("restore: the archive is encrypted with key %s: decrypting\n", name);
    return 0;
}

static int run_restore(const struct config *cfg, const char *path, bool force)
{
    const char *url = cfg->db_url;
    const char *db_path = strncmp(url, "sqlite:", 7) == 0 ? url + 7
                          : strstr(url, "://")            ? NULL
                                                          : url;
    if (!db_path) {
        fprintf(stderr, "shegong restore: restores SQLite databases; a PostgreSQL database is "
                        "restored with pg_restore (docs/operations.md)\n");
        return 1;
    }
    struct stat st;
    bool exists = stat(db_path, &st) == 0 && st.st_size > 0;
    if (exists && !force) {
        fprintf(stderr,
                "shegong restore: a database exists at %s and restoring would replace it; "
                "stop its server and run again with --force (the old one is kept). Nothing "
                "was changed.\n",
                db_path);
        return 1;
    }
    struct restore rs = {.cfg = cfg, .db_path = db_path};
    snprintf(rs.stage, sizeof(rs.stage), "%s/.restore-%ld", cfg->data_dir, (long)getpid());
    snprintf(rs.staged_db, sizeof(rs.staged_db), "%s.restore-%ld", db_path, (long)getpid());
    char db_dir[4096];
    snprintf(db_dir, sizeof(db_dir), "%s", db_path);
    char *slash = strrchr(db_dir, '/');
    if (slash && slash != db_dir)
        *slash = '\0';
    else
        snprintf(db_dir, sizeof(db_dir), ".");
    if (make_dirs(cfg->data_dir) != 0 || make_dirs(db_dir) != 0 || mkdir(rs.stage, 0700) != 0) {
        fprintf(stderr, "shegong restore: cannot create the staging directory %s: %s\n", rs.stage,
                strerror(errno));
        return 1;
    }
    int64_t t0 = clock_mono_us();
    struct archive *ar = NULL;
    int rc = open_archive(&rs, path, &ar);
    if (!rc)
        rc = unpack(&rs, ar);
    archive_free(ar);
    if (!rc) {
        printf("restore: archive of %s: checksum ok; database %" PRId64 " bytes, %" PRId64
               " attachment file(s)\n",
               rs.created_at, rs.db_bytes, rs.files);
        rc = verify(&rs);
    }
    char keep[4300] = "";
    if (!rc) {
        char when[21];
        clock_format_utc(clock_now(), when);
        /* 2026-11-29T08:42:47Z -> 20261129T084247Z: no colons in a file name */
        char stamp[21];
        size_t k = 0;
        for (const char *p = when; *p; p++)
            if (*p != '-' && *p != ':')
                stamp[k++] = *p;
        stamp[k] = '\0';
        snprintf(keep, sizeof(keep), "%s.before-restore-%s", db_path, stamp);
        rc = place_files(&rs);
    }
    if (!rc && db_restore_file(db_path, rs.staged_db, keep, rs.why, sizeof(rs.why)) != ERR_OK)
        rc = 1;
    remove_stage(&rs);
    if (rc) {
        fprintf(stderr, "shegong restore: %s; the database was not changed\n", rs.why);
        return 1;
    }
    printf("restore: %s restored from %s in %.2f s\n", db_path, path,
           (double)(clock_mono_us() - t0) / 1e6);
    if (exists)
        printf("restore: the previous database is kept as %s\n", keep);
    report_key(&rs);
    return 0;
}

int cli_restore(int argc, char **argv)
{
    struct config cfg;
    bool force = false;
    int rc = cli_parse_common_flag(argc, argv, &cfg, restore_help, "force", &force);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc) {
        fprintf(stderr, "shegong restore: give exactly one archive PATH\n\n%s", restore_help);
        return EXIT_USAGE;
    }
    return run_restore(&cfg, argv[optind], force);
}

/* shegong backup: a consistent copy of the database taken while the server goes on
 * serving, and the attachment files it links, in one archive file (see backup.h). */
#include "cli/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/fsutil.h"

static const char backup_help[] =
    "Usage: shegong backup PATH [--encrypt] [--db URL] [--data-dir DIR]\n"
    "Writes one archive file at PATH holding a consistent snapshot of the SQLite database\n"
    "and every attachment file it links. The server may go on serving meanwhile: the\n"
    "snapshot is the state of one moment, and later writes are not in it.\n"
    "\n"
    "  --encrypt         seal the archive with a key derived from the key file\n"
    "                    (SHEGONG_KEY_FILE, default <data dir>/shegong.key); restoring it\n"
    "                    then needs that key file\n"
    "  --db URL          the database (SHEGONG_DB; default sqlite:<data dir>/shegong.db)\n"
    "  --data-dir DIR    where the attachment files and the key file are (default data)\n"
    "\n"
    "The key file is never put into the archive: keep a copy of it apart from the backups,\n"
    "without it the personal data in them cannot be read. PostgreSQL is backed up with\n"
    "pg_dump (docs/operations.md). Exit status: 0 written, 1 failed (nothing at PATH).\n";

int cli_backup_key(const struct config *cfg, unsigned char key[ARCHIVE_KEY_BYTES],
                   char *fingerprint, char *errbuf, size_t errlen)
{
    char path[4096], why[512];
    cli_key_path(cfg, path, sizeof(path));
    unsigned char master[CRYPTO_MASTER_BYTES];
    enum err e = crypto_key_read(path, master, why, sizeof(why));
    if (e) {
        snprintf(errbuf, errlen, "the key file '%s' cannot be read: %s", path,
                 e == ERR_NOT_FOUND ? "it does not exist" : why);
        return 1;
    }
    struct crypto_key k;
    crypto_key_derive(master, CRYPTO_SM4_CTR_HMAC_SM3, &k);
    snprintf(fingerprint, 33, "%s", k.fingerprint);
    crypto_kdf_derive_from_key(key, ARCHIVE_KEY_BYTES, 1, "shbackup", master);
    crypto_wipe(master, sizeof(master));
    crypto_wipe(&k, sizeof(k));
    return 0;
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

bool cli_backup_file_name(const char *name, const char **sha)
{
    /* files/ab/cd/<64 hex> */
    if (strlen(name) != 6 + 3 + 3 + 64 || strncmp(name, "files/", 6) != 0 || name[8] != '/' ||
        name[11] != '/')
        return false;
    const char *h = name + 12;
    if (!is_hex(h, 64) || strncmp(name + 6, h, 2) != 0 || strncmp(name + 9, h + 2, 2) != 0)
        return false;
    *sha = h;
    return true;
}

/* What the snapshot holds, for the manifest and the summary. */
struct snapshot_info {
    int64_t files, file_bytes, audit_records;
    char fingerprint[33];
};

static enum err read_info(struct db_conn *c, struct snapshot_info *in)
{
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_query_one(c, &a,
                              "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM (SELECT sha256, "
                              "MAX(size) AS size FROM attachment GROUP BY sha256) f",
                              DB_NOARGS, &rows);
    if (!e) {
        in->files = db_int(&rows, 0, 0);
        in->file_bytes = db_int(&rows, 0, 1);
        e = db_query_one(c, &a, "SELECT COUNT(*) FROM audit_log", DB_NOARGS, &rows);
    }
    if (!e) {
        in->audit_records = db_int(&rows, 0, 0);
        if (db_query_one(c, &a, "SELECT fingerprint FROM crypto_key WHERE id = 1", DB_NOARGS,
                         &rows) == ERR_OK &&
            db_str(&rows, 0, 0))
            snprintf(in->fingerprint, sizeof(in->fingerprint), "%s", db_str(&rows, 0, 0));
    }
    arena_release(&a);
    return e;
}

static void progress(bool tty, int64_t done, int64_t total)
{
    if (!tty || (done % 64 != 0 && done != total))
        return;
    int pct = total ? (int)(done * 100 / total) : 100;
    fprintf(stderr, "\rbackup: files %" PRId64 "/%" PRId64 " %3d%%", done, total, pct);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

struct job {
    const struct config *cfg;
    const char *snap; /* the snapshot file */
    struct archive *ar;
    struct snapshot_info info;
    bool sealed;
    int64_t db_bytes;
    char why[9000];
};

static int add_database(struct job *j)
{
    int fd = open(j->snap, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(j->why, sizeof(j->why), "cannot read the snapshot: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    j->db_bytes = (int64_t)st.st_size;
    enum err e = archive_add_fd(j->ar, BACKUP_DATABASE, "shegong.db", fd, (uint64_t)st.st_size);
    close(fd);
    if (e) {
        snprintf(j->why, sizeof(j->why), "%s", archive_error(j->ar));
        return 1;
    }
    return 0;
}

/* One entry per distinct file the snapshot's attachment rows name, in hash order. */
static int add_files(struct job *j, struct db_conn *c)
{
    bool tty = isatty(STDERR_FILENO);
    int64_t done = 0;
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
            snprintf(j->why, sizeof(j->why), "cannot list the attachments: %s", db_errmsg(c));
            arena_release(&a);
            return 1;
        }
        for (size_t i = 0; i < rows.nrows; i++) {
            const char *sha = db_str(&rows, i, 0);
            int64_t size = db_int(&rows, i, 1);
            char path[4200], name[128];
            snprintf(name, sizeof(name), "files/%.2s/%.2s/%s", sha, sha + 2, sha);
            snprintf(path, sizeof(path), "%s/%s", j->cfg->data_dir, name);
            const char *check;
            int fd = cli_backup_file_name(name, &check) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
            struct stat st;
            if (fd < 0 || fstat(fd, &st) != 0 || st.st_size != size) {
                snprintf(j->why, sizeof(j->why),
                         "the file of attachment %s is missing or has the wrong size: %s "
                         "(run shegong check)",
                         sha, path);
                if (fd >= 0)
                    close(fd);
                arena_release(&a);
                return 1;
            }
            e = archive_add_fd(j->ar, BACKUP_FILE, name, fd, (uint64_t)size);
            close(fd);
            if (e) {
                snprintf(j->why, sizeof(j->why), "%s", archive_error(j->ar));
                arena_release(&a);
                return 1;
            }
            progress(tty, ++done, j->info.files);
            snprintf(after, sizeof(after), "%s", sha);
        }
        size_t n = rows.nrows;
        arena_release(&a);
        if (n < 500)
            break;
    }
    return 0;
}

static int add_manifest(struct job *j)
{
    char when[21];
    clock_format_utc(clock_now(), when);
    json_t *m = json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:s, s:b}", "format", 1, "created_at",
                          when, "database", "sqlite", "files", (json_int_t)j->info.files,
                          "file_bytes", (json_int_t)j->info.file_bytes, "audit_records",
                          (json_int_t)j->info.audit_records, "key_fingerprint", j->info.fingerprint,
                          "encrypted", j->sealed);
    char *text = m ? json_dumps(m, JSON_INDENT(2)) : NULL;
    json_decref(m);
    if (!text) {
        snprintf(j->why, sizeof(j->why), "out of memory");
        return 1;
    }
    enum err e = archive_add_buf(j->ar, BACKUP_MANIFEST, "manifest.json", text, strlen(text));
    free(text);
    if (e) {
        snprintf(j->why, sizeof(j->why), "%s", archive_error(j->ar));
        return 1;
    }
    return 0;
}

/* Opens the snapshot through the db layer (its own connection, closed by the caller). */
static int open_snapshot(struct job *j, struct db **db, struct db_conn **c)
{
    char url[4200];
    snprintf(url, sizeof(url), "sqlite:%s", j->snap);
    struct db_options opt = {0};
    enum err e = db_open(url, &opt, db, j->why, sizeof(j->why));
    if (!e)
        e = db_conn_get(*db, c);
    if (e && !j->why[0])
        snprintf(j->why, sizeof(j->why), "cannot open the snapshot (%s)", err_code(e));
    return e ? 1 : 0;
}

static int write_archive(struct job *j, int fd, const unsigned char *key, const char *fp)
{
    struct db *db = NULL;
    struct db_conn *c;
    if (open_snapshot(j, &db, &c))
        return 1;
    enum err e = read_info(c, &j->info);
    db_close(db);
    if (e) {
        snprintf(j->why, sizeof(j->why), "cannot read the snapshot (%s)", err_code(e));
        return 1;
    }
    e = archive_create(fd, key, fp, &j->ar);
    if (e) {
        snprintf(j->why, sizeof(j->why), "%s", j->ar ? archive_error(j->ar) : "out of memory");
        return 1;
    }
    /* the database's bytes are taken while no connection has the snapshot open */
    if (add_manifest(j) || add_database(j))
        return 1;
    if (open_snapshot(j, &db, &c))
        return 1;
    int rc = add_files(j, c);
    db_close(db);
    if (rc)
        return 1;
    e = archive_finish(j->ar);
    if (e) {
        snprintf(j->why, sizeof(j->why), "%s", archive_error(j->ar));
        return 1;
    }
    return 0;
}

static void remove_snapshot(const char *snap)
{
    char side[4300];
    unlink(snap);
    snprintf(side, sizeof(side), "%s-wal", snap);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", snap);
    unlink(side);
}

static int run_backup(const struct config *cfg, const char *path, bool encrypt)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "shegong backup: '%s' exists already; nothing was written\n", path);
        return 1;
    }
    struct job j = {.cfg = cfg, .sealed = encrypt};
    static unsigned char key[ARCHIVE_KEY_BYTES]; /* key material: one place, wiped below */
    char fp[33] = "", snap[4200], tmp[4200];
    if (encrypt && cli_backup_key(cfg, key, fp, j.why, sizeof(j.why))) {
        fprintf(stderr, "shegong backup: %s; nothing was written\n", j.why);
        return 1;
    }
    snprintf(snap, sizeof(snap), "%s.snapshot-%ld", path, (long)getpid());
    snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
    j.snap = snap;
    int64_t t0 = clock_mono_us();
    struct db *db;
    struct db_options opt = {0};
    enum err e = db_open(cfg->db_url, &opt, &db, j.why, sizeof(j.why));
    if (!e) {
        e = db_backup(db, snap, j.why, sizeof(j.why));
        db_close(db);
    }
    if (e) {
        fprintf(stderr, "shegong backup: %s; nothing was written\n", j.why);
        return 1;
    }
    int64_t t_snap = clock_mono_us();
    int rc = 1;
    uint64_t bytes = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(j.why, sizeof(j.why), "cannot create '%s': %s", tmp, strerror(errno));
        goto out;
    }
    if (write_archive(&j, fd, encrypt ? key : NULL, fp)) {
        if (!j.ar)
            close(fd);
        goto out;
    }
    if (rename(tmp, path) != 0 || fs_sync_parent(path) != 0) {
        snprintf(j.why, sizeof(j.why), "cannot move the archive to '%s': %s", path,
                 strerror(errno));
        goto out;
    }
    rc = 0;
out:
    bytes = j.ar ? archive_bytes(j.ar) : 0;
    archive_free(j.ar);
    sodium_memzero(key, sizeof(key));
    remove_snapshot(snap);
    if (rc) {
        unlink(tmp);
        fprintf(stderr, "shegong backup: %s; nothing was written\n", j.why);
        return 1;
    }
    int64_t t1 = clock_mono_us();
    printf("backup: %s: %" PRIu64 " bytes; database %" PRId64 " bytes (snapshot in %.2f s), "
           "%" PRId64 " attachment file(s) of %" PRId64 " bytes, %" PRId64
           " audit records; %.2f s in all\n",
           path, bytes, j.db_bytes, (double)(t_snap - t0) / 1e6, j.info.files, j.info.file_bytes,
           j.info.audit_records, (double)(t1 - t0) / 1e6);
    if (encrypt)
        printf("backup: encrypted with the key file's key %s; restoring needs that key file\n", fp);
    else if (j.info.fingerprint[0])
        printf("backup: personal data in it is sealed under key %s; keep that key file apart "
               "from the backup\n",
               j.info.fingerprint);
    return 0;
}

int cli_backup(int argc, char **argv)
{
    struct config cfg;
    bool encrypt = false;
    int rc = cli_parse_common_flag(argc, argv, &cfg, backup_help, "encrypt", &encrypt);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc) {
        fprintf(stderr, "shegong backup: give exactly one PATH to write\n\n%s", backup_help);
        return EXIT_USAGE;
    }
    return run_backup(&cfg, argv[optind], encrypt);
}

/* db_backup and db_restore_file (see db.h): an online, consistent copy of an SQLite
 * database through the backup API, on connections of its own so that the server's threads
 * are not disturbed; and putting a restored file in place of a database nobody has open. */
#include "db/db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fsutil.h"

/* The file of the main database behind db, from SQLite itself. */
static enum err main_file(struct db *db, struct arena *a, const char **path, char *errbuf,
                          size_t errlen)
{
    struct db_conn *c;
    enum err e = db_conn_get(db, &c);
    if (e) {
        snprintf(errbuf, errlen, "cannot connect to the database (%s)", err_code(e));
        return e;
    }
    struct db_rows rows;
    e = db_query(c, a, "PRAGMA database_list", DB_NOARGS, &rows);
    if (e) {
        snprintf(errbuf, errlen, "cannot list the database files: %s", db_errmsg(c));
        return e;
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *name = db_str(&rows, i, 1), *file = db_str(&rows, i, 2);
        if (name && strcmp(name, "main") == 0 && file && *file) {
            *path = file;
            return ERR_OK;
        }
    }
    snprintf(errbuf, errlen, "the database is not a file (in memory?)");
    return ERR_INVALID;
}

/* Copies src into dst in one step: one read transaction, so one snapshot, however much
 * is written meanwhile (WAL readers never wait for writers). */
static enum err copy_pages(sqlite3 *src, sqlite3 *dst, char *errbuf, size_t errlen)
{
    for (int attempt = 0;; attempt++) {
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        if (!b) {
            snprintf(errbuf, errlen, "cannot start the copy: %s", sqlite3_errmsg(dst));
            return ERR_DB;
        }
        int rc = sqlite3_backup_step(b, -1);
        int fin = sqlite3_backup_finish(b);
        if (rc == SQLITE_DONE && fin == SQLITE_OK)
            return ERR_OK;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 50) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        snprintf(errbuf, errlen, "the copy failed: %s",
                 sqlite3_errstr(rc == SQLITE_DONE ? fin : rc));
        return rc == SQLITE_BUSY ? ERR_DB_BUSY : ERR_DB;
    }
}

enum err db_backup(struct db *db, const char *dest_path, char *errbuf, size_t errlen)
{
    if (strcmp(db_backend(db), "sqlite") != 0) {
        snprintf(errbuf, errlen,
                 "a PostgreSQL database is backed up with its own tools: use pg_dump "
                 "(see docs/operations.md)");
        return ERR_INVALID;
    }
    struct stat st;
    if (stat(dest_path, &st) == 0) {
        snprintf(errbuf, errlen, "'%s' exists already", dest_path);
        return ERR_CONFLICT;
    }
    struct arena a;
    arena_init(&a, 0);
    const char *path = NULL;
    sqlite3 *src = NULL, *dst = NULL;
    enum err e = main_file(db, &a, &path, errbuf, errlen);
    if (e)
        goto out;
    int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(src, 30000);
        rc =
            sqlite3_open_v2(dest_path, &dst,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    }
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open '%s': %s", dst ? dest_path : path,
                 sqlite3_errstr(rc));
        e = ERR_IO;
        goto out;
    }
    e = copy_pages(src, dst, errbuf, errlen);
    /* the copy is one self-contained file, without a write-ahead log beside it */
    if (!e && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot finish the copy: %s", sqlite3_errmsg(dst));
        e = ERR_DB;
    }
out:
    if (dst && sqlite3_close(dst) != SQLITE_OK && !e) {
        snprintf(errbuf, errlen, "cannot close the copy");
        e = ERR_IO;
    }
    sqlite3_close(src);
    if (e && dst)
        unlink(dest_path);
    arena_release(&a);
    return e;
}

/* Makes path a single file in rollback-journal mode, its write-ahead log folded in and
 * removed. Changing the journal mode needs the only connection: ERR_CONFLICT when another
 * one has the file open. */
static enum err to_single_file(const char *path, char *errbuf, size_t errlen)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot open '%s': %s", path, sqlite3_errstr(rc));
        sqlite3_close(h);
        return ERR_IO;
    }
    sqlite3_busy_timeout(h, 2000);
    rc = sqlite3_exec(h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    enum err e = ERR_OK;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        snprintf(errbuf, errlen,
                 "the database '%s' is in use (is a server running on it? stop it first)", path);
        e = ERR_CONFLICT;
    } else if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "cannot prepare '%s': %s", path, sqlite3_errmsg(h));
        e = ERR_DB;
    }
    sqlite3_close(h);
    return e;
}

enum err db_restore_file(const char *target, const char *staged_path, const char *keep_path,
                         char *errbuf, size_t errlen)
{
    enum err e = to_single_file(staged_path, errbuf, errlen);
    if (e)
        return e;
    struct stat st;
    if (stat(target, &st) == 0) {
        e = to_single_file(target, errbuf, errlen);
        if (e)
            return e;
        if (rename(target, keep_path) != 0) {
            snprintf(errbuf, errlen, "cannot move '%s' aside: %s", target, strerror(errno));
            return ERR_IO;
        }
    }
    if (rename(staged_path, target) != 0) {
        snprintf(errbuf, errlen, "cannot move the restored database into place: %s",
                 strerror(errno));
        return ERR_IO;
    }
    if (fs_sync_parent(target) != 0) {
        snprintf(errbuf, errlen, "cannot sync the directory of '%s': %s", target, strerror(errno));
        return ERR_IO;
    }
    return ERR_OK;
}

/* Test helper: a SQLite database in a fresh temporary file, with this thread's connection,
 * removed (with its -wal and -shm files) when the test is done. Include after cmocka.h. */
#ifndef SHEGONG_TESTS_TESTDB_H
#define SHEGONG_TESTS_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

struct testdb {
    char path[256];
    struct db *db;
    struct db_conn *c;
};

static inline void testdb_remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[300];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

/* Creates an empty database file and opens it; fails the test if it cannot. */
static inline void testdb_open(struct testdb *t)
{
    const char *dir = getenv("TMPDIR");
    snprintf(t->path, sizeof(t->path), "%s/shegong-unit-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(t->path);
    assert_true(fd >= 0);
    close(fd);
    char url[300], errbuf[256];
    snprintf(url, sizeof(url), "sqlite:%s", t->path);
    t->db = NULL;
    t->c = NULL;
    enum err e = db_open(url, NULL, &t->db, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("db_open(%s): %s", url, errbuf);
    assert_int_equal(db_conn_get(t->db, &t->c), ERR_OK);
    assert_non_null(t->c);
}

/* Closes the database and deletes its files; does nothing the second time, so a
 * teardown may call it for a database a failed test left open. */
static inline void testdb_close(struct testdb *t)
{
    if (!t->path[0])
        return;
    db_close(t->db);
    t->db = NULL;
    t->c = NULL;
    testdb_remove_files(t->path);
    int gone = access(t->path, F_OK) != 0;
    t->path[0] = '\0';
    assert_true(gone);
}

#endif

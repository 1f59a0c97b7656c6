/* Test helper: the PostgreSQL database named by SHEGONG_TEST_PG_URL (scripts/pg-test.sh
 * makes one), with an empty public schema, in the same struct testdb as the SQLite helper.
 * Include after testdb.h. */
#ifndef SHEGONG_TESTS_TESTPG_H
#define SHEGONG_TESTS_TESTPG_H

#include <stdlib.h>

#include "testdb.h"

/* The URL of the test database, or NULL when the PostgreSQL cases are to be skipped. */
static inline const char *testpg_url(void)
{
    const char *url = getenv("SHEGONG_TEST_PG_URL");
    return url && *url ? url : NULL;
}

/* Opens the database and empties it: everything the last test made is dropped. */
static inline void testpg_open(struct testdb *t, const struct db_options *opt)
{
    const char *url = testpg_url();
    char errbuf[256];
    assert_non_null(url);
    t->path[0] = '\0';
    t->db = NULL;
    t->c = NULL;
    enum err e = db_open(url, opt, &t->db, errbuf, sizeof(errbuf));
    if (e)
        fail_msg("db_open(%s): %s", url, errbuf);
    assert_int_equal(db_conn_get(t->db, &t->c), ERR_OK);
    assert_string_equal(db_backend(t->db), "postgres");
    e = db_exec_script(t->c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    if (e)
        fail_msg("cannot empty the test database: %s", db_errmsg(t->c));
}

/* Closes it; does nothing the second time. */
static inline void testpg_close(struct testdb *t)
{
    db_close(t->db);
    t->db = NULL;
    t->c = NULL;
}

#endif

/* Building one SQL statement with its bound values, for queries whose shape depends on
 * the request (filters, scope, paging). Text appended must come from the code, never from
 * the client; client values go in through sqlq_arg. Memory comes from the arena. */
#ifndef SHEGONG_DB_SQLQ_H
#define SHEGONG_DB_SQLQ_H

#include "core/arena.h"
#include "core/sbuf.h"
#include "db/db.h"

#define SQLQ_MAX_ARGS 64

struct sqlq {
    struct sbuf sql;
    struct db_val args[SQLQ_MAX_ARGS];
    int nargs;
    bool overflow;
};

/* _init allocates nothing; _release frees the text. */
void sqlq_init(struct sqlq *q);
void sqlq_release(struct sqlq *q);
/* Appends code-owned SQL text. */
void sqlq_add(struct sqlq *q, const char *sql);
/* Appends formatted SQL text (never a value: those go through sqlq_arg). */
void sqlq_addf(struct sqlq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Binds v and appends its placeholder ($n). */
void sqlq_arg(struct sqlq *q, struct db_val v);
/* A LIKE pattern matching text that contains s, with % _ and \ escaped (use with
 * ESCAPE '\'). Allocated in a; NULL when out of memory. */
const char *db_like_contains(struct arena *a, const char *s);
/* One page of a list and the size of the whole list: from is the FROM ... WHERE ... text
 * with its values; runs SELECT COUNT(*) from, then SELECT cols from ORDER BY order LIMIT
 * OFFSET. page counts from 1. */
enum err sqlq_page(struct db_conn *c, struct arena *a, const char *cols, const struct sqlq *from,
                   const char *order, int64_t page, int64_t size, int64_t *total,
                   struct db_rows *rows);
/* The same, counting only up to count_max (> 0): *total is then at most count_max and
 * *exact false when the list goes on beyond it. For lists too long to count at each page. */
enum err sqlq_page_capped(struct db_conn *c, struct arena *a, const char *cols,
                          const struct sqlq *from, const char *order, int64_t page, int64_t size,
                          int64_t count_max, int64_t *total, bool *exact, struct db_rows *rows);
/* The same for a from of one table with alias t and no join, choosing the page by key first:
 * SELECT cols FROM table t WHERE t.key IN (SELECT t.key from ORDER BY order LIMIT OFFSET)
 * ORDER BY order. The page is chosen from what the conditions and the sort need (often an
 * index alone) and only the page's rows are read whole, not every row the sort saw. A list
 * of at most a couple of hundred rows is read as sqlq_page reads it. */
enum err sqlq_page_keyed(struct db_conn *c, struct arena *a, const char *cols,
                         const struct sqlq *from, const char *table, const char *key,
                         const char *order, int64_t page, int64_t size, int64_t *total,
                         struct db_rows *rows);
/* Runs the statement (rows into a). */
enum err sqlq_query(struct sqlq *q, struct db_conn *c, struct arena *a, struct db_rows *out);
/* Runs a statement that returns no rows; changes may be NULL. */
enum err sqlq_exec(struct sqlq *q, struct db_conn *c, int64_t *changes);

#endif

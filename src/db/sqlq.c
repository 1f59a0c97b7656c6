/* SQL text plus bound values (see sqlq.h). */
#include "db/sqlq.h"

#include <stdarg.h>
#include <string.h>

void sqlq_init(struct sqlq *q)
{
    sbuf_init(&q->sql, 64 << 10);
    q->nargs = 0;
    q->overflow = false;
}

void sqlq_release(struct sqlq *q)
{
    sbuf_release(&q->sql);
    q->nargs = 0;
}

void sqlq_add(struct sqlq *q, const char *sql)
{
    sbuf_adds(&q->sql, sql);
}

void sqlq_addf(struct sqlq *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf_vaddf(&q->sql, fmt, ap);
    va_end(ap);
}

void sqlq_arg(struct sqlq *q, struct db_val v)
{
    if (q->nargs == SQLQ_MAX_ARGS) {
        q->overflow = true;
        return;
    }
    q->args[q->nargs++] = v;
    sbuf_addf(&q->sql, "$%d", q->nargs);
}

enum err sqlq_query(struct sqlq *q, struct db_conn *c, struct arena *a, struct db_rows *out)
{
    if (q->overflow)
        return ERR_TOO_LARGE;
    if (sbuf_err(&q->sql))
        return sbuf_err(&q->sql);
    return db_query(c, a, q->sql.buf, q->args, q->nargs, out);
}

enum err sqlq_exec(struct sqlq *q, struct db_conn *c, int64_t *changes)
{
    if (q->overflow)
        return ERR_TOO_LARGE;
    if (sbuf_err(&q->sql))
        return sbuf_err(&q->sql); /* the text is cut short */
    return db_exec(c, q->sql.buf, q->args, q->nargs, changes);
}

const char *db_like_contains(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, 2 * n + 3);
    if (!out)
        return NULL;
    char *o = out;
    *o++ = '%';
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

/* Below this many rows, a keyed page is read as a plain one. */
#define SQLQ_KEYED_MIN 200

static enum err page(struct db_conn *c, struct arena *a, const char *cols, const struct sqlq *from,
                     const char *table, const char *key, const char *order, int64_t page,
                     int64_t size, int64_t count_max, int64_t *total, bool *exact,
                     struct db_rows *rows)
{
    if (from->overflow)
        return ERR_TOO_LARGE;
    if (sbuf_err(&from->sql))
        return sbuf_err(&from->sql);
    struct sqlq q;
    sqlq_init(&q);
    /* counted to the end, or only until one more than count_max */
    sqlq_add(&q, count_max ? "SELECT COUNT(*) FROM (SELECT 1 " : "SELECT COUNT(*) ");
    sqlq_add(&q, from->sql.buf);
    memcpy(q.args, from->args, sizeof(from->args[0]) * (size_t)from->nargs);
    q.nargs = from->nargs;
    if (count_max) {
        sqlq_add(&q, " LIMIT ");
        sqlq_arg(&q, DB_I(count_max + 1));
        sqlq_add(&q, ") c");
    }
    struct db_rows count;
    enum err e = sqlq_query(&q, c, a, &count);
    sqlq_release(&q);
    if (e)
        return e;
    *total = db_int(&count, 0, 0);
    if (exact)
        *exact = !count_max || *total <= count_max;
    if (count_max && *total > count_max)
        *total = count_max;
    if (*total <= SQLQ_KEYED_MIN)
        key = NULL; /* a short list is read whole at no cost: the second look-up is not needed */
    sqlq_init(&q);
    sqlq_add(&q, "SELECT ");
    sqlq_add(&q, cols);
    if (key) {
        sqlq_add(&q, " FROM ");
        sqlq_add(&q, table);
        sqlq_add(&q, " t WHERE t.");
        sqlq_add(&q, key);
        sqlq_add(&q, " IN (SELECT t.");
        sqlq_add(&q, key);
    }
    sqlq_add(&q, " ");
    sqlq_add(&q, from->sql.buf);
    memcpy(q.args, from->args, sizeof(from->args[0]) * (size_t)from->nargs);
    q.nargs = from->nargs;
    sqlq_add(&q, " ORDER BY ");
    sqlq_add(&q, order);
    sqlq_add(&q, " LIMIT ");
    sqlq_arg(&q, DB_I(size));
    sqlq_add(&q, " OFFSET ");
    sqlq_arg(&q, DB_I((page - 1) * size));
    if (key) {
        sqlq_add(&q, ") ORDER BY ");
        sqlq_add(&q, order);
    }
    e = sqlq_query(&q, c, a, rows);
    sqlq_release(&q);
    return e;
}

enum err sqlq_page(struct db_conn *c, struct arena *a, const char *cols, const struct sqlq *from,
                   const char *order, int64_t page_no, int64_t size, int64_t *total,
                   struct db_rows *rows)
{
    return page(c, a, cols, from, NULL, NULL, order, page_no, size, 0, total, NULL, rows);
}

enum err sqlq_page_capped(struct db_conn *c, struct arena *a, const char *cols,
                          const struct sqlq *from, const char *order, int64_t page_no, int64_t size,
                          int64_t count_max, int64_t *total, bool *exact, struct db_rows *rows)
{
    return page(c, a, cols, from, NULL, NULL, order, page_no, size, count_max, total, exact, rows);
}

enum err sqlq_page_keyed(struct db_conn *c, struct arena *a, const char *cols,
                         const struct sqlq *from, const char *table, const char *key,
                         const char *order, int64_t page_no, int64_t size, int64_t *total,
                         struct db_rows *rows)
{
    return page(c, a, cols, from, table, key, order, page_no, size, 0, total, NULL, rows);
}

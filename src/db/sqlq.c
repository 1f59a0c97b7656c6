/* SQL text plus bound values (see sqlq.h). */
#include "db/sqlq.h"

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

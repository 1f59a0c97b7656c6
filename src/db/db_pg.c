/* The PostgreSQL driver on libpq: the URL goes to libpq whole (host, TLS via sslmode, …);
 * statements are prepared once per connection and bound with the types of their values.
 *
 * Write serialisation. The code relies on one writer at a time, as SQLite's BEGIN IMMEDIATE
 * gives within one file: the audit chain reads the last record and appends the next, and
 * uniqueness rules read before they insert. PostgreSQL's row locks do not give that, so a
 * write transaction is "BEGIN; SELECT pg_advisory_xact_lock(WRITE_LOCK_KEY)": one
 * transaction-scoped advisory lock, released at COMMIT or ROLLBACK, serialises the writers
 * of every server on the database. It runs READ COMMITTED, so each statement after the lock
 * sees what the previous writer committed. Waiting for the lock is bounded by lock_timeout
 * (db_options.busy_timeout_ms), which answers ERR_DB_BUSY and db_tx_run retries. A read
 * transaction is REPEATABLE READ READ ONLY: one snapshot for all its statements, as a
 * SQLite read transaction has, and no lock at all.
 *
 * Types. Values are bound in text format with their own type (DB_INT int8, DB_REAL float8,
 * DB_TEXT text, DB_NULL unknown), so "$1 IS NULL" and "SELECT $1" need no casts. Where
 * PostgreSQL refuses that typing (a NULL nothing gives a type to, text bound to a number
 * column, an int8 compared with text), the statement is prepared again with NULL as text,
 * then text, then everything left for the server to infer (policy_type); SHEGONG_PG_TRACE=1
 * logs the statements that needed untyped values. Each typing is a separate prepared
 * statement of the connection, made once.
 *
 * Statement-level atomicity differs from SQLite: a failed statement aborts the whole
 * PostgreSQL transaction, so the caller must roll back (every caller in the code base
 * does). A COMMIT of such a transaction is answered ERR_DB here rather than the server's
 * silent ROLLBACK. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/driver.h"

/* "shegong!" in ASCII. Background jobs must use other keys. */
#define WRITE_LOCK_KEY "8316008206865164065"

#define BEGIN_READ "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
#define BEGIN_WRITE                                                                                \
    "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")"

/* Type OIDs from the catalog (pg_type.dat); stable across versions. */
enum {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_OID = 26,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_NUMERIC = 1700,
};

#define VARIANTS 4  /* typings kept per statement */
#define NUMLEN   32 /* text of one number */

struct pg_conn {
    PGconn *conn;
    struct db_options opt;
    uint64_t generation; /* bumped when the session is re-established */
    uint64_t names;      /* prepared statement names handed out */
    int64_t changes;
    bool tx_open; /* between a begin and a COMMIT/ROLLBACK */
    char err[1024];
};

/* One server-side prepared statement: the sql prepared for one signature of values. */
struct pg_variant {
    bool live;
    uint64_t generation;
    char name[24];
};

struct pg_stmt {
    struct pg_conn *pc;
    char *sql;
    int nparams;
    struct pg_variant var[VARIANTS];
    Oid *sigs; /* VARIANTS rows of nparams: the value types each variant was made for */
    Oid *sig;  /* scratch: the current values' types */
    Oid *types;
    Oid *known; /* per parameter: the type it was last prepared with, 0 = none yet */
    const char **vals;
    char *nums; /* nparams * NUMLEN */
    int victim;
    PGresult *res;
    int row, nrows;
};

static void set_err(struct pg_conn *pc, const char *msg)
{
    snprintf(pc->err, sizeof(pc->err), "%s", msg && *msg ? msg : "unknown PostgreSQL error");
    size_t n = strlen(pc->err);
    while (n && (pc->err[n - 1] == '\n' || pc->err[n - 1] == ' '))
        pc->err[--n] = '\0';
}

static bool lost(const struct pg_conn *pc)
{
    return PQstatus(pc->conn) == CONNECTION_BAD;
}

/* Maps a failed result (or, for NULL, the connection's state) to the error enum. */
static enum err fail(struct pg_conn *pc, const PGresult *res)
{
    set_err(pc, res ? PQresultErrorMessage(res) : PQerrorMessage(pc->conn));
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (lost(pc))
        return ERR_UNAVAILABLE;
    if (!state)
        return ERR_DB;
    if (strncmp(state, "23", 2) == 0) /* integrity: unique, foreign key, check, not null */
        return ERR_CONFLICT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0) /* serialization, deadlock, lock_timeout */
        return ERR_DB_BUSY;
    if (strcmp(state, "57014") == 0 || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0 || strcmp(state, "53300") == 0)
        return ERR_UNAVAILABLE; /* statement timeout, connection, shutdown, too many */
    if (strcmp(state, "54000") == 0)
        return ERR_TOO_LARGE;
    if (strcmp(state, "53200") == 0)
        return ERR_NOMEM;
    return ERR_DB;
}

static bool result_ok(const PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Runs sql without parameters; answers the mapped error on failure. */
static enum err run_simple(struct pg_conn *pc, const char *sql)
{
    PGresult *res = PQexec(pc->conn, sql);
    enum err e = res && result_ok(res) ? ERR_OK : fail(pc, res);
    PQclear(res);
    return e;
}

static enum err session_setup(struct pg_conn *pc)
{
    if (PQsetClientEncoding(pc->conn, "UTF8") != 0)
        return fail(pc, NULL);
    int st = pc->opt.statement_timeout_ms > 0 ? pc->opt.statement_timeout_ms : 30000;
    int lt = pc->opt.busy_timeout_ms > 0 ? pc->opt.busy_timeout_ms : 5000;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SET statement_timeout = %d; SET lock_timeout = %d; SET TIME ZONE 'UTC';"
             "SET client_min_messages = warning",
             st, lt);
    return run_simple(pc, sql);
}

static enum err pg_connect(const char *target, const struct db_options *opt, void **handle,
                           char *errbuf, size_t errlen)
{
    struct pg_conn *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return ERR_NOMEM;
    pc->opt = *opt;
    pc->conn = PQconnectdb(target);
    if (!pc->conn) {
        free(pc);
        return ERR_NOMEM;
    }
    if (PQstatus(pc->conn) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password */
        set_err(pc, PQerrorMessage(pc->conn));
        snprintf(errbuf, errlen, "cannot connect to PostgreSQL: %s", pc->err);
        PQfinish(pc->conn);
        free(pc);
        return ERR_UNAVAILABLE;
    }
    enum err e = session_setup(pc);
    if (e) {
        snprintf(errbuf, errlen, "cannot set up the PostgreSQL session: %s", pc->err);
        PQfinish(pc->conn);
        free(pc);
        return e;
    }
    *handle = pc;
    return ERR_OK;
}

static void pg_disconnect(void *h)
{
    struct pg_conn *pc = h;
    if (!pc)
        return;
    PQfinish(pc->conn);
    free(pc);
}

/* A lost connection is re-established only between transactions: inside one, the work
 * so far is gone and the caller must see the failure. Prepared statements are per
 * session, so the new generation prepares them again. */
static enum err usable(struct pg_conn *pc)
{
    if (!lost(pc))
        return ERR_OK;
    if (pc->tx_open) {
        set_err(pc, "the connection to PostgreSQL was lost inside a transaction");
        return ERR_UNAVAILABLE;
    }
    PQreset(pc->conn);
    if (lost(pc))
        return fail(pc, NULL);
    pc->generation++;
    return session_setup(pc);
}

/* The highest $n outside quotes and comments: how many values the statement takes. */
static int count_params(const char *sql)
{
    int max = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
            int n = 0;
            while (p[1] >= '0' && p[1] <= '9' && n < 100000)
                n = n * 10 + (*++p - '0');
            if (n > max)
                max = n;
        }
    }
    return max;
}

/* A statement's memory (its prepared variants are the server's: see drop_variant). */
static void stmt_free(struct pg_stmt *st)
{
    free(st->sql);
    free(st->sigs);
    free(st->sig);
    free(st->types);
    free(st->known);
    free(st->vals);
    free(st->nums);
    free(st);
}

static enum err pg_prepare(void *h, const char *sql, void **stmt)
{
    struct pg_stmt *st = calloc(1, sizeof(*st));
    if (!st)
        return ERR_NOMEM;
    st->pc = h;
    st->nparams = count_params(sql);
    size_t n = (size_t)(st->nparams ? st->nparams : 1);
    st->sql = strdup(sql);
    st->sigs = calloc(VARIANTS * n, sizeof(Oid));
    st->sig = calloc(n, sizeof(Oid));
    st->types = calloc(n, sizeof(Oid));
    st->known = calloc(n, sizeof(Oid));
    st->vals = calloc(n, sizeof(char *));
    st->nums = calloc(n, NUMLEN);
    if (!st->sql || !st->sigs || !st->sig || !st->types || !st->known || !st->vals || !st->nums) {
        stmt_free(st);
        return ERR_NOMEM;
    }
    *stmt = st;
    return ERR_OK;
}

static void drop_variant(struct pg_stmt *st, struct pg_variant *v)
{
    struct pg_conn *pc = st->pc;
    if (v->live && v->generation == pc->generation && !lost(pc)) {
        char sql[48];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", v->name);
        PQclear(PQexec(pc->conn, sql));
    }
    v->live = false;
}

static void pg_reset(void *stmt)
{
    struct pg_stmt *st = stmt;
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrows = 0;
}

static void pg_finalize(void *stmt)
{
    struct pg_stmt *st = stmt;
    pg_reset(st);
    for (int i = 0; i < VARIANTS; i++)
        drop_variant(st, &st->var[i]);
    stmt_free(st);
}

/* Errors that a looser typing of the parameters may cure. */
static bool typing_error(const PGresult *res)
{
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return s && (strcmp(s, "42804") == 0      /* datatype_mismatch */
                 || strcmp(s, "42883") == 0   /* undefined_function (no such operator) */
                 || strcmp(s, "42P18") == 0   /* indeterminate_datatype */
                 || strcmp(s, "42P08") == 0   /* ambiguous_parameter */
                 || strcmp(s, "42725") == 0); /* ambiguous_function */
}

/* The type parameter i is declared with under each policy, tried in this order: the
 * values' own types, a NULL typed as the same parameter was when it last had a value;
 * then a NULL as text, then as int8, a text as the parameter's earlier type ("$1 IS NULL OR id =
 * $1" needs one type for both uses and cannot infer it); then text and NULL left to the server
 * (text bound where a number is compared); then everything left to it. */
static Oid policy_type(const struct pg_stmt *st, int policy, int i)
{
    Oid t = st->sig[i];
    if (!t) {
        Oid k = st->known[i];
        return policy == 0 ? k : policy == 1 ? (k ? k : OID_TEXT) : policy == 2 ? OID_INT8 : 0;
    }
    if (t == OID_TEXT && (policy == 1 || policy == 2) && st->known[i])
        return st->known[i]; /* a number written as text, where a number was before */
    return policy <= 2 || (policy == 3 && t != OID_TEXT) ? t : 0;
}
#define POLICIES 5

/* Prepares sql under name, trying the typing policies in turn while the server refuses the
 * typing. Inside a transaction each attempt is wrapped in a savepoint, because a failed
 * prepare would abort the caller's transaction. */
static enum err prepare_typed(struct pg_stmt *st, const char *name)
{
    struct pg_conn *pc = st->pc;
    bool in_tx = PQtransactionStatus(pc->conn) == PQTRANS_INTRANS;
    enum err e = ERR_OK;
    for (int policy = 0; policy < POLICIES; policy++) {
        bool same = policy > 0;
        for (int i = 0; i < st->nparams; i++) {
            Oid t = policy_type(st, policy, i);
            if (t != st->types[i])
                same = false;
            st->types[i] = t;
        }
        if (same) /* no different typing to try */
            continue;
        if (in_tx) {
            e = run_simple(pc, "SAVEPOINT shegong_prepare");
            if (e)
                return e;
        }
        PGresult *res = PQprepare(pc->conn, name, st->sql, st->nparams, st->types);
        bool ok = res && result_ok(res);
        bool retry = !ok && res && typing_error(res);
        e = ok ? ERR_OK : fail(pc, res);
        PQclear(res);
        if (in_tx && !lost(pc))
            run_simple(pc, ok ? "RELEASE SAVEPOINT shegong_prepare"
                              : "ROLLBACK TO SAVEPOINT shegong_prepare; "
                                "RELEASE SAVEPOINT shegong_prepare");
        if (ok) /* remember what each parameter was declared as, for a NULL in it later */
            for (int i = 0; i < st->nparams; i++)
                if (st->types[i])
                    st->known[i] = st->types[i];
        if (ok && policy > 2 && getenv("SHEGONG_PG_TRACE"))
            fprintf(stderr, "shegong: postgres: statement needed untyped %s: %s\n",
                    policy == 3 ? "text" : "parameters", st->sql);
        if (!retry)
            break;
    }
    if (e)
        fprintf(stderr, "shegong: SQL prepare failed: %s\n", pc->err);
    return e;
}

/* The prepared statement for the current signature, made on first use. */
static enum err variant_for(struct pg_stmt *st, struct pg_variant **out)
{
    struct pg_conn *pc = st->pc;
    size_t n = (size_t)st->nparams;
    for (int i = 0; i < VARIANTS; i++) {
        struct pg_variant *v = &st->var[i];
        if (v->live && v->generation == pc->generation &&
            (n == 0 || memcmp(st->sigs + (size_t)i * n, st->sig, n * sizeof(Oid)) == 0)) {
            *out = v;
            return ERR_OK;
        }
    }
    int slot = -1;
    for (int i = 0; i < VARIANTS && slot < 0; i++)
        if (!st->var[i].live || st->var[i].generation != pc->generation)
            slot = i;
    if (slot < 0) {
        slot = st->victim;
        st->victim = (st->victim + 1) % VARIANTS;
    }
    struct pg_variant *v = &st->var[slot];
    drop_variant(st, v);
    snprintf(v->name, sizeof(v->name), "sg%llu", (unsigned long long)++pc->names);
    enum err e = prepare_typed(st, v->name);
    if (e)
        return e;
    if (n)
        memcpy(st->sigs + (size_t)slot * n, st->sig, n * sizeof(Oid));
    v->live = true;
    v->generation = pc->generation;
    *out = v;
    return ERR_OK;
}

static const char *real_text(double d, char *buf)
{
    if (d != d)
        return "NaN";
    if (d > 1.7976931348623157e308)
        return "Infinity";
    if (d < -1.7976931348623157e308)
        return "-Infinity";
    snprintf(buf, NUMLEN, "%.17g", d);
    return buf;
}

static void count_changes(struct pg_conn *pc, PGresult *res)
{
    const char *tag = PQcmdStatus(res);
    pc->changes = 0;
    if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
        strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0)
        pc->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* Binds and runs at once: PostgreSQL answers the whole result, which step then walks. */
static enum err pg_bind(void *stmt, const struct db_val *args, int nargs)
{
    struct pg_stmt *st = stmt;
    struct pg_conn *pc = st->pc;
    pg_reset(st);
    if (nargs != st->nparams) {
        snprintf(pc->err, sizeof(pc->err), "the statement takes %d values, %d were given",
                 st->nparams, nargs);
        return ERR_INTERNAL;
    }
    enum err e = usable(pc);
    if (e)
        return e;
    for (int i = 0; i < nargs; i++) {
        char *num = st->nums + (size_t)i * NUMLEN;
        switch (args[i].type) {
        case DB_NULL:
            st->sig[i] = 0;
            st->vals[i] = NULL;
            break;
        case DB_INT:
            st->sig[i] = OID_INT8;
            snprintf(num, NUMLEN, "%lld", (long long)args[i].i);
            st->vals[i] = num;
            break;
        case DB_REAL:
            st->sig[i] = OID_FLOAT8;
            st->vals[i] = real_text(args[i].d, num);
            break;
        case DB_TEXT:
            st->sig[i] = OID_TEXT;
            st->vals[i] = args[i].s;
            break;
        default:
            return ERR_INTERNAL;
        }
    }
    struct pg_variant *v = NULL;
    e = variant_for(st, &v);
    if (e)
        return e;
    PGresult *res = PQexecPrepared(pc->conn, v->name, nargs, st->vals, NULL, NULL, 0);
    if (!res || !result_ok(res)) {
        e = fail(pc, res);
        PQclear(res);
        return e;
    }
    count_changes(pc, res);
    st->res = res;
    st->nrows = PQntuples(res);
    st->row = -1;
    return ERR_OK;
}

static enum err pg_step(void *stmt, bool *row)
{
    struct pg_stmt *st = stmt;
    *row = false;
    if (!st->res)
        return ERR_OK;
    if (st->row + 1 < st->nrows) {
        st->row++;
        *row = true;
    } else {
        st->row = st->nrows;
    }
    return ERR_OK;
}

static int pg_column_count(void *stmt)
{
    struct pg_stmt *st = stmt;
    return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(void *stmt, int col)
{
    struct pg_stmt *st = stmt;
    const char *name = st->res ? PQfname(st->res, col) : NULL;
    return name ? name : "";
}

/* Whole-number numerics (SUM over bigint) come back as integers, as SQLite gives them. */
static bool integral(const char *s, int64_t *out)
{
    char *end = NULL;
    if (!*s || strpbrk(s, ".eEnNiI"))
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno == ERANGE) /* past int64: keep it a real */
        return false;
    *out = v;
    return true;
}

static void pg_column(void *stmt, int col, struct db_val *out)
{
    struct pg_stmt *st = stmt;
    *out = (struct db_val){0};
    if (!st->res || st->row < 0 || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
        return;
    const char *s = PQgetvalue(st->res, st->row, col);
    switch (PQftype(st->res, col)) {
    case OID_BOOL:
        out->type = DB_INT;
        out->i = s[0] == 't';
        return;
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        out->type = DB_INT;
        out->i = strtoll(s, NULL, 10);
        return;
    case OID_NUMERIC:
        if (integral(s, &out->i)) {
            out->type = DB_INT;
            return;
        }
        /* fall through */
    case OID_FLOAT4:
    case OID_FLOAT8:
        out->type = DB_REAL;
        out->d = strtod(s, NULL); /* also reads NaN and Infinity */
        return;
    default:
        out->type = DB_TEXT;
        out->s = s;
        out->n = (size_t)PQgetlength(st->res, st->row, col);
        return;
    }
}

static int64_t pg_changes(void *h)
{
    struct pg_conn *pc = h;
    return pc->changes;
}

static enum err pg_exec_script(void *h, const char *sql)
{
    struct pg_conn *pc = h;
    bool begin = strcmp(sql, BEGIN_READ) == 0 || strcmp(sql, BEGIN_WRITE) == 0;
    bool end = strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
    if (end && !pc->tx_open && lost(pc))
        return ERR_UNAVAILABLE;
    enum err e = usable(pc);
    if (end)
        pc->tx_open = false;
    if (e)
        return e;
    /* db_commit rolls back after a failed COMMIT, which already ended the transaction */
    if (strcmp(sql, "ROLLBACK") == 0 && PQtransactionStatus(pc->conn) == PQTRANS_IDLE)
        return ERR_OK;
    PGresult *res = PQexec(pc->conn, sql);
    if (!res || !result_ok(res)) {
        e = fail(pc, res);
        PQclear(res);
        /* a begin that failed half-way (the lock wait timed out) leaves no transaction */
        if (begin && PQtransactionStatus(pc->conn) == PQTRANS_INERROR)
            run_simple(pc, "ROLLBACK");
        return e;
    }
    if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        set_err(pc, "the transaction was rolled back: a statement in it had failed");
        e = ERR_DB;
    }
    PQclear(res);
    if (begin)
        pc->tx_open = true;
    return e;
}

static const char *pg_errmsg(void *h)
{
    struct pg_conn *pc = h;
    return pc->err[0] ? pc->err : "not an error";
}

/* One row, one column of sql into buf; ERR_NOT_FOUND for no row. */
static enum err one_value(struct pg_conn *pc, const char *sql, char *buf, size_t len)
{
    PGresult *res = PQexec(pc->conn, sql);
    enum err e = ERR_OK;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
        e = fail(pc, res);
    else if (PQntuples(res) == 0)
        e = ERR_NOT_FOUND;
    else
        snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return e;
}

/* PostgreSQL checks pages itself; what can be wrong is what it leaves to operators: an index
 * left invalid by a failed CREATE INDEX CONCURRENTLY, a constraint added NOT VALID and never
 * validated, or a database whose encoding is not UTF-8. */
static enum err pg_integrity(void *h, char *why, size_t whylen)
{
    struct pg_conn *pc = h;
    char v[256];
    enum err e = usable(pc);
    if (!e)
        e = one_value(pc, "SELECT 1", v, sizeof(v));
    if (e) {
        snprintf(why, whylen, "%s", pc->err);
        return e;
    }
    e = one_value(pc,
                  "SELECT pg_encoding_to_char(encoding) FROM pg_database "
                  "WHERE datname = current_database()",
                  v, sizeof(v));
    if (!e && strcmp(v, "UTF8") != 0) {
        snprintf(why, whylen, "the database encoding is %s, not UTF8", v);
        return ERR_CONFLICT;
    }
    e = one_value(pc, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid", v,
                  sizeof(v));
    if (!e) {
        snprintf(why, whylen, "index %s is invalid (rebuild it with REINDEX)", v);
        return ERR_CONFLICT;
    }
    if (e != ERR_NOT_FOUND)
        goto failed;
    e = one_value(pc,
                  "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
                  "WHERE NOT convalidated AND connamespace = 'public'::regnamespace",
                  v, sizeof(v));
    if (!e) {
        snprintf(why, whylen, "constraint %s was never validated", v);
        return ERR_CONFLICT;
    }
    if (e == ERR_NOT_FOUND)
        return ERR_OK;
failed:
    snprintf(why, whylen, "%s", pc->err);
    return e;
}

const struct db_driver db_pg_driver = {
    .name = "postgres",
    .scheme = "postgres://",
    .alt_scheme = "postgresql://",
    .whole_url = true,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind = pg_bind,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column = pg_column,
    .reset = pg_reset,
    .changes = pg_changes,
    .exec_script = pg_exec_script,
    .errmsg = pg_errmsg,
    .integrity = pg_integrity,
    .begin_read = BEGIN_READ,
    .begin_write = BEGIN_WRITE,
};

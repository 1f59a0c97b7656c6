/* Attachments (see attachment.h): the upload with its type decided from the bytes, the
 * content-addressed store under DATA_DIR/files/, the links from attachments fields of
 * entity rows, and who may download what. */
#include "engine/attachment.h"
#include "engine/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/encode.h"
#include "core/filetype.h"
#include "core/fsutil.h"
#include "core/id.h"
#include "server/access.h"
#include "server/log.h"
#include "server/reply.h"
#include "server/server.h"

/* Most files one attachments field may hold when its definition sets no max. */
#define ATTACHMENT_MAX_PER_FIELD 20

#define SHA256_HEX 65

/* ---- The store ---------------------------------------------------------------------- */

/* DATA_DIR/files/ab/cd/<sha256>; level 1 stops at files, 2 at ab, 3 at cd. */
static const char *store_path(struct req *r, const char *sha, int level)
{
    const char *dir = r->srv->cfg->data_dir;
    switch (level) {
    case 1:
        return arena_printf(&r->arena, "%s/files", dir);
    case 2:
        return arena_printf(&r->arena, "%s/files/%.2s", dir, sha);
    case 3:
        return arena_printf(&r->arena, "%s/files/%.2s/%.2s", dir, sha, sha + 2);
    default:
        return arena_printf(&r->arena, "%s/files/%.2s/%.2s/%s", dir, sha, sha + 2, sha);
    }
}

/* mkdir of each level that is missing; a new directory is made durable in its parent. */
static enum err store_dirs(struct req *r, const char *sha)
{
    for (int level = 1; level <= 3; level++) {
        const char *dir = store_path(r, sha, level);
        if (!dir)
            return ERR_NOMEM;
        if (mkdir(dir, 0750) == 0) {
            if (fs_sync_parent(dir) != 0)
                return ERR_IO;
        } else if (errno != EEXIST) {
            return ERR_IO;
        }
    }
    return ERR_OK;
}

/* Stores the bytes under their hash unless that file is already there: written to a
 * temporary file in the same directory, synced, renamed into place and the directory
 * synced, so a crash leaves either no file or the whole one. */
static enum err store_put(struct req *r, const char *sha, const char *buf, size_t n)
{
    const char *path = store_path(r, sha, 4);
    if (!path)
        return ERR_NOMEM;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == n)
        return ERR_OK; /* the same content, stored before */
    enum err e = store_dirs(r, sha);
    if (e)
        return e;
    unsigned char rnd[8];
    char hex[17];
    randombytes_buf(rnd, sizeof(rnd));
    hex_encode(rnd, sizeof(rnd), hex);
    const char *tmp = arena_printf(&r->arena, "%s.tmp-%s", path, hex);
    if (!tmp)
        return ERR_NOMEM;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return ERR_IO;
    bool ok = fs_write_all(fd, buf, n) == 0 && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return ERR_IO;
    }
    return fs_sync_parent(path) == 0 ? ERR_OK : ERR_IO;
}

/* ---- Reading the table -------------------------------------------------------------- */

struct attachment_row {
    int64_t id;
    const char *sha256;
    int64_t size;
    const char *mime;
    const char *ext;
    const char *name;
    int64_t created_by;
    int64_t created_at;
};

#define ROW_COLS "SELECT id, sha256, size, mime, ext, name, created_by, created_at FROM attachment"

/* Row i of a query on ROW_COLS. */
static void row_of(const struct db_rows *rows, size_t i, struct attachment_row *out)
{
    *out = (struct attachment_row){
        .id = db_int(rows, i, 0),
        .sha256 = db_str(rows, i, 1),
        .size = db_int(rows, i, 2),
        .mime = db_str(rows, i, 3),
        .ext = db_str(rows, i, 4),
        .name = db_str(rows, i, 5),
        .created_by = db_int(rows, i, 6),
        .created_at = db_int(rows, i, 7),
    };
}

static enum err row_load(struct req *r, int64_t id, struct attachment_row *out)
{
    struct db_rows rows;
    enum err e =
        db_query_one(r->db, &r->arena, ROW_COLS " WHERE id = $1", DB_ARGS(DB_I(id)), &rows);
    if (e)
        return e;
    row_of(&rows, 0, out);
    return out->sha256 && strlen(out->sha256) == 64 ? ERR_OK : ERR_INTERNAL;
}

static json_t *row_json(const struct attachment_row *a, bool full)
{
    json_t *o = json_pack("{s:o, s:s, s:I, s:s}", "id", json_id(a->id), "name", a->name, "size",
                          (json_int_t)a->size, "type", a->mime);
    if (o && full) {
        json_object_set_new(o, "sha256", json_string(a->sha256));
        json_object_set_new(o, "ext", json_string(a->ext));
        json_object_set_new(o, "created_at", json_time(a->created_at));
    }
    return o;
}

/* The uploader may read a file; so may a reader of any live row that links it. Anyone
 * else is told it does not exist. */
static enum err may_read(struct req *r, const struct attachment_row *a)
{
    if (a->created_by == r->user.id)
        return ERR_OK;
    struct db_rows links;
    enum err e = db_query(r->db, &r->arena,
                          "SELECT entity, row_id, field FROM attachment_link "
                          "WHERE attachment_id = $1 ORDER BY entity, row_id",
                          DB_ARGS(DB_I(a->id)), &links);
    if (e)
        return e;
    for (size_t i = 0; i < links.nrows; i++) {
        const struct entity *ent = engine_entity(db_str(&links, i, 0));
        const struct field_def *f = ent ? engine_field(ent, db_str(&links, i, 2)) : NULL;
        if (!f || f->type != FT_ATTACHMENTS || (ent->flags & ENTITY_REFERENCE))
            continue;
        bool ok;
        e = engine_row_visible(r, ent, db_int(&links, i, 1), &ok);
        if (e)
            return e;
        if (ok && (f->flags & FF_WITHHELD) && ent->hooks && ent->hooks->withhold) {
            json_t *row = NULL; /* identity material: only where the row shows it */
            e = engine_get_json(r, ent, db_int(&links, i, 1), &row);
            ok = !e && !json_is_true(json_object_get(row, "withheld"));
            json_decref(row);
            if (e && e != ERR_NOT_FOUND)
                return e;
        }
        if (ok)
            return ERR_OK;
    }
    return ERR_NOT_FOUND;
}

/* Whether this user may put attachment id into row_id's field f of e. */
static enum err may_link(struct req *r, const struct entity *e, const struct field_def *f,
                         int64_t row_id, int64_t id, bool *out)
{
    *out = false;
    struct db_rows rows;
    enum err err = db_query(r->db, &r->arena, "SELECT created_by FROM attachment WHERE id = $1",
                            DB_ARGS(DB_I(id)), &rows);
    if (err || rows.nrows == 0)
        return err;
    if (db_int(&rows, 0, 0) == r->user.id) {
        *out = true;
        return ERR_OK;
    }
    if (!row_id)
        return ERR_OK;
    err = db_query(r->db, &r->arena,
                   "SELECT 1 FROM attachment_link WHERE attachment_id = $1 AND entity = $2 "
                   "AND row_id = $3 AND field = $4",
                   DB_ARGS(DB_I(id), DB_T(e->name), DB_I(row_id), DB_T(f->name)), &rows);
    *out = !err && rows.nrows > 0;
    return err;
}

enum err attachment_check(struct req *r, const struct field_def *f, json_t *value, int64_t row_id,
                          const struct entity *e, json_t **out)
{
    *out = NULL;
    if (!value || json_is_null(value)) {
        *out = json_array();
        return *out ? ERR_OK : ERR_NOMEM;
    }
    if (!json_is_array(value))
        return req_field_error(r, f->name, f->label, "type_array");
    size_t max = f->max > 0 ? (size_t)f->max : ATTACHMENT_MAX_PER_FIELD;
    json_t *ids = json_array();
    if (!ids)
        return ERR_NOMEM;
    enum err err = ERR_OK;
    size_t i;
    json_t *v;
    json_array_foreach(value, i, v)
    {
        int64_t id;
        if (!engine_id_of(v, &id)) {
            err = req_field_error(r, f->name, f->label, "type_id");
            goto out;
        }
        bool seen = false;
        for (size_t k = 0; k < json_array_size(ids) && !seen; k++) {
            int64_t have;
            seen = parse_int64(json_string_value(json_array_get(ids, k)), &have) && have == id;
        }
        if (seen)
            continue;
        bool ok;
        err = may_link(r, e, f, row_id, id, &ok);
        if (err)
            goto out;
        if (!ok) {
            err = req_field_error(r, f->name, f->label, "attachment_unknown");
            goto out;
        }
        if (json_array_size(ids) >= max) {
            err = req_field_error(r, f->name, f->label, "attachment_too_many");
            goto out;
        }
        if (json_array_append_new(ids, json_id(id))) {
            err = ERR_NOMEM;
            goto out;
        }
    }
out:
    if (err) {
        json_decref(ids);
        return err;
    }
    *out = ids;
    return ERR_OK;
}

enum err attachment_link(struct req *r, const struct entity *e, const struct field_def *f,
                         int64_t row_id, json_t *ids)
{
    enum err err = db_exec(r->db,
                           "DELETE FROM attachment_link WHERE entity = $1 AND row_id = $2 "
                           "AND field = $3",
                           DB_ARGS(DB_T(e->name), DB_I(row_id), DB_T(f->name)), NULL);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        int64_t id;
        if (err)
            break;
        if (!engine_id_of(v, &id))
            return ERR_INTERNAL; /* attachment_check normalised the array */
        err = db_exec(r->db,
                      "INSERT INTO attachment_link (attachment_id, entity, row_id, field) "
                      "VALUES ($1, $2, $3, $4)",
                      DB_ARGS(DB_I(id), DB_T(e->name), DB_I(row_id), DB_T(f->name)), NULL);
    }
    return err;
}

/* Appends the files of ids[from, to) to out in their order, read in one query. A dangling
 * id shows as nothing rather than failing the row. */
static enum err describe_some(struct req *r, json_t *ids, size_t from, size_t to, json_t *out)
{
    struct sqlq q;
    sqlq_init(&q);
    sqlq_add(&q, ROW_COLS " WHERE id IN (NULL");
    for (size_t k = from; k < to; k++) {
        int64_t id;
        if (!engine_id_of(json_array_get(ids, k), &id))
            continue;
        sqlq_add(&q, ", ");
        sqlq_arg(&q, DB_I(id));
    }
    sqlq_add(&q, ")");
    struct db_rows rows;
    enum err e = sqlq_query(&q, r->db, &r->arena, &rows);
    sqlq_release(&q);
    for (size_t k = from; k < to && !e; k++) {
        int64_t id;
        if (!engine_id_of(json_array_get(ids, k), &id))
            continue;
        for (size_t i = 0; i < rows.nrows; i++) {
            if (db_int(&rows, i, 0) != id)
                continue;
            struct attachment_row a;
            row_of(&rows, i, &a);
            if (json_array_append_new(out, row_json(&a, false)))
                e = ERR_NOMEM;
            break;
        }
    }
    return e;
}

enum err attachment_describe(struct req *r, json_t *ids, json_t **out)
{
    *out = json_array();
    if (!*out)
        return ERR_NOMEM;
    enum err e = ERR_OK;
    size_t n = json_array_size(ids);
    for (size_t at = 0; at < n && !e; at += SQLQ_MAX_ARGS)
        e = describe_some(r, ids, at, at + SQLQ_MAX_ARGS < n ? at + SQLQ_MAX_ARGS : n, *out);
    if (e) {
        json_decref(*out);
        *out = NULL;
    }
    return e;
}

/* ---- Routes ------------------------------------------------------------------------- */

static bool is_multipart(const char *ct)
{
    return ct && strncasecmp(ct, "multipart/", strlen("multipart/")) == 0;
}

enum err attachment_put(struct req *r)
{
    const char *given = query_str(r, "filename");
    char safe[FILETYPE_NAME_MAX + 1], name[FILETYPE_NAME_MAX + 16];
    if (!given)
        req_field_error(r, "filename", "文件名", "required");
    else if (!filetype_safe_name(given, safe, sizeof(safe)))
        req_field_error(r, "filename", "文件名", "invalid_filename");
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (is_multipart(ct))
        return req_fail(r, ERR_UNSUPPORTED_MEDIA, "attachment_multipart");
    if (r->body.len == 0)
        return req_fail(r, ERR_INVALID, "attachment_empty");
    if (r->nerrors)
        return ERR_INVALID;
    struct filetype t;
    if (filetype_detect((const unsigned char *)r->body.buf, r->body.len, safe, &t) != ERR_OK)
        return req_fail(r, ERR_UNSUPPORTED_MEDIA, "attachment_type_refused");
    if (!filetype_store_name(&t, safe, name, sizeof(name)))
        return req_field_error(r, "filename", "文件名", "invalid_filename");

    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[SHA256_HEX];
    crypto_hash_sha256(digest, (const unsigned char *)r->body.buf, r->body.len);
    hex_encode(digest, sizeof(digest), sha);
    enum err e = store_put(r, sha, r->body.buf, r->body.len);
    if (e) {
        log_error(r, arena_printf(&r->arena, "attachment %s could not be stored: %s", sha,
                                  strerror(errno)));
        return e;
    }
    struct attachment_row a = {
        .id = id_next(),
        .sha256 = sha,
        .size = (int64_t)r->body.len,
        .mime = t.mime,
        .ext = t.ext,
        .name = name,
        .created_by = r->user.id,
        .created_at = r->now,
    };
    e = db_exec(r->db,
                "INSERT INTO attachment (id, sha256, size, mime, ext, name, created_by, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                DB_ARGS(DB_I(a.id), DB_T(a.sha256), DB_I(a.size), DB_T(a.mime), DB_T(a.ext),
                        DB_T(a.name), DB_I(a.created_by), DB_I(a.created_at)),
                NULL);
    if (e)
        return e;
    r->audit.object_type = "attachment";
    snprintf(r->audit.object_id, sizeof(r->audit.object_id), "%" PRId64, a.id);
    json_t *detail = json_pack("{s:s, s:I, s:s, s:s}", "name", a.name, "size", (json_int_t)a.size,
                               "type", a.mime, "sha256", a.sha256);
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    r->audit.detail = text ? arena_strdup(&r->arena, text) : NULL;
    free(text);
    json_decref(detail);
    json_t *body = row_json(&a, false);
    if (body)
        json_object_set_new(body, "sha256", json_string(a.sha256));
    return reply_json_take(r, 201, body);
}

/* The attachment of the {id} parameter, when this user may read it. */
static enum err load_readable(struct req *r, struct attachment_row *a)
{
    enum err e = row_load(r, r->id, a);
    if (e)
        return e;
    return may_read(r, a);
}

enum err attachment_get(struct req *r)
{
    struct attachment_row a;
    enum err e = load_readable(r, &a);
    if (e)
        return e;
    const char *path = store_path(r, a.sha256, 4);
    if (!path)
        return ERR_NOMEM;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error(r, arena_printf(&r->arena, "attachment %" PRId64 " has no file %s: %s", a.id,
                                  path, strerror(errno)));
        return ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (int64_t)st.st_size != a.size) {
        log_error(r, arena_printf(&r->arena, "attachment %" PRId64 ": file %s has the wrong size",
                                  a.id, path));
        close(fd);
        return ERR_IO;
    }
    return reply_file_take(r, 200, fd, (uint64_t)a.size, a.mime, a.name);
}

enum err attachment_info(struct req *r)
{
    struct attachment_row a;
    enum err e = load_readable(r, &a);
    if (e)
        return e;
    json_t *body = row_json(&a, true);
    if (body)
        json_object_set_new(body, "mine", json_boolean(a.created_by == r->user.id));
    return reply_json_take(r, 200, body);
}

/* Start-up tidying of the attachment store (DATA_DIR/files/ab/cd/<sha256>): what a crash
 * in the middle of an upload leaves behind, before the server takes requests. */
#include <dirent.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* On PostgreSQL other servers may share the data directory and be uploading right now:
 * only temporary files older than this are theirs no longer. */
#define FOREIGN_TMP_AGE_S 600

static bool two_hex(const char *s)
{
    return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

struct sweep {
    struct db_conn *c;
    bool alone; /* SQLite: this is the only server on the data */
    time_t now;
    int64_t tmp, orphans;
};

/* A stored file that no attachment row names: its upload stopped between storing the
 * bytes and committing the row. */
static bool unreferenced(struct sweep *sw, const char *sha)
{
    struct arena a;
    arena_init(&a, 0);
    struct db_rows rows;
    enum err e = db_query_one(sw->c, &a, "SELECT 1 FROM attachment WHERE sha256 = $1 LIMIT 1",
                              DB_ARGS(DB_T(sha)), &rows);
    arena_release(&a);
    return e == ERR_NOT_FOUND;
}

static void sweep_dir(struct sweep *sw, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    const struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        char path[4400];
        struct stat st;
        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
            name[0] == '.' || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        bool tmp = strstr(name, ".tmp-") != NULL;
        bool content = strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
        if (tmp && (sw->alone || sw->now - st.st_mtime > FOREIGN_TMP_AGE_S)) {
            if (unlink(path) == 0)
                sw->tmp++;
        } else if (content && sw->alone && unreferenced(sw, name)) {
            if (unlink(path) == 0)
                sw->orphans++;
        }
    }
    closedir(d);
}

void cli_files_sweep(const struct config *cfg, struct db *db)
{
    struct sweep sw = {.alone = strcmp(db_backend(db), "sqlite") == 0, .now = time(NULL)};
    if (db_conn_get(db, &sw.c) != ERR_OK)
        return;
    char files[4200];
    snprintf(files, sizeof(files), "%s/files", cfg->data_dir);
    DIR *top = opendir(files);
    if (!top)
        return;
    const struct dirent *a;
    while ((a = readdir(top)) != NULL) {
        if (!two_hex(a->d_name))
            continue;
        char level2[4300];
        snprintf(level2, sizeof(level2), "%s/%.2s", files, a->d_name); /* two hex digits */
        DIR *mid = opendir(level2);
        if (!mid)
            continue;
        const struct dirent *b;
        while ((b = readdir(mid)) != NULL) {
            if (!two_hex(b->d_name))
                continue;
            char level3[4400];
            snprintf(level3, sizeof(level3), "%s/%.2s", level2, b->d_name);
            sweep_dir(&sw, level3);
        }
        closedir(mid);
    }
    closedir(top);
    if (sw.tmp || sw.orphans)
        fprintf(stderr,
                "shegong: removed %" PRId64 " unfinished upload(s) and %" PRId64
                " stored file(s) no attachment names (left by a crash) under %s\n",
                sw.tmp, sw.orphans, files);
}

/* shegong key: the personal-data encryption key — where it lives, loading it at every
 * start (cli_open), and `shegong key rotate`, which re-seals everything under a new key in
 * one transaction. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/crypto.h"
#include "engine/engine.h"
#include "model/sealed.h"
#include "server/keystore.h"

void cli_key_path(const struct config *cfg, char *out, size_t len)
{
    if (cfg->key_file)
        snprintf(out, len, "%s", cfg->key_file);
    else
        snprintf(out, len, "%s/shegong.key", cfg->data_dir);
}

bool cli_config_cipher(struct config *cfg)
{
    const char *v = getenv("SHEGONG_CIPHER");
    enum crypto_alg alg;
    if (!v || !*v)
        return true;
    if (!crypto_alg_parse(v, &alg)) {
        fprintf(stderr, "shegong: SHEGONG_CIPHER must be 'sm4' or 'aes256gcm', not '%s'\n", v);
        return false;
    }
    cfg->cipher = v;
    return true;
}

static enum crypto_alg configured_alg(const struct config *cfg)
{
    enum crypto_alg alg = CRYPTO_SM4_CTR_HMAC_SM3;
    if (cfg->cipher)
        crypto_alg_parse(cfg->cipher, &alg);
    return alg;
}

int cli_open_key(const struct config *cfg, struct db *db)
{
    char path[4096], errbuf[1024];
    cli_key_path(cfg, path, sizeof(path));
    /* the default place is the data directory, which may not hold the database */
    if (!cfg->key_file && mkdir(cfg->data_dir, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "shegong: cannot create the data directory '%s': %s\n", cfg->data_dir,
                strerror(errno));
        return 1;
    }
    enum err e = keystore_open(db, path, configured_alg(cfg), stderr, errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr, "shegong: %s\n", errbuf);
        return 1;
    }
    return 0;
}

static const char key_help[] =
    "Usage: shegong key rotate [--db URL] [--data-dir DIR]\n"
    "Makes a new personal-data encryption key and re-encrypts every sealed value (ID and\n"
    "phone numbers, two-factor secrets) and their blind indexes under it, in one\n"
    "transaction: on any failure nothing changes. The previous key file is kept as\n"
    "<key>.old-<time> for backups made before the rotation. Stop the servers first.\n"
    "\n"
    "  SHEGONG_KEY_FILE   the key file (default: <data dir>/shegong.key)\n"
    "  SHEGONG_CIPHER     sm4 (SM4-CTR + HMAC-SM3, default) or aes256gcm: values are\n"
    "                     re-encrypted with it\n";

struct rotate {
    struct crypto_key old, next;
    struct keystore_progress progress;
};

static enum err rotate_tx(struct db_conn *c, void *ctx)
{
    struct rotate *rt = ctx;
    /* the hand-registered columns and every entity's ID and phone fields */
    const struct sealed_column *cols = engine_sealed_columns(sealed_columns);
    if (!cols)
        return ERR_NOMEM;
    enum err e = keystore_reseal(c, cols, &rt->old, &rt->next, &rt->progress);
    if (e)
        return e;
    char detail[200];
    snprintf(detail, sizeof(detail),
             "{\"values\":%" PRId64 ",\"cipher\":\"%s\",\"previous\":\"%s\"}", rt->progress.done,
             crypto_alg_name(rt->next.alg), rt->old.fingerprint);
    return cli_audit(c, "key.rotate", "crypto_key", rt->next.fingerprint, detail);
}

static int key_rotate(const struct config *cfg)
{
    struct db *db;
    if (cli_open(cfg, &db, false))
        return 1;
    char path[4096], next[4200], old[4200], errbuf[1024];
    cli_key_path(cfg, path, sizeof(path));
    keystore_new_path(path, next, sizeof(next));
    /* cli_open has finished any earlier rotation: a leftover new key is from one that
     * failed, and nothing is sealed under it */
    unlink(next);
    static struct rotate rt; /* key material: one place, wiped at the end */
    rt.old = *crypto_current();
    unsigned char master[CRYPTO_MASTER_BYTES];
    enum err e = crypto_master_random(master);
    if (e)
        snprintf(errbuf, sizeof(errbuf), "no random bytes for a new key");
    else
        e = crypto_key_write(next, master, errbuf, sizeof(errbuf));
    crypto_key_derive(master, configured_alg(cfg), &rt.next);
    crypto_wipe(master, sizeof(master));
    int rc = 1;
    if (e) {
        fprintf(stderr, "shegong key rotate: %s; nothing was changed\n", errbuf);
        goto out;
    }
    rt.progress = (struct keystore_progress){.tty = isatty(STDERR_FILENO) ? stderr : NULL};
    e = cli_tx(db, rotate_tx, &rt);
    if (e) {
        unlink(next);
        if (rt.progress.bad_table)
            fprintf(stderr,
                    "shegong key rotate: a sealed value in %s (row %" PRId64
                    ") cannot be decrypted with the current key (altered, or sealed under "
                    "another key); nothing was changed\n",
                    rt.progress.bad_table, rt.progress.bad_key);
        else
            fprintf(stderr, "shegong key rotate: failed (%s); nothing was changed\n", err_code(e));
        goto out;
    }
    e = keystore_switch(path, old, sizeof(old), errbuf, sizeof(errbuf));
    if (e) {
        fprintf(stderr,
                "shegong key rotate: the data is re-encrypted under the key in '%s', but %s. "
                "The next start of shegong moves it into place; keep that file safe.\n",
                next, errbuf);
        goto out;
    }
    printf("key rotate: %" PRId64 " values re-encrypted under key %s (%s)\n", rt.progress.done,
           rt.next.fingerprint, crypto_alg_name(rt.next.alg));
    if (old[0])
        printf("key rotate: the previous key is kept as %s; backups made before now need it. "
               "Destroy it when they expire.\n",
               old);
    rc = 0;
out:
    crypto_wipe(&rt, sizeof(rt));
    db_close(db);
    return rc;
}

int cli_key(int argc, char **argv)
{
    struct config cfg;
    int rc = cli_parse_common(argc, argv, &cfg, key_help);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        fputs(key_help, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[optind], "rotate") != 0) {
        fprintf(stderr, "shegong key: unknown subcommand '%s'\n\n%s", argv[optind], key_help);
        return EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "shegong key rotate: unexpected argument '%s'\n", argv[optind + 1]);
        return EXIT_USAGE;
    }
    return key_rotate(&cfg);
}

/* bench-fill: fills the person table quickly for `make bench`, standing in for the
 * petitions until `shegong gen` exists. Rows are what the API would have written — valid
 * ID numbers and mobile numbers, sealed, with their blind indexes; gender and birth date
 * from the ID number; ids and created_at spread over the past year — but they go in
 * through the database layer in large transactions, without per-row audit records.
 *
 *   bench-fill --rows N --regions FILE [--db URL] [--data-dir DIR]
 *
 * FILE holds the 12-digit region codes to spread the rows over, one a line. The ID
 * numbers use the sequence digits 000-499; bench/common.lua makes new ones with 500-999,
 * so a create under load never meets a filled person. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/encode.h"

#define BATCH       20000
#define FILL_NODE   1000 /* the id node of generated rows: never a server's (0 by default) */
#define ID_EPOCH_MS INT64_C(1704067200000) /* 2024-01-01T00:00:00Z, as core/id.c */
#define SEQ_PER_DAY 500
#define BIRTH_DAYS  20000 /* from 1940-01-01: births up to 1994 */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
                                       "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭"};
static const char *const given[] = {"伟", "芳",   "娜", "敏", "静", "丽",   "强",   "磊",
                                    "军", "洋",   "勇", "艳", "杰", "娟",   "涛",   "明",
                                    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强"};
static const char *const roads[] = {"建国路", "朝阳北路", "东三环中路", "望京街",   "酒仙桥路",
                                    "光华路", "劲松路",   "双井街",     "团结湖路", "小营路"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The check character of GB 11643: ISO 7064 MOD 11-2 over 17 digits. */
static char idcard_check(const char *d17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

struct fill {
    char (*regions)[13];
    size_t nregions;
    int64_t rows, done;
    int64_t first_ms, step_ms; /* row i was created at first_ms + i * step_ms */
    int32_t first_birth;       /* 1940-01-01 */
};

/* Rows [f->done, f->done + n) in the current transaction. */
static enum err fill_batch(struct db_conn *c, struct fill *f, int64_t n)
{
    struct arena a;
    arena_init(&a, 0);
    enum err e = ERR_OK;
    for (int64_t k = 0; k < n && !e; k++) {
        int64_t i = f->done + k;
        const char *region = f->regions[rng() % f->nregions];
        int64_t ms = f->first_ms + i * f->step_ms;
        int64_t id = ((ms - ID_EPOCH_MS) << 22) | ((int64_t)FILL_NODE << 12) | (i & 0xFFF);
        int y, m, d;
        /* (birth day, sequence) is unique for i < BIRTH_DAYS * SEQ_PER_DAY */
        int64_t day = i % BIRTH_DAYS, seq = (i / BIRTH_DAYS + day) % SEQ_PER_DAY;
        calendar_to_ymd(f->first_birth + (int32_t)day, &y, &m, &d);
        char idn[32], birth[16], phone[16];
        snprintf(idn, sizeof(idn), "%.6s%04d%02d%02d%03d", region, y, m, d, (int)seq);
        idn[17] = idcard_check(idn);
        idn[18] = '\0';
        snprintf(birth, sizeof(birth), "%04d-%02d-%02d", y, m, d);
        snprintf(phone, sizeof(phone), "13%09" PRId64, (i * 7919 + 12345) % 1000000000);
        char name[32], address[128];
        snprintf(name, sizeof(name), "%s%s", surnames[rng() % NELEM(surnames)],
                 given[rng() % NELEM(given)]);
        snprintf(address, sizeof(address), "%s%d号院%d号楼%d单元%d室", roads[rng() % NELEM(roads)],
                 (int)(rng() % 300) + 1, (int)(rng() % 30) + 1, (int)(rng() % 6) + 1,
                 (int)(rng() % 2400) + 101);
        const char *idn_enc, *phone_enc;
        char idn_idx[65], phone_idx[65];
        e = crypto_seal(&a, idn, &idn_enc);
        if (!e)
            e = crypto_seal(&a, phone, &phone_enc);
        if (e)
            break;
        crypto_blind_index("idcard", idn, idn_idx);
        crypto_blind_index("phone", phone, phone_idx);
        int64_t at = ms / 1000;
        e = db_exec(c,
                    "INSERT INTO person (id, name, gender, birth_date, id_number_enc, "
                    "id_number_idx, phone_enc, phone_idx, region_code, address, created_at, "
                    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                    DB_ARGS(DB_I(id), DB_T(name), DB_T((idn[16] - '0') % 2 ? "male" : "female"),
                            DB_T(birth), DB_T(idn_enc), DB_T(idn_idx), DB_T(phone_enc),
                            DB_T(phone_idx), DB_T(region), DB_T(address), DB_I(at)),
                    NULL);
        if (k % 1000 == 999) { /* the sealed texts are bound and written: let them go */
            arena_release(&a);
            arena_init(&a, 0);
        }
    }
    arena_release(&a);
    return e;
}

static int read_regions(const char *path, struct fill *f)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "bench-fill: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 0;
    char line[64];
    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strlen(line) != 12 || strspn(line, "0123456789") != 12)
            continue;
        if (f->nregions == cap) {
            cap = cap ? cap * 2 : 1024;
            char(*grown)[13] = realloc(f->regions, cap * sizeof(*f->regions));
            if (!grown) {
                fclose(in);
                return 1;
            }
            f->regions = grown;
        }
        memcpy(f->regions[f->nregions++], line, 13);
    }
    fclose(in);
    if (!f->nregions) {
        fprintf(stderr, "bench-fill: no 12-digit region codes in %s\n", path);
        return 1;
    }
    return 0;
}

static const char help[] =
    "Usage: bench-fill --rows N --regions FILE [--db URL] [--data-dir DIR]\n"
    "Adds N generated persons, spread over the region codes in FILE (one a line).\n";

int main(int argc, char **argv)
{
    struct config cfg;
    if (!cli_config_env(&cfg))
        return EXIT_USAGE;
    static const struct option opts[] = {
        CLI_COMMON_OPTS,
        {"rows", required_argument, NULL, 'r'},
        {"regions", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct fill f = {.rows = -1};
    const char *regions = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_common_flag(&cfg, opt, optarg))
            continue;
        switch (opt) {
        case 'r':
            if (!parse_int64(optarg, &f.rows) || f.rows < 0 ||
                f.rows > (int64_t)SEQ_PER_DAY * BIRTH_DAYS) {
                fprintf(stderr, "bench-fill: --rows must be 0..%d\n", SEQ_PER_DAY * BIRTH_DAYS);
                return EXIT_USAGE;
            }
            break;
        case 'g':
            regions = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return 0;
        default:
            fputs(help, stderr);
            return EXIT_USAGE;
        }
    }
    if (f.rows < 0 || !regions || optind < argc) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    if (read_regions(regions, &f))
        return 1;
    struct db *db;
    if (cli_open(&cfg, &db, false)) {
        free(f.regions);
        return 1;
    }
    int64_t now_ms = clock_now() * 1000;
    int64_t year_ms = INT64_C(365) * 86400 * 1000;
    f.step_ms = f.rows ? year_ms / f.rows : 1;
    if (f.step_ms < 1)
        f.step_ms = 1;
    f.first_ms = now_ms - year_ms;
    f.first_birth = calendar_from_ymd(1940, 1, 1);
    struct db_conn *c;
    enum err e = db_conn_get(db, &c);
    int64_t t0 = clock_mono_us();
    bool tty = isatty(STDERR_FILENO);
    while (!e && f.done < f.rows) {
        int64_t n = f.rows - f.done < BATCH ? f.rows - f.done : BATCH;
        e = db_begin(c, DB_TX_WRITE);
        if (!e)
            e = fill_batch(c, &f, n);
        if (!e && f.done + n >= f.rows) {
            char detail[64];
            snprintf(detail, sizeof(detail), "{\"source\":\"bench-fill\",\"rows\":%" PRId64 "}",
                     f.rows);
            e = cli_audit(c, "person.fill", "person", NULL, detail);
        }
        if (!e)
            e = db_commit(c);
        else
            db_rollback(c);
        if (!e)
            f.done += n;
        if (tty)
            fprintf(stderr, "\rbench-fill: %" PRId64 " / %" PRId64 " persons", f.done, f.rows);
    }
    double s = (double)(clock_mono_us() - t0) / 1e6;
    if (tty)
        fprintf(stderr, "\n");
    if (e)
        fprintf(stderr, "bench-fill: failed after %" PRId64 " rows: %s (%s)\n", f.done, err_code(e),
                db_errmsg(c));
    else
        fprintf(stderr, "bench-fill: %" PRId64 " persons in %.1f s (%.0f rows/s)\n", f.rows, s,
                s > 0 ? (double)f.rows / s : 0.0);
    db_close(db);
    free(f.regions);
    return e ? 1 : 0;
}

/* shegong gen: where the data lives (gen.h) — the counties drawn under the root region,
 * their townships and the places people live in, the units that handle petitions there
 * (those a county has, or departments and township offices made for it), and the ID
 * numbers registered already. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/gen.h"
#include "core/regioncode.h"

#define GEN_MAX_COUNTIES 16 /* counties the data is spread over */
#define GEN_MAX_TOWNS    40 /* township offices made per county */

/* ---- Regions ------------------------------------------------------------------------------- */

static int by_code(const void *a, const void *b)
{
    return strcmp(((const struct gen_county *)a)->code, ((const struct gen_county *)b)->code);
}

/* Grows an array of n elements of size bytes to hold one more; false when out of memory. */
static bool grow(void **array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*array, ncap * size);
    if (!p)
        return false;
    *array = p;
    *cap = ncap;
    return true;
}

/* The counties the data goes to: at most GEN_MAX_COUNTIES of those under the root, drawn
 * by the seed (for a township or village, its county). */
static int load_counties(struct gen *g, struct db_conn *db, struct arena *a, const char *lo,
                         const char *hi)
{
    struct db_rows rows;
    enum err e;
    if (g->region[0] && regioncode_level(g->region) > 3) {
        char county[13];
        snprintf(county, sizeof(county), "%.6s000000", g->region);
        e = db_query(db, a, "SELECT code, name FROM region WHERE code = $1", DB_ARGS(DB_T(county)),
                     &rows);
    } else {
        e = db_query(db, a,
                     "SELECT code, name FROM region WHERE level = 3 AND placeholder = 0 AND "
                     "code BETWEEN $1 AND $2 ORDER BY code",
                     DB_ARGS(DB_T(lo), DB_T(hi)), &rows);
    }
    if (e) {
        fprintf(stderr, "shegong gen: cannot read the regions: %s\n", err_code(e));
        return 1;
    }
    if (!rows.nrows) {
        fprintf(stderr, "shegong gen: the region table has no county (区县) under %s\n",
                g->region[0] ? g->region : "its root");
        return 1;
    }
    struct gen_county *all = arena_calloc(a, rows.nrows, sizeof(*all));
    if (!all)
        return 1;
    for (size_t i = 0; i < rows.nrows; i++) {
        snprintf(all[i].code, sizeof(all[i].code), "%s", db_str(&rows, i, 0));
        all[i].name = db_str(&rows, i, 1);
    }
    size_t n = rows.nrows;
    struct gen_rng r;
    gen_rng_init(&r, g->seed, GEN_S_SETUP, 0);
    for (size_t i = 0; i < n && i < GEN_MAX_COUNTIES; i++) { /* a partial shuffle */
        size_t j = i + gen_rng_below(&r, (uint32_t)(n - i));
        struct gen_county t = all[i];
        all[i] = all[j];
        all[j] = t;
    }
    g->ncounties = (uint32_t)(n < GEN_MAX_COUNTIES ? n : GEN_MAX_COUNTIES);
    qsort(all, g->ncounties, sizeof(*all), by_code);
    g->counties = all;
    return 0;
}

/* Each county's townships and the places people live in (villages and communities; the
 * townships where none is loaded; the county itself where neither is), inside [lo, hi]. */
static int load_places(struct gen *g, struct db_conn *db, struct arena *a, const char *lo,
                       const char *hi)
{
    size_t cap_towns = 0, cap_places = 0;
    for (uint32_t k = 0; k < g->ncounties; k++) {
        const struct gen_county *c = &g->counties[k];
        char clo[13], chi[13];
        snprintf(clo, sizeof(clo), "%.6s000000", c->code);
        snprintf(chi, sizeof(chi), "%.6s999999", c->code);
        struct db_rows rows;
        enum err e = db_query(
            db, a,
            "SELECT code, name, level FROM region WHERE level >= 4 AND "
            "placeholder = 0 AND code BETWEEN $1 AND $2 ORDER BY level, code",
            DB_ARGS(DB_T(strcmp(lo, clo) > 0 ? lo : clo), DB_T(strcmp(hi, chi) < 0 ? hi : chi)),
            &rows);
        if (e) {
            fprintf(stderr, "shegong gen: cannot read the regions: %s\n", err_code(e));
            return 1;
        }
        uint32_t town0 = g->ntowns, place0 = g->nplaces;
        bool villages = false;
        for (size_t i = 0; i < rows.nrows; i++)
            villages = villages || db_int(&rows, i, 2) == 5;
        for (size_t i = 0; i <= rows.nrows; i++) {
            bool itself = i == rows.nrows;
            if (itself && g->nplaces > place0)
                break;
            const char *code = itself ? c->code : db_str(&rows, i, 0);
            const char *name = itself ? c->name : db_str(&rows, i, 1);
            int level = itself ? 3 : (int)db_int(&rows, i, 2);
            if (!grow((void **)&g->towns, &cap_towns, g->ntowns, sizeof(*g->towns)) ||
                !grow((void **)&g->places, &cap_places, g->nplaces, sizeof(*g->places)))
                return 1;
            uint32_t town = GEN_NONE;
            if (level == 4) {
                struct gen_town *t = &g->towns[g->ntowns];
                snprintf(t->code, sizeof(t->code), "%s", code);
                t->name = name;
                t->county = k;
                t->unit = GEN_NONE;
                town = g->ntowns++;
            }
            for (uint32_t x = town0; level == 5 && x < g->ntowns; x++)
                if (strncmp(g->towns[x].code, code, 9) == 0)
                    town = x;
            if (level == 4 && villages)
                continue; /* people live in its villages and communities */
            struct gen_place *p = &g->places[g->nplaces++];
            snprintf(p->code, sizeof(p->code), "%s", code);
            p->name = name;
            p->county = k;
            p->town = town;
            p->level = level;
        }
    }
    if (!g->region[0] || regioncode_level(g->region) <= 3)
        return 0;
    /* a township or village root: only what lies under it, else the root itself */
    uint32_t m = 0;
    for (uint32_t i = 0; i < g->nplaces; i++)
        if (regioncode_within(g->places[i].code, g->region))
            g->places[m++] = g->places[i];
    g->nplaces = m;
    if (m)
        return 0;
    struct db_rows one;
    if (db_query_one(db, a, "SELECT name FROM region WHERE code = $1", DB_ARGS(DB_T(g->region)),
                     &one))
        return 1;
    struct gen_place *p = &g->places[g->nplaces++];
    snprintf(p->code, sizeof(p->code), "%s", g->region);
    p->name = db_str(&one, 0, 0);
    p->county = 0;
    p->town = GEN_NONE;
    p->level = regioncode_level(g->region);
    for (uint32_t x = 0; x < g->ntowns; x++)
        if (strncmp(g->towns[x].code, g->region, 9) == 0)
            p->town = x;
    return 0;
}

/* ---- Units --------------------------------------------------------------------------------- */

static void township_office(const char *town, char *out, size_t len)
{
    size_t n = strlen(town);
    bool street = n >= 6 && strcmp(town + n - 6, "街道") == 0;
    bool town_or_village =
        n >= 3 && (strcmp(town + n - 3, "镇") == 0 || strcmp(town + n - 3, "乡") == 0);
    snprintf(out, len, "%s%s", town,
             street            ? "办事处"
             : town_or_village ? "人民政府"
                               : "管理委员会");
}

static enum err add_unit(struct gen *g, size_t *cap, int64_t id, const char *name, uint32_t county)
{
    if (!name || !grow((void **)&g->units, cap, g->nunits, sizeof(*g->units)))
        return ERR_NOMEM;
    g->units[g->nunits++] = (struct gen_unit){.id = id, .name = name, .county = county};
    return ERR_OK;
}

/* The units of each county: those it has, and when it has fewer than five, its departments
 * and township offices, made into b. Then per county and category the unit handling it. */
enum err gen_units(struct gen *g, struct db_conn *db, struct arena *a, struct gen_batch *b)
{
    size_t cap = 0;
    int64_t ms = g->start * 1000;
    for (uint32_t k = 0; k < g->ncounties; k++) {
        struct gen_county *c = &g->counties[k];
        char clo[13], chi[13];
        snprintf(clo, sizeof(clo), "%.6s000000", c->code);
        snprintf(chi, sizeof(chi), "%.6s999999", c->code);
        struct db_rows rows;
        enum err e = db_query(db, a,
                              "SELECT id, name, region_code FROM unit WHERE deleted_at IS NULL "
                              "AND region_code BETWEEN $1 AND $2 ORDER BY id",
                              DB_ARGS(DB_T(clo), DB_T(chi)), &rows);
        c->unit0 = g->nunits;
        for (size_t i = 0; !e && i < rows.nrows; i++) {
            e = add_unit(g, &cap, db_int(&rows, i, 0), db_str(&rows, i, 1), k);
            for (uint32_t t = 0; !e && t < g->ntowns; t++)
                if (g->towns[t].county == k && g->towns[t].unit == GEN_NONE &&
                    strcmp(g->towns[t].code, db_str(&rows, i, 2)) == 0)
                    g->towns[t].unit = g->nunits - 1;
        }
        for (size_t d = 0; !e && rows.nrows < 5 && gen_departments[d]; d++) {
            int64_t id = gen_id(g, ms++, GEN_SLOT_UNIT);
            const char *name = arena_printf(a, "%s%s", c->name, gen_departments[d]);
            e = add_unit(g, &cap, id, name, k);
            if (!e)
                e = gen_unit_rows(g, b, id, name, "department", c->code);
            g->units_made += !e;
        }
        for (uint32_t t = 0, made = 0; !e && rows.nrows < 5 && t < g->ntowns; t++) {
            if (g->towns[t].county != k || g->towns[t].unit != GEN_NONE || made == GEN_MAX_TOWNS)
                continue;
            char name[160];
            township_office(g->towns[t].name, name, sizeof(name));
            int64_t id = gen_id(g, ms++, GEN_SLOT_UNIT);
            const char *kept = arena_strdup(a, name);
            e = add_unit(g, &cap, id, kept, k);
            if (!e)
                e = gen_unit_rows(g, b, id, kept, "township", g->towns[t].code);
            g->towns[t].unit = g->nunits - 1;
            g->units_made += !e;
            made++;
        }
        if (e)
            return e;
        c->nunits = g->nunits - c->unit0;
        for (size_t cat = 0; cat < GEN_MAX_CATEGORIES; cat++) {
            const char *word = cat < gen_ncategories ? gen_category_department(cat) : NULL;
            c->department[cat] = GEN_NONE;
            for (uint32_t x = c->unit0; word && x < g->nunits && c->department[cat] == GEN_NONE;
                 x++)
                if (strstr(g->units[x].name, word))
                    c->department[cat] = x;
        }
    }
    return ERR_OK;
}

/* The ID numbers registered already, so that none is made again. */
enum err gen_taken_load(struct gen *g, struct db_conn *db)
{
    struct arena a;
    arena_init(&a, (size_t)256 << 20);
    struct db_rows rows;
    enum err e = db_query_one(db, &a, "SELECT COUNT(*) FROM person", DB_NOARGS, &rows);
    size_t want = 1024;
    while (!e && want < (size_t)(g->persons + db_int(&rows, 0, 0)) * 2)
        want *= 2;
    arena_release(&a);
    g->idx_set = e ? NULL : calloc(want, sizeof(uint64_t));
    g->idx_mask = want - 1;
    if (!g->idx_set)
        return e ? e : ERR_NOMEM;
    char after[65] = "";
    for (size_t n = 50000; n == 50000;) {
        e = db_query(db, &a,
                     "SELECT id_number_idx FROM person WHERE id_number_idx > $1 "
                     "ORDER BY id_number_idx LIMIT 50000",
                     DB_ARGS(DB_T(after)), &rows);
        n = e ? 0 : rows.nrows;
        for (size_t i = 0; i < n; i++)
            gen_taken_add(g, db_str(&rows, i, 0));
        if (n)
            snprintf(after, sizeof(after), "%s", db_str(&rows, n - 1, 0));
        arena_release(&a);
    }
    return e;
}

int gen_places_load(struct gen *g, struct db_conn *db, struct arena *a)
{
    char lo[13] = "000000000000", hi[13] = "999999999999";
    if (g->region[0]) {
        size_t p = regioncode_prefix_len(g->region);
        memcpy(lo, g->region, 12);
        memcpy(hi, g->region, 12);
        memset(hi + p, '9', 12 - p);
    }
    int rc = load_counties(g, db, a, lo, hi);
    return rc ? rc : load_places(g, db, a, lo, hi);
}

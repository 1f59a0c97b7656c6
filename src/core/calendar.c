/* Dates as day numbers and working-day arithmetic over a set of exception days
 * (see calendar.h). */
#include "core/calendar.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Day numbers from civil dates and back, after Howard Hinnant's "chrono-compatible
 * low-level date algorithms": eras of 400 years (146097 days) starting on 1 March. */
int32_t calendar_from_ymd(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void calendar_to_ymd(int32_t day, int *y, int *m, int *d)
{
    int64_t z = (int64_t)day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool calendar_valid_ymd(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < CALENDAR_MIN_YEAR || y > CALENDAR_MAX_YEAR || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

int32_t calendar_first_day(void)
{
    return calendar_from_ymd(CALENDAR_MIN_YEAR, 1, 1);
}

int32_t calendar_last_day(void)
{
    return calendar_from_ymd(CALENDAR_MAX_YEAR, 12, 31);
}

static bool in_range(int64_t day)
{
    return day >= calendar_first_day() && day <= calendar_last_day();
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool calendar_parse_date(const char *s, int32_t *day)
{
    if (!s || strlen(s) != CALENDAR_DATE_LEN || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (!calendar_valid_ymd(y, m, d))
        return false;
    *day = calendar_from_ymd(y, m, d);
    return true;
}

static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void calendar_format_date(int32_t day, char out[CALENDAR_DATE_LEN + 1])
{
    int y, m, d;
    calendar_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) /* outside the supported range: say so rather than wrap */
        y = 0;
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
}

int calendar_year_of(int32_t day)
{
    int y, m, d;
    calendar_to_ymd(day, &y, &m, &d);
    return y;
}

bool calendar_parse_month(const char *s, int *month)
{
    if (!s || strlen(s) != CALENDAR_MONTH_LEN || s[4] != '-')
        return false;
    for (int i = 0; i < CALENDAR_MONTH_LEN; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1 || m < 1 || m > 12)
        return false;
    *month = y * 12 + (m - 1);
    return true;
}

void calendar_format_month(int month, char out[CALENDAR_MONTH_LEN + 1])
{
    unsigned u = month > 0 ? (unsigned)month : 0u; /* months of years 1..9999 */
    snprintf(out, CALENDAR_MONTH_LEN + 1, "%04u-%02u", u / 12u % 10000u, u % 12u + 1u);
}

int calendar_month_of(int32_t day)
{
    int y, m, d;
    calendar_to_ymd(day, &y, &m, &d);
    return y * 12 + (m - 1);
}

int32_t calendar_month_first(int month)
{
    return calendar_from_ymd(month / 12, month % 12 + 1, 1);
}

int calendar_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t r = ((int64_t)day % 7 + 7 + 3) % 7;
    return (int)r + 1;
}

int32_t calendar_today(int64_t unix_seconds)
{
    int64_t t = unix_seconds + 8 * 3600;
    int64_t q = t / 86400;
    if (t % 86400 < 0)
        q--;
    return (int32_t)q;
}

void calendar_init(struct calendar *cal)
{
    memset(cal, 0, sizeof(*cal));
}

void calendar_release(struct calendar *cal)
{
    for (size_t i = 0; i < cal->n; i++)
        free(cal->entries[i].name);
    free(cal->entries);
    calendar_init(cal);
}

/* Index of the first entry whose day is >= day. */
static size_t lower_bound(const struct calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->entries[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

enum err calendar_set(struct calendar *cal, int32_t day, enum calendar_kind kind, const char *name)
{
    if (!in_range(day))
        return ERR_INVALID;
    size_t i = lower_bound(cal, day);
    bool found = i < cal->n && cal->entries[i].day == day;
    if (kind == CALENDAR_ORDINARY) {
        if (found) {
            free(cal->entries[i].name);
            memmove(&cal->entries[i], &cal->entries[i + 1],
                    (cal->n - i - 1) * sizeof(cal->entries[0]));
            cal->n--;
        }
        return ERR_OK;
    }
    char *copy = strdup(name ? name : "");
    if (!copy)
        return ERR_NOMEM;
    if (found) {
        free(cal->entries[i].name);
        cal->entries[i].kind = kind;
        cal->entries[i].name = copy;
        return ERR_OK;
    }
    if (cal->n == cal->alloc) {
        size_t alloc = cal->alloc ? cal->alloc * 2 : 64;
        struct calendar_entry *grown = realloc(cal->entries, alloc * sizeof(*grown));
        if (!grown) {
            free(copy);
            return ERR_NOMEM;
        }
        cal->entries = grown;
        cal->alloc = alloc;
    }
    memmove(&cal->entries[i + 1], &cal->entries[i], (cal->n - i) * sizeof(cal->entries[0]));
    cal->entries[i] = (struct calendar_entry){.day = day, .kind = kind, .name = copy};
    cal->n++;
    return ERR_OK;
}

void calendar_cover_year(struct calendar *cal, int year)
{
    if (year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR)
        cal->years[year / 8] |= (unsigned char)(1u << (year % 8));
}

bool calendar_covers_year(const struct calendar *cal, int year)
{
    if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
        return false;
    return cal->years[year / 8] & (1u << (year % 8));
}

bool calendar_covers(const struct calendar *cal, int32_t day)
{
    return calendar_covers_year(cal, calendar_year_of(day));
}

const struct calendar_entry *calendar_find(const struct calendar *cal, int32_t day)
{
    size_t i = lower_bound(cal, day);
    return i < cal->n && cal->entries[i].day == day ? &cal->entries[i] : NULL;
}

bool calendar_is_workday(const struct calendar *cal, int32_t day)
{
    const struct calendar_entry *e = calendar_find(cal, day);
    if (e)
        return e->kind == CALENDAR_WORKDAY;
    return calendar_weekday(day) <= 5;
}

/* Notes the first year without data that an answer relied on. */
static void note_gap(const struct calendar *cal, int32_t day, int *gap_year)
{
    if (gap_year && !*gap_year && !calendar_covers(cal, day))
        *gap_year = calendar_year_of(day);
}

enum err calendar_add_days(const struct calendar *cal, int32_t from, int64_t n,
                           enum calendar_count count, int32_t *out, int *gap_year)
{
    if (!in_range(from) || n < 0)
        return ERR_INVALID;
    if (count == CALENDAR_DAYS) {
        /* no day's kind matters, so no data is needed */
        if (n > (int64_t)calendar_last_day() - from)
            return ERR_INVALID;
        *out = (int32_t)(from + n);
        return ERR_OK;
    }
    int64_t day = from;
    for (int64_t left = n; left > 0;) {
        if (++day > calendar_last_day())
            return ERR_INVALID;
        note_gap(cal, (int32_t)day, gap_year);
        if (calendar_is_workday(cal, (int32_t)day))
            left--;
    }
    *out = (int32_t)day;
    return ERR_OK;
}

enum err calendar_roll_forward(const struct calendar *cal, int32_t day, int32_t *out, int *gap_year)
{
    if (!in_range(day))
        return ERR_INVALID;
    int64_t d = day;
    for (;;) {
        note_gap(cal, (int32_t)d, gap_year);
        if (calendar_is_workday(cal, (int32_t)d))
            break;
        if (++d > calendar_last_day())
            return ERR_INVALID;
    }
    *out = (int32_t)d;
    return ERR_OK;
}

enum err calendar_deadline(const struct calendar *cal, int32_t from, int64_t n,
                           enum calendar_count count, bool roll_forward, int32_t *out,
                           int *gap_year)
{
    int32_t end;
    enum err e = calendar_add_days(cal, from, n, count, &end, gap_year);
    if (!e && roll_forward)
        e = calendar_roll_forward(cal, end, &end, gap_year);
    if (!e)
        *out = end;
    return e;
}

enum err calendar_working_days_between(const struct calendar *cal, int32_t from, int32_t to,
                                       int64_t *count, int *gap_year)
{
    if (!in_range(from) || !in_range(to))
        return ERR_INVALID;
    int32_t lo = from < to ? from : to, hi = from < to ? to : from;
    int64_t n = 0;
    for (int32_t d = lo + 1; d <= hi; d++) {
        note_gap(cal, d, gap_year);
        if (calendar_is_workday(cal, d))
            n++;
    }
    *count = from <= to ? n : -n;
    return ERR_OK;
}

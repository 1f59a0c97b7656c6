/* Unit tests for core/calendar: dates, the weekday rule with holidays and make-up working
 * days (调休), calendar and working-day counting, rolling forward, and years without data.
 * The exception days are the State Council's arrangements for 2024-2026 (国务院办公厅
 * 关于2024/2025/2026年部分节假日安排的通知), typed in here from the notices; the API
 * suite cross-checks them against the chinese-days package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"

struct span {
    const char *first, *last; /* inclusive */
    enum calendar_kind kind;
    const char *name;
};

static const struct span official[] = {
    /* 2024 */
    {"2024-01-01", "2024-01-01", CALENDAR_HOLIDAY, "元旦"},
    {"2024-02-10", "2024-02-17", CALENDAR_HOLIDAY, "春节"},
    {"2024-02-04", "2024-02-04", CALENDAR_WORKDAY, "春节"},
    {"2024-02-18", "2024-02-18", CALENDAR_WORKDAY, "春节"},
    {"2024-04-04", "2024-04-06", CALENDAR_HOLIDAY, "清明"},
    {"2024-04-07", "2024-04-07", CALENDAR_WORKDAY, "清明"},
    {"2024-05-01", "2024-05-05", CALENDAR_HOLIDAY, "劳动节"},
    {"2024-04-28", "2024-04-28", CALENDAR_WORKDAY, "劳动节"},
    {"2024-05-11", "2024-05-11", CALENDAR_WORKDAY, "劳动节"},
    {"2024-06-10", "2024-06-10", CALENDAR_HOLIDAY, "端午"},
    {"2024-09-15", "2024-09-17", CALENDAR_HOLIDAY, "中秋"},
    {"2024-09-14", "2024-09-14", CALENDAR_WORKDAY, "中秋"},
    {"2024-10-01", "2024-10-07", CALENDAR_HOLIDAY, "国庆节"},
    {"2024-09-29", "2024-09-29", CALENDAR_WORKDAY, "国庆节"},
    {"2024-10-12", "2024-10-12", CALENDAR_WORKDAY, "国庆节"},
    /* 2025 */
    {"2025-01-01", "2025-01-01", CALENDAR_HOLIDAY, "元旦"},
    {"2025-01-28", "2025-02-04", CALENDAR_HOLIDAY, "春节"},
    {"2025-01-26", "2025-01-26", CALENDAR_WORKDAY, "春节"},
    {"2025-02-08", "2025-02-08", CALENDAR_WORKDAY, "春节"},
    {"2025-04-04", "2025-04-06", CALENDAR_HOLIDAY, "清明"},
    {"2025-05-01", "2025-05-05", CALENDAR_HOLIDAY, "劳动节"},
    {"2025-04-27", "2025-04-27", CALENDAR_WORKDAY, "劳动节"},
    {"2025-05-31", "2025-06-02", CALENDAR_HOLIDAY, "端午"},
    {"2025-10-01", "2025-10-08", CALENDAR_HOLIDAY, "国庆节"},
    {"2025-09-28", "2025-09-28", CALENDAR_WORKDAY, "国庆节"},
    {"2025-10-11", "2025-10-11", CALENDAR_WORKDAY, "国庆节"},
    /* 2026 */
    {"2026-01-01", "2026-01-03", CALENDAR_HOLIDAY, "元旦"},
    {"2026-01-04", "2026-01-04", CALENDAR_WORKDAY, "元旦"},
    {"2026-02-15", "2026-02-23", CALENDAR_HOLIDAY, "春节"},
    {"2026-02-14", "2026-02-14", CALENDAR_WORKDAY, "春节"},
    {"2026-02-28", "2026-02-28", CALENDAR_WORKDAY, "春节"},
    {"2026-04-04", "2026-04-06", CALENDAR_HOLIDAY, "清明"},
    {"2026-05-01", "2026-05-05", CALENDAR_HOLIDAY, "劳动节"},
    {"2026-05-09", "2026-05-09", CALENDAR_WORKDAY, "劳动节"},
    {"2026-06-19", "2026-06-21", CALENDAR_HOLIDAY, "端午"},
    {"2026-09-25", "2026-09-27", CALENDAR_HOLIDAY, "中秋"},
    {"2026-10-01", "2026-10-07", CALENDAR_HOLIDAY, "国庆节"},
    {"2026-09-20", "2026-09-20", CALENDAR_WORKDAY, "国庆节"},
    {"2026-10-10", "2026-10-10", CALENDAR_WORKDAY, "国庆节"},
    {NULL, NULL, CALENDAR_ORDINARY, NULL},
};

static int32_t D(const char *s)
{
    int32_t day = 0;
    if (!calendar_parse_date(s, &day))
        fail_msg("not a date: %s", s);
    return day;
}

static const char *fmt(int32_t day)
{
    static char buf[4][CALENDAR_DATE_LEN + 1];
    static int next;
    char *out = buf[next++ % 4];
    calendar_format_date(day, out);
    return out;
}

static int setup(void **state)
{
    static struct calendar cal;
    calendar_init(&cal);
    for (const struct span *s = official; s->first; s++)
        for (int32_t d = D(s->first); d <= D(s->last); d++)
            assert_int_equal(calendar_set(&cal, d, s->kind, s->name), ERR_OK);
    for (int y = 2024; y <= 2026; y++)
        calendar_cover_year(&cal, y);
    *state = &cal;
    return 0;
}

static int teardown(void **state)
{
    struct calendar *cal = *state;
    calendar_release(cal);
    /* released: nothing held, nothing covered */
    assert_null(cal->entries);
    assert_int_equal(cal->n, 0);
    assert_false(calendar_covers_year(cal, 2025));
    return 0;
}

static void test_parse_format(void **state)
{
    (void)state;
    static const char *const good[] = {"1970-01-01", "2024-02-29", "2000-02-29", "0001-01-01",
                                       "9999-12-31", "2025-12-31", "2026-10-08", NULL};
    for (const char *const *g = good; *g; g++)
        assert_string_equal(fmt(D(*g)), *g);
    static const char *const bad[] = {
        "",           "2025-1-01",      "2025-01-1",   "2025/01/01", "2025-01-01 ", " 2025-01-01",
        "2025-13-01", "2025-00-10",     "2025-01-00",  "2025-01-32", "2025-02-29",  "1900-02-29",
        "2100-02-29", "0000-01-01",     "10000-01-01", "2025-04-31", "20250101",    "2025-0a-01",
        "+025-01-01", "２０２５-01-01", NULL};
    int32_t day = 12345;
    for (const char *const *b = bad; *b; b++)
        assert_false(calendar_parse_date(*b, &day));
    assert_false(calendar_parse_date(NULL, &day));
    assert_int_equal(day, 12345); /* untouched on failure */
    assert_int_equal(D("1970-01-01"), 0);
    assert_int_equal(D("1970-01-02"), 1);
    assert_int_equal(D("1969-12-31"), -1);
    assert_int_equal(calendar_first_day(), D("0001-01-01"));
    assert_int_equal(calendar_last_day(), D("9999-12-31"));
}

/* Day numbers and y-m-d agree with counting days one by one, across leap years and
 * century rules. */
static void test_round_trip(void **state)
{
    (void)state;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int32_t day = D("1600-01-01");
    for (int y = 1600; y <= 2400; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int last = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= last; d++, day++) {
                if (calendar_from_ymd(y, m, d) != day)
                    fail_msg("%04d-%02d-%02d", y, m, d);
                int yy, mm, dd;
                calendar_to_ymd(day, &yy, &mm, &dd);
                assert_true(yy == y && mm == m && dd == d);
            }
            assert_false(calendar_valid_ymd(y, m, last + 1));
        }
        assert_int_equal(calendar_year_of(day - 1), y);
    }
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(calendar_valid_ymd(2024, 2, 29));
    assert_true(calendar_valid_ymd(2000, 2, 29));
    assert_true(calendar_valid_ymd(2400, 2, 29));
    assert_false(calendar_valid_ymd(2100, 2, 29));
    assert_false(calendar_valid_ymd(1900, 2, 29));
    assert_false(calendar_valid_ymd(2025, 2, 29));
    struct calendar empty;
    calendar_init(&empty);
    int32_t out;
    assert_int_equal(calendar_add_days(&empty, D("2024-02-28"), 1, CALENDAR_DAYS, &out, NULL),
                     ERR_OK);
    assert_string_equal(fmt(out), "2024-02-29");
    assert_int_equal(calendar_add_days(&empty, D("2023-02-28"), 1, CALENDAR_DAYS, &out, NULL),
                     ERR_OK);
    assert_string_equal(fmt(out), "2023-03-01");
    assert_int_equal(calendar_add_days(&empty, D("2100-02-28"), 1, CALENDAR_DAYS, &out, NULL),
                     ERR_OK);
    assert_string_equal(fmt(out), "2100-03-01");
    assert_int_equal(calendar_add_days(&empty, D("2024-01-01"), 365, CALENDAR_DAYS, &out, NULL),
                     ERR_OK);
    assert_string_equal(fmt(out), "2024-12-31");
    assert_int_equal(calendar_add_days(&empty, D("2025-01-01"), 365, CALENDAR_DAYS, &out, NULL),
                     ERR_OK);
    assert_string_equal(fmt(out), "2026-01-01");
    /* 2024-02-29 is a Thursday: an ordinary working day */
    assert_int_equal(calendar_weekday(D("2024-02-29")), 4);
    assert_true(calendar_is_workday(&empty, D("2024-02-29")));
    calendar_release(&empty);
}

static void test_weekday_and_today(void **state)
{
    (void)state;
    assert_int_equal(calendar_weekday(D("1970-01-01")), 4);
    assert_int_equal(calendar_weekday(D("1969-12-29")), 1);
    assert_int_equal(calendar_weekday(D("2000-01-01")), 6);
    assert_int_equal(calendar_weekday(D("2025-10-01")), 3);
    assert_int_equal(calendar_weekday(D("2025-09-28")), 7);
    assert_int_equal(calendar_weekday(D("0001-01-01")), 1);
    /* Asia/Shanghai is UTC+8 all year */
    assert_int_equal(calendar_today(0), D("1970-01-01"));
    assert_int_equal(calendar_today(16 * 3600 - 1), D("1970-01-01"));
    assert_int_equal(calendar_today(16 * 3600), D("1970-01-02"));
    assert_int_equal(calendar_today(-8 * 3600), D("1970-01-01"));
    assert_int_equal(calendar_today(-8 * 3600 - 1), D("1969-12-31"));
    /* 2025-09-30T16:00:00Z is midnight of National Day in Beijing */
    assert_int_equal(calendar_today(1759248000), D("2025-10-01"));
    assert_int_equal(calendar_today(1759248000 - 1), D("2025-09-30"));
}

static void expect_workday(const struct calendar *cal, const char *date, bool want)
{
    if (calendar_is_workday(cal, D(date)) != want)
        fail_msg("%s should %sbe a working day", date, want ? "" : "not ");
}

static void test_festivals(void **state)
{
    const struct calendar *cal = *state;
    /* Spring Festival */
    for (int32_t d = D("2024-02-10"); d <= D("2024-02-17"); d++)
        assert_false(calendar_is_workday(cal, d));
    expect_workday(cal, "2024-02-04", true); /* Sunday, made up */
    expect_workday(cal, "2024-02-18", true); /* Sunday, made up */
    expect_workday(cal, "2024-02-09", true); /* 除夕 2024 was a working Friday */
    for (int32_t d = D("2025-01-28"); d <= D("2025-02-04"); d++)
        assert_false(calendar_is_workday(cal, d));
    expect_workday(cal, "2025-01-26", true);
    expect_workday(cal, "2025-02-08", true);
    expect_workday(cal, "2025-02-09", false);
    for (int32_t d = D("2026-02-15"); d <= D("2026-02-23"); d++)
        assert_false(calendar_is_workday(cal, d));
    expect_workday(cal, "2026-02-14", true);
    expect_workday(cal, "2026-02-28", true);
    expect_workday(cal, "2026-02-24", true);
    /* Labour Day */
    for (int32_t d = D("2025-05-01"); d <= D("2025-05-05"); d++)
        assert_false(calendar_is_workday(cal, d));
    expect_workday(cal, "2024-04-28", true);
    expect_workday(cal, "2024-05-11", true);
    expect_workday(cal, "2025-04-27", true);
    expect_workday(cal, "2026-05-09", true);
    expect_workday(cal, "2026-05-06", true);
    /* National Day */
    expect_workday(cal, "2025-10-01", false);
    expect_workday(cal, "2025-10-06", false); /* 中秋 inside the week */
    expect_workday(cal, "2025-10-08", false);
    expect_workday(cal, "2025-09-28", true); /* Sunday, made up */
    expect_workday(cal, "2025-10-11", true); /* Saturday, made up */
    expect_workday(cal, "2025-10-12", false);
    expect_workday(cal, "2024-09-29", true);
    expect_workday(cal, "2024-10-12", true);
    expect_workday(cal, "2026-09-20", true);
    expect_workday(cal, "2026-10-10", true);
    expect_workday(cal, "2026-10-08", true);
    /* the names travel with the days */
    const struct calendar_entry *e = calendar_find(cal, D("2025-09-28"));
    assert_non_null(e);
    assert_int_equal(e->kind, CALENDAR_WORKDAY);
    assert_string_equal(e->name, "国庆节");
    assert_null(calendar_find(cal, D("2025-10-09")));
    /* whole years: 251, 248 and 248 working days */
    int64_t n;
    assert_int_equal(calendar_working_days_between(cal, D("2023-12-31"), D("2024-12-31"), &n, NULL),
                     ERR_OK);
    assert_int_equal(n, 251);
    assert_int_equal(calendar_working_days_between(cal, D("2024-12-31"), D("2025-12-31"), &n, NULL),
                     ERR_OK);
    assert_int_equal(n, 248);
    assert_int_equal(calendar_working_days_between(cal, D("2025-12-31"), D("2026-12-31"), &n, NULL),
                     ERR_OK);
    assert_int_equal(n, 248);
}

static const char *deadline(const struct calendar *cal, const char *from, int64_t n,
                            enum calendar_count count, bool roll, int *gap)
{
    int32_t out = 0;
    int g = 0;
    enum err e = calendar_deadline(cal, D(from), n, count, roll, &out, &g);
    if (e)
        fail_msg("deadline %s + %lld: %d", from, (long long)n, e);
    if (gap)
        *gap = g;
    else if (g)
        fail_msg("deadline %s + %lld relied on %d, which has no data", from, (long long)n, g);
    return fmt(out);
}

static void test_add_days(void **state)
{
    const struct calendar *cal = *state;
    /* findWorkday(10, '2025-09-30') */
    assert_string_equal(deadline(cal, "2025-09-30", 10, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-10-21");
    assert_string_equal(deadline(cal, "2025-09-30", 10, CALENDAR_DAYS, false, NULL), "2025-10-10");
    assert_string_equal(deadline(cal, "2025-09-30", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-10-09");
    assert_string_equal(deadline(cal, "2025-09-30", 3, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-10-11");
    /* counting starts the day after: 0 days is the start itself */
    assert_string_equal(deadline(cal, "2025-10-01", 0, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-10-01");
    assert_string_equal(deadline(cal, "2025-10-01", 0, CALENDAR_DAYS, false, NULL), "2025-10-01");
    /* a start on a holiday counts from the next day, which is no working day either */
    assert_string_equal(deadline(cal, "2025-10-03", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-10-09");
    /* Spring Festival 2025: the make-up Saturday counts */
    assert_string_equal(deadline(cal, "2025-01-27", 4, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-02-08");
    assert_string_equal(deadline(cal, "2025-01-27", 5, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-02-10");
    assert_string_equal(deadline(cal, "2024-02-09", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2024-02-18");
    assert_string_equal(deadline(cal, "2026-02-13", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-02-14");
    assert_string_equal(deadline(cal, "2026-02-13", 2, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-02-24");
    /* Labour Day */
    assert_string_equal(deadline(cal, "2025-04-25", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-04-27");
    assert_string_equal(deadline(cal, "2025-04-25", 3, CALENDAR_WORKING_DAYS, false, NULL),
                        "2025-04-29");
    assert_string_equal(deadline(cal, "2026-04-30", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-05-06");
    assert_string_equal(deadline(cal, "2024-04-30", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2024-05-06");
    /* National Day 2024 and 2026 */
    assert_string_equal(deadline(cal, "2024-09-30", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2024-10-08");
    assert_string_equal(deadline(cal, "2026-09-30", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-10-08");
    assert_string_equal(deadline(cal, "2026-09-18", 1, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-09-20");
    /* the 信访 deadlines: 15 and 60 calendar days from a registration before the holiday */
    assert_string_equal(deadline(cal, "2025-09-16", 15, CALENDAR_DAYS, false, NULL), "2025-10-01");
    assert_string_equal(deadline(cal, "2025-09-16", 15, CALENDAR_DAYS, true, NULL), "2025-10-09");
    assert_string_equal(deadline(cal, "2025-08-01", 60, CALENDAR_DAYS, false, NULL), "2025-09-30");
    /* 5 working days (信访工作条例 Art 23) across Spring Festival 2026 */
    assert_string_equal(deadline(cal, "2026-02-11", 5, CALENDAR_WORKING_DAYS, false, NULL),
                        "2026-02-25");
}

static void test_roll_forward(void **state)
{
    const struct calendar *cal = *state;
    int32_t out;
    int gap = 0;
    struct {
        const char *from, *to;
    } cases[] = {
        {"2025-10-03", "2025-10-09"}, /* a holiday */
        {"2025-10-01", "2025-10-09"},
        {"2025-10-12", "2025-10-13"}, /* a plain Sunday */
        {"2025-10-18", "2025-10-20"}, /* a plain Saturday */
        {"2025-10-11", "2025-10-11"}, /* a make-up Saturday is a working day */
        {"2025-09-28", "2025-09-28"}, /* a make-up Sunday */
        {"2025-10-09", "2025-10-09"}, /* a working day stays */
        {"2026-02-15", "2026-02-24"},
        {"2024-05-04", "2024-05-06"},
        {"2026-02-27", "2026-02-27"},
        {"2026-02-28", "2026-02-28"},
        {NULL, NULL},
    };
    for (int i = 0; cases[i].from; i++) {
        assert_int_equal(calendar_roll_forward(cal, D(cases[i].from), &out, &gap), ERR_OK);
        if (strcmp(fmt(out), cases[i].to) != 0)
            fail_msg("roll %s: %s, want %s", cases[i].from, fmt(out), cases[i].to);
    }
    assert_int_equal(gap, 0);
}

static void test_working_days_between(void **state)
{
    const struct calendar *cal = *state;
    int64_t n = -1;
    int gap = 0;
    assert_int_equal(calendar_working_days_between(cal, D("2025-09-30"), D("2025-10-21"), &n, &gap),
                     ERR_OK);
    assert_int_equal(n, 10);
    assert_int_equal(calendar_working_days_between(cal, D("2025-10-21"), D("2025-09-30"), &n, &gap),
                     ERR_OK);
    assert_int_equal(n, -10);
    assert_int_equal(calendar_working_days_between(cal, D("2025-10-05"), D("2025-10-05"), &n, &gap),
                     ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(calendar_working_days_between(cal, D("2025-09-30"), D("2025-10-08"), &n, &gap),
                     ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(gap, 0);
    /* it inverts add_days wherever the end is a working day */
    for (int32_t from = D("2024-01-01"); from <= D("2026-10-31"); from += 7) {
        for (int k = 0; k <= 25; k += 5) {
            int32_t end;
            assert_int_equal(calendar_add_days(cal, from, k, CALENDAR_WORKING_DAYS, &end, &gap),
                             ERR_OK);
            assert_int_equal(calendar_working_days_between(cal, from, end, &n, &gap), ERR_OK);
            assert_int_equal(n, k);
        }
    }
    assert_int_equal(gap, 0);
}

static void test_years_without_data(void **state)
{
    const struct calendar *cal = *state;
    assert_true(calendar_covers(cal, D("2024-01-01")));
    assert_true(calendar_covers(cal, D("2026-12-31")));
    assert_false(calendar_covers(cal, D("2027-01-01")));
    assert_false(calendar_covers(cal, D("2023-12-31")));
    assert_false(calendar_covers_year(cal, 0));
    assert_false(calendar_covers_year(cal, 10000));
    int gap = 0;
    /* working days into 2027 rely on 2027 */
    deadline(cal, "2026-12-25", 10, CALENDAR_WORKING_DAYS, false, &gap);
    assert_int_equal(gap, 2027);
    /* but not when they end in 2026 */
    deadline(cal, "2026-12-20", 5, CALENDAR_WORKING_DAYS, false, &gap);
    assert_int_equal(gap, 0);
    /* calendar days need no data, unless the end is rolled forward */
    assert_string_equal(deadline(cal, "2026-12-20", 30, CALENDAR_DAYS, false, &gap), "2027-01-19");
    assert_int_equal(gap, 0);
    deadline(cal, "2026-12-20", 30, CALENDAR_DAYS, true, &gap);
    assert_int_equal(gap, 2027);
    /* from a year before the data */
    deadline(cal, "2023-12-29", 3, CALENDAR_WORKING_DAYS, false, &gap);
    assert_int_equal(gap, 2023);
    int64_t n;
    gap = 0;
    assert_int_equal(calendar_working_days_between(cal, D("2026-12-01"), D("2027-01-10"), &n, &gap),
                     ERR_OK);
    assert_int_equal(gap, 2027);
    gap = 0;
    int32_t out;
    assert_int_equal(calendar_roll_forward(cal, D("2027-01-01"), &out, &gap), ERR_OK);
    assert_int_equal(gap, 2027);
    /* a gap already noted is kept by later calls */
    assert_int_equal(calendar_roll_forward(cal, D("2023-01-01"), &out, &gap), ERR_OK);
    assert_int_equal(gap, 2027);
    /* once the year is covered, nothing is reported */
    struct calendar c2;
    calendar_init(&c2);
    calendar_cover_year(&c2, 2027);
    gap = 0;
    assert_int_equal(calendar_roll_forward(&c2, D("2027-01-01"), &out, &gap), ERR_OK);
    assert_int_equal(gap, 0);
    assert_string_equal(fmt(out), "2027-01-01"); /* a Friday, by the weekday rule */
    calendar_release(&c2);
}

static void test_set_and_remove(void **state)
{
    (void)state;
    struct calendar cal;
    calendar_init(&cal);
    /* out of order, then replaced, then removed */
    assert_int_equal(calendar_set(&cal, D("2027-10-01"), CALENDAR_HOLIDAY, "国庆节"), ERR_OK);
    assert_int_equal(calendar_set(&cal, D("2027-01-01"), CALENDAR_HOLIDAY, NULL), ERR_OK);
    assert_int_equal(calendar_set(&cal, D("2027-05-01"), CALENDAR_HOLIDAY, "劳动节"), ERR_OK);
    assert_int_equal(cal.n, 3);
    assert_true(cal.entries[0].day < cal.entries[1].day && cal.entries[1].day < cal.entries[2].day);
    assert_string_equal(calendar_find(&cal, D("2027-01-01"))->name, "");
    assert_int_equal(calendar_set(&cal, D("2027-05-01"), CALENDAR_WORKDAY, "更正"), ERR_OK);
    assert_int_equal(cal.n, 3);
    assert_string_equal(calendar_find(&cal, D("2027-05-01"))->name, "更正");
    assert_true(calendar_is_workday(&cal, D("2027-05-01")));
    assert_int_equal(calendar_set(&cal, D("2027-05-01"), CALENDAR_ORDINARY, NULL), ERR_OK);
    assert_int_equal(cal.n, 2);
    assert_null(calendar_find(&cal, D("2027-05-01")));
    assert_false(calendar_is_workday(&cal, D("2027-05-01"))); /* a Saturday */
    assert_int_equal(calendar_set(&cal, D("2027-06-01"), CALENDAR_ORDINARY, NULL), ERR_OK);
    assert_int_equal(cal.n, 2);
    /* many entries grow the array */
    for (int32_t d = D("2030-01-01"); d < D("2030-01-01") + 500; d++)
        assert_int_equal(calendar_set(&cal, d, CALENDAR_HOLIDAY, "x"), ERR_OK);
    assert_int_equal(cal.n, 502);
    assert_int_equal(calendar_set(&cal, calendar_last_day() + 1, CALENDAR_HOLIDAY, "x"),
                     ERR_INVALID);
    assert_int_equal(calendar_set(&cal, calendar_first_day() - 1, CALENDAR_HOLIDAY, "x"),
                     ERR_INVALID);
    calendar_release(&cal);
    assert_null(cal.entries);
    assert_int_equal(cal.n, 0);
}

static void test_bad_arguments(void **state)
{
    const struct calendar *cal = *state;
    int32_t out = 7;
    int64_t n;
    assert_int_equal(calendar_add_days(cal, D("2025-01-01"), -1, CALENDAR_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(calendar_add_days(cal, D("2025-01-01"), -1, CALENDAR_WORKING_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(calendar_add_days(cal, D("9999-12-30"), 2, CALENDAR_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(calendar_add_days(cal, D("9999-12-30"), 5, CALENDAR_WORKING_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(calendar_add_days(cal, D("2025-01-01"), INT64_MAX, CALENDAR_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(calendar_add_days(cal, calendar_last_day() + 1, 0, CALENDAR_DAYS, &out, NULL),
                     ERR_INVALID);
    assert_int_equal(out, 7);
    assert_int_equal(calendar_add_days(cal, D("9999-12-30"), 1, CALENDAR_DAYS, &out, NULL), ERR_OK);
    assert_string_equal(fmt(out), "9999-12-31");
    /* the last days of the range still roll: 9999-12-25 is a Saturday */
    assert_int_equal(calendar_roll_forward(cal, D("9999-12-25"), &out, NULL), ERR_OK);
    assert_string_equal(fmt(out), "9999-12-27");
    assert_int_equal(
        calendar_working_days_between(cal, calendar_first_day() - 1, D("2025-01-01"), &n, NULL),
        ERR_INVALID);
}

/* Statistics months: "YYYY-MM" both ways, counting across a year's end, the first day. */
static void test_months(void **state)
{
    (void)state;
    int m = 0;
    assert_true(calendar_parse_month("2026-11", &m));
    assert_int_equal(m, 2026 * 12 + 10);
    char out[CALENDAR_MONTH_LEN + 1];
    calendar_format_month(m + 2, out);
    assert_string_equal(out, "2027-01");
    calendar_format_month(m - 11, out);
    assert_string_equal(out, "2025-12");
    assert_int_equal(calendar_month_of(calendar_from_ymd(2026, 11, 30)), m);
    assert_int_equal(calendar_month_first(m), calendar_from_ymd(2026, 11, 1));
    assert_int_equal(calendar_month_first(m + 3), calendar_from_ymd(2027, 2, 1));
    const char *bad[] = {NULL,      "",        "2026-1",      "2026-13",    "2026-00",
                         "0000-05", "2026/11", "２０２６-11", "2026-11-01", "20a6-11"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(calendar_parse_month(bad[i], &m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_weekday_and_today),
        cmocka_unit_test(test_set_and_remove),
        cmocka_unit_test_setup_teardown(test_festivals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roll_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_working_days_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_years_without_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test(test_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Working-day arithmetic over an official calendar: dates, a set of exception days
 * (holidays and make-up working days) and the years those exceptions are known for.
 *
 * Invariants: a date is a day number, days since 1970-01-01 in the proleptic Gregorian
 * calendar, for years 1..9999; entries are sorted by day, one per day, and only holidays
 * or make-up working days (setting a day to CALENDAR_ORDINARY removes its entry). The
 * calendar is a value: no database, no clock; once built it is read-only and any thread
 * may ask it questions.
 *
 * Period rules (民法典 Arts 200-204): counting starts the day after the start date. N
 * calendar days after FROM is FROM + N; N working days after FROM is the N-th working day
 * after FROM; rolling forward moves a day that is not a working day to the next working
 * day. A working day is Monday-Friday unless it is a holiday, or any day marked as a
 * make-up working day (调休上班日).
 *
 * A day in a year without data is never guessed silently: the arithmetic still follows
 * the weekday rule there, but reports the first such year it relied on through *gap_year,
 * so callers warn or refuse. The caller sets *gap_year to 0; a function writes it only
 * while it is still 0, so one variable can follow several calls. */
#ifndef SHEGONG_CORE_CALENDAR_H
#define SHEGONG_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CALENDAR_MIN_YEAR 1
#define CALENDAR_MAX_YEAR 9999
#define CALENDAR_DATE_LEN 10 /* "YYYY-MM-DD" */

enum calendar_kind {
    CALENDAR_ORDINARY = 0, /* follows the weekday rule (only to overrule another entry) */
    CALENDAR_HOLIDAY,      /* a rest day: a holiday or a rest day bridged to it */
    CALENDAR_WORKDAY,      /* a make-up working day (调休上班), usually a weekend day */
};

enum calendar_count {
    CALENDAR_DAYS,         /* plain "日": every day counts */
    CALENDAR_WORKING_DAYS, /* "工作日": only working days count */
};

struct calendar_entry {
    int32_t day;
    enum calendar_kind kind;
    char *name; /* the festival's name, never NULL ("" when unknown) */
};

struct calendar {
    struct calendar_entry *entries;
    size_t n, alloc;
    unsigned char years[CALENDAR_MAX_YEAR / 8 + 1]; /* bit y: year y has data */
};

/* Dates. calendar_parse_date accepts exactly "YYYY-MM-DD" of a real date in years
 * 1..9999; calendar_format_date writes that form and a NUL into out. */
bool calendar_parse_date(const char *s, int32_t *day);
void calendar_format_date(int32_t day, char out[CALENDAR_DATE_LEN + 1]);
bool calendar_valid_ymd(int y, int m, int d);
/* The day number of a valid y-m-d, and back. */
int32_t calendar_from_ymd(int y, int m, int d);
void calendar_to_ymd(int32_t day, int *y, int *m, int *d);
int calendar_year_of(int32_t day);
/* Statistics months ("YYYY-MM", years 1..9999) as month numbers y * 12 + (m - 1), so that
 * months count and compare as integers. calendar_parse_month accepts exactly that form;
 * calendar_format_month writes it and a NUL into out. */
#define CALENDAR_MONTH_LEN 7
bool calendar_parse_month(const char *s, int *month);
void calendar_format_month(int month, char out[CALENDAR_MONTH_LEN + 1]);
/* The month of a day number, and the first day number of a month. */
int calendar_month_of(int32_t day);
int32_t calendar_month_first(int month);
/* ISO weekday: 1 Monday .. 7 Sunday. */
int calendar_weekday(int32_t day);
/* The first and last day numbers that are dates in years 1..9999. */
int32_t calendar_first_day(void);
int32_t calendar_last_day(void);
/* The date in Asia/Shanghai (UTC+8, no daylight saving) at a Unix time. */
int32_t calendar_today(int64_t unix_seconds);

/* Lifecycle: _init allocates nothing; _release frees the entries and leaves an empty
 * calendar covering no year. */
void calendar_init(struct calendar *cal);
void calendar_release(struct calendar *cal);

/* Building. calendar_set gives day its kind and name (copied; NULL means ""), replacing
 * an earlier entry; CALENDAR_ORDINARY removes it. ERR_INVALID for a day outside years
 * 1..9999, ERR_NOMEM when out of memory (the calendar is unchanged). */
enum err calendar_set(struct calendar *cal, int32_t day, enum calendar_kind kind, const char *name);
/* Marks a year as having data; years outside 1..9999 are ignored. */
void calendar_cover_year(struct calendar *cal, int year);

/* Questions. */
bool calendar_covers_year(const struct calendar *cal, int year);
bool calendar_covers(const struct calendar *cal, int32_t day);
/* The entry for day, or NULL for an ordinary day. */
const struct calendar_entry *calendar_find(const struct calendar *cal, int32_t day);
bool calendar_is_workday(const struct calendar *cal, int32_t day);

/* Arithmetic. Each answers ERR_INVALID when an argument or the answer falls outside
 * years 1..9999 (or n < 0), and sets *gap_year (may be NULL) as described above. */
/* n calendar or working days after from. */
enum err calendar_add_days(const struct calendar *cal, int32_t from, int64_t n,
                           enum calendar_count count, int32_t *out, int *gap_year);
/* day itself when it is a working day, else the next working day. */
enum err calendar_roll_forward(const struct calendar *cal, int32_t day, int32_t *out,
                               int *gap_year);
/* add_days, then roll_forward when asked: a deadline. */
enum err calendar_deadline(const struct calendar *cal, int32_t from, int64_t n,
                           enum calendar_count count, bool roll_forward, int32_t *out,
                           int *gap_year);
/* Working days in (from, to], so that add_days(from, n, WORKING) = to gives n; negative
 * (the working days in (to, from]) when to is before from. */
enum err calendar_working_days_between(const struct calendar *cal, int32_t from, int32_t to,
                                       int64_t *count, int *gap_year);

#endif

/* Unit tests for the deadline arithmetic of engine/deadline: due at the end of the due day
 * in Asia/Shanghai, counting from the day after the start, working days across the 2025
 * National Day holiday and its make-up working days, rolling forward, hours, extensions,
 * pauses, the due-soon window and years without holiday data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/deadline.h"

#define HOUR 3600
#define DAY  86400

static struct calendar cal;

static int32_t D(const char *s)
{
    int32_t day = 0;
    assert_true(calendar_parse_date(s, &day));
    return day;
}

/* 国务院办公厅关于2025年部分节假日安排的通知: 国庆节、中秋节 10-01..10-08, 上班 09-28, 10-11 */
static int setup(void **state)
{
    calendar_init(&cal);
    for (int32_t d = D("2025-10-01"); d <= D("2025-10-08"); d++)
        assert_int_equal(calendar_set(&cal, d, CALENDAR_HOLIDAY, "国庆节"), ERR_OK);
    assert_int_equal(calendar_set(&cal, D("2025-09-28"), CALENDAR_WORKDAY, "国庆节"), ERR_OK);
    assert_int_equal(calendar_set(&cal, D("2025-10-11"), CALENDAR_WORKDAY, "国庆节"), ERR_OK);
    calendar_cover_year(&cal, 2025);
    return 0;
}

static int teardown(void **state)
{
    calendar_release(&cal);
    assert_null(cal.entries);
    return 0;
}

static void test_day_end(void **state)
{
    /* 2025-10-01 23:59:59 +08:00 */
    assert_int_equal(deadline_day_end(D("2025-10-01")), 1759334399);
    assert_int_equal(deadline_day_end(D("2025-10-02")) - deadline_day_end(D("2025-10-01")), DAY);
    assert_int_equal(calendar_today(deadline_day_end(D("2025-10-01"))), D("2025-10-01"));
    assert_int_equal(calendar_today(deadline_day_end(D("2025-10-01")) + 1), D("2025-10-02"));
}

static void test_working_days(void **state)
{
    int64_t due = 0;
    int gap = 0;
    /* from 2025-09-30 10:00 +08: the day after is the holiday; 10-09, 10-10, 10-11 (调休) */
    assert_int_equal(deadline_due(&cal, 1759197600, DL_WORKING_DAYS, 3, false, &due, &gap), ERR_OK);
    assert_int_equal(due, 1760198399);
    assert_int_equal(gap, 0);
    /* 2025-09-30T17:00Z is already 10-01 in Shanghai: one working day is 10-09 */
    assert_int_equal(deadline_due(&cal, 1759251600, DL_WORKING_DAYS, 1, false, &due, &gap), ERR_OK);
    assert_int_equal(due, 1760025599);
    /* zero working days: today itself */
    assert_int_equal(deadline_due(&cal, 1759197600, DL_WORKING_DAYS, 0, false, &due, &gap), ERR_OK);
    assert_int_equal(due, deadline_day_end(D("2025-09-30")));
}

static void test_calendar_days(void **state)
{
    int64_t due = 0;
    int64_t start = deadline_day_end(D("2025-09-25")) - 12 * HOUR; /* 09-25 noon */
    assert_int_equal(deadline_due(&cal, start, DL_CALENDAR_DAYS, 10, false, &due, NULL), ERR_OK);
    assert_int_equal(due, 1759679999); /* 10-05, a holiday: no roll */
    assert_int_equal(deadline_due(&cal, start, DL_CALENDAR_DAYS, 10, true, &due, NULL), ERR_OK);
    assert_int_equal(due, 1760025599); /* rolled to 10-09 */
    /* a due day on a working day does not move */
    assert_int_equal(deadline_due(&cal, start, DL_CALENDAR_DAYS, 5, true, &due, NULL), ERR_OK);
    assert_int_equal(due, deadline_day_end(D("2025-09-30")));
    /* Saturday 09-27 rolls to Sunday 09-28, a make-up working day, which stays */
    assert_int_equal(deadline_due(&cal, start, DL_CALENDAR_DAYS, 2, true, &due, NULL), ERR_OK);
    assert_int_equal(due, deadline_day_end(D("2025-09-28")));
    assert_int_equal(deadline_due(&cal, start, DL_CALENDAR_DAYS, 3, true, &due, NULL), ERR_OK);
    assert_int_equal(due, deadline_day_end(D("2025-09-28")));
}

static void test_hours(void **state)
{
    int64_t due = 0;
    assert_int_equal(deadline_due(NULL, 1759197600, DL_HOURS, 48, false, &due, NULL), ERR_OK);
    assert_int_equal(due, 1759197600 + 48 * HOUR);
    assert_int_equal(deadline_extend(NULL, due, DL_HOURS, 24, false, &due, NULL), ERR_OK);
    assert_int_equal(due, 1759197600 + 72 * HOUR);
}

/* A 30-minute limit (an 应急哨's 报到) counts elapsed minutes, holidays or not. */
static void test_minutes(void **state)
{
    int64_t due = 0;
    assert_int_equal(deadline_due(NULL, 1759197600, DL_MINUTES, 30, false, &due, NULL), ERR_OK);
    assert_int_equal(due, 1759197600 + 30 * 60);
    assert_int_equal(deadline_extend(NULL, due, DL_MINUTES, 15, false, &due, NULL), ERR_OK);
    assert_int_equal(due, 1759197600 + 45 * 60);
}

static void test_extend(void **state)
{
    int64_t out = 0;
    /* 5 calendar days after 10-09 */
    assert_int_equal(deadline_extend(&cal, 1760025599, DL_CALENDAR_DAYS, 5, false, &out, NULL),
                     ERR_OK);
    assert_int_equal(out, 1760457599);
    /* 2 working days after 09-30 skip the holiday: 10-10 */
    assert_int_equal(deadline_extend(&cal, deadline_day_end(D("2025-09-30")), DL_WORKING_DAYS, 2,
                                     false, &out, NULL),
                     ERR_OK);
    assert_int_equal(out, 1760111999);
    /* a due time moved by a pause keeps its time of day */
    int64_t odd = deadline_day_end(D("2025-10-09")) - 5 * HOUR - 17;
    assert_int_equal(deadline_extend(&cal, odd, DL_CALENDAR_DAYS, 5, false, &out, NULL), ERR_OK);
    assert_int_equal(out, odd + 5 * DAY);
    assert_int_equal(deadline_extend(&cal, odd, DL_CALENDAR_DAYS, -1, false, &out, NULL),
                     ERR_INVALID);
}

static void test_resume(void **state)
{
    assert_int_equal(deadline_resume(1000, 100, 400), 1300);
    assert_int_equal(deadline_resume(1000, 400, 400), 1000);
    assert_int_equal(deadline_resume(1000, 400, 300), 1000); /* a clock never moves back */
}

static void test_windows(void **state)
{
    int64_t due = 1760025599;
    assert_false(deadline_overdue(due, due));
    assert_true(deadline_overdue(due, due + 1));
    assert_false(deadline_due_soon(due, due - DAY - 1, 1));
    assert_true(deadline_due_soon(due, due - DAY, 1));
    assert_true(deadline_due_soon(due, due, 1));
    assert_false(deadline_due_soon(due, due + 1, 1)); /* overdue, no longer "soon" */
    assert_int_equal(deadline_soon_seconds(0), DEADLINE_SOON_DAYS * DAY);
    assert_true(deadline_due_soon(due, due - 3 * DAY, 0));
    assert_false(deadline_due_soon(due, due - 3 * DAY - 1, 0));
}

static void test_gap_year_and_errors(void **state)
{
    int64_t due = 0;
    int gap = 0;
    /* 2025-12-31T20:00Z is 2026-01-01 in Shanghai; 2026 has no data here */
    assert_int_equal(deadline_due(&cal, 1767211200, DL_WORKING_DAYS, 2, false, &due, &gap), ERR_OK);
    assert_int_equal(due, 1767628799); /* 01-02 (Fri), 01-05 (Mon) by the weekday rule */
    assert_int_equal(gap, 2026);
    assert_int_equal(deadline_due(&cal, 1759197600, DL_WORKING_DAYS, -1, false, &due, NULL),
                     ERR_INVALID);
    assert_int_equal(
        deadline_due(&cal, INT64_C(253402300800) * 2, DL_CALENDAR_DAYS, 1, false, &due, NULL),
        ERR_INVALID); /* past 9999-12-31 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_end),
        cmocka_unit_test_setup_teardown(test_working_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calendar_days, setup, teardown),
        cmocka_unit_test(test_hours),
        cmocka_unit_test(test_minutes),
        cmocka_unit_test_setup_teardown(test_extend, setup, teardown),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_windows),
        cmocka_unit_test_setup_teardown(test_gap_year_and_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

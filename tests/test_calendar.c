/* test_calendar.c - day numbers and dates (calendar.h). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "array_size.h"
#include "calendar.h"

Test(calendar, leap_years)
{
    cr_assert(calendar_leap_year(2024));
    cr_assert(calendar_leap_year(2000));
    cr_assert(calendar_leap_year(2400));
    cr_assert_not(calendar_leap_year(1900));
    cr_assert_not(calendar_leap_year(2100));
    cr_assert_not(calendar_leap_year(2023));
}

Test(calendar, days_in_month)
{
    static const int common[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++) {
        cr_assert_eq(calendar_days_in_month(2023, m), common[m - 1], "month %d", m);
        cr_assert_eq(calendar_days_in_month(2024, m), m == 2 ? 29 : common[m - 1], "month %d", m);
    }
    cr_assert_eq(calendar_days_in_month(1900, 2), 28);
    cr_assert_eq(calendar_days_in_month(2000, 2), 29);
    cr_assert_eq(calendar_days_in_month(2023, 0), 0);
    cr_assert_eq(calendar_days_in_month(2023, 13), 0);
}

Test(calendar, known_days)
{
    cr_assert_eq(calendar_day(1970, 1, 1), 0);
    cr_assert_eq(calendar_day(1970, 1, 2), 1);
    cr_assert_eq(calendar_day(1969, 12, 31), -1);
    cr_assert_eq(calendar_day(2000, 3, 1), 11017);
    cr_assert_eq(calendar_day(1900, 1, 1), -25567);
    cr_assert_eq(calendar_day(2024, 3, 1) - calendar_day(2024, 2, 28), 2);
    cr_assert_eq(calendar_day(2023, 3, 1) - calendar_day(2023, 2, 28), 1);
}

Test(calendar, round_trip_over_a_wide_range)
{
    /* Every day from 1900-01-01 to 9999-12-31 comes back as itself, and the
     * dates walk forward one day at a time. */
    int64_t first = calendar_day(1900, 1, 1), last = calendar_day(9999, 12, 31);
    int py = 1899, pm = 12, pd = 31;
    for (int64_t day = first; day <= last; day++) {
        int y, m, d;
        calendar_date(day, &y, &m, &d);
        bool next_day = y == py && m == pm && d == pd + 1;
        bool next_month = y == py && m == pm + 1 && d == 1 && pd == calendar_days_in_month(py, pm);
        bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
        if (!(next_day || next_month || next_year))
            cr_assert_fail("day %lld is %04d-%02d-%02d after %04d-%02d-%02d", (long long)day, y, m,
                           d, py, pm, pd);
        if (calendar_day(y, m, d) != day)
            cr_assert_fail("%04d-%02d-%02d does not come back as day %lld", y, m, d,
                           (long long)day);
        py = y;
        pm = m;
        pd = d;
    }
    cr_assert_eq(py, 9999);
}

Test(calendar, parse_and_format)
{
    int64_t day;
    cr_assert_eq(calendar_parse("2024-02-29", &day), 0);
    cr_assert_eq(day, calendar_day(2024, 2, 29));
    char text[11];
    calendar_format(day, text);
    cr_assert_str_eq(text, "2024-02-29");
    cr_assert_eq(calendar_parse("1900-01-01", &day), 0);
    calendar_format(day, text);
    cr_assert_str_eq(text, "1900-01-01");
    cr_assert_eq(calendar_parse("9999-12-31", &day), 0);
    calendar_format(day, text);
    cr_assert_str_eq(text, "9999-12-31");
    calendar_format(0, text);
    cr_assert_str_eq(text, "1970-01-01");

    static const char *const bad[] = {
        "2023-02-29", "2100-02-29", "2024-04-31",  "2024-13-01", "2024-00-10",  "2024-01-00",
        "1899-12-31", "2024-1-01",  "2024-01-1",   "2024/01/01", "2024-01-011", "",
        "20240101",   "2024-01-0x", " 2024-01-01", "abcd-ef-gh",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(calendar_parse(bad[i], &day), -1, "\"%s\" was taken for a date", bad[i]);
    cr_assert_eq(calendar_parse(NULL, &day), -1);
}

Test(calendar, key)
{
    cr_assert_eq(calendar_key(calendar_day(2026, 11, 23)), 20261123u);
    cr_assert_eq(calendar_key(calendar_day(1900, 1, 1)), 19000101u);
    cr_assert_eq(calendar_key(calendar_day(9999, 12, 31)), 99991231u);
    /* Key order is day order, across months and years. */
    cr_assert_lt(calendar_key(calendar_day(2025, 12, 31)), calendar_key(calendar_day(2026, 1, 1)));
    cr_assert_lt(calendar_key(calendar_day(2026, 1, 31)), calendar_key(calendar_day(2026, 2, 1)));
}

Test(calendar, yearly_29_february)
{
    cr_assert_eq(calendar_yearly(2024, 2, 29), calendar_day(2024, 2, 29));
    cr_assert_eq(calendar_yearly(2023, 2, 29), calendar_day(2023, 2, 28));
    cr_assert_eq(calendar_yearly(2100, 2, 29), calendar_day(2100, 2, 28));
    cr_assert_eq(calendar_yearly(2000, 2, 29), calendar_day(2000, 2, 29));
    cr_assert_eq(calendar_yearly(2023, 12, 25), calendar_day(2023, 12, 25));
    cr_assert_eq(calendar_yearly(2023, 3, 1), calendar_day(2023, 3, 1));
}

Test(calendar, year_wrap)
{
    int64_t eve = calendar_day(2025, 12, 31);
    int y, m, d;
    calendar_date(eve + 1, &y, &m, &d);
    cr_assert(y == 2026 && m == 1 && d == 1, "got %04d-%02d-%02d", y, m, d);
    calendar_date(eve - 365, &y, &m, &d);
    cr_assert(y == 2024 && m == 12 && d == 31, "got %04d-%02d-%02d", y, m, d);
    char text[11];
    calendar_format(calendar_day(2024, 12, 31) + 366, text);
    cr_assert_str_eq(text, "2026-01-01");
    /* A horizon starting late in one year meets the next year's dates. */
    cr_assert_eq(calendar_yearly(2026, 1, 3) - eve, 3);
}

Test(calendar, text_dates_strictly_checked)
{
    int y, m, d;
    cr_assert_eq(calendar_parse_date("2024-02-29", &y, &m, &d), 0);
    cr_assert(y == 2024 && m == 2 && d == 29);
    cr_assert_eq(calendar_parse_date("2000-02-29", NULL, NULL, NULL), 0);
    cr_assert_eq(calendar_parse_date("1900-01-01", NULL, NULL, NULL), 0);
    cr_assert_eq(calendar_parse_date("9999-12-31", NULL, NULL, NULL), 0);
    static const char *const bad[] = {
        "2023-02-29",  "1900-02-29", "2100-02-29", "2024-04-31", "2024-13-01",  "2024-00-10",
        "2024-01-00",  "2024-01-32", "1899-12-31", "2024-1-01",  "2024/01/01",  "20240101",
        "2024-01-01 ", "+024-01-01", "",           "abcd-ef-gh", "2024-01-011",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        cr_assert_eq(calendar_parse_date(bad[i], &y, &m, &d), -1, "%s", bad[i]);
}

Test(calendar, today_in_utc)
{
    char out[CALENDAR_DATE_TEXT + 1];
    calendar_today(0, out);
    cr_assert_str_eq(out, "1970-01-01");
    calendar_today(951782400, out); /* 2000-02-29T00:00:00Z */
    cr_assert_str_eq(out, "2000-02-29");
    calendar_today(951868799, out);
    cr_assert_str_eq(out, "2000-02-29");
    calendar_today(1798761599, out); /* 2026-12-31T23:59:59Z */
    cr_assert_str_eq(out, "2026-12-31");
    calendar_today(-1, out); /* the last second of 1969 */
    cr_assert_str_eq(out, "1969-12-31");
    calendar_today(-2208988801, out); /* before 1900: held to the first day */
    cr_assert_str_eq(out, "1900-01-01");
    calendar_today(253402300800, out); /* 10000-01-01: held to the last */
    cr_assert_str_eq(out, "9999-12-31");
}

Test(calendar, text_key)
{
    cr_assert_eq(calendar_text_key("2026-11-23"), 20261123u);
    cr_assert_eq(calendar_text_key("2026-02-30"), 0);
    cr_assert_eq(calendar_text_key(""), 0);
    cr_assert_eq(calendar_text_key(NULL), 0);
}

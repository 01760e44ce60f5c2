/* test_time_zone.c - dates and offsets in IANA time zones from the system's
 * tz database (server/time_zone.c), in-process. Needs tzdata's files, which
 * tools/setup installs. Times are fixed unix times, never the clock. */
#include <string.h>

#include <criterion/criterion.h>

#include "calendar.h"
#include "time_zone.h"

/* Unix time of a UTC date and time. */
static int64_t utc(int y, int m, int d, int hh, int mm)
{
    return calendar_day(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static void today_is(const char *zone, int64_t now, const char *want)
{
    char got[CALENDAR_DATE_TEXT + 1];
    time_zone_today(zone, now, got);
    cr_assert_str_eq(got, want, "%s: %s, not %s", zone, got, want);
}

Test(time_zone, lima_at_half_past_eleven_is_still_the_same_day)
{
    /* 23:30 in Lima (UTC-5, no daylight saving) is 04:30 UTC the next day. */
    today_is("America/Lima", utc(2030, 6, 4, 4, 30), "2030-06-03");
    today_is("America/Lima", utc(2030, 6, 4, 5, 0), "2030-06-04");
    today_is("", utc(2030, 6, 4, 4, 30), "2030-06-04");
    today_is("UTC", utc(2030, 6, 4, 4, 30), "2030-06-04");
    today_is("Asia/Tokyo", utc(2030, 6, 3, 15, 0), "2030-06-04");
}

Test(time_zone, daylight_saving_comes_from_the_database)
{
    int32_t offset;
    cr_assert_eq(time_zone_offset("Europe/Berlin", utc(2030, 1, 15, 12, 0), &offset), 0);
    cr_assert_eq(offset, 3600);
    cr_assert_eq(time_zone_offset("Europe/Berlin", utc(2030, 7, 15, 12, 0), &offset), 0);
    cr_assert_eq(offset, 7200);
    cr_assert_eq(time_zone_offset("America/Lima", utc(2030, 7, 15, 12, 0), &offset), 0);
    cr_assert_eq(offset, -5 * 3600);
    /* Past the last transition, from the footer's rule. */
    cr_assert_eq(time_zone_offset("America/Lima", utc(2090, 7, 15, 12, 0), &offset), 0);
    cr_assert_eq(offset, -5 * 3600);
    /* Before 28 July 1908 Lima kept local mean time, 5:08:36 behind UTC. */
    cr_assert_eq(time_zone_offset("America/Lima", utc(1900, 1, 1, 0, 0), &offset), 0);
    cr_assert_eq(offset, -(5 * 3600 + 8 * 60 + 36), "%d", offset);
}

Test(time_zone, names_outside_the_database_are_refused)
{
    cr_assert_null(time_zone_check(""));
    cr_assert_null(time_zone_check("America/Lima"));
    cr_assert_null(time_zone_check("UTC"));
    const char *bad[] = {"Mars/Olympus",
                         "../../etc/passwd",
                         "/etc/passwd",
                         "America//Lima",
                         "America/",
                         ".hidden",
                         "America/Lima ",
                         "zone.tab",
                         "A23456789012345678901234567890123456789012345678901234567890123456"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = time_zone_check(bad[i]);
        cr_assert_not_null(why, "%s", bad[i]);
        cr_assert(strncmp(why, "time_zone:", 10) == 0, "%s", why);
    }
    int32_t offset = 1;
    cr_assert_eq(time_zone_offset("Mars/Olympus", 0, &offset), -1);
    cr_assert_eq(offset, 0);
    today_is("Mars/Olympus", utc(2030, 6, 4, 4, 30), "2030-06-04");
}

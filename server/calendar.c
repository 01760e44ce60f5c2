/* calendar.c - see calendar.h.
 *
 * Day numbers follow the proleptic Gregorian calendar, counted with the
 * era-based method (400-year cycles of 146097 days), so conversion needs
 * no loops and no tables and holds for every year the formats allow. */
#include "calendar.h"

#include <stddef.h>

#define CALENDAR_YEAR_MIN 1900
#define CALENDAR_YEAR_MAX 9999

bool calendar_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int calendar_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && calendar_leap_year(year))
        return 29;
    return days[month - 1];
}

int64_t calendar_day(int year, int month, int day)
{
    /* Years start on 1 March here, so the leap day is the last of the year. */
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void calendar_date(int64_t day, int *year, int *month, int *mday)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *mday = (int)d;
}

static bool calendar_digit(char c)
{
    return c >= '0' && c <= '9';
}

int calendar_parse_date(const char *text, int *year, int *month, int *mday)
{
    if (text == NULL)
        return -1;
    for (size_t i = 0; i < CALENDAR_DATE_TEXT; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? text[i] != '-' : !calendar_digit(text[i]))
            return -1; /* also stops at a short string's terminator */
    }
    if (text[CALENDAR_DATE_TEXT] != '\0')
        return -1;
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int m = (text[5] - '0') * 10 + (text[6] - '0');
    int d = (text[8] - '0') * 10 + (text[9] - '0');
    if (y < CALENDAR_YEAR_MIN || m < 1 || m > 12 || d < 1 || d > calendar_days_in_month(y, m))
        return -1;
    if (year != NULL)
        *year = y;
    if (month != NULL)
        *month = m;
    if (mday != NULL)
        *mday = d;
    return 0;
}

int calendar_parse(const char *text, int64_t *day)
{
    int y, m, d;
    if (calendar_parse_date(text, &y, &m, &d) != 0)
        return -1;
    *day = calendar_day(y, m, d);
    return 0;
}

static void calendar_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void calendar_format(int64_t day, char out[CALENDAR_DATE_TEXT + 1])
{
    /* Days outside the four-digit years cannot be written as YYYY-MM-DD:
     * they are held to the nearest end rather than overflowing the text. */
    int64_t lo = calendar_day(0, 1, 1), hi = calendar_day(CALENDAR_YEAR_MAX, 12, 31);
    if (day < lo)
        day = lo;
    if (day > hi)
        day = hi;
    int y, m, d;
    calendar_date(day, &y, &m, &d);
    calendar_digits(out, y, 4);
    out[4] = '-';
    calendar_digits(out + 5, m, 2);
    out[7] = '-';
    calendar_digits(out + 8, d, 2);
    out[10] = '\0';
}

void calendar_today(int64_t now, char out[CALENDAR_DATE_TEXT + 1])
{
    int64_t day = now / 86400 - (now % 86400 < 0); /* rounded down before 1970 too */
    int64_t lo = calendar_day(CALENDAR_YEAR_MIN, 1, 1),
            hi = calendar_day(CALENDAR_YEAR_MAX, 12, 31);
    calendar_format(day < lo ? lo : day > hi ? hi : day, out);
}

uint32_t calendar_key(int64_t day)
{
    int y, m, d;
    calendar_date(day, &y, &m, &d);
    if (y < 0)
        return 0;
    return (uint32_t)y * 10000u + (uint32_t)m * 100u + (uint32_t)d;
}

int64_t calendar_yearly(int year, int month, int mday)
{
    int last = calendar_days_in_month(year, month);
    if (mday > last)
        mday = last;
    return calendar_day(year, month, mday);
}

uint32_t calendar_text_key(const char *text)
{
    int y, m, d;
    if (calendar_parse_date(text, &y, &m, &d) != 0)
        return 0;
    return (uint32_t)y * 10000u + (uint32_t)m * 100u + (uint32_t)d;
}

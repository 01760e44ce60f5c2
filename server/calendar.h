/* calendar.h - days and dates for the agenda, as pure functions.
 *
 * A day is a count of days since 1970-01-01 (negative before it), so date
 * arithmetic is integer arithmetic. Text dates are YYYY-MM-DD (proleptic
 * Gregorian, years 1900-9999): the form every date takes in records and on
 * the wire. */
#ifndef FOLIO_CALENDAR_H
#define FOLIO_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#define CALENDAR_DATE_TEXT 10 /* "YYYY-MM-DD", without the NUL */

bool calendar_leap_year(int year);
int calendar_days_in_month(int year, int month);

int64_t calendar_day(int year, int month, int day);
void calendar_date(int64_t day, int *year, int *month, int *mday);

/* 0 and the parts (each may be NULL) for a real YYYY-MM-DD, -1 otherwise. */
int calendar_parse_date(const char *text, int *year, int *month, int *mday);
/* 0 and the day for a real YYYY-MM-DD, -1 otherwise. */
int calendar_parse(const char *text, int64_t *day);
/* Days before year 0 or after 9999 are written as the nearest end. */
void calendar_format(int64_t day, char out[CALENDAR_DATE_TEXT + 1]);
/* The UTC date of a unix time, held within years 1900-9999. */
void calendar_today(int64_t now, char out[CALENDAR_DATE_TEXT + 1]);
/* YYYYMMDD as a number: the date part of index keys. */
uint32_t calendar_key(int64_t day);
/* The same for a text date; 0 when text is not a real date. */
uint32_t calendar_text_key(const char *text);

/* The day in `year` on which a yearly date month/mday (month 1-12) falls:
 * 29 February falls on 28 February in years without one. */
int64_t calendar_yearly(int year, int month, int mday);

#endif

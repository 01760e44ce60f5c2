/* time_zone.h - the date in an IANA time zone ("America/Lima"), from the
 * system's tz database (tzdata's TZif files under /usr/share/zoneinfo).
 *
 * Why not localtime_r: it answers for the zone in TZ, which is one per
 * process (setenv and tzset change it for every thread, and glibc's tzset
 * state is shared), while foliod answers for many agents at once from the
 * loop, the pool and the writer. So a zone's file is read and its offsets
 * looked up here instead: pure functions of their arguments and the file,
 * safe in any thread. A zone file is small (a few KiB, bounded below); it
 * is read on each call, from the page cache. */
#ifndef FOLIO_TIME_ZONE_H
#define FOLIO_TIME_ZONE_H

#include <stdint.h>

#include "calendar.h"

#define TIME_ZONE_NAME_MAX 64
#define TIME_ZONE_DIR      "/usr/share/zoneinfo"

/* NULL when name is a zone of the tz database (a name such as
 * "America/Lima" or "UTC" whose file reads as TZif), else a sentence
 * naming the field (time_zone). "" is no zone: fine. */
const char *time_zone_check(const char *name);

/* The offset from UTC, in seconds, of zone name at unix time now: 0 and
 * *offset, or -1 when the zone cannot be read (then *offset is 0). */
int time_zone_offset(const char *name, int64_t now, int32_t *offset);

/* The date in zone name at unix time now, YYYY-MM-DD; UTC's for "" or a
 * zone that cannot be read. */
void time_zone_today(const char *name, int64_t now, char out[CALENDAR_DATE_TEXT + 1]);

#endif

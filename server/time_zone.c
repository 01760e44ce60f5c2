/* time_zone.c - see time_zone.h.
 *
 * A TZif file (RFC 8536) is a header and a data block of 32-bit times,
 * then, from version 2 on, a second header and block of 64-bit times and a
 * footer with a POSIX TZ string for times after the last transition. Only
 * the 64-bit block is read (every file tzdata ships has one). After the
 * last transition the footer's standard offset is taken when it has no
 * daylight-saving rule (Lima: "<-05>5"); a zone with rules keeps the last
 * transition's offset, which tzdata's files (written with transitions up to
 * 2037) make right for every date folio deals with today. */
#include "time_zone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The largest zone file tzdata ships is under 4 KiB; room to spare. */
#define TZIF_MAX    (64 * 1024)
#define TZIF_HEADER 44

static uint32_t tzif_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t tzif_i64(const uint8_t *p)
{
    return (int64_t)((uint64_t)tzif_u32(p) << 32 | tzif_u32(p + 4));
}

/* A name of the database, not a path out of it: letters, digits, _ + - and
 * single slashes between parts that do not start with a dot. */
static bool time_zone_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > TIME_ZONE_NAME_MAX || name[0] == '/' || name[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool part_start = i == 0 || name[i - 1] == '/';
        if (part_start && (c == '.' || c == '/'))
            return false;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '/'))
            return false;
    }
    return true;
}

/* Reads the zone's file into buf; its size, or -1. */
static ssize_t time_zone_read(const char *name, uint8_t *buf, size_t cap)
{
    char path[sizeof(TIME_ZONE_DIR) + TIME_ZONE_NAME_MAX + 2];
    if (!time_zone_name_ok(name))
        return -1;
    snprintf(path, sizeof(path), "%s/%s", TIME_ZONE_DIR, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
        if (n == cap)
            break;
    }
    close(fd);
    return n == cap ? -1 : (ssize_t)n;
}

/* The counts of a header at p (timecnt, typecnt, charcnt, leapcnt,
 * isstdcnt, isutcnt) and the size of the block after it for times of
 * time_size bytes; -1 for a header that is not TZif's. */
struct tzif_counts {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int64_t tzif_block(const uint8_t *p, size_t avail, size_t time_size, struct tzif_counts *c)
{
    if (avail < TZIF_HEADER || memcmp(p, "TZif", 4) != 0)
        return -1;
    c->isutcnt = tzif_u32(p + 20);
    c->isstdcnt = tzif_u32(p + 24);
    c->leapcnt = tzif_u32(p + 28);
    c->timecnt = tzif_u32(p + 32);
    c->typecnt = tzif_u32(p + 36);
    c->charcnt = tzif_u32(p + 40);
    if (c->typecnt == 0 || c->timecnt > TZIF_MAX || c->typecnt > 256 || c->charcnt > TZIF_MAX ||
        c->leapcnt > TZIF_MAX || c->isstdcnt > 256 || c->isutcnt > 256)
        return -1;
    uint64_t size = (uint64_t)c->timecnt * time_size + c->timecnt + (uint64_t)c->typecnt * 6 +
                    c->charcnt + (uint64_t)c->leapcnt * (time_size + 4) + c->isstdcnt + c->isutcnt;
    return size <= avail - TZIF_HEADER ? (int64_t)size : -1;
}

/* The standard offset of a POSIX TZ string without a daylight-saving rule
 * ("<-05>5", "JST-9"): 0 and *offset (seconds east of UTC), else -1. */
static int tzif_footer_offset(const char *tz, int32_t *offset)
{
    const char *p = tz;
    if (*p == '<') {
        p = strchr(p, '>');
        if (p == NULL)
            return -1;
        p++;
    } else {
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            p++;
    }
    if (p == tz)
        return -1;
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (*p < '0' || *p > '9')
        return -1;
    long h = 0, m = 0, s = 0;
    char *end;
    h = strtol(p, &end, 10);
    if (*end == ':') {
        m = strtol(end + 1, &end, 10);
        if (*end == ':')
            s = strtol(end + 1, &end, 10);
    }
    if (*end != '\0' || h > 167 || m > 59 || s > 59)
        return -1; /* a daylight-saving part follows, or it is not a TZ string */
    /* POSIX counts west of UTC positive: "5" is UTC-5. */
    *offset = (int32_t)(-sign * (h * 3600 + m * 60 + s));
    return 0;
}

/* The offset at now from the zone file in buf[0..len). */
static int tzif_offset(const uint8_t *buf, size_t len, int64_t now, int32_t *offset)
{
    struct tzif_counts c1, c;
    int64_t skip = tzif_block(buf, len, 4, &c1);
    if (skip < 0 || buf[4] < '2')
        return -1;
    const uint8_t *p = buf + TZIF_HEADER + skip;
    size_t avail = len - TZIF_HEADER - (size_t)skip;
    int64_t size = tzif_block(p, avail, 8, &c);
    if (size < 0)
        return -1;
    const uint8_t *times = p + TZIF_HEADER, *idx = times + (size_t)c.timecnt * 8;
    const uint8_t *types = idx + c.timecnt;
    /* Before the first transition: the first type (RFC 8536 3.2). */
    uint32_t type = 0;
    size_t lo = 0, hi = c.timecnt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tzif_i64(times + mid * 8) <= now)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0)
        type = idx[lo - 1];
    if (type >= c.typecnt)
        return -1;
    *offset = (int32_t)tzif_u32(types + (size_t)type * 6);
    if (c.timecnt > 0 && lo == c.timecnt) {
        /* After the last transition: the footer, "\nTZ\n", when it is plain. */
        const uint8_t *foot = p + TZIF_HEADER + size;
        size_t foot_len = len - (size_t)(foot - buf);
        char tz[64];
        if (foot_len > 2 && foot_len < sizeof(tz) + 2 && foot[0] == '\n' &&
            foot[foot_len - 1] == '\n') {
            memcpy(tz, foot + 1, foot_len - 2);
            tz[foot_len - 2] = '\0';
            int32_t plain;
            if (tzif_footer_offset(tz, &plain) == 0)
                *offset = plain;
        }
    }
    return *offset > -26 * 3600 && *offset < 26 * 3600 ? 0 : -1;
}

int time_zone_offset(const char *name, int64_t now, int32_t *offset)
{
    *offset = 0;
    uint8_t *buf = malloc(TZIF_MAX);
    if (buf == NULL)
        return -1;
    ssize_t len = time_zone_read(name, buf, TZIF_MAX);
    int rc = len < 0 ? -1 : tzif_offset(buf, (size_t)len, now, offset);
    free(buf);
    if (rc != 0)
        *offset = 0;
    return rc;
}

const char *time_zone_check(const char *name)
{
    if (name[0] == '\0')
        return NULL;
    int32_t offset;
    if (!time_zone_name_ok(name) || time_zone_offset(name, 0, &offset) != 0)
        return "time_zone: not a time zone of the tz database (e.g. America/Lima, UTC)";
    return NULL;
}

void time_zone_today(const char *name, int64_t now, char out[CALENDAR_DATE_TEXT + 1])
{
    int32_t offset = 0;
    if (name[0] != '\0')
        time_zone_offset(name, now, &offset);
    calendar_today(now + offset, out);
}

/* agenda_ics.c - see agenda_ics.h. */
#include "agenda_ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

/* An item's day as an all-day date, or a null time when it is not one. */
static struct icaltimetype agenda_ics_day(const char *date)
{
    int y, m, d;
    char end;
    struct icaltimetype t = icaltime_null_date();
    if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen(date) != 10 || m < 1 ||
        m > 12 || d < 1 || d > icaltime_days_in_month(m, y))
        return icaltime_null_time();
    t.year = y;
    t.month = m;
    t.day = d;
    return t;
}

/* What to do about the item, one thing a line. */
static char *agenda_ics_description(const Folio__AgendaItem *item)
{
    const char *lines[][2] = {
        {"", item->suggestion},          {"avoid: ", item->avoid}, {"held back: ", item->held_back},
        {"client: ", item->client_name}, {"kind: ", item->kind},
    };
    size_t size = 1;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        size += strlen(lines[i][0]) + strlen(lines[i][1]) + 1;
    char *text = malloc(size);
    if (text == NULL)
        return NULL;
    size_t used = 0;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (lines[i][1][0] == '\0')
            continue;
        used += (size_t)snprintf(text + used, size - used, "%s%s%s", used > 0 ? "\n" : "",
                                 lines[i][0], lines[i][1]);
    }
    text[used] = '\0';
    return text;
}

static icalcomponent *agenda_ics_event(const Folio__AgendaItem *item, struct icaltimetype stamp)
{
    struct icaltimetype day = agenda_ics_day(item->date);
    if (icaltime_is_null_time(day) || item->id[0] == '\0')
        return NULL;
    struct icaltimetype next = day;
    icaltime_adjust(&next, 1, 0, 0, 0);
    size_t uid_len = strlen(item->id) + sizeof(AGENDA_ICS_UID_SUFFIX);
    char *uid = malloc(uid_len);
    char *description = agenda_ics_description(item);
    icalcomponent *event = NULL;
    if (uid != NULL && description != NULL) {
        snprintf(uid, uid_len, "%s%s", item->id, AGENDA_ICS_UID_SUFFIX);
        event = icalcomponent_vanew(
            ICAL_VEVENT_COMPONENT, icalproperty_new_uid(uid), icalproperty_new_dtstamp(stamp),
            icalproperty_new_dtstart(day), icalproperty_new_dtend(next),
            icalproperty_new_summary(item->title), icalproperty_new_description(description),
            icalproperty_new_categories(item->kind),
            icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT), (void *)0);
    }
    free(uid);
    free(description);
    return event;
}

char *agenda_ics_render(Folio__AgendaItem *const *items, size_t n, int64_t now,
                        const Folio__AgendaItem **bad)
{
    *bad = NULL;
    icalcomponent *calendar = icalcomponent_vanew(
        ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
        icalproperty_new_prodid("-//folio//agenda//EN"), icalproperty_new_calscale("GREGORIAN"),
        icalproperty_new_method(ICAL_METHOD_PUBLISH), (void *)0);
    if (calendar == NULL)
        return NULL;
    struct icaltimetype stamp =
        icaltime_from_timet_with_zone((time_t)now, 0, icaltimezone_get_utc_timezone());
    for (size_t i = 0; i < n; i++) {
        icalcomponent *event = agenda_ics_event(items[i], stamp);
        if (event == NULL) {
            *bad = items[i];
            icalcomponent_free(calendar);
            return NULL;
        }
        icalcomponent_add_component(calendar, event);
    }
    char *text = icalcomponent_as_ical_string_r(calendar);
    icalcomponent_free(calendar);
    return text;
}

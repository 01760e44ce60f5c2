/* agenda_ics.h - an agenda as an iCalendar file (RFC 5545), for calendar
 * programs (Outlook, Google Calendar, Apple Calendar).
 *
 * libical builds and writes the calendar, so escaping (commas, semicolons,
 * backslashes, newlines) and line folding at 75 octets are its, not
 * ours. Each agenda item is one all-day VEVENT on its day (items carry a
 * day, never a time: birthdays, renewals, follow-ups alike), transparent
 * (it blocks no time). Its UID is made from the item's id, which the
 * server derives from what the item is about, so a calendar that imports
 * a later export of the same days updates the events it has instead of
 * adding them again. Pure: no I/O. */
#ifndef FOLIO_AGENDA_ICS_H
#define FOLIO_AGENDA_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "folio.pb-c.h"

/* The UID of an item's event: "<item id>@agenda.folio". */
#define AGENDA_ICS_UID_SUFFIX "@agenda.folio"

/* The calendar of n items, made at now (unix seconds, the DTSTAMP), as a
 * NUL-terminated string to free(); NULL when out of memory or an item has
 * no id or no real date (*bad then names it, else NULL). */
char *agenda_ics_render(Folio__AgendaItem *const *items, size_t n, int64_t now,
                        const Folio__AgendaItem **bad);

#endif

/* wire_limits.h - the bounds of request values that both sides check.
 *
 * The server refuses a value outside them (INVALID_ARGUMENT); folio checks
 * its flags against the same numbers first, so that a usage message states
 * the range the server really allows. A number here is part of the wire
 * contract: raising one needs a server that accepts it. */
#ifndef FOLIO_WIRE_LIMITS_H
#define FOLIO_WIRE_LIMITS_H

#define FOLIO_PAGE_MAX           1000 /* records in one page of a list (--limit) */
#define FOLIO_AGENDA_DAYS_MAX    366  /* days an agenda looks ahead (--days) */
#define FOLIO_RULE_WINDOW_MAX    3650 /* days a rule looks back (--window) */
#define FOLIO_STAY_IN_TOUCH_MAX  3650 /* days (--stay-in-touch) */
#define FOLIO_RENEWAL_NOTICE_MAX 365  /* days (--renewal-notice-days) */
#define FOLIO_CONTACT_EVERY_MAX  3650 /* days between contacts (--contact-every) */
#define FOLIO_CHILDREN_MAX       30   /* --children */
#define FOLIO_FIND_TEXT_MAX      200  /* bytes of a client find text */
#define FOLIO_NOTES_MAX          4000 /* bytes of a client's notes */
#define FOLIO_AGENDA_ID_TEXT     16   /* hex digits of an agenda item's id */
#define FOLIO_AGENDA_ID_MIN      4    /* hex digits that may name an item (done, snooze ...) */
#define FOLIO_AGENDA_NOTE_MAX    1000 /* bytes of the note a mark is made with (--note) */
#define FOLIO_SNOOZE_DAYS_MAX    366  /* days an item may be snoozed for (--until) */
#define FOLIO_TASK_TITLE_MAX     200  /* bytes of a task's title (--title) */
#define FOLIO_TASK_NOTE_MAX      1000 /* bytes of a task's note (--note) */
#define FOLIO_NAME_MAX           200  /* bytes of a client's name */
#define FOLIO_TEXT_MAX           200  /* bytes of street, city, region, employment, ... */
#define FOLIO_PHONES_MAX         8    /* phones of one client */
#define FOLIO_EMAILS_MAX         8    /* e-mail addresses of one client */
#define FOLIO_TAGS_MAX           32   /* tags of one client */
#define FOLIO_TAG_MAX            64   /* bytes of one tag */
#define FOLIO_PHONE_MAX          32   /* bytes of one phone number */
#define FOLIO_PHONE_DIGITS_MAX   20   /* digits a number is read with: E.164's 15, prefixes */
#define FOLIO_PHONE_EXT_MAX      16   /* digits of an extension */
#define FOLIO_POSTAL_CODE_MAX    20   /* bytes of a postal code */
#define FOLIO_EMAIL_MAX          254  /* bytes of one e-mail address (RFC 5321) */

#endif

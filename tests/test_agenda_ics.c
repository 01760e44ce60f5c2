/* test_agenda_ics.c - the agenda as iCalendar (client/agenda_ics.c): the
 * text parses back, with libical and with Python's vobject, into one
 * all-day event per item with the item's text exactly, hostile text
 * (commas, semicolons, backslashes, newlines, long lines) included; UIDs
 * come from item ids alone; lines are folded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <libical/ical.h>

#include "agenda_ics.h"
#include "harness.h"

#define HOSTILE_TITLE                                                                              \
    "birthday: Pérez, Ana; \"la jefa\" \\ turns 40, call: 9-18; "                                 \
    "a line long enough to be folded twice over by any writer that keeps to the 75 octets "        \
    "RFC 5545 allows on a line, in UTF-8: ñ á ü"
#define HOSTILE_SUGGESTION "first line, with a comma\nsecond; with a semicolon\n\\third"

static void item_init(Folio__AgendaItem *item, const char *id, const char *kind, const char *date,
                      const char *title, const char *suggestion)
{
    folio__agenda_item__init(item);
    item->id = (char *)id;
    item->kind = (char *)kind;
    item->date = (char *)date;
    item->title = (char *)title;
    item->suggestion = (char *)suggestion;
    item->client_name = (char *)"Ana Pérez";
}

static char *render_two(void)
{
    static Folio__AgendaItem a, b;
    item_init(&a, "0123456789abcdef", "birthday", "2026-03-05", HOSTILE_TITLE, HOSTILE_SUGGESTION);
    item_init(&b, "fedcba9876543210", "task", "2026-12-31", "renew the policy", "");
    Folio__AgendaItem *items[] = {&a, &b};
    const Folio__AgendaItem *bad;
    char *text = agenda_ics_render(items, 2, 1770000000, &bad);
    cr_assert_not_null(text);
    cr_assert_null(bad);
    return text;
}

Test(agenda_ics, parses_back_with_libical)
{
    char *text = render_two();
    icalcomponent *cal = icalparser_parse_string(text);
    cr_assert_not_null(cal);
    cr_assert_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    cr_assert_eq(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    cr_assert_str_eq(icalcomponent_get_uid(ev), "0123456789abcdef" AGENDA_ICS_UID_SUFFIX);
    cr_assert_str_eq(icalcomponent_get_summary(ev), HOSTILE_TITLE);
    cr_assert(strstr(icalcomponent_get_description(ev), HOSTILE_SUGGESTION) != NULL);
    struct icaltimetype start = icalcomponent_get_dtstart(ev);
    struct icaltimetype end = icalcomponent_get_dtend(ev);
    cr_assert(start.is_date, "all-day");
    cr_assert_eq(start.year, 2026);
    cr_assert_eq(start.month, 3);
    cr_assert_eq(start.day, 5);
    cr_assert_eq(end.day, 6);
    /* The last day of the year ends on the first of the next. */
    ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
    end = icalcomponent_get_dtend(ev);
    cr_assert_eq(end.year, 2027);
    cr_assert_eq(end.month, 1);
    cr_assert_eq(end.day, 1);
    icalcomponent_free(cal);
    free(text);
}

Test(agenda_ics, lines_are_folded_and_end_in_crlf)
{
    char *text = render_two();
    size_t line = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\n') {
            cr_assert(p > text && p[-1] == '\r', "a line ends without CR");
            cr_assert_leq(line, 76, "a line of %zu octets", line); /* 75 + the CR */
            line = 0;
        } else {
            line++;
        }
    }
    free(text);
}

Test(agenda_ics, uids_come_from_item_ids_alone)
{
    char *first = render_two();
    char *again = render_two();
    /* The same items make the same calendar (DTSTAMP aside, given here). */
    cr_assert_str_eq(first, again);
    free(again);
    free(first);
}

Test(agenda_ics, refuses_an_item_without_a_real_date)
{
    Folio__AgendaItem item;
    item_init(&item, "0123456789abcdef", "task", "2026-02-30", "x", "");
    Folio__AgendaItem *items[] = {&item};
    const Folio__AgendaItem *bad;
    cr_assert_null(agenda_ics_render(items, 1, 0, &bad));
    cr_assert_eq(bad, &item);
}

/* Another parser than the writer's: Python's vobject (tools/setup). */
Test(agenda_ics, parses_back_with_vobject)
{
    char *text = render_two();
    char path[] = "/tmp/folio-agenda-ics-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *const argv[] = {
        "/usr/bin/python3",
        "-c",
        "import sys, vobject\n"
        "cal = vobject.readOne(open(sys.argv[1], encoding='utf-8').read())\n"
        "ev = cal.vevent_list[0]\n"
        "assert ev.summary.value == sys.argv[2], repr(ev.summary.value)\n"
        "assert sys.argv[3] in ev.description.value, repr(ev.description.value)\n"
        "assert ev.uid.value == '0123456789abcdef@agenda.folio'\n"
        "assert str(ev.dtstart.value) == '2026-03-05'\n"
        "assert len(cal.vevent_list) == 2\n"
        "print('ok')\n",
        path,
        HOSTILE_TITLE,
        HOSTILE_SUGGESTION,
        NULL,
    };
    char *out = NULL;
    int rc = harness_run(argv, NULL, &out);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", out != NULL ? out : "");
    free(out);
    free(text);
}

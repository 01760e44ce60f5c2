/* agenda_mark.c - see agenda_mark.h. */
#include "agenda_mark.h"

#include <string.h>

#include "calendar.h"
#include "wire_limits.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

/* The copy is only ever shown back: it must be bounded, not meaningful. */
#define AGENDA_MARK_TEXT_MAX 8192

static bool agenda_mark_text_ok(const char *s)
{
    return s != NULL && strlen(s) <= AGENDA_MARK_TEXT_MAX;
}

const char *agenda_mark_validate(const Folio__AgendaState *mark, const char *client_id)
{
    size_t len = strlen(mark->item_id);
    if (len != FOLIO_AGENDA_ID_TEXT || strspn(mark->item_id, "0123456789abcdef") != len)
        return "item_id: " STR(FOLIO_AGENDA_ID_TEXT) " hex digits";
    bool snoozed = strcmp(mark->state, "snoozed") == 0;
    if (!snoozed && strcmp(mark->state, "done") != 0 && strcmp(mark->state, "dismissed") != 0)
        return "state: done, snoozed or dismissed";
    if (snoozed ? calendar_parse_date(mark->until, NULL, NULL, NULL) != 0 : mark->until[0] != '\0')
        return "until: the day a snoozed item comes back, YYYY-MM-DD";
    if (strlen(mark->note) > FOLIO_AGENDA_NOTE_MAX)
        return "note: at most " STR(FOLIO_AGENDA_NOTE_MAX) " bytes";
    const Folio__AgendaItem *it = mark->item;
    if (it == NULL || strcmp(it->id, mark->item_id) != 0)
        return "item: the item the mark is on";
    if (strcmp(it->client_id, client_id) != 0)
        return "item: about another client";
    const char *texts[] = {it->kind,       it->date,  it->client_name, it->title,
                           it->suggestion, it->avoid, it->ref,         it->product,
                           it->state,      it->until, it->note,        it->due};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (!agenda_mark_text_ok(texts[i]))
            return "item: a text too long";
    return NULL;
}

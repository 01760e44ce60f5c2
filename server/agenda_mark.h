/* agenda_mark.h - what a stored mark on an agenda item may hold, as a pure
 * function shared by marks made here (op_agenda.c) and marks that come in a
 * bundle (transfer_bundle.c). */
#ifndef FOLIO_AGENDA_MARK_H
#define FOLIO_AGENDA_MARK_H

#include "folio.pb-c.h"

/* NULL when the mark is whole (an item id of 16 hex digits, a state of done,
 * snoozed or dismissed, the day a snoozed one comes back, a note within
 * bounds, the item it copies, about client_id: "" for none), else a
 * sentence naming the field. */
const char *agenda_mark_validate(const Folio__AgendaState *mark, const char *client_id);

#endif

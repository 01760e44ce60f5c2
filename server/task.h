/* task.h - what an agent's task may hold, as a pure function shared by the
 * task ops (op_task.c) and tasks that come in a bundle (transfer_bundle.c). */
#ifndef FOLIO_TASK_H
#define FOLIO_TASK_H

#include "folio.pb-c.h"

/* NULL when the task is whole (a real due day, a title of 1 to
 * FOLIO_TASK_TITLE_MAX bytes of one-line text, a note within
 * FOLIO_TASK_NOTE_MAX), else a sentence naming the field. */
const char *task_validate(const Folio__Task *task);

#endif

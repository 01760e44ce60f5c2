/* task.c - see task.h. */
#include "task.h"

#include <string.h>

#include "calendar.h"
#include "validate.h"
#include "wire_limits.h"

const char *task_validate(const Folio__Task *task)
{
    static const struct validate_msgs title = VALIDATE_MSGS("title", FOLIO_TASK_TITLE_MAX);
    if (calendar_parse_date(task->due, NULL, NULL, NULL) != 0)
        return "due: the day it is due, YYYY-MM-DD";
    const char *why = validate_field(task->title, FOLIO_TASK_TITLE_MAX, true, &title);
    if (why == NULL && strlen(task->note) > FOLIO_TASK_NOTE_MAX)
        why = "note: at most " VALIDATE_STR(FOLIO_TASK_NOTE_MAX) " bytes";
    return why;
}

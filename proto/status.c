/* status.c - see status.h. */
#include "status.h"

#include <string.h>

static const struct {
    Folio__Code code;
    const char *name;
    const char *message;
} status_table[] = {
    {FOLIO__CODE__OK, "OK", "done"},
    {FOLIO__CODE__INVALID_ARGUMENT, "INVALID_ARGUMENT",
     "the request is malformed or a value is invalid"},
    {FOLIO__CODE__NOT_FOUND, "NOT_FOUND", "no such record"},
    {FOLIO__CODE__ALREADY_EXISTS, "ALREADY_EXISTS", "a record with that name or id already exists"},
    {FOLIO__CODE__PERMISSION_DENIED, "PERMISSION_DENIED", "your role does not allow this"},
    {FOLIO__CODE__RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", "a limit was reached"},
    {FOLIO__CODE__FAILED_PRECONDITION, "FAILED_PRECONDITION",
     "the request cannot be done in the current state"},
    {FOLIO__CODE__ABORTED, "ABORTED", "the record changed since you read it"},
    {FOLIO__CODE__INTERNAL, "INTERNAL", "internal server error"},
    {FOLIO__CODE__UNAVAILABLE, "UNAVAILABLE", "the server cannot do this right now; try again"},
    {FOLIO__CODE__UNAUTHENTICATED, "UNAUTHENTICATED", "not logged in, or the session has ended"},
};

#define STATUS_COUNT (sizeof(status_table) / sizeof(status_table[0]))

const char *status_name(Folio__Code code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++)
        if (status_table[i].code == code)
            return status_table[i].name;
    return "UNKNOWN";
}

const char *status_message(Folio__Code code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++)
        if (status_table[i].code == code)
            return status_table[i].message;
    return "unknown status";
}

int status_from_name(const char *name, Folio__Code *code)
{
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (strcmp(status_table[i].name, name) == 0) {
            *code = status_table[i].code;
            return 0;
        }
    }
    return -1;
}

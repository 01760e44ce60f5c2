/* status.h - the status codes of the wire, by name and in words.
 *
 * Names are the gRPC-style identifiers that appear in JSON output
 * ("NOT_FOUND"); messages are a short default sentence for a person, used
 * when a reply carries no message of its own. */
#ifndef FOLIO_STATUS_H
#define FOLIO_STATUS_H

#include "folio.pb-c.h"

const char *status_name(Folio__Code code);
const char *status_message(Folio__Code code);

/* Returns 0 and sets *code for a known name, -1 otherwise. */
int status_from_name(const char *name, Folio__Code *code);

#endif

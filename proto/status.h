/* status.h - the status codes of the wire, by name and in words.
 *
 * Names are the gRPC-style identifiers that appear in JSON output
 * ("NOT_FOUND"); messages are a short default sentence for a person, used
 * when a reply carries no message of its own. */
#ifndef FOLIO_STATUS_H
#define FOLIO_STATUS_H

#include <stddef.h>

#include "folio.pb-c.h"

const char *status_name(Folio__Code code);
const char *status_message(Folio__Code code);

/* The most bytes of a status message, its terminating NUL not counted. */
#define STATUS_MESSAGE_MAX 512

/* Copies a message that may echo a peer's bytes into out (out_size at most
 * STATUS_MESSAGE_MAX + 1 is used) as printable, valid UTF-8: every byte that
 * is not part of a valid sequence, and every control or bidirectional
 * formatting character, becomes U+FFFD; a longer message is cut at a
 * character boundary and ends in "...". Returns the length written. */
size_t status_message_clean(const char *in, char *out, size_t out_size);

/* Returns 0 and sets *code for a known name, -1 otherwise. */
int status_from_name(const char *name, Folio__Code *code);

#endif

/* record_json.h - a stored record as a JSON object, for documents a person
 * or another system reads (the subject export, op_subject.c).
 *
 * The object is made from the message's protobuf descriptor, field by
 * field, so that a field added to a record is in the document without a
 * change here. The shape follows the CLI's JSON (design.md §7): keys are
 * the proto field names; times (int64 fields named "time" or ending in
 * "_at", unix seconds) are RFC 3339 UTC strings; an absent value (an empty
 * string, a time or enum of 0, a missing message, a proto3 optional not
 * set) is null; a repeated field is always an array; an enum value is its
 * name without the enum's prefix, in lower case ("MARITAL_MARRIED" ->
 * "married"); bytes are hex; a uint64 past INT64_MAX is a decimal string.
 * Text that is not UTF-8 has each bad byte replaced by U+FFFD, since JSON
 * cannot carry it. Pure functions: any thread. */
#ifndef FOLIO_RECORD_JSON_H
#define FOLIO_RECORD_JSON_H

#include <stdint.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* The record as a new JSON object, or NULL when out of memory. */
json_t *record_json(const ProtobufCMessage *msg);

/* t (unix seconds) as an RFC 3339 UTC string, or null for 0; NULL when out
 * of memory. */
json_t *record_json_time(int64_t t);

/* text as a JSON string (bad UTF-8 replaced as above), or null for NULL or
 * ""; NULL when out of memory. */
json_t *record_json_text(const char *text);

#endif

/* wire_field.h - length-delimited protobuf fields written by hand.
 *
 * For replies assembled from bytes that are already packed: a record read
 * from the store goes out as it lies, inside a field header written here,
 * with a few more fields appended after it. Protobuf decoders merge repeated
 * occurrences of a message, and for a singular scalar the last one wins, so
 * appending fields is the same as setting them. Pure functions. */
#ifndef FOLIO_WIRE_FIELD_H
#define FOLIO_WIRE_FIELD_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the tag and length that precede len bytes of field number field. */
size_t wire_field_header_size(uint32_t field, size_t len);
/* Writes that tag and length at p; returns the byte after them. */
uint8_t *wire_field_put_header(uint8_t *p, uint32_t field, size_t len);

/* Bytes of the whole field holding the string s, and writing it. */
size_t wire_field_string_size(uint32_t field, const char *s);
uint8_t *wire_field_put_string(uint8_t *p, uint32_t field, const char *s);

#endif

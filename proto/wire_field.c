/* wire_field.c - see wire_field.h. */
#include "wire_field.h"

#include <string.h>

/* Wire type 2: length-delimited (strings, bytes, embedded messages). */
#define WIRE_FIELD_LENGTH_DELIMITED 2u

static size_t wire_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static uint8_t *wire_varint_put(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint64_t wire_tag(uint32_t field)
{
    return ((uint64_t)field << 3) | WIRE_FIELD_LENGTH_DELIMITED;
}

size_t wire_field_header_size(uint32_t field, size_t len)
{
    return wire_varint_size(wire_tag(field)) + wire_varint_size(len);
}

uint8_t *wire_field_put_header(uint8_t *p, uint32_t field, size_t len)
{
    return wire_varint_put(wire_varint_put(p, wire_tag(field)), len);
}

size_t wire_field_string_size(uint32_t field, const char *s)
{
    size_t len = strlen(s);
    return wire_field_header_size(field, len) + len;
}

uint8_t *wire_field_put_string(uint8_t *p, uint32_t field, const char *s)
{
    size_t len = strlen(s);
    p = wire_field_put_header(p, field, len);
    memcpy(p, s, len);
    return p + len;
}

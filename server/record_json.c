/* record_json.c - see record_json.h. */
#include "record_json.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "calendar.h"

#define RECORD_JSON_SECONDS_A_DAY 86400

json_t *record_json_time(int64_t t)
{
    if (t == 0)
        return json_null();
    int64_t day = t / RECORD_JSON_SECONDS_A_DAY, secs = t % RECORD_JSON_SECONDS_A_DAY;
    if (secs < 0) {
        secs += RECORD_JSON_SECONDS_A_DAY;
        day--;
    }
    int year, month, mday;
    calendar_date(day, &year, &month, &mday);
    /* A time beyond year 9999 has no RFC 3339 form: the number as it is. */
    if (year < 0 || year > 9999)
        return json_integer(t);
    char text[32];
    snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, mday,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    return json_string(text);
}

/* text with every byte that is not part of a UTF-8 character replaced by
 * U+FFFD; malloc'd, NULL when out of memory. */
static char *record_json_utf8(const char *text, size_t len)
{
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    size_t at = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
        if (n <= 0) {
            memcpy(out + at, "\xef\xbf\xbd", 3);
            at += 3;
            n = 1;
        } else {
            memcpy(out + at, p, (size_t)n);
            at += (size_t)n;
        }
        p += n;
        len -= (size_t)n;
    }
    out[at] = '\0';
    return out;
}

json_t *record_json_text(const char *text)
{
    if (text == NULL || text[0] == '\0')
        return json_null();
    size_t len = strlen(text);
    json_t *s = json_stringn(text, len);
    if (s != NULL)
        return s;
    char *fixed = record_json_utf8(text, len);
    if (fixed == NULL)
        return NULL;
    s = json_string(fixed);
    free(fixed);
    return s;
}

static bool record_json_is_time(const ProtobufCFieldDescriptor *f)
{
    size_t len = strlen(f->name);
    return strcmp(f->name, "time") == 0 || (len > 3 && strcmp(f->name + len - 3, "_at") == 0);
}

/* "MARITAL_MARRIED" -> "married"; 0 (the unspecified value) -> null. */
static json_t *record_json_enum(const ProtobufCEnumDescriptor *desc, int value)
{
    if (value == 0)
        return json_null();
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(desc, value);
    if (v == NULL)
        return json_integer(value);
    const char *name = strchr(v->name, '_') != NULL ? strchr(v->name, '_') + 1 : v->name;
    char lower[128];
    size_t n = 0;
    for (; name[n] != '\0' && n < sizeof(lower) - 1; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    return json_string(lower);
}

static json_t *record_json_hex(const ProtobufCBinaryData *b)
{
    if (b->len == 0)
        return json_null();
    if (b->len > (SIZE_MAX - 1) / 2)
        return NULL;
    char *hex = malloc(b->len * 2 + 1);
    if (hex == NULL)
        return NULL;
    for (size_t i = 0; i < b->len; i++)
        snprintf(hex + i * 2, 3, "%02x", b->data[i]);
    json_t *s = json_string(hex);
    free(hex);
    return s;
}

static json_t *record_json_u64(uint64_t v)
{
    if (v <= INT64_MAX)
        return json_integer((json_int_t)v);
    char text[24];
    snprintf(text, sizeof(text), "%" PRIu64, v);
    return json_string(text);
}

/* One value of field f stored at p. */
static json_t *record_json_value(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return json_integer(*(const int32_t *)p);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_integer(*(const uint32_t *)p);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        if (record_json_is_time(f))
            return record_json_time(*(const int64_t *)p);
        return json_integer(*(const int64_t *)p);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return record_json_u64(*(const uint64_t *)p);
    case PROTOBUF_C_TYPE_FLOAT:
        return json_real(*(const float *)p);
    case PROTOBUF_C_TYPE_DOUBLE:
        return json_real(*(const double *)p);
    case PROTOBUF_C_TYPE_BOOL:
        return json_boolean(*(const protobuf_c_boolean *)p);
    case PROTOBUF_C_TYPE_ENUM:
        return record_json_enum(f->descriptor, *(const int *)p);
    case PROTOBUF_C_TYPE_STRING:
        return record_json_text(*(char *const *)p);
    case PROTOBUF_C_TYPE_BYTES:
        return record_json_hex(p);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
        return m == NULL ? json_null() : record_json(m);
    }
    }
    return json_null();
}

/* The size of one element of a repeated field of f's type. */
static size_t record_json_element_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:
        return sizeof(int);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 4;
    }
}

static json_t *record_json_field(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *)msg;
    const void *p = base + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t n = *(const size_t *)(base + f->quantifier_offset);
        const char *items = *(const char *const *)p;
        json_t *array = json_array();
        for (size_t i = 0; array != NULL && i < n; i++) {
            json_t *v = record_json_value(f, items + i * record_json_element_size(f));
            if (v == NULL || json_array_append_new(array, v) != 0) {
                json_decref(array);
                array = NULL;
            }
        }
        return array;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
            return json_null();
    } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0 &&
               f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE &&
               !*(const protobuf_c_boolean *)(base + f->quantifier_offset)) {
        return json_null();
    }
    return record_json_value(f, p);
}

json_t *record_json(const ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    json_t *obj = json_object();
    for (unsigned i = 0; obj != NULL && i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        json_t *v = record_json_field(msg, f);
        if (v == NULL || json_object_set_new(obj, f->name, v) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    return obj;
}

/* test_wire_field.c - fields written by hand decode as protobuf-c's own. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "folio.pb-c.h"
#include "wire_field.h"

static uint32_t field_id(const ProtobufCMessageDescriptor *desc, const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, name);
    cr_assert(f != NULL, "no field %s", name);
    return f->id;
}

/* A Response whose client is the packed record plus appended owner and
 * trend, built the way the server answers an owner's read. */
static uint8_t *response_by_hand(const Folio__Client *record, const char *owner, const char *trend,
                                 size_t *len)
{
    size_t rec_len = protobuf_c_message_get_packed_size(&record->base);
    uint8_t *rec = malloc(rec_len);
    cr_assert(rec != NULL);
    protobuf_c_message_pack(&record->base, rec);
    uint32_t f_client = field_id(&folio__response__descriptor, "client");
    uint32_t f_owner = field_id(&folio__client__descriptor, "owner");
    uint32_t f_trend = field_id(&folio__client__descriptor, "income_trend");
    size_t body =
        rec_len + wire_field_string_size(f_owner, owner) + wire_field_string_size(f_trend, trend);
    size_t size = wire_field_header_size(f_client, body) + body;
    uint8_t *out = malloc(size);
    cr_assert(out != NULL);
    uint8_t *p = wire_field_put_header(out, f_client, body);
    memcpy(p, rec, rec_len);
    p = wire_field_put_string(p + rec_len, f_owner, owner);
    p = wire_field_put_string(p, f_trend, trend);
    cr_assert_eq((size_t)(p - out), size, "sizes and writes disagree");
    free(rec);
    *len = size;
    return out;
}

Test(wire_field, appended_fields_set_what_they_name)
{
    Folio__Client record = FOLIO__CLIENT__INIT;
    record.id = (char *)"0b7c2f1e-9a55-4c1e-8f00-3b2d1c0e9f77";
    record.name = (char *)"Ana Torres";
    record.owner_id = 7;
    record.owner = (char *)"stale"; /* a later occurrence must win */
    record.city = (char *)"Cusco";
    size_t len;
    uint8_t *bytes = response_by_hand(&record, "alice", "up", &len);
    Folio__Response *r = folio__response__unpack(NULL, len, bytes);
    cr_assert(r != NULL, "the hand-made bytes do not decode");
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    cr_assert_str_eq(r->client->name, "Ana Torres");
    cr_assert_str_eq(r->client->city, "Cusco");
    cr_assert_eq(r->client->owner_id, 7);
    cr_assert_str_eq(r->client->owner, "alice");
    cr_assert_str_eq(r->client->income_trend, "up");
    cr_assert_eq(r->client->base.n_unknown_fields, 0);
    folio__response__free_unpacked(r, NULL);
    free(bytes);
}

Test(wire_field, lengths_cross_varint_boundaries)
{
    /* 127 fits one length byte, 128 needs two; 16383/16384 likewise for two
     * and three. Each decodes back to the same string. */
    const size_t sizes[] = {0, 1, 127, 128, 16383, 16384, 70000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *name = malloc(sizes[i] + 1);
        cr_assert(name != NULL);
        memset(name, 'x', sizes[i]);
        name[sizes[i]] = '\0';
        Folio__Client record = FOLIO__CLIENT__INIT;
        record.name = name;
        size_t len;
        uint8_t *bytes = response_by_hand(&record, name, "flat", &len);
        Folio__Response *r = folio__response__unpack(NULL, len, bytes);
        cr_assert(r != NULL, "size %zu does not decode", sizes[i]);
        cr_assert_eq(strlen(r->client->owner), sizes[i]);
        cr_assert_str_eq(r->client->name, name);
        cr_assert_str_eq(r->client->income_trend, "flat");
        folio__response__free_unpacked(r, NULL);
        free(bytes);
        free(name);
    }
}

Test(wire_field, header_sizes)
{
    cr_assert_eq(wire_field_header_size(1, 0), 2);
    cr_assert_eq(wire_field_header_size(15, 127), 2);
    cr_assert_eq(wire_field_header_size(16, 127), 3); /* tag 16 needs two bytes */
    cr_assert_eq(wire_field_header_size(19, 128), 4);
    uint8_t buf[16];
    uint8_t *end = wire_field_put_header(buf, 19, 300);
    cr_assert_eq(end - buf, 4);
    cr_assert_eq(buf[0], 0x9a); /* (19 << 3) | 2, low seven bits and continuation */
    cr_assert_eq(buf[1], 0x01);
    cr_assert_eq(buf[2], 0xac); /* 300 = 0b10_0101100 */
    cr_assert_eq(buf[3], 0x02);
}

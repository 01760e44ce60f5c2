/* test_frame.c - the framing library alone: frame_reader and frame_encode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "envelope.h"
#include "folio.pb-c.h"
#include "frame.h"

/* A growing byte buffer of encoded frames. */
struct bytes {
    uint8_t *data;
    size_t len;
};

static void append(struct bytes *b, const void *data, size_t len)
{
    uint8_t *grown = realloc(b->data, b->len + len);
    cr_assert_not_null(grown);
    memcpy(grown + b->len, data, len);
    b->data = grown;
    b->len += len;
}

static void append_request(struct bytes *b, const Folio__Request *req)
{
    uint8_t *frame;
    size_t len;
    cr_assert_eq(frame_encode(&req->base, FRAME_DEFAULT_MAX, &frame, &len), 0);
    append(b, frame, len);
    free(frame);
}

/* Request i of a recognisable sequence: OfficeAdd "office-<i>" with id i. */
static void append_office_add(struct bytes *b, uint64_t i)
{
    char name[32];
    snprintf(name, sizeof(name), "office-%llu", (unsigned long long)i);
    Folio__OfficeAdd add = FOLIO__OFFICE_ADD__INIT;
    add.name = name;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = i;
    envelope_set(&req, &add.base);
    append_request(b, &req);
}

static void check_office_add(const uint8_t *payload, size_t len, uint64_t i)
{
    Folio__Request *req = folio__request__unpack(NULL, len, payload);
    cr_assert_not_null(req, "frame %llu does not decode", (unsigned long long)i);
    cr_assert_eq(req->id, i);
    cr_assert_eq(req->op_case, FOLIO__REQUEST__OP_OFFICE_ADD);
    char name[32];
    snprintf(name, sizeof(name), "office-%llu", (unsigned long long)i);
    cr_assert_str_eq(req->office_add->name, name);
    folio__request__free_unpacked(req, NULL);
}

/* Copies up to chunk bytes of src into the reader; returns how many. */
static size_t feed(struct frame_reader *r, const uint8_t *src, size_t len, size_t chunk)
{
    size_t room;
    uint8_t *space = frame_reader_space(r, &room);
    cr_assert_not_null(space, "the reader offers no space");
    cr_assert_gt(room, 0);
    size_t n = len < chunk ? len : chunk;
    if (n > room)
        n = room;
    memcpy(space, src, n);
    frame_reader_commit(r, n);
    return n;
}

/* Feeds all of b in pieces of at most chunk bytes, checking every frame of
 * the office-add sequence 1..count as it completes. */
static void feed_and_check(struct frame_reader *r, const struct bytes *b, size_t chunk,
                           uint64_t count)
{
    uint64_t next = 1;
    size_t off = 0;
    while (off < b->len) {
        off += feed(r, b->data + off, b->len - off, chunk);
        const uint8_t *payload;
        size_t len;
        enum frame_result res;
        while ((res = frame_reader_next(r, &payload, &len)) == FRAME_OK) {
            cr_assert_leq(next, count, "more frames than were sent");
            check_office_add(payload, len, next++);
        }
        cr_assert_eq(res, FRAME_INCOMPLETE);
    }
    cr_assert_eq(next, count + 1, "got %llu frames of %llu", (unsigned long long)(next - 1),
                 (unsigned long long)count);
    cr_assert_eq(frame_reader_pending(r), 0);
}

Test(frame, split_byte_by_byte)
{
    struct bytes b = {0};
    for (uint64_t i = 1; i <= 5; i++)
        append_office_add(&b, i);
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    feed_and_check(&r, &b, 1, 5);
    frame_reader_free(&r);
    free(b.data);
}

Test(frame, many_frames_in_one_read)
{
    struct bytes b = {0};
    for (uint64_t i = 1; i <= 200; i++)
        append_office_add(&b, i);
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    feed_and_check(&r, &b, b.len, 200);
    frame_reader_free(&r);
    free(b.data);
}

Test(frame, odd_sized_reads)
{
    struct bytes b = {0};
    for (uint64_t i = 1; i <= 300; i++)
        append_office_add(&b, i);
    const size_t chunks[] = {2, 3, 7, 13, 4095, 4097};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        struct frame_reader r;
        frame_reader_init(&r, FRAME_DEFAULT_MAX);
        feed_and_check(&r, &b, chunks[c], 300);
        frame_reader_free(&r);
    }
    free(b.data);
}

Test(frame, large_frame_grows_the_buffer_only_as_needed)
{
    const size_t big = 200 * 1024;
    char *name = malloc(big + 1);
    cr_assert_not_null(name);
    memset(name, 'x', big);
    name[big] = '\0';
    Folio__OfficeAdd add = FOLIO__OFFICE_ADD__INIT;
    add.name = name;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 9;
    envelope_set(&req, &add.base);
    struct bytes b = {0};
    append_request(&b, &req);

    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    size_t off = 0;
    const uint8_t *payload;
    size_t len;
    enum frame_result res = FRAME_INCOMPLETE;
    for (int rounds = 0; off < b.len && rounds < 100000; rounds++) {
        off += feed(&r, b.data + off, b.len - off, 1000);
        res = frame_reader_next(&r, &payload, &len);
        if (off < b.len)
            cr_assert_eq(res, FRAME_INCOMPLETE);
    }
    cr_assert_eq(off, b.len);
    cr_assert_eq(res, FRAME_OK);
    cr_assert_eq(len, b.len - FRAME_HEADER_SIZE);
    cr_assert_leq(r.cap, b.len, "buffer of %zu bytes for a %zu-byte frame", r.cap, b.len);
    Folio__Request *got = folio__request__unpack(NULL, len, payload);
    cr_assert_not_null(got);
    cr_assert_eq(strlen(got->office_add->name), big);
    folio__request__free_unpacked(got, NULL);
    frame_reader_free(&r);
    free(b.data);
    free(name);
}

Test(frame, oversized_frame_is_refused_without_allocating)
{
    struct frame_reader r;
    frame_reader_init(&r, 100);
    uint8_t header[FRAME_HEADER_SIZE];
    frame_length_put(header, 101);
    feed(&r, header, sizeof(header), sizeof(header));
    const uint8_t *payload;
    size_t len;
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_TOO_LARGE);
    frame_reader_free(&r);

    /* The largest length a header can announce must not make the reader
     * grow towards it. */
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    frame_length_put(header, UINT32_MAX);
    feed(&r, header, sizeof(header), sizeof(header));
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_TOO_LARGE);
    size_t room;
    frame_reader_space(&r, &room);
    cr_assert_leq(r.cap, FRAME_READER_INITIAL, "reader grew to %zu bytes for a refused frame",
                  r.cap);
    frame_reader_free(&r);
}

Test(frame, frame_of_exactly_max_is_accepted)
{
    struct frame_reader r;
    frame_reader_init(&r, 100);
    uint8_t frame[FRAME_HEADER_SIZE + 100];
    frame_length_put(frame, 100);
    memset(frame + FRAME_HEADER_SIZE, 0x5a, 100);
    size_t off = 0;
    for (int rounds = 0; off < sizeof(frame) && rounds < 1000; rounds++)
        off += feed(&r, frame + off, sizeof(frame) - off, 7);
    const uint8_t *payload;
    size_t len;
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_OK);
    cr_assert_eq(len, 100);
    cr_assert_eq(payload[0], 0x5a);
    cr_assert_eq(payload[99], 0x5a);
    frame_reader_free(&r);
}

Test(frame, max_frame_out_of_range_means_default)
{
    struct frame_reader r;
    frame_reader_init(&r, 0);
    cr_assert_eq(r.max_frame, FRAME_DEFAULT_MAX);
    frame_reader_free(&r);
    frame_reader_init(&r, (size_t)FRAME_ABSOLUTE_MAX + 1);
    cr_assert_eq(r.max_frame, FRAME_DEFAULT_MAX);
    frame_reader_free(&r);
}

Test(frame, zero_length_frame)
{
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    uint8_t header[FRAME_HEADER_SIZE] = {0, 0, 0, 0};
    feed(&r, header, sizeof(header), sizeof(header));
    const uint8_t *payload;
    size_t len;
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_EMPTY);
    frame_reader_free(&r);
}

Test(frame, incomplete_header)
{
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    const uint8_t *payload;
    size_t len;
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_INCOMPLETE);
    uint8_t header[3] = {0, 0, 1};
    feed(&r, header, sizeof(header), sizeof(header));
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_INCOMPLETE);
    cr_assert_eq(frame_reader_pending(&r), 3);
    frame_reader_free(&r);
}

/* Payloads that frame correctly but are not a Request: the reader hands
 * them out and unpacking refuses them. */
Test(frame, garbage_payload_does_not_decode)
{
    static const uint8_t truncated_varint[] = {0x08, 0xff};
    static const uint8_t short_submessage[] = {0x52, 0x10, 0x01};
    static const uint8_t bad_wire_type[] = {0x0f, 0x01, 0x02, 0x03};
    static const uint8_t overlong_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                              0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    const struct {
        const uint8_t *data;
        size_t len;
    } cases[] = {
        {truncated_varint, sizeof(truncated_varint)},
        {short_submessage, sizeof(short_submessage)},
        {bad_wire_type, sizeof(bad_wire_type)},
        {overlong_varint, sizeof(overlong_varint)},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct frame_reader r;
        frame_reader_init(&r, FRAME_DEFAULT_MAX);
        uint8_t header[FRAME_HEADER_SIZE];
        frame_length_put(header, (uint32_t)cases[i].len);
        feed(&r, header, sizeof(header), sizeof(header));
        feed(&r, cases[i].data, cases[i].len, cases[i].len);
        const uint8_t *payload;
        size_t len;
        cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_OK);
        cr_assert_eq(len, cases[i].len);
        Folio__Request *req = folio__request__unpack(NULL, len, payload);
        cr_assert_null(req, "garbage case %zu decoded as a Request", i);
        frame_reader_free(&r);
    }
}

Test(frame, shrink_releases_the_buffer_when_idle)
{
    struct bytes b = {0};
    append_office_add(&b, 1);
    append_office_add(&b, 2);
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);

    /* One whole frame and part of the next: shrinking must keep the part. */
    size_t first = b.len / 2 + 2;
    feed(&r, b.data, first, first);
    const uint8_t *payload;
    size_t len;
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_OK);
    check_office_add(payload, len, 1);
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_INCOMPLETE);
    cr_assert_gt(frame_reader_pending(&r), 0);
    frame_reader_shrink(&r);
    cr_assert_not_null(r.buf, "shrink dropped pending bytes");
    feed(&r, b.data + first, b.len - first, b.len);
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_OK);
    check_office_add(payload, len, 2);

    cr_assert_eq(frame_reader_pending(&r), 0);
    frame_reader_shrink(&r);
    cr_assert_null(r.buf, "an idle reader keeps its buffer");
    cr_assert_eq(r.cap, 0);

    /* And it works again afterwards. */
    feed(&r, b.data, b.len, b.len);
    cr_assert_eq(frame_reader_next(&r, &payload, &len), FRAME_OK);
    check_office_add(payload, len, 1);
    frame_reader_free(&r);
    free(b.data);
}

Test(frame, full_buffer_offers_no_space_until_consumed)
{
    struct bytes b = {0};
    for (uint64_t i = 1; b.len < 2 * FRAME_READER_INITIAL; i++)
        append_office_add(&b, i);
    struct frame_reader r;
    frame_reader_init(&r, FRAME_DEFAULT_MAX);
    size_t off = 0;
    size_t room = 1;
    for (int rounds = 0; rounds < 100000; rounds++) {
        uint8_t *space = frame_reader_space(&r, &room);
        if (space == NULL)
            break;
        off += feed(&r, b.data + off, b.len - off, b.len);
    }
    cr_assert_eq(room, 0, "a reader with whole frames pending kept offering space");
    cr_assert_leq(r.cap, FRAME_READER_INITIAL);
    const uint8_t *payload;
    size_t len;
    uint64_t next = 1;
    while (frame_reader_next(&r, &payload, &len) == FRAME_OK)
        check_office_add(payload, len, next++);
    cr_assert_gt(next, 1);
    cr_assert_not_null(frame_reader_space(&r, &room));
    cr_assert_gt(room, 0);
    frame_reader_free(&r);
    free(b.data);
}

Test(frame, length_header_round_trip)
{
    const uint32_t values[] = {0, 1, 255, 256, 0x01020304u, UINT32_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        uint8_t h[FRAME_HEADER_SIZE];
        frame_length_put(h, values[i]);
        cr_assert_eq(frame_length_get(h), values[i]);
    }
    uint8_t h[FRAME_HEADER_SIZE];
    frame_length_put(h, 0x01020304u);
    cr_assert(h[0] == 1 && h[1] == 2 && h[2] == 3 && h[3] == 4, "length is not big-endian");
}

Test(frame, encode_respects_max_frame)
{
    char password[301];
    memset(password, 'p', 300);
    password[300] = '\0';
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = "someone";
    login.password = password;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 77;
    envelope_set(&req, &login.base);
    size_t size = protobuf_c_message_get_packed_size(&req.base);

    uint8_t *out = NULL;
    size_t out_len = 0;
    cr_assert_eq(frame_encode(&req.base, size - 1, &out, &out_len), -1,
                 "a message over max_frame was encoded");
    cr_assert_eq(frame_encode(&req.base, size, &out, &out_len), 0);
    cr_assert_eq(out_len, size + FRAME_HEADER_SIZE);
    cr_assert_eq(frame_length_get(out), size);
    Folio__Request *got = folio__request__unpack(NULL, size, out + FRAME_HEADER_SIZE);
    cr_assert_not_null(got);
    cr_assert_eq(got->id, 77);
    cr_assert_str_eq(got->login->password, password);
    folio__request__free_unpacked(got, NULL);
    free(out);
}

Test(frame, encode_tail_lands_inside_the_frame_and_counts_against_max)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 5;
    size_t size = protobuf_c_message_get_packed_size(&req.base);
    /* Field 1 (id) again, as a varint: the later occurrence wins. */
    const uint8_t tail[] = {0x08, 0x2a};
    uint8_t *out = NULL;
    size_t out_len = 0;
    cr_assert_eq(
        frame_encode_tail(&req.base, tail, sizeof(tail), size + sizeof(tail) - 1, &out, &out_len),
        -1, "the tail was not counted against max_frame");
    cr_assert_eq(
        frame_encode_tail(&req.base, tail, sizeof(tail), size + sizeof(tail), &out, &out_len), 0);
    cr_assert_eq(out_len, FRAME_HEADER_SIZE + size + sizeof(tail));
    cr_assert_eq(frame_length_get(out), size + sizeof(tail));
    Folio__Request *got =
        folio__request__unpack(NULL, size + sizeof(tail), out + FRAME_HEADER_SIZE);
    cr_assert_not_null(got);
    cr_assert_eq(got->id, 42);
    folio__request__free_unpacked(got, NULL);
    free(out);
}

/* frame.c - see frame.h. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

void frame_reader_init(struct frame_reader *r, size_t max_frame)
{
    memset(r, 0, sizeof(*r));
    if (max_frame == 0 || max_frame > FRAME_ABSOLUTE_MAX)
        max_frame = FRAME_DEFAULT_MAX;
    r->max_frame = max_frame;
}

void frame_reader_free(struct frame_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
}

uint32_t frame_length_get(const uint8_t header[FRAME_HEADER_SIZE])
{
    return (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 | (uint32_t)header[2] << 8 |
           (uint32_t)header[3];
}

void frame_length_put(uint8_t header[FRAME_HEADER_SIZE], uint32_t len)
{
    header[0] = (uint8_t)(len >> 24);
    header[1] = (uint8_t)(len >> 16);
    header[2] = (uint8_t)(len >> 8);
    header[3] = (uint8_t)len;
}

size_t frame_reader_pending(const struct frame_reader *r)
{
    return r->end - r->start;
}

void frame_reader_shrink(struct frame_reader *r)
{
    if (r->start == r->end)
        frame_reader_free(r);
}

/* How big the buffer must be to hold the frame now being received. While the
 * header is incomplete we only know it needs the initial size; an oversized
 * announced length is not our problem here: frame_reader_next reports it. */
static size_t frame_reader_wanted(const struct frame_reader *r)
{
    size_t pending = r->end - r->start;
    size_t want = FRAME_READER_INITIAL;
    if (pending >= FRAME_HEADER_SIZE) {
        size_t len = frame_length_get(r->buf + r->start);
        if (len <= r->max_frame && len + FRAME_HEADER_SIZE > want)
            want = len + FRAME_HEADER_SIZE;
    }
    return want;
}

uint8_t *frame_reader_space(struct frame_reader *r, size_t *len)
{
    /* Consumed bytes sit at the front only after whole frames were handed
     * out, so what is moved is at most one partial frame. */
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    size_t want = frame_reader_wanted(r);
    if (r->cap < want) {
        uint8_t *grown = realloc(r->buf, want);
        if (grown == NULL) {
            *len = 0;
            return NULL;
        }
        r->buf = grown;
        r->cap = want;
    }
    *len = r->cap - r->end;
    return *len ? r->buf + r->end : NULL;
}

void frame_reader_commit(struct frame_reader *r, size_t n)
{
    r->end += n;
}

enum frame_result frame_reader_next(struct frame_reader *r, const uint8_t **payload, size_t *len)
{
    size_t pending = r->end - r->start;
    if (pending < FRAME_HEADER_SIZE)
        return FRAME_INCOMPLETE;
    size_t announced = frame_length_get(r->buf + r->start);
    if (announced == 0) {
        r->start += FRAME_HEADER_SIZE;
        return FRAME_EMPTY;
    }
    if (announced > r->max_frame)
        return FRAME_TOO_LARGE;
    if (pending - FRAME_HEADER_SIZE < announced)
        return FRAME_INCOMPLETE;
    *payload = r->buf + r->start + FRAME_HEADER_SIZE;
    *len = announced;
    r->start += FRAME_HEADER_SIZE + announced;
    return FRAME_OK;
}

int frame_encode(const ProtobufCMessage *msg, size_t max_frame, uint8_t **out, size_t *out_len)
{
    return frame_encode_tail(msg, NULL, 0, max_frame, out, out_len);
}

int frame_encode_tail(const ProtobufCMessage *msg, const uint8_t *tail, size_t tail_len,
                      size_t max_frame, uint8_t **out, size_t *out_len)
{
    size_t packed = protobuf_c_message_get_packed_size(msg);
    if (tail_len > max_frame || packed > max_frame - tail_len || packed + tail_len > UINT32_MAX)
        return -1;
    size_t size = packed + tail_len;
    uint8_t *buf = malloc(FRAME_HEADER_SIZE + size);
    if (buf == NULL)
        return -1;
    frame_length_put(buf, (uint32_t)size);
    protobuf_c_message_pack(msg, buf + FRAME_HEADER_SIZE);
    if (tail_len > 0)
        memcpy(buf + FRAME_HEADER_SIZE + packed, tail, tail_len);
    *out = buf;
    *out_len = FRAME_HEADER_SIZE + size;
    return 0;
}

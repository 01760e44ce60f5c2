/* frame.h - length-prefixed framing shared by foliod and folio.
 *
 * A frame is a 4-byte big-endian length followed by that many bytes of one
 * protobuf message. A frame_reader accumulates bytes from a stream and hands
 * out whole frames: it copes with a frame split over many reads and with many
 * frames in one read. Its buffer starts small and grows only as far as the
 * largest frame allowed, so an idle connection costs little memory.
 */
#ifndef FOLIO_FRAME_H
#define FOLIO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#define FRAME_HEADER_SIZE    4
#define FRAME_DEFAULT_MAX    (1024u * 1024u)
#define FRAME_ABSOLUTE_MAX   (64u * 1024u * 1024u)
#define FRAME_READER_INITIAL 4096u

enum frame_result {
    FRAME_OK,         /* a whole frame is available */
    FRAME_INCOMPLETE, /* need more bytes */
    FRAME_EMPTY,      /* zero-length frame: a protocol error */
    FRAME_TOO_LARGE,  /* announced length exceeds the limit */
};

struct frame_reader {
    uint8_t *buf;
    size_t cap;
    size_t start; /* first unconsumed byte */
    size_t end;   /* one past the last byte read */
    size_t max_frame;
};

void frame_reader_init(struct frame_reader *r, size_t max_frame);
void frame_reader_free(struct frame_reader *r);

/* Space to read into at the tail. Moves pending bytes to the front and grows
 * the buffer when the frame being read needs it. Returns NULL (and *len 0)
 * when the buffer is full or memory is short: the caller should stop reading
 * until frames have been consumed. */
uint8_t *frame_reader_space(struct frame_reader *r, size_t *len);

/* Records that n bytes were written into the space returned above. */
void frame_reader_commit(struct frame_reader *r, size_t n);

/* The next whole frame, if any. On FRAME_OK *payload points into the reader
 * and stays valid until the next call to any frame_reader function. */
enum frame_result frame_reader_next(struct frame_reader *r, const uint8_t **payload, size_t *len);

/* Bytes received but not yet handed out as frames. */
size_t frame_reader_pending(const struct frame_reader *r);

/* Releases the buffer when nothing is pending, so idle peers hold no memory. */
void frame_reader_shrink(struct frame_reader *r);

uint32_t frame_length_get(const uint8_t header[FRAME_HEADER_SIZE]);
void frame_length_put(uint8_t header[FRAME_HEADER_SIZE], uint32_t len);

/* Packs msg behind a header into a new malloc'd buffer. Returns 0, or -1 when
 * the packed message is empty-impossible, over max_frame, or memory is short. */
int frame_encode(const ProtobufCMessage *msg, size_t max_frame, uint8_t **out, size_t *out_len);
/* The same, with tail - further fields of msg already packed (wire_field.h) -
 * appended inside the same frame. max_frame bounds the two together. */
int frame_encode_tail(const ProtobufCMessage *msg, const uint8_t *tail, size_t tail_len,
                      size_t max_frame, uint8_t **out, size_t *out_len);

#endif

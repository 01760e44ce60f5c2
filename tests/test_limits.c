/* test_limits.c - the limits a peer meets when it holds a connection without
 * using it as meant: too many from one address, no login, a frame left half
 * sent, requests piled ahead of their answers, answers never read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "envelope.h"
#include "frame.h"
#include "harness.h"

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(limits, .fini = teardown);

/* A logged-in raw connection answers WhoAmI: it is still open and served. */
static void expect_served(struct harness_raw *raw, uint64_t id)
{
    Folio__Request req = harness_whoami_request(id);
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, id, FOLIO__CODE__OK, NULL);
}

Test(limits, one_address_may_hold_only_so_many_connections)
{
    const char *const flags[] = {"--max-connections-per-address", "2", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *a = harness_raw_connect(&srv);
    harness_raw_hello(a, 1);
    struct harness_raw *b = harness_raw_connect(&srv);
    harness_raw_hello(b, 1);
    struct harness_raw *c = harness_raw_connect(&srv);
    /* Refused after its handshake, so that it can read why. */
    harness_raw_refused_and_closed(c, FOLIO__CODE__RESOURCE_EXHAUSTED,
                                   "your address is at the server's limit of 2");
    harness_raw_close(c);
    harness_raw_login(a, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    expect_served(a, 3);

    /* A place freed is a place for the next one. */
    harness_raw_close(b);
    cr_assert(harness_raw_served_again(&srv),
              "no place for a new connection after one of two closed");
    harness_raw_close(a);
    harness_server_finish(&srv);
}

Test(limits, a_connection_that_never_logs_in_is_closed)
{
    const char *const flags[] = {"--login-timeout", "1", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *loiterer = harness_raw_connect(&srv);
    harness_raw_hello(loiterer, 1);
    struct harness_raw *member = harness_raw_connect(&srv);
    harness_raw_hello(member, 1);
    harness_raw_login(member, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    harness_raw_refused_and_closed(loiterer, FOLIO__CODE__UNAUTHENTICATED,
                                   "no login within 1 seconds");
    harness_raw_close(loiterer);
    /* The logged-in one is untouched, well past the limit. */
    harness_sleep_ms(2500);
    expect_served(member, 3);
    harness_raw_close(member);
    harness_server_finish(&srv);
}

Test(limits, a_frame_left_half_sent_closes_the_connection)
{
    const char *const flags[] = {"--frame-timeout", "1", "--login-timeout", "0", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *slow = harness_raw_connect(&srv);
    harness_raw_hello(slow, 1);
    struct harness_raw *quiet = harness_raw_connect(&srv);
    harness_raw_hello(quiet, 1);
    harness_raw_login(quiet, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    /* The first two bytes of a frame header, then nothing. */
    const uint8_t start[2] = {0, 0};
    harness_raw_write(slow, start, sizeof(start));
    harness_raw_refused_and_closed(slow, FOLIO__CODE__INVALID_ARGUMENT,
                                   "a frame was left unfinished");
    harness_raw_close(slow);
    /* Silence between whole frames is not a half-sent frame. */
    harness_sleep_ms(2500);
    expect_served(quiet, 3);
    harness_raw_close(quiet);
    harness_server_finish(&srv);
}

Test(limits, requests_beyond_the_in_flight_limit_wait_their_turn)
{
    const char *const flags[] = {"--max-in-flight", "2", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = 10; id < 110; id++) {
        Folio__Request req = harness_whoami_request(id);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(raw, buf, len);
    free(buf);
    for (uint64_t id = 10; id < 110; id++)
        harness_raw_expect(raw, id, FOLIO__CODE__OK, NULL);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(limits, answers_never_read_stop_the_reading_not_the_server)
{
    const char *const flags[] = {"--max-output-bytes", "65536", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *hog = harness_raw_connect(&srv);
    harness_raw_hello(hog, 1);
    harness_raw_login(hog, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    uint8_t *chunk = NULL;
    size_t chunk_len = 0;
    while (chunk_len < 64 * 1024) {
        Folio__Request req = harness_whoami_request(3);
        harness_raw_append(&chunk, &chunk_len, &req);
    }
    /* Send until the server stops taking requests (its reading stopped and
     * the socket buffers filled), bounded in bytes and time. */
    bool dropped = false;
    size_t sent =
        harness_raw_flood(hog, chunk, chunk_len, 256u * 1024u * 1024u, 20000, 2000, &dropped);
    cr_assert(!dropped, "the server dropped a peer that only failed to read");
    free(chunk);
    cr_assert_lt(sent, 256u * 1024u * 1024u, "the server read 256 MiB that nobody collected");
    cr_log_info("the server stopped reading after %zu bytes of requests", sent);

    /* Everyone else is served meanwhile. */
    harness_assert_serves(&srv);

    /* And the hog is answered, in order, once it reads. */
    harness_raw_expect(hog, 3, FOLIO__CODE__OK, NULL);
    harness_raw_close(hog);
    harness_server_finish(&srv);
}

Test(limits, a_bad_frame_behind_a_full_queue_is_still_answered)
{
    const char *const flags[] = {"--max-in-flight", "2", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = 2; id <= 4; id++) {
        Folio__Request req = harness_whoami_request(id);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(raw, buf, len);
    free(buf);
    /* Behind three requests and a queue of two: an empty frame. */
    const uint8_t empty[FRAME_HEADER_SIZE] = {0};
    harness_raw_write(raw, empty, sizeof(empty));
    for (uint64_t id = 2; id <= 4; id++)
        harness_raw_expect(raw, id, FOLIO__CODE__UNAUTHENTICATED, NULL);
    harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT, "empty frame");
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(limits, a_request_too_costly_to_unpack_is_refused_and_others_go_on)
{
    harness_server_start(&srv, NULL);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    /* Under the 1 MiB frame limit on the wire, but 300,000 empty tags
     * unpack into several times the memory one request may take. */
    enum { TAGS = 300000 };
    char **tags = calloc(TAGS, sizeof(*tags));
    cr_assert_not_null(tags);
    for (size_t i = 0; i < TAGS; i++)
        tags[i] = (char *)"";
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)"Costly";
    client.tags = tags;
    client.n_tags = TAGS;
    Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
    add.client = &client;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 2;
    envelope_set(&req, &add.base);
    cr_assert_lt(protobuf_c_message_get_packed_size(&req.base), FRAME_DEFAULT_MAX);
    harness_raw_send(raw, &req);
    free(tags);
    harness_raw_refused_and_closed(raw, FOLIO__CODE__RESOURCE_EXHAUSTED,
                                   "more memory than the server gives one request");
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

/* The fuzzer's finding: a frame that holds no Request, followed at once by
 * more input the server never reads. Closing with those bytes unread would
 * reset the connection and throw the refusal away with it; the refusal
 * must arrive whole, then the end of the stream. */
Test(limits, a_bad_frame_followed_by_more_input_is_still_answered)
{
    harness_server_start(&srv, NULL);
    for (int round = 0; round < 20; round++) {
        struct harness_raw *raw = harness_raw_connect(&srv);
        harness_raw_hello(raw, 1);
        enum { JUNK = 202, MORE = 64 * 1024 };
        uint8_t *buf = malloc(FRAME_HEADER_SIZE + JUNK + MORE);
        cr_assert_not_null(buf);
        frame_length_put(buf, JUNK);
        /* Field 15, wire type 7: no such wire type, so no Request. */
        memset(buf + FRAME_HEADER_SIZE, 0x7f, JUNK);
        memset(buf + FRAME_HEADER_SIZE + JUNK, 0x5a, MORE);
        harness_raw_write(raw, buf, FRAME_HEADER_SIZE + JUNK + MORE);
        free(buf);
        harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT,
                                       "does not hold a valid Request");
        harness_raw_close(raw);
    }
    harness_server_finish(&srv);
}

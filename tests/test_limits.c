/* test_limits.c - the limits a peer meets when it holds a connection without
 * using it as meant: too many from one address, no login, a frame left half
 * sent, requests piled ahead of their answers, answers never read. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include <criterion/criterion.h>

#include "frame.h"
#include "harness.h"

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(limits, .fini = teardown);

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static Folio__WhoAmI whoami_msg = FOLIO__WHO_AM_I__INIT;

static Folio__Request whoami_request(uint64_t id)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    req.op_case = FOLIO__REQUEST__OP_WHOAMI;
    req.whoami = &whoami_msg;
    return req;
}

/* The next answer must be for id, with code, and its message must hold
 * words (when not NULL). */
static void expect(int fd, uint64_t id, Folio__Code code, const char *words)
{
    Folio__Response *r = harness_raw_receive(fd);
    cr_assert_not_null(r, "connection closed; expected the answer to request %llu",
                       (unsigned long long)id);
    cr_assert_eq(r->id, id, "answer for %llu; expected %llu", (unsigned long long)r->id,
                 (unsigned long long)id);
    cr_assert_eq(harness_code(r), code, "request %llu answered %d (%s); expected %d",
                 (unsigned long long)id, harness_code(r), harness_message(r), code);
    if (words != NULL)
        cr_assert(strstr(harness_message(r), words) != NULL, "\"%s\" does not say \"%s\"",
                  harness_message(r), words);
    folio__response__free_unpacked(r, NULL);
}

/* A logged-in raw connection answers WhoAmI: it is still open and served. */
static void expect_served(int fd, uint64_t id)
{
    Folio__Request req = whoami_request(id);
    harness_raw_send(fd, &req);
    expect(fd, id, FOLIO__CODE__OK, NULL);
}

Test(limits, one_address_may_hold_only_so_many_connections)
{
    const char *const flags[] = {"--max-connections-per-address", "2", NULL};
    harness_server_start(&srv, flags);
    int a = harness_raw_connect(&srv);
    harness_raw_hello(a, 1);
    int b = harness_raw_connect(&srv);
    harness_raw_hello(b, 1);
    int c = harness_raw_connect(&srv);
    expect(c, 0, FOLIO__CODE__RESOURCE_EXHAUSTED, "your address is at the server's limit of 2");
    cr_assert(harness_raw_closed(c, harness_timeout_ms()), "the third connection was kept");
    close(c);
    harness_raw_login(a, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    expect_served(a, 3);

    /* A place freed is a place for the next one. */
    close(b);
    bool served = false;
    for (int tries = 0; tries < 100 && !served; tries++) {
        int d = harness_raw_connect(&srv);
        Folio__Request req = whoami_request(1);
        harness_raw_send(d, &req);
        Folio__Response *r = harness_raw_receive(d);
        served = r != NULL && r->id == 1;
        if (r != NULL)
            folio__response__free_unpacked(r, NULL);
        close(d);
        if (!served)
            sleep_ms(50);
    }
    cr_assert(served, "no place for a new connection after one of two closed");
    close(a);
    harness_server_finish(&srv);
}

Test(limits, a_connection_that_never_logs_in_is_closed)
{
    const char *const flags[] = {"--login-timeout", "1", NULL};
    harness_server_start(&srv, flags);
    int loiterer = harness_raw_connect(&srv);
    harness_raw_hello(loiterer, 1);
    int member = harness_raw_connect(&srv);
    harness_raw_hello(member, 1);
    harness_raw_login(member, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    expect(loiterer, 0, FOLIO__CODE__UNAUTHENTICATED, "no login within 1 seconds");
    cr_assert(harness_raw_closed(loiterer, harness_timeout_ms()),
              "a connection that never logged in outlived --login-timeout 1");
    close(loiterer);
    /* The logged-in one is untouched, well past the limit. */
    sleep_ms(2500);
    expect_served(member, 3);
    close(member);
    harness_server_finish(&srv);
}

Test(limits, a_frame_left_half_sent_closes_the_connection)
{
    const char *const flags[] = {"--frame-timeout", "1", "--login-timeout", "0", NULL};
    harness_server_start(&srv, flags);
    int slow = harness_raw_connect(&srv);
    harness_raw_hello(slow, 1);
    int quiet = harness_raw_connect(&srv);
    harness_raw_hello(quiet, 1);
    harness_raw_login(quiet, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    /* The first two bytes of a frame header, then nothing. */
    const uint8_t start[2] = {0, 0};
    harness_raw_write(slow, start, sizeof(start));
    expect(slow, 0, FOLIO__CODE__INVALID_ARGUMENT, "a frame was left unfinished");
    cr_assert(harness_raw_closed(slow, harness_timeout_ms()),
              "a connection holding half a frame outlived --frame-timeout 1");
    close(slow);
    /* Silence between whole frames is not a half-sent frame. */
    sleep_ms(2500);
    expect_served(quiet, 3);
    close(quiet);
    harness_server_finish(&srv);
}

Test(limits, requests_beyond_the_in_flight_limit_wait_their_turn)
{
    const char *const flags[] = {"--max-in-flight", "2", NULL};
    harness_server_start(&srv, flags);
    int fd = harness_raw_connect(&srv);
    harness_raw_hello(fd, 1);
    harness_raw_login(fd, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = 10; id < 110; id++) {
        Folio__Request req = whoami_request(id);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(fd, buf, len);
    free(buf);
    for (uint64_t id = 10; id < 110; id++)
        expect(fd, id, FOLIO__CODE__OK, NULL);
    close(fd);
    harness_server_finish(&srv);
}

Test(limits, answers_never_read_stop_the_reading_not_the_server)
{
    const char *const flags[] = {"--max-output-bytes", "65536", NULL};
    harness_server_start(&srv, flags);
    int hog = harness_raw_connect(&srv);
    harness_raw_hello(hog, 1);
    harness_raw_login(hog, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    cr_assert_eq(fcntl(hog, F_SETFL, fcntl(hog, F_GETFL) | O_NONBLOCK), 0);
    uint8_t *chunk = NULL;
    size_t chunk_len = 0;
    while (chunk_len < 64 * 1024) {
        Folio__Request req = whoami_request(3);
        harness_raw_append(&chunk, &chunk_len, &req);
    }
    /* Send until the server stops taking requests (its reading stopped and
     * the socket buffers filled), bounded in bytes and time. */
    size_t sent = 0, off = 0;
    time_t start = time(NULL);
    int stalls = 0;
    while (sent < 256u * 1024u * 1024u && time(NULL) - start < 20 && stalls < 20) {
        ssize_t n = send(hog, chunk + off, chunk_len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n;
            off = (off + (size_t)n) % chunk_len;
            stalls = 0;
            continue;
        }
        cr_assert(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR),
                  "the server dropped a peer that only failed to read: %s", strerror(errno));
        struct pollfd p = {.fd = hog, .events = POLLOUT};
        if (poll(&p, 1, 100) == 0)
            stalls++;
    }
    free(chunk);
    cr_assert_lt(sent, 256u * 1024u * 1024u, "the server read 256 MiB that nobody collected");
    cr_log_info("the server stopped reading after %zu bytes of requests", sent);

    /* Everyone else is served meanwhile. */
    struct folio_client *c = harness_admin(&srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(c, &err), &err));
    folio_client_close(c);

    /* And the hog is answered, in order, once it reads. */
    cr_assert_eq(fcntl(hog, F_SETFL, fcntl(hog, F_GETFL) & ~O_NONBLOCK), 0);
    expect(hog, 3, FOLIO__CODE__OK, NULL);
    close(hog);
    harness_server_finish(&srv);
}

Test(limits, a_bad_frame_behind_a_full_queue_is_still_answered)
{
    const char *const flags[] = {"--max-in-flight", "2", NULL};
    harness_server_start(&srv, flags);
    int fd = harness_raw_connect(&srv);
    harness_raw_hello(fd, 1);
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = 2; id <= 4; id++) {
        Folio__Request req = whoami_request(id);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(fd, buf, len);
    free(buf);
    /* Behind three requests and a queue of two: an empty frame. */
    const uint8_t empty[FRAME_HEADER_SIZE] = {0};
    harness_raw_write(fd, empty, sizeof(empty));
    for (uint64_t id = 2; id <= 4; id++)
        expect(fd, id, FOLIO__CODE__UNAUTHENTICATED, NULL);
    expect(fd, 0, FOLIO__CODE__INVALID_ARGUMENT, "empty frame");
    cr_assert(harness_raw_closed(fd, harness_timeout_ms()), "still open after a bad frame");
    close(fd);
    harness_server_finish(&srv);
}

Test(limits, a_request_too_costly_to_unpack_is_refused_and_others_go_on)
{
    harness_server_start(&srv, NULL);
    int fd = harness_raw_connect(&srv);
    harness_raw_hello(fd, 1);
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
    req.op_case = FOLIO__REQUEST__OP_CLIENT_ADD;
    req.client_add = &add;
    cr_assert_lt(protobuf_c_message_get_packed_size(&req.base), FRAME_DEFAULT_MAX);
    harness_raw_send(fd, &req);
    free(tags);
    expect(fd, 0, FOLIO__CODE__RESOURCE_EXHAUSTED, "more memory than the server gives one request");
    cr_assert(harness_raw_closed(fd, harness_timeout_ms()), "still open after the refusal");
    close(fd);
    struct folio_client *c = harness_admin(&srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(c, &err), &err));
    folio_client_close(c);
    harness_server_finish(&srv);
}

/* test_wire.c - the wire as a hostile or clumsy peer sees it, on raw connections
 * (frames inside TLS, as foliod serves by default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "frame.h"
#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static struct harness_server srv;

/* The tests that only talk to foliod share one (harness_shared_start); those
 * that count the firm's offices, need other flags or flood it start their
 * own. */
ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "wire") == 0)
        harness_shared_start("wire", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("wire");
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(wire, .fini = teardown);

static Folio__OfficeList office_list_msg = FOLIO__OFFICE_LIST__INIT;

static Folio__Request office_list_request(uint64_t id)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &office_list_msg.base);
    return req;
}

static bool list_has_office(const Folio__Response *r, const char *name)
{
    if (r->result_case != FOLIO__RESPONSE__RESULT_OFFICES)
        return false;
    for (size_t i = 0; i < r->offices->n_offices; i++)
        if (strcmp(r->offices->offices[i]->name, name) == 0)
            return true;
    return false;
}

Test(wire, hundred_pipelined_requests_in_one_write)
{
    harness_server_start(&srv, NULL);
    struct harness_raw *raw = harness_raw_connect(&srv);
    uint8_t *buf = NULL;
    size_t len = 0;
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "pipeline";
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = HARNESS_ADMIN;
    login.password = HARNESS_ADMIN_PASSWORD;
    char names[100][16];
    Folio__OfficeAdd adds[100];
    for (int i = 0; i < 100; i++) {
        Folio__Request req = FOLIO__REQUEST__INIT;
        /* Ids neither start at 1 nor follow each other: answers must carry
         * the id they answer, not a counter. */
        req.id = 1000 + 7 * (uint64_t)i;
        if (i == 0) {
            envelope_set(&req, &hello.base);
        } else if (i == 1) {
            envelope_set(&req, &login.base);
        } else if (i % 3 == 0) {
            snprintf(names[i], sizeof(names[i]), "office-%02d", i);
            folio__office_add__init(&adds[i]);
            adds[i].name = names[i];
            envelope_set(&req, &adds[i].base);
        } else if (i % 3 == 1) {
            req = office_list_request(req.id);
        } else {
            req = harness_whoami_request(req.id);
        }
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(raw, buf, len);
    free(buf);

    int offices = 0;
    for (int i = 0; i < 100; i++) {
        Folio__Response *r = harness_raw_answer(raw, 1000 + 7 * (uint64_t)i, FOLIO__CODE__OK, NULL);
        if (i % 3 == 0 && i > 0) {
            cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICE);
            cr_assert_str_eq(r->office->name, names[i]);
            offices++;
        }
        folio__response__free_unpacked(r, NULL);
    }
    /* Every acknowledged add is there. */
    Folio__Request req = office_list_request(1);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_answer(raw, 1, FOLIO__CODE__OK, NULL);
    cr_assert_eq(r->offices->n_offices, (size_t)offices);
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(wire, pipelined_read_sees_the_write_before_it)
{
    harness_shared_attach(&srv, "wire");
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    uint8_t *buf = NULL;
    size_t len = 0;
    char names[20][16];
    Folio__OfficeAdd adds[20];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof(names[i]), "p-%02d", i);
        folio__office_add__init(&adds[i]);
        adds[i].name = names[i];
        Folio__Request req = FOLIO__REQUEST__INIT;
        req.id = 100 + 2 * (uint64_t)i;
        envelope_set(&req, &adds[i].base);
        harness_raw_append(&buf, &len, &req);
        req = office_list_request(101 + 2 * (uint64_t)i);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(raw, buf, len);
    free(buf);
    for (int i = 0; i < 20; i++) {
        harness_raw_expect(raw, 100 + 2 * (uint64_t)i, FOLIO__CODE__OK, NULL);
        Folio__Response *r = harness_raw_answer(raw, 101 + 2 * (uint64_t)i, FOLIO__CODE__OK, NULL);
        cr_assert(list_has_office(r, names[i]),
                  "OfficeList pipelined after OfficeAdd %s does not show it", names[i]);
        folio__response__free_unpacked(r, NULL);
    }
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(wire, frames_split_byte_by_byte)
{
    harness_shared_attach(&srv, "wire");
    struct harness_raw *raw = harness_raw_connect(&srv);
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "one byte at a time";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 11;
    envelope_set(&req, &hello.base);
    uint8_t *buf = NULL;
    size_t len = 0;
    harness_raw_append(&buf, &len, &req);
    req = harness_whoami_request(12);
    harness_raw_append(&buf, &len, &req);
    for (size_t i = 0; i < len; i++) {
        harness_raw_write(raw, buf + i, 1);
        harness_sleep_ms(2);
    }
    free(buf);
    Folio__Response *r = harness_raw_answer(raw, 11, FOLIO__CODE__OK, NULL);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_WELCOME);
    folio__response__free_unpacked(r, NULL);
    harness_raw_expect(raw, 12, FOLIO__CODE__UNAUTHENTICATED, NULL);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

/* A Hello whose frame payload is exactly size bytes. */
static void hello_of_size(Folio__Request *req, Folio__Hello *hello, char *name, size_t size)
{
    for (size_t n = size; n > 0; n--) {
        memset(name, 'n', n);
        name[n] = '\0';
        hello->client_name = name;
        if (protobuf_c_message_get_packed_size(&req->base) == size)
            return;
    }
    cr_assert_fail("cannot build a Hello of %zu bytes", size);
}

Test(wire, frame_of_max_size_is_served_and_one_more_byte_is_refused)
{
    const char *const flags[] = {"--max-frame", "1024", NULL};
    harness_server_start(&srv, flags);
    char name[1100];
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 5;
    envelope_set(&req, &hello.base);

    struct harness_raw *raw = harness_raw_connect(&srv);
    hello_of_size(&req, &hello, name, 1024);
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, 5, FOLIO__CODE__OK, NULL);
    harness_raw_close(raw);

    raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    /* Only the header and a little of the payload: the server must not wait
     * for the rest before refusing. */
    uint8_t frame[FRAME_HEADER_SIZE + 16] = {0};
    frame_length_put(frame, 1025);
    harness_raw_write(raw, frame, sizeof(frame));
    harness_raw_refused_and_closed(raw, FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(wire, huge_announced_length_is_refused)
{
    harness_shared_attach(&srv, "wire");
    struct harness_raw *raw = harness_raw_connect(&srv);
    uint8_t header[FRAME_HEADER_SIZE];
    frame_length_put(header, UINT32_MAX);
    harness_raw_write(raw, header, sizeof(header));
    harness_raw_refused_and_closed(raw, FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
    harness_raw_close(raw);

    raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    frame_length_put(header, FRAME_DEFAULT_MAX + 1);
    harness_raw_write(raw, header, sizeof(header));
    harness_raw_refused_and_closed(raw, FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(wire, zero_length_frame_is_refused_and_closed)
{
    harness_shared_attach(&srv, "wire");
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    static const uint8_t zero[FRAME_HEADER_SIZE] = {0, 0, 0, 0};
    harness_raw_write(raw, zero, sizeof(zero));
    harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT, NULL);
    harness_raw_close(raw);

    /* Before Hello too. */
    raw = harness_raw_connect(&srv);
    harness_raw_write(raw, zero, sizeof(zero));
    harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT, NULL);
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(wire, undecodable_frame_is_refused_and_closed)
{
    harness_shared_attach(&srv, "wire");
    static const uint8_t garbage[][FRAME_HEADER_SIZE + 4] = {
        {0, 0, 0, 2, 0x08, 0xff},             /* truncated varint */
        {0, 0, 0, 3, 0x52, 0x10, 0x01},       /* Hello longer than the frame */
        {0, 0, 0, 4, 0x0f, 0x01, 0x02, 0x03}, /* wire type 7 */
    };
    static const size_t lengths[] = {6, 7, 8};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        struct harness_raw *raw = harness_raw_connect(&srv);
        harness_raw_hello(raw, 1);
        harness_raw_write(raw, garbage[i], lengths[i]);
        harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT, NULL);
        harness_raw_close(raw);
    }
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_write(raw, garbage[0], lengths[0]);
    harness_raw_refused_and_closed(raw, FOLIO__CODE__INVALID_ARGUMENT, NULL);
    harness_raw_close(raw);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(wire, request_without_op_is_refused_and_the_connection_stays)
{
    harness_shared_attach(&srv, "wire");
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 5;
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, 5, FOLIO__CODE__INVALID_ARGUMENT, NULL);
    /* An unknown field (a newer client's op: field 1999, far above any
     * request type) decodes as a Request without op. */
    static const uint8_t unknown_op[] = {0, 0, 0, 5, 0x08, 0x06, 0xf8, 0x7c, 0x01};
    harness_raw_write(raw, unknown_op, sizeof(unknown_op));
    harness_raw_expect(raw, 6, FOLIO__CODE__INVALID_ARGUMENT, NULL);
    req = harness_whoami_request(7);
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, 7, FOLIO__CODE__UNAUTHENTICATED, NULL);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(wire, a_bad_peer_does_not_hurt_the_others)
{
    harness_shared_attach(&srv, "wire");
    struct folio_connection *good = harness_admin(&srv);
    struct harness_raw *idle = harness_raw_connect(&srv);
    harness_raw_hello(idle, 1);
    /* Half a frame, left hanging. */
    static const uint8_t partial[] = {0, 0, 0, 100, 0x08};
    harness_raw_write(idle, partial, sizeof(partial));

    static const uint8_t garbage[] = {0, 0, 0, 2, 0x08, 0xff};
    for (int i = 0; i < 5; i++) {
        struct harness_raw *bad = harness_raw_connect(&srv);
        harness_raw_write(bad, garbage, sizeof(garbage));
        harness_raw_refused_and_closed(bad, FOLIO__CODE__INVALID_ARGUMENT, NULL);
        harness_raw_close(bad);
    }
    /* A peer that vanishes in the middle of a frame. */
    struct harness_raw *gone = harness_raw_connect(&srv);
    harness_raw_write(gone, partial, sizeof(partial));
    harness_raw_close(gone);

    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_whoami(good, &err), &err);
    cr_assert_str_eq(r->session->user->name, HARNESS_ADMIN);
    folio_response_free(r);
    harness_add_office(good, "After the storm");
    harness_assert_serves(&srv);
    folio_connection_close(good);
    harness_raw_close(idle);
    harness_server_finish(&srv);
}

Test(wire, a_peer_that_never_reads_does_not_stop_the_others)
{
    harness_server_start(&srv, NULL);
    struct harness_raw *hog = harness_raw_connect(&srv);
    harness_raw_hello(hog, 1);

    /* A block of WhoAmI requests, each answered with a larger refusal. */
    size_t chunk_len = 0;
    uint8_t *chunk = NULL;
    while (chunk_len < 64 * 1024) {
        Folio__Request req = harness_whoami_request(2);
        harness_raw_append(&chunk, &chunk_len, &req);
    }
    long rss_before = harness_server_rss_kib(&srv);
    /* The server may drop such a peer (closed): that is fine too. */
    bool closed = false;
    size_t sent =
        harness_raw_flood(hog, chunk, chunk_len, 64u * 1024u * 1024u, 15000, 3000, &closed);
    free(chunk);
    cr_log_info("sent %zu bytes of requests without reading%s", sent,
                closed ? "; the server closed the connection" : "");

    /* Another client is served while the hog is still connected. */
    int64_t t0 = harness_now_ms();
    harness_assert_serves(&srv);
    cr_log_info("another client was served in %lld ms", (long long)(harness_now_ms() - t0));
    /* Resident size means something only in a plain build: valgrind and
     * ASan (its quarantine keeps up to 256 MiB of freed memory) inflate it. */
    if (!srv.valgrind && !SANITIZED) {
        long rss_after = harness_server_rss_kib(&srv);
        cr_assert_lt(rss_after - rss_before, 48 * 1024,
                     "foliod grew by %ld KiB for a peer that never reads", rss_after - rss_before);
    }
    harness_raw_close(hog);
    harness_assert_serves(&srv);
    harness_server_finish(&srv);
}

Test(wire, max_connections_refuses_the_one_too_many)
{
    /* None of the three logs in: the budget of those not logged in (by
     * default a quarter of --max-connections) must hold them all for this
     * limit to be the one that refuses. */
    const char *const flags[] = {"--max-connections", "2", "--max-unauthenticated", "3", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *a = harness_raw_connect(&srv);
    harness_raw_hello(a, 1);
    struct harness_raw *b = harness_raw_connect(&srv);
    harness_raw_hello(b, 1);
    /* Refused after its handshake, so that it can read why. */
    struct harness_raw *c = harness_raw_connect(&srv);
    harness_raw_refused_and_closed(c, FOLIO__CODE__RESOURCE_EXHAUSTED, "limit of 2 connections");
    harness_raw_close(c);
    /* The two held are unaffected. */
    Folio__Request req = harness_whoami_request(2);
    harness_raw_send(a, &req);
    harness_raw_expect(a, 2, FOLIO__CODE__UNAUTHENTICATED, NULL);
    harness_raw_send(b, &req);
    harness_raw_expect(b, 2, FOLIO__CODE__UNAUTHENTICATED, NULL);

    /* Once one leaves, a newcomer gets its place. */
    harness_raw_close(a);
    cr_assert(harness_raw_served_again(&srv),
              "no room for a new connection after one of two closed");
    harness_raw_close(b);
    harness_server_finish(&srv);
}

Test(wire, idle_connections_are_closed)
{
    const char *const flags[] = {"--idle-timeout", "1", NULL};
    harness_server_start(&srv, flags);
    struct harness_raw *idle = harness_raw_connect(&srv);
    harness_raw_hello(idle, 1);
    struct harness_raw *busy = harness_raw_connect(&srv);
    harness_raw_hello(busy, 1);
    /* A connection that keeps talking stays open past the timeout. */
    for (uint64_t i = 0; i < 6; i++) {
        harness_sleep_ms(400);
        Folio__Request req = harness_whoami_request(10 + i);
        harness_raw_send(busy, &req);
        harness_raw_expect(busy, 10 + i, FOLIO__CODE__UNAUTHENTICATED, NULL);
    }
    cr_assert(harness_raw_closed(idle, 5000), "an idle connection outlived --idle-timeout 1");
    harness_raw_close(idle);
    harness_raw_close(busy);
    harness_server_finish(&srv);
}

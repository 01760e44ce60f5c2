/* test_fairness.c - one peer cannot take the server from the others: heavy
 * reads run in the pool while pipelines take turns, a peer that never reads
 * gets nothing more run, a segment's breakdown costs linear time, and the
 * pool's lanes keep a login flood from one address to its share, cancelled
 * when its connections go. Counts and orderings only, never times. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "arena.h"
#include "envelope.h"
#include "folioclient_stats.h"
#include "harness.h"
#include "segment_buckets.h"

#define PW_ALICE      "alice-password"
#define CLIENTS       3000
#define FLOOD         128
#define OUTPUT_LIMIT  (1024u * 1024u)
#define NEVER_READERS 16

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(fairness, .fini = teardown);

/* ------------------------------------------------------------ bucketing */

Test(fairness, a_breakdown_by_city_costs_a_probe_or_two_per_client)
{
    enum { CITIES = 50000, ROUNDS = 3 };
    struct arena arena;
    arena_init(&arena, 64u << 20);
    struct segment_buckets buckets;
    segment_buckets_init(&buckets, &arena);
    char key[32];
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < CITIES; i++) {
            snprintf(key, sizeof(key), "City %d", i);
            cr_assert_eq(segment_buckets_add(&buckets, key), 0);
        }
    cr_assert_eq(buckets.count, CITIES);
    for (size_t i = 0; i < buckets.count; i++)
        cr_assert_eq(buckets.list[i]->count, ROUNDS, "%s counted %u times", buckets.list[i]->key,
                     (unsigned)buckets.list[i]->count);
    /* A scan of the list compares about CITIES^2 / 2 keys (over a billion);
     * a hash table about one per client. */
    cr_assert_lt(buckets.compares, 4ull * CITIES * ROUNDS, "%llu key compares for %d clients",
                 (unsigned long long)buckets.compares, CITIES * ROUNDS);
    arena_free(&arena);
}

/* ------------------------------------------------------------ helpers */

static struct harness_raw *agent(const char *source)
{
    struct harness_raw *raw =
        source != NULL ? harness_raw_connect_from(&srv, source) : harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, "alice", PW_ALICE);
    return raw;
}

/* CLIENTS clients for alice, pipelined in windows, birthdays all year round
 * so that a year's agenda has an item for each. */
static void fill_portfolio(struct harness_raw *raw)
{
    enum { WINDOW = 100 };
    for (unsigned first = 0; first < CLIENTS; first += WINDOW) {
        uint8_t *buf = NULL;
        size_t len = 0;
        for (unsigned i = first; i < first + WINDOW; i++) {
            char name[32], birth[16], city[32];
            snprintf(name, sizeof(name), "Client %u", i);
            snprintf(birth, sizeof(birth), "19%02u-%02u-%02u", 40 + i % 60, 1 + i % 12, 1 + i % 28);
            snprintf(city, sizeof(city), "City %u", i % 700);
            Folio__Client client = FOLIO__CLIENT__INIT;
            client.name = name;
            client.birth_date = birth;
            client.city = city;
            Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
            add.client = &client;
            Folio__Request req = FOLIO__REQUEST__INIT;
            req.id = 100 + i;
            envelope_set(&req, &add.base);
            harness_raw_append(&buf, &len, &req);
        }
        harness_raw_write(raw, buf, len);
        free(buf);
        for (unsigned i = first; i < first + WINDOW; i++)
            harness_raw_expect(raw, 100 + i, FOLIO__CODE__OK, NULL);
    }
}

/* FLOOD agenda queries for a whole year, ids from first. */
static void send_agenda_flood(struct harness_raw *raw, uint64_t first)
{
    static Folio__AgendaQuery query = FOLIO__AGENDA_QUERY__INIT;
    query.date = (char *)"2026-01-01";
    query.days = 366;
    query.limit = 1000; /* the largest page: big replies */
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = first; id < first + FLOOD; id++) {
        Folio__Request req = FOLIO__REQUEST__INIT;
        req.id = id;
        envelope_set(&req, &query.base);
        harness_raw_append(&buf, &len, &req);
    }
    harness_raw_write(raw, buf, len);
    free(buf);
}

static uint64_t stat_of(struct folio_connection *admin, const char *op, Folio__Stats *out)
{
    struct folio_error err;
    Folio__Response *r = harness_ok(folio_stats_get(admin, &err), &err);
    uint64_t count = 0;
    for (size_t i = 0; op != NULL && i < r->stats->n_requests; i++)
        if (strcmp(r->stats->requests[i]->op, op) == 0)
            count = r->stats->requests[i]->count;
    if (out != NULL) {
        out->pool_cancelled = r->stats->pool_cancelled;
        out->pool_refused = r->stats->pool_refused;
    }
    folio__response__free_unpacked(r, NULL);
    return count;
}

/* ------------------------------------------------------------ heavy reads */

/* Reads a flood's replies as they come, so that its output never holds it
 * back: what keeps the others served must be the server's turns and pool. */
struct flood_reader {
    struct harness_raw *raw;
    uint64_t first;
    int in_order_ok;
    size_t reply_bytes;
};

static void *flood_read(void *arg)
{
    struct flood_reader *reader = arg;
    for (uint64_t id = reader->first; id < reader->first + FLOOD; id++) {
        Folio__Response *r = harness_raw_receive(reader->raw);
        if (r == NULL)
            break;
        if (r->id == id && harness_code(r) == FOLIO__CODE__OK)
            reader->in_order_ok++;
        reader->reply_bytes = folio__response__get_packed_size(r);
        folio__response__free_unpacked(r, NULL);
    }
    return NULL;
}

Test(fairness, heavy_reads_neither_freeze_others_nor_grow_memory_for_peers_that_never_read)
{
    char limit[32];
    snprintf(limit, sizeof(limit), "%u", OUTPUT_LIMIT);
    const char *const flags[] = {"--max-output-bytes", limit, NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *admin = harness_admin(&srv);
    harness_add_office(admin, "North");
    harness_add_user(admin, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW_ALICE);
    struct harness_raw *flood = agent(NULL);
    fill_portfolio(flood);
    struct harness_raw *other = agent(NULL);

    /* The flood is sent and read in the background. Once the server has
     * started on it, another connection's WhoAmI is answered while the
     * flood is still going: counted by the agendas started when it was. */
    struct flood_reader reader = {.raw = flood, .first = 1000};
    pthread_t thread;
    send_agenda_flood(flood, 1000);
    cr_assert_eq(pthread_create(&thread, NULL, flood_read, &reader), 0);
    uint64_t started = 0;
    for (int i = 0; i < 2000 && started == 0; i++) {
        started = stat_of(admin, "agenda", NULL);
        if (started == 0)
            harness_sleep_ms(5);
    }
    cr_assert_gt(started, 0, "the server never started on the flood");
    Folio__Request whoami = harness_whoami_request(7);
    harness_raw_send(other, &whoami);
    harness_raw_expect(other, 7, FOLIO__CODE__OK, NULL);
    uint64_t when_answered = stat_of(admin, "agenda", NULL);
    pthread_join(thread, NULL);
    cr_log_info("%llu of %d agendas had started when the other connection was answered",
                (unsigned long long)when_answered, FLOOD);
    cr_assert_lt(when_answered, FLOOD, "the flood ran to its end before anyone else was served");
    /* The flood is answered whole, in order. */
    cr_assert_eq(reader.in_order_ok, FLOOD);
    cr_log_info("each agenda reply is %zu bytes", reader.reply_bytes);
    cr_assert_gt(reader.reply_bytes, 64u * 1024u, "the replies are too small to test memory");

    /* Peers that never read: each may cost its replies up to the limit (and
     * one reply beyond it), never its whole pipeline. */
    uint64_t base = stat_of(admin, "agenda", NULL);
    long before = harness_server_rss_kib(&srv);
    struct harness_raw *hogs[NEVER_READERS];
    for (int i = 0; i < NEVER_READERS; i++) {
        hogs[i] = agent(NULL);
        send_agenda_flood(hogs[i], 1000);
    }
    /* Wait until the server has run all it will for them. */
    uint64_t last = base, now = stat_of(admin, "agenda", NULL);
    for (int i = 0; i < 100 && now != last; i++) {
        harness_sleep_ms(300);
        last = now;
        now = stat_of(admin, "agenda", NULL);
    }
    long after = harness_server_rss_kib(&srv);
    long bound_kib = NEVER_READERS * (long)(OUTPUT_LIMIT + 4u * 1024u * 1024u) / 1024;
    cr_log_info("%d peers that never read: %llu agendas run for them, memory grew by %ld KiB "
                "(bound %ld KiB)",
                NEVER_READERS, (unsigned long long)(now - base), after - before, bound_kib);
    cr_assert_lt(now - base, (uint64_t)NEVER_READERS * FLOOD,
                 "every request of the peers that never read was run");
    cr_assert_lt(after - before, bound_kib, "memory grew by %ld KiB for peers that never read",
                 after - before);
    /* And everyone else is still served. */
    harness_raw_send(other, &whoami);
    harness_raw_expect(other, 7, FOLIO__CODE__OK, NULL);
    harness_assert_serves(&srv);

    for (int i = 0; i < NEVER_READERS; i++)
        harness_raw_close(hogs[i]);
    harness_raw_close(flood);
    harness_raw_close(other);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

/* ------------------------------------------------------------ pool lanes */

enum { FLOODERS = 40, PER_ADDRESS = 8, CLOSERS = 6 };

static void send_login(struct harness_raw *raw, uint64_t id, const char *user)
{
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)user;
    login.password = (char *)"not-the-password";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &login.base);
    harness_raw_send(raw, &req);
}

Test(fairness, a_login_flood_from_one_address_gets_its_share_and_closing_cancels)
{
    /* Unknown names cost a dummy check at the server's cost: interactive,
     * one at a time, so that the flood waits in the queue. */
    /* The flood comes from one address: room for all its connections, so
     * that the pool's share, not the connection budget, refuses it. */
    const char *const flags[] = {
        "--hash-cost", "interactive", "--max-hashes", "1", "--max-unauthenticated-per-address",
        "64",          NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *admin = harness_admin(&srv);

    struct harness_raw *flooders[FLOODERS];
    for (int i = 0; i < FLOODERS; i++) {
        flooders[i] = harness_raw_connect(&srv);
        harness_raw_hello(flooders[i], 1);
    }
    struct harness_raw *closers[CLOSERS];
    for (int i = 0; i < CLOSERS; i++) {
        closers[i] = harness_raw_connect_from(&srv, "127.0.0.3");
        harness_raw_hello(closers[i], 1);
    }
    for (int i = 0; i < FLOODERS; i++) {
        char user[32];
        snprintf(user, sizeof(user), "nobody-%d", i);
        send_login(flooders[i], 2, user);
    }
    /* These queue behind the flood's share, then their connections go. */
    for (int i = 0; i < CLOSERS; i++)
        send_login(closers[i], 2, "nobody-closing");
    for (int i = 0; i < CLOSERS; i++)
        harness_raw_close(closers[i]);

    /* A peer at another address logs in meanwhile. */
    struct harness_raw *other = harness_raw_connect_from(&srv, "127.0.0.2");
    harness_raw_hello(other, 1);
    harness_raw_login(other, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);

    int refused = 0, checked = 0;
    for (int i = 0; i < FLOODERS; i++) {
        Folio__Response *r = harness_raw_receive(flooders[i]);
        cr_assert_not_null(r);
        if (harness_code(r) == FOLIO__CODE__RESOURCE_EXHAUSTED) {
            cr_assert(strstr(harness_message(r), "--max-hashes-per-address") != NULL, "%s",
                      harness_message(r));
            refused++;
        } else {
            cr_assert_eq(harness_code(r), FOLIO__CODE__UNAUTHENTICATED, "%s", harness_message(r));
            checked++;
        }
        folio__response__free_unpacked(r, NULL);
        harness_raw_close(flooders[i]);
    }
    cr_log_info("%d logins checked, %d refused at once", checked, refused);
    /* Those refused came in while the address had its share waiting; a few
     * more may be checked if earlier ones finished meanwhile. */
    cr_assert_geq(refused, FLOODERS - 3 * PER_ADDRESS);
    Folio__Stats stats = FOLIO__STATS__INIT;
    (void)stat_of(admin, NULL, &stats);
    cr_log_info("pool: %llu cancelled, %llu refused", (unsigned long long)stats.pool_cancelled,
                (unsigned long long)stats.pool_refused);
    cr_assert_geq(stats.pool_refused, (uint64_t)refused);
    cr_assert_geq(stats.pool_cancelled, 1, "closing connections cancelled no queued check");

    harness_raw_close(other);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

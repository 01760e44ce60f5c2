/* bench_data.h - deterministic synthetic clients for the measuring tools.
 *
 * Client number `index` of agent number `agent` under seed `seed` is always
 * the same record, whatever order or concurrency it is made in: every value
 * comes from a hash of the three numbers, never from shared state. So a
 * seeded portfolio can be rebuilt exactly, and two runs with one seed hold
 * the same names.
 *
 * The records look like a Peruvian agency's book: names, two phones, an
 * email, a street, a city with its region (from bench_data_places, with
 * Lima far the largest), birth dates spread over every day of the year,
 * marital status, children, an income, an employment, tags, consent and a
 * note, about half a KiB packed. Some clients also get follow-up events: a
 * later income change (so incomes have a history and a trend) and purchases;
 * and holdings: policies and accounts, active, renewing in 2026.
 */
#ifndef FOLIO_BENCH_DATA_H
#define FOLIO_BENCH_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "folio.pb-c.h"

#define BENCH_DATA_MAX_EVENTS   3
#define BENCH_DATA_MAX_HOLDINGS 2

/* A city and its region. */
struct bench_data_place {
    const char *city;
    const char *region;
};

/* The given and family names synthetic clients are made of. */
extern const char *const *const bench_data_first_names;
extern const size_t bench_data_n_first_names;
extern const char *const *const bench_data_last_names;
extern const size_t bench_data_n_last_names;

extern const struct bench_data_place bench_data_places[];
extern const size_t bench_data_n_places;

/* splitmix64 of x: the mixing step behind every choice here. */
uint64_t bench_data_mix(uint64_t x);

/* Buffers behind one synthetic Folio__Client; `client` points into them, so
 * the struct must stay put while the client is in use. */
struct bench_data_client {
    Folio__Client client;
    Folio__Consent consent;
    char name[96];
    char birth[32];
    char phone1[32];
    char phone2[32];
    char *phones[2];
    char email[96];
    char *emails[1];
    char street[96];
    uint32_t years[3];
    char *tags[3];
    char notes[512];
};

/* Fills s with client `index` of agent `agent` under `seed`. */
void bench_data_client(struct bench_data_client *s, uint64_t seed, uint32_t agent, uint32_t index);

/* The follow-up events of the same client, client_id left NULL for the
 * caller to set once the server has given the id. */
struct bench_data_events {
    Folio__EventAdd events[BENCH_DATA_MAX_EVENTS];
    char dates[BENCH_DATA_MAX_EVENTS][32];
    size_t n;
};

/* Fills e with 0 to BENCH_DATA_MAX_EVENTS events for client `index` of agent
 * `agent`: about a third get an income change, a quarter one purchase and a
 * tenth of those a second one. */
void bench_data_events(struct bench_data_events *e, uint64_t seed, uint32_t agent, uint32_t index);

/* The holdings of the same client, client_id left NULL as for events:
 * about half the clients hold one, a tenth of those two. */
struct bench_data_holdings {
    Folio__Holding holdings[BENCH_DATA_MAX_HOLDINGS];
    char dates[BENCH_DATA_MAX_HOLDINGS][2][32]; /* start, renews */
    char numbers[BENCH_DATA_MAX_HOLDINGS][24];
    size_t n;
};
void bench_data_holdings(struct bench_data_holdings *h, uint64_t seed, uint32_t agent,
                         uint32_t index);

#endif

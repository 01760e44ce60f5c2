/* conn_budget.h - who may hold a connection: budgets that keep the table
 * from being filled by peers that never log in, or by one user.
 *
 * Unauthenticated connections (accepted, not logged in yet, or whose session
 * ended) are counted in all (--max-unauthenticated) and per address
 * (--max-unauthenticated-per-address), each address's oldest first. A
 * newcomer over its address's budget takes the place of that address's
 * oldest. A newcomer over the whole budget takes the place of the oldest of
 * its own address if that address holds many (at least 2, and at least the
 * average of the addresses counted), else of the address holding the most if
 * that one holds many, else it is refused: a flood from a few addresses only
 * ever evicts itself, and a peer holding one connection is never evicted.
 * Authenticated connections are counted per user (--max-connections-per-user,
 * watchers included).
 *
 * A member is embedded in each connection and is counted as one of: nothing,
 * unauthenticated (at an address), or a user's. Evictions and refusals are
 * counted for conn_budget_report, which logs them at most once per
 * CONN_BUDGET_REPORT_MS. Loop thread only. */
#ifndef FOLIO_CONN_BUDGET_H
#define FOLIO_CONN_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#define CONN_BUDGET_BUCKETS   1024
#define CONN_BUDGET_ADDR_SIZE 16 /* as peer_limit.h writes addresses */
#define CONN_BUDGET_REPORT_MS 10000

struct conn_budget_address;
struct conn_budget_user;

struct conn_budget_member {
    struct conn_budget_member *prev, *next; /* its address's unauthenticated, oldest first */
    struct conn_budget_address *address;    /* counted unauthenticated here, or NULL */
    uint64_t user_id;                       /* counted as this user's, or 0 */
};

struct conn_budget {
    unsigned max_unauthenticated;
    unsigned max_unauthenticated_per_address;
    unsigned max_per_user;
    unsigned unauthenticated; /* members counted unauthenticated */
    unsigned addresses;       /* addresses holding any of them */
    struct conn_budget_address *address_buckets[CONN_BUDGET_BUCKETS];
    struct conn_budget_user *user_buckets[CONN_BUDGET_BUCKETS];
    /* Since the last report. */
    unsigned long evicted, refused, user_refused;
    uint64_t reported_ms;
};

/* max_unauthenticated 0: a quarter of max_connections (at least 1). */
void conn_budget_init(struct conn_budget *b, unsigned max_connections, unsigned max_unauthenticated,
                      unsigned max_unauthenticated_per_address, unsigned max_per_user);
void conn_budget_free(struct conn_budget *b);

/* A new connection from addr; m must count as nothing. Returns true when m
 * is now counted unauthenticated; *victim is then the member whose place it
 * took (no longer counted: the caller closes its connection), or NULL.
 * Returns false when refused (or memory is short): the caller closes the
 * newcomer at once, for a refused peer must cost nothing while it lingers. */
bool conn_budget_admit(struct conn_budget *b, struct conn_budget_member *m,
                       const uint8_t addr[CONN_BUDGET_ADDR_SIZE],
                       struct conn_budget_member **victim);

/* m logged in as user_id: it leaves the unauthenticated budget and counts
 * as the user's. Returns false (m unchanged) when the user already holds
 * max_per_user connections besides m. */
bool conn_budget_login(struct conn_budget *b, struct conn_budget_member *m, uint64_t user_id);

/* m's session ended: it counts as unauthenticated at addr again, newest of
 * its address, over the budget if need be (nobody is evicted for it). */
void conn_budget_logout(struct conn_budget *b, struct conn_budget_member *m,
                        const uint8_t addr[CONN_BUDGET_ADDR_SIZE]);

/* m's connection closed: it counts as nothing. */
void conn_budget_leave(struct conn_budget *b, struct conn_budget_member *m);

/* Connections user_id holds. */
unsigned conn_budget_user_count(struct conn_budget *b, uint64_t user_id);

/* Logs what was evicted and refused since the last report, when anything
 * was and CONN_BUDGET_REPORT_MS have passed. now_ms: the loop's clock. */
void conn_budget_report(struct conn_budget *b, uint64_t now_ms);

#endif

/* throttle.h - slows down and locks out repeated failed logins, per account
 * and per peer address.
 *
 * Every login reserves its attempt here on the loop thread before its
 * password is hashed, so attempts running at once count as much as failed
 * ones: N parallel guesses cannot all pass the check. The reservation
 * (a ticket) is settled when the answer is known; a ticket dropped without
 * an answer (the connection closed) counts as a failure, so closing early
 * gains an attacker nothing.
 *
 * Per address (IPv4 address, IPv6 /64): after address_max failures within a
 * lockout period the address is refused for lockout_ms, whatever the name.
 * Per account: each account remembers the last THROTTLE_KNOWN_ADDRESSES
 * addresses it logged in from. Failures from other addresses get growing
 * delays and, after account_max of them, lock the account for lockout_ms
 * for unknown addresses only: a stranger cannot lock the owner out of the
 * place they work from. An admin lifts a lock (throttle_unlock).
 *
 * Both tables are fixed: a stranger trying endless names or addresses
 * reuses the least recently used entries instead of growing them. Loop
 * thread only; a lock and its lifting are logged at WARNING. */
#ifndef FOLIO_THROTTLE_H
#define FOLIO_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#define THROTTLE_ACCOUNT_SLOTS   4096
#define THROTTLE_ADDRESS_SLOTS   4096
#define THROTTLE_KNOWN_ADDRESSES 4
#define THROTTLE_ADDRESS_SIZE    16
#define THROTTLE_NAME_SIZE       72
#define THROTTLE_DELAY_MS        100  /* the answer to a second failure waits this long */
#define THROTTLE_DELAY_MAX_MS    2000 /* each more doubles it, up to this */

/* Failures and attempts in flight of one account or address. */
struct throttle_count {
    unsigned failures;
    unsigned pending;
    uint64_t last_failure_ms;
    uint64_t locked_until_ms; /* 0: not locked */
    uint64_t last_used_ms;    /* which entry a full table reuses */
};

struct throttle_account {
    bool used;
    char name[THROTTLE_NAME_SIZE]; /* lower-case */
    struct throttle_count count;   /* failures from unknown addresses */
    unsigned known_count;
    uint8_t known[THROTTLE_KNOWN_ADDRESSES][THROTTLE_ADDRESS_SIZE]; /* most recent first */
};

struct throttle_address {
    bool used;
    uint8_t address[THROTTLE_ADDRESS_SIZE];
    struct throttle_count count;
};

struct throttle {
    unsigned account_max;
    unsigned address_max;
    uint64_t lockout_ms;
    uint64_t delay_ms, delay_max_ms; /* THROTTLE_DELAY_MS, THROTTLE_DELAY_MAX_MS */
    struct throttle_account accounts[THROTTLE_ACCOUNT_SLOTS];
    struct throttle_address addresses[THROTTLE_ADDRESS_SLOTS];
};

/* One login's reservation, held from throttle_reserve to a settle. */
struct throttle_ticket {
    bool held;
    bool known_address; /* the account logged in from here before */
    char name[THROTTLE_NAME_SIZE];
    uint8_t address[THROTTLE_ADDRESS_SIZE];
};

enum throttle_verdict {
    THROTTLE_GO,
    THROTTLE_ADDRESS_LOCKED, /* too many failures from this address */
    THROTTLE_ACCOUNT_LOCKED, /* too many failures for this name from unknown addresses */
};

void throttle_init(struct throttle *t, unsigned account_max, unsigned address_max,
                   uint64_t lockout_ms);

/* Checks name from peer (the key peer_limit_key makes: an IPv4 address
 * mapped into IPv6, or an IPv6 /64) and, when it may try, reserves the
 * attempt in ticket. Otherwise *wait_ms says how long the refusal lasts at
 * most. */
enum throttle_verdict throttle_reserve(struct throttle *t, struct throttle_ticket *ticket,
                                       const char *name, const uint8_t peer[THROTTLE_ADDRESS_SIZE],
                                       uint64_t now_ms, uint64_t *wait_ms);
/* The password was wrong: returns how long to delay the answer (ms). */
uint64_t throttle_failure(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms);
/* The password was right: the address becomes known to the account. */
void throttle_success(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms);
/* No password was checked (the request failed before): nothing counts. */
void throttle_cancel(struct throttle *t, struct throttle_ticket *ticket);
/* A ticket the request drops unsettled counts as a failure. No-op when
 * settled already: safe to call from every path that frees a request. */
void throttle_drop(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms);

/* Lifts the lock and forgets the failures of name (an admin unlocked it or
 * set its password). Returns true when it was locked. */
bool throttle_unlock(struct throttle *t, const char *name);

#endif

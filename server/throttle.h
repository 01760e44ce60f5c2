/* throttle.h - slows down and locks out repeated failed logins per user name.
 *
 * Kept in memory on the loop thread: a fixed table, so a stranger trying
 * endless names cannot grow it (the least recently failed entry is reused).
 * Failures count while they keep coming; after max_failures in a row the
 * name is locked for lockout_ms, and every failed answer is delayed a little
 * longer than the last. A successful login clears the name. */
#ifndef FOLIO_THROTTLE_H
#define FOLIO_THROTTLE_H

#include <stdint.h>

#define THROTTLE_SLOTS 4096

struct throttle_slot {
    char name[72];
    unsigned failures;
    uint64_t last_failure_ms;
    uint64_t locked_until_ms;
};

struct throttle {
    unsigned max_failures;
    uint64_t lockout_ms;
    struct throttle_slot slots[THROTTLE_SLOTS];
};

void throttle_init(struct throttle *t, unsigned max_failures, uint64_t lockout_ms);
/* Milliseconds until name may try again; 0 when it may now. */
uint64_t throttle_locked_for(struct throttle *t, const char *name, uint64_t now_ms);
/* Records a failure; returns how long to delay the answer, in milliseconds. */
uint64_t throttle_failure(struct throttle *t, const char *name, uint64_t now_ms);
void throttle_success(struct throttle *t, const char *name);

#endif

/* throttle.c - see throttle.h. */
#include "throttle.h"

#include <string.h>

#define THROTTLE_DELAY_BASE_MS 100u
#define THROTTLE_DELAY_MAX_MS  2000u

void throttle_init(struct throttle *t, unsigned max_failures, uint64_t lockout_ms)
{
    memset(t, 0, sizeof(*t));
    t->max_failures = max_failures ? max_failures : 1;
    t->lockout_ms = lockout_ms;
}

static struct throttle_slot *throttle_find(struct throttle *t, const char *name)
{
    for (size_t i = 0; i < THROTTLE_SLOTS; i++)
        if (t->slots[i].failures > 0 && strcmp(t->slots[i].name, name) == 0)
            return &t->slots[i];
    return NULL;
}

/* Failures older than a lockout period no longer count: an agent who mistypes
 * once a week is never locked out. */
static void throttle_expire(struct throttle *t, struct throttle_slot *slot, uint64_t now_ms)
{
    if (slot->locked_until_ms != 0 && now_ms >= slot->locked_until_ms) {
        slot->failures = 0;
        slot->locked_until_ms = 0;
    } else if (slot->locked_until_ms == 0 && now_ms - slot->last_failure_ms > t->lockout_ms) {
        slot->failures = 0;
    }
}

uint64_t throttle_locked_for(struct throttle *t, const char *name, uint64_t now_ms)
{
    struct throttle_slot *slot = throttle_find(t, name);
    if (slot == NULL)
        return 0;
    throttle_expire(t, slot, now_ms);
    if (slot->locked_until_ms > now_ms)
        return slot->locked_until_ms - now_ms;
    return 0;
}

uint64_t throttle_failure(struct throttle *t, const char *name, uint64_t now_ms)
{
    struct throttle_slot *slot = throttle_find(t, name);
    if (slot != NULL)
        throttle_expire(t, slot, now_ms);
    if (slot == NULL || slot->failures == 0) {
        struct throttle_slot *oldest = &t->slots[0];
        for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
            if (t->slots[i].failures == 0) {
                oldest = &t->slots[i];
                break;
            }
            if (t->slots[i].last_failure_ms < oldest->last_failure_ms)
                oldest = &t->slots[i];
        }
        slot = oldest;
        memset(slot, 0, sizeof(*slot));
        strncpy(slot->name, name, sizeof(slot->name) - 1);
    }
    slot->failures++;
    slot->last_failure_ms = now_ms;
    if (slot->failures >= t->max_failures)
        slot->locked_until_ms = now_ms + t->lockout_ms;
    if (slot->failures < 2)
        return 0;
    unsigned shift = slot->failures - 2 < 5 ? slot->failures - 2 : 5;
    uint64_t delay = (uint64_t)THROTTLE_DELAY_BASE_MS << shift;
    return delay < THROTTLE_DELAY_MAX_MS ? delay : THROTTLE_DELAY_MAX_MS;
}

void throttle_success(struct throttle *t, const char *name)
{
    struct throttle_slot *slot = throttle_find(t, name);
    if (slot != NULL)
        memset(slot, 0, sizeof(*slot));
}

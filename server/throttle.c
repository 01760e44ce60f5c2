/* throttle.c - see throttle.h. */
#include "throttle.h"

#include <string.h>

#include <uv.h>

#include "log.h"

void throttle_init(struct throttle *t, unsigned account_max, unsigned address_max,
                   uint64_t lockout_ms)
{
    memset(t, 0, sizeof(*t));
    t->account_max = account_max ? account_max : 1;
    t->address_max = address_max ? address_max : 1;
    t->lockout_ms = lockout_ms;
    t->delay_ms = THROTTLE_DELAY_MS;
    t->delay_max_ms = THROTTLE_DELAY_MAX_MS;
}

/* ---------------------------------------------------------------- keys */

static void throttle_name_key(char key[THROTTLE_NAME_SIZE], const char *name)
{
    size_t i = 0;
    for (; name[i] != '\0' && i < THROTTLE_NAME_SIZE - 1; i++) {
        char c = name[i];
        key[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    memset(key + i, 0, THROTTLE_NAME_SIZE - i);
}

static void throttle_address_text(const uint8_t key[THROTTLE_ADDRESS_SIZE], char *out, size_t size)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    int rc = memcmp(key, mapped, sizeof(mapped)) == 0 ? uv_inet_ntop(AF_INET, key + 12, out, size)
                                                      : uv_inet_ntop(AF_INET6, key, out, size);
    if (rc != 0)
        strncpy(out, "?", size);
}

/* ---------------------------------------------------------------- counts */

/* Failures older than a lockout period no longer count (an agent who
 * mistypes once a week is never locked out), and a lock ends on its own.
 * Returns true when a lock just ended. */
static bool throttle_expire(const struct throttle *t, struct throttle_count *c, uint64_t now_ms)
{
    if (c->locked_until_ms != 0 && now_ms >= c->locked_until_ms) {
        c->failures = 0;
        c->locked_until_ms = 0;
        return true;
    }
    if (c->locked_until_ms == 0 && now_ms - c->last_failure_ms > t->lockout_ms)
        c->failures = 0;
    return false;
}

/* How long c refuses attempts: while locked, and while failures and
 * attempts in flight together reach max. */
static uint64_t throttle_refuses_for(const struct throttle *t, const struct throttle_count *c,
                                     unsigned max, uint64_t now_ms)
{
    if (c->locked_until_ms > now_ms)
        return c->locked_until_ms - now_ms;
    if (c->failures + c->pending >= max)
        return t->lockout_ms > 0 ? t->lockout_ms : 1;
    return 0;
}

/* Settles one pending attempt as a failure. Returns true when that locks. */
static bool throttle_count_failure(const struct throttle *t, struct throttle_count *c, unsigned max,
                                   uint64_t now_ms)
{
    if (c->pending > 0)
        c->pending--;
    c->failures++;
    c->last_failure_ms = now_ms;
    c->last_used_ms = now_ms;
    if (c->failures >= max && c->locked_until_ms == 0) {
        c->locked_until_ms = now_ms + t->lockout_ms;
        return true;
    }
    return false;
}

static uint64_t throttle_delay(const struct throttle *t, unsigned failures)
{
    if (failures < 2)
        return 0;
    unsigned shift = failures - 2 < 5 ? failures - 2 : 5;
    uint64_t delay = t->delay_ms << shift;
    return delay < t->delay_max_ms ? delay : t->delay_max_ms;
}

/* ---------------------------------------------------------------- tables */

/* What a full table would lose by giving an entry up, least first: a name
 * or address never refused anything (a flood of made-up names is all of
 * this kind, so it only evicts itself), an account's known addresses (its
 * owner would become a stranger), failures or a lock (forgetting them
 * would give a guesser a fresh allowance), an attempt in flight. */
static unsigned throttle_worth(const struct throttle_count *c, unsigned known_count)
{
    if (c->pending > 0)
        return 3;
    if (c->failures > 0 || c->locked_until_ms > 0)
        return 2;
    return known_count > 0 ? 1 : 0;
}

/* The entry a full table gives up: unused first, then the least worth
 * keeping, the least recently used among those. */
#define THROTTLE_VICTIM(slots, n, worth_of, out)                                                   \
    do {                                                                                           \
        (out) = NULL;                                                                              \
        unsigned out_worth_ = 0;                                                                   \
        for (size_t i_ = 0; i_ < (n); i_++) {                                                      \
            if (!(slots)[i_].used) {                                                               \
                (out) = &(slots)[i_];                                                              \
                break;                                                                             \
            }                                                                                      \
            unsigned worth_ = worth_of(&(slots)[i_]);                                              \
            if ((out) == NULL || worth_ < out_worth_ ||                                            \
                (worth_ == out_worth_ &&                                                           \
                 (slots)[i_].count.last_used_ms < (out)->count.last_used_ms)) {                    \
                (out) = &(slots)[i_];                                                              \
                out_worth_ = worth_;                                                               \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static unsigned throttle_account_worth(const struct throttle_account *a)
{
    return throttle_worth(&a->count, a->known_count);
}

static unsigned throttle_address_worth(const struct throttle_address *a)
{
    return throttle_worth(&a->count, 0);
}

static struct throttle_account *throttle_account_find(struct throttle *t,
                                                      const char key[THROTTLE_NAME_SIZE])
{
    for (size_t i = 0; i < THROTTLE_ACCOUNT_SLOTS; i++)
        if (t->accounts[i].used && strcmp(t->accounts[i].name, key) == 0)
            return &t->accounts[i];
    return NULL;
}

static struct throttle_account *
throttle_account_get(struct throttle *t, const char key[THROTTLE_NAME_SIZE], uint64_t now_ms)
{
    struct throttle_account *a = throttle_account_find(t, key);
    if (a != NULL)
        return a;
    THROTTLE_VICTIM(t->accounts, THROTTLE_ACCOUNT_SLOTS, throttle_account_worth, a);
    memset(a, 0, sizeof(*a));
    a->used = true;
    memcpy(a->name, key, THROTTLE_NAME_SIZE);
    a->count.last_used_ms = now_ms;
    return a;
}

static struct throttle_address *throttle_address_find(struct throttle *t,
                                                      const uint8_t key[THROTTLE_ADDRESS_SIZE])
{
    for (size_t i = 0; i < THROTTLE_ADDRESS_SLOTS; i++)
        if (t->addresses[i].used &&
            memcmp(t->addresses[i].address, key, THROTTLE_ADDRESS_SIZE) == 0)
            return &t->addresses[i];
    return NULL;
}

static struct throttle_address *
throttle_address_get(struct throttle *t, const uint8_t key[THROTTLE_ADDRESS_SIZE], uint64_t now_ms)
{
    struct throttle_address *a = throttle_address_find(t, key);
    if (a != NULL)
        return a;
    THROTTLE_VICTIM(t->addresses, THROTTLE_ADDRESS_SLOTS, throttle_address_worth, a);
    memset(a, 0, sizeof(*a));
    a->used = true;
    memcpy(a->address, key, THROTTLE_ADDRESS_SIZE);
    a->count.last_used_ms = now_ms;
    return a;
}

static bool throttle_is_known(const struct throttle_account *a,
                              const uint8_t key[THROTTLE_ADDRESS_SIZE])
{
    for (unsigned i = 0; i < a->known_count; i++)
        if (memcmp(a->known[i], key, THROTTLE_ADDRESS_SIZE) == 0)
            return true;
    return false;
}

/* Moves key to the front of the account's known addresses. */
static void throttle_remember(struct throttle_account *a, const uint8_t key[THROTTLE_ADDRESS_SIZE])
{
    unsigned at = a->known_count;
    for (unsigned i = 0; i < a->known_count; i++)
        if (memcmp(a->known[i], key, THROTTLE_ADDRESS_SIZE) == 0)
            at = i;
    if (at == a->known_count) {
        if (a->known_count < THROTTLE_KNOWN_ADDRESSES)
            a->known_count++;
        at = a->known_count - 1;
    }
    memmove(a->known[1], a->known[0], (size_t)at * THROTTLE_ADDRESS_SIZE);
    memcpy(a->known[0], key, THROTTLE_ADDRESS_SIZE);
}

/* ---------------------------------------------------------------- logins */

static void throttle_log_lifted_address(const struct throttle_address *a)
{
    char text[64];
    throttle_address_text(a->address, text, sizeof(text));
    log_warn("login lock lifted: address %s may try again", text);
}

enum throttle_verdict throttle_reserve(struct throttle *t, struct throttle_ticket *ticket,
                                       const char *name, const uint8_t peer[THROTTLE_ADDRESS_SIZE],
                                       uint64_t now_ms, uint64_t *wait_ms)
{
    memset(ticket, 0, sizeof(*ticket));
    throttle_name_key(ticket->name, name);
    memcpy(ticket->address, peer, THROTTLE_ADDRESS_SIZE);
    *wait_ms = 0;

    struct throttle_address *address = throttle_address_find(t, ticket->address);
    if (address != NULL) {
        if (throttle_expire(t, &address->count, now_ms))
            throttle_log_lifted_address(address);
        *wait_ms = throttle_refuses_for(t, &address->count, t->address_max, now_ms);
        if (*wait_ms > 0)
            return THROTTLE_ADDRESS_LOCKED;
    }
    struct throttle_account *account = throttle_account_find(t, ticket->name);
    if (account != NULL) {
        if (throttle_expire(t, &account->count, now_ms))
            log_warn("login lock lifted: %s may log in from anywhere again", account->name);
        ticket->known_address = throttle_is_known(account, ticket->address);
        if (!ticket->known_address) {
            *wait_ms = throttle_refuses_for(t, &account->count, t->account_max, now_ms);
            if (*wait_ms > 0)
                return THROTTLE_ACCOUNT_LOCKED;
        }
    }

    address = throttle_address_get(t, ticket->address, now_ms);
    address->count.pending++;
    address->count.last_used_ms = now_ms;
    if (!ticket->known_address) {
        account = throttle_account_get(t, ticket->name, now_ms);
        account->count.pending++;
        account->count.last_used_ms = now_ms;
    }
    ticket->held = true;
    return THROTTLE_GO;
}

/* Lets go of the attempt in flight without counting it. */
static void throttle_release(struct throttle *t, struct throttle_ticket *ticket,
                             struct throttle_address **address, struct throttle_account **account)
{
    *address = throttle_address_find(t, ticket->address);
    if (*address != NULL && (*address)->count.pending > 0)
        (*address)->count.pending--;
    *account = ticket->known_address ? NULL : throttle_account_find(t, ticket->name);
    if (*account != NULL && (*account)->count.pending > 0)
        (*account)->count.pending--;
    ticket->held = false;
}

uint64_t throttle_failure(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms)
{
    if (!ticket->held)
        return 0;
    ticket->held = false;
    uint64_t delay = 0;
    struct throttle_address *address = throttle_address_find(t, ticket->address);
    if (address != NULL) {
        if (throttle_count_failure(t, &address->count, t->address_max, now_ms)) {
            char text[64];
            throttle_address_text(address->address, text, sizeof(text));
            log_warn("login lock: address %s refused for %llu s after %u failed logins", text,
                     (unsigned long long)(t->lockout_ms / 1000), address->count.failures);
        }
        delay = throttle_delay(t, address->count.failures);
    }
    struct throttle_account *account =
        ticket->known_address ? NULL : throttle_account_find(t, ticket->name);
    if (account != NULL) {
        if (throttle_count_failure(t, &account->count, t->account_max, now_ms))
            log_warn("login lock: %s refused from unknown addresses for %llu s after %u failed "
                     "logins",
                     account->name, (unsigned long long)(t->lockout_ms / 1000),
                     account->count.failures);
        uint64_t account_delay = throttle_delay(t, account->count.failures);
        if (account_delay > delay)
            delay = account_delay;
    }
    return delay;
}

void throttle_success(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms)
{
    if (!ticket->held)
        return;
    struct throttle_address *address;
    struct throttle_account *account;
    throttle_release(t, ticket, &address, &account);
    /* The failures of an address stay: one valid account must not let its
     * holder wipe the count of guesses at others. */
    account = throttle_account_get(t, ticket->name, now_ms);
    account->count.last_used_ms = now_ms;
    if (account->count.locked_until_ms == 0)
        account->count.failures = 0;
    throttle_remember(account, ticket->address);
}

void throttle_cancel(struct throttle *t, struct throttle_ticket *ticket)
{
    if (!ticket->held)
        return;
    struct throttle_address *address;
    struct throttle_account *account;
    throttle_release(t, ticket, &address, &account);
}

void throttle_drop(struct throttle *t, struct throttle_ticket *ticket, uint64_t now_ms)
{
    (void)throttle_failure(t, ticket, now_ms);
}

bool throttle_unlock(struct throttle *t, const char *name)
{
    char key[THROTTLE_NAME_SIZE];
    throttle_name_key(key, name);
    struct throttle_account *account = throttle_account_find(t, key);
    if (account == NULL)
        return false;
    bool was_locked = account->count.locked_until_ms != 0;
    account->count.failures = 0;
    account->count.locked_until_ms = 0;
    return was_locked;
}

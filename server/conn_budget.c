/* conn_budget.c - see conn_budget.h. */
#include "conn_budget.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

struct conn_budget_address {
    struct conn_budget_address *next; /* bucket chain */
    uint8_t addr[CONN_BUDGET_ADDR_SIZE];
    unsigned count;
    struct conn_budget_member *oldest, *newest;
};

struct conn_budget_user {
    struct conn_budget_user *next; /* bucket chain */
    uint64_t user_id;
    unsigned count;
};

/* FNV-1a: keys are not secret and a chain is never longer than the
 * connections open, which --max-connections bounds. */
static size_t conn_budget_hash(const uint8_t *key, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % CONN_BUDGET_BUCKETS;
}

void conn_budget_init(struct conn_budget *b, unsigned max_connections, unsigned max_unauthenticated,
                      unsigned max_unauthenticated_per_address, unsigned max_per_user)
{
    memset(b, 0, sizeof(*b));
    if (max_unauthenticated == 0)
        max_unauthenticated = max_connections / 4 > 0 ? max_connections / 4 : 1;
    b->max_unauthenticated = max_unauthenticated;
    b->max_unauthenticated_per_address = max_unauthenticated_per_address;
    b->max_per_user = max_per_user;
}

void conn_budget_free(struct conn_budget *b)
{
    for (size_t i = 0; i < CONN_BUDGET_BUCKETS; i++) {
        for (struct conn_budget_address *a = b->address_buckets[i], *next; a != NULL; a = next) {
            next = a->next;
            free(a);
        }
        for (struct conn_budget_user *u = b->user_buckets[i], *next; u != NULL; u = next) {
            next = u->next;
            free(u);
        }
    }
    memset(b->address_buckets, 0, sizeof(b->address_buckets));
    memset(b->user_buckets, 0, sizeof(b->user_buckets));
}

/* The entry for addr; made (empty) when create and missing. NULL when
 * missing, or memory is short. */
static struct conn_budget_address *
conn_budget_address(struct conn_budget *b, const uint8_t addr[CONN_BUDGET_ADDR_SIZE], bool create)
{
    struct conn_budget_address **head =
        &b->address_buckets[conn_budget_hash(addr, CONN_BUDGET_ADDR_SIZE)];
    for (struct conn_budget_address *a = *head; a != NULL; a = a->next)
        if (memcmp(a->addr, addr, CONN_BUDGET_ADDR_SIZE) == 0)
            return a;
    if (!create)
        return NULL;
    struct conn_budget_address *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    memcpy(a->addr, addr, CONN_BUDGET_ADDR_SIZE);
    a->next = *head;
    *head = a;
    return a;
}

static void conn_budget_address_drop(struct conn_budget *b, struct conn_budget_address *a)
{
    struct conn_budget_address **link =
        &b->address_buckets[conn_budget_hash(a->addr, CONN_BUDGET_ADDR_SIZE)];
    while (*link != a)
        link = &(*link)->next;
    *link = a->next;
    free(a);
}

/* Counts m unauthenticated at a, as its newest. */
static void conn_budget_join(struct conn_budget *b, struct conn_budget_member *m,
                             struct conn_budget_address *a)
{
    m->address = a;
    m->next = NULL;
    m->prev = a->newest;
    if (a->newest != NULL)
        a->newest->next = m;
    else
        a->oldest = m;
    a->newest = m;
    if (a->count++ == 0)
        b->addresses++;
    b->unauthenticated++;
}

/* m stops counting as unauthenticated (it may not have been). */
static void conn_budget_part(struct conn_budget *b, struct conn_budget_member *m)
{
    struct conn_budget_address *a = m->address;
    if (a == NULL)
        return;
    if (m->prev != NULL)
        m->prev->next = m->next;
    else
        a->oldest = m->next;
    if (m->next != NULL)
        m->next->prev = m->prev;
    else
        a->newest = m->prev;
    m->prev = m->next = NULL;
    m->address = NULL;
    b->unauthenticated--;
    if (--a->count == 0) {
        b->addresses--;
        conn_budget_address_drop(b, a);
    }
}

/* At least 2, and no fewer than the average address holds. */
static bool conn_budget_holds_many(const struct conn_budget *b, const struct conn_budget_address *a)
{
    return a != NULL && a->count >= 2 && (uint64_t)a->count * b->addresses >= b->unauthenticated;
}

static struct conn_budget_address *conn_budget_largest(const struct conn_budget *b)
{
    struct conn_budget_address *largest = NULL;
    for (size_t i = 0; i < CONN_BUDGET_BUCKETS; i++)
        for (struct conn_budget_address *a = b->address_buckets[i]; a != NULL; a = a->next)
            if (largest == NULL || a->count > largest->count)
                largest = a;
    return largest;
}

/* Whose oldest makes room for a newcomer from own (which may hold none
 * yet), or NULL when nobody's should. */
static struct conn_budget_address *conn_budget_evict_from(const struct conn_budget *b,
                                                          struct conn_budget_address *own)
{
    if (own != NULL && own->count >= b->max_unauthenticated_per_address)
        return own;
    if (b->unauthenticated < b->max_unauthenticated)
        return NULL;
    if (conn_budget_holds_many(b, own))
        return own;
    struct conn_budget_address *largest = conn_budget_largest(b);
    return conn_budget_holds_many(b, largest) ? largest : NULL;
}

bool conn_budget_admit(struct conn_budget *b, struct conn_budget_member *m,
                       const uint8_t addr[CONN_BUDGET_ADDR_SIZE],
                       struct conn_budget_member **victim)
{
    *victim = NULL;
    struct conn_budget_address *own = conn_budget_address(b, addr, false);
    struct conn_budget_address *from = conn_budget_evict_from(b, own);
    bool full = b->unauthenticated >= b->max_unauthenticated ||
                (own != NULL && own->count >= b->max_unauthenticated_per_address);
    if (full && from == NULL) {
        b->refused++;
        return false;
    }
    if (from != NULL) {
        *victim = from->oldest;
        if (from == own && own->count == 1)
            own = NULL; /* parting its last member frees it */
        conn_budget_part(b, *victim);
        b->evicted++;
    }
    if (own == NULL)
        own = conn_budget_address(b, addr, true);
    if (own == NULL) {
        b->refused++;
        return false;
    }
    conn_budget_join(b, m, own);
    return true;
}

static struct conn_budget_user **conn_budget_user_link(struct conn_budget *b, uint64_t user_id)
{
    uint8_t key[sizeof(user_id)];
    memcpy(key, &user_id, sizeof(key));
    struct conn_budget_user **link = &b->user_buckets[conn_budget_hash(key, sizeof(key))];
    while (*link != NULL && (*link)->user_id != user_id)
        link = &(*link)->next;
    return link;
}

unsigned conn_budget_user_count(struct conn_budget *b, uint64_t user_id)
{
    struct conn_budget_user *u = *conn_budget_user_link(b, user_id);
    return u != NULL ? u->count : 0;
}

/* m stops counting as its user's (it may not have been). */
static void conn_budget_user_part(struct conn_budget *b, struct conn_budget_member *m)
{
    if (m->user_id == 0)
        return;
    struct conn_budget_user **link = conn_budget_user_link(b, m->user_id);
    struct conn_budget_user *u = *link;
    m->user_id = 0;
    if (u != NULL && --u->count == 0) {
        *link = u->next;
        free(u);
    }
}

bool conn_budget_login(struct conn_budget *b, struct conn_budget_member *m, uint64_t user_id)
{
    if (m->user_id == user_id) {
        conn_budget_part(b, m);
        return true;
    }
    struct conn_budget_user **link = conn_budget_user_link(b, user_id);
    if (*link != NULL && (*link)->count >= b->max_per_user) {
        b->user_refused++;
        return false;
    }
    if (*link == NULL) {
        struct conn_budget_user *u = calloc(1, sizeof(*u));
        if (u == NULL) {
            b->user_refused++;
            return false;
        }
        u->user_id = user_id;
        *link = u;
    }
    (*link)->count++;
    conn_budget_user_part(b, m);
    conn_budget_part(b, m);
    m->user_id = user_id;
    return true;
}

void conn_budget_logout(struct conn_budget *b, struct conn_budget_member *m,
                        const uint8_t addr[CONN_BUDGET_ADDR_SIZE])
{
    conn_budget_user_part(b, m);
    if (m->address != NULL)
        return;
    struct conn_budget_address *a = conn_budget_address(b, addr, true);
    if (a != NULL) /* else it goes uncounted: memory is short, nothing better to do */
        conn_budget_join(b, m, a);
}

void conn_budget_leave(struct conn_budget *b, struct conn_budget_member *m)
{
    conn_budget_part(b, m);
    conn_budget_user_part(b, m);
}

void conn_budget_report(struct conn_budget *b, uint64_t now_ms)
{
    if (b->evicted == 0 && b->refused == 0 && b->user_refused == 0)
        return;
    if (b->reported_ms != 0 && now_ms - b->reported_ms < CONN_BUDGET_REPORT_MS)
        return;
    if (b->evicted > 0 || b->refused > 0)
        log_warn("connections not logged in: %lu closed to make room for newer ones from the "
                 "same or a busier address, %lu refused (--max-unauthenticated %u, "
                 "--max-unauthenticated-per-address %u)",
                 b->evicted, b->refused, b->max_unauthenticated,
                 b->max_unauthenticated_per_address);
    if (b->user_refused > 0)
        log_warn("%lu logins refused: their user already held --max-connections-per-user %u "
                 "connections",
                 b->user_refused, b->max_per_user);
    b->evicted = b->refused = b->user_refused = 0;
    b->reported_ms = now_ms;
}

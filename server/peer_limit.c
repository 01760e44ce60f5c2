/* peer_limit.c - see peer_limit.h. */
#include "peer_limit.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct peer_limit_entry {
    struct peer_limit_entry *next;
    uint8_t addr[PEER_LIMIT_ADDR_SIZE];
    unsigned count;
};

void peer_limit_key(uint8_t key[PEER_LIMIT_ADDR_SIZE], const struct sockaddr *sa)
{
    memset(key, 0, PEER_LIMIT_ADDR_SIZE);
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        memcpy(key, a6, PEER_LIMIT_ADDR_SIZE);
        if (!IN6_IS_ADDR_V4MAPPED(a6))
            memset(key + 8, 0, PEER_LIMIT_ADDR_SIZE - 8);
    } else if (sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    }
}

/* FNV-1a: addresses are not secret and a chain is never longer than the
 * connections open, which --max-connections bounds. */
static size_t peer_limit_bucket(const uint8_t addr[PEER_LIMIT_ADDR_SIZE])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < PEER_LIMIT_ADDR_SIZE; i++)
        h = (h ^ addr[i]) * 16777619u;
    return h % PEER_LIMIT_BUCKETS;
}

void peer_limit_init(struct peer_limit *p)
{
    memset(p, 0, sizeof(*p));
}

void peer_limit_free(struct peer_limit *p)
{
    for (size_t i = 0; i < PEER_LIMIT_BUCKETS; i++) {
        struct peer_limit_entry *e = p->buckets[i];
        while (e != NULL) {
            struct peer_limit_entry *next = e->next;
            free(e);
            e = next;
        }
        p->buckets[i] = NULL;
    }
}

unsigned peer_limit_add(struct peer_limit *p, const uint8_t addr[PEER_LIMIT_ADDR_SIZE])
{
    struct peer_limit_entry **head = &p->buckets[peer_limit_bucket(addr)];
    for (struct peer_limit_entry *e = *head; e != NULL; e = e->next)
        if (memcmp(e->addr, addr, PEER_LIMIT_ADDR_SIZE) == 0)
            return ++e->count;
    struct peer_limit_entry *e = malloc(sizeof(*e));
    if (e == NULL)
        return 0;
    memcpy(e->addr, addr, PEER_LIMIT_ADDR_SIZE);
    e->count = 1;
    e->next = *head;
    *head = e;
    return 1;
}

void peer_limit_remove(struct peer_limit *p, const uint8_t addr[PEER_LIMIT_ADDR_SIZE])
{
    for (struct peer_limit_entry **link = &p->buckets[peer_limit_bucket(addr)]; *link != NULL;
         link = &(*link)->next) {
        struct peer_limit_entry *e = *link;
        if (memcmp(e->addr, addr, PEER_LIMIT_ADDR_SIZE) != 0)
            continue;
        if (--e->count == 0) {
            *link = e->next;
            free(e);
        }
        return;
    }
}

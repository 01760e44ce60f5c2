/* peer_limit.h - open connections counted per peer address, so that one
 * address cannot take every connection the server allows
 * (--max-connections-per-address).
 *
 * Addresses are 16 bytes made by peer_limit_key: IPv4 mapped into IPv6
 * (::ffff:a.b.c.d), so one host counts once whichever way it is written, and
 * IPv6 by its /64, the block one host or one customer holds, so that a host
 * cannot take a fresh share for each address it can choose. Every
 * per-address limit (connections, the unauthenticated budget, the hash
 * lane, the login throttle) counts by this key. Entries exist only
 * while their count is above zero, so the table holds at most as many
 * entries as there are connections. Loop thread only. */
#ifndef FOLIO_PEER_LIMIT_H
#define FOLIO_PEER_LIMIT_H

#include <stdint.h>
#include <sys/socket.h>

#define PEER_LIMIT_BUCKETS   1024
#define PEER_LIMIT_ADDR_SIZE 16

struct peer_limit_entry;

struct peer_limit {
    struct peer_limit_entry *buckets[PEER_LIMIT_BUCKETS];
};

/* The key sa (AF_INET or AF_INET6) is counted by; all zero for another family. */
void peer_limit_key(uint8_t key[PEER_LIMIT_ADDR_SIZE], const struct sockaddr *sa);

void peer_limit_init(struct peer_limit *p);
void peer_limit_free(struct peer_limit *p);

/* Counts one more connection from addr. Returns the count with it, or 0
 * when memory is short (then nothing was counted). */
unsigned peer_limit_add(struct peer_limit *p, const uint8_t addr[PEER_LIMIT_ADDR_SIZE]);
/* Counts one connection from addr less; one peer_limit_add must match it. */
void peer_limit_remove(struct peer_limit *p, const uint8_t addr[PEER_LIMIT_ADDR_SIZE]);

#endif

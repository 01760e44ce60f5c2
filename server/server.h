/* server.h - foliod serving: the listener, the connections, the threads.
 *
 * One libuv loop thread accepts, reads, checks sessions and serves every
 * read; the writer thread (writer.h) commits writes; the thread pool hashes
 * passwords (hasher.h). server_run returns when a signal has stopped the
 * server and every queued write has been committed and answered. */
#ifndef FOLIO_SERVER_H
#define FOLIO_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "firm_key.h"
#include "hasher.h"
#include "peer_limit.h"
#include "stats.h"
#include "store.h"
#include "throttle.h"
#include "tls.h"
#include "writer.h"

#define SERVER_PROTOCOL_VERSION 1

struct server_config {
    const char *data_dir;
    char host[256];
    int port;
    const char *port_file;
    unsigned max_connections;
    size_t max_frame;
    uint64_t max_import_bytes;         /* largest bundle ImportBegin accepts */
    uint64_t transfer_quota_user;      /* bytes of transfer files one user holds */
    uint64_t transfer_quota_firm;      /* ...every user together */
    uint64_t import_max_events;        /* events in one imported bundle */
    uint64_t import_max_client_events; /* events of one client in it */
    unsigned idle_timeout_s;           /* 0: never */
    int64_t session_ttl_s;
    unsigned lockout_after;
    unsigned lockout_seconds;
    enum hasher_cost hash_cost;
    unsigned max_hashes; /* password hashes at once; 0: hasher_default_concurrency */
    unsigned max_connections_per_address;
    unsigned login_timeout_s;       /* close connections not logged in for this long; 0: never */
    unsigned frame_timeout_s;       /* close connections that leave a frame half sent; 0: never */
    unsigned max_in_flight;         /* requests read ahead of their answers, per connection */
    size_t max_output_bytes;        /* reply bytes waiting for a peer before reading stops */
    bool plaintext;                 /* no TLS (main.c allows it on loopback only) */
    const char *tls_cert_file;      /* NULL: DATA/tls-cert.pem, made when missing */
    const char *tls_key_file;       /* NULL: DATA/tls-key.pem */
    const char *tls_client_ca_file; /* peers must present a certificate it signed */
};

void server_config_defaults(struct server_config *config);

struct connection;

struct server {
    struct server_config config;
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    uv_timer_t sweep;
    struct store store;
    struct writer writer;
    struct hasher hasher;
    struct throttle throttle;
    struct stats stats;           /* loop thread only; the writer counts its own */
    struct firm_key firm_key;     /* loaded at start: signs bundles */
    struct tls_server *tls;       /* NULL with --plaintext */
    uint8_t tls_input[64 * 1024]; /* ciphertext of one read, any connection (connection.c) */
    char *firm_name;
    struct connection *connections; /* every open connection */
    struct peer_limit peers;        /* how many of them each address holds */
    unsigned connection_count;
    size_t requests_running;          /* requests in a stage off the loop or delayed */
    bool draining;                    /* a signal came: finish what is queued, then stop */
    uint64_t accept_failed_logged_ms; /* when the last failed accept was logged */
    uint64_t drain_started_ms;
};

/* Returns the process exit status. */
int server_run(const struct server_config *config);

/* Called whenever work finishes: completes the shutdown once draining and
 * nothing is left in flight. */
void server_check_drained(struct server *s);

#endif

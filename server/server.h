/* server.h - foliod serving: the listener, the connections, the threads.
 *
 * One libuv loop thread accepts, reads, checks sessions and serves every
 * read; the writer thread (writer.h) commits writes; the thread pool hashes
 * passwords (hasher.h).
 *
 * A server lives in three calls, as libuv's loop and LMDB's environment do:
 *
 *     struct server *s = malloc(sizeof(*s));      the caller's memory
 *     if (server_open(s, &config) == 0)           everything short of a listener
 *         server_serve(s);                        until a signal drains it
 *     server_close(s);                            always: it undoes a partial open
 *     free(s);
 *
 * Everything that starts a server (foliod, the fuzzer) goes through
 * server_open, so that a step added to it is never missing from one of
 * them. All three run on the thread that owns s->loop. */
#ifndef FOLIO_SERVER_H
#define FOLIO_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "conn_budget.h"
#include "firm_key.h"
#include "hasher.h"
#include "iso_codes.h"
#include "log.h"
#include "mail_sender.h"
#include "peer_limit.h"
#include "stats.h"
#include "store.h"
#include "throttle.h"
#include "tls.h"
#include "writer.h"

#define SERVER_PROTOCOL_VERSION 1

/* What `foliod serve` was asked for. server_options.c fills it (defaults
 * and flags, from one table); the comments say what each means. */
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
    uint64_t import_batch_records;     /* records an import applies per write transaction */
    unsigned idle_timeout_s;           /* 0: never */
    int64_t session_ttl_s;
    unsigned lockout_after;         /* failed logins per name from unknown addresses */
    unsigned address_lockout_after; /* failed logins per address (IPv6: /64) */
    unsigned lockout_seconds;
    enum hasher_cost hash_cost;
    unsigned max_hashes; /* password hashes at once; 0: hasher_default_concurrency */
    unsigned max_connections_per_address;
    unsigned login_timeout_s;     /* close connections not logged in for this long; 0: never */
    unsigned handshake_timeout_s; /* close TLS connections not through the handshake; 0: never */
    unsigned max_unauthenticated; /* connections not logged in; 0: max_connections / 4 */
    unsigned max_unauthenticated_per_address; /* ...of them from one address */
    unsigned max_connections_per_user;        /* logged in as one user, watchers included */
    unsigned frame_timeout_s;        /* close connections that leave a frame half sent; 0: never */
    unsigned max_in_flight;          /* requests read ahead of their answers, per connection */
    size_t max_output_bytes;         /* reply bytes waiting for a peer before reading stops */
    unsigned max_queued_hashes;      /* password checks waiting for the pool */
    unsigned max_hashes_per_address; /* ...of them running or waiting for one address */
    unsigned max_transfers;          /* exports, imports and backups run at once */
    unsigned max_heavy_reads;        /* agenda, segment, offer and audit reads at once */
    bool plaintext;                  /* no TLS (main.c allows it on loopback only) */
    const char *tls_cert_file;       /* NULL: DATA/tls-cert.pem, made when missing */
    const char *tls_key_file;        /* NULL: DATA/tls-key.pem */
    const char *tls_client_ca_file;  /* peers must present a certificate it signed */
    enum log_level log_level;        /* main.c sets the process's level from it */
    enum log_format log_format;      /* ...and the form of its lines */
    const char *config_file;         /* read by main.c before the flags; NULL: none */
    bool metrics;                    /* serve metrics (main.c, metrics.h) on: */
    char metrics_host[64];           /* ...a numeric address */
    int metrics_port;
    const char *iso_codes_dir; /* NULL: ISO_CODES_DEFAULT_DIR (iso_codes.h) */
    /* E-mail (mail_sender.h): off unless smtp_url is given. */
    const char *smtp_url;         /* smtp://HOST:PORT or smtps://HOST:PORT */
    const char *smtp_credentials; /* a 0600 file: "user:password"; NULL: no login */
    const char *smtp_from;        /* the From address; required with smtp_url */
    const char *smtp_unsubscribe; /* List-Unsubscribe address; NULL: from smtp_from */
    const char *smtp_ca;          /* CA bundle the relay's certificate is checked against */
    unsigned smtp_rate;           /* messages per second, the whole firm */
    unsigned smtp_retry_base_ms;  /* first back-off after a 4xx; doubles each attempt */
    unsigned smtp_max_attempts;   /* attempts before a 4xx becomes a failure */
    const char *log_file;         /* main.c logs there instead of stderr; NULL: stderr */
    /* The flags serve was given (argv[0] "serve"), read again over the
     * config file when SIGHUP re-reads it (config_reload.h); argc 0: none. */
    int argc;
    char **argv;
};

struct connection;

struct server {
    struct server_config config;
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm, sighup;
    uv_timer_t sweep;
    struct store store;
    struct writer writer;
    struct hasher hasher;
    struct throttle throttle;
    /* A hash of a random password at the current cost, made at start: what
     * an unknown name (or a stored hash of an older, cheaper cost) is
     * checked against, so it takes as long as a real check. */
    char dummy_hash[crypto_pwhash_STRBYTES];
    struct stats stats;       /* loop thread only; the writer counts its own */
    struct firm_key firm_key; /* loaded at start: signs bundles */
    struct tls_server *tls;   /* NULL with --plaintext; replaced by a reload (SIGHUP) */
    char tls_cert_path[4096], tls_key_path[4096]; /* what tls was read from */
    uint8_t tls_input[64 * 1024]; /* ciphertext of one read, any connection (connection.c) */
    char *firm_name;
    struct iso_codes iso; /* loaded at start: the country and currency codes records may hold */
    bool loop_open;       /* server_close closes it */
    struct connection *connections; /* every open connection */
    struct peer_limit peers;        /* how many of them each address holds */
    struct peer_limit hash_peers;   /* password checks in the pool, per address */
    /* Connections whose turn ended with requests still to start
     * (connection.c): pumped again from idle, after others had theirs. */
    uv_idle_t turns;
    struct connection *turns_head, *turns_tail;
    size_t turns_waiting;
    struct conn_budget budget; /* who holds them: not logged in, per user */
    unsigned connection_count;
    size_t requests_running;          /* requests in a stage off the loop or delayed */
    bool draining;                    /* a signal came: finish what is queued, then stop */
    uint64_t accept_failed_logged_ms; /* when the last failed accept was logged */
    uint64_t drain_started_ms;
    struct mail_sender mail; /* delivers the outbox; idle without --smtp-url */
};

/* Makes everything a request needs, short of a listener, in *s (the
 * caller's memory, whatever it holds): opens the store in config->data_dir
 * and reads the firm, stores the default rules in a directory from before
 * rules (once), loads the firm key (made when missing, and its public half
 * written to the firm record), sets up TLS (unless config->plaintext; the
 * firm's certificate is made when missing), removes transfer files a crash
 * left, and starts the loop with the connection budget, the login
 * throttle, the pool and its lanes, the writer thread and the turns idle
 * handle. Nothing is listening, no signal is caught and nothing runs until
 * the loop does.
 *
 * Copies *config; the strings it points to (data_dir, port_file, the TLS
 * files) must outlive the server. Returns 0, or -1 with the reason logged;
 * either way server_close(s) is due, and undoes what was made. */
int server_open(struct server *s, const struct server_config *config);
/* (server_open also loads the ISO country and currency codes from
 * config->iso_codes_dir, and fails, logging which file is missing and
 * which package brings it, when they cannot be read.) */

/* Catches SIGINT and SIGTERM, listens on config's host and port (and
 * writes config->port_file), and runs the loop until a signal has stopped
 * the server: every queued write committed and answered, every connection
 * closed, the writer thread joined. Returns 0 then, or -1 (logged) when it
 * cannot listen. Once per server. A harness that brings its own peers
 * instead puts its listener in s->listener, where connection_accept takes
 * connections from, and runs s->loop itself. */
int server_serve(struct server *s);

/* The one cleanup, after server_open whether it failed or not: stops the
 * writer thread if it still runs, closes every handle left on the loop and
 * the loop, then TLS and the store. The memory of s stays the caller's, to
 * free or to open again. Connections must be gone by then (as they are
 * when server_serve returns): their memory is freed by their own close
 * callbacks. Returns 0, or -1 (logged) when the loop could not be closed. */
int server_close(struct server *s);

/* Called whenever work finishes: completes the shutdown once draining and
 * nothing is left in flight. */
void server_check_drained(struct server *s);

#endif

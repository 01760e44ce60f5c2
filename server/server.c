/* server.c - see server.h.
 *
 * Shutdown. A signal stops the listener and all input; queued requests still
 * run and are answered; once nothing runs off the loop, each connection is
 * shut down after its last reply, the writer thread is joined (its queue is
 * empty by then) and every handle is closed, so uv_run returns with nothing
 * lost. A peer that does not read its last replies is cut off after
 * SERVER_DRAIN_GRACE_MS.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netdb.h>
#include <sys/socket.h>

#include "config_reload.h"
#include "connection.h"
#include "host_name.h"
#include "log.h"
#include "service_notify.h"
#include "store_meta.h"
#include "store_holding.h"
#include "store_rule.h"
#include "store_search.h"
#include "store_agenda_client.h"
#include "tls_cert.h"
#include "transfer.h"

#define SERVER_SWEEP_MS         1000
#define SERVER_DRAIN_GRACE_MS   5000
#define SERVER_CLOSING_GRACE_MS 10000
#define SERVER_LISTEN_BACKLOG   511
#define SERVER_CERT_WARN_DAYS   30

static void server_close_handles(struct server *s)
{
    /* Before the writer: the sender's last results are written by it. */
    mail_sender_stop(&s->mail);
    writer_stop(&s->writer);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    uv_close((uv_handle_t *)&s->sighup, NULL);
    uv_close((uv_handle_t *)&s->sweep, NULL);
    uv_close((uv_handle_t *)&s->turns, NULL);
}

void server_check_drained(struct server *s)
{
    if (!s->draining || s->requests_running > 0 || s->connection_count > 0)
        return;
    if (uv_is_closing((uv_handle_t *)&s->sweep))
        return;
    log_info("every queued write is committed and answered; stopping");
    server_close_handles(s);
}

static void server_on_signal(uv_signal_t *handle, int signum)
{
    struct server *s = handle->data;
    if (s->draining) {
        log_info("signal %d again: still finishing queued work", signum);
        return;
    }
    log_info("signal %d: no new connections; finishing queued work", signum);
    service_notify_stopping();
    s->draining = true;
    s->drain_started_ms = uv_now(&s->loop);
    uv_close((uv_handle_t *)&s->listener, NULL);
    struct connection *conn = s->connections;
    while (conn != NULL) {
        struct connection *next = conn->next;
        connection_stop_input(conn);
        conn = next;
    }
    server_check_drained(s);
}

/* Peers that hold a connection without using it as meant: not through the
 * TLS handshake in time, never logging in (a login being checked does not
 * count against it), or sending a frame a byte at a time. They are told why
 * when a reply can reach them, then closed. */
static void server_sweep_limits(struct server *s, struct connection *conn, uint64_t now)
{
    uint64_t handshake_ms = (uint64_t)s->config.handshake_timeout_s * 1000;
    uint64_t login_ms = (uint64_t)s->config.login_timeout_s * 1000;
    uint64_t frame_ms = (uint64_t)s->config.frame_timeout_s * 1000;
    char message[128];
    /* No reply can reach a peer that has not finished its handshake, so it
     * is not told; a refusal waiting for the handshake does not extend it. */
    if (conn->tls != NULL && !tls_stream_established(conn->tls)) {
        unsigned limit_s = 0;
        if (handshake_ms > 0 && now - conn->accepted_ms > handshake_ms)
            limit_s = s->config.handshake_timeout_s;
        else if (login_ms > 0 && now - conn->unauthenticated_since_ms > login_ms)
            limit_s = s->config.login_timeout_s;
        if (limit_s > 0) {
            log_info("connection %s: no TLS handshake within %u seconds; closing", conn->peer,
                     limit_s);
            connection_close(conn);
            return;
        }
    }
    if (conn->closing_after || conn->closing)
        return;
    if (login_ms > 0 && !conn->authenticated && conn->head == NULL &&
        now - conn->unauthenticated_since_ms > login_ms) {
        snprintf(message, sizeof(message), "no login within %u seconds; closing",
                 s->config.login_timeout_s);
        connection_end(conn, FOLIO__CODE__UNAUTHENTICATED, message);
        connection_pump(conn);
    } else if (frame_ms > 0 && conn->partial_frame_since_ms != 0 &&
               now - conn->partial_frame_since_ms > frame_ms) {
        snprintf(message, sizeof(message), "a frame was left unfinished for %u seconds; closing",
                 s->config.frame_timeout_s);
        connection_end(conn, FOLIO__CODE__INVALID_ARGUMENT, message);
        connection_pump(conn);
    } else if (conn->watching && conn->authenticated && conn->head == NULL &&
               conn->session_expires_at != 0 && (int64_t)time(NULL) >= conn->session_expires_at) {
        /* A watcher sends nothing that would find its session over, and the
         * idle timeout spares it: without this it would hold its place (and
         * its user's) for ever. */
        connection_end(conn, FOLIO__CODE__UNAUTHENTICATED,
                       "your session has expired; log in again");
        connection_pump(conn);
    }
}

static void server_on_sweep(uv_timer_t *timer)
{
    struct server *s = timer->data;
    uint64_t now = uv_now(&s->loop);
    uint64_t idle_ms = (uint64_t)s->config.idle_timeout_s * 1000;
    struct connection *conn = s->connections;
    while (conn != NULL) {
        struct connection *next = conn->next;
        uint64_t quiet = now - conn->last_active_ms;
        if (s->draining && now - s->drain_started_ms > SERVER_DRAIN_GRACE_MS) {
            log_warn("connection %s did not take its last replies; closing it", conn->peer);
            connection_close(conn);
        } else if (conn->closing_after && quiet > SERVER_CLOSING_GRACE_MS) {
            connection_close(conn);
        } else if (idle_ms > 0 && conn->head == NULL && !conn->watching && quiet > idle_ms) {
            log_debug("connection %s idle for %u s; closing it", conn->peer,
                      s->config.idle_timeout_s);
            connection_close(conn);
        } else {
            server_sweep_limits(s, conn, now);
        }
        conn = next;
    }
    conn_budget_report(&s->budget, now);
}

static void server_on_connection(uv_stream_t *listener, int status)
{
    struct server *s = listener->data;
    if (status < 0) {
        /* Out of descriptors, libuv accepts and closes the waiting peers
         * itself (its reserve-descriptor trick) and calls back only with
         * what that could not clear: one line a minute, not one per peer. */
        uint64_t now = uv_now(&s->loop);
        if (s->accept_failed_logged_ms == 0 || now - s->accept_failed_logged_ms > 60000) {
            s->accept_failed_logged_ms = now;
            log_warn("accept failed: %s; peers are turned away until it passes",
                     uv_strerror(status));
        }
        return;
    }
    connection_accept(s);
}

static int server_write_port_file(const char *path, int port)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return ENAMETOOLONG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    char line[16];
    int len = snprintf(line, sizeof(line), "%d\n", port);
    int rc = write(fd, line, (size_t)len) == len ? 0 : errno;
    if (close(fd) != 0 && rc == 0)
        rc = errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = errno;
    if (rc != 0)
        unlink(tmp);
    return rc;
}

/* Binds and listens on addr; 0 or a libuv error, the listener closed. */
static int server_bind(struct server *s, const struct sockaddr *addr)
{
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    int rc = uv_tcp_bind(&s->listener, addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&s->listener, SERVER_LISTEN_BACKLOG, server_on_connection);
    if (rc != 0)
        uv_close((uv_handle_t *)&s->listener, NULL);
    return rc;
}

/* A socket bound to addr (SO_REUSEADDR, as libuv binds), or -errno. */
static int server_bound_socket(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

/* A host name in --listen: resolved once, here, before the loop runs (so
 * the lookup blocks nothing but start-up), and served on the first of its
 * addresses that can be bound, whose text goes in shown. The addresses are
 * tried with plain sockets: a libuv handle cannot be closed and opened
 * again before the loop has run. */
static int server_bind_name(struct server *s, char *shown, size_t shown_size)
{
    const char *host = s->config.host;
    char port[8];
    snprintf(port, sizeof(port), "%d", s->config.port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    uv_getaddrinfo_t lookup;
    int rc = uv_getaddrinfo(&s->loop, &lookup, NULL, host, port, &hints);
    if (rc != 0) {
        log_error("cannot listen on %s: the name resolves to no address (%s)", host,
                  uv_strerror(rc));
        return rc;
    }
    int fd = UV_EADDRNOTAVAIL;
    for (struct addrinfo *ai = lookup.addrinfo; ai != NULL && fd < 0; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET)
            uv_ip4_name((struct sockaddr_in *)ai->ai_addr, shown, shown_size);
        else if (ai->ai_family == AF_INET6)
            uv_ip6_name((struct sockaddr_in6 *)ai->ai_addr, shown, shown_size);
        else
            continue;
        fd = server_bound_socket(ai);
        if (fd < 0)
            log_warn("cannot listen on %s (%s) port %d: %s", host, shown, s->config.port,
                     strerror(-fd));
    }
    uv_freeaddrinfo(lookup.addrinfo);
    if (fd < 0) {
        log_error("cannot listen on %s port %d: none of its addresses could be bound", host,
                  s->config.port);
        return fd;
    }
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    rc = uv_tcp_open(&s->listener, fd);
    if (rc != 0)
        close(fd); /* not the handle's: its close leaves it */
    else
        rc = uv_listen((uv_stream_t *)&s->listener, SERVER_LISTEN_BACKLOG, server_on_connection);
    if (rc != 0) {
        log_error("cannot listen on %s (%s) port %d: %s", host, shown, s->config.port,
                  uv_strerror(rc));
        uv_close((uv_handle_t *)&s->listener, NULL);
    }
    return rc;
}

static int server_listen(struct server *s)
{
    struct sockaddr_storage addr;
    const char *host = s->config.host;
    char shown[INET6_ADDRSTRLEN] = "";
    int rc;
    if (!host_name_is_ip(host)) {
        rc = server_bind_name(s, shown, sizeof(shown));
        if (rc != 0)
            return rc;
    } else {
        rc = strchr(host, ':') != NULL
                 ? uv_ip6_addr(host, s->config.port, (struct sockaddr_in6 *)&addr)
                 : uv_ip4_addr(host, s->config.port, (struct sockaddr_in *)&addr);
        if (rc == 0)
            rc = server_bind(s, (struct sockaddr *)&addr);
        if (rc != 0) {
            log_error("cannot listen on %s port %d: %s", host, s->config.port, uv_strerror(rc));
            return rc;
        }
    }
    int len = sizeof(addr);
    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &len);
    int port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                : ((struct sockaddr_in *)&addr)->sin_port);
    bool v6 = strchr(host, ':') != NULL;
    log_info("listening on %s%s%s:%d%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "", port,
             shown[0] != '\0' ? " (" : "", shown, shown[0] != '\0' ? ")" : "");
    if (s->config.port_file != NULL) {
        rc = server_write_port_file(s->config.port_file, port);
        if (rc != 0) {
            log_error("cannot write the port file %s: %s", s->config.port_file, strerror(rc));
            uv_close((uv_handle_t *)&s->listener, NULL);
            return rc;
        }
    }
    return 0;
}

/* Loads what the server needs from the store before serving. */
static int server_load_firm(struct server *s)
{
    MDB_txn *txn;
    int rc = store_read_begin(&s->store, &txn);
    if (rc != 0)
        return rc;
    struct arena arena;
    arena_init(&arena, 0);
    Folio__Firm *firm;
    rc = store_meta_firm_get(&s->store, txn, &arena, &firm);
    if (rc == 0) {
        s->firm_name = strdup(firm->name);
        if (s->firm_name == NULL)
            rc = ENOMEM;
    }
    arena_free(&arena);
    store_read_end(&s->store, txn);
    return rc;
}

/* Data directories made before rules existed get the default rules and
 * calendar, and those made before holdings were on the agenda their
 * renewals, once, before anyone is served. Runs before the writer thread
 * starts, so it writes directly. */
static int server_seed_rules(struct server *s)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->store.env, NULL, 0, &txn);
    if (rc == 0) {
        if ((rc = store_rule_seed(&s->store, txn, (int64_t)time(NULL))) == 0)
            rc = store_holding_agenda_seed(&s->store, txn);
        if (rc == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
    }
    if (rc != 0)
        log_error("cannot store the default rules in %s: %s", s->config.data_dir,
                  store_strerror(rc));
    return rc;
}

/* Data directories made before the search index, or before the agenda's
 * entries per client (stay-in-touch, places), get them built, once, before
 * anyone is served: a batch per transaction, growing the map when it
 * fills. Runs before the writer thread starts, so it writes directly. */
static int server_build_search(struct server *s)
{
    size_t batches = 0;
    for (bool done = false; !done;) {
        MDB_txn *txn;
        int rc = mdb_txn_begin(s->store.env, NULL, 0, &txn);
        if (rc == 0) {
            rc = store_search_build(&s->store, txn, &done);
            rc = rc == 0 && done ? store_agenda_client_build(&s->store, txn, &done) : rc;
            if (rc == 0)
                rc = mdb_txn_commit(txn);
            else
                mdb_txn_abort(txn);
        }
        if (rc == MDB_MAP_FULL && (rc = store_grow(&s->store)) == 0) {
            done = false;
            continue;
        }
        if (rc != 0) {
            log_error("cannot build the client indexes in %s: %s", s->config.data_dir,
                      store_strerror(rc));
            return rc;
        }
        batches++;
    }
    if (batches > 1)
        log_info("built the client search and agenda indexes in %s", s->config.data_dir);
    return 0;
}

/* Loads DATA/firm.key, or makes one for a data directory from before keys
 * existed (or restored from a backup, which holds no key), and makes the
 * Firm record's public key the one that signs. Runs before the writer
 * thread starts, so it writes directly. */
static int server_load_key(struct server *s)
{
    char why[512];
    const char *dir = s->config.data_dir;
    if (firm_key_load(dir, &s->firm_key, why, sizeof(why)) != 0) {
        if (errno != ENOENT) {
            log_error("%s", why);
            return -1;
        }
        if (firm_key_create(dir, &s->firm_key, why, sizeof(why)) != 0) {
            log_error("%s", why);
            return -1;
        }
        log_info("made a new firm key in %s/%s", dir, FIRM_KEY_FILE);
    }
    MDB_txn *txn;
    int rc = mdb_txn_begin(s->store.env, NULL, 0, &txn);
    if (rc != 0) {
        log_error("cannot write to the store: %s", store_strerror(rc));
        return -1;
    }
    struct arena arena;
    arena_init(&arena, 0);
    Folio__Firm *firm;
    rc = store_meta_firm_get(&s->store, txn, &arena, &firm);
    bool same =
        rc == 0 && firm->public_key.len == sizeof(s->firm_key.public_key) &&
        memcmp(firm->public_key.data, s->firm_key.public_key, sizeof(s->firm_key.public_key)) == 0;
    if (rc == 0 && !same) {
        firm->public_key.data = s->firm_key.public_key;
        firm->public_key.len = sizeof(s->firm_key.public_key);
        rc = store_meta_firm_put(&s->store, txn, firm);
        if (rc == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
        if (rc == 0)
            log_info("the firm record now holds the public key of %s/%s", dir, FIRM_KEY_FILE);
    } else {
        mdb_txn_abort(txn);
    }
    arena_free(&arena);
    if (rc != 0) {
        log_error("cannot save the firm's public key: %s", store_strerror(rc));
        return -1;
    }
    return 0;
}

static void server_warn_expiry(const char *cert_file, int64_t not_after)
{
    int64_t now = (int64_t)time(NULL);
    time_t when = (time_t)not_after;
    struct tm tm;
    char date[32] = "?";
    if (gmtime_r(&when, &tm) != NULL)
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
    if (not_after <= now)
        log_warn("the TLS certificate %s expired on %s: clients refuse it; renew it (for the "
                 "firm's own, remove it and its key and restart)",
                 cert_file, date);
    else if (not_after - now < (int64_t)SERVER_CERT_WARN_DAYS * 86400)
        log_warn("the TLS certificate %s expires on %s: renew it before then", cert_file, date);
}

/* Sets up TLS. With no --tls-cert, the firm's own certificate in the data
 * directory serves, made here for a directory from before TLS (or restored
 * from a backup, which holds none). */
static int server_load_tls(struct server *s)
{
    const struct server_config *config = &s->config;
    if (config->plaintext) {
        log_warn("serving without TLS (--plaintext): only this machine can connect");
        return 0;
    }
    char why[512];
    char *cert = s->tls_cert_path, *key = s->tls_key_path;
    size_t cap = sizeof(s->tls_cert_path);
    if (config->tls_cert_file != NULL) {
        if ((size_t)snprintf(cert, cap, "%s", config->tls_cert_file) >= cap ||
            (size_t)snprintf(key, cap, "%s", config->tls_key_file) >= cap) {
            log_error("--tls-cert or --tls-key: the path is too long");
            return -1;
        }
    } else {
        if ((size_t)snprintf(cert, cap, "%s/%s", config->data_dir, TLS_CERT_FILE) >= cap ||
            (size_t)snprintf(key, cap, "%s/%s", config->data_dir, TLS_KEY_FILE) >= cap) {
            log_error("the data directory path is too long");
            return -1;
        }
        if (access(cert, F_OK) != 0 && errno == ENOENT && access(key, F_OK) != 0 &&
            errno == ENOENT) {
            if (tls_cert_make_firm(config->data_dir, s->firm_name, (int64_t)time(NULL), NULL, why,
                                   sizeof(why)) != 0) {
                log_error("cannot make the firm's TLS certificate: %s", why);
                return -1;
            }
            log_info("made the firm's TLS certificate %s; agents must trust it anew", cert);
        }
    }
    s->tls = tls_server_open(cert, key, config->tls_client_ca_file, why, sizeof(why));
    if (s->tls == NULL) {
        log_error("%s", why);
        return -1;
    }
    log_info("TLS certificate %s, SHA-256 fingerprint %s", cert, tls_server_fingerprint(s->tls));
    server_warn_expiry(cert, tls_server_not_after(s->tls));
    if (config->tls_client_ca_file != NULL)
        log_info("clients must present a certificate signed by %s", config->tls_client_ca_file);
    return 0;
}

/* SIGHUP, the certificate: read again from where it was read at start (a
 * renewed certificate put in place), for the connections that come next;
 * those open keep the session they have. A pair that does not load leaves
 * the one served. Two small files, read on the loop: a reload is rare and
 * costs less than handing it to the pool. */
static void server_reload_tls(struct server *s)
{
    if (s->tls == NULL) {
        log_info("SIGHUP: serving without TLS, no certificate to reload");
        return;
    }
    char why[512];
    struct tls_server *fresh = tls_server_open(s->tls_cert_path, s->tls_key_path,
                                               s->config.tls_client_ca_file, why, sizeof(why));
    if (fresh == NULL) {
        log_error("SIGHUP: the certificate was not reloaded, still serving %s: %s",
                  tls_server_fingerprint(s->tls), why);
        return;
    }
    /* Each open connection's TLS session holds its own reference to the
     * old context, so it goes when the last of them closes. */
    tls_server_close(s->tls);
    s->tls = fresh;
    log_info("SIGHUP: reloaded the TLS certificate %s, SHA-256 fingerprint %s", s->tls_cert_path,
             tls_server_fingerprint(s->tls));
    server_warn_expiry(s->tls_cert_path, tls_server_not_after(s->tls));
}

/* SIGHUP: the log file opened again first (logrotate has moved the old
 * one), so that what follows is in the new; then the config file's live
 * options (config_reload.h), then the certificate. Small files, on the
 * loop, as the certificate. */
static void server_on_hangup(uv_signal_t *handle, int signum)
{
    (void)signum;
    struct server *s = handle->data;
    service_notify_reloading();
    char why[1024];
    int rc = log_reopen(why, sizeof(why));
    if (rc < 0)
        log_error("SIGHUP: the log file was not opened again, still logging to the old one: %s",
                  why);
    else if (rc == 0)
        log_info("SIGHUP: opened the log file again");
    rc = config_reload(&s->config, why, sizeof(why));
    if (rc < 0) {
        log_error("SIGHUP: the options were not read again, nothing changed: %s", why);
    } else if (rc == 0) {
        log_set_level(s->config.log_level);
        log_set_format(s->config.log_format);
        log_info("SIGHUP: read %s again", s->config.config_file);
    }
    server_reload_tls(s);
    service_notify_ready("reloaded");
}

static void server_walk_close(uv_handle_t *handle, void *arg)
{
    (void)arg;
    if (!uv_is_closing(handle))
        uv_close(handle, NULL);
}

static int server_open_store(struct server *s)
{
    const char *dir = s->config.data_dir;
    int rc = store_open(&s->store, dir, 0);
    if (rc != 0) {
        if (rc == ENOENT)
            log_error("no firm in %s: run foliod init first", dir);
        else
            log_error("cannot open the data directory %s: %s", dir, store_strerror(rc));
        return rc;
    }
    rc = server_load_firm(s);
    if (rc == MDB_NOTFOUND)
        log_error("no firm in %s: run foliod init first", dir);
    else if (rc != 0)
        log_error("cannot read the firm record: %s", store_strerror(rc));
    return rc;
}

/* The code lists, first: without them no record can be checked, and a
 * missing package is the likeliest reason for a refused start. */
static int server_load_iso(struct server *s)
{
    const char *dir =
        s->config.iso_codes_dir != NULL ? s->config.iso_codes_dir : ISO_CODES_DEFAULT_DIR;
    char why[512];
    if (iso_codes_load(&s->iso, dir, why, sizeof(why)) != 0) {
        log_error("cannot load the ISO codes: %s", why);
        return -1;
    }
    return 0;
}

/* The loop and what runs beside it: the limits, the pool, the writer. */
static int server_open_loop(struct server *s)
{
    const struct server_config *config = &s->config;
    int rc = uv_loop_init(&s->loop);
    if (rc != 0) {
        log_error("cannot start the event loop: %s", uv_strerror(rc));
        return rc;
    }
    s->loop_open = true;
    peer_limit_init(&s->peers);
    peer_limit_init(&s->hash_peers);
    throttle_init(&s->throttle, config->lockout_after, config->address_lockout_after,
                  (uint64_t)config->lockout_seconds * 1000);
    conn_budget_init(&s->budget, config->max_connections, config->max_unauthenticated,
                     config->max_unauthenticated_per_address, config->max_connections_per_user);
    unsigned hashes =
        config->max_hashes ? config->max_hashes : hasher_default_concurrency(config->hash_cost);
    hasher_init(&s->hasher, &s->loop, config->hash_cost, hashes);
    hasher_set_lane(&s->hasher, HASHER_LANE_HASH, hashes, config->max_queued_hashes);
    hasher_set_lane(&s->hasher, HASHER_LANE_TRANSFER, config->max_transfers, SIZE_MAX);
    hasher_set_lane(&s->hasher, HASHER_LANE_HEAVY_READ, config->max_heavy_reads, SIZE_MAX);
    /* The pool runs the hasher's jobs and nothing else: a thread for every
     * job its lanes may run at once, so that no lane waits for a thread
     * another holds (libuv reads this once, at the first job). */
    char threads[16];
    snprintf(threads, sizeof(threads), "%u", hasher_threads(&s->hasher));
    setenv("UV_THREADPOOL_SIZE", threads, 0);
    log_info("password hashes: %u at a time, %zu MiB each", hashes,
             hasher_memory(config->hash_cost) >> 20);
    /* Before the loop serves anyone, so no request waits for it. */
    if (hasher_make_dummy(config->hash_cost, s->dummy_hash) != 0) {
        log_error("not enough memory to hash a password at the configured --hash-cost");
        return ENOMEM;
    }
    rc = writer_start(&s->writer, &s->store, &s->loop);
    if (rc != 0) {
        log_error("cannot start the writer thread: %s", strerror(rc));
        return rc;
    }
    uv_idle_init(&s->loop, &s->turns);
    s->turns.data = s;
    stats_init(&s->stats, uv_now(&s->loop));
    return 0;
}

int server_open(struct server *s, const struct server_config *config)
{
    memset(s, 0, sizeof(*s));
    s->config = *config;
    if (server_load_iso(s) != 0 || server_open_store(s) != 0 || server_seed_rules(s) != 0 ||
        server_build_search(s) != 0 || server_load_key(s) != 0 || server_load_tls(s) != 0 ||
        mail_sender_open(&s->mail, s) != 0)
        return -1;
    /* Files of transfers a crash cut short: no connection holds them now. */
    transfer_clean(config->data_dir);
    return server_open_loop(s) != 0 ? -1 : 0;
}

int server_serve(struct server *s)
{
    /* Handlers first: the port file tells the world we are up, and a SIGTERM
     * sent the moment it appears must drain, not kill. */
    uv_signal_init(&s->loop, &s->sigint);
    uv_signal_init(&s->loop, &s->sigterm);
    uv_signal_init(&s->loop, &s->sighup);
    s->sigint.data = s->sigterm.data = s->sighup.data = s;
    uv_signal_start(&s->sigint, server_on_signal, SIGINT);
    uv_signal_start(&s->sigterm, server_on_signal, SIGTERM);
    uv_signal_start(&s->sighup, server_on_hangup, SIGHUP);
    if (server_listen(s) != 0)
        return -1;
    uv_timer_init(&s->loop, &s->sweep);
    s->sweep.data = s;
    uv_timer_start(&s->sweep, server_on_sweep, SERVER_SWEEP_MS, SERVER_SWEEP_MS);
    if (mail_sender_start(&s->mail) != 0)
        return -1;
    log_info("serving firm \"%s\" from %s", s->firm_name, s->config.data_dir);
    service_notify_ready("serving");
    uv_run(&s->loop, UV_RUN_DEFAULT);
    log_info("stopped after %llu writes in %llu commits",
             atomic_load_explicit(&s->writer.jobs, memory_order_relaxed),
             atomic_load_explicit(&s->writer.batches, memory_order_relaxed));
    return 0;
}

int server_close(struct server *s)
{
    int rc = 0;
    if (s->loop_open) {
        /* First: it closes its own handle, which the walk would close
         * under it. A no-op after a drain, which stopped it already. */
        mail_sender_stop(&s->mail);
        writer_stop(&s->writer);
        uv_walk(&s->loop, server_walk_close, NULL);
        uv_run(&s->loop, UV_RUN_DEFAULT);
        if (uv_loop_close(&s->loop) != 0) {
            log_error("handles were left open at exit");
            rc = -1;
        }
        s->loop_open = false;
    }
    peer_limit_free(&s->peers);
    peer_limit_free(&s->hash_peers);
    conn_budget_free(&s->budget);
    tls_server_close(s->tls);
    s->tls = NULL;
    store_close(&s->store);
    free(s->firm_name);
    s->firm_name = NULL;
    sodium_memzero(&s->firm_key, sizeof(s->firm_key));
    return rc;
}

/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "op.h"
#include "server.h"
#include "status.h"

#define METRICS_PUBLISH_MS 1000
/* A page of every op by status is a few tens of kilobytes; it grows. */
#define METRICS_PAGE_START (64 * 1024)

static void metrics_publish(uv_timer_t *timer)
{
    struct metrics *m = timer->data;
    stats_publish(m->server, m->fresh);
    /* A scrape copying out holds the lock for a moment: skip a turn then. */
    if (pthread_mutex_trylock(&m->lock) != 0)
        return;
    struct stats_published *t = m->shown;
    m->shown = m->fresh;
    m->fresh = t;
    m->published = true;
    pthread_mutex_unlock(&m->lock);
}

/* The page being written; failed once anything did not fit in memory. */
struct metrics_page {
    char *text;
    size_t len, size;
    bool failed;
};

__attribute__((format(printf, 2, 3))) static void metrics_printf(struct metrics_page *p,
                                                                 const char *fmt, ...)
{
    for (int round = 0; round < 2 && !p->failed; round++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(p->text + p->len, p->size - p->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            p->failed = true;
        } else if ((size_t)n < p->size - p->len) {
            p->len += (size_t)n;
            return;
        } else {
            size_t size = (p->size + (size_t)n) * 2;
            char *text = realloc(p->text, size);
            if (text == NULL)
                p->failed = true;
            else {
                p->text = text;
                p->size = size;
            }
        }
    }
}

static void metrics_counter(struct metrics_page *p, const char *name, const char *help,
                            const char *type, uint64_t value)
{
    metrics_printf(p, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
                   (unsigned long long)value);
}

static void metrics_requests(struct metrics_page *p, const struct stats_published *f)
{
    metrics_printf(p, "# HELP folio_requests_total Requests answered, by op and status.\n"
                      "# TYPE folio_requests_total counter\n");
    for (size_t slot = 0; slot < STATS_OP_SLOTS; slot++) {
        const struct op *op = slot > 0 ? op_find((Folio__Request__OpCase)slot) : NULL;
        for (size_t c = 0; c < STATS_CODES; c++)
            if (f->answered[slot][c] > 0)
                metrics_printf(p, "folio_requests_total{op=\"%s\",status=\"%s\"} %llu\n",
                               op != NULL ? op->name : "unknown", status_name((Folio__Code)c),
                               (unsigned long long)f->answered[slot][c]);
    }
    metrics_printf(p, "# HELP folio_request_duration_seconds Time from a request's arrival to its "
                      "answer.\n# TYPE folio_request_duration_seconds histogram\n");
    uint64_t cumulative = 0;
    for (size_t b = 0; b < STATS_LATENCY_BUCKETS; b++) {
        cumulative += f->latency[b];
        metrics_printf(p, "folio_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                       (double)stats_latency_bounds_us[b] / 1e6, (unsigned long long)cumulative);
    }
    cumulative += f->latency[STATS_LATENCY_BUCKETS];
    metrics_printf(p,
                   "folio_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                   "folio_request_duration_seconds_sum %.6f\n"
                   "folio_request_duration_seconds_count %llu\n",
                   (unsigned long long)cumulative, (double)f->latency_sum_us / 1e6,
                   (unsigned long long)cumulative);
    metrics_counter(p, "folio_request_bytes_total", "Bytes of requests read.", "counter",
                    f->bytes_in);
    metrics_counter(p, "folio_response_bytes_total", "Bytes of answers written.", "counter",
                    f->bytes_out);
}

static void metrics_writes(struct metrics_page *p, const struct stats_published *f)
{
    metrics_counter(p, "folio_write_commits_total", "Write transactions committed.", "counter",
                    f->commit_batches);
    /* The writer buckets batch sizes as 1, 2-7, 8-31 and 32 up. */
    static const char *const bounds[STATS_BATCH_BUCKETS - 1] = {"1", "7", "31"};
    metrics_printf(p, "# HELP folio_write_batch_size Writes committed together in one "
                      "transaction.\n# TYPE folio_write_batch_size histogram\n");
    uint64_t cumulative = 0;
    for (size_t b = 0; b + 1 < STATS_BATCH_BUCKETS; b++) {
        cumulative += f->batch_sizes[b];
        metrics_printf(p, "folio_write_batch_size_bucket{le=\"%s\"} %llu\n", bounds[b],
                       (unsigned long long)cumulative);
    }
    cumulative += f->batch_sizes[STATS_BATCH_BUCKETS - 1];
    metrics_printf(p,
                   "folio_write_batch_size_bucket{le=\"+Inf\"} %llu\n"
                   "folio_write_batch_size_sum %llu\nfolio_write_batch_size_count %llu\n",
                   (unsigned long long)cumulative, (unsigned long long)f->committed_writes,
                   (unsigned long long)f->commit_batches);
}

/* The page of /metrics, or NULL when memory ran out. */
static char *metrics_page(const struct stats_published *f, size_t *len)
{
    struct metrics_page p = {.text = malloc(METRICS_PAGE_START), .size = METRICS_PAGE_START};
    if (p.text == NULL)
        return NULL;
    metrics_requests(&p, f);
    metrics_writes(&p, f);
    metrics_counter(&p, "folio_connections_open", "Connections open.", "gauge",
                    f->connections_open);
    metrics_counter(&p, "folio_connections_accepted_total", "Connections accepted.", "counter",
                    f->connections_accepted);
    metrics_counter(&p, "folio_tls_handshakes_total", "TLS handshakes completed.", "counter",
                    f->tls_handshakes);
    metrics_counter(&p, "folio_tls_handshake_failures_total", "TLS handshakes that failed.",
                    "counter", f->tls_handshake_failures);
    metrics_counter(&p, "folio_password_checks_running", "Password checks running.", "gauge",
                    f->hashes_running);
    metrics_counter(&p, "folio_password_checks_queued",
                    "Password checks waiting for their turn (the hash queue).", "gauge",
                    f->hashes_queued);
    metrics_counter(&p, "folio_lmdb_map_bytes", "The LMDB map's size.", "gauge", f->map_bytes);
    metrics_counter(&p, "folio_lmdb_used_bytes", "Bytes of the LMDB map in use.", "gauge",
                    f->used_bytes);
    metrics_counter(&p, "folio_serving", "1 while listening and not draining.", "gauge",
                    f->serving ? 1 : 0);
    metrics_counter(&p, "folio_mail_queued", "E-mail queued for the relay.", "gauge",
                    f->mail_queued);
    metrics_counter(&p, "folio_mail_delivered_total", "E-mail the relay accepted.", "counter",
                    f->mail_delivered);
    metrics_counter(&p, "folio_mail_failed_total", "E-mail that failed for good.", "counter",
                    f->mail_failed);
    metrics_counter(&p, "folio_mail_cancelled_total",
                    "E-mail cancelled before it went out (consent, withdrawal).", "counter",
                    f->mail_cancelled);
    metrics_counter(&p, "folio_mail_deferred_total", "Delivery attempts the relay deferred.",
                    "counter", f->mail_deferred);
    if (p.failed) {
        free(p.text);
        return NULL;
    }
    *len = p.len;
    return p.text;
}

static enum MHD_Result metrics_reply(struct MHD_Connection *connection, unsigned status, char *text,
                                     size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(len, text, mode);
    if (response == NULL) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(text);
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8");
    enum MHD_Result rc = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return rc;
}

static enum MHD_Result metrics_answer(void *cls, struct MHD_Connection *connection, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)con_cls;
    struct metrics *m = cls;
    static char not_found[] = "not found: /metrics, /healthz or /readyz\n";
    static char not_allowed[] = "GET only\n";
    static char ok[] = "ok\n";
    static char not_ready[] = "not serving\n";
    static char no_memory[] = "out of memory\n";
    if (*upload_data_size != 0 ||
        (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0))
        return metrics_reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
                             sizeof(not_allowed) - 1, MHD_RESPMEM_PERSISTENT);
    if (strcmp(url, "/healthz") == 0)
        return metrics_reply(connection, MHD_HTTP_OK, ok, sizeof(ok) - 1, MHD_RESPMEM_PERSISTENT);
    bool is_metrics = strcmp(url, "/metrics") == 0;
    if (!is_metrics && strcmp(url, "/readyz") != 0)
        return metrics_reply(connection, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
                             MHD_RESPMEM_PERSISTENT);
    struct stats_published *f = malloc(sizeof(*f));
    if (f == NULL)
        return metrics_reply(connection, MHD_HTTP_SERVICE_UNAVAILABLE, no_memory,
                             sizeof(no_memory) - 1, MHD_RESPMEM_PERSISTENT);
    pthread_mutex_lock(&m->lock);
    bool published = m->published;
    if (published)
        memcpy(f, m->shown, sizeof(*f));
    pthread_mutex_unlock(&m->lock);
    enum MHD_Result rc;
    if (!is_metrics) {
        bool ready = published && f->serving;
        rc = metrics_reply(connection, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                           ready ? ok : not_ready, ready ? sizeof(ok) - 1 : sizeof(not_ready) - 1,
                           MHD_RESPMEM_PERSISTENT);
    } else {
        if (!published)
            memset(f, 0, sizeof(*f));
        size_t len;
        char *page = metrics_page(f, &len);
        rc = page != NULL ? metrics_reply(connection, MHD_HTTP_OK, page, len, MHD_RESPMEM_MUST_FREE)
                          : metrics_reply(connection, MHD_HTTP_SERVICE_UNAVAILABLE, no_memory,
                                          sizeof(no_memory) - 1, MHD_RESPMEM_PERSISTENT);
    }
    free(f);
    return rc;
}

int metrics_start(struct metrics *m, struct server *s)
{
    memset(m, 0, sizeof(*m));
    m->server = s;
    const struct server_config *config = &s->config;
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, config->metrics_host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)config->metrics_port);
    } else if (inet_pton(AF_INET6, config->metrics_host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)config->metrics_port);
        flags |= MHD_USE_IPv6;
    } else {
        log_error("--metrics-listen %s is not a numeric address", config->metrics_host);
        return -1;
    }
    m->fresh = calloc(1, sizeof(*m->fresh));
    m->shown = calloc(1, sizeof(*m->shown));
    if (m->fresh == NULL || m->shown == NULL || pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m->fresh);
        free(m->shown);
        log_error("metrics: out of memory");
        return -1;
    }
    /* Two connections suffice for a scraper and a probe or two. */
    m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, metrics_answer, m, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, 16u,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (m->daemon == NULL) {
        log_error("metrics: cannot listen on %s:%d", config->metrics_host, config->metrics_port);
        pthread_mutex_destroy(&m->lock);
        free(m->fresh);
        free(m->shown);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    log_info("metrics listening on %s%s%s:%u", flags & MHD_USE_IPv6 ? "[" : "",
             config->metrics_host, flags & MHD_USE_IPv6 ? "]" : "",
             info != NULL ? (unsigned)info->port : (unsigned)config->metrics_port);
    uv_timer_init(&s->loop, &m->publish);
    m->publish.data = m;
    uv_timer_start(&m->publish, metrics_publish, 0, METRICS_PUBLISH_MS);
    /* The timer alone does not keep the loop running past a drain. */
    uv_unref((uv_handle_t *)&m->publish);
    return 0;
}

void metrics_stop(struct metrics *m)
{
    MHD_stop_daemon(m->daemon);
    m->daemon = NULL;
    uv_timer_stop(&m->publish);
    pthread_mutex_destroy(&m->lock);
    free(m->fresh);
    free(m->shown);
    m->fresh = m->shown = NULL;
}

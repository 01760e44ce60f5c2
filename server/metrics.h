/* metrics.h - the metrics endpoint of `foliod serve --metrics-listen`.
 *
 * An HTTP listener of its own (libmicrohttpd, on its own thread) serves
 *   /metrics  the Prometheus text format: requests by op and status,
 *             their latency, bytes, write commits and batch sizes,
 *             connections, password checks queued, the LMDB map's size
 *             and use; no label holds a user's or a client's data;
 *   /healthz  200 while the process runs;
 *   /readyz   200 while it serves (listening, not draining), else 503.
 *
 * The loop thread never waits for it: a timer on the loop copies the
 * figures (stats_publish) once a second and hands them over under a mutex
 * it only tries to take; a scrape copies them out under that mutex. So the
 * figures are at most about a second old.
 *
 *     struct metrics m;
 *     metrics_start(&m, s)        after server_open, before server_serve
 *     ... server_serve(s) ...
 *     metrics_stop(&m)            after server_serve; before server_close,
 *                                 which closes the timer with the loop
 */
#ifndef FOLIO_METRICS_H
#define FOLIO_METRICS_H

#include <pthread.h>
#include <stdbool.h>

#include <uv.h>

#include "stats.h"

struct server;
struct MHD_Daemon;

struct metrics {
    struct server *server;
    uv_timer_t publish;            /* loop thread */
    struct stats_published *fresh; /* loop thread: filled, then handed over */
    pthread_mutex_t lock;
    struct stats_published *shown; /* under lock: what scrapes read */
    bool published;                /* under lock: shown holds figures */
    struct MHD_Daemon *daemon;
};

/* Listens on s->config's metrics address and starts the publishing timer
 * on s->loop. Returns 0, or -1 with the reason logged (nothing to stop). */
int metrics_start(struct metrics *m, struct server *s);

/* Stops the listener (joining its thread) and the timer. */
void metrics_stop(struct metrics *m);

#endif

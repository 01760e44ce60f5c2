/* service_notify.c - see service_notify.h. */
#include "service_notify.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#ifdef FOLIO_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

#include "log.h"

static void service_notify(const char *state)
{
    int rc = sd_notify(0, state);
    if (rc < 0)
        log_warn("cannot tell systemd \"%.40s\": error %d", state, -rc);
}
#else
static void service_notify(const char *state)
{
    (void)state;
}
#endif

void service_notify_ready(const char *status)
{
    char state[256];
    snprintf(state, sizeof(state), "READY=1\nSTATUS=%s", status);
    service_notify(state);
}

void service_notify_reloading(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char state[96];
    snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
             (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u);
    service_notify(state);
}

void service_notify_stopping(void)
{
    service_notify("STOPPING=1");
}

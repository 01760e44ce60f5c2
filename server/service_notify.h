/* service_notify.h - telling systemd how foliod is doing (sd_notify, from
 * libsystemd), for a unit of Type=notify: ready once listening, reloading
 * around SIGHUP, stopping when a signal drains it.
 *
 * Each call does nothing when NOTIFY_SOCKET is not set (foliod not started
 * by systemd) or when foliod is built without libsystemd (the CMake option
 * FOLIO_SYSTEMD). A datagram to a local socket: it does not block. */
#ifndef FOLIO_SERVICE_NOTIFY_H
#define FOLIO_SERVICE_NOTIFY_H

/* READY=1, with STATUS= saying where it listens. */
void service_notify_ready(const char *status);
/* RELOADING=1 with MONOTONIC_USEC=, as systemd wants for Type=notify-reload
 * and accepts for notify; service_notify_ready follows when done. */
void service_notify_reloading(void);
/* STOPPING=1. */
void service_notify_stopping(void);

#endif

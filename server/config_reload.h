/* config_reload.h - SIGHUP reads foliod's options again.
 *
 * The options are read as `foliod serve` read them at start: defaults, the
 * config file, FOLIOD_* variables, the flags (kept in config->argv), each
 * overriding the one before; only the file can have changed since. The
 * live options (log-level, log-format and the four timeouts: --help says
 * "SIGHUP applies a change") take their new values; every other option
 * that changed is logged as needing a restart. */
#ifndef FOLIO_CONFIG_RELOAD_H
#define FOLIO_CONFIG_RELOAD_H

#include <stddef.h>

#include "server.h"

/* Reads config->config_file again into config, logging each change.
 * Returns 0; 1 when no config file is read (nothing can have changed);
 * -1 with why when the file no longer reads, config left as it was. The
 * process's log level and format are the caller's to set from config. */
int config_reload(struct server_config *config, char *why, size_t why_size);

#endif

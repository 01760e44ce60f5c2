/* log.h - one line per event on stderr: "2026-11-23T14:00:00Z INFO message".
 * Safe to call from any thread. Never pass a password or a token. */
#ifndef FOLIO_LOG_H
#define FOLIO_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
/* Returns 0 and sets *level for "error", "warn", "info" or "debug". */
int log_level_parse(const char *name, enum log_level *level);

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)

#endif

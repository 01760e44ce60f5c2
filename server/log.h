/* log.h - one line per event on stderr (or a file, --log-file), as text,
 *     2026-11-23T14:00:00Z INFO message key=value ...
 * or as a JSON object (--log-format json), for log systems,
 *     {"time":"2026-11-23T14:00:00Z","level":"INFO","message":"...","fields":{...}}
 * Safe to call from any thread. Never pass a password, a token or a
 * client's name. */
#ifndef FOLIO_LOG_H
#define FOLIO_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Set at start, and again when SIGHUP re-reads the config file: a thread
 * that logs meanwhile writes its line at the one or the other. */
void log_set_level(enum log_level level);
void log_set_format(enum log_format format);

/* Sends the log (and whatever else the process writes to stderr) to path,
 * appended, made 0640 when missing; log_reopen opens path again, for a log
 * that logrotate has moved away. Returns 0, or -1 with why; a failed
 * reopen leaves the log where it was. */
int log_open_file(const char *path, char *why, size_t why_size);
/* 1 when no file was opened (the log is stderr as given): nothing to do. */
int log_reopen(char *why, size_t why_size);
/* Returns 0 and sets *level for "error", "warn", "info" or "debug". */
int log_level_parse(const char *name, enum log_level *level);
/* Returns 0 and sets *format for "text" or "json". */
int log_format_parse(const char *name, enum log_format *format);
/* Whether a line of level would be written: spares working out its fields. */
int log_enabled(enum log_level level);

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One field of a structured line: text when text is not NULL, else number. */
struct log_field {
    const char *key; /* a fixed name: [a-z_]+ */
    const char *text;
    long long number;
};

/* A line with a fixed message and fields: key=value after the message in
 * text, the "fields" object in JSON. */
void log_fields(enum log_level level, const char *message, const struct log_field *fields,
                size_t count);

#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)

#endif

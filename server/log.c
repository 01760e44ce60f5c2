/* log.c - see log.h. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#define LOG_LINE_MAX 2048

/* Atomic: SIGHUP changes them on the loop while other threads log. */
static _Atomic int log_threshold = LOG_INFO;
static _Atomic int log_form = LOG_FORMAT_TEXT;
/* The --log-file, for log_reopen; "" when the log is stderr as given. */
static char log_path[PATH_MAX];

static const char *const log_level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void log_set_level(enum log_level level)
{
    atomic_store_explicit(&log_threshold, (int)level, memory_order_relaxed);
}

void log_set_format(enum log_format format)
{
    atomic_store_explicit(&log_form, (int)format, memory_order_relaxed);
}

int log_enabled(enum log_level level)
{
    return (int)level <= atomic_load_explicit(&log_threshold, memory_order_relaxed);
}

/* The file takes the place of descriptor 2, in one dup2: lines written
 * meanwhile go to the old file or the new, whole, and stderr's users
 * (stdio, libraries, sanitizers) follow without knowing. */
static int log_open_path(const char *path, char *why, size_t why_size)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0) {
        snprintf(why, why_size, "cannot open the log file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fd != STDERR_FILENO) {
        int rc = dup2(fd, STDERR_FILENO);
        int err = errno;
        close(fd);
        if (rc < 0) {
            snprintf(why, why_size, "cannot log to %s: %s", path, strerror(err));
            return -1;
        }
    }
    return 0;
}

int log_open_file(const char *path, char *why, size_t why_size)
{
    if (strlen(path) >= sizeof(log_path)) {
        snprintf(why, why_size, "the log file's path is too long");
        return -1;
    }
    if (log_open_path(path, why, why_size) != 0)
        return -1;
    memcpy(log_path, path, strlen(path) + 1);
    return 0;
}

int log_reopen(char *why, size_t why_size)
{
    if (log_path[0] == '\0')
        return 1;
    return log_open_path(log_path, why, why_size);
}

int log_level_parse(const char *name, enum log_level *level)
{
    static const char *const lower[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, lower[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

int log_format_parse(const char *name, enum log_format *format)
{
    if (strcmp(name, "text") == 0)
        *format = LOG_FORMAT_TEXT;
    else if (strcmp(name, "json") == 0)
        *format = LOG_FORMAT_JSON;
    else
        return -1;
    return 0;
}

/* A line being put together: what does not fit is cut, never overrun. */
struct log_line {
    char text[LOG_LINE_MAX];
    size_t len;
};

static void log_put(struct log_line *line, const char *bytes, size_t n)
{
    size_t room = sizeof(line->text) - 2 - line->len; /* '\n' and '\0' */
    if (n > room)
        n = room;
    memcpy(line->text + line->len, bytes, n);
    line->len += n;
}

__attribute__((format(printf, 2, 3))) static void log_putf(struct log_line *line, const char *fmt,
                                                           ...)
{
    char buf[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        log_put(line, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* text as a JSON string: quotes, backslashes and control characters
 * escaped, bytes that are not UTF-8 as U+FFFD. */
static void log_put_json_string(struct log_line *line, const char *text)
{
    log_put(line, "\"", 1);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t left = strlen(text);
    while (left > 0) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)left, &c);
        if (n <= 0) {
            log_put(line, "\\ufffd", 6);
            p++;
            left--;
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            log_put(line, esc, 2);
        } else if (c < 0x20) {
            log_putf(line, "\\u%04x", (unsigned)c);
        } else {
            log_put(line, (const char *)p, (size_t)n);
        }
        p += n;
        left -= (size_t)n;
    }
    log_put(line, "\"", 1);
}

static void log_emit(enum log_level level, const char *message, const struct log_field *fields,
                     size_t count)
{
    struct log_line line = {.len = 0};
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (atomic_load_explicit(&log_form, memory_order_relaxed) == LOG_FORMAT_JSON) {
        log_putf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"message\":", stamp,
                 log_level_names[level]);
        log_put_json_string(&line, message);
        if (count > 0) {
            log_put(&line, ",\"fields\":{", 11);
            for (size_t i = 0; i < count; i++) {
                log_putf(&line, "%s\"%s\":", i > 0 ? "," : "", fields[i].key);
                if (fields[i].text != NULL)
                    log_put_json_string(&line, fields[i].text);
                else
                    log_putf(&line, "%lld", fields[i].number);
            }
            log_put(&line, "}", 1);
        }
        /* A cut line is no longer JSON: it says so in place of its end. */
        if (line.len >= sizeof(line.text) - 3) {
            line.len = 0;
            log_putf(&line,
                     "{\"time\":\"%s\",\"level\":\"%s\",\"message\":\"(a line too long to log)\"",
                     stamp, log_level_names[level]);
        }
        log_put(&line, "}", 1);
    } else {
        log_putf(&line, "%s %s %s", stamp, log_level_names[level], message);
        for (size_t i = 0; i < count; i++) {
            if (fields[i].text != NULL)
                log_putf(&line, " %s=%s", fields[i].key, fields[i].text);
            else
                log_putf(&line, " %s=%lld", fields[i].key, fields[i].number);
        }
    }
    line.text[line.len++] = '\n';
    line.text[line.len] = '\0';
    /* One fputs per line: stdio's stream lock keeps lines from different
     * threads whole. */
    fputs(line.text, stderr);
}

void log_write(enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char message[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    log_emit(level, message, NULL, 0);
}

void log_fields(enum log_level level, const char *message, const struct log_field *fields,
                size_t count)
{
    if (!log_enabled(level))
        return;
    log_emit(level, message, fields, count);
}

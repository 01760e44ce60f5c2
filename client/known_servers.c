/* known_servers.c - see known_servers.h. */
#include "known_servers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "session_file.h"

#define KNOWN_SERVERS_NAME "known-servers"
/* Room for hundreds of servers, and a bound on what a damaged or hostile
 * file can cost. */
#define KNOWN_SERVERS_MAX (64 * 1024)
#define KNOWN_SERVERS_HEADER                                                                       \
    "# folio known servers: \"HOST:PORT FINGERPRINT\" lines. Each fingerprint is the\n"            \
    "# SHA-256 of a server's TLS certificate, trusted at folio login.\n"

struct known_entry {
    const char *server; /* in the file's text, not NUL-terminated */
    size_t server_len;
    char fingerprint[TLS_FINGERPRINT_SIZE];
};

/* The next line of text[*pos..len), without its newline; false at the end. */
static bool known_servers_next_line(const char *text, size_t len, size_t *pos, const char **line,
                                    size_t *line_len)
{
    if (*pos >= len)
        return false;
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    *line = start;
    *line_len = nl != NULL ? (size_t)(nl - start) : len - *pos;
    *pos += *line_len + (nl != NULL);
    return true;
}

/* Reads a line as an entry; false for comments, blank and malformed lines. */
static bool known_servers_entry(const char *line, size_t len, struct known_entry *e)
{
    if (len > 0 && line[len - 1] == '\r') /* a file edited on another system */
        len--;
    if (len == 0 || line[0] == '#' || memchr(line, '\0', len) != NULL)
        return false;
    const char *space = memchr(line, ' ', len);
    if (space == NULL || space == line || (size_t)(space - line) > SESSION_VALUE_MAX)
        return false;
    size_t text_len = len - (size_t)(space - line) - 1;
    char text[TLS_FINGERPRINT_SIZE];
    if (text_len >= sizeof(text))
        return false;
    memcpy(text, space + 1, text_len);
    text[text_len] = '\0';
    if (tls_fingerprint_parse(text, e->fingerprint) < 0)
        return false;
    e->server = line;
    e->server_len = (size_t)(space - line);
    return true;
}

static bool known_servers_entry_is(const struct known_entry *e, const char *server)
{
    return strlen(server) == e->server_len && memcmp(e->server, server, e->server_len) == 0;
}

/* The whole file in a new buffer (*text, for the caller to free). Returns
 * 0, 1 when there is no file, or -1. */
static int known_servers_read(char **text, size_t *len, char *err, size_t errlen)
{
    *text = malloc(KNOWN_SERVERS_MAX);
    if (*text == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = config_file_read(KNOWN_SERVERS_NAME, "known-servers file", *text, KNOWN_SERVERS_MAX,
                              len, err, errlen);
    if (rc != 0) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

int known_servers_lookup(const char *server, char fingerprint[TLS_FINGERPRINT_SIZE], char *err,
                         size_t errlen)
{
    char *text;
    size_t len = 0;
    int rc = known_servers_read(&text, &len, err, errlen);
    if (rc != 0)
        return rc;
    rc = 1;
    size_t pos = 0;
    const char *line;
    size_t line_len;
    struct known_entry e;
    while (rc == 1 && known_servers_next_line(text, len, &pos, &line, &line_len)) {
        if (known_servers_entry(line, line_len, &e) && known_servers_entry_is(&e, server)) {
            memcpy(fingerprint, e.fingerprint, TLS_FINGERPRINT_SIZE);
            rc = 0;
        }
    }
    free(text);
    return rc;
}

/* A server must make one word at the start of a line that is no comment. */
static bool known_servers_server_ok(const char *server)
{
    size_t len = strlen(server);
    if (len == 0 || len > SESSION_VALUE_MAX || server[0] == '#')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)server[i] <= ' ' || server[i] == 0x7f)
            return false;
    return true;
}

static bool known_servers_append(char *buf, size_t *len, const char *s, size_t n)
{
    if (n > KNOWN_SERVERS_MAX - *len)
        return false;
    memcpy(buf + *len, s, n);
    *len += n;
    return true;
}

/* The new file: every line of old but the entries for server, then its
 * new entry unless fingerprint is NULL. Returns false when that does not
 * fit. */
static bool known_servers_rewrite(const char *old, size_t old_len, const char *server,
                                  const char *fingerprint, char *out, size_t *len)
{
    *len = 0;
    bool ok = true;
    if (old_len == 0)
        ok = known_servers_append(out, len, KNOWN_SERVERS_HEADER, strlen(KNOWN_SERVERS_HEADER));
    size_t pos = 0;
    const char *line;
    size_t line_len;
    struct known_entry e;
    while (ok && known_servers_next_line(old, old_len, &pos, &line, &line_len)) {
        if (known_servers_entry(line, line_len, &e) && known_servers_entry_is(&e, server))
            continue;
        ok = known_servers_append(out, len, line, line_len) &&
             known_servers_append(out, len, "\n", 1);
    }
    if (fingerprint == NULL)
        return ok;
    char entry[SESSION_VALUE_MAX + TLS_FINGERPRINT_SIZE + 2];
    int n = snprintf(entry, sizeof(entry), "%s %s\n", server, fingerprint);
    return ok && known_servers_append(out, len, entry, (size_t)n);
}

/* Rewrites the file with server's entry replaced by fingerprint, or
 * removed when fingerprint is NULL. */
static int known_servers_update(const char *server, const char *fingerprint, char *err,
                                size_t errlen)
{
    char *old = NULL;
    size_t old_len = 0;
    size_t len = 0;
    int rc = known_servers_read(&old, &old_len, err, errlen);
    if (rc < 0)
        return -1;
    char *text = malloc(KNOWN_SERVERS_MAX);
    if (text == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    } else if (!known_servers_rewrite(old, old_len, server, fingerprint, text, &len)) {
        snprintf(err, errlen,
                 "the known-servers file is full (%d bytes): remove the servers no longer used "
                 "from it",
                 KNOWN_SERVERS_MAX);
        rc = -1;
    } else {
        rc = config_file_replace(KNOWN_SERVERS_NAME, text, len, err, errlen);
    }
    free(old);
    free(text);
    return rc;
}

int known_servers_store(const char *server, const char *fingerprint, char *err, size_t errlen)
{
    char canonical[TLS_FINGERPRINT_SIZE];
    if (!known_servers_server_ok(server) || tls_fingerprint_parse(fingerprint, canonical) < 0) {
        snprintf(err, errlen, "refusing to remember an unusable server name or fingerprint");
        return -1;
    }
    return known_servers_update(server, canonical, err, errlen);
}

int known_servers_forget(const char *server, char *err, size_t errlen)
{
    char pin[TLS_FINGERPRINT_SIZE];
    int rc = known_servers_lookup(server, pin, err, errlen);
    if (rc != 0)
        return rc;
    return known_servers_update(server, NULL, err, errlen);
}

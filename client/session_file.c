/* session_file.c - see session_file.h. */
#include "session_file.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config_file.h"

#define SESSION_FILE_NAME "session"
#define SESSION_FILE_MAX  4096

/* Values must stay on one line and print safely: no control characters. */
static bool value_ok(const char *v, size_t len)
{
    if (len == 0 || len > SESSION_VALUE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return false;
    return true;
}

static int parse(struct session *s, char *text, size_t len, const char *path, char *err,
                 size_t errlen)
{
    memset(s, 0, sizeof(*s));
    if (memchr(text, '\0', len) != NULL)
        goto damaged;
    text[len] = '\0';
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *next = nl != NULL ? nl + 1 : NULL;
        if (line[0] == '\0' || line[0] == '#') {
            line = next;
            continue;
        }
        char *eq = strchr(line, '=');
        if (eq == NULL)
            goto damaged;
        *eq = '\0';
        const char *value = eq + 1;
        size_t vlen = strlen(value);
        char *slot = NULL;
        if (strcmp(line, "server") == 0)
            slot = s->server;
        else if (strcmp(line, "user") == 0)
            slot = s->user;
        else if (strcmp(line, "token") == 0)
            slot = s->token;
        else if (strcmp(line, "cert") == 0)
            slot = s->cert;
        if (slot != NULL) {
            if (!value_ok(value, vlen))
                goto damaged;
            memcpy(slot, value, vlen + 1);
        }
        line = next;
    }
    if (s->token[0] == '\0' || s->server[0] == '\0' || s->user[0] == '\0')
        goto damaged;
    return 0;
damaged:
    session_wipe(s);
    snprintf(err, errlen, "session file %s is damaged: run folio login USER", path);
    return -1;
}

int session_load(struct session *s, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (config_file_path(SESSION_FILE_NAME, path, sizeof(path), err, errlen) < 0)
        return -1;
    char text[SESSION_FILE_MAX + 1];
    size_t len = 0;
    int rc = config_file_read(SESSION_FILE_NAME, "session file", text, SESSION_FILE_MAX, &len, err,
                              errlen);
    if (rc == 0)
        rc = parse(s, text, len, path, err, errlen);
    explicit_bzero(text, sizeof(text));
    return rc;
}

int session_save(const struct session *s, char *err, size_t errlen)
{
    if (!value_ok(s->server, strlen(s->server)) || !value_ok(s->user, strlen(s->user)) ||
        !value_ok(s->token, strlen(s->token)) || !value_ok(s->cert, strlen(s->cert))) {
        snprintf(err, errlen, "refusing to store a session with an unusable value");
        return -1;
    }
    char text[4 * (SESSION_VALUE_MAX + 16) + 128];
    int len = snprintf(text, sizeof(text),
                       "# folio session: the token logs you in; keep this file private.\n"
                       "# It is sent only to this server presenting this certificate.\n"
                       "server=%s\nuser=%s\ntoken=%s\ncert=%s\n",
                       s->server, s->user, s->token, s->cert);
    int rc = config_file_replace(SESSION_FILE_NAME, text, (size_t)len, err, errlen);
    explicit_bzero(text, sizeof(text));
    return rc;
}

int session_remove(char *err, size_t errlen)
{
    return config_file_remove(SESSION_FILE_NAME, err, errlen);
}

void session_wipe(struct session *s)
{
    explicit_bzero(s, sizeof(*s));
}

/* session_file.c - see session_file.h. */
#include "session_file.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"

#define SESSION_FILE_NAME "session"
#define SESSION_FILE_MAX  4096
#define CURRENT_FILE_NAME "current-context"
/* A name, its newline, and room to tell a longer one apart. */
#define CURRENT_FILE_MAX (SESSION_CONTEXT_MAX + 2)

bool session_context_name_ok(const char *name)
{
    size_t len = strnlen(name, SESSION_CONTEXT_MAX + 1);
    if (len == 0 || len > SESSION_CONTEXT_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return false;
    }
    return true;
}

/* The file of a context; "default" keeps the name older folios used. */
static int context_file(const char *context,
                        char name[sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX], char *err,
                        size_t errlen)
{
    if (!session_context_name_ok(context)) {
        snprintf(err, errlen, "\"%.80s\" is not a context name", context);
        return -1;
    }
    if (strcmp(context, SESSION_CONTEXT_DEFAULT) == 0)
        snprintf(name, sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX, "%s",
                 SESSION_FILE_NAME);
    else
        snprintf(name, sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX, "%s.%s",
                 SESSION_FILE_NAME, context);
    return 0;
}

/* Values must stay on one line and print safely: no control characters. */
static bool value_ok(const char *v, size_t len)
{
    if (len > SESSION_VALUE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return false;
    return true;
}

static int parse(struct session *s, char *text, size_t len, const char *context, char *err,
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
            if (vlen == 0 || !value_ok(value, vlen))
                goto damaged;
            memcpy(slot, value, vlen + 1);
        }
        line = next;
    }
    /* A token without the server it goes to is of no use, and the reverse
     * (logged out) keeps the server and user for the next login. */
    if (s->server[0] == '\0' || s->user[0] == '\0')
        goto damaged;
    return 0;
damaged:
    session_wipe(s);
    snprintf(err, errlen,
             "the file of context %s is damaged: run folio login USER --context %s, or folio "
             "context remove %s",
             context, context, context);
    return -1;
}

int session_load(const char *context, struct session *s, char *err, size_t errlen)
{
    char name[sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX];
    if (context_file(context, name, err, errlen) < 0)
        return -1;
    char text[SESSION_FILE_MAX + 1];
    size_t len = 0;
    int rc = config_file_read(name, "context file", text, SESSION_FILE_MAX, &len, err, errlen);
    if (rc == 0)
        rc = parse(s, text, len, context, err, errlen);
    explicit_bzero(text, sizeof(text));
    return rc;
}

int session_save(const char *context, const struct session *s, char *err, size_t errlen)
{
    char name[sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX];
    if (context_file(context, name, err, errlen) < 0)
        return -1;
    size_t token_len = strlen(s->token);
    if (s->server[0] == '\0' || s->user[0] == '\0' || (token_len == 0) != (s->cert[0] == '\0') ||
        !value_ok(s->server, strlen(s->server)) || !value_ok(s->user, strlen(s->user)) ||
        !value_ok(s->token, token_len) || !value_ok(s->cert, strlen(s->cert))) {
        snprintf(err, errlen, "refusing to store a session with an unusable value");
        return -1;
    }
    char text[4 * (SESSION_VALUE_MAX + 16) + 128];
    int len;
    if (token_len > 0)
        len = snprintf(text, sizeof(text),
                       "# folio session: the token logs you in; keep this file private.\n"
                       "# It is sent only to this server presenting this certificate.\n"
                       "server=%s\nuser=%s\ntoken=%s\ncert=%s\n",
                       s->server, s->user, s->token, s->cert);
    else
        len = snprintf(text, sizeof(text), "# folio context, logged out.\nserver=%s\nuser=%s\n",
                       s->server, s->user);
    int rc = config_file_replace(name, text, (size_t)len, err, errlen);
    explicit_bzero(text, sizeof(text));
    return rc;
}

int session_remove(const char *context, char *err, size_t errlen)
{
    char name[sizeof(SESSION_FILE_NAME) + 1 + SESSION_CONTEXT_MAX];
    if (context_file(context, name, err, errlen) < 0)
        return -1;
    return config_file_remove(name, err, errlen);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

int session_list(char (*names)[SESSION_CONTEXT_MAX + 1], size_t cap, size_t *n, char *err,
                 size_t errlen)
{
    *n = 0;
    char dir[PATH_MAX];
    if (config_file_dir(dir, sizeof(dir), err, errlen) < 0)
        return -1;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0; /* no directory yet: no context yet */
    const size_t prefix = strlen(SESSION_FILE_NAME);
    for (struct dirent *e = readdir(d); e != NULL && *n < cap; e = readdir(d)) {
        const char *context = NULL;
        if (strcmp(e->d_name, SESSION_FILE_NAME) == 0)
            context = SESSION_CONTEXT_DEFAULT;
        else if (strncmp(e->d_name, SESSION_FILE_NAME ".", prefix + 1) == 0)
            context = e->d_name + prefix + 1;
        /* "session.default" would be a second default: not one of ours. */
        if (context == NULL || !session_context_name_ok(context) ||
            strcmp(e->d_name, SESSION_FILE_NAME "." SESSION_CONTEXT_DEFAULT) == 0)
            continue;
        snprintf(names[(*n)++], SESSION_CONTEXT_MAX + 1, "%s", context);
    }
    closedir(d);
    qsort(names, *n, sizeof(names[0]), compare_names);
    return 0;
}

int session_current_load(char name[SESSION_CONTEXT_MAX + 1], char *err, size_t errlen)
{
    char text[CURRENT_FILE_MAX + 1];
    size_t len = 0;
    int rc = config_file_read(CURRENT_FILE_NAME, "current-context file", text, CURRENT_FILE_MAX,
                              &len, err, errlen);
    if (rc != 0)
        return rc;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    text[len] = '\0';
    if (len > SESSION_CONTEXT_MAX || strlen(text) != len || !session_context_name_ok(text)) {
        snprintf(err, errlen,
                 "the current-context file does not name a context: run folio context use NAME");
        return -1;
    }
    memcpy(name, text, len + 1);
    return 0;
}

int session_current_save(const char *name, char *err, size_t errlen)
{
    if (name == NULL)
        return config_file_remove(CURRENT_FILE_NAME, err, errlen);
    if (!session_context_name_ok(name)) {
        snprintf(err, errlen, "\"%.80s\" is not a context name", name);
        return -1;
    }
    char text[SESSION_CONTEXT_MAX + 2];
    int len = snprintf(text, sizeof(text), "%s\n", name);
    return config_file_replace(CURRENT_FILE_NAME, text, (size_t)len, err, errlen);
}

void session_wipe(struct session *s)
{
    explicit_bzero(s, sizeof(*s));
}

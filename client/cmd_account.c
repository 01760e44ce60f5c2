/* cmd_account.c - login, logout, whoami, passwd: the user's own account. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "prompt.h"
#include "records.h"
#include "tls_fingerprint.h"

/* Tokens are opaque, but one that cannot sit on a line of the session file
 * or is absurdly long is garbage. */
static bool token_usable(const char *t)
{
    size_t len = strnlen(t, SESSION_VALUE_MAX + 1);
    if (len == 0 || len > SESSION_VALUE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)t[i] <= ' ' || (unsigned char)t[i] >= 0x7f)
            return false;
    return true;
}

/* Best effort: a session that cannot be stored should not linger. */
static void abandon_session(struct cli *cli)
{
    struct folio_error err;
    folio_response_free(folio_logout(cli->connection, &err));
}

/* The password, typed at the terminal or from standard input; *typed says
 * which. */
static int read_password(struct cli *cli, prompt_password password, bool *typed)
{
    char msg[256];
    *typed = cli_opt(cli, "--password-stdin") == NULL && prompt_interactive();
    int rc = *typed ? prompt_hidden("Password: ", password, msg, sizeof(msg))
                    : prompt_stdin_line(password, "password", msg, sizeof(msg));
    if (rc < 0)
        return cli_error(CLI_USAGE, "USAGE", "%s", msg);
    return CLI_OK;
}

int cmd_login(struct cli *cli)
{
    const char *user = cli->args[0];
    const char *trust = cli_opt(cli, "--trust-fingerprint");
    char trust_fp[TLS_FINGERPRINT_SIZE];
    if (trust != NULL && tls_fingerprint_parse(trust, trust_fp) < 0)
        return cli_usage(cli,
                         "--trust-fingerprint wants a SHA-256 fingerprint, 32 hex pairs such as "
                         "AB:CD:..., not \"%.100s\"",
                         trust);

    /* A stored session remembers its server; a damaged file is replaced. */
    struct session stored;
    char err_text[512];
    if (session_load(&stored, err_text, sizeof(err_text)) != 0)
        memset(&stored, 0, sizeof(stored));
    int rc = cli_pick_server(cli, stored.server);
    session_wipe(&stored);
    if (rc != CLI_OK)
        return rc;

    /* The server is trusted before a password is read, let alone sent. */
    bool asked = false;
    rc = cli_connect_trusting(cli, user, trust != NULL ? trust_fp : NULL, &asked);
    if (rc != CLI_OK)
        return rc;
    prompt_password password;
    bool typed = false;
    rc = read_password(cli, password, &typed);
    if (rc != CLI_OK)
        return rc;
    /* A person may take longer to answer than the server waits for a login
     * (foliod --login-timeout): after asking anything, connect again, to the
     * server as now trusted. */
    if (asked || typed) {
        folio_connection_close(cli->connection);
        cli->connection = NULL;
        rc = cli_connect(cli, user);
    }
    if (rc != CLI_OK) {
        explicit_bzero(password, sizeof(password));
        return rc;
    }

    struct folio_error err;
    Folio__Response *r = folio_login(cli->connection, user, password, &err);
    explicit_bzero(password, sizeof(password));
    if (r == NULL)
        return cli_fail(&err);
    const Folio__SessionInfo *info = r->session;
    char msg[256];
    if (!token_usable(info->token)) {
        folio_response_free(r);
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "server %s sent an unusable session token",
                         cli->server);
    }
    struct session s;
    memset(&s, 0, sizeof(s));
    const char *name = info->user != NULL && info->user->name[0] != '\0' ? info->user->name : user;
    snprintf(s.server, sizeof(s.server), "%s", cli->server);
    snprintf(s.user, sizeof(s.user), "%.*s", SESSION_VALUE_MAX, name);
    snprintf(s.token, sizeof(s.token), "%s", info->token);
    snprintf(s.cert, sizeof(s.cert), "%s", cli_connection_cert(cli));
    rc = session_save(&s, msg, sizeof(msg));
    session_wipe(&s);
    if (rc < 0) {
        abandon_session(cli);
        folio_response_free(r);
        return cli_local("logged in, but %s; logged out again", msg);
    }
    out_note("logged in to %s as %s", folio_connection_welcome(cli->connection)->firm, name);
    rec_print_session(info);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_logout(struct cli *cli)
{
    bool ended = false;
    int rc = cli_connect_session(cli, &ended);
    char msg[512];
    if (ended) {
        /* Nothing left to end on the server; forgetting it is all there is. */
        if (session_remove(msg, sizeof(msg)) < 0)
            return cli_local("%s", msg);
        out_note("the session had already ended; forgot it");
        return CLI_OK;
    }
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_logout(cli->connection, &err);
    if (r == NULL)
        return cli_fail(&err);
    folio_response_free(r);
    if (session_remove(msg, sizeof(msg)) < 0)
        return cli_local("logged out, but %s", msg);
    out_note("logged out");
    return CLI_OK;
}

int cmd_whoami(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_whoami(cli->connection, &err);
    if (r == NULL)
        return cli_fail(&err);
    out_note("firm %s at %s", folio_connection_welcome(cli->connection)->firm, cli->server);
    rec_print_session(r->session);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_passwd(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    prompt_password old_password;
    prompt_password new_password;
    char msg[256];
    if (cli_opt(cli, "--password-stdin") != NULL || !prompt_interactive()) {
        rc = prompt_stdin_line(old_password, "current password", msg, sizeof(msg));
        if (rc == 0)
            rc = prompt_stdin_line(new_password, "new password", msg, sizeof(msg));
    } else {
        rc = prompt_hidden("Current password: ", old_password, msg, sizeof(msg));
        if (rc == 0)
            rc = prompt_hidden_twice("New password: ", new_password, msg, sizeof(msg));
    }
    if (rc < 0) {
        explicit_bzero(old_password, sizeof(old_password));
        return cli_error(CLI_USAGE, "USAGE", "%s", msg);
    }
    struct folio_error err;
    Folio__Response *r = folio_password_change(cli->connection, old_password, new_password, &err);
    explicit_bzero(old_password, sizeof(old_password));
    explicit_bzero(new_password, sizeof(new_password));
    if (r == NULL)
        return cli_fail(&err);
    folio_response_free(r);
    out_note("password changed");
    return CLI_OK;
}

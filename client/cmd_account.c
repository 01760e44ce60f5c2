/* cmd_account.c - login, logout, whoami, passwd: the user's own account,
 * in the context cli_pick_context names (session_file.h). */
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

    /* The context remembers its server; a damaged file is replaced. */
    struct session stored;
    int rc = cli_pick_context_server(cli, &stored);
    if (rc != CLI_OK)
        return rc;

    /* The server is trusted before a password is read, let alone sent. */
    bool asked = false;
    prompt_password password;
    bool typed = false;
    rc = cli_connect_trusting(cli, user, trust != NULL ? trust_fp : NULL, &asked);
    if (rc == CLI_OK)
        rc = read_password(cli, password, &typed);
    if (rc != CLI_OK) {
        session_wipe(&stored);
        return rc;
    }
    /* A person may take longer to answer than the server waits for a login
     * (foliod --login-timeout): after asking anything, connect again, to the
     * server as now trusted. */
    if (asked || typed) {
        folio_connection_close(cli->connection);
        cli->connection = NULL;
        rc = cli_connect(cli, user);
    }
    struct folio_error err;
    Folio__Response *r = NULL;
    if (rc == CLI_OK)
        r = folio_login(cli->connection, user, password, &err);
    explicit_bzero(password, sizeof(password));
    if (rc == CLI_OK && r == NULL)
        rc = cli_fail(&err);
    if (r != NULL && !token_usable(r->session->token)) {
        folio_response_free(r);
        rc = cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "server %s sent an unusable session token",
                       cli->server);
    }
    if (rc != CLI_OK) {
        session_wipe(&stored);
        return rc;
    }
    const Folio__SessionInfo *info = r->session;
    char msg[256];
    /* The session this one replaces would otherwise stay valid on its
     * server until it expires, known to nobody. Only once the new one is
     * in hand: a failed login keeps the old. */
    bool had_old = stored.token[0] != '\0';
    char why[512] = "";
    bool old_ended = cli_end_session(cli, &stored, why, sizeof(why));
    if (!old_ended)
        out_hint("could not end the previous session of %s at %s (context %s): %s; it stays "
                 "valid there until it expires",
                 stored.user, stored.server, cli->context, why);
    session_wipe(&stored);
    struct session s;
    memset(&s, 0, sizeof(s));
    const char *name = info->user != NULL && info->user->name[0] != '\0' ? info->user->name : user;
    snprintf(s.server, sizeof(s.server), "%s", cli->server);
    snprintf(s.user, sizeof(s.user), "%.*s", SESSION_VALUE_MAX, name);
    snprintf(s.token, sizeof(s.token), "%s", info->token);
    snprintf(s.cert, sizeof(s.cert), "%s", cli_connection_cert(cli));
    rc = session_save(cli->context, &s, msg, sizeof(msg));
    session_wipe(&s);
    if (rc < 0) {
        abandon_session(cli);
        folio_response_free(r);
        return cli_local("logged in, but %s; logged out again", msg);
    }
    out_note("logged in to %s as %s (context %s)", folio_connection_welcome(cli->connection)->firm,
             name, cli->context);
    cli_print_session_end(cli->context, "previous_session", had_old, old_ended);
    rec_print_session(info);
    folio_response_free(r);
    return CLI_OK;
}

/* A logged-out context keeps its server and user for the next login. */
static int forget_token(struct cli *cli, char *msg, size_t cap)
{
    explicit_bzero(cli->session.token, sizeof(cli->session.token));
    cli->session.cert[0] = '\0';
    return session_save(cli->context, &cli->session, msg, cap);
}

int cmd_logout(struct cli *cli)
{
    bool ended = false;
    int rc = cli_connect_session(cli, &ended);
    char msg[512];
    if (ended) {
        /* Nothing left to end on the server; forgetting it is all there is. */
        if (forget_token(cli, msg, sizeof(msg)) < 0)
            return cli_local("%s", msg);
        out_note("the session had already ended; forgot it");
        return CLI_OK;
    }
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    rc = cli_answer(folio_logout(cli->connection, &err), &err, NULL);
    if (rc != CLI_OK)
        return rc;
    if (forget_token(cli, msg, sizeof(msg)) < 0)
        return cli_local("logged out, but %s", msg);
    out_note("logged out (context %s)", cli->context);
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
    const char *firm = folio_connection_welcome(cli->connection)->firm;
    out_note("firm %s at %s (context %s)", firm, cli->server, cli->context);
    const struct out_field f[] = {
        OUT_S("context", NULL, cli->context),
        OUT_S("server", NULL, cli->server),
        OUT_S("firm", NULL, firm),
    };
    if (out_json())
        out_fields(f, sizeof(f) / sizeof(f[0]));
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

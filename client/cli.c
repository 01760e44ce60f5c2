/* cli.c - see cli.h. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array_size.h"
#include "help.h"
#include "known_servers.h"
#include "output.h"
#include "prompt.h"
#include "safe_file.h"
#include "status.h"

#define CLI_CLIENT_NAME "folio/" FOLIO_VERSION
/* Long enough for the server's growing delay after failed logins. */
#define CLI_TIMEOUT_MS  60000
#define CLI_MESSAGE_MAX 2048
/* The port of a server named without one: foliod's default. */
#define CLI_DEFAULT_PORT "7070"

const char *cli_opt(const struct cli *cli, const char *name)
{
    const struct cli_opt *opts = cli->cmd->opts;
    for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++)
        if (strcmp(opts[i].name, name) == 0)
            return cli->opt_values[i];
    return NULL;
}

size_t cli_opt_all(const struct cli *cli, const char *name, const char **out, size_t cap)
{
    const struct cli_opt *opts = cli->cmd->opts;
    size_t k = 0;
    while (opts != NULL && opts[k].name != NULL && strcmp(opts[k].name, name) != 0)
        k++;
    size_t n = 0;
    for (size_t i = 0; opts != NULL && opts[k].name != NULL && i < cli->n_repeats; i++) {
        if (cli->repeat_opt[i] != k)
            continue;
        if (n < cap)
            out[n] = cli->repeats[i];
        n++;
    }
    return n;
}

static int vreport(int exit_code, const char *code, const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vreport(int exit_code, const char *code, const char *hint, const char *fmt, va_list ap)
{
    char msg[CLI_MESSAGE_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (hint != NULL)
        out_error(code, false, "%s\n%s", msg, hint);
    else
        out_error(code, false, "%s", msg);
    return exit_code;
}

int cli_error(int exit_code, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(exit_code, code, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_usage(const struct cli *cli, const char *fmt, ...)
{
    char hint[256];
    if (cli->cmd != NULL)
        snprintf(hint, sizeof(hint), "run 'folio %s --help' for its usage", cli->cmd->path);
    else
        snprintf(hint, sizeof(hint), "run 'folio --help' for usage");
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(CLI_USAGE, "USAGE", hint, fmt, ap);
    va_end(ap);
    return rc;
}

int cli_local(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(CLI_LOCAL, "LOCAL", NULL, fmt, ap);
    va_end(ap);
    return rc;
}

/* The server names the request field a refusal is about ("income_cents:
 * 0 to ..."); a person typed a flag. Fields whose flag is not the field's
 * name with dashes; the rest are found among the flags of the table. */
static const struct {
    const char *field;
    const char *flag;
} cli_field_flags[] = {
    {"phones", "--phone"},
    {"emails", "--email"},
    {"tags", "--tag"},
    {"income_cents", "--income"},
    {"income_min_cents", "--income-min"},
    {"income_max_cents", "--income-max"},
    {"contact_interval_days", "--contact-every"},
    {"window_days", "--window"},
    {"stay_in_touch_days", "--stay-in-touch"},
    {"renewal_notice_days", "--renewal-notice-days"},
    {"unless_holds", "--unless-holds"},
    {"season_months", "--season"},
    {"marital_status", "--marital"},
    {"client_ids", "--client"},
    {"partner_id", "--partner"},
    {"rate_bp", "--rate"},
    {"relation", "--as"},
    {"premium_cents", "--premium"},
    {"premium_period", "--per"},
    {"value_cents", "--value"},
    {"start_date", "--start"},
    {"renews_on", "--renews"},
    {"ends_on", "--ends"},
    {"renews_before", "--renews-before"},
    {"premium_min_cents", "--premium-min"},
};

/* The flag for field, or NULL when no command has one. */
static const char *cli_flag_of_field(const char *field, char *buf, size_t cap)
{
    for (size_t i = 0; i < ARRAY_SIZE(cli_field_flags); i++)
        if (strcmp(cli_field_flags[i].field, field) == 0)
            return cli_field_flags[i].flag;
    int n = snprintf(buf, cap, "--%s", field);
    if (n < 0 || (size_t)n >= cap)
        return NULL;
    for (char *p = buf; *p != '\0'; p++)
        if (*p == '_')
            *p = '-';
    size_t ncmds;
    const struct cli_cmd *cmds = cli_commands(&ncmds);
    for (size_t c = 0; c < ncmds; c++)
        for (const struct cli_opt *o = cmds[c].opts; o != NULL && o->name != NULL; o++)
            if (strcmp(o->name, buf) == 0)
                return buf;
    return NULL;
}

int cli_fail(const struct folio_error *err)
{
    if (err->transport)
        return cli_error(CLI_UNAVAILABLE, status_name(err->code), "%s", err->message);
    /* "field: why" becomes "--flag: why" when a flag sets that field. */
    char field[48], flag_buf[64];
    size_t len = strspn(err->message, "abcdefghijklmnopqrstuvwxyz_");
    const char *flag = NULL;
    if (err->code == FOLIO__CODE__INVALID_ARGUMENT && len > 0 && len < sizeof(field) &&
        strncmp(err->message + len, ": ", 2) == 0) {
        memcpy(field, err->message, len);
        field[len] = '\0';
        flag = cli_flag_of_field(field, flag_buf, sizeof(flag_buf));
    }
    if (flag != NULL)
        out_error(status_name(err->code), true, "%s%s", flag, err->message + len);
    else
        out_error(status_name(err->code), true, "%s", err->message);
    /* A bad value is a usage error wherever it was caught: the same flag
     * out of range exits alike whether folio or the server noticed. */
    return err->code == FOLIO__CODE__INVALID_ARGUMENT ? CLI_USAGE : CLI_REFUSED;
}

/* server with the default port when it names none: "HOST" and "[V6]"
 * become "HOST:7070" and "[V6]:7070". Anything else is left for
 * folio_server_valid to judge, an unbracketed IPv6 address included:
 * whether "::1:7070" ends in a port cannot be told. */
static void cli_server_with_port(const char *server, char *out, size_t cap)
{
    size_t len = strlen(server);
    bool bracketed = server[0] == '[' && len > 0 && server[len - 1] == ']';
    if (bracketed || (server[0] != '[' && strchr(server, ':') == NULL))
        snprintf(out, cap, "%s:%s", server, CLI_DEFAULT_PORT);
    else
        snprintf(out, cap, "%s", server);
}

int cli_pick_server(struct cli *cli, const char *stored)
{
    const char *server = cli->server_flag;
    const char *source = "--server";
    char context_source[SESSION_CONTEXT_MAX + 16];
    if (server == NULL) {
        const char *env = getenv("FOLIO_SERVER");
        if (env != NULL && env[0] != '\0') {
            server = env;
            source = "FOLIO_SERVER";
        } else if (stored != NULL && stored[0] != '\0') {
            server = stored;
            snprintf(context_source, sizeof(context_source), "context %s", cli->context);
            source = context_source;
        } else {
            server = FOLIO_DEFAULT_SERVER;
            source = "the default";
        }
    }
    char full[SESSION_VALUE_MAX + 2];
    if (strlen(server) <= SESSION_VALUE_MAX)
        cli_server_with_port(server, full, sizeof(full));
    if (strlen(server) > SESSION_VALUE_MAX || strlen(full) > SESSION_VALUE_MAX ||
        !folio_server_valid(full))
        return cli_usage(cli,
                         "server \"%.100s\" from %s is not HOST, HOST:PORT or [IPV6]:PORT (the "
                         "port defaults to " CLI_DEFAULT_PORT ")",
                         server, source);
    snprintf(cli->server, sizeof(cli->server), "%.*s", SESSION_VALUE_MAX, full);
    return CLI_OK;
}

int cli_pick_context(struct cli *cli)
{
    const char *name = cli->context_flag;
    const char *source = "--context";
    if (name == NULL && getenv("FOLIO_CONTEXT") != NULL && getenv("FOLIO_CONTEXT")[0] != '\0') {
        name = getenv("FOLIO_CONTEXT");
        source = "FOLIO_CONTEXT";
    }
    if (name != NULL) {
        if (!session_context_name_ok(name))
            return cli_usage(cli,
                             "%s wants a context name: 1 to %d letters, digits, '.', '_' or "
                             "'-', starting with a letter or digit, not \"%.80s\"",
                             source, SESSION_CONTEXT_MAX, name);
        snprintf(cli->context, sizeof(cli->context), "%s", name);
        return CLI_OK;
    }
    char msg[512];
    int rc = session_current_load(cli->context, msg, sizeof(msg));
    if (rc < 0)
        return cli_local("%s", msg);
    if (rc == 1)
        snprintf(cli->context, sizeof(cli->context), "%s", SESSION_CONTEXT_DEFAULT);
    return CLI_OK;
}

int cli_pick_context_server(struct cli *cli, struct session *stored)
{
    memset(stored, 0, sizeof(*stored));
    int rc = cli_pick_context(cli);
    if (rc != CLI_OK)
        return rc;
    char msg[512];
    if (session_load(cli->context, stored, msg, sizeof(msg)) != 0)
        memset(stored, 0, sizeof(*stored));
    rc = cli_pick_server(cli, stored->server);
    if (rc != CLI_OK)
        session_wipe(stored);
    return rc;
}

/* An environment variable, NULL when unset or empty. */
static const char *cli_env(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

/* How to secure the connection, from the global flags, else their
 * environment variables (a flag wins over any variable). The way to trust
 * the server is set only when --plaintext or --ca decides it. Returns NULL,
 * or what is wrong with the flags (in buf). */
static const char *cli_tls_problem(const struct cli *cli, struct folio_tls *tls, char *buf,
                                   size_t cap)
{
    memset(tls, 0, sizeof(*tls));
    tls->plaintext = cli->plaintext_flag;
    const char *plain = cli_env("FOLIO_PLAINTEXT");
    /* A flag wins over the environment, --ca over FOLIO_PLAINTEXT too. */
    if (!cli->plaintext_flag && cli->ca_flag == NULL && plain != NULL) {
        if (strcmp(plain, "1") != 0 && strcmp(plain, "0") != 0) {
            snprintf(buf, cap, "FOLIO_PLAINTEXT wants 1 or 0, not \"%.20s\"", plain);
            return buf;
        }
        tls->plaintext = strcmp(plain, "1") == 0;
    }
    tls->ca_file = cli->ca_flag;
    if (tls->ca_file == NULL && !cli->plaintext_flag)
        tls->ca_file = cli_env("FOLIO_CA");
    tls->cert_file = cli->tls_cert_flag != NULL ? cli->tls_cert_flag : cli_env("FOLIO_TLS_CERT");
    tls->key_file = cli->tls_key_flag != NULL ? cli->tls_key_flag : cli_env("FOLIO_TLS_KEY");
    if (tls->plaintext && tls->ca_file != NULL)
        return "--plaintext and --ca (FOLIO_PLAINTEXT, FOLIO_CA) exclude each other";
    if ((tls->cert_file == NULL) != (tls->key_file == NULL))
        return "--tls-cert and --tls-key (FOLIO_TLS_CERT, FOLIO_TLS_KEY) go together";
    if (tls->plaintext && tls->cert_file != NULL)
        return "a client certificate (--tls-cert) needs TLS, not --plaintext";
    return NULL;
}

static int cli_tls_options(const struct cli *cli, struct folio_tls *tls)
{
    char buf[128];
    const char *problem = cli_tls_problem(cli, tls, buf, sizeof(buf));
    return problem != NULL ? cli_usage(cli, "%s", problem) : CLI_OK;
}

/* How to check a fingerprint, for a person about to trust one. It names the
 * flag but never prints a command with the fingerprint filled in: a command
 * ready to paste is trusted by pasting it, which is what someone between
 * the user and the server would want. */
static void cli_how_to_verify(char *buf, size_t cap, const char *user)
{
    snprintf(buf, cap,
             "ask your firm's admin to read you the server's fingerprint over a channel you "
             "trust (in person or by phone, not a message sent over this network): foliod logs "
             "it when it starts, and 'openssl x509 -noout -fingerprint -sha256 -in "
             "tls-cert.pem' prints it on the server. Compare all 32 pairs with the one shown "
             "above. Only if they are the same, run folio login %.100s with --trust-fingerprint "
             "followed by the fingerprint as your admin gave it, typed from what they said.",
             user);
}

/* What to do about a certificate other than the pinned one. Like
 * cli_how_to_verify it never offers a command carrying the new
 * fingerprint: the old pin goes first, and the next login shows the
 * certificate presented then, for the person to compare once more. */
static void cli_how_to_replace(char *buf, size_t cap, const struct cli *cli, const char *user)
{
    char context[SESSION_CONTEXT_MAX + 32] = "";
    if (strcmp(cli->context, SESSION_CONTEXT_DEFAULT) != 0 && cli->context[0] != '\0')
        snprintf(context, sizeof(context), " --context %s", cli->context);
    snprintf(buf, cap,
             "Nothing was sent. If your firm says it replaced its certificate, ask its admin to "
             "read you the new fingerprint over a channel you trust (in person or by phone, not "
             "a message sent over this network) and compare all 32 pairs with the one presented "
             "now. Only if they are the same, forget the old one with 'folio%s --server %s "
             "context trust --reset' and log in again with 'folio%s --server %s login %.100s', "
             "which shows the new fingerprint to check once more.",
             context, cli->server, context, cli->server, user);
}

static int cli_timeout_ms(const struct cli *cli)
{
    return cli->timeout_ms > 0 ? cli->timeout_ms : CLI_TIMEOUT_MS;
}

/* Connects as tls says. A certificate other than the pinned one is
 * reported with how user can check whether the firm really replaced it. */
static int cli_open(struct cli *cli, const struct folio_tls *tls, const char *user)
{
    struct folio_error err;
    cli->connection =
        folio_connection_connect(cli->server, CLI_CLIENT_NAME, tls, cli_timeout_ms(cli), &err);
    if (cli->connection != NULL)
        return CLI_OK;
    if (tls->fingerprint != NULL && err.presented[0] != '\0' &&
        strcmp(err.presented, tls->fingerprint) != 0) {
        char how[CLI_MESSAGE_MAX];
        cli_how_to_replace(how, sizeof(how), cli, user);
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "%s\n%s", err.message, how);
    }
    return cli_fail(&err);
}

int cli_connect(struct cli *cli, const char *user)
{
    struct folio_tls tls;
    int rc = cli_tls_options(cli, &tls);
    if (rc != CLI_OK)
        return rc;
    char pin[TLS_FINGERPRINT_SIZE];
    if (!tls.plaintext && tls.ca_file == NULL) {
        char msg[512];
        rc = known_servers_lookup(cli->server, pin, msg, sizeof(msg));
        if (rc < 0)
            return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "%s", msg);
        if (rc == 1)
            return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                             "no trusted certificate for %s: run folio --server %s login %.100s",
                             cli->server, cli->server, user);
        tls.fingerprint = pin;
    }
    return cli_open(cli, &tls, user);
}

/* A server with a pin: its certificate must be the pinned one, or the one
 * trust_fp names, which then replaces the pin. */
static int cli_trust_pinned(struct cli *cli, struct folio_tls *tls, const char *user,
                            const char *pin, const char *trust_fp)
{
    tls->fingerprint = trust_fp != NULL ? trust_fp : pin;
    if (strcmp(tls->fingerprint, pin) == 0)
        return cli_open(cli, tls, user);
    struct folio_error err;
    cli->connection =
        folio_connection_connect(cli->server, CLI_CLIENT_NAME, tls, cli_timeout_ms(cli), &err);
    if (cli->connection == NULL && strcmp(err.presented, pin) == 0)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE",
                         "server %s still presents the certificate trusted for it, not the one "
                         "given with --trust-fingerprint; nothing was changed",
                         cli->server);
    if (cli->connection == NULL && err.presented[0] != '\0' && strcmp(err.presented, trust_fp) != 0)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE",
                         "WARNING: server %s presents a certificate that is neither the one "
                         "trusted for it nor the one given with --trust-fingerprint.\n"
                         "trusted:       %s\n"
                         "given:         %s\n"
                         "presented now: %s\n"
                         "This may be someone between you and the server.",
                         cli->server, pin, trust_fp, err.presented);
    if (cli->connection == NULL)
        return cli_fail(&err);
    char msg[512];
    if (known_servers_store(cli->server, trust_fp, msg, sizeof(msg)) < 0)
        return cli_local("cannot remember the new certificate: %s", msg);
    out_hint("the trusted certificate for %s was replaced (it was %s)", cli->server, pin);
    return CLI_OK;
}

/* Shows a new server's fingerprint and has a person at the terminal trust
 * it; anyone else must name it with --trust-fingerprint. */
static int cli_ask_trust(struct cli *cli, const char *user, const char *fingerprint, bool *asked)
{
    bool can_ask = prompt_can_ask();
    /* In JSON mode stderr is for the error document, unless a person is
     * there to read the question. */
    if (!out_json() || can_ask)
        fprintf(stderr, "the server %s presents a certificate with SHA-256 fingerprint %s\n",
                cli->server, fingerprint);
    if (!can_ask) {
        char how[CLI_MESSAGE_MAX / 2];
        cli_how_to_verify(how, sizeof(how), user);
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE",
                         "not trusted: nothing was sent to %s.\nTo trust it, %s", cli->server, how);
    }
    char question[SESSION_VALUE_MAX + 64];
    snprintf(question, sizeof(question), "Trust this certificate and remember it for %s? [y/N] ",
             cli->server);
    bool yes = false;
    char msg[256];
    *asked = true;
    if (prompt_yes_no(question, &yes, msg, sizeof(msg)) < 0)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "not trusted: %s", msg);
    if (!yes)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "not trusted: nothing was sent to %s",
                         cli->server);
    return CLI_OK;
}

/* A server without a pin: its certificate is trusted as trust_fp says, or
 * as a person says, and pinned. */
static int cli_trust_first_use(struct cli *cli, struct folio_tls *tls, const char *user,
                               const char *trust_fp, bool *asked)
{
    tls->accept_unknown = true;
    int rc = cli_open(cli, tls, user);
    if (rc != CLI_OK)
        return rc;
    const char *fingerprint = folio_connection_fingerprint(cli->connection);
    if (trust_fp != NULL && strcmp(trust_fp, fingerprint) != 0)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE",
                         "not trusted: server %s presents a certificate other than the one given "
                         "with --trust-fingerprint.\n"
                         "given:     %s\n"
                         "presented: %s\n"
                         "This may be someone between you and the server; check with your firm's "
                         "admin.",
                         cli->server, trust_fp, fingerprint);
    if (trust_fp == NULL && (rc = cli_ask_trust(cli, user, fingerprint, asked)) != CLI_OK)
        return rc;
    char msg[512];
    if (known_servers_store(cli->server, fingerprint, msg, sizeof(msg)) < 0)
        return cli_local("cannot remember the certificate: %s", msg);
    out_hint("the certificate of %s is trusted from now on", cli->server);
    return CLI_OK;
}

int cli_connect_trusting(struct cli *cli, const char *user, const char *trust_fp, bool *asked)
{
    *asked = false;
    struct folio_tls tls;
    int rc = cli_tls_options(cli, &tls);
    if (rc != CLI_OK)
        return rc;
    if (tls.plaintext || tls.ca_file != NULL) {
        if (trust_fp != NULL)
            return cli_usage(cli, "--trust-fingerprint is for servers trusted by their "
                                  "fingerprint, not with --ca or --plaintext");
        return cli_open(cli, &tls, user);
    }
    char pin[TLS_FINGERPRINT_SIZE];
    char msg[512];
    rc = known_servers_lookup(cli->server, pin, msg, sizeof(msg));
    if (rc < 0)
        return cli_error(CLI_UNAVAILABLE, "UNAVAILABLE", "%s", msg);
    if (rc == 0)
        return cli_trust_pinned(cli, &tls, user, pin, trust_fp);
    return cli_trust_first_use(cli, &tls, user, trust_fp, asked);
}

const char *cli_connection_cert(const struct cli *cli)
{
    const char *fingerprint = folio_connection_fingerprint(cli->connection);
    return fingerprint[0] != '\0' ? fingerprint : SESSION_PLAINTEXT;
}

/* How a person reads a session's cert. */
static void cli_describe_cert(const char *cert, char *buf, size_t cap)
{
    if (strcmp(cert, SESSION_PLAINTEXT) == 0)
        snprintf(buf, cap, "plaintext (no certificate)");
    else
        snprintf(buf, cap, "the certificate %s", cert);
}

/* "", or " --context NAME" when the context is not the default one: for
 * advice that names commands. */
static const char *cli_context_words(const struct cli *cli, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (strcmp(cli->context, SESSION_CONTEXT_DEFAULT) != 0)
        snprintf(buf, cap, " --context %s", cli->context);
    return buf;
}

/* The token goes to the server and certificate that issued it and nowhere
 * else: anyone can name any address with --server or FOLIO_SERVER, and with
 * --ca any certificate the CA signed is accepted. Checked before the
 * connection (the address) and after the handshake (the certificate), so
 * a mismatch sends nothing but the Hello. */
static int cli_session_address_matches(const struct cli *cli)
{
    const struct session *s = &cli->session;
    char ctx[SESSION_CONTEXT_MAX + 16];
    cli_context_words(cli, ctx, sizeof(ctx));
    if (s->cert[0] == '\0')
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "not logged in to %s: the session file was written by an older folio "
                         "and does not say which server certificate issued it, so it is not "
                         "used; run folio%s login %s",
                         cli->server, ctx, s->user);
    if (strcmp(cli->server, s->server) != 0)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "not logged in to %s: your session is for %s; run folio%s login %s. "
                         "Nothing was sent. For another firm's server, use its context "
                         "(--context NAME, FOLIO_CONTEXT or folio context use NAME; this is "
                         "context %s)",
                         cli->server, s->server, ctx, s->user, cli->context);
    return CLI_OK;
}

static int cli_session_cert_matches(struct cli *cli)
{
    const char *presented = cli_connection_cert(cli);
    if (strcmp(presented, cli->session.cert) == 0)
        return CLI_OK;
    char was[SESSION_VALUE_MAX + 64];
    char now[SESSION_VALUE_MAX + 64];
    char ctx[SESSION_CONTEXT_MAX + 16];
    cli_describe_cert(cli->session.cert, was, sizeof(was));
    cli_describe_cert(presented, now, sizeof(now));
    folio_connection_close(cli->connection);
    cli->connection = NULL;
    return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                     "not logged in to %s as it is now: your session was issued over %s, and the "
                     "server now answers with %s; the session was not sent. Run folio%s login %s "
                     "if this is the right server",
                     cli->server, was, now, cli_context_words(cli, ctx, sizeof(ctx)),
                     cli->session.user);
}

int cli_connect_session(struct cli *cli, bool *ended)
{
    int rc = cli_pick_context(cli);
    if (rc != CLI_OK)
        return rc;
    char msg[512];
    char ctx[SESSION_CONTEXT_MAX + 16];
    cli_context_words(cli, ctx, sizeof(ctx));
    rc = session_load(cli->context, &cli->session, msg, sizeof(msg));
    if (rc == 1 && ctx[0] == '\0')
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED", "not logged in: run folio login USER");
    if (rc == 1)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "no context %s: run folio%s login USER, or folio context list",
                         cli->context, ctx);
    if (rc < 0)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED", "%s", msg);
    if (cli->session.token[0] == '\0')
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "not logged in (context %s, %s at %s): run folio%s login %s", cli->context,
                         cli->session.user, cli->session.server, ctx, cli->session.user);
    rc = cli_pick_server(cli, cli->session.server);
    if (rc == CLI_OK)
        rc = cli_session_address_matches(cli);
    if (rc == CLI_OK)
        rc = cli_connect(cli, cli->session.user);
    if (rc == CLI_OK)
        rc = cli_session_cert_matches(cli);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_authenticate(cli->connection, cli->session.token, &err);
    if (r == NULL && !err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED && ended != NULL) {
        *ended = true;
        return CLI_UNAVAILABLE;
    }
    if (r == NULL && !err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED)
        return cli_error(CLI_UNAVAILABLE, "UNAUTHENTICATED",
                         "the session of %s has ended (expired, logged out, or the account was "
                         "disabled or its password reset): run folio%s login %s",
                         cli->session.user, ctx, cli->session.user);
    if (r == NULL)
        return cli_fail(&err);
    folio_response_free(r);
    return CLI_OK;
}

/* The first line of a message, for a one-line report. */
static void cli_first_line(char *buf, size_t cap, const char *message)
{
    snprintf(buf, cap, "%.*s", (int)strcspn(message, "\n"), message);
}

bool cli_end_session(const struct cli *cli, const struct session *s, char *why, size_t cap)
{
    if (s->token[0] == '\0')
        return true;
    if (s->cert[0] == '\0') {
        snprintf(why, cap, "its file does not say which certificate issued it");
        return false;
    }
    struct folio_tls tls;
    char buf[128];
    const char *problem = cli_tls_problem(cli, &tls, buf, sizeof(buf));
    if (problem != NULL) {
        snprintf(why, cap, "%s", problem);
        return false;
    }
    char pin[TLS_FINGERPRINT_SIZE];
    if (!tls.plaintext && tls.ca_file == NULL) {
        int rc = known_servers_lookup(s->server, pin, why, cap);
        if (rc == 1)
            snprintf(why, cap, "no certificate is trusted for %s any more", s->server);
        if (rc != 0)
            return false;
        tls.fingerprint = pin;
    }
    struct folio_error err;
    struct folio_connection *c =
        folio_connection_connect(s->server, CLI_CLIENT_NAME, &tls, CLI_TIMEOUT_MS, &err);
    if (c == NULL) {
        cli_first_line(why, cap, err.message);
        return false;
    }
    const char *fp = folio_connection_fingerprint(c);
    const char *presented = fp[0] != '\0' ? fp : SESSION_PLAINTEXT;
    if (strcmp(presented, s->cert) != 0) {
        folio_connection_close(c);
        snprintf(why, cap,
                 "%s no longer presents the certificate the session was issued over, so the "
                 "token was not sent",
                 s->server);
        return false;
    }
    Folio__Response *r = folio_authenticate(c, s->token, &err);
    if (r != NULL) {
        folio_response_free(r);
        r = folio_logout(c, &err);
    }
    folio_connection_close(c);
    if (r != NULL) {
        folio_response_free(r);
        return true;
    }
    if (!err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED)
        return true; /* it had ended already */
    cli_first_line(why, cap, err.message);
    return false;
}

void cli_print_session_end(const char *context, const char *key, bool had, bool ended)
{
    const struct out_field f[] = {
        OUT_S("context", NULL, context),
        {.key = key,
         .type = OUT_NSTR,
         .s = !had    ? NULL
              : ended ? "ended"
                      : "not ended"},
    };
    if (out_json())
        out_fields(f, sizeof(f) / sizeof(f[0]));
}

void cli_close(struct cli *cli)
{
    folio_connection_close(cli->connection);
    cli->connection = NULL;
    session_wipe(&cli->session);
}

/* Plain decimal digits only: no sign, space or base prefix slips through. */
static int parse_decimal(const char *s, unsigned long long *out)
{
    if (s == NULL || s[0] < '0' || s[0] > '9')
        return -1;
    for (const char *p = s; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse_u32(const struct cli *cli, const char *flag, const char *s, uint32_t min,
                  uint32_t max, uint32_t *out)
{
    unsigned long long v;
    if (parse_decimal(s, &v) < 0 || v < min || v > max)
        return cli_usage(cli, "%s wants a whole number from %u to %u, not \"%.40s\"", flag, min,
                         max, s);
    *out = (uint32_t)v;
    return CLI_OK;
}

int cli_parse_u64(const struct cli *cli, const char *flag, const char *s, uint64_t min,
                  uint64_t *out)
{
    unsigned long long v;
    if (parse_decimal(s, &v) < 0 || v < min || v > UINT64_MAX)
        return cli_usage(cli, "%s wants a whole number from %llu up, not \"%.40s\"", flag,
                         (unsigned long long)min, s);
    *out = (uint64_t)v;
    return CLI_OK;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to the given date of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Splits YYYY-MM-DD into v; true when it is a real date in year_min..9999. */
static bool split_date(const char *s, int year_min, int v[3])
{
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    v[0] = v[1] = v[2] = 0;
    bool ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0, field = 0; ok && i < 10; i++) {
        if (i == 4 || i == 7) {
            field++;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            ok = false;
        else
            v[field] = v[field] * 10 + (s[i] - '0');
    }
    return ok && v[0] >= year_min && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
           v[2] <= month_days[v[1] - 1] + (v[1] == 2 && leap_year(v[0]));
}

int cli_parse_date(const struct cli *cli, const char *flag, const char *s, int64_t *out)
{
    int v[3];
    if (!split_date(s, 1970, v))
        return cli_usage(cli, "%s wants a date YYYY-MM-DD from 1970-01-01 on, not \"%.40s\"", flag,
                         s);
    *out = days_from_civil(v[0], v[1], v[2]) * 86400;
    return CLI_OK;
}

int cli_opt_day(const struct cli *cli, const char *flag, const char **out)
{
    *out = cli_opt(cli, flag);
    if (*out == NULL)
        return CLI_OK;
    return cli_parse_day(cli, flag, *out);
}

int cli_opt_cover(const struct cli *cli, char **as_agent, char **reason)
{
    const char *agent = cli_opt(cli, "--as-agent");
    const char *why = cli_opt(cli, "--reason");
    if (agent != NULL && agent[0] == '\0')
        return cli_usage(cli, "--as-agent: name the agent you cover for");
    if (agent != NULL && (why == NULL || why[0] == '\0'))
        return cli_usage(cli, "--as-agent wants --reason TEXT: say why you read the agent's "
                              "portfolio (audited)");
    if (agent == NULL && why != NULL)
        return cli_usage(cli, "--reason goes with --as-agent NAME");
    *as_agent = folio_text(agent);
    *reason = folio_text(why);
    return CLI_OK;
}

int cli_parse_day(const struct cli *cli, const char *flag, const char *s)
{
    int v[3];
    if (!split_date(s, 1900, v))
        return cli_usage(cli, "%s wants a date YYYY-MM-DD from 1900-01-01 on, not \"%.40s\"", flag,
                         s);
    return CLI_OK;
}

/* "52000" or "52000.5" (at most two digits after the point) to hundredths;
 * false when s is not that or does not fit. */
static bool parse_hundredths(const char *s, int64_t *out)
{
    uint64_t whole = 0;
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && whole <= (uint64_t)INT64_MAX / 100) {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        i++;
    }
    uint64_t frac = 0;
    size_t frac_digits = 0;
    bool ok = i > 0 && whole <= (uint64_t)INT64_MAX / 100;
    if (ok && s[i] == '.') {
        for (i++; s[i] >= '0' && s[i] <= '9' && frac_digits < 3; i++, frac_digits++)
            frac = frac * 10 + (uint64_t)(s[i] - '0');
        ok = frac_digits >= 1 && frac_digits <= 2;
    }
    if (ok && frac_digits == 1)
        frac *= 10;
    if (ok)
        ok = s[i] == '\0' && whole * 100 <= (uint64_t)INT64_MAX - frac;
    if (ok)
        *out = (int64_t)(whole * 100 + frac);
    return ok;
}

int cli_parse_amount(const struct cli *cli, const char *flag, const char *s, int64_t *cents)
{
    if (!parse_hundredths(s, cents))
        return cli_usage(cli,
                         "%s wants an amount such as 52000 or 52000.50 (at most two decimals), "
                         "not \"%.40s\"",
                         flag, s);
    return CLI_OK;
}

int cli_parse_percent(const struct cli *cli, const char *flag, const char *s, int64_t *bp)
{
    if (!parse_hundredths(s, bp) || *bp > 10000)
        return cli_usage(cli,
                         "%s wants a percentage from 0 to 100 such as 4.5 (at most two "
                         "decimals), not \"%.40s\"",
                         flag, s);
    return CLI_OK;
}

int cli_parse_month_day(const struct cli *cli, const char *flag, const char *s, uint32_t *month,
                        uint32_t *day)
{
    /* A leap year, so that 29 February is a day of the year. */
    char date[16];
    int v[3];
    snprintf(date, sizeof(date), "2000-%.6s", s);
    if (strlen(s) != 5 || !split_date(date, 2000, v))
        return cli_usage(cli, "%s wants a day of the year MM-DD, e.g. 12-25, not \"%.40s\"", flag,
                         s);
    *month = (uint32_t)v[1];
    *day = (uint32_t)v[2];
    return CLI_OK;
}

int cli_parse_months(const struct cli *cli, const char *flag, const char *s, uint32_t *months,
                     size_t *n)
{
    *n = 0;
    const char *p = s;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        char word[8];
        unsigned long long v = 0;
        bool ok = len >= 1 && len <= 2 && *n < CLI_MONTHS_MAX;
        if (ok) {
            memcpy(word, p, len);
            word[len] = '\0';
            ok = parse_decimal(word, &v) == 0 && v >= 1 && v <= 12;
        }
        if (!ok)
            return cli_usage(cli, "%s wants a comma list of months 1-12, e.g. 7,12, not \"%.40s\"",
                             flag, s);
        months[(*n)++] = (uint32_t)v;
        p += len;
        if (*p == ',' && *++p == '\0')
            return cli_usage(cli, "%s ends with a comma: \"%.40s\"", flag, s);
    }
    return CLI_OK;
}

int cli_opt_u32(const struct cli *cli, const char *flag, uint32_t min, uint32_t max, uint32_t *out)
{
    const char *value = cli_opt(cli, flag);
    return value != NULL ? cli_parse_u32(cli, flag, value, min, max, out) : CLI_OK;
}

int cli_opt_u64(const struct cli *cli, const char *flag, uint64_t min, uint64_t *out)
{
    const char *value = cli_opt(cli, flag);
    return value != NULL ? cli_parse_u64(cli, flag, value, min, out) : CLI_OK;
}

int cli_opt_page_before(const struct cli *cli, uint32_t *limit, uint64_t *before)
{
    *limit = 0;
    *before = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, limit) != CLI_OK)
        return CLI_USAGE;
    return cli_opt_u64(cli, "--before", 1, before);
}

int cli_answer(Folio__Response *r, const struct folio_error *err, cli_show_fn *show)
{
    if (r == NULL)
        return cli_fail(err);
    if (show != NULL)
        show(r);
    folio_response_free(r);
    return CLI_OK;
}

int cli_session_call(struct cli *cli,
                     Folio__Response *(*call)(struct folio_connection *c, struct folio_error *err),
                     cli_show_fn *show)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(call(cli->connection, &err), &err, show);
}

int cli_session_call_arg(struct cli *cli,
                         Folio__Response *(*call)(struct folio_connection *c, const char *arg,
                                                  struct folio_error *err),
                         cli_show_fn *show)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(call(cli->connection, cli->args[0], &err), &err, show);
}

int cli_session_list(struct cli *cli,
                     Folio__Response *(*list)(struct folio_connection *c, uint32_t limit,
                                              const char *after, struct folio_error *err),
                     cli_show_fn *show)
{
    uint32_t limit = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(list(cli->connection, limit, cli_opt(cli, "--after"), &err), &err, show);
}

int cli_out_may_write(const struct cli *cli, const char *path)
{
    struct stat st;
    if (cli_opt(cli, "--force") == NULL && lstat(path, &st) == 0)
        return cli_usage(cli, "--out: %s exists; --force replaces it", path);
    return CLI_OK;
}

int cli_id_day_session(struct cli *cli, const char *what, uint64_t *id, const char **date)
{
    if (cli_parse_u64(cli, what, cli->args[0], 1, id) != CLI_OK ||
        cli_opt_day(cli, "--date", date) != CLI_OK)
        return CLI_USAGE;
    return cli_connect_session(cli, NULL);
}

int cli_out_file_begin(struct cli *cli, const char *out, struct safe_file *file)
{
    size_t len = strlen(out);
    if (len == 0 || len > CLI_ARG_MAX)
        return cli_usage(cli, "--out: a file name");
    if (cli_out_may_write(cli, out) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    char why[PATH_MAX + 256];
    if (safe_file_open(file, out, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    return CLI_OK;
}

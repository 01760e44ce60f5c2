/* cmd_context.c - folio context list, use, remove and trust: the named
 * logins kept by session_file.h, and the certificate pins of their servers
 * (known_servers.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "known_servers.h"
#include "output.h"

static void context_row(struct out_table *t, const char *name, const struct session *s,
                        bool current)
{
    const struct out_field f[] = {
        OUT_S("name", "context", name),
        OUT_S("server", "server", s->server),
        OUT_S("user", "user", s->user),
        OUT_B("current", "current", current),
        OUT_B("logged_in", "logged in", s->token[0] != '\0'),
    };
    out_table_row(t, f, ARRAY_SIZE(f));
}

int cmd_context_list(struct cli *cli)
{
    int rc = cli_pick_context(cli);
    if (rc != CLI_OK)
        return rc;
    static char names[SESSION_CONTEXTS_MAX][SESSION_CONTEXT_MAX + 1];
    size_t n = 0;
    char msg[512];
    if (session_list(names, SESSION_CONTEXTS_MAX, &n, msg, sizeof(msg)) < 0)
        return cli_local("%s", msg);
    bool current_listed = false;
    struct out_table *t = out_table_begin("contexts", "no contexts");
    for (size_t i = 0; i < n; i++) {
        struct session s;
        if (session_load(names[i], &s, msg, sizeof(msg)) != 0) {
            memset(&s, 0, sizeof(s));
            out_hint("%s", msg);
        }
        bool current = strcmp(names[i], cli->context) == 0;
        current_listed |= current;
        context_row(t, names[i], &s, current);
        session_wipe(&s);
    }
    /* Where the next command would look, even before anyone logged in there. */
    if (!current_listed) {
        struct session none;
        memset(&none, 0, sizeof(none));
        context_row(t, cli->context, &none, true);
    }
    out_table_end(t);
    return CLI_OK;
}

/* The context named on the command line and what session_load made of it:
 * loaded is its result (0, 1 for none, -1 with why in msg); s is zeroed
 * unless it is 0. */
struct named_context {
    const char *name;
    struct session s;
    int loaded;
    char msg[512];
};

static int context_named(struct cli *cli, struct named_context *c)
{
    c->name = cli->args[0];
    if (!session_context_name_ok(c->name))
        return cli_usage(cli,
                         "NAME wants a context name: 1 to %d letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit, not \"%.80s\"",
                         SESSION_CONTEXT_MAX, c->name);
    c->loaded = session_load(c->name, &c->s, c->msg, sizeof(c->msg));
    if (c->loaded != 0)
        memset(&c->s, 0, sizeof(c->s));
    return CLI_OK;
}

int cmd_context_use(struct cli *cli)
{
    struct named_context c;
    int rc = context_named(cli, &c);
    if (rc != CLI_OK)
        return rc;
    session_wipe(&c.s);
    if (c.loaded == 1 && strcmp(c.name, SESSION_CONTEXT_DEFAULT) != 0)
        return cli_usage(cli,
                         "no context %s (folio context list shows them): folio login USER "
                         "--context %s makes it",
                         c.name, c.name);
    if (session_current_save(c.name, c.msg, sizeof(c.msg)) < 0)
        return cli_local("%s", c.msg);
    const char *env = getenv("FOLIO_CONTEXT");
    if (env != NULL && env[0] != '\0' && strcmp(env, c.name) != 0)
        out_hint("FOLIO_CONTEXT=%.80s still picks the context wherever it is set", env);
    out_note("the current context is %s", c.name);
    const struct out_field f[] = {OUT_S("context", NULL, c.name)};
    if (out_json())
        out_fields(f, ARRAY_SIZE(f));
    return CLI_OK;
}

int cmd_context_remove(struct cli *cli)
{
    struct named_context c;
    int rc = context_named(cli, &c);
    if (rc != CLI_OK)
        return rc;
    if (c.loaded == 1)
        return cli_usage(cli, "no context %s (folio context list shows them)", c.name);
    if (c.loaded < 0)
        out_hint("%s", c.msg);
    /* Forgetting a token leaves its session valid on the server until it
     * expires: end it first, where it is safe to send it. */
    bool had_session = c.s.token[0] != '\0';
    char why[512] = "";
    bool ended = cli_end_session(cli, &c.s, why, sizeof(why));
    if (!ended)
        out_hint("could not end the session of %s at %s: %s; it stays valid there until it "
                 "expires",
                 c.s.user, c.s.server, why);
    session_wipe(&c.s);
    if (session_remove(c.name, c.msg, sizeof(c.msg)) < 0)
        return cli_local("%s", c.msg);
    char current[SESSION_CONTEXT_MAX + 1];
    if (session_current_load(current, c.msg, sizeof(c.msg)) == 0 && strcmp(current, c.name) == 0 &&
        session_current_save(NULL, c.msg, sizeof(c.msg)) < 0)
        return cli_local("removed context %s, but %s", c.name, c.msg);
    out_note("removed context %s%s", c.name,
             !had_session ? ""
             : ended      ? "; its session was ended on the server"
                          : "");
    cli_print_session_end(c.name, "session", had_session, ended);
    return CLI_OK;
}

int cmd_context_trust(struct cli *cli)
{
    struct session s;
    int rc = cli_pick_context_server(cli, &s);
    if (rc != CLI_OK)
        return rc;
    session_wipe(&s);
    char msg[512];
    char pin[TLS_FINGERPRINT_SIZE];
    rc = known_servers_lookup(cli->server, pin, msg, sizeof(msg));
    if (rc < 0)
        return cli_local("%s", msg);
    bool reset = cli_opt(cli, "--reset") != NULL;
    if (rc == 0 && reset && known_servers_forget(cli->server, msg, sizeof(msg)) < 0)
        return cli_local("%s", msg);
    const struct out_field f[] = {
        OUT_S("context", "context", cli->context),
        OUT_S("server", "server", cli->server),
        {.key = "fingerprint", .label = "fingerprint", .type = OUT_NSTR, .s = rc == 0 ? pin : NULL},
        OUT_B("reset", NULL, reset && rc == 0),
    };
    if (!reset) {
        out_object("trust", f, ARRAY_SIZE(f));
        if (rc == 1)
            out_hint("no certificate is trusted for %s: folio login shows the one it presents",
                     cli->server);
        return CLI_OK;
    }
    if (out_json())
        out_object("trust", f, ARRAY_SIZE(f));
    else if (rc == 1)
        out_note("no certificate was trusted for %s; nothing to forget", cli->server);
    else
        out_note("forgot the certificate trusted for %s (%s). The next folio login to it shows "
                 "the certificate it presents: compare it with the fingerprint your firm's admin "
                 "read you before answering.",
                 cli->server, pin);
    return CLI_OK;
}

/* cmd_admin.c - folio admin: offices, users and the audit log. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "folioclient_names.h"
#include "output.h"
#include "prompt.h"
#include "records.h"
#include "safe_file.h"

/* A password set for another user; one folio made up is shown once. */
struct user_password {
    prompt_password text;
    bool generated;
};

/* Opens the session, then gets the password of the user the command names:
 * from stdin when asked, typed twice on a terminal, otherwise made up.
 * Returns CLI_OK or the exit code after printing why. */
static int session_and_password(struct cli *cli, struct user_password *pw)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    char msg[256];
    pw->generated = false;
    if (cli_opt(cli, "--password-stdin") != NULL) {
        if (prompt_stdin_line(pw->text, "password", msg, sizeof(msg)) < 0)
            return cli_error(CLI_USAGE, "USAGE", "%s", msg);
    } else if (prompt_interactive()) {
        char prompt[128];
        snprintf(prompt, sizeof(prompt), "Password for %.64s: ", cli->args[0]);
        if (prompt_hidden_twice(prompt, pw->text, msg, sizeof(msg)) < 0)
            return cli_error(CLI_USAGE, "USAGE", "%s", msg);
    } else {
        if (prompt_generate(pw->text, msg, sizeof(msg)) < 0)
            return cli_local("%s", msg);
        pw->generated = true;
    }
    return CLI_OK;
}

/* Ends a call that set pw as cli_answer does, then shows pw if folio made
 * it up; wipes it either way. */
static int password_answer(Folio__Response *r, const struct folio_error *err, cli_show_fn *show,
                           struct user_password *pw)
{
    int rc = cli_answer(r, err, show);
    if (rc == CLI_OK && pw->generated) {
        const struct out_field f[] = {OUT_S("password", "password", pw->text)};
        out_fields(f, 1);
    }
    explicit_bzero(pw->text, sizeof(pw->text));
    return rc;
}

int cmd_office_add(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_office_add, rec_print_answer);
}

int cmd_office_rename(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_office_rename(cli->connection, cli->args[0], cli->args[1], &err), &err,
                      rec_print_answer);
}

int cmd_office_remove(struct cli *cli)
{
    int rc = cli_session_call_arg(cli, folio_office_remove, NULL);
    if (rc == CLI_OK)
        out_note("office %s removed", cli->args[0]);
    return rc;
}

int cmd_office_list(struct cli *cli)
{
    return cli_session_call(cli, folio_office_list, rec_print_answer);
}

int cmd_user_add(struct cli *cli)
{
    const char *role_name = cli_opt(cli, "--role");
    Folio__Role role;
    if (folio_role_from_name(role_name, &role) < 0)
        return cli_usage(cli, "--role wants agent, office-admin or firm-admin, not \"%.40s\"",
                         role_name);
    struct user_password pw;
    int rc = session_and_password(cli, &pw);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_user_add(cli->connection, cli->args[0], role,
                                        cli_opt(cli, "--office"), pw.text, &err);
    return password_answer(r, &err, rec_print_answer, &pw);
}

int cmd_user_list(struct cli *cli)
{
    return cli_session_list(cli, folio_user_list, rec_print_answer);
}

int cmd_user_disable(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_user_disable, rec_print_answer);
}

int cmd_user_enable(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_user_enable, rec_print_answer);
}

int cmd_user_set(struct cli *cli)
{
    Folio__Role role = FOLIO__ROLE__ROLE_UNSPECIFIED;
    const char *role_name = cli_opt(cli, "--role");
    const char *office = cli_opt(cli, "--office");
    if (role_name != NULL && folio_role_from_name(role_name, &role) < 0)
        return cli_usage(cli, "--role wants agent, office-admin or firm-admin, not \"%.40s\"",
                         role_name);
    if (role_name == NULL && office == NULL)
        return cli_usage(cli, "give --role, --office or both");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_user_set(cli->connection, cli->args[0], role, office, &err), &err,
                      rec_print_answer);
}

/* The user, then how many clients it keeps: only show counts them. */
static void user_show_print(const Folio__Response *r)
{
    rec_object("user", &r->user, rec_user);
    const struct out_field f[] = {OUT_U("clients", "clients", r->user->clients)};
    out_fields(f, 1);
}

int cmd_user_show(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_user_show, user_show_print);
}

int cmd_user_passwd(struct cli *cli)
{
    const char *name = cli->args[0];
    struct user_password pw;
    int rc = session_and_password(cli, &pw);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_user_passwd(cli->connection, name, pw.text, &err);
    if (r != NULL)
        out_note("password of %s changed; their sessions have ended", name);
    return password_answer(r, &err, NULL, &pw);
}

int cmd_user_unlock(struct cli *cli)
{
    int rc = cli_session_call_arg(cli, folio_user_unlock, NULL);
    if (rc == CLI_OK)
        out_note("%s may log in again from anywhere", cli->args[0]);
    return rc;
}

#define CMD_AUDIT_DAY 86400

/* The filters of admin audit, checked before anything is asked. */
static int audit_filters(struct cli *cli, Folio__AuditQuery *q)
{
    const char *since = cli_opt(cli, "--since");
    const char *until = cli_opt(cli, "--until");
    if (since != NULL && cli_parse_date(cli, "--since", since, &q->since) != CLI_OK)
        return CLI_USAGE;
    if (until != NULL) {
        if (cli_parse_date(cli, "--until", until, &q->until) != CLI_OK)
            return CLI_USAGE;
        /* Through the whole of that day. */
        q->until += CMD_AUDIT_DAY;
    }
    if (since != NULL && until != NULL && q->until <= q->since)
        return cli_usage(cli, "--until: %s is before --since %s", until, since);
    q->actor = (char *)cli_opt(cli, "--actor");
    q->client = (char *)cli_opt(cli, "--client");
    q->action = (char *)cli_opt(cli, "--action");
    return CLI_OK;
}

/* Every record the filters keep, newest first, a page at a time into path,
 * one JSON object a line; only one page is held at once. */
static int audit_jsonl(struct cli *cli, Folio__AuditQuery *q, const char *path)
{
    if (cli_out_may_write(cli, path) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    char why[PATH_MAX + 256];
    struct safe_file file;
    if (safe_file_open(&file, path, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    FILE *stream = safe_file_stream(&file);
    if (stream == NULL) {
        safe_file_abort(&file);
        return cli_local("cannot write %s: out of memory", path);
    }
    q->limit = FOLIO_PAGE_MAX;
    uint64_t count = 0;
    bool failed = false;
    for (;;) {
        struct folio_error err;
        Folio__Response *r = folio_audit_search(cli->connection, q, &err);
        if (r == NULL) {
            safe_file_abort(&file);
            return cli_fail(&err);
        }
        const Folio__AuditRecords *page = r->audit;
        for (size_t i = 0; i < page->n_records && !failed; i++, count++) {
            struct out_field f[REC_FIELDS_MAX];
            size_t n = rec_audit(page->records, i, f);
            failed = out_json_line(stream, f, n) != 0;
        }
        q->before = page->next;
        folio_response_free(r);
        if (failed || q->before == 0)
            break;
    }
    if (failed) {
        safe_file_abort(&file);
        return cli_local("cannot write %s", path);
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    const struct out_field f[] = {OUT_U("records", "records", count), OUT_S("out", "file", path)};
    out_object("audit_export", f, 2);
    return CLI_OK;
}

int cmd_audit(struct cli *cli)
{
    Folio__AuditQuery q = FOLIO__AUDIT_QUERY__INIT;
    if (audit_filters(cli, &q) != CLI_OK)
        return CLI_USAGE;
    const char *out = cli_opt(cli, "--out");
    bool jsonl = cli_opt(cli, "--jsonl") != NULL;
    if (jsonl != (out != NULL))
        return cli_usage(cli, "--jsonl and --out go together");
    if (cli_opt(cli, "--force") != NULL && !jsonl)
        return cli_usage(cli, "--force goes with --jsonl --out");
    if (jsonl) {
        if (cli_opt(cli, "--limit") != NULL || cli_opt(cli, "--before") != NULL)
            return cli_usage(cli, "--jsonl writes every record: no --limit or --before");
        return audit_jsonl(cli, &q, out);
    }
    if (cli_opt_page_before(cli, &q.limit, &q.before) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_audit_search(cli->connection, &q, &err), &err, rec_print_answer);
}

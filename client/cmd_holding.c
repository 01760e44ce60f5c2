/* cmd_holding.c - folio holding: what one's clients hold (policies,
 * accounts, contracts), when it renews, and how it ended; folio book: all
 * of it added up. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

/* The holding's flags, as add and edit share them: each one given sets its
 * field and is named in fields (for edit). */
struct holding_form {
    Folio__Holding h;
    char *fields[16];
    size_t n_fields;
};

static void holding_text(struct cli *cli, struct holding_form *form, const char *flag, char **field,
                         const char *name)
{
    const char *v = cli_opt(cli, flag);
    if (v != NULL) {
        *field = (char *)v;
        form->fields[form->n_fields++] = (char *)name;
    }
}

static int holding_amount(struct cli *cli, struct holding_form *form, const char *flag,
                          int64_t *cents, const char *name)
{
    const char *v = cli_opt(cli, flag);
    if (v == NULL)
        return CLI_OK;
    form->fields[form->n_fields++] = (char *)name;
    return cli_parse_amount(cli, flag, v, cents);
}

static int holding_day(struct cli *cli, struct holding_form *form, const char *flag, char **field,
                       const char *name)
{
    const char *v;
    if (cli_opt_day(cli, flag, &v) != CLI_OK)
        return CLI_USAGE;
    if (v != NULL) {
        *field = (char *)v;
        form->fields[form->n_fields++] = (char *)name;
    }
    return CLI_OK;
}

static int holding_form_fill(struct cli *cli, struct holding_form *form)
{
    memset(form, 0, sizeof(*form));
    folio__holding__init(&form->h);
    Folio__Holding *h = &form->h;
    if (cli_opt(cli, "--renews") != NULL && cli_opt(cli, "--ends") != NULL)
        return cli_usage(cli, "--renews and --ends: a holding renews or has a fixed end, not both");
    holding_text(cli, form, "--kind", &h->kind, "kind");
    holding_text(cli, form, "--provider", &h->provider, "provider");
    holding_text(cli, form, "--number", &h->number, "number");
    holding_text(cli, form, "--status", &h->status, "status");
    holding_text(cli, form, "--per", &h->premium_period, "premium_period");
    holding_text(cli, form, "--currency", &h->currency, "currency");
    holding_text(cli, form, "--note", &h->note, "note");
    if (holding_amount(cli, form, "--premium", &h->premium_cents, "premium_cents") != CLI_OK ||
        holding_amount(cli, form, "--value", &h->value_cents, "value_cents") != CLI_OK ||
        holding_day(cli, form, "--start", &h->start_date, "start_date") != CLI_OK ||
        holding_day(cli, form, "--renews", &h->renews_on, "renews_on") != CLI_OK ||
        holding_day(cli, form, "--ends", &h->ends_on, "ends_on") != CLI_OK)
        return CLI_USAGE;
    return CLI_OK;
}

int cmd_holding_add(struct cli *cli)
{
    struct holding_form form;
    if (holding_form_fill(cli, &form) != CLI_OK)
        return CLI_USAGE;
    form.h.client_id = (char *)cli->args[0];
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_holding_add(cli->connection, &form.h, &err), &err, rec_print_answer);
}

int cmd_holding_show(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_holding_get(cli->connection, id, &err), &err, rec_print_answer);
}

int cmd_holding_list(struct cli *cli)
{
    Folio__HoldingList q = FOLIO__HOLDING_LIST__INIT;
    const char *before;
    if (cli_opt_day(cli, "--renews-before", &before) != CLI_OK ||
        cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &q.limit) != CLI_OK ||
        cli_opt_u64(cli, "--after", 1, &q.after) != CLI_OK)
        return CLI_USAGE;
    q.client_id = folio_text(cli_opt(cli, "--client"));
    q.kind = folio_text(cli_opt(cli, "--kind"));
    q.status = folio_text(cli_opt(cli, "--status"));
    q.renews_before = folio_text(before);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_holding_list(cli->connection, &q, &err), &err, rec_print_answer);
}

int cmd_holding_edit(struct cli *cli)
{
    Folio__HoldingEdit edit = FOLIO__HOLDING_EDIT__INIT;
    struct holding_form form;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &edit.id) != CLI_OK ||
        cli_opt_u64(cli, "--if-version", 1, &edit.if_version) != CLI_OK ||
        holding_form_fill(cli, &form) != CLI_OK)
        return CLI_USAGE;
    if (form.n_fields == 0)
        return cli_usage(cli, "name at least one thing to change (see --help)");
    edit.changes = &form.h;
    edit.fields = form.fields;
    edit.n_fields = form.n_fields;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_holding_edit(cli->connection, &edit, &err), &err, rec_print_answer);
}

int cmd_holding_end(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_holding_end(cli->connection, id, date, cli_opt(cli, "--reason"), &err),
                      &err, rec_print_answer);
}

int cmd_book(struct cli *cli)
{
    Folio__BookQuery q = FOLIO__BOOK_QUERY__INIT;
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    q.agent = folio_text(cli_opt(cli, "--agent"));
    q.office = folio_text(cli_opt(cli, "--office"));
    q.firm = cli_opt(cli, "--firm") != NULL;
    q.date = folio_text(date);
    if (cli_opt_cover(cli, &q.as_agent, &q.reason) != CLI_OK)
        return CLI_USAGE;
    if ((q.agent[0] != '\0') + (q.office[0] != '\0') + q.firm + (q.as_agent[0] != '\0') > 1)
        return cli_usage(cli, "--agent, --as-agent, --office and --firm: one of them at most");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_book(cli->connection, &q, &err), &err, rec_print_answer);
}

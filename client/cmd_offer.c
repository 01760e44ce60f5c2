/* cmd_offer.c - folio offer: time-limited offers to one's own clients. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "folioclient_mail.h"
#include "records.h"

int cmd_offer_add(struct cli *cli)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    const char *from;
    const char *until;
    const char *date;
    const char *rate = cli_opt(cli, "--rate");
    if (cli_opt_day(cli, "--valid-from", &from) != CLI_OK ||
        cli_opt_day(cli, "--valid-until", &until) != CLI_OK ||
        cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    if (rate != NULL && cli_parse_percent(cli, "--rate", rate, &offer.rate_bp) != CLI_OK)
        return CLI_USAGE;
    offer.client_id = (char *)cli->args[0];
    offer.title = folio_text(cli_opt(cli, "--title"));
    offer.product = folio_text(cli_opt(cli, "--product"));
    offer.valid_from = folio_text(from);
    offer.valid_until = folio_text(until);
    offer.channel = folio_text(cli_opt(cli, "--channel"));
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = &offer;
    op.date = folio_text(date);
    op.despite_alert = cli_opt(cli, "--despite-alert") != NULL;
    return cli_answer(folio_offer_add_op(cli->connection, &op, &err), &err, rec_print_answer);
}

int cmd_offer_list(struct cli *cli)
{
    const char *date;
    uint32_t limit = 0;
    uint64_t after = 0;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK ||
        cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK ||
        cli_opt_u64(cli, "--after", 1, &after) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_offer_list(cli->connection, cli_opt(cli, "--client"),
                                          cli_opt(cli, "--status"), date, limit, after, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_offer_set(struct cli *cli)
{
    uint64_t id;
    const char *status = cli->args[1];
    const char *date;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK ||
        cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    if (strcmp(status, "sent") != 0 && strcmp(status, "accepted") != 0 &&
        strcmp(status, "declined") != 0)
        return cli_usage(cli, "an offer becomes sent, accepted or declined, not \"%.40s\"", status);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_offer_set(cli->connection, id, status, date, &err), &err,
                      rec_print_answer);
}

int cmd_offer_withdraw(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_offer_set(cli->connection, id, "withdrawn", date, &err), &err,
                      rec_print_answer);
}

int cmd_offer_send(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_offer_send(cli->connection, id, date, &err), &err, rec_print_sent);
}

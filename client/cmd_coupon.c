/* cmd_coupon.c - folio coupon: discounts at partner businesses for one's
 * own clients. The code is what redeems a coupon: it is printed, never
 * logged. */
#include "cli.h"
#include "output.h"
#include "folioclient_mail.h"
#include "records.h"

int cmd_coupon_issue(struct cli *cli)
{
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    const char *until;
    const char *date;
    if (cli_parse_u64(cli, "--partner", cli_opt(cli, "--partner"), 1, &coupon.partner_id) !=
            CLI_OK ||
        cli_opt_day(cli, "--valid-until", &until) != CLI_OK ||
        cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    coupon.client_id = (char *)cli->args[0];
    coupon.discount = (char *)cli_opt(cli, "--discount");
    coupon.valid_until = (char *)until;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_coupon_issue(cli->connection, &coupon, date, &err), &err,
                      rec_print_answer);
}

int cmd_coupon_list(struct cli *cli)
{
    uint32_t limit = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_coupon_list(cli->connection, cli_opt(cli, "--client"), limit,
                                           cli_opt(cli, "--after"), &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_coupon_redeem(struct cli *cli)
{
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_coupon_redeem(cli->connection, cli->args[0], date, &err), &err,
                      rec_print_answer);
}

int cmd_coupon_withdraw(struct cli *cli)
{
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_coupon_withdraw(cli->connection, cli->args[0], date, &err), &err,
                      rec_print_answer);
}

int cmd_coupon_send(struct cli *cli)
{
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_coupon_send(cli->connection, cli->args[0], date, &err), &err,
                      rec_print_sent);
}

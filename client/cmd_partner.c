/* cmd_partner.c - folio partner: the businesses coupons are good at. */
#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_partner_add(struct cli *cli)
{
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    const char *city = cli_opt(cli, "--city");
    partner.name = (char *)cli->args[0];
    partner.category = (char *)cli_opt(cli, "--category");
    partner.city = (char *)(city != NULL ? city : "");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_partner_add(cli->connection, &partner, &err), &err, rec_print_answer);
}

int cmd_partner_list(struct cli *cli)
{
    return cli_session_call(cli, folio_partner_list, rec_print_answer);
}

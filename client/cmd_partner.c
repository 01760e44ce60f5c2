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
    Folio__Response *r = folio_partner_add(cli->connection, &partner, &err);
    if (r == NULL)
        return cli_fail(&err);
    struct out_field f[REC_FIELDS_MAX];
    out_object("partner", f, rec_partner(r->partner, f));
    folio_response_free(r);
    return CLI_OK;
}

int cmd_partner_list(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_partner_list(cli->connection, &err);
    if (r == NULL)
        return cli_fail(&err);
    struct out_table *t = out_table_begin("partners", "no partners");
    for (size_t i = 0; i < r->partners->n_partners; i++) {
        struct out_field f[REC_FIELDS_MAX];
        out_table_row(t, f, rec_partner(r->partners->partners[i], f));
    }
    out_table_end(t);
    folio_response_free(r);
    return CLI_OK;
}

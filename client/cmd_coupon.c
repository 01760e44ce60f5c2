/* cmd_coupon.c - folio coupon: discounts at partner businesses for one's
 * own clients. The code is what redeems a coupon: it is printed, never
 * logged. */
#include "cli.h"
#include "output.h"
#include "records.h"

static int print_coupon(Folio__Response *r, const struct folio_error *err)
{
    if (r == NULL)
        return cli_fail(err);
    struct out_field f[REC_FIELDS_MAX];
    out_object("coupon", f, rec_coupon(r->coupon, f));
    folio_response_free(r);
    return CLI_OK;
}

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
    return print_coupon(folio_coupon_issue(cli->connection, &coupon, date, &err), &err);
}

int cmd_coupon_list(struct cli *cli)
{
    uint32_t limit = 0;
    const char *limit_arg = cli_opt(cli, "--limit");
    if (limit_arg != NULL && cli_parse_u32(cli, "--limit", limit_arg, 1, &limit) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_coupon_list(cli->connection, cli_opt(cli, "--client"), limit,
                                           cli_opt(cli, "--after"), &err);
    if (r == NULL)
        return cli_fail(&err);
    const Folio__Coupons *coupons = r->coupons;
    struct out_table *t = out_table_begin("coupons", "no coupons");
    for (size_t i = 0; i < coupons->n_coupons; i++) {
        struct out_field f[REC_FIELDS_MAX];
        out_table_row(t, f, rec_coupon(coupons->coupons[i], f));
    }
    out_table_end(t);
    out_next(coupons->next);
    if (coupons->next[0] != '\0')
        out_hint("more follow: add --after %s", coupons->next);
    folio_response_free(r);
    return CLI_OK;
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
    return print_coupon(folio_coupon_redeem(cli->connection, cli->args[0], date, &err), &err);
}

/* cmd_campaign.c - folio campaign: one offer (and coupon) for each client
 * of a segment of one's own portfolio. The filters are folio segment's
 * (cli_segment_filters); who is reached or skipped is the server's call. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

static void show_result(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, rec_campaign);
    const struct out_field counts[] = {
        OUT_U("reached", NULL, res->reached),
        OUT_U("skipped", NULL, res->skipped),
        OUT_B("dry_run", NULL, res->dry_run),
    };
    out_fields(counts, sizeof(counts) / sizeof(counts[0]));
    rec_table("clients", "no clients in the segment", res->clients, res->n_clients,
              rec_campaign_client);
    out_note("%s %llu client%s, %llu skipped", res->dry_run ? "would reach" : "reached",
             (unsigned long long)res->reached, res->reached == 1 ? "" : "s",
             (unsigned long long)res->skipped);
}

int cmd_campaign_create(struct cli *cli)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    const char *from, *until;
    const char *rate = cli_opt(cli, "--rate");
    const char *partner = cli_opt(cli, "--coupon-partner");
    if (cli_opt_day(cli, "--valid-from", &from) != CLI_OK ||
        cli_opt_day(cli, "--valid-until", &until) != CLI_OK ||
        cli_segment_filters(cli, &segment) != CLI_OK)
        return CLI_USAGE;
    if (rate != NULL && cli_parse_percent(cli, "--rate", rate, &campaign.rate_bp) != CLI_OK)
        return CLI_USAGE;
    if (partner != NULL &&
        cli_parse_u64(cli, "--coupon-partner", partner, 1, &campaign.partner_id) != CLI_OK)
        return CLI_USAGE;
    const char *discount = cli_opt(cli, "--discount");
    if ((partner == NULL) != (discount == NULL))
        return cli_usage(cli, "--coupon-partner and --discount go together");
    campaign.name = (char *)cli->args[0];
    campaign.title = folio_text(cli_opt(cli, "--title"));
    campaign.product = folio_text(cli_opt(cli, "--product"));
    campaign.valid_from = folio_text(from);
    campaign.valid_until = folio_text(until);
    campaign.channel = folio_text(cli_opt(cli, "--channel"));
    campaign.discount = folio_text(discount);
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    op.campaign = &campaign;
    op.segment = &segment;
    op.dry_run = cli_opt(cli, "--dry-run") != NULL;
    op.date = segment.date;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_create(cli->connection, &op, &err), &err, show_result);
}

static void show_list(const Folio__Response *r)
{
    rec_table("campaigns", "no campaigns", r->campaigns->campaigns, r->campaigns->n_campaigns,
              rec_campaign);
    rec_page_next_number("--after", r->campaigns->next);
}

int cmd_campaign_list(struct cli *cli)
{
    uint32_t limit = 0;
    uint64_t after = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK ||
        cli_opt_u64(cli, "--after", 1, &after) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_list(cli->connection, limit, after, &err), &err, show_list);
}

static void show_campaign(const Folio__Response *r)
{
    rec_object("campaign", &r->campaign, rec_campaign);
}

int cmd_campaign_show(struct cli *cli)
{
    uint64_t id;
    const char *date;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK ||
        cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_show(cli->connection, id, date, &err), &err, show_campaign);
}

static void show_cancelled(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, rec_campaign);
    const struct out_field withdrawn[] = {OUT_U("withdrawn", NULL, res->withdrawn)};
    out_fields(withdrawn, 1);
    out_note("%llu offer%s and coupons withdrawn", (unsigned long long)res->withdrawn,
             res->withdrawn == 1 ? "" : "s");
}

int cmd_campaign_cancel(struct cli *cli)
{
    uint64_t id;
    const char *date;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK ||
        cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_cancel(cli->connection, id, date, &err), &err, show_cancelled);
}

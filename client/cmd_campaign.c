/* cmd_campaign.c - folio campaign: one offer (and coupon) for each client
 * of a segment of one's own portfolio; folio admin campaign: the same for
 * every agent of an office or of the firm, each agent's clients under its
 * name. The filters are folio segment's (cli_segment_filters); who is
 * reached or skipped is the server's call. */
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_campaign.h"
#include "output.h"
#include "records.h"

/* A firm campaign's part, as a show lists it. */
static size_t campaign_part_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__Campaign *c = ((const Folio__Campaign *const *)list)[i];
    const struct out_field fields[] = {
        OUT_U("id", "id", c->id),
        OUT_S("agent", "agent", c->agent),
        OUT_S("status", "status", c->status),
        OUT_U("offers", "offers", c->offers),
        OUT_U("skipped", "skipped", c->skipped),
        OUT_U("opted_out", "opted out", c->opted_out),
        {.key = "accepted_rate", .label = "accepted %", .type = OUT_CENTS, .i = c->accepted_bp},
    };
    for (size_t k = 0; k < ARRAY_SIZE(fields); k++)
        f[k] = fields[k];
    return ARRAY_SIZE(fields);
}

/* rec_campaign, and what firm campaigns add: whose it is, the firm
 * campaign of a part, the opt-outs, a firm campaign's parts. */
static size_t campaign_item(const void *list, size_t i, struct out_field *f, bool office_column)
{
    const Folio__Campaign *c = ((const Folio__Campaign *const *)list)[i];
    size_t n = rec_campaign(list, i, f);
    const struct out_field more[] = {
        {.key = "scope", .label = "for", .card_only = true, .type = OUT_STR, .s = c->scope},
        {.key = "office",
         .label = "office",
         .card_only = !office_column,
         .type = OUT_STR,
         .s = c->office},
        {.key = "agent", .label = "agent", .card_only = true, .type = OUT_STR, .s = c->agent},
        {.key = "firm_campaign_id",
         .label = "firm campaign",
         .card_only = true,
         .zero_null = true,
         .type = OUT_UINT,
         .u = c->firm_campaign_id},
        {.key = "opted_out",
         .label = "opted out",
         .card_only = true,
         .type = OUT_UINT,
         .u = c->opted_out},
        {.key = "parts",
         .label = "by agent",
         .card_only = true,
         .type = OUT_LIST,
         .n = c->n_parts,
         .list = c->parts,
         .item = campaign_part_item},
    };
    for (size_t k = 0; k < ARRAY_SIZE(more) && n < REC_FIELDS_MAX; k++)
        f[n++] = more[k];
    return n;
}

static size_t campaign_rec(const void *list, size_t i, struct out_field *f)
{
    return campaign_item(list, i, f, false);
}

static size_t firm_campaign_rec(const void *list, size_t i, struct out_field *f)
{
    return campaign_item(list, i, f, true);
}

static void show_result(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, campaign_rec);
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

/* The campaign and segment the flags ask for, into op (pointing at
 * campaign and segment). CLI_OK or CLI_USAGE, said. */
static int campaign_asked(struct cli *cli, Folio__Campaign *campaign, Folio__Segment *segment,
                          Folio__CampaignCreate *op)
{
    const char *from, *until;
    const char *rate = cli_opt(cli, "--rate");
    const char *partner = cli_opt(cli, "--coupon-partner");
    if (cli_opt_day(cli, "--valid-from", &from) != CLI_OK ||
        cli_opt_day(cli, "--valid-until", &until) != CLI_OK ||
        cli_segment_filters(cli, segment) != CLI_OK)
        return CLI_USAGE;
    if (rate != NULL && cli_parse_percent(cli, "--rate", rate, &campaign->rate_bp) != CLI_OK)
        return CLI_USAGE;
    if (partner != NULL &&
        cli_parse_u64(cli, "--coupon-partner", partner, 1, &campaign->partner_id) != CLI_OK)
        return CLI_USAGE;
    const char *discount = cli_opt(cli, "--discount");
    if ((partner == NULL) != (discount == NULL))
        return cli_usage(cli, "--coupon-partner and --discount go together");
    campaign->name = (char *)cli->args[0];
    campaign->title = folio_text(cli_opt(cli, "--title"));
    campaign->product = folio_text(cli_opt(cli, "--product"));
    campaign->valid_from = folio_text(from);
    campaign->valid_until = folio_text(until);
    campaign->channel = folio_text(cli_opt(cli, "--channel"));
    campaign->discount = folio_text(discount);
    op->campaign = campaign;
    op->segment = segment;
    op->dry_run = cli_opt(cli, "--dry-run") != NULL;
    op->date = segment->date;
    return CLI_OK;
}

int cmd_campaign_create(struct cli *cli)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    if (campaign_asked(cli, &campaign, &segment, &op) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_create(cli->connection, &op, &err), &err, show_result);
}

static void show_list(const Folio__Response *r)
{
    rec_table("campaigns", "no campaigns", r->campaigns->campaigns, r->campaigns->n_campaigns,
              campaign_rec);
    rec_page_next_number("--after", r->campaigns->next);
}

static void show_firm_list(const Folio__Response *r)
{
    rec_table("campaigns", "no campaigns", r->campaigns->campaigns, r->campaigns->n_campaigns,
              firm_campaign_rec);
    rec_page_next_number("--after", r->campaigns->next);
}

/* The agent's campaigns, or (firm) the office and firm campaigns. */
static int campaign_list(struct cli *cli, bool firm)
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
    if (firm)
        return cli_answer(folio_firm_campaign_list(cli->connection, limit, after, &err), &err,
                          show_firm_list);
    return cli_answer(folio_campaign_list(cli->connection, limit, after, &err), &err, show_list);
}

int cmd_campaign_list(struct cli *cli)
{
    return campaign_list(cli, false);
}

static void show_campaign(const Folio__Response *r)
{
    rec_object("campaign", &r->campaign, campaign_rec);
}

int cmd_campaign_show(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_show(cli->connection, id, date, &err), &err, show_campaign);
}

static void show_cancelled(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, campaign_rec);
    const struct out_field withdrawn[] = {OUT_U("withdrawn", NULL, res->withdrawn)};
    out_fields(withdrawn, 1);
    out_note("%llu offer%s and coupons withdrawn", (unsigned long long)res->withdrawn,
             res->withdrawn == 1 ? "" : "s");
}

int cmd_campaign_cancel(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_cancel(cli->connection, id, date, &err), &err, show_cancelled);
}

/* ---------------------------------------------------------------- opt-out */

static void show_opted_out(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, campaign_rec);
    rec_table("clients", NULL, res->clients, res->n_clients, rec_campaign_client);
    const struct out_field withdrawn[] = {OUT_U("withdrawn", NULL, res->withdrawn)};
    out_fields(withdrawn, 1);
    if (res->n_clients == 1)
        out_note("%s opted out of campaign %llu: its offer withdrawn", res->clients[0]->client_name,
                 (unsigned long long)res->campaign->id);
}

int cmd_campaign_opt_out(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "CAMPAIGN", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_opt_out(cli->connection, id, cli->args[1], date, &err), &err,
                      show_opted_out);
}

/* ---------------------------------------------------------------- admin */

/* One client of a part as a table row: its agent, then the client. */
static size_t part_client_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__CampaignResult *part = list;
    f[0] = (struct out_field)OUT_S("agent", "agent", part->agent);
    return 1 + rec_campaign_client(part->clients, i, f + 1);
}

/* A part in JSON: its agent, campaign id, counts and clients. */
static size_t part_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__CampaignResult *p = ((const Folio__CampaignResult *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("agent", "agent", p->agent),
        {.key = "campaign_id",
         .label = "campaign",
         .zero_null = true,
         .type = OUT_UINT,
         .u = p->campaign != NULL ? p->campaign->id : 0},
        OUT_U("reached", "reached", p->reached),
        OUT_U("skipped", "skipped", p->skipped),
        {.key = "clients",
         .label = "clients",
         .type = OUT_LIST,
         .n = p->n_clients,
         .list = p->clients,
         .item = rec_campaign_client},
    };
    for (size_t k = 0; k < ARRAY_SIZE(fields); k++)
        f[k] = fields[k];
    return ARRAY_SIZE(fields);
}

static void show_firm_result(const Folio__Response *r)
{
    const Folio__CampaignResult *res = r->campaign_result;
    rec_object("campaign", &res->campaign, campaign_rec);
    const struct out_field counts[] = {
        OUT_U("reached", NULL, res->reached),
        OUT_U("skipped", NULL, res->skipped),
        OUT_B("dry_run", NULL, res->dry_run),
    };
    out_fields(counts, ARRAY_SIZE(counts));
    if (out_json()) {
        rec_table("parts", NULL, res->parts, res->n_parts, part_item);
    } else {
        struct out_table *t = out_table_begin("clients", "no clients in the segment");
        struct out_field f[REC_FIELDS_MAX + 1];
        for (size_t p = 0; p < res->n_parts; p++)
            for (size_t i = 0; i < res->parts[p]->n_clients; i++)
                out_table_row(t, f, part_client_item(res->parts[p], i, f));
        out_table_end(t);
    }
    out_note("%s %llu client%s of %zu agent%s, %llu skipped",
             res->dry_run ? "would reach" : "reached", (unsigned long long)res->reached,
             res->reached == 1 ? "" : "s", res->n_parts, res->n_parts == 1 ? "" : "s",
             (unsigned long long)res->skipped);
}

int cmd_admin_campaign_create(struct cli *cli)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate create = FOLIO__CAMPAIGN_CREATE__INIT;
    Folio__FirmCampaignCreate op = FOLIO__FIRM_CAMPAIGN_CREATE__INIT;
    const char *office = cli_opt(cli, "--office");
    op.firm = cli_opt(cli, "--firm") != NULL;
    if ((office != NULL) == op.firm)
        return cli_usage(cli, "--office or --firm: one of them, to say whose clients it reaches");
    if (campaign_asked(cli, &campaign, &segment, &create) != CLI_OK)
        return CLI_USAGE;
    op.create = &create;
    op.office = folio_text(office);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_firm_campaign_create(cli->connection, &op, &err), &err,
                      show_firm_result);
}

int cmd_admin_campaign_list(struct cli *cli)
{
    return campaign_list(cli, true);
}

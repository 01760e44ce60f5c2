/* cmd_segment.c - folio segment: who in the portfolio matches; its
 * filters are campaign create's too (cli_segment_filters). */
#include <string.h>

#include "cli.h"
#include "folioclient_names.h"
#include "output.h"
#include "records.h"

/* Whole currency units to cents, refusing what would not fit. */
static int parse_units(struct cli *cli, const char *flag, int64_t *cents)
{
    const char *value = cli_opt(cli, flag);
    uint64_t units = 0;
    if (value == NULL)
        return CLI_OK;
    if (cli_parse_u64(cli, flag, value, 0, &units) != CLI_OK)
        return CLI_USAGE;
    if (units > (uint64_t)INT64_MAX / 100)
        return cli_usage(cli, "%s %.40s is too large", flag, value);
    *cents = (int64_t)units * 100;
    return CLI_OK;
}

static int parse_u32_opt(struct cli *cli, const char *flag, uint32_t *out, bool *given)
{
    const char *value = cli_opt(cli, flag);
    if (given != NULL)
        *given = value != NULL;
    if (value == NULL)
        return CLI_OK;
    return cli_parse_u32(cli, flag, value, 0, UINT32_MAX, out);
}

int cli_segment_filters(struct cli *cli, Folio__Segment *s)
{
    s->city = (char *)cli_opt(cli, "--city");
    s->region = (char *)cli_opt(cli, "--region");
    s->country = (char *)cli_opt(cli, "--country");
    s->income_trend = (char *)cli_opt(cli, "--income-trend");
    s->purchased = (char *)cli_opt(cli, "--purchased");
    s->tag = (char *)cli_opt(cli, "--tag");
    s->consent = (char *)cli_opt(cli, "--consent");
    s->date = (char *)cli_opt(cli, "--date");
    /* protobuf-c wants "" rather than NULL for an unset string. */
    char **strings[] = {&s->city,      &s->region, &s->country, &s->income_trend,
                        &s->purchased, &s->tag,    &s->consent, &s->date};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        if (*strings[i] == NULL)
            *strings[i] = "";
    if (s->date[0] != '\0' && cli_parse_day(cli, "--date", s->date) != CLI_OK)
        return CLI_USAGE;
    const char *marital = cli_opt(cli, "--marital");
    if (marital != NULL && folio_marital_from_name(marital, &s->marital_status) < 0)
        return cli_usage(cli,
                         "--marital wants single, married, partnered, divorced or widowed, not "
                         "\"%.40s\"",
                         marital);
    bool age_max = false;
    if (parse_u32_opt(cli, "--age-min", &s->age_min, NULL) != CLI_OK ||
        parse_u32_opt(cli, "--age-max", &s->age_max, &age_max) != CLI_OK ||
        parse_u32_opt(cli, "--children-min", &s->children_min, NULL) != CLI_OK ||
        parse_u32_opt(cli, "--household-size-min", &s->household_size_min, NULL) != CLI_OK)
        return CLI_USAGE;
    if (age_max)
        s->age_max_filter_case = FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    const char *renews;
    if (parse_units(cli, "--income-min", &s->income_min_cents) != CLI_OK ||
        parse_units(cli, "--income-max", &s->income_max_cents) != CLI_OK ||
        parse_units(cli, "--premium-min", &s->premium_min_cents) != CLI_OK ||
        cli_opt_day(cli, "--renews-before", &renews) != CLI_OK)
        return CLI_USAGE;
    s->holds = folio_text(cli_opt(cli, "--holds"));
    s->lacks = folio_text(cli_opt(cli, "--lacks"));
    s->provider = folio_text(cli_opt(cli, "--provider"));
    s->renews_before = folio_text(renews);
    if (cli_opt(cli, "--income-max") != NULL)
        s->income_max_filter_case = FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    return CLI_OK;
}

/* The filters, and what a listing adds: counting, a breakdown, paging. */
static int segment_from_flags(struct cli *cli, Folio__Segment *s)
{
    if (cli_segment_filters(cli, s) != CLI_OK)
        return CLI_USAGE;
    s->by = folio_text(cli_opt(cli, "--by"));
    s->after = folio_text(cli_opt(cli, "--after"));
    s->count_only = cli_opt(cli, "--count") != NULL;
    return cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &s->limit);
}

int cmd_segment(struct cli *cli)
{
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    int rc = segment_from_flags(cli, &segment);
    if (rc != CLI_OK)
        return rc;
    rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_segment(cli->connection, &segment, &err);
    if (r == NULL)
        return cli_fail(&err);
    const Folio__SegmentResult *result = r->segment;
    const struct out_field total[] = {OUT_U("total", NULL, result->total)};
    out_fields(total, 1);
    if (segment.by[0] != '\0') {
        rec_table("buckets", "no matching clients", result->buckets, result->n_buckets, rec_bucket);
        if (result->n_buckets > 0)
            out_note("%llu matching", (unsigned long long)result->total);
    } else if (segment.count_only) {
        out_note("%llu", (unsigned long long)result->total);
    } else {
        rec_table("clients", NULL, result->clients, result->n_clients, rec_client);
        out_note("%llu matching", (unsigned long long)result->total);
        rec_page_next("--after", result->next);
    }
    folio_response_free(r);
    return CLI_OK;
}

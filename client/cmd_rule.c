/* cmd_rule.c - folio admin rule, calendar and occasion: what the firm
 * suggests, and when. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

int cmd_rule_add(struct cli *cli)
{
    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = (char *)cli_opt(cli, "--on");
    rule.suggest = (char *)cli_opt(cli, "--suggest");
    rule.avoid = (char *)or_empty(cli_opt(cli, "--avoid"));
    rule.product = (char *)or_empty(cli_opt(cli, "--product"));
    const char *window = cli_opt(cli, "--window");
    if (window != NULL && cli_parse_u32(cli, "--window", window, 0, &rule.window_days) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_rule_add(cli->connection, &rule, &err);
    if (r == NULL)
        return cli_fail(&err);
    struct out_field f[REC_FIELDS_MAX];
    out_object("rule", f, rec_rule(r->rule, f));
    folio_response_free(r);
    return CLI_OK;
}

int cmd_rule_list(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_rule_list(cli->connection, &err);
    if (r == NULL)
        return cli_fail(&err);
    struct out_table *t = out_table_begin("rules", "no rules");
    for (size_t i = 0; i < r->rules->n_rules; i++) {
        struct out_field f[REC_FIELDS_MAX];
        out_table_row(t, f, rec_rule(r->rules->rules[i], f));
    }
    out_table_end(t);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_rule_remove(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_rule_remove(cli->connection, id, &err);
    if (r == NULL)
        return cli_fail(&err);
    folio_response_free(r);
    out_note("rule %llu removed", (unsigned long long)id);
    return CLI_OK;
}

/* The answer of every calendar request is the whole calendar. */
static int print_calendar(Folio__Response *r, const struct folio_error *err)
{
    if (r == NULL)
        return cli_fail(err);
    rec_print_calendar(r->calendar);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_calendar_show(struct cli *cli)
{
    if (cli->args[0] != NULL && strcmp(cli->args[0], "show") != 0)
        return cli_usage(cli, "unexpected argument \"%.40s\"", cli->args[0]);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return print_calendar(folio_calendar_get(cli->connection, &err), &err);
}

int cmd_calendar_set(struct cli *cli)
{
    Folio__Calendar calendar = FOLIO__CALENDAR__INIT;
    uint32_t months[CLI_MONTHS_MAX];
    const char *fields[2];
    size_t n_fields = 0;
    const char *season = cli_opt(cli, "--season");
    const char *stay = cli_opt(cli, "--stay-in-touch");
    if (season != NULL) {
        if (cli_parse_months(cli, "--season", season, months, &calendar.n_season_months) != CLI_OK)
            return CLI_USAGE;
        calendar.season_months = months;
        fields[n_fields++] = "season_months";
    }
    if (stay != NULL) {
        if (cli_parse_u32(cli, "--stay-in-touch", stay, 1, &calendar.stay_in_touch_days) != CLI_OK)
            return CLI_USAGE;
        fields[n_fields++] = "stay_in_touch_days";
    }
    if (n_fields == 0)
        return cli_usage(cli, "nothing to change: give --season or --stay-in-touch");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return print_calendar(folio_calendar_set(cli->connection, &calendar, fields, n_fields, &err),
                          &err);
}

int cmd_occasion_add(struct cli *cli)
{
    uint32_t month;
    uint32_t day;
    if (cli_parse_month_day(cli, "--date", cli_opt(cli, "--date"), &month, &day) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return print_calendar(folio_occasion_add(cli->connection, cli->args[0], month, day, &err),
                          &err);
}

int cmd_occasion_remove(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return print_calendar(folio_occasion_remove(cli->connection, cli->args[0], &err), &err);
}

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
    rule.unless_holds = (char *)or_empty(cli_opt(cli, "--unless-holds"));
    if (cli_opt_u32(cli, "--window", 0, FOLIO_RULE_WINDOW_MAX, &rule.window_days) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_rule_add(cli->connection, &rule, &err), &err, rec_print_answer);
}

int cmd_rule_edit(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    Folio__Rule changes = FOLIO__RULE__INIT;
    static const struct {
        const char *flag, *field;
    } texts[] = {{"--on", "on"},
                 {"--suggest", "suggest"},
                 {"--avoid", "avoid"},
                 {"--product", "product"},
                 {"--unless-holds", "unless_holds"}};
    char **to[] = {&changes.on, &changes.suggest, &changes.avoid, &changes.product,
                   &changes.unless_holds};
    const char *fields[6];
    size_t n_fields = 0;
    for (size_t i = 0; i < 5; i++) {
        const char *value = cli_opt(cli, texts[i].flag);
        if (value != NULL) {
            *to[i] = (char *)value;
            fields[n_fields++] = texts[i].field;
        }
    }
    if (cli_opt(cli, "--window") != NULL) {
        if (cli_opt_u32(cli, "--window", 0, FOLIO_RULE_WINDOW_MAX, &changes.window_days) != CLI_OK)
            return CLI_USAGE;
        fields[n_fields++] = "window_days";
    }
    if (n_fields == 0)
        return cli_usage(cli, "nothing to change: give --on, --suggest, --avoid, --window, "
                              "--product or --unless-holds");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_rule_edit(cli->connection, id, &changes, fields, n_fields, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_rule_list(struct cli *cli)
{
    return cli_session_call(cli, folio_rule_list, rec_print_answer);
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
    rc = cli_answer(folio_rule_remove(cli->connection, id, &err), &err, NULL);
    if (rc == CLI_OK)
        out_note("rule %llu removed", (unsigned long long)id);
    return rc;
}

int cmd_calendar_show(struct cli *cli)
{
    if (cli->args[0] != NULL && strcmp(cli->args[0], "show") != 0)
        return cli_usage(cli, "unexpected argument \"%.40s\"", cli->args[0]);
    return cli_session_call(cli, folio_calendar_get, rec_print_answer);
}

int cmd_calendar_set(struct cli *cli)
{
    Folio__Calendar calendar = FOLIO__CALENDAR__INIT;
    uint32_t months[CLI_MONTHS_MAX];
    const char *fields[4];
    size_t n_fields = 0;
    const char *season = cli_opt(cli, "--season");
    const char *stay = cli_opt(cli, "--stay-in-touch");
    const char *zone = cli_opt(cli, "--time-zone");
    const char *notice = cli_opt(cli, "--renewal-notice-days");
    if (season != NULL) {
        if (cli_parse_months(cli, "--season", season, months, &calendar.n_season_months) != CLI_OK)
            return CLI_USAGE;
        calendar.season_months = months;
        fields[n_fields++] = "season_months";
    }
    if (stay != NULL) {
        if (cli_parse_u32(cli, "--stay-in-touch", stay, 1, FOLIO_STAY_IN_TOUCH_MAX,
                          &calendar.stay_in_touch_days) != CLI_OK)
            return CLI_USAGE;
        fields[n_fields++] = "stay_in_touch_days";
    }
    if (zone != NULL) {
        calendar.time_zone = (char *)zone;
        fields[n_fields++] = "time_zone";
    }
    if (notice != NULL) {
        if (cli_parse_u32(cli, "--renewal-notice-days", notice, 1, FOLIO_RENEWAL_NOTICE_MAX,
                          &calendar.renewal_notice_days) != CLI_OK)
            return CLI_USAGE;
        fields[n_fields++] = "renewal_notice_days";
    }
    if (n_fields == 0)
        return cli_usage(cli, "nothing to change: give --season, --stay-in-touch, --time-zone or "
                              "--renewal-notice-days");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_calendar_set(cli->connection, &calendar, fields, n_fields, &err);
    return cli_answer(r, &err, rec_print_answer);
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
    Folio__Response *r = folio_occasion_add(cli->connection, cli->args[0], month, day, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_occasion_remove(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_occasion_remove, rec_print_answer);
}

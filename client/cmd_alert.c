/* cmd_alert.c - folio alert: events in a city or region that touch the
 * clients living there. */
#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_alert_add(struct cli *cli)
{
    Folio__Alert alert = FOLIO__ALERT__INIT;
    const char *city = cli_opt(cli, "--city");
    const char *region = cli_opt(cli, "--region");
    const char *date;
    const char *until;
    if ((city == NULL) == (region == NULL))
        return cli_usage(cli, "give --city or --region (one of them)");
    if (cli_opt_day(cli, "--date", &date) != CLI_OK ||
        cli_opt_day(cli, "--until", &until) != CLI_OK)
        return CLI_USAGE;
    alert.kind = folio_text(cli_opt(cli, "--kind"));
    alert.city = folio_text(city);
    alert.region = folio_text(region);
    alert.date = folio_text(date);
    alert.until = folio_text(until);
    alert.note = folio_text(cli_opt(cli, "--note"));
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_alert_add(cli->connection, &alert, &err), &err, rec_print_answer);
}

int cmd_alert_list(struct cli *cli)
{
    const char *date;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r =
        folio_alert_list(cli->connection, date, cli_opt(cli, "--all") != NULL, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_alert_end(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_alert_end(cli->connection, id, date, &err), &err, rec_print_answer);
}

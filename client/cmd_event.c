/* cmd_event.c - folio event add: something that happened to a client. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_event_add(struct cli *cli)
{
    Folio__EventAdd event = FOLIO__EVENT_ADD__INIT;
    const char *kind = cli->args[1];
    const char *arg = cli->args[2];
    const char *currency = cli_opt(cli, "--currency");
    const char *date = cli_opt(cli, "--date");
    const char *note = cli_opt(cli, "--note");
    bool income = strcmp(kind, "income") == 0;
    event.client_id = (char *)cli->args[0];
    event.kind = (char *)kind;
    if (strcmp(kind, "note") == 0) {
        if (arg != NULL && note != NULL)
            return cli_usage(cli, "a note event takes its text once: as TEXT or with --note");
        if (arg == NULL && note == NULL)
            return cli_usage(cli, "a note event needs its TEXT");
        if (arg != NULL)
            note = arg;
    } else if (arg == NULL) {
        return cli_usage(cli, "a %.40s event needs %s", kind, income ? "its AMOUNT" : "WHAT");
    } else if (income) {
        if (cli_parse_amount(cli, "AMOUNT", arg, &event.amount_cents) != CLI_OK)
            return CLI_USAGE;
    } else {
        event.what = (char *)arg;
    }
    if (currency != NULL && !income)
        return cli_usage(cli, "--currency goes with income events only");
    const char *follow_up;
    if (date != NULL && cli_parse_day(cli, "--date", date) != CLI_OK)
        return CLI_USAGE;
    if (cli_opt_day(cli, "--follow-up", &follow_up) != CLI_OK)
        return CLI_USAGE;
    if (follow_up != NULL)
        event.follow_up = (char *)follow_up;
    if (currency != NULL)
        event.currency = (char *)currency;
    if (date != NULL)
        event.date = (char *)date;
    if (note != NULL)
        event.note = (char *)note;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_event_add(cli->connection, &event, &err), &err, rec_print_answer);
}

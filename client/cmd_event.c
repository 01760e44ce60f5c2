/* cmd_event.c - folio event add, edit and remove: something that happened
 * to a client, and its correction or withdrawal by the owner. */
#include <errno.h>
#include <stdlib.h>
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
    event.keep_follow_ups = cli_opt(cli, "--keep-follow-ups") != NULL;
    if (event.keep_follow_ups && strcmp(kind, "contact") != 0)
        return cli_usage(cli, "--keep-follow-ups goes with contact events only");
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

/* SEQ as the timeline numbers events: a positive decimal. */
static int event_seq(struct cli *cli, const char *text, uint64_t *seq)
{
    char *end;
    errno = 0;
    unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
    if (v == 0 || errno != 0 || *end != '\0')
        return cli_usage(cli, "SEQ: an event's number, as client history shows it");
    *seq = v;
    return CLI_OK;
}

int cmd_event_edit(struct cli *cli)
{
    Folio__EventEdit edit = FOLIO__EVENT_EDIT__INIT;
    edit.client_id = (char *)cli->args[0];
    if (event_seq(cli, cli->args[1], &edit.seq) != CLI_OK)
        return CLI_USAGE;
    char *fields[6];
    edit.fields = fields;
    const char *v;
    if ((v = cli_opt(cli, "--date")) != NULL) {
        if (cli_parse_day(cli, "--date", v) != CLI_OK)
            return CLI_USAGE;
        fields[edit.n_fields++] = (char *)"date", edit.date = (char *)v;
    }
    if ((v = cli_opt(cli, "--note")) != NULL)
        fields[edit.n_fields++] = (char *)"note", edit.note = (char *)v;
    if ((v = cli_opt(cli, "--amount")) != NULL) {
        if (cli_parse_amount(cli, "--amount", v, &edit.amount_cents) != CLI_OK)
            return CLI_USAGE;
        fields[edit.n_fields++] = (char *)"amount_cents";
    }
    if ((v = cli_opt(cli, "--currency")) != NULL)
        fields[edit.n_fields++] = (char *)"currency", edit.currency = (char *)v;
    if ((v = cli_opt(cli, "--what")) != NULL)
        fields[edit.n_fields++] = (char *)"what", edit.what = (char *)v;
    /* An empty --follow-up ("") takes the follow-up away. */
    if ((v = cli_opt(cli, "--follow-up")) != NULL) {
        if (v[0] != '\0' && cli_parse_day(cli, "--follow-up", v) != CLI_OK)
            return CLI_USAGE;
        fields[edit.n_fields++] = (char *)"follow_up", edit.follow_up = (char *)v;
    }
    if (edit.n_fields == 0)
        return cli_usage(cli, "say what to correct: --date, --note, --amount, --currency, "
                              "--what or --follow-up");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_event_edit(cli->connection, &edit, &err), &err, rec_print_answer);
}

int cmd_event_remove(struct cli *cli)
{
    Folio__EventRemove op = FOLIO__EVENT_REMOVE__INIT;
    op.client_id = (char *)cli->args[0];
    if (event_seq(cli, cli->args[1], &op.seq) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_event_remove(cli->connection, &op, &err), &err, rec_print_answer);
}

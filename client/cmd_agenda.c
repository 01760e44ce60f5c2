/* cmd_agenda.c - folio agenda: what to do, day by day, and marking its
 * items done, snoozed or dismissed. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

static void show_agenda(const Folio__Response *r)
{
    const Folio__Agenda *agenda = r->agenda;
    const struct out_field head[] = {
        OUT_S("date", NULL, agenda->date),
        OUT_U("days", NULL, agenda->days),
    };
    out_fields(head, sizeof(head) / sizeof(head[0]));
    out_note("agenda: %u day%s from %s", (unsigned)agenda->days, agenda->days == 1 ? "" : "s",
             agenda->date);
    rec_table("items", "nothing to do", agenda->items, agenda->n_items, rec_agenda_item);
    const struct out_field tail[] = {OUT_B("truncated", NULL, agenda->truncated)};
    out_fields(tail, 1);
    if (agenda->truncated)
        out_hint("more items than fit in one answer: ask for fewer --days");
}

int cmd_agenda(struct cli *cli)
{
    Folio__AgendaQuery query = FOLIO__AGENDA_QUERY__INIT;
    const char *date;
    const char *state = cli_opt(cli, "--state");
    if (cli_opt_day(cli, "--date", &date) != CLI_OK ||
        cli_opt_u32(cli, "--days", 1, FOLIO_AGENDA_DAYS_MAX, &query.days) != CLI_OK)
        return CLI_USAGE;
    if (state != NULL && strcmp(state, "open") != 0 && strcmp(state, "done") != 0 &&
        strcmp(state, "snoozed") != 0 && strcmp(state, "dismissed") != 0 &&
        strcmp(state, "all") != 0)
        return cli_usage(cli, "--state: open, done, snoozed, dismissed or all, not \"%.40s\"",
                         state);
    query.date = folio_text(date);
    query.state = folio_text(state);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_agenda_query(cli->connection, &query, &err), &err, show_agenda);
}

static void show_mark(const Folio__Response *r)
{
    rec_object("mark", &r->agenda_state, rec_agenda_mark);
}

/* done, snooze and dismiss: one mark each. */
static int agenda_mark(struct cli *cli, const char *state)
{
    Folio__AgendaMark mark = FOLIO__AGENDA_MARK__INIT;
    const char *date;
    const char *until = NULL;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK ||
        (strcmp(state, "snoozed") == 0 && cli_opt_day(cli, "--until", &until) != CLI_OK))
        return CLI_USAGE;
    size_t len = strlen(cli->args[0]);
    if (len < FOLIO_AGENDA_ID_MIN || len > FOLIO_AGENDA_ID_TEXT ||
        strspn(cli->args[0], "0123456789abcdef") != len)
        return cli_usage(cli, "ITEM: an agenda item's id, or its first %d to %d hex digits",
                         FOLIO_AGENDA_ID_MIN, FOLIO_AGENDA_ID_TEXT);
    mark.item_id = (char *)cli->args[0];
    mark.state = (char *)state;
    mark.until = folio_text(until);
    mark.note = folio_text(cli_opt(cli, "--note"));
    mark.date = folio_text(date);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_agenda_mark(cli->connection, &mark, &err), &err, show_mark);
}

int cmd_done(struct cli *cli)
{
    return agenda_mark(cli, "done");
}

int cmd_snooze(struct cli *cli)
{
    return agenda_mark(cli, "snoozed");
}

int cmd_dismiss(struct cli *cli)
{
    return agenda_mark(cli, "dismissed");
}

/* cmd_agenda.c - folio agenda: what to do, day by day. */
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
    const char *date;
    uint32_t days = 0;
    if (cli_opt_day(cli, "--date", &date) != CLI_OK ||
        cli_opt_u32(cli, "--days", 1, FOLIO_AGENDA_DAYS_MAX, &days) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_agenda(cli->connection, date, days, &err), &err, show_agenda);
}

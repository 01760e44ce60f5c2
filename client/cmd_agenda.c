/* cmd_agenda.c - folio agenda: what to do, day by day. */
#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_agenda(struct cli *cli)
{
    const char *date;
    uint32_t days = 0;
    const char *days_arg = cli_opt(cli, "--days");
    if (cli_opt_day(cli, "--date", &date) != CLI_OK)
        return CLI_USAGE;
    if (days_arg != NULL && cli_parse_u32(cli, "--days", days_arg, 1, &days) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_agenda(cli->connection, date, days, &err);
    if (r == NULL)
        return cli_fail(&err);
    const Folio__Agenda *agenda = r->agenda;
    const struct out_field head[] = {
        OUT_S("date", NULL, agenda->date),
        OUT_U("days", NULL, agenda->days),
    };
    out_fields(head, sizeof(head) / sizeof(head[0]));
    out_note("agenda: %u day%s from %s", (unsigned)agenda->days, agenda->days == 1 ? "" : "s",
             agenda->date);
    struct out_table *t = out_table_begin("items", "nothing to do");
    for (size_t i = 0; i < agenda->n_items; i++) {
        struct out_field f[REC_FIELDS_MAX];
        out_table_row(t, f, rec_agenda_item(agenda->items[i], f));
    }
    out_table_end(t);
    const struct out_field tail[] = {OUT_B("truncated", NULL, agenda->truncated)};
    out_fields(tail, 1);
    if (agenda->truncated)
        out_hint("more items than fit in one answer: ask for fewer --days");
    folio_response_free(r);
    return CLI_OK;
}

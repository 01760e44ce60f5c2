/* cmd_agenda.c - folio agenda: what to do, day by day, and marking its
 * items done, snoozed or dismissed. */
#include <stdio.h>
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
    rec_page_next("--after", agenda->next);
}

/* --kind: a comma list, split in place into kinds (at most max). */
static int agenda_kinds(struct cli *cli, char *list, char **kinds, size_t max, size_t *n)
{
    static const char *const known[] = {"birthday",    "follow-up",     "task",     "offer",
                                        "coupon",      "renewal",       "win-back", "alert",
                                        "opportunity", "stay-in-touch", "holiday",  "season"};
    *n = 0;
    for (char *save = NULL, *k = strtok_r(list, ",", &save); k != NULL;
         k = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof(known) / sizeof(known[0]) && strcmp(k, known[i]) != 0)
            i++;
        if (i == sizeof(known) / sizeof(known[0]) || *n == max)
            return cli_usage(cli,
                             "--kind: a comma list of birthday, follow-up, task, offer, coupon, "
                             "renewal, win-back, alert, opportunity, stay-in-touch, holiday or "
                             "season, not \"%.40s\"",
                             k);
        kinds[(*n)++] = k;
    }
    if (*n == 0)
        return cli_usage(cli, "--kind: name at least one kind");
    return CLI_OK;
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
    char kind_list[256], *kinds[16];
    const char *kind = cli_opt(cli, "--kind");
    if (kind != NULL) {
        snprintf(kind_list, sizeof(kind_list), "%s", kind);
        if (agenda_kinds(cli, kind_list, kinds, sizeof(kinds) / sizeof(kinds[0]), &query.n_kinds) !=
            CLI_OK)
            return CLI_USAGE;
        query.kinds = kinds;
    }
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &query.limit) != CLI_OK ||
        cli_opt_u64(cli, "--alert", 1, &query.alert) != CLI_OK)
        return CLI_USAGE;
    query.after = folio_text(cli_opt(cli, "--after"));
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

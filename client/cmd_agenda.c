/* cmd_agenda.c - folio agenda: what to do, day by day, and marking its
 * items done, snoozed or dismissed. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agenda_ics.h"
#include "cli.h"
#include "output.h"
#include "records.h"
#include "safe_file.h"

/* Items one iCalendar export holds at most: a year of a large portfolio's
 * agenda, while keeping the pages in memory bounded. */
#define AGENDA_ICS_ITEMS_MAX 100000

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

/* The pages of an export, held until the file is written. */
struct agenda_pages {
    Folio__Response **pages;
    size_t n_pages;
    Folio__AgendaItem **items;
    size_t n_items;
};

static void agenda_pages_free(struct agenda_pages *p)
{
    for (size_t i = 0; i < p->n_pages; i++)
        folio_response_free(p->pages[i]);
    free(p->pages);
    free(p->items);
}

static int agenda_pages_add(struct agenda_pages *p, Folio__Response *r)
{
    const Folio__Agenda *agenda = r->agenda;
    if (p->n_items + agenda->n_items > AGENDA_ICS_ITEMS_MAX) {
        folio_response_free(r);
        return cli_local("the agenda holds more than %d items: export fewer --days or --kind",
                         AGENDA_ICS_ITEMS_MAX);
    }
    Folio__Response **pages = realloc(p->pages, (p->n_pages + 1) * sizeof(*pages));
    if (pages != NULL)
        p->pages = pages;
    Folio__AgendaItem **items =
        pages == NULL ? NULL
                      : realloc(p->items, (p->n_items + agenda->n_items + 1) * sizeof(*items));
    if (items == NULL) {
        folio_response_free(r);
        return cli_local("out of memory");
    }
    p->items = items;
    p->pages[p->n_pages++] = r;
    for (size_t i = 0; i < agenda->n_items; i++)
        p->items[p->n_items++] = agenda->items[i];
    return CLI_OK;
}

/* Writes text to path whole, or leaves what was there. */
static int agenda_ics_write(const char *path, const char *text)
{
    char why[PATH_MAX + 256];
    if (safe_file_replace(path, text, strlen(text), why, sizeof(why)) < 0)
        return cli_local("%s", why);
    return CLI_OK;
}

/* --format ics: every page of the query, then one file. */
static int agenda_export_ics(struct cli *cli, Folio__AgendaQuery *query, const char *path)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct agenda_pages pages = {0};
    query->limit = FOLIO_PAGE_MAX;
    do {
        struct folio_error err;
        Folio__Response *r = folio_agenda_query(cli->connection, query, &err);
        if (r == NULL) {
            agenda_pages_free(&pages);
            return cli_fail(&err);
        }
        if ((rc = agenda_pages_add(&pages, r)) != CLI_OK) {
            agenda_pages_free(&pages);
            return rc;
        }
        query->after = r->agenda->next;
    } while (query->after[0] != '\0');
    const Folio__AgendaItem *bad;
    char *text = agenda_ics_render(pages.items, pages.n_items, (int64_t)time(NULL), &bad);
    if (text == NULL)
        rc = bad != NULL ? cli_local("agenda item %.40s: no id or no real date", bad->id)
                         : cli_local("out of memory");
    else
        rc = agenda_ics_write(path, text);
    free(text);
    if (rc == CLI_OK) {
        const Folio__Agenda *first = pages.pages[0]->agenda;
        const struct out_field done[] = {
            OUT_S("file", "file", path),
            OUT_S("date", "from", first->date),
            OUT_U("days", "days", first->days),
            OUT_U("events", "events", pages.n_items),
        };
        out_fields(done, sizeof(done) / sizeof(done[0]));
        out_note("wrote %zu event%s to %s", pages.n_items, pages.n_items == 1 ? "" : "s", path);
    }
    agenda_pages_free(&pages);
    return rc;
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
    if (cli_opt_cover(cli, &query.as_agent, &query.reason) != CLI_OK)
        return CLI_USAGE;
    query.after = folio_text(cli_opt(cli, "--after"));
    query.date = folio_text(date);
    query.state = folio_text(state);
    const char *format = cli_opt(cli, "--format");
    const char *out = cli_opt(cli, "--out");
    if (format != NULL && strcmp(format, "ics") != 0)
        return cli_usage(cli, "--format: ics, not \"%.40s\"", format);
    if (format == NULL && (out != NULL || cli_opt(cli, "--force") != NULL))
        return cli_usage(cli, "--out and --force go with --format ics");
    if (format != NULL) {
        if (out == NULL || out[0] == '\0')
            return cli_usage(cli, "--format ics needs --out FILE");
        if (strcmp(out, "-") == 0)
            return cli_usage(cli, "--out: a file to write the calendar to, not -");
        if (cli_opt(cli, "--after") != NULL || cli_opt(cli, "--limit") != NULL)
            return cli_usage(cli, "--format ics takes every page: no --after or --limit");
        if (cli_out_may_write(cli, out) != CLI_OK)
            return CLI_USAGE;
        return agenda_export_ics(cli, &query, out);
    }
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

/* cmd_reassign.c - folio admin reassign, admin reassign undo, watch. */
#include <stdio.h>
#include <time.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_reassign.h"
#include "output.h"
#include "records.h"

/* A watch may be told to end after a week at the most. */
#define WATCH_TIMEOUT_MAX (7 * 24 * 3600)

int cmd_reassign(struct cli *cli)
{
    const char *ids[CLI_MAX_REPEATS];
    size_t n = cli_opt_all(cli, "--client", ids, CLI_MAX_REPEATS);
    if (n > CLI_MAX_REPEATS)
        return cli_usage(cli, "--client: at most %d at once", CLI_MAX_REPEATS);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r =
        folio_reassign(cli->connection, cli_opt(cli, "--from"), cli_opt(cli, "--to"), ids, n,
                       cli_opt(cli, "--dry-run") != NULL, &err);
    return cli_answer(r, &err, rec_print_answer);
}

static size_t reassign_kept_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__ReassignedClient *c = ((const Folio__ReassignedClient *const *)list)[i];
    const struct out_field fields[] = {
        {.key = "id", .label = "id", .type = OUT_STR, .s = c->id, .table_chars = 8},
        OUT_S("name", "name", c->name),
        OUT_S("changed", "left, because", c->changed),
    };
    for (size_t k = 0; k < ARRAY_SIZE(fields); k++)
        f[k] = fields[k];
    return ARRAY_SIZE(fields);
}

/* The undo, and with --client the clients left where they are. */
static void reassign_undo_print(const Folio__Response *r)
{
    rec_print_answer(r);
    rec_table("kept", "every client named moved back", r->reassign->kept, r->reassign->n_kept,
              reassign_kept_item);
}

int cmd_reassign_undo(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    const char *ids[CLI_MAX_REPEATS];
    size_t n = cli_opt_all(cli, "--client", ids, CLI_MAX_REPEATS);
    if (n > CLI_MAX_REPEATS)
        return cli_usage(cli, "--client: at most %d at once", CLI_MAX_REPEATS);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    if (n == 0)
        return cli_answer(folio_reassign_undo(cli->connection, id, &err), &err, rec_print_answer);
    return cli_answer(folio_reassign_undo_clients(cli->connection, id, ids, n, &err), &err,
                      reassign_undo_print);
}

int cmd_reassign_list(struct cli *cli)
{
    uint32_t limit;
    uint64_t before;
    if (cli_opt_page_before(cli, &limit, &before) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_reassign_list(cli->connection, limit, before, &err), &err,
                      rec_print_answer);
}

int cmd_reassign_show(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_reassign_show(cli->connection, id, &err), &err, rec_print_answer);
}

static int64_t watch_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Notices print as they come, in JSON one document a line (NDJSON).
 * Running out of --timeout is the normal end, not an error. */
int cmd_watch(struct cli *cli)
{
    uint32_t count = 0;
    uint32_t timeout_s = 0;
    if (cli_opt_u32(cli, "--count", 1, UINT32_MAX, &count) != CLI_OK ||
        cli_opt_u32(cli, "--timeout", 1, WATCH_TIMEOUT_MAX, &timeout_s) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    rc = cli_answer(folio_watch(cli->connection, &err), &err, NULL);
    if (rc != CLI_OK)
        return rc;
    out_stream_begin();
    out_hint("watching; notices follow as they come");
    fflush(stdout);

    int64_t deadline = timeout_s > 0 ? watch_now_ms() + (int64_t)timeout_s * 1000 : 0;
    for (uint32_t seen = 0; count == 0 || seen < count; seen++) {
        int64_t left = deadline > 0 ? deadline - watch_now_ms() : 0;
        if (deadline > 0 && left <= 0)
            break;
        folio_connection_set_timeout(cli->connection, (int)left);
        Folio__Response *r = folio_notice_next(cli->connection, &err);
        if (r == NULL) {
            if (deadline == 0 || watch_now_ms() < deadline)
                rc = cli_fail(&err);
            break;
        }
        struct out_field f[REC_FIELDS_MAX];
        if (out_json())
            out_stream(f, rec_notice(&r->notice, 0, f));
        else
            out_note("%s: %s", r->notice->kind, r->notice->message);
        fflush(stdout);
        folio_response_free(r);
    }
    return rc;
}

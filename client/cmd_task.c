/* cmd_task.c - folio task: an agent's own tasks, on the agenda on their day. */
#include <string.h>

#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_task_add(struct cli *cli)
{
    Folio__Task task = FOLIO__TASK__INIT;
    const char *due;
    if (cli_opt_day(cli, "--due", &due) != CLI_OK)
        return CLI_USAGE;
    task.client_id = folio_text(cli->args[0]);
    task.due = folio_text(due);
    task.title = folio_text(cli_opt(cli, "--title"));
    task.note = folio_text(cli_opt(cli, "--note"));
    Folio__TaskAdd op = FOLIO__TASK_ADD__INIT;
    op.task = &task;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_task_add(cli->connection, &op, &err), &err, rec_print_answer);
}

int cmd_task_list(struct cli *cli)
{
    Folio__TaskList op = FOLIO__TASK_LIST__INIT;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &op.limit) != CLI_OK)
        return CLI_USAGE;
    op.client_id = folio_text(cli_opt(cli, "--client"));
    op.after = folio_text(cli_opt(cli, "--after"));
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_task_list(cli->connection, &op, &err), &err, rec_print_answer);
}

int cmd_task_edit(struct cli *cli)
{
    Folio__TaskEdit op = FOLIO__TASK_EDIT__INIT;
    char *fields[3];
    const char *due;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &op.id) != CLI_OK ||
        cli_opt_day(cli, "--due", &due) != CLI_OK)
        return CLI_USAGE;
    const char *title = cli_opt(cli, "--title");
    const char *note = cli_opt(cli, "--note");
    op.fields = fields;
    if (due != NULL)
        fields[op.n_fields++] = (char *)"due", op.due = (char *)due;
    if (title != NULL)
        fields[op.n_fields++] = (char *)"title", op.title = (char *)title;
    if (note != NULL)
        fields[op.n_fields++] = (char *)"note", op.note = (char *)note;
    if (op.n_fields == 0)
        return cli_usage(cli, "nothing to change: give --due, --title or --note");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_task_edit(cli->connection, &op, &err), &err, rec_print_answer);
}

int cmd_task_remove(struct cli *cli)
{
    Folio__TaskRemove op = FOLIO__TASK_REMOVE__INIT;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &op.id) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_task_remove(cli->connection, &op, &err), &err, rec_print_answer);
}

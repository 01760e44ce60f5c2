/* op_task.c - an agent's own tasks: folio task add, list, edit, remove.
 *
 * A task belongs to the agent who added it, and one about a client goes
 * wherever the client goes (store_portfolio_move, bundles); anyone else's
 * task answers as one that does not exist. Tasks are on the agenda on their
 * due day (op_agenda.c), and listed here in that order, from the agenda
 * index (store_task.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "client_id.h"
#include "op.h"
#include "server.h"
#include "store_agenda.h"
#include "store_client.h"
#include "store_task.h"
#include "task.h"

/* "YYYYMMDD-ID": a page's last task, where the next page starts after. */
#define OP_TASK_CURSOR_MAX 32

/* The name of the task's client, for a reply ("" when it has none). */
static int op_task_reply(struct request *req, MDB_txn *txn, Folio__Task *task)
{
    uint8_t id[16];
    task->client_name = (char *)"";
    if (task->client_id[0] == '\0' || client_id_parse(task->client_id, id) != 0)
        return 0;
    Folio__Client *client;
    int rc = store_client_get(&req->server->store, txn, id, &req->arena, &client);
    if (rc == 0)
        task->client_name = client->name;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The actor's task under id, in the arena; NOT_FOUND for anyone else's. */
static int op_task_mine(struct request *req, MDB_txn *txn, uint64_t id, Folio__Task **out)
{
    int rc = store_task_get(&req->server->store, txn, id, &req->arena, out);
    if (rc == MDB_NOTFOUND || (rc == 0 && (*out)->owner_id != req->actor.user_id))
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no task %" PRIu64, id);
    return rc != 0 ? request_store_error(req, rc, "read the task") : 0;
}

/* Stores a checked task with its audit record, and replies with it. */
static int op_task_store(struct request *req, MDB_txn *txn, Folio__Task *task, const char *action)
{
    const char *why = task_validate(task);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    struct store *store = &req->server->store;
    int rc = store_task_put(store, txn, task);
    char *target = arena_printf(&req->arena, "%" PRIu64, task->id);
    char *detail = arena_printf(&req->arena, "due %s", task->due);
    if (rc != 0)
        return request_store_error(req, rc, "record the task");
    if (target == NULL || detail == NULL)
        return request_oom(req);
    rc = task->client_id[0] != '\0'
             ? audit_append_client(req, txn, task->client_id, action, target, detail, detail)
             : audit_append(req, txn, action, target, detail);
    if (rc == 0)
        rc = op_task_reply(req, txn, task);
    if (rc != 0)
        return request_store_error(req, rc, "record the task");
    req->response.result_case = FOLIO__RESPONSE__RESULT_TASK;
    req->response.task = task;
    return 0;
}

int op_task_add_write(struct request *req, MDB_txn *txn)
{
    Folio__Task *task = request_record(req, &folio__task__descriptor, req->msg->task_add->task);
    if (task == NULL)
        return request_oom(req);
    task->id = 0;
    task->owner_id = req->actor.user_id;
    task->created_at = task->updated_at = req->now;
    if (task->client_id[0] != '\0') {
        uint8_t id[16];
        Folio__Client *client;
        int rc = request_client(req, txn, "client_id", task->client_id, false, id, &client);
        if (rc != 0)
            return rc;
        task->client_id = client->id;
    }
    return op_task_store(req, txn, task, "task.add");
}

int op_task_edit_write(struct request *req, MDB_txn *txn)
{
    const Folio__TaskEdit *ask = req->msg->task_edit;
    Folio__Task *task;
    int rc = op_task_mine(req, txn, ask->id, &task);
    if (rc != 0)
        return rc;
    if (ask->n_fields == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "fields: due, title or note");
    for (size_t i = 0; i < ask->n_fields; i++) {
        const char *f = ask->fields[i];
        if (strcmp(f, "due") == 0)
            task->due = ask->due;
        else if (strcmp(f, "title") == 0)
            task->title = ask->title;
        else if (strcmp(f, "note") == 0)
            task->note = ask->note;
        else
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "fields: due, title or note");
    }
    task->updated_at = req->now;
    return op_task_store(req, txn, task, "task.edit");
}

int op_task_remove_write(struct request *req, MDB_txn *txn)
{
    Folio__Task *task;
    int rc = op_task_mine(req, txn, req->msg->task_remove->id, &task);
    if (rc != 0)
        return rc;
    char *target = arena_printf(&req->arena, "%" PRIu64, task->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = store_task_delete(&req->server->store, txn, task->id)) != 0 ||
        (rc = task->client_id[0] != '\0'
                  ? audit_append_client(req, txn, task->client_id, "task.remove", target, "", "")
                  : audit_append(req, txn, "task.remove", target, "")) != 0)
        return request_store_error(req, rc, "remove the task");
    return request_reply_empty(req);
}

/* ---------------------------------------------------------------- the list */

struct op_task_page {
    struct request *req;
    MDB_txn *txn;
    const char *client_id; /* only this client's; NULL: every task */
    uint32_t after_date;
    uint64_t after_id;
    Folio__Task **tasks;
    size_t n, limit;
    bool more;
};

static int op_task_page_visit(void *ctx, const struct store_agenda_key *key, const void *value,
                              size_t value_len)
{
    (void)value;
    (void)value_len;
    struct op_task_page *page = ctx;
    if (key->date < page->after_date ||
        (key->date == page->after_date && key->seq <= page->after_id))
        return 0;
    Folio__Task *task;
    int rc =
        store_task_get(&page->req->server->store, page->txn, key->seq, &page->req->arena, &task);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (page->client_id != NULL && strcmp(task->client_id, page->client_id) != 0)
        return 0;
    if (page->n == page->limit) {
        page->more = true;
        return STORE_AGENDA_STOP;
    }
    if ((rc = op_task_reply(page->req, page->txn, task)) != 0)
        return rc;
    page->tasks[page->n++] = task;
    return 0;
}

static int op_task_cursor_parse(const char *text, uint32_t *date, uint64_t *id)
{
    char date_text[9];
    char *end;
    if (strlen(text) > OP_TASK_CURSOR_MAX || strlen(text) < 10 || text[8] != '-' ||
        strspn(text, "0123456789") != 8)
        return -1;
    memcpy(date_text, text, 8);
    date_text[8] = '\0';
    *date = (uint32_t)strtoul(date_text, NULL, 10);
    *id = strtoull(text + 9, &end, 10);
    return *end == '\0' && text[9] >= '0' && text[9] <= '9' ? 0 : -1;
}

int op_task_list_read(struct request *req, MDB_txn *txn)
{
    const Folio__TaskList *ask = req->msg->task_list;
    struct op_task_page page = {.req = req, .txn = txn, .limit = request_page_size(ask->limit)};
    if (ask->after[0] != '\0' && op_task_cursor_parse(ask->after, &page.after_date, &page.after_id))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "after: the next cursor of a page before");
    char client[CLIENT_ID_TEXT + 1];
    if (ask->client_id[0] != '\0') {
        uint8_t id[16];
        Folio__Client *found;
        int rc = request_client(req, txn, "client_id", ask->client_id, false, id, &found);
        if (rc != 0)
            return rc;
        client_id_format(id, client);
        page.client_id = client;
    }
    Folio__Tasks *tasks = request_alloc(req, sizeof(*tasks));
    page.tasks = arena_calloc(&req->arena, page.limit + 1, sizeof(*page.tasks));
    if (tasks == NULL || page.tasks == NULL)
        return request_oom(req);
    int rc = store_agenda_each(&req->server->store, txn, req->actor.user_id, STORE_AGENDA_TASK,
                               page.after_date, calendar_key(calendar_day(9999, 12, 31)),
                               op_task_page_visit, &page);
    if (rc != 0)
        return request_store_error(req, rc, "read the tasks");
    folio__tasks__init(tasks);
    tasks->tasks = page.tasks;
    tasks->n_tasks = page.n;
    tasks->next = (char *)"";
    if (page.more) {
        const Folio__Task *last = page.tasks[page.n - 1];
        tasks->next = arena_printf(&req->arena, "%08" PRIu32 "-%" PRIu64,
                                   calendar_text_key(last->due), last->id);
        if (tasks->next == NULL)
            return request_oom(req);
    }
    req->response.result_case = FOLIO__RESPONSE__RESULT_TASKS;
    req->response.tasks = tasks;
    return 0;
}

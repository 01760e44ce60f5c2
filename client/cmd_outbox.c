/* cmd_outbox.c - folio outbox, campaign send and what a send answers: the
 * e-mail queued to one's clients and how its delivery went. */
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_mail.h"
#include "output.h"
#include "records.h"

static size_t rec_outbox(const void *list, size_t i, struct out_field *f)
{
    const Folio__OutboxMessage *m = ((const Folio__OutboxMessage *const *)list)[i];
    const char *what = strcmp(m->kind, "coupon") == 0 ? m->coupon_code : NULL;
    char offer[32] = "";
    if (what == NULL) {
        snprintf(offer, sizeof(offer), "offer %llu", (unsigned long long)m->offer_id);
        what = offer;
    }
    const struct out_field fields[] = {
        OUT_U("id", "id", m->id),
        OUT_S("client_name", "client", m->client_name),
        {.key = "client_id",
         .label = "client id",
         .card_only = true,
         .type = OUT_STR,
         .s = m->client_id},
        OUT_S("kind", "kind", m->kind),
        OUT_S("what", "what", what),
        OUT_S("state", "state", m->state),
        OUT_U("attempts", "attempts", m->attempts),
        {.key = "recipient", .label = "to", .type = OUT_NSTR, .s = m->recipient},
        {.key = "reply", .label = "reply", .type = OUT_NSTR, .s = m->reply},
        {.key = "campaign_id",
         .label = "campaign",
         .card_only = true,
         .zero_null = true,
         .type = OUT_UINT,
         .u = m->campaign_id},
        {.key = "message_id",
         .label = "message id",
         .card_only = true,
         .type = OUT_STR,
         .s = m->message_id},
        OUT_T("updated_at", "updated", m->updated_at),
    };
    size_t n = ARRAY_SIZE(fields);
    memcpy(f, fields, n * sizeof(*f));
    return n;
}

void rec_print_sent(const Folio__Response *r)
{
    if (r->result_case != FOLIO__RESPONSE__RESULT_SEND_RESULT) {
        rec_print_answer(r);
        return;
    }
    const Folio__SendResult *s = r->send_result;
    rec_table("queued", "nothing queued", s->messages, s->n_messages, rec_outbox);
    const struct out_field skipped[] = {OUT_U("skipped", "skipped", s->skipped)};
    if (out_json() || s->skipped > 0)
        out_fields(skipped, 1);
    if (s->skipped > 0)
        out_note("skipped: offers not proposed, or whose client has no e-mail consent or "
                 "address");
}

static void rec_print_outbox(const Folio__Response *r)
{
    if (r->result_case != FOLIO__RESPONSE__RESULT_OUTBOX) {
        rec_print_answer(r);
        return;
    }
    rec_table("messages", "no messages", r->outbox->messages, r->outbox->n_messages, rec_outbox);
    rec_page_next_number("--after", r->outbox->next);
}

int cmd_outbox_list(struct cli *cli)
{
    uint32_t limit = 0;
    uint64_t after = 0;
    const char *state = cli_opt(cli, "--state");
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK ||
        cli_opt_u64(cli, "--after", 1, &after) != CLI_OK)
        return CLI_USAGE;
    if (state != NULL && strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
        strcmp(state, "failed") != 0 && strcmp(state, "cancelled") != 0)
        return cli_usage(cli, "--state is queued, sent, failed or cancelled, not \"%.40s\"", state);
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_outbox_list(cli->connection, state, after, limit, &err), &err,
                      rec_print_outbox);
}

int cmd_campaign_send(struct cli *cli)
{
    uint64_t id;
    const char *date;
    int rc = cli_id_day_session(cli, "ID", &id, &date);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_campaign_send(cli->connection, id, date, &err), &err, rec_print_sent);
}

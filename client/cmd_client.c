/* cmd_client.c - folio client: the records of an agent's portfolio. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "folioclient_names.h"
#include "output.h"
#include "records.h"

#define FORM_FIELDS_MAX 24

/* A client record made from the command line, and the names of the Client
 * fields that were given, which is what ClientUpdate changes. */
struct client_form {
    Folio__Client client;
    Folio__Consent consent;
    const char *phones[CLI_MAX_REPEATS];
    const char *emails[CLI_MAX_REPEATS];
    const char *tags[CLI_MAX_REPEATS];
    const char *fields[FORM_FIELDS_MAX];
    size_t n_fields;
};

/* Flags whose value is a string field as it is. */
static const struct {
    const char *flag;
    const char *field;
    size_t offset;
} text_flags[] = {
    {"--name", "name", offsetof(Folio__Client, name)},
    {"--birth-date", "birth_date", offsetof(Folio__Client, birth_date)},
    {"--preferred-channel", "preferred_channel", offsetof(Folio__Client, preferred_channel)},
    {"--street", "street", offsetof(Folio__Client, street)},
    {"--city", "city", offsetof(Folio__Client, city)},
    {"--region", "region", offsetof(Folio__Client, region)},
    {"--country", "country", offsetof(Folio__Client, country)},
    {"--currency", "currency", offsetof(Folio__Client, currency)},
    {"--employment", "employment", offsetof(Folio__Client, employment)},
    {"--note", "notes", offsetof(Folio__Client, notes)},
    {"--language", "language", offsetof(Folio__Client, language)},
};

static void form_field(struct client_form *form, const char *field)
{
    if (form->n_fields < FORM_FIELDS_MAX)
        form->fields[form->n_fields++] = field;
}

/* A repeatable flag into a list field. A single empty value ("") is an
 * empty list, so update can clear one. */
static int form_list(struct cli *cli, struct client_form *form, const char *flag, const char *field,
                     const char **store, char ***list, size_t *n)
{
    size_t count = cli_opt_all(cli, flag, store, CLI_MAX_REPEATS);
    if (count == 0)
        return CLI_OK;
    if (count == 1 && store[0][0] == '\0')
        count = 0;
    for (size_t i = 0; i < count; i++)
        if (store[i][0] == '\0')
            return cli_usage(cli, "an empty %s clears the list and goes alone", flag);
    /* protobuf-c only reads the strings when packing. */
    *list = (char **)store;
    *n = count;
    form_field(form, field);
    return CLI_OK;
}

/* "email,sms" into consent; "" is no consent at all. */
static int parse_consent(struct cli *cli, const char *flag, const char *value,
                         Folio__Consent *consent)
{
    const char *p = value;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        if (len == 5 && strncmp(p, "email", 5) == 0)
            consent->email = true;
        else if (len == 5 && strncmp(p, "phone", 5) == 0)
            consent->phone = true;
        else if (len == 3 && strncmp(p, "sms", 3) == 0)
            consent->sms = true;
        else if (len == 4 && strncmp(p, "post", 4) == 0)
            consent->post = true;
        else
            return cli_usage(cli,
                             "%s wants a comma list of email, phone, sms and post, "
                             "not \"%.40s\"",
                             flag, value);
        p += len;
        if (*p == ',' && *++p == '\0')
            return cli_usage(cli, "%s ends with a comma: \"%.40s\"", flag, value);
    }
    return CLI_OK;
}

/* update: the whole lists are --set-phones, --set-emails and --set-tags
 * (client add's --phone, --email and --tag would read as adding one). */
static int form_fill(struct cli *cli, struct client_form *form, bool update)
{
    memset(form, 0, sizeof(*form));
    folio__client__init(&form->client);
    folio__consent__init(&form->consent);
    for (size_t i = 0; i < sizeof(text_flags) / sizeof(text_flags[0]); i++) {
        const char *value = cli_opt(cli, text_flags[i].flag);
        if (value == NULL)
            continue;
        if (strcmp(text_flags[i].flag, "--birth-date") == 0 && value[0] != '\0' &&
            cli_parse_day(cli, "--birth-date", value) != CLI_OK)
            return CLI_USAGE;
        *(char **)((char *)&form->client + text_flags[i].offset) = (char *)value;
        form_field(form, text_flags[i].field);
    }
    Folio__Client *c = &form->client;
    int rc = form_list(cli, form, update ? "--set-phones" : "--phone", "phones", form->phones,
                       &c->phones, &c->n_phones);
    if (rc == CLI_OK)
        rc = form_list(cli, form, update ? "--set-emails" : "--email", "emails", form->emails,
                       &c->emails, &c->n_emails);
    if (rc == CLI_OK)
        rc = form_list(cli, form, update ? "--set-tags" : "--tag", "tags", form->tags, &c->tags,
                       &c->n_tags);
    if (rc != CLI_OK)
        return rc;
    const char *marital = cli_opt(cli, "--marital");
    if (marital != NULL) {
        if (folio_marital_from_name(marital, &c->marital_status) < 0)
            return cli_usage(cli,
                             "--marital wants single, married, partnered, divorced or widowed, "
                             "not \"%.40s\"",
                             marital);
        form_field(form, "marital_status");
    }
    const char *children = cli_opt(cli, "--children");
    if (children != NULL) {
        if (cli_parse_u32(cli, "--children", children, 0, FOLIO_CHILDREN_MAX, &c->children) !=
            CLI_OK)
            return CLI_USAGE;
        form_field(form, "children");
    }
    const char *income = cli_opt(cli, "--income");
    if (income != NULL) {
        if (cli_parse_amount(cli, "--income", income, &c->income_cents) != CLI_OK)
            return CLI_USAGE;
        form_field(form, "income_cents");
    }
    const char *every = cli_opt(cli, "--contact-every");
    if (every != NULL) {
        if (cli_parse_u32(cli, "--contact-every", every, 0, FOLIO_CONTACT_EVERY_MAX,
                          &c->contact_interval_days) != CLI_OK)
            return CLI_USAGE;
        form_field(form, "contact_interval_days");
    }
    const char *consent = cli_opt(cli, "--consent");
    if (consent != NULL) {
        if (parse_consent(cli, "--consent", consent, &form->consent) != CLI_OK)
            return CLI_USAGE;
        c->consent = &form->consent;
        form_field(form, "consent");
    }
    return CLI_OK;
}

int cmd_client_add(struct cli *cli)
{
    struct client_form form;
    int rc = form_fill(cli, &form, false);
    if (rc != CLI_OK)
        return rc;
    rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_add(cli->connection, &form.client,
                                          cli_opt(cli, "--allow-duplicate") != NULL, &err);
    if (r == NULL && !err.transport && err.code == FOLIO__CODE__ALREADY_EXISTS) {
        size_t len = strlen(err.message);
        snprintf(err.message + len, sizeof(err.message) - len,
                 "; --allow-duplicate adds it anyway");
    }
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_client_show(struct cli *cli)
{
    Folio__ClientGet op = FOLIO__CLIENT_GET__INIT;
    if (cli_opt_cover(cli, &op.as_agent, &op.reason) != CLI_OK)
        return CLI_USAGE;
    op.id = (char *)cli->args[0];
    op.firm_admin_read = cli_opt(cli, "--firm-admin-read") != NULL;
    if (op.firm_admin_read && op.as_agent[0] != '\0')
        return cli_usage(cli, "--firm-admin-read or --as-agent, not both");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_get_op(cli->connection, &op, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_client_list(struct cli *cli)
{
    static const char *const sorts[] = {"name", "last-contact", "created", "updated"};
    uint32_t limit = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK)
        return CLI_USAGE;
    const char *sort = cli_opt(cli, "--sort");
    bool known = sort == NULL;
    for (size_t i = 0; !known && i < sizeof(sorts) / sizeof(sorts[0]); i++)
        known = strcmp(sort, sorts[i]) == 0;
    if (!known)
        return cli_usage(cli, "--sort wants name, last-contact, created or updated");
    Folio__ClientList op = FOLIO__CLIENT_LIST__INIT;
    if (cli_opt_cover(cli, &op.as_agent, &op.reason) != CLI_OK)
        return CLI_USAGE;
    op.limit = limit;
    op.after = folio_text(cli_opt(cli, "--after"));
    op.sort = folio_text(sort);
    op.reverse = cli_opt(cli, "--reverse") != NULL;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_list_op(cli->connection, &op, &err);
    return cli_answer(r, &err, rec_print_answer);
}

/* client find, and admin subject find (firm: a firm-wide search). */
static int client_find(struct cli *cli, bool firm)
{
    uint32_t limit = 0;
    if (cli_opt_u32(cli, "--limit", 1, FOLIO_PAGE_MAX, &limit) != CLI_OK)
        return CLI_USAGE;
    const char *text = cli->args[0];
    size_t len = strlen(text);
    if (len == 0 || len > FOLIO_FIND_TEXT_MAX)
        return cli_usage(cli, "TEXT: give 1 to %d bytes to search for", FOLIO_FIND_TEXT_MAX);
    firm |= cli_opt(cli, "--firm") != NULL;
    bool firm_admin_read = cli_opt(cli, "--firm-admin-read") != NULL;
    if (firm_admin_read && !firm)
        return cli_usage(cli, "--firm-admin-read goes with --firm");
    Folio__ClientFind op = FOLIO__CLIENT_FIND__INIT;
    if (cli_opt_cover(cli, &op.as_agent, &op.reason) != CLI_OK)
        return CLI_USAGE;
    if (firm && op.as_agent[0] != '\0')
        return cli_usage(cli, "--firm or --as-agent, not both");
    op.text = (char *)text;
    op.limit = limit;
    op.after = folio_text(cli_opt(cli, "--after"));
    op.firm = firm;
    op.firm_admin_read = firm_admin_read;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_find_op(cli->connection, &op, &err);
    return cli_answer(r, &err, rec_print_found);
}

int cmd_client_find(struct cli *cli)
{
    return client_find(cli, false);
}

int cmd_subject_find(struct cli *cli)
{
    return client_find(cli, true);
}

/* The element edits of client update: each flag's values, empty ones
 * refused (an empty element means nothing to add or remove). */
struct element_flags {
    const char *values[6][CLI_MAX_REPEATS];
    size_t n[6];
};

static const char *const element_flag_names[6] = {
    "--add-tag", "--remove-tag", "--add-phone", "--remove-phone", "--add-email", "--remove-email",
};

static int element_fill(struct cli *cli, struct element_flags *e, Folio__ClientUpdate *op)
{
    for (size_t k = 0; k < 6; k++) {
        e->n[k] = cli_opt_all(cli, element_flag_names[k], e->values[k], CLI_MAX_REPEATS);
        for (size_t i = 0; i < e->n[k]; i++)
            if (e->values[k][i][0] == '\0')
                return cli_usage(cli, "%s wants a value, not \"\"", element_flag_names[k]);
    }
    /* protobuf-c only reads the strings when packing. */
    op->add_tags = (char **)e->values[0];
    op->n_add_tags = e->n[0];
    op->remove_tags = (char **)e->values[1];
    op->n_remove_tags = e->n[1];
    op->add_phones = (char **)e->values[2];
    op->n_add_phones = e->n[2];
    op->remove_phones = (char **)e->values[3];
    op->n_remove_phones = e->n[3];
    op->add_emails = (char **)e->values[4];
    op->n_add_emails = e->n[4];
    op->remove_emails = (char **)e->values[5];
    op->n_remove_emails = e->n[5];
    return CLI_OK;
}

int cmd_client_update(struct cli *cli)
{
    struct client_form form;
    struct element_flags elements;
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    int rc = form_fill(cli, &form, true);
    if (rc == CLI_OK)
        rc = element_fill(cli, &elements, &op);
    if (rc != CLI_OK)
        return rc;
    size_t n_elements = 0;
    for (size_t k = 0; k < 6; k++)
        n_elements += elements.n[k];
    const char *withdraw = cli_opt(cli, "--withdraw-consent");
    Folio__Consent taken_back = FOLIO__CONSENT__INIT;
    if (withdraw != NULL) {
        if (cli_opt(cli, "--consent") != NULL)
            return cli_usage(cli, "--withdraw-consent and --consent do not go together");
        if (withdraw[0] == '\0')
            return cli_usage(cli, "--withdraw-consent wants a comma list of email, phone, sms "
                                  "and post");
        if (parse_consent(cli, "--withdraw-consent", withdraw, &taken_back) != CLI_OK)
            return CLI_USAGE;
    }
    if (form.n_fields == 0 && n_elements == 0 && withdraw == NULL)
        return cli_usage(cli, "nothing to change: give at least one field flag");
    if (cli_opt_u64(cli, "--if-version", 1, &op.if_version) != CLI_OK)
        return CLI_USAGE;
    rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    if (withdraw != NULL) {
        /* The consent as it is, less the channels named, and only if
         * nobody changed the client between the read and the write. */
        Folio__Response *now = folio_client_get(cli->connection, cli->args[0], false, &err);
        if (now == NULL)
            return cli_answer(now, &err, NULL);
        const Folio__Consent *had = now->client->consent;
        form.consent.email = had != NULL && had->email && !taken_back.email;
        form.consent.phone = had != NULL && had->phone && !taken_back.phone;
        form.consent.sms = had != NULL && had->sms && !taken_back.sms;
        form.consent.post = had != NULL && had->post && !taken_back.post;
        if (op.if_version == 0)
            op.if_version = now->client->version;
        folio_response_free(now);
        form.client.consent = &form.consent;
        form_field(&form, "consent");
    }
    op.id = (char *)cli->args[0];
    op.client = &form.client;
    op.fields = (char **)form.fields;
    op.n_fields = form.n_fields;
    Folio__Response *r = folio_client_update_op(cli->connection, &op, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_client_erase(struct cli *cli)
{
    int rc = cli_session_call_arg(cli, folio_client_erase, NULL);
    if (rc == CLI_OK)
        out_note("client %s erased, with its history", cli->args[0]);
    return rc;
}

int cmd_subject_erase(struct cli *cli)
{
    const char *reason = cli_opt(cli, "--reason");
    if (reason == NULL || reason[0] == '\0')
        return cli_usage(cli, "--reason: say why the person is erased (audited)");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    rc = cli_answer(folio_subject_erase(cli->connection, cli->args[0], reason, &err), &err, NULL);
    if (rc == CLI_OK)
        out_note("client %s erased, with its history", cli->args[0]);
    return rc;
}

int cmd_client_merge(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_merge(cli->connection, cli->args[0], cli->args[1], &err);
    if (r != NULL)
        out_note("client %s merged into %s and erased", cli->args[1], r->client->id);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_client_link(struct cli *cli)
{
    const char *relation = cli_opt(cli, "--as");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(
        folio_client_link(cli->connection, cli->args[0], cli->args[1], relation, &err), &err,
        rec_print_answer);
}

int cmd_client_unlink(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_client_unlink(cli->connection, cli->args[0], cli->args[1], &err), &err,
                      rec_print_answer);
}

/* Newest date first; on the same date, the later recorded first. */
static int history_order(const void *a, const void *b)
{
    const Folio__TimelineEvent *x = *(Folio__TimelineEvent *const *)a;
    const Folio__TimelineEvent *y = *(Folio__TimelineEvent *const *)b;
    int c = strcmp(y->date, x->date);
    if (c != 0)
        return c;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* A page of the timeline is a range of seqs (so pages never overlap); it
 * is shown in the order things happened, which a back-dated event or a
 * corrected date makes differ from the order they were recorded. */
static void history_print(const Folio__Response *r)
{
    if (r->result_case == FOLIO__RESPONSE__RESULT_TIMELINE && r->timeline->n_events > 1)
        qsort(r->timeline->events, r->timeline->n_events, sizeof(*r->timeline->events),
              history_order);
    rec_print_answer(r);
}

int cmd_client_history(struct cli *cli)
{
    uint32_t limit;
    uint64_t before;
    if (cli_opt_page_before(cli, &limit, &before) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_client_history(cli->connection, cli->args[0], limit, before, &err);
    return cli_answer(r, &err, history_print);
}

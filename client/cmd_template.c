/* cmd_template.c - folio admin template: the firm's e-mail templates for
 * offers and coupons, one per language. The server checks them
 * (placeholders it knows, sizes); the body is read from a file here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "cli.h"
#include "folioclient_mail.h"
#include "output.h"
#include "records.h"

/* The server refuses more; reading stops one byte past it. */
#define TEMPLATE_BODY_MAX (16 * 1024)

static size_t rec_template(const void *list, size_t i, struct out_field *f)
{
    const Folio__MailTemplate *t = ((const Folio__MailTemplate *const *)list)[i];
    const struct out_field fields[] = {
        OUT_S("kind", "kind", t->kind),
        OUT_S("language", "lang", t->language),
        OUT_S("subject", "subject", t->subject),
        {.key = "body", .label = "body", .card_only = true, .type = OUT_STR, .s = t->body},
        OUT_T("updated_at", "updated", t->updated_at),
    };
    memcpy(f, fields, sizeof(fields));
    return ARRAY_SIZE(fields);
}

/* list answers a table even of one; set and show a card. */
static bool template_listing;

static void rec_print_templates(const Folio__Response *r)
{
    if (r->result_case != FOLIO__RESPONSE__RESULT_MAIL_TEMPLATES) {
        rec_print_answer(r);
        return;
    }
    const Folio__MailTemplates *t = r->mail_templates;
    if (!template_listing && t->n_templates == 1)
        rec_object("template", &t->templates[0], rec_template);
    else
        rec_table("templates", "no templates: every client gets the built-in ones", t->templates,
                  t->n_templates, rec_template);
}

static int template_kind(struct cli *cli, const char *kind)
{
    if (strcmp(kind, "offer") != 0 && strcmp(kind, "coupon") != 0)
        return cli_usage(cli, "KIND is offer or coupon, not \"%.40s\"", kind);
    return CLI_OK;
}

/* The whole file, NUL-terminated, into a malloc'd *out. */
static int template_read_body(struct cli *cli, const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cli_usage(cli, "--body-file %s: %s", path, strerror(errno));
    char *body = malloc(TEMPLATE_BODY_MAX + 2);
    size_t n = body != NULL ? fread(body, 1, TEMPLATE_BODY_MAX + 1, f) : 0;
    bool failed = body == NULL || ferror(f);
    fclose(f);
    if (failed) {
        free(body);
        return cli_usage(cli, "--body-file %s: could not be read", path);
    }
    if (n > TEMPLATE_BODY_MAX || n == 0 || memchr(body, '\0', n) != NULL) {
        free(body);
        return cli_usage(cli, "--body-file %s: wants from 1 to %d bytes of text", path,
                         TEMPLATE_BODY_MAX);
    }
    body[n] = '\0';
    *out = body;
    return CLI_OK;
}

static int template_call(struct cli *cli, const char *action, const Folio__MailTemplate *tpl)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_mail_template(cli->connection, action, tpl, &err), &err,
                      rec_print_templates);
}

int cmd_template_set(struct cli *cli)
{
    if (template_kind(cli, cli->args[0]) != CLI_OK)
        return CLI_USAGE;
    char *body = NULL;
    if (template_read_body(cli, cli_opt(cli, "--body-file"), &body) != CLI_OK)
        return CLI_USAGE;
    Folio__MailTemplate tpl = FOLIO__MAIL_TEMPLATE__INIT;
    tpl.kind = (char *)cli->args[0];
    tpl.language = (char *)cli_opt(cli, "--lang");
    tpl.subject = (char *)cli_opt(cli, "--subject");
    tpl.body = body;
    int rc = template_call(cli, "set", &tpl);
    free(body);
    return rc;
}

int cmd_template_list(struct cli *cli)
{
    template_listing = true;
    return template_call(cli, "list", NULL);
}

static int template_one(struct cli *cli, const char *action)
{
    if (template_kind(cli, cli->args[0]) != CLI_OK)
        return CLI_USAGE;
    Folio__MailTemplate tpl = FOLIO__MAIL_TEMPLATE__INIT;
    tpl.kind = (char *)cli->args[0];
    tpl.language = (char *)cli_opt(cli, "--lang");
    return template_call(cli, action, &tpl);
}

int cmd_template_show(struct cli *cli)
{
    return template_one(cli, "show");
}

int cmd_template_remove(struct cli *cli)
{
    if (template_kind(cli, cli->args[0]) != CLI_OK)
        return CLI_USAGE;
    Folio__MailTemplate tpl = FOLIO__MAIL_TEMPLATE__INIT;
    tpl.kind = (char *)cli->args[0];
    tpl.language = (char *)cli_opt(cli, "--lang");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_mail_template(cli->connection, "remove", &tpl, &err), &err, NULL);
}

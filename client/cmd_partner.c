/* cmd_partner.c - folio partner: the businesses coupons are good at. */
#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_partner_add(struct cli *cli)
{
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    const char *city = cli_opt(cli, "--city");
    partner.name = (char *)cli->args[0];
    partner.category = (char *)cli_opt(cli, "--category");
    partner.city = (char *)(city != NULL ? city : "");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_partner_add(cli->connection, &partner, &err), &err, rec_print_answer);
}

int cmd_partner_list(struct cli *cli)
{
    return cli_session_call(cli, folio_partner_list, rec_print_answer);
}

int cmd_partner_edit(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    Folio__Partner changes = FOLIO__PARTNER__INIT;
    static const struct {
        const char *flag, *field;
    } flags[] = {{"--name", "name"}, {"--category", "category"}, {"--city", "city"}};
    char **to[] = {&changes.name, &changes.category, &changes.city};
    const char *fields[3];
    size_t n_fields = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *value = cli_opt(cli, flags[i].flag);
        if (value != NULL) {
            *to[i] = (char *)value;
            fields[n_fields++] = flags[i].field;
        }
    }
    if (n_fields == 0)
        return cli_usage(cli, "nothing to change: give --name, --category or --city");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_partner_edit(cli->connection, id, &changes, fields, n_fields, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_partner_remove(struct cli *cli)
{
    uint64_t id;
    if (cli_parse_u64(cli, "ID", cli->args[0], 1, &id) != CLI_OK)
        return CLI_USAGE;
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    rc = cli_answer(folio_partner_remove(cli->connection, id, &err), &err, NULL);
    if (rc == CLI_OK)
        out_note("partner %llu removed", (unsigned long long)id);
    return rc;
}

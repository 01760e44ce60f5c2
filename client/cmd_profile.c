/* cmd_profile.c - folio profile: the agent's card shown on offers. */
#include "cli.h"
#include "output.h"
#include "records.h"

int cmd_profile_set(struct cli *cli)
{
    Folio__AgentCard card = FOLIO__AGENT_CARD__INIT;
    const struct {
        const char *flag;
        const char *field;
        char **value;
    } flags[] = {
        {"--display-name", "display_name", &card.display_name},
        {"--phone", "phone", &card.phone},
        {"--email", "email", &card.email},
        {"--hours", "hours", &card.hours},
        {"--currency", "currency", &card.currency},
        {"--time-zone", "time_zone", &card.time_zone},
    };
    const char *fields[sizeof(flags) / sizeof(flags[0])];
    size_t n_fields = 0;
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        const char *value = cli_opt(cli, flags[i].flag);
        if (value == NULL)
            continue;
        *flags[i].value = (char *)value;
        fields[n_fields++] = flags[i].field;
    }
    if (n_fields == 0)
        return cli_usage(cli, "nothing to change: give at least one flag");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    Folio__Response *r = folio_profile_set(cli->connection, &card, fields, n_fields, &err);
    return cli_answer(r, &err, rec_print_answer);
}

int cmd_profile_show(struct cli *cli)
{
    return cli_session_call(cli, folio_profile_get, rec_print_answer);
}

/* cmd_trust.c - folio admin firm-key and admin trust: the key this firm
 * signs bundles with, and the firms whose bundles it accepts. */
#include <sodium.h>

#include "cli.h"
#include "folioclient_firm.h"
#include "output.h"

#define TRUST_FIELDS 5

/* Keys travel as hex, as firm-key prints them and trust add takes them. */
static size_t trust_fields(const Folio__TrustedFirm *t, char hex[65], struct out_field *f)
{
    hex[0] = '\0';
    if (t->public_key.len == crypto_sign_PUBLICKEYBYTES)
        sodium_bin2hex(hex, 65, t->public_key.data, t->public_key.len);
    size_t n = 0;
    f[n++] = (struct out_field)OUT_S("name", "firm", t->name);
    f[n++] = (struct out_field)OUT_S("fingerprint", "fingerprint", t->fingerprint);
    f[n] = (struct out_field)OUT_S("public_key", "public key", hex);
    f[n++].card_only = true;
    f[n++] = (struct out_field)OUT_T("added_at", "added", t->added_at);
    f[n++] = (struct out_field)OUT_S("added_by", "by", t->added_by);
    return n;
}

static void show_trusted_firm(const Folio__Response *r)
{
    char hex[65];
    struct out_field f[TRUST_FIELDS];
    out_object("trusted_firm", f, trust_fields(r->trusted_firm, hex, f));
}

static void show_trusted_firms(const Folio__Response *r)
{
    struct out_table *t = out_table_begin("firms", "no trusted firms");
    for (size_t i = 0; i < r->trusted_firms->n_firms; i++) {
        char hex[65];
        struct out_field f[TRUST_FIELDS];
        out_table_row(t, f, trust_fields(r->trusted_firms->firms[i], hex, f));
    }
    out_table_end(t);
}

static void show_firm_key(const Folio__Response *r)
{
    const Folio__FirmKeyInfo *k = r->firm_key;
    struct out_field f[] = {
        OUT_S("firm", "firm", k->firm),
        OUT_S("public_key", "public key", k->public_key),
        OUT_S("fingerprint", "fingerprint", k->fingerprint),
    };
    out_object("firm_key", f, sizeof(f) / sizeof(f[0]));
}

int cmd_firm_key(struct cli *cli)
{
    return cli_session_call(cli, folio_firm_key, show_firm_key);
}

int cmd_trust_add(struct cli *cli)
{
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct folio_error err;
    return cli_answer(folio_trust_add(cli->connection, cli->args[0], cli->args[1], &err), &err,
                      show_trusted_firm);
}

int cmd_trust_list(struct cli *cli)
{
    return cli_session_call(cli, folio_trust_list, show_trusted_firms);
}

int cmd_trust_remove(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_trust_remove, show_trusted_firm);
}

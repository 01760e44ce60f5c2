/* cmd_bundle.c - folio bundle verify and bundle show: a bundle file read
 * offline, with no server. Nothing inside is shown before the whole file
 * has been verified, and the reading streams, one record at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "output.h"

/* Opens and verifies the file; the descriptor, or -1 after printing why. */
static int bundle_open_verified(const char *path, struct arena *arena, Folio__BundleHeader **h)
{
    if (sodium_init() < 0) {
        cli_local("cannot initialise libsodium");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_local("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char why[256];
    if (bundle_verify(fd, arena, h, why, sizeof(why)) != 0) {
        cli_local("%s: %s", path, why);
        close(fd);
        return -1;
    }
    return fd;
}

static void bundle_print_header(const Folio__BundleHeader *h, bool verified)
{
    char fp[BUNDLE_FINGERPRINT_MAX], hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    bundle_fingerprint(h->public_key.data, fp);
    sodium_bin2hex(hex, sizeof(hex), h->public_key.data, h->public_key.len);
    struct out_field f[] = {
        OUT_S("firm", "source firm", h->firm),
        OUT_S("fingerprint", "key fingerprint", fp),
        OUT_S("public_key", "public key", hex),
        OUT_S("agent", "agent", h->agent),
        OUT_T("created_at", "created", h->created_at),
        OUT_U("clients", "clients", h->clients),
        OUT_U("events", "events", h->events),
        OUT_U("offers", "offers", h->offers),
        OUT_U("coupons", "coupons", h->coupons),
        OUT_U("format_version", "format version", h->format_version),
        OUT_B("verified", "digest and signature", verified),
    };
    out_object("bundle", f, sizeof(f) / sizeof(f[0]));
}

int cmd_bundle_verify(struct cli *cli)
{
    struct arena arena;
    arena_init(&arena, 0);
    Folio__BundleHeader *h;
    int fd = bundle_open_verified(cli->args[0], &arena, &h);
    if (fd < 0) {
        arena_free(&arena);
        return CLI_LOCAL;
    }
    close(fd);
    bundle_print_header(h, true);
    out_hint("the bundle is intact and signed by the key above; compare its fingerprint with "
             "the one the source firm gives you");
    arena_free(&arena);
    return CLI_OK;
}

/* One client row being counted: its events, offers and coupons follow it. */
struct bundle_row {
    char *id, *name;
    uint64_t events, offers, coupons;
};

static void bundle_row_flush(struct out_table *t, struct bundle_row *row)
{
    if (row->id == NULL)
        return;
    struct out_field f[] = {
        OUT_S("id", "id", row->id),
        OUT_S("name", "name", row->name),
        OUT_U("events", "events", row->events),
        OUT_U("offers", "offers", row->offers),
        OUT_U("coupons", "coupons", row->coupons),
    };
    out_table_row(t, f, sizeof(f) / sizeof(f[0]));
    free(row->id);
    free(row->name);
    memset(row, 0, sizeof(*row));
}

int cmd_bundle_show(struct cli *cli)
{
    const char *path = cli->args[0];
    struct arena header_arena;
    arena_init(&header_arena, 0);
    Folio__BundleHeader *h;
    int fd = bundle_open_verified(path, &header_arena, &h);
    if (fd < 0) {
        arena_free(&header_arena);
        return CLI_LOCAL;
    }
    bundle_print_header(h, true);

    char why[256];
    struct bundle_reader r;
    if (bundle_reader_open(&r, fd, why, sizeof(why)) != 0) {
        close(fd);
        arena_free(&header_arena);
        return cli_local("%s: %s", path, why);
    }
    struct out_table *t = out_table_begin("clients", "no clients");
    struct bundle_row row = {0};
    Folio__AgentCard *card = NULL;
    struct arena card_arena;
    arena_init(&card_arena, 0);
    int rc;
    for (;;) {
        /* One record's memory at a time (the card is kept for the end). */
        struct arena arena;
        arena_init(&arena, 0);
        Folio__BundleRecord *rec;
        rc = bundle_reader_next(&r, &arena, &rec, why, sizeof(why));
        if (rc != 1) {
            arena_free(&arena);
            break;
        }
        switch (rec->item_case) {
        case FOLIO__BUNDLE_RECORD__ITEM_CLIENT:
            bundle_row_flush(t, &row);
            row.id = strdup(rec->client->id);
            row.name = strdup(rec->client->name);
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_EVENT:
            row.events++;
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_OFFER:
            row.offers++;
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_COUPON:
            row.coupons++;
            break;
        case FOLIO__BUNDLE_RECORD__ITEM_CARD: {
            size_t len = folio__agent_card__get_packed_size(rec->card);
            uint8_t *buf = arena_alloc(&arena, len);
            if (buf != NULL) {
                folio__agent_card__pack(rec->card, buf);
                card = folio__agent_card__unpack(&card_arena.allocator, len, buf);
            }
            break;
        }
        default:
            break;
        }
        arena_free(&arena);
    }
    bundle_row_flush(t, &row);
    out_table_end(t);
    bundle_reader_close(&r);
    close(fd);
    if (rc == 0 && card != NULL) {
        struct out_field f[] = {
            OUT_S("display_name", "agent card", card->display_name),
            OUT_S("phone", "phone", card->phone),
            OUT_S("email", "email", card->email),
        };
        out_object("card", f, sizeof(f) / sizeof(f[0]));
    } else if (rc == 0) {
        out_null("card");
    }
    arena_free(&card_arena);
    arena_free(&header_arena);
    if (rc != 0)
        return cli_local("%s: %s", path, why);
    return CLI_OK;
}

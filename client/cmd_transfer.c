/* cmd_transfer.c - folio export, folio import (signed bundles; CSV and
 * vCard go to cmd_interchange.c) and admin restore-transferred.
 *
 * An export lands in a new private temporary file beside FILE and is renamed
 * over FILE only once every byte is on disk (safe_file.h), so a FILE that
 * exists is always a whole bundle, mode 0600, and no link at FILE is
 * followed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "array_size.h"
#include "bundle.h"
#include "cli.h"
#include "folioclient_transfer.h"
#include "output.h"
#include "safe_file.h"

/* The interchange format asked for, or NULL for a bundle; *bad on an
 * unknown one. */
static const char *transfer_format(const struct cli *cli, bool *bad)
{
    const char *format = cli_opt(cli, "--format");
    *bad = false;
    if (format == NULL || strcmp(format, "bundle") == 0)
        return NULL;
    if (strcmp(format, "csv") == 0 || strcmp(format, "vcard") == 0)
        return format;
    *bad = true;
    return NULL;
}

/* Progress on a terminal, or as JSON lines with --progress-json; scripts
 * and pipes otherwise get the result alone. */
struct transfer_progress {
    const char *what;
    bool shown;
    uint64_t done, total;
};

static void transfer_progress_show(void *ctx, uint64_t done, uint64_t total)
{
    struct transfer_progress *p = ctx;
    unsigned pct = total > 0 ? (unsigned)(done * 100 / total) : 100;
    fprintf(stderr, "\r%s: %llu of %llu bytes (%u%%)", p->what, (unsigned long long)done,
            (unsigned long long)total, pct);
    fflush(stderr);
    p->shown = true;
}

static size_t transfer_progress_item(const void *list, size_t i, struct out_field *f)
{
    const struct transfer_progress *p = ((const struct transfer_progress *const *)list)[i];
    f[0] = (struct out_field)OUT_S("phase", "phase", p->what);
    f[1] = (struct out_field)OUT_U("done", "done", p->done);
    f[2] = (struct out_field)OUT_U("total", "total", p->total);
    return 3;
}

static void transfer_progress_json(void *ctx, uint64_t done, uint64_t total)
{
    struct transfer_progress *p = ctx;
    p->done = done;
    p->total = total;
    const struct transfer_progress *const list[] = {p};
    const struct out_field f[] = {
        {.key = "progress",
         .type = OUT_OBJECT,
         .n = 1,
         .list = list,
         .item = transfer_progress_item},
    };
    out_stream(f, 1);
}

void cmd_transfer_progress(const struct cli *cli, const char *phase, uint64_t done, uint64_t total)
{
    struct transfer_progress p = {phase, false, 0, 0};
    if (cli_opt(cli, "--progress-json") != NULL)
        transfer_progress_json(&p, done, total);
}

static folio_progress_fn transfer_progress_fn(const struct cli *cli)
{
    if (cli_opt(cli, "--progress-json") != NULL)
        return transfer_progress_json;
    return isatty(STDERR_FILENO) && !out_json() ? transfer_progress_show : NULL;
}

static void transfer_progress_end(const struct transfer_progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
}

static size_t transfer_header_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__BundleHeader *h = ((const Folio__BundleHeader *const *)list)[i];
    size_t n = 0;
    f[n++] = (struct out_field)OUT_S("firm", "firm", h->firm);
    f[n++] = (struct out_field)OUT_S("agent", "agent", h->agent);
    f[n++] = (struct out_field)OUT_T("created_at", "created", h->created_at);
    f[n++] = (struct out_field)OUT_U("clients", "clients", h->clients);
    f[n++] = (struct out_field)OUT_U("events", "events", h->events);
    f[n++] = (struct out_field)OUT_U("offers", "offers", h->offers);
    f[n++] = (struct out_field)OUT_U("coupons", "coupons", h->coupons);
    f[n++] = (struct out_field)OUT_U("holdings", "holdings", h->holdings);
    f[n++] = (struct out_field)OUT_U("format_version", "format version", h->format_version);
    return n;
}

/* For people, a bundle's header goes on the card after the answer. */
static void transfer_header_card(const Folio__BundleHeader *h)
{
    if (h == NULL || out_json())
        return;
    const Folio__BundleHeader *const header[] = {h};
    struct out_field f[OUT_ITEM_FIELDS_MAX];
    out_fields(f, transfer_header_item(header, 0, f));
}

/* A number that only one kind of format has: null in the other. */
static struct out_field transfer_count(const char *key, const char *label, bool has, uint64_t value)
{
    return (struct out_field){.key = key,
                              .label = has ? label : NULL,
                              .zero_null = !has,
                              .type = OUT_UINT,
                              .u = has ? value : 0};
}

void cmd_transfer_print_export(const char *format, const char *file, uint64_t clients,
                               const Folio__Transfer *t, bool released)
{
    bool bundle = t != NULL;
    const Folio__BundleHeader *const header[] = {bundle ? t->header : NULL};
    const struct out_field f[] = {
        OUT_S("format", NULL, format),
        {.key = "file", .label = bundle ? "file" : NULL, .type = OUT_STR, .s = file},
        {.key = "clients", .label = NULL, .type = OUT_UINT, .u = clients},
        transfer_count("size", "size", bundle, bundle ? t->size : 0),
        {.key = "released", .label = bundle ? "released" : NULL, .type = OUT_BOOL, .b = released},
        {.key = "header",
         .type = OUT_OBJECT,
         .n = header[0] != NULL,
         .list = header,
         .item = transfer_header_item},
    };
    out_object("export", f, ARRAY_SIZE(f));
    transfer_header_card(header[0]);
}

static size_t transfer_note_item(const void *list, size_t i, struct out_field *f)
{
    const Folio__ImportNote *n = ((const Folio__ImportNote *const *)list)[i];
    f[0] = (struct out_field)OUT_U("line", "line", n->line);
    f[1] = (struct out_field)OUT_S("kind", "kind", n->kind);
    f[2] = (struct out_field)OUT_S("message", "message", n->message);
    f[3] = (struct out_field){.key = "client_id", .type = OUT_STR, .s = n->client_id};
    return 4;
}

void cmd_transfer_print_import(const char *format, const char *file, bool dry_run,
                               const Folio__ImportResult *res,
                               const struct cmd_transfer_counts *counts)
{
    bool bundle = res != NULL;
    /* What a bundle held and was neither added, left as it was, nor
     * brought back: erased here, and skipped. */
    uint64_t held = bundle && res->header != NULL ? res->header->clients : 0;
    uint64_t placed =
        bundle ? res->clients_added + res->clients_unchanged + res->clients_unerased : 0;
    uint64_t skipped_erased = held > placed ? held - placed : 0;
    const Folio__BundleHeader *const header[] = {bundle ? res->header : NULL};
    const struct out_field f[] = {
        OUT_S("format", NULL, format),
        {.key = "file", .label = bundle ? "file" : NULL, .type = OUT_STR, .s = file},
        {.key = "dry_run", .label = bundle ? "dry run" : NULL, .type = OUT_BOOL, .b = dry_run},
        {.key = "signer",
         .label = bundle ? "trusted signer" : NULL,
         .type = OUT_STR,
         .s = bundle ? res->signer : NULL},
        {.key = "clients_added",
         .label = bundle ? "clients added" : NULL,
         .type = OUT_UINT,
         .u = bundle ? res->clients_added : counts->added},
        transfer_count("clients_updated", "clients updated", !bundle, bundle ? 0 : counts->updated),
        transfer_count("clients_skipped", "clients skipped", !bundle, bundle ? 0 : counts->skipped),
        transfer_count("clients_refused", "clients refused", !bundle, bundle ? 0 : counts->refused),
        transfer_count("clients_unchanged", "clients unchanged", bundle,
                       bundle ? res->clients_unchanged : 0),
        transfer_count("clients_unerased", "clients erased here, brought back", bundle,
                       bundle ? res->clients_unerased : 0),
        transfer_count("clients_skipped_erased", "clients erased here, skipped", bundle,
                       skipped_erased),
        transfer_count("events", "events added", bundle, bundle ? res->events : 0),
        transfer_count("offers", "offers added", bundle, bundle ? res->offers : 0),
        transfer_count("coupons", "coupons added", bundle, bundle ? res->coupons : 0),
        transfer_count("holdings", "holdings added", bundle || counts->holdings_read,
                       bundle ? res->holdings : counts->holdings),
        {.key = "header",
         .label = NULL,
         .type = OUT_OBJECT,
         .n = header[0] != NULL,
         .list = header,
         .item = transfer_header_item},
        {.key = "notes",
         .type = OUT_LIST,
         .n = bundle ? 0 : counts->n_notes,
         .list = bundle ? NULL : counts->notes,
         .item = transfer_note_item},
    };
    if (bundle || out_json()) {
        out_object("import", f, ARRAY_SIZE(f));
    } else {
        struct out_table *t = out_table_begin("notes", NULL);
        for (size_t i = 0; i < counts->n_notes; i++) {
            struct out_field row[OUT_ITEM_FIELDS_MAX];
            out_table_row(t, row, transfer_note_item(counts->notes, i, row));
        }
        out_table_end(t);
    }
    transfer_header_card(header[0]);
    if (bundle && res->signer[0] == '\0')
        out_hint("imported from a firm this firm does not trust (--allow-untrusted)");
    if (skipped_erased > 0)
        out_hint("%llu clients were erased here and were skipped: a firm-admin may bring them "
                 "back with --allow-erased",
                 (unsigned long long)skipped_erased);
    if (bundle && dry_run)
        out_hint("dry run: nothing was changed");
}

int cmd_export(struct cli *cli)
{
    bool bad;
    const char *format = transfer_format(cli, &bad);
    if (bad)
        return cli_usage(cli, "--format: bundle, csv or vcard");
    if (format != NULL)
        return cmd_export_interchange(cli, format);
    if (cli_opt(cli, "--excel") != NULL || cli_opt(cli, "--vcard-version") != NULL)
        return cli_usage(cli, "--excel and --vcard-version go with csv and vcard only");
    const char *out = cli_opt(cli, "--out");
    const char *ids[CLI_MAX_REPEATS];
    size_t n_ids = cli_opt_all(cli, "--client", ids, CLI_MAX_REPEATS);
    if (n_ids > CLI_MAX_REPEATS)
        return cli_usage(cli, "--client: at most %d", CLI_MAX_REPEATS);
    struct safe_file file;
    int rc = cli_out_file_begin(cli, out, &file);
    if (rc != CLI_OK)
        return rc;
    char why[PATH_MAX + 256];
    struct transfer_progress progress = {"exporting", false, 0, 0};
    struct folio_error err;
    Folio__Response *r = folio_export_to_fd(
        cli->connection, cli_opt(cli, "--agent"), ids, n_ids, cli_opt(cli, "--release") != NULL,
        cli_opt(cli, "--reason"), file.fd, transfer_progress_fn(cli), &progress, &err);
    transfer_progress_end(&progress);
    if (r == NULL) {
        safe_file_abort(&file);
        return cli_fail(&err);
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0) {
        folio_response_free(r);
        return cli_local("%s", why);
    }
    const Folio__BundleHeader *h = r->transfer->header;
    cmd_transfer_print_export("bundle", out, h != NULL ? h->clients : 0, r->transfer,
                              cli_opt(cli, "--release") != NULL);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_import(struct cli *cli)
{
    if (cli_opt(cli, "--progress-json") != NULL)
        out_init(true);
    bool bad;
    const char *format = transfer_format(cli, &bad);
    if (bad)
        return cli_usage(cli, "--format: bundle, csv or vcard");
    /* Without --format, the file says what it is. */
    char *data = NULL;
    size_t len = 0;
    if (cli_opt(cli, "--format") == NULL) {
        char why[512];
        const char *detected = cmd_ix_detect(cli->args[0], &data, &len, why, sizeof(why));
        if (detected == NULL)
            return cli_local("%s", why);
        if (strcmp(detected, "bundle") != 0)
            format = detected;
    }
    if (format != NULL)
        return cmd_import_interchange(cli, format, data, len);
    /* A bundle is read from its file, which must be a regular one (below). */
    free(data);
    if (cli_opt(cli, "--map") != NULL || cli_opt(cli, "--date-order") != NULL ||
        cli_opt(cli, "--errors") != NULL)
        return cli_usage(cli, "--map, --date-order and --errors go with csv and vcard only");
    const char *path = cli->args[0];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = fd < 0 ? errno : EINVAL;
        if (fd >= 0)
            close(fd);
        return cli_local("cannot read %s: %s", path,
                         e == EINVAL ? "not a regular file" : strerror(e));
    }
    /* A damaged bundle is a local file problem, found before any of it is
     * sent (the server checks it again). */
    char why[256];
    struct arena arena;
    arena_init(&arena, 0);
    Folio__BundleHeader *header;
    int verified = sodium_init() >= 0 ? bundle_verify(fd, &arena, &header, why, sizeof(why))
                                      : (snprintf(why, sizeof(why), "cannot use libsodium"), -1);
    arena_free(&arena);
    if (verified != 0) {
        close(fd);
        return cli_local("%s: %s", path, why);
    }
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK) {
        close(fd);
        return rc;
    }
    struct transfer_progress progress = {"uploading", false, 0, 0};
    struct folio_error err;
    Folio__Response *r = folio_import_from_fd(
        cli->connection, fd, (uint64_t)st.st_size, cli_opt(cli, "--agent"),
        cli_opt(cli, "--allow-untrusted") != NULL, cli_opt(cli, "--allow-erased") != NULL,
        cli_opt(cli, "--dry-run") != NULL, transfer_progress_fn(cli), &progress, &err);
    transfer_progress_end(&progress);
    close(fd);
    if (r == NULL)
        return cli_fail(&err);
    cmd_transfer_print_import("bundle", path, r->import->dry_run, r->import, NULL);
    folio_response_free(r);
    return CLI_OK;
}

static void show_restore(const Folio__Response *r)
{
    const struct out_field f[] = {OUT_S("agent", "agent", r->reassign->to),
                                  OUT_U("count", "clients restored", r->reassign->count)};
    out_object("restore", f, 2);
}

int cmd_restore_transferred(struct cli *cli)
{
    return cli_session_call_arg(cli, folio_restore_transferred, show_restore);
}

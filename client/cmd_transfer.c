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

/* Progress on a terminal only: scripts and pipes get the result alone. */
struct transfer_progress {
    const char *what;
    bool shown;
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

static folio_progress_fn transfer_progress_fn(void)
{
    return isatty(STDERR_FILENO) && !out_json() ? transfer_progress_show : NULL;
}

static void transfer_progress_end(const struct transfer_progress *p)
{
    if (p->shown)
        fputc('\n', stderr);
}

static size_t transfer_header_fields(const Folio__BundleHeader *h, struct out_field *f)
{
    size_t n = 0;
    f[n++] = (struct out_field)OUT_S("firm", "firm", h->firm);
    f[n++] = (struct out_field)OUT_S("agent", "agent", h->agent);
    f[n++] = (struct out_field)OUT_T("created_at", "created", h->created_at);
    f[n++] = (struct out_field)OUT_U("clients", "clients", h->clients);
    f[n++] = (struct out_field)OUT_U("events", "events", h->events);
    f[n++] = (struct out_field)OUT_U("offers", "offers", h->offers);
    f[n++] = (struct out_field)OUT_U("coupons", "coupons", h->coupons);
    f[n++] = (struct out_field)OUT_U("format_version", "format version", h->format_version);
    return n;
}

int cmd_export(struct cli *cli)
{
    bool bad;
    const char *format = transfer_format(cli, &bad);
    if (bad)
        return cli_usage(cli, "--format: bundle, csv or vcard");
    if (format != NULL)
        return cmd_export_interchange(cli, format);
    const char *out = cli_opt(cli, "--out");
    const char *ids[CLI_MAX_REPEATS];
    size_t n_ids = cli_opt_all(cli, "--client", ids, CLI_MAX_REPEATS);
    if (n_ids > CLI_MAX_REPEATS)
        return cli_usage(cli, "--client: at most %d", CLI_MAX_REPEATS);
    size_t len = strlen(out);
    if (len == 0 || len > CLI_ARG_MAX)
        return cli_usage(cli, "--out: a file name");
    int rc = cli_connect_session(cli, NULL);
    if (rc != CLI_OK)
        return rc;
    struct safe_file file;
    char why[PATH_MAX + 256];
    if (safe_file_open(&file, out, why, sizeof(why)) < 0)
        return cli_local("%s", why);
    struct transfer_progress progress = {"exporting", false};
    struct folio_error err;
    Folio__Response *r = folio_export_to_fd(
        cli->connection, cli_opt(cli, "--agent"), ids, n_ids, cli_opt(cli, "--release") != NULL,
        cli_opt(cli, "--reason"), file.fd, transfer_progress_fn(), &progress, &err);
    transfer_progress_end(&progress);
    if (r == NULL) {
        safe_file_abort(&file);
        return cli_fail(&err);
    }
    if (safe_file_commit(&file, why, sizeof(why)) < 0) {
        folio_response_free(r);
        return cli_local("%s", why);
    }
    const Folio__Transfer *t = r->transfer;
    struct out_field f[12];
    size_t n = 0;
    f[n++] = (struct out_field)OUT_S("file", "file", out);
    f[n++] = (struct out_field)OUT_U("size", "size", t->size);
    f[n++] = (struct out_field)OUT_B("released", "released", cli_opt(cli, "--release") != NULL);
    n += transfer_header_fields(t->header, f + n);
    out_object("export", f, n);
    folio_response_free(r);
    return CLI_OK;
}

int cmd_import(struct cli *cli)
{
    bool bad;
    const char *format = transfer_format(cli, &bad);
    if (bad)
        return cli_usage(cli, "--format: bundle, csv or vcard");
    if (format != NULL)
        return cmd_import_interchange(cli, format);
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
    struct transfer_progress progress = {"uploading", false};
    struct folio_error err;
    Folio__Response *r = folio_import_from_fd(
        cli->connection, fd, (uint64_t)st.st_size, cli_opt(cli, "--agent"),
        cli_opt(cli, "--allow-untrusted") != NULL, cli_opt(cli, "--allow-erased") != NULL,
        cli_opt(cli, "--dry-run") != NULL, transfer_progress_fn(), &progress, &err);
    transfer_progress_end(&progress);
    close(fd);
    if (r == NULL)
        return cli_fail(&err);
    const Folio__ImportResult *res = r->import;
    /* What the bundle held and was neither added, left as it was, nor
     * brought back: erased here, and skipped. */
    uint64_t held = res->header != NULL ? res->header->clients : 0;
    uint64_t placed = res->clients_added + res->clients_unchanged + res->clients_unerased;
    uint64_t skipped = held > placed ? held - placed : 0;
    struct out_field f[18];
    size_t n = 0;
    f[n++] = (struct out_field)OUT_S("file", "file", path);
    f[n++] = (struct out_field)OUT_B("dry_run", "dry run", res->dry_run);
    f[n++] = (struct out_field)OUT_S("signer", "trusted signer", res->signer);
    f[n++] = (struct out_field)OUT_U("clients_added", "clients added", res->clients_added);
    f[n++] =
        (struct out_field)OUT_U("clients_unchanged", "clients unchanged", res->clients_unchanged);
    f[n++] = (struct out_field)OUT_U("clients_unerased", "clients erased here, brought back",
                                     res->clients_unerased);
    f[n++] =
        (struct out_field)OUT_U("clients_skipped_erased", "clients erased here, skipped", skipped);
    f[n++] = (struct out_field)OUT_U("events", "events added", res->events);
    f[n++] = (struct out_field)OUT_U("offers", "offers added", res->offers);
    f[n++] = (struct out_field)OUT_U("coupons", "coupons added", res->coupons);
    out_object("import", f, n);
    if (res->header != NULL) {
        struct out_field h[8];
        out_object("header", h, transfer_header_fields(res->header, h));
    }
    if (res->signer[0] == '\0')
        out_hint("imported from a firm this firm does not trust (--allow-untrusted)");
    if (skipped > 0)
        out_hint("%llu clients were erased here and were skipped: a firm-admin may bring them "
                 "back with --allow-erased",
                 (unsigned long long)skipped);
    if (res->dry_run)
        out_hint("dry run: nothing was changed");
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

/* cmd_stats.c - folio admin stats: the server's own figures. */
#include "cli.h"
#include "folioclient_stats.h"
#include "output.h"
#include "records.h"

/* Rates and means travel as doubles; people and JSON get two decimals. */
static int64_t stats_hundredths(double x)
{
    return x > 0 ? (int64_t)(x * 100.0 + 0.5) : 0;
}

static size_t stats_op(const void *list, size_t i, struct out_field *f)
{
    const Folio__OpCount *c = ((Folio__OpCount *const *)list)[i];
    f[0] = (struct out_field)OUT_S("op", "op", c->op);
    f[1] = (struct out_field)OUT_U("count", "requests", c->count);
    f[2] = (struct out_field){.key = "per_sec",
                              .label = "per second",
                              .type = OUT_CENTS,
                              .i = stats_hundredths(c->per_sec)};
    return 3;
}

static void show_stats(const Folio__Response *r)
{
    const Folio__Stats *s = r->stats;
    struct out_field f[] = {
        OUT_U("uptime_s", "uptime (s)", s->uptime_s),
        OUT_U("connections", "connections open", s->connections),
        OUT_U("connections_accepted", "connections accepted", s->connections_accepted),
        OUT_U("requests_total", "requests", s->requests_total),
        /* People get the requests as a table below. */
        {.key = "requests",
         .type = OUT_LIST,
         .n = s->n_requests,
         .list = s->requests,
         .item = stats_op},
        OUT_U("commit_batches", "commits", s->commit_batches),
        OUT_U("committed_writes", "writes committed", s->committed_writes),
        {.key = "batch_mean",
         .label = "writes per commit",
         .type = OUT_CENTS,
         .i = stats_hundredths(s->batch_mean)},
        OUT_U("batch_max", "largest commit", s->batch_max),
        OUT_U("batches_1", "commits of 1 write", s->batches_1),
        OUT_U("batches_2_7", "commits of 2-7", s->batches_2_7),
        OUT_U("batches_8_31", "commits of 8-31", s->batches_8_31),
        OUT_U("batches_32_up", "commits of 32+", s->batches_32_up),
        OUT_U("db_file_bytes", "database file (bytes)", s->db_file_bytes),
        OUT_U("map_bytes", "map size (bytes)", s->map_bytes),
        OUT_U("used_bytes", "map used (bytes)", s->used_bytes),
        OUT_U("page_size", "page size (bytes)", s->page_size),
        OUT_U("reader_slots_used", "reader slots used", s->reader_slots_used),
        OUT_U("reader_slots_max", "reader slots max", s->reader_slots_max),
        OUT_U("hashes_running", "password hashes running", s->hashes_running),
        OUT_U("hashes_queued", "password hashes queued", s->hashes_queued),
        OUT_U("pool_cancelled", "pool jobs cancelled", s->pool_cancelled),
        OUT_U("pool_refused", "pool jobs refused", s->pool_refused),
    };
    out_object("stats", f, sizeof(f) / sizeof(f[0]));
    if (!out_json()) {
        out_note("%s", "");
        rec_table("requests", "no requests yet", s->requests, s->n_requests, stats_op);
    }
}

int cmd_stats(struct cli *cli)
{
    return cli_session_call(cli, folio_stats_get, show_stats);
}

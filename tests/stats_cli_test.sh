#!/usr/bin/env bash
# stats_cli_test.sh - folio admin stats end to end: the card for people, one
# JSON object with --json, and who may ask. Counts only, never rates or times.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts its own foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" stats-cli-test

# ---------------------------------------------------------------- usage, no server

export FOLIO_CONFIG=$tmp/cfg-none
export FOLIO_SERVER=127.0.0.1:1
run "" "$FOLIO" admin stats extra
expect "an argument is a usage error" 2
run "" "$FOLIO" admin stats --help
expect "admin stats --help" 0 "last 10 seconds"
run "" "$FOLIO" --help
expect "folio --help lists admin stats" 0 "stats"

# ---------------------------------------------------------------- a firm

new_firm "Stats Firm"
run "" "$FOLIO" admin office add North
expect "boss adds an office" 0
add_user alice agent North
add_user olga office-admin North
as alice
for name in "Ana Quispe" "Luis Mamani"; do
  run "" "$FOLIO" client add --name "$name"
  expect "alice adds $name" 0
done

# ---------------------------------------------------------------- the firm-admin

as boss
run "" "$FOLIO" admin stats
expect "human: a card" 0 "connections open:"
expect "human: commits" 0 "commits of 1 write:"
expect "human: the database" 0 "database file (bytes):"
expect "human: reader slots" 0 "reader slots max:"
expect "human: requests by op, as a table" 0 "client_add"

run "" "$FOLIO" --json admin stats
expect "--json exits 0" 0
json_check "--json: one object with every figure" "$OUT" '
set(d["stats"]) >= {"uptime_s", "connections", "connections_accepted", "requests_total",
  "requests", "commit_batches", "committed_writes", "batch_mean", "batch_max", "batches_1",
  "batches_2_7", "batches_8_31", "batches_32_up", "db_file_bytes", "map_bytes", "used_bytes",
  "page_size", "reader_slots_used", "reader_slots_max", "hashes_running", "hashes_queued",
  "pool_cancelled", "pool_refused"}'
json_check "--json: the asking connection is open" "$OUT" 'd["stats"]["connections"] >= 1'
json_check "--json: requests by op, each with a count and a rate" "$OUT" '
{r["op"]: r["count"] for r in d["stats"]["requests"]}.get("client_add") == 2 and
all(set(r) == {"op", "count", "per_sec"} and r["per_sec"] >= 0 for r in d["stats"]["requests"])'
json_check "--json: the counts add up to the total" "$OUT" '
sum(r["count"] for r in d["stats"]["requests"]) == d["stats"]["requests_total"]'
json_check "--json: writes were committed in batches" "$OUT" '
(lambda s: s["commit_batches"] > 0 and s["committed_writes"] >= 5 and
  s["batches_1"] + s["batches_2_7"] + s["batches_8_31"] + s["batches_32_up"]
  == s["commit_batches"])(d["stats"])'
json_check "--json: the database has a size within its map" "$OUT" '
d["stats"]["db_file_bytes"] > 0 and 0 < d["stats"]["used_bytes"] <= d["stats"]["map_bytes"]'

# ---------------------------------------------------------------- others may not

as alice
run "" "$FOLIO" --json admin stats
expect "an agent is refused" 1
json_check "an agent gets PERMISSION_DENIED" "$ERR" 'd["error"]["code"] == "PERMISSION_DENIED"'
as olga
run "" "$FOLIO" admin stats
expect "an office-admin is refused (human)" 1 "" "PERMISSION_DENIED"

stop_server
expect "foliod stops cleanly" 0
cli_summary

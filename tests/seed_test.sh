#!/usr/bin/env bash
# seed_test.sh - folio-seed works: it adds the office, the agents and their
# clients through the protocol, over TLS trusting the firm's certificate
# (--ca), and the same --seed gives the same clients. A smoke test, not a
# benchmark: nothing is timed.
#
# Needs FOLIOD, FOLIO and FOLIO_SEED (paths of the built binaries; ctest sets
# them). Starts its own foliods on ephemeral loopback ports, keeps every file
# in a temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" seed-test

FOLIO_SEED=${FOLIO_SEED:?set FOLIO_SEED to the folio-seed binary}

# ---------------------------------------------------------------- usage errors, no server

run "" "$FOLIO_SEED" --help
expect "--help exits 0" 0 "--clients-per-agent"
missing=
for flag in --server --ca --plaintext --user --password-stdin --agents --clients-per-agent \
  --seed --office --agent-prefix --extra-agent-clients --connections --window --max-seconds; do
  [[ $OUT == *"$flag"* ]] || missing+=" $flag"
done
[[ -z $missing ]] && pass "--help lists every flag" || fail "--help lists every flag" "missing:$missing"
base="--server 127.0.0.1:1 --plaintext --user boss --password-stdin"
for args in "" "$base --agents 1" "$base --clients-per-agent 1" \
  "$base --agents x --clients-per-agent 1" "$base --agents 1 --clients-per-agent 1 --window 129" \
  "$base --agents 1 --clients-per-agent 1 --connections 0" \
  "$base --agents 1 --clients-per-agent 1 extra" \
  "--server 127.0.0.1:1 --user boss --password-stdin --agents 1 --clients-per-agent 1" \
  "$base --ca $tmp/none.pem --agents 1 --clients-per-agent 1"; do
  # shellcheck disable=SC2086
  run "pw" "$FOLIO_SEED" $args
  expect "usage error exits 2: folio-seed $args" 2 "" "folio-seed"
done
run "pw" "$FOLIO_SEED" $base --agents 1 --clients-per-agent 1
expect "no server: exits 1" 1
run "pw" "$FOLIO_SEED" --server 127.0.0.1:1 --ca "$tmp/none.pem" --user boss --password-stdin \
  --agents 1 --clients-per-agent 1
expect "a CA file that does not load: says so" 2 "" "cannot load the CA file"

# seed_firm NAME: a fresh firm in $tmp/NAME seeded with 2 agents x 50 clients
# (seed 7); leaves the server running and FOLIO_SERVER pointing at it.
seed_firm() {
  local data=$tmp/$1
  # Both firms have one name, so their certificates one subject: the CA file
  # that holds both (cli_lib.sh's $tmp/ca.pem) tells them apart by key.
  run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Seed Firm" --admin boss \
    --password-stdin --hash-cost min
  expect "$1: foliod init" 0
  if ! start_server "$data" --hash-cost min; then
    fail "$1: foliod serve writes its port file" "$(tail -5 "$tmp/foliod.log")"
    cli_summary
    exit 1
  fi
  export FOLIO_SERVER=127.0.0.1:$port
  run $'boss-password-1\nagent-password-1' "$FOLIO_SEED" --server "127.0.0.1:$port" \
    --ca "$data/tls-cert.pem" --user boss --password-stdin --agents 2 --clients-per-agent 50 \
    --seed 7 --office North --agent-prefix rep --connections 3 --window 8
  expect "$1: folio-seed 2 x 50" 0 "100 clients"
}

# names AGENT: logs in as AGENT; sets LIST (its client list, JSON) and NAMES
# (its client names, sorted, one a line).
names() {
  export FOLIO_CONFIG=$tmp/cfg-$1-$port
  run "agent-password-1" "$FOLIO" login "$1" --password-stdin
  expect "$1 logs in with the agents' password" 0
  run "" "$FOLIO" --json client list --limit 1000
  LIST=$OUT
  NAMES=$(json_get "$OUT" '"\n".join(sorted(c["name"] for c in d["clients"]))')
}

seed_firm first
names rep0001
first_a=$NAMES
json_check "rep0001 has exactly 50 clients" "$LIST" 'len(d["clients"]) == 50'
json_check "the clients look real: names, birth dates, cities" "$LIST" \
  'all(c["name"] and c["birth_date"] and c["city"] and c["region"] for c in d["clients"])'
json_check "some incomes have a history, some clients purchases" "$LIST" \
  'any(c["income_trend"] != "flat" for c in d["clients"]) and
   any(c["purchases"] for c in d["clients"])'
run "" "$FOLIO" --json holding list --limit 1000
json_check "about half the clients hold something, active and renewing" "$OUT" '
10 <= len({h["client_id"] for h in d["holdings"]}) <= 40 and
all(h["status"] == "active" and h["renews_on"] and h["premium"] for h in d["holdings"])'
names rep0002
first_b=$NAMES
json_check "rep0002 has exactly 50 clients" "$LIST" 'len(d["clients"]) == 50'
[[ $first_a != "$first_b" ]] && pass "the two agents have different clients" ||
  fail "the two agents have different clients"

export FOLIO_CONFIG=$tmp/cfg-boss
run "boss-password-1" "$FOLIO" login boss --password-stdin
run "" "$FOLIO" --json admin user list
json_check "the agents are in office North" "$OUT" \
  'sum(1 for u in d["users"] if u["name"] in ("rep0001", "rep0002") and u["office"] == "North") == 2'
stop_server

seed_firm second
names rep0001
second_a=$NAMES
[[ -n $first_a && $first_a == "$second_a" ]] && pass "the same --seed gives the same names" ||
  fail "the same --seed gives the same names" "first: ${first_a:0:200}" "second: ${second_a:0:200}"

run $'boss-password-1\nagent-password-1' "$FOLIO_SEED" --server "127.0.0.1:$port" \
  --ca "$tmp/second/tls-cert.pem" --user boss --password-stdin --agents 2 --clients-per-agent 0 \
  --extra-agent-clients 5 --seed 7 --office North --agent-prefix rep
expect "existing agents are kept; the extra agent is added" 0 "5 clients"
names rep0003
json_check "the extra agent has its 5 clients" "$LIST" 'len(d["clients"]) == 5'
stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" || fail "foliod exits 0 on SIGTERM" "exit $RC"

cli_summary

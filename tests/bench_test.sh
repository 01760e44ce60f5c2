#!/usr/bin/env bash
# bench_test.sh - folio-bench works: every op runs against a real foliod and
# reports what it should, over TLS (trusting the firm's certificate with
# --ca) and, in a smaller run, in plaintext. A smoke test, not a benchmark:
# runs are a second long and no figure is held to a threshold.
#
# Needs FOLIOD, FOLIO and FOLIO_BENCH (paths of the built binaries; ctest sets
# them). Starts its own foliod on an ephemeral loopback port, keeps every file
# in a temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" bench-test

FOLIO_BENCH=${FOLIO_BENCH:?set FOLIO_BENCH to the folio-bench binary}

# report_ok NAME TEXT: TEXT is one report with no errors and ordered percentiles.
report_ok() {
  json_check "$1" "$2" 'd["errors"] == 0 and d["ops"] > 0 and d["ops_per_sec"] > 0 and
    d["p50_us"] <= d["p90_us"] <= d["p99_us"] <= d["p999_us"] <= d["max_us"]'
}

# ---------------------------------------------------------------- usage errors, no server

run "" "$FOLIO_BENCH" --help
expect "--help exits 0" 0 "--rate R"
missing=
for flag in --server --ca --plaintext --user --password-stdin --op --connections --pipeline \
  --duration --records --rate --json --date; do
  [[ $OUT == *"$flag"* ]] || missing+=" $flag"
done
[[ -z $missing ]] && pass "--help lists every flag" || fail "--help lists every flag" "missing:$missing"
base="--server 127.0.0.1:1 --plaintext --user u --password-stdin"
for args in "" "--server 127.0.0.1:1 --plaintext --user u --op read" "$base --op bogus" "$base" \
  "$base --op read --connections 0" "$base --op read --connections 20001" \
  "$base --op read --pipeline 129" "$base --op read --duration 3601" \
  "$base --op read --duration 0" "$base --op read --records 0" "$base --op read --rate 0" \
  "$base --op agenda --date 2026-1-1" "$base --op read extra" \
  "--server nocolon --plaintext --user u --password-stdin --op read" \
  "$base --ca $tmp/none.pem --op read" \
  "$base --op connect --records 0 --pipeline 2" "$base --op connect --records 0 --rate 10"; do
  # shellcheck disable=SC2086
  run "pw" "$FOLIO_BENCH" $args
  expect "usage error exits 2: folio-bench $args" 2 "" "folio-bench"
done
run "pw" "$FOLIO_BENCH" $base --op read --duration 1
expect "no server: exits 1 with a clear message" 1 "" "connect"
run "pw" "$FOLIO_BENCH" --server 127.0.0.1:1 --user u --password-stdin --op read
expect "neither --ca nor --plaintext: says which is needed" 2 "" "--ca FILE is required"
run "pw" "$FOLIO_BENCH" --server 127.0.0.1:1 --ca "$tmp/none.pem" --user u --password-stdin \
  --op read
expect "a CA file that does not load: says so" 2 "" "cannot load the CA file"

# ---------------------------------------------------------------- a firm with an agent

new_firm "Bench Firm"
run "" "$FOLIO" admin office add North
expect "add office" 0
run "alice-password-1" "$FOLIO" admin user add alice --role agent --office North \
  --password-stdin
expect "add agent alice" 0

bench=("$FOLIO_BENCH" --server "127.0.0.1:$port" --ca "$data/tls-cert.pem" --user alice
  --password-stdin --duration 1)

run "alice-password-1" "$FOLIO_BENCH" --server "127.0.0.1:$port" --plaintext --user alice \
  --password-stdin --op read --records 10 --duration 1
expect "--plaintext against a TLS server: exits 1 with the server's word" 1 "" "speaks TLS"
run "other-password-1" "$FOLIOD" init --data "$tmp/other" --firm "Other Firm" --admin boss \
  --password-stdin --hash-cost min
run "alice-password-1" "$FOLIO_BENCH" --server "127.0.0.1:$port" --ca "$tmp/other/tls-cert.pem" \
  --user alice --password-stdin --op read --records 10 --duration 1
expect "another firm's certificate is not trusted" 1 "" "certificate is not trusted"
# foliod listens on 127.0.0.1 only, and folio-bench connects to the first
# address a name has: where localhost is ::1 first, there is nothing to try.
if [[ $(getent ahosts localhost | awk 'NR == 1 {print $1}') == 127.0.0.1 ]]; then
  run "alice-password-1" "$FOLIO_BENCH" --server "localhost:$port" --ca "$data/tls-cert.pem" \
    --user alice --password-stdin --op agenda --records 0 --duration 1 --json
  expect "the certificate names localhost too, and the name is checked" 0
fi

run "wrong-password" "${bench[@]}" --op read --records 10
expect "a wrong password exits 1" 1 "" "UNAUTHENTICATED"

run "alice-password-1" "${bench[@]}" --op read --records 50 --connections 2 --pipeline 4 --json
expect "read runs" 0
report_ok "read reports" "$OUT"
json_check "read set up 50 records of about half a KiB, over TLS" "$OUT" \
  'd["records"] == 50 and 300 <= d["record_bytes"] <= 800 and d["op"] == "read" and
   d["connections"] == 2 and d["pipeline"] == 4 and d["transport"] == "tls"'
[[ $ERR == *"adding 50"* ]] && pass "the working set is created when missing" ||
  fail "the working set is created when missing" "stderr: ${ERR:0:400}"

export FOLIO_CONFIG=$tmp/cfg-alice
run "alice-password-1" "$FOLIO" login alice --password-stdin
run "" "$FOLIO" --json client list --limit 1000
json_check "alice has exactly 50 clients" "$OUT" 'len(d["clients"]) == 50'

for op in update agenda segment login mixed list find add; do
  run "alice-password-1" "${bench[@]}" --op "$op" --records 50 --connections 2 --pipeline 2 \
    --date 2026-03-01 --json
  expect "$op runs" 0
  report_ok "$op reports" "$OUT"
  [[ $ERR != *"adding"* ]] && pass "$op reuses the working set" ||
    fail "$op reuses the working set" "stderr: ${ERR:0:400}"
done

run "" "$FOLIO" --json client list --limit 1000
json_check "add added clients" "$OUT" 'len(d["clients"]) > 50'

run "alice-password-1" "${bench[@]}" --op connect --records 0 --connections 3 --json
expect "connect runs" 0
report_ok "connect reports" "$OUT"
json_check "connect made more connections than it keeps" "$OUT" \
  'd["op"] == "connect" and d["connections"] == 3 and d["ops"] > 3'

run "alice-password-1" "${bench[@]}" --op read --records 50 --connections 2 --pipeline 4 \
  --rate 200 --json
expect "open loop runs" 0
report_ok "open loop reports" "$OUT"
json_check "open loop sends at about the rate asked" "$OUT" \
  'd["rate"] == 200 and 0 < d["ops"] <= 202'

run "alice-password-1" "${bench[@]}" --op read --records 20 --connections 3
expect "text report" 0 "latency us"
[[ $OUT == *"ops "* && $OUT == *"errors       0"* && $OUT == *"p99.9"* ]] &&
  pass "text report has ops, errors and percentiles" ||
  fail "text report has ops, errors and percentiles" "stdout: ${OUT:0:400}"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 on SIGTERM" ||
  fail "foliod exits 0 on SIGTERM" "exit $RC" "$(tail -5 "$tmp/foliod.log")"

# ---------------------------------------------------------------- the same firm in plaintext

if ! start_server "$data" --hash-cost min --plaintext; then
  fail "foliod serve --plaintext writes its port file" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
plain=("$FOLIO_BENCH" --server "127.0.0.1:$port" --plaintext --user alice --password-stdin
  --duration 1)
for op in read connect; do
  run "alice-password-1" "${plain[@]}" --op "$op" --records 50 --connections 2 --json
  expect "$op runs in plaintext" 0
  report_ok "$op reports in plaintext" "$OUT"
  json_check "$op says plaintext" "$OUT" 'd["transport"] == "plaintext"'
done
run "alice-password-1" "$FOLIO_BENCH" --server "127.0.0.1:$port" --ca "$data/tls-cert.pem" \
  --user alice --password-stdin --op read --records 10 --duration 1
expect "--ca against a plaintext server: exits 1 with the server's word" 1 "" "runs without TLS"
stop_server

cli_summary

#!/usr/bin/env bash
# metrics_cli_test.sh - foliod serve --metrics-listen: /metrics in the
# Prometheus text format (read with prometheus_client's parser), /healthz and
# /readyz; counters move with requests; no label holds personal data.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts one foliod on ephemeral loopback ports, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" metrics-cli-test

run "" "$FOLIOD" serve --data "$tmp/none" --metrics-listen localhost:9170
expect "--metrics-listen wants a numeric address" 2 "" "--metrics-listen wants ADDRESS:PORT"

data=$tmp/data
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Metrics Firm" --admin boss \
  --password-stdin --hash-cost min
expect "foliod init" 0
if ! start_server "$data" --hash-cost min --metrics-listen 127.0.0.1:0; then
  fail "foliod serve with metrics writes its port file" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
export FOLIO_SERVER=127.0.0.1:$port
metrics_port=$(sed -n 's/.* metrics listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/foliod.log")
if [[ $metrics_port =~ ^[1-9][0-9]*$ ]]; then
  pass "the log names the metrics port"
else
  fail "the log names the metrics port" "$(head -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi

# scrape CHECK: reads http://127.0.0.1:PORT/metrics (again, up to 10 s, while
# CHECK is false: the server publishes its figures once a second) and
# evaluates CHECK, a Python expression over v (sample name and sorted labels
# to value), labels (every label name seen) and text; saves the page.
scrape() {
  "$PY" - "$metrics_port" "$1" "$tmp/metrics.txt" <<'PY'
import sys, time, urllib.request
from prometheus_client.parser import text_string_to_metric_families
port, check, out = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 10
while True:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    v, labels = {}, set()
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            v[(s.name, tuple(sorted(s.labels.items())))] = s.value
            labels |= set(s.labels)
    ok = eval("(" + check + ")")
    if ok or time.monotonic() > deadline:
        break
    time.sleep(0.2)
open(out, "w").write(text)
sys.exit(0 if ok else 1)
PY
}
# http PATH: the status of GET http://127.0.0.1:PORT/PATH in OUT.
http() {
  OUT=$("$PY" - "$metrics_port" "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
)
}

http /healthz
[[ $OUT == 200 ]] && pass "/healthz: 200" || fail "/healthz: 200" "$OUT"
http /nothing
[[ $OUT == 404 ]] && pass "another path: 404" || fail "another path: 404" "$OUT"
if scrape 'v.get(("folio_serving", ())) == 1'; then
  pass "/metrics parses as the Prometheus text format; serving"
else
  fail "/metrics parses and says serving" "$(head -20 "$tmp/metrics.txt")"
fi
http /readyz
[[ $OUT == 200 ]] && pass "/readyz: 200 while serving" || fail "/readyz: 200" "$OUT"

as boss
run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "boss logs in" 0
run "not-her-password" "$FOLIO" login boss --password-stdin
expect "a wrong password is refused" 1
# A peer that speaks no TLS: a handshake that fails.
"$PY" -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x16\x03\x01\x00\x05hello"); s.settimeout(5)
try: s.recv(100)
except OSError: pass' "$port"
run "" "$FOLIO" admin office add North
expect "boss adds an office" 0
add_user alice agent North
as alice
run "" "$FOLIO" client add --name "Zoraida Quispe-Huanca" --email zoraida@example.org
expect "alice adds a client" 0

if scrape 'v.get(("folio_requests_total", (("op", "client_add"), ("status", "OK"))), 0) == 1 and
    v.get(("folio_requests_total", (("op", "login"), ("status", "UNAUTHENTICATED"))), 0) == 1 and
    v.get(("folio_requests_total", (("op", "login"), ("status", "OK"))), 0) >= 2'; then
  pass "requests are counted by op and status"
else
  fail "requests are counted by op and status" "$(grep requests_total "$tmp/metrics.txt")"
fi
if scrape 'v[("folio_request_duration_seconds_count", ())] >= 5 and
    v[("folio_request_duration_seconds_bucket", (("le", "+Inf"),))] ==
      v[("folio_request_duration_seconds_count", ())] and
    v[("folio_write_commits_total", ())] >= 3 and
    v[("folio_write_batch_size_count", ())] == v[("folio_write_commits_total", ())] and
    v[("folio_write_batch_size_sum", ())] >= 3 and
    v[("folio_connections_accepted_total", ())] >= 5 and
    v[("folio_tls_handshakes_total", ())] >= 5 and
    v[("folio_tls_handshake_failures_total", ())] >= 1 and
    v[("folio_request_bytes_total", ())] > 0 and v[("folio_response_bytes_total", ())] > 0 and
    v[("folio_lmdb_map_bytes", ())] >= v[("folio_lmdb_used_bytes", ())] > 0 and
    ("folio_password_checks_queued", ()) in v and ("folio_connections_open", ()) in v'; then
  pass "latency, commits and batches, connections, TLS handshakes and failures, bytes, map size and use move"
else
  fail "latency, commits, connections, bytes and map figures" "$(grep -v '^#' "$tmp/metrics.txt" | tail -30)"
fi
if scrape 'labels <= {"op", "status", "le"}'; then
  pass "labels are op, status and le only"
else
  fail "labels are op, status and le only" "$(grep '{' "$tmp/metrics.txt" | head)"
fi
if grep -qi "zoraida\|quispe\|alice\|boss\|example.org" "$tmp/metrics.txt"; then
  fail "no personal data on the page" "$(grep -i "zoraida\|alice\|boss" "$tmp/metrics.txt")"
else
  pass "no personal data on the page"
fi

stop_server
expect "foliod stops on SIGTERM" 0
cli_summary

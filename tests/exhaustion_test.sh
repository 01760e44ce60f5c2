#!/usr/bin/env bash
# exhaustion_test.sh - a full disk and a descriptor shortage, imposed on a
# running foliod with prlimit: writes are refused with UNAVAILABLE while
# reads go on, nothing acknowledged is lost, writing resumes when space
# returns, and running out of descriptors does not spin the loop.
#
# Needs FOLIOD and FOLIO (ctest sets them) and prlimit (util-linux). Prints
# "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" exhaustion-test

command -v prlimit >/dev/null || {
  echo "FAIL prlimit (util-linux) is needed"
  exit 1
}

new_firm "Tight Firm"
run "" "$FOLIO" admin office add North
add_user alice agent North
as alice

# add_client NAME: adds a client with a long note; sets ID on success.
notes=$(printf 'notes %.0s' {1..150})
add_client() {
  run "" "$FOLIO" --json client add --name "$1" --note "$notes"
  ID=
  [[ $RC == 0 ]] && ID=$(json_get "$OUT" 'd["client"]["id"]')
}

acknowledged=()
add_client "Before The Limit"
expect "a client is added before the limit" 0
acknowledged+=("$ID")
first=$ID

# ---------------------------------------------------------------- a full disk

size=$(stat -c %s "$data/data.mdb")
prlimit --pid "$server_pid" --fsize="$size:" ||
  fail "prlimit lowers foliod's file size limit"
refused=0
for ((i = 0; i < 2000; i++)); do
  add_client "Filler $i"
  if [[ $RC == 0 ]]; then
    acknowledged+=("$ID")
    continue
  fi
  refused=1
  break
done
if ((refused)); then
  pass "a write is refused once the data file cannot grow (after $((${#acknowledged[@]} - 1)) more clients)"
  json_check "the refusal is UNAVAILABLE and says the disk is full" "$ERR" \
    'd["error"]["code"] == "UNAVAILABLE" and "no space left for the database" in d["error"]["message"]'
else
  fail "a write is refused once the data file cannot grow" "2000 clients were added"
fi
kill -0 "$server_pid" 2>/dev/null && pass "foliod survives the full disk" ||
  fail "foliod survives the full disk"
run "" "$FOLIO" --json client show "$first"
expect "reads go on while writes are refused" 0
add_client "Still Full"
json_check "writes stay refused while the disk is full" "$ERR" \
  'd["error"]["code"] == "UNAVAILABLE"'

prlimit --pid "$server_pid" --fsize=unlimited: ||
  fail "prlimit gives the file size back"
add_client "After The Limit"
expect "writing resumes when space returns" 0
acknowledged+=("$ID")

# check_acknowledged WHEN: every acknowledged client is there, once.
check_acknowledged() {
  run "" "$FOLIO" --json client list --limit 1000
  local ids
  ids=$("$PY" -c 'import json,sys; print("\n".join(c["id"] for c in json.load(sys.stdin)["clients"]))' \
    <<<"$OUT")
  local missing=0 id
  for id in "${acknowledged[@]}"; do
    grep -qx "$id" <<<"$ids" || missing=$((missing + 1))
  done
  ((missing == 0)) && pass "all ${#acknowledged[@]} acknowledged clients are there $1" ||
    fail "all acknowledged clients are there $1" "$missing of ${#acknowledged[@]} missing"
}
check_acknowledged "after the full disk"
grep -q "commit failed: no space left for the database" "$tmp/foliod.log" &&
  pass "the log says why the commit failed" ||
  fail "the log says why the commit failed" "$(tail -5 "$tmp/foliod.log")"

# ---------------------------------------------------------------- out of descriptors

open_fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
prlimit --pid "$server_pid" --nofile=$((open_fds + 2)): ||
  fail "prlimit lowers foliod's descriptor limit"
# Thirty connections against room for two: the rest are turned away. While
# they wait, foliod must not burn the CPU (a loop spinning on EMFILE would
# use all of it). Then each tries its TLS handshake: the turned-away ones
# find the connection closed, the others are served; none is left hanging.
if verdict=$("$PY" - "$port" "$server_pid" "$data/tls-cert.pem" <<'EOF'
import os, socket, ssl, sys, time
port, pid, cert = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
tls = ssl.create_default_context(cafile=cert)
ticks = os.sysconf("SC_CLK_TCK")
def cpu():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks
socks = []
for _ in range(30):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    socks.append(s)
time.sleep(0.5)
before, start = cpu(), time.monotonic()
time.sleep(2)
used = (cpu() - before) / (time.monotonic() - start)
closed = served = 0
for s in socks:
    s.settimeout(2)
    try:
        tls.wrap_socket(s, server_hostname="127.0.0.1").close()
        served += 1
    except socket.timeout:
        pass
    except ssl.SSLCertVerificationError:
        raise
    except OSError:
        closed += 1
    s.close()
print("%.2f %d %d" % (used, closed, served))
sys.exit(0 if used < 0.5 and closed >= 20 and closed + served == len(socks) else 1)
EOF
); then
  pass "out of descriptors, foliod turns peers away without spinning ($verdict: CPU share, closed, served over TLS)"
else
  fail "out of descriptors, foliod turns peers away without spinning" \
    "CPU share, closed, served over TLS: $verdict"
fi
prlimit --pid "$server_pid" --nofile=1024: || fail "prlimit gives the descriptors back"
served=0
for ((i = 0; i < 50; i++)); do
  run "" "$FOLIO" whoami
  [[ $RC == 0 ]] && served=1 && break
  sleep 0.1
done
((served)) && pass "foliod serves again once descriptors are back" ||
  fail "foliod serves again once descriptors are back" "$ERR"

stop_server
[[ $RC == 0 ]] && pass "foliod exits 0 after both" || fail "foliod exits 0 after both" "exit $RC"
start_server "$data" --hash-cost min || fail "foliod starts again on the same data"
export FOLIO_SERVER=127.0.0.1:$port
# A session is sent only to the address that issued it; this is a new port.
run "alice-password-1" "$FOLIO" login alice --password-stdin
expect "alice logs in again at the new address" 0
check_acknowledged "after a restart"
stop_server
cli_summary

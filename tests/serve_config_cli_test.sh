#!/usr/bin/env bash
# serve_config_cli_test.sh - foliod serve's config file, FOLIOD_* variables
# and flags: each overrides the one before; refusals name the file, the line
# and the key; docs/foliod.conf names every option; --log-format json;
# SIGHUP applying the file's live options, naming the others as needing a
# restart, and opening a moved --log-file again; sd_notify's READY=1,
# RELOADING=1 and STOPPING=1 on a NOTIFY_SOCKET.
#
# Needs FOLIOD and FOLIO (paths of the built binaries; ctest sets them).
# Starts one foliod on an ephemeral loopback port, keeps every file in a
# temporary directory, and prints "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" serve-config-cli-test

unset FOLIOD_CONFIG FOLIOD_LISTEN FOLIOD_LOG_FORMAT FOLIOD_LOG_LEVEL FOLIOD_PLAINTEXT
conf=$tmp/foliod.conf

# ---------------------------------------------------------------- the example

# The options, from the table --help prints: every one is a key of the
# example but --config and --help.
mapfile -t keys < <("$FOLIOD" serve --help | sed -n 's/^  --\([a-z-]*\).*/\1/p')
missing=()
for key in "${keys[@]}"; do
  [[ $key == config || $key == help ]] && continue
  grep -Eq "^#? ?$key = " "$schema_src/docs/foliod.conf" || missing+=("$key")
done
if ((${#keys[@]} > 30 && ${#missing[@]} == 0)); then
  pass "docs/foliod.conf names each of the ${#keys[@]} options"
else
  fail "docs/foliod.conf names each option" "missing: ${missing[*]}"
fi
# The example itself is read without a complaint (up to its data directory).
run "" "$FOLIOD" serve --config "$schema_src/docs/foliod.conf" --data "$tmp/none" --plaintext \
  --listen 10.0.0.1:1
expect "the example is read: every key and value is known" 2 "" "refusing --plaintext on 10.0.0.1"

# ---------------------------------------------------------------- refusals

printf '[serve]\n# a comment\nmax-frame = 12\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "a bad value names file:line:key" 2 "" "$conf:3: max-frame wants 1024 to"
printf '[serve]\n\nmaxframe = 65536\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "an unknown key names file:line:key" 2 "" "$conf:3: unknown key maxframe"
printf 'listen = 127.0.0.1:1\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "a key outside [serve] is refused" 2 "" "$conf:1: listen: a key outside the [serve]"
printf '[serve]\nconfig = /etc/other.conf\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "config is a flag, not a key" 2 "" "$conf:2: unknown key config"
printf '[serve]\nplaintext = maybe\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "a switch takes true or false" 2 "" "$conf:2: plaintext wants true or false, not maybe"
printf '[serve]\nplaintext\n' >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "a line without = is refused" 2 "" "$conf:2: not a [section] nor a KEY = VALUE line"
run "" "$FOLIOD" serve --config "$tmp/absent.conf"
expect "a missing --config file is refused" 2 "" "cannot read the config file $tmp/absent.conf"
run "" env FOLIOD_MAX_FRAME=big "$FOLIOD" serve --data "$tmp/none"
expect "a bad variable is named" 2 "" "FOLIOD_MAX_FRAME wants 1024 to"

# ---------------------------------------------------------------- precedence

# --plaintext on a non-loopback address is refused naming the address the
# options came to: which of file, variable and flag won.
printf '[serve]\ndata = %s\nplaintext = true\nlisten = 10.0.0.1:1\n' "$tmp/none" >"$conf"
run "" "$FOLIOD" serve --config "$conf"
expect "the file's listen" 2 "" "refusing --plaintext on 10.0.0.1"
run "" env FOLIOD_LISTEN=10.0.0.2:1 "$FOLIOD" serve --config "$conf"
expect "a variable overrides the file" 2 "" "refusing --plaintext on 10.0.0.2"
run "" env FOLIOD_LISTEN=10.0.0.2:1 "$FOLIOD" serve --config "$conf" --listen 10.0.0.3:1
expect "a flag overrides both" 2 "" "refusing --plaintext on 10.0.0.3"
run "" env FOLIOD_CONFIG="$conf" "$FOLIOD" serve
expect "FOLIOD_CONFIG names the file" 2 "" "refusing --plaintext on 10.0.0.1"
run "" env FOLIOD_CONFIG="$tmp/absent.conf" "$FOLIOD" serve --config "$conf"
expect "--config overrides FOLIOD_CONFIG" 2 "" "refusing --plaintext on 10.0.0.1"
run "" env FOLIOD_PLAINTEXT=false "$FOLIOD" serve --config "$conf" --tls-cert "$tmp/c.pem"
expect "a switch turned off by a variable" 2 "" "--tls-cert and --tls-key go together"

# ---------------------------------------------------------------- one server

data=$tmp/data
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Config Firm" --admin boss \
  --password-stdin --hash-cost min
expect "foliod init" 0
printf '[serve]\ndata = %s\nhash-cost = min\nlog-format = text\nlog-level = debug\n' \
  "$data" >"$conf"
export FOLIOD_LOG_FORMAT=json
if ! start_server "$data" --config "$conf"; then
  fail "foliod serve from a config file writes its port file" "$(tail -5 "$tmp/foliod.log")"
  cli_summary
  exit 1
fi
unset FOLIOD_LOG_FORMAT
export FOLIO_SERVER=127.0.0.1:$port
as boss
run "boss-password-1" "$FOLIO" login boss --password-stdin
expect "boss logs in" 0
run "wrong-password-1" "$FOLIO" login boss --password-stdin
expect "a wrong password is refused" 1
run "" "$FOLIO" admin office add North
expect "boss adds an office" 0
add_user alice agent North
as alice
run "" "$FOLIO" client add --name "Zoraida Quispe-Huanca" --email zoraida@example.org
expect "alice adds a client" 0
stop_server
expect "foliod stops on SIGTERM" 0

log=$tmp/foliod.log
json_lines() {
  "$PY" - "$log" "$1" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
docs = [json.loads(l) for l in lines]
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
PY
}
if json_lines 'len(docs) > 3 and all(set(d) - {"fields"} == {"time", "level", "message"} and
    d["time"].endswith("Z") and d["level"] in ("ERROR", "WARN", "INFO", "DEBUG") for d in docs)'; then
  pass "FOLIOD_LOG_FORMAT=json over the file's text: each line one object"
else
  fail "each log line is one JSON object with time, level and message" "$(head -5 "$log")"
fi
if json_lines 'any(d["level"] == "DEBUG" for d in docs)'; then
  pass "the file's log-level debug holds"
else
  fail "the file's log-level debug holds" "$(head -5 "$log")"
fi
if json_lines 'any(d["level"] == "DEBUG" and d["message"] == "request" and
    set(d["fields"]) == {"op", "user", "status", "latency_us", "bytes_in", "bytes_out"} and
    d["fields"]["op"] == "client_add" and d["fields"]["user"] == "alice" and
    d["fields"]["status"] == "OK" and d["fields"]["bytes_in"] > 0 for d in docs)'; then
  pass "one debug line per request: op, user, status, latency and bytes"
else
  fail "one debug line per request" "$(grep client_add "$log" | head -3)"
fi
if json_lines 'any(d["level"] == "WARN" and d["message"] == "failed login" for d in docs)'; then
  pass "a failed login is logged at WARN"
else
  fail "a failed login is logged at WARN" "$(grep -i login "$log" | head -3)"
fi
if grep -q "Zoraida\|zoraida" "$log"; then
  fail "no client data in the log" "$(grep -i zoraida "$log" | head -3)"
else
  pass "no client data in the log"
fi

# ---------------------------------------------------------------- SIGHUP

# wait_for FILE TEXT: until FILE holds TEXT (bounded: 10 s).
wait_for() {
  local i
  for ((i = 0; i < 200; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

logfile=$tmp/logs/foliod.log
mkdir -p "$tmp/logs"
printf '[serve]\nlog-level = info\nhash-cost = min\nidle-timeout = 600\n' >"$conf"
if start_server "$data" --config "$conf" --log-file "$logfile"; then
  pass "foliod serve --log-file"
  export FOLIO_SERVER=127.0.0.1:$port
  check_log() { wait_for "$logfile" "$2" && pass "$1" || fail "$1" "$(tail -5 "$logfile")"; }
  check_log "--log-file gets the log" "listening on 127.0.0.1:$port"
  as alice
  run "alice-password-1" "$FOLIO" login alice --password-stdin
  expect "alice logs in" 0
  run "" "$FOLIO" client list
  expect "alice lists her clients" 0
  ! grep -q '"request"\| request ' "$logfile" && pass "no request lines at log-level info" ||
    fail "no request lines at log-level info" "$(grep request "$logfile" | head -3)"

  # logrotate: the file moved away, then SIGHUP; the file now also asks for
  # debug, a shorter idle timeout and a bigger frame.
  mv "$logfile" "$logfile.1"
  printf '[serve]\nlog-level = debug\nhash-cost = min\nidle-timeout = 300\nmax-frame = 131072\n' \
    >"$conf"
  kill -HUP "$server_pid"
  check_log "SIGHUP opens the log file again, at its path" "SIGHUP: opened the log file again"
  check_log "... applies log-level" "SIGHUP: log-level changed in $conf; applied"
  check_log "... applies idle-timeout" "SIGHUP: idle-timeout changed in $conf; applied"
  check_log "... says max-frame needs a restart" "SIGHUP: max-frame changed in $conf; it needs a restart"
  check_log "... and reads the certificate again" "SIGHUP: reloaded the TLS certificate"
  ! grep -q SIGHUP "$logfile.1" && pass "the moved file has none of it" ||
    fail "the moved file has none of it" "$(grep SIGHUP "$logfile.1")"
  run "" "$FOLIO" client list
  expect "alice lists her clients after SIGHUP, same server" 0
  check_log "debug from SIGHUP on: one line per request" "request op=client_list user=alice status=OK"

  # A flag outranks the file, on SIGHUP as at start.
  stop_server
  printf '[serve]\nlog-level = info\nhash-cost = min\n' >"$conf"
  logfile=$tmp/logs/second.log
  start_server "$data" --config "$conf" --log-file "$logfile" --log-level info
  export FOLIO_SERVER=127.0.0.1:$port
  run "alice-password-1" "$FOLIO" login alice --password-stdin
  printf '[serve]\nlog-level = debug\nhash-cost = min\nplaintext = maybe\n' >"$conf"
  kill -HUP "$server_pid"
  check_log "a file that no longer reads changes nothing, and says why" \
    "the options were not read again, nothing changed: $conf:4: plaintext wants true or false"
  printf '[serve]\nlog-level = debug\nhash-cost = min\n' >"$conf"
  kill -HUP "$server_pid"
  check_log "SIGHUP reads the mended file" "SIGHUP: read $conf again"
  run "" "$FOLIO" client list
  ! grep -q "log-level changed\|request op=" "$logfile" &&
    pass "--log-level on the command line outranks the file on SIGHUP" ||
    fail "--log-level on the command line outranks the file on SIGHUP" "$(grep -i level "$logfile")"
  stop_server
  expect "foliod stops cleanly" 0
else
  fail "foliod serve --log-file" "$(tail -5 "$tmp/foliod.log")"
fi
run "" "$FOLIOD" serve --data "$data" --log-file "$tmp/no/such/dir/foliod.log"
expect "a --log-file that cannot be opened is refused, named" 1 "" \
  "--log-file: cannot open the log file $tmp/no/such/dir/foliod.log"

# ---------------------------------------------------------------- sd_notify

# systemd's side of Type=notify: a datagram socket named by NOTIFY_SOCKET;
# foliod is started, sent SIGHUP once ready, then SIGTERM.
if [[ $(ldd "$FOLIOD" 2>/dev/null) == *libsystemd* ]]; then
  rm -f "$tmp/port"
  notes=$("$PY" - "$FOLIOD" "$data" "$tmp" <<'PY' 2>&1
import os, signal, socket, subprocess, sys
foliod, data, tmp = sys.argv[1:4]
path = os.path.join(tmp, "notify.sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
sock.settimeout(20)
env = dict(os.environ, NOTIFY_SOCKET=path)
log = open(os.path.join(tmp, "notify-foliod.log"), "w")
proc = subprocess.Popen([foliod, "serve", "--data", data, "--listen", "127.0.0.1:0",
                         "--hash-cost", "min"], env=env, stderr=log)
def note():
    return sock.recv(4096).decode().replace("\n", " ")
try:
    print(note())
    proc.send_signal(signal.SIGHUP)
    print(note())
    print(note())
    proc.send_signal(signal.SIGTERM)
    print(note())
    print("exit", proc.wait(timeout=20))
except Exception as e:
    proc.kill()
    print("error", e)
PY
)
  mapfile -t note <<<"$notes"
  [[ ${note[0]} == "READY=1 STATUS=serving" ]] && pass "READY=1 once listening" ||
    fail "READY=1 once listening" "$notes"
  [[ ${note[1]} =~ ^RELOADING=1\ MONOTONIC_USEC=[0-9]+$ ]] &&
    pass "SIGHUP: RELOADING=1 with MONOTONIC_USEC" || fail "SIGHUP: RELOADING=1 with MONOTONIC_USEC" "$notes"
  [[ ${note[2]} == "READY=1 STATUS=reloaded" ]] && pass "... then READY=1" ||
    fail "... then READY=1" "$notes"
  [[ ${note[3]} == "STOPPING=1" && ${note[4]} == "exit 0" ]] && pass "SIGTERM: STOPPING=1, then exit 0" ||
    fail "SIGTERM: STOPPING=1, then exit 0" "$notes" "$(tail -3 "$tmp/notify-foliod.log")"
else
  pass "sd_notify not checked: foliod is built without libsystemd (FOLIO_SYSTEMD=OFF)"
fi

cli_summary

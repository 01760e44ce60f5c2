#!/usr/bin/env bash
# serve_config_cli_test.sh - foliod serve's config file, FOLIOD_* variables
# and flags: each overrides the one before; refusals name the file, the line
# and the key; docs/foliod.conf names every option; --log-format json.
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

cli_summary

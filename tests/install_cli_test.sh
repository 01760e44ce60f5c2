#!/usr/bin/env bash
# install_cli_test.sh - cmake --install into a temporary prefix: the programs,
# the example config, the systemd unit (checked by systemd-analyze verify
# where systemd is) and the folio user's sysusers.d file; the installed
# foliod serves from the installed example config.
#
# Needs FOLIOD and FOLIO (paths of the built binaries, in the build directory
# to install from; ctest sets them). Starts one foliod on an ephemeral
# loopback port, keeps every file in a temporary directory, and prints
# "N passed, N failed"; exits 1 on failure.
. "$(dirname "$0")/cli_lib.sh" install-cli-test

build=$(dirname "$FOLIOD")
prefix=$tmp/prefix
run "" cmake --install "$build" --prefix "$prefix"
expect "cmake --install into a temporary prefix" 0
doc=$prefix/share/doc/folio
for file in sbin/foliod bin/folio share/doc/folio/foliod.conf lib/systemd/system/foliod.service \
  lib/sysusers.d/folio.conf share/man/man8/foliod.8; do
  if [[ -s $prefix/$file ]]; then
    pass "installed: $file"
  else
    fail "installed: $file" "$(cd "$prefix" && find . -type f | head -30)"
  fi
done

unit=$prefix/lib/systemd/system/foliod.service
for line in "User=folio" "NoNewPrivileges=yes" "ProtectSystem=strict" \
  "ReadWritePaths=/var/lib/folio" "Restart=on-failure" "ExecStart=/"; do
  if grep -q "^$line" "$unit"; then
    pass "the unit says $line"
  else
    fail "the unit says $line" "$(grep -v '^#' "$unit")"
  fi
done
if command -v systemd-analyze >/dev/null; then
  # The unit names the binary where the configured prefix puts it: point it
  # at the one installed here, which exists.
  sed "s#^ExecStart=[^ ]*#ExecStart=$prefix/sbin/foliod#" "$unit" >"$tmp/foliod.service"
  run "" systemd-analyze verify --man=no "$tmp/foliod.service"
  if [[ $RC == 0 && $OUT$ERR != *foliod.service* ]]; then
    pass "systemd-analyze verify: no complaint"
  else
    fail "systemd-analyze verify" "exit $RC" "$OUT" "$ERR"
  fi
else
  pass "systemd-analyze verify skipped: no systemd here"
fi

# The daily backup's units: installed, and verified together where systemd is.
units=$prefix/lib/systemd/system
for file in foliod-backup.service foliod-backup.timer; do
  if [[ -s $units/$file ]]; then
    pass "installed: $file"
  else
    fail "installed: $file" "$(cd "$prefix" && find . -type f | head -30)"
  fi
done
if command -v systemd-analyze >/dev/null; then
  sed "s#^ExecStart=[^ ]*#ExecStart=$prefix/sbin/foliod#" "$units/foliod-backup.service" \
    >"$tmp/foliod-backup.service"
  cp "$units/foliod-backup.timer" "$tmp/"
  run "" systemd-analyze verify --man=no "$tmp/foliod-backup.service" "$tmp/foliod-backup.timer"
  if [[ $RC == 0 && $OUT$ERR != *foliod-backup* ]]; then
    pass "systemd-analyze verify foliod-backup: no complaint"
  else
    fail "systemd-analyze verify foliod-backup" "exit $RC" "$OUT" "$ERR"
  fi
fi

# The installed foliod serves from the installed example; the flags name
# this test's data directory and port.
FOLIOD=$prefix/sbin/foliod
data=$tmp/data
run "boss-password-1" "$FOLIOD" init --data "$data" --firm "Install Firm" --admin boss \
  --password-stdin --hash-cost min
expect "the installed foliod makes a firm" 0
if start_server "$data" --config "$doc/foliod.conf" --hash-cost min; then
  pass "the installed foliod serves from the installed example config"
  export FOLIO_SERVER=127.0.0.1:$port
  as boss
  run "boss-password-1" "$prefix/bin/folio" login boss --password-stdin
  expect "the installed folio logs in" 0
  stop_server
  expect "foliod stops on SIGTERM" 0
else
  fail "the installed foliod serves from the example config" "$(tail -5 "$tmp/foliod.log")"
fi
cli_summary

#!/usr/bin/env bash
# install_cli_test.sh - cmake --install into a temporary prefix: the programs,
# the example config, the systemd unit (checked by systemd-analyze verify
# where systemd is) and the folio user's sysusers.d file; the installed
# foliod serves from the installed example config. Where cpack and dpkg-deb
# are, the Debian package cpack builds holds the same, with its postinst,
# and its foliod runs from a dpkg -x of it.
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
  "ReadWritePaths=/var/lib/folio" "Restart=on-failure" "ExecStart=/" "Type=notify" \
  "ExecReload=/bin/kill -HUP \$MAINPID"; do
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

# ---------------------------------------------------------------- the .deb

if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
  # Uncompressed: the test reads the package, and a sanitizer build's
  # binaries take long to compress.
  run "" cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" \
    -D CPACK_DEBIAN_COMPRESSION_TYPE=none
  expect "cpack -G DEB builds the package" 0
  deb=$(ls "$tmp"/pkg/folio_*.deb 2>/dev/null | head -1)
  if [[ -s $deb ]]; then
    pass "the package is $(basename "$deb")"
    run "" dpkg-deb -I "$deb"
    info=$OUT
    [[ $info == *"Package: folio"* && $info == *"Depends: "*libuv1*libsodium*iso-codes* ||
      $info == *"Package: folio"* && $info == *"Depends: "*iso-codes*libuv1* ]] &&
      pass "dpkg-deb -I: package folio, depending on the libraries and iso-codes" ||
      fail "dpkg-deb -I: package folio, depending on the libraries and iso-codes" "$info"
    [[ $info == *postinst* ]] && pass "... with a postinst" || fail "... with a postinst" "$info"
    run "" dpkg-deb -c "$deb"
    contents=$OUT
    # Where the unit says foliod is, the package puts it.
    sbin=$(sed -n 's#^ExecStart=\(/[^ ]*\)/foliod .*#\1#p' "$unit")
    paths=$(awk '{print $NF}' <<<"$contents")
    for file in "$sbin/foliod" bin/folio bin/folio-bench bin/folio-seed \
      lib/systemd/system/foliod.service lib/sysusers.d/folio.conf share/man/man8/foliod.8 \
      share/man/man1/folio.1 share/doc/folio/foliod.conf; do
      pattern="^\./(.*/)?$file\$"
      [[ $file == /* ]] && pattern="^\.$file\$"
      if grep -qE "$pattern" <<<"$paths"; then
        pass "the package holds $file"
      else
        fail "the package holds $file" "$(head -20 <<<"$paths")"
      fi
    done
    root=$tmp/root
    run "" dpkg -x "$deb" "$root"
    expect "dpkg -x unpacks it" 0
    packaged=$(find "$root" -path "*/sbin/foliod" -type f | head -1)
    run "" "$packaged" --version
    expect "the packaged foliod runs: foliod --version" 0 "foliod "
    dpkg-deb -e "$deb" "$tmp/control" 2>/dev/null
    grep -q "systemd-sysusers .*/sysusers.d/folio.conf" "$tmp/control/postinst" 2>/dev/null &&
      pass "the postinst makes the folio user with systemd-sysusers" ||
      fail "the postinst makes the folio user with systemd-sysusers" \
        "$(cat "$tmp/control/postinst" 2>&1)"
  else
    fail "cpack writes folio_VERSION_ARCH.deb" "$ERR" "$(ls "$tmp/pkg" 2>&1)"
  fi
else
  pass "the .deb is not built: no cpack or dpkg-deb here"
fi
cli_summary

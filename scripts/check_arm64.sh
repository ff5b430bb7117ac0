#!/usr/bin/env bash
# Checks the linux-arm64 binary on an x64 machine: `file` says aarch64, and under qemu-user
# `openmotoko version` runs and `serve` answers /api/health, then stops cleanly on SIGTERM.
# Usage: scripts/check_arm64.sh [BINARY]   (default dist/linux-arm64/openmotoko; scripts/publish.sh linux-arm64 builds it)
# As root with apt-get it installs what is missing (file, qemu-user, curl, the arm64 C library).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/dist/linux-arm64/openmotoko}"
[ -x "$bin" ] || { echo "check_arm64: no executable at $bin (run scripts/publish.sh linux-arm64)" >&2; exit 1; }
sysroot=/usr/aarch64-linux-gnu

missing=()
command -v file >/dev/null 2>&1 || missing+=(file)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "$(uname -m)" != aarch64 ]; then
  command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
  [ -e /lib/ld-linux-aarch64.so.1 ] || [ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || missing+=(libc6-arm64-cross)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "check_arm64: installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  else
    echo "check_arm64: missing ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
# The arm64 C library: the multiarch libc6:arm64 (publish.sh installs it with libsqlite3-dev:arm64) when
# present, else the cross one under $sysroot. Never -L with both installed: the loader would come from one
# and libc.so.6 from the other, and a mismatched pair hangs at the first thread.
run=("$bin")
if [ "$(uname -m)" != aarch64 ]; then
  if [ -e /lib/ld-linux-aarch64.so.1 ]; then run=(qemu-aarch64 "$bin"); else run=(qemu-aarch64 -L "$sysroot" "$bin"); fi
fi

data="$(mktemp -d)"
log="$data/serve.log"
pid=""
cleanup() { if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; rm -rf "$data"; }
trap cleanup EXIT
fail() { echo "check_arm64: FAIL: $*" >&2; [ -f "$log" ] && { echo "--- daemon log" >&2; cat "$log" >&2; }; exit 1; }

kind="$(file -b "$bin")"
[[ "$kind" == *"ELF 64-bit"*"ARM aarch64"* ]] || fail "file says: $kind"
echo "check_arm64: file: $kind"

version="$(timeout 120 "${run[@]}" version)" || fail "'openmotoko version' under ${run[0]} exited $?"
[[ "$version" == *"linux-arm64"* ]] || fail "version said: $version"
echo "check_arm64: version under ${run[0]}:"
printf '  %s\n' "${version//$'\n'/$'\n'  }"

start=$(date +%s%N)
OPENMOTOKO_PASSWORD="arm64-check-password" "${run[@]}" serve --host 127.0.0.1 --port 0 --data-dir "$data" >"$log" 2>&1 &
pid=$!
url=""
deadline=$(( $(date +%s) + 180 ))  # emulation is slow, more so on a busy machine
while [ "$(date +%s)" -lt "$deadline" ]; do
  url="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n1 | sed 's/listening on //')" || true
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the daemon exited during start"
  sleep 0.1
done
[ -n "$url" ] || fail "no 'listening on' line within 180 s"
health="$(curl -sf "$url/api/health")" || fail "GET /api/health"
[[ "$health" == *'"status":"ok"'* ]] || fail "health said: $health"
echo "check_arm64: serve answered /api/health after $(( ($(date +%s%N) - start) / 1000000 )) ms (emulated): $health"

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "check_arm64: stopped cleanly with SIGTERM (exit 0)"

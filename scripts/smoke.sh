#!/usr/bin/env bash
# Smoke-tests a built binary the way a person first meets it: start it on a free loopback port
# with a temp data dir and a password, wait for /api/health, log in, read settings with the
# token, stop it with SIGTERM and expect exit code 0.
# Usage: scripts/smoke.sh [BINARY]   (default dist/openmotoko)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/dist/openmotoko}"
[ -x "$bin" ] || { echo "smoke: no executable at $bin (run scripts/publish.sh)" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "smoke: needs curl (apt-get install curl)" >&2; exit 1; }

data="$(mktemp -d)"
log="$data/serve.log"
password="smoke-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
fail() { echo "smoke: FAIL: $*" >&2; echo "--- daemon log" >&2; cat "$log" >&2 || true; exit 1; }

# Port 0: the kernel picks a free port, and the daemon logs the URL it got.
OPENMOTOKO_PASSWORD="$password" "$bin" serve --host 127.0.0.1 --port 0 --data-dir "$data" >"$log" 2>&1 &
pid=$!

url=""
for _ in $(seq 1 200); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n1 | sed 's/listening on //')" || true
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the daemon exited during start"
  sleep 0.05
done
[ -n "$url" ] || fail "no 'listening on' line within 10 s"
echo "smoke: daemon at $url"

health="$(curl -sf "$url/api/health")" || fail "GET /api/health"
[[ "$health" == *'"status":"ok"'* ]] || fail "health said: $health"
echo "smoke: health ok: $health"

# The huge-page hint linked into the executable (src/OpenMotoko/Native/hugepage_hint.c): the
# anonymous region right after the executable's own mappings, where the runtime rehydrates its type
# data, carries the kernel's "hg" flag (MADV_HUGEPAGE). Checked where the kernel has huge pages.
if [ -d /sys/kernel/mm/transparent_hugepage ] && [ -r "/proc/$pid/smaps" ]; then
  flags="$(awk -v exe="$(readlink -f "$bin")" '
    /^[0-9a-f]+-[0-9a-f]+ / { want = (after && NF < 6); after = ($6 == exe); next }
    want && /^VmFlags:/ { print; exit }' "/proc/$pid/smaps")"
  [[ " $flags " == *" hg "* ]] || fail "the region after the executable is not advised for huge pages ($flags)"
  echo "smoke: the rehydrated type data is advised for huge pages"
fi

# The code layout publish.sh records (scripts/layout_profile.py): what start-up ran sits together at
# the front, so after start less than half of the executable's code mapping is resident (nearly all
# of it without the layout). Recorded on x86-64 hosts; LAYOUT_PROFILE=0 publishes without it.
if [ "$(uname -m)" = x86_64 ] && [ "${LAYOUT_PROFILE:-1}" != 0 ] && [ -r "/proc/$pid/smaps" ]; then
  code="$(awk -v exe="$(readlink -f "$bin")" '
    /^[0-9a-f]+-[0-9a-f]+ / { want = ($2 ~ /x/ && $6 == exe); next }
    want && /^Size:/ { size = $2 } want && /^Rss:/ { print size, $2; exit }' "/proc/$pid/smaps")"
  read -r code_kb resident_kb <<<"$code"
  [ -n "$resident_kb" ] && [ $(( resident_kb * 2 )) -lt "$code_kb" ] ||
    fail "$resident_kb of the $code_kb kB of code are resident after start: the binary was published without its code layout"
  echo "smoke: code layout in effect: $resident_kb of $code_kb kB of code resident after start"
fi

login="$(curl -sf -X POST "$url/api/auth/login" -H 'Content-Type: application/json' -d "{\"password\":\"$password\"}")" || fail "login"
token="$(printf '%s' "$login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || fail "no token in the login answer"
echo "smoke: logged in"

settings="$(curl -sf "$url/api/settings" -H "Authorization: Bearer $token")" || fail "GET /api/settings"
[[ "$settings" == *'"app.port"'* ]] || fail "settings said: $settings"
unauthorized="$(curl -s -o /dev/null -w '%{http_code}' "$url/api/settings")"
[ "$unauthorized" = 401 ] || fail "settings without a token answered $unauthorized, not 401"
echo "smoke: settings read with the token; 401 without it"

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "smoke: stopped cleanly with SIGTERM (exit 0)"

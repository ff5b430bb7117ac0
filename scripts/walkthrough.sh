#!/usr/bin/env bash
# The first-install walk-through, from release.sh's output to a healthy daemon, as a new user does it
# (docs/deploy.md): install.sh from a release server -> `openmotoko passwd` -> `openmotoko service
# install --dry-run` -> `openmotoko serve` -> /api/health 200 and a login with the new password.
# It runs with a fresh HOME (so the default data dir is new) and a clean environment.
# Usage: scripts/walkthrough.sh [RELEASE_DIR]   (default dist/release; run scripts/release.sh first)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
release="${1:-$root/dist/release}"
[ -f "$release/SHA256SUMS" ] || { echo "walkthrough: no $release/SHA256SUMS (run scripts/release.sh)" >&2; exit 1; }
# Not under /tmp: the service runs with PrivateTmp, so a binary there would be invisible to it.
mkdir -p "$root/dist"
work="$(mktemp -d "$root/dist/walkthrough-XXXXXX")"
# shellcheck source=scripts/release_kit.sh
. "$root/scripts/release_kit.sh"
pid=""
trap 'stop_served; if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
step() { printf '\n== walkthrough: %s\n' "$*"; }

home="$work/home"
bindir="$home/.local/bin"
mkdir -p "$home"
user_env=(env -i HOME="$home" PATH="$bindir:/usr/bin:/bin" LANG=C.UTF-8)
password="walkthrough-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

step "install: curl -fsSL <release>/install.sh | sh"
serve_dir "$release"
"${user_env[@]}" OPENMOTOKO_RELEASE_URL="$served_url" OPENMOTOKO_INSTALL_DIR="$bindir" \
  sh -c "curl -fsSL '$served_url/install.sh' | sh" 2>&1 | tee "$work/out"
[ "${PIPESTATUS[0]}" = 0 ] || fail "install.sh failed"
stop_served
[ -x "$bindir/openmotoko" ] || fail "nothing installed in $bindir"
"${user_env[@]}" openmotoko version | tee "$work/out"

step "openmotoko passwd (the password on stdin)"
printf '%s\n' "$password" | "${user_env[@]}" openmotoko passwd 2>&1 | tee "$work/out"
[ "${PIPESTATUS[1]}" = 0 ] || fail "openmotoko passwd failed"

step "openmotoko service install --user --dry-run"
"${user_env[@]}" openmotoko service install --user --dry-run 2>&1 | tee "$work/out"
[ "${PIPESTATUS[0]}" = 0 ] || fail "service install --dry-run failed"
grep -q "^Would write .*openmotoko" "$work/out" || fail "the dry run does not say which service file it would write"
grep -q "ExecStart=.*$bindir/openmotoko.* serve" "$work/out" || grep -q "<string>$bindir/openmotoko</string>" "$work/out" ||
  fail "the service file does not run $bindir/openmotoko serve"

step "openmotoko serve"
"${user_env[@]}" openmotoko serve --host 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 200); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -n1 | sed 's/listening on //')" || true
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cp "$work/serve.log" "$work/out"; fail "the daemon exited during start"; }
  sleep 0.05
done
cp "$work/serve.log" "$work/out"
[ -n "$url" ] || fail "no 'listening on' line within 10 s"
code="$(curl -s -o "$work/health" -w '%{http_code}' "$url/api/health")"
[ "$code" = 200 ] || fail "GET /api/health answered $code"
echo "health: 200 $(cat "$work/health")"
login="$(curl -s -X POST "$url/api/auth/login" -H 'Content-Type: application/json' -d "{\"password\":\"$password\"}")"
[[ "$login" == *'"token":"'* ]] || fail "login with the password set by passwd failed: $login"
echo "login with the password from passwd: ok"
[ -f "$home/.local/share/openmotoko/openmotoko.db" ] || fail "no database in the default data dir under the new HOME"
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "stopped with SIGTERM (exit 0)"
echo "walkthrough: install -> passwd -> service install --dry-run -> serve -> health: all passed"

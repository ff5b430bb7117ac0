# shellcheck shell=bash disable=SC2034,SC2154  # sourced: $work comes from the caller, $served_url goes to it
# What scripts/test_install.sh and scripts/walkthrough.sh share (sourced, bash):
# serve_dir DIR   serves DIR on a free loopback port with python3's http.server; sets $served_url.
# fail MESSAGE    prints the failure with the last output and exits 1.
# Both use $work (a temp folder the caller creates) and clean up the server on exit.

served_pid=""
served_url=""

serve_dir() {
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$work/http.log" 2>&1 &
  served_pid=$!
  local port=""
  for _ in $(seq 1 100); do
    port="$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/http.log" | head -n1)"
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || fail "python3 -m http.server did not start"
  served_url="http://127.0.0.1:$port"
}

stop_served() { [ -n "$served_pid" ] && kill "$served_pid" 2>/dev/null; served_pid=""; }

fail() {
  echo "${0##*/}: FAIL: $*" >&2
  [ -f "$work/out" ] && { echo "--- last output" >&2; cat "$work/out" >&2; }
  exit 1
}

# The release's version, from the archive names in SHA256SUMS.
release_version() {
  sed -n 's/.*openmotoko-\(.*\)-linux-x64\.tar\.gz$/\1/p' "$1/SHA256SUMS" | head -n1
}

#!/usr/bin/env bash
# Measures the published binary: size, exec -> first 200 from /api/health (median of 20), idle
# RSS 5 s after start, and RSS + requests/s after 10 s of wrk on /api/health and on an
# authenticated GET /api/settings; then the agent path (scripts/bench_agent.py: latency the daemon
# adds per message over an instant fake provider, msgs/s with 8 conversations, RSS after 10k); then
# start-up and footprint against a minimal native-AOT Kestrel app (scripts/bench_startup.sh). Loopback only. Prints a Markdown table for docs/benchmarks.md.
# Usage: scripts/bench.sh [BINARY]   (default dist/openmotoko; build it with scripts/publish.sh)
# Needs wrk, curl and python3 (installed with apt-get when run as root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-$root/dist/openmotoko}")"
[ -x "$bin" ] || { echo "bench: no executable at $bin (run scripts/publish.sh)" >&2; exit 1; }
missing=()
for tool in wrk curl python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bench: install ${missing[*]} first (sudo apt-get install ${missing[*]})" >&2; exit 1
  fi
fi

data="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
password="bench-password-1"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export OPENMOTOKO_PASSWORD="$password" OPENMOTOKO_OWNER_RATE_LIMIT=0 OPENMOTOKO_LOG_LEVEL=Warning

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }

# Migrate once, so the start-up figure is a restart's, as on a running system.
"$bin" config get app.port --data-dir "$data" >/dev/null

start_ms="$(python3 - "$bin" "$data" "$port" <<'PY'
import os, socket, statistics, subprocess, sys, time
binary, data, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
request = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
samples = []
for _ in range(20):
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(request)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.0005)
        if time.perf_counter() - t0 > 10:
            sys.exit("no 200 within 10 s")
    samples.append((time.perf_counter() - t0) * 1000)
    proc.terminate()
    proc.wait()
print(f"{statistics.median(samples):.1f}")
PY
)"

"$bin" serve --port "$port" --data-dir "$data" >/dev/null 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$url/api/health" >/dev/null && break; sleep 0.05; done
sleep 5
idle="$(rss_kb "$pid")"

token="$(curl -sf -X POST "$url/api/auth/login" -H 'Content-Type: application/json' -d "{\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

rps() { wrk -t2 -c32 -d10s "$@" | awk '/Requests\/sec/ {print $2}'; }
health_rps="$(rps "$url/api/health")"
health_rss="$(rss_kb "$pid")"
settings_rps="$(rps -H "Authorization: Bearer $token" "$url/api/settings")"
settings_rss="$(rss_kb "$pid")"
non2xx="$(wrk -t1 -c1 -d1s -H "Authorization: Bearer $token" "$url/api/settings" | awk '/Non-2xx/ {print $4}')"

size="$(stat -c %s "$bin")"
cat <<TABLE
| figure | value |
|---|---|
| binary size | $(awk -v b="$size" 'BEGIN { printf "%.1f MB (%d bytes)", b / 1048576, b }') |
| exec -> first 200 from /api/health (median of 20) | ${start_ms} ms |
| RSS idle, 5 s after start | $(mb "$idle") |
| GET /api/health, wrk -t2 -c32 -d10s | ${health_rps} req/s, RSS after $(mb "$health_rss") |
| GET /api/settings (Bearer), wrk -t2 -c32 -d10s | ${settings_rps} req/s, RSS after $(mb "$settings_rss") |
TABLE
# The agent path: the daemon's own cost per message against a fake provider that answers at once.
python3 "$root/scripts/bench_agent.py" "$bin"
# Start-up and footprint next to the floor, a minimal native-AOT Kestrel app built the same way.
"$root/scripts/bench_startup.sh" "$bin"
[ -z "$non2xx" ] || echo "warning: $non2xx non-2xx answers on /api/settings" >&2

#!/usr/bin/env bash
# Start-up and footprint of the daemon next to the floor: the smallest native-AOT Kestrel app
# (scripts/bench-floor: CreateSlimBuilder and one /api/health route), published here into a
# temporary directory the same way as the daemon. Prints a Markdown table for docs/benchmarks.md:
# medians of `version` and of exec -> first 200 from /api/health (existing and new database), wall
# and CPU time, idle RSS and binary size, with the ratio to the floor (scripts/bench_startup.py).
# Usage: scripts/bench_startup.sh [BINARY [NAME=OTHER_BINARY ...]]   (default dist/openmotoko)
# Extra NAME=BINARY pairs are measured in the same alternating runs, e.g. the build of a base commit for an A/B.
# Environment: RUNS (default 20).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-$root/dist/openmotoko}")"
[ $# -gt 0 ] && shift
[ -x "$bin" ] || { echo "bench_startup: no executable at $bin (run scripts/publish.sh)" >&2; exit 1; }
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "bench_startup: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac

floor="$(mktemp -d)"
trap 'rm -rf "$floor"' EXIT
echo "bench_startup: publishing the floor app (a minute or two)" >&2
dotnet publish "$root/scripts/bench-floor" -c Release -r "$rid" -o "$floor" -nologo -v:q -clp:NoSummary >&2
python3 "$root/scripts/bench_startup.py" --runs "${RUNS:-20}" openmotoko="$bin" "$@" floor="$floor/bench-floor"

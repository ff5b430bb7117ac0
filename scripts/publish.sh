#!/usr/bin/env bash
# Builds the native binary: dist/openmotoko, ONE file with SQLite linked in statically.
# Usage: scripts/publish.sh [RID]   (RID: linux-x64 (default) or linux-arm64)
#        VERSION=1.2.3 scripts/publish.sh ...   stamps that version (default: Directory.Build.props)
#        LAYOUT_PROFILE=0 scripts/publish.sh ...  skips recording the code layout (below)
# Output: dist/RID/openmotoko; for this machine's RID also dist/openmotoko.
# Needs: the .NET SDK, a C toolchain (clang or gcc) and the static SQLite library of the target
# (Debian: libsqlite3-dev). As root with apt-get it installs what is missing; otherwise it says what to install.
set -euo pipefail

rid="${1:-linux-x64}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

case "$rid" in
  linux-x64) triple=x86_64-linux-gnu ;;
  linux-arm64) triple=aarch64-linux-gnu ;;
  osx-*)
    echo "publish.sh: macOS binaries must be built on a Mac: dotnet publish src/OpenMotoko -c Release -r $rid -o dist" >&2
    echo "            (SQLite then ships as libe_sqlite3.dylib beside the binary)." >&2
    exit 2 ;;
  *) echo "publish.sh: unsupported RID '$rid' (use linux-x64 or linux-arm64)" >&2; exit 2 ;;
esac
host_triple="$(uname -m)-linux-gnu"
sqlite_a="/usr/lib/$triple/libsqlite3.a"

missing=()
[ -f "$sqlite_a" ] || { [ "$triple" = "$host_triple" ] && missing+=(libsqlite3-dev) || missing+=("libsqlite3-dev:arm64"); }
if [ "$triple" = "$host_triple" ]; then
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=(gcc)
else
  command -v "$triple-gcc" >/dev/null 2>&1 || missing+=("gcc-$triple")
  command -v clang >/dev/null 2>&1 || [ -x /usr/lib/llvm-14/bin/clang ] || missing+=(clang)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "publish.sh: installing ${missing[*]}"
    [[ " ${missing[*]} " == *":arm64"* ]] && dpkg --add-architecture arm64
    # Waits for another apt-get (e.g. a parallel job) instead of failing on its lock.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  else
    echo "publish.sh: missing ${missing[*]}. Install them first, e.g.:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# Cross-linking for arm64 needs clang with --target; Debian's clang-14 lives outside PATH.
if [ "$triple" != "$host_triple" ] && ! command -v clang >/dev/null 2>&1; then
  export PATH="/usr/lib/llvm-14/bin:$PATH"
fi

out="$root/dist/$rid"
rm -rf "$out"
t0=$(date +%s)
say() { echo "publish.sh: [$(( $(date +%s) - t0 )) s] $*"; }

# The version and commit `openmotoko version` prints: VERSION (release.sh sets it) and the checkout's commit.
common=(-c Release -p:StaticSqlite=true -nologo)
[ -n "${VERSION:-}" ] && common+=("-p:Version=$VERSION")
commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || true)"
[ -n "$commit" ] && common+=("-p:SourceRevisionId=$commit")
props=(-r "$rid" "${common[@]}")

say "restore ($rid: the native AOT compiler package is downloaded once)"
dotnet restore src/OpenMotoko -r "$rid" -p:StaticSqlite=true -v:q -nologo

# dotnet publish says nothing for minutes at -v:q, so say which phase it is in by watching the files
# each phase writes: the IL assembly (C# compile), the object file (native compile), the executable (link).
# Usage: publish_into DIR RID [MSBUILD ARGS...]
publish_into() {
  local dir="$1" prid="$2"; shift 2
  local pobj="$root/src/OpenMotoko/obj/Release/net10.0/$prid" stamp phase next last publish_pid
  stamp="$(mktemp)"
  dotnet publish src/OpenMotoko "$@" --no-restore -o "$dir" -v:q -clp:NoSummary &
  publish_pid=$!
  phase="compile C#"; say "$phase"; last=$(date +%s)
  while kill -0 "$publish_pid" 2>/dev/null; do
    sleep 1
    next="$phase"
    if [ "$pobj/native/openmotoko.o" -nt "$stamp" ]; then next="native link"
    elif [ "$pobj/openmotoko.dll" -nt "$stamp" ] || [ "$pobj/native/openmotoko.ilc.rsp" -nt "$stamp" ]; then next="native AOT compile (the longest phase)"; fi
    if [ "$next" != "$phase" ]; then phase="$next"; say "$phase"; last=$(date +%s)
    elif [ $(( $(date +%s) - last )) -ge 15 ]; then say "still: $phase"; last=$(date +%s); fi
  done
  rm -f "$stamp"
  wait "$publish_pid" || { echo "publish.sh: dotnet publish failed ($prid)" >&2; exit 1; }
}

# Code layout: the managed methods that start-up, idle and the common requests run go first in the
# binary, in the order they first run, so the kernel maps about 2 MB of code instead of nearly all
# 10 MB (idle RSS -8 MB, docs/benchmarks.md). The order comes from running an unstripped build of
# the same sources under scripts/layout_trace.c (scripts/layout_profile.py); it is kept in
# src/OpenMotoko/obj/layout and recorded again when the sources change. Recorded on x86-64 hosts
# and used for every RID (on arm64 95 % of the names match; docs/architecture.md); LAYOUT_PROFILE=0,
# or a host where it cannot be recorded, keeps the compiler's default order, with a note.
layout="$root/src/OpenMotoko/obj/layout"
order="$layout/hot-methods.txt"
record_layout() {
  if [ "${LAYOUT_PROFILE:-1}" = 0 ]; then say "code layout: LAYOUT_PROFILE=0, the compiler's default order"; return 1; fi
  if [ "$host_triple" != x86_64-linux-gnu ]; then say "code layout: recorded on x86-64 hosts only; the compiler's default order"; return 1; fi
  local tool cc key
  for tool in python3 nm readelf; do
    command -v "$tool" >/dev/null 2>&1 || { say "code layout: $tool is missing; the compiler's default order"; return 1; }
  done
  cc="$(command -v cc || command -v gcc || command -v clang || true)"
  [ -n "$cc" ] || { say "code layout: no host C compiler for the tracer; the compiler's default order"; return 1; }
  key="$( (cd "$root" && find src/OpenMotoko Directory.Packages.props Directory.Build.props global.json \
            scripts/layout_trace.c scripts/layout_profile.py \( -name obj -o -name bin \) -prune -o -type f -print0 2>/dev/null |
            sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
  if [ -s "$order" ] && [ "$(cat "$layout/key" 2>/dev/null)" = "$key" ]; then
    say "code layout: the recorded order still matches the sources"; return 0
  fi
  rm -rf "$layout"; mkdir -p "$layout"
  say "code layout: an unstripped linux-x64 build to record which methods run"
  # In a subshell: a failure here (say, no libsqlite3-dev for this host when cross-publishing) costs
  # the layout, not the publish.
  if ( [ "$rid" = linux-x64 ] || dotnet restore src/OpenMotoko -r linux-x64 -p:StaticSqlite=true -v:q -nologo ) &&
     ( publish_into "$layout/bin" linux-x64 -r linux-x64 "${common[@]}" -p:StripSymbols=false ) &&
     "$cc" -O2 -o "$layout/layout_trace" scripts/layout_trace.c &&
     say "code layout: running it under the tracer (version, serve, the common requests; about 10 s)" &&
     python3 scripts/layout_profile.py "$layout/layout_trace" "$layout/bin/openmotoko" "$order"; then
    echo "$key" > "$layout/key"; rm -rf "$layout/bin"; return 0
  fi
  echo "publish.sh: recording the code layout failed (see above; is ptrace allowed?): the compiler's" \
       "default order, about 8 MB more idle RSS" >&2
  rm -rf "$layout"; return 1
}
if record_layout; then props+=("-p:IlcOrderFile=$order"); fi

publish_into "$out" "$rid" "${props[@]}"
say "published"

extra=$(find "$out" -maxdepth 1 -type f ! -name openmotoko | wc -l)
if [ "$extra" -ne 0 ]; then
  echo "publish.sh: expected one file, found more in $out:" >&2
  ls -la "$out" >&2
  exit 1
fi
# dist/openmotoko is the binary for this machine (the smokes run it); other RIDs stay in dist/RID.
if [ "$triple" = "$host_triple" ]; then
  cp "$out/openmotoko" "$root/dist/openmotoko"
fi
size=$(stat -c %s "$out/openmotoko")
say "dist/$rid/openmotoko $(( size / 1024 / 1024 )) MiB ($size bytes)"

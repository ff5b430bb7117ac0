#!/usr/bin/env bash
# Builds the native binary: dist/openmotoko, ONE file with SQLite linked in statically.
# Usage: scripts/publish.sh [RID]   (RID: linux-x64 (default) or linux-arm64)
#        VERSION=1.2.3 scripts/publish.sh ...   stamps that version (default: Directory.Build.props)
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
obj="$root/src/OpenMotoko/obj/Release/net10.0/$rid"
t0=$(date +%s)
say() { echo "publish.sh: [$(( $(date +%s) - t0 )) s] $*"; }

# The version and commit `openmotoko version` prints: VERSION (release.sh sets it) and the checkout's commit.
props=(-c Release -r "$rid" -p:StaticSqlite=true -nologo)
[ -n "${VERSION:-}" ] && props+=("-p:Version=$VERSION")
commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || true)"
[ -n "$commit" ] && props+=("-p:SourceRevisionId=$commit")

say "restore ($rid: the native AOT compiler package is downloaded once)"
dotnet restore src/OpenMotoko -r "$rid" -p:StaticSqlite=true -v:q -nologo

# dotnet publish says nothing for minutes at -v:q, so say which phase it is in by watching the files
# each phase writes: the IL assembly (C# compile), the object file (native compile), the executable (link).
stamp="$(mktemp)"
dotnet publish src/OpenMotoko "${props[@]}" --no-restore -o "$out" -v:q -clp:NoSummary &
publish_pid=$!
phase="compile C#"; say "$phase"; last=$(date +%s)
while kill -0 "$publish_pid" 2>/dev/null; do
  sleep 1
  next="$phase"
  if [ "$obj/native/openmotoko.o" -nt "$stamp" ]; then next="native link"
  elif [ "$obj/openmotoko.dll" -nt "$stamp" ]; then next="native AOT compile (the longest phase)"; fi
  if [ "$next" != "$phase" ]; then phase="$next"; say "$phase"; last=$(date +%s)
  elif [ $(( $(date +%s) - last )) -ge 15 ]; then say "still: $phase"; last=$(date +%s); fi
done
rm -f "$stamp"
wait "$publish_pid" || { echo "publish.sh: dotnet publish failed ($rid)" >&2; exit 1; }
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

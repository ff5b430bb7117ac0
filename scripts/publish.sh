#!/usr/bin/env bash
# Builds the native binary: dist/openmotoko, ONE file with SQLite linked in statically.
# Usage: scripts/publish.sh [RID]   (RID: linux-x64 (default) or linux-arm64)
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
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
echo "publish.sh: native AOT publish for $rid (this takes a minute or two)"
dotnet publish src/OpenMotoko -c Release -r "$rid" -p:StaticSqlite=true -o "$out" -nologo -v:q -clp:NoSummary

cp "$out/openmotoko" "$root/dist/openmotoko"
extra=$(find "$out" -maxdepth 1 -type f ! -name openmotoko | wc -l)
if [ "$extra" -ne 0 ]; then
  echo "publish.sh: expected one file, found more in $out:" >&2
  ls -la "$out" >&2
  exit 1
fi
size=$(stat -c %s "$root/dist/openmotoko")
echo "publish.sh: dist/openmotoko ($rid) $(( size / 1024 / 1024 )) MiB ($size bytes)"

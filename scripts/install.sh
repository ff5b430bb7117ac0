#!/bin/sh
# Installs the openmotoko binary from a release:
#   curl -fsSL https://github.com/openmotoko/openmotoko/releases/latest/download/install.sh | sh
# It picks the archive for this OS and CPU, checks it against the release's SHA256SUMS (and refuses
# on a mismatch), and puts `openmotoko` in /usr/local/bin (as root) or ~/.local/bin.
# Environment:
#   OPENMOTOKO_VERSION       a version such as 0.2.0 (default: the latest release)
#   OPENMOTOKO_RELEASE_URL   where the archives and SHA256SUMS are (default: the project's GitHub
#                            releases: .../releases/latest/download, or .../releases/download/vVERSION)
#   OPENMOTOKO_INSTALL_DIR   where the binary goes (default: /usr/local/bin as root, else ~/.local/bin)
set -eu

say() { printf 'openmotoko install: %s\n' "$*"; }
die() { printf 'openmotoko install: %s\n' "$*" >&2; exit 1; }

releases="https://github.com/openmotoko/openmotoko/releases"
version="${OPENMOTOKO_VERSION:-}"
version="${version#v}"
if [ -n "${OPENMOTOKO_RELEASE_URL:-}" ]; then
  base="${OPENMOTOKO_RELEASE_URL%/}"
elif [ -n "$version" ]; then
  base="$releases/download/v$version"
else
  base="$releases/latest/download"
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=osx ;;
  *) die "no release for $(uname -s); build from source (see README.md)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no release for the $(uname -m) CPU; releases are for 64-bit x86 and ARM (a Raspberry Pi needs a 64-bit OS)" ;;
esac

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  die "needs curl or wget"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  die "needs sha256sum or shasum to check the download"
fi

tmp="$(mktemp -d 2>/dev/null || mktemp -d -t openmotoko)"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $base/SHA256SUMS"
# The checksum list names every archive of the release, so it also tells the latest version's file name.
if [ -n "$version" ]; then
  archive="openmotoko-$version-$os-$arch.tar.gz"
else
  archive="$(sed -n "s/^[0-9a-f]\{64\}  *\*\{0,1\}\(openmotoko-[^ ]*-$os-$arch\.tar\.gz\)\$/\1/p" "$tmp/SHA256SUMS" | head -n 1)"
  [ -n "$archive" ] || die "the release at $base has no archive for $os-$arch"
fi
expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "$archive is not in $base/SHA256SUMS (no such version or platform?)"

say "downloading $archive"
fetch "$base/$archive" "$tmp/$archive" || die "could not download $base/$archive"
actual="$(sha256 "$tmp/$archive")"
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: expected $expected, got $actual. The download is damaged or was altered; nothing was installed."
fi
say "checksum ok ($actual)"

mkdir "$tmp/x"
tar -xzf "$tmp/$archive" -C "$tmp/x"
binary="$(find "$tmp/x" -type f -name openmotoko | head -n 1)"
[ -n "$binary" ] || die "$archive holds no openmotoko binary"
"$binary" version >/dev/null 2>&1 || die "the downloaded binary does not run on this machine ($os-$arch)"

if [ -n "${OPENMOTOKO_INSTALL_DIR:-}" ]; then
  dir="$OPENMOTOKO_INSTALL_DIR"
elif [ "$(id -u)" = 0 ]; then
  dir=/usr/local/bin
else
  dir="${HOME:?HOME is not set}/.local/bin"
fi
mkdir -p "$dir"
# Copy beside the target, then rename: a running daemon keeps its old binary, the next start gets the new one.
cp "$binary" "$dir/.openmotoko.new.$$"
chmod 755 "$dir/.openmotoko.new.$$"
mv -f "$dir/.openmotoko.new.$$" "$dir/openmotoko"
# A macOS build keeps SQLite in a library beside the binary.
for lib in "$(dirname "$binary")"/*.dylib; do
  if [ -f "$lib" ]; then cp "$lib" "$dir/"; fi
done
say "installed $("$dir/openmotoko" version | head -n 1) to $dir/openmotoko"

case ":$PATH:" in
  *":$dir:"*) cmd=openmotoko ;;
  *)
    cmd="$dir/openmotoko"
    say "warning: $dir is not on your PATH; add it (e.g. export PATH=\"$dir:\$PATH\" in ~/.profile) or use the full path" ;;
esac
printf '\nNext:\n  %s passwd      # set the password for the web app and the API\n  %s serve       # start the daemon on http://127.0.0.1:3457\n' "$cmd" "$cmd"

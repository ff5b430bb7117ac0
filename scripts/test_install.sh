#!/usr/bin/env bash
# Tests scripts/install.sh against release.sh's output served by a local HTTP server:
# the installer passes shellcheck; the good archive installs into ~/.local/bin (as an ordinary user, with the PATH
# warning and the next commands) and runs `version`; a chosen version installs where told; a
# corrupted archive and an unknown version are refused with a non-zero exit and nothing installed.
# Usage: scripts/test_install.sh [RELEASE_DIR]   (default dist/release; run scripts/release.sh first)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
release="${1:-$root/dist/release}"
[ -f "$release/SHA256SUMS" ] || { echo "test_install: no $release/SHA256SUMS (run scripts/release.sh)" >&2; exit 1; }
work="$(mktemp -d /var/tmp/openmotoko-install-test-XXXXXX)"
chmod 755 "$work"
# shellcheck source=scripts/release_kit.sh
. "$root/scripts/release_kit.sh"
trap 'stop_served; rm -rf "$work"' EXIT
version="$(release_version "$release")"
[ -n "$version" ] || fail "no linux-x64 archive in $release/SHA256SUMS"
ok() { echo "ok   $*"; }

if ! command -v shellcheck >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq shellcheck >/dev/null 2>&1 ||
    { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq shellcheck >/dev/null; }
fi
command -v shellcheck >/dev/null 2>&1 || fail "shellcheck is not installed (apt-get install shellcheck)"
shellcheck "$root/scripts/install.sh" || fail "shellcheck found problems in scripts/install.sh"
ok "shellcheck scripts/install.sh (POSIX sh)"

# The good release, and a copy whose x64 archive has one byte changed (SHA256SUMS left as released).
cp -r "$release" "$work/www"
cp -r "$release" "$work/www-bad"
archive="openmotoko-$version-linux-x64.tar.gz"
printf 'X' | dd of="$work/www-bad/$archive" bs=1 seek=5000 conv=notrunc status=none
chmod -R a+rX "$work/www" "$work/www-bad"

# 1. The one-liner as an ordinary user with a fresh HOME: the latest release into ~/.local/bin.
serve_dir "$work/www"
home="$work/home"
mkdir -p "$home"
as_user=(env)
if [ "$(id -u)" = 0 ]; then
  chown 65534:65534 "$home"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups env)
fi
"${as_user[@]}" -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin OPENMOTOKO_RELEASE_URL="$served_url" \
  sh -c "curl -fsSL '$served_url/install.sh' | sh" >"$work/out" 2>&1 || fail "install.sh exited $? for the good release"
[ -x "$home/.local/bin/openmotoko" ] || fail "no $home/.local/bin/openmotoko after installing"
"$home/.local/bin/openmotoko" version | grep -qx "openmotoko $version" || fail "the installed binary does not say version $version"
grep -q "checksum ok" "$work/out" || fail "install.sh did not report the checksum"
grep -q "is not on your PATH" "$work/out" || fail "no warning that ~/.local/bin is not on PATH"
if ! grep -q "openmotoko passwd" "$work/out" || ! grep -q "openmotoko serve" "$work/out"; then fail "the next two commands were not printed"; fi
ok "good archive: installed to ~/.local/bin as uid $("${as_user[@]}" id -u), runs 'version' ($version), warns about PATH, prints the next commands"

# 2. A chosen version into a chosen folder; with wget and no curl on PATH when wget is installed.
tools=/usr/bin:/bin
fetcher=curl
if command -v wget >/dev/null 2>&1; then
  mkdir "$work/tools"
  for tool in sh uname id mktemp sed awk cut head find tar gzip sha256sum cp chmod mv mkdir rm cat wget; do
    ln -s "$(command -v "$tool")" "$work/tools/$tool"
  done
  tools="$work/tools"
  fetcher=wget
fi
"${as_user[@]}" -i HOME="$home" PATH="$home/bin:$tools" OPENMOTOKO_RELEASE_URL="$served_url" \
  OPENMOTOKO_VERSION="v$version" OPENMOTOKO_INSTALL_DIR="$home/bin" sh "$work/www/install.sh" >"$work/out" 2>&1 ||
  fail "install.sh exited $? for OPENMOTOKO_VERSION=v$version"
"$home/bin/openmotoko" version | grep -qx "openmotoko $version" || fail "OPENMOTOKO_INSTALL_DIR: no working binary in $home/bin"
grep -q "is not on your PATH" "$work/out" && fail "warned about PATH although $home/bin is on it"
ok "OPENMOTOKO_VERSION=v$version and OPENMOTOKO_INSTALL_DIR with $fetcher: installed there, no PATH warning"

# 3. An unknown version is refused by name.
code=0
env -i HOME="$home" PATH=/usr/bin:/bin OPENMOTOKO_RELEASE_URL="$served_url" OPENMOTOKO_VERSION=99.0.0 \
  OPENMOTOKO_INSTALL_DIR="$work/unknown" sh "$work/www/install.sh" >"$work/out" 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "an unknown version was not refused"
grep -q "openmotoko-99.0.0-linux-x64.tar.gz is not in" "$work/out" || fail "the refusal does not name the missing archive"
[ ! -e "$work/unknown/openmotoko" ] || fail "something was installed for an unknown version"
ok "unknown version: refused (exit $code), names the archive, nothing installed"
stop_served

# 4. The corrupted archive: refused, with a clear message, and nothing installed.
serve_dir "$work/www-bad"
code=0
env -i HOME="$home" PATH=/usr/bin:/bin OPENMOTOKO_RELEASE_URL="$served_url" OPENMOTOKO_INSTALL_DIR="$work/bad" \
  sh "$work/www/install.sh" >"$work/out" 2>&1 || code=$?
[ "$code" -ne 0 ] || fail "a corrupted archive was installed (exit 0)"
grep -q "checksum mismatch for $archive" "$work/out" || fail "the refusal does not say 'checksum mismatch'"
grep -q "nothing was installed" "$work/out" || fail "the refusal does not say that nothing was installed"
[ ! -e "$work/bad/openmotoko" ] || fail "the corrupted archive's binary was installed"
ok "corrupted archive: refused (exit $code) with 'checksum mismatch', nothing installed"
rm -f "$work/out"
echo "test_install: all passed"

#!/usr/bin/env bash
# Builds the release archives for Linux (x64 and arm64):
#   dist/release/openmotoko-VERSION-linux-{x64,arm64}.tar.gz  (openmotoko, LICENSE, README.md, packaging/)
#   dist/release/SHA256SUMS and dist/release/install.sh (the installer users pipe to sh)
# Usage: scripts/release.sh VERSION [--from-dist]
#   --from-dist packages the binaries already in dist/linux-x64 and dist/linux-arm64 (CI publishes
#   them for its other steps) instead of publishing again; they must report VERSION.
# macOS archives are built on a Mac (see docs/deploy.md, "Building and releasing").
set -euo pipefail

version="${1:-}"
from_dist=false
[ "${2:-}" = --from-dist ] && from_dist=true
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { [ $# -eq 2 ] && ! $from_dist; } || [ $# -gt 2 ]; then
  echo "usage: scripts/release.sh VERSION [--from-dist]   (VERSION like 1.2.3 or 1.2.3-rc.1)" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/dist/release"
rids=(linux-x64 linux-arm64)

for rid in "${rids[@]}"; do
  if ! $from_dist; then
    echo "release.sh: publishing $rid $version"
    VERSION="$version" scripts/publish.sh "$rid"
  fi
  [ -x "dist/$rid/openmotoko" ] || { echo "release.sh: no dist/$rid/openmotoko (run scripts/publish.sh $rid)" >&2; exit 1; }
done

# The binary this machine can run must say the version it is released as; an arm64 one is checked by its ELF header.
host_rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
stamped="$("dist/$host_rid/openmotoko" version | sed -n 's/^openmotoko //p')"
if [ "$stamped" != "$version" ]; then
  echo "release.sh: dist/$host_rid/openmotoko says version '$stamped', not $version (publish with VERSION=$version)" >&2
  exit 1
fi
commit="$(git rev-parse HEAD 2>/dev/null || true)"
stamped_commit="$("dist/$host_rid/openmotoko" version | sed -n 's/^commit *//p')"
if [ -n "$commit" ] && [ "$stamped_commit" != "$commit" ]; then
  # Only --from-dist can get here (a fresh publish stamps this checkout): say so, the binaries may be stale.
  echo "release.sh: warning: dist/$host_rid/openmotoko was built from commit '$stamped_commit', not this checkout's $commit" >&2
fi
file -b dist/linux-arm64/openmotoko 2>/dev/null | grep -q aarch64 || od -An -tx1 -j18 -N2 dist/linux-arm64/openmotoko | grep -q 'b7 00' ||
  { echo "release.sh: dist/linux-arm64/openmotoko is not an aarch64 executable" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
# Reproducible archives: fixed owner, order and time (the commit's), gzip without a timestamp.
mtime="@$(git log -1 --format=%ct 2>/dev/null || date +%s)"
for rid in "${rids[@]}"; do
  name="openmotoko-$version-$rid"
  stage="$(mktemp -d)"
  mkdir -p "$stage/$name/packaging"
  cp "dist/$rid/openmotoko" "$stage/$name/"
  cp LICENSE README.md "$stage/$name/"
  cp packaging/* "$stage/$name/packaging/"
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -cf - "$name" | gzip -n -9 >"$out/$name.tar.gz"
  rm -rf "$stage"
  echo "release.sh: $out/$name.tar.gz ($(( $(stat -c %s "$out/$name.tar.gz") / 1024 / 1024 )) MiB)"
done
cp scripts/install.sh "$out/install.sh"
(cd "$out" && sha256sum -- *.tar.gz install.sh >SHA256SUMS)
echo "release.sh: $out/SHA256SUMS"
cat "$out/SHA256SUMS"

#!/usr/bin/env bash
# Runs the shell sandbox and process-hardening tests as an ordinary user, the way the daemon runs as a
# service (its own 'openmotoko' user): as root it copies the built tests to a folder uid 65534 owns
# and runs them there as 65534 (setpriv); as anyone else it runs them as that user.
# Usage: scripts/test-unprivileged.sh  (after `dotnet build`; extra arguments go to `dotnet test`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

filter='FullyQualifiedName~OpenMotoko.Tests.Skills.Shell|FullyQualifiedName~DaemonSecretsTests|FullyQualifiedName~ProcessHardeningTests'
built=tests/OpenMotoko.Tests/bin/Debug/net10.0
if [ ! -f "$built/OpenMotoko.Tests.dll" ]; then
  echo "build first: dotnet build" >&2
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  exec dotnet test "$built/OpenMotoko.Tests.dll" --filter "$filter" "$@"
fi

uid=65534
work="$(mktemp -d /var/tmp/openmotoko-unprivileged-XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -r "$built" "$work/bin"
chown -R "$uid:$uid" "$work"
chmod 755 "$work"
# Fails, not skips: the point of this step is that the tests skipped as root run here.
setpriv --reuid="$uid" --regid="$uid" --clear-groups \
  env HOME="$work" DOTNET_CLI_HOME="$work" TMPDIR="$work" PATH="$PATH" \
  dotnet test "$work/bin/OpenMotoko.Tests.dll" --filter "$filter" --results-directory "$work/results" "$@"

#!/usr/bin/env bash
# The test command of the README. Installs what a fresh Debian machine lacks (as root), builds
# Release, runs every test project, and prints one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need=()
command -v bsdtar >/dev/null 2>&1 || need+=(libarchive-tools)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v avahi-daemon >/dev/null 2>&1 || need+=(avahi-daemon)
command -v avahi-browse >/dev/null 2>&1 || need+=(avahi-utils)
command -v mkfs.ext4 >/dev/null 2>&1 || need+=(e2fsprogs)
command -v script >/dev/null 2>&1 || need+=(bsdutils)  # the pseudo-terminal test of get's progress display
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -qq -o APT::Sandbox::User=root
    # As root: some images make /etc/resolv.conf or /etc/nsswitch.conf unreadable to apt's _apt sandbox user.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o APT::Sandbox::User=root "${need[@]}" >/dev/null
  else
    echo "missing tools: ${need[*]} (install them, or run as root); tests that need them will fail" >&2
  fi
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet build LanSpread.Modular.sln -c Release -nologo -v q || exit 1
# A hung test is dumped and killed after 5 minutes instead of eating the CI budget silently.
LANSPREAD_SCALE_PASS=later dotnet test LanSpread.Modular.sln -c Release --no-build --blame-hang-timeout 5m \
  --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || status=$?
# The scale tests and the planner's ratio tests measure CPU and time: alone, after the rest, under the lock
# timing runs share ([ScaleFact] skips them in the main run).
flock /tmp/lanspread-timing.lock dotnet test tests/LanSpread.Cli.Tests -c Release --no-build \
  --filter "FullyQualifiedName~.Scale.|FullyQualifiedName~.Planning.AdaptivePlannerProcessTests" \
  --logger "console;verbosity=normal" --logger trx --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# The CI record keeps only the tail of the output: name every failed test just above the summary.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/FAILED: \1/p' || true
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"

#!/usr/bin/env bash
# P6 (issue 15): swarming, on namespace hosts whose egress is shaped with tc, each figure against a
# baseline run in the same invocation.
#   P6 N=2,4,6: one seeder, N clients started together; the time until all N finished / one client alone.
#     swarm:    the defaults (adaptive planner, swarming on: clients serve each other their verified chunks)
#     baseline: round-robin without swarming (--planner round-robin --no-swarm): everything from the seeder
#   P6u: a seeder with --max-upload-rate 20M, two clients at once (not knowing each other): the measured rate
#     / the limit, and the slower client's share while both ran.
# Standalone (root; publishes the CLI itself unless LS and BENCH are given):
#   flock -o /tmp/lanspread-timing.lock bash bench/p6.sh          # SIZE=100 MiB, RATE=80 (Mbit/s)
#   SIZE=200 RATE=200 flock -o /tmp/lanspread-timing.lock bash bench/p6.sh
# Prints markdown table rows; docs/BENCHMARKS.md keeps the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZE=${SIZE:-100}; RATE=${RATE:-80}; LIMIT_MIB=20; ONLY=${ONLY:-all}  # ONLY=limit: the upload-limit row alone
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ "$(id -u)" = 0 ] || { echo "bench/p6.sh: needs root (ip netns, tc)" >&2; exit 1; }
command -v tc >/dev/null 2>&1 || { apt-get update -qq -o APT::Sandbox::User=root && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o APT::Sandbox::User=root iproute2 >/dev/null; }
OWN_W=0
if [ -z "${W:-}" ]; then W=$(mktemp -d /var/tmp/lanspread-p6.XXXXXX); OWN_W=1; fi
P="$W/p6"; rm -rf "$P"; mkdir -p "$P"
NS=(); PIDS=()
B=lsp6$$
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for n in "${NS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$P"; if [ $OWN_W = 1 ]; then rm -rf "$W"; fi # an && list here would make the exit trap fail the script
}
trap cleanup EXIT
if [ -z "${LS:-}" ]; then
  dotnet publish hosts/LanSpread.Cli -c Release -o "$W/bin" -nologo -v q >/dev/null
  dotnet build bench/LanSpread.Bench -c Release -o "$W/benchbin" -nologo -v q >/dev/null
  LS="$W/bin/lanspread"; BENCH="$W/benchbin/LanSpread.Bench.dll"
fi
: "${BENCH:?}"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b-a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

# A bridge and seven hosts: seed (10.79.0.2), c1..c6 (10.79.0.3..8).
SW="$B-sw"; ip netns add "$SW"; NS+=("$SW")
ip netns exec "$SW" ip link add br0 type bridge; ip netns exec "$SW" ip link set br0 up
HOSTS=(seed c1 c2 c3 c4 c5 c6)
for i in "${!HOSTS[@]}"; do
  h=${HOSTS[$i]}; n=$((i + 2)); ns="$B-$h"; ip netns add "$ns"; NS+=("$ns")
  ip link add "v$B$n" type veth peer name "v$B${n}h"
  ip link set "v$B${n}h" netns "$ns"; ip link set "v$B$n" netns "$SW"
  ip netns exec "$SW" ip link set "v$B$n" master br0; ip netns exec "$SW" ip link set "v$B$n" up
  ip netns exec "$ns" ip link set "v$B${n}h" name eth0; ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "10.79.0.$n/24" dev eth0; ip netns exec "$ns" ip link set eth0 up
done
addr() { for i in "${!HOSTS[@]}"; do [ "${HOSTS[$i]}" = "$1" ] && echo "10.79.0.$((i + 2))"; done; }
shape() { for h in "${HOSTS[@]}"; do ip netns exec "$B-$h" tc qdisc replace dev eth0 root tbf rate "$1" burst 256kb latency 100ms; done; }
unshape() { for h in "${HOSTS[@]}"; do ip netns exec "$B-$h" tc qdisc del dev eth0 root 2>/dev/null || true; done; }

dotnet "$BENCH" make-game "$P/seed" alienswarm "$SIZE" 1 >/dev/null
serve_seed() {
  : >"$P/seed.out"
  ip netns exec "$B-seed" "$LS" serve --games "$P/seed" --data "$P/seed-data" --name seed --no-mdns --listen 0.0.0.0:42420 --chunk-size 1M --log-level Warning "$@" >"$P/seed.out" 2>&1 &
  SPID=$!; PIDS+=("$SPID")
  for _ in $(seq 600); do ip netns exec "$B-seed" bash -c 'echo >/dev/tcp/127.0.0.1/42420' 2>/dev/null && { wait_library_ready "$P/seed.out"; return; }; sleep 0.1; done
  echo "bench/p6.sh: the seeder did not start" >&2; exit 1
}

# run MODE N [extra get options]: N clients at once; prints the seconds until the last finished.
run() {
  local mode=$1 n=$2; shift 2
  local clients=(); for i in $(seq 1 "$n"); do clients+=("c$i"); done
  local start; start=$(now); local pids=()
  for c in "${clients[@]}"; do
    local peers=(--peer "$(addr seed):42420")
    for o in "${clients[@]}"; do [ "$o" != "$c" ] && peers+=(--peer "$(addr "$o"):42420"); done
    rm -rf "$P/$mode-$n-$c" "$P/$c-data"; mkdir -p "$P/$mode-$n-$c"
    ip netns exec "$B-$c" "$LS" get alienswarm --games "$P/$mode-$n-$c" --data "$P/$c-data" --name "$c" --no-mdns --no-install \
      --listen 0.0.0.0:42420 --timeout 600 --json --log-level Warning "${peers[@]}" "$@" >"$P/$mode-$n-$c.json" 2>"$P/$mode-$n-$c.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "bench/p6.sh: a $mode client failed: $(tail -n 3 "$P"/$mode-$n-*.err)" >&2; exit 1; }; done
  secs "$start" "$(now)"
  rm -rf "$P/$mode-$n"-c*/
}

if [ "$ONLY" != limit ]; then
shape "${RATE}mbit"
serve_seed
SWARM_ALONE=$(run swarm 1); BASE_ALONE=$(run base 1 --planner round-robin --no-swarm)
for n in 2 4 6; do
  S=$(run swarm "$n"); R=$(run base "$n" --planner round-robin --no-swarm)
  echo "| P6 | ${SIZE} MiB, one seeder, ${n} clients at once, every link ${RATE} Mbit/s (tc tbf) | swarm ${S} s = $(ratio "$S" "$SWARM_ALONE")× one alone (${SWARM_ALONE} s) | round-robin without swarming ${R} s = $(ratio "$R" "$BASE_ALONE")× one alone (${BASE_ALONE} s) | $(ratio "$R" "$S")× faster (bar: N=6 ≤ 1.8× alone) |"
done
kill -9 "$SPID" 2>/dev/null || true
fi

# Upload limit: unshaped links, so only the limit bounds the rate.
unshape
serve_seed --max-upload-rate "${LIMIT_MIB}M"
for c in c1 c2; do
  rm -rf "$P/lim-$c" "$P/$c-data"; mkdir -p "$P/lim-$c"
  ip netns exec "$B-$c" "$LS" get alienswarm --games "$P/lim-$c" --data "$P/$c-data" --name "$c" --no-mdns --no-install --listen 0.0.0.0:42420 \
    --timeout 600 --json --log-level Warning --peer "$(addr seed):42420" >"$P/lim-$c.json" 2>/dev/null &
  eval "L_$c=\$!"
done
wait "$L_c1" && wait "$L_c2" || { echo "bench/p6.sh: a limited client failed" >&2; exit 1; }
# Each client's own download time (DownloadGameFilesBegin to Finished, from its events): process start-up,
# connecting and GetGame are not the limiter's doing.
dl() { grep '"DownloadGameFilesFinished"' "$1" | sed 's/.*"seconds":\([0-9.]*\).*/\1/'; }
T1=$(printf '%.2f' "$(dl "$P/lim-c1.json")"); T2=$(printf '%.2f' "$(dl "$P/lim-c2.json")")
FIRST=$(printf '%s\n%s\n' "$T1" "$T2" | sort -g | head -n 1); LAST=$(printf '%s\n%s\n' "$T1" "$T2" | sort -g | tail -n 1)
BYTES=$(stat -c %s "$P/seed/alienswarm/alienswarm.eti")
# Rate: both games over the time to the last; the slower client's share while both ran: what the link carried
# until the first finished (rate × first) less the first's whole game.
RATE_BPS=$(awk -v b="$BYTES" -v t="$LAST" 'BEGIN {printf "%.0f", 2*b/t}')
SHARE=$(awk -v r="$RATE_BPS" -v f="$FIRST" -v b="$BYTES" 'BEGIN {s=(r*f-b)/(r*f); printf "%.0f", 100*s}')
echo "| P6u | --max-upload-rate ${LIMIT_MIB}M, two clients of ${SIZE} MiB at once (links unshaped) | $(awk -v r="$RATE_BPS" 'BEGIN {printf "%.2f", r/1048576}') MiB/s (both done in ${FIRST} s and ${LAST} s) | limit ${LIMIT_MIB} MiB/s | $(awk -v r="$RATE_BPS" -v l="$LIMIT_MIB" 'BEGIN {printf "%.2f", r/1048576/l}')× (bar 0.85–1.15); slower client ${SHARE}% while both ran (bar 35–65%) |"

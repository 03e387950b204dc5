#!/usr/bin/env bash
# P2 and P9 (issue 14): the adaptive planner (the default) against round-robin in the same run, on namespace
# hosts with tc-shaped links (needs root). Prints table rows; bench/run.sh calls it with LS, BENCH, W set.
#   P2p: P2 with both planners: two peers each shaped to 400 Mbit/s: received rate / the sum of the rates each peer
#        delivers alone in the same run (bar >= 0.95x; a tbf's frame overhead caps one peer near 0.955x of 400, see
#        docs/BENCHMARKS.md), and / the nominal 800 Mbit/s.
#   P9: one peer at 400 Mbit/s, one at 40: time from both / time from the fast one alone (ideal 400/440 = 0.91,
#       bar <= 1.0); round-robin, which deals half the chunks to the slow peer, in the same run.
# Standalone (builds into a temp dir):  flock -o /tmp/lanspread-timing.lock bash bench/planner.sh [--quick]
# Knobs: RUNS, P2SIZE, P9SIZE (MiB); ROWS="P2 P9" (which rows); LS, BENCH (prebuilt lanspread and bench dll, skips
# the build); KEEP=DIR keeps every get's events and Information log there (DIR/<row>-<n>-<planner>-<peers>.{json,log}).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
QUICK=0; [ "${1:-}" = "--quick" ] && QUICK=1
if [ $QUICK = 1 ]; then : "${RUNS:=1}" "${P2SIZE:=128}" "${P9SIZE:=64}"; else : "${RUNS:=3}" "${P2SIZE:=512}" "${P9SIZE:=200}"; fi
OWN_W=0
if [ -z "${W:-}" ]; then W=$(mktemp -d /var/tmp/lanspread-planner.XXXXXX); OWN_W=1; fi
P="$W/planner"; rm -rf "$P"; mkdir -p "$P"
B=lspl$$; NETNS=(); PIDS=(); : "${ROWS:=P2 P9}"
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; fi
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for n in "${NETNS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$P"; if [ $OWN_W = 1 ]; then rm -rf "$W"; fi # an && list here would make the exit trap fail the script
}
trap cleanup EXIT
if [ -z "${LS:-}" ]; then
  echo "== building (Release)" >&2
  dotnet publish hosts/LanSpread.Cli -c Release -o "$W/bin" -nologo -v q >/dev/null
  dotnet build bench/LanSpread.Bench -c Release -o "$W/benchbin" -nologo -v q >/dev/null
  LS="$W/bin/lanspread"; BENCH="$W/benchbin/LanSpread.Bench.dll"
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

SW="$B-sw"; ip netns add "$SW"; NETNS+=("$SW")
ip netns exec "$SW" ip link add br0 type bridge; ip netns exec "$SW" ip link set br0 up
i=2
for h in s1 s2 c; do
  ns="$B-$h"; ip netns add "$ns"; NETNS+=("$ns")
  ip link add "vp$$$i" type veth peer name "vp$$${i}h"
  ip link set "vp$$${i}h" netns "$ns"; ip link set "vp$$$i" netns "$SW"
  ip netns exec "$SW" ip link set "vp$$$i" master br0; ip netns exec "$SW" ip link set "vp$$$i" up
  ip netns exec "$ns" ip link set "vp$$${i}h" name eth0; ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "10.79.0.$i/24" dev eth0; ip netns exec "$ns" ip link set eth0 up
  i=$((i+1))
done
shape() { ip netns exec "$B-$1" tc qdisc replace dev eth0 root tbf rate "$2" burst 512kb latency 200ms; }

# One get from the given seeders with the given planner; prints its transfer seconds.
get() {
  local planner=$1; shift
  local n; n=$(($(cat "$P/n" 2>/dev/null || echo 0) + 1)); echo "$n" >"$P/n" # get runs in a subshell: count in a file
  local peers=(); for s in "$@"; do peers+=(--peer "10.79.0.$s:42420"); done
  rm -rf "$P/client" "$P/c-data"; mkdir -p "$P/client"
  ip netns exec "$B-c" "$LS" get alienswarm --games "$P/client" --data "$P/c-data" "${peers[@]}" --peers $# --planner "$planner" \
    --no-mdns --no-install --json --log-level "$([ -n "${KEEP:-}" ] && echo Information || echo Warning)" >"$P/get.json" 2>"$P/get.log" || true
  if [ -n "${KEEP:-}" ]; then cp "$P/get.json" "$KEEP/$ROW-$n-$planner-$#.json"; cp "$P/get.log" "$KEEP/$ROW-$n-$planner-$#.log"; fi
  grep -o '"DownloadGameFilesFinished".*"seconds":[0-9.]*' "$P/get.json" | sed 's/.*"seconds":\([0-9.]*\)/\1/'
}

serve_game() {
  local size=$1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; PIDS=()
  rm -rf "$P/games"; mkdir -p "$P/games"; dotnet "$BENCH" make-game "$P/games" alienswarm "$size" 10 >/dev/null
  for h in s1 s2; do
    : >"$P/$h.out"
    ip netns exec "$B-$h" "$LS" serve --games "$P/games" --data "$P/$h-data-$size" --name "$h" --no-mdns --log-level Warning >"$P/$h.out" 2>&1 &
    PIDS+=($!); disown
  done
  for h in s1 s2; do wait_library_ready "$P/$h.out"; done
}

if [[ " $ROWS " == *" P2 "* ]]; then
# P2: two equal peers, both planners interleaved.
ROW=P2; serve_game "$P2SIZE"
shape s1 400mbit; shape s2 400mbit
A2=(); R2=(); S1=(); S2=()
for _ in $(seq "$RUNS"); do S1+=("$(get adaptive 2)"); A2+=("$(get adaptive 2 3)"); R2+=("$(get round-robin 2 3)"); S2+=("$(get adaptive 3)"); done
echo "P2 seconds per run: adaptive ${A2[*]}; round-robin ${R2[*]}; s1 alone ${S1[*]}; s2 alone ${S2[*]}" >&2
TA2=$(printf '%s\n' "${A2[@]}" | median); TR2=$(printf '%s\n' "${R2[@]}" | median)
MA2=$(awk -v m="$P2SIZE" -v t="$TA2" 'BEGIN {printf "%.1f", m*1048576*8/1e6/t}'); MR2=$(awk -v m="$P2SIZE" -v t="$TR2" 'BEGIN {printf "%.1f", m*1048576*8/1e6/t}')
TS1=$(printf '%s\n' "${S1[@]}" | median); TS2=$(printf '%s\n' "${S2[@]}" | median)
MS1=$(awk -v m="$P2SIZE" -v t="$TS1" 'BEGIN {printf "%.1f", m*1048576*8/1e6/t}'); MS2=$(awk -v m="$P2SIZE" -v t="$TS2" 'BEGIN {printf "%.1f", m*1048576*8/1e6/t}')
ALONE=$(awk -v a="$MS1" -v b="$MS2" 'BEGIN {printf "%.1f", a + b}')
r3() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
echo "P2 alone: s1 ${TS1} s, s2 ${TS2} s" >&2
# The bar's denominator is what each peer delivers alone in this run: a tbf at 400 Mbit/s counts Ethernet and
# TCP/IP headers, so one TLS stream through it carries at most 1448/1514 x 400 = 382 Mbit/s of payload (docs/BENCHMARKS.md).
echo "| P2p | ${P2SIZE} MiB from two peers, each shaped to 400 Mbit/s (tc tbf), adaptive planner | ${MA2} Mbit/s | each alone ${MS1} + ${MS2} = ${ALONE} Mbit/s ($(r3 "$ALONE" 800)× of 800); round-robin ${MR2} Mbit/s | $(r3 "$MA2" "$ALONE")× of the peers alone (bar ≥ 0.95×; round-robin $(r3 "$MR2" "$ALONE")×); $(r3 "$MA2" 800)× of 800 (round-robin $(r3 "$MR2" 800)×) |"
fi

if [[ " $ROWS " == *" P9 "* ]]; then
# P9: 400 vs 40 Mbit/s.
ROW=P9; serve_game "$P9SIZE"
shape s1 400mbit; shape s2 40mbit
F9=(); A9=(); R9=()
for _ in $(seq "$RUNS"); do F9+=("$(get adaptive 2)"); A9+=("$(get adaptive 2 3)"); R9+=("$(get round-robin 2 3)"); done
echo "P9 seconds per run: fast alone ${F9[*]}; adaptive ${A9[*]}; round-robin ${R9[*]}" >&2
TF9=$(printf '%s\n' "${F9[@]}" | median); TA9=$(printf '%s\n' "${A9[@]}" | median); TR9=$(printf '%s\n' "${R9[@]}" | median)
echo "| P9 | ${P9SIZE} MiB from a 400 Mbit/s and a 40 Mbit/s peer: time from both / from the fast one alone | adaptive ${TA9} s | fast alone ${TF9} s; round-robin ${TR9} s | $(ratio "$TA9" "$TF9")× (bar ≤ 1.0×, ideal 0.91×; round-robin $(ratio "$TR9" "$TF9")×) |"
fi

#!/usr/bin/env bash
# P7 (issue 22): streaming install. `get` (download + install) of a game from a peer whose link is shaped to
# RATE Mbit/s (tc tbf on a namespace host), against `get --no-install` of the same game in the same run,
# interleaved; and, for reference, `get --set rar.streaming=false` (the install after the download, as before).
# Two games: SIZE MiB stored in one file, and SIZE MiB stored in FILES files. Bar: get ≤ 1.05× get --no-install.
# Called by bench/run.sh (LS=lanspread, BENCH=LanSpread.Bench.dll, W=work dir, SIZE=MiB, RUNS); prints the rows.
# Standalone (after a publish): LS=OUT/lanspread BENCH=.../LanSpread.Bench.dll W=$(mktemp -d) SIZE=1024 RUNS=3 bash bench/p7.sh
# Needs root (ip netns, tc); always under the timing lock: flock -o /tmp/lanspread-timing.lock bash bench/run.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${LS:?}" "${BENCH:?}" "${W:?}" "${SIZE:?}"
RUNS=${RUNS:-3}; RATE=${RATE:-400}; FILES=${FILES:-4096}
if [ "$(id -u)" != 0 ]; then
  echo "| P7 | get vs get --no-install from a peer shaped to ${RATE} Mbit/s | skipped: needs root (ip netns, tc) | | |"
  exit 0
fi
P="$W/p7"; rm -rf "$P"; mkdir -p "$P/seed"
N=ls7$$; S="$N-s"; C="$N-c"
cleanup7() {
  for n in "$S" "$C"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup7 EXIT
ip netns add "$S"; ip netns add "$C"
ip link add "v7$$s" type veth peer name "v7$$c"
ip link set "v7$$s" netns "$S"; ip link set "v7$$c" netns "$C"
ip netns exec "$S" ip link set "v7$$s" name eth0; ip netns exec "$C" ip link set "v7$$c" name eth0
for n in "$S" "$C"; do ip netns exec "$n" ip link set lo up; ip netns exec "$n" ip link set eth0 up; done
ip netns exec "$S" ip addr add 10.79.0.1/24 dev eth0; ip netns exec "$C" ip addr add 10.79.0.2/24 dev eth0
ip netns exec "$S" tc qdisc add dev eth0 root tbf rate "${RATE}mbit" burst 512kb latency 200ms

dotnet "$BENCH" make-game "$P/seed" alienswarm "$SIZE" 1 >/dev/null
dotnet "$BENCH" make-game "$P/seed" cs16 "$SIZE" "$FILES" >/dev/null
ip netns exec "$S" "$LS" serve --games "$P/seed" --data "$P/sd" --name seeder --no-mdns --log-level Warning >"$P/seed.out" 2>&1 &
for _ in $(seq 1200); do ip netns exec "$C" bash -c '(echo >/dev/tcp/10.79.0.1/42420) 2>/dev/null' && break; sleep 0.1; done
wait_library_ready "$P/seed.out"

# One timed get into a fresh game directory; prints wall seconds (fails the bench if get fails or installs wrongly).
run() {
  local game=$1 variant=$2; shift 2
  local dir="$P/c-$game-$variant"; rm -rf "$dir" "$P/cd"; mkdir -p "$dir"
  local s e; s=$(date +%s.%N)
  ip netns exec "$C" "$LS" get "$game" --games "$dir" --data "$P/cd" --name client --peer 10.79.0.1:42420 --no-mdns \
    --listen 0.0.0.0:0 --timeout 600 --json --log-level Warning "$@" >"$P/$game-$variant.json" 2>"$P/$game-$variant.err" \
    || { echo "bench P7: get $game ($variant) failed: $(tail -n 3 "$P/$game-$variant.err")" >&2; exit 1; }
  e=$(date +%s.%N)
  if [ "$variant" != noinstall ] && [ ! -d "$dir/$game/local/data" ]; then echo "bench P7: $game ($variant) not installed" >&2; exit 1; fi
  awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", b-a}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rows=()
for game in alienswarm cs16; do
  NI=(); ST=(); SQ=()
  for _ in $(seq "$RUNS"); do
    NI+=("$(run "$game" noinstall --no-install)")
    ST+=("$(run "$game" streaming)")
    SQ+=("$(run "$game" sequential --set rar.streaming=false)")
  done
  ni=$(printf '%s\n' "${NI[@]}" | median); st=$(printf '%s\n' "${ST[@]}" | median); sq=$(printf '%s\n' "${SQ[@]}" | median)
  what=$([ "$game" = alienswarm ] && echo "${SIZE} MiB stored, one file" || echo "${SIZE} MiB stored, ${FILES} files")
  rows+=("| P7 | get (download + install) of ${what}, peer shaped to ${RATE} Mbit/s; runs: ${ST[*]} s | ${st} s (install after download: ${sq} s, $(awk -v a="$sq" -v b="$ni" 'BEGIN {printf "%.2f", a/b}')×) | get --no-install ${ni} s | $(awk -v a="$st" -v b="$ni" 'BEGIN {printf "%.2f", a/b}')× (bar ≤ 1.05×) |")
done
printf '%s\n' "${rows[@]}"

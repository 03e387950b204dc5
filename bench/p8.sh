#!/usr/bin/env bash
# P8 (issue 13): what the content manifest saves and costs, on loopback, each against a baseline in
# the same run. Called by bench/run.sh (LS=lanspread, BENCH=LanSpread.Bench.dll, W=work dir, SIZE=MiB);
# prints three table rows. Standalone: bash bench/run.sh builds these and calls it.
#   P8a hashing: FastCDC + SHA-256 per chunk (the scanner's code) vs openssl's SHA-256 of the same cached file.
#   P8b resume: a get SIGKILLed at half the bytes, then run again: bytes the rerun fetched / game size.
#   P8c update: 10% of the files differ (one in the middle, 10% larger): bytes fetched / bytes changed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${LS:?}" "${BENCH:?}" "${W:?}" "${SIZE:?}"
P="$W/p8"; rm -rf "$P"; mkdir -p "$P/seed" "$P/seed2"
SPID=; GPID=
trap 'kill -9 $SPID $GPID 2>/dev/null || true' EXIT
dotnet "$BENCH" make-game "$P/seed" alienswarm "$SIZE" 10 >/dev/null
dotnet "$BENCH" make-game "$P/seed2" alienswarm "$SIZE" 10 5 2 >/dev/null
ETI="$P/seed/alienswarm/alienswarm.eti"; BYTES=$(stat -c %s "$ETI")
cat "$ETI" >/dev/null # page cache: both sides hash from memory

# Baseline: openssl's SHA-256 (SHA-NI where the CPU has it), one thread, same cached file. Both sides are
# measured in CPU seconds (user + system, /usr/bin/time), which a machine shared with other jobs does not inflate.
cpu() { /usr/bin/time -f "%U %S" -o "$P/cpu.txt" "$@" >/dev/null; awk '{printf "%.3f", $1+$2}' "$P/cpu.txt"; }
SHA_CPU=$(cpu openssl dgst -sha256 "$ETI")
SHA_GBS=$(awk -v b="$BYTES" -v t="$SHA_CPU" 'BEGIN {printf "%.2f", b/t/1e9}')
START_CPU=$(cpu dotnet "$BENCH" hash /dev/null)   # .NET start-up and JIT, subtracted
read -r HB HS HC < <(dotnet "$BENCH" hash "$ETI")
CDC_CPU=$(cpu dotnet "$BENCH" hash "$ETI")
CDC_GBS=$(awk -v b="$BYTES" -v t="$CDC_CPU" -v s="$START_CPU" 'BEGIN {printf "%.2f", b/(t-s)/1e9}')
echo "| P8a | manifest hashing of ${SIZE} MiB (FastCDC 1/4/16 MiB + SHA-256 per chunk, one thread, ${HC} chunks), CPU time | ${CDC_GBS} GB/s (wall ${HS} s) | openssl dgst -sha256 ${SHA_GBS} GB/s | $(awk -v a="$CDC_GBS" -v b="$SHA_GBS" 'BEGIN {printf "%.2f", a/b}')× |"

"$LS" serve --games "$P/seed" --data "$P/sd" --name seeder --listen 127.0.0.1:18428 --no-mdns --log-level Warning >"$P/seed.out" 2>&1 &
SPID=$!
for _ in $(seq 1200); do (echo >/dev/tcp/127.0.0.1/18428) 2>/dev/null && break; sleep 0.1; done
wait_library_ready "$P/seed.out"
get() { "$LS" get alienswarm --games "$1" --data "$P/cd" --name client --peer "127.0.0.1:$2" --no-mdns --no-install --listen 127.0.0.1:0 --json --log-level Warning "${@:3}"; }
fetched() { { grep '"ChunkCompleted"' "$1" || true; } | sed 's/.*"length":\([0-9]*\).*/\1/' | awk '{s+=$1} END {print s+0}'; }
mkdir -p "$P/c1"
# The kill is timed from the resume record (one line per verified chunk, fsync'd in batches), not from the
# event stream, which can trail a fast loopback transfer: SIGKILL once half of the HC chunks are recorded.
RECORD="$P/c1/alienswarm/.lanspread.progress"
# Started directly (not through the shell function) so that $! is lanspread itself, the process SIGKILLed.
"$LS" get alienswarm --games "$P/c1" --data "$P/cd" --name client --peer 127.0.0.1:18428 --no-mdns --no-install --listen 127.0.0.1:0 --json --log-level Warning >"$P/first.json" 2>/dev/null &
GPID=$!
KILLED_AT=0
while kill -0 "$GPID" 2>/dev/null; do
  LINES=$(( $({ cat "$RECORD" 2>/dev/null || true; } | wc -l) - 1 ))
  [ "$LINES" -ge $((HC / 2)) ] && { kill -9 "$GPID"; KILLED_AT=$LINES; break; }
  sleep 0.01
done
wait "$GPID" 2>/dev/null || true
FIRST=$(fetched "$P/first.json")
get "$P/c1" 18428 >"$P/second.json" 2>/dev/null
SECOND=$(fetched "$P/second.json")
# Refetched = what the rerun fetched beyond what the first run had not reported (lost in flight or in the last batch).
REFETCHED=$(( SECOND - (BYTES - FIRST) )); [ "$REFETCHED" -lt 0 ] && REFETCHED=0
echo "| P8b | get SIGKILLed with ${KILLED_AT} of ${HC} chunks recorded (${FIRST} bytes reported), then run again | rerun fetched ${SECOND} bytes, ${REFETCHED} of them fetched twice | whole game ${BYTES} bytes | $(awk -v a="$SECOND" -v b="$BYTES" 'BEGIN {printf "%.2f", a/b}')× (bar ≤ 0.60×) |"
kill -9 "$SPID" 2>/dev/null || true

"$LS" serve --games "$P/seed2" --data "$P/sd2" --name seeder2 --listen 127.0.0.1:18429 --no-mdns --log-level Warning >"$P/seed2.out" 2>&1 &
SPID=$!
for _ in $(seq 1200); do (echo >/dev/tcp/127.0.0.1/18429) 2>/dev/null && break; sleep 0.1; done
wait_library_ready "$P/seed2.out"
get "$P/c1" 18429 --update >"$P/update.json" 2>/dev/null
UPD=$(fetched "$P/update.json")
CHANGED=$(( (SIZE * 1048576 / 10) * 11 / 10 ))
echo "| P8c | update where 1 of 10 files (${CHANGED} bytes, 10% larger) changed in the middle of the archive | fetched ${UPD} bytes | changed ${CHANGED} bytes | $(awk -v a="$UPD" -v b="$CHANGED" 'BEGIN {printf "%.2f", a/b}')× (bar ≤ 3×) |"
kill -9 "$SPID" 2>/dev/null || true
rm -rf "$P"

#!/usr/bin/env bash
# One command for P1–P5 (DESIGN E; P3 alone: bench/p3.sh), start-up (issue 20), P7 (issue 22, bench/p7.sh), P8 (issue 13, bench/p8.sh) and P2p/P9 (issue 14, bench/planner.sh), each against a real baseline run in the same invocation:
#   bash bench/run.sh            full run (1 GiB and 4 GiB workloads, 3 interleaved runs each)
#   bash bench/run.sh --quick    smaller workloads, 1 run (CI proves it still works)
#   BENCH_ONLY=p1 bash bench/run.sh   only the P1 rows (P1, P1h, P1cpu, P1s): 1 GiB, 3 interleaved runs, in about a minute
#   BENCH_BIN=DIR                     reuse DIR/bin (dotnet publish of the CLI) and DIR/benchbin instead of building,
#                                     so a quiet-lock run times only the rows (build first without the lock)
# Prints a table of medians and ratios and writes it to bench/results/latest.md.
# Needs root for the namespace LAN (P2, P5) and installs its baselines from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
QUICK=0; [ "${1:-}" = "--quick" ] && QUICK=1
if [ $QUICK = 1 ]; then RUNS=1; BIG=256; HUGE=512; SMALLFILES=512; P2SIZE=128; else RUNS=3; BIG=1024; HUGE=4096; SMALLFILES=4096; P2SIZE=512; fi
ONLY=${BENCH_ONLY:-}
RATE_MBIT=400
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v bsdtar >/dev/null 2>&1 || need+=(libarchive-tools)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v tc >/dev/null 2>&1 || need+=(iproute2)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq -o APT::Sandbox::User=root && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o APT::Sandbox::User=root "${need[@]}" >/dev/null
  else echo "bench: missing ${need[*]} (run as root to install)" >&2; exit 1; fi
fi

W=$(mktemp -d /var/tmp/lanspread-bench.XXXXXX)
chmod 755 "$W" # nginx workers run as an unprivileged user
PIDS=(); NETNS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -f "$W/nginx/nginx.pid" ] && kill "$(cat "$W/nginx/nginx.pid")" 2>/dev/null || true
  for n in "${NETNS[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT

if [ -n "${BENCH_BIN:-}" ]; then
  ln -s "$(cd "$BENCH_BIN/bin" && pwd)" "$W/bin"; ln -s "$(cd "$BENCH_BIN/benchbin" && pwd)" "$W/benchbin"
else
  echo "== building (Release)"
  dotnet publish hosts/LanSpread.Cli -c Release -o "$W/bin" -nologo -v q >/dev/null
  dotnet build bench/LanSpread.Bench -c Release -o "$W/benchbin" -nologo -v q >/dev/null
fi
LS="$W/bin/lanspread"
make_game() { dotnet "$W/benchbin/LanSpread.Bench.dll" make-game "$@" >/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b-a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

if [ "$ONLY" = p1 ]; then echo "== workloads: ${BIG} MiB one file (alienswarm), 1 MiB (openttd)"; else
echo "== workloads: ${BIG} MiB one file (alienswarm), ${BIG} MiB in ${SMALLFILES} files (cs16), ${HUGE} MiB one file (bfbc2), 1 MiB (openttd); WinRAR layout (directory entries, times, owner)"
fi
SEED="$W/seed/games"; mkdir -p "$SEED"
make_game "$SEED" alienswarm "$BIG" 1
[ "$ONLY" = p1 ] || make_game "$SEED" cs16 "$BIG" "$SMALLFILES"
[ "$ONLY" = p1 ] || make_game "$SEED" bfbc2 "$HUGE" 1
make_game "$SEED" openttd 1 1
# CPU time of a running process (utime+stime, seconds) from /proc, for the serving sides.
TCK=$(getconf CLK_TCK)
cpu_of() { awk -v t="$TCK" '{printf "%.3f", ($14+$15)/t}' "/proc/$1/stat"; }
sub3() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b-a}'; }
per_gib() { awk -v c="$1" -v m="$2" 'BEGIN {printf "%.2f", c*1024/m}'; }

# ---------------------------------------------------------------- P1 / P4: loopback download
echo "== P1/P4: loopback download vs nginx+curl (HTTP with sendfile, and HTTPS: TLS 1.3, ECDSA P-256)"
mkdir -p "$W/nginx/logs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$W/nginx/key.pem" -out "$W/nginx/cert.pem" \
  -days 2 -subj /CN=localhost >/dev/null 2>&1
cat > "$W/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:18080; root $SEED; }
  server { listen 127.0.0.1:18443 ssl; root $SEED; ssl_protocols TLSv1.3;
           ssl_certificate $W/nginx/cert.pem; ssl_certificate_key $W/nginx/key.pem; } }
NGINX
nginx -c "$W/nginx/nginx.conf" -p "$W/nginx"
# Up to 60 s: under a heavily loaded machine nginx took longer than 5 s to write its pid file, and the
# script then stopped silently (set -e) and left nginx running.
for _ in $(seq 600); do [ -s "$W/nginx/nginx.pid" ] && pgrep -P "$(cat "$W/nginx/nginx.pid")" >/dev/null && break; sleep 0.1; done
[ -s "$W/nginx/nginx.pid" ] || { echo "bench: nginx did not start (see $W/nginx/logs/error.log)" >&2; exit 1; }
NGINX_WORKER=$(pgrep -P "$(cat "$W/nginx/nginx.pid")" | head -n 1)
curl -sf --tlsv1.3 -k -o /dev/null https://127.0.0.1:18443/openttd/version.ini || { echo "bench: nginx over HTTPS does not answer" >&2; exit 1; }
: >"$W/serve.out"
"$LS" serve --games "$SEED" --data "$W/serve-data" --name seeder --listen 127.0.0.1:18420 --no-mdns --log-level Warning >"$W/serve.out" 2>"$W/serve.err" &
SERVER=$!; PIDS+=("$SERVER"); disown
# The seeder listens at once and hashes its library (content manifests) in the background: wait for the
# port, then for LibraryReady, so no timing includes the hashing.
for _ in $(seq 1200); do (echo >/dev/tcp/127.0.0.1/18420) 2>/dev/null && break; sleep 0.1; done
wait_library_ready "$W/serve.out"
sleep 1

curl_run() { # $1 url → prints "wall client_cpu server_cpu"
  local before after
  before=$(cpu_of "$NGINX_WORKER")
  /usr/bin/time -f "%e %U %S" -o "$W/ctime.txt" curl -sf --tlsv1.3 -k -o "$W/dl/curl.bin" "$1"
  after=$(cpu_of "$NGINX_WORKER"); rm -f "$W/dl/curl.bin"
  read -r wall u s < "$W/ctime.txt"
  echo "$wall $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.3f", u+s}') $(sub3 "$before" "$after")"
}
get_run() { # $1 game $2 dir → prints "wall transfer rss_kib client_cpu server_cpu"
  local out="$W/get.json" before after
  mkdir -p "$2"
  before=$(cpu_of "$SERVER")
  /usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" "$LS" get "$1" --games "$2" --data "$W/get-data" --name client --peer 127.0.0.1:18420 --no-mdns \
    --no-install --listen 127.0.0.1:0 --json --log-level Warning >"$out" 2>"$W/get.err" || { echo "bench: get $1 failed:" >&2; tail -5 "$W/get.err" >&2; exit 1; }
  after=$(cpu_of "$SERVER")
  local transfer wall u s rss
  transfer=$(grep -o '"DownloadGameFilesFinished".*"seconds":[0-9.]*' "$out" | sed 's/.*"seconds":\([0-9.]*\)/\1/')
  read -r wall u s rss < "$W/time.txt"
  echo "$wall ${transfer:-0} ${rss:-0} $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.3f", u+s}') $(sub3 "$before" "$after")"
}
# A seeder is a long-running process: warm it (and nginx's page cache path) with one untimed download,
# so its CPU figures are the steady state, not the JIT of its first transfer.
get_run alienswarm "$W/dl-warm" >/dev/null; rm -rf "$W/dl-warm"
curl -sf -o /dev/null http://127.0.0.1:18080/alienswarm/alienswarm.eti
P1_HTTP=(); P1_HTTPS=(); P1_LS=(); P1_TR=(); P1_SMALL=(); RSS1=(); RSS4=(); TINY=()
CPU_LS=(); CPU_LSS=(); CPU_TINY=(); CPU_CURL=(); CPU_NGINX=(); CPU_CURLS=(); CPU_NGINXS=()
for run in $(seq "$RUNS"); do
  rm -rf "$W/dl"; mkdir -p "$W/dl"
  read -r wall c sv < <(curl_run http://127.0.0.1:18080/alienswarm/alienswarm.eti); P1_HTTP+=("$wall"); CPU_CURL+=("$c"); CPU_NGINX+=("$sv"); sync
  read -r wall c sv < <(curl_run https://127.0.0.1:18443/alienswarm/alienswarm.eti); P1_HTTPS+=("$wall"); CPU_CURLS+=("$c"); CPU_NGINXS+=("$sv"); sync
  read -r wall transfer rss c sv < <(get_run alienswarm "$W/dl/ls$run"); P1_LS+=("$wall"); P1_TR+=("$transfer"); RSS1+=("$rss"); CPU_LS+=("$c"); CPU_LSS+=("$sv"); rm -rf "$W/dl/ls$run"; sync
  read -r wall transfer rss c sv < <(get_run openttd "$W/dl/tiny$run"); TINY+=("$wall"); CPU_TINY+=("$c"); rm -rf "$W/dl/tiny$run"
  [ "$ONLY" = p1 ] && continue
  read -r wall transfer rss c sv < <(get_run cs16 "$W/dl/small$run"); P1_SMALL+=("$wall"); rm -rf "$W/dl/small$run"; sync
done
[ "$ONLY" = p1 ] || { read -r wall transfer rss c sv < <(get_run bfbc2 "$W/dl/huge"); RSS4+=("$rss"); rm -rf "$W/dl/huge"; }
med() { printf '%s\n' "$@" | median; }
CH=$(med "${P1_HTTP[@]}"); CS=$(med "${P1_HTTPS[@]}"); L1=$(med "${P1_LS[@]}"); T1=$(med "${P1_TR[@]}"); TW=$(med "${TINY[@]}")
R1=$(med "${RSS1[@]}")
# CPU-seconds per GiB: the client's whole process, and its transfer share (minus a 1 MiB get: start-up,
# handshake, GetGame); the server's is measured on the running process, so it is transfer only.
CL=$(med "${CPU_LS[@]}"); CT=$(med "${CPU_TINY[@]}"); SV=$(med "${CPU_LSS[@]}")
CLT=$(awk -v a="$CL" -v b="$CT" 'BEGIN {printf "%.3f", a-b}')
P1_ROWS="| P1 | ${BIG} MiB, one file, loopback, to disk (wall, process start included) | ${L1} s (transfer ${T1} s) | curl from nginx over HTTPS (TLS 1.3, ECDSA P-256) ${CS} s | $(ratio "$L1" "$CS")× (bar ≤ 1.0×) |
| P1h | the same against plain HTTP | ${L1} s | curl from nginx over HTTP (sendfile) ${CH} s | $(ratio "$L1" "$CH")× (goal ≤ 1.0×) |"
CPU_LINE="| P1cpu | CPU-seconds per GiB (client transfer share / whole process; server) | client $(per_gib "$CLT" "$BIG") / $(per_gib "$CL" "$BIG"), server $(per_gib "$SV" "$BIG") | curl $(per_gib "$(med "${CPU_CURLS[@]}")" "$BIG") + nginx $(per_gib "$(med "${CPU_NGINXS[@]}")" "$BIG") over HTTPS; curl $(per_gib "$(med "${CPU_CURL[@]}")" "$BIG") + nginx $(per_gib "$(med "${CPU_NGINX[@]}")" "$BIG") over HTTP | |"
if [ "$ONLY" = p1 ]; then
  RESULT=$(printf '| id | workload | LanSpread (median of %s) | baseline (same run) | ratio |\n|---|---|---|---|---|\n%s\n%s\n| P1s | 1 MiB game (fixed cost: start, compose, connect, handshake, GetGame) | %s s | | |\n' "$RUNS" "$P1_ROWS" "$CPU_LINE" "$TW")
  echo "per run (s): curl HTTP ${P1_HTTP[*]}; curl HTTPS ${P1_HTTPS[*]}; get ${P1_LS[*]} (transfer ${P1_TR[*]}); 1 MiB get ${TINY[*]}"
  echo; echo "$RESULT"
  exit 0
fi
LSM=$(med "${P1_SMALL[@]}"); R4=$(med "${RSS4[@]}")

# ---------------------------------------------------------------- P3: unpack vs bsdtar, both followed by sync
echo "== P3: install (unpack) + sync vs bsdtar -xf + sync"
P3_ROWS=$(LS="$LS" BENCH="$W/benchbin/LanSpread.Bench.dll" W="$W" SIZE="$BIG" RUNS="$RUNS" FILES="$SMALLFILES" bash bench/p3.sh)

# P3c: the real (compressed, solid, RAR4, …) fixtures: SharpCompress in-process vs bsdtar per archive.
FIX=""; [ -d tests/fixtures/rar ] && FIX=$(cd tests/fixtures/rar && pwd)
P3C_LINE="| P3c | compressed fixtures: SharpCompress vs bsdtar | skipped: no tests/fixtures/rar | | |"
if [ -n "$FIX" ]; then
  echo "== P3c: compressed fixtures, Unpack.Rar (in-process) vs bsdtar"
  CRUNS=$([ $QUICK = 1 ] && echo 2 || echo 11)
  LANSPREAD_BENCH_PLUGINS="$W/bin/plugins" dotnet "$W/benchbin/LanSpread.Bench.dll" unpack-loop "$FIX" "$CRUNS" > "$W/p3c.txt"
  P3C_ROWS=""; SUM_LS=0; SUM_TAR=0
  while read -r name ms; do
    ts=()
    for _ in $(seq "$CRUNS"); do rm -rf "$W/p3c"; mkdir -p "$W/p3c"; s=$(now); bsdtar -xf "$FIX/$name" -C "$W/p3c" 2>/dev/null || true; e=$(now); ts+=("$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.2f", (b-a)*1000}')"); done
    tms=$(med "${ts[@]}")
    P3C_ROWS+="$name ${ms}/${tms}; "
    SUM_LS=$(awk -v a="$SUM_LS" -v b="$ms" 'BEGIN {print a+b}'); SUM_TAR=$(awk -v a="$SUM_TAR" -v b="$tms" 'BEGIN {print a+b}')
  done < "$W/p3c.txt"
  rm -rf "$W/p3c"
  P3C_LINE="| P3c | $(wc -l < "$W/p3c.txt") fixture archives (RAR 1.5–5: compressed, solid, stored, multi-volume, BLAKE2), sum of per-archive medians | ${SUM_LS} ms (Unpack.Rar in-process) | bsdtar ${SUM_TAR} ms (a process each) | $(ratio "$SUM_LS" "$SUM_TAR")× |"
  echo "P3c per archive (Unpack.Rar ms / bsdtar ms): $P3C_ROWS" > "$W/p3c-detail.txt"
fi

# ---------------------------------------------------------------- start-up: short commands, whole process
echo "== start-up: lanspread list / plugins / --version, whole process"
SRUNS=$([ $QUICK = 1 ] && echo 3 || echo 11)
time_cmd() { local ts=() s e; for _ in $(seq "$SRUNS"); do s=$(now); "$@" >/dev/null 2>&1; e=$(now); ts+=("$(secs "$s" "$e")"); done; med "${ts[@]}"; }
ST_LIST=(); ST_PLUG=(); ST_VER=()
for _ in 1 2; do # interleaved halves
  ST_LIST+=("$(time_cmd "$LS" list --games "$SEED" --data "$W/list-data")")
  ST_PLUG+=("$(time_cmd "$LS" plugins)")
  ST_VER+=("$(time_cmd "$LS" --version)")
done
SL=$(med "${ST_LIST[@]}"); SP=$(med "${ST_PLUG[@]}"); SVR=$(med "${ST_VER[@]}")
# Methods the JIT compiled (not precompiled by ReadyToRun) in one `list` and one 1 MiB `get`: a count,
# not a time, so it does not depend on the machine's load (DOTNET_JitStdOutFile + JitDisasmSummary).
jit_count() { local f="$W/jit.txt"; rm -f "$f"; DOTNET_JitStdOutFile="$f" DOTNET_JitDisasmSummary=1 "$@" >/dev/null 2>&1 || true; [ -f "$f" ] && wc -l < "$f" || echo "?"; }
JIT_LIST=$(jit_count "$LS" list --games "$SEED" --data "$W/list-data")
mkdir -p "$W/dl/jit"
JIT_GET=$(jit_count "$LS" get openttd --games "$W/dl/jit" --data "$W/jit-data" --name jit --peer 127.0.0.1:18420 --no-mdns --no-install --listen 127.0.0.1:0 --json --log-level Warning)
rm -rf "$W/dl/jit"

# ---------------------------------------------------------------- P2 / P5: namespace LAN
P2_LINE="| P2 | two peers shaped to ${RATE_MBIT} Mbit/s each | skipped: needs root (ip netns, tc) | | |"
P5_LINE="| P5 | discovery / pruning on netns hosts | skipped: needs root | | |"
if [ "$(id -u)" = 0 ]; then
  echo "== P2/P5: namespace LAN"
  B=lsbench$$; SW="$B-sw"; ip netns add "$SW"; NETNS+=("$SW")
  ip netns exec "$SW" ip link add br0 type bridge; ip netns exec "$SW" ip link set br0 up
  i=2
  for h in s1 s2 c; do
    ns="$B-$h"; ip netns add "$ns"; NETNS+=("$ns")
    ip link add "vb$$$i" type veth peer name "vb$$${i}h"
    ip link set "vb$$${i}h" netns "$ns"; ip link set "vb$$$i" netns "$SW"
    ip netns exec "$SW" ip link set "vb$$$i" master br0; ip netns exec "$SW" ip link set "vb$$$i" up
    ip netns exec "$ns" ip link set "vb$$${i}h" name eth0; ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip addr add "10.78.0.$i/24" dev eth0; ip netns exec "$ns" ip link set eth0 up
    ip netns exec "$ns" ip route add 224.0.0.0/4 dev eth0
    i=$((i+1))
  done
  P2G="$W/p2/games"; mkdir -p "$P2G"; make_game "$P2G" alienswarm "$P2SIZE" 1
  TC_OK=1
  for h in s1 s2; do
    ip netns exec "$B-$h" tc qdisc add dev eth0 root tbf rate ${RATE_MBIT}mbit burst 512kb latency 200ms 2>"$W/tc.err" || TC_OK=0
    : >"$W/p2/$h.out"
    ip netns exec "$B-$h" "$LS" serve --games "$P2G" --data "$W/p2/$h-data" --name "$h" --no-mdns --log-level Warning >"$W/p2/$h.out" 2>&1 &
    PIDS+=($!); disown
  done
  for h in s1 s2; do wait_library_ready "$W/p2/$h.out"; done
  if [ $TC_OK = 1 ]; then
    out="$W/p2/get.json"
    mkdir -p "$W/p2/client"
    ip netns exec "$B-c" "$LS" get alienswarm --games "$W/p2/client" --data "$W/p2/c-data" --peer 10.78.0.2:42420 --peer 10.78.0.3:42420 --peers 2 \
      --no-mdns --no-install --json --log-level Warning >"$out" 2>/dev/null || true
    T2=$(grep -o '"DownloadGameFilesFinished".*"seconds":[0-9.]*' "$out" | sed 's/.*"seconds":\([0-9.]*\)/\1/')
    GOT=$(awk -v m="$P2SIZE" -v t="$T2" 'BEGIN {printf "%.1f", m*1048576*8/1e6/t}')
    SUM=$((2*RATE_MBIT))
    P2_LINE="| P2 | ${P2SIZE} MiB from two peers, each shaped to ${RATE_MBIT} Mbit/s (tc tbf) | ${GOT} Mbit/s | sum of rates ${SUM} Mbit/s | $(ratio "$GOT" "$SUM")× (bar ≥ 0.90×) |"
  else
    P2_LINE="| P2 | two shaped peers | tc failed: $(head -c 80 "$W/tc.err") | | |"
  fi
  for p in "${PIDS[@]:1}"; do kill -9 "$p" 2>/dev/null || true; done
  # P5: discovery latency and pruning, by mDNS, ping interval 1 s.
  mkdir -p "$W/p2/empty1" "$W/p2/empty2"
  ip netns exec "$B-s1" "$LS" serve --games "$W/p2/empty1" --data "$W/p5/a" --name a --ping-interval 1 --log-level Warning >"$W/p5a.out" 2>/dev/null &
  PIDS+=($!); disown; mkdir -p "$W/p2/empty1" "$W/p2/empty2"; sleep 2
  s=$(now)
  ip netns exec "$B-s2" "$LS" serve --games "$W/p2/empty2" --data "$W/p5/b" --name b --ping-interval 1 --log-level Warning >/dev/null 2>&1 &
  BPID=$!; PIDS+=($BPID); disown
  for _ in $(seq 500); do grep -q '"PeerDiscovered".*"peer":"b"' "$W/p5a.out" 2>/dev/null && break; sleep 0.01; done; e=$(now); DISC=$(secs "$s" "$e")
  sleep 1; kill -9 "$BPID"; s=$(now)
  for _ in $(seq 1000); do grep -q '"PeerLost"' "$W/p5a.out" 2>/dev/null && break; sleep 0.01; done; e=$(now); PRUNE=$(secs "$s" "$e")
  P5_LINE="| P5 | mDNS discovery (process start → seen) / pruning (SIGKILL → PeerLost), ping 1 s | ${DISC} s / ${PRUNE} s | bar 2 s / 3 intervals (3 s) | $( awk -v d="$DISC" -v p="$PRUNE" 'BEGIN {print (d<=2 && p<=3) ? "met" : "not met"}') |"
fi

# ---------------------------------------------------------------- P2p / P9: adaptive planner vs round-robin (issue 14)
PLANNER_ROWS="| P9 | 400 + 40 Mbit/s peers vs the fast one alone | skipped: needs root (ip netns, tc) | | |"
if [ "$(id -u)" = 0 ]; then
  echo "== P2p/P9: planners on the namespace LAN"
  PLANNER_ROWS=$(LS="$LS" BENCH="$W/benchbin/LanSpread.Bench.dll" W="$W" RUNS="$RUNS" bash bench/planner.sh $( [ $QUICK = 1 ] && echo --quick))
fi

# ---------------------------------------------------------------- P8: content manifest (loopback)
echo "== P8: manifest hashing, resumed download, delta update"
P8_ROWS=$(LS="$LS" BENCH="$W/benchbin/LanSpread.Bench.dll" W="$W" SIZE="$BIG" bash bench/p8.sh)

# ---------------------------------------------------------------- P7: streaming install (namespace hosts, shaped)
echo "== P7: get vs get --no-install from a peer shaped to ${RATE_MBIT} Mbit/s (streaming install)"
P7_ROWS=$(LS="$LS" BENCH="$W/benchbin/LanSpread.Bench.dll" W="$W" SIZE="$BIG" RUNS="$RUNS" RATE="$RATE_MBIT" FILES="$SMALLFILES" bash bench/p7.sh)

RESULT=$(cat <<TABLE
| id | workload | LanSpread (median of $RUNS) | baseline (same run) | ratio |
|---|---|---|---|---|
${P1_ROWS}
${CPU_LINE}
| P1s | 1 MiB game (fixed cost: start, compose, connect, handshake, GetGame) | ${TW} s | | |
| P1b | ${BIG} MiB in ${SMALLFILES} files inside the archive (same bytes on the wire) | ${LSM} s | curl over HTTPS ${CS} s | $(ratio "$LSM" "$CS")× |
${P2_LINE}
${PLANNER_ROWS}
${P3_ROWS}
${P3C_LINE}
| P4 | peak RSS of the downloading process: ${BIG} MiB / ${HUGE} MiB | $((R1/1024)) MiB / $((R4/1024)) MiB | bar ≤ 120 MiB, ${HUGE} MiB ≤ 1.05 × ${BIG} MiB | $(ratio "$R4" "$R1")× |
| S1 | \`lanspread list\` (3 games) / \`lanspread plugins\`, whole process | ${SL} s / ${SP} s | \`lanspread --version\` ${SVR} s | list bar ≤ 0.15 s |
| S1j | methods JIT-compiled (not ReadyToRun) in one \`list\` / one 1 MiB \`get --no-install\` | ${JIT_LIST} / ${JIT_GET} | | |
${P5_LINE}
${P7_ROWS}
${P8_ROWS}
TABLE
)
mkdir -p bench/results
{ echo "# bench/run.sh $( [ $QUICK = 1 ] && echo --quick) — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"; echo; echo "$RESULT"; echo; cat "$W/p3c-detail.txt" 2>/dev/null || true; } > bench/results/latest.md
echo; echo "$RESULT"; echo; cat "$W/p3c-detail.txt" 2>/dev/null || true

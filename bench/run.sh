#!/usr/bin/env bash
# One command for P1–P5 (DESIGN E) and P8 (issue 13, bench/p8.sh), each against a real baseline run in the same invocation:
#   bash bench/run.sh            full run (1 GiB and 4 GiB workloads, 3 interleaved runs each)
#   bash bench/run.sh --quick    smaller workloads, 1 run (CI proves it still works)
# Prints a table of medians and ratios and writes it to bench/results/latest.md.
# Needs root for the namespace LAN (P2, P5) and installs its baselines from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
QUICK=0; [ "${1:-}" = "--quick" ] && QUICK=1
if [ $QUICK = 1 ]; then RUNS=1; BIG=256; HUGE=1024; SMALLFILES=512; P2SIZE=128; else RUNS=3; BIG=1024; HUGE=4096; SMALLFILES=4096; P2SIZE=512; fi
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

echo "== building (Release)"
dotnet publish hosts/LanSpread.Cli -c Release -o "$W/bin" -nologo -v q >/dev/null
dotnet build bench/LanSpread.Bench -c Release -o "$W/benchbin" -nologo -v q >/dev/null
LS="$W/bin/lanspread"
make_game() { dotnet "$W/benchbin/LanSpread.Bench.dll" make-game "$@" >/dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b-a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

echo "== workloads: ${BIG} MiB one file (alienswarm), ${BIG} MiB in ${SMALLFILES} files (cs16), ${HUGE} MiB one file (bfbc2)"
SEED="$W/seed/games"; mkdir -p "$SEED"
make_game "$SEED" alienswarm "$BIG" 1
make_game "$SEED" cs16 "$BIG" "$SMALLFILES"
make_game "$SEED" bfbc2 "$HUGE" 1

# ---------------------------------------------------------------- P1 / P4: loopback download
echo "== P1/P4: loopback download vs nginx+curl"
mkdir -p "$W/nginx/logs"
cat > "$W/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:18080; root $SEED; } }
NGINX
nginx -c "$W/nginx/nginx.conf" -p "$W/nginx"
"$LS" serve --games "$SEED" --data "$W/serve-data" --name seeder --listen 127.0.0.1:18420 --no-mdns --log-level Warning >/dev/null 2>"$W/serve.err" &
PIDS+=($!); disown
# The seeder hashes its library (content manifests) before it listens: wait for the port, up to 2 min.
for _ in $(seq 1200); do (echo >/dev/tcp/127.0.0.1/18420) 2>/dev/null && break; sleep 0.1; done
sleep 1

get_run() { # $1 game $2 dir → prints "wall transfer rss_kib"
  local out="$W/get.json" start end
  mkdir -p "$2"
  start=$(now)
  /usr/bin/time -v -o "$W/time.txt" "$LS" get "$1" --games "$2" --data "$W/get-data" --name client --peer 127.0.0.1:18420 --no-mdns \
    --no-install --listen 127.0.0.1:0 --json --log-level Warning >"$out" 2>"$W/get.err" || { echo "bench: get $1 failed:" >&2; tail -5 "$W/get.err" >&2; exit 1; }
  end=$(now)
  local transfer rss
  transfer=$(grep -o '"DownloadGameFilesFinished".*"seconds":[0-9.]*' "$out" | sed 's/.*"seconds":\([0-9.]*\)/\1/')
  rss=$(grep "Maximum resident" "$W/time.txt" | awk '{print $NF}')
  echo "$(secs "$start" "$end") ${transfer:-0} ${rss:-0}"
}
P1_CURL=(); P1_LS=(); P1_TR=(); P1_SMALL=(); P1_SMALLCURL=(); RSS1=(); RSS4=()
for run in $(seq "$RUNS"); do
  rm -rf "$W/dl"; mkdir -p "$W/dl"
  s=$(now); curl -sf -o "$W/dl/curl.bin" http://127.0.0.1:18080/alienswarm/alienswarm.eti; e=$(now); P1_CURL+=("$(secs "$s" "$e")"); rm -f "$W/dl/curl.bin"
  read -r wall transfer rss < <(get_run alienswarm "$W/dl/ls$run"); P1_LS+=("$wall"); P1_TR+=("$transfer"); RSS1+=("$rss"); rm -rf "$W/dl/ls$run"
  s=$(now); for f in $(cd "$SEED/cs16" && find . -type f | head -n 1); do :; done
  s=$(now); curl -sf -o "$W/dl/curl2.bin" http://127.0.0.1:18080/cs16/cs16.eti; e=$(now); P1_SMALLCURL+=("$(secs "$s" "$e")"); rm -f "$W/dl/curl2.bin"
  read -r wall transfer rss < <(get_run cs16 "$W/dl/small$run"); P1_SMALL+=("$wall"); rm -rf "$W/dl/small$run"
  sync
done
read -r wall transfer rss < <(get_run bfbc2 "$W/dl/huge"); RSS4+=("$rss"); HUGE_WALL=$wall; rm -rf "$W/dl/huge"
C1=$(printf '%s\n' "${P1_CURL[@]}" | median); L1=$(printf '%s\n' "${P1_LS[@]}" | median); T1=$(printf '%s\n' "${P1_TR[@]}" | median)
CS=$(printf '%s\n' "${P1_SMALLCURL[@]}" | median); LSM=$(printf '%s\n' "${P1_SMALL[@]}" | median)
R1=$(printf '%s\n' "${RSS1[@]}" | median); R4=$(printf '%s\n' "${RSS4[@]}" | median)

# ---------------------------------------------------------------- P3: unpack vs bsdtar
echo "== P3: install (unpack) vs bsdtar -xf"
P3_TAR=(); P3_LS=()
for run in $(seq "$RUNS"); do
  rm -rf "$W/p3"; mkdir -p "$W/p3/tar" "$W/p3/games/alienswarm"
  ln "$SEED/alienswarm/alienswarm.eti" "$W/p3/games/alienswarm/alienswarm.eti"; cp "$SEED/alienswarm/version.ini" "$W/p3/games/alienswarm/"
  sync
  s=$(now); bsdtar -xf "$SEED/alienswarm/alienswarm.eti" -C "$W/p3/tar"; e=$(now); P3_TAR+=("$(secs "$s" "$e")")
  s=$(now); "$LS" install alienswarm --games "$W/p3/games" --log-level Warning >/dev/null; e=$(now); P3_LS+=("$(secs "$s" "$e")")
done
TAR=$(printf '%s\n' "${P3_TAR[@]}" | median); UNP=$(printf '%s\n' "${P3_LS[@]}" | median)
rm -rf "$W/p3"

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
    ip netns exec "$B-$h" "$LS" serve --games "$P2G" --data "$W/p2/$h-data" --name "$h" --no-mdns --log-level Warning >/dev/null 2>&1 &
    PIDS+=($!); disown
  done
  sleep 2
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
  PIDS+=($!); mkdir -p "$W/p2/empty1" "$W/p2/empty2"; sleep 2
  s=$(now)
  ip netns exec "$B-s2" "$LS" serve --games "$W/p2/empty2" --data "$W/p5/b" --name b --ping-interval 1 --log-level Warning >/dev/null 2>&1 &
  BPID=$!; PIDS+=($BPID); disown
  for _ in $(seq 500); do grep -q '"PeerDiscovered".*"peer":"b"' "$W/p5a.out" 2>/dev/null && break; sleep 0.01; done; e=$(now); DISC=$(secs "$s" "$e")
  sleep 1; kill -9 "$BPID"; s=$(now)
  for _ in $(seq 1000); do grep -q '"PeerLost"' "$W/p5a.out" 2>/dev/null && break; sleep 0.01; done; e=$(now); PRUNE=$(secs "$s" "$e")
  P5_LINE="| P5 | mDNS discovery (process start → seen) / pruning (SIGKILL → PeerLost), ping 1 s | ${DISC} s / ${PRUNE} s | bar 2 s / 3 intervals (3 s) | $( awk -v d="$DISC" -v p="$PRUNE" 'BEGIN {print (d<=2 && p<=3) ? "met" : "not met"}') |"
fi

# ---------------------------------------------------------------- P8: content manifest (loopback)
echo "== P8: manifest hashing, resumed download, delta update"
P8_ROWS=$(LS="$LS" BENCH="$W/benchbin/LanSpread.Bench.dll" W="$W" SIZE="$BIG" bash bench/p8.sh)

RESULT=$(cat <<TABLE
| id | workload | LanSpread (median of $RUNS) | baseline (same run) | ratio |
|---|---|---|---|---|
| P1 | ${BIG} MiB, one file, loopback, to disk (wall, process start included) | ${L1} s (transfer ${T1} s) | curl from nginx (sendfile) ${C1} s | $(ratio "$L1" "$C1")× (bar ≤ 1.25×) |
| P1b | ${BIG} MiB in ${SMALLFILES} files inside the archive (same bytes on the wire) | ${LSM} s | curl ${CS} s | $(ratio "$LSM" "$CS")× |
${P2_LINE}
| P3 | install (unpack) of the ${BIG} MiB stored RAR5 | ${UNP} s | bsdtar -xf ${TAR} s | $(ratio "$UNP" "$TAR")× (bar ≤ 1.25×) |
| P4 | peak RSS of the downloading process: ${BIG} MiB / ${HUGE} MiB | $((R1/1024)) MiB / $((R4/1024)) MiB | bar ≤ 150 MiB, ${HUGE} MiB ≤ 1.10 × ${BIG} MiB | $(ratio "$R4" "$R1")× |
${P5_LINE}
${P8_ROWS}
TABLE
)
mkdir -p bench/results
{ echo "# bench/run.sh $( [ $QUICK = 1 ] && echo --quick) — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"; echo; echo "$RESULT"; } > bench/results/latest.md
echo; echo "$RESULT"

#!/usr/bin/env bash
# P3 / P3m (DESIGN E, issue 20): `lanspread install` of a stored RAR5 game in WinRAR's layout (directory
# entries, times, owner records), whole process, followed by `sync`, against `bsdtar -xf` followed by
# `sync`, interleaved in the same run (each side pays for its own dirty pages). Prints two table rows.
#   Called by bench/run.sh with LS=lanspread, BENCH=LanSpread.Bench.dll, W=work dir, SIZE=MiB, RUNS, FILES.
#   Standalone (builds what it needs into a temporary folder, removes it at the end):
#     /work/wt/bin/quiet bash bench/p3.sh [SIZE_MIB [RUNS [FILES]]]     default 1024 3 4096
#   LS=path/to/lanspread BENCH=path/to/LanSpread.Bench.dll bash bench/p3.sh …   uses that build instead.
# LANSPREAD_P3_DETAIL=1 also prints every run's pair of times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OWN_W=0
if [ -z "${W:-}" ]; then # standalone
  SIZE=${1:-1024}; RUNS=${2:-3}; FILES=${3:-4096}
  command -v bsdtar >/dev/null 2>&1 || {
    if [ "$(id -u)" = 0 ]; then apt-get update -qq -o APT::Sandbox::User=root && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o APT::Sandbox::User=root libarchive-tools >/dev/null
    else echo "bench: missing bsdtar (libarchive-tools; run as root to install)" >&2; exit 1; fi
  }
  W=$(mktemp -d /var/tmp/lanspread-p3.XXXXXX); OWN_W=1
  trap 'rm -rf "$W"' EXIT
fi
if [ -z "${LS:-}" ]; then # LS and BENCH may name an existing publish (to compare builds) instead
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  echo "== P3: building (Release, published as users get it)" >&2
  dotnet publish hosts/LanSpread.Cli -c Release -o "$W/bin" -nologo -v q >/dev/null
  dotnet build bench/LanSpread.Bench -c Release -o "$W/benchbin" -nologo -v q >/dev/null
  LS="$W/bin/lanspread"; BENCH="$W/benchbin/LanSpread.Bench.dll"
fi
: "${LS:?}" "${BENCH:?}" "${W:?}" "${SIZE:?}" "${RUNS:?}" "${FILES:?}"
P="$W/p3seed"
if [ ! -f "$P/p3one/p3one.eti" ]; then
  mkdir -p "$P"
  dotnet "$BENCH" make-game "$P" p3one "$SIZE" 1 >/dev/null
  dotnet "$BENCH" make-game "$P" p3many "$SIZE" "$FILES" >/dev/null
fi
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b-a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
med() { printf '%s\n' "$@" | median; }

tar_side() { # $1 game $2 work dir → prints bsdtar's wall time (with its sync)
  local s e
  mkdir -p "$2/tar"
  s=$(now); bsdtar -xf "$P/$1/$1.eti" -C "$2/tar"; sync; e=$(now)
  rm -rf "$2/tar"; sync
  secs "$s" "$e"
}
install_side() { # $1 game $2 work dir → prints the install's wall time (with its sync)
  local s m e
  mkdir -p "$2/games/$1"
  ln "$P/$1/$1.eti" "$2/games/$1/$1.eti"; cp "$P/$1/version.ini" "$2/games/$1/"; sync
  s=$(now); "$LS" install "$1" --games "$2/games" --log-level Error >/dev/null 2>>"$W/p3-install.err" || { echo "bench: install $1 failed" >&2; tail -3 "$W/p3-install.err" >&2; exit 1; }
  m=$(now); sync; e=$(now)
  [ "${LANSPREAD_P3_DETAIL:-0}" = 1 ] && echo "  $1: install $(secs "$s" "$m") s + sync $(secs "$m" "$e") s" >&2
  rm -rf "$2/games"; sync
  secs "$s" "$e"
}
p3() { # $1 game $2 run number → prints "lanspread_wall bsdtar_wall" (each including a sync)
  local T="$W/p3" tar ls
  rm -rf "$T"; mkdir -p "$T"
  cat "$P/$1/$1.eti" >/dev/null # both read the archive from the page cache
  sync
  # Each side removes its tree (and syncs) before the other starts, and the sides take turns going first:
  # on this machine's virtual disk the first writer after a large removal was up to 2× slower whichever
  # it was (the same install: 1.9 s first, 0.55 s second), so a fixed order measured the order.
  if [ $(($2 % 2)) = 1 ]; then tar=$(tar_side "$1" "$T"); ls=$(install_side "$1" "$T")
  else ls=$(install_side "$1" "$T"); tar=$(tar_side "$1" "$T"); fi
  rm -rf "$T"
  echo "$ls $tar"
}
ONE_TAR=(); ONE_LS=(); MANY_TAR=(); MANY_LS=()
for run in $(seq "$RUNS"); do
  read -r l t < <(p3 p3one "$run"); ONE_LS+=("$l"); ONE_TAR+=("$t")
  read -r l2 t2 < <(p3 p3many "$run"); MANY_LS+=("$l2"); MANY_TAR+=("$t2")
  [ "${LANSPREAD_P3_DETAIL:-0}" = 1 ] && echo "run $run: one file $l vs bsdtar $t; $FILES files $l2 vs bsdtar $t2" >&2
done
TAR=$(med "${ONE_TAR[@]}"); UNP=$(med "${ONE_LS[@]}"); TARM=$(med "${MANY_TAR[@]}"); UNPM=$(med "${MANY_LS[@]}")
[ "$OWN_W" = 1 ] || rm -rf "$P"
echo "| P3 | install of the ${SIZE} MiB stored RAR5 (one file, directory entries) + sync | ${UNP} s | bsdtar -xf + sync ${TAR} s | $(ratio "$UNP" "$TAR")× (bar ≤ 1.10×) |"
echo "| P3m | install of ${SIZE} MiB in ${FILES} files (WinRAR layout, directory entries) + sync | ${UNPM} s | bsdtar -xf + sync ${TARM} s | $(ratio "$UNPM" "$TARM")× (bar ≤ 1.10×) |"

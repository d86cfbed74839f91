#!/usr/bin/env bash
# nstui spawn vs util-linux unshare, side by side in one run: R rounds of N
# runs of each, interleaved run by run (nstui, unshare, nstui, ...) so both
# see the same machine load. Each run is timed on its own (bash's
# EPOCHREALTIME: no fork for the clock); a round prints the median wall time
# of each side and the ratio of the medians, the end the median and range
# of the rounds' ratios. Needs root.
# Usage: bench/spawn-vs-unshare.sh [N=100] [R=5] [path/to/nstui]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
R=${2:-5}
NSTUI=${3:-}
[ "$(id -u)" = 0 ] || { echo "run as root (namespaces need CAP_SYS_ADMIN)" >&2; exit 1; }
if [ -z "$NSTUI" ]; then
  NSTUI=$(mktemp -d)/nstui
  trap 'rm -rf "$(dirname "$NSTUI")"' EXIT
  CGO_ENABLED=1 go build -o "$NSTUI" .
fi

ours=("$NSTUI" spawn --pid --net --mount --uts --ipc --cgroup -- true)
theirs=(unshare --pid --net --mount --uts --ipc --cgroup --fork --mount-proc true)
echo "nstui:   ${ours[*]}"
echo "unshare: ${theirs[*]}"
"${ours[@]}" && "${theirs[@]}" # both must work before timing

ratios=()
for round in $(seq "$R"); do
  a=() b=()
  for _ in $(seq "$N"); do
    t0=${EPOCHREALTIME/[.,]/}; "${ours[@]}"
    t1=${EPOCHREALTIME/[.,]/}; "${theirs[@]}"
    t2=${EPOCHREALTIME/[.,]/}
    a+=($((t1 - t0))) b+=($((t2 - t1)))
  done
  line=$(printf '%s\n' "${a[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  other=$(printf '%s\n' "${b[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  r=$(awk -v a="$line" -v b="$other" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$r")
  awk -v a="$line" -v b="$other" -v n="$N" -v r="$round" -v q="$r" 'BEGIN {
    printf "round %d: %d runs each, median: nstui %.2f ms, unshare %.2f ms, ratio %sx\n",
      r, n, a / 1000, b / 1000, q }'
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END {
  printf "nstui/unshare over %d rounds: median %.2fx, range %.2fx-%.2fx\n", NR, v[int((NR+1)/2)], v[1], v[NR] }'

#!/usr/bin/env bash
# nstui spawn vs util-linux unshare, side by side in one run: R rounds of N
# runs of each, interleaved run by run so all see the same machine load.
# Each run is timed on its own (bash's EPOCHREALTIME: no fork for the
# clock); a round prints the median wall time of each and the ratios of the
# medians, the end the median and range of the rounds' ratios.
#
# Two nstui lines: the issue's command as typed (namespace options only: the
# C driver reads it and Go never starts), and the same spawn forced through
# the Go command line parser (_NSTUI_SPAWN_SLOW=1), which is what any spawn
# with a valued option (--hostname, --map-user, --root, ...) costs.
# Needs root. Usage: bench/spawn-vs-unshare.sh [N=100] [R=5] [path/to/nstui]
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
"${ours[@]}" && "${theirs[@]}" && _NSTUI_SPAWN_SLOW=1 "${ours[@]}" # all must work before timing

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
fast=() slow=()
for round in $(seq "$R"); do
  a=() b=() c=()
  for _ in $(seq "$N"); do
    t0=${EPOCHREALTIME/[.,]/}; "${ours[@]}"
    t1=${EPOCHREALTIME/[.,]/}; "${theirs[@]}"
    t2=${EPOCHREALTIME/[.,]/}; _NSTUI_SPAWN_SLOW=1 "${ours[@]}"
    t3=${EPOCHREALTIME/[.,]/}
    a+=($((t1 - t0))) b+=($((t2 - t1))) c+=($((t3 - t2)))
  done
  read -r f s < <(awk -v a="$(median "${a[@]}")" -v b="$(median "${b[@]}")" -v c="$(median "${c[@]}")" \
    -v n="$N" -v r="$round" 'BEGIN {
    printf "round %d: %d runs each, median: nstui %.2f ms, unshare %.2f ms, nstui via Go parser %.2f ms; ratios %.2fx, %.2fx\n",
      r, n, a / 1000, b / 1000, c / 1000, a / b, c / b > "/dev/stderr"
    printf "%.2f %.2f\n", a / b, c / b }')
  fast+=("$f") slow+=("$s")
done 2>&1
summary() {
  printf '%s\n' "${@:2}" | sort -n | awk -v what="$1" '{v[NR]=$1} END {
    printf "%s over %d rounds: median %.2fx, range %.2fx-%.2fx\n", what, NR, v[int((NR+1)/2)], v[1], v[NR] }'
}
summary "nstui/unshare" "${fast[@]}"
summary "nstui via Go parser/unshare" "${slow[@]}"

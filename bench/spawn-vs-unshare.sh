#!/usr/bin/env bash
# nstui spawn vs util-linux unshare, side by side in one run: N runs of each,
# interleaved so both see the same machine load, repeated R rounds. Prints
# the total wall time of each side and the ratio nstui/unshare per round.
# Needs root. Usage: bench/spawn-vs-unshare.sh [N=200] [R=3] [path/to/nstui]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
R=${2:-3}
NSTUI=${3:-}
if [ -z "$NSTUI" ]; then
  NSTUI=$(mktemp -d)/nstui
  trap 'rm -rf "$(dirname "$NSTUI")"' EXIT
  CGO_ENABLED=1 go build -o "$NSTUI" .
fi
[ "$(id -u)" = 0 ] || { echo "run as root (namespaces need CAP_SYS_ADMIN)" >&2; exit 1; }

ours=("$NSTUI" spawn --pid --net --mount --uts --ipc --cgroup -- true)
theirs=(unshare --pid --net --mount --uts --ipc --cgroup --fork --mount-proc true)
echo "nstui:   ${ours[*]}"
echo "unshare: ${theirs[*]}"
"${ours[@]}" && "${theirs[@]}" # both must work before timing

now() { date +%s%N; }
for round in $(seq "$R"); do
  a=0 b=0
  for _ in $(seq "$N"); do
    t0=$(now); "${ours[@]}"; t1=$(now); "${theirs[@]}"; t2=$(now)
    a=$((a + t1 - t0)); b=$((b + t2 - t1))
  done
  awk -v a="$a" -v b="$b" -v n="$N" -v r="$round" 'BEGIN {
    printf "round %d: %d runs each: nstui %.2f ms/run, unshare %.2f ms/run, ratio %.2fx\n",
      r, n, a / n / 1e6, b / n / 1e6, a / b }'
done

#!/usr/bin/env bash
# Wall time of `nstui enter -t PID --all -- true` vs `nsenter -t PID --all true`
# on the same target, side by side in one run (alternating, so machine load
# hits both alike), repeated ROUNDS times; prints each round and the ratio.
# Run as root from the repository root:  bench/enter-vs-nsenter.sh [N] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
ROUNDS=${2:-3}
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

bin=$(mktemp -d)
target=
cleanup() {
  # || true: under set -e a failed kill or the killed job's status from
  # wait would end the trap before the temporary directory is removed.
  [ -n "$target" ] && kill -KILL "$target" 2>/dev/null || true
  [ -n "${outer:-}" ] && { kill -KILL "$outer" 2>/dev/null; wait "$outer" 2>/dev/null; } || true
  rm -rf "$bin"
}
trap cleanup EXIT
CGO_ENABLED=1 go build -o "$bin/nstui" .

# A target in a fresh namespace of every type (the inner sleep is the target).
unshare --kill-child --user --map-root-user --pid --fork --mount --mount-proc \
  --uts --ipc --net --cgroup --time sleep 1000 &
outer=$!
for _ in $(seq 100); do
  target=$(cat /proc/$outer/task/$outer/children 2>/dev/null | awk '{print $1}')
  [ -n "$target" ] && [ "$(cat /proc/$target/comm 2>/dev/null)" = sleep ] && break
  sleep 0.05
done
[ "$(cat /proc/$target/comm)" = sleep ] || { echo "target did not start" >&2; exit 1; }

# Both must really enter: compare one namespace link first.
a=$("$bin/nstui" enter -t "$target" --all -- readlink /proc/self/ns/user)
b=$(nsenter -t "$target" --all readlink /proc/self/ns/user)
[ "$a" = "$b" ] || { echo "mismatch: nstui $a, nsenter $b" >&2; exit 1; }

now() { date +%s%N; }
echo "N=$N runs each, target pid $target ($(uname -r))"
printf '%-6s %14s %14s %8s\n' round "nstui ms/run" "nsenter ms/run" ratio
ratios=()
for r in $(seq "$ROUNDS"); do
  tn=0; ts=0
  for _ in $(seq "$N"); do
    t0=$(now); "$bin/nstui" enter -t "$target" --all -- true; t1=$(now)
    nsenter -t "$target" --all true; t2=$(now)
    tn=$((tn + t1 - t0)); ts=$((ts + t2 - t1))
  done
  ratio=$(awk -v a="$tn" -v b="$ts" 'BEGIN{printf "%.2f", a/b}')
  ratios+=("$ratio")
  printf '%-6s %14.3f %14.3f %8s\n' "$r" "$(awk -v a="$tn" -v n="$N" 'BEGIN{print a/n/1e6}')" \
    "$(awk -v a="$ts" -v n="$N" 'BEGIN{print a/n/1e6}')" "${ratio}x"
done
echo "ratios: ${ratios[*]} (target: at most 2x)"

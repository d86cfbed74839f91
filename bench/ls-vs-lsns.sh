#!/usr/bin/env bash
# ls-vs-lsns.sh — discovery speed, side by side in one run, as ratios to
# `lsns -J --output-all` (util-linux), measured in the same round:
#   full     `nstui ls -J`                 one scan, what ls prints
#   details  `nstui ls -J --all-details`   one scan that also reads every process's
#                                          command line, cgroup and NSpid (what the TUI keeps)
#   refresh  a second Scan on the same Scanner with nothing changed (mean of 10,
#            timed inside nstui: `nstui ls --refresh-scans=10` prints it on stderr)
# Usage (as root), ideally on the farm:
#   NSFARM_STATE=/tmp/nsfarm-ls.pids ../shared/tools/nsfarm.sh up 500 3
#   bench/ls-vs-lsns.sh [ROUNDS]
#   NSFARM_STATE=/tmp/nsfarm-ls.pids ../shared/tools/nsfarm.sh down
set -euo pipefail
rounds=${1:-5}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/nstui
go build -o "$bin" .

ms() { # wall milliseconds of "$@", output discarded
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

echo "processes: $(ls /proc | grep -c '^[0-9]')   namespaces lsns: $(lsns -n -o NS | wc -l)   nstui: $("$bin" ls -n -o NS | wc -l)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %8s %8s %10s %10s %8s %8s %9s\n' round lsns_ms full_ms details_ms refresh_ms full_x detail_x refresh_x
full=() det=() refr=()
for r in $(seq 1 "$rounds"); do
  l1=$(ms lsns -J --output-all)
  n=$(ms "$bin" ls -J)
  d=$(ms "$bin" ls -J --all-details)
  "$bin" ls -J --refresh-scans=10 2>"$tmp/err" >/dev/null
  per=$(sed -n 's/.*refresh \([0-9.]*\) ms.*/\1/p' "$tmp/err")
  l2=$(ms lsns -J --output-all)
  l=$(( (l1 + l2) / 2 ))
  fx=$(awk -v a="$n" -v b="$l" 'BEGIN{printf "%.3f", a/b}')
  dx=$(awk -v a="$d" -v b="$l" 'BEGIN{printf "%.3f", a/b}')
  rx=$(awk -v a="$per" -v b="$l" 'BEGIN{printf "%.3f", a/b}')
  full+=("$fx") det+=("$dx") refr+=("$rx")
  printf '%-5s %8s %8s %10s %10s %8s %8s %9s\n' "$r" "$l" "$n" "$d" "$per" "$fx" "$dx" "$rx"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "median full/lsns:    $(median "${full[@]}")   (target <= 0.3)"
echo "median details/lsns: $(median "${det[@]}")"
echo "median refresh/lsns: $(median "${refr[@]}")   (target <= 0.1)"

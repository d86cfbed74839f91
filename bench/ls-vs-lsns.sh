#!/usr/bin/env bash
# ls-vs-lsns.sh — discovery speed, side by side in one run, as ratios to
# `lsns -J --output-all` (util-linux), measured in the same round:
#   full     `nstui ls -J`                 one scan, what ls prints
#   details  `nstui ls -J --all-details`   one scan that also reads every process's
#                                          command line, cgroup and NSpid (what the TUI keeps)
#   refresh  a second Scan on the same Scanner with nothing changed (mean of 10,
#            timed inside nstui: `nstui ls --refresh-scans=10` prints it on stderr)
# Each round runs lsns, full, full, lsns (ABBA, so a load that rises or falls
# during the round weighs on both sides alike); full_x is the ratio of the
# sums. cpu_x is the same ratio for CPU time (user+sys): what the scan costs
# the machine, whatever the parallelism (nstui reads /proc on two threads).
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

TIMEFORMAT='%3R %3U %3S'
run() { # "wall_ms cpu_ms" of "$@", output discarded
  local t
  t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
  awk -v t="$t" 'BEGIN{split(t, a, " "); printf "%d %d\n", a[1]*1000, (a[2]+a[3])*1000}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }

echo "processes: $(ls /proc | grep -c '^[0-9]')   namespaces lsns: $(lsns -n -o NS | wc -l)   nstui: $("$bin" ls -n -o NS | wc -l)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %8s %8s %10s %10s %8s %7s %8s %9s\n' round lsns_ms full_ms details_ms refresh_ms full_x cpu_x detail_x refresh_x
full=() cpu=() det=() refr=()
for r in $(seq 1 "$rounds"); do
  read -r l1 lc1 < <(run lsns -J --output-all)
  read -r f1 fc1 < <(run "$bin" ls -J)
  read -r f2 fc2 < <(run "$bin" ls -J)
  read -r l2 lc2 < <(run lsns -J --output-all)
  read -r d _ < <(run "$bin" ls -J --all-details)
  "$bin" ls -J --refresh-scans=10 2>"$tmp/err" >/dev/null
  per=$(sed -n 's/.*refresh \([0-9.]*\) ms.*/\1/p' "$tmp/err")
  l=$(( (l1 + l2) / 2 )) f=$(( (f1 + f2) / 2 ))
  fx=$(ratio $((f1 + f2)) $((l1 + l2)))
  cx=$(ratio $((fc1 + fc2)) $((lc1 + lc2)))
  dx=$(ratio "$d" "$l")
  rx=$(ratio "$per" "$l")
  full+=("$fx") cpu+=("$cx") det+=("$dx") refr+=("$rx")
  printf '%-5s %8s %8s %10s %10s %8s %7s %8s %9s\n' "$r" "$l" "$f" "$d" "$per" "$fx" "$cx" "$dx" "$rx"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{print lo "-" hi}'; }
echo "median full/lsns:    $(median "${full[@]}")   range $(range "${full[@]}")   (target <= 0.3)"
echo "median cpu full/lsns: $(median "${cpu[@]}")   range $(range "${cpu[@]}")"
echo "median details/lsns: $(median "${det[@]}")   range $(range "${det[@]}")"
echo "median refresh/lsns: $(median "${refr[@]}")   range $(range "${refr[@]}")   (target <= 0.1)"

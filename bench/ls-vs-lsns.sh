#!/usr/bin/env bash
# ls-vs-lsns.sh — discovery speed, side by side in one run: `nstui ls -J` vs
# `lsns -J --output-all`, and a refresh (a second Scan on the same Scanner,
# nothing changed) vs lsns. Prints each round and the median ratios.
#   bench/ls-vs-lsns.sh [ROUNDS]          (as root; run on a loaded farm:
#   NSFARM_STATE=/tmp/nsfarm-ls.pids ../shared/tools/nsfarm.sh up 500 3 ... down)
set -euo pipefail
rounds=${1:-5}
refreshes=10
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/nstui
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" .

ms() { # wall milliseconds of "$@", output discarded
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

echo "processes: $(ls -d /proc/[0-9]* | wc -l)   namespaces (lsns): $(lsns -n -o NS | wc -l)   namespaces (nstui): $("$bin" ls -n -o NS | wc -l)"
printf '%-6s %10s %10s %14s %12s %8s %8s\n' round lsns_ms nstui_ms nstui+10r_ms refresh_ms full_x refresh_x
full=() refr=()
for r in $(seq 1 "$rounds"); do
  l=$(ms lsns -J --output-all)
  n=$(ms "$bin" ls -J)
  nr=$(ms "$bin" ls -J --refresh-scans=$refreshes)
  l2=$(ms lsns -J --output-all)
  lavg=$(( (l + l2) / 2 ))
  per=$(awk -v a="$nr" -v b="$n" -v k=$refreshes 'BEGIN{v=(a-b)/k; if (v<0) v=0; printf "%.1f", v}')
  fx=$(awk -v a="$n" -v b="$lavg" 'BEGIN{printf "%.3f", a/b}')
  rx=$(awk -v a="$per" -v b="$lavg" 'BEGIN{printf "%.3f", a/b}')
  full+=("$fx") refr+=("$rx")
  printf '%-6s %10s %10s %14s %12s %8s %8s\n' "$r" "$lavg" "$n" "$nr" "$per" "$fx" "$rx"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "median full/lsns:    $(median "${full[@]}")   (target <= 0.3)"
echo "median refresh/lsns: $(median "${refr[@]}")   (target <= 0.1)"

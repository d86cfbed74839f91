#!/usr/bin/env bash
# tui-idle-cpu.sh — CPU the explorer burns while idle with live refresh on
# (a rescan about every 1.5 s), side by side in one run with the naive way to
# keep a namespace list live: `watch -n 1.5 lsns` (util-linux). Both run for
# the same SECONDS, taking turns, in one private tmux server; CPU is
# utime+stime (+ waited-for children: the lsns runs) from /proc/<pid>/stat.
# Target: nstui at most 3% of one core.
# Usage (as root), ideally on the farm:
#   NSFARM_STATE=/tmp/nsfarm-tui.pids ../shared/tools/nsfarm.sh up 500 3
#   bench/tui-idle-cpu.sh [SECONDS] [ROUNDS]
#   NSFARM_STATE=/tmp/nsfarm-tui.pids ../shared/tools/nsfarm.sh down
set -euo pipefail
secs=${1:-30}
rounds=${2:-3}
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
command -v tmux >/dev/null || { echo "needs tmux" >&2; exit 1; }

tmp=$(mktemp -d)
sock=$tmp/tmux.sock
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
CGO_ENABLED=1 go build -o "$tmp/nstui" .

hz=$(getconf CLK_TCK)
# cpu_ticks PID: utime+stime+cutime+cstime (fields 14-17; field 2 may hold
# spaces, so count from the closing parenthesis).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13+$14+$15}'; }
pct() { awk -v d="$1" -v hz="$hz" -v s="$secs" 'BEGIN{printf "%.2f", d/hz/s*100}'; }

echo "processes: $(ls /proc | grep -c '^[0-9]')   namespaces: $(lsns -n -o NS | wc -l)   load: $(cut -d' ' -f1-3 /proc/loadavg)   window 120x36, ${secs}s each"

# measure NAME CMD...: run CMD alone in a fresh tmux window, let it warm up,
# print its CPU over $secs as a percentage of one core, then end it. The two
# contenders take turns (not at once) so neither pays for the other's load.
measure() {
  local name=$1; shift
  tmux -S "$sock" -f /dev/null new-session -d -s "$name" -x 120 -y 36 "$@"
  sleep 15 # warm-up: nstui's first full scan and hostname reads; watch's first runs
  local pid t0 t1
  pid=$(tmux -S "$sock" display-message -p -t "$name" '#{pane_pid}')
  t0=$(cpu_ticks "$pid"); sleep "$secs"; t1=$(cpu_ticks "$pid")
  tmux -S "$sock" kill-session -t "$name"
  pct $((t1 - t0))
}

for r in $(seq "$rounds"); do
  a=$(measure tui env TERM=xterm-256color "$tmp/nstui")
  b=$(measure lsns watch -n 1.5 lsns)
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }')
  echo "round $r: nstui ${a}% of one core   watch -n1.5 lsns ${b}%   ratio nstui/watch-lsns ${ratio}"
done

#!/usr/bin/env bash
# A shell in an nstui pane vs the same shell straight in a tmux pane, end to
# end, side by side in one run. Both run in the same outer terminal: a tmux
# window of 120x36 on a private server (-L panesbench-<pid>, killed at the
# end; no other tmux server is touched).
#   plain: /bin/sh directly in the tmux pane (one emulator: tmux's)
#   nstui: the built nstui in the tmux pane, a spawned shell in its pane
#          (two emulators: nstui's, then tmux's for nstui's frames)
# 1. throughput: `seq 1 N; echo MARK-$((6*7))` until MARK-42 is on the outer
#    screen (capture-pane polled every 10 ms);
# 2. latency: one key typed until its echo is on the outer screen, K keys.
# Prints each run and RATIO lines (nstui / plain). Wall times move with the
# machine's load (other work runs here too): read the ratios of one run.
#
# Usage: bench/panes-vs-tmux.sh [runs] [lines] [keys]   (default 3 200000 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
lines=${2:-200000}
keys=${3:-30}
command -v tmux >/dev/null || { echo "panes-vs-tmux: tmux not found: install tmux" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "panes-vs-tmux: run as root (the nstui pane spawns new namespaces)" >&2; exit 2; }
bin=$(mktemp -d)
sock=panesbench-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$bin"; }
trap cleanup EXIT
go build -o "$bin/nstui" .
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2), $lines lines, $keys keys, $runs runs"

T() { tmux -L "$sock" "$@"; }
now() { date +%s%N; }
screen() { T capture-pane -p -t "$1"; }
# wait_for TARGET TEXT: poll the outer screen until TEXT shows (60 s max).
wait_for() {
	local t=$1 text=$2 end=$(($(date +%s) + 60))
	until screen "$t" | grep -qF -- "$text"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "timed out waiting for '$text' in $t" >&2; screen "$t" >&2; exit 1; }
		sleep 0.01
	done
}
ms() { echo $((($2 - $1) / 1000000)); }

env0="SHELL=/bin/sh ENV= PS1='# ' TERM=xterm-256color"
T -f /dev/null new-session -d -x 120 -y 36 -s plain "exec env $env0 /bin/sh"
T new-session -d -x 120 -y 36 -s nstui "exec env $env0 $bin/nstui"
wait_for plain '#'
wait_for nstui 'Namespaces'
T send-keys -t nstui s
wait_for nstui 'Equivalent command'
T send-keys -t nstui Enter
wait_for nstui 'spawn pid,mnt,uts,ipc,net'
wait_for nstui '│# '

declare -A total
for kind in plain nstui; do total[$kind.seq]=0; total[$kind.key]=0; done
for r in $(seq 1 "$runs"); do
	for kind in plain nstui; do
		T send-keys -t "$kind" -l 'clear'
		T send-keys -t "$kind" Enter
		sleep 0.3
		start=$(now)
		T send-keys -t "$kind" -l "seq 1 $lines; echo MARK-\$((6*7))"
		T send-keys -t "$kind" Enter
		wait_for "$kind" 'MARK-42'
		end=$(now)
		tseq=$(ms "$start" "$end")
		total[$kind.seq]=$((total[$kind.seq] + tseq))

		T send-keys -t "$kind" -l 'clear'
		T send-keys -t "$kind" Enter
		sleep 0.3
		T send-keys -t "$kind" -l ': '
		wait_for "$kind" '# :'
		typed='# : '
		start=$(now)
		for _ in $(seq 1 "$keys"); do
			typed+=a
			T send-keys -t "$kind" -l a
			until screen "$kind" | grep -qF -- "$typed"; do :; done
		done
		end=$(now)
		tkey=$(ms "$start" "$end")
		total[$kind.key]=$((total[$kind.key] + tkey))
		T send-keys -t "$kind" C-u
		awk -v r="$r" -v k="$kind" -v s="$tseq" -v t="$tkey" -v n="$keys" \
			'BEGIN { printf "run %d %-5s  seq+MARK %6d ms   key-to-echo %6.1f ms/key\n", r, k, s, t/n }'
	done
done
awk -v ps="${total[plain.seq]}" -v ns="${total[nstui.seq]}" -v pk="${total[plain.key]}" -v nk="${total[nstui.key]}" \
	-v runs="$runs" -v keys="$keys" 'BEGIN {
	printf "seq 1..N until MARK-42: plain %.0f ms, nstui %.0f ms (mean of %d)\n", ps/runs, ns/runs, runs
	printf "key to echo:            plain %.1f ms, nstui %.1f ms (mean of %d keys)\n", pk/(runs*keys), nk/(runs*keys), runs*keys
	printf "RATIO throughput nstui/plain %.2f\n", ns/ps
	printf "RATIO key-to-echo nstui/plain %.2f\n", nk/pk
}'
T send-keys -t nstui C-] q
sleep 0.3
T send-keys -t nstui y

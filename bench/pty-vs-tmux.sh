#!/usr/bin/env bash
# ptyshell vs tmux, side by side on this machine in one run:
#   1. throughput: `seq 1 N; echo MARK-$((6*7))` until MARK-42 is on the
#      screen: an nstui pane (ptyshell + its emulator) vs a tmux pane, with a
#      raw PTY read (no emulation) as the kernel's floor;
#   2. latency: a character typed into bash until its echo is on the screen.
# Prints each run and the ratios (lines starting with RATIO). Wall times move
# with the machine's load; compare the ratios and CPU times of one run.
#
# Usage: bench/pty-vs-tmux.sh [-lines N] [-runs N] [-keys N] [-rows R -cols C]
# (defaults: 200000 lines, 3 runs, 100 keys, 36x120). It starts its own tmux
# server on a private socket (-L ptybench-<pid>) and kills only that one.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "pty-vs-tmux: tmux not found: install tmux" >&2; exit 2; }
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/ptybench" ./bench/ptybench
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2)"
"$bin/ptybench" "$@"

#!/usr/bin/env bash
# emu-memory.sh — memory of a pane holding 10,000 lines of coloured
# 120-column scrollback: nstui's emulator vs x/vt vs tmux, the same bytes for
# all three, side by side in one run.
#   nstui, x/vt: the Go benchmark BenchmarkDiffScrollbackMemory
#     (ptyshell/difftest_mem_test.go): one 40x120 emulator with a 10,000-line
#     scrollback is fed the file; heap-MB is the live heap it holds after a
#     GC (rss-MB, the process's RSS growth, is printed too);
#   tmux: a private server (-L emumem-<pid>, killed at the end; no other tmux
#     server is touched) with history-limit 10000 and a 120x40 window whose
#     shell cats the same file: the server's RSS growth from before the cat
#     to when the cat is done (tmux drops a tenth of its history whenever it
#     reaches the limit, so it then holds 9,000 to 10,000 lines: the line
#     count is printed).
# Targets (issue 8): nstui at most 5 MB and no more than tmux.
#
# Usage: bench/emu-memory.sh [runs]   (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
command -v tmux >/dev/null || { echo "emu-memory: tmux not found: install tmux" >&2; exit 2; }
command -v python3 >/dev/null || { echo "emu-memory: python3 not found (it writes the content)" >&2; exit 2; }
tmp=$(mktemp -d)
sock=emumem-$$
sockpath=
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	case $sockpath in *"$sock") rm -f "$sockpath" ;; esac # kill-server leaves it
	rm -rf "$tmp"
}
trap cleanup EXIT
# 10,040 lines (40 stay on the screen), each 120 columns in 8 coloured spans
# (256-colour and truecolour), all different.
python3 - "$tmp/content" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(10040):
        f.write("".join("\x1b[38;5;%dm%06d\x1b[0m \x1b[38;2;%d;%d;200m%07d\x1b[0m" % ((i + j) % 256, i, j * 30, i % 256, j)
                        for j in range(8)) + "\n")
PY
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2); content $(wc -c <"$tmp/content") bytes, $(wc -l <"$tmp/content") lines of 120 columns"
go test -c -o "$tmp/ptyshell.test" ./ptyshell

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
T() { tmux -L "$sock" "$@"; }
declare -a tm nat xvt
for r in $(seq 1 "$runs"); do
	# tmux: a fresh server each run.
	T kill-server 2>/dev/null || true
	printf 'set -g history-limit 10000\nset -g status off\n' >"$tmp/tmux.conf"
	T -f "$tmp/tmux.conf" new-session -d -x 120 -y 40 -s m "exec env PS1='# ' ENV= /bin/sh"
	until T capture-pane -p -t '=m:' | grep -q '#'; do sleep 0.05; done
	pid=$(T display-message -p -t '=m:' '#{pid}')
	sockpath=$(T display-message -p '#{socket_path}')
	sleep 0.3
	before=$(rss "$pid")
	T send-keys -t '=m:' "cat $tmp/content; echo MARK-\$((6*7))" Enter
	# tmux drops a tenth of its history each time it reaches the limit, so it
	# holds between 9,000 and 10,000 lines at the end.
	until T capture-pane -p -t '=m:' | grep -q 'MARK-42'; do sleep 0.1; done
	sleep 0.3
	after=$(rss "$pid")
	hist=$(T display-message -p -t '=m:' '#{history_size}')
	tmx=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", (a - b) / 1024 }')
	echo "run $r tmux   server RSS ${before} kB -> ${after} kB: +${tmx} MB for $hist history lines"
	T kill-server
	# The emulators, in a process of their own.
	out=$(cd ptyshell && NSTUI_EMU_MEM_FILE="$tmp/content" "$tmp/ptyshell.test" -test.run '^$' \
		-test.bench '^BenchmarkDiffScrollbackMemory$' -test.benchtime 1x)
	n=$(echo "$out" | awk '/BenchmarkDiffScrollbackMemory\/native/ { for (i = 1; i <= NF; i++) if ($(i+1) == "heap-MB") print $i }')
	nr=$(echo "$out" | awk '/BenchmarkDiffScrollbackMemory\/native/ { for (i = 1; i <= NF; i++) if ($(i+1) == "rss-MB") print $i }')
	x=$(echo "$out" | awk '/BenchmarkDiffScrollbackMemory\/xvt/ { for (i = 1; i <= NF; i++) if ($(i+1) == "heap-MB") print $i }')
	xr=$(echo "$out" | awk '/BenchmarkDiffScrollbackMemory\/xvt/ { for (i = 1; i <= NF; i++) if ($(i+1) == "rss-MB") print $i }')
	[ -n "$n" ] && [ -n "$x" ] || { echo "emu-memory: benchmark output not understood:" >&2; echo "$out" >&2; exit 1; }
	echo "run $r nstui  emulator heap +${n} MB (process RSS +${nr} MB)"
	echo "run $r x/vt   emulator heap +${x} MB (process RSS +${xr} MB)"
	tm+=("$tmx"); nat+=("$n"); xvt+=("$x")
done
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.2f", s / NR }'; }
mt=$(mean "${tm[@]}"); mn=$(mean "${nat[@]}"); mx=$(mean "${xvt[@]}")
echo "10,000 coloured 120-column scrollback lines (mean of $runs runs): nstui ${mn} MB, x/vt ${mx} MB, tmux ${mt} MB (target: nstui <= 5 MB and <= tmux)"
awk -v n="$mn" -v t="$mt" -v x="$mx" 'BEGIN { printf "RATIO memory nstui/tmux %.2f\nRATIO memory x/vt/tmux %.2f\nRATIO memory nstui/x/vt %.3f\n", n / t, x / t, n / x }'

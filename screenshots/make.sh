#!/usr/bin/env bash
# Regenerates the PNGs in screenshots/ from the real binary:
#   explorer.png  the explorer with a sandbox's network namespace and details
#   spawn.png     the spawn form (s) with its live unshare line
#   pane.png      a shell spawned in a pane, next to the explorer
#   help.png      the key help (?)
# It runs nstui in a detached 120x36 tmux window on its own server
# (-L nstui-shots-<pid>, killed at the end), drives it with send-keys, takes
# each screen with `capture-pane -e -p` (truecolor forced, since freeze
# drops basic ANSI backgrounds) and turns it into a PNG with freeze.
#
# Needs root (the demo sandbox and the spawned shell create namespaces),
# tmux, and freeze v0.2.2 (works offline):
#   go install github.com/charmbracelet/freeze@v0.2.2
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "make.sh: tmux not found: install tmux" >&2; exit 2; }
command -v freeze >/dev/null || { echo "make.sh: freeze not found: go install github.com/charmbracelet/freeze@v0.2.2" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "make.sh: run as root (it creates namespaces)" >&2; exit 2; }

work=$(mktemp -d)
sock=nstui-shots-$$
sandbox=
cleanup() {
	sockpath=$(tmux -L "$sock" display-message -p "#{socket_path}" 2>/dev/null || true)
	tmux -L "$sock" kill-server 2>/dev/null || true
	case $sockpath in *"$sock") rm -f "$sockpath" ;; esac # kill-server leaves it
	# unshare --fork ignores SIGTERM; SIGKILL it (--kill-child then ends the sleep)
	if [ -n "$sandbox" ]; then kill -KILL "$sandbox" 2>/dev/null; wait "$sandbox" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
go build -o "$work/nstui" .

# A small sandbox to look at: its own pid, net, uts, ipc and mnt namespaces.
unshare --pid --net --uts --ipc --mount --fork --mount-proc --kill-child \
	sh -c 'hostname demo-box; ip link set lo up; exec sleep 600' &
sandbox=$!
sleeper=
for _ in $(seq 1 100); do
	sleeper=$(pgrep -P "$sandbox" -x sleep || true)
	[ -n "$sleeper" ] && break
	sleep 0.05
done
[ -n "$sleeper" ] || { echo "make.sh: the demo sandbox did not start" >&2; exit 1; }

T() { tmux -L "$sock" "$@"; }
# key KEY...: one key at a time (ESC and a letter sent together read as alt+letter)
key() { for k; do T send-keys -t shot "$k"; sleep 0.15; done; }
wait_for() { # TEXT: until TEXT is on the screen (30 s max)
	local end=$(($(date +%s) + 30))
	until T capture-pane -p -t shot | grep -qF -- "$1"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "make.sh: timed out waiting for '$1'" >&2; T capture-pane -p -t shot >&2; exit 1; }
		sleep 0.05
	done
}
shot() { # NAME
	sleep 0.4 # let the last frame settle
	# --line-height 1.0 keeps box-drawing lines joined (freeze drops some
	# of them at its default spacing).
	# freeze keeps the previous colour on SGR 39 (default foreground), which
	# tmux emits after every coloured frame line: spell the default out.
	T capture-pane -e -p -t shot | sed 's/\x1b\[39m/\x1b[38;2;220;220;220m/g' >"$work/$1.ansi"
	freeze "$work/$1.ansi" --language ansi --line-height 1.0 --output "screenshots/$1.png" >/dev/null
	echo "screenshots/$1.png"
}

T -f /dev/null new-session -d -x 120 -y 36 -s shot \
	"exec env SHELL=/bin/sh ENV= PS1='# ' TERM=xterm-256color COLORTERM=truecolor $work/nstui"
wait_for 'COMMAND'

# The explorer: every namespace the sandbox's sleep is in, its network
# namespace selected, details beside it.
T send-keys -t shot /
T send-keys -t shot -l "$sleeper"
wait_for '8 matches'
key Enter j j j
wait_for 'net namespace'
wait_for 'lo '
shot explorer

# The spawn form with its unshare line.
key Escape s
wait_for 'Equivalent command'
shot spawn

# A shell in a pane next to the explorer.
T send-keys -t shot Enter
wait_for '│# '
T send-keys -t shot -l 'hostname; ps -o pid,comm; ip -brief addr'
T send-keys -t shot Enter
wait_for "127.0.0.1/8"
shot pane

# The key help.
key C-] '?'
wait_for 'Keys'
shot help

key Escape q
wait_for 'Quit nstui'
T send-keys -t shot y

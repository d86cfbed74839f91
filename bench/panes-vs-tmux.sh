#!/usr/bin/env bash
# A shell in an nstui pane vs the same shell straight in a tmux pane, end to
# end, side by side in one run. Both run in the same outer terminal: a tmux
# window of 120x36 on a private server (-L panesbench-<pid>, killed at the
# end; no other tmux server is touched).
#   plain: /bin/sh directly in the tmux pane (one emulator: tmux's)
#   nstui: the built nstui in the tmux pane, a spawned shell in its pane
#          (two emulators: nstui's, then tmux's for nstui's frames)
# 1. throughput: `seq 1 N; echo MARK-$((6*7))` until MARK-42 reaches the
#    outer terminal;
# 2. latency: one key typed until its echo reaches the outer terminal.
# Both are timed with tmux control mode (%output notifications), so no
# polling of the screen skews them. Prints each run and RATIO lines (nstui /
# plain). Wall times move with the machine's load (other work runs here
# too): read the ratios of one run.
#
# Usage: bench/panes-vs-tmux.sh [runs] [lines] [keys]   (default 3 200000 50)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
lines=${2:-200000}
keys=${3:-50}
command -v tmux >/dev/null || { echo "panes-vs-tmux: tmux not found: install tmux" >&2; exit 2; }
command -v python3 >/dev/null || { echo "panes-vs-tmux: python3 not found (it reads tmux control mode)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "panes-vs-tmux: run as root (the nstui pane spawns new namespaces)" >&2; exit 2; }
bin=$(mktemp -d)
sock=panesbench-$$
cleanup() {
	sockpath=$(tmux -L "$sock" display-message -p "#{socket_path}" 2>/dev/null || true)
	tmux -L "$sock" kill-server 2>/dev/null || true
	case $sockpath in *"$sock") rm -f "$sockpath" ;; esac # kill-server leaves it
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/nstui" .
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2), $lines lines, $keys keys, $runs runs"

T() { tmux -L "$sock" "$@"; }
wait_for() { # TARGET TEXT: until TEXT is on the screen (60 s max)
	local end=$(($(date +%s) + 60))
	until T capture-pane -p -t "$1" | grep -qF -- "$2"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "timed out waiting for '$2' in $1" >&2; T capture-pane -p -t "$1" >&2; exit 1; }
		sleep 0.05
	done
}

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

python3 - "$sock" "$runs" "$lines" "$keys" <<'PY'
import re, subprocess, sys, threading, time, queue

sock, runs, lines, keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

def unescape(s):
    # control mode escapes bytes < 32 and backslash as \ooo
    return re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), s)

class Ctl:
    """One control-mode client attached to a session: send commands, wait
    for text in the output of the session's pane."""
    def __init__(self, session):
        self.p = subprocess.Popen(["tmux", "-L", sock, "-C", "attach", "-t", session],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.q = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
    def read(self):
        for raw in self.p.stdout:
            line = raw.decode("utf-8", "replace")
            if line.startswith("%output "):
                _, _, data = line.rstrip("\n").split(" ", 2)
                self.q.put(unescape(data))
    def cmd(self, c):
        self.p.stdin.write((c + "\n").encode())
    def drain(self):
        while not self.q.empty():
            self.q.get_nowait()
    def wait(self, text, timeout=120):
        buf, end = "", time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise SystemExit("timed out waiting for %r" % text)
            try:
                buf += self.q.get(timeout=left)
            except queue.Empty:
                continue
            if text in buf:
                return
            buf = buf[-4096:]
    def close(self):
        self.cmd("detach-client")
        self.p.wait(timeout=5)

def tmux(*a):
    return subprocess.run(["tmux", "-L", sock] + list(a), capture_output=True, text=True).stdout

def screen_has(k, text):
    return text in tmux("capture-pane", "-p", "-t", k)

tot = {(k, m): 0.0 for k in ("plain", "nstui") for m in ("seq", "key")}
# Throughput: no control client attached (tmux would pace the pane to it);
# the screen is polled every 20 ms, the same for both.
for r in range(1, runs + 1):
    for k in ("plain", "nstui"):
        tmux("send-keys", "-t", k, "-l", "clear"); tmux("send-keys", "-t", k, "Enter")
        time.sleep(0.5)
        t0 = time.monotonic()
        tmux("send-keys", "-t", k, "-l", "seq 1 %d; echo MARK-$((6*7))" % lines)
        tmux("send-keys", "-t", k, "Enter")
        while not screen_has(k, "MARK-42"):
            if time.monotonic() - t0 > 300:
                raise SystemExit("timed out waiting for MARK-42 in " + k)
            time.sleep(0.02)
        tseq = time.monotonic() - t0
        tot[(k, "seq")] += tseq
        print("run %d %-5s  seq 1..%d + MARK-42 on screen: %7.0f ms" % (r, k, lines, tseq * 1000), flush=True)
        time.sleep(0.5)

# Latency: a control-mode client sees each byte the pane writes as it
# arrives (%output), so no polling delay is added.
ctl = {k: Ctl(k) for k in ("plain", "nstui")}
time.sleep(1)
for r in range(1, runs + 1):
    for k, c in ctl.items():
        c.cmd("send-keys -t %s -l 'clear; : '" % k); c.cmd("send-keys -t %s Enter" % k)
        c.cmd("send-keys -t %s -l ': '" % k)
        time.sleep(0.5); c.drain()
        lat = []
        for i in range(keys):
            ch = "@" if i % 2 == 0 else "%"
            t0 = time.monotonic()
            c.cmd("send-keys -t %s -l '%s'" % (k, ch))
            c.wait(ch)
            lat.append(time.monotonic() - t0)
            time.sleep(0.02)
        c.cmd("send-keys -t %s C-u" % k)
        lat.sort()
        tot[(k, "key")] += sum(lat) / len(lat)
        print("run %d %-5s  key-to-echo mean %5.1f ms  median %5.1f ms  max %5.1f ms" %
              (r, k, sum(lat) / len(lat) * 1000, lat[len(lat) // 2] * 1000, lat[-1] * 1000), flush=True)
ps, ns = tot[("plain", "seq")] / runs, tot[("nstui", "seq")] / runs
pk, nk = tot[("plain", "key")] / runs, tot[("nstui", "key")] / runs
print("seq 1..%d until MARK-42: plain %.0f ms, nstui %.0f ms (mean of %d runs)" % (lines, ps * 1000, ns * 1000, runs))
print("key to echo:  plain %.1f ms, nstui %.1f ms (mean of %d keys)" % (pk * 1000, nk * 1000, runs * keys))
print("RATIO throughput nstui/plain %.2f" % (ns / ps))
print("RATIO key-to-echo nstui/plain %.2f" % (nk / pk))
for c in ctl.values():
    c.close()
PY
T send-keys -t nstui C-]
sleep 0.3
T send-keys -t nstui q
sleep 0.3
T send-keys -t nstui y
sleep 1

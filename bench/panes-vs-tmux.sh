#!/usr/bin/env bash
# A shell in an nstui pane vs the same shell straight in a tmux pane, end to
# end, side by side in one run. All run in the same outer terminal: windows of
# 120x36 on a private tmux server (-L panesbench-<pid>, killed at the end; no
# other tmux server is touched).
#   plain: /bin/sh directly in a tmux pane (one emulator: tmux's)
#   nstui: the built nstui (this working tree) in a tmux pane, a spawned shell
#          in its pane (two emulators: nstui's, then tmux's for nstui's frames)
#   xvt:   (with -xvt) the same nstui built with the x/vt emulator as the
#          default (a copy of this working tree with one line of
#          ptyshell/session.go changed), for a baseline in the same run
# Measures:
#   a. `seq 1 N; echo MARK-$((6*7))` until MARK-42 is on the outer screen
#   b. the same with `cat` of a generated 20 MB coloured log (SGR 16, 256 and
#      truecolour spans, ~110 columns a line)
#   c. one key typed until its echo reaches the outer terminal, p50/p99 over
#      every key of every run. Keys come 15-45 ms apart at random (seeded), as
#      a typist's do: at a fixed pace the keys lock onto the UI's 120 Hz frame
#      clock and every echo waits the same part of a frame, which flatters
#      (or penalizes) the result.
#   d. while the keys are timed, a separate process sleeps 1 ms at a time and
#      counts how often it woke more than 6 ms late: on a shared VM the host
#      sometimes does not run the guest's CPUs for tens of milliseconds, and
#      every process's latency (tmux's too) jumps then. Read p99s next to it.
# Throughput is read by polling the outer pane every 20 ms (the same for all);
# latency is timed with a tmux control-mode client (%output notifications),
# so no polling delay is added. Prints each run, then RATIO lines (nstui /
# plain). Wall times move with the machine's load (other work runs here too):
# read the ratios of one run.
#
# Usage: bench/panes-vs-tmux.sh [-xvt] [runs] [lines] [keys] [logMB]
#        (default 3 200000 100 20)
set -euo pipefail
cd "$(dirname "$0")/.."
xvt=0
if [ "${1:-}" = -xvt ]; then xvt=1; shift; fi
runs=${1:-3}
lines=${2:-200000}
keys=${3:-100}
logmb=${4:-20}
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
echo "nstui: this working tree, default emulator: $(grep -o 'o.NewEmulator = New[A-Za-z]*' ptyshell/session.go | cut -d' ' -f3)"
sessions="plain nstui"
if [ "$xvt" = 1 ]; then
	mkdir "$bin/src"
	git ls-files -z -c -o --exclude-standard | tar --null -T - -c | tar -x -C "$bin/src"
	grep -q 'o.NewEmulator = New[A-Za-z]*Emulator' "$bin/src/ptyshell/session.go" ||
		{ echo "panes-vs-tmux: -xvt: cannot find the default emulator in ptyshell/session.go; update this script" >&2; exit 2; }
	sed -i -E 's/o.NewEmulator = New[A-Za-z]+Emulator/o.NewEmulator = NewVTEmulator/' "$bin/src/ptyshell/session.go"
	(cd "$bin/src" && go build -o "$bin/nstui-xvt" .)
	echo "xvt: the same tree, default emulator NewVTEmulator"
	sessions="plain nstui xvt"
fi
# The coloured log: deterministic, ~110 columns a line.
python3 - "$bin/colour.log" "$logmb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    n, i = 0, 0
    while n < mb << 20:
        l = ("\x1b[2m2026-11-29 10:%02d:%02d.%03d\x1b[0m \x1b[1;3%dm%-5s\x1b[0m \x1b[38;5;%dmworker-%02d\x1b[0m "
             "GET /api/v1/items/%-8d \x1b[38;2;%d;%d;200mrequest-id=%08x\x1b[0m status=\x1b[32m200\x1b[0m took %3d ms\n" % (
                 i // 60000 % 60, i // 1000 % 60, i % 1000, 1 + i % 6, ["INFO", "WARN", "ERROR", "DEBUG"][i % 4],
                 16 + i % 216, i % 64, i, (i * 37) % 256, (i * 91) % 256, i * 2654435761 % (1 << 32), i % 997))
        f.write(l)
        n += len(l)
        i += 1
PY
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2), sessions: $sessions"
echo "work: seq 1 $lines ($(seq 1 "$lines" | wc -c) bytes), log $(wc -c <"$bin/colour.log") bytes ($(wc -l <"$bin/colour.log") lines), $keys keys a run, $runs runs"

T() { tmux -L "$sock" "$@"; }
wait_for() { # TARGET TEXT: until TEXT is on the screen (60 s max)
	local end=$(($(date +%s) + 60))
	until T capture-pane -p -t "=$1:" | grep -qF -- "$2"; do
		[ "$(date +%s)" -lt "$end" ] || { echo "timed out waiting for '$2' in $1" >&2; T capture-pane -p -t "=$1:" >&2; exit 1; }
		sleep 0.05
	done
}

env0="SHELL=/bin/sh ENV= PS1='# ' TERM=xterm-256color"
T -f /dev/null new-session -d -x 120 -y 36 -s plain "exec env $env0 /bin/sh"
wait_for plain '#'
for k in $sessions; do
	[ "$k" = plain ] && continue
	b=$bin/nstui
	[ "$k" = xvt ] && b=$bin/nstui-xvt
	T new-session -d -x 120 -y 36 -s "$k" "exec env $env0 $b"
	wait_for "$k" 'Namespaces'
	T send-keys -t "=$k:" s
	wait_for "$k" 'Equivalent command'
	T send-keys -t "=$k:" Enter
	wait_for "$k" 'spawn pid,mnt,uts,ipc,net'
	wait_for "$k" '│# '
	# Tabs layout (explorer, z, back to the pane): the pane spans the
	# window like the plain tmux pane (118 columns) instead of the split
	# view's ~70 columns, so both draw the same amount of text.
	T send-keys -t "=$k:" C-]
	T send-keys -t "=$k:" z
	T send-keys -t "=$k:" C-]
	T send-keys -t "=$k:" -l 'stty size'
	T send-keys -t "=$k:" Enter
	wait_for "$k" ' 118 '
done

python3 - "$sock" "$runs" "$lines" "$keys" "$bin/colour.log" $sessions <<'PY'
import random, re, subprocess, sys, threading, time, queue
random.seed(42)

sock, runs, lines, keys, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
names = sys.argv[6:]

def unescape(s):
    # control mode escapes bytes < 32 and backslash as \ooo
    return re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), s)

class Ctl:
    """One control-mode client attached to a session: send commands, wait
    for text in the output of the session's pane."""
    def __init__(self, session):
        self.p = subprocess.Popen(["tmux", "-L", sock, "-C", "attach", "-t", "=" + session],
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
    def wait(self, text, timeout=10):
        buf, end = "", time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                buf += self.q.get(timeout=left)
            except queue.Empty:
                continue
            if text in buf:
                return True
            buf = buf[-4096:]
    def close(self):
        self.cmd("detach-client")
        self.p.wait(timeout=5)

def tmux(*a):
    return subprocess.run(["tmux", "-L", sock] + list(a), capture_output=True, text=True).stdout

def tgt(k):
    # "=name:" is session name exactly, its window: a bare "nstui" would
    # also match the window named "nstui-xvt" by prefix.
    return "=%s:" % k

def screen_has(k, text):
    return text in tmux("capture-pane", "-p", "-t", tgt(k))

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

work = {"seq": "seq 1 %d; echo MARK-$((6*7))" % lines, "log": "cat %s; echo MARK-$((6*7))" % log}
tot = {(k, w): [] for k in names for w in work}
# Throughput: no control client attached (tmux would pace the pane to it);
# the screen is polled every 20 ms, the same for every session.
for r in range(1, runs + 1):
    for w, cmd in work.items():
        for k in names:
            tmux("send-keys", "-t", tgt(k), "-l", "clear"); tmux("send-keys", "-t", tgt(k), "Enter")
            time.sleep(0.5)
            t0 = time.monotonic()
            tmux("send-keys", "-t", tgt(k), "-l", cmd)
            tmux("send-keys", "-t", tgt(k), "Enter")
            while not screen_has(k, "MARK-42"):
                if time.monotonic() - t0 > 600:
                    raise SystemExit("timed out waiting for MARK-42 in " + k)
                time.sleep(0.02)
            dt = time.monotonic() - t0
            tot[(k, w)].append(dt)
            print("run %d %-5s  %-3s until MARK-42 on screen: %8.0f ms" % (r, k, w, dt * 1000), flush=True)
            time.sleep(0.5)

# Latency: a control-mode client sees each byte the pane writes as it
# arrives (%output), so no polling delay is added.
ctl = {k: Ctl(k) for k in names}
canary = subprocess.Popen([sys.executable, "bench/stall-canary.py"], stdout=subprocess.PIPE, text=True)
time.sleep(1)
lat = {k: [] for k in names}
missed = {k: 0 for k in names}
for r in range(1, runs + 1):
    for k, c in ctl.items():
        run = []
        for i in range(keys):
            if i % 40 == 0:  # a fresh, short line
                c.cmd("send-keys -t %s C-u" % tgt(k))
                c.cmd("send-keys -t %s -l 'clear; : '" % tgt(k)); c.cmd("send-keys -t %s Enter" % tgt(k))
                c.cmd("send-keys -t %s -l ': '" % tgt(k))
                time.sleep(0.5); c.drain()
            ch = "@" if i % 2 == 0 else "~"
            t0 = time.monotonic()
            c.cmd("send-keys -t %s -l '%s'" % (tgt(k), ch))
            if c.wait(ch):
                run.append(time.monotonic() - t0)
            else:
                missed[k] += 1
            time.sleep(random.uniform(0.015, 0.045))
        c.cmd("send-keys -t %s C-u" % tgt(k))
        lat[k] += run
        print("run %d %-5s  key-to-echo p50 %5.1f ms  p99 %5.1f ms  max %5.1f ms (%d keys)" %
              (r, k, pct(run, 50) * 1000, pct(run, 99) * 1000, max(run) * 1000, len(run)), flush=True)
for c in ctl.values():
    c.close()
canary.send_signal(2)  # SIGINT: it prints its counts and ends
late, worst = canary.communicate(timeout=10)[0].split()

print("== summary (mean of %d runs; latency over every key)" % runs)
mean = lambda xs: sum(xs) / len(xs)
for w in work:
    print("%-3s until MARK-42: " % w + ", ".join("%s %.0f ms" % (k, mean(tot[(k, w)]) * 1000) for k in names))
print("machine stalls while keys were timed: a 1 ms sleep woke more than 6 ms late %s times (worst %.1f ms)" % (late, float(worst)))
for k in names:
    print("key to echo %-5s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d keys (%d missed)" % (
        k, pct(lat[k], 50) * 1000, pct(lat[k], 99) * 1000, max(lat[k]) * 1000, len(lat[k]), missed[k]))
for k in names:
    if k == "plain":
        continue
    for w in work:
        print("RATIO %s %s/plain %.2f" % (w, k, mean(tot[(k, w)]) / mean(tot[("plain", w)])))
    print("RATIO key-p50 %s/plain %.2f" % (k, pct(lat[k], 50) / pct(lat["plain"], 50)))
    print("RATIO key-p99 %s/plain %.2f" % (k, pct(lat[k], 99) / pct(lat["plain"], 99)))
PY
for k in $sessions; do
	[ "$k" = plain ] && continue
	T send-keys -t "=$k:" C-] 2>/dev/null || true
	sleep 0.3
	T send-keys -t "=$k:" q 2>/dev/null || true
	sleep 0.3
	T send-keys -t "=$k:" y 2>/dev/null || true
done
sleep 1

#!/usr/bin/env bash
# Keypress to echo with nothing between the terminal and the program: this
# script is the terminal. It opens a 120x36 PTY for each session, writes each
# key to the PTY master and times until the echoed character arrives in what
# the program writes back (escape sequences stripped), which is the moment a
# terminal would draw it. Sessions, side by side in one run, keys interleaved:
#   pty:   /bin/sh straight on the PTY (the kernel echoes: the floor)
#   tmux:  a tmux client on the PTY, /bin/sh in its only pane (status off)
#   nstui: the built nstui (this working tree) on the PTY, a spawned shell in
#          its pane, tabs layout (the pane spans the window, like tmux's)
# bench/panes-vs-tmux.sh measures the same through an outer tmux (two more
# processes on the way, each a wake-up a busy host can delay). Keys come
# 15-45 ms apart at random (seeded); a canary process sleeps 1 ms at a time
# and counts how often it woke more than 6 ms late (the host not running this
# VM's CPUs): read each p99 next to that count.
#
# Usage: bench/key-echo-direct.sh [runs] [keys]   (default 3 300)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
keys=${2:-300}
command -v tmux >/dev/null || { echo "key-echo-direct: tmux not found: install tmux" >&2; exit 2; }
command -v python3 >/dev/null || { echo "key-echo-direct: python3 not found" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "key-echo-direct: run as root (the nstui pane spawns new namespaces)" >&2; exit 2; }
bin=$(mktemp -d)
sock=keyecho-$$
cleanup() {
	sockpath=$(tmux -L "$sock" display-message -p "#{socket_path}" 2>/dev/null || true)
	tmux -L "$sock" kill-server 2>/dev/null || true
	case $sockpath in *"$sock") rm -f "$sockpath" ;; esac
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/nstui" .
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), tmux $(tmux -V | cut -d' ' -f2); $keys keys a session a run, $runs runs"
echo 'set -g status off' >"$bin/tmux.conf"
python3 - "$bin/nstui" "$sock" "$runs" "$keys" "$bin/tmux.conf" <<'PY'
import fcntl, os, queue, random, re, signal, struct, subprocess, sys, termios, threading, time
nstui, sock, runs, keys, conf = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
random.seed(42)
ROWS, COLS = 36, 120
ESC = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-~]|[ -/]*[0-~])")
env = dict(os.environ, SHELL="/bin/sh", ENV="", PS1="# ", TERM="xterm-256color")

class Term:
    """A program on a PTY of ours; its output is read as it comes."""
    def __init__(self, name, argv):
        self.name = name
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                  start_new_session=True,
                                  preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.q = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
    def read(self):
        while True:
            try:
                b = os.read(self.master, 1 << 16)
            except OSError:
                b = b""
            if not b:
                self.q.put(None)
                return
            self.q.put(b)
    def send(self, b):
        os.write(self.master, b)
    def drain(self):
        while not self.q.empty():
            self.q.get_nowait()
    def wait(self, text, timeout=10):
        """Until text shows in the output (escape sequences stripped)."""
        raw, end = b"", time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                b = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if b is None:
                return False
            raw = (raw + b)[-16384:]
            if text in ESC.sub(b"", raw):
                return True
    def must(self, text, timeout=20):
        if not self.wait(text, timeout):
            sys.exit("key-echo-direct: %s: timed out waiting for %r" % (self.name, text))
    def close(self):
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()  # only the process this script started
            self.p.wait()
        os.close(self.master)

terms = {}
def fresh_line(t):
    t.send(b"\x15clear; : \r")  # ctrl+u, a short line
    time.sleep(0.3)
    t.send(b": ")
    time.sleep(0.3)

terms["pty"] = Term("pty", ["/bin/sh"])
terms["pty"].must(b"# ")
terms["tmux"] = Term("tmux", ["tmux", "-L", sock, "-f", conf, "new-session", "-s", "plain", "exec /bin/sh"])
terms["tmux"].must(b"# ")
n = Term("nstui", [nstui])
terms["nstui"] = n
n.must(b"Namespaces")
time.sleep(1)
n.send(b"s"); n.must(b"Equivalent command")
n.send(b"\r"); n.must(b"spawn")
time.sleep(1)
n.send(b"\x1d"); time.sleep(0.3)   # ctrl+]: to the explorer
n.send(b"z"); time.sleep(0.3)      # tabs layout
n.send(b"\x1d"); time.sleep(0.3)   # back to the pane
n.send(b"stty size\r"); n.must(b" 118")
for t in terms.values():
    fresh_line(t)

canary = subprocess.Popen([sys.executable, "bench/stall-canary.py"], stdout=subprocess.PIPE, text=True)
time.sleep(1)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

lat = {k: [] for k in terms}
missed = {k: 0 for k in terms}
for r in range(1, runs + 1):
    run = {k: [] for k in terms}
    for i in range(keys):
        if i % 40 == 39:
            for t in terms.values():
                fresh_line(t)
            for t in terms.values():
                t.drain()
        ch = b"@" if i % 2 == 0 else b"~"
        for k, t in terms.items():  # the same key to each session in turn
            t.drain()
            t0 = time.monotonic()
            t.send(ch)
            if t.wait(ch, 2):
                run[k].append(time.monotonic() - t0)
            else:
                missed[k] += 1
            time.sleep(random.uniform(0.015, 0.045))
    for k in terms:
        lat[k] += run[k]
        print("run %d %-5s key-to-echo p50 %5.2f ms  p99 %5.2f ms  max %5.1f ms (%d keys)" %
              (r, k, pct(run[k], 50) * 1000, pct(run[k], 99) * 1000, max(run[k]) * 1000, len(run[k])), flush=True)
canary.send_signal(signal.SIGINT)
late, worst = canary.communicate(timeout=10)[0].split()
print("== summary")
print("machine stalls while keys were timed: a 1 ms sleep woke more than 6 ms late %s times (worst %.1f ms)" % (late, float(worst)))
for k in terms:
    xs = lat[k]
    print("key to echo %-5s: p50 %.2f ms, p99 %.2f ms, max %.1f ms; over 16 ms: %d of %d keys (%d missed)" % (
        k, pct(xs, 50) * 1000, pct(xs, 99) * 1000, max(xs) * 1000, sum(x > 0.016 for x in xs), len(xs), missed[k]))
print("RATIO key-p50 nstui/tmux %.2f" % (pct(lat["nstui"], 50) / pct(lat["tmux"], 50)))
print("RATIO key-p99 nstui/tmux %.2f" % (pct(lat["nstui"], 99) / pct(lat["tmux"], 99)))

# Leave: the shells exit, nstui quits (its pane's pid namespace ends with it).
terms["pty"].send(b"\x15exit\r")
terms["tmux"].send(b"\x15exit\r")
n.send(b"\x1d"); time.sleep(0.3); n.send(b"q"); time.sleep(0.3); n.send(b"y")
for t in terms.values():
    t.close()
PY

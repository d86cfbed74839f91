#!/usr/bin/env bash
# tui-key-to-frame.sh — time from a key press to the next frame when moving
# the selection. Target: at most 16 ms (one frame at 60 Hz).
#  1. In-process: a Go benchmark of Update on the key plus View of the new
#     frame, on a model holding a farm-sized snapshot (500 sandboxes x 3
#     sleepers: ~2,650 processes, ~3,000 namespaces, built in memory). It also
#     prints what one refresh of such a snapshot costs the UI.
#  2. End to end (as root, with tmux and python3): the built nstui in a tmux
#     window; `j`/`k` are sent through a tmux control-mode client, which also
#     reports each byte the pane writes (%output) as it arrives, and the time
#     to the first byte of the redrawn frame is taken. This includes Bubble
#     Tea's frame ticker and tmux. Run it on the farm for farm figures:
#       NSFARM_STATE=/tmp/nsfarm-tui.pids ../shared/tools/nsfarm.sh up 500 3
#       bench/tui-key-to-frame.sh [COUNT] [KEYS]
#       NSFARM_STATE=/tmp/nsfarm-tui.pids ../shared/tools/nsfarm.sh down
set -euo pipefail
count=${1:-3}
keys=${2:-100}
cd "$(dirname "$0")/.."
echo "== in-process (Update + View), farm-sized snapshot in memory"
go test -run '^$' -bench 'BenchmarkTUI' -benchmem -count "$count" ./tui |
  awk '/^Benchmark/ { printf "%-40s %8.3f ms/op  %s B/op  %s allocs/op\n", $1, $3/1e6, $5, $7 }'

if [ "$(id -u)" != 0 ] || ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
  echo "(end-to-end part skipped: needs root, tmux and python3)"
  exit 0
fi
tmp=$(mktemp -d)
sock=$tmp/tmux.sock
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
CGO_ENABLED=1 go build -o "$tmp/nstui" .
echo "== end to end in tmux 120x36: processes $(ls /proc | grep -c '^[0-9]'), namespaces $(lsns -n -o NS | wc -l), load $(cut -d' ' -f1-3 /proc/loadavg)"
tmux -S "$sock" -f /dev/null new-session -d -s k -x 120 -y 36 "env TERM=xterm-256color $tmp/nstui"
for _ in $(seq 100); do
  tmux -S "$sock" capture-pane -p -t k | grep -q 'Namespaces' && break
  sleep 0.1
done
sleep 5 # first scan, hostnames
python3 - "$sock" "$keys" <<'PY'
import queue, statistics, subprocess, sys, threading, time
sock, keys = sys.argv[1], int(sys.argv[2])
p = subprocess.Popen(["tmux", "-S", sock, "-C", "attach", "-t", "k"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
q = queue.Queue()
def read():
    for raw in p.stdout:
        if raw.startswith(b"%output "):
            q.put(time.monotonic())
threading.Thread(target=read, daemon=True).start()
def send(c):
    p.stdin.write((c + "\n").encode())
time.sleep(1)
lat = []
for i in range(keys):
    while not q.empty():
        q.get_nowait()
    k = "j" if i % 2 == 0 else "k"  # down, up, down, ...: every key moves the selection
    t0 = time.monotonic()
    send("send-keys -t k " + k)
    try:
        t1 = q.get(timeout=2)
    except queue.Empty:
        continue
    lat.append((t1 - t0) * 1000)
    time.sleep(0.05)
send("detach-client")
lat.sort()
if not lat:
    sys.exit("no frame seen after any key")
print("keys %d, frames seen %d: median %.1f ms, p90 %.1f ms, max %.1f ms (key sent -> first byte of the new frame)" % (
    keys, len(lat), statistics.median(lat), lat[int(len(lat) * 0.9) - 1], lat[-1]))
PY
tmux -S "$sock" send-keys -t k q

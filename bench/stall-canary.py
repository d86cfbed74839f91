#!/usr/bin/env python3
"""Counts host stalls while a latency bench runs: sleeps 1 ms at a time and
counts how often it woke more than 6 ms late (on a shared VM the host
sometimes does not run the guest's CPUs for tens of milliseconds; every
process's latency jumps then). On SIGINT it prints "COUNT WORST_MS"."""
import time

late, worst = 0, 0.0
try:
    while True:
        t = time.monotonic()
        time.sleep(0.001)
        d = time.monotonic() - t
        late += d > 0.006
        worst = max(worst, d)
except KeyboardInterrupt:
    print(late, worst * 1000, flush=True)

#!/usr/bin/env bash
# tui-key-to-frame.sh — time from a key press to the next frame when moving
# the selection: Update on the key plus View of the new frame, on a model
# holding a farm-sized snapshot (500 sandboxes x 3 sleepers: ~2,650
# processes, ~3,000 namespaces, built in memory so the figure does not
# depend on the machine's load of namespaces). Target: at most 16 ms (one
# frame at 60 Hz). Also prints what one refresh of such a snapshot costs
# the UI (marking, rebuilding the rows, keeping the selection).
# Usage: bench/tui-key-to-frame.sh [COUNT]
set -euo pipefail
count=${1:-3}
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'BenchmarkTUI' -benchmem -count "$count" ./tui |
  awk '/^Benchmark/ { printf "%-40s %8.3f ms/op  %s B/op  %s allocs/op\n", $1, $3/1e6, $5, $7 }'

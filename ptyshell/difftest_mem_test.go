package ptyshell

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// diffMemLines returns the content bench/emu-memory.sh feeds both an
// emulator and tmux: the file named by NSTUI_EMU_MEM_FILE, or else 10,040
// coloured lines of 120 columns. Line feeds become CR LF, as the tty's ONLCR
// makes them before a terminal sees them.
func diffMemLines(b *testing.B) []byte {
	b.Helper()
	var data []byte
	if p := os.Getenv("NSTUI_EMU_MEM_FILE"); p != "" {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatalf("NSTUI_EMU_MEM_FILE: %v", err)
		}
		data = d
	} else {
		var sb strings.Builder
		for i := range 10040 {
			// 120 visible columns: 8 spans of 15.
			for j := range 8 {
				fmt.Fprintf(&sb, "\x1b[38;5;%dm%06d\x1b[0m \x1b[38;2;%d;%d;200m%07d\x1b[0m", (i+j)%256, i, j*30, i%256, j)
			}
			sb.WriteByte('\n')
		}
		data = []byte(sb.String())
	}
	if !bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	return data
}

// vmRSS returns this process's resident set size in bytes.
func vmRSS(b *testing.B) uint64 {
	b.Helper()
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// BenchmarkDiffScrollbackMemory reports the live heap (after a GC) one
// 40x120 emulator holds once 10,000 coloured 120-column lines scrolled into
// its 10,000-line scrollback, for nstui's emulator and x/vt (the figure
// bench/emu-memory.sh sets beside tmux's). heap-MB is what the emulator
// keeps reachable; rss-MB is the growth of the process's RSS, which also
// counts the garbage collector's headroom and freed pages not yet returned.
func BenchmarkDiffScrollbackMemory(b *testing.B) {
	data := diffMemLines(b)
	for _, emu := range []struct {
		name string
		f    EmulatorFactory
	}{{"native", NewNativeEmulator}, {"xvt", NewVTEmulator}} {
		b.Run(emu.name, func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				rss0 := vmRSS(b)
				e := emu.f(40, 120, 10000, nil, nil)
				if _, err := e.Write(data); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				rss1 := vmRSS(b)
				if n := e.ScrollbackLen(); n != 10000 {
					b.Fatalf("scrollback holds %d lines, want 10000", n)
				}
				if got := e.ScrollbackText(9999); got == "" {
					b.Fatal("last scrollback line is empty")
				}
				b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/(1<<20), "heap-MB")
				b.ReportMetric(float64(int64(rss1)-int64(rss0))/(1<<20), "rss-MB")
				runtime.KeepAlive(e)
				_ = e.Close()
			}
		})
	}
}

package ptyshell

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seqBytes is what `seq 1 n` looks like after the tty's ONLCR: CRLF lines.
func seqBytes(n int) []byte {
	var b []byte
	for i := 1; i <= n; i++ {
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '\r', '\n')
	}
	return b
}

// sgrBytes is coloured log-like output: n lines with 256-colour and
// truecolor spans.
func sgrBytes(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "\x1b[38;5;%dm%6d\x1b[0m \x1b[1;32mINFO\x1b[0m \x1b[38;2;%d;100;200mrequest handled\x1b[0m path=/api/v1/items/%d status=\x1b[33m200\x1b[0m\r\n", i%256, i, i%256, i)
	}
	return []byte(b.String())
}

func benchWrite(b *testing.B, data []byte) {
	e := NewVTEmulator(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Write(data)
	}
}

// BenchmarkEmulatorWriteSeq: plain scrolling text at 120x40, scrollback on.
// (x/vt is slow here: a 20,000-line slice of `seq` rather than 200,000.)
func BenchmarkEmulatorWriteSeq(b *testing.B) { benchWrite(b, seqBytes(20000)) }

// BenchmarkEmulatorWriteSGR: SGR-heavy coloured lines at 120x40.
func BenchmarkEmulatorWriteSGR(b *testing.B) { benchWrite(b, sgrBytes(2000)) }

// BenchmarkEmulatorWriteAltRedraw: a full-screen program repainting the
// alternate screen (cursor moves + coloured text, no scrolling).
func BenchmarkEmulatorWriteAltRedraw(b *testing.B) {
	var s strings.Builder
	s.WriteString("\x1b[?1049h")
	for f := range 20 {
		for y := 1; y <= 40; y++ {
			fmt.Fprintf(&s, "\x1b[%d;1H\x1b[38;5;%dm%-118s\x1b[0m", y, (y+f)%256, strings.Repeat("abc def ", 14))
		}
	}
	benchWrite(b, []byte(s.String()))
}

// BenchmarkEmulatorRowsFull: building every row of a dense colour 120x40
// screen from scratch (every row changed).
func BenchmarkEmulatorRowsFull(b *testing.B) {
	e := NewVTEmulator(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	_, _ = e.Write(sgrBytes(60))
	var rows []string
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Write([]byte("\x1b[H\x1b[1;31mX\x1b[0m\x1b[40;1H")) // touch
		e.(*vtEmulator).allDirty = true
		e.(*vtEmulator).collect()
		rows = e.Rows(rows)
	}
}

// BenchmarkEmulatorRowsOneChanged: the typical frame while typing: one row
// changed, the others come from the row cache.
func BenchmarkEmulatorRowsOneChanged(b *testing.B) {
	e := NewVTEmulator(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	_, _ = e.Write(sgrBytes(60))
	var rows []string
	rows = e.Rows(rows)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Write([]byte("\x1b[20;5Hx"))
		rows = e.Rows(rows)
	}
}

// BenchmarkEncodeKey: the per-keypress encoding cost.
func BenchmarkEncodeKey(b *testing.B) {
	k := Key{Code: KeyUp, Mod: ModCtrl}
	b.ReportAllocs()
	for b.Loop() {
		_ = EncodeKey(k, Modes{})
	}
}

// BenchmarkSessionSeq: end to end through a real PTY: `seq 1 20000` until
// its last line is on the emulated screen (the bench/ script compares the
// 200,000-line version with tmux).
func BenchmarkSessionSeq(b *testing.B) {
	for b.Loop() {
		s, err := Start(exec.Command("sh", "-c", "seq 1 20000; echo MARK-$((6*7)); exec sleep 100"), Options{Rows: 36, Cols: 120})
		if err != nil {
			b.Fatal(err)
		}
		deadline := time.After(2 * time.Minute)
	wait:
		for {
			select {
			case <-s.Changed():
				if strings.Contains(s.Text(), "MARK-42") {
					break wait
				}
			case <-deadline:
				b.Fatal("MARK-42 never showed")
			}
		}
		_ = s.Close()
	}
}

// BenchmarkScrollbackMemory reports the heap a pane holds after 10,000
// coloured 120-column lines scrolled into its scrollback.
func BenchmarkScrollbackMemory(b *testing.B) {
	line := strings.Repeat("\x1b[38;5;33mcoloured\x1b[0m \x1b[1;31mtext\x1b[0m ", 8) + "\r\n" // ~112 columns
	data := []byte(strings.Repeat(line, 10000+40))
	for b.Loop() {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		e := NewVTEmulator(40, 120, DefaultScrollback, nil, nil)
		_, _ = e.Write(data)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		if e.ScrollbackLen() != DefaultScrollback {
			b.Fatalf("scrollback %d lines", e.ScrollbackLen())
		}
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "MB/10k-lines")
		_ = e.Close()
	}
}

package ptyshell

import (
	"fmt"
	"os/exec"
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

func benchEmuWrite(b *testing.B, mk EmulatorFactory, data []byte) {
	e := mk(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Write(data)
	}
}

func altRedrawBytes() []byte {
	var s strings.Builder
	s.WriteString("\x1b[?1049h")
	for f := range 20 {
		for y := 1; y <= 40; y++ {
			fmt.Fprintf(&s, "\x1b[%d;1H\x1b[38;5;%dm%-118s\x1b[0m", y, (y+f)%256, strings.Repeat("abc def ", 14))
		}
	}
	return []byte(s.String())
}

func emuFactories() []struct {
	name string
	mk   EmulatorFactory
} {
	return []struct {
		name string
		mk   EmulatorFactory
	}{{"native", NewNativeEmulator}, {"xvt", NewVTEmulator}}
}

// BenchmarkEmulatorWriteSeq: `seq 1 200000` bytes (x/vt: the first 20,000
// lines, it is too slow for more).
func BenchmarkEmulatorWriteSeq(b *testing.B) {
	b.Run("native", func(b *testing.B) { benchEmuWrite(b, NewNativeEmulator, seqBytes(200000)) })
	b.Run("xvt", func(b *testing.B) { benchEmuWrite(b, NewVTEmulator, seqBytes(20000)) })
}

// BenchmarkEmulatorWriteSGR: SGR-heavy coloured lines.
func BenchmarkEmulatorWriteSGR(b *testing.B) {
	for _, f := range emuFactories() {
		b.Run(f.name, func(b *testing.B) { benchEmuWrite(b, f.mk, sgrBytes(2000)) })
	}
}

// BenchmarkEmulatorWriteAltRedraw: a vim-like full-screen repaint.
func BenchmarkEmulatorWriteAltRedraw(b *testing.B) {
	for _, f := range emuFactories() {
		b.Run(f.name, func(b *testing.B) { benchEmuWrite(b, f.mk, altRedrawBytes()) })
	}
}

// BenchmarkEmulatorScrolledLine: allocations per scrolled line once the
// scrollback is full (reported per line).
func BenchmarkEmulatorScrolledLine(b *testing.B) {
	e := NewNativeEmulator(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	line := []byte("\x1b[32mscrolled\x1b[m line of text with some words in it\r\n")
	for range DefaultScrollback + 100 {
		_, _ = e.Write(line)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Write(line)
	}
}

// frameScreens returns the typical (shell-like) and dense colour screens.
func frameScreens() (typical, dense []byte) {
	var s strings.Builder
	for i := range 39 {
		fmt.Fprintf(&s, "\x1b[1;32muser@host\x1b[m:\x1b[1;34m~/src\x1b[m$ ls -l file%d\r\n-rw-r--r-- 1 user user %d Nov 29 file%d.go\r\n", i, i*37, i)
	}
	typical = []byte(s.String())
	s.Reset()
	for y := range 40 {
		for x := range 120 {
			fmt.Fprintf(&s, "\x1b[38;5;%d;48;5;%dm%c", (x+y)%256, (x*3+y)%256, 'a'+(x+y)%26)
		}
		if y < 39 {
			s.WriteString("\r\n")
		}
	}
	dense = []byte(s.String())
	return typical, dense
}

func benchFrame(b *testing.B, mk EmulatorFactory, data []byte, oneRow bool) {
	e := mk(40, 120, DefaultScrollback, nil, nil)
	defer e.Close()
	_, _ = e.Write(data)
	rows := e.Rows(nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if oneRow {
			_, _ = e.Write([]byte("\x1b[20;5H" + string(rune('a'+i%26))))
		} else {
			invalidate(e)
		}
		rows = e.Rows(rows)
	}
}

// invalidate marks every row of e to be rendered again.
func invalidate(e Emulator) {
	switch v := e.(type) {
	case *nativeEmulator:
		v.t.Invalidate()
	case *vtEmulator:
		v.allDirty = true
		v.collect()
	}
}

// BenchmarkEmulatorFrame: building a 120x40 view: every row rendered (a
// shell-like screen, a coloured log, and a
// screen whose every cell changes both colours) and one row changed.
func BenchmarkEmulatorFrame(b *testing.B) {
	typical, dense := frameScreens()
	for _, f := range emuFactories() {
		b.Run("typical/"+f.name, func(b *testing.B) { benchFrame(b, f.mk, typical, false) })
		b.Run("colourlog/"+f.name, func(b *testing.B) { benchFrame(b, f.mk, sgrBytes(60), false) })
		b.Run("percell/"+f.name, func(b *testing.B) { benchFrame(b, f.mk, dense, false) })
		b.Run("onerow/"+f.name, func(b *testing.B) { benchFrame(b, f.mk, typical, true) })
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

package ptyshell

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The TestEmulator* tests below check the Emulator interface and run once
// per implementation (emuFactories: native and xvt). Where x/vt v0.1.0
// does less than the native core, the stricter check is made for native
// only, and the comment at that place says what x/vt does instead.

// TestEmulatorModesFollowProgram: the input modes follow set/reset
// sequences and a full reset (RIS), and keys, paste and focus are encoded
// from them.
func TestEmulatorModesFollowProgram(t *testing.T) {
	for _, f := range emuFactories() {
		t.Run(f.name, func(t *testing.T) {
			e := f.mk(5, 20, 10, nil, nil)
			defer e.Close()
			if e.Modes() != (Modes{}) {
				t.Fatalf("initial modes %+v", e.Modes())
			}
			_, _ = e.Write([]byte("\x1b[?1h\x1b=\x1b[?2004h\x1b[?1004h\x1b[?1000h\x1b[?1003h\x1b[?1006h\x1b[20h"))
			want := Modes{AppCursor: true, AppKeypad: true, BracketedPaste: true, FocusEvents: true, Mouse: MouseAny, MouseSGR: true, LineFeedNL: true}
			if got := e.Modes(); got != want {
				t.Fatalf("modes = %+v, want %+v", got, want)
			}
			if got := string(e.EncodeKey(Key{Code: KeyUp})); got != "\x1bOA" {
				t.Fatalf("up in application cursor mode = %q", got)
			}
			if got := string(e.EncodePaste("x")); got != "\x1b[200~x\x1b[201~" {
				t.Fatalf("bracketed paste = %q", got)
			}
			if got := string(e.EncodeFocus(true)); got != "\x1b[I" {
				t.Fatalf("focus in = %q", got)
			}
			_, _ = e.Write([]byte("\x1b[?1003l"))
			if got := e.Modes().Mouse; got != MouseOff {
				t.Fatalf("after ?1003l mouse mode = %v, want off (one mode at a time, as in xterm and tmux)", got)
			}
			_, _ = e.Write([]byte("\x1b[?1000h"))
			_, _ = e.Write([]byte("\x1b[>4;2m"))
			if got := string(e.EncodeKey(Key{Code: KeyEnter, Mod: ModCtrl})); got != "\x1b[27;5;13~" {
				t.Fatalf("ctrl+enter with modifyOtherKeys 2 = %q", got)
			}
			_, _ = e.Write([]byte("\x1b[>4;0m"))
			if got := string(e.EncodeKey(Key{Code: KeyEnter, Mod: ModCtrl})); got != "\r\n" { // LNM is on
				t.Fatalf("ctrl+enter with modifyOtherKeys off = %q", got)
			}
			_, _ = e.Write([]byte("\x1b[>4;1m\x1bc"))
			if got := e.Modes(); got != (Modes{}) {
				t.Fatalf("after RIS modes = %+v, want none", got)
			}
			if e.EncodeFocus(true) != nil || e.EncodeMouse(Mouse{Button: MouseLeft}) != nil {
				t.Fatal("focus/mouse reports sent after RIS")
			}
		})
	}
}

// TestEmulatorTitleBellCursor: OSC title, BEL count, cursor shape and
// visibility, as a program sets them.
func TestEmulatorTitleBellCursor(t *testing.T) {
	for _, f := range emuFactories() {
		t.Run(f.name, func(t *testing.T) {
			e := f.mk(5, 20, 10, nil, nil)
			defer e.Close()
			_, _ = e.Write([]byte("\x1b]2;my-title\x07ab\x07\x07\x1b[5 q\x1b[?25l\x1b[3;4H"))
			if e.Title() != "my-title" {
				t.Errorf("title %q", e.Title())
			}
			if e.Bells() != 2 {
				t.Errorf("bells %d, want 2", e.Bells())
			}
			c := e.Cursor()
			if c.Row != 2 || c.Col != 3 || c.Visible || c.Shape != CursorBar || !c.Blink {
				t.Errorf("cursor %+v, want hidden blinking bar at 2,3", c)
			}
			_, _ = e.Write([]byte("\x1b[2 q\x1b[?25h"))
			if c := e.Cursor(); !c.Visible || c.Shape != CursorBlock || c.Blink {
				t.Errorf("cursor %+v, want visible steady block", c)
			}
		})
	}
}

// TestEmulatorRowsCacheAndDamage: ChangedRows names exactly the rows a
// write touched, Rows reuses the cached rows that did not change and
// reflects those that did, and a full reset (RIS) redraws every row, also
// in the cache.
func TestEmulatorRowsCacheAndDamage(t *testing.T) {
	for _, f := range emuFactories() {
		t.Run(f.name, func(t *testing.T) {
			e := f.mk(4, 20, 10, nil, nil)
			defer e.Close()
			_, _ = e.Write([]byte("one\r\ntwo\r\n\x1b[31mthree\x1b[0m"))
			rows := e.Rows(nil)
			if rows[0] != "one" || rows[1] != "two" || rows[2] != "\x1b[31mthree\x1b[m" || rows[3] != "" {
				t.Fatalf("rows %q", rows)
			}
			_ = e.ChangedRows(nil)
			_, _ = e.Write([]byte("\x1b[2;1HTWO"))
			if got := e.ChangedRows(nil); len(got) != 1 || got[0] != 1 {
				t.Fatalf("ChangedRows = %v, want [1]", got)
			}
			rows = e.Rows(rows)
			if rows[1] != "TWO" || rows[0] != "one" {
				t.Fatalf("rows after edit %q", rows)
			}
			// Synchronized output: the native core reports no damage until
			// the update ends. x/vt v0.1.0 has no mode 2026 and reports it
			// at once: for it, only that row 0 is reported once is checked.
			_, _ = e.Write([]byte("\x1b[?2026h\x1b[1;1HONE"))
			inside := e.ChangedRows(nil)
			if f.name == "native" && len(inside) != 0 {
				t.Fatalf("ChangedRows inside a synchronized update = %v", inside)
			}
			_, _ = e.Write([]byte("\x1b[?2026l"))
			if got := append(inside, e.ChangedRows(nil)...); len(got) != 1 || got[0] != 0 {
				t.Fatalf("ChangedRows inside and after the synchronized update = %v, want [0]", got)
			}
			_, _ = e.Write([]byte("\x1bc"))
			if got := e.ChangedRows(nil); len(got) != 4 {
				t.Fatalf("ChangedRows after RIS = %v, want all 4", got)
			}
			if rows = e.Rows(rows); strings.Join(rows, "") != "" {
				t.Fatalf("rows after RIS %q", rows)
			}
		})
	}
}

// TestEmulatorAnswersQueries: DA1, DA2, DSR, DECRQM and colour queries
// reach the reply function without blocking Write, and Write fails once
// the emulator is closed.
func TestEmulatorAnswersQueries(t *testing.T) {
	for _, f := range emuFactories() {
		t.Run(f.name, func(t *testing.T) {
			got := make(chan string, 16)
			e := f.mk(5, 20, 10, func(b []byte) { got <- string(b) }, nil)
			_, _ = e.Write([]byte("ab\x1b[6n\x1b[c\x1b[>c\x1b[?2026$p\x1b[?2004h\x1b[?2004$p\x1b]11;?\x07\x1b[5n"))
			_ = e.Close() // x/vt: waits for the reply goroutine
			close(got)
			var all []string
			for s := range got {
				all = append(all, s)
			}
			want := []string{"\x1b[1;3R", "\x1b[?62;1;6;22c", "\x1b[>1;10;0c", "\x1b[?2026;2$y", "\x1b[?2004;1$y", "\x1b]11;rgb:0000/0000/0000\a", "\x1b[0n"}
			if f.name == "xvt" && len(all) == len(want) {
				// x/vt v0.1.0 answers two of these its own way: DECRQM
				// ?2026 with 0 (no synchronized output: "not recognised")
				// and DSR 5 in a DEC private form, "\x1b[?0n". For it those
				// two are only checked to be a DECRQM answer for 2026 and
				// an "OK" status report; the five others exactly.
				if strings.HasPrefix(all[3], "\x1b[?2026;") && strings.HasSuffix(all[3], "$y") {
					want[3] = all[3]
				}
				if strings.HasPrefix(all[6], "\x1b[") && strings.HasSuffix(all[6], "0n") {
					want[6] = all[6]
				}
			}
			if strings.Join(all, "|") != strings.Join(want, "|") {
				t.Fatalf("replies %q, want %q", all, want)
			}
			if _, err := e.Write([]byte("x")); err != ErrClosed {
				t.Fatalf("Write after Close = %v", err)
			}
		})
	}
}

// TestEmulatorRowsRoundTrip: the styled rows a UI draws carry every cell's
// text, colours, attributes and links: feeding them to a second emulator
// (of either kind) gives the same cells.
func TestEmulatorRowsRoundTrip(t *testing.T) {
	const out = "plain \x1b[1;31mbold red\x1b[0m \x1b[38;5;208;48;2;1;2;3morange\x1b[0m\r\n" +
		"\x1b[3;4:3;58;5;21mitalic curly\x1b[0m \x1b[7mrev\x1b[27m \x1b[9mstrike\x1b[0m \x1b[1;2mbf\x1b[22;2mf\x1b[m\r\n" +
		"\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 e\xcc\x81 \x1b[44m    \x1b[0m|\r\n" +
		"\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\ \x1b[2mfaint\x1b[0m\x1b[5;10H\x1b[42mbg-only-after-gap\x1b[0m" +
		"\x1b[6;1H\x1b[5;6;21;8mx\x1b[25;24;28;53my\x1b[m"
	for _, src := range emuFactories() {
		for _, dst := range emuFactories() {
			t.Run(src.name+"-to-"+dst.name, func(t *testing.T) {
				a := src.mk(8, 40, 10, nil, nil)
				defer a.Close()
				_, _ = a.Write([]byte(out))
				b := dst.mk(8, 40, 10, nil, nil)
				defer b.Close()
				for y, r := range a.Rows(nil) {
					_, _ = b.Write([]byte("\x1b[" + strconv.Itoa(y+1) + ";1H" + r + "\x1b[0m"))
				}
				for y := range 8 {
					for x := range 40 {
						ca, _ := a.Cell(y, x)
						cb, _ := b.Cell(y, x)
						if ca != cb {
							t.Fatalf("cell %d,%d: %+v, after a round trip through Rows %+v", y, x, ca, cb)
						}
					}
				}
			})
		}
	}
}

// TestEmulatorAltScreenScrollingHoldsNoHistory: a full-screen program that
// scrolls 10,000 lines on the alternate screen leaves no hidden history
// behind (stock x/vt keeps ~140 MB of it), and the main screen's scrollback
// is untouched.
func TestEmulatorAltScreenScrollingHoldsNoHistory(t *testing.T) {
	var logged []string
	e := NewVTEmulator(40, 120, DefaultScrollback, nil, func(f string, _ ...any) { logged = append(logged, f) })
	defer e.Close()
	if len(logged) != 0 {
		t.Fatalf("log: %q", logged)
	}
	_, _ = e.Write([]byte("main-1\r\nmain-2\r\n" + strings.Repeat("\r\n", 40)))
	sb := e.ScrollbackLen()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	line := strings.Repeat("abcdefghij", 11) + "\r\n"
	_, _ = e.Write([]byte("\x1b[?1049h" + strings.Repeat(line, 10000)))
	runtime.GC()
	runtime.ReadMemStats(&m1)
	grown := int64(m1.HeapAlloc) - int64(m0.HeapAlloc)
	if grown > 20<<20 {
		t.Fatalf("heap grew %d MB while scrolling the alternate screen", grown>>20)
	}
	_, _ = e.Write([]byte("\x1b[?1049l"))
	if e.ScrollbackLen() != sb || e.ScrollbackText(0) != "main-1" {
		t.Fatalf("main scrollback changed: %d lines (was %d), first %q", e.ScrollbackLen(), sb, e.ScrollbackText(0))
	}
}

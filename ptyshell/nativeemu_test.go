package ptyshell

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestNativeModesFollowProgram: the input modes follow set/reset
// sequences and RIS, and keys are encoded from them.
func TestNativeModesFollowProgram(t *testing.T) {
	e := NewNativeEmulator(5, 20, 10, nil, nil)
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
	if got := e.Modes().Mouse; got != MouseNormal {
		t.Fatalf("after ?1003l mouse mode = %v, want normal (?1000 still set)", got)
	}
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
}

// TestNativeTitleBellCursor: OSC title, BEL count, cursor shape and
// visibility.
func TestNativeTitleBellCursor(t *testing.T) {
	e := NewNativeEmulator(5, 20, 10, nil, nil)
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
}

// TestNativeRowsCacheAndDamage: ChangedRows names exactly the rows a write
// touched, Rows reflects them, RIS redraws every row.
func TestNativeRowsCacheAndDamage(t *testing.T) {
	e := NewNativeEmulator(4, 20, 10, nil, nil)
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
	// Synchronized output: no damage reported until the update ends.
	_, _ = e.Write([]byte("\x1b[?2026h\x1b[1;1HONE"))
	if got := e.ChangedRows(nil); len(got) != 0 {
		t.Fatalf("ChangedRows inside a synchronized update = %v", got)
	}
	_, _ = e.Write([]byte("\x1b[?2026l"))
	if got := e.ChangedRows(nil); len(got) != 1 || got[0] != 0 {
		t.Fatalf("ChangedRows after the synchronized update = %v, want [0]", got)
	}
	_, _ = e.Write([]byte("\x1bc"))
	if got := e.ChangedRows(nil); len(got) != 4 {
		t.Fatalf("ChangedRows after RIS = %v, want all 4", got)
	}
	if rows = e.Rows(rows); strings.Join(rows, "") != "" {
		t.Fatalf("rows after RIS %q", rows)
	}
}

// TestNativeAnswersQueries: DA1, DA2, DSR, DECRQM and colour queries reach
// the reply function.
func TestNativeAnswersQueries(t *testing.T) {
	var got []string
	e := NewNativeEmulator(5, 20, 10, func(b []byte) { got = append(got, string(b)) }, nil)
	_, _ = e.Write([]byte("ab\x1b[6n\x1b[c\x1b[>c\x1b[?2026$p\x1b[?2004h\x1b[?2004$p\x1b]11;?\x07\x1b[5n"))
	want := []string{"\x1b[1;3R", "\x1b[?62;1;6;22c", "\x1b[>1;10;0c", "\x1b[?2026;2$y", "\x1b[?2004;1$y", "\x1b]11;rgb:0000/0000/0000\a", "\x1b[0n"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("replies %q, want %q", got, want)
	}
	_ = e.Close()
	if _, err := e.Write([]byte("x")); err != ErrClosed {
		t.Fatalf("Write after Close = %v", err)
	}
}

// TestNativeCellsConvert: the adapter's cells carry text, width, colours,
// attributes, underline style and link.
func TestNativeCellsConvert(t *testing.T) {
	e := NewNativeEmulator(3, 20, 10, nil, nil)
	defer e.Close()
	_, _ = e.Write([]byte("\x1b[1;3;4:3;38;5;208;48;2;1;2;3;58;5;21m\x1b]8;;https://x.org\x1b\\A\x1b]8;;\x1b\\\x1b[m\xe4\xb8\xade\xcc\x81"))
	c, ok := e.Cell(0, 0)
	want := Cell{Text: "A", Width: 1, Fg: Color{Kind: ColorIndexed, Index: 208}, Bg: Color{Kind: ColorRGB, R: 1, G: 2, B: 3},
		UlColor: Color{Kind: ColorIndexed, Index: 21}, Attrs: AttrBold | AttrItalic, Underline: UnderlineCurly, Link: "https://x.org"}
	if !ok || c != want {
		t.Fatalf("cell %+v, want %+v", c, want)
	}
	if c, _ := e.Cell(0, 1); c.Text != "中" || c.Width != 2 {
		t.Fatalf("wide cell %+v", c)
	}
	if c, _ := e.Cell(0, 2); c.Text != "" || c.Width != 0 {
		t.Fatalf("continuation cell %+v", c)
	}
	if c, _ := e.Cell(0, 3); c.Text != "e\u0301" || c.Width != 1 {
		t.Fatalf("combining cell %+v", c)
	}
	if c, _ := e.Cell(0, 4); c.Text != " " || c.Width != 1 {
		t.Fatalf("empty cell %+v", c)
	}
	if _, ok := e.Cell(3, 0); ok {
		t.Fatal("cell outside the screen")
	}
}

// TestNativeRowsRoundTrip: the styled rows carry every cell's text,
// colours, attributes and links: feeding them to a second emulator gives
// the same cells (and x/vt, fed the same rows, agrees).
func TestNativeRowsRoundTrip(t *testing.T) {
	a := NewNativeEmulator(8, 40, 10, nil, nil)
	defer a.Close()
	_, _ = a.Write([]byte("plain \x1b[1;31mbold red\x1b[0m \x1b[38;5;208;48;2;1;2;3morange\x1b[0m\r\n" +
		"\x1b[3;4:3;58;5;21mitalic curly\x1b[0m \x1b[7mrev\x1b[27m \x1b[9mstrike\x1b[0m \x1b[1;2mbf\x1b[22;2mf\x1b[m\r\n" +
		"\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 e\xcc\x81 \x1b[44m    \x1b[0m|\r\n" +
		"\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\ \x1b[2mfaint\x1b[0m\x1b[5;10H\x1b[42mbg-only-after-gap\x1b[0m" +
		"\x1b[6;1H\x1b[5;6;21;8mx\x1b[25;24;28;53my\x1b[m"))
	for _, mk := range []EmulatorFactory{NewNativeEmulator, NewVTEmulator} {
		b := mk(8, 40, 10, nil, nil)
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
		_ = b.Close()
	}
}

// TestNativeAltScreenKeepsMainScrollback: scrolling on the alternate
// screen adds nothing to the scrollback; the main screen comes back.
func TestNativeAltScreenKeepsMainScrollback(t *testing.T) {
	e := NewNativeEmulator(4, 20, 100, nil, nil)
	defer e.Close()
	_, _ = e.Write([]byte("main-1\r\nmain-2\r\nmain-3\r\nmain-4\r\nmain-5"))
	sb := e.ScrollbackLen()
	_, _ = e.Write([]byte("\x1b[?1049h" + strings.Repeat("alt\r\n", 50)))
	if !e.AltScreen() || e.ScrollbackLen() != sb {
		t.Fatalf("alt %v, scrollback %d (was %d)", e.AltScreen(), e.ScrollbackLen(), sb)
	}
	_, _ = e.Write([]byte("\x1b[?1049l"))
	if e.AltScreen() || e.Text() != "main-2\nmain-3\nmain-4\nmain-5" || e.ScrollbackText(0) != "main-1" {
		t.Fatalf("after leaving alt: %q, scrollback[0] %q", e.Text(), e.ScrollbackText(0))
	}
	if c := e.Cursor(); c.Row != 3 || c.Col != 6 {
		t.Fatalf("cursor %+v not restored", c)
	}
}

// TestNativeResizeKeepsCursorRows: shrinking keeps the rows around the
// cursor and pushes the top ones into the scrollback.
func TestNativeResizeKeepsCursorRows(t *testing.T) {
	e := NewNativeEmulator(6, 20, 100, nil, nil)
	defer e.Close()
	_, _ = e.Write([]byte("l1\r\nl2\r\nl3\r\nl4\r\n$ "))
	e.Resize(3, 10)
	if got := e.Text(); got != "l3\nl4\n$" {
		t.Fatalf("after shrink %q", got)
	}
	if e.ScrollbackLen() != 2 || e.ScrollbackText(1) != "l2" {
		t.Fatalf("scrollback %d %q", e.ScrollbackLen(), e.ScrollbackText(1))
	}
	if c := e.Cursor(); c.Row != 2 || c.Col != 2 {
		t.Fatalf("cursor %+v", c)
	}
	if r, c := e.Size(); r != 3 || c != 10 {
		t.Fatalf("size %dx%d", r, c)
	}
}

// TestNativeSessionPrograms runs real programs through a PTY with the
// native emulator: printf with colours, line drawing, a wide character,
// a cursor report answered back to the shell, and vim when present.
func TestNativeSessionPrograms(t *testing.T) {
	sh := needProgram(t, "bash")
	s, err := Start(exec.Command(sh, "-c", `printf 'plain \033[1;32mgreen\033[0m \033(0lqk\033(B \344\270\255|\n'; `+
		`stty -echo -icanon; printf '\033[6n'; IFS= read -r -d R ans; stty sane; printf 'got:%s\n' "$(printf %s "$ans" | tr -d '\033')"; exec sleep 100`),
		Options{Rows: 10, Cols: 40, NewEmulator: NewNativeEmulator})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, s, "cursor report echoed", func() bool { return strings.Contains(s.Text(), "got:[2;1") })
	if got := strings.SplitN(s.Text(), "\n", 2)[0]; got != "plain green ┌─┐ 中|" {
		t.Fatalf("first row %q", got)
	}
	if rows := s.Rows(nil); !strings.Contains(rows[0], "\x1b[1;32mgreen\x1b[m") {
		t.Fatalf("styled row %q", rows[0])
	}
}

// TestNativeSessionVim: vim on the alternate screen and back.
func TestNativeSessionVim(t *testing.T) {
	vim, err := exec.LookPath("vim")
	if err != nil {
		vim, err = exec.LookPath("vi")
	}
	if err != nil {
		t.Fatal("vim or vi is needed by this test")
	}
	s, err := Start(exec.Command(vim, "-u", "NONE", "-N", "-c", "call setline(1, ['alpha', 'beta'])"), Options{Rows: 12, Cols: 50, NewEmulator: NewNativeEmulator})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, s, "vim buffer", func() bool { return strings.HasPrefix(s.Text(), "alpha\nbeta\n~") })
	if !s.AltScreen() {
		t.Fatal("vim is not on the alternate screen")
	}
	if err := s.WriteInput([]byte("Gofresh line\x1b:q!\r")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "vim exit", func() bool { _, exited := s.ExitStatus(); return exited })
}

// ---- benchmarks: the same streams through NewNativeEmulator and
// NewVTEmulator, side by side. ----

// FuzzNativeEmulator feeds arbitrary output through the native adapter with
// a resize in between: the core must not panic (the adapter would recover
// and log it: that fails here), and the pane stays usable.
func FuzzNativeEmulator(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := NewNativeEmulator(12, 30, 100, func([]byte) {}, func(format string, args ...any) {
			t.Fatalf("logged: "+format, args...)
		})
		defer e.Close()
		rows, cols := 12, 30
		if len(data) > 2 {
			rows, cols = int(data[0])%40+1, int(data[1])%120+1
		}
		half := len(data) / 2
		_, _ = e.Write(data[:half])
		e.Resize(rows, cols)
		_, _ = e.Write(data[half:])
		_ = e.Rows(nil)
		for y := range rows {
			for x := range cols {
				_, _ = e.Cell(y, x)
			}
		}
		for i := range e.ScrollbackLen() {
			_ = e.ScrollbackText(i)
		}
		e.Resize(5, 20)
		_, _ = e.Write([]byte("\x18\x1b\\\x1bcUSABLE-42"))
		if got := e.Text(); !strings.HasPrefix(got, "USABLE-42") {
			t.Fatalf("unusable after %q: %q", data, got)
		}
	})
}

// TestNativePanicKeepsPane: a panic inside the core (provoked here with a
// reply function that panics, standing in for a core bug) is recovered and
// logged once per chunk, and the pane keeps working.
func TestNativePanicKeepsPane(t *testing.T) {
	var logged []string
	boom := true
	e := NewNativeEmulator(5, 30, 100, func([]byte) {
		if boom {
			panic("boom")
		}
	}, func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) })
	defer e.Close()
	if _, err := e.Write([]byte("before\r\n\x1b[6nafter")); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "panicked") {
		t.Fatalf("log = %q, want one panic line", logged)
	}
	boom = false
	if _, err := e.Write([]byte("\r\nstill-works")); err != nil {
		t.Fatal(err)
	}
	if got := e.Text(); !strings.HasPrefix(got, "before\n") || !strings.Contains(got, "still-works") {
		t.Fatalf("screen after a panic: %q", got)
	}
}

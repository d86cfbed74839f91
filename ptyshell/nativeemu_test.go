package ptyshell

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

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

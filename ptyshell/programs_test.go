package ptyshell

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// altRecorder wraps an Emulator and remembers whether the alternate screen
// was ever active after a Write, so a test sees a program that entered and
// left it between two polls.
type altRecorder struct {
	Emulator
	sawAlt *atomic.Bool
}

func (a altRecorder) Write(p []byte) (int, error) {
	n, err := a.Emulator.Write(p)
	if a.Emulator.AltScreen() {
		a.sawAlt.Store(true)
	}
	return n, err
}

func recordingOptions(saw *atomic.Bool) Options {
	return Options{Rows: 24, Cols: 80, NewEmulator: func(rows, cols, sb int, reply func([]byte), logf func(string, ...any)) Emulator {
		return altRecorder{NewVTEmulator(rows, cols, sb, reply, logf), saw}
	}}
}

// screenAbovePrompt returns the rows above the cursor row.
func screenAbove(s *Session, row int) []string { return lines(s)[:row] }

// mainScreenReady types five marker lines and waits for the prompt after
// them; it returns the rows above the prompt.
func mainScreenReady(t *testing.T, s *Session) []string {
	t.Helper()
	for i := range 5 {
		typeLine(t, s, fmt.Sprintf("echo main-screen-line-%d", i))
	}
	waitFor(t, s, "five lines and a prompt", func() bool {
		return hasLine(s, "main-screen-line-4") && lines(s)[s.Cursor().Row] == "$"
	})
	return screenAbove(s, s.Cursor().Row)
}

// waitPromptAfter waits until the program ended and bash shows its prompt
// on the cursor row again.
func waitPromptAfter(t *testing.T, s *Session, what string) {
	t.Helper()
	waitFor(t, s, "prompt after "+what, func() bool {
		return !s.AltScreen() && lines(s)[s.Cursor().Row] == "$"
	})
}

func TestSessionAltScreenPrograms(t *testing.T) {
	needProgram(t, "vim")
	needProgram(t, "less")
	for _, tc := range []struct {
		name   string
		run    string // command typed at the prompt
		inside string // a row shown while the program runs
		quit   string // keys that end it
	}{
		{"vim", "vim -u NONE -N -n", "~", ":q!\r"},
		{"less", "seq 1 500 | less", "23", "q"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var saw atomic.Bool
			s := startBash(t, recordingOptions(&saw))
			before := mainScreenReady(t, s)
			typeLine(t, s, tc.run)
			waitFor(t, s, tc.name+" on the alternate screen", func() bool {
				return s.AltScreen() && hasLine(s, tc.inside)
			})
			if strings.Contains(s.Text(), "main-screen-line") {
				t.Fatalf("main screen content visible on the alternate screen:\n%s", s.Text())
			}
			if err := s.WriteInput([]byte(tc.quit)); err != nil {
				t.Fatal(err)
			}
			waitPromptAfter(t, s, tc.name)
			after := lines(s)
			for i, l := range before {
				if after[i] != l {
					t.Fatalf("main screen row %d changed by %s: %q, was %q; screen:\n%s", i, tc.name, after[i], l, s.Text())
				}
			}
			if got := after[len(before)]; got != "$ "+tc.run {
				t.Fatalf("row %d = %q, want the command line %q", len(before), got, "$ "+tc.run)
			}
			if !saw.Load() {
				t.Fatalf("%s never switched to the alternate screen", tc.name)
			}
		})
	}
}

// procps-ng top does not use the alternate screen (it emits no ?1049h: it
// homes and clears the main screen, ED 2). The rows it clears go to the
// scrollback, so nothing is lost, and its output stays on screen.
func TestSessionTopOnce(t *testing.T) {
	needProgram(t, "top")
	s := startBash(t, Options{Rows: 24, Cols: 100})
	before := mainScreenReady(t, s)
	sb := s.ScrollbackLen()
	typeLine(t, s, "top -n 1")
	waitText(t, s, "Tasks:")
	waitPromptAfter(t, s, "top")
	var kept []string
	for i := sb; i < s.ScrollbackLen(); i++ {
		kept = append(kept, s.ScrollbackText(i))
	}
	want := append(before, "$ top -n 1")
	if len(kept) < len(want) || strings.Join(kept[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Fatalf("scrollback after top = %q, want the cleared main screen %q", kept, append(before, "$ top -n 1"))
	}
}

func TestSessionColors(t *testing.T) {
	s := startBash(t, Options{Rows: 10, Cols: 60})
	typeLine(t, s, `clear; printf 'A\e[1;31mB\e[0m\e[38;5;196mC\e[48;2;10;20;30mD\e[0m\e[4:3;58;2;1;2;3mE\e[0m\e[7mF\e[0m\n'`)
	waitFor(t, s, "coloured ABCDEF", func() bool { return hasLine(s, "ABCDEF") })
	row := -1
	for i, l := range lines(s) {
		if l == "ABCDEF" {
			row = i
		}
	}
	cell := func(col int) Cell {
		c, ok := s.Cell(row, col)
		if !ok {
			t.Fatalf("no cell at %d,%d", row, col)
		}
		return c
	}
	if c := cell(0); c.Fg.Kind != ColorDefault || c.Attrs != 0 {
		t.Errorf("A = %+v, want default style", c)
	}
	if c := cell(1); c.Fg != (Color{Kind: ColorIndexed, Index: 1}) || c.Attrs&AttrBold == 0 {
		t.Errorf("B = %+v, want bold red (index 1)", c)
	}
	if c := cell(2); c.Fg != (Color{Kind: ColorIndexed, Index: 196}) {
		t.Errorf("C = %+v, want 256-colour 196", c)
	}
	if c := cell(3); c.Fg != (Color{Kind: ColorIndexed, Index: 196}) || c.Bg != (Color{Kind: ColorRGB, R: 10, G: 20, B: 30}) {
		t.Errorf("D = %+v, want fg 196 on truecolor 10,20,30", c)
	}
	if c := cell(4); c.Underline != UnderlineCurly || c.UlColor != (Color{Kind: ColorRGB, R: 1, G: 2, B: 3}) {
		t.Errorf("E = %+v, want curly underline coloured 1,2,3", c)
	}
	if c := cell(5); c.Attrs&AttrReverse == 0 || c.Fg.Kind != ColorDefault {
		t.Errorf("F = %+v, want reverse only", c)
	}
	// The styled row carries the same SGR state.
	styled := s.Rows(nil)[row]
	for _, want := range []string{"38;5;196", "48;2;10;20;30", "F"} {
		if !strings.Contains(styled, want) {
			t.Errorf("styled row %q lacks %q", styled, want)
		}
	}
}

func TestSessionWideChars(t *testing.T) {
	s := startBash(t, Options{Rows: 10, Cols: 40})
	typeLine(t, s, `clear; printf '\xe4\xb8\xad\xe6\x96\x87\xf0\x9f\x98\x80|e\xcc\x81|\n'`) // 中文😀|é(combining)|
	const line = "中文😀|e\u0301|"
	waitFor(t, s, "wide characters", func() bool { return hasLine(s, line) })
	row := -1
	for i, l := range lines(s) {
		if l == line {
			row = i
		}
	}
	want := []struct {
		col   int
		text  string
		width int
	}{
		{0, "中", 2}, {1, "", 0}, {2, "文", 2}, {3, "", 0}, {4, "😀", 2}, {5, "", 0}, {6, "|", 1}, {7, "e\u0301", 1}, {8, "|", 1},
	}
	for _, w := range want {
		c, _ := s.Cell(row, w.col)
		if c.Text != w.text || c.Width != w.width {
			t.Errorf("cell %d = %q width %d, want %q width %d", w.col, c.Text, c.Width, w.text, w.width)
		}
	}
}

func TestSessionResize(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 80})
	typeLine(t, s, "stty size")
	waitFor(t, s, "stty size 24 80", func() bool { return hasLine(s, "24 80") })
	if err := s.Resize(30, 100); err != nil {
		t.Fatal(err)
	}
	typeLine(t, s, "clear; stty size")
	waitFor(t, s, "stty size 30 100", func() bool { return hasLine(s, "30 100") })
	if r, c := s.Size(); r != 30 || c != 100 {
		t.Fatalf("Size = %dx%d after resize", c, r)
	}

	// A full-screen program redraws for the new size: vim fills all rows
	// but the last with "~" (its empty buffer) and keeps the last for its
	// command line. (vim installs its SIGWINCH handler before it first
	// draws; less does not, so a resize right after less appears can be
	// missed by less itself, in tmux as well.)
	typeLine(t, s, "vim -u NONE -N -n")
	waitFor(t, s, "vim on 30 rows", func() bool { ls := lines(s); return s.AltScreen() && ls[28] == "~" && ls[29] != "~" })
	if err := s.Resize(12, 50); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "vim redrawn on 12 rows", func() bool {
		ls := lines(s)
		return len(ls) == 12 && ls[10] == "~" && ls[11] != "~"
	})
	if err := s.Resize(20, 70); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "vim redrawn on 20 rows", func() bool {
		ls := lines(s)
		return len(ls) == 20 && ls[18] == "~" && ls[19] != "~"
	})
	if err := s.WriteInput([]byte(":q!\r")); err != nil {
		t.Fatal(err)
	}
	waitPromptAfter(t, s, "vim")

	// Shrinking keeps the prompt: the top rows go to the scrollback.
	typeLine(t, s, "clear; for i in $(seq 1 11); do echo row-$i; done")
	waitFor(t, s, "rows 1-11", func() bool { return hasLine(s, "row-11") && lines(s)[11] == "$" })
	sb := s.ScrollbackLen()
	if err := s.Resize(6, 50); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "prompt kept on the last row", func() bool { ls := lines(s); return len(ls) == 6 && ls[5] == "$" && ls[4] == "row-11" })
	if got := s.ScrollbackLen() - sb; got < 6 {
		t.Fatalf("shrinking by 6 rows pushed %d lines to the scrollback", got)
	}
}

func TestSessionCtrlCInterruptsSleep(t *testing.T) {
	s := startBash(t, Options{})
	typeLine(t, s, "sleep 1000")
	waitText(t, s, "$ sleep 1000")
	// Wait until sleep runs in the foreground: the terminal's foreground
	// process group (tpgid) is no longer bash's and its leader has exec'ed
	// sleep (before the exec, bash's child may still catch SIGINT).
	waitForeground(t, s, "sleep")
	if err := s.SendKey(Key{Code: 'c', Mod: ModCtrl}); err != nil {
		t.Fatal(err)
	}
	typeLine(t, s, "echo status=$?")
	waitFor(t, s, "status 130", func() bool { return hasLine(s, "status=130") })
}

func TestSessionDeviceQueries(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 80})
	// DSR 6: where is the cursor? The answer is CSI row;col R.
	// Echo is off before the query: the answer may arrive before read
	// starts, and the tty would echo it.
	typeLine(t, s, `clear; stty -echo; printf 'abc\e[6n'; read -d R pos; stty echo; echo; echo "POS=${pos#*[}"`)
	waitFor(t, s, "DSR answer", func() bool { return regexp.MustCompile(`(?m)^POS=`).MatchString(s.Text()) })
	m := regexp.MustCompile(`POS=(\d+);(\d+)`).FindStringSubmatch(s.Text())
	if m == nil || m[2] != "4" {
		t.Fatalf("DSR answer %v, want column 4 after 'abc'; screen:\n%s", m, s.Text())
	}
	// DA1: primary device attributes, CSI ? ... c.
	typeLine(t, s, `stty -echo; printf '\e[c'; read -d c da; stty echo; echo "DA=${da#*[}"`)
	waitFor(t, s, "DA1 answer", func() bool { return regexp.MustCompile(`(?m)^DA=\?[0-9;]+$`).MatchString(s.Text()) })
	// DECRQM: is the cursor (?25) shown? CSI ? 25 ; 1 $ y means set.
	typeLine(t, s, `stty -echo; printf '\e[?25$p'; read -d y rq; stty echo; echo "RQ=${rq#*[}"`)
	waitFor(t, s, "DECRQM answer", func() bool { return hasLine(s, "RQ=?25;1$") })
}

func TestSessionScrollback(t *testing.T) {
	s := startBash(t, Options{Rows: 10, Cols: 40, Scrollback: 300})
	typeLine(t, s, "seq 1 1000; echo seq-done")
	waitFor(t, s, "seq output", func() bool { return hasLine(s, "seq-done") })
	n := s.ScrollbackLen()
	if n != 300 {
		t.Fatalf("ScrollbackLen = %d, want the configured 300", n)
	}
	// The newest scrollback line is the one right above the screen: the
	// screen starts at the number after it.
	last, _ := strconv.Atoi(s.ScrollbackText(n - 1))
	first, _ := strconv.Atoi(lines(s)[0])
	if last == 0 || first != last+1 {
		t.Fatalf("scrollback ends at %q, screen starts at %q", s.ScrollbackText(n-1), lines(s)[0])
	}
	for i := range n {
		if got, want := s.ScrollbackText(i), strconv.Itoa(last-n+1+i); got != want {
			t.Fatalf("scrollback line %d = %q, want %q", i, got, want)
		}
	}
	// It survives an alternate-screen program.
	typeLine(t, s, "vim -u NONE -N -n")
	waitFor(t, s, "vim", func() bool { return s.AltScreen() && hasLine(s, "~") })
	if err := s.WriteInput([]byte(":q!\r")); err != nil {
		t.Fatal(err)
	}
	waitPromptAfter(t, s, "vim")
	// The command line and the new prompt scrolled two more lines in; the
	// numbers are still there, in order, up to the last one.
	end := -1
	for i := range s.ScrollbackLen() {
		if s.ScrollbackText(i) == strconv.Itoa(last) {
			end = i
		}
	}
	if end < 250 {
		t.Fatalf("after vim, %d is at scrollback line %d", last, end)
	}
	for i := end - 250; i <= end; i++ {
		if got, want := s.ScrollbackText(i), strconv.Itoa(last-end+i); got != want {
			t.Fatalf("after vim, scrollback line %d = %q, want %q", i, got, want)
		}
	}
	// Styled lines keep their colours.
	typeLine(t, s, `clear; printf '\e[31mred-line\e[0m\n'; seq 1 20`)
	waitFor(t, s, "red line scrolled off", func() bool {
		for i := s.ScrollbackLen() - 1; i >= 0 && i > s.ScrollbackLen()-40; i-- {
			if s.ScrollbackText(i) == "red-line" {
				return strings.Contains(s.ScrollbackLine(i), "\x1b[31m") || strings.Contains(s.ScrollbackLine(i), ";31m")
			}
		}
		return false
	})
}

func TestSessionDefaultScrollbackHolds10000(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 80})
	typeLine(t, s, "seq 1 10100; echo seq-done")
	waitFor(t, s, "seq output", func() bool { return hasLine(s, "seq-done") })
	if n := s.ScrollbackLen(); n != DefaultScrollback {
		t.Fatalf("ScrollbackLen = %d, want %d", n, DefaultScrollback)
	}
}

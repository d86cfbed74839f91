package ptyshell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/ptyshell/internal/fuzzseed"
)

// feedAndCheck writes data to a fresh emulator made by mk (resizing in
// between), reads back everything the UI reads, and checks it still draws
// text afterwards. logf receives what the adapter logs (a recovered panic).
func feedAndCheck(t *testing.T, mk EmulatorFactory, data []byte, logf func(string, ...any)) {
	e := mk(12, 30, 100, func([]byte) {}, logf)
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
	_ = e.ChangedRows(nil)
	_ = e.Text()
	_ = e.Cursor()
	for y := range rows {
		for x := range cols {
			_, _ = e.Cell(y, x)
		}
	}
	for i := range e.ScrollbackLen() {
		_ = e.ScrollbackLine(i)
		_ = e.ScrollbackText(i)
	}
	// CAN ends any open sequence, RIS resets modes and screens.
	e.Resize(5, 20)
	if _, err := e.Write([]byte("\x18\x1b\\\x1bcUSABLE-42")); err != nil {
		t.Fatal(err)
	}
	if got := e.Text(); !strings.HasPrefix(got, "USABLE-42") {
		t.Fatalf("emulator unusable after input %q: screen %q", data, got)
	}
	if r := e.Rows(nil); len(r) != 5 || r[0] != "USABLE-42" {
		t.Fatalf("rows after reset: %q", r)
	}
}

// addFuzzSeeds adds fuzzSeeds to f's corpus.
func addFuzzSeeds(f *testing.F) {
	for _, s := range fuzzseed.Seeds() {
		f.Add([]byte(s))
	}
}

// FuzzEmulatorWrite feeds arbitrary program output through the x/vt
// adapter: no panic escapes, no hang, and it stays usable. x/vt's own
// panics (seen in the wild) are recovered and only logged.
func FuzzEmulatorWrite(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { feedAndCheck(t, NewVTEmulator, data, t.Logf) })
}

// FuzzNativeEmulator feeds arbitrary output through the native adapter:
// the core must not panic (the adapter would recover and log it: that
// fails here), and the pane stays usable.
func FuzzNativeEmulator(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		feedAndCheck(t, NewNativeEmulator, data, func(format string, args ...any) {
			t.Fatalf("logged: "+format, args...)
		})
	})
}

// TestSessionSurvivesGarbage sends the fuzz seeds and random bytes through a
// real PTY (cat of a file) and checks the pane still works.
func TestSessionSurvivesGarbage(t *testing.T) {
	dir := t.TempDir()
	var all []byte
	for _, s := range fuzzseed.Seeds() {
		all = append(all, s...)
	}
	f, err := os.Open("/dev/urandom")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256<<10)
	if _, err := f.Read(buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	all = append(all, buf...)
	p := filepath.Join(dir, "garbage")
	if err := os.WriteFile(p, all, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(needProgram(t, "sh"), "-c", `stty raw -echo; cat "$1"; printf '\030\033\\\033c'; stty sane; echo; echo garbage-survived; exec sleep 1000`, "sh", p)
	s, err := Start(cmd, Options{Rows: 20, Cols: 60})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Answers to queries in the garbage may arrive late and be echoed once
	// stty sane turned echo back on: look for the text anywhere.
	waitFor(t, s, "text after garbage", func() bool { return strings.Contains(s.Text(), "garbage-survived") })
	if err := s.Resize(10, 40); err != nil {
		t.Fatal(err)
	}
	_ = s.Rows(nil)
}

// TestEmulatorPanicKeepsPane: a panic inside x/vt's Write (provoked here by a
// handler that panics, standing in for the scroll-region panics seen in the
// wild) is recovered and logged, and the emulator keeps working.
func TestEmulatorPanicKeepsPane(t *testing.T) {
	var logged []string
	e := NewVTEmulator(5, 30, 100, nil, func(f string, a ...any) { logged = append(logged, f) })
	defer e.Close()
	e.(*vtEmulator).vt.RegisterCsiHandler('z', func(ansi.Params) bool { panic("boom") })
	if _, err := e.Write([]byte("before\r\n\x1b[1;2zafter")); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "panicked") {
		t.Fatalf("log = %q, want one panic line", logged)
	}
	if _, err := e.Write([]byte("\r\nstill-works")); err != nil {
		t.Fatal(err)
	}
	if got := e.Text(); !strings.HasPrefix(got, "before\n") || !strings.Contains(got, "still-works") {
		t.Fatalf("screen after a panic: %q", got)
	}
}

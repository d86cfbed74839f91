package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/ptyshell"
)

// staticSession is a PaneSession with a fixed screen, for golden frames:
// nothing runs, nothing changes unless the test says so.
type staticSession struct {
	mu         sync.Mutex
	rows, cols int
	screen     []string
	history    []string
	changed    chan struct{}
	done       chan struct{}
	code       int
	exited     bool
	cursor     ptyshell.Cursor
	keysSent   int // keys the program was sent
}

func newStaticSession(rows, cols int, screen, history []string) *staticSession {
	return &staticSession{rows: rows, cols: cols, screen: screen, history: history,
		changed: make(chan struct{}, 1), done: make(chan struct{}),
		cursor: ptyshell.Cursor{Row: len(screen) - 1, Col: 2, Visible: true}}
}

func (s *staticSession) exit(code int) {
	s.mu.Lock()
	s.code, s.exited = code, true
	s.mu.Unlock()
	close(s.done)
}

func (s *staticSession) SendKey(ptyshell.Key) error {
	s.mu.Lock()
	s.keysSent++
	s.mu.Unlock()
	return nil
}
func (s *staticSession) Paste(string) error                     { return nil }
func (s *staticSession) SendMouse(ptyshell.Mouse) (bool, error) { return false, nil }
func (s *staticSession) Resize(rows, cols int) error {
	s.mu.Lock()
	s.rows, s.cols = rows, cols
	s.mu.Unlock()
	return nil
}
func (s *staticSession) Changed() <-chan struct{} { return s.changed }
func (s *staticSession) Done() <-chan struct{}    { return s.done }
func (s *staticSession) ExitStatus() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.code, s.exited
}
func (s *staticSession) Pid() int { return 4242 }
func (s *staticSession) Rows(dst []string) []string {
	return append(dst[:0], s.screen...)
}
func (s *staticSession) Cursor() ptyshell.Cursor     { return s.cursor }
func (s *staticSession) AltScreen() bool             { return false }
func (s *staticSession) Modes() ptyshell.Modes       { return ptyshell.Modes{} }
func (s *staticSession) ScrollbackLen() int          { return len(s.history) }
func (s *staticSession) ScrollbackLine(i int) string { return s.history[i] }
func (s *staticSession) Close() error                { return nil }

// staticShells hands out static sessions showing what a shell printed.
type staticShells struct {
	mu       sync.Mutex
	sessions []*staticSession
}

func (f *staticShells) start(rows, cols int) (PaneSession, error) {
	var hist []string
	for i := 1; i <= 40; i++ {
		hist = append(hist, fmt.Sprintf("history line %d", i))
	}
	s := newStaticSession(rows, cols, []string{
		"# hostname; echo $$; ls /proc | head -3",
		"box1", "11", "1", "11", "acpi",
		"\x1b[1;32mgreen bold\x1b[m and \x1b[7mreverse\x1b[m",
		"# "}, hist)
	f.mu.Lock()
	f.sessions = append(f.sessions, s)
	f.mu.Unlock()
	return s, nil
}

func (f *staticShells) Spawn(_ nsops.SpawnSpec, rows, cols int) (PaneSession, error) {
	return f.start(rows, cols)
}

func (f *staticShells) Enter(_ nsops.EnterSpec, rows, cols int) (PaneSession, error) {
	return f.start(rows, cols)
}

// Golden frames of the panes side: forms, split view, tabs, exit status,
// scrollback marker, questions. Regenerate with
// `go test ./tui -run TestPaneGolden -update` and read the diff.
func TestPaneGolden(t *testing.T) {
	ctrlBracket := func(d *asyncDriver) { d.send(keyMsgCtrl(']')) }
	spawn := func(d *asyncDriver) {
		d.keys("s", "enter")
		d.waitFor("the pane", func() bool { return len(d.m.ws.panes) == 1 })
	}
	flows := []struct {
		name string
		do   func(d *asyncDriver)
	}{
		{"spawn-form", func(d *asyncDriver) { d.keys("s") }},
		{"spawn-form-user", func(d *asyncDriver) {
			d.keys("s", "down", "down", "down", "down", "down", "space", "down", "down", "down", "down", "down")
			d.typeText("top -b -n 1")
		}},
		{"enter-form-process", func(d *asyncDriver) {
			d.keys("/")
			d.typeText("box-302 uts")
			d.keys("enter", "enter", "enter", "e")
		}},
		{"enter-form-ns", func(d *asyncDriver) { d.keys("/"); d.typeText("4026532403"); d.keys("enter", "e") }},
		{"split-pane-focus", spawn},
		{"split-explorer-focus", func(d *asyncDriver) { spawn(d); ctrlBracket(d) }},
		{"z-then-pane", func(d *asyncDriver) { spawn(d); ctrlBracket(d); d.keys("z", "1") }},
		{"exited", func(d *asyncDriver) {
			spawn(d)
			d.m.ws.panes[0].s.(*staticSession).exit(3)
			d.waitFor("the exit", func() bool { return d.m.ws.panes[0].exited })
		}},
		{"scrolled-back", func(d *asyncDriver) {
			spawn(d)
			for range 4 {
				d.send(wheelUp(d.m.ws.paneRect))
			}
		}},
		{"quit-asks", func(d *asyncDriver) { spawn(d); ctrlBracket(d); d.keys("q") }},
	}
	for _, sz := range [][2]int{{80, 24}, {120, 36}} {
		for _, f := range flows {
			t.Run(fmt.Sprintf("%s-%dx%d", f.name, sz[0], sz[1]), func(t *testing.T) {
				sh := &staticShells{}
				d := newAsyncDriver(t, sz[0], sz[1], WithShells(sh))
				t.Cleanup(func() {
					for _, p := range d.m.ws.panes {
						p.stop()
					}
				})
				f.do(d)
				got := d.screen()
				// Trailing blanks differ only by how lines were padded.
				lines := strings.Split(got, "\n")
				for i, l := range lines {
					lines[i] = strings.TrimRight(l, " ")
				}
				golden.RequireEqual(t, strings.Join(lines, "\n"))
			})
		}
	}
}

func keyMsgCtrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func wheelUp(r rect) tea.MouseWheelMsg {
	return tea.MouseWheelMsg{X: r.x + 3, Y: r.y + 3, Button: tea.MouseWheelUp}
}

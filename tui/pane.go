package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/ptyshell"
)

// PaneSession is one program running on its own pseudo-terminal, as a pane
// shows it. *ptyshell.Session implements it; tests hand the model fakes.
// Every method must return quickly: the model calls the accessors and the
// input methods (which only queue bytes) from Update and View. Resize and
// Close are called from commands.
type PaneSession interface {
	SendKey(k ptyshell.Key) error
	Paste(text string) error
	SendMouse(m ptyshell.Mouse) (bool, error)
	Resize(rows, cols int) error
	Changed() <-chan struct{}
	Done() <-chan struct{}
	ExitStatus() (code int, exited bool)
	Pid() int
	Rows(dst []string) []string
	Cursor() ptyshell.Cursor
	AltScreen() bool
	Modes() ptyshell.Modes
	ScrollbackLen() int
	ScrollbackLine(i int) string
	Close() error
}

// Shells starts the programs panes show. The command line implements it
// over nsops (SpawnSpec.Command, EnterSpec.Command) and ptyshell; the tui
// package itself never starts a process. Both methods are called from a
// tea.Cmd, so they may block for the time a fork and exec take.
type Shells interface {
	// Spawn starts spec (new namespaces, nstui's init, the command) on a
	// new terminal of rows x cols.
	Spawn(spec nsops.SpawnSpec, rows, cols int) (PaneSession, error)
	// Enter starts spec (joining existing namespaces) on a new terminal of
	// rows x cols.
	Enter(spec nsops.EnterSpec, rows, cols int) (PaneSession, error)
}

// Pane messages. Each carries the pane id so a late message for a closed
// pane is recognised and dropped.

// paneStartedMsg carries the result of starting a pane's program.
type paneStartedMsg struct {
	title string
	tab   string // the short name on its tab
	s     PaneSession
	err   error
	rows  int
	cols  int
}

// paneChangedMsg says a pane's screen changed (coalesced: one pending per
// pane at most, whatever the amount of output).
type paneChangedMsg struct{ id int }

// paneExitedMsg says a pane's program ended.
type paneExitedMsg struct{ id int }

// paneClosedMsg says Close returned for a pane that is no longer shown.
type paneClosedMsg struct {
	id  int
	err error
}

// allClosedMsg says every pane's session was closed (before quitting).
type allClosedMsg struct{}

// paneResizedMsg carries a failed resize.
type paneResizedMsg struct {
	id  int
	err error
}

// pane is one program in an embedded terminal.
type pane struct {
	id    int
	title string
	tab   string // short name for the tab bar
	s     PaneSession
	quit  chan struct{} // closed when the pane is closed: ends its waiter

	rows, cols int // size last asked of the session
	scroll     int // lines scrolled back into the history; 0 = live
	exited     bool
	code       int
	pid        int

	buf []string // reused row buffer

	// fitted caches fitRow per screen row: fitSrc[i] is the row it was made
	// from, at width fitW. The emulator hands back the same string for a
	// row that did not change, so most rows of a frame cost a compare.
	fitSrc, fitted []string
	fitW           int
	fitM           ansi.Method
}

func newPane(id int, title, tab string, s PaneSession, rows, cols int) *pane {
	return &pane{id: id, title: title, tab: tab, s: s, quit: make(chan struct{}), rows: rows, cols: cols, pid: s.Pid()}
}

// paneFrame is the shortest time between two redraws a pane asks for:
// under a flood of output the notices pile up (coalesced into one) instead
// of making a frame each, which leaves the emulator's lock to the reader.
// A lone change (a typed key's echo) is drawn at once.
const paneFrame = 8 * time.Millisecond

// wait returns the command that waits for the pane's next change notice or
// its exit. One is in flight per pane at a time, so each notice makes at
// most one message, and so at most one frame.
func (p *pane) wait() tea.Cmd { return p.waitAfter(0) }

// waitAfter is wait, starting after a pause of d.
func (p *pane) waitAfter(d time.Duration) tea.Cmd {
	s, quit, id := p.s, p.quit, p.id
	return func() tea.Msg {
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-quit:
				t.Stop()
				return nil
			}
		}
		select {
		case <-s.Changed():
			return paneChangedMsg{id: id}
		case <-s.Done():
			return paneExitedMsg{id: id}
		case <-quit:
			return nil
		}
	}
}

// stop ends the pane's waiter; the caller then closes the session in a
// command.
func (p *pane) stop() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
}

// closeCmd closes the session in the background.
func (p *pane) closeCmd() tea.Cmd {
	s, id := p.s, p.id
	return func() tea.Msg { return paneClosedMsg{id: id, err: s.Close()} }
}

// resizeCmd asks the session for rows x cols when that differs from what it
// has; the kernel then sends the program SIGWINCH.
func (p *pane) resizeCmd(rows, cols int) tea.Cmd {
	if rows < 1 || cols < 1 || (rows == p.rows && cols == p.cols) || p.exited {
		return nil
	}
	p.rows, p.cols = rows, cols
	p.scroll = min(p.scroll, p.s.ScrollbackLen())
	s, id := p.s, p.id
	return func() tea.Msg {
		if err := s.Resize(rows, cols); err != nil {
			return paneResizedMsg{id: id, err: err}
		}
		return nil
	}
}

// running reports whether the pane's program is still alive.
func (p *pane) running() bool { return !p.exited }

// scrollBy moves the view d lines back (positive) or forward into the
// history; the alternate screen has no history of its own.
func (p *pane) scrollBy(d int) {
	if p.s.AltScreen() {
		p.scroll = 0
		return
	}
	p.scroll = clamp(p.scroll+d, 0, p.s.ScrollbackLen())
}

// lines returns the h x w cells of the pane's screen (or of its history
// when scrolled back) as styled strings, each exactly w cells wide.
func (p *pane) lines(w, h int, widths ansi.Method) []string {
	out := make([]string, 0, h)
	p.buf = p.s.Rows(p.buf[:0])
	rows := p.buf
	if p.scroll > 0 {
		n := p.s.ScrollbackLen()
		back := min(p.scroll, n)
		// The window starts back lines above the live screen.
		for i := 0; i < h; i++ {
			idx := n - back + i
			var l string
			switch {
			case idx < n:
				l = p.s.ScrollbackLine(idx)
			case idx-n < len(rows):
				l = rows[idx-n]
			}
			out = append(out, fitRow(l, w, widths))
		}
		return out
	}
	if p.fitW != w || len(p.fitSrc) != h || p.fitM != widths {
		p.fitW, p.fitM = w, widths
		p.fitSrc, p.fitted = make([]string, h), make([]string, h)
		for i := range p.fitted {
			p.fitted[i] = fitRow("", w, widths)
		}
	}
	for i := 0; i < h; i++ {
		l := ""
		if i < len(rows) {
			l = rows[i]
		}
		if l != p.fitSrc[i] {
			p.fitSrc[i], p.fitted[i] = l, fitRow(l, w, widths)
		}
		out = append(out, p.fitted[i])
	}
	return out
}

// fitRow makes one emulator row exactly w cells wide, as the terminal will
// measure it (widths), and closes its styles, so a colour never bleeds into
// the frame around the pane. The emulator lays text out by code points
// (wcwidth, as the programs in it do); a terminal counting grapheme
// clusters may find a row with emoji sequences (❤️, a ZWJ family) wider,
// and then the row loses its last cells rather than push the frame's
// border out.
func fitRow(l string, w int, widths ansi.Method) string {
	if w <= 0 {
		return ""
	}
	sw := widths.StringWidth(l)
	switch {
	case sw > w:
		l = widths.Truncate(l, w, "")
		sw = widths.StringWidth(l)
	case sw == 0:
		return strings.Repeat(" ", w)
	}
	return l + "\x1b[m" + strings.Repeat(" ", max(w-sw, 0))
}

// statusText is the pane's state for its frame: the exit status once the
// program ended, the scroll marker when scrolled back.
func (p *pane) statusText() string {
	var parts []string
	if p.scroll > 0 {
		parts = append(parts, fmt.Sprintf("↑ scrolled back %d (wheel down, shift+pgdn or any key returns)", p.scroll))
	}
	if p.exited {
		parts = append(parts, exitText(p.code)+" · x closes")
	}
	return strings.Join(parts, " · ")
}

// exitText describes an exit status the way a shell reports it.
func exitText(code int) string {
	switch {
	case code == 0:
		return "exited: status 0"
	case code > 128 && code < 128+65:
		return fmt.Sprintf("exited: status %d (signal %d)", code, code-128)
	case code < 0:
		return "exited: status unknown"
	}
	return fmt.Sprintf("exited: status %d", code)
}

// toPtyKey maps a Bubble Tea key press to ptyshell's key one to one (their
// codes and modifier bits are the same values).
func toPtyKey(k tea.KeyPressMsg) ptyshell.Key {
	return ptyshell.Key{Code: k.Code, Mod: ptyshell.KeyMod(k.Mod), Text: k.Text}
}

// toPtyMouse maps a Bubble Tea mouse event at pane cell (x, y).
func toPtyMouse(m tea.Mouse, x, y int, action ptyshell.MouseAction) ptyshell.Mouse {
	return ptyshell.Mouse{X: x, Y: y, Button: ptyshell.MouseBtn(m.Button), Action: action, Mod: ptyshell.KeyMod(m.Mod)}
}

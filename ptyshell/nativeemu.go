package ptyshell

import (
	"github.com/nstui/nstui/ptyshell/vt"
)

// nativeEmulator is the Emulator backed by nstui's own core (package
// ptyshell/vt): a ring-of-lines screen, compact cells and a scrollback of
// rendered lines, built for bulk output. It adapts the core's compact
// types to ptyshell's and encodes input with EncodeKey and friends.
type nativeEmulator struct {
	t      *vt.Terminal
	logf   func(string, ...any)
	closed bool
	panics int
}

// NewNativeEmulator returns an Emulator backed by nstui's own terminal
// core. It matches EmulatorFactory. Replies go to reply synchronously
// (reply must not block, as Session's does not).
func NewNativeEmulator(rows, cols, scrollback int, reply func([]byte), logf func(string, ...any)) Emulator {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &nativeEmulator{t: vt.New(max(rows, 1), max(cols, 1), max(scrollback, 0), reply), logf: logf}
}

func (e *nativeEmulator) Write(p []byte) (int, error) {
	return writeChunks(e, p, e.closed, (*nativeEmulator).write)
}

// write feeds one chunk; a panic in the core (a bug: it is fuzzed not to)
// is logged and the pane kept, its parser put back to ground.
func (e *nativeEmulator) write(p []byte) {
	defer func() {
		if r := recover(); r != nil {
			keepPane(r, &e.panics, e.logf, e.t)
		}
	}()
	_, _ = e.t.Write(p)
}

func (e *nativeEmulator) Resize(rows, cols int) {
	if e.closed {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			e.logf("ptyshell: terminal emulator panicked on resize to %dx%d: %v", cols, rows, r)
		}
	}()
	e.t.Resize(max(rows, 1), max(cols, 1))
}

func (e *nativeEmulator) Size() (rows, cols int) { return e.t.Size() }

func (e *nativeEmulator) Rows(dst []string) []string { return e.t.Rows(dst) }

func (e *nativeEmulator) ChangedRows(dst []int) []int { return e.t.ChangedRows(dst) }

func (e *nativeEmulator) Text() string { return e.t.Text() }

func (e *nativeEmulator) Cell(row, col int) (Cell, bool) {
	c, ok := e.t.CellAt(row, col)
	if !ok {
		return Cell{}, false
	}
	return Cell{
		Text:      e.t.CellText(c),
		Width:     c.Width(),
		Fg:        nativeColor(c.Fg),
		Bg:        nativeColor(c.Bg),
		UlColor:   nativeColor(c.Ul),
		Attrs:     Attr(c.Attrs()),
		Underline: UnderlineStyle(c.Underline()),
		Link:      e.t.LinkURL(c.Link),
	}, true
}

func nativeColor(c vt.Color) Color {
	switch c.Kind() {
	case vt.ColorIndexed:
		return Color{Kind: ColorIndexed, Index: c.Index()}
	case vt.ColorRGB:
		r, g, b := c.RGB()
		return Color{Kind: ColorRGB, R: r, G: g, B: b}
	}
	return Color{}
}

func (e *nativeEmulator) Cursor() Cursor {
	c := e.t.Cursor()
	return Cursor{Row: c.Row, Col: c.Col, Visible: c.Visible, Shape: CursorShape(c.Shape), Blink: c.Blink}
}

func (e *nativeEmulator) AltScreen() bool { return e.t.AltScreen() }
func (e *nativeEmulator) Title() string   { return e.t.Title() }
func (e *nativeEmulator) Bells() uint64   { return e.t.Bells() }

func (e *nativeEmulator) Modes() Modes {
	m := e.t.Modes()
	return Modes{
		AppCursor:       m.AppCursor,
		AppKeypad:       m.AppKeypad,
		BracketedPaste:  m.BracketedPaste,
		FocusEvents:     m.FocusEvents,
		Mouse:           MouseMode(m.Mouse),
		MouseSGR:        m.MouseSGR,
		LineFeedNL:      m.LineFeedNL,
		ModifyOtherKeys: m.ModifyOtherKeys,
	}
}

func (e *nativeEmulator) EncodeKey(k Key) []byte          { return EncodeKey(k, e.Modes()) }
func (e *nativeEmulator) EncodePaste(text string) []byte  { return EncodePaste(text, e.Modes()) }
func (e *nativeEmulator) EncodeMouse(m Mouse) []byte      { return EncodeMouse(m, e.Modes()) }
func (e *nativeEmulator) EncodeFocus(focused bool) []byte { return EncodeFocus(focused, e.Modes()) }

func (e *nativeEmulator) ScrollbackLen() int          { return e.t.ScrollbackLen() }
func (e *nativeEmulator) ScrollbackLine(i int) string { return e.t.ScrollbackLine(i) }
func (e *nativeEmulator) ScrollbackText(i int) string { return e.t.ScrollbackText(i) }
func (e *nativeEmulator) Close() error                { e.closed = true; return nil }

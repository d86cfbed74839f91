package ptyshell

import (
	"errors"
	"image/color"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// ErrClosed is returned by operations on a closed emulator or session.
var ErrClosed = errors.New("ptyshell: closed")

// DefaultScrollback is the number of scrollback lines kept when Options do
// not say otherwise.
const DefaultScrollback = 10000

// writeChunk bounds how much output one core Write call sees (both
// adapters, see writeChunks). For x/vt it keeps its own scrollback (which
// we drain after every chunk) below its limit: a chunk can scroll at most
// about half its length in lines.
const (
	writeChunk     = 16 << 10
	vtScrollbackSz = 1 << 15
)

// vtEmulator is the Emulator backed by charmbracelet/x/vt v0.1.0. It works
// around that version's traps:
//   - replies (DA, DSR, DECRQM...) go through an io.Pipe that blocks Write
//     until read: a goroutine always drains it into the reply function;
//   - callbacks run in the middle of x/vt's Write: ours only record state
//     in this struct and never call back into x/vt;
//   - vt.Emulator.Close racing a blocked Read is a data race: we never call
//     it and close the pipe's writer instead, which io.Pipe synchronises;
//   - SendKey drops modified keys: keys, paste, mouse and focus are encoded
//     here (EncodeKey...) from modes tracked through the mode callbacks;
//   - Write has panicked on odd scroll regions: each chunk is recovered,
//     logged, and the pane kept;
//   - its alternate screen has a scrollback of its own that nothing reads
//     but that grows to 10,000 lines of cells (~140 MB at 120 columns) while
//     a full-screen program scrolls: dropAltScrollback removes it;
//   - its scrollback shifts the whole slice for every line once full and
//     keeps ~100 bytes a cell: it is drained after every chunk into a ring
//     of our own that keeps each line as its styled string.
type vtEmulator struct {
	vt    *vt.Emulator
	pw    *io.PipeWriter
	reply func([]byte)
	logf  func(string, ...any)

	pumpDone chan struct{}
	closed   bool

	sb       *lineRing[string] // styled lines: ~1 byte a cell instead of ~100
	modes    Modes
	title    string
	bells    uint64
	alt      bool
	allDirty bool
	panics   int

	cache   []string // rendered rows
	cacheOK []bool
	changed []bool
	scratch uv.Line
	tail    []byte // last bytes written, to know whether a sequence is open
}

// NewVTEmulator returns an Emulator backed by x/vt. It matches
// EmulatorFactory. Close it to stop its reply goroutine.
func NewVTEmulator(rows, cols, scrollback int, reply func([]byte), logf func(string, ...any)) Emulator {
	rows, cols = max(rows, 1), max(cols, 1)
	if scrollback < 0 {
		scrollback = 0
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if reply == nil {
		reply = func([]byte) {}
	}
	e := &vtEmulator{
		vt:       vt.NewEmulator(cols, rows),
		reply:    reply,
		logf:     logf,
		pumpDone: make(chan struct{}),
		sb:       newLineRing[string](scrollback),
		allDirty: true,
	}
	e.vt.SetScrollbackSize(vtScrollbackSz)
	if !dropAltScrollback(e.vt) {
		logf("ptyshell: x/vt layout changed: its alternate screen keeps a hidden scrollback (memory grows while full-screen programs scroll)")
	}
	pw, ok := e.vt.InputPipe().(*io.PipeWriter)
	if !ok {
		// x/vt v0.1.0 always uses io.Pipe; guard against a changed version.
		panic("ptyshell: x/vt input pipe is not an *io.PipeWriter")
	}
	e.pw = pw
	e.vt.SetCallbacks(vt.Callbacks{
		Bell:        func() { e.bells++ },
		Title:       func(s string) { e.title = s },
		AltScreen:   func(on bool) { e.alt = on; e.allDirty = true },
		EnableMode:  func(m ansi.Mode) { e.setMode(m, true) },
		DisableMode: func(m ansi.Mode) { e.setMode(m, false) },
	})
	// ED 3 clears the scrollback: clear our ring too (only the main
	// screen's, as x/vt does), then let x/vt's own handler run.
	e.vt.RegisterCsiHandler('J', func(params ansi.Params) bool {
		if n, _, _ := params.Param(0, 0); n == 3 && !e.alt {
			e.sb.clear()
		}
		return false
	})
	// RIS resets both screens and drops x/vt's record of touched rows:
	// redraw every row.
	e.vt.RegisterEscHandler('c', func() bool {
		e.allDirty = true
		e.modes.ModifyOtherKeys = 0
		return false
	})
	// xterm's modifyOtherKeys (CSI > 4 ; n m), which x/vt ignores.
	e.vt.RegisterCsiHandler(ansi.Command('>', 0, 'm'), func(params ansi.Params) bool {
		if res, _, _ := params.Param(0, -1); res == 4 {
			n, _, _ := params.Param(1, 0)
			e.modes.ModifyOtherKeys = uint8(min(max(n, 0), 2))
			return true
		}
		return false
	})
	go e.pump()
	return e
}

// pump drains x/vt's reply pipe. It ends when Close closes the writer.
func (e *vtEmulator) pump() {
	defer close(e.pumpDone)
	buf := make([]byte, 4096)
	for {
		n, err := e.vt.Read(buf)
		if n > 0 {
			e.reply(append([]byte(nil), buf[:n]...))
		}
		if err != nil {
			return
		}
	}
}

func (e *vtEmulator) setMode(m ansi.Mode, on bool) {
	switch m {
	case ansi.ModeCursorKeys:
		e.modes.AppCursor = on
	case ansi.ModeNumericKeypad:
		e.modes.AppKeypad = on
	case ansi.ModeBracketedPaste:
		e.modes.BracketedPaste = on
	case ansi.ModeFocusEvent:
		e.modes.FocusEvents = on
	case ansi.ModeMouseExtSgr:
		e.modes.MouseSGR = on
	case ansi.ModeLineFeedNewLine:
		e.modes.LineFeedNL = on
	case ansi.ModeMouseX10:
		e.setMouse(MouseX10, on)
	case ansi.ModeMouseNormal:
		e.setMouse(MouseNormal, on)
	case ansi.ModeMouseButtonEvent:
		e.setMouse(MouseButton, on)
	case ansi.ModeMouseAnyEvent:
		e.setMouse(MouseAny, on)
	}
}

// setMouse keeps one tracking mode at a time, as xterm and tmux do: the
// last one set wins and resetting any of them turns tracking off.
func (e *vtEmulator) setMouse(m MouseMode, on bool) {
	e.modes.Mouse = MouseOff
	if on {
		e.modes.Mouse = m
	}
}

func (e *vtEmulator) Write(p []byte) (int, error) {
	return writeChunks(e, p, e.closed, (*vtEmulator).write)
}

// writeChunks is both adapters' Write: it feeds p to write in chunks of at
// most writeChunk bytes, so that a panic recovered in write costs at most
// one chunk, or returns ErrClosed once the emulator is closed. write is a
// method expression ((*T).write) called with e: a method value (e.write)
// made every short Write about 8% slower (BenchmarkEmulatorScrolledLine).
func writeChunks[E any](e E, p []byte, closed bool, write func(E, []byte)) (int, error) {
	if closed {
		return 0, ErrClosed
	}
	n := len(p)
	for len(p) > 0 {
		c := min(len(p), writeChunk)
		write(e, p[:c])
		p = p[c:]
	}
	return n, nil
}

// keepPane handles a panic r recovered while a terminal core was writing
// program output: it is counted in *panics and logged, the pane is kept,
// and CAN (which cancels any sequence) is written to core so its parser is
// back to its ground state. A second panic there is ignored.
func keepPane(r any, panics *int, logf func(string, ...any), core io.Writer) {
	*panics++
	logf("ptyshell: terminal emulator panicked on program output (pane kept, %d so far): %v", *panics, r)
	defer func() { _ = recover() }()
	_, _ = core.Write([]byte{0x18})
}

func (e *vtEmulator) write(p []byte) {
	defer func() {
		if r := recover(); r != nil {
			e.allDirty = true
			keepPane(r, &e.panics, e.logf, e.vt)
		}
		e.collect()
	}()
	e.rememberTail(p)
	_, _ = e.vt.Write(p)
}

// rememberTail keeps the last bytes written, so Resize can tell whether the
// program's output stopped in the middle of an escape sequence.
func (e *vtEmulator) rememberTail(p []byte) {
	const keep = 64
	if len(p) >= keep {
		e.tail = append(e.tail[:0], p[len(p)-keep:]...)
		return
	}
	e.tail = append(e.tail, p...)
	if len(e.tail) > keep {
		e.tail = append(e.tail[:0], e.tail[len(e.tail)-keep:]...)
	}
}

// inSequence reports whether the output so far ends inside an escape
// sequence (a conservative guess from the last bytes).
func (e *vtEmulator) inSequence() bool {
	i := strings.LastIndexByte(string(e.tail), 0x1b)
	if i < 0 {
		return false
	}
	s := e.tail[i+1:]
	if len(s) == 0 {
		return true
	}
	switch s[0] {
	case '[':
		for _, b := range s[1:] {
			if b >= 0x40 && b <= 0x7e {
				return false
			}
		}
		return true
	case ']', 'P', '_', '^', 'X':
		return !strings.ContainsRune(string(s), 0x07)
	case '\\':
		return false
	}
	return len(s) < 1
}

// collect moves what x/vt recorded during a Write into our state: lines that
// scrolled off the main screen into our ring, touched rows into our damage.
func (e *vtEmulator) collect() {
	if sb := e.vt.Scrollback(); sb != nil && sb.Len() > 0 {
		for _, l := range sb.Lines() {
			e.sb.push(trimLine(l).Render())
		}
		sb.Clear()
	}
	rows := e.vt.Height()
	e.growRows(rows)
	touched := e.vt.Touched()
	for y, t := range touched {
		if t == nil {
			continue
		}
		touched[y] = nil
		if y < rows {
			e.cacheOK[y] = false
			e.changed[y] = true
		}
	}
	if e.allDirty {
		for y := range rows {
			e.cacheOK[y] = false
			e.changed[y] = true
		}
		e.allDirty = false
	}
}

func (e *vtEmulator) growRows(rows int) {
	if len(e.cache) == rows {
		return
	}
	e.cache = make([]string, rows)
	e.cacheOK = make([]bool, rows)
	e.changed = make([]bool, rows)
}

func (e *vtEmulator) Resize(rows, cols int) {
	rows, cols = max(rows, 1), max(cols, 1)
	if e.closed {
		return
	}
	curRows, curCols := e.vt.Height(), e.vt.Width()
	if rows == curRows && cols == curCols {
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				e.logf("ptyshell: terminal emulator panicked on resize to %dx%d: %v", cols, rows, r)
			}
		}()
		// x/vt keeps the top rows when the screen gets shorter. Like xterm
		// and tmux, keep the rows around the cursor instead (the shell
		// prompt) and push the top ones into the scrollback: scroll up
		// (SU) and move the cursor up (CUU) by as much. Only when the
		// program's output is not stopped inside a sequence, since these
		// bytes go through the same parser.
		if !e.alt && rows < curRows && !e.inSequence() {
			if y := e.vt.CursorPosition().Y; y >= rows {
				k := strconv.Itoa(y - rows + 1)
				_, _ = e.vt.Write([]byte("\x1b[" + k + "S\x1b[" + k + "A"))
			}
		}
		e.vt.Resize(cols, rows)
	}()
	e.allDirty = true
	e.collect()
}

func (e *vtEmulator) Size() (rows, cols int) { return e.vt.Height(), e.vt.Width() }

// line copies row y into the scratch line.
func (e *vtEmulator) line(y int) uv.Line {
	w := e.vt.Width()
	if cap(e.scratch) < w {
		e.scratch = make(uv.Line, w)
	}
	l := e.scratch[:w]
	for x := range w {
		if c := e.vt.CellAt(x, y); c != nil {
			l[x] = *c
		} else {
			l[x] = uv.EmptyCell
		}
	}
	return l
}

// trimLine drops trailing blank, unstyled cells.
func trimLine(l uv.Line) uv.Line {
	n := len(l)
	for n > 0 {
		c := &l[n-1]
		if !c.Equal(&uv.EmptyCell) && !c.IsZero() {
			break
		}
		n--
	}
	return l[:n]
}

func (e *vtEmulator) Rows(dst []string) []string {
	rows := e.vt.Height()
	e.growRows(rows)
	dst = dst[:0]
	for y := range rows {
		if !e.cacheOK[y] {
			e.cache[y] = trimLine(e.line(y)).Render()
			e.cacheOK[y] = true
		}
		dst = append(dst, e.cache[y])
	}
	return dst
}

func (e *vtEmulator) ChangedRows(dst []int) []int {
	e.growRows(e.vt.Height())
	for y, c := range e.changed {
		if c {
			dst = append(dst, y)
			e.changed[y] = false
		}
	}
	return dst
}

func (e *vtEmulator) Text() string {
	var b strings.Builder
	rows := e.vt.Height()
	for y := range rows {
		b.WriteString(strings.TrimRight(e.line(y).String(), " "))
		if y < rows-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (e *vtEmulator) Cell(row, col int) (Cell, bool) {
	c := e.vt.CellAt(col, row)
	if c == nil {
		return Cell{}, false
	}
	return convertCell(c), true
}

func convertCell(c *uv.Cell) Cell {
	return Cell{
		Text:      c.Content,
		Width:     c.Width,
		Fg:        convertColor(c.Style.Fg),
		Bg:        convertColor(c.Style.Bg),
		UlColor:   convertColor(c.Style.UnderlineColor),
		Attrs:     Attr(c.Style.Attrs),
		Underline: UnderlineStyle(c.Style.Underline),
		Link:      c.Link.URL,
	}
}

func convertColor(c color.Color) Color {
	switch v := c.(type) {
	case nil:
		return Color{}
	case ansi.BasicColor:
		return Color{Kind: ColorIndexed, Index: uint8(v)}
	case ansi.IndexedColor:
		return Color{Kind: ColorIndexed, Index: uint8(v)}
	}
	r, g, b, a := c.RGBA()
	if a == 0 {
		return Color{}
	}
	return Color{Kind: ColorRGB, R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8)}
}

func (e *vtEmulator) Cursor() Cursor {
	p := e.vt.CursorPosition()
	st, blink := e.vt.CursorStyle()
	return Cursor{Row: p.Y, Col: p.X, Visible: !e.vt.CursorHidden(), Shape: CursorShape(st), Blink: blink}
}

func (e *vtEmulator) AltScreen() bool { return e.alt }
func (e *vtEmulator) Title() string   { return e.title }
func (e *vtEmulator) Bells() uint64   { return e.bells }
func (e *vtEmulator) Modes() Modes    { return e.modes }

func (e *vtEmulator) EncodeKey(k Key) []byte          { return EncodeKey(k, e.modes) }
func (e *vtEmulator) EncodePaste(text string) []byte  { return EncodePaste(text, e.modes) }
func (e *vtEmulator) EncodeMouse(m Mouse) []byte      { return EncodeMouse(m, e.modes) }
func (e *vtEmulator) EncodeFocus(focused bool) []byte { return EncodeFocus(focused, e.modes) }

func (e *vtEmulator) ScrollbackLen() int { return e.sb.len() }

func (e *vtEmulator) ScrollbackLine(i int) string {
	l, _ := e.sb.at(i)
	return l
}

func (e *vtEmulator) ScrollbackText(i int) string {
	l, _ := e.sb.at(i)
	return strings.TrimRight(ansi.Strip(l), " ")
}

// Close stops the reply goroutine. It closes the pipe's writer rather than
// calling vt.Emulator.Close, whose unsynchronised flag races with the
// pump's blocked Read.
func (e *vtEmulator) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	_ = e.pw.CloseWithError(io.EOF)
	<-e.pumpDone
	return nil
}

// dropAltScrollback removes the scrollback x/vt v0.1.0 gives its alternate
// screen. No API reaches it (SetScrollbackSize only sizes the main
// screen's), and every x/vt path checks it for nil, so it is set to nil
// through reflection. It reports false when the fields are not where v0.1.0
// has them, and then changes nothing.
func dropAltScrollback(e *vt.Emulator) bool {
	scrs := reflect.ValueOf(e).Elem().FieldByName("scrs")
	if !scrs.IsValid() || scrs.Kind() != reflect.Array || scrs.Len() != 2 {
		return false
	}
	f := scrs.Index(1).FieldByName("scrollback")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*vt.Scrollback]() {
		return false
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.Zero(f.Type()))
	return true
}

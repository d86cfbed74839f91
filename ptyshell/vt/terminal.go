package vt

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Limits that keep hostile output from growing memory.
const (
	maxParams = 32
	maxCSI    = 256     // bytes of one CSI sequence
	maxString = 8 << 10 // bytes kept of one OSC/DCS string
	// maxLinkedLine is the longest rendered scrollback line that keeps
	// its OSC 8 links (a line of truecolour cells without links stays
	// well below it at common widths).
	maxLinkedLine = 16 << 10
	maxCluster    = 32        // bytes of one grapheme cluster
	maxDim        = 4096      // rows or columns
	maxParamVal   = 1<<16 - 1 // numeric parameters are clamped to this
	maxTitles     = 16        // entries of the title stack
)

// Mouse tracking modes (Modes.Mouse).
const (
	MouseOff    uint8 = iota
	MouseX10          // ?9
	MouseNormal       // ?1000
	MouseButton       // ?1002
	MouseAny          // ?1003
)

// Cursor shapes (Cursor.Shape).
const (
	CursorBlock uint8 = iota
	CursorUnderline
	CursorBar
)

// Modes are the input-related modes the program set.
type Modes struct {
	AppCursor       bool  // ?1
	AppKeypad       bool  // ?66, DECKPAM
	BracketedPaste  bool  // ?2004
	FocusEvents     bool  // ?1004
	Mouse           uint8 // MouseOff...MouseAny
	MouseSGR        bool  // ?1006
	LineFeedNL      bool  // LNM (20)
	ModifyOtherKeys uint8 // CSI > 4 ; n m
}

// Cursor is the cursor as the program left it.
type Cursor struct {
	Row, Col int
	Visible  bool
	Shape    uint8
	Blink    bool
}

type savedCursor struct {
	x, y     int
	pen      Cell
	origin   bool
	autowrap bool
	wrap     bool
	g        [2]bool
	gl       uint8
	ok       bool
}

// parser states
const (
	stGround uint8 = iota
	stEsc
	stEscInt
	stCSI
	stOSC
	stOSCEsc
	stDCS
	stDCSEsc
	stStr // SOS, PM, APC: ignored
	stStrEsc
)

// Terminal is the emulator: feed it program output with Write, read the
// screen with Rows, Cell, Text and Cursor.
type Terminal struct {
	rows, cols int
	main, alt  *screen
	scr        *screen
	altOn      bool

	x, y     int
	wrap     bool // pending wrap: the next printed character goes to the next row
	pen      Cell // R unused
	top, bot int  // scroll region, inclusive
	origin   bool
	autowrap bool
	insert   bool
	g        [2]bool // G0, G1 are DEC special graphics
	gl       uint8   // the set invoked into GL (SO/SI)
	saved    [2]savedCursor
	tabs     []bool
	last     rune // last printed character, for REP

	modes        Modes
	mouse        [4]bool
	cursorHidden bool
	cursorShape  uint8
	cursorBlink  bool
	att610       bool // ?12, reported but not applied
	sync         bool
	syncStart    time.Time
	frame        []string // the last frame Rows built, shown during a synchronized update
	title        string
	titles       []string // XTWINOPS title stack
	bells        uint64

	sb    scrollback
	reply func([]byte)

	changed    []bool
	allChanged bool

	// parser
	st     uint8
	seq    []byte
	seqBig bool // the sequence outgrew its bound: ignore it
	strBEL bool // the OSC ended with BEL (answer the same way)
	ubuf   [4]byte
	un     int
	params [maxParams]int32
	colon  uint32 // bit i: params[i] is followed by ':'
	np     int

	noCompact  bool // a resize is copying ids between lines
	clusters   []string
	clusterIdx map[string]int32
	links      []string // links[0] is "" (no link)
	linkIdx    map[string]uint16
	linkLimit  int  // table size at which links are compacted next
	noLinks    bool // render without OSC 8 (an over-long scrollback line)

	rbuf []byte // render scratch
}

// New returns a rows x cols terminal keeping scrollback lines of history.
// reply receives the answers to the program's queries (it may be nil); the
// slice is the callee's to keep.
func New(rows, cols, scrollback int, reply func([]byte)) *Terminal {
	rows, cols = clampDim(rows), clampDim(cols)
	if reply == nil {
		reply = func([]byte) {}
	}
	t := &Terminal{
		rows:       rows,
		cols:       cols,
		main:       newScreen(rows, cols),
		alt:        newScreen(rows, cols),
		sb:         newScrollback(max(scrollback, 0)),
		reply:      reply,
		changed:    make([]bool, rows),
		allChanged: true,
		links:      []string{""},
	}
	t.scr = t.main
	t.resetState()
	return t
}

func clampDim(n int) int { return min(max(n, 1), maxDim) }

// resetState puts modes, pen, margins, tabs and cursor to power-on values.
func (t *Terminal) resetState() {
	t.x, t.y, t.wrap = 0, 0, false
	t.pen = Cell{}
	t.top, t.bot = 0, t.rows-1
	t.origin, t.autowrap, t.insert = false, true, false
	t.g = [2]bool{}
	t.gl = 0
	t.saved = [2]savedCursor{}
	t.modes = Modes{}
	t.mouse = [4]bool{}
	t.cursorHidden, t.cursorShape, t.cursorBlink = false, CursorBlock, true // DECSCUSR 0: blinking block
	t.att610 = false
	t.sync = false
	t.last = 0
	t.tabs = make([]bool, t.cols)
	for i := 8; i < t.cols; i += 8 {
		t.tabs[i] = true
	}
}

// Size returns the screen size.
func (t *Terminal) Size() (rows, cols int) { return t.rows, t.cols }

// AltScreen reports whether the alternate screen is shown.
func (t *Terminal) AltScreen() bool { return t.altOn }

// Title returns the window title (OSC 0/2).
func (t *Terminal) Title() string { return t.title }

// Bells returns the number of BEL characters printed.
func (t *Terminal) Bells() uint64 { return t.bells }

// Modes returns the input-related modes.
func (t *Terminal) Modes() Modes { return t.modes }

// Cursor returns the cursor.
func (t *Terminal) Cursor() Cursor {
	return Cursor{Row: t.y, Col: t.x, Visible: !t.cursorHidden, Shape: t.cursorShape, Blink: t.cursorBlink}
}

// Synchronized reports whether the program is inside a synchronized update
// (?2026 set).
func (t *Terminal) Synchronized() bool { return t.sync }

// CellAt returns the cell at row, col; ok is false outside the screen.
func (t *Terminal) CellAt(row, col int) (c Cell, ok bool) {
	if row < 0 || row >= t.rows || col < 0 || col >= t.cols {
		return Cell{}, false
	}
	return t.scr.row(row).cells[col], true
}

// CellText returns the text a cell shows: " " for an empty cell, "" for the
// second column of a wide character.
func (t *Terminal) CellText(c Cell) string {
	switch {
	case c.A&AttrCont != 0:
		return ""
	case c.R == 0:
		return " "
	case c.R < 0:
		if i := int(-c.R - 1); i < len(t.clusters) {
			return t.clusters[i]
		}
		return " "
	}
	return string(c.R)
}

// LinkURL returns the URL of hyperlink id (0: "").
func (t *Terminal) LinkURL(id uint16) string {
	if int(id) < len(t.links) {
		return t.links[id]
	}
	return ""
}

// ---- damage ----

func (t *Terminal) touch(y int, l *line) {
	l.dirty = true
	t.changed[y] = true
}

func (t *Terminal) touchRange(a, b int) {
	for y := a; y <= b; y++ {
		t.changed[y] = true
	}
}

// ---- cursor ----

func (t *Terminal) moveTo(x, y int) {
	t.x = min(max(x, 0), t.cols-1)
	t.y = min(max(y, 0), t.rows-1)
	t.wrap = false
}

// cup moves to a 0-based position relative to the origin.
func (t *Terminal) cup(row, col int) {
	if t.origin {
		row = min(t.top+row, t.bot)
	}
	t.moveTo(col, row)
}

func (t *Terminal) home() { t.cup(0, 0) }

func (t *Terminal) save() {
	t.saved[t.screenIdx()] = savedCursor{x: t.x, y: t.y, pen: t.pen, origin: t.origin, autowrap: t.autowrap,
		wrap: t.wrap, g: t.g, gl: t.gl, ok: true}
}

func (t *Terminal) restore() {
	s := t.saved[t.screenIdx()]
	if !s.ok {
		t.pen = Cell{}
		t.origin = false
		t.g = [2]bool{}
		t.gl = 0
		t.moveTo(0, 0)
		return
	}
	t.pen, t.origin, t.autowrap, t.g, t.gl = s.pen, s.origin, s.autowrap, s.g, s.gl
	if int(t.pen.Link) >= len(t.links) {
		t.pen.Link = 0
	}
	y := s.y
	if t.origin {
		// The region may have moved since the save: in origin mode the
		// cursor stays inside it (xterm does the same).
		y = min(max(y, t.top), t.bot)
	}
	t.moveTo(s.x, y)
	t.wrap = s.wrap && t.autowrap && t.x == t.cols-1
}

func (t *Terminal) screenIdx() int {
	if t.altOn {
		return 1
	}
	return 0
}

// ---- printing ----

// printASCII prints a run of printable ASCII bytes.
func (t *Terminal) printASCII(p []byte, i int) int {
	if t.g[t.gl] || t.insert {
		j := i
		for j < len(p) && p[j] >= 0x20 && p[j] < 0x7f {
			t.printRune(rune(p[j]))
			j++
		}
		return j
	}
	pen := t.pen
	styled := pen.A|pen.Link != 0 || pen.Fg|pen.Bg|pen.Ul != 0
	for i < len(p) && p[i] >= 0x20 && p[i] < 0x7f {
		if t.wrap {
			t.doWrap()
		}
		l := t.scr.row(t.y)
		x := t.x
		cells := l.cells[x:t.cols]
		if cells[0].A&AttrCont != 0 && x > 0 {
			l.cells[x-1] = Cell{Bg: l.cells[x-1].Bg}
		}
		// Write cells while the bytes are printable, up to the edge.
		k := 0
		for k < len(cells) && i < len(p) {
			b := p[i]
			if b < 0x20 || b >= 0x7f {
				break
			}
			c := &cells[k]
			c.R = rune(b)
			c.A = pen.A
			c.Link = pen.Link
			c.Fg = pen.Fg
			c.Bg = pen.Bg
			c.Ul = pen.Ul
			k++
			i++
		}
		if k < len(cells) && cells[k].A&AttrCont != 0 {
			// The run ended on the first half of a wide character.
			cells[k] = Cell{Bg: cells[k].Bg}
		}
		if styled {
			l.styled = true
		}
		t.last = cells[k-1].R
		x += k
		if x > l.n {
			l.n = x
		}
		l.dirty = true
		t.changed[t.y] = true
		if x < t.cols {
			t.x = x
			return i
		}
		t.x = t.cols - 1
		if t.autowrap {
			t.wrap = true
			continue
		}
		// No autowrap: the rest of the run overwrites the last column.
		j := i
		for j < len(p) && p[j] >= 0x20 && p[j] < 0x7f {
			j++
		}
		if j > i {
			c := &l.cells[t.cols-1]
			*c = pen
			c.R = rune(p[j-1])
			t.last = c.R
		}
		return j
	}
	return i
}

// doWrap moves to the start of the next row for a pending wrap.
func (t *Terminal) doWrap() {
	t.wrap = false
	t.scr.row(t.y).wrapped = true
	t.x = 0
	t.index()
}

// printRune prints one character (any width, charset applied).
func (t *Terminal) printRune(r rune) {
	if r < 0x7f && r >= 0x5f && t.g[t.gl] {
		r = decSpecial(byte(r))
	}
	w := 1
	if r >= 0x300 {
		if !shown(r) {
			r = utf8.RuneError // as tmux does: a cell every terminal draws one column wide
		}
		w = runeWidth(r)
	}
	if w == 0 {
		t.combine(r)
		return
	}
	if t.wrap {
		t.doWrap()
	}
	if w == 2 && t.x == t.cols-1 {
		if t.cols < 2 || !t.autowrap {
			return
		}
		t.doWrap()
	}
	l := t.scr.row(t.y)
	if t.insert {
		t.insertCells(l, t.x, w)
	}
	x := t.x
	if l.cells[x].A&AttrCont != 0 && x > 0 {
		l.cells[x-1] = Cell{Bg: l.cells[x-1].Bg}
	}
	if e := x + w; e < t.cols && l.cells[e-1].A&AttrWide != 0 {
		l.cells[e] = Cell{Bg: l.cells[e].Bg}
	}
	c := &l.cells[x]
	*c = t.pen
	c.R = r
	if w == 2 {
		c.A |= AttrWide
		c2 := &l.cells[x+1]
		*c2 = t.pen
		c2.R = 0
		c2.A |= AttrCont
	}
	l.n = max(l.n, x+w)
	l.styled = true
	t.touch(t.y, l)
	t.last = r
	t.x += w
	if t.x >= t.cols {
		t.x = t.cols - 1
		if t.autowrap {
			t.wrap = true
		}
	}
}

// combine attaches a zero-width character to the previous cell.
func (t *Terminal) combine(r rune) {
	x, y := t.x-1, t.y
	if t.wrap {
		x = t.x
	}
	if x < 0 {
		return
	}
	l := t.scr.row(y)
	if l.cells[x].A&AttrCont != 0 && x > 0 {
		x--
	}
	c := &l.cells[x]
	if c.R == 0 {
		return
	}
	var buf [maxCluster + 4]byte
	s := append(buf[:0], t.CellText(*c)...)
	if len(s)+utf8.RuneLen(r) > maxCluster {
		return
	}
	s = utf8.AppendRune(s, r)
	c.R = -(t.cluster(s) + 1)
	l.styled = true
	t.touch(y, l)
}

// cluster returns the grapheme table index of s, adding it if needed.
func (t *Terminal) cluster(s []byte) int32 {
	if i, ok := t.clusterIdx[string(s)]; ok {
		return i
	}
	if t.clusterIdx == nil {
		t.clusterIdx = make(map[string]int32)
	}
	if len(t.clusters) >= max(1024, 2*t.rows*t.cols) && !t.noCompact {
		t.compactClusters()
	}
	i := int32(len(t.clusters))
	str := string(s)
	t.clusters = append(t.clusters, str)
	t.clusterIdx[str] = i
	return i
}

// compactClusters drops grapheme table entries no cell refers to.
func (t *Terminal) compactClusters() {
	old := t.clusters
	t.clusters = nil
	t.clusterIdx = make(map[string]int32)
	remap := make(map[int32]int32)
	for _, s := range [2]*screen{t.main, t.alt} {
		for _, l := range s.lines {
			for i := range l.cells[:l.n] {
				c := &l.cells[i]
				if c.R >= 0 {
					continue
				}
				o := -c.R - 1
				n, ok := remap[o]
				if !ok {
					n = int32(len(t.clusters))
					str := ""
					if int(o) < len(old) {
						str = old[o]
					}
					t.clusters = append(t.clusters, str)
					t.clusterIdx[str] = n
					remap[o] = n
				}
				c.R = -(n + 1)
			}
		}
	}
}

// linkID returns the hyperlink table id of url.
func (t *Terminal) linkID(url string) uint16 {
	if url == "" {
		return 0
	}
	if i, ok := t.linkIdx[url]; ok {
		return i
	}
	if t.linkIdx == nil {
		t.linkIdx = make(map[string]uint16)
	}
	if len(t.links) >= max(1024, t.linkLimit) && !t.noCompact {
		t.compactLinks()
		// Compact again only once the table doubled: with many links on
		// screen, compacting at every new one would cost each link a
		// scan of the whole screen.
		t.linkLimit = 2 * len(t.links)
		if len(t.links) >= 1<<16-1 {
			return 0
		}
	}
	i := uint16(len(t.links))
	t.links = append(t.links, url)
	t.linkIdx[url] = i
	return i
}

// compactLinks drops hyperlinks no cell, pen or saved cursor refers to.
func (t *Terminal) compactLinks() {
	old := t.links
	t.links = []string{""}
	t.linkIdx = make(map[string]uint16)
	remap := make(map[uint16]uint16)
	re := func(id *uint16) {
		if *id == 0 || int(*id) >= len(old) {
			*id = 0
			return
		}
		n, ok := remap[*id]
		if !ok {
			n = uint16(len(t.links))
			t.links = append(t.links, old[*id])
			t.linkIdx[old[*id]] = n
			remap[*id] = n
		}
		*id = n
	}
	re(&t.pen.Link)
	re(&t.saved[0].pen.Link)
	re(&t.saved[1].pen.Link)
	for _, s := range [2]*screen{t.main, t.alt} {
		for _, l := range s.lines {
			for i := range l.cells[:l.n] {
				if l.cells[i].Link != 0 {
					re(&l.cells[i].Link)
				}
			}
		}
	}
}

// ---- scrolling ----

// blank is the cell erasing leaves: empty, in the pen's background.
func (t *Terminal) blank() Cell { return Cell{Bg: t.pen.Bg} }

// clearLine empties l and paints it with the erase background.
func (t *Terminal) clearLine(l *line) {
	l.reset()
	if b := t.blank(); b != (Cell{}) {
		l.fill(0, t.cols, b)
	}
}

// index moves down one row, scrolling the region at its bottom.
func (t *Terminal) index() {
	switch {
	case t.y == t.bot:
		t.scrollUp(1)
	case t.y < t.rows-1:
		t.y++
	}
}

// reverseIndex moves up one row, scrolling the region at its top.
func (t *Terminal) reverseIndex() {
	switch {
	case t.y == t.top:
		t.scrollDown(t.top, 1)
	case t.y > 0:
		t.y--
	}
}

// scrollUp scrolls the scroll region up n rows. Rows leaving the top of a
// full-screen region on the main screen go to the scrollback.
func (t *Terminal) scrollUp(n int) {
	s := t.scr
	h := t.bot - t.top + 1
	n = min(n, h)
	if t.top == 0 && t.bot == t.rows-1 {
		for range n {
			t.scrollOne()
		}
		return
	}
	if t.top == 0 && !t.altOn {
		// Like xterm (and tmux), a region at the top of the main screen
		// (a status line below it) still feeds the scrollback.
		for y := range n {
			t.pushScrollback(s.row(y))
		}
	}
	t.deleteLines(t.top, n)
}

// scrollOne scrolls the whole screen up one row: the ring rotates, the
// top row goes to the scrollback (main screen) and comes back blank at the
// bottom.
func (t *Terminal) scrollOne() {
	s := t.scr
	l := s.lines[s.top]
	if !t.altOn {
		t.pushScrollback(l)
	}
	clear(l.cells[:l.n])
	l.n, l.wrapped, l.dirty, l.styled = 0, false, true, false
	if t.pen.Bg != 0 {
		l.fill(0, t.cols, t.blank())
	}
	s.top++
	if s.top == len(s.lines) {
		s.top = 0
	}
	t.allChanged = true
}

// scrollDown scrolls rows from..bot down n rows, inserting blank rows.
func (t *Terminal) scrollDown(from, n int) {
	s := t.scr
	h := t.bot - from + 1
	n = min(n, h)
	if n <= 0 {
		return
	}
	for range n {
		l := s.row(t.bot)
		for y := t.bot; y > from; y-- {
			s.setRow(y, s.row(y-1))
		}
		t.clearLine(l)
		s.setRow(from, l)
	}
	t.touchRange(from, t.bot)
}

// deleteLines removes n rows at from (within the region), pulling the rows
// below up and inserting blank rows at the region's bottom.
func (t *Terminal) deleteLines(from, n int) {
	s := t.scr
	h := t.bot - from + 1
	n = min(n, h)
	if n <= 0 {
		return
	}
	for range n {
		l := s.row(from)
		for y := from; y < t.bot; y++ {
			s.setRow(y, s.row(y+1))
		}
		t.clearLine(l)
		s.setRow(t.bot, l)
	}
	t.touchRange(from, t.bot)
}

// pushScrollback renders l into the scrollback.
func (t *Terminal) pushScrollback(l *line) {
	if t.sb.max <= 0 {
		return
	}
	if !l.styled {
		// Plain ASCII: render straight into the scrollback's block.
		cells := l.cells[:l.n]
		end := len(cells)
		for end > 0 && !l.wrapped && (cells[end-1].R == 0 || cells[end-1].R == ' ') {
			end--
		}
		b := t.sb.reserve(end)
		for i := range cells[:end] {
			r := cells[i].R
			if r == 0 {
				r = ' '
			}
			b[i] = byte(r)
		}
		t.sb.commit(end, l.wrapped)
		return
	}
	// A wrapped line keeps its trailing blanks: a resize may join it
	// with the next one again.
	t.rbuf = t.renderCells(t.rbuf[:0], l, !l.wrapped)
	if len(t.rbuf) > maxLinkedLine {
		// Each link change along a line repeats its URL (up to maxString
		// bytes): hostile output could make one line megabytes. Such a
		// line keeps its text and colours, not its links.
		t.noLinks = true
		t.rbuf = t.renderCells(t.rbuf[:0], l, !l.wrapped)
		t.noLinks = false
	}
	copy(t.sb.reserve(len(t.rbuf)), t.rbuf)
	t.sb.commit(len(t.rbuf), l.wrapped)
}

// ---- editing ----

// insertCells shifts cells at x right by n (within the line), blanking n.
func (t *Terminal) insertCells(l *line, x, n int) {
	n = min(n, t.cols-x)
	if n <= 0 {
		return
	}
	t.splitWide(l, x)
	copy(l.cells[x+n:], l.cells[x:t.cols-n])
	if c := &l.cells[t.cols-1]; c.A&AttrWide != 0 {
		*c = Cell{Bg: c.Bg}
	}
	for i := x; i < x+n; i++ {
		l.cells[i] = t.blank()
	}
	if t.pen.Bg != 0 {
		l.styled = true
	}
	l.n = min(t.cols, max(l.n+n, x+n))
	t.touch(t.y, l)
}

// deleteCells removes n cells at x, pulling the rest left.
func (t *Terminal) deleteCells(l *line, x, n int) {
	n = min(n, t.cols-x)
	if n <= 0 {
		return
	}
	t.splitWide(l, x)
	t.splitWide(l, x+n)
	copy(l.cells[x:], l.cells[x+n:t.cols])
	b := t.blank()
	for i := t.cols - n; i < t.cols; i++ {
		l.cells[i] = b
	}
	if b != (Cell{}) {
		l.n = t.cols
		l.styled = true
	}
	t.touch(t.y, l)
}

// splitWide blanks a wide character that straddles column x (x is its
// second column), so an edit at x never leaves half of one.
func (t *Terminal) splitWide(l *line, x int) {
	if x <= 0 || x >= t.cols || l.cells[x].A&AttrCont == 0 {
		return
	}
	l.cells[x-1] = Cell{Bg: l.cells[x-1].Bg}
	l.cells[x] = Cell{Bg: l.cells[x].Bg}
	l.styled = true
}

// erase blanks cells [a, b) of row y.
func (t *Terminal) erase(y, a, b int) {
	a, b = max(a, 0), min(b, t.cols)
	if a >= b {
		return
	}
	l := t.scr.row(y)
	t.splitWide(l, a)
	t.splitWide(l, b)
	l.fill(a, b, t.blank())
	t.touch(y, l)
}

func (t *Terminal) eraseRows(a, b int) {
	for y := a; y <= b; y++ {
		t.clearLine(t.scr.row(y))
		t.changed[y] = true
	}
}

// ---- control characters ----

func (t *Terminal) control(b byte) {
	switch b {
	case 0x07:
		t.bells++
	case 0x08:
		if t.wrap {
			t.wrap = false
		}
		if t.x > 0 {
			t.x--
		}
	case 0x09:
		t.tab(1)
	case 0x0a, 0x0b, 0x0c:
		t.wrap = false
		t.index()
		if t.modes.LineFeedNL {
			t.x = 0
		}
	case 0x0d:
		t.x = 0
		t.wrap = false
	case 0x0e:
		t.gl = 1
	case 0x0f:
		t.gl = 0
	}
}

func (t *Terminal) tab(n int) {
	t.wrap = false
	for ; n > 0 && t.x < t.cols-1; n-- {
		t.x++
		for t.x < t.cols-1 && !t.tabs[t.x] {
			t.x++
		}
	}
}

func (t *Terminal) backTab(n int) {
	t.wrap = false
	for ; n > 0 && t.x > 0; n-- {
		t.x--
		for t.x > 0 && !t.tabs[t.x] {
			t.x--
		}
	}
}

// ---- modes ----

func (t *Terminal) setAlt(on, clearIt, saveCursor bool) {
	if on == t.altOn {
		switch {
		case on && clearIt:
			t.eraseRows(0, t.rows-1)
		case !on && saveCursor:
			// ?1049l on the main screen still restores the cursor
			// ?1049h saved (xterm: FromAlternate, then CursorRestore).
			t.restore()
		}
		return
	}
	if on {
		if saveCursor {
			t.save()
		}
		t.altOn = true
		t.scr = t.alt
		if clearIt {
			t.alt.clearAll()
		}
	} else {
		if clearIt {
			t.alt.clearAll()
		}
		t.altOn = false
		t.scr = t.main
		if saveCursor {
			t.restore()
		}
	}
	t.allChanged = true
}

func (t *Terminal) setPrivateMode(n int32, on bool) {
	switch n {
	case 1:
		t.modes.AppCursor = on
	case 6:
		t.origin = on
		t.home()
	case 7:
		t.autowrap = on
		if !on {
			t.wrap = false
		}
	case 9, 1000, 1002, 1003:
		i := 0
		switch n {
		case 1000:
			i = 1
		case 1002:
			i = 2
		case 1003:
			i = 3
		}
		// One tracking mode at a time, as tmux and xterm keep it: the last
		// one set wins, and resetting any of them turns tracking off (a
		// program that set ?1002 and leaves with ?1000l must not leave the
		// shell receiving mouse reports).
		t.mouse = [4]bool{}
		t.mouse[i] = on
		t.modes.Mouse = MouseOff
		if on {
			t.modes.Mouse = MouseX10 + uint8(i)
		}
	case 12:
		// Kept for DECRQM only: terminfo's cnorm sends ?12l with every
		// "show the cursor", which would stop the blink DECSCUSR chose
		// (x/vt and most terminals leave the cursor style alone too).
		t.att610 = on
	case 25:
		t.cursorHidden = !on
	case 47:
		t.setAlt(on, false, false)
	case 1047:
		t.setAlt(on, !on, false)
	case 1048:
		if on {
			t.save()
		} else {
			t.restore()
		}
	case 1049:
		t.setAlt(on, true, true)
	case 66:
		t.modes.AppKeypad = on
	case 1004:
		t.modes.FocusEvents = on
	case 1006:
		t.modes.MouseSGR = on
	case 2004:
		t.modes.BracketedPaste = on
	case 2026:
		if on && !t.sync {
			t.syncStart = time.Now()
		}
		t.sync = on
	}
}

// privateModeState answers DECRQM for a DEC mode: 1 set, 2 reset, 0 unknown.
func (t *Terminal) privateModeState(n int32) int {
	b := func(v bool) int {
		if v {
			return 1
		}
		return 2
	}
	switch n {
	case 1:
		return b(t.modes.AppCursor)
	case 6:
		return b(t.origin)
	case 7:
		return b(t.autowrap)
	case 9:
		return b(t.mouse[0])
	case 1000:
		return b(t.mouse[1])
	case 1002:
		return b(t.mouse[2])
	case 1003:
		return b(t.mouse[3])
	case 12:
		return b(t.att610)
	case 25:
		return b(!t.cursorHidden)
	case 47, 1047, 1049:
		return b(t.altOn)
	case 66:
		return b(t.modes.AppKeypad)
	case 1004:
		return b(t.modes.FocusEvents)
	case 1006:
		return b(t.modes.MouseSGR)
	case 2004:
		return b(t.modes.BracketedPaste)
	case 2026:
		return b(t.sync)
	}
	return 0
}

func (t *Terminal) setANSIMode(n int32, on bool) {
	switch n {
	case 4:
		t.insert = on
	case 20:
		t.modes.LineFeedNL = on
	}
}

func (t *Terminal) ansiModeState(n int32) int {
	switch n {
	case 4:
		if t.insert {
			return 1
		}
		return 2
	case 20:
		if t.modes.LineFeedNL {
			return 1
		}
		return 2
	}
	return 0
}

// ---- resets ----

// softReset is DECSTR.
func (t *Terminal) softReset() {
	t.cursorHidden = false
	t.origin, t.autowrap, t.insert = false, true, false
	t.top, t.bot = 0, t.rows-1
	t.pen = Cell{}
	t.g = [2]bool{}
	t.gl = 0
	t.saved[t.screenIdx()] = savedCursor{}
	t.modes.AppCursor, t.modes.AppKeypad = false, false
	t.wrap = false
}

// fullReset is RIS: both screens cleared, every mode reset. The
// scrollback and title are kept.
func (t *Terminal) fullReset() {
	t.altOn = false
	t.scr = t.main
	t.main.clearAll()
	t.alt.clearAll()
	t.resetState()
	t.allChanged = true
}

// ---- replies ----

func (t *Terminal) send(parts ...string) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	t.reply(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

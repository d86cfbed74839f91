package vt

// maxPullChain bounds how many scrollback lines a resize pulls back to
// rejoin one soft-wrapped line.
const maxPullChain = 1000

// Resize changes the screen size. The main screen behaves like tmux's:
//   - soft-wrapped lines (autowrap, not CR LF) are joined and wrapped again
//     at a new width, the cursor staying on its character, wide characters
//     kept whole; the scrollback's lines too;
//   - the screen shows the bottom of its content: rows that no longer fit
//     above the cursor go to the scrollback (rows below the cursor are
//     dropped first when the screen gets shorter), and when the screen
//     gets taller or its lines shorter, lines come back from the scrollback
//     (the newest ones, rewrapped at the new width);
//
// the alternate screen is truncated or extended (its program redraws). The
// scroll region is reset to the whole screen.
func (t *Terminal) Resize(rows, cols int) {
	rows, cols = clampDim(rows), clampDim(cols)
	if rows == t.rows && cols == t.cols {
		return
	}
	// Grapheme and link ids are copied between lines below: no compaction
	// may renumber them meanwhile.
	t.noCompact = true
	defer func() { t.noCompact = false }()
	t.resizeMain(rows, cols)
	t.alt.resize(rows, cols)
	tabs := make([]bool, cols)
	copy(tabs, t.tabs)
	// Default stops every 8 columns on the new columns, including one at
	// the old width when it is a multiple of 8.
	for i := max(8, (len(t.tabs)+7)/8*8); i < cols; i += 8 {
		tabs[i] = true
	}
	t.tabs = tabs
	t.rows, t.cols = rows, cols
	t.top, t.bot = 0, rows-1
	t.changed = make([]bool, rows)
	t.allChanged = true
	if t.altOn {
		t.moveTo(t.x, t.y)
	}
	for i := range t.saved {
		s := &t.saved[i]
		s.x, s.y = min(s.x, cols-1), min(s.y, rows-1)
	}
}

// resize truncates or extends the screen's rows and columns, keeping the
// top rows (the alternate screen).
func (s *screen) resize(rows, cols int) {
	lines := s.linear()
	if rows < len(lines) {
		lines = lines[:rows]
	}
	for len(lines) < rows {
		lines = append(lines, &line{cells: make([]Cell, cols)})
	}
	for _, l := range lines {
		old := len(l.cells)
		switch {
		case cols < old:
			clear(l.cells[cols:])
			l.cells = l.cells[:cols]
			l.n = min(l.n, cols)
			if c := &l.cells[cols-1]; c.A&AttrWide != 0 {
				*c = Cell{Bg: c.Bg}
			}
			l.wrapped = false
		case cols > old && cols <= cap(l.cells):
			l.cells = l.cells[:cols]
		case cols > old:
			c := make([]Cell, cols)
			copy(c, l.cells)
			l.cells = c
		}
		l.dirty = true
	}
	s.lines = lines
	s.top = 0
}

// resizeMain gives the main screen its new size (see Resize) and moves its
// cursor (the saved one while the alternate screen is shown).
func (t *Terminal) resizeMain(rows, cols int) {
	if cols != t.cols {
		t.rewrapScrollback(cols)
	}
	in := t.main.linear()
	cy, cx, cwrap := t.y, t.x, t.wrap
	if t.altOn {
		cy, cx, cwrap = t.saved[0].y, t.saved[0].x, false
	}
	if cwrap {
		cx++ // the cursor sits after the last column
	}
	// A shorter screen first loses the rows below the cursor (as in tmux:
	// a shell has nothing there, a full-screen program redraws).
	if len(in) > rows {
		in = in[:max(rows, cy+1)]
	}
	var sc *Terminal // parses lines pulled back from the scrollback
	var pulled []*line
	pull := func() bool {
		b, wrapped, ok := t.sb.pop()
		if !ok {
			return false
		}
		pulled = append([]*line{t.parseLine(&sc, b, wrapped)}, pulled...)
		return true
	}
	// A taller screen takes lines back from the scrollback; a new width
	// also takes back the line the top row continues, to rewrap it whole.
	for need := rows - len(in); need > 0 && pull(); need-- {
	}
	widthChanged := cols != t.cols
	chain := func() {
		for n := 0; widthChanged && n < maxPullChain && t.sb.newestWrapped() && pull(); n++ {
		}
	}
	chain()
	var out []*line
	var newY, newX int
	var pending bool
	for round := 0; ; round++ {
		all := append(append([]*line(nil), pulled...), in...)
		out, newY, newX, pending = t.reflow(all, cols, cy+len(pulled), cx)
		// Lines that merged at a greater width leave room: fill it
		// from the scrollback, as a taller screen does.
		if len(out) >= rows || round >= 3 || t.sb.len() == 0 {
			break
		}
		for need := rows - len(out); need > 0 && pull(); need-- {
		}
		chain()
	}
	// Bottom anchored: rows above the cursor that do not fit go to the
	// scrollback; what is still too much is cut at the bottom.
	if k := min(len(out)-rows, newY); k > 0 {
		for _, l := range out[:k] {
			t.pushScrollback(l)
		}
		out = out[k:]
		newY -= k
	}
	if len(out) > rows {
		out = out[:rows]
	}
	for len(out) < rows {
		out = append(out, &line{cells: make([]Cell, cols), dirty: true})
	}
	t.main.lines = out
	t.main.top = 0
	if t.altOn {
		t.saved[0].x, t.saved[0].y = newX, newY
		return
	}
	t.x, t.y, t.wrap = newX, newY, pending && t.autowrap
}

// rowEmpty reports whether nothing was printed on a row, as tmux counts
// it: a printed space counts, cells only erased (even in a colour) do not.
func (t *Terminal) rowEmpty(l *line) bool {
	for i := range l.cells[:l.n] {
		if l.cells[i].R != 0 {
			return false
		}
	}
	return true
}

// reflow wraps rows at width cols: rows marked wrapped are joined with the
// next one into a logical line first (each row's cells up to its last
// written one, so the column a wide character skipped at the edge is not
// kept; trailing empty cells of the line dropped). cy, cx is the cursor in
// rows; it returns the new rows and where the cursor's character went (and
// whether it sits after the last column, a pending wrap).
func (t *Terminal) reflow(rows []*line, cols, cy, cx int) (out []*line, newY, newX int, pending bool) {
	newY = -1
	var buf []Cell
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows)-1 && rows[j].wrapped {
			j++
		}
		buf = buf[:0]
		cur := -1
		for k := i; k <= j; k++ {
			if k == cy {
				cur = len(buf) + cx
			}
			buf = append(buf, rows[k].cells[:rows[k].n]...)
		}
		end := len(buf)
		for end > 0 && buf[end-1] == (Cell{}) {
			end--
		}
		for end < cur {
			buf = append(buf[:end], Cell{})
			end++
		}
		buf = buf[:end]
		start := 0
		for {
			l := &line{cells: make([]Cell, cols), dirty: true, styled: true}
			take := min(cols, len(buf)-start)
			if take == cols && buf[start+take-1].A&AttrWide != 0 {
				take-- // a wide character never straddles the edge
			}
			if take == 0 && len(buf)-start > 0 {
				take = 1 // a wide character on a 1-column screen: dropped
			}
			copy(l.cells, buf[start:start+take])
			// Never keep half of a wide character.
			if c := &l.cells[0]; c.A&AttrCont != 0 {
				*c = Cell{Bg: c.Bg}
			}
			if take > 0 {
				if c := &l.cells[take-1]; c.A&AttrWide != 0 && (take == cols || l.cells[take].A&AttrCont == 0) {
					*c = Cell{Bg: c.Bg}
				}
			}
			l.n = take
			if newY < 0 && cur >= start && (cur < start+take || start+take >= len(buf)) {
				newY, newX = len(out), cur-start
			}
			start += take
			out = append(out, l)
			if start >= len(buf) {
				break
			}
			l.wrapped = true
		}
		i = j + 1
	}
	if newY < 0 {
		newY, newX = max(min(cy, len(out)-1), 0), cx
	}
	// A cursor past the last column goes to the start of the next row if
	// its line continues there, else it waits there with a pending wrap.
	if newX >= cols {
		if newX == cols && newY+1 < len(out) && out[newY].wrapped {
			newY, newX = newY+1, 0
		} else {
			newX, pending = cols-1, true
		}
	}
	return out, newY, newX, pending
}

// parseLine turns a rendered scrollback line back into cells, through a
// scratch terminal (*sc, made on first use) whose grapheme and link ids are
// mapped to t's.
func (t *Terminal) parseLine(sc **Terminal, b []byte, wrapped bool) *line {
	if *sc == nil {
		*sc = New(1, maxDim, 0, nil)
		_, _ = (*sc).Write([]byte("\x1b[?7l"))
	}
	s := *sc
	_, _ = s.Write([]byte("\x1b[m\x1b]8;;\x1b\\\r\x1b[2K"))
	_, _ = s.Write(b)
	src := s.main.row(0)
	l := &line{cells: make([]Cell, src.n), n: src.n, wrapped: wrapped, dirty: true, styled: true}
	copy(l.cells, src.cells[:src.n])
	for i := range l.cells {
		c := &l.cells[i]
		if c.R < 0 {
			c.R = -(t.cluster([]byte(s.CellText(*c))) + 1)
		}
		if c.Link != 0 {
			c.Link = t.linkID(s.LinkURL(c.Link))
		}
	}
	return l
}

// rewrapScrollback wraps the scrollback's lines again at width cols:
// soft-wrapped lines are joined, every line is split at the new width.
// The lines are parsed back into cells and rendered again through a
// scratch terminal (its own grapheme and link tables, dropped afterwards).
func (t *Terminal) rewrapScrollback(cols int) {
	old := t.sb
	if old.len() == 0 {
		return
	}
	t.sb = newScrollback(old.max)
	sc := New(1, maxDim, 0, nil)
	sc.noCompact = true
	_, _ = sc.Write([]byte("\x1b[?7l"))
	row := &line{cells: make([]Cell, cols), styled: true}
	var buf []Cell
	for i := range old.len() {
		b, _ := old.line(i)
		_, _ = sc.Write([]byte("\x1b[m\x1b]8;;\x1b\\\r\x1b[2K"))
		_, _ = sc.Write(b)
		src := sc.main.row(0)
		buf = append(buf, src.cells[:src.n]...)
		// The newest line may continue on the screen: it stays wrapped.
		cont := old.rec(i).wrapped
		if cont && i < old.len()-1 {
			continue
		}
		end := len(buf)
		for !cont && end > 0 && buf[end-1] == (Cell{}) {
			end--
		}
		buf = buf[:end]
		start := 0
		for {
			take := min(cols, len(buf)-start)
			if take == cols && buf[start+take-1].A&AttrWide != 0 {
				take--
			}
			if take == 0 && len(buf)-start > 0 {
				take = 1
			}
			clear(row.cells)
			copy(row.cells, buf[start:start+take])
			if c := &row.cells[0]; c.A&AttrCont != 0 {
				*c = Cell{Bg: c.Bg}
			}
			if take > 0 {
				if c := &row.cells[take-1]; c.A&AttrWide != 0 && (take == cols || row.cells[take].A&AttrCont == 0) {
					*c = Cell{Bg: c.Bg}
				}
			}
			row.n = take
			start += take
			row.wrapped = start < len(buf) || cont
			sc.rbuf = sc.renderCells(sc.rbuf[:0], row, !row.wrapped)
			t.sb.push(sc.rbuf, row.wrapped)
			if start >= len(buf) {
				break
			}
		}
		buf = buf[:0]
	}
}

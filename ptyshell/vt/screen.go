package vt

// line is one screen row.
type line struct {
	cells []Cell
	// n bounds the cells that may be non-empty: cells[n:] are all zero.
	n int
	// wrapped: the text continues on the next row (autowrap, not a
	// newline). Used by reflow and by the scrollback's plain text.
	wrapped bool
	// dirty: the content changed since cache was rendered.
	dirty bool
	// styled: some cell may have a style, a link or a non-ASCII
	// character; when false the row renders as its bytes.
	styled bool
	cache  string
}

// reset empties the line, keeping its cells' storage.
func (l *line) reset() {
	clear(l.cells[:l.n])
	l.n = 0
	l.wrapped = false
	l.dirty = true
	l.styled = false
}

// fill sets cells [a, b) to c and keeps n in bounds.
func (l *line) fill(a, b int, c Cell) {
	if a >= b {
		return
	}
	if c == (Cell{}) {
		if a >= l.n {
			return
		}
		b = min(b, l.n)
		clear(l.cells[a:b])
		if b == l.n {
			l.n = a
		}
	} else {
		cs := l.cells[a:b]
		for i := range cs {
			cs[i] = c
		}
		l.n = max(l.n, b)
		l.styled = true
	}
	l.dirty = true
}

// screen is a ring of rows: row y is lines[(top+y) % len(lines)], so
// scrolling the whole screen rotates top instead of moving cells.
type screen struct {
	lines []*line
	top   int
}

func newScreen(rows, cols int) *screen {
	s := &screen{lines: make([]*line, rows)}
	for i := range s.lines {
		s.lines[i] = &line{cells: make([]Cell, cols), dirty: true}
	}
	return s
}

func (s *screen) row(y int) *line {
	i := s.top + y
	if i >= len(s.lines) {
		i -= len(s.lines)
	}
	return s.lines[i]
}

func (s *screen) setRow(y int, l *line) {
	i := s.top + y
	if i >= len(s.lines) {
		i -= len(s.lines)
	}
	s.lines[i] = l
}

// linear returns the rows in order, top first, with top reset to 0.
func (s *screen) linear() []*line {
	if s.top != 0 {
		out := make([]*line, 0, len(s.lines))
		out = append(out, s.lines[s.top:]...)
		out = append(out, s.lines[:s.top]...)
		s.lines = out
		s.top = 0
	}
	return s.lines
}

// clearAll empties every row.
func (s *screen) clearAll() {
	for _, l := range s.lines {
		l.reset()
	}
}

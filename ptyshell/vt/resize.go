package vt

// Resize changes the screen size. On the main screen, when it gets shorter,
// the rows around the cursor are kept and the top rows go to the
// scrollback (like xterm and tmux); columns are truncated or extended, and
// a wide character cut by the new right edge is blanked. The scroll region
// is reset to the whole screen.
func (t *Terminal) Resize(rows, cols int) {
	rows, cols = clampDim(rows), clampDim(cols)
	if rows == t.rows && cols == t.cols {
		return
	}
	t.wrap = false
	// Keep the main screen's cursor row visible.
	mainY := t.y
	if t.altOn {
		mainY = t.saved[0].y
	}
	if k := mainY - rows + 1; k > 0 {
		for range k {
			l := t.main.row(0)
			t.pushScrollback(l)
			l.reset()
			t.main.top++
			if t.main.top == len(t.main.lines) {
				t.main.top = 0
			}
		}
		if t.altOn {
			t.saved[0].y -= k
		} else {
			t.y -= k
			if t.saved[0].ok {
				t.saved[0].y = max(t.saved[0].y-k, 0)
			}
		}
	}
	t.main.resize(rows, cols)
	t.alt.resize(rows, cols)
	tabs := make([]bool, cols)
	copy(tabs, t.tabs)
	for i := (len(t.tabs)/8 + 1) * 8; i < cols; i += 8 {
		tabs[i] = true
	}
	t.tabs = tabs
	t.rows, t.cols = rows, cols
	t.top, t.bot = 0, rows-1
	t.changed = make([]bool, rows)
	t.allChanged = true
	t.moveTo(t.x, t.y)
	for i := range t.saved {
		s := &t.saved[i]
		s.x, s.y = min(s.x, cols-1), min(s.y, rows-1)
	}
}

// resize truncates or extends the screen's rows and columns, keeping the
// top rows.
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

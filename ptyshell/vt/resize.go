package vt

// Resize changes the screen size. When the width changes, the main screen
// is reflowed: rows the program's output soft-wrapped are joined and wrapped
// again at the new width (the scrollback keeps its rendered lines as they
// are). On the main screen, when it gets shorter,
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
	if cols != t.cols {
		t.reflowMain(rows, cols)
	}
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

// reflowMain rewraps the main screen's soft-wrapped lines at a new width
// and moves its cursor (the saved one when the alternate screen is shown)
// with the text it was on. Rows beyond the new height that are above the
// cursor go to the scrollback; empty rows below the cursor are dropped.
func (t *Terminal) reflowMain(rows, cols int) {
	old := t.main.linear()
	oldCols := t.cols
	cy, cx, cwrap := t.y, t.x, t.wrap
	if t.altOn {
		cy, cx, cwrap = t.saved[0].y, t.saved[0].x, false
	}
	if cwrap {
		cx++ // the cursor sits after the last column
	}
	var out []*line
	newY, newX := -1, 0
	var buf []Cell
	for i := 0; i < len(old); {
		j := i
		for j < len(old)-1 && old[j].wrapped {
			j++
		}
		buf = buf[:0]
		for k := i; k <= j; k++ {
			if k < j {
				buf = append(buf, old[k].cells[:oldCols]...)
			} else {
				buf = append(buf, old[k].cells[:old[k].n]...)
			}
		}
		end := len(buf)
		for end > 0 && buf[end-1] == (Cell{}) {
			end--
		}
		cur := -1
		if cy >= i && cy <= j {
			cur = (cy-i)*oldCols + cx
			for end < cur {
				buf = append(buf[:end], Cell{})
				end++
			}
		}
		buf = buf[:end]
		start := 0
		for {
			l := &line{cells: make([]Cell, cols), dirty: true, styled: true}
			take := min(cols, len(buf)-start)
			if take == cols && take > 0 && buf[start+take-1].A&AttrWide != 0 {
				take-- // a wide character never straddles the edge
			}
			if take == 0 && len(buf)-start > 0 {
				take = 1 // a wide character on a 1-column screen: drop it
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
			if cur >= start && (cur < start+take || start+take >= len(buf)) && newY < 0 {
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
		newY, newX = min(cy, len(out)-1), cx
	}
	// A cursor just past the last column goes to the start of the next
	// row, or stays after the last column with a pending wrap.
	wrapPending := false
	if newX >= cols {
		if newY+1 < len(out) && newX == cols {
			newY, newX = newY+1, 0
		} else {
			newX, wrapPending = cols-1, true
		}
	}
	// Drop empty rows below the cursor, push rows above it that do not fit.
	for len(out) > rows && len(out)-1 > newY && out[len(out)-1].n == 0 {
		out = out[:len(out)-1]
	}
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
	for len(out) < t.rows {
		out = append(out, &line{cells: make([]Cell, cols), dirty: true})
	}
	t.main.lines = out
	t.main.top = 0
	if t.altOn {
		t.saved[0].x, t.saved[0].y = min(newX, cols-1), newY
	} else {
		t.x, t.y, t.wrap = newX, newY, wrapPending && t.autowrap
		t.saved[0].x = min(t.saved[0].x, cols-1)
	}
	// Rows now have the new width; screen.resize only adjusts the height.
	for _, l := range t.main.lines {
		if len(l.cells) != cols {
			c := make([]Cell, cols)
			copy(c, l.cells)
			l.cells = c
			l.n = min(l.n, cols)
		}
	}
}

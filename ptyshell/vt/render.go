package vt

import (
	"strings"
	"time"
	"unicode/utf8"
)

// syncTimeout bounds how long a synchronized update (?2026) can hold the
// screen back.
const syncTimeout = time.Second

// Rows returns the visible rows as styled strings (SGR and OSC 8, trailing
// blanks trimmed, styles reset at the end of each row), reusing dst. Only
// rows whose content changed since they were last rendered are rendered
// again; a scrolled row keeps its rendering.
//
// While the program holds a synchronized update (?2026, at most
// syncTimeout), Rows returns the last frame built before it began, so a
// half-drawn frame is never shown.
func (t *Terminal) Rows(dst []string) []string {
	dst = dst[:0]
	if t.sync && len(t.frame) == t.rows {
		if time.Since(t.syncStart) < syncTimeout {
			return append(dst, t.frame...)
		}
		t.sync = false // the program forgot to end it
	}
	defer func() { t.frame = append(t.frame[:0], dst...) }()
	for y := range t.rows {
		l := t.scr.row(y)
		if l.dirty {
			t.rbuf = t.renderLine(t.rbuf[:0], l)
			if string(t.rbuf) != l.cache {
				l.cache = string(t.rbuf)
			}
			l.dirty = false
		}
		dst = append(dst, l.cache)
	}
	return dst
}

// Invalidate marks every row changed and to be rendered again (a UI that
// lost its copy of the screen calls it).
func (t *Terminal) Invalidate() {
	for _, l := range t.scr.lines {
		l.dirty = true
	}
	t.allChanged = true
}

// ChangedRows appends the rows that changed since the previous call and
// forgets them. While the program holds a synchronized update (?2026) it
// reports nothing, so a half-drawn frame is not announced.
func (t *Terminal) ChangedRows(dst []int) []int {
	if t.sync && time.Since(t.syncStart) < syncTimeout {
		return dst
	}
	for y := range t.rows {
		if t.allChanged || t.changed[y] {
			dst = append(dst, y)
		}
		t.changed[y] = false
	}
	t.allChanged = false
	return dst
}

// Text returns the screen as plain text, one line per row, trailing blanks
// trimmed.
func (t *Terminal) Text() string {
	var b []byte
	for y := range t.rows {
		if y > 0 {
			b = append(b, '\n')
		}
		b = t.appendText(b, t.scr.row(y))
	}
	return string(b)
}

func (t *Terminal) appendText(b []byte, l *line) []byte {
	start := len(b)
	for i := range l.cells[:l.n] {
		c := &l.cells[i]
		if c.A&AttrCont != 0 {
			continue
		}
		b = t.appendRune(b, c.R)
	}
	return append(b[:start], strings.TrimRight(string(b[start:]), " ")...)
}

// ScrollbackLen returns the number of scrollback lines.
func (t *Terminal) ScrollbackLen() int { return t.sb.len() }

// ScrollbackLine returns scrollback line i (0 = oldest) with its styles.
func (t *Terminal) ScrollbackLine(i int) string {
	b, _ := t.sb.line(i)
	return string(b)
}

// ScrollbackText returns scrollback line i (0 = oldest) as plain text.
func (t *Terminal) ScrollbackText(i int) string {
	b, _ := t.sb.line(i)
	var buf [256]byte
	return strings.TrimRight(string(stripEscapes(buf[:0], b)), " ")
}

// ScrollbackBytes returns the memory the scrollback holds.
func (t *Terminal) ScrollbackBytes() int { return t.sb.bytes() }

func (t *Terminal) appendRune(b []byte, r rune) []byte {
	switch {
	case r == 0:
		return append(b, ' ')
	case r < utf8.RuneSelf && r > 0:
		return append(b, byte(r))
	case r < 0:
		if i := int(-r - 1); i < len(t.clusters) {
			return append(b, t.clusters[i]...)
		}
		return append(b, ' ')
	}
	return utf8.AppendRune(b, r)
}

// renderLine appends line l as a styled string: minimal SGR changes between
// cells, OSC 8 around links, trailing blanks trimmed, reset at the end.
func (t *Terminal) renderLine(b []byte, l *line) []byte { return t.renderCells(b, l, true) }

// renderCells is renderLine, trimming trailing blanks only when trim is set.
func (t *Terminal) renderCells(b []byte, l *line, trim bool) []byte {
	cells := l.cells[:l.n]
	if !l.styled {
		end := len(cells)
		for trim && end > 0 && (cells[end-1].R == 0 || cells[end-1].R == ' ') {
			end--
		}
		for i := range cells[:end] {
			r := cells[i].R
			if r == 0 {
				r = ' '
			}
			b = append(b, byte(r))
		}
		return b
	}
	end := len(cells)
	for trim && end > 0 && cells[end-1].blank() {
		end--
	}
	var cur Cell
	for i := 0; i < end; i++ {
		c := &cells[i]
		if c.A&AttrCont != 0 {
			continue
		}
		if t.noLinks && c.Link != 0 {
			nc := *c
			nc.Link = 0
			c = &nc
		}
		if !sameStyle(c, &cur) {
			b = t.appendStyle(b, &cur, c)
			cur.A, cur.Fg, cur.Bg, cur.Ul, cur.Link = c.A&attrStyleMask, c.Fg, c.Bg, c.Ul, c.Link
		}
		r := c.R
		if r > 0 && r < utf8.RuneSelf {
			b = append(b, byte(r))
		} else {
			b = t.appendRune(b, r)
		}
	}
	if cur.Link != 0 {
		b = append(b, "\x1b]8;;\x1b\\"...)
	}
	if cur.A != 0 || cur.Fg != 0 || cur.Bg != 0 || cur.Ul != 0 {
		b = append(b, "\x1b[m"...)
	}
	return b
}

// appendStyle appends the sequences that change the style of from to to's.
func (t *Terminal) appendStyle(b []byte, from, to *Cell) []byte {
	if from.Link != to.Link {
		b = append(b, "\x1b]8;;"...)
		b = append(b, t.LinkURL(to.Link)...)
		b = append(b, "\x1b\\"...)
	}
	fa, ta := from.A&attrStyleMask, to.A&attrStyleMask
	if fa == ta && from.Fg == to.Fg && from.Bg == to.Bg && from.Ul == to.Ul {
		return b
	}
	if ta == 0 && to.Fg == 0 && to.Bg == 0 && to.Ul == 0 {
		return append(b, "\x1b[m"...)
	}
	b = append(b, "\x1b["...)
	start := len(b)
	if fa != ta {
		b = appendAttrs(b, fa, ta)
	}
	if from.Fg != to.Fg {
		if len(b) > start {
			b = append(b, ';')
		}
		b = appendColor(b, to.Fg, '3')
	}
	if from.Bg != to.Bg {
		if len(b) > start {
			b = append(b, ';')
		}
		b = appendColor(b, to.Bg, '4')
	}
	if from.Ul != to.Ul {
		if len(b) > start {
			b = append(b, ';')
		}
		b = appendColor(b, to.Ul, '5')
	}
	return append(b, 'm')
}

// appendAttrs appends the SGR parameters that turn attributes fa into ta
// (b ends with "ESC [" or a parameter).
func appendAttrs(b []byte, fa, ta uint16) []byte {
	start := len(b)
	add1 := func(b []byte, s ...byte) []byte {
		if len(b) > start {
			b = append(b, ';')
		}
		return append(b, s...)
	}
	rem := fa & 0xff &^ ta
	add := ta & 0xff &^ fa
	if rem&(AttrBold|AttrFaint) != 0 {
		b = add1(b, '2', '2')
		add |= ta & (AttrBold | AttrFaint)
	}
	if rem&AttrItalic != 0 {
		b = add1(b, '2', '3')
	}
	if rem&(AttrBlink|AttrRapidBlink) != 0 {
		b = add1(b, '2', '5')
		add |= ta & (AttrBlink | AttrRapidBlink)
	}
	if rem&AttrReverse != 0 {
		b = add1(b, '2', '7')
	}
	if rem&AttrConceal != 0 {
		b = add1(b, '2', '8')
	}
	if rem&AttrStrikethrough != 0 {
		b = add1(b, '2', '9')
	}
	const codes = "12356789"
	for k := range 8 {
		if add&(1<<k) != 0 {
			b = add1(b, codes[k])
		}
	}
	if fu, tu := fa&attrUlMask, ta&attrUlMask; fu != tu {
		switch u := uint8(tu >> attrUlShift); u {
		case UnderlineNone:
			b = add1(b, '2', '4')
		case UnderlineSingle:
			b = add1(b, '4')
		default:
			b = add1(b, '4', ':', '0'+u)
		}
	}
	return b
}

// appendColor appends the SGR parameters of colour c as a foreground
// (kind '3'), background ('4') or underline ('5') colour.
func appendColor(b []byte, c Color, kind byte) []byte {
	switch c >> 24 {
	case Color(ColorIndexed):
		i := uint8(c)
		if kind != '5' && i < 16 {
			switch {
			case i < 8:
				return append(b, kind, '0'+i)
			case kind == '3':
				return append(b, '9', '0'+i-8)
			}
			return append(b, '1', '0', '0'+i-8)
		}
		b = append(b, kind, '8', ';', '5', ';')
		return appendU8(b, i)
	case Color(ColorRGB):
		b = append(b, kind, '8', ';', '2', ';')
		b = appendU8(b, uint8(c>>16))
		b = append(b, ';')
		b = appendU8(b, uint8(c>>8))
		b = append(b, ';')
		return appendU8(b, uint8(c))
	}
	return append(b, kind, '9')
}

func appendU8(b []byte, n uint8) []byte {
	switch {
	case n < 10:
		return append(b, '0'+n)
	case n < 100:
		return append(b, '0'+n/10, '0'+n%10)
	}
	return append(b, '0'+n/100, '0'+n/10%10, '0'+n%10)
}

package vt

import (
	"strings"
	"unicode/utf8"
)

// Rows returns the visible rows as styled strings (SGR and OSC 8, trailing
// blanks trimmed, styles reset at the end of each row), reusing dst. Only
// rows whose content changed since they were last rendered are rendered
// again; a scrolled row keeps its rendering.
func (t *Terminal) Rows(dst []string) []string {
	dst = dst[:0]
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

// ChangedRows appends the rows that changed since the previous call and
// forgets them. While the program holds a synchronized update (?2026) it
// reports nothing, so a half-drawn frame is not announced.
func (t *Terminal) ChangedRows(dst []int) []int {
	if t.sync {
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
func (t *Terminal) renderLine(b []byte, l *line) []byte {
	cells := l.cells[:l.n]
	end := len(cells)
	for end > 0 && cells[end-1].blank() {
		end--
	}
	var cur Cell
	for i := 0; i < end; i++ {
		c := &cells[i]
		if c.A&AttrCont != 0 {
			continue
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
	sep := func(b []byte) []byte {
		if len(b) > start {
			return append(b, ';')
		}
		return b
	}
	rem := fa & 0xff &^ ta
	add := ta & 0xff &^ fa
	if rem&(AttrBold|AttrFaint) != 0 {
		b = append(sep(b), "22"...)
		add |= ta & (AttrBold | AttrFaint)
	}
	if rem&AttrItalic != 0 {
		b = append(sep(b), "23"...)
	}
	if rem&(AttrBlink|AttrRapidBlink) != 0 {
		b = append(sep(b), "25"...)
		add |= ta & (AttrBlink | AttrRapidBlink)
	}
	if rem&AttrReverse != 0 {
		b = append(sep(b), "27"...)
	}
	if rem&AttrConceal != 0 {
		b = append(sep(b), "28"...)
	}
	if rem&AttrStrikethrough != 0 {
		b = append(sep(b), "29"...)
	}
	const codes = "12356789"
	for k := range 8 {
		if add&(1<<k) != 0 {
			b = append(sep(b), codes[k])
		}
	}
	if fu, tu := fa&attrUlMask, ta&attrUlMask; fu != tu {
		switch u := uint8(tu >> attrUlShift); u {
		case UnderlineNone:
			b = append(sep(b), "24"...)
		case UnderlineSingle:
			b = append(sep(b), '4')
		default:
			b = append(sep(b), '4', ':', '0'+u)
		}
	}
	if from.Fg != to.Fg {
		b = appendColor(sep(b), to.Fg, 30, 90, "38", "39")
	}
	if from.Bg != to.Bg {
		b = appendColor(sep(b), to.Bg, 40, 100, "48", "49")
	}
	if from.Ul != to.Ul {
		b = appendColor(sep(b), to.Ul, 0, 0, "58", "59")
	}
	return append(b, 'm')
}

// appendColor appends the SGR parameters of colour c.
func appendColor(b []byte, c Color, base, bright int, ext, def string) []byte {
	switch c.Kind() {
	case ColorIndexed:
		i := int(c.Index())
		switch {
		case base != 0 && i < 8:
			return appendInt(b, base+i)
		case base != 0 && i < 16:
			return appendInt(b, bright+i-8)
		}
		b = append(b, ext...)
		b = append(b, ";5;"...)
		return appendInt(b, i)
	case ColorRGB:
		r, g, bl := c.RGB()
		b = append(b, ext...)
		b = append(b, ";2;"...)
		b = appendInt(b, int(r))
		b = append(b, ';')
		b = appendInt(b, int(g))
		b = append(b, ';')
		return appendInt(b, int(bl))
	}
	return append(b, def...)
}

func appendInt(b []byte, n int) []byte {
	switch {
	case n < 10:
		return append(b, byte('0'+n))
	case n < 100:
		return append(b, byte('0'+n/10), byte('0'+n%10))
	}
	return append(b, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
}

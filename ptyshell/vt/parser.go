package vt

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Write feeds program output. It never fails; sequences split across calls
// are completed by the next call.
func (t *Terminal) Write(p []byte) (int, error) {
	n := len(p)
	i := 0
	if t.un > 0 {
		i = t.finishUTF8(p)
	}
	for i < len(p) {
		if t.st != stGround {
			i = t.slow(p, i)
			continue
		}
		b := p[i]
		switch {
		case b >= 0x20 && b < 0x7f:
			i = t.printASCII(p, i)
		case b == 0x1b:
			if i+2 < len(p) && p[i+1] == '[' {
				if k := t.csiFast(p, i+2); k > 0 {
					i = k
					continue
				}
			}
			t.st = stEsc
			t.seq = t.seq[:0]
			t.seqBig = false
			i++
		case b == '\r':
			t.x = 0
			t.wrap = false
			i++
		case b == '\n' && !t.modes.LineFeedNL:
			t.wrap = false
			if t.y == t.bot && t.top == 0 && t.bot == t.rows-1 {
				t.scrollOne()
			} else {
				t.index()
			}
			i++
		case b < 0x20:
			t.control(b)
			i++
		case b == 0x7f:
			i++
		default:
			r, size := utf8.DecodeRune(p[i:])
			if r == utf8.RuneError && size <= 1 {
				if !utf8.FullRune(p[i:]) {
					t.un = copy(t.ubuf[:], p[i:])
					return n, nil
				}
				t.printRune(0xfffd)
				i++
				continue
			}
			t.printRune(r)
			i += size
		}
	}
	return n, nil
}

// finishUTF8 completes a character split across writes; it returns how
// many bytes of p it used.
func (t *Terminal) finishUTF8(p []byte) int {
	i := 0
	for t.un < 4 && i < len(p) && !utf8.FullRune(t.ubuf[:t.un]) {
		b := p[i]
		if b < 0x80 || b >= 0xc0 {
			break
		}
		t.ubuf[t.un] = b
		t.un++
		i++
	}
	if !utf8.FullRune(t.ubuf[:t.un]) && i == len(p) {
		return i // still incomplete
	}
	r, size := utf8.DecodeRune(t.ubuf[:t.un])
	n := t.un
	t.un = 0
	t.printRune(r)
	// As in one write: each byte after an invalid lead is a character
	// of its own (a lone continuation byte: U+FFFD).
	for ; size < n; size++ {
		t.printRune(utf8.RuneError)
	}
	return i
}

// csiFast handles a complete CSI sequence whose parameters start at p[i]
// and returns the index after it, or 0 when it is incomplete or unusual
// (the state machine takes it then).
func (t *Terminal) csiFast(p []byte, i int) int {
	end := min(len(p), i+maxCSI)
	for j := i; j < end; j++ {
		b := p[j]
		if b >= 0x20 && b <= 0x3f {
			continue
		}
		if b >= 0x40 && b <= 0x7e {
			t.csi(p[i:j], b)
			return j + 1
		}
		return 0
	}
	return 0
}

// collect appends b to the sequence buffer within limit.
func (t *Terminal) collect(b byte, limit int) {
	if len(t.seq) >= limit {
		t.seqBig = true
		return
	}
	t.seq = append(t.seq, b)
}

// slow runs the state machine from p[i] until ground or the end of p.
func (t *Terminal) slow(p []byte, i int) int {
	for ; i < len(p); i++ {
		b := p[i]
		if b == 0x18 || b == 0x1a { // CAN, SUB abort any sequence
			t.st = stGround
			return i + 1
		}
		if t.st == stEsc || t.st == stEscInt || t.st == stCSI {
			// Inside an escape or control sequence, ESC starts a new one
			// and C0 controls act at once, as in any VT.
			if b == 0x1b {
				t.st = stEsc
				t.seq = t.seq[:0]
				continue
			}
			if b < 0x20 {
				t.control(b)
				continue
			}
		}
		switch t.st {
		case stGround:
			return i
		case stEsc:
			switch {
			case b == '[':
				t.st = stCSI
				t.seq = t.seq[:0]
				t.seqBig = false
			case b == ']':
				t.st = stOSC
				t.seq = t.seq[:0]
				t.seqBig = false
			case b == 'P':
				t.st = stDCS
				t.seq = t.seq[:0]
				t.seqBig = false
			case b == 'X' || b == '^' || b == '_':
				t.st = stStr
			case b >= 0x20 && b <= 0x2f:
				t.seq = append(t.seq[:0], b)
				t.st = stEscInt
			case b >= 0x30 && b <= 0x7e:
				t.st = stGround
				t.esc(0, b)
				return i + 1
			default:
				t.st = stGround
				return i + 1
			}
		case stEscInt:
			switch {
			case b >= 0x20 && b <= 0x2f:
				t.collect(b, 4)
			default:
				t.st = stGround
				if b >= 0x30 && b <= 0x7e && len(t.seq) > 0 {
					t.esc(t.seq[0], b)
				}
				return i + 1
			}
		case stCSI:
			switch {
			case b >= 0x20 && b <= 0x3f:
				t.collect(b, maxCSI)
			case b >= 0x40 && b <= 0x7e:
				t.st = stGround
				if !t.seqBig {
					t.csi(t.seq, b)
				}
				return i + 1
			default:
				// DEL and 8-bit bytes inside a CSI are ignored.
			}
		case stOSC, stDCS:
			switch {
			case b == 0x07 && t.st == stOSC: // BEL ends only an OSC, as in xterm and tmux
				st := t.st
				t.st = stGround
				t.strBEL = true
				t.endString(st)
				return i + 1
			case b == 0x1b:
				t.st++ // stOSCEsc / stDCSEsc
			case b < 0x20:
			default:
				t.collect(b, maxString)
			}
		case stOSCEsc, stDCSEsc:
			st := t.st - 1
			if b == '\\' {
				t.st = stGround
				t.strBEL = false
				t.endString(st)
				return i + 1
			}
			// Another sequence starts: the string is dropped.
			t.st = stEsc
			t.seq = t.seq[:0]
			i-- // reprocess b after ESC
		case stStr: // APC, PM, SOS: only ST ends them, as in xterm and tmux
			if b == 0x1b {
				t.st = stStrEsc
			}
		case stStrEsc:
			if b == '\\' {
				t.st = stGround
				return i + 1
			}
			t.st = stEsc
			t.seq = t.seq[:0]
			i--
		}
	}
	return i
}

func (t *Terminal) endString(st uint8) {
	if t.seqBig {
		return
	}
	if st == stOSC {
		t.osc(t.seq)
	} else {
		t.dcs(t.seq)
	}
}

// esc runs an escape sequence with at most one intermediate byte.
func (t *Terminal) esc(inter, final byte) {
	switch inter {
	case 0:
		switch final {
		case '7':
			t.save()
		case '8':
			t.restore()
		case 'D':
			t.wrap = false
			t.index()
		case 'E':
			t.wrap = false
			t.x = 0
			t.index()
		case 'H':
			t.tabs[t.x] = true
		case 'M':
			t.wrap = false
			t.reverseIndex()
		case 'c':
			t.fullReset()
		case '=':
			t.modes.AppKeypad = true
		case '>':
			t.modes.AppKeypad = false
		}
	case '(', ')':
		g := 0
		if inter == ')' {
			g = 1
		}
		t.g[g] = final == '0'
	case '#':
		if final == '8' {
			t.decaln()
		}
	}
}

// decaln fills the screen with E (DECALN).
func (t *Terminal) decaln() {
	t.top, t.bot = 0, t.rows-1
	t.origin = false
	for y := range t.rows {
		l := t.scr.row(y)
		for x := range l.cells {
			l.cells[x] = Cell{R: 'E'}
		}
		l.n = t.cols
		l.wrapped = false
		t.touch(y, l)
	}
	t.moveTo(0, 0)
}

// param returns parameter i or def when it is missing or 0.
func (t *Terminal) param(i int, def int) int {
	if i >= t.np || t.params[i] == 0 {
		return def
	}
	return int(t.params[i])
}

// csi runs a CSI sequence: body holds the parameter and intermediate
// bytes, final the final byte.
func (t *Terminal) csi(body []byte, final byte) {
	var priv, inter byte
	k := 0
	if len(body) > 0 && body[0] >= 0x3c && body[0] <= 0x3f {
		priv = body[0]
		k = 1
	}
	np := 0
	t.colon = 0
	var cur int32
	for ; k < len(body); k++ {
		c := body[k]
		switch {
		case c >= '0' && c <= '9':
			if cur < maxParamVal {
				cur = cur*10 + int32(c-'0')
			}
		case c == ';' || c == ':':
			if np < maxParams {
				t.params[np] = min(cur, maxParamVal)
				if c == ':' {
					t.colon |= 1 << np
				}
				np++
			}
			cur = 0
		case c >= 0x20 && c <= 0x2f:
			inter = c
		default:
			return // a private marker in the middle: not ours
		}
	}
	if np < maxParams {
		t.params[np] = min(cur, maxParamVal)
		np++
	}
	t.np = np
	if final == 'm' && priv == 0 && inter == 0 {
		t.sgr()
		return
	}
	if inter != 0 {
		t.csiInter(priv, inter, final)
		return
	}
	switch priv {
	case 0:
		t.csiPlain(final)
	case '?':
		switch final {
		case 'h', 'l':
			for i := range t.np {
				t.setPrivateMode(t.params[i], final == 'h')
			}
		case 'J':
			t.ed(t.param(0, 0))
		case 'K':
			t.el(t.param(0, 0))
		case 'm':
			// XTQMODKEYS: report the modifyOtherKeys level.
			if t.params[0] == 4 {
				t.send("\x1b[>4;", itoa(int(t.modes.ModifyOtherKeys)), "m")
			}
		case 'n':
			if t.param(0, 0) == 6 {
				row, col := t.cprPos()
				t.send("\x1b[?", itoa(row), ";", itoa(col), ";1R")
			}
		}
	case '>':
		switch final {
		case 'c':
			if t.param(0, 0) == 0 {
				t.send("\x1b[>1;10;0c")
			}
		case 'm':
			if t.np >= 1 && t.params[0] == 4 {
				v := 0
				if t.np >= 2 {
					v = int(t.params[1])
				}
				t.modes.ModifyOtherKeys = uint8(min(v, 2))
			}
		case 'q':
			if t.param(0, 0) == 0 {
				t.send("\x1bP>|nstui\x1b\\")
			}
		}
	}
}

func (t *Terminal) csiInter(priv, inter, final byte) {
	switch {
	case inter == ' ' && final == 'q' && priv == 0: // DECSCUSR
		n := t.param(0, 0)
		if n > 6 {
			return
		}
		t.cursorBlink = n == 0 || n%2 == 1
		switch n {
		case 0, 1, 2:
			t.cursorShape = CursorBlock
		case 3, 4:
			t.cursorShape = CursorUnderline
		default:
			t.cursorShape = CursorBar
		}
	case inter == '!' && final == 'p' && priv == 0:
		t.softReset()
	case inter == '$' && final == 'p': // DECRQM
		m := t.params[0]
		if priv == '?' {
			t.send("\x1b[?", itoa(int(m)), ";", itoa(t.privateModeState(m)), "$y")
		} else if priv == 0 {
			t.send("\x1b[", itoa(int(m)), ";", itoa(t.ansiModeState(m)), "$y")
		}
	}
}

// cprPos is the cursor position a CPR reports (1-based, origin-relative).
func (t *Terminal) cprPos() (row, col int) {
	row = t.y + 1
	if t.origin {
		row -= t.top
	}
	return row, t.x + 1
}

func (t *Terminal) csiPlain(final byte) {
	switch final {
	case 'A':
		t.cursorUp(t.param(0, 1))
	case 'B', 'e':
		t.cursorDown(t.param(0, 1))
	case 'C', 'a':
		t.moveTo(t.x+t.param(0, 1), t.y)
	case 'D':
		t.moveTo(t.x-t.param(0, 1), t.y)
	case 'E':
		t.cursorDown(t.param(0, 1))
		t.x = 0
	case 'F':
		t.cursorUp(t.param(0, 1))
		t.x = 0
	case 'G', '`':
		t.moveTo(t.param(0, 1)-1, t.y)
	case 'H', 'f':
		t.cup(t.param(0, 1)-1, t.param(1, 1)-1)
	case 'd':
		row := t.param(0, 1) - 1
		if t.origin {
			row = min(t.top+row, t.bot)
		}
		t.moveTo(t.x, row)
	case 'I':
		t.tab(t.param(0, 1))
	case 'Z':
		t.backTab(t.param(0, 1))
	case 'J':
		t.ed(t.param(0, 0))
	case 'K':
		t.el(t.param(0, 0))
	case '@':
		t.wrap = false
		t.insertCells(t.scr.row(t.y), t.x, t.param(0, 1))
	case 'P':
		t.wrap = false
		t.deleteCells(t.scr.row(t.y), t.x, t.param(0, 1))
	case 'X':
		t.wrap = false
		t.erase(t.y, t.x, t.x+t.param(0, 1))
	case 'L':
		if t.y >= t.top && t.y <= t.bot {
			t.scrollDown(t.y, t.param(0, 1))
			t.x, t.wrap = 0, false
		}
	case 'M':
		if t.y >= t.top && t.y <= t.bot {
			t.deleteLines(t.y, t.param(0, 1))
			t.x, t.wrap = 0, false
		}
	case 'S':
		t.scrollUp(t.param(0, 1))
	case 'T':
		if t.np <= 1 {
			t.scrollDown(t.top, t.param(0, 1))
		}
	case 'b':
		if t.last != 0 {
			n := min(t.param(0, 1), t.rows*t.cols)
			r := t.last
			for range n {
				t.printRune(r)
			}
		}
	case 'g':
		switch t.param(0, 0) {
		case 0:
			t.tabs[t.x] = false
		case 3:
			clear(t.tabs)
		}
	case 'h', 'l':
		for i := range t.np {
			t.setANSIMode(t.params[i], final == 'h')
		}
	case 'm':
		t.sgr()
	case 'n':
		switch t.param(0, 0) {
		case 5:
			t.send("\x1b[0n")
		case 6:
			row, col := t.cprPos()
			t.send("\x1b[", itoa(row), ";", itoa(col), "R")
		}
	case 'c':
		if t.param(0, 0) == 0 {
			t.send("\x1b[?62;1;6;22c")
		}
	case 'r':
		top, bot := t.param(0, 1)-1, t.param(1, t.rows)-1
		bot = min(bot, t.rows-1)
		if top < bot {
			t.top, t.bot = top, bot
			t.home()
		}
	case 's':
		t.save()
	case 'u':
		t.restore()
	case 't':
		t.windowOp()
	}
}

// windowOp answers the XTWINOPS a pane can: the text area size (18) and
// the title stack (22 push, 23 pop; bounded).
func (t *Terminal) windowOp() {
	switch t.param(0, 0) {
	case 18:
		t.send("\x1b[8;", itoa(t.rows), ";", itoa(t.cols), "t")
	case 22:
		if t.param(1, 0) == 1 {
			return // the icon title, which is not kept
		}
		if len(t.titles) >= maxTitles {
			t.titles = append(t.titles[:0], t.titles[1:]...)
		}
		t.titles = append(t.titles, t.title)
	case 23:
		if t.param(1, 0) == 1 {
			return
		}
		if n := len(t.titles); n > 0 {
			t.title = t.titles[n-1]
			t.titles = t.titles[:n-1]
		}
	}
}

func (t *Terminal) cursorUp(n int) {
	lim := 0
	if t.y >= t.top {
		lim = t.top
	}
	t.moveTo(t.x, max(t.y-n, lim))
}

func (t *Terminal) cursorDown(n int) {
	lim := t.rows - 1
	if t.y <= t.bot {
		lim = t.bot
	}
	t.moveTo(t.x, min(t.y+n, lim))
}

// ed is Erase in Display.
func (t *Terminal) ed(n int) {
	switch n {
	case 0:
		t.erase(t.y, t.x, t.cols)
		// The row no longer runs on into the next (as EL 0).
		t.scr.row(t.y).wrapped = false
		t.eraseRows(t.y+1, t.rows-1)
	case 1:
		t.eraseRows(0, t.y-1)
		t.erase(t.y, 0, t.x+1)
	case 2:
		if !t.altOn {
			// Like tmux and x/vt, keep what was on the screen in the
			// scrollback (up to its last row with a character).
			last := -1
			for y := range t.rows {
				if !t.rowEmpty(t.scr.row(y)) {
					last = y
				}
			}
			for y := 0; y <= last; y++ {
				t.pushScrollback(t.scr.row(y))
			}
		}
		t.eraseRows(0, t.rows-1)
	case 3:
		if !t.altOn {
			t.sb.clear()
		}
	}
	t.wrap = false
}

// el is Erase in Line.
func (t *Terminal) el(n int) {
	switch n {
	case 0:
		t.erase(t.y, t.x, t.cols)
		t.scr.row(t.y).wrapped = false
	case 1:
		t.erase(t.y, 0, t.x+1)
	case 2:
		t.erase(t.y, 0, t.cols)
		t.scr.row(t.y).wrapped = false
	}
	t.wrap = false
}

// sgr runs Select Graphic Rendition on the parsed parameters.
func (t *Terminal) sgr() {
	p := &t.pen
	for i := 0; i < t.np; i++ {
		v := t.params[i]
		switch {
		case v == 0:
			p.A, p.Fg, p.Bg, p.Ul = 0, 0, 0, 0
		case v >= 1 && v <= 9 && v != 4:
			p.A |= sgrAttr(v)
		case v == 4:
			style := UnderlineSingle
			if t.colon&(1<<i) != 0 && i+1 < t.np {
				s := t.params[i+1]
				if s <= 5 {
					style = uint8(s)
				}
				i = t.skipSub(i)
			}
			p.A = p.A&^attrUlMask | uint16(style)<<attrUlShift
		case v == 21:
			p.A = p.A&^attrUlMask | uint16(UnderlineDouble)<<attrUlShift
		case v == 22:
			p.A &^= AttrBold | AttrFaint
		case v == 23:
			p.A &^= AttrItalic
		case v == 24:
			p.A &^= attrUlMask
		case v == 25:
			p.A &^= AttrBlink | AttrRapidBlink
		case v == 27:
			p.A &^= AttrReverse
		case v == 28:
			p.A &^= AttrConceal
		case v == 29:
			p.A &^= AttrStrikethrough
		case v >= 30 && v <= 37:
			p.Fg = Indexed(uint8(v - 30))
		case v == 38:
			var c Color
			c, i = t.extColor(i)
			if c != 0 {
				p.Fg = c
			}
		case v == 39:
			p.Fg = 0
		case v >= 40 && v <= 47:
			p.Bg = Indexed(uint8(v - 40))
		case v == 48:
			var c Color
			c, i = t.extColor(i)
			if c != 0 {
				p.Bg = c
			}
		case v == 49:
			p.Bg = 0
		case v == 58:
			var c Color
			c, i = t.extColor(i)
			if c != 0 {
				p.Ul = c
			}
		case v == 59:
			p.Ul = 0
		case v >= 90 && v <= 97:
			p.Fg = Indexed(uint8(v - 90 + 8))
		case v >= 100 && v <= 107:
			p.Bg = Indexed(uint8(v - 100 + 8))
		default:
			if t.colon&(1<<i) != 0 {
				i = t.skipSub(i)
			}
		}
	}
}

// skipSub returns the index of the last sub-parameter of parameter i.
func (t *Terminal) skipSub(i int) int {
	for i+1 < t.np && t.colon&(1<<i) != 0 {
		i++
	}
	return i
}

// extColor parses the colour after SGR 38/48/58 at parameter i (both the
// ";5;n" / ";2;r;g;b" and the colon forms) and returns it (0 if invalid)
// with the index of its last parameter.
func (t *Terminal) extColor(i int) (Color, int) {
	ps := t.params[:t.np]
	if t.colon&(1<<i) != 0 {
		end := t.skipSub(i)
		g := ps[i : end+1]
		switch {
		case len(g) >= 3 && g[1] == 5:
			return Indexed(uint8(min(g[2], 255))), end
		case len(g) >= 6 && g[1] == 2:
			return RGB(c8(g[3]), c8(g[4]), c8(g[5])), end
		case len(g) == 5 && g[1] == 2:
			return RGB(c8(g[2]), c8(g[3]), c8(g[4])), end
		}
		return 0, end
	}
	if i+1 >= len(ps) {
		return 0, i
	}
	switch ps[i+1] {
	case 5:
		if i+2 < len(ps) {
			return Indexed(uint8(min(ps[i+2], 255))), i + 2
		}
		return 0, len(ps) - 1
	case 2:
		if i+4 < len(ps) {
			return RGB(c8(ps[i+2]), c8(ps[i+3]), c8(ps[i+4])), i + 4
		}
		return 0, len(ps) - 1
	}
	return 0, i + 1
}

// sgrAttr maps SGR 1-3 and 5-9 to their attribute bit.
func sgrAttr(v int32) uint16 {
	switch v {
	case 1:
		return AttrBold
	case 2:
		return AttrFaint
	case 3:
		return AttrItalic
	case 5:
		return AttrBlink
	case 6:
		return AttrRapidBlink
	case 7:
		return AttrReverse
	case 8:
		return AttrConceal
	case 9:
		return AttrStrikethrough
	}
	return 0
}

func c8(v int32) uint8 { return uint8(min(v, 255)) }

// osc runs an operating system command (title, hyperlink, colour queries).
func (t *Terminal) osc(b []byte) {
	num, rest, _ := bytes.Cut(b, []byte{';'})
	n, err := strconv.Atoi(string(num))
	if err != nil {
		return
	}
	term := "\x1b\\"
	if t.strBEL {
		term = "\a"
	}
	switch n {
	case 0, 2:
		t.title = string(rest)
	case 8:
		_, url, ok := bytes.Cut(rest, []byte{';'})
		if !ok || len(url) == 0 {
			t.pen.Link = 0
			return
		}
		t.pen.Link = t.linkID(string(url))
	case 4:
		for len(rest) > 0 {
			var idx, spec []byte
			idx, rest, _ = bytes.Cut(rest, []byte{';'})
			spec, rest, _ = bytes.Cut(rest, []byte{';'})
			i, err := strconv.Atoi(string(idx))
			if err != nil || i < 0 || i > 255 || string(spec) != "?" {
				continue
			}
			r, g, bl := paletteRGB(uint8(i))
			t.send("\x1b]4;", itoa(i), ";", rgbSpec(r, g, bl), term)
		}
	case 10, 11, 12:
		if string(rest) != "?" {
			return
		}
		spec := rgbSpec(0xff, 0xff, 0xff)
		if n == 11 {
			spec = rgbSpec(0, 0, 0)
		}
		t.send("\x1b]", itoa(n), ";", spec, term)
	}
}

func rgbSpec(r, g, b uint8) string {
	const hex = "0123456789abcdef"
	out := []byte("rgb:0000/0000/0000")
	for k, v := range [3]uint8{r, g, b} {
		o := 4 + 5*k
		out[o], out[o+1], out[o+2], out[o+3] = hex[v>>4], hex[v&15], hex[v>>4], hex[v&15]
	}
	return string(out)
}

// dcs answers DECRQSS (DCS $ q Pt ST); other device control strings are
// ignored.
func (t *Terminal) dcs(b []byte) {
	// Only a string that starts with $q is a query: other strings (sixel
	// images...) may contain those bytes anywhere.
	q, ok := bytes.CutPrefix(b, []byte("$q"))
	if !ok {
		return
	}
	switch string(q) {
	case "m":
		// The rendition as xterm reports it: 0, then what differs.
		p := t.pen
		p.Link = 0
		params := ""
		if sgr := t.appendStyle(nil, &Cell{}, &p); len(sgr) > 3 { // ESC [ params m
			params = ";" + string(sgr[2:len(sgr)-1])
		}
		t.send("\x1bP1$r0", params, "m\x1b\\")
	case "r":
		t.send("\x1bP1$r", itoa(t.top+1), ";", itoa(t.bot+1), "r\x1b\\")
	case " q":
		n := 1
		switch t.cursorShape {
		case CursorUnderline:
			n = 3
		case CursorBar:
			n = 5
		}
		if !t.cursorBlink {
			n++
		}
		t.send("\x1bP1$r", itoa(n), " q\x1b\\")
	default:
		t.send("\x1bP0$r\x1b\\")
	}
}

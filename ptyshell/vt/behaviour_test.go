package vt

import (
	"fmt"
	"strings"
	"testing"
)

// TestVTScreenBehaviours: each control or sequence leaves the screen text
// and cursor xterm leaves (rows joined with |, trailing blanks trimmed).
func TestVTScreenBehaviours(t *testing.T) {
	cases := []struct {
		name, in, text string
		row, col       int
	}{
		{"CUU/CUD/CUF/CUB", "\x1b[3;3H\x1b[2Aa\x1b[3Bb\x1b[5Cc\x1b[20Dd", "  a|||d  b     c", 3, 1},
		{"CNL/CPL", "ab\x1b[2Ec\x1b[Fd", "ab|d|c|", 1, 1},
		{"CHA/HPA/HPR/VPA/VPR", "\x1b[5Ga\x1b[2`b\x1b[2ac\x1b[3de\x1b[1ef", " b  c||     e|      f", 3, 7},
		{"CUP/HVP clamp", "\x1b[99;99Hx\x1b[2;3fy\x1b[0;0Hz", "z|  y||         x", 0, 1},
		{"tabs HT/CHT/CBT/TBC/HTS", "a\tb\x1b[2Ic\x1b[Zd\x1b[3g\x1b[1;3H\x1bH\r\te\x1b[g\r\tf", "a f     dc", 0, 3},
		{"autowrap off", "\x1b[?7l0123456789abc", "012345678c", 0, 9},
		{"IRM", "abcdef\r\x1b[4hXY\x1b[4lZ", "XYZbcdef", 0, 3},
		{"ICH/DCH/ECH", "abcdefgh\r\x1b[2@\x1b[3C\x1b[2P\x1b[2X", "  a  fgh", 0, 3},
		{"EL 0/1/2", "abcdef\r\nghijkl\r\nmnopqr\x1b[1;3H\x1b[K\x1b[2;3H\x1b[1K\x1b[3;3H\x1b[2K", "ab|   jkl|", 2, 2},
		{"ED 0", "aaa\r\nbbb\r\nccc\x1b[2;2H\x1b[J", "aaa|b|", 1, 1},
		{"ED 1", "aaa\r\nbbb\r\nccc\x1b[2;2H\x1b[1J", "|  b|ccc", 1, 1},
		{"IL/DL", "1\r\n2\r\n3\r\n4\x1b[2;2H\x1b[L\x1b[4;1H\x1b[2M", "1||2|", 3, 0},
		{"SU/SD", "1\r\n2\r\n3\r\n4\x1b[S\x1b[2T", "||2|3", 3, 1},
		{"DECSTBM + LF", "\x1b[2;3r\x1b[3;1Ha\nb\nc", "| b|  c", 2, 3},
		{"DECSTBM + RI", "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[2;1H\x1bMx", "1|x|2|4", 1, 1},
		{"DECOM + CPR-relative CUP", "\x1b[2;3r\x1b[?6h\x1b[1;1Ha\x1b[9;1Hb", "|a|b|", 2, 1},
		{"IND/NEL/RI", "ab\x1bDc\x1bEd\x1bM\x1bMe", "ae|  c|d", 0, 2},
		{"DECSC/DECRC", "\x1b[2;2H\x1b7\x1b[4;4Hx\x1b8y", "| y||   x", 1, 2},
		{"SCOSC/SCORC", "\x1b[2;2H\x1b[s\x1b[4;4Hx\x1b[uy", "| y||   x", 1, 2},
		{"DECALN", "\x1b[2;3r\x1b#8", "EEEEEEEEEE|EEEEEEEEEE|EEEEEEEEEE|EEEEEEEEEE", 0, 0},
		{"REP", "ab\x1b[3b", "abbbb", 0, 5},
		{"DEC graphics G0", "\x1b(0lqk\x1b(Bq", "┌─┐q", 0, 4},
		{"DEC graphics G1 SO/SI", "\x1b)0\x0ex\x0fx", "│x", 0, 2},
		{"CAN aborts CSI", "a\x1b[3\x18b", "ab", 0, 2},
		{"C0 inside CSI runs", "ab\x1b[1\rC", "ab", 0, 1},
		{"BS clears pending wrap", "0123456789\bx", "01234567x9", 0, 9},
		{"LNM", "\x1b[20ha\nb", "a|b", 1, 1},
		{"RIS", "abc\x1b[2;3r\x1bcd", "d", 0, 1},
		{"DECSTR", "\x1b[2;3r\x1b[?6h\x1b[!p\x1b[4;1Hz", "|||z", 3, 1},
		{"wide at last column wraps", "012345678中", "012345678|中", 1, 2},
		{"overwrite half of wide", "中文\x1b[1;2Hx\x1b[1;3Hy", " xy", 0, 3},
		{"combining", "e\xcc\x81a", "e\u0301a", 0, 2},
		{"OSC BEL and ST", "\x1b]0;t1\x07a\x1b]2;t2\x1b\\b", "ab", 0, 2},
		{"APC/PM/SOS ignored", "\x1b_apc\x1b\\a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", "abc", 0, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			term, _ := feed(t, 4, 10, c.in)
			got := strings.TrimRight(strings.ReplaceAll(term.Text(), "\n", "|"), "|")
			if got != strings.TrimRight(c.text, "|") {
				t.Fatalf("text %q, want %q", got, c.text)
			}
			wantCursor(t, term, c.row, c.col)
			checkInvariants(t, term)
		})
	}
}

// TestVTReplies: every query the program may send gets xterm's answer.
func TestVTReplies(t *testing.T) {
	cases := []struct{ in, want string }{
		{"\x1b[c", "\x1b[?62;1;6;22c"},
		{"\x1b[>c", "\x1b[>1;10;0c"},
		{"\x1b[5n", "\x1b[0n"},
		{"\x1b[3;4H\x1b[6n", "\x1b[3;4R"},
		{"\x1b[2;4r\x1b[?6h\x1b[2;2H\x1b[6n", "\x1b[2;2R"},
		{"\x1b[?6n", "\x1b[?1;1;1R"},
		{"\x1b[?2026$p\x1b[?2026h\x1b[?2026$p", "\x1b[?2026;2$y\x1b[?2026;1$y"},
		{"\x1b[4h\x1b[4$p\x1b[20$p\x1b[?9999$p", "\x1b[4;1$y\x1b[20;2$y\x1b[?9999;0$y"},
		{"\x1b[?1049h\x1b[?1049$p\x1b[?25l\x1b[?25$p", "\x1b[?1049;1$y\x1b[?25;2$y"},
		{"\x1b]10;?\x07\x1b]11;?\x1b\\\x1b]12;?\x07", "\x1b]10;rgb:ffff/ffff/ffff\a\x1b]11;rgb:0000/0000/0000\x1b\\\x1b]12;rgb:ffff/ffff/ffff\a"},
		{"\x1b]4;1;?;196;?\x07", "\x1b]4;1;rgb:cdcd/0000/0000\a\x1b]4;196;rgb:ffff/0000/0000\a"},
		{"\x1b]52;c;?\x07\x1b]52;c;aGk=\x07", ""},
		{"\x1b[>q", "\x1bP>|nstui\x1b\\"},
		{"\x1b[18t\x1b[14t", "\x1b[8;5;10t"},
		{"\x1b[?4m\x1b[>4;2m\x1b[?4m", "\x1b[>4;0m\x1b[>4;2m"},
		{"\x1b[2;3r\x1bP$qr\x1b\\\x1bP$qm\x1b\\\x1b[4 q\x1bP$q q\x1b\\\x1bP$qx\x1b\\", "\x1bP1$r2;3r\x1b\\\x1bP1$r0m\x1b\\\x1bP1$r4 q\x1b\\\x1bP0$r\x1b\\"},
		// DECRQSS SGR reports the rendition, as xterm does.
		{"\x1b[1;3;31;48;5;100m\x1bP$qm\x1b\\\x1b[22;23;39;4:3;58;2;1;2;3m\x1bP$qm\x1b\\", "\x1bP1$r0;1;3;31;48;5;100m\x1b\\\x1bP1$r0;4:3;48;5;100;58;2;1;2;3m\x1b\\"},
	}
	for _, c := range cases {
		term, replies := feed(t, 5, 10, c.in)
		if got := strings.Join(*replies, ""); got != c.want {
			t.Errorf("%q: replies %q, want %q", c.in, got, c.want)
		}
		_ = term
	}
}

// TestVTSGR: colours and attributes in all their forms reach the cells.
func TestVTSGR(t *testing.T) {
	cases := []struct {
		in   string
		want Cell
	}{
		{"\x1b[1;2;3;5;7;8;9m", Cell{A: AttrBold | AttrFaint | AttrItalic | AttrBlink | AttrReverse | AttrConceal | AttrStrikethrough}},
		{"\x1b[6;4m", Cell{A: AttrRapidBlink | 1<<attrUlShift}},
		{"\x1b[1;2;22m\x1b[3;23;5;25;7;27;8;28;9;29;4;24m", Cell{}},
		{"\x1b[21m", Cell{A: uint16(UnderlineDouble) << attrUlShift}},
		{"\x1b[4:3m", Cell{A: uint16(UnderlineCurly) << attrUlShift}},
		{"\x1b[4:0m", Cell{}},
		{"\x1b[31;42m", Cell{Fg: Indexed(1), Bg: Indexed(2)}},
		{"\x1b[91;102m", Cell{Fg: Indexed(9), Bg: Indexed(10)}},
		{"\x1b[38;5;208;48;5;17m", Cell{Fg: Indexed(208), Bg: Indexed(17)}},
		{"\x1b[38;2;1;2;3;48;2;4;5;6m", Cell{Fg: RGB(1, 2, 3), Bg: RGB(4, 5, 6)}},
		{"\x1b[38:2::1:2:3;48:2:4:5:6m", Cell{Fg: RGB(1, 2, 3), Bg: RGB(4, 5, 6)}},
		{"\x1b[38:5:100m", Cell{Fg: Indexed(100)}},
		{"\x1b[58;5;9m\x1b[4m", Cell{A: 1 << attrUlShift, Ul: Indexed(9)}},
		{"\x1b[58:2::9:8:7m\x1b[59m", Cell{}},
		{"\x1b[31m\x1b[39m\x1b[41m\x1b[49m", Cell{}},
		{"\x1b[1;31m\x1b[m", Cell{}},
		{"\x1b[38;5m\x1b[32m", Cell{Fg: Indexed(2)}},
	}
	for _, c := range cases {
		term, _ := feed(t, 2, 10, c.in+"x")
		got, _ := term.CellAt(0, 0)
		c.want.R = 'x'
		if got != c.want {
			t.Errorf("%q: cell %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestVTAltScreen: 1049 saves the cursor and clears, 47 keeps the alternate
// screen's content, 1047 clears it when leaving.
func TestVTAltScreen(t *testing.T) {
	term, _ := feed(t, 3, 10, "main\x1b[2;3H\x1b[?1049hALT")
	if !term.AltScreen() || term.Text() != "\n  ALT\n" {
		t.Fatalf("alt: %v %q", term.AltScreen(), term.Text())
	}
	term.Write([]byte("\x1b[?1049l"))
	wantText(t, term, "main\n\n")
	wantCursor(t, term, 1, 2)
	term.Write([]byte("\x1b[?47h\x1b[Hkeep\x1b[?47l\x1b[?47h"))
	wantText(t, term, "keep\n\n")
	term.Write([]byte("\x1b[?47l\x1b[?1047h\x1b[?1047l\x1b[?1047h"))
	wantText(t, term, "\n\n")
	term.Write([]byte("\x1b[?1047l"))
	wantText(t, term, "main\n\n")
}

// TestVTScrollbackLines: lines scrolled off keep their styles; ED 2 keeps
// the screen in the scrollback, ED 3 clears it; the alternate screen adds
// nothing; the ring keeps the newest lines.
func TestVTScrollbackLines(t *testing.T) {
	term := New(2, 20, 3, nil)
	term.Write([]byte("\x1b[31mred\x1b[m plain\r\n\x1b]8;;http://x\x1b\\ln\x1b]8;;\x1b\\\r\nc\r\n"))
	if term.ScrollbackLen() != 2 || term.ScrollbackLine(0) != "\x1b[31mred\x1b[m plain" ||
		term.ScrollbackLine(1) != "\x1b]8;;http://x\x1b\\ln\x1b]8;;\x1b\\" || term.ScrollbackText(1) != "ln" {
		t.Fatalf("scrollback %d %q %q", term.ScrollbackLen(), term.ScrollbackLine(0), term.ScrollbackLine(1))
	}
	term.Write([]byte("d\r\ne\r\n"))
	if term.ScrollbackLen() != 3 || term.ScrollbackText(0) != "ln" || term.ScrollbackText(2) != "d" {
		t.Fatalf("ring: %d %q..%q", term.ScrollbackLen(), term.ScrollbackText(0), term.ScrollbackText(2))
	}
	term.Write([]byte("\x1b[?1049h" + strings.Repeat("alt\r\n", 10) + "\x1b[?1049l"))
	if term.ScrollbackText(2) != "d" {
		t.Fatalf("alternate screen reached the scrollback: %q", term.ScrollbackText(2))
	}
	term.Write([]byte("\x1b[Hkept\x1b[2J"))
	if term.ScrollbackText(2) != "kept" || term.Text() != "\n" {
		t.Fatalf("ED 2: %q, screen %q", term.ScrollbackText(2), term.Text())
	}
	term.Write([]byte("\x1b[3J"))
	if term.ScrollbackLen() != 0 {
		t.Fatalf("ED 3 left %d lines", term.ScrollbackLen())
	}
}

// TestVTScrollbackBlocksReused: a long run through a full scrollback keeps
// its memory bounded (blocks of dropped lines are reused).
func TestVTScrollbackBlocksReused(t *testing.T) {
	term := New(5, 80, 1000, nil)
	line := []byte("\x1b[32m" + strings.Repeat("x", 70) + "\x1b[m\r\n")
	for range 3000 {
		term.Write(line)
	}
	first := term.ScrollbackBytes()
	for range 30000 {
		term.Write(line)
	}
	if got := term.ScrollbackBytes(); got > first+2*sbBlockSize || term.ScrollbackLen() != 1000 {
		t.Fatalf("scrollback grew from %d to %d bytes (%d lines)", first, got, term.ScrollbackLen())
	}
	if term.ScrollbackLine(999) != string(line[:len(line)-2]) {
		t.Fatalf("newest line %q", term.ScrollbackLine(999))
	}
}

// TestVTDamage: ChangedRows reports exactly the touched rows, all rows
// after a scroll; Rows re-renders only dirty rows; a synchronized update
// holds the previous frame.
func TestVTDamage(t *testing.T) {
	term, _ := feed(t, 4, 10, "a\r\nb\r\nc")
	_ = term.Rows(nil)
	if got := term.ChangedRows(nil); len(got) != 4 {
		t.Fatalf("first frame changed %v", got)
	}
	term.Write([]byte("\x1b[2;1HB"))
	if got := term.ChangedRows(nil); len(got) != 1 || got[0] != 1 {
		t.Fatalf("changed %v, want [1]", got)
	}
	term.Write([]byte("\x1b[4;1H\n"))
	if got := term.ChangedRows(nil); len(got) != 4 {
		t.Fatalf("after a scroll changed %v, want all", got)
	}
	if got := strings.Join(term.Rows(nil), "|"); got != "B|c||" {
		t.Fatalf("rows %q", got)
	}
	term.Write([]byte("\x1b[?2026h\x1b[1;1Hhalf"))
	if got := strings.Join(term.Rows(nil), "|"); got != "B|c||" {
		t.Fatalf("rows during a synchronized update %q", got)
	}
	term.Write([]byte(" done\x1b[?2026l"))
	if got := strings.Join(term.Rows(nil), "|"); got != "half done|c||" {
		t.Fatalf("rows after the synchronized update %q", got)
	}
}

// TestVTModes: input modes and cursor state follow the program.
func TestVTModes(t *testing.T) {
	term, _ := feed(t, 3, 10, "\x1b[?1h\x1b=\x1b[?2004h\x1b[?1004h\x1b[?9h\x1b[?1002h\x1b[?1006h\x1b[>4;2m\x1b[?25l\x1b[?12h\x1b[4 q")
	want := Modes{AppCursor: true, AppKeypad: true, BracketedPaste: true, FocusEvents: true, Mouse: MouseButton, MouseSGR: true, ModifyOtherKeys: 2}
	if term.Modes() != want {
		t.Fatalf("modes %+v, want %+v", term.Modes(), want)
	}
	if c := term.Cursor(); c.Visible || c.Shape != CursorUnderline || c.Blink {
		t.Fatalf("cursor %+v", c)
	}
	term.Write([]byte("\x1b[?1002l\x1b>\x1b[?66h\x1b[?66l\x1b[?1l"))
	// One mouse mode at a time (xterm, tmux): resetting ?1002 ends
	// tracking although ?9 was set before it.
	if m := term.Modes(); m.Mouse != MouseOff || m.AppKeypad || m.AppCursor {
		t.Fatalf("modes %+v", m)
	}
	term.Write([]byte("\x1b[?1003h\x1b[?1000h"))
	if m := term.Modes(); m.Mouse != MouseNormal {
		t.Fatalf("the last mouse mode set should win: %+v", m)
	}
	term.Write([]byte("\x1bc"))
	if term.Modes() != (Modes{}) || !term.Cursor().Visible {
		t.Fatalf("after RIS %+v %+v", term.Modes(), term.Cursor())
	}
}

// TestVTBellsTitle: BEL counts, OSC titles, hyperlinks.
func TestVTBellsTitle(t *testing.T) {
	term, _ := feed(t, 3, 20, "\x07\x1b]0;first\x07\x07\x1b]2;second\x1b\\\x1b]1;icon\x07\x1b]8;id=1;http://a\x1b\\L\x1b]8;;\x1b\\N")
	if term.Bells() != 2 || term.Title() != "second" {
		t.Fatalf("bells %d title %q", term.Bells(), term.Title())
	}
	term.Write([]byte("\x1b[22;1t\x1b[22;2t\x1b]2;vim\x07"))
	if term.Title() != "vim" {
		t.Fatalf("title %q", term.Title())
	}
	term.Write([]byte("\x1b[23;1t\x1b[23;2t\x1b[23;0t"))
	if term.Title() != "second" {
		t.Fatalf("title after pop %q", term.Title())
	}
	l, _ := term.CellAt(0, 0)
	n, _ := term.CellAt(0, 1)
	if term.LinkURL(l.Link) != "http://a" || n.Link != 0 {
		t.Fatalf("links %+v %+v", l, n)
	}
}

// TestVTTablesBounded: endless distinct clusters and links do not grow the
// tables without bound.
func TestVTTablesBounded(t *testing.T) {
	term := New(4, 10, 10, nil)
	for i := range 20000 {
		term.Write([]byte("\x1b]8;;http://h/" + itoa(i) + "\x1b\\" + string(rune('a'+i%26)) + string(rune(0x300+i%100)) + string(rune(0x300+i/100%100)) + "\r\n"))
	}
	if len(term.links) > 1100 || len(term.clusters) > 1100 {
		t.Fatalf("tables: %d links, %d clusters", len(term.links), len(term.clusters))
	}
	checkInvariants(t, term)
	c, _ := term.CellAt(2, 0)
	if term.LinkURL(c.Link) != "http://h/19999" || term.CellText(c) != "f"+string(rune(0x300+99))+string(rune(0x300+99)) {
		t.Fatalf("cell after compaction: %q %q", term.LinkURL(c.Link), term.CellText(c))
	}
}

// TestVTReflow: soft-wrapped lines are rewrapped when the width changes,
// hard newlines are kept, the cursor moves with its text, rows that no
// longer fit go to the scrollback, wide characters are never split.
func TestVTReflow(t *testing.T) {
	term, _ := feed(t, 4, 10, "0123456789abcde\r\n$ ")
	wantText(t, term, "0123456789\nabcde\n$\n")
	term.Resize(4, 20)
	wantText(t, term, "0123456789abcde\n$\n\n")
	wantCursor(t, term, 1, 2)
	// Narrower: bottom anchored like tmux (checked against tmux 3.3a):
	// the rows above the cursor that do not fit go to the scrollback.
	term.Resize(4, 6)
	wantText(t, term, "cde\n$\n\n")
	wantCursor(t, term, 1, 2)
	if n := term.ScrollbackLen(); n != 2 || term.ScrollbackText(0) != "012345" || term.ScrollbackText(1) != "6789ab" {
		t.Fatalf("scrollback %d %q %q", n, term.ScrollbackText(0), term.ScrollbackText(1))
	}
	// The wrapped line comes back from the scrollback to be rewrapped.
	term.Resize(4, 4)
	wantText(t, term, "cde\n$\n\n")
	wantCursor(t, term, 1, 2)
	if n := term.ScrollbackLen(); n != 3 || term.ScrollbackText(0) != "0123" || term.ScrollbackText(2) != "89ab" {
		t.Fatalf("scrollback %d %q %q", n, term.ScrollbackText(0), term.ScrollbackText(2))
	}
	term.Write([]byte("typed"))
	wantText(t, term, "cde\n$ ty\nped\n")
	// Wider and taller: lines come back from the scrollback.
	term.Resize(6, 20)
	wantText(t, term, "0123456789abcde\n$ typed\n\n\n\n")
	wantCursor(t, term, 1, 7)
	if n := term.ScrollbackLen(); n != 0 {
		t.Fatalf("scrollback %d lines after growing", n)
	}
	checkInvariants(t, term)

	// Wide characters move whole to the next row.
	w, _ := feed(t, 3, 6, "ab中文字x\r\n")
	wantText(t, w, "ab中文\n字x\n")
	w.Resize(3, 5)
	wantText(t, w, "ab中\n文字x\n")
	w.Resize(3, 3)
	checkInvariants(t, w)
	w.Resize(3, 1)
	checkInvariants(t, w)
	w.Resize(3, 12)
	checkInvariants(t, w)

	// The cursor in the middle of wrapped text stays on its character.
	c, _ := feed(t, 3, 5, "abcdefgh\x1b[2;2H")
	c.Resize(3, 10)
	wantText(t, c, "abcdefgh\n\n")
	wantCursor(t, c, 0, 6)
	// The alternate screen is not reflowed; the main screen is, under it.
	a, _ := feed(t, 3, 5, "abcdefgh\x1b[?1049h\x1b[HALT-SCREEN")
	a.Resize(3, 10)
	wantText(t, a, "ALT-S\nCREEN\n")
	a.Write([]byte("\x1b[?1049l"))
	wantText(t, a, "abcdefgh\n\n")
	wantCursor(t, a, 0, 8)
}

// TestVTReviewFixes: cases a review found, each checked against xterm's or
// tmux's behaviour.
func TestVTReviewFixes(t *testing.T) {
	t.Run("tab stop at the old width after widening", func(t *testing.T) {
		// 16 -> 32 columns: the default stop at column 16 exists.
		term, _ := feed(t, 2, 16, "")
		term.Resize(2, 32)
		term.Write([]byte("\r\x1b[15G\tX"))
		if c := term.Cursor(); c.Col != 17 {
			t.Fatalf("X should be at column 16, cursor after it at 17; cursor %+v\n%s", c, term.Text())
		}
	})
	t.Run("ED 0 in mid-row ends the soft wrap", func(t *testing.T) {
		// zsh redraws a wrapped line with CSI J: after it the first row no
		// longer runs on into the second, so widening keeps two rows.
		term, _ := feed(t, 3, 10, "0123456789abcde\x1b[1;6H\x1b[J\r\nxyz")
		term.Resize(3, 30)
		wantText(t, term, "01234\nxyz\n")
	})
	t.Run("restored cursor stays in the region in origin mode", func(t *testing.T) {
		_, replies := feed(t, 20, 20, "\x1b[5;10r\x1b[?6h\x1b7\x1b[8;15r\x1b8\x1b[6n")
		if got := strings.Join(*replies, ""); got != "\x1b[1;1R" {
			t.Fatalf("CPR %q, want row 1 of the new region", got)
		}
	})
	t.Run("only ST ends a DCS or an APC", func(t *testing.T) {
		// xterm and tmux: a BEL inside them is data, the text after it
		// is still part of the string, not printed.
		term, _ := feed(t, 3, 20, "\x1bPq#0\x07ab\x1b\\cd\x1b_x\x07ef\x1b\\gh")
		wantText(t, term, "cdgh\n\n")
	})
	t.Run("DECRQSS only at the start of a DCS", func(t *testing.T) {
		// A sixel image's data may contain "$q": no reply may reach the
		// program's input.
		_, replies := feed(t, 3, 10, "\x1bP0;1q#0;2;0;0;0$q#0~~\x1b\\")
		if len(*replies) != 0 {
			t.Fatalf("replies to a sixel image: %q", *replies)
		}
		_, replies = feed(t, 3, 10, "\x1bP$qm\x1b\\")
		if got := strings.Join(*replies, ""); got != "\x1bP1$r0m\x1b\\" {
			t.Fatalf("DECRQSS m: %q", got)
		}
	})
}

// TestVTLinkedScrollbackBounded: a line whose link changes at every cell,
// each URL kilobytes long, keeps its text in the scrollback but not its
// links, so hostile output cannot make the scrollback gigabytes.
func TestVTLinkedScrollbackBounded(t *testing.T) {
	var b strings.Builder
	long := strings.Repeat("u", 4000)
	for x := range 40 {
		fmt.Fprintf(&b, "\x1b]8;;https://e/%d/%s\x1b\\%c", x, long, 'a'+x%26)
	}
	b.WriteString("\x1b]8;;\x1b\\\r\n")
	term, _ := feed(t, 2, 40, b.String()+"\x1b]8;;https://short\x1b\\link\x1b]8;;\x1b\\\r\n\r\n")
	if n := term.ScrollbackLen(); n < 2 {
		t.Fatalf("scrollback %d lines, want 2", n)
	}
	if got := term.ScrollbackText(0); got != "abcdefghijklmnopqrstuvwxyzabcdefghijklmn" {
		t.Fatalf("text of the over-long line %q", got)
	}
	if l := term.ScrollbackLine(0); len(l) > maxLinkedLine || strings.Contains(l, "\x1b]8") {
		t.Fatalf("over-long line kept %d bytes, links %v", len(l), strings.Contains(l, "\x1b]8"))
	}
	if l := term.ScrollbackLine(1); !strings.Contains(l, "\x1b]8;;https://short\x1b\\link") {
		t.Fatalf("a short line keeps its link: %q", l)
	}
}

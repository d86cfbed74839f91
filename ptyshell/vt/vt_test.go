package vt

import (
	"strings"
	"testing"
)

// feed returns a terminal of rows x cols after writing s, collecting
// replies into *replies when not nil.
func feed(t *testing.T, rows, cols int, s string) (*Terminal, *[]string) {
	t.Helper()
	var replies []string
	term := New(rows, cols, 100, func(b []byte) { replies = append(replies, string(b)) })
	if _, err := term.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return term, &replies
}

func wantText(t *testing.T, term *Terminal, want string) {
	t.Helper()
	if got := term.Text(); got != want {
		t.Fatalf("screen:\n%q\nwant:\n%q", got, want)
	}
}

func wantCursor(t *testing.T, term *Terminal, row, col int) {
	t.Helper()
	if c := term.Cursor(); c.Row != row || c.Col != col {
		t.Fatalf("cursor %d,%d, want %d,%d", c.Row, c.Col, row, col)
	}
}

func TestVTPrintAndScroll(t *testing.T) {
	term, _ := feed(t, 3, 10, "one\r\ntwo\r\nthree\r\nfour")
	wantText(t, term, "two\nthree\nfour")
	wantCursor(t, term, 2, 4)
	if term.ScrollbackLen() != 1 || term.ScrollbackText(0) != "one" {
		t.Fatalf("scrollback %d %q", term.ScrollbackLen(), term.ScrollbackText(0))
	}
}

func TestVTAutowrapPending(t *testing.T) {
	term, _ := feed(t, 3, 5, "abcde")
	wantCursor(t, term, 0, 4)
	wantText(t, term, "abcde\n\n")
	term.Write([]byte("f"))
	wantText(t, term, "abcde\nf\n")
	term.Write([]byte("\x1b[?7l\x1b[3;1Hxyzuvwq"))
	wantText(t, term, "abcde\nf\nxyzuq")
}

func TestVTSGRRender(t *testing.T) {
	term, _ := feed(t, 2, 40, "a\x1b[1;31mb\x1b[22mc\x1b[0m d\x1b[38;2;1;2;3;48;5;200me\x1b[m   ")
	rows := term.Rows(nil)
	want := "a\x1b[1;31mb\x1b[22mc\x1b[m d\x1b[38;2;1;2;3;48;5;200me\x1b[m"
	if rows[0] != want {
		t.Fatalf("row %q want %q", rows[0], want)
	}
	if strings.TrimSpace(rows[1]) != "" {
		t.Fatalf("row 1 %q", rows[1])
	}
}

// BenchmarkVTSeq: the core alone on `seq 1 200000` bytes at 120x40 with a
// full 10,000-line scrollback.
func BenchmarkVTSeq(b *testing.B) {
	var data []byte
	for i := 1; i <= 200000; i++ {
		data = append(data, []byte(itoa(i))...)
		data = append(data, '\r', '\n')
	}
	term := New(40, 120, 10000, nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		term.Write(data)
	}
}

// BenchmarkVTResizeFullScrollback: a width change with 10,000 coloured
// lines of scrollback, which are all rewrapped (as tmux does).
func BenchmarkVTResizeFullScrollback(b *testing.B) {
	term := New(40, 120, 10000, nil)
	line := []byte(strings.Repeat("\x1b[38;5;33mcoloured\x1b[0m \x1b[1;31mtext\x1b[0m ", 8) + "\r\n")
	for range 10040 {
		term.Write(line)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		term.Resize(40, 100+20*(i%2))
	}
}

// BenchmarkVTFrame: every row of a 120x40 screen rendered into new
// strings (the row cache emptied first), for a shell-like screen, a
// coloured log and a screen where every cell changes both colours.
func BenchmarkVTFrame(b *testing.B) {
	var typical, dense strings.Builder
	for i := range 20 {
		typical.WriteString("\x1b[1;32muser@host\x1b[m:\x1b[1;34m~/src\x1b[m$ ls -l file" + itoa(i) + "\r\n-rw-r--r-- 1 user user " + itoa(i*37) + " Nov 29 file" + itoa(i) + ".go\r\n")
	}
	for y := range 40 {
		for x := range 120 {
			dense.WriteString("\x1b[38;5;" + itoa((x+y)%256) + ";48;5;" + itoa((x*3+y)%256) + "m" + string(rune('a'+(x+y)%26)))
		}
		if y < 39 {
			dense.WriteString("\r\n")
		}
	}
	var log strings.Builder
	for i := range 60 {
		log.WriteString("\x1b[38;5;" + itoa(i%256) + "m" + itoa(100000+i) + "\x1b[0m \x1b[1;32mINFO\x1b[0m \x1b[38;2;" + itoa(i%256) +
			";100;200mrequest handled\x1b[0m path=/api/v1/items/" + itoa(i) + " status=\x1b[33m200\x1b[0m\r\n")
	}
	for _, c := range []struct{ name, data string }{{"typical", typical.String()}, {"colourlog", log.String()}, {"percell", dense.String()}} {
		b.Run(c.name, func(b *testing.B) {
			term := New(40, 120, 100, nil)
			term.Write([]byte(c.data))
			rows := term.Rows(nil)
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range term.scr.lines {
					l.dirty, l.cache = true, ""
				}
				rows = term.Rows(rows)
			}
		})
	}
}

// TestVTEmojiWidthsAreWcwidth checks that emoji sequences take the columns
// glibc's wcwidth gives each code point, as the shell's line editor counts
// them (and Bubble Tea's renderer, by default): a variation selector, a
// zero width joiner and a combining mark take none, a skin tone modifier
// is wide on its own (tmux 3.3a agrees; it joins ZWJ sequences, which
// bash does not).
func TestVTEmojiWidthsAreWcwidth(t *testing.T) {
	for _, c := range []struct {
		s    string
		cols int
	}{
		{"❤️", 1},
		{"❤", 1},
		{"⌚", 2},
		{"👍🏽", 4},
		{"👨\u200d👩\u200d👧", 6},
		{"🇩🇪", 2},
		{"日本", 4},
		{"e\u0301", 1},
	} {
		term, _ := feed(t, 2, 20, c.s+"|")
		if got := term.Cursor().Col - 1; got != c.cols {
			t.Errorf("%q took %d columns, want %d", c.s, got, c.cols)
		}
		if got := term.Text(); !strings.HasPrefix(got, c.s+"|") {
			t.Errorf("%q: screen %q, want the sequence kept whole", c.s, got)
		}
	}
}

// TestVTRuneWidthLikeGlibc: marks of every script take no column, as
// glibc's wcwidth (2.36, so bash and tmux) says; checked against it for
// every assigned code point when this table was written.
func TestVTRuneWidthLikeGlibc(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want int
	}{
		{0x0301, 0}, {0x0981, 0}, {0x09c1, 0}, {0x0730, 0}, {0x08e3, 0}, // combining marks: Latin, Bengali, Syriac, Arabic
		{0x20dd, 0}, {0x200b, 0}, {0x2066, 0}, {0xe0001, 0}, {0xfe0f, 0}, // enclosing mark, format characters, variation selector
		{0x1160, 0}, {0xd7b0, 0}, // Hangul medial vowels
		{0x0600, 1}, {0x110bd, 1}, // prepended concatenation marks are shown
		{0x4dc0, 2}, {0x1f260, 2}, {0x1aff0, 2}, {0x4e00, 2}, {0xac00, 2}, {0x1f44d, 2}, {0x1f3fd, 2},
		{0x00e9, 1}, {0x2500, 1}, {0x2764, 1},
	} {
		if got := runeWidth(c.r); got != c.want {
			t.Errorf("runeWidth(U+%04X) = %d, want %d", c.r, got, c.want)
		}
	}
}

// TestVTUnassignedShownAsReplacement: a code point no terminal agrees on
// (unassigned: glibc's wcwidth says -1) is kept as U+FFFD, one column,
// which every terminal draws the same, so random bytes cannot shift the
// rest of a row in the UI's own terminal. Private use characters (Nerd
// Font icons) stay.
func TestVTUnassignedShownAsReplacement(t *testing.T) {
	term, _ := feed(t, 2, 20, "a\U00074C33b\u0378c\U000F0000d|")
	wantText(t, term, "a\ufffdb\ufffdc\U000F0000d|\n")
	wantCursor(t, term, 0, 8)
}

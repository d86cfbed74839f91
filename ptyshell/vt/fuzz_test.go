package vt

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nstui/nstui/ptyshell/internal/fuzzseed"
)

// checkInvariants fails when the screen model is inconsistent.
func checkInvariants(t *testing.T, term *Terminal) {
	t.Helper()
	if term.x < 0 || term.x >= term.cols || term.y < 0 || term.y >= term.rows {
		t.Fatalf("cursor %d,%d outside %dx%d", term.y, term.x, term.rows, term.cols)
	}
	if term.top < 0 || term.top > term.bot || term.bot >= term.rows {
		t.Fatalf("region %d..%d of %d rows", term.top, term.bot, term.rows)
	}
	if len(term.seq) > maxString || len(term.clusters) > max(1024, 2*term.rows*term.cols)+1 || len(term.links) > 1<<16 {
		t.Fatalf("tables grew: seq %d clusters %d links %d", len(term.seq), len(term.clusters), len(term.links))
	}
	refs := 0
	for id, b := range term.sb.blocks {
		refs += b.refs
		if b.refs < 0 {
			t.Fatalf("block %d refs %d", id, b.refs)
		}
	}
	if refs != term.sb.len() || term.sb.len() > term.sb.max {
		t.Fatalf("scrollback: %d lines, %d block refs, max %d", term.sb.len(), refs, term.sb.max)
	}
	for i := range term.sb.len() {
		r := term.sb.rec(i)
		if int(r.blk) >= len(term.sb.blocks) || int(r.off+r.n) > len(term.sb.blocks[r.blk].buf) {
			t.Fatalf("scrollback line %d: %+v outside its block", i, *r)
		}
	}
	for _, s := range [2]*screen{term.main, term.alt} {
		if len(s.lines) != term.rows {
			t.Fatalf("%d lines for %d rows", len(s.lines), term.rows)
		}
		for y, l := range s.lines {
			if len(l.cells) != term.cols || l.n < 0 || l.n > term.cols {
				t.Fatalf("row %d: %d cells, n %d, cols %d", y, len(l.cells), l.n, term.cols)
			}
			for x, c := range l.cells {
				if x >= l.n && c != (Cell{}) {
					t.Fatalf("row %d col %d beyond n=%d not empty: %+v", y, x, l.n, c)
				}
				if c.A&AttrWide != 0 && (x+1 >= term.cols || l.cells[x+1].A&AttrCont == 0) {
					t.Fatalf("row %d col %d: wide char without its second column", y, x)
				}
				if c.A&AttrCont != 0 && (x == 0 || l.cells[x-1].A&AttrWide == 0) {
					t.Fatalf("row %d col %d: second column without its wide char", y, x)
				}
				if c.R < 0 && int(-c.R-1) >= len(term.clusters) {
					t.Fatalf("row %d col %d: cluster %d of %d", y, x, -c.R-1, len(term.clusters))
				}
				if int(c.Link) >= len(term.links) {
					t.Fatalf("row %d col %d: link %d of %d", y, x, c.Link, len(term.links))
				}
				if !l.styled && (c.A != 0 || c.Fg|c.Bg|c.Ul != 0 || c.Link != 0 || c.R < 0 || c.R >= 0x80) {
					t.Fatalf("row %d col %d: styled cell %+v in a row marked plain", y, x, c)
				}
			}
		}
	}
}

// exercise feeds data in two halves with a resize between, checks the
// model, then checks the terminal is still usable after CAN and RIS.
func exercise(t *testing.T, data []byte) {
	var replies int
	term := New(12, 30, 50, func(b []byte) { replies += len(b) })
	rows, cols := 12, 30
	if len(data) > 2 {
		rows, cols = int(data[0])%40+1, int(data[1])%120+1
	}
	half := len(data) / 2
	_, _ = term.Write(data[:half])
	checkInvariants(t, term)
	term.Resize(rows, cols)
	checkInvariants(t, term)
	_, _ = term.Write(data[half:])
	checkInvariants(t, term)
	if n := len(data); n > 4 {
		term.Resize(int(data[n-1])%50+1, int(data[n-2])%150+1)
		checkInvariants(t, term)
		term.Resize(int(data[n-3])%50+1, int(data[n-4])%150+1)
		checkInvariants(t, term)
	}
	_ = term.Rows(nil)
	_ = term.ChangedRows(nil)
	_ = term.Text()
	for i := range term.ScrollbackLen() {
		_ = term.ScrollbackLine(i)
		_ = term.ScrollbackText(i)
	}
	term.Resize(5, 20)
	_, _ = term.Write([]byte("\x18\x1b\\\x1bcUSABLE-42"))
	if got := term.Text(); !strings.HasPrefix(got, "USABLE-42") {
		t.Fatalf("unusable after %q: %q", data, got)
	}
	if r := term.Rows(nil); len(r) != 5 || r[0] != "USABLE-42" {
		t.Fatalf("rows after reset: %q", r)
	}
}

// FuzzVTWrite: arbitrary output and resizes never panic, never break the
// screen model, and leave the terminal usable.
func FuzzVTWrite(f *testing.F) {
	for _, s := range fuzzseed.Seeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { exercise(t, data) })
}

// TestVTRandomStreams runs fixed pseudo-random streams built from escape
// sequence fragments (what a fuzzer reaches slowly), with random resizes
// and random write boundaries, checking the model after every write.
func TestVTRandomStreams(t *testing.T) {
	frags := []string{"\x1b[", "\x1b]", "\x1bP", "\x1b", ";", ":", "?", ">", "$", " ", "!", "#", "(", ")", "0", "1", "2", "5", "9", "38", "48", "58",
		"m", "H", "J", "K", "L", "M", "P", "@", "X", "S", "T", "r", "h", "l", "b", "q", "p", "n", "c", "s", "u", "g", "I", "Z", "d", "G",
		"\r", "\n", "\t", "\b", "\x07", "\x0e", "\x0f", "\x18", "\x1b\\", "abc", "xyz ", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xcc\x81", "\xe2\x80\x8d",
		"\xff", "\xe4", "1049", "47", "1047", "6", "7", "2026", "4", "20", "8;;http://a", "\x1bc", "\x1b#8", "\x1bM", "\x1bD", "\x1b7", "\x1b8"}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 42))
		term := New(rng.IntN(30)+1, rng.IntN(90)+1, rng.IntN(60), nil)
		for range 40 {
			var b []byte
			for range rng.IntN(60) {
				b = append(b, frags[rng.IntN(len(frags))]...)
			}
			_, _ = term.Write(b)
			if rng.IntN(4) == 0 {
				term.Resize(rng.IntN(30)+1, rng.IntN(90)+1)
			}
			checkInvariants(t, term)
		}
		_ = term.Rows(nil)
	}
}

// TestVTSplitWritesSameScreen: any split of a stream into writes gives the
// same screen as one write.
func TestVTSplitWritesSameScreen(t *testing.T) {
	stream := []byte(strings.Join(fuzzseed.Seeds()[:12], "") + "\x1b[1;31m\xe4\xb8\xade\xcc\x81\x1b]2;t\x1b\\\x1b[10;10Hend")
	whole := New(10, 40, 50, nil)
	_, _ = whole.Write(stream)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		term := New(10, 40, 50, nil)
		for p := stream; len(p) > 0; {
			n := min(len(p), rng.IntN(7)+1)
			_, _ = term.Write(p[:n])
			p = p[n:]
		}
		if term.Text() != whole.Text() || strings.Join(term.Rows(nil), "\n") != strings.Join(whole.Rows(nil), "\n") || term.Cursor() != whole.Cursor() {
			t.Fatalf("split writes differ:\n%q\nwhole:\n%q", term.Text(), whole.Text())
		}
	}
}

package ptyshell

// Differential tests of the terminal emulator: the candidate (nstui's own
// emulator) and the oracle (x/vt, through NewVTEmulator) are fed the same
// recorded byte streams of real programs (testdata/streams, re-recorded by
// testdata/record.sh) with the same resizes in between, and their screens are
// compared cell by cell at every checkpoint of the recording. Where they
// disagree, tmux, replaying the same bytes in a detached pane of the same
// size, is the second oracle: a difference where the candidate agrees with
// tmux must be listed in diffKnownDiffs with the reason; any other
// difference fails the test. The candidate is also compared with tmux
// directly (both emulators can share a mistake), with the same streams cut
// into random tiny writes, and with x/vt on live bash and vim sessions.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// diffCandidate is the emulator under test.
func diffCandidate() EmulatorFactory { return NewNativeEmulator }

// diffOracle is the reference emulator.
func diffOracle() EmulatorFactory { return NewVTEmulator }

// diffEvent is one record of a stream: output bytes, a resize or a
// checkpoint.
type diffEvent struct {
	kind       byte // 'D', 'R', 'C'
	data       []byte
	rows, cols int
	label      string
}

// diffStream is a recorded program session.
type diffStream struct {
	name       string
	rows, cols int
	events     []diffEvent
}

// loadDiffStream reads testdata/streams/<name>.stream.gz (format in
// testdata/record.sh).
func loadDiffStream(t testing.TB, path string) diffStream {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("stream %s: %v", path, err)
	}
	r := bufio.NewReader(zr)
	s := diffStream{name: strings.TrimSuffix(filepath.Base(path), ".stream.gz")}
	line := func() string {
		l, err := r.ReadString('\n')
		if err == io.EOF && l == "" {
			return ""
		}
		if err != nil {
			t.Fatalf("stream %s: %v", s.name, err)
		}
		return strings.TrimSuffix(l, "\n")
	}
	if h := line(); h != "nstui-stream 1" {
		t.Fatalf("stream %s: bad header %q", s.name, h)
	}
	if _, err := fmt.Sscanf(line(), "size %d %d", &s.rows, &s.cols); err != nil {
		t.Fatalf("stream %s: size line: %v", s.name, err)
	}
	for {
		l := line()
		if l == "" {
			break
		}
		kind, arg, _ := strings.Cut(l, " ")
		switch kind {
		case "D":
			n, err := strconv.Atoi(arg)
			if err != nil {
				t.Fatalf("stream %s: %q: %v", s.name, l, err)
			}
			b := make([]byte, n+1)
			if _, err := io.ReadFull(r, b); err != nil || b[n] != '\n' {
				t.Fatalf("stream %s: short data record (%v)", s.name, err)
			}
			s.events = append(s.events, diffEvent{kind: 'D', data: b[:n]})
		case "R":
			var e diffEvent
			e.kind = 'R'
			if _, err := fmt.Sscanf(arg, "%d %d", &e.rows, &e.cols); err != nil {
				t.Fatalf("stream %s: %q: %v", s.name, l, err)
			}
			s.events = append(s.events, e)
		case "C":
			s.events = append(s.events, diffEvent{kind: 'C', label: arg})
		default:
			t.Fatalf("stream %s: unknown record %q", s.name, l)
		}
	}
	return s
}

// diffStreams loads every recorded stream.
func diffStreams(t testing.TB) []diffStream {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "streams", "*.stream.gz"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no recorded streams in testdata/streams (%v): run testdata/record.sh", err)
	}
	var out []diffStream
	for _, p := range paths {
		out = append(out, loadDiffStream(t, p))
	}
	return out
}

// diffScreen is what an emulator shows at a checkpoint.
type diffScreen struct {
	rows, cols int
	cells      [][]Cell
	text       []string
	cursor     Cursor
	alt        bool
	modes      Modes
	title      string
	scrollback []string
}

// diffSnap reads the whole visible state of e.
func diffSnap(e Emulator) diffScreen {
	rows, cols := e.Size()
	s := diffScreen{rows: rows, cols: cols, text: strings.Split(e.Text(), "\n"), cursor: e.Cursor(),
		alt: e.AltScreen(), modes: e.Modes(), title: e.Title()}
	s.cells = make([][]Cell, rows)
	for y := range rows {
		s.cells[y] = make([]Cell, cols)
		for x := range cols {
			c, _ := e.Cell(y, x)
			s.cells[y][x] = normCell(c)
		}
	}
	for i := range e.ScrollbackLen() {
		s.scrollback = append(s.scrollback, e.ScrollbackText(i))
	}
	return s
}

// normCell maps the two spellings of a blank cell to one, and drops the
// style of the continuation column of a wide character (the character's
// own cell draws both columns; x/vt leaves it unstyled, others copy the
// pen, nothing shows it).
func normCell(c Cell) Cell {
	if c.Text == "" && c.Width == 1 {
		c.Text = " "
	}
	if c.Width == 0 {
		c = Cell{}
	}
	return c
}

// diffPoint is a checkpoint of a replay.
type diffPoint struct {
	label  string
	offset int // stream bytes fed before it
	screen diffScreen
	// narrowed: the width of the main screen changed earlier in the
	// stream (x/vt does not reflow wrapped lines then; xterm and tmux do).
	narrowed bool
}

// diffChunker splits the bytes between two events into writes.
type diffChunker func(p []byte) [][]byte

// recordedChunks writes each recorded read as one Write.
func recordedChunks(p []byte) [][]byte { return [][]byte{p} }

// randomChunks splits p at random points (many tiny writes, so escape
// sequences and UTF-8 characters are cut in every place).
func randomChunks(seed uint64) diffChunker {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(p []byte) [][]byte {
		var out [][]byte
		for len(p) > 0 {
			n := 1 + rng.IntN(7)
			if rng.IntN(4) == 0 {
				n = 1 + rng.IntN(300)
			}
			n = min(n, len(p))
			out = append(out, p[:n])
			p = p[n:]
		}
		return out
	}
}

// diffReplay feeds s to a new emulator built by f and returns its screens at
// every checkpoint (and before every resize).
func diffReplay(t testing.TB, f EmulatorFactory, s diffStream, chunk diffChunker) []diffPoint {
	t.Helper()
	e := f(s.rows, s.cols, 1000, func([]byte) {}, t.Logf)
	defer e.Close()
	var pts []diffPoint
	off := 0
	narrowed := false
	for _, ev := range s.events {
		switch ev.kind {
		case 'D':
			for _, c := range chunk(ev.data) {
				if _, err := e.Write(c); err != nil {
					t.Fatalf("%s: write: %v", s.name, err)
				}
			}
			off += len(ev.data)
		case 'R':
			pts = append(pts, diffPoint{label: fmt.Sprintf("before resize to %dx%d", ev.rows, ev.cols), offset: off, screen: diffSnap(e), narrowed: narrowed})
			if _, cols := e.Size(); cols != ev.cols && !e.AltScreen() {
				narrowed = true
			}
			e.Resize(ev.rows, ev.cols)
		case 'C':
			pts = append(pts, diffPoint{label: ev.label, offset: off, screen: diffSnap(e), narrowed: narrowed})
		}
	}
	return pts
}

// diffItem is one difference between two screens.
type diffItem struct {
	field     string // "size", "cell", "text", "cursor", "alt", "modes", "title", "scrollback"
	row, col  int
	want, got string // oracle's, candidate's
}

func (d diffItem) String() string {
	switch d.field {
	case "cell", "text", "scrollback":
		return fmt.Sprintf("%s row %d col %d: oracle %s, candidate %s", d.field, d.row, d.col, d.want, d.got)
	}
	return fmt.Sprintf("%s: oracle %s, candidate %s", d.field, d.want, d.got)
}

// diffCompare lists the differences between the oracle's screen a and the
// candidate's b: every cell, row text, cursor, alt screen, modes, title and
// scrollback text. Cell differences on a row whose text differs are folded
// into the row's text difference.
func diffCompare(a, b diffScreen) []diffItem {
	var out []diffItem
	if a.rows != b.rows || a.cols != b.cols {
		return []diffItem{{field: "size", want: fmt.Sprintf("%dx%d", a.rows, a.cols), got: fmt.Sprintf("%dx%d", b.rows, b.cols)}}
	}
	for y := range a.rows {
		at, bt := rowAt(a.text, y), rowAt(b.text, y)
		if at != bt {
			out = append(out, diffItem{field: "text", row: y, col: firstDiff(at, bt), want: strconv.Quote(at), got: strconv.Quote(bt)})
			continue
		}
		for x := range a.cols {
			if a.cells[y][x] != b.cells[y][x] {
				out = append(out, diffItem{field: "cell", row: y, col: x, want: fmtCell(a.cells[y][x]), got: fmtCell(b.cells[y][x])})
			}
		}
	}
	ac, bc := a.cursor, b.cursor
	if ac.Row != bc.Row || ac.Col != bc.Col || ac.Visible != bc.Visible || ac.Shape != bc.Shape {
		out = append(out, diffItem{field: "cursor", want: fmt.Sprintf("%+v", ac), got: fmt.Sprintf("%+v", bc)})
	}
	if ac.Blink != bc.Blink {
		out = append(out, diffItem{field: "cursor-blink", want: strconv.FormatBool(ac.Blink), got: strconv.FormatBool(bc.Blink)})
	}
	if a.alt != b.alt {
		out = append(out, diffItem{field: "alt", want: strconv.FormatBool(a.alt), got: strconv.FormatBool(b.alt)})
	}
	if a.modes != b.modes {
		out = append(out, diffItem{field: "modes", want: fmt.Sprintf("%+v", a.modes), got: fmt.Sprintf("%+v", b.modes)})
	}
	if a.title != b.title {
		out = append(out, diffItem{field: "title", want: strconv.Quote(a.title), got: strconv.Quote(b.title)})
	}
	if !slices.Equal(a.scrollback, b.scrollback) {
		i := 0
		for i < len(a.scrollback) && i < len(b.scrollback) && a.scrollback[i] == b.scrollback[i] {
			i++
		}
		out = append(out, diffItem{field: "scrollback", row: i, want: fmt.Sprintf("%d lines, line %d %q", len(a.scrollback), i, rowAt(a.scrollback, i)),
			got: fmt.Sprintf("%d lines, line %d %q", len(b.scrollback), i, rowAt(b.scrollback, i))})
	}
	return out
}

func rowAt(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return ""
}

// firstDiff returns the column (in runes) where a and b first differ.
func firstDiff(a, b string) int {
	ar, br := []rune(a), []rune(b)
	i := 0
	for i < len(ar) && i < len(br) && ar[i] == br[i] {
		i++
	}
	return i
}

func fmtColor(c Color) string {
	switch c.Kind {
	case ColorIndexed:
		return strconv.Itoa(int(c.Index))
	case ColorRGB:
		return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
	}
	return "def"
}

func fmtCell(c Cell) string {
	s := fmt.Sprintf("{%q w%d fg=%s bg=%s", c.Text, c.Width, fmtColor(c.Fg), fmtColor(c.Bg))
	if c.Attrs != 0 {
		s += fmt.Sprintf(" attrs=%#x", uint16(c.Attrs))
	}
	if c.Underline != UnderlineNone {
		s += fmt.Sprintf(" ul=%d", c.Underline)
	}
	if c.UlColor.Kind != ColorDefault {
		s += " ulc=" + fmtColor(c.UlColor)
	}
	if c.Link != "" {
		s += " link=" + c.Link
	}
	return s + "}"
}

// diffDump renders rows around row y of s with their cells, for a finding.
func diffDump(s diffScreen, y int) string {
	var b strings.Builder
	for r := max(0, y-1); r <= min(s.rows-1, y+1); r++ {
		fmt.Fprintf(&b, "    row %2d %q\n", r, rowAt(s.text, r))
	}
	if y >= 0 && y < s.rows {
		b.WriteString("    cells:")
		n := 0
		for x, c := range s.cells[y] {
			if c.Text == " " && c.Fg.Kind == ColorDefault && c.Bg.Kind == ColorDefault && c.Attrs == 0 && c.Underline == 0 {
				continue
			}
			if n == 12 {
				b.WriteString(" ...")
				break
			}
			fmt.Fprintf(&b, " %d:%s", x, fmtCell(c))
			n++
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// diffKnown is a difference between the candidate and x/vt where the
// candidate does what xterm and tmux do and x/vt does not. The test asserts
// the candidate's behaviour for these: with tmux present, the candidate must
// agree with tmux's replay of the same bytes there.
type diffKnown struct {
	stream string // stream name ("" any)
	at     string // checkpoint label ("" any)
	field  string // diffItem.field
	want   string // a substring of the oracle's value ("" any)
	seq    string // the sequence or situation
	why    string // what xterm/tmux do and why x/vt is wrong
	// notTmux: tmux's own policy differs from xterm's here, so tmux
	// cannot arbitrate; the candidate follows xterm.
	notTmux bool
	// resized: applies only at checkpoints after a width change.
	resized bool
	// match, when set, must also accept the difference.
	match func(d diffItem) bool
}

// diffKnownDiffs is the table of documented differences.
func diffKnownDiffs() []diffKnown {
	return []diffKnown{
		{stream: "torture", at: "wide", field: "text", seq: "a wide character written at the last column, or when one column is left",
			why: "xterm and tmux print a wide character that fits exactly in the last two columns there, and wrap one that " +
				"does not fit to the next row (leaving the last column blank); x/vt v0.1.0 drops both characters."},
		{stream: "torture", at: "wide", field: "cursor", seq: "the wrapped wide characters above",
			why: "follows from the two rows x/vt loses: the prompt ends two rows lower, as in tmux."},
		{stream: "torture", at: "sgr", field: "cell", seq: "CSI 21 m",
			why: "SGR 21 is doubly underlined in xterm (since patch 297), ECMA-48 and tmux; x/vt ignores it."},
		{stream: "torture", at: "charset", field: "text", seq: "ESC ) 0 then SO ... SI",
			why: "SO (0x0e) invokes G1 into GL: with G1 designated DEC special graphics, 'qqq' is drawn as '───' by xterm " +
				"and tmux; x/vt ignores SO/SI."},
		{stream: "dialog", field: "text", seq: "CSI ? 1049 l while the main screen is shown",
			why: "xterm (FromAlternate, then CursorRestore unconditionally) and tmux restore the cursor saved by " +
				"CSI ? 1049 h even when the alternate screen is no longer shown; dialog relies on it when it exits " +
				"(its prompt goes back to the top). x/vt ignores the restore, leaving the prompt at the bottom."},
		{stream: "dialog", field: "cursor", seq: "CSI ? 1049 l while the main screen is shown", why: "as above"},
		{stream: "dialog-c", field: "text", seq: "CSI ? 1049 l while the main screen is shown", why: "as for dialog"},
		{stream: "dialog-c", field: "cursor", seq: "CSI ? 1049 l while the main screen is shown", why: "as for dialog"},
		{stream: "dialog", field: "scrollback", seq: "CSI ? 1049 l while the main screen is shown",
			why: "x/vt's prompt at the bottom scrolls the first box into the scrollback; xterm's and tmux's does not"},
		{stream: "dialog-c", field: "scrollback", seq: "CSI ? 1049 l while the main screen is shown", why: "as for dialog"},
		{field: "text", resized: true, seq: "a width change of the main screen",
			why: "xterm and tmux reflow soft-wrapped lines to the new width (and the rows that no longer fit go to " +
				"the scrollback); x/vt cuts them at the right margin and keeps the rows."},
		{field: "cursor", resized: true, seq: "a width change of the main screen", why: "the cursor moves with its reflowed line"},
		{field: "scrollback", resized: true, seq: "a width change of the main screen",
			why: "reflowed rows that no longer fit go to the scrollback. Lines already in the scrollback keep the " +
				"breaks they had (xterm does not reflow; tmux reflows its history too): checked against tmux's " +
				"history as text, line breaks aside."},
		{field: "cell", resized: true, seq: "a width change of the main screen", why: "the cells move with their reflowed lines"},
		{stream: "top", field: "cell", notTmux: true, seq: "a line written up to the last column, then EL (CSI K)",
			match: func(d diffItem) bool { return d.col == 79 || d.col == 109 || d.col == 69 },
			why: "after a character in the last column the cursor stays on that column with a wrap pending; xterm's " +
				"EL then erases from the cursor, the last column included (top's reverse-video header loses its last " +
				"cell). tmux keeps its cursor one past the margin, so its EL erases nothing there."},
		{stream: "top", field: "text", notTmux: true, seq: "a line written up to the last column, then EL (CSI K)",
			match: func(d diffItem) bool {
				// vs-tmux: got is the candidate's row, want "tmux shows <row>";
				// the candidate's row is tmux's without its last character.
				got, err := strconv.Unquote(d.got)
				tm, ok := strings.CutPrefix(d.want, "tmux shows ")
				if err != nil || !ok {
					return false
				}
				tm, err = strconv.Unquote(tm)
				return err == nil && len(tm) == len(got)+1 && strings.HasPrefix(tm, got)
			},
			why: "as above, for rows whose last column holds text (top's summary lines at 70 columns)"},
		{stream: "torture", at: "sgr", field: "cell", notTmux: true, seq: "CSI 6 m",
			match: func(d diffItem) bool {
				return strings.Contains(d.want, "attrs=0x8") && strings.Contains(d.got, "attrs=0x10")
			},
			why: "SGR 6 is rapid blink in ECMA-48 and in the emulator interface (AttrRapidBlink); tmux has one blink " +
				"attribute and reports SGR 6 as SGR 5."},
		{stream: "torture", at: "region", field: "scrollback", want: `line 0 "row 05"`, notTmux: true,
			seq: "LF at the bottom of a scroll region whose top is not the first row (CSI 5;15 r)",
			why: "xterm keeps in its scrollback only the lines scrolled off a region that starts at the first row; a line " +
				"scrolled off the top of an inner region is gone. x/vt and tmux (grid_scroll_history_region) keep it."},
		{stream: "torture", at: "wide", field: "scrollback", notTmux: true, seq: "ESC c (RIS)",
			why: "tmux handles RIS as a clear and, with scroll-on-clear, pushes the screen into its history; xterm " +
				"resets without saving lines, as the candidate and x/vt do."},
		{stream: "htop", at: "end", field: "scrollback", notTmux: true, seq: "CSI ? 1049 l after a resize on the alternate screen",
			why: "xterm never puts what the alternate screen showed into the scrollback (nor do the candidate and " +
				"x/vt); tmux 3.3 has htop's last alternate-screen rows in its history once htop leaves it."},
		{stream: "torture", field: "text", want: "old-alt-47", seq: "CSI ? 47 h text CSI ? 47 l, then CSI ? 1047 h/l",
			why: "mode 47 switches to the alternate screen without clearing it and 1047 clears it on leaving: the text " +
				"goes to the alternate screen and the main screen keeps only the cursor's column (xterm, tmux); x/vt " +
				"writes it on the main screen."},
	}
}

func (k diffKnown) matches(stream string, p diffPoint, d diffItem) bool {
	return (k.stream == "" || k.stream == stream) && (k.at == "" || k.at == p.label) && k.field == d.field &&
		strings.Contains(d.want, k.want) && (!k.resized || p.narrowed) && (k.match == nil || k.match(d))
}

// TestDiffStreamsSelfConsistent feeds every stream to the candidate in the
// recorded chunking and in random tiny writes: the screens must be the same
// at every checkpoint, so no sequence split across writes is lost.
func TestDiffStreamsSelfConsistent(t *testing.T) {
	for _, s := range diffStreams(t) {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			want := diffReplay(t, diffCandidate(), s, recordedChunks)
			for seed := range uint64(2) {
				got := diffReplay(t, diffCandidate(), s, randomChunks(seed+1))
				for i, p := range want {
					ds := diffCompare(p.screen, got[i].screen)
					if len(ds) > 0 {
						t.Fatalf("%s at %q (byte %d): random chunking (seed %d) changes the screen: %d differences, first: %v\nrecorded chunking:\n%s\nrandom chunking:\n%s",
							s.name, p.label, p.offset, seed+1, len(ds), ds[0], diffDump(p.screen, ds[0].row), diffDump(got[i].screen, ds[0].row))
					}
				}
			}
		})
	}
}

// TestDiffStreams replays every stream into the oracle (x/vt), the
// candidate and tmux, in parallel per stream, and compares at every
// checkpoint: vs-xvt checks each difference between the candidate and x/vt
// (tmux arbitrates; see diffCheckOracle), vs-tmux compares the candidate
// with tmux directly (see diffCheckTmux).
func TestDiffStreams(t *testing.T) {
	tm := newDiffTmux(t)
	known := diffKnownDiffs()
	streams := diffStreams(t)
	used := make([][]bool, len(streams)) // known[j] explained a difference of stream i
	t.Run("each", func(t *testing.T) {
		for i, s := range streams {
			used[i] = make([]bool, len(known))
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				want := diffReplay(t, diffOracle(), s, recordedChunks)
				got := diffReplay(t, diffCandidate(), s, recordedChunks)
				var tmx []diffTmuxScreen
				if tm != nil {
					tmx = tm.replay(t, s)
				}
				t.Run("vs-xvt", func(t *testing.T) { diffCheckOracle(t, s, known, used[i], want, got, tmx) })
				t.Run("vs-tmux", func(t *testing.T) {
					if tmx == nil {
						t.Skip("tmux not found (and NSTUI_REQUIRE_ROOT unset)")
					}
					diffCheckTmux(t, s, known, got, tmx)
				})
			})
		}
	})
	for j, k := range known {
		occurred := false
		for i := range streams {
			occurred = occurred || used[i][j]
		}
		if !occurred && !k.notTmux {
			t.Logf("known difference %q (%s, %s) did not occur in any stream", k.seq, k.stream, k.field)
		}
	}
}

// diffCheckOracle fails on every difference between x/vt's screens (want)
// and the candidate's (got) unless it is a documented known difference on
// which the candidate agrees with tmux (or tmux cannot tell, or the entry
// is a tmux-only policy). used records which entries explained something.
func diffCheckOracle(t *testing.T, s diffStream, known []diffKnown, used []bool, want, got []diffPoint, tmuxPts []diffTmuxScreen) {
	var fails []string
	for i, p := range want {
		for _, d := range diffCompare(p.screen, got[i].screen) {
			var k *diffKnown
			for j := range known {
				if known[j].matches(s.name, p, d) {
					k = &known[j]
					used[j] = true
					break
				}
			}
			verdict := "tmux not available"
			agrees, can := false, false
			if tmuxPts != nil {
				agrees, can, verdict = tmuxPts[i].judge(d, got[i].screen)
				if !agrees && d.field == "scrollback" && p.narrowed {
					// After a width change, lines already in the
					// scrollback may be rewrapped or not (tmux rewraps,
					// xterm keeps them): compare the text, not the breaks.
					agrees = diffSameText(tmuxPts[i].history, got[i].screen.scrollback)
					verdict += " (and a different text, line breaks aside)"
				}
			}
			switch {
			case k != nil && (agrees || !can || k.notTmux):
				t.Logf("%s at %q: known difference (%s): %v", s.name, p.label, k.seq, d)
			case k != nil:
				fails = append(fails, fmt.Sprintf("%s at %q (byte %d): known difference %q, but the candidate does not do what tmux does: %v; %s\noracle:\n%scandidate:\n%s",
					s.name, p.label, p.offset, k.seq, d, verdict, diffDump(p.screen, d.row), diffDump(got[i].screen, d.row)))
			case agrees:
				fails = append(fails, fmt.Sprintf("%s at %q (byte %d): candidate agrees with tmux, x/vt does not: document it in diffKnownDiffs: %v; %s",
					s.name, p.label, p.offset, d, verdict))
			default:
				fails = append(fails, fmt.Sprintf("%s at %q (byte %d): candidate differs from x/vt and tmux: %v; %s\nlast bytes: %q\noracle:\n%scandidate:\n%s",
					s.name, p.label, p.offset, d, verdict, diffBytesBefore(s, p.offset, 120), diffDump(p.screen, d.row), diffDump(got[i].screen, d.row)))
			}
		}
	}
	if len(fails) > 0 {
		n := min(len(fails), 30)
		t.Errorf("%d undocumented differences from x/vt (first %d):\n%s", len(fails), n, strings.Join(fails[:n], "\n"))
	}
}

// diffSameText reports whether two lists of lines hold the same text once
// line breaks and blanks are ignored.
func diffSameText(a, b []string) bool {
	join := func(l []string) string { return strings.Join(strings.Fields(strings.Join(l, " ")), "") }
	return join(a) == join(b)
}

// diffBytesBefore returns the stream's bytes from the start up to offset,
// for a finding's context.
func diffBytesBefore(s diffStream, offset, n int) []byte {
	var all bytes.Buffer
	for _, ev := range s.events {
		if ev.kind == 'D' {
			all.Write(ev.data)
		}
	}
	b := all.Bytes()[:offset]
	return b[max(0, len(b)-n):]
}

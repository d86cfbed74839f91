package ptyshell

// tmux as the second oracle of the differential test: a stream is replayed
// into a detached tmux pane of the same size on a private server, by a
// helper process (this test binary, TestDiffTmuxFeeder) that runs in the
// pane with its terminal in raw mode and writes the stream's bytes to it
// segment by segment; after each segment it asks tmux for the cursor
// position (CSI 6n) and waits for the answer, so tmux has parsed everything
// before the screen is captured (capture-pane -e).

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
	"golang.org/x/sys/unix"
)

const diffFeederEnv = "NSTUI_DIFF_FEEDER"

// diffTmux replays streams in tmux.
type diffTmux struct {
	tmux string // tmux binary
	exe  string // this test binary, run as the feeder
}

// newDiffTmux returns the tmux oracle, or nil when tmux is missing (a
// failure when NSTUI_REQUIRE_ROOT is set, as in CI).
func newDiffTmux(t testing.TB) *diffTmux {
	t.Helper()
	p, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("NSTUI_REQUIRE_ROOT") != "" {
			t.Fatalf("tmux is needed as the second oracle: install it (scripts/deps.sh)")
		}
		t.Logf("tmux not found: differences from x/vt are not arbitrated")
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("test binary: %v", err)
	}
	return &diffTmux{tmux: p, exe: exe}
}

// diffTmuxCell is one cell as tmux's capture-pane -e shows it.
type diffTmuxCell struct {
	text   string
	width  int
	fg, bg Color
	attrs  Attr
	ul     bool
	// pad: capture-pane printed nothing here. It drops a row's trailing
	// blank cells even when they have a background colour (erased with
	// one), so only the text of such a cell is known.
	pad bool
}

// diffTmuxScreen is tmux's screen at a checkpoint.
type diffTmuxScreen struct {
	cells            [][]diffTmuxCell
	text             []string
	row, col         int
	alt, visible     bool
	history          []string
	rawRows, rawHist string
}

// diffTmuxSession is one detached tmux server with the feeder in its pane.
type diffTmuxSession struct {
	tm       *diffTmux
	sock     string
	dir      string
	cmd, ack *os.File
	acks     *bufio.Reader
	seg      int
}

func (ts *diffTmuxSession) run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(ts.tm.tmux, append([]string{"-L", ts.sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start starts a private tmux server (-L nstui-oracle-<pid>-<n>) with a
// rows x cols pane running the feeder, and registers its cleanup.
func (tm *diffTmux) start(t testing.TB, name string, rows, cols, history int) *diffTmuxSession {
	t.Helper()
	dir := t.TempDir()
	ts := &diffTmuxSession{tm: tm, dir: dir, sock: fmt.Sprintf("nstui-oracle-%d-%s", os.Getpid(), name)}
	for _, f := range []string{"cmd", "ack"} {
		if err := unix.Mkfifo(filepath.Join(dir, f), 0o600); err != nil {
			t.Fatalf("mkfifo: %v", err)
		}
	}
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, "set -g history-limit %d\nset -g status off\n", history), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	// O_RDWR: opening never blocks, whenever the feeder opens its ends.
	if ts.cmd, err = os.OpenFile(filepath.Join(dir, "cmd"), os.O_RDWR, 0); err != nil {
		t.Fatal(err)
	}
	if ts.ack, err = os.OpenFile(filepath.Join(dir, "ack"), os.O_RDWR, 0); err != nil {
		t.Fatal(err)
	}
	ts.acks = bufio.NewReader(ts.ack)
	t.Cleanup(func() {
		sockPath := ""
		if out, err := exec.Command(tm.tmux, "-L", ts.sock, "display-message", "-p", "#{socket_path}").Output(); err == nil {
			sockPath = strings.TrimSpace(string(out))
		}
		_ = exec.Command(tm.tmux, "-L", ts.sock, "kill-server").Run()
		if strings.HasSuffix(sockPath, "/"+ts.sock) {
			_ = os.Remove(sockPath) // kill-server leaves the socket file
		}
		_ = ts.cmd.Close()
		_ = ts.ack.Close()
	})
	feeder := fmt.Sprintf("exec env %s=%s %s -test.run='^TestDiffTmuxFeeder$'", diffFeederEnv, dir, tm.exe)
	ts.run(t, "-f", conf, "new-session", "-d", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "-s", "o", feeder)
	ts.waitAck(t, "feeder start")
	if got := strings.TrimSpace(ts.run(t, "display-message", "-p", "-t", "o", "#{pane_height} #{pane_width}")); got != fmt.Sprintf("%d %d", rows, cols) {
		t.Fatalf("tmux pane is %s, want %d %d", got, rows, cols)
	}
	return ts
}

func (ts *diffTmuxSession) waitAck(t testing.TB, what string) {
	t.Helper()
	_ = ts.ack.SetReadDeadline(time.Now().Add(30 * time.Second))
	l, err := ts.acks.ReadString('\n')
	if err != nil || l != "ok\n" {
		t.Fatalf("tmux feeder: no ack after %s (%q, %v); pane:\n%s", what, l, err, ts.run(t, "capture-pane", "-p", "-t", "o"))
	}
}

// feed has the feeder write p into the pane and waits until tmux parsed it.
func (ts *diffTmuxSession) feed(t testing.TB, p []byte) {
	t.Helper()
	if len(p) == 0 {
		return
	}
	ts.seg++
	path := filepath.Join(ts.dir, fmt.Sprintf("seg%d", ts.seg))
	if err := os.WriteFile(path, p, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(ts.cmd, "seg %s\n", path); err != nil {
		t.Fatal(err)
	}
	ts.waitAck(t, fmt.Sprintf("segment %d", ts.seg))
	_ = os.Remove(path)
}

// capture reads tmux's screen, cursor and history.
func (ts *diffTmuxSession) capture(t testing.TB, rows, cols int) diffTmuxScreen {
	t.Helper()
	var s diffTmuxScreen
	info := strings.Fields(ts.run(t, "display-message", "-p", "-t", "o", "#{cursor_x} #{cursor_y} #{alternate_on} #{cursor_flag} #{history_size}"))
	if len(info) != 5 {
		t.Fatalf("tmux display-message: %q", info)
	}
	s.col, _ = strconv.Atoi(info[0])
	s.row, _ = strconv.Atoi(info[1])
	s.alt = info[2] == "1"
	s.visible = info[3] == "1"
	s.rawRows = ts.run(t, "capture-pane", "-p", "-e", "-N", "-t", "o")
	lines := strings.Split(strings.TrimSuffix(s.rawRows, "\n"), "\n")
	var st diffTmuxParse
	for y := range rows {
		cells := st.row(rowAt(lines, y), cols)
		s.cells = append(s.cells, cells)
		var b strings.Builder
		for _, c := range cells {
			if c.width > 0 {
				b.WriteString(c.text)
			}
		}
		s.text = append(s.text, strings.TrimRight(b.String(), " "))
	}
	if n, _ := strconv.Atoi(info[4]); n > 0 && !s.alt {
		s.rawHist = ts.run(t, "capture-pane", "-p", "-e", "-S", "-", "-E", "-1", "-t", "o")
		var hp diffTmuxParse
		for _, l := range strings.Split(strings.TrimSuffix(s.rawHist, "\n"), "\n") {
			var b strings.Builder
			for _, c := range hp.row(l, ansi.StringWidth(l)+1) {
				if c.width > 0 {
					b.WriteString(c.text)
				}
			}
			s.history = append(s.history, strings.TrimRight(b.String(), " "))
		}
	}
	return s
}

// replay plays s into a fresh tmux pane and captures the screen at the same
// points diffReplay does.
func (tm *diffTmux) replay(t testing.TB, s diffStream) []diffTmuxScreen {
	t.Helper()
	ts := tm.start(t, s.name, s.rows, s.cols, 1000)
	var pending bytes.Buffer
	rows, cols := s.rows, s.cols
	var out []diffTmuxScreen
	for _, ev := range s.events {
		switch ev.kind {
		case 'D':
			pending.Write(ev.data)
			continue
		}
		ts.feed(t, pending.Bytes())
		pending.Reset()
		out = append(out, ts.capture(t, rows, cols))
		if ev.kind == 'R' {
			rows, cols = ev.rows, ev.cols
			ts.run(t, "resize-window", "-t", "o", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows))
		}
	}
	return out
}

// judge says whether the candidate's screen agrees with tmux on the
// difference d, whether tmux can tell at all, and what tmux shows there.
func (ts diffTmuxScreen) judge(d diffItem, cand diffScreen) (agrees, can bool, verdict string) {
	switch d.field {
	case "text":
		tt := rowAt(ts.text, d.row)
		return tt == rowAt(cand.text, d.row), true, fmt.Sprintf("tmux shows %q", tt)
	case "cell":
		if d.row >= len(ts.cells) || d.col >= len(ts.cells[d.row]) {
			return false, true, "tmux has no such cell"
		}
		tc, cc := ts.cells[d.row][d.col], cand.cells[d.row][d.col]
		if tc.width == 0 && cc.Width == 0 {
			return true, true, "tmux shows the wide character's second column"
		}
		if tc.pad {
			if cc.Text != " " {
				return false, true, "tmux shows a blank"
			}
			return false, false, "tmux's capture does not show a trailing blank cell's colours"
		}
		const shown = AttrBold | AttrFaint | AttrItalic | AttrBlink | AttrReverse | AttrConceal | AttrStrikethrough
		ok := tc.text == cc.Text && tc.fg == cc.Fg && tc.bg == cc.Bg && tc.attrs == cc.Attrs&shown && tc.ul == (cc.Underline != UnderlineNone)
		return ok, true, fmt.Sprintf("tmux shows {%q fg=%s bg=%s attrs=%#x ul=%v}", tc.text, fmtColor(tc.fg), fmtColor(tc.bg), uint16(tc.attrs), tc.ul)
	case "cursor":
		// tmux reports a cursor waiting to wrap at the last column as
		// one past it; xterm and the emulators report the last column.
		col := min(ts.col, cand.cols-1)
		ok := ts.row == cand.cursor.Row && col == cand.cursor.Col && ts.visible == cand.cursor.Visible
		return ok, true, fmt.Sprintf("tmux has the cursor at row %d col %d visible %v", ts.row, col, ts.visible)
	case "alt":
		return ts.alt == cand.alt, true, fmt.Sprintf("tmux alternate_on=%v", ts.alt)
	case "scrollback":
		if cand.alt {
			return false, false, "tmux shows no history on the alternate screen"
		}
		h := ts.history
		c := cand.scrollback
		// Trailing blank lines of tmux's history are rows it pushed on a
		// shrink; compare the text.
		ok := strings.Join(h, "\n") == strings.Join(c, "\n")
		i := 0
		for i < len(h) && i < len(c) && h[i] == c[i] {
			i++
		}
		return ok, true, fmt.Sprintf("tmux history has %d lines, line %d %q", len(h), i, rowAt(h, i))
	}
	return false, false, "tmux cannot show " + d.field
}

// diffTmuxParse reads capture-pane -e output row by row: tmux carries its
// SGR state and the line drawing shift (SO/SI) from one row to the next.
type diffTmuxParse struct {
	pen diffTmuxCell
	acs bool // tmux writes DEC line drawing as SO, the ASCII letters, SI
}

// row turns one capture-pane -e -N row into cols cells.
func (st *diffTmuxParse) row(s string, cols int) []diffTmuxCell {
	cells := make([]diffTmuxCell, 0, cols)
	pen, acs := st.pen, st.acs
	defer func() { st.pen, st.acs = pen, acs }()
	for len(s) > 0 {
		if s[0] == 0x0e || s[0] == 0x0f {
			acs = s[0] == 0x0e
			s = s[1:]
			continue
		}
		if acs && s[0] >= 0x5f && s[0] <= 0x7e {
			c := pen
			c.text, c.width = string([]rune(decGraphics)[s[0]-0x5f]), 1
			cells = append(cells, c)
			s = s[1:]
			continue
		}
		if s[0] == 0x1b {
			seq, rest := s, ""
			if i := strings.IndexAny(s[1:], "mABCDEFGHJKSTfhlrsu\\"); i >= 0 {
				seq, rest = s[:i+2], s[i+2:]
			}
			if strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") {
				applyTmuxSGR(&pen, seq[2:len(seq)-1])
			}
			s = rest
			continue
		}
		g, rest, w, _ := uniseg.FirstGraphemeClusterInString(s, -1)
		s = rest
		if w == 0 && len(cells) > 0 {
			// a combining mark tmux printed apart: it belongs to the previous cell
			last := len(cells) - 1
			if cells[last].width == 0 && last > 0 {
				last--
			}
			cells[last].text += g
			continue
		}
		w = max(w, ansi.StringWidth(g), 1)
		c := pen
		c.text, c.width = g, w
		cells = append(cells, c)
		for range w - 1 {
			cont := pen
			cont.text, cont.width = "", 0
			cells = append(cells, cont)
		}
	}
	for len(cells) < cols {
		cells = append(cells, diffTmuxCell{text: " ", width: 1, pad: true})
	}
	return cells[:cols]
}

// decGraphics is the DEC special graphics set, 0x5f to 0x7e, as xterm maps it.
const decGraphics = "\u00a0◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·"

// applyTmuxSGR applies the SGR parameters tmux writes in capture-pane -e.
func applyTmuxSGR(c *diffTmuxCell, params string) {
	ps := strings.Split(params, ";")
	num := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		n, _ := strconv.Atoi(ps[i])
		return n
	}
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		if strings.Contains(p, ":") {
			sub := strings.Split(p, ":")
			switch sub[0] {
			case "4":
				c.ul = sub[1] != "0"
			case "38", "48":
				var col Color
				if sub[1] == "5" && len(sub) > 2 {
					n, _ := strconv.Atoi(sub[2])
					col = Color{Kind: ColorIndexed, Index: uint8(n)}
				} else if sub[1] == "2" && len(sub) >= 5 {
					v := sub[len(sub)-3:]
					r, _ := strconv.Atoi(v[0])
					g, _ := strconv.Atoi(v[1])
					b, _ := strconv.Atoi(v[2])
					col = Color{Kind: ColorRGB, R: uint8(r), G: uint8(g), B: uint8(b)}
				}
				if sub[0] == "38" {
					c.fg = col
				} else {
					c.bg = col
				}
			}
			continue
		}
		n := num(i)
		switch {
		case p == "" || n == 0:
			*c = diffTmuxCell{}
		case n == 1:
			c.attrs |= AttrBold
		case n == 2:
			c.attrs |= AttrFaint
		case n == 3:
			c.attrs |= AttrItalic
		case n == 4 || n == 21:
			c.ul = true
		case n == 5:
			c.attrs |= AttrBlink
		case n == 6:
			c.attrs |= AttrRapidBlink
		case n == 7:
			c.attrs |= AttrReverse
		case n == 8:
			c.attrs |= AttrConceal
		case n == 9:
			c.attrs |= AttrStrikethrough
		case n == 22:
			c.attrs &^= AttrBold | AttrFaint
		case n == 23:
			c.attrs &^= AttrItalic
		case n == 24:
			c.ul = false
		case n == 25:
			c.attrs &^= AttrBlink | AttrRapidBlink
		case n == 27:
			c.attrs &^= AttrReverse
		case n == 28:
			c.attrs &^= AttrConceal
		case n == 29:
			c.attrs &^= AttrStrikethrough
		case n >= 30 && n <= 37:
			c.fg = Color{Kind: ColorIndexed, Index: uint8(n - 30)}
		case n == 39:
			c.fg = Color{}
		case n >= 40 && n <= 47:
			c.bg = Color{Kind: ColorIndexed, Index: uint8(n - 40)}
		case n == 49:
			c.bg = Color{}
		case n >= 90 && n <= 97:
			c.fg = Color{Kind: ColorIndexed, Index: uint8(n - 90 + 8)}
		case n >= 100 && n <= 107:
			c.bg = Color{Kind: ColorIndexed, Index: uint8(n - 100 + 8)}
		case n == 38 || n == 48 || n == 58:
			var col Color
			switch num(i + 1) {
			case 5:
				col = Color{Kind: ColorIndexed, Index: uint8(num(i + 2))}
				i += 2
			case 2:
				col = Color{Kind: ColorRGB, R: uint8(num(i + 2)), G: uint8(num(i + 3)), B: uint8(num(i + 4))}
				i += 4
			}
			switch n {
			case 38:
				c.fg = col
			case 48:
				c.bg = col
			}
		}
	}
}

// TestDiffTmuxFeeder is not a test: it is the helper process the tmux oracle
// runs in its pane (it does nothing unless NSTUI_DIFF_FEEDER is set).
func TestDiffTmuxFeeder(t *testing.T) {
	dir := os.Getenv(diffFeederEnv)
	if dir == "" {
		return
	}
	if err := runDiffFeeder(dir); err != nil {
		fmt.Fprintln(os.Stderr, "feeder:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// runDiffFeeder puts the pane's terminal in raw mode (no \n -> \r\n, no
// echo), then writes each segment it is told to, asks for the cursor
// position and waits for every answer owed so far before acknowledging.
func runDiffFeeder(dir string) error {
	tio, err := unix.IoctlGetTermios(0, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("tcgets: %w", err)
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag &^= unix.CSIZE | unix.PARENB
	tio.Cflag |= unix.CS8
	tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(0, unix.TCSETS, tio); err != nil {
		return fmt.Errorf("tcsets: %w", err)
	}
	cmdf, err := os.Open(filepath.Join(dir, "cmd"))
	if err != nil {
		return err
	}
	ackf, err := os.OpenFile(filepath.Join(dir, "ack"), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := ackf.WriteString("ok\n"); err != nil {
		return err
	}
	cmds := bufio.NewScanner(cmdf)
	owed, seen := 0, 0 // cursor position reports asked for, received
	var tail []byte    // last bytes written, to count a query split across segments
	in := make([]byte, 4096)
	for cmds.Scan() {
		path, ok := strings.CutPrefix(cmds.Text(), "seg ")
		if !ok {
			return fmt.Errorf("bad command %q", cmds.Text())
		}
		p, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		joined := append(tail, p...)
		owed += bytes.Count(joined, []byte("\x1b[6n")) - bytes.Count(tail, []byte("\x1b[6n"))
		tail = append([]byte(nil), joined[max(0, len(joined)-3):]...)
		if _, err := os.Stdout.Write(append(p, "\x1b[6n"...)); err != nil {
			return err
		}
		owed++
		for seen < owed {
			n, err := os.Stdin.Read(in)
			if err != nil {
				return err
			}
			seen += bytes.Count(in[:n], []byte("R"))
		}
		if _, err := ackf.WriteString("ok\n"); err != nil {
			return err
		}
	}
	return cmds.Err()
}

// TestDiffTmuxOracleReplays checks the tmux oracle itself on a stream where
// all three emulators should agree (git log --graph in colour, no cursor
// tricks): tmux's text and colours must match the candidate's at the end.
func TestDiffTmuxOracleReplays(t *testing.T) {
	tm := newDiffTmux(t)
	if tm == nil {
		t.Skip("tmux not found (and NSTUI_REQUIRE_ROOT unset)")
	}
	s := loadDiffStream(t, filepath.Join("testdata", "streams", "gitlog.stream.gz"))
	cand := diffReplay(t, diffCandidate(), s, recordedChunks)
	tmx := tm.replay(t, s)
	if len(tmx) != len(cand) {
		t.Fatalf("tmux replay gave %d checkpoints, the emulator %d", len(tmx), len(cand))
	}
	last := cand[len(cand)-1].screen
	tl := tmx[len(tmx)-1]
	for y := range last.rows {
		if tl.text[y] != last.text[y] {
			t.Errorf("row %d: tmux %q, candidate %q", y, tl.text[y], last.text[y])
		}
		for x := range last.cols {
			d := diffItem{field: "cell", row: y, col: x}
			if ok, can, verdict := tl.judge(d, last); !ok && can {
				t.Errorf("row %d col %d: candidate %s, %s", y, x, fmtCell(last.cells[y][x]), verdict)
				break
			}
		}
	}
	if ok, _, verdict := tl.judge(diffItem{field: "cursor"}, last); !ok {
		t.Errorf("cursor: candidate %+v, %s", last.cursor, verdict)
	}
	if ok, _, verdict := tl.judge(diffItem{field: "scrollback"}, last); !ok || len(tl.history) == 0 {
		t.Errorf("scrollback: candidate %d lines, %s", len(last.scrollback), verdict)
	}
}

// diffCheckTmux compares the candidate with tmux directly, not only where
// it differs from x/vt (both emulators can share a mistake): every row's
// text and cell styles and the cursor, at every checkpoint until the first
// width change of the main screen (from there on the two may reflow by
// different, equally valid policies) and at every checkpoint on the
// alternate screen. Documented tmux-only policies (diffKnownDiffs entries
// with notTmux) are allowed.
func diffCheckTmux(t *testing.T, s diffStream, known []diffKnown, cand []diffPoint, tmx []diffTmuxScreen) {
	var fails []string
	for i, p := range cand {
		var ds []diffItem
		for y := range p.screen.rows {
			d := diffItem{field: "text", row: y, got: strconv.Quote(rowAt(p.screen.text, y))}
			if ok, _, v := tmx[i].judge(d, p.screen); !ok {
				d.want = v
				ds = append(ds, d)
				continue
			}
			for x := range p.screen.cols {
				d := diffItem{field: "cell", row: y, col: x, got: fmtCell(p.screen.cells[y][x])}
				if ok, can, v := tmx[i].judge(d, p.screen); !ok && can {
					d.want = v
					ds = append(ds, d)
					break // one cell a row is enough
				}
			}
		}
		d := diffItem{field: "cursor", got: fmt.Sprintf("%+v", p.screen.cursor)}
		if ok, _, v := tmx[i].judge(d, p.screen); !ok {
			d.want = v
			ds = append(ds, d)
		}
		if p.screen.alt != tmx[i].alt {
			ds = append(ds, diffItem{field: "alt", got: strconv.FormatBool(p.screen.alt), want: "tmux alternate_on=" + strconv.FormatBool(tmx[i].alt)})
		}
		// The scrollback as text, line breaks aside (after a width change
		// tmux rewraps its history; an emulator may keep drawn breaks).
		if !p.screen.alt && !diffSameText(tmx[i].history, p.screen.scrollback) {
			ds = append(ds, diffItem{field: "scrollback", got: fmt.Sprintf("%d lines", len(p.screen.scrollback)),
				want: fmt.Sprintf("tmux history has %d lines, other text, line 0 %q", len(tmx[i].history), rowAt(tmx[i].history, 0))})
		}
		for _, d := range ds {
			excused := false
			for _, k := range known {
				if k.notTmux && k.matches(s.name, p, d) {
					excused = true
				}
			}
			if !excused {
				fails = append(fails, fmt.Sprintf("%s at %q (byte %d): %s row %d col %d: candidate %s; %s",
					s.name, p.label, p.offset, d.field, d.row, d.col, d.got, d.want))
			}
		}
	}
	if len(fails) > 0 {
		n := min(len(fails), 30)
		t.Errorf("%d differences from tmux (first %d):\n%s", len(fails), n, strings.Join(fails[:n], "\n"))
	}
}

package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// rect is a region of the screen, in cells, for mouse hit tests.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// fit makes untrusted plain text safe and exactly w cells wide: control
// characters (a command line or hostname may carry escape sequences) become
// '?', then it is cut with an ellipsis or padded with spaces.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = sanitize(s)
	sw, simple := simpleWidth(s)
	if !simple {
		s, sw = sameWidth(s)
	}
	if sw > w {
		if simple {
			return cutRunes(s, w-1) + "…"
		}
		s = ansi.Truncate(s, w, "…")
		return s + spaces(max(w-ansi.StringWidth(s), 0)) // a wide character did not fit
	}
	return s + spaces(w-sw)
}

// sanitize replaces C0 and C1 control characters and DEL with '?'.
func sanitize(s string) string {
	bad := false
	for _, r := range s {
		if isControl(r) {
			bad = true
			break
		}
	}
	if !bad {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '?'
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

// sameWidth drops from s what makes its width depend on how the terminal
// counts (by grapheme clusters, or by code points as wcwidth does): emoji
// variation selectors, zero width joiners, keycap marks and skin tone
// modifiers. "❤️" is 2 cells to one and 1 to the other; without them every
// emoji is one grapheme of the same width either way, so the frame lines
// around a process name or hostname stay aligned whatever the terminal.
// It returns the text and its width.
func sameWidth(s string) (string, int) {
	if w := ansi.StringWidth(s); w == ansi.StringWidthWc(s) {
		return s, w
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == 0xfe0e, r == 0xfe0f, r == 0x200d, r == 0x20e3, r >= 0x1f3fb && r <= 0x1f3ff:
			return -1
		}
		return r
	}, s)
	return s, ansi.StringWidth(s)
}

// simpleWidth counts cells for text made only of runes known to be one cell
// wide (Latin, punctuation, arrows, box drawing), the common case, without
// grapheme segmentation; ok is false when it cannot tell.
func simpleWidth(s string) (n int, ok bool) {
	for _, r := range s {
		switch {
		case r < 0x300, r >= 0x2010 && r <= 0x2027, r >= 0x2190 && r <= 0x21ff, r >= 0x2500 && r <= 0x257f:
			n++
		default:
			return 0, false
		}
	}
	return n, true
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// spaces returns n spaces.
func spaces(n int) string {
	const blank = "                                                                                                                                "
	if n <= 0 {
		return ""
	}
	if n <= len(blank) {
		return blank[:n]
	}
	return strings.Repeat(" ", n)
}

// padRight pads a styled string with spaces to w cells (never truncates).
func padRight(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return s + spaces(w-sw)
	}
	return s
}

// drawPanel frames body (lines of at most w-2 cells, padded here) in a
// rounded border of w x h cells with the title set into the top edge.
func drawPanel(st Styles, title string, body []string, w, h int, focused bool) string {
	padded := make([]string, len(body))
	for i, l := range body {
		padded[i] = padRight(l, w-2)
	}
	return strings.Join(panelLines(&st, title, padded, w, h, focused), "\n")
}

// panelLines is drawPanel for the hot path: it returns the frame's lines
// and trusts each body line to be exactly w-2 cells wide already (fit makes
// it so); missing lines are blank.
func panelLines(st *Styles, title string, body []string, w, h int, focused bool) []string {
	if w < 4 || h < 2 {
		return nil
	}
	border, titleSt := st.Border, st.Title
	if focused {
		border, titleSt = st.BorderFoc, st.TitleFoc
	}
	inner := w - 2
	out := make([]string, 0, h)
	t := fit(title, min(ansi.StringWidth(sanitize(title)), max(inner-4, 0)))
	tw := ansi.StringWidth(t)
	if tw > 0 {
		out = append(out, border.Render("╭─")+titleSt.Render(" "+t+" ")+border.Render(strings.Repeat("─", max(inner-1-tw-2, 0))+"╮"))
	} else {
		out = append(out, border.Render("╭"+strings.Repeat("─", inner)+"╮"))
	}
	side := border.Render("│")
	blank := spaces(inner)
	for i := 0; i < h-2; i++ {
		line := blank
		if i < len(body) {
			line = body[i]
		}
		out = append(out, side+line+side)
	}
	return append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
}

// wrap word-wraps plain text to w cells, keeping blank lines.
func wrap(text string, w int) []string {
	if w < 1 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// scrollTo returns the scroll offset that keeps cursor visible in a window
// of h lines over n lines, moving as little as possible from offset.
func scrollTo(offset, cursor, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	return clamp(offset, 0, max(n-h, 0))
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	return min(max(v, lo), hi)
}

// truncateStyled cuts a styled string at w cells, keeping its escapes.
func truncateStyled(s string, w int) string { return ansi.Truncate(s, w, "…") }

// columnJoiner puts two blocks of lines side by side, top aligned, like
// lipgloss.JoinHorizontal, for the split view's hot path: the left block
// (the explorer) is padded to its width once and reused while it does not
// change, and the right block (a pane, every line exactly its width
// already) is never measured. A pane's output then costs a frame no width
// computation outside the pane's changed rows.
type columnJoiner struct {
	left   string   // the left block last padded
	w      int      // the width it was padded to
	padded []string // its lines, each at least w cells
}

// columns returns left (padded to w cells) and right side by side.
func (j *columnJoiner) columns(left string, w int, right string) string {
	if left != j.left || w != j.w || j.padded == nil {
		j.left, j.w = left, w
		j.padded = strings.Split(left, "\n")
		for i, l := range j.padded {
			j.padded[i] = padRight(l, w)
		}
	}
	rl := strings.Split(right, "\n")
	n := max(len(j.padded), len(rl))
	var b strings.Builder
	b.Grow(len(left) + len(right) + n*w)
	for i := range n {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(j.padded) {
			b.WriteString(j.padded[i])
		} else {
			b.WriteString(spaces(w))
		}
		if i < len(rl) {
			b.WriteString(rl[i])
		}
	}
	return b.String()
}

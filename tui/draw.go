package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// rect is a region of the screen, in cells, for mouse hit tests.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// fit truncates plain text to w cells (with an ellipsis) or pads it with
// spaces to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// padRight pads a styled string with spaces to w cells (never truncates).
func padRight(s string, w int) string {
	if sw := ansi.StringWidth(s); sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// drawPanel frames body (already fitted to w-2 cells per line) in a
// rounded border of w x h cells with the title set into the top edge.
func drawPanel(st Styles, title string, body []string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return ""
	}
	border, titleSt := st.Border, st.Title
	if focused {
		border, titleSt = st.BorderFoc, st.TitleFoc
	}
	inner := w - 2
	var b strings.Builder
	t := ansi.Truncate(title, max(inner-4, 0), "…")
	tw := ansi.StringWidth(t)
	b.WriteString(border.Render("╭─"))
	if tw > 0 {
		b.WriteString(titleSt.Render(" " + t + " "))
		b.WriteString(border.Render(strings.Repeat("─", max(inner-1-tw-2, 0)) + "╮"))
	} else {
		b.WriteString(border.Render(strings.Repeat("─", inner-1) + "╮"))
	}
	side := border.Render("│")
	for i := 0; i < h-2; i++ {
		b.WriteByte('\n')
		line := ""
		if i < len(body) {
			line = body[i]
		}
		b.WriteString(side)
		b.WriteString(padRight(line, inner))
		b.WriteString(side)
	}
	b.WriteByte('\n')
	b.WriteString(border.Render("╰" + strings.Repeat("─", inner) + "╯"))
	return b.String()
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

// joinLines stacks blocks vertically.
func joinLines(parts ...string) string {
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// truncateStyled cuts a styled string at w cells, keeping its escapes.
func truncateStyled(s string, w int) string { return ansi.Truncate(s, w, "…") }

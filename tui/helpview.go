package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// helpColumns lays the keymap's groups out as columns of "key  what" and
// packs as many columns side by side as the width allows, starting a new
// band below when it runs out: every binding is shown at any width (the
// help bubble would cut the columns that do not fit).
func helpColumns(st *Styles, groups [][]key.Binding, width int) []string {
	type col struct {
		lines []string
		w     int
	}
	var cols []col
	for _, g := range groups {
		kw := 0
		for _, b := range g {
			if b.Enabled() {
				kw = max(kw, ansiWidth(b.Help().Key))
			}
		}
		var c col
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			plain := fit(h.Key, kw) + "  " + h.Desc
			c.w = max(c.w, ansiWidth(plain))
			c.lines = append(c.lines, st.HelpKey.Render(fit(h.Key, kw))+"  "+st.Value.Render(h.Desc))
		}
		if len(c.lines) > 0 {
			cols = append(cols, c)
		}
	}
	const gap = 4
	var out []string
	for len(cols) > 0 {
		n, used := 0, 0
		for n < len(cols) && (n == 0 || used+gap+cols[n].w <= width) {
			if n > 0 {
				used += gap
			}
			used += cols[n].w
			n++
		}
		band := cols[:n]
		cols = cols[n:]
		rows := 0
		for _, c := range band {
			rows = max(rows, len(c.lines))
		}
		for r := range rows {
			var b strings.Builder
			for i, c := range band {
				cell := ""
				if r < len(c.lines) {
					cell = c.lines[r]
				}
				if i < len(band)-1 {
					cell = padRight(cell, c.w+gap)
				}
				b.WriteString(cell)
			}
			out = append(out, b.String())
		}
		if len(cols) > 0 {
			out = append(out, "")
		}
	}
	return out
}

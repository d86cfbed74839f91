package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// paneModel is farmModel with one pane open (a static screen full of
// coloured text) and the keys in it.
func paneModel(tb testing.TB, w, h int) (*Model, *staticSession) {
	tb.Helper()
	m := farmModel(tb, w, h)
	rows, cols := m.paneSize()
	screen := make([]string, rows)
	for i := range screen {
		screen[i] = fmt.Sprintf("\x1b[3%dmline %d\x1b[m %s", i%8, i, strings.Repeat("x", max(cols-20, 0)))
	}
	s := newStaticSession(rows, cols, screen, nil)
	m.Update(paneStartedMsg{title: "spawn pid,net", tab: "spawn", s: s, rows: rows, cols: cols})
	return m, s
}

// BenchmarkPaneFrame is the cost of one frame after a pane's change notice
// (Update on paneChangedMsg plus View): what a flood of output costs the UI
// per redraw, with the explorer beside the pane.
func BenchmarkPaneFrame(b *testing.B) {
	for _, sz := range [][2]int{{120, 36}, {250, 70}} {
		b.Run(sizeName(sz), func(b *testing.B) {
			m, _ := paneModel(b, sz[0], sz[1])
			id := m.ws.panes[0].id
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				m.Update(paneChangedMsg{id: id})
				_ = m.View()
			}
		})
	}
}

// BenchmarkPaneKeyToFrame is a key typed into a pane: Update (encode and
// queue it) plus the next View.
func BenchmarkPaneKeyToFrame(b *testing.B) {
	m, _ := paneModel(b, 120, 36)
	k := tea.KeyPressMsg{Code: 'a', Text: "a"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Update(k)
		_ = m.View()
	}
}

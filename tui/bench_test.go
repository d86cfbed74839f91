package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// farmModel is a model holding a snapshot of the size nsfarm.sh builds
// (500 sandboxes x 3 sleepers: about 2,650 processes, 3,000 namespaces).
func farmModel(tb testing.TB, w, h int) *Model {
	tb.Helper()
	src := &fakeSource{snap: farmSnapshot(500, 3)}
	m := New(src, WithRefresh(0))
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Init()
	m.Update(snapshotMsg{snap: src.snap})
	return m
}

// BenchmarkTUIKeyToFrame is the cost of one selection move: Update on the
// key plus the View of the next frame (what the runtime does between the
// key arriving and the frame being handed to the renderer).
func BenchmarkTUIKeyToFrame(b *testing.B) {
	for _, sz := range [][2]int{{120, 36}, {250, 70}} {
		b.Run(sizeName(sz), func(b *testing.B) {
			m := farmModel(b, sz[0], sz[1])
			benchMoves(b, m, len(m.explorer.rows))
		})
	}
}

// benchMoves times b.N selection moves (down to the end of n lines, then
// up again), each an Update on the key plus the View of the next frame.
func benchMoves(b *testing.B, m *Model, n int) {
	down, up := keyMsg("j"), keyMsg("k")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := down
		if (i/(n-1))%2 == 1 {
			k = up
		}
		m.Update(k)
		_ = m.View()
	}
}

// BenchmarkTUIKeyToFrameDetails is the same with the details panel
// focused on the root pid namespace, whose member tree is every process.
func BenchmarkTUIKeyToFrameDetails(b *testing.B) {
	m := farmModel(b, 120, 36)
	m.Update(keyMsg("/"))
	for _, r := range "type:pid" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	m.Update(keyMsg("enter"))
	m.Update(keyMsg("enter"))
	benchMoves(b, m, len(m.explorer.lines))
}

// BenchmarkTUISnapshot is what the UI spends on one refresh of a farm:
// marking changes, rebuilding the rows, keeping the selection.
func BenchmarkTUISnapshot(b *testing.B) {
	m := farmModel(b, 120, 36)
	snaps := []*fakeSource{{snap: farmSnapshot(500, 3)}, {snap: farmSnapshot(499, 3)}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		m.Update(snapshotMsg{snap: snaps[i%2].snap})
		_ = m.View()
	}
}

func sizeName(sz [2]int) string { return itoa(uint64(sz[0])) + "x" + itoa(uint64(sz[1])) }

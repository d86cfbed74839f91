package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
)

// driver runs a Model synchronously: every command is executed in place
// and its messages fed back, as the Bubble Tea runtime would, so a test
// sees the screen after everything a key started has finished.
type driver struct {
	t   testing.TB
	m   *Model
	src *fakeSource
}

func newDriver(t testing.TB, w, h int) *driver {
	t.Helper()
	src := &fakeSource{snap: smallSnapshot()}
	d := &driver{t: t, src: src, m: New(src, WithRefresh(0), WithNoColor(true))}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// run executes cmd and everything it leads to (depth-limited so a
// self-renewing command cannot loop).
func (d *driver) run(cmd tea.Cmd) {
	d.runDepth(cmd, 0)
}

func (d *driver) runDepth(cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 20 {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.runDepth(c, depth+1)
		}
	case tea.QuitMsg:
	default:
		_, next := d.m.Update(msg)
		d.runDepth(next, depth+1)
	}
}

func (d *driver) keys(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// screen is the current frame without escape sequences.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// TestFitUntrustedTextSameWidthEitherWay: a process name or hostname with
// emoji sequences is fitted to the same number of cells whether the
// terminal counts grapheme clusters or code points, so the frame around it
// stays aligned in either.
func TestFitUntrustedTextSameWidthEitherWay(t *testing.T) {
	for _, s := range []string{"❤️ web", "👍🏽-ok", "👨\u200d👩\u200d👧 fam", "1️⃣ one", "🏳️\u200d🌈", "日本語 host", "plain"} {
		for _, w := range []int{4, 12, 30} {
			f := fit(s, w)
			if g, c := ansi.StringWidth(f), ansi.StringWidthWc(f); g != w || c != w {
				t.Errorf("fit(%q, %d) = %q: %d cells by graphemes, %d by code points, want %d", s, w, f, g, c, w)
			}
		}
	}
}

// TestNetLinesWholeNames: two veths whose names differ only at the end
// (15 bytes, as the kernel allows) stay apart; the peer shows as ip
// prints it; MTU and MAC come when the panel is wide enough.
func TestNetLinesWholeNames(t *testing.T) {
	n := &nsops.NetDetails{Interfaces: []nsops.Iface{
		{Name: "vethrs4abcdef12", Index: 7, Link: 8, LinkNetnsID: -1, Kind: "veth", State: "down", MTU: 1500, MAC: "aa:bb:cc:dd:ee:01"},
		{Name: "vethrs4abcdef13", Index: 8, Link: 7, LinkNetnsID: -1, Kind: "veth", State: "down", MTU: 1400, MAC: "aa:bb:cc:dd:ee:02", Addrs: []string{"10.0.0.1/24"}},
	}}
	text := func(width int) string {
		var b strings.Builder
		for _, l := range netLines(n, width) {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	narrow, wide := text(70), text(140)
	for _, s := range []string{narrow, wide} {
		// Peers in this namespace by name, as ip link prints them.
		if !strings.Contains(s, "vethrs4abcdef12@vethrs4abcdef13 ") || !strings.Contains(s, "vethrs4abcdef13@vethrs4abcdef12 ") || !strings.Contains(s, "10.0.0.1/24") {
			t.Errorf("want both whole names with their peers and the address:\n%s", s)
		}
	}
	// A peer in another namespace by index; a long state keeps the columns.
	n.Interfaces = append(n.Interfaces, nsops.Iface{Name: "rv4bx0", Index: 9, Link: 8, LinkNetnsID: 0, Kind: "veth", State: "lowerlayerdown", Up: true, MTU: 1500})
	lines := netLines(n, 140)
	col := strings.Index(lines[0].text, "KIND")
	for _, l := range lines[1:4] {
		if !strings.HasPrefix(l.text[col:], "veth ") {
			t.Errorf("KIND not in its column (%d) in %q", col, l.text)
		}
	}
	if !strings.Contains(lines[3].text, "rv4bx0@if8 ") {
		t.Errorf("a peer in another namespace: %q, want rv4bx0@if8", lines[3].text)
	}
	if strings.Contains(narrow, "MTU") || !strings.Contains(wide, "MTU") || !strings.Contains(wide, "1400  aa:bb:cc:dd:ee:02") {
		t.Errorf("MTU and MAC: want them only when wide:\nnarrow:\n%swide:\n%s", narrow, wide)
	}
}

package tui

import (
	"bytes"
	"errors"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/nstui/nstui/nsops"
)

func selectedRow(t *testing.T, d *driver) *nsops.Namespace {
	t.Helper()
	e := d.m.explorer
	if e.cursor < 0 || e.cursor >= len(e.rows) {
		t.Fatalf("no selection (cursor %d of %d rows)", e.cursor, len(e.rows))
	}
	return e.rows[e.cursor].ns
}

func TestTUINavigate(t *testing.T) {
	d := newDriver(t, 120, 36)
	snap := d.src.snap
	if got := selectedRow(t, d); got != snap.Namespaces[0] {
		t.Fatalf("first selection = %d, want first namespace %d", got.ID.Ino, snap.Namespaces[0].ID.Ino)
	}
	d.keys("j", "down", "j")
	if got := selectedRow(t, d); got != snap.Namespaces[3] {
		t.Fatalf("after 3 downs selection = %d, want %d", got.ID.Ino, snap.Namespaces[3].ID.Ino)
	}
	if !strings.Contains(d.screen(), "namespace "+itoa(snap.Namespaces[3].ID.Ino)) {
		t.Fatalf("details panel does not follow the selection:\n%s", d.screen())
	}
	d.keys("k")
	if got := selectedRow(t, d); got != snap.Namespaces[2] {
		t.Fatalf("after up selection = %d, want %d", got.ID.Ino, snap.Namespaces[2].ID.Ino)
	}
	d.keys("G")
	if got := selectedRow(t, d); got != snap.Namespaces[len(snap.Namespaces)-1] {
		t.Fatalf("G selected %d, want the last namespace", got.ID.Ino)
	}
	d.keys("g")
	if got := selectedRow(t, d); got != snap.Namespaces[0] {
		t.Fatalf("g selected %d, want the first namespace", got.ID.Ino)
	}
	// tab moves the focus; movement keys then move in the details panel.
	d.keys("tab")
	if d.m.explorer.focus != focusDetail {
		t.Fatal("tab did not focus the details panel")
	}
	// The cursor lands on the first member process, and the footer says
	// what enter and e do there.
	first := d.m.explorer.dcursor
	if l := d.m.explorer.lines[first]; l.kind != lkMember || !strings.Contains(d.screen(), "enter: pid "+strconv.Itoa(l.pid)+"'s namespaces · e: enter them") {
		t.Fatalf("tab: details cursor on %q, want the first member and a footer hint:\n%s", l.text, d.screen())
	}
	before := selectedRow(t, d)
	d.keys("j", "j")
	if selectedRow(t, d) != before || d.m.explorer.dcursor != first+2 {
		t.Fatalf("j in the details panel: list moved or cursor %d != %d", d.m.explorer.dcursor, first+2)
	}
	d.keys("shift+tab")
	if d.m.explorer.focus != focusList {
		t.Fatal("shift+tab did not focus the list")
	}
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func TestTUIFilter(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.keys("/")
	d.typeText("type:net")
	rows := d.m.explorer.rows
	if len(rows) != 4 {
		t.Fatalf("type:net kept %d rows, want the 4 net namespaces", len(rows))
	}
	for _, r := range rows {
		if r.ns.Type != nsops.NetNS {
			t.Fatalf("type:net kept a %s namespace", r.ns.Type)
		}
	}
	if !strings.Contains(d.screen(), "/type:net") {
		t.Fatalf("filter line not shown:\n%s", d.screen())
	}
	// Editing: backspace the whole term, then a container name.
	for range len("type:net") {
		d.keys("backspace")
	}
	d.typeText("podman:3f2a")
	// Every namespace a process of the container is in, and nothing else.
	got := map[uint64]bool{}
	for _, r := range d.m.explorer.rows {
		got[r.ns.ID.Ino] = true
	}
	for _, ns := range d.src.snap.Namespaces {
		want := slices.Contains(ns.Members, 2000)
		if got[ns.ID.Ino] != want {
			t.Fatalf("container filter: namespace %d listed=%v, want %v", ns.ID.Ino, got[ns.ID.Ino], want)
		}
	}
	// A pid matches every namespace it is a member of.
	d.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	d.typeText("1202")
	if n := len(d.m.explorer.rows); n != nsops.NumTypes {
		t.Fatalf("pid 1202 matched %d namespaces, want %d (one per type)", n, nsops.NumTypes)
	}
	// enter keeps the filter and leaves the line; esc then clears it.
	d.keys("enter")
	if d.m.explorer.filtering || d.m.explorer.filter != "1202" {
		t.Fatalf("enter: filtering=%v filter=%q", d.m.explorer.filtering, d.m.explorer.filter)
	}
	if !strings.Contains(d.screen(), "filter: 1202") {
		t.Fatalf("kept filter not shown in the title:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.explorer.filter != "" || len(d.m.explorer.rows) != len(d.src.snap.Namespaces) {
		t.Fatalf("esc did not clear the filter: %q, %d rows", d.m.explorer.filter, len(d.m.explorer.rows))
	}
	// A filter nothing matches says so.
	d.keys("/")
	d.typeText("no-such-thing")
	if !strings.Contains(d.screen(), "no namespace matches the filter") {
		t.Fatalf("empty result not explained:\n%s", d.screen())
	}
}

func TestTUIHostnameFilterAndOpen(t *testing.T) {
	d := newDriver(t, 120, 36)
	// Hostnames come from Details reads in the background; the uts row is
	// named after them and the filter finds them.
	d.keys("/")
	d.typeText("box-302")
	found := false
	for _, r := range d.m.explorer.rows {
		if r.ns.Type == nsops.UTSNS && r.name == "box-302" {
			found = true
		}
	}
	if !found {
		t.Fatalf("hostname filter did not find the uts namespace:\n%s", d.screen())
	}
	d.keys("enter")
	d.keys("/")
	d.typeText(" uts")
	d.keys("enter")
	if got := selectedRow(t, d); got.ID.Ino != 4026532302 {
		t.Fatalf("selected %d, want the sandbox uts namespace", got.ID.Ino)
	}
	scr := d.screen()
	for _, want := range []string{"hostname    box-302", "MEMBERS (2)", "UTS NAMESPACE", "CLONE_NEWUTS", "this one    nsenter --target 1201 --uts"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("details of the uts namespace lack %q:\n%s", want, scr)
		}
	}
	// enter opens the panel on the first member; enter again opens it.
	d.keys("enter")
	if e := d.m.explorer; e.focus != focusDetail || e.lines[e.dcursor].pid != 1201 {
		t.Fatalf("enter did not land on member 1201")
	}
	d.keys("enter")
	scr = d.screen()
	for _, want := range []string{"Process 1201", "pid inside  1", "uts     4026532302  own", "user    4026531837  shared with PID 1"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("process view lacks %q:\n%s", want, scr)
		}
	}
	// enter on the net line opens that namespace, esc comes back.
	e := d.m.explorer
	for e.lines[e.dcursor].kind != lkNSLink || !strings.HasPrefix(e.lines[e.dcursor].text, " net") {
		d.keys("j")
	}
	d.keys("enter")
	if e.tgt.kind != targetNS || e.tgt.ns.Ino != 4026532303 || selectedRow(t, d).ID.Ino != 4026532303 {
		t.Fatalf("enter on net did not open net namespace 4026532303 (target %+v)", e.tgt)
	}
	if e.filter != "" {
		t.Fatalf("opening a namespace hidden by the filter should clear it, filter=%q", e.filter)
	}
	d.keys("esc")
	if e.tgt.kind != targetProc || e.tgt.pid != 1201 {
		t.Fatalf("esc did not go back to the process (target %+v)", e.tgt)
	}
	d.keys("esc", "esc")
	if e.focus != focusList {
		t.Fatal("esc from the top of the details panel did not return to the list")
	}
}

func TestTUIViews(t *testing.T) {
	d := newDriver(t, 120, 36)
	d.keys("j", "j") // ipc 4026531839
	sel := selectedRow(t, d).ID
	d.keys("v")
	if d.m.explorer.view != viewOwner || selectedRow(t, d).ID != sel {
		t.Fatalf("v: view %v, selection kept=%v", d.m.explorer.view, selectedRow(t, d).ID == sel)
	}
	// In the ownership tree the rootless container's namespaces hang under
	// its user namespace.
	rows := d.m.explorer.rows
	var userRow int = -1
	for i, r := range rows {
		if r.ns.ID.Ino == 4026532400 {
			userRow = i
		}
	}
	if userRow < 0 || !strings.HasPrefix(rows[userRow+1].prefix, "│ ") || rows[userRow+1].ns.Owner.Ino != 4026532400 {
		t.Fatalf("owned namespaces not under their user namespace: %+v", rows[userRow+1])
	}
	d.keys("v")
	for _, r := range d.m.explorer.rows {
		if r.ns.Type != nsops.PIDNS && r.ns.Type != nsops.UserNS {
			t.Fatalf("parent view lists a %s namespace", r.ns.Type)
		}
	}
	d.keys("v")
	if d.m.explorer.view != viewByType {
		t.Fatal("v did not cycle back to the flat view")
	}
}

func TestTUIRefreshKeepsSelectionAndMarks(t *testing.T) {
	d := newDriver(t, 120, 36)
	d.keys("/")
	d.typeText("type:uts")
	d.keys("enter", "esc") // back to everything, selection on a uts row
	d.keys("G", "k")       // last uts row but one: host uts 4026531838
	sel := selectedRow(t, d).ID
	offset := d.m.explorer.offset

	// Next scan: the sandbox is gone and a new net namespace appeared.
	next := smallSnapshot()
	var kept []*nsops.Namespace
	for _, ns := range next.Namespaces {
		if ns.PID != 1201 {
			kept = append(kept, ns)
		}
	}
	added := &nsops.Namespace{ID: id(4026533000), Type: nsops.NetNS, OwnerUID: -1, Names: []string{"fresh"},
		Holders: []nsops.Holder{{Kind: nsops.HeldByBindMount, Path: "/run/netns/fresh"}}}
	next.Namespaces = append(kept[:8:8], append([]*nsops.Namespace{added}, kept[8:]...)...)
	d.src.set(next)
	d.keys("r")

	if got := selectedRow(t, d).ID; got != sel {
		t.Fatalf("refresh moved the selection from %d to %d", sel.Ino, got.Ino)
	}
	if d.m.explorer.offset != offset {
		t.Fatalf("refresh moved the scroll offset from %d to %d", offset, d.m.explorer.offset)
	}
	marks := map[uint64]mark{}
	for _, r := range d.m.explorer.rows {
		marks[r.ns.ID.Ino] = r.mark
	}
	if marks[4026533000] != markNew {
		t.Fatal("the new namespace is not marked new")
	}
	if marks[4026532302] != markGone || marks[4026532301] != markGone {
		t.Fatal("the vanished sandbox namespaces are not marked gone")
	}
	scr := d.screen()
	if !strings.Contains(scr, "+ 4026533000") || !strings.Contains(scr, "- 4026532302") {
		t.Fatalf("marks not on screen:\n%s", scr)
	}
	// Marks last a moment: two more refreshes and they are gone.
	d.keys("r")
	d.keys("r")
	for _, r := range d.m.explorer.rows {
		if r.mark != markNone {
			t.Fatalf("namespace %d still marked after 3 refreshes", r.ns.ID.Ino)
		}
		if r.ns.PID == 1201 {
			t.Fatal("vanished namespace still listed after 3 refreshes")
		}
	}
	if got := selectedRow(t, d).ID; got != sel {
		t.Fatalf("selection lost after refreshes: %d", got.Ino)
	}
}

func TestTUIScanError(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.src.err = errors.New("open /proc: permission denied")
	d.keys("r")
	scr := d.screen()
	if !strings.Contains(scr, "permission denied") {
		t.Fatalf("scan error not shown:\n%s", scr)
	}
	if !strings.Contains(scr, "4026531835") {
		t.Fatal("the last snapshot should stay on screen after a failed scan")
	}
}

func TestTUILimitedNotice(t *testing.T) {
	d := newDriver(t, 80, 24)
	if strings.Contains(d.screen(), "limited view") {
		t.Fatal("limited notice shown for a full snapshot")
	}
	s := smallSnapshot()
	s.Limited = true
	d.src.set(s)
	d.keys("r")
	scr := d.screen()
	if !strings.Contains(scr, "limited view: run as root") {
		t.Fatalf("limited notice missing:\n%s", scr)
	}
	if lines := strings.Count(scr, "\n") + 1; lines != 24 {
		t.Fatalf("screen has %d lines with the notice, want 24", lines)
	}
}

// TestTUILimitedNoticeAsRoot: as root a limited view is not blamed on
// missing privileges (here /proc/1/ns is unreadable even to root).
func TestTUILimitedNoticeAsRoot(t *testing.T) {
	src := &fakeSource{snap: smallSnapshot()}
	src.snap.Limited = true
	d := &driver{t: t, src: src, m: New(src, WithRefresh(0), WithNoColor(true), WithPrivileged(true))}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	d.run(d.m.Init())
	scr := d.screen()
	if strings.Contains(scr, "run as root") || !strings.Contains(scr, "could not be read even as root") {
		t.Fatalf("notice as root is wrong:\n%s", scr)
	}
}

func TestTUIMouse(t *testing.T) {
	d := newDriver(t, 120, 36)
	e := d.m.explorer
	// Row 0 is on screen line header(1) + border(1) + column header(1).
	d.send(tea.MouseClickMsg{X: 5, Y: e.list.y + 2 + 4, Button: tea.MouseLeft})
	if e.cursor != 4 || selectedRow(t, d) != d.src.snap.Namespaces[4] {
		t.Fatalf("click selected row %d, want 4", e.cursor)
	}
	d.send(tea.MouseClickMsg{X: e.detail.x + 3, Y: e.detail.y + 3, Button: tea.MouseLeft})
	if e.focus != focusDetail || e.dcursor != 2 {
		t.Fatalf("click in details: focus %v cursor %d", e.focus, e.dcursor)
	}
	d.send(tea.MouseWheelMsg{X: e.detail.x + 3, Y: e.detail.y + 3, Button: tea.MouseWheelDown})
	if e.doffset != 3 {
		t.Fatalf("wheel down in details: offset %d, want 3", e.doffset)
	}
	// The wheel over a short list has nowhere to scroll: the selection stays.
	d.send(tea.MouseWheelMsg{X: 5, Y: e.list.y + 5, Button: tea.MouseWheelDown})
	if e.cursor != 4 {
		t.Fatalf("wheel over a list that fits moved the selection to %d", e.cursor)
	}
}

func TestTUIMouseWheelScrollsLongList(t *testing.T) {
	src := &fakeSource{snap: farmSnapshot(20, 2)}
	d := &driver{t: t, src: src, m: New(src, WithRefresh(0), WithNoColor(true))}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 36})
	d.run(d.m.Init())
	e := d.m.explorer
	d.send(tea.MouseWheelMsg{X: 5, Y: e.list.y + 5, Button: tea.MouseWheelDown})
	if e.offset != 3 || e.cursor != 3 {
		t.Fatalf("wheel down: offset %d cursor %d, want 3 and 3 (selection follows the window)", e.offset, e.cursor)
	}
}

func TestTUIResizeAndTooSmall(t *testing.T) {
	d := newDriver(t, 120, 36)
	d.keys("j", "j", "j")
	sel := selectedRow(t, d).ID
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	scr := d.screen()
	if !strings.Contains(scr, "terminal too small: 40x10") || !strings.Contains(scr, "at least 80x24") {
		t.Fatalf("no too-small notice:\n%s", scr)
	}
	d.keys("j", "s", "e", "enter") // nothing acts unseen while small
	if d.m.ws.spawn != nil || d.m.ws.enter != nil || d.m.explorer.focus != focusList {
		t.Fatal("a key pressed while too small opened something unseen")
	}
	// A tiny window still shows the way out, in as many lines as it has.
	d.send(tea.WindowSizeMsg{Width: 20, Height: 5})
	if scr := d.screen(); !strings.Contains(strings.ReplaceAll(scr, "\n", " "), "q quits") || strings.Count(scr, "\n") >= 5 {
		t.Fatalf("20x5: want the short notice with the way out in 5 lines:\n%s", scr)
	}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	scr = d.screen()
	if got := strings.Count(scr, "\n") + 1; got != 24 {
		t.Fatalf("80x24 frame has %d lines", got)
	}
	for i, l := range strings.Split(scr, "\n") {
		if w := ansiWidth(l); w > 80 {
			t.Fatalf("line %d is %d cells wide: %q", i, w, l)
		}
	}
	if selectedRow(t, d).ID != sel {
		t.Fatal("a key pressed while too small moved the selection unseen")
	}
}

func TestTUIQuitAndHelp(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.keys("?")
	if !strings.Contains(d.screen(), "cycle view") || !d.m.showHelp {
		t.Fatalf("? did not show the help:\n%s", d.screen())
	}
	// Every binding of the keymap is in the help.
	for _, group := range d.m.keys.FullHelp() {
		for _, b := range group {
			if !strings.Contains(d.screen(), b.Help().Desc) {
				t.Fatalf("help lacks %q", b.Help().Desc)
			}
		}
	}
	// At 80x24 the help is taller than the window: the keys scroll it, so
	// its last line can be read too, and the title says there is more.
	last := "own = not shared with PID 1"
	if s := d.screen(); strings.Contains(s, last) || !strings.Contains(s, "lines 1-") {
		t.Fatalf("want the help's first lines and a scroll hint at 80x24:\n%s", s)
	}
	d.keys("G")
	if s := d.screen(); !strings.Contains(s, last) || strings.Contains(s, "next panel") {
		t.Fatalf("G did not scroll the help to its end:\n%s", s)
	}
	d.keys("g")
	if s := d.screen(); !strings.Contains(s, "next panel") {
		t.Fatalf("g did not scroll the help back to its top:\n%s", s)
	}
	d.keys("j", "j", "j", "j", "j", "j", "j", "j", "j", "j")
	if s := d.screen(); !strings.Contains(s, last) {
		t.Fatalf("j did not scroll the help (nor stop at its end):\n%s", s)
	}
	d.keys("esc")
	if d.m.showHelp {
		t.Fatal("esc did not close the help")
	}
	_, cmd := d.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
	// While typing a filter, q is a letter; ctrl+c still quits.
	d.keys("/")
	_, cmd = d.m.Update(keyMsg("q"))
	if cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("q quit while typing a filter")
		}
	}
	_, cmd = d.m.Update(keyMsg("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit while filtering")
	}
}

func TestTUILiveRefreshLoop(t *testing.T) {
	// One tick chain only: a manual refresh while a tick is pending must
	// not start a second chain.
	src := &fakeSource{snap: smallSnapshot()}
	m := New(src, WithRefresh(time.Hour), WithNoColor(true))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Init()
	_, cmd := m.Update(snapshotMsg{snap: src.snap})
	if !m.tickPending || cmd == nil {
		t.Fatal("first snapshot did not schedule a tick")
	}
	_, cmd = m.Update(keyMsg("r"))
	if cmd == nil || !m.scanning {
		t.Fatal("r did not start a scan")
	}
	m.Update(snapshotMsg{snap: src.snap})
	if !m.tickPending {
		t.Fatal("tick chain lost")
	}
	// A tick while scanning does not start a second scan.
	m.scanning = true
	if _, cmd = m.Update(tickMsg(time.Now())); cmd != nil {
		t.Fatal("tick during a scan started another")
	}
}

// teatest flows: the real Bubble Tea program, driven through its input.

func waitScreen(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func TestTUITeatestFlow(t *testing.T) {
	src := &fakeSource{snap: smallSnapshot()}
	tm := teatest.NewTestModel(t, New(src, WithRefresh(50*time.Millisecond), WithNoColor(true)), teatest.WithInitialTermSize(120, 36))
	waitScreen(t, tm, "Namespaces", "4026531835")

	// Navigate.
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("j"))
	waitScreen(t, tm, "ipc namespace 4026531839")

	// Filter by hostname, open the details.
	tm.Send(keyMsg("/"))
	tm.Type("box-302 uts")
	tm.Send(keyMsg("enter"))
	waitScreen(t, tm, "filter: box-302 uts", "box-302")
	tm.Send(keyMsg("enter"))
	tm.Send(keyMsg("enter"))
	waitScreen(t, tm, "Process 1201", "own")

	// Help.
	tm.Send(keyMsg("?"))
	waitScreen(t, tm, "Keys", "cycle view")
	tm.Send(keyMsg("esc"))

	// Live refresh keeps the selection while scans keep coming.
	scans := func() int { src.mu.Lock(); defer src.mu.Unlock(); return src.scans }
	start := scans()
	deadline := time.Now().Add(5 * time.Second)
	for scans() < start+3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if scans() < start+3 {
		t.Fatalf("live refresh did not scan (%d scans)", scans()-start)
	}
	tm.Send(keyMsg("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	e := fm.explorer
	if e.selected.Ino != 4026532302 || e.tgt.kind != targetProc || e.tgt.pid != 1201 {
		t.Fatalf("after refreshes: selected %d, target %+v", e.selected.Ino, e.tgt)
	}
}

func TestTUIInodeReuseAcrossTypes(t *testing.T) {
	// The sandbox's uts namespace dies and the kernel hands its inode to a
	// new mount namespace: the hostname read for the old one must not stick
	// to the new one (not in its name, not in what the filter searches).
	d := newDriver(t, 120, 36)
	next := smallSnapshot()
	var kept []*nsops.Namespace
	for _, ns := range next.Namespaces {
		if ns.ID.Ino != 4026532302 {
			kept = append(kept, ns)
		}
	}
	reused := &nsops.Namespace{ID: id(4026532302), Type: nsops.MntNS, OwnerUID: -1, NProcs: 1, PID: 901, Members: []int{901}}
	next.Namespaces = append(kept, reused)
	for range markRefreshes + 1 { // until the ghost of the uts namespace is gone
		d.src.set(next)
		d.keys("r")
	}
	d.keys("/")
	d.typeText("box-302")
	for _, r := range d.m.explorer.rows {
		if r.ns.ID.Ino == 4026532302 {
			t.Fatalf("the new mnt namespace inherited the old hostname: %+v", r)
		}
	}
}

func TestTUILightAndDarkBackground(t *testing.T) {
	src := &fakeSource{snap: smallSnapshot()}
	m := New(src, WithRefresh(0))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(snapshotMsg{snap: src.snap})
	dark := m.View().Content
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.isDark {
		t.Fatal("a white background was not taken as light")
	}
	light := m.View().Content
	if dark == light {
		t.Fatal("the frame did not change for a light background")
	}
	if ansi.Strip(dark) != ansi.Strip(light) {
		t.Fatal("the background changed the text, not only its colours")
	}
	// Without colour the styles carry no colour at all.
	mono := New(src, WithRefresh(0), WithNoColor(true))
	mono.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	mono.Update(snapshotMsg{snap: src.snap})
	if s := mono.View().Content; strings.Contains(s, "38;") || strings.Contains(s, "48;") {
		t.Fatal("NO_COLOR frame carries colour sequences")
	}
}

func TestTUIInodeReuseSameType(t *testing.T) {
	// The sandbox's uts namespace dies and a new uts namespace (another
	// process) gets its inode: its hostname is read again, not inherited.
	d := newDriver(t, 120, 36)
	next := smallSnapshot()
	for _, ns := range next.Namespaces {
		if ns.ID.Ino == 4026532302 {
			ns.PID, ns.Members, ns.NProcs = 901, []int{901}, 1
		}
	}
	reads := d.src.details
	d.src.set(next)
	d.keys("r")
	if d.src.details == reads {
		t.Fatal("a uts namespace with a new lowest member was not read again")
	}
}

func TestTUIPasteIntoFilter(t *testing.T) {
	d := newDriver(t, 80, 24)
	d.keys("/")
	d.send(tea.PasteMsg{Content: "type:net\nlab\n"})
	if d.m.explorer.filter != "type:net lab" || len(d.m.explorer.rows) != 1 || d.m.explorer.rows[0].ns.ID.Ino != 4026532500 {
		t.Fatalf("paste: filter %q, %d rows", d.m.explorer.filter, len(d.m.explorer.rows))
	}
}

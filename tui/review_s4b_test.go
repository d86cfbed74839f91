package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestZombieMemberCannotBeEntered: the footer over a zombie member says it
// cannot be entered, and e says why instead of opening a form whose pane
// would die at once.
func TestZombieMemberCannotBeEntered(t *testing.T) {
	d := newReviewDriver(t, 120, 36)
	d.open("pid", rvZombiePID)
	d.keys("tab")
	for range 10 {
		if l := d.m.explorer.lines[d.m.explorer.dcursor]; l.kind == lkMember && l.pid == 1302 {
			break
		}
		d.keys("j")
	}
	if !strings.Contains(d.screen(), "pid 1302 is a zombie: it exited, nothing to enter") {
		t.Fatalf("footer over the zombie member:\n%s", d.screen())
	}
	d.keys("e")
	if d.m.ws.enter != nil || !strings.Contains(d.screen(), "process 1302 is a zombie") {
		t.Fatalf("e on a zombie: want a notice, no form:\n%s", d.screen())
	}
	// Its process view: the unreadable namespace lines offer nothing.
	d.keys("enter")
	for i, l := range d.m.explorer.lines {
		if l.kind == lkNSLink && d.m.explorer.byID[l.ns] == nil {
			d.m.explorer.dcursor = i
			if h := d.m.explorer.detailHint(); h != "" {
				t.Errorf("hint on unreadable line %q: %q, want none", l.text, h)
			}
		}
	}
}

// TestTooSmallIgnoresMouseAndQuitsOnQ: while only the notice shows, a click
// where a tab was drawn does nothing, and q quits even if a filter was
// being typed; a failure box shown meanwhile says any key closes it.
func TestTooSmallIgnoresMouseAndQuitsOnQ(t *testing.T) {
	d := staticPanes(t, 120, 36, 2)
	d.send(keyMsgCtrl(']'))
	_ = d.screen() // the tab bar's hit boxes are laid out when it is drawn
	tab := d.m.ws.tabRects[1]
	d.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	d.send(tea.MouseClickMsg{X: tab.x + 1, Y: tab.y, Button: tea.MouseLeft})
	if d.m.ws.paneFocus || d.m.ws.active != 1 {
		t.Fatalf("a click while too small focused pane %d (focus %v)", d.m.ws.active+1, d.m.ws.paneFocus)
	}
	// A failure shown meanwhile: the notice says any key closes it.
	d.m.ws.confirm = &confirmDialog{kind: confirmFailed, text: "Could not start x:\nwhy"}
	if s := d.screen(); !strings.Contains(strings.ReplaceAll(s, "\n", " "), "press any key to close") || strings.Contains(s, "(y/n)") {
		t.Fatalf("too small with a failure box:\n%s", s)
	}
	d.keys("x")
	if d.m.ws.confirm != nil {
		t.Fatal("a key did not close the failure box")
	}

	f := newDriver(t, 120, 36)
	f.keys("/")
	f.typeText("ne")
	f.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	_, cmd := f.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatalf("q while too small and filtering: nothing; filter %q", f.m.explorer.filter)
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q while too small and filtering did not quit")
	}
}

// TestTabBarBlankClickKeepsPane: a click on the tab bar past the tabs
// (where no explorer is drawn in tabs layout) leaves the pane focused.
func TestTabBarBlankClickKeepsPane(t *testing.T) {
	d := staticPanes(t, 80, 24, 1)
	_ = d.screen()
	y := d.m.ws.tabRects[0].y
	d.send(tea.MouseClickMsg{X: 60, Y: y, Button: tea.MouseLeft})
	if !d.m.ws.paneFocus {
		t.Fatal("a click on the blank tab bar went to the explorer")
	}
}

// TestSpawnFormUserAndMapCurrentStayConsistent: ticking map-current-user
// ticks user; unticking user unticks it; moving the cursor changes nothing.
// A greyed hostname stays greyed and unedited with the cursor on it.
func TestSpawnFormUserAndMapCurrentStayConsistent(t *testing.T) {
	f := newSpawnForm("box1", false)
	on := func(t0 string) bool {
		for i := range spawnFields {
			if f.fields[i].label == t0 {
				return f.fields[i].on
			}
		}
		t.Fatalf("no field %s", t0)
		return false
	}
	press := func(k string) { f.key(keyMsg(k)) }
	f.cur = spawnMapCurrent
	press("space")
	if !on("user") || !on("map-current-user") {
		t.Fatal("ticking map-current-user did not tick user")
	}
	for f.fields[f.cur].label != "user" {
		press("up")
	}
	press("space") // untick user
	if on("user") || on("map-current-user") {
		t.Fatal("unticking user left map-current-user ticked")
	}
	for range 8 { // over map-current-user and on
		press("down")
	}
	if on("user") {
		t.Fatal("moving the cursor ticked user")
	}
	// Greyed hostname: untick uts, then type on it.
	for f.fields[f.cur].label != "uts" {
		press("down")
	}
	press("space")
	f.cur = spawnHostname
	f.key(tea.KeyPressMsg{Code: 'z', Text: "z"})
	press("backspace")
	if f.fields[spawnHostname].value != "box1" {
		t.Fatalf("a greyed hostname was edited: %q", f.fields[spawnHostname].value)
	}
	st := NewStyles(true, true)
	if l := formLines(&st, f.fields, f.cur, 80)[spawnHostname]; !strings.Contains(l, "not used") {
		t.Fatalf("focused greyed hostname lost its hint: %q", l)
	}
}

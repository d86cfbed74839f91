package tui

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/ptyshell"
)

// fakeShells records the specs the UI asks for and runs a real /bin/sh on
// a real PTY for each (no namespaces): the panes' flows are real, the
// kernel side is the command line's business and tested there.
type fakeShells struct {
	mu       sync.Mutex
	spawns   []nsops.SpawnSpec
	enters   []nsops.EnterSpec
	sessions []*ptyshell.Session
	fail     error
}

func (f *fakeShells) Spawn(spec nsops.SpawnSpec, rows, cols int) (PaneSession, error) {
	f.mu.Lock()
	f.spawns = append(f.spawns, spec)
	f.mu.Unlock()
	return f.start(rows, cols)
}

func (f *fakeShells) Enter(spec nsops.EnterSpec, rows, cols int) (PaneSession, error) {
	f.mu.Lock()
	f.enters = append(f.enters, spec)
	f.mu.Unlock()
	return f.start(rows, cols)
}

func (f *fakeShells) start(rows, cols int) (PaneSession, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	cmd := exec.Command("/bin/sh")
	cmd.Env = append(os.Environ(), "PS1=$ ", "ENV=")
	s, err := ptyshell.Start(cmd, ptyshell.Options{Rows: rows, Cols: cols, CloseGrace: 200 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.sessions = append(f.sessions, s)
	f.mu.Unlock()
	return s, nil
}

func (f *fakeShells) closeAll() {
	f.mu.Lock()
	ss := f.sessions
	f.mu.Unlock()
	for _, s := range ss {
		_ = s.Close()
	}
}

// asyncDriver runs a Model as the Bubble Tea runtime does: commands run in
// goroutines and their messages come back through a channel, so the pane
// waiters (which block until output) work as in the real program.
type asyncDriver struct {
	t      *testing.T
	m      *Model
	src    *fakeSource
	shells *fakeShells
	msgs   chan tea.Msg
	done   chan struct{}
	quit   bool
}

func newAsyncDriver(t *testing.T, w, h int, opts ...Option) *asyncDriver {
	t.Helper()
	src := &fakeSource{snap: smallSnapshot()}
	sh := &fakeShells{}
	d := &asyncDriver{t: t, src: src, shells: sh, msgs: make(chan tea.Msg, 64), done: make(chan struct{})}
	d.m = New(src, append([]Option{WithRefresh(0), WithNoColor(true), WithShells(sh), WithSelfPID(1)}, opts...)...)
	t.Cleanup(func() {
		sh.closeAll()
		close(d.done)
	})
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.exec(d.m.Init())
	d.waitFor("first scan", func() bool { return d.m.snap != nil })
	return d
}

func (d *asyncDriver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

func (d *asyncDriver) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		_, cmd := d.m.Update(msg)
		d.exec(cmd)
	}
}

func (d *asyncDriver) keys(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *asyncDriver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// waitFor handles messages until cond holds (10 s at most).
func (d *asyncDriver) waitFor(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, d.screen())
		}
	}
}

func (d *asyncDriver) waitText(texts ...string) {
	d.t.Helper()
	d.waitFor(strings.Join(texts, " + "), func() bool {
		s := d.screen()
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

func (d *asyncDriver) screen() string { return ansi.Strip(d.m.View().Content) }

// gone reports whether pid no longer runs (or is a zombie).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + itoa(uint64(pid)) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(s[i+1:], " Z")
}

func TestPaneSpawnFormAndShell(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	d.keys("s")
	d.waitText("New namespaced shell", "unshare --ipc --mount --net --pid --uts --fork --kill-child --mount-proc", "hostname box1")
	// Tick user: the unshare line follows at once.
	d.keys("down", "down", "down", "down", "down", "space")
	d.waitText("unshare --ipc --mount --net --pid --user --uts", "--map-root-user")
	d.keys("space") // untick again
	if strings.Contains(d.screen(), "--user") {
		t.Fatalf("user still in the unshare line:\n%s", d.screen())
	}
	// The hostname needs a uts namespace: untick uts and it is greyed out
	// and left out of the command (which would rename the caller's host).
	d.keys("up", "up", "up", "space")
	d.waitText("hostname  box1  (not used: tick uts")
	if s := d.screen(); strings.Contains(s, "hostname box1") || !strings.Contains(s, "unshare --ipc --mount --net --pid --fork") {
		t.Fatalf("uts unticked: the equivalent command still sets the hostname:\n%s", s)
	}
	if sp := d.m.ws.spawn.spec(); sp.Hostname != "" {
		t.Fatalf("uts unticked: spec hostname %q, want none", sp.Hostname)
	}
	// map-current-user: what the box says is what the line does.
	d.keys("down", "down", "down", "down", "down", "down", "down", "space")
	d.waitText("[x] map-current-user", "--user", "--map-current-user")
	if strings.Contains(d.screen(), "--map-root-user") {
		t.Fatalf("map-current-user ticked, yet the line maps root:\n%s", d.screen())
	}
	d.keys("space", "up", "up", "up", "up", "space") // untick it and the user namespace it ticked
	d.keys("up", "up", "up", "space", "enter")
	d.waitText("1 spawn pid,mnt,uts,ipc,net box1")
	sp := d.shells.spawns[0]
	want := []nsops.NSType{nsops.PIDNS, nsops.MntNS, nsops.UTSNS, nsops.IPCNS, nsops.NetNS}
	if len(sp.Types) != len(want) || sp.Hostname != "box1" || sp.MapRootUser || sp.MapCurrentUser {
		t.Fatalf("spawn spec = %+v", sp)
	}
	for i := range want {
		if sp.Types[i] != want[i] {
			t.Fatalf("spawn types = %v, want %v", sp.Types, want)
		}
	}
	if !d.m.ws.paneFocus {
		t.Fatal("the new pane does not have the focus")
	}
	d.waitText("$ ")
	d.typeText("echo hi-$((6*7))")
	d.keys("enter")
	d.waitText("hi-42", "pane 1 · keys go to the program", "ctrl+] explorer/pane")
	// The real cursor is in the pane, after the prompt.
	cur := d.m.View().Cursor
	r := d.m.ws.paneRect
	if cur == nil || !r.contains(cur.X, cur.Y) {
		t.Fatalf("cursor %+v not inside the pane %+v", cur, r)
	}
	// The prefix key gives the focus back; 1 takes it again.
	d.send(tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl})
	if d.m.ws.paneFocus || d.m.View().Cursor != nil {
		t.Fatal("ctrl+] did not leave the pane")
	}
	d.waitText("s spawn shell", "x close pane")
	d.keys("1")
	if !d.m.ws.paneFocus {
		t.Fatal("1 did not focus pane 1")
	}
	// Paste reaches the program.
	d.send(tea.PasteMsg{Content: "echo pasted-$((6*7))\n"})
	d.waitText("pasted-42")

	// The program ends: the pane shows its status until closed.
	d.typeText("exit 3")
	d.keys("enter")
	d.waitText("exited: status 3 · x closes")
	pid := d.m.ws.panes[0].pid
	d.keys("x")
	if len(d.m.ws.panes) != 0 || d.m.ws.paneFocus {
		t.Fatal("x did not close the ended pane")
	}
	d.waitFor("the pane's process to be gone", func() bool { return gone(pid) })
}

func TestPaneCloseAndQuitAsk(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	d.keys("s", "enter")
	d.waitText("1 spawn", "$ ")
	d.keys("s", "enter") // the prefix is not needed to open a form? it is: keys go to the shell
	d.send(tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl})
	d.keys("s", "enter")
	d.waitText("2 spawn")
	d.send(tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl})
	if len(d.m.ws.panes) != 2 {
		t.Fatalf("%d panes, want 2", len(d.m.ws.panes))
	}
	pids := []int{d.m.ws.panes[0].pid, d.m.ws.panes[1].pid}
	// x asks while the program runs; n keeps it.
	d.keys("x")
	d.waitText("Pane 2 (spawn", "is still running")
	d.keys("n")
	if len(d.m.ws.panes) != 2 || d.m.ws.confirm != nil {
		t.Fatal("n closed the pane")
	}
	d.keys("x", "y")
	d.waitFor("pane 2's process to end", func() bool { return gone(pids[1]) })
	if len(d.m.ws.panes) != 1 {
		t.Fatalf("%d panes after closing one", len(d.m.ws.panes))
	}
	// Quit asks while a shell is alive, then ends it before quitting.
	d.keys("q")
	d.waitText("1 shell is still running", "Quit nstui")
	d.keys("esc")
	if d.quit || d.m.ws.confirm != nil {
		t.Fatal("esc did not cancel the quit")
	}
	d.keys("q", "y")
	d.waitFor("quit", func() bool { return d.quit })
	if !gone(pids[0]) {
		t.Fatalf("pane 1's program %d still runs after quitting", pids[0])
	}
}

func TestPaneScrollbackResizeAndSplit(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	d.keys("s", "enter")
	d.waitText("1 spawn", "$ ")
	d.typeText("seq 1 300")
	d.keys("enter")
	d.waitText("│300   ")
	p := d.m.ws.panes[0]
	r := d.m.ws.paneRect
	wheel := func(b tea.MouseButton) {
		d.send(tea.MouseWheelMsg{X: r.x + 5, Y: r.y + 5, Button: b})
	}
	wheel(tea.MouseWheelUp)
	wheel(tea.MouseWheelUp)
	d.waitText("↑ scrolled back 6")
	if d.m.View().Cursor != nil {
		t.Fatal("the cursor shows while scrolled back")
	}
	wheel(tea.MouseWheelDown)
	d.waitText("↑ scrolled back 3")
	d.keys("space") // any key returns to the live screen
	if p.scroll != 0 || strings.Contains(d.screen(), "scrolled back") {
		t.Fatal("a key did not end the scrollback view")
	}
	d.keys("backspace")

	// Resize: the pane fills its new place and the program learns it.
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	rows, cols := d.m.paneSize()
	d.waitFor("the session to follow the resize", func() bool {
		sr, sc := d.shells.sessions[0].Size()
		return sr == rows && sc == cols
	})
	d.typeText("clear; stty size")
	d.keys("enter")
	d.waitText(itoa(uint64(rows)) + " " + itoa(uint64(cols)))

	// z: tabs instead of split; the pane then takes the whole width.
	d.send(tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl})
	d.keys("z")
	if d.m.ws.split {
		t.Fatal("z did not switch to tabs")
	}
	if strings.Contains(d.screen(), "1 spawn pid,mnt,uts,ipc,net box1 · pid") {
		t.Fatal("the pane shows in tabs mode while the explorer has the focus")
	}
	d.keys("1")
	_, cols2 := d.m.paneSize()
	if cols2 != 98 {
		t.Fatalf("pane width in tabs mode = %d, want the window's 100 minus its frame", cols2)
	}
	d.waitFor("the session to take the full width", func() bool {
		_, sc := d.shells.sessions[0].Size()
		return sc == 98
	})
}

func TestPaneEnterForms(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	// A process: the sandbox's sh (filter by hostname, open its process view).
	d.keys("/")
	d.typeText("box-302 uts")
	d.keys("enter", "enter", "enter")
	d.waitText("Process 1201")
	d.keys("e")
	// all: nstui joins what differs from its own; the process shares cgroup
	// and time with it, which nsenter --all would join, so the line names
	// the types, as nstui enter --print-equivalent does.
	d.waitText("Enter the namespaces of process 1201", "nsenter --target 1201 --ipc --mount --net --pid --uts")
	if !d.m.ws.enter.spec().All {
		t.Fatal("the form's spec lost --all")
	}
	d.keys("space") // all off: the differing types stay ticked
	d.waitText("nsenter --target 1201 --ipc --mount --net --pid --uts")
	d.keys("down", "down", "down", "down", "space") // untick net
	d.waitText("nsenter --target 1201 --ipc --mount --pid --uts")
	d.keys("enter")
	d.waitText("1 enter 1201 ipc,mnt,pid,uts")
	es := d.shells.enters[0]
	if es.Target != 1201 || es.All || len(es.Types) != 4 {
		t.Fatalf("enter spec = %+v", es)
	}
}

func TestPaneEnterNSAsRoot(t *testing.T) {
	// A namespace owned by a rootless user namespace: root needs no more.
	d := newAsyncDriver(t, 120, 36)
	d.keys("/")
	d.typeText("4026532403")
	d.keys("enter", "e")
	d.waitText("Enter net namespace 4026532403", "not needed as root")
	if strings.Contains(d.screen(), "--user") {
		t.Fatalf("root is told to join the owner:\n%s", d.screen())
	}
	d.keys("enter")
	d.waitText("1 enter 2000 net")
	if es := d.shells.enters[0]; es.TargetNS.Ino != 4026532403 || es.TargetNS.Type != nsops.NetNS || len(es.Paths) != 0 {
		t.Fatalf("enter spec = %+v", es)
	}
}

func TestPaneEnterNeedsOwnerAsUser(t *testing.T) {
	d := newAsyncDriver(t, 120, 36, WithSelfPID(840)) // alice, uid 1000
	d.keys("/")
	d.typeText("4026532403")
	d.keys("enter", "e")
	d.waitText("needed: you are not root", "nsenter --net=/proc/2000/ns/net --user=/proc/2000/ns/user")
	d.keys("enter")
	d.waitText("1 enter 2000 net+user")
	es := d.shells.enters[0]
	if es.TargetNS.Ino != 4026532403 || es.Paths[nsops.UserNS] != "/proc/2000/ns/user" {
		t.Fatalf("enter spec = %+v", es)
	}
}

func TestPaneStartErrorShown(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	d.shells.fail = errors.New("open namespace ipc:4026532404: open /proc/8013/ns/ipc: ENOENT (no such file or directory): target exited or never existed; pick a running process")
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.keys("s", "enter")
	// At 80 columns the reason is wrapped in a box, never cut: its end shows.
	d.waitText("Could not start spawn pid,mnt,uts,ipc,net box1:", "target exited or never existed", "any key closes")
	if len(d.m.ws.panes) != 0 {
		t.Fatal("a pane opened for a failed start")
	}
	d.keys("x") // any key closes it, and does nothing else
	if d.m.ws.confirm != nil || strings.Contains(d.screen(), "Could not start") || len(d.m.ws.panes) != 0 {
		t.Fatalf("a key did not close the failure box:\n%s", d.screen())
	}
}

func TestPaneOursFromSnapshot(t *testing.T) {
	snap := smallSnapshot()
	// A pane whose program is the sandbox's parent: its tree reaches into
	// the sandbox, whose namespaces are ours; the host's are not.
	fake := &pane{pid: 1200, quit: make(chan struct{})}
	ours := oursFrom(snap, []*pane{fake}, 1)
	for _, ino := range []uint64{4026532300, 4026532301, 4026532302, 4026532303, 4026532304} {
		if !ours[id(ino)] {
			t.Errorf("sandbox namespace %d not marked ours", ino)
		}
	}
	for _, ns := range hostNS() {
		if ours[ns] {
			t.Errorf("host namespace %d marked ours", ns.Ino)
		}
	}
	fake.exited = true
	if len(oursFrom(snap, []*pane{fake}, 1)) != 0 {
		t.Error("an ended pane still marks namespaces")
	}
}

func TestPaneKillOnClose(t *testing.T) {
	// Close ends programs that ignore SIGHUP too (ptyshell's grace, then
	// SIGKILL): the pane's close path goes through Session.Close.
	d := newAsyncDriver(t, 120, 36)
	d.keys("s", "enter")
	d.waitText("$ ")
	d.typeText("trap '' HUP; echo ready-$((6*7))")
	d.keys("enter")
	d.waitText("ready-42")
	pid := d.m.ws.panes[0].pid
	d.send(tea.KeyPressMsg{Code: ']', Mod: tea.ModCtrl})
	d.keys("x", "y")
	d.waitFor("the program that ignores SIGHUP to end", func() bool { return gone(pid) })
	if err := syscall.Kill(pid, 0); err == nil && !gone(pid) {
		t.Fatal("still alive")
	}
}

func TestPaneRescanAfterScanInFlight(t *testing.T) {
	d := newAsyncDriver(t, 120, 36, WithShells(&staticShells{}))
	scans := func() int { d.src.mu.Lock(); defer d.src.mu.Unlock(); return d.src.scans }
	// A scan is in flight when the pane starts: its result predates the
	// pane, so a second scan must follow it at once.
	d.m.scanning = true
	d.keys("s", "enter")
	d.waitFor("the pane", func() bool { return len(d.m.ws.panes) == 1 })
	if !d.m.ws.rescanDue {
		t.Fatal("no rescan noted while a scan was in flight")
	}
	before := scans()
	d.send(snapshotMsg{snap: d.src.snap})
	d.waitFor("the follow-up scan", func() bool { return scans() > before && !d.m.scanning })
	if d.m.ws.rescanDue {
		t.Fatal("rescan still pending")
	}
	for _, p := range d.m.ws.panes {
		p.stop()
	}
}

func TestPaneQuitAsksFromFilterAndHelp(t *testing.T) {
	d := newAsyncDriver(t, 120, 36, WithShells(&staticShells{}))
	d.keys("s", "enter")
	d.waitFor("the pane", func() bool { return len(d.m.ws.panes) == 1 })
	d.send(keyMsgCtrl(']'))
	// q typed into the filter is a letter; ctrl+c there asks.
	d.keys("/", "q")
	if d.m.ws.confirm != nil || d.m.explorer.filter != "q" {
		t.Fatalf("q in the filter: confirm %v, filter %q", d.m.ws.confirm, d.m.explorer.filter)
	}
	d.keys("ctrl+c")
	if d.m.ws.confirm == nil || d.quit {
		t.Fatal("ctrl+c while filtering quit without asking")
	}
	d.keys("n", "esc", "?")
	d.keys("q")
	if d.m.ws.confirm == nil || d.quit {
		t.Fatal("q in the help quit without asking")
	}
	if !strings.Contains(d.screen(), "Quit nstui and end every process") {
		t.Fatalf("the question is not on screen:\n%s", d.screen())
	}
	d.keys("y")
	d.waitFor("quit", func() bool { return d.quit })
}

// TestPaneTypingDefersRefresh: while keys go to a pane, a live refresh tick
// reschedules itself instead of scanning (a scan takes the CPU from the
// echo), at most maxDeferrals times in a row; once typing pauses, the next
// tick scans.
func TestPaneTypingDefersRefresh(t *testing.T) {
	m, _ := paneModel(t, 120, 36)
	src := m.src.(*fakeSource)
	m.interval = DefaultRefresh
	m.scanning = false // the pane's start asked for a scan: let it be done
	scans := func() int { src.mu.Lock(); defer src.mu.Unlock(); return src.scans }
	key := tea.KeyPressMsg{Code: 'a', Text: "a"}

	m.Update(key)
	if _, cmd := m.Update(tickMsg(time.Now())); cmd == nil || m.scanning || m.deferred != 1 {
		t.Fatalf("tick while typing: cmd %v, scanning %v, deferred %d; want a later tick, no scan", cmd != nil, m.scanning, m.deferred)
	}
	// No key since: the next tick scans.
	_, cmd := m.Update(tickMsg(time.Now()))
	if cmd == nil || !m.scanning {
		t.Fatalf("tick after typing paused: scanning %v; want a scan", m.scanning)
	}
	before := scans()
	msg := cmd()
	if scans() != before+1 {
		t.Fatalf("the scan command did not scan (%d -> %d)", before, scans())
	}
	m.Update(msg)

	// Typing without pause defers at most maxDeferrals times.
	m.tickPending = false
	for i := range maxDeferrals {
		m.Update(key)
		if m.Update(tickMsg(time.Now())); m.scanning {
			t.Fatalf("scan started after %d deferrals, want %d", i, maxDeferrals)
		}
	}
	m.Update(key)
	if m.Update(tickMsg(time.Now())); !m.scanning || m.deferred != 0 {
		t.Fatalf("after %d deferrals: scanning %v, deferred %d; want a scan", maxDeferrals, m.scanning, m.deferred)
	}
}

// TestPaneRowsFitTheTerminalsWidths draws rows the real emulator laid out
// (emoji sequences whose width depends on how one counts) and checks that
// every line of the frame is exactly as wide as the terminal will measure
// it: by code points (wcwidth) unless the terminal reported grapheme
// clustering (mode 2027), which Bubble Tea then turns on.
func TestPaneRowsFitTheTerminalsWidths(t *testing.T) {
	m := farmModel(t, 120, 36)
	rows, cols := m.paneSize()
	emu := ptyshell.NewNativeEmulator(rows, cols, 0, func([]byte) {}, nil)
	t.Cleanup(func() { _ = emu.Close() })
	heads := []string{"❤️", "👨\u200d👩\u200d👧", "👍🏽", "日本", "e\u0301"}
	for i, h := range heads {
		// Each row ends with '|' at the emulator's last column.
		if i > 0 {
			_, _ = emu.Write([]byte("\r\n"))
		}
		_, _ = emu.Write([]byte(h))
		c := emu.Cursor()
		_, _ = emu.Write([]byte(strings.Repeat("x", cols-1-c.Col) + "|"))
		if c := emu.Cursor(); c.Col != cols-1 {
			t.Fatalf("row %q: cursor at column %d after the marker, want %d", h, c.Col, cols-1)
		}
	}
	s := newStaticSession(rows, cols, emu.Rows(nil), nil)
	m.Update(paneStartedMsg{title: "spawn", tab: "spawn", s: s, rows: rows, cols: cols})
	t.Cleanup(func() { m.ws.panes[0].stop() })

	check := func(method string, width func(string) int) string {
		t.Helper()
		frame := m.View().Content
		rowsSeen := 0
		for i, l := range strings.Split(frame, "\n") {
			// A line may end early (the header), never late; the lines
			// with the pane's rows reach the right edge.
			w := width(l)
			if strings.Contains(l, "xxx") {
				rowsSeen++
				if w != 120 {
					t.Errorf("%s: frame line %d (a pane row) is %d cells wide, want 120: %q", method, i, w, ansi.Strip(l))
				}
			} else if w > 120 {
				t.Errorf("%s: frame line %d is %d cells wide, more than the 120 of the terminal: %q", method, i, w, ansi.Strip(l))
			}
		}
		if rowsSeen != len(heads) {
			t.Errorf("%s: %d pane rows in the frame, want %d", method, rowsSeen, len(heads))
		}
		return frame
	}
	frame := check("wcwidth", ansi.StringWidthWc)
	for _, h := range heads {
		if !strings.Contains(frame, h) || strings.Count(ansi.Strip(frame), "x|") != len(heads) {
			t.Errorf("wcwidth: a row lost cells: %q or its end marker is missing from the frame", h)
		}
	}
	// A dialog over the rows lays them out the same way.
	m.ws.confirm = &confirmDialog{kind: confirmQuit, text: "Quit nstui?"}
	check("wcwidth, a dialog open", ansi.StringWidthWc)
	m.ws.confirm = nil
	m.Update(tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeSet})
	check("graphemes", ansi.StringWidth)
	m.ws.confirm = &confirmDialog{kind: confirmQuit, text: "Quit nstui?"}
	check("graphemes, a dialog open", ansi.StringWidth)
}

// TestPaneTooSmallSaysWhereKeysGo: while the terminal is too small and a
// pane has the keys, the notice says they still go to the pane (and how to
// leave it) rather than that q quits: q would reach the hidden program.
func TestPaneTooSmallSaysWhereKeysGo(t *testing.T) {
	d := spawnedPane(t)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	scr := strings.Join(strings.Fields(d.screen()), " ")
	if !strings.Contains(scr, "keys still go to the pane") || strings.Contains(scr, "press q") {
		t.Fatalf("too-small notice with a pane focused:\n%s", d.screen())
	}
}

// TestPaneLayoutFollowsTheWindow: until the user picks a layout with z,
// the split view becomes tabs when the window gets narrower than
// splitMinWidth, and the split view again when it widens; after z, the
// user's choice stays.
func TestPaneLayoutFollowsTheWindow(t *testing.T) {
	d := spawnedPane(t)
	for _, c := range []struct {
		w     int
		split bool
	}{{120, true}, {80, false}, {120, true}} {
		d.send(tea.WindowSizeMsg{Width: c.w, Height: 36})
		if d.m.ws.split != c.split {
			t.Fatalf("at %d columns: split %v, want %v", c.w, d.m.ws.split, c.split)
		}
		if _, cols := d.m.paneSize(); c.split && cols >= c.w-40 || !c.split && cols != c.w-2 {
			t.Fatalf("at %d columns (split %v) the pane is %d columns wide", c.w, c.split, cols)
		}
	}
	d.send(keyMsgCtrl(']'))
	d.keys("z") // the user's choice: tabs
	d.send(tea.WindowSizeMsg{Width: 130, Height: 36})
	if d.m.ws.split {
		t.Fatal("after z chose tabs, a wider window went back to the split view")
	}
}

// TestPaneScrollbackKeys: shift+pgup and shift+pgdn page a focused pane
// through its history by half a pane, without the mouse; they do not reach
// the program.
func TestPaneScrollbackKeys(t *testing.T) {
	d := spawnedPane(t)
	p := d.m.ws.panes[0]
	half := p.rows / 2
	d.send(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	d.send(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	if p.scroll != 2*half || !strings.Contains(d.screen(), "scrolled back") {
		t.Fatalf("after shift+pgup twice: scrolled back %d, want %d", p.scroll, 2*half)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyPgDown, Mod: tea.ModShift})
	if p.scroll != half {
		t.Fatalf("after shift+pgdn: scrolled back %d, want %d", p.scroll, half)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyPgDown, Mod: tea.ModShift})
	if p.scroll != 0 {
		t.Fatalf("after shift+pgdn again: scrolled back %d, want 0", p.scroll)
	}
	s := p.s.(*staticSession)
	s.mu.Lock()
	sent := s.keysSent
	s.mu.Unlock()
	if sent != 0 {
		t.Fatalf("the program got %d keys, want none", sent)
	}
}

// TestTabLabel: a spawn tab drops the namespace list, which most tabs
// share, and keeps what tells them apart; the frame's title keeps it all.
func TestTabLabel(t *testing.T) {
	for _, c := range []struct{ host, cmd, title, tab string }{
		{"box1", "", "spawn pid,mnt,uts,ipc,net box1", "spawn box1"},
		{"box2", "top -d 1", "spawn pid,mnt,uts,ipc,net box2: top -d 1", "spawn box2: top -d 1"},
		{"", "ip addr", "spawn pid,mnt,uts,ipc,net: ip addr", "spawn: ip addr"},
		{"", "", "spawn pid,mnt,uts,ipc,net", "spawn"},
	} {
		f := newSpawnForm(c.host, false)
		f.fields[spawnCommand].value = c.cmd
		if got := f.title(); got != c.title {
			t.Errorf("title = %q, want %q", got, c.title)
		}
		if got := f.tab(); got != c.tab {
			t.Errorf("tab = %q, want %q", got, c.tab)
		}
	}
}

// spawnedPane is a 120x36 UI with one spawned pane (a static session) that
// has the keys; the pane's waiter stops with the test.
func spawnedPane(t *testing.T) *asyncDriver {
	t.Helper()
	return staticPanes(t, 120, 36, 1)
}

// TestPaneSendPrefixKey: the prefix key leaves a pane, so p in the explorer
// types it into the pane for programs that want it (here od, which prints
// the byte it read: 035 is ctrl+]).
func TestPaneSendPrefixKey(t *testing.T) {
	d := newAsyncDriver(t, 120, 36)
	d.keys("s", "enter")
	d.waitText("1 spawn", "$ ")
	d.typeText("od -An -to1 -w1 -N1")
	d.keys("enter")
	d.send(keyMsgCtrl(']'))
	if d.m.ws.paneFocus {
		t.Fatal("the prefix key did not leave the pane")
	}
	d.keys("p")
	if !d.m.ws.paneFocus {
		t.Fatal("p did not give the keys back to the pane")
	}
	d.keys("enter") // the tty is in canonical mode: od reads the line
	d.waitText(" 035")
	d.typeText("echo typed-after")
	d.keys("enter")
	d.waitText("│typed-after ")

	// Nothing to type into: a notice, not a crash.
	d.send(keyMsgCtrl(']'))
	d.keys("x", "y")
	d.waitFor("the pane to close", func() bool { return len(d.m.ws.panes) == 0 })
	d.keys("p")
	if !strings.Contains(d.screen(), "no pane to type ctrl+] into") {
		t.Fatalf("p without a pane: want a notice, screen:\n%s", d.screen())
	}
}

// TestPaneTabBarKeepsShownTabWhole: at 80 columns four panes' tabs do not
// fit; the other tabs shrink so the shown one stays whole, whichever it is.
func TestPaneTabBarKeepsShownTabWhole(t *testing.T) {
	d := staticPanes(t, 80, 24, 4)
	for i, p := range d.m.ws.panes { // names as long as enter panes get
		p.tab = "enter 12345" + itoa(uint64(i)) + " cgroup,ipc,mnt"
	}
	bar := func() string { return tabBarLine(t, d) }
	for _, n := range []string{"4", "1", "3"} {
		if n != "4" {
			d.send(keyMsgCtrl(']'))
			d.keys(n)
		}
		p := d.m.ws.activePane()
		want := " " + n + " " + p.tab + " ● "
		if b := bar(); !strings.Contains(b, want) || ansi.StringWidth(b) > 80 {
			t.Errorf("pane %s shown: tab bar %q (%d cells), want it to hold %q within 80 cells", n, b, ansi.StringWidth(b), want)
		}
	}
	// Every pane still has a tab to click, numbered as the keys 1-4.
	if b := bar(); !strings.Contains(b, " 1 ") || !strings.Contains(b, " 2 ") || !strings.Contains(b, " 4 ") {
		t.Errorf("tab bar %q lost a pane's number", b)
	}
}

// TestPaneNextPrevReachEveryPane: 1-9 reach nine panes; n and N reach
// every pane, and the tab bar keeps the shown one on screen when the tabs
// of eleven panes do not fit.
func TestPaneNextPrevReachEveryPane(t *testing.T) {
	d := staticPanes(t, 80, 24, 11)
	bar := func() string { return tabBarLine(t, d) }
	d.send(keyMsgCtrl(']'))
	d.keys("1")
	if d.m.ws.active != 0 || !d.m.ws.paneFocus {
		t.Fatalf("1: active %d, focus %v", d.m.ws.active, d.m.ws.paneFocus)
	}
	d.send(keyMsgCtrl(']'))
	d.keys("N") // from the first pane back to the last, the eleventh
	if d.m.ws.active != 10 || !d.m.ws.paneFocus {
		t.Fatalf("N from pane 1: active %d (want 10), focus %v", d.m.ws.active, d.m.ws.paneFocus)
	}
	if b := bar(); !strings.Contains(b, " 11 "+d.m.ws.panes[10].tab+" ● ") || !strings.Contains(b, "…") || ansi.StringWidth(b) > 80 {
		t.Errorf("pane 11 shown: tab bar %q (%d cells), want its whole tab, an ellipsis for the hidden ones, within 80", b, ansi.StringWidth(b))
	}
	// Its hit box is where it is drawn; the hidden ones have none.
	r := d.m.ws.tabRects[11]
	if r.w == 0 || !strings.HasPrefix(string([]rune(bar())[r.x:]), " 11 ") {
		t.Errorf("pane 11's tab hit box %+v does not cover its tab in %q", r, bar())
	}
	d.send(keyMsgCtrl(']'))
	d.keys("n") // and on round to the first
	if d.m.ws.active != 0 || !d.m.ws.paneFocus {
		t.Fatalf("n from pane 11: active %d (want 0)", d.m.ws.active)
	}
	// A pane reached this way can be closed with x.
	d.send(keyMsgCtrl(']'))
	d.keys("N")
	d.send(keyMsgCtrl(']'))
	d.keys("x")
	d.waitFor("the question", func() bool { return d.m.ws.confirm != nil })
	d.keys("y")
	d.waitFor("pane 11 closed", func() bool { return len(d.m.ws.panes) == 10 })
}

// staticPanes opens n static panes (a fixed screen each, no process) at
// w x h; the last one has the keys.
func staticPanes(t *testing.T, w, h, n int) *asyncDriver {
	t.Helper()
	d := newAsyncDriver(t, w, h, WithShells(&staticShells{}))
	t.Cleanup(func() {
		for _, p := range d.m.ws.panes {
			p.stop()
		}
	})
	for i := 1; i <= n; i++ {
		if i > 1 {
			d.send(keyMsgCtrl(']'))
		}
		d.keys("s", "enter")
		d.waitFor("pane "+itoa(uint64(i)), func() bool { return len(d.m.ws.panes) == i && d.m.ws.paneFocus })
	}
	return d
}

// tabBarLine is the tab bar as drawn now.
func tabBarLine(t *testing.T, d *asyncDriver) string {
	t.Helper()
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, " explorer ") {
			return l
		}
	}
	t.Fatalf("no tab bar on screen:\n%s", d.screen())
	return ""
}

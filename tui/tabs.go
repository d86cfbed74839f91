package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/ptyshell"
)

// DefaultPrefixKey gives the focus back to the explorer from a pane.
const DefaultPrefixKey = "ctrl+]"

// splitMinWidth is the narrowest terminal that gets the explorer and a pane
// side by side by default.
const splitMinWidth = 100

// WithShells lets the UI start shells in panes (s, e). Without it those
// keys explain that they are not available.
func WithShells(s Shells) Option { return func(m *Model) { m.ws.shells = s } }

// WithPrefixKey sets the key that leaves a focused pane ("ctrl+]" when
// empty), in Bubble Tea's key names ("ctrl+a", "f12", "alt+q").
func WithPrefixKey(k string) Option {
	return func(m *Model) {
		if k = strings.TrimSpace(k); k != "" {
			m.ws.prefix = k
		}
	}
}

// WithSelfPID tells the UI nstui's own pid, so it can tell the namespaces
// its panes' programs moved into from the ones they share with nstui.
func WithSelfPID(pid int) Option { return func(m *Model) { m.ws.selfPID = pid } }

// confirmKind is what a yes/no question is about.
type confirmKind int

const (
	confirmClose confirmKind = iota
	confirmQuit
	// confirmFailed is no question: why a pane could not start, whole
	// (a footer line cuts it); any key closes it.
	confirmFailed
)

// confirmDialog is a yes/no question.
type confirmDialog struct {
	kind confirmKind
	id   int // confirmClose: the pane
	text string
}

// workspace is the panes side of the root model: the panes in tabs, which
// one is shown and focused, the split view, the spawn and enter forms and
// the yes/no questions. Only Update changes it.
type workspace struct {
	shells  Shells
	prefix  string
	selfPID int

	panes     []*pane
	nextID    int
	active    int  // index of the pane shown; meaningful when panes exist
	paneFocus bool // keys go to the active pane
	split     bool // explorer and pane side by side
	splitSet  bool // the user chose split or tabs with z
	starting  int  // starts in flight
	boxes     int  // spawns so far, for the default hostname

	spawn   *spawnForm
	enter   *enterForm
	confirm *confirmDialog
	notice  string
	quiting bool

	ours      map[nsops.NSID]bool
	rescanDue bool   // a scan was wanted while one was in flight
	inner     bool   // updateWorkspace is handing a message on to the root
	paneRect  rect   // the active pane's frame on screen
	tabRects  []rect // tab bar hit boxes: explorer, then each pane
}

// prefixKey returns the binding that leaves a pane.
func (m *Model) prefixKey() key.Binding {
	k := m.ws.prefix
	if k == "" {
		k = DefaultPrefixKey
	}
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, "explorer/pane"))
}

func (ws *workspace) find(id int) (int, *pane) {
	for i, p := range ws.panes {
		if p.id == id {
			return i, p
		}
	}
	return -1, nil
}

func (ws *workspace) activePane() *pane {
	if len(ws.panes) == 0 {
		return nil
	}
	return ws.panes[clamp(ws.active, 0, len(ws.panes)-1)]
}

func (ws *workspace) alive() int {
	n := 0
	for _, p := range ws.panes {
		if p.running() {
			n++
		}
	}
	return n
}

// paneShown reports whether the active pane is on screen.
func (ws *workspace) paneShown() bool {
	return len(ws.panes) > 0 && (ws.split || ws.paneFocus)
}

// updateWorkspace handles the messages of panes, forms and dialogs, and
// the keys and mouse events they take. done reports the message was fully
// handled; otherwise the explorer gets it.
func (m *Model) updateWorkspace(msg tea.Msg) (tea.Cmd, bool) {
	ws := &m.ws
	if ws.inner {
		return nil, false
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		if !ws.splitSet && len(ws.panes) > 0 {
			// Until the user picks one with z, the layout follows the
			// window: split view when wide enough, tabs otherwise.
			ws.split = m.width >= splitMinWidth
		}
		m.layout()
		return m.resizePanes(), true
	case snapshotMsg:
		if msg.snap != nil {
			ws.ours = oursFrom(msg.snap, ws.panes, ws.selfPID)
			m.explorer.ours = ws.ours
		}
		if !ws.rescanDue {
			return nil, false
		}
		// This scan began before a pane changed: let the root take it,
		// then scan again at once, so the change shows now rather than
		// a refresh interval later.
		ws.rescanDue = false
		ws.inner = true
		_, cmd := m.Update(msg)
		ws.inner = false
		return tea.Batch(cmd, m.rescan()), true
	case paneStartedMsg:
		ws.starting--
		if msg.err != nil {
			ws.confirm = &confirmDialog{kind: confirmFailed, text: "Could not start " + msg.title + ":\n" + msg.err.Error()}
			return nil, true
		}
		if ws.quiting {
			return func() tea.Msg { _ = msg.s.Close(); return nil }, true
		}
		ws.nextID++
		p := newPane(ws.nextID, msg.title, msg.tab, msg.s, msg.rows, msg.cols)
		ws.panes = append(ws.panes, p)
		ws.active = len(ws.panes) - 1
		ws.paneFocus = true
		if !ws.splitSet {
			ws.split = m.width >= splitMinWidth
		}
		m.layout()
		return tea.Batch(p.wait(), m.resizePanes(), m.rescan()), true
	case paneChangedMsg:
		if _, p := ws.find(msg.id); p != nil {
			return p.waitAfter(paneFrame), true
		}
		return nil, true
	case paneExitedMsg:
		if _, p := ws.find(msg.id); p != nil {
			p.exited = true
			p.code, _ = p.s.ExitStatus()
			p.scroll = min(p.scroll, p.s.ScrollbackLen())
			return m.rescan(), true
		}
		return nil, true
	case paneClosedMsg:
		return nil, true
	case paneResizedMsg:
		if _, p := ws.find(msg.id); p != nil && p.running() {
			ws.notice = "resize pane: " + msg.err.Error()
		}
		return nil, true
	case allClosedMsg:
		return tea.Quit, true
	case tea.PasteMsg:
		return m.paste(msg.Content)
	case tea.KeyPressMsg:
		return m.workspaceKey(msg)
	case tea.MouseWheelMsg:
		return m.paneMouse(msg.Mouse(), ptyshell.MousePress, true)
	case tea.MouseClickMsg:
		return m.paneClick(msg.Mouse())
	case tea.MouseReleaseMsg:
		return m.paneMouse(msg.Mouse(), ptyshell.MouseRelease, false)
	case tea.MouseMotionMsg:
		return m.paneMouse(msg.Mouse(), ptyshell.MouseMotion, false)
	}
	return nil, false
}

// rescan asks for a fresh snapshot now, so a new pane's namespaces (or the
// end of an old one's) show at once.
func (m *Model) rescan() tea.Cmd {
	if m.scanning {
		m.ws.rescanDue = true
		return nil
	}
	m.scanning = true
	return m.scanCmd()
}

func (m *Model) paste(text string) (tea.Cmd, bool) {
	ws := &m.ws
	switch {
	case ws.spawn != nil:
		if f := &ws.spawn.fields[ws.spawn.cur]; f.kind == fieldText {
			f.value += strings.ReplaceAll(text, "\n", " ")
		}
		return nil, true
	case ws.enter != nil:
		if f := &ws.enter.fields[ws.enter.cur]; f.kind == fieldText {
			f.value += strings.ReplaceAll(text, "\n", " ")
		}
		return nil, true
	case ws.paneFocus:
		if p := ws.activePane(); p != nil && p.running() {
			p.scroll = 0
			m.typed++
			if err := p.s.Paste(text); err != nil {
				ws.notice = "paste: " + err.Error()
			}
		}
		return nil, true
	}
	return nil, false
}

// workspaceKey routes a key: to the open question or form, to the focused
// pane (everything but the prefix key), or to the pane keys of the
// explorer. Keys it leaves alone go to the explorer.
func (m *Model) workspaceKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	ws := &m.ws
	ws.notice = ""
	if ws.quiting {
		return nil, true
	}
	if ws.confirm != nil {
		return m.confirmKey(msg), true
	}
	if ws.spawn != nil {
		switch ws.spawn.key(msg) {
		case formCancel:
			ws.spawn = nil
		case formSubmit:
			f := ws.spawn
			ws.spawn = nil
			ws.boxes++
			return m.startCmd(f.title(), f.tab(), func(sh Shells, r, c int) (PaneSession, error) { return sh.Spawn(f.spec(), r, c) }), true
		}
		return nil, true
	}
	if ws.enter != nil {
		switch ws.enter.key(msg) {
		case formCancel:
			ws.enter = nil
		case formSubmit:
			f := ws.enter
			ws.enter = nil
			return m.startCmd(f.title(), f.title(), func(sh Shells, r, c int) (PaneSession, error) { return sh.Enter(f.spec(), r, c) }), true
		}
		return nil, true
	}
	prefix := m.prefixKey()
	if ws.paneFocus {
		p := ws.activePane()
		if p == nil {
			ws.paneFocus = false
			return nil, false
		}
		if key.Matches(msg, prefix) {
			return m.setPaneFocus(false), true
		}
		if !p.running() {
			// Nothing reads keys any more: x closes, the rest is ignored.
			if key.Matches(msg, m.keys.ClosePane) {
				return m.closePane(p.id), true
			}
			return nil, true
		}
		if !p.s.AltScreen() { // the alternate screen has no history: the keys go to the program
			half := max(p.rows/2, 1)
			switch {
			case key.Matches(msg, m.keys.ScrollBack):
				p.scrollBy(half)
				return nil, true
			case key.Matches(msg, m.keys.ScrollFwd) && p.scroll > 0:
				p.scrollBy(-half)
				return nil, true
			}
		}
		p.scroll = 0
		m.typed++
		if err := p.s.SendKey(toPtyKey(msg)); err != nil {
			ws.notice = "pane " + strconv.Itoa(ws.active+1) + ": " + err.Error()
		}
		return nil, true
	}
	// q quits (but is a letter while typing a filter); ctrl+c always.
	if key.Matches(msg, m.keys.Quit) && (!m.explorer.filtering || msg.String() == "ctrl+c") {
		return m.quitKey()
	}
	if m.explorer.filtering || m.width == 0 {
		return nil, false
	}
	if m.showHelp {
		return nil, false
	}
	switch {
	case key.Matches(msg, prefix):
		if len(ws.panes) > 0 {
			return m.setPaneFocus(true), true
		}
		return nil, true
	case key.Matches(msg, m.keys.Spawn):
		if ws.shells == nil {
			ws.notice = "starting shells is not available here"
			return nil, true
		}
		rootless := false
		if snap := m.explorer.snap; snap != nil {
			if self := snap.Processes[ws.selfPID]; self != nil {
				rootless = self.UID != 0
			}
		}
		ws.spawn = newSpawnForm("box"+strconv.Itoa(ws.boxes+1), rootless)
		return nil, true
	case key.Matches(msg, m.keys.EnterNS):
		return m.openEnterForm(), true
	case key.Matches(msg, m.keys.ClosePane):
		if p := ws.activePane(); p != nil {
			if p.running() {
				ws.confirm = &confirmDialog{kind: confirmClose, id: p.id,
					text: fmt.Sprintf("Pane %d (%s) is still running.\nClose it and end its program?", ws.active+1, p.title)}
				return nil, true
			}
			return m.closePane(p.id), true
		}
		return nil, true
	case key.Matches(msg, m.keys.Split):
		ws.split = !ws.split
		ws.splitSet = true
		m.layout()
		return m.resizePanes(), true
	case key.Matches(msg, m.keys.PaneNext), key.Matches(msg, m.keys.PanePrev):
		if len(ws.panes) == 0 {
			ws.notice = "no panes yet: s spawns a shell, e enters a namespace"
			return nil, true
		}
		step := 1
		if key.Matches(msg, m.keys.PanePrev) {
			step = -1
		}
		ws.active = (ws.active + step + len(ws.panes)) % len(ws.panes)
		return m.setPaneFocus(true), true
	case key.Matches(msg, m.keys.SendPrefix):
		return m.sendPrefix(), true
	case key.Matches(msg, m.keys.FocusPane):
		n, err := strconv.Atoi(msg.String())
		if err == nil && n >= 1 && n <= len(ws.panes) {
			ws.active = n - 1
			return m.setPaneFocus(true), true
		}
		return nil, true
	case key.Matches(msg, m.keys.NextPane):
		// tab: list -> details -> pane -> (prefix key) back.
		if len(ws.panes) > 0 && m.explorer.focus == focusDetail {
			return m.setPaneFocus(true), true
		}
	}
	return nil, false
}

// sendPrefix types the prefix key into the shown pane and gives it the
// keys again: the way to send a program the key that otherwise leaves it.
func (m *Model) sendPrefix() tea.Cmd {
	ws := &m.ws
	name := m.prefixKey().Help().Key
	p := ws.activePane()
	switch {
	case p == nil:
		ws.notice = "no pane to type " + name + " into: start one with s or e"
		return nil
	case !p.running():
		ws.notice = "pane " + strconv.Itoa(ws.active+1) + " has ended: nothing reads " + name
		return nil
	}
	k, err := ParseKeyName(name)
	if err != nil {
		ws.notice = "cannot type " + name + ": " + err.Error()
		return nil
	}
	p.scroll = 0
	m.typed++
	if err := p.s.SendKey(toPtyKey(tea.KeyPressMsg(k))); err != nil {
		ws.notice = "pane " + strconv.Itoa(ws.active+1) + ": " + err.Error()
	}
	return m.setPaneFocus(true)
}

// quitKey asks before quitting while shells run, and closes every pane's
// session before quitting. ok is false when there is nothing of ours to
// end (the root quits as it always did).
func (m *Model) quitKey() (tea.Cmd, bool) {
	ws := &m.ws
	if len(ws.panes) == 0 && ws.starting == 0 {
		return nil, false
	}
	if n := ws.alive(); n > 0 {
		m.showHelp = false // the question is drawn over the body
		ws.confirm = &confirmDialog{kind: confirmQuit,
			text: fmt.Sprintf("%s still running.\nQuit nstui and end every process it started?", plural(n, "shell is", "shells are"))}
		return nil, true
	}
	return m.closeAll(), true
}

func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	ws := &m.ws
	c := ws.confirm
	if c.kind == confirmFailed {
		ws.confirm = nil
		return nil
	}
	switch msg.String() {
	case "y", "Y", "enter":
		ws.confirm = nil
		if c.kind == confirmQuit {
			return m.closeAll()
		}
		return m.closePane(c.id)
	case "n", "N", "esc", "q":
		ws.confirm = nil
	case "ctrl+c":
		if c.kind == confirmQuit {
			ws.confirm = nil
			return m.closeAll()
		}
		ws.confirm = nil
	}
	return nil
}

// startCmd starts a pane's program in the background at the size the pane
// will have.
func (m *Model) startCmd(title, tab string, start func(Shells, int, int) (PaneSession, error)) tea.Cmd {
	rows, cols := m.paneSize()
	sh := m.ws.shells
	m.ws.starting++
	return func() tea.Msg {
		s, err := start(sh, rows, cols)
		return paneStartedMsg{title: title, tab: tab, s: s, err: err, rows: rows, cols: cols}
	}
}

// openEnterForm opens the enter form for what is selected: the process of
// the details panel (the process view, or a member line under the cursor),
// else the selected namespace.
func (m *Model) openEnterForm() tea.Cmd {
	ws := &m.ws
	e := m.explorer
	if ws.shells == nil {
		ws.notice = "entering namespaces is not available here"
		return nil
	}
	if e.snap == nil {
		ws.notice = "no snapshot yet: wait for the first scan"
		return nil
	}
	self := e.snap.Processes[ws.selfPID]
	pid := 0
	switch {
	case e.focus == focusDetail && e.dcursor >= 0 && e.dcursor < len(e.lines) && e.lines[e.dcursor].kind == lkMember:
		pid = e.lines[e.dcursor].pid
	case e.tgt.kind == targetProc:
		pid = e.tgt.pid
	}
	if pid > 0 {
		if e.snap.Processes[pid] == nil {
			ws.notice = fmt.Sprintf("process %d is gone", pid)
			return nil
		}
		if e.snap.Processes[pid].Zombie() {
			ws.notice = fmt.Sprintf("process %d is a zombie (it exited; its parent has not reaped it): it has no namespaces to enter", pid)
			return nil
		}
		ws.enter = newEnterProcForm(e.snap, pid, self)
		return nil
	}
	ns := e.snap.ByID(e.selected)
	if ns == nil {
		ws.notice = "select a namespace or a process to enter"
		return nil
	}
	if e.ghosts[ns.ID] != nil {
		ws.notice = "that namespace is gone"
		return nil
	}
	ws.enter = newEnterNSForm(e.snap, ns, self)
	return nil
}

// setPaneFocus gives the keys to the active pane or back to the explorer.
func (m *Model) setPaneFocus(on bool) tea.Cmd {
	ws := &m.ws
	if on == ws.paneFocus || (on && len(ws.panes) == 0) {
		return nil
	}
	ws.paneFocus = on
	m.layout()
	return m.resizePanes()
}

// closePane ends a pane: it leaves the screen now and its session closes in
// the background.
func (m *Model) closePane(id int) tea.Cmd {
	ws := &m.ws
	i, p := ws.find(id)
	if p == nil {
		return nil
	}
	p.stop()
	ws.panes = append(ws.panes[:i], ws.panes[i+1:]...)
	if ws.active >= len(ws.panes) {
		ws.active = len(ws.panes) - 1
	}
	if len(ws.panes) == 0 {
		ws.active = 0
		ws.paneFocus = false
	}
	m.layout()
	return tea.Batch(p.closeCmd(), m.resizePanes(), m.rescan())
}

// closeAll closes every session (in parallel: each may wait a grace
// period for its program), then quits.
func (m *Model) closeAll() tea.Cmd {
	ws := &m.ws
	ws.quiting = true
	ws.notice = "ending the shells…"
	sessions := make([]PaneSession, 0, len(ws.panes))
	for _, p := range ws.panes {
		p.stop()
		sessions = append(sessions, p.s)
	}
	return func() tea.Msg {
		done := make(chan struct{}, len(sessions))
		for _, s := range sessions {
			go func() { _ = s.Close(); done <- struct{}{} }()
		}
		for range sessions {
			<-done
		}
		return allClosedMsg{}
	}
}

// paneSize is the inner size a pane gets with the current window.
func (m *Model) paneSize() (rows, cols int) {
	r := m.paneArea()
	return max(r.h-2, 1), max(r.w-2, 1)
}

// paneArea is where the pane frame goes: below the tab bar, beside the
// explorer in the split view.
func (m *Model) paneArea() rect {
	top := m.headerLines() + 1
	h := max(m.height-top-1, 3)
	w := m.width
	split := m.ws.split
	if !m.ws.splitSet && len(m.ws.panes) == 0 {
		split = w >= splitMinWidth
	}
	if split {
		ew := explorerSplitWidth(w)
		return rect{ew, top, w - ew, h}
	}
	return rect{0, top, w, h}
}

// explorerSplitWidth is the explorer's share of the split view.
func explorerSplitWidth(w int) int { return clamp(w*2/5, min(40, w/2), w-20) }

// layoutWorkspace places the tab bar, the explorer and the pane; the root's
// layout calls it last.
func (m *Model) layoutWorkspace() {
	ws := &m.ws
	if len(ws.panes) == 0 {
		ws.paneRect = rect{}
		ws.tabRects = nil
		return
	}
	ws.paneRect = m.paneArea()
	top := ws.paneRect.y
	if ws.split {
		m.explorer.setSize(0, top, ws.paneRect.x, ws.paneRect.h)
	} else {
		m.explorer.setSize(0, top, m.width, ws.paneRect.h)
	}
}

// resizePanes gives every pane the size of the pane area.
func (m *Model) resizePanes() tea.Cmd {
	if len(m.ws.panes) == 0 || m.tooSmall() {
		return nil
	}
	rows, cols := m.paneSize()
	var cmds []tea.Cmd
	for _, p := range m.ws.panes {
		cmds = append(cmds, p.resizeCmd(rows, cols))
	}
	return tea.Batch(cmds...)
}

// paneMouse sends mouse events over the shown pane to its program when it
// asked for them; the wheel otherwise scrolls the pane's history (or, on
// the alternate screen, sends arrow keys as terminals do).
func (m *Model) paneMouse(ms tea.Mouse, action ptyshell.MouseAction, wheel bool) (tea.Cmd, bool) {
	ws := &m.ws
	p := ws.activePane()
	if p == nil || !ws.paneShown() || !ws.paneRect.contains(ms.X, ms.Y) || ws.spawn != nil || ws.enter != nil || ws.confirm != nil {
		return nil, false
	}
	x, y := ms.X-ws.paneRect.x-1, ms.Y-ws.paneRect.y-1
	inside := x >= 0 && y >= 0 && x < p.cols && y < p.rows
	if p.running() && inside && p.scroll == 0 && p.s.Modes().Mouse != ptyshell.MouseOff {
		_, _ = p.s.SendMouse(toPtyMouse(ms, x, y, action))
		return nil, true
	}
	if !wheel {
		return nil, true
	}
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = 3
	case tea.MouseWheelDown:
		d = -3
	default:
		return nil, true
	}
	if p.running() && p.s.AltScreen() {
		code := ptyshell.KeyUp
		if d < 0 {
			code = ptyshell.KeyDown
		}
		for range 3 {
			_ = p.s.SendKey(ptyshell.Key{Code: code})
		}
		return nil, true
	}
	p.scrollBy(d)
	return nil, true
}

// paneClick focuses what was clicked: a tab, the pane, or the explorer.
func (m *Model) paneClick(ms tea.Mouse) (tea.Cmd, bool) {
	ws := &m.ws
	if len(ws.panes) == 0 || ws.spawn != nil || ws.enter != nil || ws.confirm != nil {
		return nil, ws.spawn != nil || ws.enter != nil || ws.confirm != nil
	}
	for i, r := range ws.tabRects {
		if r.contains(ms.X, ms.Y) {
			if i == 0 {
				return m.setPaneFocus(false), true
			}
			ws.active = i - 1
			return m.setPaneFocus(true), true
		}
	}
	if ms.Y == m.headerLines() {
		return nil, true // the tab bar, between or past the tabs: nothing there
	}
	if ws.paneShown() && ws.paneRect.contains(ms.X, ms.Y) {
		cmd := m.setPaneFocus(true)
		c2, _ := m.paneMouse(ms, ptyshell.MousePress, false)
		return tea.Batch(cmd, c2), true
	}
	if ws.paneFocus {
		// A click on the explorer beside the pane takes the focus back.
		cmd := m.setPaneFocus(false)
		return tea.Batch(cmd, m.explorer.update(tea.MouseClickMsg(ms))), true
	}
	return nil, false
}

// oursFrom returns the namespaces the panes' programs live in that nstui
// itself is not in: every namespace of a process in a pane's process tree
// (its program and all descendants), minus nstui's own.
func oursFrom(snap *nsops.Snapshot, panes []*pane, selfPID int) map[nsops.NSID]bool {
	if len(panes) == 0 || snap == nil {
		return nil
	}
	children := map[int][]int{}
	for pid, p := range snap.Processes {
		children[p.PPID] = append(children[p.PPID], pid)
	}
	self := snap.Processes[selfPID]
	ours := map[nsops.NSID]bool{}
	var todo []int
	for _, p := range panes {
		if p.running() && p.pid > 0 {
			todo = append(todo, p.pid)
		}
	}
	seen := map[int]bool{}
	for len(todo) > 0 {
		pid := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		if p := snap.Processes[pid]; p != nil {
			for t, id := range p.NS {
				if id.IsZero() || (self != nil && self.NS[t] == id) {
					continue
				}
				ours[id] = true
			}
		}
		todo = append(todo, children[pid]...)
	}
	return ours
}

// bodyView draws the body: the explorer, the tab bar and the pane (side by
// side or one at a time), and a form or question on top.
func (m *Model) bodyView() string {
	st := &m.styles
	ws := &m.ws
	h := m.height - m.headerLines() - 1
	var body string
	if len(ws.panes) == 0 {
		body = m.explorer.render(st)
	} else {
		tabs := m.tabBar()
		p := ws.activePane()
		r := ws.paneRect
		switch {
		case ws.split:
			body = m.join.columns(m.explorer.render(st), r.x, m.paneView(p, r, ws.paneFocus))
		case ws.paneFocus:
			body = m.paneView(p, r, true)
		default:
			body = m.explorer.render(st)
		}
		body = tabs + "\n" + body
	}
	var box string
	switch {
	case ws.confirm != nil:
		box = m.confirmView()
	case ws.spawn != nil:
		box = ws.spawn.render(st, min(m.width-4, 100), h-2)
	case ws.enter != nil:
		box = ws.enter.render(st, min(m.width-4, 100), h-2)
	}
	if box == "" {
		return body
	}
	return overlay(body, box, m.width, h, m.widths)
}

// overlay draws box centred over body (w x h cells), with a blank margin
// of one cell so the box stands apart from what is under it. It lays the
// text out by grapheme clusters or by code points (wcwidth), as the
// terminal does (widths, see Model.widths): lipgloss's canvas always uses
// graphemes, which would move the cells of pane rows around the box.
func overlay(body, box string, w, h int, widths ansi.Method) string {
	lines := strings.Split(box, "\n")
	bw0 := lipgloss.Width(box)
	blank := strings.Repeat(" ", bw0+2)
	framed := make([]string, 0, len(lines)+2)
	framed = append(framed, blank)
	for _, l := range lines {
		framed = append(framed, " "+l+" ")
	}
	box = strings.Join(append(framed, blank), "\n")
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	x, y := max((w-bw)/2, 0), max((h-bh)/3, 0)
	scr := uv.NewScreenBuffer(w, h)
	scr.Method = widths
	lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(box).X(x).Y(y).Z(1)).Draw(scr, scr.Bounds())
	return uv.TrimSpace(scr.Render())
}

func (m *Model) confirmView() string {
	st := &m.styles
	c := m.ws.confirm
	lines := strings.Split(c.text, "\n")
	w := 0
	for _, l := range lines {
		w = max(w, ansiWidth(l))
	}
	w = min(max(w+4, 40), m.width-4)
	title, keys, s := "Confirm", "  y/enter yes · n/esc no", st.Value
	if c.kind == confirmFailed {
		title, keys, s = "Failed", "  any key closes", st.Error
	}
	var body []string
	body = append(body, "")
	for i, l := range lines {
		if i > 0 { // the reason: wrapped, never cut
			for _, wl := range wrap(l, w-4) {
				body = append(body, s.Render(fit("  "+wl, w-2)))
			}
			continue
		}
		body = append(body, st.Value.Render(fit("  "+l, w-2)))
	}
	body = append(body, "", st.Dim.Render(fit(keys, w-2)))
	return drawPanel(*st, title, body, w, len(body)+2, true)
}

// tabBar is the line above the body: the explorer and each pane, the shown
// one highlighted, each pane's state, and the prefix key. When the tabs do
// not fit, the other panes' names get shorter (down to their number and
// state) before the shown one's does, so the shown tab is always whole.
func (m *Model) tabBar() string {
	st := &m.styles
	ws := &m.ws
	label := func(i, room int) string {
		p := ws.panes[i]
		state := "●"
		if !p.running() {
			state = "✗" + strconv.Itoa(p.code)
		}
		title := []rune(p.tab)
		if len(title) > room {
			title = append(title[:max(room-1, 0)], '…')
		}
		if room <= 0 {
			return fmt.Sprintf(" %d %s ", i+1, state)
		}
		return fmt.Sprintf(" %d %s %s ", i+1, string(title), state)
	}
	labels := func(other, shown int) ([]string, int) {
		ls := []string{" explorer "}
		for i := range ws.panes {
			room := other
			if i == ws.active {
				room = shown
			}
			ls = append(ls, label(i, room))
		}
		w := 0
		for _, l := range ls {
			w += ansiWidth(l) + 1
		}
		return ls, w
	}
	ls, w := labels(28, 28)
	for _, other := range []int{12, 0} {
		if w <= m.width {
			break
		}
		ls, w = labels(other, 28)
	}
	// Still too wide (many panes): tabs far from the shown one give way,
	// an ellipsis on each side that lost some.
	lo, hi, act := 1, len(ls)-1, ws.active+1
	within := func() int {
		n := ansiWidth(ls[0]) + 1
		for _, l := range ls[lo : hi+1] {
			n += ansiWidth(l) + 1
		}
		if lo > 1 {
			n += 2 // "… "
		}
		if hi < len(ls)-1 {
			n += 2
		}
		return n
	}
	for w > m.width && (lo < act || hi > act) {
		if act-lo >= hi-act {
			lo++
		} else {
			hi--
		}
		w = within()
	}
	if p := ws.activePane(); p != nil && w > m.width { // the shown pane's name gives what is missing
		have := min(len([]rune(p.tab)), 28)
		ls[act] = label(ws.active, max(have-(w-m.width), 0))
	}

	ws.tabRects = ws.tabRects[:0]
	y := m.headerLines()
	var b strings.Builder
	x := 0
	for i, text := range ls {
		if i > 0 && (i < lo || i > hi) {
			ws.tabRects = append(ws.tabRects, rect{}) // not on screen: no hit box
			if i == lo-1 || i == hi+1 {
				b.WriteString(st.Dim.Render("…") + " ")
				x += 2
			}
			continue
		}
		on, focused := !ws.paneFocus, !ws.paneFocus // the explorer's tab
		if i > 0 {
			on, focused = i-1 == ws.active, ws.paneFocus && i-1 == ws.active
		}
		s := st.Dim
		switch {
		case on && focused:
			s = st.Selected
		case on:
			s = st.SelectedBl
		}
		tw := ansiWidth(text)
		ws.tabRects = append(ws.tabRects, rect{x, y, tw, 1})
		b.WriteString(s.Render(text))
		b.WriteString(" ")
		x += tw + 1
	}
	right := st.Key.Render(" "+m.prefixKey().Help().Key+" ") + st.Dim.Render("explorer/pane ")
	line := b.String()
	gap := m.width - ansiWidth(line) - ansiWidth(right)
	if gap < 1 {
		return fitStyled(line, m.width)
	}
	return line + strings.Repeat(" ", gap) + right
}

// paneView draws one pane framed, its title on top and its state (exit
// status, scrolled-back marker) in the bottom edge.
func (m *Model) paneView(p *pane, r rect, focused bool) string {
	st := &m.styles
	if p == nil || r.w < 4 || r.h < 3 {
		return ""
	}
	idx, _ := m.ws.find(p.id)
	title := fmt.Sprintf("%d %s · pid %d", idx+1, p.title, p.pid)
	// p.lines makes every row exactly r.w-2 cells wide: no padding pass.
	frame := strings.Join(panelLines(st, title, p.lines(r.w-2, r.h-2, m.widths), r.w, r.h, focused), "\n")
	status := p.statusText()
	if status == "" {
		return frame
	}
	border := st.Border
	if focused {
		border = st.BorderFoc
	}
	s := st.Notice
	if p.exited && p.code != 0 {
		s = st.Error
	}
	status = " " + truncPlain(status, r.w-6) + " "
	bottom := border.Render("╰─") + s.Render(status) + border.Render(strings.Repeat("─", max(r.w-3-ansiWidth(status), 0))+"╯")
	if i := strings.LastIndexByte(frame, '\n'); i >= 0 {
		frame = frame[:i+1] + bottom
	}
	return frame
}

func truncPlain(s string, w int) string {
	if ansiWidth(s) <= w {
		return s
	}
	return truncateStyled(s, max(w, 1))
}

// paneCursor is the real terminal cursor: where the focused pane's program
// put it, or nil (hidden) when no pane has the keys.
func (m *Model) paneCursor() *tea.Cursor {
	ws := &m.ws
	p := ws.activePane()
	if p == nil || !ws.paneFocus || !p.running() || p.scroll > 0 || ws.spawn != nil || ws.enter != nil || ws.confirm != nil || m.tooSmall() || m.showHelp {
		return nil
	}
	c := p.s.Cursor()
	if !c.Visible || c.Row < 0 || c.Col < 0 || c.Row >= ws.paneRect.h-2 || c.Col >= ws.paneRect.w-2 {
		return nil
	}
	cur := tea.NewCursor(ws.paneRect.x+1+c.Col, ws.paneRect.y+1+c.Row)
	switch c.Shape {
	case ptyshell.CursorUnderline:
		cur.Shape = tea.CursorUnderline
	case ptyshell.CursorBar:
		cur.Shape = tea.CursorBar
	}
	cur.Blink = c.Blink
	return cur
}

// workspaceFooter is the status bar while panes or forms are about: what
// has the keys, the keys that matter, and always the prefix key.
func (m *Model) workspaceFooter() (string, bool) {
	st := &m.styles
	ws := &m.ws
	if m.explorer.filtering || m.showHelp {
		return "", false
	}
	prefix := m.prefixKey().Help().Key
	var left string
	switch {
	case ws.notice != "":
		left = st.Error.Render(" " + ws.notice)
	case ws.confirm != nil && ws.confirm.kind == confirmFailed:
		left = m.help.ShortHelpView([]key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "closes"))})
	case ws.confirm != nil:
		left = m.help.ShortHelpView([]key.Binding{
			key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
			key.NewBinding(key.WithKeys("n"), key.WithHelp("n/esc", "no"))})
	case ws.spawn != nil || ws.enter != nil:
		left = m.help.ShortHelpView([]key.Binding{
			key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")),
			key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))})
	case ws.paneFocus:
		p := ws.activePane()
		state := "keys go to the program"
		if p != nil && !p.running() {
			state = exitText(p.code) + " · x closes"
		}
		left = st.TitleFoc.Render(fmt.Sprintf(" pane %d", ws.active+1)) + st.Dim.Render(" · "+state)
	default:
		binds := []key.Binding{m.keys.Spawn, m.keys.EnterNS}
		if len(ws.panes) > 0 {
			binds = append(binds, m.keys.FocusPane, m.keys.ClosePane, m.keys.Split)
		}
		binds = append(binds, m.keys.Up, m.keys.Down, m.keys.NextPane, m.keys.Open, m.keys.Filter, m.keys.View, m.keys.Help, m.keys.Quit)
		left = m.help.ShortHelpView(binds)
		if hint := m.explorer.detailHint(); hint != "" {
			left = st.Notice.Render(" "+hint) + st.Dim.Render(" • ") + left
		}
	}
	right := st.Key.Render(prefix) + st.Dim.Render(" explorer/pane ")
	gap := m.width - ansiWidth(left) - ansiWidth(right)
	if gap < 1 {
		left = fitStyled(left, max(m.width-ansiWidth(right)-1, 1))
		gap = m.width - ansiWidth(left) - ansiWidth(right)
	}
	return left + strings.Repeat(" ", max(gap, 0)) + right, true
}

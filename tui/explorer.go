package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/nstui/nstui/nsops"
)

// focusArea is the panel that receives movement keys.
type focusArea int

const (
	focusList focusArea = iota
	focusDetail
)

// markRefreshes is how many refreshes a namespace stays marked as new or
// gone (about three seconds at the default interval).
const markRefreshes = 2

// detailsDebounce lets the selection settle before its details are read, so
// holding a key down does not queue a read per row.
const detailsDebounce = 120 * time.Millisecond

// ghost is a namespace that vanished, kept on show for a moment.
type ghost struct {
	ns   *nsops.Namespace
	left int
}

// explorer is the namespace list and the details panel beside (or below)
// it, with the filter. It owns everything derived from the snapshots.
type explorer struct {
	src  Source
	keys KeyMap

	snap      *nsops.Snapshot
	byID      map[nsops.NSID]*nsops.Namespace // current namespaces and ghosts
	ghosts    map[nsops.NSID]*ghost
	fresh     map[nsops.NSID]int // refreshes left to show the "new" mark
	hostnames map[nsops.NSID]string
	hostReq   map[nsops.NSID]bool
	details   map[nsops.NSID]*detailsEntry

	view      viewMode
	filter    string
	filtering bool
	match     *matcher

	rows           []nsRow
	cursor, offset int
	selected       nsops.NSID
	treeW, nameW   int

	focus   focusArea
	tgt     target
	history []target
	lines   []dline
	dcursor int
	doffset int
	seq     int

	area, list, detail rect

	ours map[nsops.NSID]bool // namespaces a pane's program lives in (tabs.go)
}

func newExplorer(src Source, keys KeyMap) *explorer {
	return &explorer{
		src: src, keys: keys,
		byID:      map[nsops.NSID]*nsops.Namespace{},
		ghosts:    map[nsops.NSID]*ghost{},
		fresh:     map[nsops.NSID]int{},
		hostnames: map[nsops.NSID]string{},
		hostReq:   map[nsops.NSID]bool{},
		details:   map[nsops.NSID]*detailsEntry{},
	}
}

// setSize lays the two panels out in the region given: side by side when
// there is room for both, else stacked.
func (e *explorer) setSize(x, y, w, h int) {
	e.area = rect{x, y, w, h}
	if w >= 110 {
		lw := w * 11 / 20
		e.list = rect{x, y, lw, h}
		e.detail = rect{x + lw, y, w - lw, h}
	} else {
		// Stacked: the panel with focus gets the larger share.
		lh := h * 2 / 5
		if e.focus == focusList {
			lh = h - lh
		}
		e.list = rect{x, y, w, lh}
		e.detail = rect{x, y + lh, w, h - lh}
	}
	e.offset = scrollTo(e.offset, e.cursor, e.listRows(), len(e.rows))
	e.rebuildLines()
}

func (e *explorer) listRows() int   { return max(e.list.h-3, 1) } // border top/bottom + column header
func (e *explorer) detailRows() int { return max(e.detail.h-2, 1) }

// setSnapshot takes a new snapshot: marks what appeared and vanished,
// rebuilds the list keeping the selection (by namespace id) and scroll,
// and asks for what it needs next (fresh details, new hostnames).
func (e *explorer) setSnapshot(snap *nsops.Snapshot) tea.Cmd {
	old := e.snap
	e.snap = snap
	cur := make(map[nsops.NSID]*nsops.Namespace, len(snap.Namespaces))
	for _, ns := range snap.Namespaces {
		cur[ns.ID] = ns
	}
	wasGone := make(map[nsops.NSID]bool, len(e.ghosts))
	for id, g := range e.ghosts {
		wasGone[id] = true
		if g.left--; g.left <= 0 || cur[id] != nil {
			delete(e.ghosts, id)
		}
	}
	for id, n := range e.fresh {
		if n <= 1 {
			delete(e.fresh, id)
		} else {
			e.fresh[id] = n - 1
		}
	}
	if old != nil {
		for _, ns := range snap.Namespaces {
			if e.byID[ns.ID] == nil || e.ghosts[ns.ID] != nil {
				e.fresh[ns.ID] = markRefreshes
			}
		}
		for _, ns := range old.Namespaces {
			if cur[ns.ID] == nil {
				e.ghosts[ns.ID] = &ghost{ns: ns, left: markRefreshes}
			}
		}
	}
	prevByID := e.byID
	e.byID = cur
	for id, g := range e.ghosts {
		e.byID[id] = g.ns
	}
	// The kernel reuses nsfs inodes as soon as a namespace dies, for any
	// type: what was read about a namespace that is gone, or that is new
	// under a known inode, must not stick to its successor. A namespace whose
	// lowest member changed may be such a successor too; reading it again
	// is cheap.
	for _, ns := range snap.Namespaces {
		if prev := prevByID[ns.ID]; prev == nil || prev.Type != ns.Type || prev.PID != ns.PID || wasGone[ns.ID] {
			delete(e.hostnames, ns.ID)
			delete(e.hostReq, ns.ID)
			delete(e.details, ns.ID)
		}
	}
	for id := range e.hostReq {
		if ns := e.byID[id]; ns == nil || ns.Type != nsops.UTSNS {
			delete(e.hostnames, id)
			delete(e.hostReq, id)
		}
	}
	for id, d := range e.details {
		if ns := e.byID[id]; ns == nil || (d.det != nil && d.det.Type != ns.Type) {
			delete(e.details, id)
		}
	}
	e.rebuildRows()
	cmds := []tea.Cmd{e.hostnamesCmd(), e.syncSelection()}
	if e.tgt.kind == targetNS && !e.tgt.ns.IsZero() {
		cmds = append(cmds, e.loadDetails(e.tgt.ns))
	}
	e.rebuildLines()
	return tea.Batch(cmds...)
}

// rebuildRows recomputes the list rows and keeps the selected namespace
// selected (or the same position when it is gone).
func (e *explorer) rebuildRows() {
	e.rows = buildRows(rowInput{
		snap: e.snap, ghosts: e.ghostMap(), fresh: e.freshMap(),
		hostnames: e.hostnames, view: e.view, filter: e.match,
	})
	e.treeW, e.nameW = 10, 0
	for _, r := range e.rows {
		e.treeW = max(e.treeW, len([]rune(r.prefix))+len(strconv.FormatUint(r.ns.ID.Ino, 10)))
		e.nameW = max(e.nameW, len([]rune(r.name)))
	}
	if e.nameW > 0 {
		e.nameW = min(max(e.nameW, 4), 24)
	}
	if i := e.rowIndex(e.selected); i >= 0 {
		e.cursor = i
	}
	e.cursor = clamp(e.cursor, 0, len(e.rows)-1)
	e.offset = scrollTo(e.offset, e.cursor, e.listRows(), len(e.rows))
}

func (e *explorer) ghostMap() map[nsops.NSID]*nsops.Namespace {
	if len(e.ghosts) == 0 {
		return nil
	}
	m := make(map[nsops.NSID]*nsops.Namespace, len(e.ghosts))
	for id, g := range e.ghosts {
		m[id] = g.ns
	}
	return m
}

func (e *explorer) freshMap() map[nsops.NSID]bool {
	if len(e.fresh) == 0 {
		return nil
	}
	m := make(map[nsops.NSID]bool, len(e.fresh))
	for id := range e.fresh {
		m[id] = true
	}
	return m
}

func (e *explorer) rowIndex(id nsops.NSID) int {
	if id.IsZero() {
		return -1
	}
	return slices.IndexFunc(e.rows, func(r nsRow) bool { return r.ns.ID == id })
}

// syncSelection points the details panel at the selected row when the
// selection changed, and returns the debounced details read for it.
func (e *explorer) syncSelection() tea.Cmd {
	var id nsops.NSID
	if e.cursor >= 0 && e.cursor < len(e.rows) {
		id = e.rows[e.cursor].ns.ID
	}
	if id == e.selected && (e.tgt.kind == targetProc || e.tgt.ns == id) {
		return nil
	}
	e.selected = id
	e.showTarget(target{kind: targetNS, ns: id}, false)
	e.seq++
	seq := e.seq
	return tea.Tick(detailsDebounce, func(time.Time) tea.Msg { return detailsDueMsg{seq: seq} })
}

// showTarget points the details panel at t, remembering where it was when
// push is set (enter), or starting a new history (a new selection).
func (e *explorer) showTarget(t target, push bool) {
	if push {
		e.history = append(e.history, e.tgt)
	} else {
		e.history = e.history[:0]
	}
	e.tgt = t
	e.dcursor, e.doffset = 0, 0
	e.rebuildLines()
	if push {
		// Land on the first line enter can act on.
		if i := slices.IndexFunc(e.lines, func(l dline) bool { return l.kind == lkMember || l.kind == lkNSLink }); i >= 0 {
			e.dcursor = i
			e.doffset = scrollTo(0, i, e.detailRows(), len(e.lines))
		}
	}
}

// rebuildLines recomputes the details panel's lines for its target.
func (e *explorer) rebuildLines() {
	if e.snap == nil {
		e.lines = nil
		return
	}
	switch e.tgt.kind {
	case targetProc:
		e.lines = procLines(e.snap, e.tgt.pid)
	default:
		ns := e.byID[e.tgt.ns]
		in := detailInput{snap: e.snap, ns: ns, entry: e.details[e.tgt.ns], width: e.detail.w - 2}
		if ns != nil {
			in.gone = e.ghosts[ns.ID] != nil
			in.name = nsName(ns, e.snap, e.hostnames)
		}
		e.lines = nsLines(in)
	}
	e.dcursor = clamp(e.dcursor, 0, len(e.lines)-1)
	e.doffset = scrollTo(e.doffset, e.dcursor, e.detailRows(), len(e.lines))
}

// loadDetails reads the details of one namespace in the background.
func (e *explorer) loadDetails(id nsops.NSID) tea.Cmd {
	ns := e.byID[id]
	if ns == nil || e.ghosts[id] != nil {
		return nil
	}
	ent := e.details[id]
	if ent == nil {
		ent = &detailsEntry{}
		e.details[id] = ent
	}
	if ent.loading {
		return nil
	}
	ent.loading = true
	src, snap := e.src, e.snap
	return func() tea.Msg {
		d, err := src.Details(snap, ns)
		return detailsMsg{id: id, det: d, err: err}
	}
}

// hostnamesCmd reads, in the background, the hostnames of uts namespaces
// not seen before, so the list can name them and the filter find them.
func (e *explorer) hostnamesCmd() tea.Cmd {
	var todo []*nsops.Namespace
	for _, ns := range e.snap.Namespaces {
		if ns.Type == nsops.UTSNS && !e.hostReq[ns.ID] {
			e.hostReq[ns.ID] = true
			todo = append(todo, ns)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	src := e.src
	return func() tea.Msg { return hostnamesMsg(src.Hostnames(todo)) }
}

// update handles the explorer's messages; the root has already taken the
// global keys (quit, help, refresh).
func (e *explorer) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case detailsDueMsg:
		if msg.seq == e.seq && e.tgt.kind == targetNS {
			return e.loadDetails(e.tgt.ns)
		}
	case detailsMsg:
		if ns := e.byID[msg.id]; ns == nil || (msg.det != nil && msg.det.Type != ns.Type) {
			return nil // the namespace is gone, its inode already reused
		}
		ent := e.details[msg.id]
		if ent == nil {
			if e.byID[msg.id] == nil {
				return nil
			}
			ent = &detailsEntry{}
			e.details[msg.id] = ent
		}
		ent.loading = false
		if msg.err == nil || ent.det == nil {
			ent.det, ent.err = msg.det, msg.err
		}
		var cmd tea.Cmd
		if msg.det != nil && msg.det.UTS != nil && e.hostnames[msg.id] != msg.det.UTS.Hostname {
			e.hostnames[msg.id] = msg.det.UTS.Hostname
			if e.match != nil {
				e.match = newMatcher(e.filter) // hostnames are part of what it searches
			}
			e.rebuildRows()
			cmd = e.syncSelection()
		}
		if e.tgt.kind == targetNS && e.tgt.ns == msg.id {
			e.rebuildLines()
		}
		return cmd
	case hostnamesMsg:
		changed := false
		for id, h := range msg {
			if e.byID[id] != nil && e.hostnames[id] != h {
				e.hostnames[id] = h
				changed = true
			}
		}
		if changed {
			if e.match != nil {
				e.match = newMatcher(e.filter) // hostnames are part of what it searches
			}
			e.rebuildRows()
			cmd := e.syncSelection()
			e.rebuildLines()
			return cmd
		}
	case tea.KeyPressMsg:
		if e.filtering {
			return e.filterKey(msg)
		}
		return e.key(msg)
	case tea.PasteMsg:
		if e.filtering { // pasted text joins the filter, on one line
			e.setFilter(e.filter + strings.Join(strings.Fields(msg.Content), " "))
			return e.syncSelection()
		}
	case tea.MouseClickMsg:
		return e.click(msg.Mouse())
	case tea.MouseWheelMsg:
		return e.wheel(msg.Mouse())
	}
	return nil
}

func (e *explorer) key(msg tea.KeyPressMsg) tea.Cmd {
	k := e.keys
	switch {
	case key.Matches(msg, k.Filter):
		e.filtering = true
		return nil
	case key.Matches(msg, k.View):
		e.view = (e.view + 1) % numViews
		e.rebuildRows()
		return e.syncSelection()
	case key.Matches(msg, k.NextPane, k.PrevPane):
		if e.focus == focusList {
			e.setFocus(focusDetail)
		} else {
			e.setFocus(focusList)
		}
		return nil
	}
	if e.focus == focusDetail {
		return e.detailKey(msg)
	}
	switch {
	case key.Matches(msg, k.Up):
		return e.moveList(-1)
	case key.Matches(msg, k.Down):
		return e.moveList(1)
	case key.Matches(msg, k.PageUp):
		return e.moveList(-e.listRows())
	case key.Matches(msg, k.PageDown):
		return e.moveList(e.listRows())
	case key.Matches(msg, k.Top):
		return e.moveList(-len(e.rows))
	case key.Matches(msg, k.Bottom):
		return e.moveList(len(e.rows))
	case key.Matches(msg, k.Open):
		if len(e.rows) > 0 {
			e.setFocus(focusDetail)
			if e.tgt.kind != targetNS || e.tgt.ns != e.selected {
				e.showTarget(target{kind: targetNS, ns: e.selected}, false)
			}
			if i := slices.IndexFunc(e.lines, func(l dline) bool { return l.kind == lkMember }); i >= 0 {
				e.dcursor = i
				e.doffset = scrollTo(0, i, e.detailRows(), len(e.lines))
			}
		}
	case key.Matches(msg, k.Back):
		if e.filter != "" {
			e.setFilter("")
			return e.syncSelection()
		}
	}
	return nil
}

// setFocus moves the focus and, in the stacked layout, gives the focused
// panel the larger share.
func (e *explorer) setFocus(f focusArea) {
	if e.focus == f {
		return
	}
	e.focus = f
	if e.area.w > 0 {
		e.setSize(e.area.x, e.area.y, e.area.w, e.area.h)
	}
	if f == focusDetail && e.dcursor == 0 {
		// Land on the first line enter can act on (a member process, or
		// a namespace in a process's view), not on "held by".
		if i := slices.IndexFunc(e.lines, func(l dline) bool { return l.kind == lkMember || l.kind == lkNSLink }); i >= 0 {
			e.dcursor = i
			e.doffset = scrollTo(e.doffset, i, e.detailRows(), len(e.lines))
		}
	}
}

func (e *explorer) moveList(d int) tea.Cmd {
	if len(e.rows) == 0 {
		return nil
	}
	e.cursor = clamp(e.cursor+d, 0, len(e.rows)-1)
	e.offset = scrollTo(e.offset, e.cursor, e.listRows(), len(e.rows))
	return e.syncSelection()
}

func (e *explorer) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := e.keys
	switch {
	case key.Matches(msg, k.Up):
		e.moveDetail(-1)
	case key.Matches(msg, k.Down):
		e.moveDetail(1)
	case key.Matches(msg, k.PageUp):
		e.moveDetail(-e.detailRows())
	case key.Matches(msg, k.PageDown):
		e.moveDetail(e.detailRows())
	case key.Matches(msg, k.Top):
		e.moveDetail(-len(e.lines))
	case key.Matches(msg, k.Bottom):
		e.moveDetail(len(e.lines))
	case key.Matches(msg, k.Open):
		return e.openLine()
	case key.Matches(msg, k.Back):
		if n := len(e.history); n > 0 {
			prev := e.history[n-1]
			e.history = e.history[:n-1]
			e.tgt = prev
			e.dcursor, e.doffset = 0, 0
			e.rebuildLines()
			if prev.kind == targetNS && prev.ns != e.selected {
				e.selectNS(prev.ns)
			}
			return nil
		}
		e.setFocus(focusList)
	}
	return nil
}

// detailHint says what enter and e do on the details line under the
// cursor, while the details panel has the keys: how to pick a member.
func (e *explorer) detailHint() string {
	if e.focus != focusDetail || e.dcursor < 0 || e.dcursor >= len(e.lines) {
		return ""
	}
	switch l := e.lines[e.dcursor]; l.kind {
	case lkMember:
		if p := e.snap.Processes[l.pid]; p != nil && p.Zombie() {
			return "pid " + strconv.Itoa(l.pid) + " is a zombie: it exited, nothing to enter"
		}
		return "enter: pid " + strconv.Itoa(l.pid) + "'s namespaces · e: enter them"
	case lkNSLink:
		if e.byID[l.ns] == nil {
			return "" // unreadable: nothing to open
		}
		if e.tgt.kind == targetProc {
			return "enter: open this namespace · e: enter the process"
		}
		return "enter: open this namespace"
	}
	if slices.ContainsFunc(e.lines, func(l dline) bool { return l.kind == lkMember }) {
		return "move to a member process (↑/↓): enter shows its namespaces, e enters them"
	}
	return ""
}

func (e *explorer) moveDetail(d int) {
	e.dcursor = clamp(e.dcursor+d, 0, len(e.lines)-1)
	e.doffset = scrollTo(e.doffset, e.dcursor, e.detailRows(), len(e.lines))
}

// openLine acts on the details line under the cursor: a member process
// opens the process view, a namespace of a process opens that namespace.
func (e *explorer) openLine() tea.Cmd {
	if e.dcursor < 0 || e.dcursor >= len(e.lines) {
		return nil
	}
	l := e.lines[e.dcursor]
	switch l.kind {
	case lkMember:
		e.showTarget(target{kind: targetProc, pid: l.pid}, true)
	case lkNSLink:
		if e.byID[l.ns] == nil {
			return nil
		}
		e.showTarget(target{kind: targetNS, ns: l.ns}, true)
		e.selectNS(l.ns)
		e.seq++
		return e.loadDetails(l.ns)
	}
	return nil
}

// selectNS moves the list selection to id, clearing the filter when it
// hides that namespace, without resetting the details panel.
func (e *explorer) selectNS(id nsops.NSID) {
	if e.rowIndex(id) < 0 && e.filter != "" {
		e.setFilter("")
	}
	if i := e.rowIndex(id); i >= 0 {
		e.cursor = i
		e.selected = id
		e.offset = scrollTo(e.offset, e.cursor, e.listRows(), len(e.rows))
	}
}

func (e *explorer) setFilter(s string) {
	e.filter = s
	if strings.TrimSpace(s) == "" {
		e.match = nil
	} else {
		e.match = newMatcher(s)
	}
	e.rebuildRows()
}

func (e *explorer) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := e.keys
	switch {
	case key.Matches(msg, k.Accept):
		e.filtering = false
		return nil
	case key.Matches(msg, k.Cancel):
		e.filtering = false
		e.setFilter("")
	case key.Matches(msg, k.DeleteChar):
		r := []rune(e.filter)
		if len(r) > 0 {
			e.setFilter(string(r[:len(r)-1]))
		}
	case key.Matches(msg, k.DeleteWord):
		s := strings.TrimRight(e.filter, " ")
		if i := strings.LastIndex(s, " "); i >= 0 {
			e.setFilter(s[:i+1])
		} else {
			e.setFilter("")
		}
	case key.Matches(msg, k.ClearFilter):
		e.setFilter("")
	default:
		if msg.Text == "" {
			return nil
		}
		e.setFilter(e.filter + msg.Text)
	}
	return e.syncSelection()
}

func (e *explorer) click(m tea.Mouse) tea.Cmd {
	if m.Button != tea.MouseLeft {
		return nil
	}
	switch {
	case e.list.contains(m.X, m.Y):
		e.setFocus(focusList)
		row := m.Y - e.list.y - 2 + e.offset
		if m.Y-e.list.y >= 2 && row >= 0 && row < len(e.rows) {
			e.cursor = row
			return e.syncSelection()
		}
	case e.detail.contains(m.X, m.Y):
		e.setFocus(focusDetail)
		line := m.Y - e.detail.y - 1 + e.doffset
		if m.Y-e.detail.y >= 1 && line >= 0 && line < len(e.lines) {
			e.dcursor = line
		}
	}
	return nil
}

func (e *explorer) wheel(m tea.Mouse) tea.Cmd {
	d := 0
	switch m.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return nil
	}
	switch {
	case e.list.contains(m.X, m.Y):
		// The wheel scrolls the view; the selection follows only when it
		// would leave the window.
		e.offset = clamp(e.offset+d, 0, max(len(e.rows)-e.listRows(), 0))
		if c := clamp(e.cursor, e.offset, e.offset+e.listRows()-1); c != e.cursor {
			e.cursor = clamp(c, 0, len(e.rows)-1)
			return e.syncSelection()
		}
	case e.detail.contains(m.X, m.Y):
		e.doffset = clamp(e.doffset+d, 0, max(len(e.lines)-e.detailRows(), 0))
		e.dcursor = clamp(e.dcursor, e.doffset, e.doffset+e.detailRows()-1)
	}
	return nil
}

// listTitle is the list panel's title: view, count and filter.
func (e *explorer) listTitle() string {
	t := fmt.Sprintf("Namespaces · %s · %d", e.view, len(e.rows))
	if e.filter != "" {
		t += " · filter: " + e.filter
	}
	return t
}

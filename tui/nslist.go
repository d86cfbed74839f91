package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nstui/nstui/nsops"
)

// viewMode is how the namespace list is arranged; `v` cycles through them.
type viewMode int

const (
	viewByType viewMode = iota // flat, sorted by type then inode
	viewOwner                  // user-namespace ownership tree
	viewParent                 // pid and user parent trees
	numViews
)

// String names the view in the list panel's title.
func (v viewMode) String() string {
	switch v {
	case viewOwner:
		return "user ownership tree"
	case viewParent:
		return "pid/user parent tree"
	}
	return "by type"
}

// mark says whether a row just appeared or vanished.
type mark int

const (
	markNone mark = iota
	markNew
	markGone
)

// nsRow is one line of the namespace list.
type nsRow struct {
	ns     *nsops.Namespace
	prefix string // tree drawing for the tree views
	mark   mark
	name   string // netns name, hostname or container hint
}

// what is the row's last column: the command of the lowest member, or what
// holds the namespace. It is computed for visible rows only. A vanished
// namespace keeps the command it had: its pid may already be someone else's.
func (r *nsRow) what(snap *nsops.Snapshot) string {
	if r.mark == markGone && r.ns.Command != "" {
		return r.ns.Command
	}
	return holderSummary(r.ns, snap)
}

// rowInput is everything a list build depends on.
type rowInput struct {
	snap      *nsops.Snapshot
	ghosts    map[nsops.NSID]*nsops.Namespace // vanished, still shown for a moment
	fresh     map[nsops.NSID]bool             // appeared, marked for a moment
	hostnames map[nsops.NSID]string
	view      viewMode
	filter    *matcher
}

// buildRows arranges the snapshot (plus the vanished namespaces still on
// show) into list rows for the view, keeping only what the filter matches
// (and, in the tree views, the ancestors that give a match its place).
func buildRows(in rowInput) []nsRow {
	if in.snap == nil {
		return nil
	}
	all := make([]*nsops.Namespace, 0, len(in.snap.Namespaces)+len(in.ghosts))
	all = append(all, in.snap.Namespaces...)
	for _, g := range in.ghosts {
		all = append(all, g)
	}
	if len(in.ghosts) > 0 {
		slices.SortFunc(all, func(a, b *nsops.Namespace) int {
			return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID.Ino, b.ID.Ino))
		})
	}
	mk := func(ns *nsops.Namespace, prefix string) nsRow {
		r := nsRow{ns: ns, prefix: prefix, name: nsName(ns, in.snap, in.hostnames)}
		switch {
		case in.ghosts[ns.ID] != nil:
			r.mark = markGone
		case in.fresh[ns.ID]:
			r.mark = markNew
		}
		return r
	}
	match := func(ns *nsops.Namespace) bool {
		return in.filter.empty() || in.filter.match(ns, in.snap, in.hostnames)
	}
	var rows []nsRow
	switch in.view {
	case viewOwner, viewParent:
		rows = treeRows(all, in.view, match, mk)
	default:
		for _, ns := range all {
			if match(ns) {
				rows = append(rows, mk(ns, ""))
			}
		}
	}
	return rows
}

// treeRows lays the namespaces out as a forest. In the ownership view a
// user namespace's children are its child user namespaces and the
// namespaces it owns; in the parent view only pid and user namespaces take
// part, each under its parent.
func treeRows(all []*nsops.Namespace, view viewMode, match func(*nsops.Namespace) bool, mk func(*nsops.Namespace, string) nsRow) []nsRow {
	present := make(map[nsops.NSID]bool, len(all))
	var nodes []*nsops.Namespace
	for _, ns := range all {
		if view == viewParent && ns.Type != nsops.PIDNS && ns.Type != nsops.UserNS {
			continue
		}
		nodes = append(nodes, ns)
		present[ns.ID] = true
	}
	up := func(ns *nsops.Namespace) nsops.NSID {
		if view == viewOwner && ns.Type != nsops.UserNS {
			return ns.Owner
		}
		return ns.Parent
	}
	children := make(map[nsops.NSID][]*nsops.Namespace)
	var roots []*nsops.Namespace
	for _, ns := range nodes {
		p := up(ns)
		if p.IsZero() || !present[p] || p == ns.ID {
			roots = append(roots, ns)
			continue
		}
		children[p] = append(children[p], ns)
	}
	// In the ownership view, child user namespaces come before owned
	// namespaces of other types; nodes are already in type, inode order.
	if view == viewOwner {
		for _, kids := range children {
			slices.SortStableFunc(kids, func(a, b *nsops.Namespace) int {
				return cmp.Compare(b2i(a.Type != nsops.UserNS), b2i(b.Type != nsops.UserNS))
			})
		}
		slices.SortStableFunc(roots, func(a, b *nsops.Namespace) int {
			return cmp.Compare(b2i(a.Type != nsops.UserNS), b2i(b.Type != nsops.UserNS))
		})
	}
	var rows []nsRow
	seen := make(map[nsops.NSID]bool, len(nodes))
	// walk returns the rows of ns's subtree, or nil when nothing in it
	// matches the filter.
	var walk func(ns *nsops.Namespace, lead string, last, root bool) []nsRow
	walk = func(ns *nsops.Namespace, lead string, last, root bool) []nsRow {
		if seen[ns.ID] { // a cycle would be a discovery bug; never loop on it
			return nil
		}
		seen[ns.ID] = true
		prefix, childLead := "", ""
		if !root {
			if last {
				prefix, childLead = lead+"└─", lead+"  "
			} else {
				prefix, childLead = lead+"├─", lead+"│ "
			}
		}
		kids := children[ns.ID]
		var sub []nsRow
		for i, k := range kids {
			sub = append(sub, walk(k, childLead, i == len(kids)-1, false)...)
		}
		if len(sub) == 0 && !match(ns) {
			return nil
		}
		return append([]nsRow{mk(ns, prefix)}, sub...)
	}
	for _, r := range roots {
		rows = append(rows, walk(r, "", true, true)...)
	}
	return rows
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nsName is the friendly name of a namespace: its ip netns name, its uts
// hostname, or the container its first member runs in.
func nsName(ns *nsops.Namespace, snap *nsops.Snapshot, hostnames map[nsops.NSID]string) string {
	if len(ns.Names) > 0 {
		return strings.Join(ns.Names, ",")
	}
	if ns.Type == nsops.UTSNS {
		if h := hostnames[ns.ID]; h != "" {
			return h
		}
	}
	if p := snap.Processes[ns.PID]; p != nil && p.Container != "" {
		return p.Container
	}
	return ""
}

// holderSummary says in a few words what keeps a namespace alive: the
// command of its lowest member, or the fd, bind mount, socket or child
// namespace holding it.
func holderSummary(ns *nsops.Namespace, snap *nsops.Snapshot) string {
	if ns.NProcs > 0 || ns.PID > 0 {
		if p := snap.Processes[ns.PID]; p != nil {
			return p.Command()
		}
		return ns.Command
	}
	for _, h := range ns.Holders {
		switch h.Kind {
		case nsops.HeldByBindMount:
			return "bind mount " + h.Path
		case nsops.HeldByFD:
			return fmt.Sprintf("fd %d of pid %d", h.FD, h.PID)
		case nsops.HeldBySocket:
			return fmt.Sprintf("socket (fd %d of pid %d)", h.FD, h.PID)
		case nsops.HeldByThread:
			return fmt.Sprintf("thread %d of pid %d", h.TID, h.PID)
		case nsops.HeldByChild:
			return "child namespace " + strconv.FormatUint(h.Child.Ino, 10)
		}
	}
	if ns.Hidden {
		return "hidden level (seen only through the hierarchy)"
	}
	return ""
}

// matcher is a parsed filter: space-separated terms that must all match. A
// term that names a type ("net", "type:pid") keeps that type; a number
// matches an inode or a member pid; anything else is looked for in names,
// hostnames, container hints and member commands.
type matcher struct {
	text  string
	terms []term
	hay   map[nsops.NSID]string // lowercased text to search, built lazily per snapshot
	snap  *nsops.Snapshot
}

type term struct {
	raw    string
	isType bool
	typ    nsops.NSType
	number bool
}

// newMatcher parses the filter text.
func newMatcher(text string) *matcher {
	m := &matcher{text: text}
	for _, f := range strings.Fields(strings.ToLower(text)) {
		t := term{raw: f}
		name, isTypeTerm := strings.CutPrefix(f, "type:")
		if typ, err := nsops.ParseNSType(name); err == nil {
			t.isType, t.typ = true, typ
		} else if isTypeTerm {
			t.raw = name
		}
		if _, err := strconv.ParseUint(f, 10, 64); err == nil {
			t.number = true
		}
		m.terms = append(m.terms, t)
	}
	return m
}

func (m *matcher) empty() bool { return m == nil || len(m.terms) == 0 }

// match reports whether every term matches ns.
func (m *matcher) match(ns *nsops.Namespace, snap *nsops.Snapshot, hostnames map[nsops.NSID]string) bool {
	if m.snap != snap || m.hay == nil {
		m.snap, m.hay = snap, make(map[nsops.NSID]string)
	}
	for _, t := range m.terms {
		switch {
		case t.isType:
			if ns.Type != t.typ {
				return false
			}
		case t.number && (strings.Contains(strconv.FormatUint(ns.ID.Ino, 10), t.raw) || hasPid(ns.Members, t.raw)):
		default:
			hay, ok := m.hay[ns.ID]
			if !ok {
				hay = haystack(ns, snap, hostnames)
				m.hay[ns.ID] = hay
			}
			if !strings.Contains(hay, t.raw) {
				return false
			}
		}
	}
	return true
}

func hasPid(members []int, s string) bool {
	pid, err := strconv.Atoi(s)
	if err != nil {
		return false
	}
	_, found := slices.BinarySearch(members, pid)
	return found
}

// haystack is the lowercased searchable text of a namespace.
func haystack(ns *nsops.Namespace, snap *nsops.Snapshot, hostnames map[nsops.NSID]string) string {
	var b strings.Builder
	b.WriteString(ns.Type.String())
	b.WriteByte(0)
	b.WriteString(strconv.FormatUint(ns.ID.Ino, 10))
	for _, n := range ns.Names {
		b.WriteByte(0)
		b.WriteString(n)
	}
	for _, p := range ns.NSFS {
		b.WriteByte(0)
		b.WriteString(p)
	}
	if h := hostnames[ns.ID]; h != "" && ns.Type == nsops.UTSNS {
		b.WriteByte(0)
		b.WriteString(h)
	}
	for _, pid := range ns.Members {
		p := snap.Processes[pid]
		if p == nil {
			continue
		}
		b.WriteByte(0)
		b.WriteString(p.Command())
		if p.Container != "" {
			b.WriteByte(0)
			b.WriteString(p.Container)
		}
	}
	if len(ns.Members) == 0 {
		b.WriteByte(0)
		b.WriteString(ns.Command)
	}
	return strings.ToLower(b.String())
}

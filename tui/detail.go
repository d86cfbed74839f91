package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nstui/nstui/nsops"
)

// lineKind says how a line of the details panel is styled and what enter
// does on it.
type lineKind int

const (
	lkText    lineKind = iota
	lkSection          // a section heading
	lkField            // "key  value", split at split
	lkColHead          // column headings of a table
	lkMember           // a member process: enter opens it
	lkNSLink           // a namespace of a process: enter opens it
	lkDim
	lkError
)

// dline is one line of the details panel, as plain text plus how to style
// it; styling happens only for the visible lines.
type dline struct {
	text  string
	kind  lineKind
	split int // lkField: end of the key; lkNSLink: start of the own/shared note
	own   bool
	pid   int        // lkMember
	ns    nsops.NSID // lkNSLink
}

// targetKind says what the details panel shows.
type targetKind int

const (
	targetNS   targetKind = iota // a namespace: members, details, explain
	targetProc                   // a process: its eight namespaces
)

// target is what the details panel shows.
type target struct {
	kind targetKind
	ns   nsops.NSID
	pid  int
}

// detailsEntry is the last Details read of one namespace.
type detailsEntry struct {
	det     *nsops.Details
	err     error
	loading bool
}

// detailInput is everything the panel's lines depend on.
type detailInput struct {
	snap  *nsops.Snapshot
	ns    *nsops.Namespace // for targetNS; nil when unknown
	gone  bool
	entry *detailsEntry
	width int
	name  string
}

const fieldKeyWidth = 11

func field(k, v string) dline { return fieldW(k, v, fieldKeyWidth) }

// fieldW is a field whose key column is keyW wide.
func fieldW(k, v string, keyW int) dline {
	key := fit(k, keyW)
	return dline{text: " " + key + " " + v, kind: lkField, split: len(key) + 2}
}

// nsLines builds the namespace view: summary, member process tree, per-type
// details and the explain text.
func nsLines(in detailInput) []dline {
	ns := in.ns
	if ns == nil {
		return []dline{{text: "nothing selected", kind: lkDim}}
	}
	var out []dline
	if in.gone {
		out = append(out, dline{text: " this namespace has just vanished", kind: lkError})
	}
	out = append(out, listField("held by", holderItems(ns, in.snap), in.width)...)
	if in.name != "" {
		out = append(out, field("name", in.name))
	}
	if ns.Path != "" {
		out = append(out, field("path", ns.Path))
	}
	if len(ns.NSFS) > 0 {
		out = append(out, field("nsfs", strings.Join(ns.NSFS, ", ")))
	}
	if !ns.Owner.IsZero() {
		out = append(out, field("owner", "user "+strconv.FormatUint(ns.Owner.Ino, 10)))
	}
	if !ns.Parent.IsZero() {
		out = append(out, field("parent", ns.Type.String()+" "+strconv.FormatUint(ns.Parent.Ino, 10)))
	}
	if ns.Type == nsops.UserNS && ns.OwnerUID >= 0 {
		out = append(out, field("owner uid", strconv.Itoa(ns.OwnerUID)))
	}

	out = append(out, dline{}, dline{text: fmt.Sprintf("MEMBERS (%d)", len(ns.Members)), kind: lkSection})
	if len(ns.Members) == 0 {
		out = append(out, dline{text: " no member process", kind: lkDim})
	} else {
		out = append(out, dline{text: fmt.Sprintf(" %7s %7s  %-9s %s", "PID", "INSIDE", "USER", "COMMAND"), kind: lkColHead})
		out = append(out, memberTree(ns.Members, in.snap)...)
	}

	out = append(out, dline{}, dline{text: "DETAILS", kind: lkSection})
	switch e := in.entry; {
	case e == nil || (e.det == nil && e.err == nil):
		out = append(out, dline{text: " reading…", kind: lkDim})
	case e.err != nil && e.det == nil:
		for _, l := range wrap(e.err.Error(), max(in.width-2, 10)) {
			out = append(out, dline{text: " " + l, kind: lkError})
		}
	default:
		out = append(out, detailsLines(e.det, ns, in.width)...)
	}

	return append(out, explainLines(ns, in.snap, in.width)...)
}

// explainLines is the learner's text for the namespace's type, with the
// command that enters this very namespace.
func explainLines(ns *nsops.Namespace, snap *nsops.Snapshot, width int) []dline {
	ex := nsops.Explain(ns.Type)
	out := []dline{{}, {text: strings.ToUpper(ex.Title), kind: lkSection}}
	out = append(out, wrappedField("isolates", ex.Isolates, width)...)
	out = append(out, wrappedField("clone flag", ex.CloneFlag+"  (man "+ex.ManPage+")", width)...)
	out = append(out, wrappedField("create", ex.Create, width)...)
	out = append(out, wrappedField("enter", ex.Enter, width)...)
	if ex.EnterByPath != "" {
		out = append(out, wrappedField("", ex.EnterByPath, width)...)
	}
	if c := ex.EnterCommand(ns); c != "" {
		out = append(out, wrappedField("this one", c, width)...)
		// No file nsenter could open: say why it is nstui enter here.
		spec := nsops.EnterSpec{TargetNS: nsops.NSRef{Type: ns.Type, Ino: ns.ID.Ino}, Snapshot: snap, UID: -1, GID: -1}
		if err := spec.EquivalentError(); err != nil && strings.HasPrefix(c, "nstui ") {
			for _, l := range wrap(err.Error(), max(width-fieldKeyWidth-3, 10)) {
				out = append(out, dline{text: " " + spaces(fieldKeyWidth) + " " + l, kind: lkDim})
			}
		}
	}
	for _, n := range ex.Notes {
		for i, l := range wrap(n, max(width-4, 10)) {
			lead := "   "
			if i == 0 {
				lead = " • "
			}
			out = append(out, dline{text: lead + l, kind: lkDim})
		}
	}
	return out
}

// wrappedField is a field whose value wraps under itself.
func wrappedField(k, v string, width int) []dline {
	return wrappedFieldW(k, v, width, fieldKeyWidth)
}

// wrappedFieldW is wrappedField with a keyW-wide key column. A key longer
// than that gets a line of its own, the value below it, so it is never cut.
func wrappedFieldW(k, v string, width, keyW int) []dline {
	if v == "" {
		return nil
	}
	var out []dline
	k = sanitize(k)
	if ansiWidth(k) > keyW {
		out = append(out, dline{text: " " + k, kind: lkField, split: len(k) + 1})
		k = ""
	}
	for i, l := range wrap(v, max(width-keyW-3, 10)) {
		key := k
		if i > 0 {
			key = ""
		}
		out = append(out, fieldW(key, l, keyW))
	}
	return out
}

// listField is a field whose value is a list, ", " between the items,
// wrapped between items (an item wider than the panel wraps inside).
func listField(k string, items []string, width int) []dline {
	w := max(width-fieldKeyWidth-3, 10)
	var lines []string
	cur := ""
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		switch {
		case cur == "":
			cur = it
		case ansiWidth(cur)+1+ansiWidth(it) <= w:
			cur += " " + it
		default:
			lines = append(lines, cur)
			cur = it
		}
		if ansiWidth(cur) > w {
			parts := wrap(cur, w)
			lines = append(lines, parts[:len(parts)-1]...)
			cur = parts[len(parts)-1]
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	out := make([]dline, 0, len(lines))
	for i, l := range lines {
		key := k
		if i > 0 {
			key = ""
		}
		out = append(out, field(key, l))
	}
	return out
}

// maxHolderItems caps the holders listed one by one (a process whose
// threads sit in many namespaces could otherwise fill the panel).
const maxHolderItems = 40

// holderItems lists what keeps a namespace alive, every holder by name:
// the member processes (and how many of them are zombies), then threads,
// bind mounts, fds, sockets and child namespaces one by one.
func holderItems(ns *nsops.Namespace, snap *nsops.Snapshot) []string {
	var out []string
	if ns.NProcs > 0 {
		z := 0
		if snap != nil {
			for _, pid := range ns.Members {
				if p := snap.Processes[pid]; p != nil && p.Zombie() && p.NS[ns.Type] == ns.ID {
					z++
				}
			}
		}
		switch {
		case z == 0:
			out = append(out, plural(ns.NProcs, "process", "processes"))
		case z >= ns.NProcs:
			out = append(out, plural(ns.NProcs, "zombie process", "zombie processes"))
		default:
			out = append(out, plural(ns.NProcs, "process", "processes")+" ("+plural(z, "zombie", "zombies")+")")
		}
	}
	// A bind mount in another mount namespace than the reference process's
	// (ip netns exec's, a container's) says which, or two look the same.
	var refMnt uint64
	if snap != nil {
		if p := refProcess(snap, nsops.MntNS); p != nil {
			refMnt = p.NS[nsops.MntNS].Ino
		}
	}
	var items []string
	for _, kind := range []nsops.HolderKind{nsops.HeldByThread, nsops.HeldByBindMount, nsops.HeldByFD, nsops.HeldBySocket, nsops.HeldByChild} {
		for _, h := range ns.Holders {
			if h.Kind != kind {
				continue
			}
			switch kind {
			case nsops.HeldByThread:
				items = append(items, fmt.Sprintf("thread %d of pid %d", h.TID, h.PID))
			case nsops.HeldByBindMount:
				it := "bind mount " + h.Path
				if h.MntNS != 0 && h.MntNS != refMnt {
					it += " in mnt " + strconv.FormatUint(h.MntNS, 10)
				}
				items = append(items, it)
			case nsops.HeldByFD:
				items = append(items, fmt.Sprintf("fd %d of pid %d", h.FD, h.PID))
			case nsops.HeldBySocket:
				items = append(items, fmt.Sprintf("socket fd %d of pid %d", h.FD, h.PID))
			case nsops.HeldByChild:
				it := "child namespace " + strconv.FormatUint(h.Child.Ino, 10)
				if c := snapByID(snap, h.Child); c != nil {
					it = "child " + c.Type.String() + " " + strconv.FormatUint(c.ID.Ino, 10)
				}
				items = append(items, it)
			}
		}
	}
	if len(items) > maxHolderItems {
		items = append(items[:maxHolderItems], fmt.Sprintf("and %d more", len(items)-maxHolderItems))
	}
	out = append(out, items...)
	if ns.Hidden {
		out = append(out, "hidden level (only the hierarchy shows it)")
	}
	if len(out) == 0 {
		return []string{"nothing seen"}
	}
	return out
}

func snapByID(snap *nsops.Snapshot, id nsops.NSID) *nsops.Namespace {
	if snap == nil {
		return nil
	}
	return snap.ByID(id)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// memberTree lays out the member processes as a tree by parent pid: a
// member whose parent is not a member is a root.
func memberTree(members []int, snap *nsops.Snapshot) []dline {
	in := make(map[int]bool, len(members))
	for _, pid := range members {
		in[pid] = true
	}
	children := make(map[int][]int)
	var roots []int
	for _, pid := range members {
		p := snap.Processes[pid]
		if p != nil && in[p.PPID] && p.PPID != pid {
			children[p.PPID] = append(children[p.PPID], pid)
			continue
		}
		roots = append(roots, pid)
	}
	out := make([]dline, 0, len(members))
	seen := make(map[int]bool, len(members))
	var walk func(pid int, lead, prefix string)
	walk = func(pid int, lead, prefix string) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		out = append(out, memberLine(pid, snap, prefix))
		kids := children[pid]
		slices.Sort(kids)
		for i, k := range kids {
			if i == len(kids)-1 {
				walk(k, lead+"   ", lead+"└─ ")
			} else {
				walk(k, lead+"│  ", lead+"├─ ")
			}
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	return out
}

func memberLine(pid int, snap *nsops.Snapshot, prefix string) dline {
	p := snap.Processes[pid]
	if p == nil {
		return dline{text: fmt.Sprintf(" %7d %7s  %-9s %s(exited)", pid, "", "", prefix), kind: lkMember, pid: pid}
	}
	inside := ""
	if n := len(p.NSpid); n > 0 {
		inside = strconv.Itoa(p.NSpid[n-1])
	}
	user := p.User
	if user == "" {
		user = strconv.Itoa(p.UID)
	}
	return dline{text: fmt.Sprintf(" %7d %7s  %-9s %s%s", pid, inside, fit(user, 9), prefix, commandState(p)), kind: lkMember, pid: pid}
}

// commandState is the command, marked when the process is a zombie (it
// has exited; its parent has not reaped it yet).
func commandState(p *nsops.Process) string {
	if p.Zombie() {
		return p.Command() + " (zombie)"
	}
	return p.Command()
}

// procLines builds the process view: who it is and its eight namespaces,
// each marked as shared with PID 1 or its own.
func procLines(snap *nsops.Snapshot, pid int) []dline {
	p := snap.Processes[pid]
	if p == nil {
		return []dline{{text: " the process has exited", kind: lkDim}}
	}
	out := []dline{field("command", p.Command())}
	if p.Zombie() {
		out = append(out, field("state", "zombie: exited, its parent has not reaped it"))
	}
	user := p.User
	if user == "" {
		user = "?"
	}
	out = append(out, field("user", fmt.Sprintf("%s (uid %d)", user, p.UID)))
	out = append(out, field("ppid", strconv.Itoa(p.PPID)))
	if n := len(p.NSpid); n > 0 {
		chain := make([]string, n)
		for i, v := range p.NSpid {
			chain[i] = strconv.Itoa(v)
		}
		out = append(out, field("pid inside", fmt.Sprintf("%d  (NSpid %s)", p.NSpid[n-1], strings.Join(chain, " "))))
	}
	if p.Container != "" {
		out = append(out, field("container", p.Container))
	}
	if p.Cgroup != "" {
		out = append(out, field("cgroup", p.Cgroup))
	}
	out = append(out, dline{}, dline{text: "NAMESPACES", kind: lkSection})
	out = append(out, dline{text: fmt.Sprintf(" %-7s %-11s %s", "TYPE", "NS", "VS INIT"), kind: lkColHead})
	for _, t := range nsops.AllTypes() {
		id := p.NS[t]
		ino := "?"
		if !id.IsZero() {
			ino = strconv.FormatUint(id.Ino, 10)
		}
		note, own := "unreadable", false
		if ref := refProcess(snap, t); !id.IsZero() && ref != nil {
			if ref.NS[t] == id {
				note = "shared with PID " + strconv.Itoa(ref.PID)
			} else {
				note, own = "own", true
			}
		}
		head := fmt.Sprintf(" %-7s %-11s ", t, ino)
		out = append(out, dline{text: head + note, kind: lkNSLink, split: len(head), own: own, ns: id})
	}
	out = append(out, dline{}, dline{text: " enter on a namespace opens it", kind: lkDim})
	return out
}

// detailsLines renders the per-type details of ns.
func detailsLines(d *nsops.Details, ns *nsops.Namespace, width int) []dline {
	var out []dline
	switch {
	case d.UTS != nil:
		out = append(out, field("hostname", d.UTS.Hostname), field("domainname", d.UTS.Domainname))
	case d.Net != nil:
		out = append(out, netLines(d.Net, width)...)
	case d.Mnt != nil:
		out = append(out, mntLines(d.Mnt, width)...)
	case d.User != nil:
		u := d.User
		out = append(out, field("uid_map", idMaps(u.UIDMap)), field("gid_map", idMaps(u.GIDMap)))
		if u.SetGroups != "" {
			out = append(out, field("setgroups", u.SetGroups))
		}
		out = append(out, field("owner uid", strconv.Itoa(u.OwnerUID)), field("level", strconv.Itoa(u.Level)))
		if !u.Parent.IsZero() {
			out = append(out, field("parent", "user "+strconv.FormatUint(u.Parent.Ino, 10)))
		}
	case d.PIDNS != nil:
		p := d.PIDNS
		out = append(out, field("level", strconv.Itoa(p.Level)))
		if !p.Parent.IsZero() {
			out = append(out, field("parent", "pid "+strconv.FormatUint(p.Parent.Ino, 10)))
		}
		initText := "none (no process is PID 1 inside)"
		if p.InitPID > 0 {
			initText = "pid " + strconv.Itoa(p.InitPID)
		}
		out = append(out, field("init", initText))
	case d.Time != nil:
		out = append(out, field("monotonic", offset(d.Time.Monotonic)), field("boottime", offset(d.Time.Boottime)))
	case d.Cgroup != nil:
		out = append(out, cgroupLines(d.Cgroup, width)...)
	case d.IPC != nil:
		out = append(out, field("shm", strconv.Itoa(d.IPC.SharedMemory)),
			field("msg queues", strconv.Itoa(d.IPC.MessageQueues)),
			field("semaphores", strconv.Itoa(d.IPC.Semaphores)))
	}
	if d.PID > 0 {
		out = append(out, field("read via", "pid "+strconv.Itoa(d.PID)))
	} else if d.Path != "" {
		out = append(out, wrappedField("read via", readVia(d.Path, ns), width)...)
	}
	for _, n := range d.Notes {
		out = append(out, dline{text: " note: " + n, kind: lkDim})
	}
	return out
}

// readVia names what the details were read through. A socket's
// /proc/<pid>/fd/<n> is no namespace file (nsenter cannot open it): nstui
// asked the kernel for the socket's network namespace, so say so.
func readVia(path string, ns *nsops.Namespace) string {
	if ns != nil {
		for _, h := range ns.Holders {
			if h.Kind == nsops.HeldBySocket && h.Path == path {
				return fmt.Sprintf("socket fd %d of pid %d", h.FD, h.PID)
			}
		}
	}
	return path
}

// maxCgroupKey fits the usual v1 names: "3:net_cls,net_prio", "12:cpu,cpuacct".
const maxCgroupKey = 20

// cgroupLines shows where the namespace's root lies in each hierarchy, as
// the reader (nstui, outside) sees it: members see that directory as "/".
// Controller lists like "9:name=systemd" keep their whole name.
func cgroupLines(c *nsops.CgroupDetails, width int) []dline {
	root := c.Root
	if root == "" {
		root = "?"
	}
	out := wrappedField("root", root, width)
	// The key column grows to the longest name up to maxCgroupKey (or a
	// third of the panel); a longer one gets a line of its own.
	limit := max(fieldKeyWidth, min(maxCgroupKey, width/3))
	names := make([]string, len(c.Hierarchies))
	keyW := fieldKeyWidth
	for i, h := range c.Hierarchies {
		names[i] = "v2"
		if h.HierarchyID != 0 {
			names[i] = strconv.Itoa(h.HierarchyID) + ":" + strings.Join(h.Controllers, ",")
		}
		if n := ansiWidth(sanitize(names[i])); n <= limit {
			keyW = max(keyW, n+1) // a space more than the name, as for "held by"
		}
	}
	for i, h := range c.Hierarchies {
		var v string
		switch {
		case h.Root != "":
			v = "root here = " + h.Root + " outside"
			if h.Inside != "/" {
				v += ", member in " + h.Inside
			}
		case h.Inside != "":
			// Outside the root (inside paths start with /..): no root to tell.
			v = "member in " + h.Inside + " here = " + h.Outside + " outside"
		default:
			v = "member in " + h.Outside + " outside, not seen inside"
		}
		out = append(out, wrappedFieldW(names[i], v, width, keyW)...)
	}
	return out
}

func idMaps(m []nsops.IDMapping) string {
	if len(m) == 0 {
		return "(none written)"
	}
	parts := make([]string, len(m))
	for i, e := range m {
		parts[i] = fmt.Sprintf("%d→%d ×%d", e.Inside, e.Outside, e.Count)
	}
	return strings.Join(parts, ", ")
}

func offset(o nsops.ClockOffset) string {
	return fmt.Sprintf("%+d s %d ns", o.Seconds, o.Nanoseconds)
}

// ifaceState is the operational state, or down when administratively down.
func ifaceState(i nsops.Iface) string {
	if !i.Up {
		return "down"
	}
	return i.State
}

func netLines(n *nsops.NetDetails, width int) []dline {
	// Whole names (IFNAMSIZ allows 15 bytes: two veths often differ only
	// at the end), with the peer or parent as ip prints it: veth0@if7.
	// Its peer by name when in this namespace, by index when in another.
	byIndex := make(map[int]string, len(n.Interfaces))
	for _, i := range n.Interfaces {
		byIndex[i.Index] = i.Name
	}
	names := make([]string, len(n.Interfaces))
	nameW, stateW := len("IFACE"), len("STATE")
	for k, i := range n.Interfaces {
		names[k] = i.Name
		if peer, here := byIndex[i.Link]; i.Link > 0 && here && i.LinkNetnsID < 0 {
			names[k] += "@" + peer
		} else if i.Link > 0 {
			names[k] += "@if" + strconv.Itoa(i.Link)
		}
		nameW = max(nameW, ansiWidth(sanitize(names[k])))
		stateW = max(stateW, len(ifaceState(i)))
	}
	nameW = min(nameW, 33)
	// MTU and MAC when 24 columns are left for the addresses beside them.
	wide := width >= 1+nameW+1+stateW+1+7+1+5+1+17+1+24
	head := fmt.Sprintf(" %-*s %-*s %-7s ", nameW, "IFACE", stateW, "STATE", "KIND")
	if wide {
		head += fmt.Sprintf("%-5s %-17s ", "MTU", "MAC")
	}
	out := []dline{{text: head + "ADDRESSES", kind: lkColHead}}
	for k, i := range n.Interfaces {
		row := " " + padRight(fit(names[k], nameW), nameW) +
			fmt.Sprintf(" %-*s %-7s ", stateW, ifaceState(i), fit(i.Kind, 7))
		if wide {
			row += fmt.Sprintf("%-5d %-17s ", i.MTU, i.MAC)
		}
		out = append(out, dline{text: row + strings.Join(i.Addrs, " ")})
	}
	if len(n.Interfaces) == 0 {
		out = append(out, dline{text: " no interfaces", kind: lkDim})
	}
	out = append(out, dline{text: " ROUTES", kind: lkColHead})
	if len(n.Routes) == 0 {
		out = append(out, dline{text: " no routes", kind: lkDim})
	}
	routes := slices.Clone(n.Routes)
	slices.SortStableFunc(routes, func(a, b nsops.Route) int { return cmp.Compare(a.Family, b.Family) })
	for _, r := range routes {
		s := " " + r.Dst
		if r.Gw != "" {
			s += " via " + r.Gw
		}
		if r.Dev != "" {
			s += " dev " + r.Dev
		}
		if r.Src != "" {
			s += " src " + r.Src
		}
		out = append(out, dline{text: s})
	}
	return out
}

// maxMountLines caps the mount tree; a container can have hundreds.
const maxMountLines = 300

func mntLines(m *nsops.MntDetails, width int) []dline {
	out := []dline{{text: fmt.Sprintf(" %d mounts", len(m.Mounts)), kind: lkColHead}}
	var walk func(n *nsops.MountNode, lead, prefix string)
	walk = func(n *nsops.MountNode, lead, prefix string) {
		if len(out) > maxMountLines {
			return
		}
		mt := n.Mount
		out = append(out, dline{text: fmt.Sprintf(" %s%s  %s %s  %s", prefix, mt.Target, mt.FSType, mt.Source, mt.Propagation)})
		for i, c := range n.Children {
			if i == len(n.Children)-1 {
				walk(c, lead+"   ", lead+"└─ ")
			} else {
				walk(c, lead+"│  ", lead+"├─ ")
			}
		}
	}
	for _, r := range m.Tree() {
		walk(r, "", "")
	}
	if len(out) > maxMountLines {
		out = append(out[:maxMountLines], dline{text: fmt.Sprintf(" … %d more (see /proc/<pid>/mountinfo)", len(m.Mounts)-maxMountLines+1), kind: lkDim})
	}
	_ = width
	return out
}

// refProcess is what "shared" compares against: PID 1 when its namespace of
// type t could be read, else the lowest pid whose namespace could (when
// PID 1 is hidden from us, as in some sandboxes, that is kthreadd, which
// lives in the initial namespaces).
func refProcess(snap *nsops.Snapshot, t nsops.NSType) *nsops.Process {
	if p := snap.Processes[1]; p != nil && !p.NS[t].IsZero() {
		return p
	}
	var best *nsops.Process
	for _, p := range snap.Processes {
		if !p.NS[t].IsZero() && (best == nil || p.PID < best.PID) {
			best = p
		}
	}
	return best
}

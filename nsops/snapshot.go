package nsops

import (
	"slices"
)

// Find returns the namespace of type t with inode ino, or nil. Snapshot
// namespaces are sorted by type then inode, so this is a binary search.
func (s *Snapshot) Find(t NSType, ino uint64) *Namespace {
	i, ok := slices.BinarySearchFunc(s.Namespaces, t, func(ns *Namespace, t NSType) int {
		if ns.Type != t {
			return int(ns.Type) - int(t)
		}
		switch {
		case ns.ID.Ino < ino:
			return -1
		case ns.ID.Ino > ino:
			return 1
		}
		return 0
	})
	if !ok {
		return nil
	}
	return s.Namespaces[i]
}

// ByID returns the namespace with the given id, or nil.
func (s *Snapshot) ByID(id NSID) *Namespace {
	if id.IsZero() {
		return nil
	}
	for _, t := range AllTypes() {
		if ns := s.Find(t, id.Ino); ns != nil && ns.ID == id {
			return ns
		}
	}
	return nil
}

// Members returns the member processes of ns (processes in it, and thread
// groups with a thread in it), sorted by pid. Processes the snapshot does not
// hold are left out.
func (s *Snapshot) Members(ns *Namespace) []*Process {
	if ns == nil {
		return nil
	}
	out := make([]*Process, 0, len(ns.Members))
	for _, pid := range ns.Members {
		if p := s.Processes[pid]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// ProcNode is one process in a ProcessTree: its children are the member
// processes whose parent it is. Depth is 0 for a root.
type ProcNode struct {
	Proc     *Process
	Children []*ProcNode
	Depth    int
}

// ProcessTree returns the member processes of ns as a forest linked by ppid:
// a member whose parent is not a member is a root. Roots and children are
// sorted by pid.
func (s *Snapshot) ProcessTree(ns *Namespace) []*ProcNode {
	members := s.Members(ns)
	return buildProcForest(members)
}

// buildProcForest links processes by ppid; used for namespaces and for -p.
func buildProcForest(procs []*Process) []*ProcNode {
	nodes := make(map[int]*ProcNode, len(procs))
	for _, p := range procs {
		nodes[p.PID] = &ProcNode{Proc: p}
	}
	var roots []*ProcNode
	for _, p := range procs { // sorted by pid, so children come out sorted
		n := nodes[p.PID]
		if parent := nodes[p.PPID]; parent != nil && p.PPID != p.PID {
			parent.Children = append(parent.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	var setDepth func(n *ProcNode, d int)
	setDepth = func(n *ProcNode, d int) {
		n.Depth = d
		for _, c := range n.Children {
			setDepth(c, d+1)
		}
	}
	for _, r := range roots {
		setDepth(r, 0)
	}
	return roots
}

// WalkProcs calls fn for every node of a forest in depth-first order (a
// parent before its children), as a tree view prints them.
func WalkProcs(forest []*ProcNode, fn func(*ProcNode)) {
	for _, n := range forest {
		fn(n)
		WalkProcs(n.Children, fn)
	}
}

// Owned returns the namespaces whose owning user namespace is ns (empty
// unless ns is a user namespace), sorted like Snapshot.Namespaces.
func (s *Snapshot) Owned(ns *Namespace) []*Namespace {
	var out []*Namespace
	if ns == nil {
		return nil
	}
	for _, c := range s.Namespaces {
		if c.Owner == ns.ID && c != ns {
			out = append(out, c)
		}
	}
	return out
}

// Children returns the namespaces whose parent is ns (pid and user
// namespaces nest; other types have no parent), sorted like
// Snapshot.Namespaces.
func (s *Snapshot) Children(ns *Namespace) []*Namespace {
	var out []*Namespace
	if ns == nil {
		return nil
	}
	for _, c := range s.Namespaces {
		if c.Parent == ns.ID && c != ns {
			out = append(out, c)
		}
	}
	return out
}

// OfProcess returns the namespaces of process pid, one per type (nil where
// unknown), indexed by NSType.
func (s *Snapshot) OfProcess(pid int) (out [NumTypes]*Namespace) {
	p := s.Processes[pid]
	if p == nil {
		return out
	}
	for t, id := range p.NS {
		if !id.IsZero() {
			out[t] = s.Find(NSType(t), id.Ino)
		}
	}
	return out
}

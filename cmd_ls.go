package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nstui/nstui/nsops"
	"github.com/spf13/cobra"
)

// lsOptions are the flags of `nstui ls`, named like lsns's.
type lsOptions struct {
	output     string
	outputAll  bool
	json       bool
	tree       string
	types      []string
	task       string
	members    string
	noHeadings bool
	raw        bool
	list       bool
	refresh    int  // hidden: scan this many extra times on the same Scanner (benchmarks)
	details    bool // hidden: read every process's details even when not printed (benchmarks)
}

// newLsCmd returns `nstui ls`: lsns's table and JSON, plus what lsns cannot
// see (fd-held, bind-mounted, socket-held and hidden namespaces, thread
// namespaces), holders, names and member process trees.
func newLsCmd() *cobra.Command {
	var o lsOptions
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List namespaces, like lsns, including the ones lsns cannot see",
		Long: `List every namespace on the machine, one row each, with lsns's columns and
the same meaning: NS (inode), TYPE, PATH, NPROCS, PID (lowest member), PPID,
COMMAND, UID, USER, NETNSID, NSFS, PNS (parent), ONS (owner).

The defaults are lsns's: NS, TYPE, NPROCS, PID, USER and COMMAND, plus
NETNSID and NSFS before COMMAND when -t net is given; COMMAND draws the
process tree (a namespace whose lowest process is the child of another row's
process hangs under that row), as with -T process, unless -l, --output-all
or -J without -o (every column, flat, like lsns -J --output-all) is given.

Beyond lsns it finds namespaces held only by an open file descriptor, by an
nsfs bind mount in any mount namespace (ip netns add, unshare --net=FILE), by
a socket, by a child namespace (hidden levels of the user and pid hierarchy)
or by a thread, and says what keeps each alive (HOLDERS) and its names.

Run as root to see everything; otherwise the view is limited to what your
user may read, and a notice says so.`,
		Example: `  nstui ls                       # the lsns-like table
  nstui ls -t net -t user        # only network and user namespaces
  nstui ls -o NS,TYPE,HOLDERS,NAMES
  nstui ls -T owner              # the ownership tree (-T alone too; -T parent, -T process)
  nstui ls -p 1234               # the namespaces of process 1234
  nstui ls -l                    # a flat list, without the process tree
  nstui ls -J | jq .             # JSON: every lsns key plus holders, names, members
  nstui ls --members net:4026531840   # member processes of one namespace, as a tree`,
		Args: lsArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 { // -T REL, see lsArgs
				o.tree = args[0]
			}
			return runLs(cmd.OutOrStdout(), cmd.ErrOrStderr(), &o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "columns to print, comma-separated (see the list below)")
	f.BoolVar(&o.outputAll, "output-all", false, "print every column")
	f.BoolVarP(&o.json, "json", "J", false, "JSON output: every column plus holders, names and members")
	f.StringVarP(&o.tree, "tree", "T", "", "tree format: owner, parent or process (-T REL, -T=REL, --tree=REL; -T alone is owner, as in lsns); without it, the process tree in COMMAND, as lsns draws it")
	// As in lsns, the relation is optional (--tree[=REL]).
	f.Lookup("tree").NoOptDefVal = "owner"
	f.BoolVarP(&o.list, "list", "l", false, "list format: no default process tree (an explicit -T still draws its tree, as in lsns)")
	f.StringArrayVarP(&o.types, "type", "t", nil, "only namespaces of this type (cgroup, ipc, mnt, net, pid, time, user, uts); repeatable")
	f.StringVarP(&o.task, "task", "p", "", "only the namespaces of this process")
	f.StringVar(&o.members, "members", "", "list the member processes of one namespace (TYPE:INODE or INODE) as a tree")
	f.BoolVarP(&o.noHeadings, "noheadings", "n", false, "do not print a header line")
	f.BoolVarP(&o.raw, "raw", "r", false, "raw output: single spaces, no alignment, escaped values")
	f.IntVar(&o.refresh, "refresh-scans", 0, "scan this many extra times on the same scanner (for benchmarks)")
	_ = f.MarkHidden("refresh-scans")
	f.BoolVar(&o.details, "all-details", false, "read every process's command line, cgroup and NSpid even when not printed (for benchmarks)")
	_ = f.MarkHidden("all-details")
	cmd.Long += "\n\nColumns:\n" + columnHelp()
	return cmd
}

// lsArgs accepts what the option parser leaves of -T REL. -T's relation is
// optional (lsns's --tree[=REL]), so "-T owner" ends up as -T (owner) plus
// the word "owner"; lsns then reads the word as its [<namespace>] argument
// and fails, but nstui takes no namespace argument (--members is its
// counterpart), so the one word after a -T is the relation. Anything else
// is refused as cobra.NoArgs does.
func lsArgs(cmd *cobra.Command, args []string) error {
	if cmd.Flags().Changed("tree") && len(args) > 0 {
		args = args[1:]
	}
	return cobra.NoArgs(cmd, args)
}

// lsColumn is one output column: its table text and its JSON value (with
// lsns's key and JSON type).
type lsColumn struct {
	name  string
	help  string
	right bool
	text  func(*lsView, *nsops.Namespace) string
	json  func(*lsView, *nsops.Namespace) any
}

// lsView is what the column functions need besides the namespace.
type lsView struct{ snap *nsops.Snapshot }

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func numOrNull(n int, ok bool) any {
	if !ok {
		return nil
	}
	return n
}

func inoText(id nsops.NSID) string { return strconv.FormatUint(id.Ino, 10) }

// lsColumns lists every column: lsns's first, in lsns's order, then ours.
func lsColumns() []lsColumn {
	return []lsColumn{
		{"NS", "namespace identifier (inode number)", true,
			func(_ *lsView, ns *nsops.Namespace) string { return inoText(ns.ID) },
			func(_ *lsView, ns *nsops.Namespace) any { return ns.ID.Ino }},
		{"TYPE", "kind of namespace", false,
			func(_ *lsView, ns *nsops.Namespace) string { return ns.Type.String() },
			func(_ *lsView, ns *nsops.Namespace) any { return ns.Type.String() }},
		{"PATH", "path to the namespace (empty when only a child namespace keeps it)", false,
			func(_ *lsView, ns *nsops.Namespace) string { return ns.Path },
			func(_ *lsView, ns *nsops.Namespace) any { return orNull(ns.Path) }},
		{"NPROCS", "number of processes in the namespace", true,
			func(_ *lsView, ns *nsops.Namespace) string { return strconv.Itoa(ns.NProcs) },
			func(_ *lsView, ns *nsops.Namespace) any { return ns.NProcs }},
		{"PID", "lowest PID in the namespace", true,
			func(_ *lsView, ns *nsops.Namespace) string { return intOrEmpty(ns.PID, ns.PID > 0) },
			func(_ *lsView, ns *nsops.Namespace) any { return numOrNull(ns.PID, ns.PID > 0) }},
		{"PPID", "PPID of the PID", true,
			func(_ *lsView, ns *nsops.Namespace) string { return intOrEmpty(ns.PPID, ns.PID > 0) },
			func(_ *lsView, ns *nsops.Namespace) any { return numOrNull(ns.PPID, ns.PID > 0) }},
		{"COMMAND", "command line of the PID", false,
			func(_ *lsView, ns *nsops.Namespace) string { return ns.Command },
			func(_ *lsView, ns *nsops.Namespace) any { return orNull(ns.Command) }},
		{"UID", "UID of the PID (owner's uid when no process)", true,
			func(_ *lsView, ns *nsops.Namespace) string { return intOrEmpty(ns.UID, ns.UID >= 0) },
			func(_ *lsView, ns *nsops.Namespace) any { return numOrNull(ns.UID, ns.UID >= 0) }},
		{"USER", "username of the PID", false,
			func(_ *lsView, ns *nsops.Namespace) string { return ns.User },
			func(_ *lsView, ns *nsops.Namespace) any { return orNull(ns.User) }},
		{"NETNSID", "namespace ID as used by network subsystem", true,
			func(_ *lsView, ns *nsops.Namespace) string { return ns.NetNSID },
			func(_ *lsView, ns *nsops.Namespace) any { return orNull(ns.NetNSID) }},
		{"NSFS", "nsfs mountpoint in our mount namespace (usually used network subsystem)", false,
			func(_ *lsView, ns *nsops.Namespace) string { return strings.Join(ns.NSFS, "\n") }, // one per line, as lsns
			func(_ *lsView, ns *nsops.Namespace) any { return orNull(strings.Join(ns.NSFS, "\n")) }},
		{"PNS", "parent namespace identifier (inode number)", true,
			func(_ *lsView, ns *nsops.Namespace) string { return inoText(ns.Parent) },
			func(_ *lsView, ns *nsops.Namespace) any { return ns.Parent.Ino }},
		{"ONS", "owner namespace identifier (inode number)", true,
			func(_ *lsView, ns *nsops.Namespace) string { return inoText(ns.Owner) },
			func(_ *lsView, ns *nsops.Namespace) any { return ns.Owner.Ino }},
		{"HOLDERS", "what keeps it alive: process, thread, fd, bindmount, socket, child", false,
			func(_ *lsView, ns *nsops.Namespace) string { return holderKinds(ns) },
			func(_ *lsView, ns *nsops.Namespace) any { return holdersJSON(ns) }},
		{"NAMES", "names: ip netns names", false,
			func(_ *lsView, ns *nsops.Namespace) string { return strings.Join(ns.Names, ",") },
			func(_ *lsView, ns *nsops.Namespace) any { return nonNil(ns.Names) }},
		{"OWNERUID", "user namespaces: uid of the creator (NS_GET_OWNER_UID)", true,
			func(_ *lsView, ns *nsops.Namespace) string { return intOrEmpty(ns.OwnerUID, ns.OwnerUID >= 0) },
			func(_ *lsView, ns *nsops.Namespace) any { return numOrNull(ns.OwnerUID, ns.OwnerUID >= 0) }},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func intOrEmpty(n int, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.Itoa(n)
}

// columnHelp renders the column list for --help.
func columnHelp() string {
	var b strings.Builder
	for _, c := range lsColumns() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.help)
	}
	return strings.TrimRight(b.String(), "\n")
}

// holderKinds summarises the holders: each kind once, in order, with a
// count when there is more than one ("process,fd×2,bindmount").
func holderKinds(ns *nsops.Namespace) string {
	var kinds []string
	count := map[nsops.HolderKind]int{}
	for _, h := range ns.Holders {
		if count[h.Kind] == 0 {
			kinds = append(kinds, string(h.Kind))
		}
		count[h.Kind]++
	}
	for i, k := range kinds {
		if n := count[nsops.HolderKind(k)]; n > 1 {
			kinds[i] = fmt.Sprintf("%s×%d", k, n)
		}
	}
	return strings.Join(kinds, ",")
}

// holderJSON is a holder as -J prints it; child is the child's inode.
type holderJSON struct {
	Kind  string `json:"kind"`
	PID   int    `json:"pid,omitempty"`
	TID   int    `json:"tid,omitempty"`
	FD    *int   `json:"fd,omitempty"`
	Path  string `json:"path,omitempty"`
	MntNS uint64 `json:"mntns,omitempty"`
	Child uint64 `json:"child,omitempty"`
}

func holdersJSON(ns *nsops.Namespace) []holderJSON {
	out := make([]holderJSON, 0, len(ns.Holders))
	for _, h := range ns.Holders {
		j := holderJSON{Kind: string(h.Kind), PID: h.PID, TID: h.TID, Path: h.Path, MntNS: h.MntNS, Child: h.Child.Ino}
		if h.Kind == nsops.HeldByFD || h.Kind == nsops.HeldBySocket {
			fd := h.FD
			j.FD = &fd
		}
		out = append(out, j)
	}
	return out
}

// lsDefaultColumns are lsns's default columns; with -t net among the types
// lsns adds NETNSID and NSFS before COMMAND (whatever other types are asked).
func lsDefaultColumns(types []nsops.NSType) string {
	if slices.Contains(types, nsops.NetNS) {
		return "NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS,COMMAND"
	}
	return "NS,TYPE,NPROCS,PID,USER,COMMAND"
}

// selectColumns resolves -o / --output-all / the defaults.
func selectColumns(o *lsOptions, types []nsops.NSType) ([]lsColumn, error) {
	all := lsColumns()
	if o.outputAll || (o.json && o.output == "") {
		return all, nil
	}
	spec := o.output
	if spec == "" {
		spec = lsDefaultColumns(types)
	} else if strings.HasPrefix(spec, "+") {
		spec = lsDefaultColumns(types) + "," + spec[1:]
	}
	var out []lsColumn
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		i := slices.IndexFunc(all, func(c lsColumn) bool { return strings.EqualFold(c.name, name) })
		if i < 0 {
			return nil, fmt.Errorf("unknown column %q in --output (known: %s)", name, columnNames(all))
		}
		out = append(out, all[i])
	}
	if len(out) == 0 {
		return nil, errors.New("--output names no column")
	}
	return out, nil
}

// lsTree returns the tree relation rows are drawn with ("" for a flat list).
// lsns draws the process tree unless -l or --output-all is given (-o keeps
// it); -J without -o means every column here, so it stays flat as lsns -J
// --output-all does. The process tree lives in COMMAND: without that column
// lsns keeps rows flat, in inode order.
func lsTree(o *lsOptions, cols []lsColumn) string {
	tree := o.tree
	if tree == "" && !o.list && !o.outputAll && !(o.json && o.output == "") {
		tree = "process"
	}
	if tree == "process" && !slices.ContainsFunc(cols, func(c lsColumn) bool { return c.name == "COMMAND" }) {
		return ""
	}
	return tree
}

func columnNames(cols []lsColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ",")
}

// runLs scans once and prints what the options ask for.
func runLs(stdout, stderr io.Writer, o *lsOptions) error {
	var types []nsops.NSType
	for _, spec := range o.types {
		for _, name := range strings.Split(spec, ",") {
			t, err := nsops.ParseNSType(name)
			if err != nil {
				return fmt.Errorf("--type: %w", err)
			}
			types = append(types, t)
		}
	}
	cols, err := selectColumns(o, types)
	if err != nil {
		return err
	}
	switch o.tree {
	case "", "owner", "parent", "process":
	default:
		return fmt.Errorf("--tree: unknown relation %q (want owner, parent or process)", o.tree)
	}
	taskPID := 0
	if o.task != "" {
		pid, err := strconv.Atoi(strings.TrimSpace(o.task))
		if err != nil || pid <= 0 {
			return fmt.Errorf("--task: %q is not a process id (want a positive number)", o.task)
		}
		taskPID = pid
	}
	var memT nsops.NSType
	var memIno uint64
	memTyped := false
	if o.members != "" {
		memT, memIno, memTyped, err = parseNSRef(o.members)
		if err != nil {
			return err
		}
	}

	// Read per-process details only when members are printed, and keep
	// refresh state only when asked to scan again.
	// A one-shot scan allocates much and lives briefly: collect less often.
	debug.SetGCPercent(400)
	sc := nsops.NewScanner(nsops.WithProcessDetails(o.members != "" || o.details), nsops.WithRefreshCache(o.refresh > 0))
	defer sc.Close()
	t0 := time.Now()
	snap, err := sc.Scan()
	if err != nil {
		return fmt.Errorf("scan namespaces: %w", err)
	}
	if o.refresh > 0 {
		first := time.Since(t0)
		t1 := time.Now()
		for range o.refresh {
			if snap, err = sc.Scan(); err != nil {
				return fmt.Errorf("scan namespaces: %w", err)
			}
		}
		fmt.Fprintf(stderr, "scan: first %.1f ms, refresh %.1f ms (mean of %d)\n",
			float64(first.Microseconds())/1000, float64(time.Since(t1).Microseconds())/1000/float64(o.refresh), o.refresh)
	}
	if snap.Limited && os.Geteuid() != 0 {
		fmt.Fprintln(stderr, "nstui: limited view: not running as root, so namespaces of other users' processes are missing (run with sudo to see everything)")
	}

	if o.members != "" {
		ns := findNSRef(snap, memT, memIno, memTyped)
		if ns == nil {
			return fmt.Errorf("--members: no namespace %s found (see 'nstui ls' for the list)", o.members)
		}
		return printMembers(stdout, snap, ns, o)
	}

	var rows []*nsops.Namespace
	var task *nsops.Process
	if taskPID != 0 {
		if task = snap.Processes[taskPID]; task == nil {
			return fmt.Errorf("--task: no process %d (it does not exist, exited, or is not visible to you)", taskPID)
		}
	}
	// With -p, lsns's owner and parent trees also print the owners and
	// parents of the process's namespaces (and theirs): those trees keep
	// every row of the asked types and mark the process's as selected.
	tree := lsTree(o, cols)
	related := tree == "owner" || tree == "parent"
	hasTask := func(ns *nsops.Namespace) bool {
		_, ok := slices.BinarySearch(ns.Members, taskPID)
		return ok
	}
	for _, ns := range snap.Namespaces {
		if len(types) > 0 && !slices.Contains(types, ns.Type) {
			continue
		}
		if task != nil && !related && !hasTask(ns) {
			continue
		}
		rows = append(rows, ns)
	}
	// lsns lists by inode, whatever the type (and treeRows relies on it).
	slices.SortStableFunc(rows, func(a, b *nsops.Namespace) int { return cmp.Compare(a.ID.Ino, b.ID.Ino) })
	var selected []bool
	if task != nil && related {
		selected = make([]bool, len(rows))
		for i, ns := range rows {
			selected[i] = hasTask(ns)
		}
	}
	v := &lsView{snap: snap}
	if o.json {
		return printLsJSON(stdout, v, rows, cols, tree, selected)
	}
	return printLsTable(stdout, v, rows, cols, tree, selected, o)
}

// parseNSRef parses "net:4026531840", "net:[4026531840]" or "4026531840".
func parseNSRef(s string) (t nsops.NSType, ino uint64, typed bool, err error) {
	bad := fmt.Errorf("--members: %q is not a namespace (want TYPE:INODE like net:4026531840, or an inode)", s)
	num := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if t, err = nsops.ParseNSType(s[:i]); err != nil {
			return 0, 0, false, fmt.Errorf("--members: %w", err)
		}
		typed = true
		num = strings.TrimSuffix(strings.TrimPrefix(s[i+1:], "["), "]")
	}
	ino, err = strconv.ParseUint(num, 10, 64)
	if err != nil || ino == 0 {
		return 0, 0, false, bad
	}
	return t, ino, typed, nil
}

func findNSRef(snap *nsops.Snapshot, t nsops.NSType, ino uint64, typed bool) *nsops.Namespace {
	if typed {
		return snap.Find(t, ino)
	}
	for _, tt := range nsops.AllTypes() {
		if ns := snap.Find(tt, ino); ns != nil {
			return ns
		}
	}
	return nil
}

// treeRows lays rows (sorted by inode) out as a forest for -T, in lsns's
// order: the depth-first order, each row's depth, and whether it is its
// parent's last child. selected (nil: every row) marks the rows asked for
// (-p); in the owner and parent trees lsns also prints the owners and parents
// they pull in, as it does here.
func treeRows(rows []*nsops.Namespace, rel string, selected []bool) (order []int, depth []int, last []bool) {
	asked := func(i int) bool { return selected == nil || selected[i] }
	children := make([][]int, len(rows))
	var roots []int
	switch rel {
	case "process":
		// The process tree is lsns's: a row hangs under the row its lowest
		// process's parent was last printed for, among the rows before it (a
		// process stands for every namespace it is the lowest pid of, so the
		// parent's latest row wins, and a parent whose rows all come later
		// leaves the row a root).
		lastRowOf := make(map[int]int, len(rows))
		for i, ns := range rows {
			if !asked(i) {
				continue
			}
			j, ok := lastRowOf[ns.PPID]
			if ns.PID > 0 && ns.PPID > 0 && ok {
				children[j] = append(children[j], i)
			} else {
				roots = append(roots, i)
			}
			if ns.PID > 0 {
				lastRowOf[ns.PID] = i
			}
		}
	case "owner", "parent":
		// lsns adds the rows in inode order, each after (recursively) the row
		// it depends on: its owner for -T owner; for -T parent its parent, or
		// its owner when it has no parent (so the user namespace owning a net
		// namespace comes first, though the net namespace stays a root).
		// libsmartcols then prints roots and children in the order they were
		// added: an owner before what it owns, whatever the inodes.
		byID := make(map[nsops.NSID]int, len(rows))
		for i, ns := range rows {
			byID[ns.ID] = i
		}
		related := func(i int, id nsops.NSID) int {
			if j, ok := byID[id]; ok && j != i {
				return j
			}
			return -1
		}
		added := make([]bool, len(rows))
		adding := make([]bool, len(rows)) // on the recursion stack: a cycle stops here
		var add func(i int)
		add = func(i int) {
			adding[i] = true
			up := related(i, rows[i].Owner)
			first := up
			if rel == "parent" {
				if up = related(i, rows[i].Parent); up >= 0 {
					first = up
				}
			}
			if first >= 0 && !added[first] && !adding[first] {
				add(first)
			}
			added[i] = true
			if up >= 0 && added[up] {
				children[up] = append(children[up], i)
			} else {
				roots = append(roots, i)
			}
		}
		for i := range rows {
			if asked(i) && !added[i] {
				add(i)
			}
		}
	default:
		for i := range rows {
			if asked(i) {
				roots = append(roots, i)
			}
		}
	}
	depth = make([]int, len(rows))
	last = make([]bool, len(rows))
	var walk func(list []int, d int)
	walk = func(list []int, d int) {
		for k, i := range list {
			depth[i], last[i] = d, k == len(list)-1
			order = append(order, i)
			walk(children[i], d+1)
		}
	}
	walk(roots, 0)
	return order, depth, last
}

// treePrefix draws the branch for a row from its ancestors' "last" flags.
func treePrefixes(order, depth []int, last []bool) []string {
	out := make([]string, len(depth))
	var open []bool // open[d]: the ancestor at depth d has siblings after it
	for _, i := range order {
		d := depth[i]
		if d == 0 {
			open = open[:0]
			continue
		}
		open = open[:min(len(open), d-1)]
		for len(open) < d-1 {
			open = append(open, false)
		}
		var b strings.Builder
		for _, o := range open {
			if o {
				b.WriteString("│ ")
			} else {
				b.WriteString("  ")
			}
		}
		if last[i] {
			b.WriteString("└─")
		} else {
			b.WriteString("├─")
		}
		out[i] = b.String()
		open = append(open, !last[i])
	}
	return out
}

// printLsTable prints the lsns-like table, as a tree when tree names a
// relation (see lsTree); selected is as for treeRows.
func printLsTable(w io.Writer, v *lsView, rows []*nsops.Namespace, cols []lsColumn, tree string, selected []bool, o *lsOptions) error {
	order, depth, last := treeRows(rows, tree, selected)
	var prefix []string
	treeCol := -1
	if tree != "" {
		prefix = treePrefixes(order, depth, last)
		want := "NS"
		if tree == "process" {
			want = "COMMAND"
		}
		treeCol = slices.IndexFunc(cols, func(c lsColumn) bool { return c.name == want })
	}
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.name
	}
	cells := make([][]string, 0, len(order))
	for _, i := range order {
		ns := rows[i]
		line := make([]string, len(cols))
		for k, c := range cols {
			line[k] = c.text(v, ns)
			if k == treeCol && prefix != nil {
				line[k] = prefix[i] + line[k]
			}
		}
		cells = append(cells, line)
	}
	right := make([]bool, len(cols))
	hint := make([]int, len(cols))
	for k, c := range cols {
		right[k] = c.right && k != treeCol
		hint[k] = lsnsWidthHint(c.name)
	}
	if len(cells) == 0 {
		return nil // libsmartcols prints nothing for a table without lines, not even the header
	}
	return writeTable(w, head, cells, right, hint, o)
}

// lsnsWidthHint is lsns's width hint for a column (whint in its column
// table); see writeTable.
func lsnsWidthHint(name string) int {
	switch name {
	case "NS", "PNS", "ONS":
		return 10
	case "TYPE", "NPROCS", "PID", "PPID":
		return 5
	}
	return 0
}

// writeTable aligns cells like libsmartcols: right-aligned numbers, the last
// column not padded. Widths are libsmartcols's (count_column_width, output
// not a terminal): a column is as wide as its widest cell, at least as wide
// as its header whether the header is printed or not (-n), and a column
// whose cells are at least as wide as its header is widened to its width
// hint (so PID is 3 wide while every pid has one or two digits, 5 with
// three or four). Raw mode separates by one space and escapes blanks.
func writeTable(w io.Writer, head []string, cells [][]string, right []bool, hint []int, o *lsOptions) error {
	if o.raw {
		// A cell of several values (NSFS) is one field, comma-separated.
		for _, line := range cells {
			for k, c := range line {
				line[k] = strings.ReplaceAll(c, "\n", ",")
			}
		}
	} else {
		// A cell of several values (NSFS) continues on lines of its own,
		// the other columns blank there, as libsmartcols draws it.
		var lines [][]string
		for _, line := range cells {
			n := 1
			for _, c := range line {
				n = max(n, strings.Count(c, "\n")+1)
			}
			for j := range n {
				out := make([]string, len(line))
				for k, c := range line {
					if parts := strings.Split(c, "\n"); j < len(parts) {
						// Command lines and paths come from any process: a
						// terminal escape in one must not reach the
						// terminal of whoever lists.
						out[k] = safeEncode(parts[j])
					}
				}
				lines = append(lines, out)
			}
		}
		cells = lines
	}
	width := make([]int, len(right))
	for _, line := range cells {
		for k, c := range line {
			width[k] = max(width[k], displayWidth(c))
		}
	}
	for k, h := range head {
		if least := max(displayWidth(h), 1); width[k] < least {
			width[k] = least
		} else if width[k] < hint[k] && least < hint[k] {
			width[k] = hint[k]
		}
	}
	if !o.noHeadings {
		cells = append([][]string{head}, cells...)
	}
	raw := o.raw
	var b strings.Builder
	for _, line := range cells {
		for k, c := range line {
			if k > 0 {
				b.WriteByte(' ')
			}
			if raw {
				b.WriteString(rawEscape(c))
				continue
			}
			pad := width[k] - displayWidth(c)
			switch {
			case right[k]:
				b.WriteString(strings.Repeat(" ", pad))
				b.WriteString(c)
			case k == len(line)-1:
				b.WriteString(c)
			default:
				b.WriteString(c)
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayWidth(s string) int { return len([]rune(s)) }

// safeEncode is what libsmartcols does to table cells (mbs_safe_encode, in
// a UTF-8 locale): each byte of a character that is not printable (C0 and
// C1 controls, ESC, DEL, line and paragraph separators...) and each byte
// that is not valid UTF-8 becomes \xHH, and a backslash before an x
// becomes \x5c, so the output can be read back; printable text, non-ASCII
// included, stays.
func safeEncode(s string) string {
	i := 0
	for i < len(s) && s[i] >= ' ' && s[i] < 0x7f && s[i] != '\\' {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && i+1 < len(s) && s[i+1] == 'x':
			b.WriteString(`\x5c`)
		case (r == utf8.RuneError && n == 1) || !unicode.IsPrint(r):
			for _, c := range []byte(s[i : i+n]) {
				fmt.Fprintf(&b, `\x%02x`, c)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// rawEscape writes what lsns -r (libsmartcols) escapes as \xHH: blanks,
// backslashes and every byte that is not printable ASCII, so UTF-8 (tree
// branches included) comes out byte by byte.
func rawEscape(s string) string {
	i := 0
	for i < len(s) && !rawEscaped(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if c := s[i]; rawEscaped(c) {
			fmt.Fprintf(&b, `\x%02x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func rawEscaped(c byte) bool { return c <= ' ' || c == '\\' || c >= 0x7f }

// printLsJSON prints {"namespaces":[...]} byte for byte as lsns -J does
// (libsmartcols's layout and string escaping), with lsns's keys and JSON
// types, plus holders, names, members, hidden and owner_uid. In a tree (see
// lsTree) children nest. It streams: on a big machine the output is megabytes.
func printLsJSON(w io.Writer, v *lsView, rows []*nsops.Namespace, cols []lsColumn, tree string, selected []bool) error {
	// Every object has the same keys: build them once and share them, and
	// take all objects and values from two allocations (thousands of rows).
	var keys []string
	var colOf []int
	for i, c := range cols {
		key := strings.ToLower(c.name)
		switch key {
		case "holders", "names", "owneruid":
			continue // added below under their JSON names
		}
		keys, colOf = append(keys, key), append(colOf, i)
	}
	keys = append(keys, "holders", "names", "members", "hidden", "owner_uid")
	nk := len(keys)
	fill := func(obj *orderedObject, ns *nsops.Namespace) {
		obj.keys = keys
		for _, ci := range colOf {
			obj.vals = append(obj.vals, cols[ci].json(v, ns))
		}
		obj.vals = append(obj.vals, holdersJSON(ns), nonNil(ns.Names), intList(ns.Members), ns.Hidden,
			numOrNull(ns.OwnerUID, ns.OwnerUID >= 0))
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	// libsmartcols opens the array with a line break and closes it on a new
	// line, so an empty one has a blank line inside.
	bw.WriteString("{\n   \"namespaces\": [\n")
	if tree == "" {
		// Flat: stream, one reused object at a time (fresh memory is costly).
		obj := orderedObject{vals: make([]any, 0, nk)}
		first := true
		for i, ns := range rows {
			if selected != nil && !selected[i] {
				continue
			}
			obj.vals = obj.vals[:0]
			fill(&obj, ns)
			if err := writeObject(bw, &obj, 2, first); err != nil {
				return err
			}
			first = false
		}
		bw.WriteString("\n   ]\n}\n")
		return bw.Flush()
	}
	store := make([]orderedObject, len(rows))
	vals := make([]any, len(rows)*nk)
	for i, ns := range rows {
		store[i].vals = vals[i*nk : i*nk : (i+1)*nk]
		fill(&store[i], ns)
	}
	var top []*orderedObject
	order, depth, _ := treeRows(rows, tree, selected)
	var stack []*orderedObject
	for _, i := range order {
		d := depth[i]
		stack = stack[:min(len(stack), d)]
		if d == 0 || len(stack) == 0 {
			top = append(top, &store[i])
		} else {
			stack[len(stack)-1].children = append(stack[len(stack)-1].children, &store[i])
		}
		stack = append(stack, &store[i])
	}
	if err := writeObjects(bw, top, 2); err != nil {
		return err
	}
	bw.WriteString("\n   ]\n}\n")
	return bw.Flush()
}

// intList is a list of ints that writes itself on one line.
type intList []int

// writeObjects writes the objects of an array, indented like lsns (three
// spaces a level).
func writeObjects(bw *bufio.Writer, objs []*orderedObject, level int) error {
	for i, o := range objs {
		if err := writeObject(bw, o, level, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// writeObject writes one object of an array, with its children, as
// libsmartcols does: the first on its own indented line, the next ones
// right after the previous closing brace ("},{"); each key on its own line.
func writeObject(bw *bufio.Writer, o *orderedObject, level int, first bool) error {
	pad := indents[:min(3*level, len(indents))]
	if len(pad) < 3*level {
		pad = strings.Repeat("   ", level)
	}
	if first {
		bw.WriteString(pad)
		bw.WriteString("{\n")
	} else {
		bw.WriteString(",{\n")
	}
	for k, key := range o.keys {
		if k > 0 {
			bw.WriteString(",\n")
		}
		bw.WriteString(pad)
		bw.WriteString("   ")
		writeJSONString(bw, key)
		bw.WriteString(": ")
		if err := writeJSONValue(bw, o.vals[k]); err != nil {
			return fmt.Errorf("json key %s: %w", key, err)
		}
	}
	if len(o.children) > 0 {
		bw.WriteString(",\n" + pad + "   \"children\": [\n")
		if err := writeObjects(bw, o.children, level+2); err != nil {
			return err
		}
		bw.WriteString("\n" + pad + "   ]")
	}
	bw.WriteByte('\n')
	bw.WriteString(pad)
	bw.WriteByte('}')
	return nil
}

// indents is the indentation of the first levels, sliced instead of built.
const indents = "                                                            "

// writeJSONValue writes the value types the columns produce without
// reflection; anything else goes through encoding/json (compact, no HTML
// escaping).
func writeJSONValue(bw *bufio.Writer, v any) error {
	switch x := v.(type) {
	case nil:
		bw.WriteString("null")
	case string:
		writeJSONString(bw, x)
	case int:
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(x), 10))
	case uint64:
		bw.Write(strconv.AppendUint(bw.AvailableBuffer(), x, 10))
	case bool:
		bw.WriteString(strconv.FormatBool(x))
	case intList:
		bw.WriteByte('[')
		for i, n := range x {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(n), 10))
		}
		bw.WriteByte(']')
	case []string:
		bw.WriteByte('[')
		for i, s := range x {
			if i > 0 {
				bw.WriteByte(',')
			}
			writeJSONString(bw, s)
		}
		bw.WriteByte(']')
	case []holderJSON: // compact, with holderJSON's keys and omitempty, without reflection
		bw.WriteByte('[')
		for i, h := range x {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(`{"kind":`)
			writeJSONString(bw, h.Kind)
			if h.PID != 0 {
				bw.WriteString(`,"pid":`)
				bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(h.PID), 10))
			}
			if h.TID != 0 {
				bw.WriteString(`,"tid":`)
				bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(h.TID), 10))
			}
			if h.FD != nil {
				bw.WriteString(`,"fd":`)
				bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(*h.FD), 10))
			}
			if h.Path != "" {
				bw.WriteString(`,"path":`)
				writeJSONString(bw, h.Path)
			}
			if h.MntNS != 0 {
				bw.WriteString(`,"mntns":`)
				bw.Write(strconv.AppendUint(bw.AvailableBuffer(), h.MntNS, 10))
			}
			if h.Child != 0 {
				bw.WriteString(`,"child":`)
				bw.Write(strconv.AppendUint(bw.AvailableBuffer(), h.Child, 10))
			}
			bw.WriteByte('}')
		}
		bw.WriteByte(']')
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return err
		}
		bw.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	return nil
}

// writeJSONString writes s as a JSON string the way libsmartcols (lsns -J)
// does: '"' and '\' escaped, control bytes as \b \t \n \f \r or \u00xx,
// every other byte as it is (no HTML escaping of <, >, &, and UTF-8, U+2028
// or even invalid bytes left alone).
func writeJSONString(bw *bufio.Writer, s string) {
	bw.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		bw.WriteString(s[start:i])
		start = i + 1
		switch c {
		case '"', '\\':
			bw.WriteByte('\\')
			bw.WriteByte(c)
		case '\b':
			bw.WriteString(`\b`)
		case '\t':
			bw.WriteString(`\t`)
		case '\n':
			bw.WriteString(`\n`)
		case '\f':
			bw.WriteString(`\f`)
		case '\r':
			bw.WriteString(`\r`)
		default:
			const hex = "0123456789abcdef"
			bw.WriteString(`\u00`)
			bw.WriteByte(hex[c>>4])
			bw.WriteByte(hex[c&0xf])
		}
	}
	bw.WriteString(s[start:])
	bw.WriteByte('"')
}

// orderedObject is a JSON object that keeps its keys in insertion order
// (lsns's column order), with optional nested children.
type orderedObject struct {
	keys     []string
	vals     []any
	children []*orderedObject
}

// memberJSON is one member process in --members -J output.
type memberJSON struct {
	PID       int           `json:"pid"`
	PPID      int           `json:"ppid"`
	NSpid     []int         `json:"nspid"`
	UID       int           `json:"uid"`
	User      string        `json:"user"`
	Container string        `json:"container"`
	Cgroup    string        `json:"cgroup"`
	Command   string        `json:"command"`
	Children  []*memberJSON `json:"children,omitempty"`
}

// printMembers prints the member processes of ns as a process tree.
func printMembers(w io.Writer, snap *nsops.Snapshot, ns *nsops.Namespace, o *lsOptions) error {
	forest := snap.ProcessTree(ns)
	if o.json {
		var conv func(n *nsops.ProcNode) *memberJSON
		conv = func(n *nsops.ProcNode) *memberJSON {
			p := n.Proc
			m := &memberJSON{PID: p.PID, PPID: p.PPID, NSpid: p.NSpid, UID: p.UID, User: p.User,
				Container: p.Container, Cgroup: p.Cgroup, Command: p.Command()}
			if m.NSpid == nil {
				m.NSpid = []int{}
			}
			for _, c := range n.Children {
				m.Children = append(m.Children, conv(c))
			}
			return m
		}
		procs := make([]*memberJSON, 0, len(forest))
		for _, n := range forest {
			procs = append(procs, conv(n))
		}
		out := struct {
			NS      uint64        `json:"ns"`
			Type    string        `json:"type"`
			Members []*memberJSON `json:"members"`
		}{ns.ID.Ino, ns.Type.String(), procs}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "   ")
		return enc.Encode(out)
	}
	var order []*nsops.ProcNode
	nsops.WalkProcs(forest, func(n *nsops.ProcNode) { order = append(order, n) })
	depth := make([]int, len(order))
	last := make([]bool, len(order))
	idx := make([]int, len(order))
	pos := map[*nsops.ProcNode]int{}
	for i, n := range order {
		pos[n] = i
		depth[i], idx[i] = n.Depth, i
	}
	markLast := func(list []*nsops.ProcNode) {
		if len(list) > 0 {
			last[pos[list[len(list)-1]]] = true
		}
	}
	markLast(forest)
	for _, n := range order {
		markLast(n.Children)
	}
	prefix := treePrefixes(idx, depth, last)
	var cells [][]string
	for i, n := range order {
		p := n.Proc
		nspid := make([]string, len(p.NSpid))
		for k, v := range p.NSpid {
			nspid[k] = strconv.Itoa(v)
		}
		cells = append(cells, []string{strconv.Itoa(p.PID), strconv.Itoa(p.PPID), strings.Join(nspid, ","),
			p.User, p.Container, prefix[i] + p.Command()})
	}
	if len(order) == 0 {
		fmt.Fprintf(w, "%s namespace %d has no member processes (held by: %s)\n", ns.Type, ns.ID.Ino, holderKinds(ns))
		return nil
	}
	// Sized like lsns NAMESPACE's PID and PPID columns.
	return writeTable(w, []string{"PID", "PPID", "NSPID", "USER", "CONTAINER", "COMMAND"}, cells,
		[]bool{true, true, false, false, false, false}, []int{5, 5, 0, 0, 0, 0}, o)
}

// Package nsops is the kernel side of nstui: namespace discovery, per-type
// details, spawning shells in new namespaces (with our own reaping init) and
// entering existing ones. It has no UI code; the tui package renders what it
// returns and the command line prints it.
package nsops

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// NSType is one of the eight Linux namespace types. Its String form is the
// name the kernel uses in /proc/<pid>/ns and lsns prints ("mnt", "net", ...).
type NSType int

// The namespace types, in the order lsns documents them.
const (
	CgroupNS NSType = iota
	IPCNS
	MntNS
	NetNS
	PIDNS
	TimeNS
	UserNS
	UTSNS
	numNSTypes
)

// NumTypes is the number of namespace types; arrays indexed by NSType use it.
const NumTypes = int(numNSTypes)

// AllTypes returns every namespace type in a stable order.
func AllTypes() []NSType {
	return []NSType{CgroupNS, IPCNS, MntNS, NetNS, PIDNS, TimeNS, UserNS, UTSNS}
}

// typeInfo is the one place that ties a type to its kernel names.
type typeInfo struct {
	name      string  // /proc/<pid>/ns/<name>, lsns TYPE
	cloneFlag uintptr // CLONE_NEW*
	unshare   string  // util-linux unshare long option
	nsenter   string  // util-linux nsenter long option
	short     string  // short option shared by unshare and nsenter
}

func (t NSType) info() typeInfo {
	switch t {
	case CgroupNS:
		return typeInfo{"cgroup", unix.CLONE_NEWCGROUP, "--cgroup", "--cgroup", "-C"}
	case IPCNS:
		return typeInfo{"ipc", unix.CLONE_NEWIPC, "--ipc", "--ipc", "-i"}
	case MntNS:
		return typeInfo{"mnt", unix.CLONE_NEWNS, "--mount", "--mount", "-m"}
	case NetNS:
		return typeInfo{"net", unix.CLONE_NEWNET, "--net", "--net", "-n"}
	case PIDNS:
		return typeInfo{"pid", unix.CLONE_NEWPID, "--pid", "--pid", "-p"}
	case TimeNS:
		return typeInfo{"time", unix.CLONE_NEWTIME, "--time", "--time", "-T"}
	case UserNS:
		return typeInfo{"user", unix.CLONE_NEWUSER, "--user", "--user", "-U"}
	case UTSNS:
		return typeInfo{"uts", unix.CLONE_NEWUTS, "--uts", "--uts", "-u"}
	}
	return typeInfo{name: fmt.Sprintf("nstype(%d)", int(t))}
}

// String returns the kernel's name for the type ("cgroup", "ipc", "mnt", ...).
func (t NSType) String() string { return t.info().name }

// CloneFlag returns the CLONE_NEW* flag of the type.
func (t NSType) CloneFlag() uintptr { return t.info().cloneFlag }

// UnshareOption returns the util-linux unshare long option for the type.
func (t NSType) UnshareOption() string { return t.info().unshare }

// NsenterOption returns the util-linux nsenter long option for the type.
func (t NSType) NsenterOption() string { return t.info().nsenter }

// ShortOption returns the short option unshare and nsenter both use.
func (t NSType) ShortOption() string { return t.info().short }

// Valid reports whether t is one of the eight types.
func (t NSType) Valid() bool { return t >= 0 && t < numNSTypes }

// ParseNSType parses a type name as lsns and /proc print it. It also accepts
// the util-linux long option words ("mount", "network") for convenience.
func ParseNSType(s string) (NSType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "cgroup":
		return CgroupNS, nil
	case "ipc":
		return IPCNS, nil
	case "mnt", "mount":
		return MntNS, nil
	case "net", "network":
		return NetNS, nil
	case "pid":
		return PIDNS, nil
	case "time":
		return TimeNS, nil
	case "user":
		return UserNS, nil
	case "uts":
		return UTSNS, nil
	}
	return 0, fmt.Errorf("unknown namespace type %q (want one of cgroup, ipc, mnt, net, pid, time, user, uts)", s)
}

// TypeFromCloneFlag maps a single CLONE_NEW* flag (as NS_GET_NSTYPE returns
// it) to its type.
func TypeFromCloneFlag(flag uintptr) (NSType, bool) {
	for _, t := range AllTypes() {
		if t.CloneFlag() == flag {
			return t, true
		}
	}
	return 0, false
}

// NSID identifies a namespace: the device and inode of its nsfs file. lsns
// prints only the inode; the device is the same for every namespace on a
// system, but comparing both is what the kernel documents as correct.
type NSID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// IsZero reports whether the id is unset.
func (id NSID) IsZero() bool { return id.Ino == 0 }

// HolderKind says what keeps a namespace alive.
type HolderKind string

// The ways a namespace can be held open.
const (
	HeldByProcess   HolderKind = "process"   // a process's /proc/<pid>/ns/<type>
	HeldByThread    HolderKind = "thread"    // a thread whose namespace differs from its process
	HeldByFD        HolderKind = "fd"        // an open file descriptor on an nsfs file
	HeldByBindMount HolderKind = "bindmount" // an nsfs bind mount (ip netns add, unshare --net=FILE)
	HeldBySocket    HolderKind = "socket"    // a socket created in a network namespace
	HeldByChild     HolderKind = "child"     // a child namespace (owned user ns, nested pid/user ns)
)

// Holder is one thing keeping a namespace alive.
type Holder struct {
	Kind  HolderKind `json:"kind"`
	PID   int        `json:"pid,omitempty"`   // process (or thread group) holding it
	TID   int        `json:"tid,omitempty"`   // thread, for HeldByThread
	FD    int        `json:"fd,omitempty"`    // descriptor number, for HeldByFD / HeldBySocket
	Path  string     `json:"path,omitempty"`  // mount point for HeldByBindMount; /proc path otherwise
	MntNS uint64     `json:"mntns,omitempty"` // mount namespace of a bind mount
	Child NSID       `json:"child,omitempty"` // the child namespace, for HeldByChild
}

// Namespace is one namespace as discovery found it. The first block of fields
// carries lsns's columns with lsns's meaning.
type Namespace struct {
	ID      NSID     `json:"-"`
	Type    NSType   `json:"-"`
	Path    string   `json:"path"`    // a path that opens it (/proc/<pid>/ns/<type>, a bind mount, an fd)
	NProcs  int      `json:"nprocs"`  // processes whose /proc/<pid>/ns/<type> is this namespace
	PID     int      `json:"pid"`     // lowest member pid, 0 if none
	PPID    int      `json:"ppid"`    // parent of PID
	Command string   `json:"command"` // command line of PID
	UID     int      `json:"uid"`     // uid of PID (or owner uid when no process)
	User    string   `json:"user"`
	NetNSID string   `json:"netnsid"` // lsns NETNSID as seen from our network namespace; "" when none
	NSFS    []string `json:"nsfs"`    // nsfs bind-mount paths
	Parent  NSID     `json:"-"`       // PNS: parent (pid and user types only)
	Owner   NSID     `json:"-"`       // ONS: owning user namespace

	// Beyond lsns.
	Names    []string `json:"names"`     // friendly names: ip netns names
	Holders  []Holder `json:"holders"`   // what keeps it alive
	Members  []int    `json:"members"`   // member pids, sorted (processes and thread groups)
	Hidden   bool     `json:"hidden"`    // found only through the hierarchy (no process, fd or mount)
	OwnerUID int      `json:"owner_uid"` // user namespaces: NS_GET_OWNER_UID; -1 otherwise
}

// Process is one process as discovery saw it.
type Process struct {
	PID       int      `json:"pid"`
	PPID      int      `json:"ppid"`
	Comm      string   `json:"comm"`
	Cmdline   []string `json:"cmdline"`
	UID       int      `json:"uid"`
	User      string   `json:"user"`
	StartTime uint64   `json:"starttime"` // clock ticks after boot (stat field 22)
	NSpid     []int    `json:"nspid"`     // pid in each nested pid namespace, outermost first
	Cgroup    string   `json:"cgroup"`    // cgroup v2 path (or the first v1 path)
	Container string   `json:"container"` // container/pod hint from the cgroup path, "" when none
	// State is the stat state letter (field 3) at the last full read: "Z"
	// for a zombie (exited, not yet reaped by its parent), which stays so
	// until it is reaped; R, S, D and the others change by the moment. ""
	// when stat was not read (a scan without process details).
	State string `json:"state,omitempty"`
	// NS holds the namespace of each type; a zero NSID where it could not be read.
	NS [NumTypes]NSID `json:"-"`
}

// Zombie reports whether the process has exited and waits for its parent to
// reap it. A zombie still counts as a member of its pid and user
// namespaces (its pid and credentials keep them), though it runs nothing.
func (p *Process) Zombie() bool { return p.State == "Z" }

// Command returns the command line joined by spaces, or [comm] for kernel
// threads and processes with an empty command line (as ps does).
func (p *Process) Command() string {
	if len(p.Cmdline) == 0 {
		return "[" + p.Comm + "]"
	}
	return strings.Join(p.Cmdline, " ")
}

// Snapshot is one immutable picture of every namespace and process discovery
// could see. The TUI renders it; nothing mutates it after Scan returns it.
type Snapshot struct {
	Namespaces []*Namespace     `json:"namespaces"` // sorted by type, then inode
	Processes  map[int]*Process `json:"-"`          // by pid
	Limited    bool             `json:"limited"`    // some /proc entries were unreadable (not root)
	Taken      time.Time        `json:"taken"`
}

package nsops

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Explanation is a short text for learners about one namespace type: what
// it isolates, its clone flag and how to make and join one by hand with
// util-linux. The texts follow namespaces(7) and the per-type man pages.
type Explanation struct {
	Type      NSType `json:"type"`
	Title     string `json:"title"`      // "Network namespace"
	Isolates  string `json:"isolates"`   // one sentence
	CloneFlag string `json:"clone_flag"` // "CLONE_NEWNET"
	ManPage   string `json:"man_page"`   // "network_namespaces(7)"
	// Create is an unshare(1) command that makes one and starts bash in it.
	Create string `json:"create"`
	// CreateAlt is another common way to make one ("" when none).
	CreateAlt string `json:"create_alt,omitempty"`
	// Enter is an nsenter(1) command that joins an existing one through a
	// member process (PID is a placeholder) and starts bash there.
	Enter string `json:"enter"`
	// EnterByPath joins one through a file that holds it (NSFILE is a
	// placeholder: a bind mount, or /proc/PID/ns/<type>).
	EnterByPath string `json:"enter_by_path"`
	// EnterAlt is another common way to join one ("" when none).
	EnterAlt string `json:"enter_alt,omitempty"`
	// Notes are one-line facts that surprise people.
	Notes []string `json:"notes"`
}

// cloneFlagName names a CLONE_NEW* flag as the kernel headers do.
func cloneFlagName(flag uintptr) string {
	switch flag {
	case unix.CLONE_NEWCGROUP:
		return "CLONE_NEWCGROUP"
	case unix.CLONE_NEWIPC:
		return "CLONE_NEWIPC"
	case unix.CLONE_NEWNS:
		return "CLONE_NEWNS"
	case unix.CLONE_NEWNET:
		return "CLONE_NEWNET"
	case unix.CLONE_NEWPID:
		return "CLONE_NEWPID"
	case unix.CLONE_NEWTIME:
		return "CLONE_NEWTIME"
	case unix.CLONE_NEWUSER:
		return "CLONE_NEWUSER"
	case unix.CLONE_NEWUTS:
		return "CLONE_NEWUTS"
	}
	return "0x" + strconv.FormatUint(uint64(flag), 16)
}

// Explain returns the learner's explanation of a namespace type. An
// invalid type gets an Explanation that says so in Title.
func Explain(t NSType) Explanation {
	if !t.Valid() {
		return Explanation{Type: t, Title: fmt.Sprintf("unknown namespace type %d", int(t))}
	}
	opt := t.UnshareOption()
	e := Explanation{
		Type:        t,
		CloneFlag:   cloneFlagName(t.CloneFlag()),
		ManPage:     t.String() + "_namespaces(7)",
		Create:      "unshare " + opt + " bash",
		Enter:       "nsenter --target PID " + t.NsenterOption() + " bash",
		EnterByPath: "nsenter " + t.NsenterOption() + "=NSFILE bash",
	}
	switch t {
	case CgroupNS:
		e.Title = "Cgroup namespace"
		e.Isolates = "The cgroup root directory: /proc/PID/cgroup and cgroup mounts show paths relative to the cgroup the namespace was created in."
		e.Notes = []string{
			"The creator's current cgroup becomes the namespace's root \"/\".",
			"A process outside that root shows up inside with a path starting with \"/..\".",
			"Mount cgroup2 again inside a new mount namespace to see only the subtree: unshare --cgroup --mount bash, then mount -t cgroup2 none /sys/fs/cgroup.",
			"It hides paths only; limits still come from the real cgroups.",
		}
	case IPCNS:
		e.Title = "IPC namespace"
		e.Isolates = "System V IPC objects (shared memory, semaphores, message queues) and POSIX message queues."
		e.Notes = []string{
			"Try it: ipcmk -M 4096 inside, then ipcs -m outside does not list the segment.",
			"The limits in /proc/sys/kernel (shmmax, msgmax, sem, ...) and /proc/sys/fs/mqueue are per namespace.",
			"Its objects are destroyed when the namespace is freed: its last process exited and no fd or bind mount holds it.",
		}
	case MntNS:
		e.Title = "Mount namespace"
		e.Isolates = "The list of mounts: mounting and unmounting inside does not change what others see (within the limits of mount propagation)."
		e.ManPage = "mount_namespaces(7)"
		e.Notes = []string{
			"It was the first namespace type (2002), so its flag is CLONE_NEWNS, not CLONE_NEWMNT.",
			"The new namespace starts with a copy of the creator's mounts.",
			"unshare(1) makes every mount private by default (--propagation private); otherwise mounts under shared mount points still propagate in and out.",
			"Each process's view: /proc/PID/mountinfo.",
			"A namespace with its own /proc (new pid namespace) shows no /proc/self to a process that enters only the mount namespace: enter both (nsenter -t PID -m -p).",
		}
	case NetNS:
		e.Title = "Network namespace"
		e.Isolates = "Network devices, IPv4/IPv6 stacks, routing tables, firewall rules, ports and sockets, /proc/net, /sys/class/net and abstract unix sockets."
		e.ManPage = "network_namespaces(7)"
		e.CreateAlt = "ip netns add NAME   (kept by a bind mount on /run/netns/NAME)"
		e.EnterAlt = "ip netns exec NAME bash   (same as nsenter --net=/run/netns/NAME bash)"
		e.Notes = []string{
			"A new one has only the loopback device lo, and it is down: ip link set lo up.",
			"Connect two with a veth pair: ip link add veth0 type veth peer name veth1 netns NAME.",
			"A physical device lives in exactly one network namespace.",
			"ip netns add keeps it alive with a bind mount under /run/netns, without any process.",
		}
	case PIDNS:
		e.Title = "PID namespace"
		e.Isolates = "Process IDs: the first process gets PID 1 and sees only the processes of its namespace and those nested below it."
		e.Create = "unshare --pid --fork --mount-proc bash"
		e.Enter = "nsenter --target PID --pid --mount bash"
		e.Notes = []string{
			"unshare(CLONE_NEWPID) moves only the caller's future children, hence --fork: the child becomes PID 1.",
			"PID 1 must reap orphans; when it exits the kernel kills every process in the namespace.",
			"--mount-proc mounts a fresh /proc, so ps shows the new namespace; enter the mount namespace too for the same view.",
			"A process has one pid per level; NSpid in /proc/PID/status lists them, outermost first. Nesting stops at 32 levels.",
		}
	case TimeNS:
		e.Title = "Time namespace"
		e.Isolates = "The offsets of CLOCK_MONOTONIC and CLOCK_BOOTTIME (uptime), not the wall clock (CLOCK_REALTIME)."
		e.Create = "unshare --time --boottime 86400 bash"
		e.Notes = []string{
			"With --boottime 86400, uptime inside shows one day more than outside.",
			"unshare(CLONE_NEWTIME) does not move the caller: its children (or the program it execs) join, as /proc/PID/ns/time_for_children shows.",
			"The offsets (/proc/PID/timens_offsets) can be written only before the first process joins.",
			"Added in Linux 5.6.",
		}
	case UserNS:
		e.Title = "User namespace"
		e.Isolates = "User and group IDs, capabilities and keyrings: a process can be root with every capability inside while an ordinary user outside."
		e.Create = "unshare --user --map-root-user bash"
		e.Notes = []string{
			"The only type an unprivileged user may create; every other type is owned by a user namespace, and capabilities inside count for what it owns.",
			"uid_map and gid_map (/proc/PID/uid_map) can be written once; an unprivileged writer maps only its own id, and must write deny to /proc/PID/setgroups before gid_map.",
			"An unmapped id shows as the overflow id 65534 (nobody).",
			"User namespaces nest up to 32 levels; NS_GET_PARENT walks up the tree.",
		}
	case UTSNS:
		e.Title = "UTS namespace"
		e.Isolates = "The hostname and the NIS domain name (uname -n, hostname, domainname)."
		e.Notes = []string{
			"A new one starts with a copy of its creator's names: change it with hostname NAME inside.",
			"UTS stands for UNIX Time-sharing System, the struct utsname that uname(2) fills.",
		}
	}
	return e
}

// EnterCommand returns a ready command line that joins ns: nsenter by its
// lowest member pid when it has one, else by its first nsfs bind mount or
// path. A namespace with neither (a network namespace held only by a
// socket, a user or pid level held only by its child) has no file nsenter
// could open (see EnterSpec.EquivalentError); nstui enter reaches it through
// what holds it, so that line is "nstui enter -t TYPE:INODE". It is "" for
// a namespace without an inode.
func (e Explanation) EnterCommand(ns *Namespace) string {
	if ns == nil || !ns.Type.Valid() {
		return ""
	}
	opt := ns.Type.NsenterOption()
	extra := ""
	if ns.Type == PIDNS {
		extra = " " + MntNS.NsenterOption()
	}
	if ns.PID > 0 {
		return "nsenter --target " + strconv.Itoa(ns.PID) + " " + opt + extra
	}
	path := ns.Path
	if len(ns.NSFS) > 0 {
		path = ns.NSFS[0]
	}
	if path == "" {
		if ns.ID.IsZero() {
			return ""
		}
		return "nstui enter -t " + ns.Type.String() + ":" + strconv.FormatUint(ns.ID.Ino, 10)
	}
	return "nsenter " + opt + "=" + explainQuote(path)
}

// String renders the explanation as a few short lines of plain text.
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s)\n", e.Title, e.CloneFlag, e.ManPage)
	if e.Isolates != "" {
		fmt.Fprintf(&b, "Isolates: %s\n", e.Isolates)
	}
	for _, row := range []struct{ label, text string }{
		{"Create:", e.Create}, {"", e.CreateAlt},
		{"Enter:", e.Enter}, {"", e.EnterByPath}, {"", e.EnterAlt},
	} {
		if row.text != "" {
			fmt.Fprintf(&b, "%-9s %s\n", row.label, row.text)
		}
	}
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return b.String()
}

// explainQuote quotes s for a POSIX shell when it needs quoting.
func explainQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:=@%,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package nsops

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nstui/nstui/internal/testutil"
	"golang.org/x/sys/unix"
)

// The lean scan (`nstui ls`: no process details, no refresh state) skips
// /proc/<pid>/stat and reads the lowest members' facts through pidfds. These
// tests hold namespaces in every way discovery must find and check that the
// lean scan reports exactly what the full scan (the TUI's) reports, and what
// the kernel says.

// leanScan is a one-shot scan without process details, as `nstui ls` does.
func leanScan(t *testing.T) *Snapshot {
	t.Helper()
	s := NewScanner(WithProcessDetails(false), WithRefreshCache(false))
	defer s.Close()
	if !s.lean() {
		t.Fatal("a one-shot scan without details of /proc is not lean")
	}
	snap, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// holderKinds lists the kinds of a namespace's holders, in order.
func holderKinds(ns *Namespace) []HolderKind {
	var out []HolderKind
	for _, h := range ns.Holders {
		out = append(out, h.Kind)
	}
	return out
}

// sameRow compares what `nstui ls` prints about a namespace, and its
// holders. shared: other processes may come and go in it between the two
// scans, so its process count and member list are not compared.
func sameRow(a, b *Namespace, shared bool) string {
	if shared {
		a2, b2 := *a, *b
		a2.NProcs, a2.Members, b2.NProcs, b2.Members = 0, nil, 0, nil
		a, b = &a2, &b2
	}
	switch {
	case a.Type != b.Type || a.Path != b.Path || a.NProcs != b.NProcs || a.PID != b.PID || a.PPID != b.PPID:
		return fmt.Sprintf("type/path/nprocs/pid/ppid %v %q %d %d %d vs %v %q %d %d %d",
			a.Type, a.Path, a.NProcs, a.PID, a.PPID, b.Type, b.Path, b.NProcs, b.PID, b.PPID)
	case a.Command != b.Command || a.UID != b.UID || a.User != b.User:
		return fmt.Sprintf("command/uid/user %q %d %q vs %q %d %q", a.Command, a.UID, a.User, b.Command, b.UID, b.User)
	case a.NetNSID != b.NetNSID || !slices.Equal(a.NSFS, b.NSFS) || a.Parent != b.Parent || a.Owner != b.Owner || a.OwnerUID != b.OwnerUID:
		return fmt.Sprintf("netnsid/nsfs/parent/owner/owneruid %q %v %v %v %d vs %q %v %v %v %d",
			a.NetNSID, a.NSFS, a.Parent, a.Owner, a.OwnerUID, b.NetNSID, b.NSFS, b.Parent, b.Owner, b.OwnerUID)
	case a.Hidden != b.Hidden || !slices.Equal(holderKinds(a), holderKinds(b)) || !slices.Equal(a.Names, b.Names) || !slices.Equal(a.Members, b.Members):
		return fmt.Sprintf("hidden/holders/names/members %v %v %v %v vs %v %v %v %v",
			a.Hidden, holderKinds(a), a.Names, a.Members, b.Hidden, holderKinds(b), b.Names, b.Members)
	}
	return ""
}

// runningNow reports whether pid exists and is not a zombie.
func runningNow(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	st, err := parseStat(b)
	return err == nil && st.State != 'Z' && st.State != 'X'
}

func TestDiscoverLeanMatchesFull(t *testing.T) {
	testutil.RequireRoot(t)
	unshare := needTool(t, "unshare")

	// Held by a process (net, uts, ipc), with a known command line.
	proc := startInNS(t, NetNS, unshare, "--net", "--uts", "--ipc", "sleep", "300")
	waitFor(t, "exec of sleep", func() bool {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", proc.Process.Pid))
		return strings.TrimSpace(string(b)) == "sleep"
	})
	// A user and a pid namespace with parents and an owner: unshare is in
	// the user namespace, its forked child (sleep) in both.
	nested := startInNS(t, UserNS, unshare, "--kill-child", "--user", "--map-root-user", "--pid", "--fork", "sleep", "300")
	var nestedChild int
	waitFor(t, "unshare's child in the new pid namespace", func() bool {
		kids := childrenOf(nested.Process.Pid)
		if len(kids) != 1 {
			return false
		}
		var st unix.Stat_t
		nestedChild = kids[0]
		return unix.Stat(fmt.Sprintf("/proc/%d/ns/pid", nestedChild), &st) == nil &&
			st.Ino != kernelNSID(t, "/proc/self/ns/pid").Ino
	})
	// Held only by our fd: its creator is gone.
	gone := startInNS(t, NetNS, unshare, "--net", "sleep", "300")
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", gone.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fdHeld := kernelNSID(t, f.Name())
	_ = gone.Process.Kill()
	_ = gone.Wait()
	// Held only by a bind mount.
	bound := kernelNSID(t, bindMountedNet(t, unshare))

	full, lean := rootScan(t), leanScan(t)

	ours := map[NSID]string{fdHeld: "fd-held net", bound: "bind-mounted net"}
	for _, typ := range []NSType{NetNS, UTSNS, IPCNS} {
		ours[kernelNSID(t, fmt.Sprintf("/proc/%d/ns/%s", proc.Process.Pid, typ))] = "process " + typ.String()
	}
	for _, typ := range []NSType{UserNS, PIDNS} {
		ours[kernelNSID(t, fmt.Sprintf("/proc/%d/ns/%s", nestedChild, typ))] = "nested " + typ.String()
	}
	sharedMnt := kernelNSID(t, "/proc/self/ns/mnt")
	ours[sharedMnt] = "our mnt"
	for id, what := range ours {
		a, b := full.ByID(id), lean.ByID(id)
		if a == nil || b == nil {
			t.Errorf("%s %d: full scan found %v, lean %v", what, id.Ino, a != nil, b != nil)
			continue
		}
		if d := sameRow(a, b, id == sharedMnt); d != "" {
			t.Errorf("%s %d: full and lean differ: %s", what, id.Ino, d)
		}
	}
	if ns := lean.ByID(kernelNSID(t, fmt.Sprintf("/proc/%d/ns/net", proc.Process.Pid))); ns == nil ||
		ns.Command != "sleep 300" || ns.PPID != os.Getpid() || ns.UID != 0 || ns.User != "root" || ns.NetNSID == "" {
		t.Errorf("lean process-held net: %+v", ns)
	}
	if ns := lean.ByID(kernelNSID(t, fmt.Sprintf("/proc/%d/ns/user", nestedChild))); ns == nil ||
		ns.Parent != kernelNSID(t, "/proc/self/ns/user") || ns.OwnerUID != 0 || ns.PID != nested.Process.Pid {
		t.Errorf("lean nested user: %+v", ns)
	}
	if ns := lean.ByID(kernelNSID(t, fmt.Sprintf("/proc/%d/ns/pid", nestedChild))); ns == nil ||
		ns.Parent != kernelNSID(t, "/proc/self/ns/pid") || ns.Owner != kernelNSID(t, fmt.Sprintf("/proc/%d/ns/user", nestedChild)) ||
		ns.PID != nestedChild || ns.PPID != nested.Process.Pid {
		t.Errorf("lean nested pid: %+v", ns)
	}
	if ns := lean.ByID(fdHeld); ns == nil || holderOf(ns, HeldByFD) == nil || ns.NProcs != 0 {
		t.Errorf("lean fd-held: %+v", ns)
	}

	// Everything else: each namespace both scans saw with the same lowest
	// member and members (other processes come and go between the scans)
	// reads alike.
	compared := 0
	for _, a := range full.Namespaces {
		b := lean.ByID(a.ID)
		// Alive (not a zombie) now: so it was during both scans, with the
		// same command line; and so was its parent, so it was not re-parented.
		if b == nil || a.PID != b.PID || a.PID == 0 || !slices.Equal(a.Members, b.Members) ||
			!runningNow(a.PID) || (a.PPID > 0 && !runningNow(a.PPID)) {
			continue
		}
		compared++
		if d := sameRow(a, b, false); d != "" && full.Processes[a.PID] != nil && full.Processes[a.PID].StartTime != 0 {
			t.Errorf("%s %d (pid %d): full and lean differ: %s", a.Type, a.ID.Ino, a.PID, d)
		}
	}
	if compared < len(ours) {
		t.Errorf("only %d namespaces compared", compared)
	}
	// A lean Process is partial unless it is a lowest member.
	p := lean.Processes[proc.Process.Pid]
	if p == nil || p.PPID != os.Getpid() || p.NS[NetNS] != kernelNSID(t, fmt.Sprintf("/proc/%d/ns/net", proc.Process.Pid)) {
		t.Errorf("lean process %d: %+v", proc.Process.Pid, p)
	}
}

// TestDiscoverLeanThreadCount: the lean scan counts threads from the link
// count of /proc/<pid>/task; check it against the task directory itself.
func TestDiscoverLeanThreadCount(t *testing.T) {
	r := newProcReader()
	for _, pid := range []int{os.Getpid(), os.Getppid()} {
		n, errno := r.threadCount("/proc", pid)
		if errno != 0 {
			t.Fatalf("threadCount(%d): %v", pid, errno)
		}
		ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			t.Fatal(err)
		}
		// Go may start or retire a thread in between: allow one.
		if n < 1 || n > len(ents)+1 || n < len(ents)-1 {
			t.Errorf("pid %d: %d threads by link count, %d task entries", pid, n, len(ents))
		}
	}
}

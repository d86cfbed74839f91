package nsops

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// The fixture tree testdata/proc-basic stands in for /proc: pid 1 (init, an fd
// on a netns nothing else holds, a socket, an nsfs bind mount in its mount
// namespace), pid 2 (a kernel thread), pid 40 (a container's sh in new
// net/uts/mnt/pid namespaces, a bind mount in its own mount namespace) and
// pid 41 (its child, whose second thread is in yet another uts namespace).
// self -> 1. The kernel-only parts (ioctls, netlink, sockets) find nothing.

const (
	fxHostNet  = 4026531833
	fxHostUTS  = 4026531838
	fxHostMnt  = 4026531832
	fxCtrNet   = 4026532400
	fxCtrUTS   = 4026532401
	fxCtrMnt   = 4026532402
	fxCtrPID   = 4026532403
	fxFDNet    = 4026532600 // held only by pid 1's fd 3
	fxBlueNet  = 4026532500 // bind-mounted at /run/netns/blue in the host mount ns
	fxInnerNet = 4026532700 // bind-mounted in the container's mount ns
	fxThreadNS = 4026532800 // thread 43 of pid 41
)

func fixtureScanner(t *testing.T, root string, opts ...ScanOption) *Scanner {
	t.Helper()
	s := NewScanner(append([]ScanOption{WithProcRoot(root), WithNetnsDir(filepath.Join(root, "no-netns"))}, opts...)...)
	t.Cleanup(func() { s.Close() })
	return s
}

func mustFind(t *testing.T, snap *Snapshot, typ NSType, ino uint64) *Namespace {
	t.Helper()
	ns := snap.Find(typ, ino)
	if ns == nil {
		t.Fatalf("namespace %s:[%d] not found", typ, ino)
	}
	if ns.Type != typ || ns.ID.Ino != ino {
		t.Fatalf("Find(%s, %d) returned %s:[%d]", typ, ino, ns.Type, ns.ID.Ino)
	}
	return ns
}

func holderOf(ns *Namespace, kind HolderKind) *Holder {
	for i := range ns.Holders {
		if ns.Holders[i].Kind == kind {
			return &ns.Holders[i]
		}
	}
	return nil
}

func TestDiscoverFixtureTree(t *testing.T) {
	root := "testdata/proc-basic"
	snap, err := fixtureScanner(t, root).Scan()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Processes); got != 4 {
		t.Fatalf("processes = %d, want 4 (1, 2, 40, 41; 'sys', 'self', 'uptime' are not pids)", got)
	}
	fi, err := os.Stat(filepath.Join(root, "41"))
	if err != nil {
		t.Fatal(err)
	}
	owner := int(fi.Sys().(*syscall.Stat_t).Uid)

	// lsns's view: host namespaces held by the processes 1 and 2 (and 40, 41
	// for the types they share, like ipc).
	host := mustFind(t, snap, UTSNS, fxHostUTS)
	if host.NProcs != 2 || host.PID != 1 || host.PPID != 0 || host.Command != "/sbin/init splash" ||
		host.Path != root+"/1/ns/uts" || !slices.Equal(host.Members, []int{1, 2}) {
		t.Errorf("host uts = %+v", host)
	}
	if h := holderOf(host, HeldByProcess); h == nil || h.PID != 1 {
		t.Errorf("host uts holders = %+v", host.Holders)
	}
	if ns := mustFind(t, snap, IPCNS, 4026531839); ns.NProcs != 4 {
		t.Errorf("host ipc nprocs = %d, want 4", ns.NProcs)
	}

	// The container's namespaces: lowest pid 40, COMMAND its command line.
	cnet := mustFind(t, snap, NetNS, fxCtrNet)
	if cnet.NProcs != 2 || cnet.PID != 40 || cnet.PPID != 1 || cnet.Command != "sh -c sleep 1000" || cnet.UID != owner ||
		!slices.Equal(cnet.Members, []int{40, 41}) {
		t.Errorf("container net = %+v", cnet)
	}
	// The thread's uts namespace: held by thread 43 of 41, 41 is a member,
	// but no process has it as its own (NPROCS 0, like lsns would count).
	tuts := mustFind(t, snap, UTSNS, fxThreadNS)
	if h := holderOf(tuts, HeldByThread); h == nil || h.PID != 41 || h.TID != 43 || h.Path != root+"/41/task/43/ns/uts" {
		t.Errorf("thread uts holders = %+v", tuts.Holders)
	}
	if tuts.NProcs != 0 || !slices.Equal(tuts.Members, []int{41}) || tuts.Path != root+"/41/task/43/ns/uts" {
		t.Errorf("thread uts = %+v", tuts)
	}
	// Held only by an fd of pid 1.
	fdns := mustFind(t, snap, NetNS, fxFDNet)
	if h := holderOf(fdns, HeldByFD); h == nil || h.PID != 1 || h.FD != 3 || fdns.Path != root+"/1/fd/3" || fdns.NProcs != 0 {
		t.Errorf("fd-held net = %+v", fdns)
	}
	// nsfs bind mounts: in our mount namespace (self = 1) the mount point is
	// the path and NSFS lists it; in the container's, /proc/40/root + mount point.
	blue := mustFind(t, snap, NetNS, fxBlueNet)
	if h := holderOf(blue, HeldByBindMount); h == nil || h.Path != "/run/netns/blue" || h.MntNS != fxHostMnt || h.PID != 1 {
		t.Errorf("blue holders = %+v", blue.Holders)
	}
	if blue.Path != "/run/netns/blue" || !slices.Equal(blue.NSFS, []string{"/run/netns/blue"}) {
		t.Errorf("blue = %+v", blue)
	}
	inner := mustFind(t, snap, NetNS, fxInnerNet)
	if h := holderOf(inner, HeldByBindMount); h == nil || h.MntNS != fxCtrMnt || h.PID != 40 {
		t.Errorf("inner holders = %+v", inner.Holders)
	}
	if inner.Path != root+"/40/root/var/run/netns/inner" || len(inner.NSFS) != 0 {
		t.Errorf("inner = %+v", inner)
	}

	// Processes: NSpid only read for nested pid namespaces, container hint,
	// kernel thread without a command line.
	p41 := snap.Processes[41]
	if p41 == nil || !slices.Equal(p41.NSpid, []int{41, 2}) || p41.Container != "docker:3f2a9c1b0d4e" ||
		p41.Command() != "sleep 1000" || p41.PPID != 40 || p41.NS[PIDNS].Ino != fxCtrPID {
		t.Errorf("process 41 = %+v", p41)
	}
	if p2 := snap.Processes[2]; p2 == nil || p2.Command() != "[kthreadd]" || !slices.Equal(p2.NSpid, []int{2}) {
		t.Errorf("process 2 = %+v", p2)
	}

	// Queries.
	if got := snap.ByID(cnet.ID); got != cnet {
		t.Errorf("ByID = %v", got)
	}
	if snap.Find(NetNS, 1) != nil || snap.ByID(NSID{}) != nil {
		t.Error("Find/ByID invented a namespace")
	}
	forest := snap.ProcessTree(cnet)
	if len(forest) != 1 || forest[0].Proc.PID != 40 || len(forest[0].Children) != 1 ||
		forest[0].Children[0].Proc.PID != 41 || forest[0].Children[0].Depth != 1 {
		t.Errorf("ProcessTree = %+v", forest)
	}
	of := snap.OfProcess(41)
	if of[UTSNS] != mustFind(t, snap, UTSNS, fxCtrUTS) || of[MntNS].ID.Ino != fxCtrMnt {
		t.Errorf("OfProcess(41) = %v", of)
	}
	for i := 1; i < len(snap.Namespaces); i++ {
		a, b := snap.Namespaces[i-1], snap.Namespaces[i]
		if a.Type > b.Type || (a.Type == b.Type && a.ID.Ino >= b.ID.Ino) {
			t.Fatalf("namespaces not sorted by type, inode at %d", i)
		}
	}
}

// copyTree copies a fixture tree (files and symlinks) so a test can change it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case info.IsDir():
			return os.MkdirAll(out, 0o755)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, b, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestDiscoverFixtureRefresh checks the incremental refresh on a fixture: an
// unchanged process keeps its *Process; one whose run signature changed is
// re-read and shows its new namespace; a vanished one is dropped and its
// child's parent re-read.
func TestDiscoverFixtureRefresh(t *testing.T) {
	root := copyTree(t, "testdata/proc-basic")
	s := fixtureScanner(t, root)
	first, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	// Nothing changed: the same Process pointers, equal namespaces.
	second, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	for pid, p := range first.Processes {
		if second.Processes[pid] != p {
			t.Errorf("process %d re-created although unchanged", pid)
		}
	}
	if len(second.Namespaces) != len(first.Namespaces) {
		t.Fatalf("namespaces %d -> %d with nothing changed", len(first.Namespaces), len(second.Namespaces))
	}
	// Process 40 moves to a new net namespace: it ran, so its schedstat moved.
	link := filepath.Join(root, "40/ns/net")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("net:[4026539999]", link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "40/schedstat"), []byte("1500 20 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if ns := third.Find(NetNS, 4026539999); ns == nil || ns.PID != 40 || ns.NProcs != 1 {
		t.Fatalf("moved process not seen in its new namespace: %+v", ns)
	}
	if ns := third.Find(NetNS, fxCtrNet); ns == nil || ns.PID != 41 || ns.NProcs != 1 {
		t.Fatalf("old namespace after the move = %+v", ns)
	}
	if third.Processes[1] != first.Processes[1] {
		t.Error("unchanged process 1 re-created")
	}
	// Process 40 exits; 41 is reparented to 1 without running.
	if err := os.RemoveAll(filepath.Join(root, "40")); err != nil {
		t.Fatal(err)
	}
	stat := "41 (sleep) S 1 40 40 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 2 0 510 0 0 0 0 0 0 0\n"
	if err := os.WriteFile(filepath.Join(root, "41/stat"), []byte(stat), 0o644); err != nil {
		t.Fatal(err)
	}
	fourth, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if fourth.Processes[40] != nil {
		t.Error("exited process 40 still listed")
	}
	if p := fourth.Processes[41]; p == nil || p.PPID != 1 {
		t.Errorf("process 41 after its parent exited = %+v", p)
	}
	if fourth.Find(NetNS, 4026539999) != nil {
		t.Error("namespace of the exited process still listed")
	}
	if fourth.Find(NetNS, fxInnerNet) != nil {
		t.Error("bind mount of the vanished mount namespace still listed")
	}
}

func TestDiscoverFixtureMissingRoot(t *testing.T) {
	s := NewScanner(WithProcRoot(filepath.Join(t.TempDir(), "nope")))
	defer s.Close()
	if _, err := s.Scan(); err == nil {
		t.Fatal("scan of a missing proc root succeeded")
	}
}

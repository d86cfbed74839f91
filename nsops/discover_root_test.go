package nsops

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"golang.org/x/sys/unix"
)

// These tests create namespaces for real (as root), hold them in the ways
// discovery must find, and compare what Scan reports with what the kernel
// says through stat(2) on the nsfs files.

// kernelNSID is the identity the kernel gives the nsfs file at path.
func kernelNSID(t *testing.T, path string) NSID {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (install util-linux / iproute2): %v", name, err)
	}
	return p
}

// startInNS starts a command and waits until its ns link of type typ differs
// from ours (the unshare happened and the process runs in it).
func startInNS(t *testing.T, typ NSType, args ...string) *exec.Cmd {
	t.Helper()
	cmd := testutil.Start(t, exec.Command(args[0], args[1:]...))
	ours := kernelNSID(t, "/proc/self/ns/"+typ.String())
	waitFor(t, fmt.Sprintf("%v in a new %s namespace", args, typ), func() bool {
		var st unix.Stat_t
		return unix.Stat(fmt.Sprintf("/proc/%d/ns/%s", cmd.Process.Pid, typ), &st) == nil && st.Ino != ours.Ino
	})
	return cmd
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func rootScan(t *testing.T) *Snapshot {
	t.Helper()
	s := NewScanner()
	defer s.Close()
	snap, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func findID(t *testing.T, snap *Snapshot, typ NSType, id NSID) *Namespace {
	t.Helper()
	ns := snap.ByID(id)
	if ns == nil {
		t.Fatalf("%s namespace %d (dev %d) not discovered", typ, id.Ino, id.Dev)
	}
	if ns.Type != typ {
		t.Fatalf("namespace %d discovered as %s, want %s", id.Ino, ns.Type, typ)
	}
	return ns
}

func TestDiscoverRootProcessNamespaces(t *testing.T) {
	testutil.RequireRoot(t)
	unshare := needTool(t, "unshare")
	cmd := startInNS(t, NetNS, unshare, "--net", "--uts", "--ipc", "sleep", "300")
	pid := cmd.Process.Pid
	waitFor(t, "exec of sleep", func() bool {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return strings.TrimSpace(string(b)) == "sleep"
	})
	userNS := kernelNSID(t, "/proc/self/ns/user")
	snap := rootScan(t)
	for _, typ := range []NSType{NetNS, UTSNS, IPCNS} {
		id := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
		ns := findID(t, snap, typ, id)
		if ns.NProcs != 1 || ns.PID != pid || !slices.Equal(ns.Members, []int{pid}) || ns.Command != "sleep 300" ||
			ns.PPID != os.Getpid() || ns.UID != 0 || ns.User != "root" {
			t.Errorf("%s: %+v", typ, ns)
		}
		if ns.Owner != userNS || !ns.Parent.IsZero() || ns.Hidden {
			t.Errorf("%s: owner %v parent %v, want owner %v (our user ns)", typ, ns.Owner, ns.Parent, userNS)
		}
		if h := holderOf(ns, HeldByProcess); h == nil || h.PID != pid || ns.Path != fmt.Sprintf("/proc/%d/ns/%s", pid, typ) {
			t.Errorf("%s: path %q holders %+v", typ, ns.Path, ns.Holders)
		}
	}
	net := findID(t, snap, NetNS, kernelNSID(t, fmt.Sprintf("/proc/%d/ns/net", pid)))
	if net.NetNSID == "" {
		t.Errorf("net namespace without NETNSID (want a number or unassigned)")
	}
	host := findID(t, snap, UserNS, userNS)
	if host.OwnerUID != 0 || !slices.Contains(host.Members, pid) {
		t.Errorf("host user ns: %+v", host)
	}
	if p := snap.Processes[pid]; p == nil || p.NS[NetNS] != net.ID || p.PPID != os.Getpid() {
		t.Errorf("process %d: %+v", pid, p)
	}
}

func TestDiscoverRootIPNetns(t *testing.T) {
	testutil.RequireRoot(t)
	ip := needTool(t, "ip")
	name := fmt.Sprintf("nstui-test-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del: %v\n%s", err, out)
		}
	})
	path := "/run/netns/" + name
	id := kernelNSID(t, path)
	snap := rootScan(t)
	ns := findID(t, snap, NetNS, id)
	if !slices.Contains(ns.Names, name) || !slices.Contains(ns.NSFS, path) || ns.NProcs != 0 || ns.Path != path {
		t.Errorf("ip netns: %+v", ns)
	}
	if h := holderOf(ns, HeldByBindMount); h == nil || h.Path != path || h.MntNS != kernelNSID(t, "/proc/self/ns/mnt").Ino {
		t.Errorf("ip netns holders: %+v", ns.Holders)
	}
	if ns.Owner != kernelNSID(t, "/proc/self/ns/user") || ns.NetNSID == "" {
		t.Errorf("ip netns owner %v netnsid %q", ns.Owner, ns.NetNSID)
	}
}

func TestDiscoverRootFDHeldCreatorExited(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := startInNS(t, NetNS, needTool(t, "unshare"), "--net", "sleep", "300")
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id := kernelNSID(t, f.Name())
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	snap := rootScan(t)
	ns := findID(t, snap, NetNS, id)
	fd := int(f.Fd())
	h := holderOf(ns, HeldByFD)
	if h == nil || h.PID != os.Getpid() || h.FD != fd || ns.NProcs != 0 || ns.PID != 0 {
		t.Fatalf("fd-held: %+v", ns)
	}
	if want := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd); ns.Path != want || h.Path != want {
		t.Errorf("path %q holder path %q, want %q", ns.Path, h.Path, want)
	}
	if got := kernelNSID(t, ns.Path); got != id {
		t.Errorf("Path %s opens %v, not %v", ns.Path, got, id)
	}
	f.Close()
	if ns := rootScan(t).ByID(id); ns != nil {
		t.Errorf("namespace still listed after its last fd closed: %+v", ns)
	}
}

// privateDir bind-mounts dir onto itself, private, so nsfs mounts inside do
// not propagate, and unmounts everything under it at cleanup.
func privateDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("mount --bind %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("umount %s: %v", dir, err)
		}
	})
	if err := unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err != nil {
		t.Fatalf("mount --make-private %s: %v", dir, err)
	}
	return dir
}

// bindMountedNet makes a network namespace held only by a bind mount (a
// file in a private directory, unmounted at cleanup) and returns the file.
func bindMountedNet(t *testing.T, unshare string) string {
	t.Helper()
	file := filepath.Join(privateDir(t), "net")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(unshare, "--net="+file, "true").CombinedOutput(); err != nil {
		t.Fatalf("unshare --net=%s: %v\n%s", file, err, out)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(file, 0); err != nil {
			t.Errorf("umount %s: %v", file, err)
		}
	})
	return file
}

func TestDiscoverRootBindMount(t *testing.T) {
	testutil.RequireRoot(t)
	file := bindMountedNet(t, needTool(t, "unshare"))
	id := kernelNSID(t, file)
	ns := findID(t, rootScan(t), NetNS, id)
	h := holderOf(ns, HeldByBindMount)
	if h == nil || h.Path != file || h.MntNS != kernelNSID(t, "/proc/self/ns/mnt").Ino || ns.NProcs != 0 {
		t.Fatalf("bind-mounted: %+v", ns)
	}
	if ns.Path != file || !slices.Equal(ns.NSFS, []string{file}) || ns.Hidden {
		t.Errorf("bind-mounted: path %q nsfs %v", ns.Path, ns.NSFS)
	}
}

// A network namespace bind-mounted only inside another mount namespace: its
// Path goes through /proc/<pid>/root of a process in that mount namespace.
func TestDiscoverRootBindMountOtherMountNS(t *testing.T) {
	testutil.RequireRoot(t)
	unshare := needTool(t, "unshare")
	dir := t.TempDir()
	script := fmt.Sprintf("mount -t tmpfs nstui-test %[1]s && touch %[1]s/n && %[2]s --net=%[1]s/n true && exec sleep 300", dir, unshare)
	cmd := startInNS(t, MntNS, unshare, "--mount", "--propagation", "private", "sh", "-c", script)
	pid := cmd.Process.Pid
	inner := fmt.Sprintf("/proc/%d/root%s/n", pid, dir)
	waitFor(t, "the nsfs mount inside the new mount namespace", func() bool {
		var st unix.Stat_t
		return unix.Stat(inner, &st) == nil && st.Dev == kernelNSID(t, "/proc/self/ns/net").Dev
	})
	// The mount appears while `unshare --net=FILE true` still runs in the
	// namespace: wait until the script has moved on to sleep.
	waitFor(t, "the script's exec of sleep", func() bool {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return strings.TrimSpace(string(b)) == "sleep"
	})
	id := kernelNSID(t, inner)
	ns := findID(t, rootScan(t), NetNS, id)
	h := holderOf(ns, HeldByBindMount)
	if h == nil || h.MntNS != kernelNSID(t, fmt.Sprintf("/proc/%d/ns/mnt", pid)).Ino || h.Path != dir+"/n" {
		t.Fatalf("bind mount in another mount ns: %+v", ns)
	}
	if ns.Path != inner || len(ns.NSFS) != 0 || ns.NProcs != 0 {
		t.Errorf("path %q nsfs %v nprocs %d, want path %q and no NSFS (not our mount ns)", ns.Path, ns.NSFS, ns.NProcs, inner)
	}
	if got := kernelNSID(t, ns.Path); got != id {
		t.Errorf("Path opens %v, not %v", got, id)
	}
}

// onLockedThread runs fn on a locked OS thread. If fn fails, the thread is
// left locked so it dies with the goroutine instead of serving others with
// changed namespaces.
func onLockedThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		err := fn()
		if err == nil {
			runtime.UnlockOSThread()
		}
		done <- err
	}()
	return <-done
}

// socketHeldNetNS makes a network namespace that only a socket holds: a
// thread unshares a new one, opens a socket there and goes back. The socket
// (close-on-exec, so no child inherits it) is this process's; closing it
// (at the latest when the test ends) frees the namespace.
func socketHeldNetNS(t *testing.T) (*os.File, NSID) {
	t.Helper()
	sock := -1
	var id NSID
	err := onLockedThread(func() error {
		orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			return err
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		sock, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		var st unix.Stat_t
		if err := unix.Stat(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), &st); err != nil {
			return err
		}
		id = NSID{Dev: st.Dev, Ino: st.Ino}
		return unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET)
	})
	var f *os.File
	if sock >= 0 {
		f = os.NewFile(uintptr(sock), "socket")
		t.Cleanup(func() { f.Close() }) // a no-op when the test closed it
	}
	if err != nil {
		t.Fatal(err)
	}
	return f, id
}

func TestDiscoverRootSocketHeld(t *testing.T) {
	testutil.RequireRoot(t)
	f, id := socketHeldNetNS(t)
	sock := int(f.Fd())
	for name, scan := range map[string]func(*testing.T) *Snapshot{"full": rootScan, "lean": leanScan} {
		ns := findID(t, scan(t), NetNS, id)
		h := holderOf(ns, HeldBySocket)
		if h == nil || h.PID != os.Getpid() || h.FD != sock || ns.NProcs != 0 || ns.Hidden {
			t.Fatalf("%s scan: socket-held: %+v", name, ns)
		}
		if ns.Owner != kernelNSID(t, "/proc/self/ns/user") {
			t.Errorf("%s scan: socket-held owner %v", name, ns.Owner)
		}
	}
}

func TestDiscoverRootThreadNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	type res struct {
		tid int
		id  NSID
		err error
	}
	ready, release := make(chan res), make(chan struct{})
	go func() {
		lockNonMainThread()
		// Never unlocked: the thread exits with the goroutine.
		tid := unix.Gettid()
		if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
			ready <- res{err: err}
			return
		}
		var st unix.Stat_t
		err := unix.Stat(fmt.Sprintf("/proc/self/task/%d/ns/uts", tid), &st)
		ready <- res{tid, NSID{Dev: st.Dev, Ino: st.Ino}, err}
		<-release
	}()
	r := <-ready
	defer close(release)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for name, scan := range map[string]func(*testing.T) *Snapshot{"full": rootScan, "lean": leanScan} {
		ns := findID(t, scan(t), UTSNS, r.id)
		h := holderOf(ns, HeldByThread)
		if h == nil || h.PID != os.Getpid() || h.TID != r.tid || ns.NProcs != 0 || !slices.Contains(ns.Members, os.Getpid()) {
			t.Fatalf("%s scan: thread namespace: %+v", name, ns)
		}
		if want := fmt.Sprintf("/proc/%d/task/%d/ns/uts", os.Getpid(), r.tid); ns.Path != want {
			t.Errorf("%s scan: path %q, want %q", name, ns.Path, want)
		}
	}
}

// childrenOf reads /proc/<pid>/task/<pid>/children.
func childrenOf(pid int) []int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// TestDiscoverRootHiddenUserLevel builds user+pid namespaces two levels deep
// (unshare inside unshare), then kills the outer unshare: the first user
// namespace then has no process, fd or mount, only its child user namespace
// and the pid namespace it owns keep it. Discovery must find it as hidden.
func TestDiscoverRootHiddenUserLevel(t *testing.T) {
	testutil.RequireRoot(t)
	unshare := needTool(t, "unshare")
	// Orphans re-parent to us, so we can reap the middle process ourselves.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	outer := exec.Command(unshare, "--user", "--map-root-user", "--pid", "--fork",
		unshare, "--user", "--map-root-user", "--pid", "--fork", "sleep", "300")
	if err := outer.Start(); err != nil {
		t.Fatal(err)
	}
	a := outer.Process.Pid
	var b, c int
	waitFor(t, "the nested sleep", func() bool {
		if kids := childrenOf(a); len(kids) == 1 {
			b = kids[0]
			if kids := childrenOf(b); len(kids) == 1 {
				c = kids[0]
				comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c))
				return strings.TrimSpace(string(comm)) == "sleep"
			}
		}
		return false
	})
	defer func() {
		_ = unix.Kill(b, unix.SIGKILL) // init of pid ns 1: takes c with it
		var ws unix.WaitStatus
		for {
			_, err := unix.Wait4(b, &ws, 0, nil)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
	}()
	hostUser := kernelNSID(t, "/proc/self/ns/user")
	hostPID := kernelNSID(t, "/proc/self/ns/pid")
	user1 := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/user", a))
	pid1 := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/pid", b))
	user2 := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/user", c))
	pid2 := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/pid", c))
	if user1 == user2 || pid1 == pid2 || user1 == hostUser {
		t.Fatalf("namespaces not nested: user %v %v pid %v %v", user1, user2, pid1, pid2)
	}
	_ = outer.Process.Kill()
	_ = outer.Wait()
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", b)); err != nil {
		t.Fatalf("middle process %d gone with the outer one: %v", b, err)
	}

	snap := rootScan(t)
	u1 := findID(t, snap, UserNS, user1)
	if !u1.Hidden || u1.Path != "" || u1.NProcs != 0 || u1.Parent != hostUser || u1.Owner != hostUser || u1.OwnerUID != 0 {
		t.Errorf("hidden user level: %+v", u1)
	}
	var children []NSID
	for _, h := range u1.Holders {
		if h.Kind != HeldByChild {
			t.Errorf("hidden user ns holder %+v, want only child holders", h)
		}
		children = append(children, h.Child)
	}
	if !slices.Contains(children, user2) || !slices.Contains(children, pid1) {
		t.Errorf("hidden user ns held by %v, want its child user ns %v and the pid ns it owns %v", children, user2, pid1)
	}
	u2 := findID(t, snap, UserNS, user2)
	if u2.Hidden || u2.Parent != user1 || u2.Owner != user1 || !slices.Contains(u2.Members, c) {
		t.Errorf("inner user ns: %+v", u2)
	}
	p1 := findID(t, snap, PIDNS, pid1)
	if p1.Parent != hostPID || p1.Owner != user1 || p1.PID != b {
		t.Errorf("pid ns 1: %+v", p1)
	}
	p2 := findID(t, snap, PIDNS, pid2)
	if p2.Parent != pid1 || p2.Owner != user2 || p2.PID != c || p2.NProcs != 1 {
		t.Errorf("pid ns 2: %+v", p2)
	}
	if p := snap.Processes[c]; p == nil || len(p.NSpid) != 3 || p.NSpid[0] != c || p.NSpid[2] != 1 {
		t.Errorf("NSpid of the nested sleep: %+v", p)
	}
	if ch := snap.Children(u1); !slices.ContainsFunc(ch, func(n *Namespace) bool { return n.ID == user2 }) {
		t.Errorf("Children(hidden) = %v", ch)
	}
	if ow := snap.Owned(u1); !slices.ContainsFunc(ow, func(n *Namespace) bool { return n.ID == pid1 }) {
		t.Errorf("Owned(hidden) = %v", ow)
	}
}

// TestDiscoverRootRefreshSeesChanges: a refresh on the same Scanner notices a
// new process, and a namespace whose last process exited disappears.
func TestDiscoverRootRefreshSeesChanges(t *testing.T) {
	testutil.RequireRoot(t)
	s := NewScanner()
	defer s.Close()
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	cmd := startInNS(t, UTSNS, needTool(t, "unshare"), "--uts", "sleep", "300")
	id := kernelNSID(t, fmt.Sprintf("/proc/%d/ns/uts", cmd.Process.Pid))
	snap, err := s.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if ns := snap.ByID(id); ns == nil || !slices.Contains(ns.Members, cmd.Process.Pid) {
		t.Fatalf("refresh missed the new uts namespace: %+v", ns)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if snap, err = s.Scan(); err != nil {
		t.Fatal(err)
	}
	if ns := snap.ByID(id); ns != nil {
		t.Errorf("refresh still lists the dead namespace: %+v", ns)
	}
	if snap.Processes[os.Getpid()] == nil {
		t.Error("refresh lost our own process")
	}
}

func TestDiscoverRootCloseReleasesDescriptors(t *testing.T) {
	testutil.RequireRoot(t)
	count := func() int {
		d, _ := os.ReadDir("/proc/self/fd")
		return len(d)
	}
	before := count()
	s := NewScanner()
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scan(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if after := count(); after > before+2 {
		t.Errorf("descriptors %d before, %d after Close", before, after)
	}
}

package nsops

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

// Real-kernel tests for ReadDetails: each makes namespaces with util-linux,
// reads them, and compares with what the kernel shows through nsenter, ip
// and the /proc files themselves. Everything made is removed in cleanup.

func detailsRand(t testing.TB) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// startDetailsSandbox starts argv and returns the pid of the process that
// ends up running "sleep" in the new namespaces: argv's own process, or
// with fork its child (unshare --fork). Both are killed in cleanup.
func startDetailsSandbox(t testing.TB, fork bool, argv ...string) int {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	target := cmd.Process.Pid
	t.Cleanup(func() {
		if target != cmd.Process.Pid {
			_ = unix.Kill(target, unix.SIGKILL) // a pid this test started (through unshare --fork)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if fork && target == cmd.Process.Pid {
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", target, target))
			if f := strings.Fields(string(b)); len(f) > 0 {
				target, _ = strconv.Atoi(f[0])
			}
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", target))
		if err == nil && strings.TrimSpace(string(comm)) == "sleep" && (!fork || target != cmd.Process.Pid) {
			return target
		}
		if time.Now().After(deadline) || (cmd.ProcessState != nil) {
			t.Fatalf("%v did not reach sleep: %s", argv, stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// detailsNSOf describes the namespace of type typ that pid is in, the way
// discovery would: identity from the nsfs link, pid and path.
func detailsNSOf(t testing.TB, pid int, typ NSType) *Namespace {
	t.Helper()
	path := fmt.Sprintf("/proc/%d/ns/%s", pid, typ)
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return &Namespace{ID: NSID{Dev: st.Dev, Ino: st.Ino}, Type: typ, Path: path, PID: pid, Members: []int{pid}}
}

func detailsNSIDOf(t testing.TB, path string) NSID {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}
}

func detailsRun(t testing.TB, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
	return string(out)
}

func detailsRead(t testing.TB, ns *Namespace, pids ...int) *Details {
	t.Helper()
	var members []*Process
	for _, p := range pids {
		members = append(members, &Process{PID: p})
	}
	d, err := ReadDetails(ns, members)
	if err != nil {
		t.Fatalf("ReadDetails(%s %d): %v", ns.Type, ns.ID.Ino, err)
	}
	if d.Type != ns.Type || d.ID != ns.ID {
		t.Fatalf("details of %s %v, want %s %v", d.Type, d.ID, ns.Type, ns.ID)
	}
	return d
}

// TestDetailsSandbox reads every type of a sandbox made by one unshare
// with all eight namespaces, owned by a new user namespace.
func TestDetailsSandbox(t *testing.T) {
	testutil.RequireRoot(t)
	pid := startDetailsSandbox(t, true, "unshare", "--user", "--map-root-user", "--uts", "--net", "--pid",
		"--kill-child", "--mount-proc", "--time", "--monotonic", "1000", "--boottime", "2000",
		"--cgroup", "--ipc", "sleep", "60")

	t.Run("user", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, UserNS), pid)
		u := d.User
		for name, got := range map[string][]IDMapping{"uid_map": u.UIDMap, "gid_map": u.GIDMap} {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, name))
			if err != nil {
				t.Fatal(err)
			}
			f := strings.Fields(string(b))
			want := fmt.Sprintf("%d %d %d", got[0].Inside, got[0].Outside, got[0].Count)
			if len(got) != 1 || strings.Join(f, " ") != want {
				t.Errorf("%s: got %v, kernel shows %q", name, got, b)
			}
		}
		if u.UIDMap[0] != (IDMapping{Inside: 0, Outside: uint32(os.Getuid()), Count: 1}) {
			t.Errorf("--map-root-user mapping: %v", u.UIDMap)
		}
		sg, _ := os.ReadFile(fmt.Sprintf("/proc/%d/setgroups", pid))
		if u.SetGroups != strings.TrimSpace(string(sg)) || u.SetGroups != "deny" {
			t.Errorf("setgroups %q, kernel shows %q", u.SetGroups, sg)
		}
		if u.OwnerUID != os.Geteuid() {
			t.Errorf("owner uid %d, want %d", u.OwnerUID, os.Geteuid())
		}
		if u.Level != 1 || u.Parent != detailsNSIDOf(t, "/proc/self/ns/user") {
			t.Errorf("level %d parent %v; want 1 and our user namespace", u.Level, u.Parent)
		}
		if d.PID != pid {
			t.Errorf("read through pid %d, want %d", d.PID, pid)
		}
	})

	t.Run("pid", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, PIDNS), pid)
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		var nspid []string
		sc := bufio.NewScanner(bytes.NewReader(status))
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "NSpid:"); ok {
				nspid = strings.Fields(rest)
			}
		}
		if len(nspid) != 2 || nspid[1] != "1" {
			t.Fatalf("sandbox NSpid %v: want its sleep to be PID 1 inside", nspid)
		}
		if d.PIDNS.InitPID != pid {
			t.Errorf("init pid %d, want %d (NSpid %v)", d.PIDNS.InitPID, pid, nspid)
		}
		if d.PIDNS.Level != 1 || d.PIDNS.Parent != detailsNSIDOf(t, "/proc/self/ns/pid") {
			t.Errorf("level %d parent %v; want 1 and our pid namespace", d.PIDNS.Level, d.PIDNS.Parent)
		}
	})

	t.Run("time", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, TimeNS), pid)
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/timens_offsets", pid))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("monotonic %d %d boottime %d %d", d.Time.Monotonic.Seconds, d.Time.Monotonic.Nanoseconds,
			d.Time.Boottime.Seconds, d.Time.Boottime.Nanoseconds)
		if strings.Join(strings.Fields(string(b)), " ") != want {
			t.Errorf("got %q, kernel shows %q", want, b)
		}
		if d.Time.Monotonic.Seconds != 1000 || d.Time.Boottime.Seconds != 2000 {
			t.Errorf("offsets %+v, unshare was asked for 1000 and 2000", d.Time)
		}
	})

	t.Run("uts", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, UTSNS), pid)
		p := strconv.Itoa(pid)
		if want := strings.TrimSpace(detailsRun(t, "nsenter", "-t", p, "-u", "hostname")); d.UTS.Hostname != want {
			t.Errorf("hostname %q, nsenter shows %q", d.UTS.Hostname, want)
		}
		if want := strings.TrimSpace(detailsRun(t, "nsenter", "-t", p, "-u", "domainname")); d.UTS.Domainname != want {
			t.Errorf("domainname %q, nsenter shows %q", d.UTS.Domainname, want)
		}
	})

	t.Run("ipc", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, IPCNS), pid)
		if d.IPC.SharedMemory != 0 || d.IPC.MessageQueues != 0 || d.IPC.Semaphores != 0 {
			t.Errorf("a new ipc namespace has objects: %+v", d.IPC)
		}
	})

	t.Run("net", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, NetNS), pid)
		if len(d.Net.Interfaces) != 1 || d.Net.Interfaces[0].Name != "lo" || d.Net.Interfaces[0].Up ||
			d.Net.Interfaces[0].State != "down" || len(d.Net.Routes) != 0 {
			t.Errorf("a new network namespace has only lo, down, and no routes: %+v", d.Net)
		}
	})

	t.Run("cgroup", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, CgroupNS), pid)
		inside := detailsRun(t, "nsenter", "-t", strconv.Itoa(pid), "-C", "cat", fmt.Sprintf("/proc/%d/cgroup", pid))
		outside, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
		if err != nil {
			t.Fatal(err)
		}
		detailsCheckCgroupViews(t, d.Cgroup, string(outside), inside)
		for _, h := range d.Cgroup.Hierarchies {
			// unshare --cgroup makes the creator's cgroups the roots.
			if h.Inside != "/" || h.Root != h.Outside {
				t.Errorf("hierarchy %d: inside %q root %q outside %q", h.HierarchyID, h.Inside, h.Root, h.Outside)
			}
		}
	})

	t.Run("mnt", func(t *testing.T) {
		d := detailsRead(t, detailsNSOf(t, pid, MntNS), pid)
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(d.Mnt.Mounts) != len(lines) {
			t.Errorf("%d mounts, kernel lists %d", len(d.Mnt.Mounts), len(lines))
		}
		// --mount-proc mounted a proc for the new pid namespace on /proc.
		var procs int
		for _, m := range d.Mnt.Mounts {
			if m.Target == "/proc" && m.FSType == "proc" {
				procs++
			}
		}
		if procs < 2 {
			t.Errorf("want the host's /proc and the sandbox's on top of it, found %d proc mounts on /proc", procs)
		}
	})
}

// detailsCheckCgroupViews compares the details with /proc/<pid>/cgroup as
// the host reads it (outside) and as a process inside the cgroup namespace
// reads it (inside, through nsenter).
func detailsCheckCgroupViews(t *testing.T, c *CgroupDetails, outside, inside string) {
	t.Helper()
	out, err := parseCgroupLines([]byte(outside))
	if err != nil {
		t.Fatal(err)
	}
	in, err := parseCgroupLines([]byte(inside))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hierarchies) != len(out) || len(in) != len(out) {
		t.Fatalf("%d hierarchies, kernel shows %d outside and %d inside", len(c.Hierarchies), len(out), len(in))
	}
	for i, h := range c.Hierarchies {
		if h.HierarchyID != out[i].HierarchyID || h.Outside != out[i].Path || h.Inside != in[i].Path {
			t.Errorf("hierarchy %d: got %+v, kernel shows outside %q inside %q", h.HierarchyID, h, out[i].Path, in[i].Path)
		}
	}
}

func TestDetailsUTSHostname(t *testing.T) {
	testutil.RequireRoot(t)
	host, dom := "box-"+detailsRand(t), "dom-"+detailsRand(t)
	pid := startDetailsSandbox(t, false, "unshare", "--uts", "sh", "-c",
		`hostname "$1" && domainname "$2" && exec sleep 60`, "sh", host, dom)
	d := detailsRead(t, detailsNSOf(t, pid, UTSNS), pid)
	if d.UTS.Hostname != host || d.UTS.Domainname != dom {
		t.Errorf("got %+v, the sandbox set %q and %q", d.UTS, host, dom)
	}
	if want := strings.TrimSpace(detailsRun(t, "nsenter", "-t", strconv.Itoa(pid), "-u", "hostname")); d.UTS.Hostname != want {
		t.Errorf("hostname %q, nsenter shows %q", d.UTS.Hostname, want)
	}
	if h, _ := os.Hostname(); h == host {
		t.Errorf("the sandbox's hostname leaked to the host (or was read from it): %q", h)
	}
}

func TestDetailsIPCObjects(t *testing.T) {
	testutil.RequireRoot(t)
	pid := startDetailsSandbox(t, false, "unshare", "--ipc", "sh", "-c",
		`ipcmk -M 4096 >/dev/null && ipcmk -M 8192 >/dev/null && ipcmk -Q >/dev/null && ipcmk -S 2 >/dev/null && exec sleep 60`)
	d := detailsRead(t, detailsNSOf(t, pid, IPCNS), pid)
	p := strconv.Itoa(pid)
	for name, got := range map[string]int{"shm": d.IPC.SharedMemory, "msg": d.IPC.MessageQueues, "sem": d.IPC.Semaphores} {
		out := detailsRun(t, "nsenter", "-t", p, "-i", "cat", "/proc/sysvipc/"+name)
		if want := countSysvipcEntries([]byte(out)); got != want {
			t.Errorf("%s: %d, nsenter shows %d", name, got, want)
		}
	}
	if *d.IPC != (IPCDetails{SharedMemory: 2, MessageQueues: 1, Semaphores: 1}) {
		t.Errorf("got %+v, the sandbox made 2 shm, 1 msg, 1 sem", d.IPC)
	}
}

func TestDetailsMountTable(t *testing.T) {
	testutil.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "with space")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "nstui-dt-" + detailsRand(t)
	pid := startDetailsSandbox(t, false, "unshare", "--mount", "sh", "-c",
		`mount -t tmpfs "$1" "$2" && mkdir "$2/sub" && mount -t tmpfs "$1-sub" "$2/sub" && exec sleep 60`, "sh", src, dir)
	ns := detailsNSOf(t, pid, MntNS)
	d := detailsRead(t, ns, pid)

	var top, sub *Mount
	for i := range d.Mnt.Mounts {
		m := &d.Mnt.Mounts[i]
		switch m.Target {
		case dir:
			top = m
		case dir + "/sub":
			sub = m
		}
	}
	if top == nil || sub == nil {
		t.Fatalf("mounts on %q not found in %+v", dir, d.Mnt.Mounts)
	}
	if top.FSType != "tmpfs" || top.Source != src || sub.Parent != top.ID || top.Propagation != "private" {
		t.Errorf("top %+v sub %+v", top, sub)
	}
	// findmnt (util-linux) reads the same table its own way.
	var fm struct {
		Filesystems []struct {
			ID     int    `json:"id"`
			Parent int    `json:"parent"`
			Target string `json:"target"`
			Source string `json:"source"`
			FSType string `json:"fstype"`
		} `json:"filesystems"`
	}
	out := detailsRun(t, "findmnt", "--task", strconv.Itoa(pid), "--list", "--json", "-o", "ID,PARENT,TARGET,SOURCE,FSTYPE", "--target", dir)
	if err := json.Unmarshal([]byte(out), &fm); err != nil || len(fm.Filesystems) == 0 {
		t.Fatalf("findmnt: %v\n%s", err, out)
	}
	if f := fm.Filesystems[0]; f.ID != top.ID || f.Parent != top.Parent || f.Source != top.Source || f.FSType != top.FSType {
		t.Errorf("findmnt shows %+v, details %+v", f, top)
	}
	// The tree puts the sub mount under the top one.
	depth := map[int]int{}
	d.Mnt.Walk(func(m *Mount, dp int) bool { depth[m.ID] = dp; return true })
	if depth[sub.ID] != depth[top.ID]+1 || len(depth) != len(d.Mnt.Mounts) {
		t.Errorf("tree depths: top %d sub %d, %d of %d mounts visited", depth[top.ID], depth[sub.ID], len(depth), len(d.Mnt.Mounts))
	}
	// The host's mount namespace does not have them (unshare made them private).
	host, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(host, []byte(src)) {
		t.Errorf("the sandbox's mount %s is visible on the host", src)
	}
	// With no member list, the pid in its /proc path is used.
	if _, err := ReadDetails(&Namespace{ID: ns.ID, Type: MntNS, Path: ns.Path}, nil); err != nil {
		t.Errorf("through its /proc path: %v", err)
	}

	// Held only by an fd (no process to read mountinfo through): listmount
	// and statmount must give the same table as the member's mountinfo.
	f, err := os.Open(ns.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byFD := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())
	d2, err := ReadDetails(&Namespace{ID: ns.ID, Type: MntNS, Path: byFD}, nil)
	if err != nil {
		t.Fatalf("through an fd: %v", err)
	}
	if d2.PID != 0 {
		t.Errorf("fd read went through pid %d", d2.PID)
	}
	if len(d2.Mnt.Mounts) != len(d.Mnt.Mounts) {
		t.Errorf("listmount: %d mounts, mountinfo %d", len(d2.Mnt.Mounts), len(d.Mnt.Mounts))
	}
	byID := map[int]Mount{}
	for _, m := range d2.Mnt.Mounts {
		byID[m.ID] = m
	}
	for _, want := range d.Mnt.Mounts {
		got, ok := byID[want.ID]
		if !ok {
			t.Errorf("listmount lacks mount %d (%s)", want.ID, want.Target)
			continue
		}
		if got != want {
			t.Errorf("mount %d:\nstatmount %+v\nmountinfo %+v", want.ID, got, want)
		}
	}
}

func TestDetailsNetNamedNS(t *testing.T) {
	testutil.RequireRoot(t)
	name := "nstui-dt-" + detailsRand(t)
	detailsRun(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	for _, c := range [][]string{
		// No link-local addresses: they appear asynchronously and would race the comparison.
		{"ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1"},
		{"ip", "-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"ip", "-n", name, "addr", "add", "198.51.100.1/24", "dev", "v0"},
		{"ip", "-n", name, "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"},
		{"ip", "-n", name, "link", "set", "v0", "mtu", "1400", "up"},
		{"ip", "-n", name, "link", "set", "v1", "up"},
		{"ip", "-n", name, "link", "set", "lo", "up"},
		{"ip", "-n", name, "route", "add", "203.0.113.0/24", "via", "198.51.100.254"},
		{"ip", "-n", name, "route", "add", "203.0.113.77", "dev", "v0"},
		{"ip", "-n", name, "route", "add", "default", "via", "198.51.100.253"},
	} {
		detailsRun(t, c...)
	}
	path := "/run/netns/" + name
	// Held by a bind mount only: no member process, read through the path.
	d := detailsRead(t, &Namespace{ID: detailsNSIDOf(t, path), Type: NetNS, Path: path, NSFS: []string{path}})
	if d.PID != 0 || d.Path != path {
		t.Errorf("read through pid %d path %q, want the bind mount", d.PID, d.Path)
	}

	var ipAddr []struct {
		Ifindex   int    `json:"ifindex"`
		Ifname    string `json:"ifname"`
		MTU       int    `json:"mtu"`
		Operstate string `json:"operstate"`
		Flags     []string
		Address   string `json:"address"`
		AddrInfo  []struct {
			Local     string `json:"local"`
			Prefixlen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal([]byte(detailsRun(t, "ip", "-n", name, "-j", "addr")), &ipAddr); err != nil {
		t.Fatal(err)
	}
	if len(ipAddr) != len(d.Net.Interfaces) {
		t.Fatalf("%d interfaces, ip shows %d", len(d.Net.Interfaces), len(ipAddr))
	}
	for _, want := range ipAddr {
		i := slices.IndexFunc(d.Net.Interfaces, func(f Iface) bool { return f.Name == want.Ifname })
		if i < 0 {
			t.Errorf("interface %s missing", want.Ifname)
			continue
		}
		got := d.Net.Interfaces[i]
		var addrs []string
		for _, a := range want.AddrInfo {
			addrs = append(addrs, fmt.Sprintf("%s/%d", a.Local, a.Prefixlen))
		}
		if got.Index != want.Ifindex || got.MTU != want.MTU || got.State != strings.ToLower(want.Operstate) ||
			got.Up != slices.Contains(want.Flags, "UP") || !slices.Equal(got.Addrs, addrs) ||
			(got.MAC != want.Address && !(got.MAC == "00:00:00:00:00:00" || want.Address == "00:00:00:00:00:00")) {
			t.Errorf("interface %s: got %+v, ip shows %+v", want.Ifname, got, want)
		}
	}
	v0 := d.Net.Interfaces[slices.IndexFunc(d.Net.Interfaces, func(f Iface) bool { return f.Name == "v0" })]
	if v0.MTU != 1400 || v0.State != "up" || !slices.Equal(v0.Addrs, []string{"198.51.100.1/24", "2001:db8::1/64"}) {
		t.Errorf("v0 as configured: %+v", v0)
	}

	var want []string
	for _, fam := range []string{"-4", "-6"} {
		var ipRoute []struct {
			Dst     string `json:"dst"`
			Gateway string `json:"gateway"`
			Dev     string `json:"dev"`
		}
		if err := json.Unmarshal([]byte(detailsRun(t, "ip", "-n", name, "-j", fam, "route")), &ipRoute); err != nil {
			t.Fatal(err)
		}
		for _, r := range ipRoute {
			dst := r.Dst
			if dst != "default" && !strings.Contains(dst, "/") {
				dst += map[string]string{"-4": "/32", "-6": "/128"}[fam]
			}
			want = append(want, dst+" via "+r.Gateway+" dev "+r.Dev)
		}
	}
	var got []string
	for _, r := range d.Net.Routes {
		got = append(got, r.Dst+" via "+r.Gw+" dev "+r.Dev)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("routes:\n got %q\nwant %q (ip route)", got, want)
	}
	if !slices.Contains(got, "default via 198.51.100.253 dev v0") {
		t.Errorf("default route missing: %q", got)
	}
}

// TestDetailsSocketHeldNetNS reads a network namespace that no process is
// in and no file names: only a socket of ours holds it. Details reach it
// through a copy of the socket (pidfd_getfd + SIOCGSKNS).
func TestDetailsSocketHeldNetNS(t *testing.T) {
	testutil.RequireRoot(t)
	sock, id := socketHeldNetNS(t)
	fd := int(sock.Fd())
	// Socket ioctls act in the socket's namespace: bring its lo up, so it
	// has addresses to read.
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		t.Fatalf("ioctl(SIOCGIFFLAGS): %v", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		t.Fatalf("ioctl(SIOCSIFFLAGS): %v", err)
	}

	ns := findID(t, rootScan(t), NetNS, id)
	if ns.Path != "" || ns.NProcs != 0 || holderOf(ns, HeldBySocket) == nil {
		t.Fatalf("want a netns held only by a socket: %+v", ns)
	}
	self := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd)
	for name, ns := range map[string]*Namespace{
		"scanned":     ns,
		"holder only": {ID: id, Type: NetNS, Holders: []Holder{{Kind: HeldBySocket, PID: os.Getpid(), FD: fd, Path: self}}},
	} {
		d, err := ReadSnapshotDetails(nil, ns)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.ID != id || d.PID != 0 || d.Path != self {
			t.Errorf("%s: read %v through pid %d path %q, want %v through %s", name, d.ID, d.PID, d.Path, id, self)
		}
		if len(d.Net.Interfaces) != 1 {
			t.Fatalf("%s: interfaces %+v, want only lo", name, d.Net.Interfaces)
		}
		lo := d.Net.Interfaces[0]
		if lo.Name != "lo" || lo.Index != 1 || !lo.Up || !slices.Contains(lo.Addrs, "127.0.0.1/8") {
			t.Errorf("%s: lo %+v, want up with 127.0.0.1/8", name, lo)
		}
	}

	// Our own namespace stays ours: the copy of the socket was read on a
	// spare thread and nothing of it is left open.
	if got := detailsNSIDOf(t, "/proc/self/ns/net"); got == id {
		t.Fatal("the test process ended up in the socket's network namespace")
	}
	if n := countFDsTo(t, fmt.Sprintf("net:[%d]", id.Ino)); n != 0 {
		t.Errorf("%d descriptors of the namespace left open", n)
	}

	// Once the socket is closed there is nothing to read through: one line
	// naming the holder that was tried.
	sock.Close()
	_, err = ReadDetails(ns, nil)
	want := fmt.Sprintf("socket fd %d of pid %d", fd, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("after close: %v, want one line naming the %s", err, want)
	}
}

// countFDsTo counts our descriptors whose link is target.
func countFDsTo(t *testing.T, target string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); l == target {
			n++
		}
	}
	return n
}

func TestDetailsCgroupRootOfSubgroup(t *testing.T) {
	testutil.RequireRoot(t)
	mnt := detailsCgroup2Mount(t)
	name := "nstui-dt-" + detailsRand(t)
	dir := filepath.Join(mnt, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The cgroup empties once the killed sleep is reaped; rmdir until then.
		for i := 0; i < 200; i++ {
			if err := unix.Rmdir(dir); err == nil || errors.Is(err, unix.ENOENT) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Errorf("cgroup %s left behind", dir)
	})
	pid := startDetailsSandbox(t, false, "sh", "-c",
		`echo $$ > "$1/cgroup.procs" && exec unshare --cgroup sleep 60`, "sh", dir)
	ns := detailsNSOf(t, pid, CgroupNS)
	d := detailsRead(t, ns, pid)
	if d.Cgroup.Root != "/"+name {
		t.Errorf("root %q, want /%s (%+v)", d.Cgroup.Root, name, d.Cgroup.Hierarchies)
	}
	inside := detailsRun(t, "nsenter", "-t", strconv.Itoa(pid), "-C", "cat", fmt.Sprintf("/proc/%d/cgroup", pid))
	outside, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	detailsCheckCgroupViews(t, d.Cgroup, string(outside), inside)

	// Without a member (held by an fd): our own cgroup is outside the
	// namespace's root, so the root cannot be told, and a note says why.
	f, err := os.Open(ns.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byFD := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())
	d2, err := ReadDetails(&Namespace{ID: ns.ID, Type: CgroupNS, Path: byFD}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d2.PID != 0 || d2.Cgroup.Root != "" || len(d2.Notes) == 0 {
		t.Errorf("fd-only read: pid %d root %q notes %q", d2.PID, d2.Cgroup.Root, d2.Notes)
	}
	for _, h := range d2.Cgroup.Hierarchies {
		if h.HierarchyID == 0 && !strings.HasPrefix(h.Inside, "/..") {
			t.Errorf("our cgroup seen from inside: %q, want a path above the root", h.Inside)
		}
	}
}

// detailsCgroup2Mount returns where the unified cgroup hierarchy is mounted.
func detailsCgroup2Mount(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := parseMountinfoTable(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.FSType == "cgroup2" {
			return m.Target
		}
	}
	t.Fatal("no cgroup2 mount on this machine")
	return ""
}

func TestDetailsMemberExited(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("unshare", "--uts", "--mount", "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) == "sleep" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("sandbox did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	uts, mnt := detailsNSOf(t, pid, UTSNS), detailsNSOf(t, pid, MntNS)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	for _, ns := range []*Namespace{uts, mnt} {
		_, err := ReadDetails(ns, []*Process{{PID: pid}})
		if !errors.Is(err, ErrMemberExited) {
			t.Errorf("%s after the member exited: %v, want ErrMemberExited", ns.Type, err)
		}
	}

	// A "member" that is in another namespace (a stale snapshot, a reused
	// pid) is skipped, not read: here our own process, then no source.
	_, err := ReadDetails(&Namespace{ID: uts.ID, Type: UTSNS}, []*Process{{PID: os.Getpid()}})
	if !errors.Is(err, ErrMemberExited) {
		t.Errorf("wrong member: %v, want ErrMemberExited", err)
	}
}

func TestDetailsSkipsWrongMember(t *testing.T) {
	testutil.RequireRoot(t)
	host := "box-" + detailsRand(t)
	pid := startDetailsSandbox(t, false, "unshare", "--uts", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
	ns := detailsNSOf(t, pid, UTSNS)
	// Our own pid first (not a member), then the real member.
	d, err := ReadDetails(ns, []*Process{{PID: os.Getpid()}, nil, {PID: pid}})
	if err != nil {
		t.Fatal(err)
	}
	if d.PID != pid || d.UTS.Hostname != host {
		t.Errorf("read through %d: %+v", d.PID, d.UTS)
	}
	snap := &Snapshot{Processes: map[int]*Process{pid: {PID: pid}}}
	if d, err := ReadSnapshotDetails(snap, ns); err != nil || d.UTS.Hostname != host {
		t.Errorf("through a snapshot: %v %+v", err, d)
	}
}

// TestDetailsInitialNamespaces reads our own namespaces and checks the
// values the initial namespaces must have. It needs no privilege: nothing
// is joined when we are already in the namespace (TestDetailsUnprivileged
// runs it as nobody).
func TestDetailsInitialNamespaces(t *testing.T) {
	self := os.Getpid()
	for _, typ := range AllTypes() {
		d := detailsRead(t, detailsNSOf(t, self, typ), self)
		switch typ {
		case UserNS:
			if d.User.Level != 0 || !d.User.Parent.IsZero() {
				t.Errorf("our user namespace: level %d parent %v", d.User.Level, d.User.Parent)
			}
		case PIDNS:
			if d.PIDNS.Level != 0 {
				t.Errorf("our pid namespace: level %d", d.PIDNS.Level)
			}
		case UTSNS:
			if h, _ := os.Hostname(); d.UTS.Hostname != h {
				t.Errorf("hostname %q, os.Hostname %q", d.UTS.Hostname, h)
			}
		}
	}
}

// TestDetailsNoThreadLeak checks that joining namespaces leaves the
// calling thread where it was: our own uts namespace still reports our
// hostname after many reads of a sandbox with another one.
func TestDetailsNoThreadLeak(t *testing.T) {
	testutil.RequireRoot(t)
	host := "box-" + detailsRand(t)
	pid := startDetailsSandbox(t, false, "unshare", "--uts", "--ipc", "--net", "--cgroup", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fds := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	fdsBefore := fds()
	mine, _ := os.Hostname()
	for i := 0; i < 20; i++ {
		for _, typ := range AllTypes() {
			detailsRead(t, detailsNSOf(t, pid, typ), pid)
		}
		ReadHostnames([]*Namespace{detailsNSOf(t, pid, UTSNS)})
		var u unix.Utsname
		if err := unix.Uname(&u); err != nil {
			t.Fatal(err)
		}
		if got := unix.ByteSliceToString(u.Nodename[:]); got != mine {
			t.Fatalf("after %d reads our thread sees hostname %q, want %q", i+1, got, mine)
		}
	}
	if n := fds(); n != fdsBefore {
		t.Errorf("%d open fds after the reads, %d before", n, fdsBefore)
	}
	// Every thread of this process, the main one included (its namespaces
	// are what /proc/<our pid>/ns shows the world), is still where the
	// process that started us is: no tainted thread went back to the pool.
	// A tainted thread whose goroutine has just ended may still be on its
	// way out; it must be gone soon, so stray threads are looked at again.
	stray := func() []string {
		var out []string
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []NSType{UTSNS, IPCNS, NetNS, CgroupNS} {
			want := detailsNSIDOf(t, fmt.Sprintf("/proc/%d/ns/%s", os.Getppid(), typ))
			for _, task := range tasks {
				var st unix.Stat_t
				if err := unix.Stat("/proc/self/task/"+task.Name()+"/ns/"+typ.String(), &st); err != nil {
					continue // the thread exited
				}
				if (NSID{Dev: st.Dev, Ino: st.Ino}) != want {
					out = append(out, fmt.Sprintf("thread %s (main thread: %v) is in %s namespace %d, not ours %d",
						task.Name(), task.Name() == strconv.Itoa(os.Getpid()), typ, st.Ino, want.Ino))
				}
			}
		}
		return out
	}
	for i := 0; ; i++ {
		s := stray()
		if len(s) == 0 {
			break
		}
		if i == 500 {
			t.Errorf("tainted threads stay: %q", s)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkDetailsRead measures ReadDetails per type on a sandbox with all
// eight namespaces (and, for mnt, its mount table).
func BenchmarkDetailsRead(b *testing.B) {
	testutil.RequireRoot(b)
	pid := startDetailsSandbox(b, true, "unshare", "--user", "--map-root-user", "--uts", "--net", "--pid",
		"--kill-child", "--mount-proc", "--time", "--cgroup", "--ipc", "sleep", "600")
	for _, typ := range AllTypes() {
		ns := detailsNSOf(b, pid, typ)
		members := []*Process{{PID: pid}}
		b.Run(typ.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := ReadDetails(ns, members); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same mount table through listmount/statmount (no member given).
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/mnt", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ns := &Namespace{ID: detailsNSOf(b, pid, MntNS).ID, Type: MntNS, Path: fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())}
	b.Run("mnt-listmount", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadDetails(ns, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDetailsFromScan reads the details of every namespace a real
// discovery scan finds, through the snapshot, and checks the sandbox's and
// the named netns's values in particular.
func TestDetailsFromScan(t *testing.T) {
	testutil.RequireRoot(t)
	host := "box-" + detailsRand(t)
	pid := startDetailsSandbox(t, true, "unshare", "--user", "--map-root-user", "--uts", "--pid", "--kill-child",
		"--mount-proc", "--time", "--boottime", "77", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
	name := "nstui-dt-" + detailsRand(t)
	detailsRun(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })

	snap, err := NewScanner().Scan()
	if err != nil {
		t.Fatal(err)
	}
	read, gone, noSource := 0, 0, 0
	for _, ns := range snap.Namespaces {
		d, err := ReadSnapshotDetails(snap, ns)
		switch {
		case errors.Is(err, ErrMemberExited):
			gone++ // other tests' processes come and go
			continue
		case errors.Is(err, ErrNoDetailsSource):
			noSource++ // hidden namespaces, or mnt/time held without a process
			continue
		case err != nil:
			t.Errorf("%s %d (path %q, members %v): %v", ns.Type, ns.ID.Ino, ns.Path, ns.Members, err)
			continue
		}
		read++
		switch {
		case ns.ID == detailsNSOf(t, pid, UTSNS).ID:
			if d.UTS.Hostname != host {
				t.Errorf("sandbox hostname %q, want %q", d.UTS.Hostname, host)
			}
		case ns.ID == detailsNSOf(t, pid, TimeNS).ID:
			if d.Time.Boottime.Seconds != 77 {
				t.Errorf("sandbox boottime offset %+v, want 77 s", d.Time.Boottime)
			}
		case ns.ID == detailsNSOf(t, pid, PIDNS).ID:
			if d.PIDNS.InitPID != pid || d.PIDNS.Level != 1 {
				t.Errorf("sandbox pid namespace: %+v, want init %d at level 1", d.PIDNS, pid)
			}
		case ns.Type == NetNS && slices.Contains(ns.Names, name):
			if len(d.Net.Interfaces) != 1 || d.Net.Interfaces[0].Name != "lo" {
				t.Errorf("named netns %s: %+v", name, d.Net)
			}
		}
	}
	t.Logf("%d namespaces: %d read, %d gone mid-read, %d with nothing to read through", len(snap.Namespaces), read, gone, noSource)
	if read == 0 {
		t.Fatal("no namespace could be read")
	}
	if snap.Find(NetNS, detailsNSIDOf(t, "/run/netns/"+name).Ino) == nil {
		t.Errorf("the scan did not find netns %s", name)
	}
}

// BenchmarkDetailsVsCLI puts ReadDetails next to the command lines a person
// would type for the same facts, in one run, so their ratio can be read off
// (the CLI side pays a fork+exec per op, as it would in a shell loop).
func BenchmarkDetailsVsCLI(b *testing.B) {
	testutil.RequireRoot(b)
	pid := startDetailsSandbox(b, true, "unshare", "--uts", "--net", "--pid", "--kill-child", "--mount-proc", "sleep", "600")
	p := strconv.Itoa(pid)
	for _, c := range []struct {
		typ NSType
		cli []string
	}{
		{UTSNS, []string{"nsenter", "-t", p, "-u", "hostname"}},
		{NetNS, []string{"sh", "-c", `nsenter -t "$1" -n ip -j addr >/dev/null && nsenter -t "$1" -n ip -j route >/dev/null`, "sh", p}},
		{MntNS, []string{"findmnt", "--task", p, "--json"}},
	} {
		ns := detailsNSOf(b, pid, c.typ)
		members := []*Process{{PID: pid}}
		b.Run(c.typ.String()+"/nstui", func(b *testing.B) {
			for b.Loop() {
				if _, err := ReadDetails(ns, members); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.typ.String()+"/cli", func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(c.cli[0], c.cli[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", c.cli, err, out)
				}
			}
		})
	}
}

func TestDetailsReadHostnames(t *testing.T) {
	testutil.RequireRoot(t)
	want := map[NSID]string{}
	var nss []*Namespace
	for i := 0; i < 3; i++ {
		host := "box-" + detailsRand(t)
		pid := startDetailsSandbox(t, false, "unshare", "--uts", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
		ns := detailsNSOf(t, pid, UTSNS)
		if i == 1 {
			ns.Path = "" // found through its pid
		}
		nss = append(nss, ns)
		want[ns.ID] = host
	}
	self := detailsNSOf(t, os.Getpid(), UTSNS)
	want[self.ID], _ = os.Hostname()
	nss = append(nss, self, nil, &Namespace{Type: NetNS, ID: self.ID},
		&Namespace{Type: UTSNS, ID: NSID{Ino: 1}, Path: self.Path}) // a stale id: left out
	got := ReadHostnames(nss)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for id, h := range got {
		if h != want[id] {
			continue
		}
		for _, ns := range nss {
			if ns != nil && ns.ID == id && ns.PID > 0 && ns.PID != os.Getpid() {
				if cli := strings.TrimSpace(detailsRun(t, "nsenter", "-t", strconv.Itoa(ns.PID), "-u", "hostname")); cli != h {
					t.Errorf("%d: %q, nsenter shows %q", ns.PID, h, cli)
				}
			}
		}
	}
	if h, _ := os.Hostname(); h != want[self.ID] {
		t.Errorf("our hostname changed to %q", h)
	}
}

// BenchmarkDetailsHostnames compares naming 8 uts namespaces with one
// ReadHostnames batch and with 8 ReadDetails calls.
func BenchmarkDetailsHostnames(b *testing.B) {
	testutil.RequireRoot(b)
	var nss []*Namespace
	for i := 0; i < 8; i++ {
		pid := startDetailsSandbox(b, false, "unshare", "--uts", "sleep", "600")
		nss = append(nss, detailsNSOf(b, pid, UTSNS))
	}
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if got := ReadHostnames(nss); len(got) != len(nss) {
				b.Fatalf("%d of %d", len(got), len(nss))
			}
		}
	})
	b.Run("each", func(b *testing.B) {
		for b.Loop() {
			for _, ns := range nss {
				if _, err := ReadDetails(ns, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestDetailsUnprivileged runs this test binary as user nobody: reading our
// own namespaces must work without privilege, and a sandbox's uts
// namespace must fail with one clear line, not a panic.
func TestDetailsUnprivileged(t *testing.T) {
	testutil.RequireRoot(t)
	if os.Getenv("NSTUI_DETAILS_UNPRIV_PID") != "" {
		t.Skip("already the unprivileged child") // never reached: the child runs other tests
	}
	host := "box-" + detailsRand(t)
	pid := startDetailsSandbox(t, false, "unshare", "--uts", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "nsops.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin,
		"-test.run=^(TestDetailsInitialNamespaces|TestDetailsUnprivilegedChild)$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NSTUI_DETAILS_UNPRIV_PID="+strconv.Itoa(pid),
		"NSTUI_DETAILS_UNPRIV_INO="+strconv.FormatUint(detailsNSOf(t, pid, UTSNS).ID.Ino, 10), testutil.RequireRootEnv+"=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	for _, want := range []string{"--- PASS: TestDetailsInitialNamespaces", "--- PASS: TestDetailsUnprivilegedChild"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("as nobody, %q missing:\n%s", want, out)
		}
	}
}

// TestDetailsUnprivilegedChild is the unprivileged half of
// TestDetailsUnprivileged; on its own it checks nothing and says so.
func TestDetailsUnprivilegedChild(t *testing.T) {
	pid, err := strconv.Atoi(os.Getenv("NSTUI_DETAILS_UNPRIV_PID"))
	if err != nil {
		t.Log("only meaningful when started by TestDetailsUnprivileged")
		return
	}
	if os.Geteuid() == 0 {
		t.Fatal("the child runs as root")
	}
	// nobody may not even stat another user's namespace links: the parent
	// passes the inode, the device is the one nsfs device.
	ino, _ := strconv.ParseUint(os.Getenv("NSTUI_DETAILS_UNPRIV_INO"), 10, 64)
	id := detailsNSIDOf(t, "/proc/self/ns/uts")
	id.Ino = ino
	ns := &Namespace{Type: UTSNS, ID: id, PID: pid, Path: fmt.Sprintf("/proc/%d/ns/uts", pid)}
	_, err = ReadDetails(ns, nil)
	if err == nil || !strings.Contains(err.Error(), "run as root") {
		t.Fatalf("joining another uts namespace as nobody: %v, want an error that says to run as root", err)
	}
	t.Logf("as nobody: %v", err)
}

// TestDetailsConcurrent reads every type of one sandbox from several
// goroutines at once (the TUI may have a details read and a hostname batch
// in flight together): each read must see the sandbox, none its neighbour's
// joined thread.
func TestDetailsConcurrent(t *testing.T) {
	testutil.RequireRoot(t)
	host := "box-" + detailsRand(t)
	pid := startDetailsSandbox(t, true, "unshare", "--uts", "--net", "--ipc", "--cgroup", "--pid", "--kill-child",
		"--mount-proc", "sh", "-c", `hostname "$1" && exec sleep 60`, "sh", host)
	var nss []*Namespace
	for _, typ := range AllTypes() {
		nss = append(nss, detailsNSOf(t, pid, typ))
	}
	mine, _ := os.Hostname()
	errc := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 10; i++ {
				for _, ns := range nss {
					d, err := ReadDetails(ns, []*Process{{PID: pid}})
					if err != nil {
						errc <- err
						return
					}
					if d.UTS != nil && d.UTS.Hostname != host {
						errc <- fmt.Errorf("hostname %q, want %q", d.UTS.Hostname, host)
						return
					}
				}
				if h := ReadHostnames(nss[len(nss)-1:]); h[nss[len(nss)-1].ID] != host {
					errc <- fmt.Errorf("batch hostname %v, want %q", h, host)
					return
				}
				if h, _ := os.Hostname(); h != mine {
					errc <- fmt.Errorf("our hostname became %q", h)
					return
				}
			}
			errc <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}

// TestDetailsListmountHost compares listmount/statmount with mountinfo on
// our own mount namespace, which has many more kinds of mounts than a
// sandbox. Other tests may mount meanwhile: a pass where mountinfo changed
// between two reads is tried again.
func TestDetailsListmountHost(t *testing.T) {
	testutil.RequireRoot(t)
	f, err := os.Open("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for try := 0; ; try++ {
		before, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			t.Fatal(err)
		}
		got, err := readMountsByListmount(int(f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			if try == 20 {
				t.Fatal("the mount table never held still")
			}
			continue
		}
		want, err := parseMountinfoTable(before)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("listmount: %d mounts, mountinfo %d", len(got), len(want))
		}
		byID := map[int]Mount{}
		for _, m := range got {
			byID[m.ID] = m
		}
		for _, w := range want {
			if g := byID[w.ID]; g != w {
				t.Errorf("mount %d:\nstatmount %+v\nmountinfo %+v", w.ID, g, w)
			}
		}
		t.Logf("%d mounts agree", len(want))
		return
	}
}

func FuzzDetailsStatmount(f *testing.F) {
	seed := make([]byte, 600)
	binary.NativeEndian.PutUint32(seed[0:], 600)
	binary.NativeEndian.PutUint64(seed[8:], 0xfff)
	copy(seed[512:], "tmpfs\x00/\x00/mnt\x00")
	binary.NativeEndian.PutUint32(seed[36:], 0)  // fs_type
	binary.NativeEndian.PutUint32(seed[104:], 6) // mnt_root
	binary.NativeEndian.PutUint32(seed[108:], 8) // mnt_point
	f.Add(seed)
	f.Add(make([]byte, 512))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseStatmount(b)
		if err == nil && m.Propagation == "" {
			t.Fatal("empty propagation")
		}
	})
}

package tui

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/nstui/nstui/nsops"
)

// fakeSource is a Source over snapshots built in memory: tests swap the
// snapshot between scans to simulate namespaces appearing and vanishing.
type fakeSource struct {
	mu      sync.Mutex
	snap    *nsops.Snapshot
	scans   int
	details int
	err     error
}

func (f *fakeSource) Scan() (*nsops.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scans++
	return f.snap, f.err
}

func (f *fakeSource) set(s *nsops.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
}

func (f *fakeSource) Details(_ *nsops.Snapshot, ns *nsops.Namespace) (*nsops.Details, error) {
	f.mu.Lock()
	f.details++
	f.mu.Unlock()
	d := &nsops.Details{Type: ns.Type, ID: ns.ID, PID: ns.PID, Path: ns.Path}
	if d.Path == "" {
		// As nsops does: a network namespace held only by a socket is
		// read through that socket.
		for _, h := range ns.Holders {
			if h.Kind == nsops.HeldBySocket {
				d.Path = h.Path
				break
			}
		}
	}
	switch ns.Type {
	case nsops.UTSNS:
		h := "host"
		if ns.ID.Ino != 4026531838 {
			h = "box-" + strconv.FormatUint(ns.ID.Ino%1000, 10)
		}
		d.UTS = &nsops.UTSDetails{Hostname: h, Domainname: "(none)"}
	case nsops.NetNS:
		d.Net = &nsops.NetDetails{
			Interfaces: []nsops.Iface{{Name: "lo", Index: 1, Kind: "device", State: "unknown", Up: true, MTU: 65536, Addrs: []string{"127.0.0.1/8", "::1/128"}}},
			Routes:     []nsops.Route{{Family: "inet", Dst: "127.0.0.0/8", Dev: "lo"}},
		}
	case nsops.MntNS:
		d.Mnt = &nsops.MntDetails{Mounts: []nsops.Mount{
			{ID: 20, Parent: 1, Target: "/", FSType: "ext4", Source: "/dev/vda1", Propagation: "private"},
			{ID: 21, Parent: 20, Target: "/proc", FSType: "proc", Source: "proc", Propagation: "private"},
			{ID: 22, Parent: 20, Target: "/tmp", FSType: "tmpfs", Source: "tmpfs", Propagation: "private"},
		}}
	case nsops.UserNS:
		d.User = &nsops.UserDetails{UIDMap: []nsops.IDMapping{{Inside: 0, Outside: 0, Count: 4294967295}},
			GIDMap: []nsops.IDMapping{{Inside: 0, Outside: 0, Count: 4294967295}}, SetGroups: "allow", OwnerUID: 0}
	case nsops.PIDNS:
		d.PIDNS = &nsops.PIDDetails{Level: 0, InitPID: 1}
		if !ns.Parent.IsZero() {
			d.PIDNS = &nsops.PIDDetails{Level: 1, Parent: ns.Parent, InitPID: ns.PID}
		}
	case nsops.TimeNS:
		d.Time = &nsops.TimeDetails{}
	case nsops.CgroupNS:
		d.Cgroup = &nsops.CgroupDetails{Root: "/", Hierarchies: []nsops.CgroupView{{Outside: "/init.scope", Inside: "/init.scope", Root: "/"}}}
	case nsops.IPCNS:
		d.IPC = &nsops.IPCDetails{}
	}
	return d, nil
}

func (f *fakeSource) Hostnames(nss []*nsops.Namespace) map[nsops.NSID]string {
	out := map[nsops.NSID]string{}
	for _, ns := range nss {
		if d, err := f.Details(nil, ns); err == nil && d.UTS != nil {
			out[ns.ID] = d.UTS.Hostname
		}
	}
	return out
}

// snapBuilder assembles a consistent snapshot: processes with their
// namespaces, then namespaces derived from the processes.
type snapBuilder struct {
	procs  map[int]*nsops.Process
	extra  []*nsops.Namespace // namespaces without member processes
	parent map[nsops.NSID]nsops.NSID
	owner  map[nsops.NSID]nsops.NSID
	names  map[nsops.NSID][]string
}

func newSnapBuilder() *snapBuilder {
	return &snapBuilder{procs: map[int]*nsops.Process{}, parent: map[nsops.NSID]nsops.NSID{},
		owner: map[nsops.NSID]nsops.NSID{}, names: map[nsops.NSID][]string{}}
}

const fakeDev = 4

func id(ino uint64) nsops.NSID { return nsops.NSID{Dev: fakeDev, Ino: ino} }

// hostNS is the initial namespace of each type, inodes as on a real host.
func hostNS() [nsops.NumTypes]nsops.NSID {
	var ns [nsops.NumTypes]nsops.NSID
	for i, ino := range []uint64{4026531835, 4026531839, 4026531841, 4026531840, 4026531836, 4026531834, 4026531837, 4026531838} {
		ns[i] = id(ino)
	}
	return ns
}

func (b *snapBuilder) proc(pid, ppid int, user string, uid int, nsset [nsops.NumTypes]nsops.NSID, nspid []int, container string, cmd ...string) {
	comm := "kthread"
	if len(cmd) > 0 {
		comm = cmd[0]
	}
	if nspid == nil {
		nspid = []int{pid}
	}
	b.procs[pid] = &nsops.Process{PID: pid, PPID: ppid, Comm: comm, Cmdline: cmd, UID: uid, User: user,
		StartTime: uint64(pid) * 10, NSpid: nspid, Container: container, NS: nsset}
}

func (b *snapBuilder) build(taken time.Time) *nsops.Snapshot {
	byID := map[nsops.NSID]*nsops.Namespace{}
	pids := make([]int, 0, len(b.procs))
	for pid := range b.procs {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	for _, pid := range pids {
		p := b.procs[pid]
		for t, nid := range p.NS {
			ns := byID[nid]
			if ns == nil {
				ns = &nsops.Namespace{ID: nid, Type: nsops.NSType(t), PID: pid, PPID: p.PPID, Command: p.Command(),
					UID: p.UID, User: p.User, Path: fmt.Sprintf("/proc/%d/ns/%s", pid, nsops.NSType(t)), OwnerUID: -1}
				byID[nid] = ns
			}
			ns.NProcs++
			ns.Members = append(ns.Members, pid)
		}
	}
	for _, ns := range b.extra {
		byID[ns.ID] = ns
	}
	snap := &nsops.Snapshot{Processes: b.procs, Taken: taken}
	host := hostNS()
	for _, ns := range byID {
		ns.Holders = append([]nsops.Holder{}, ns.Holders...)
		if ns.NProcs > 0 {
			ns.Holders = append(ns.Holders, nsops.Holder{Kind: nsops.HeldByProcess, PID: ns.PID})
		}
		if p, ok := b.parent[ns.ID]; ok {
			ns.Parent = p
		}
		if o, ok := b.owner[ns.ID]; ok {
			ns.Owner = o
		} else if ns.ID != host[nsops.UserNS] {
			ns.Owner = host[nsops.UserNS]
		}
		if ns.Type == nsops.UserNS {
			ns.OwnerUID = 0
		}
		if n := b.names[ns.ID]; n != nil {
			ns.Names = n
		}
		snap.Namespaces = append(snap.Namespaces, ns)
	}
	sort.Slice(snap.Namespaces, func(i, j int) bool {
		a, c := snap.Namespaces[i], snap.Namespaces[j]
		if a.Type != c.Type {
			return a.Type < c.Type
		}
		return a.ID.Ino < c.ID.Ino
	})
	return snap
}

// fakeTime is when the fake snapshots were "taken".
func fakeTime() time.Time { return time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC) }

// smallSnapshot is a host with a few processes, a sandbox with its own
// pid/net/uts/mnt/ipc namespaces and hostname, a rootless container in a
// user namespace, and a network namespace held only by an ip netns mount.
func smallSnapshot() *nsops.Snapshot {
	b := newSnapBuilder()
	host := hostNS()
	b.proc(1, 0, "root", 0, host, nil, "", "/sbin/init")
	b.proc(2, 0, "root", 0, host, nil, "")
	b.procs[2].Comm = "kthreadd"
	b.proc(312, 1, "root", 0, host, nil, "", "/usr/sbin/sshd", "-D")
	b.proc(840, 312, "alice", 1000, host, nil, "", "-bash")
	b.proc(901, 840, "alice", 1000, host, nil, "", "vim", "notes.txt")

	box := host
	box[nsops.PIDNS], box[nsops.NetNS], box[nsops.UTSNS], box[nsops.MntNS], box[nsops.IPCNS] =
		id(4026532301), id(4026532303), id(4026532302), id(4026532300), id(4026532304)
	b.parent[box[nsops.PIDNS]] = host[nsops.PIDNS]
	b.proc(1200, 840, "root", 0, host, nil, "", "unshare", "--uts", "--pid", "--fork", "--mount-proc", "sh")
	b.proc(1201, 1200, "root", 0, box, []int{1201, 1}, "", "sh", "-c", "hostname box-302; exec sleep 300")
	b.proc(1202, 1201, "root", 0, box, []int{1202, 2}, "", "sleep", "300")

	rl := host
	rl[nsops.UserNS], rl[nsops.PIDNS], rl[nsops.MntNS], rl[nsops.NetNS], rl[nsops.CgroupNS] =
		id(4026532400), id(4026532401), id(4026532402), id(4026532403), id(4026532404)
	b.parent[rl[nsops.UserNS]] = host[nsops.UserNS]
	b.parent[rl[nsops.PIDNS]] = host[nsops.PIDNS]
	for _, t := range []nsops.NSType{nsops.PIDNS, nsops.MntNS, nsops.NetNS, nsops.CgroupNS} {
		b.owner[rl[t]] = rl[nsops.UserNS]
	}
	b.proc(2000, 1, "alice", 1000, rl, []int{2000, 1}, "podman:3f2a9c", "nginx", "-g", "daemon off;")
	b.proc(2001, 2000, "alice", 1000, rl, []int{2001, 7}, "podman:3f2a9c", "nginx: worker")

	netns := &nsops.Namespace{ID: id(4026532500), Type: nsops.NetNS, Path: "/run/netns/lab", OwnerUID: -1,
		NSFS: []string{"/run/netns/lab"}, Holders: []nsops.Holder{{Kind: nsops.HeldByBindMount, Path: "/run/netns/lab"}}}
	b.names[netns.ID] = []string{"lab"}
	b.extra = append(b.extra, netns)
	return b.build(fakeTime())
}

// farmSnapshot is the shape nsfarm.sh builds: n sandboxes (pid, net, uts,
// ipc, mnt and cgroup namespaces each) with k sleepers, plus a host with
// some processes.
func farmSnapshot(n, k int) *nsops.Snapshot {
	b := newSnapBuilder()
	host := hostNS()
	b.proc(1, 0, "root", 0, host, nil, "", "/sbin/init")
	for i := 2; i < 150; i++ {
		b.proc(i, 1, "root", 0, host, nil, "", fmt.Sprintf("/usr/lib/daemon%d", i), "--flag")
	}
	pid := 10000
	ino := uint64(4026540000)
	for i := 0; i < n; i++ {
		ns := host
		for _, t := range []nsops.NSType{nsops.PIDNS, nsops.NetNS, nsops.UTSNS, nsops.IPCNS, nsops.MntNS, nsops.CgroupNS} {
			ns[t] = id(ino)
			ino++
		}
		b.parent[ns[nsops.PIDNS]] = host[nsops.PIDNS]
		b.proc(pid, 1, "root", 0, host, nil, "", "unshare", "--pid", "--net", "--fork", "sh")
		b.proc(pid+1, pid, "root", 0, ns, []int{pid + 1, 1}, "", "sh", "-c", fmt.Sprintf("hostname sb%d; sleep", i))
		for j := 0; j < k; j++ {
			b.proc(pid+2+j, pid+1, "root", 0, ns, []int{pid + 2 + j, 2 + j}, "", "sleep", "36000")
		}
		pid += 2 + k
	}
	return b.build(fakeTime())
}

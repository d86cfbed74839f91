package nsops

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// nsAcc accumulates one namespace while a scan assembles the snapshot.
type nsAcc struct {
	ns       *Namespace
	lowest   *Process // lowest member process, nil when no process is in it
	openPath string   // another path that opens it (thread, fd, bind mount)
	ownMount string   // an nsfs mount point in our own mount namespace
	sockPID  int      // a process holding a socket created in it (when no path)
	sockFD   int
	unsorted bool
	resolved bool
}

func (a *nsAcc) addMember(pid int) {
	m := a.ns.Members
	if n := len(m); n > 0 {
		if m[n-1] == pid {
			return
		}
		if m[n-1] > pid {
			a.unsorted = true
		}
	}
	a.ns.Members = append(m, pid)
}

// nsBuilder turns the per-process cache of one scan into namespaces.
type nsBuilder struct {
	s           *Scanner
	dev         uint64
	snap        *Snapshot
	r           *procReader
	accs        map[NSID]*nsAcc
	order       []*nsAcc
	nl          *nlConn
	nsidChanged bool
	dirtyMnt    map[uint64]bool // mount namespaces a member of which ran or exited
	mntReads    []mntRead       // mount tables to re-read in this scan
	cmds        map[int]string  // command lines read for COMMAND without details
	uids        map[int]int     // uids read for UID without details
}

func newNSBuilder(s *Scanner, dev uint64, snap *Snapshot) *nsBuilder {
	return &nsBuilder{s: s, dev: dev, snap: snap, r: s.readers[0], accs: make(map[NSID]*nsAcc, len(s.nsInfo)+64)}
}

func (b *nsBuilder) get(t NSType, id NSID) *nsAcc {
	a := b.accs[id]
	if a == nil {
		a = &nsAcc{ns: &Namespace{ID: id, Type: t, OwnerUID: -1, UID: -1}}
		b.accs[id] = a
		b.order = append(b.order, a)
	}
	return a
}

func (b *nsBuilder) id(ino uint64) NSID { return NSID{Dev: b.dev, Ino: ino} }

// addProcesses adds every process's namespaces (lsns's view), then the
// namespaces of threads that differ, open nsfs descriptors and sockets
// created in a network namespace other than their process's.
func (b *nsBuilder) addProcesses(pids []int) {
	procs, root := b.s.procs, b.s.procRoot
	// Neighbouring pids mostly share namespaces: remember the last one of
	// each type and skip the map for a repeat.
	var lastIno [NumTypes]uint64
	var lastAcc [NumTypes]*nsAcc
	for _, pid := range pids {
		e := procs[pid]
		if e == nil {
			continue
		}
		for t, ino := range e.ns {
			if ino == 0 {
				continue
			}
			a := lastAcc[t]
			if a == nil || lastIno[t] != ino {
				a = b.get(NSType(t), b.id(ino))
				lastIno[t], lastAcc[t] = ino, a
			}
			a.ns.NProcs++
			a.addMember(pid)
			if a.lowest == nil {
				a.lowest = e.proc
			}
		}
	}
	for _, pid := range pids {
		e := procs[pid]
		if e == nil {
			continue
		}
		for _, th := range e.threads {
			for t, ino := range th.ns {
				if ino == 0 || ino == e.ns[t] {
					continue
				}
				a := b.get(NSType(t), b.id(ino))
				path := b.r.pathOf2(root, pid, "task", th.tid, "ns/"+NSType(t).String())
				a.ns.Holders = append(a.ns.Holders, Holder{Kind: HeldByThread, PID: pid, TID: th.tid, Path: path})
				a.addMember(pid)
				if a.openPath == "" {
					a.openPath = path
				}
			}
		}
		for _, f := range e.fds {
			switch f.kind {
			case fdNS:
				a := b.get(f.t, f.id)
				path := b.r.pathOf2(root, pid, "fd", f.fd, "")
				a.ns.Holders = append(a.ns.Holders, Holder{Kind: HeldByFD, PID: pid, FD: f.fd, Path: path})
				if a.openPath == "" {
					a.openPath = path
				}
			case fdSock:
				if f.id == e.proc.NS[NetNS] {
					continue // the usual case: a socket in its own process's netns
				}
				a := b.get(NetNS, f.id)
				a.ns.Holders = append(a.ns.Holders, Holder{Kind: HeldBySocket, PID: pid, FD: f.fd,
					Path: b.r.pathOf2(root, pid, "fd", f.fd, "")})
				if a.sockPID == 0 {
					a.sockPID, a.sockFD = pid, f.fd
				}
			}
		}
	}
}

// readLowest is one parallel pass over the lowest member process of every
// namespace. For each such process it reads what the rows print and the scan
// has not read yet (without process details: the PPID and name of a lean
// scan's partial entry, the command line, the uid), and it asks the kernel
// about the namespaces it is the lowest member of and that have no valid
// cached answer: owner, parent, owner uid, netnsid (the hierarchy ioctls).
// One pidfd per process reaches both (PIDFD_GET_INFO, PIDFD_GET_*_NAMESPACE:
// cheaper than a stat file and a path open per namespace); paths are the
// fallback. Entries read here are this scan's own (not yet published), and
// each process is one job, so filling them in place races with nothing.
// Hidden relatives are left to resolve, which needs the descriptors.
func (b *nsBuilder) readLowest() {
	type lowJob struct {
		p       *Process
		partial bool // a lean scan's entry: PPID and name still to read
		facts   bool // read COMMAND and UID (no process details)
		query   []*nsAcc
		infos   []*nsInfoEntry
		mounts  []int // indexes into b.mntReads

		cmd string
		uid int
	}
	var jobs []lowJob
	index := map[int]int{}
	for _, a := range b.order {
		p := a.lowest
		if p == nil {
			continue
		}
		k, ok := index[p.PID]
		if !ok {
			e := b.s.procs[p.PID]
			k = len(jobs)
			index[p.PID] = k
			jobs = append(jobs, lowJob{p: p, partial: e != nil && e.partial, facts: !b.s.details, uid: -1})
		}
		if _, valid := b.cacheValid(a); !valid && b.dev != 0 {
			jobs[k].query = append(jobs[k].query, a)
		}
	}
	for i, rd := range b.mntReads {
		k := index[rd.m.lowest.PID] // every planned table's reader is a lowest member
		jobs[k].mounts = append(jobs[k].mounts, i)
	}
	jobs = slices.DeleteFunc(jobs, func(j lowJob) bool { return !j.facts && len(j.query) == 0 && len(j.mounts) == 0 })
	root := b.s.procRoot
	if b.dev != 0 {
		// Our own user and pid namespaces are the usual owner and parent.
		// nsfs frees a namespace's dentry when its last file closes: holding
		// one descriptor of each lets the thousands of NS_GET_USERNS and
		// NS_GET_PARENT answers reuse theirs (about 10% of a query's cost).
		for _, t := range []NSType{UserNS, PIDNS} {
			if fd, e := b.r.rawOpenBytes(append([]byte(root+"/self/ns/"), t.String()...), unix.O_RDONLY|unix.O_NOCTTY); e == 0 {
				defer rawClose(fd)
			}
		}
	}
	b.s.parallel(len(jobs), 16, func(r *procReader, i int) {
		j := &jobs[i]
		pid := j.p.PID
		for _, k := range j.mounts {
			b.readMount(r, k)
		}
		pidfd := -1
		if b.dev != 0 && (j.partial || len(j.query) > 0) {
			if fd, _, e := unix.RawSyscall(unix.SYS_PIDFD_OPEN, uintptr(pid), 0, 0); e == 0 {
				pidfd = int(fd)
				defer rawClose(pidfd)
			}
		}
		if len(j.query) > 0 {
			if b.nl != nil && r.nl == nil {
				r.nl, _ = openNetlink()
			}
			j.infos = make([]*nsInfoEntry, len(j.query))
			for k, a := range j.query {
				fd := nsFDOf(r, pidfd, root, pid, a.ns.Type)
				if fd < 0 {
					continue
				}
				j.infos[k] = queryNS(fd, a.ns.Type, r.nl)
				j.infos[k].anchorPID, j.infos[k].anchorStart = pid, j.p.StartTime
				rawClose(fd)
			}
		}
		if !j.facts {
			return
		}
		gotPPID := false
		if j.partial && pidfd >= 0 {
			if ppid, ok := pidfdParent(pidfd); ok {
				j.p.PPID, gotPPID = ppid, true
			}
		}
		j.cmd = ""
		if len(j.p.Cmdline) > 0 {
			j.cmd = strings.Join(j.p.Cmdline, " ")
		} else if data, err := r.readFile(r.pathOf(root, pid, "cmdline")); err == nil {
			j.cmd = cmdlineString(data)
		}
		if j.partial && (j.cmd == "" || !gotPPID) {
			// lsns's COMMAND falls back to the name (kernel threads have no
			// command line); an old kernel has no PIDFD_GET_INFO.
			if data, err := r.readSmall(r.pathOf(root, pid, "stat")); err == nil {
				if st, err := parseStat(data); err == nil && st.PID == pid {
					j.p.PPID, j.p.Comm, j.p.StartTime = st.PPID, st.Comm, st.StartTime
				}
			}
		}
		if j.cmd == "" {
			j.cmd = j.p.Comm
		}
		j.uid = j.p.UID
		if j.uid < 0 {
			j.uid = r.procUID(root, pid)
		}
	})
	for _, r := range b.s.readers {
		if r.nl != nil {
			r.nl.close()
			r.nl = nil
		}
	}
	if !b.s.details {
		b.cmds = make(map[int]string, len(jobs))
		b.uids = make(map[int]int, len(jobs))
	}
	for _, j := range jobs {
		if j.facts {
			b.cmds[j.p.PID], b.uids[j.p.PID] = j.cmd, j.uid
		}
		for k, info := range j.infos {
			if info != nil {
				b.s.nsInfo[j.query[k].ns.ID] = info
			}
		}
	}
}

// pidfdNSIoctl is PIDFD_GET_<TYPE>_NAMESPACE (_IO(0xFF, n), Linux 6.11):
// it returns a descriptor of the process's namespace of that type.
func pidfdNSIoctl(t NSType) uint {
	var n uint
	switch t {
	case CgroupNS:
		n = 1
	case IPCNS:
		n = 2
	case MntNS:
		n = 3
	case NetNS:
		n = 4
	case PIDNS:
		n = 5
	case TimeNS:
		n = 7
	case UserNS:
		n = 9
	case UTSNS:
		n = 10
	}
	return 0xFF00 | n
}

// nsFDOf opens pid's namespace of type t: through the pidfd when there is
// one and the kernel knows the ioctl, else by /proc/<pid>/ns/<type>. -1
// when neither works (the process is gone).
func nsFDOf(r *procReader, pidfd int, root string, pid int, t NSType) int {
	if pidfd >= 0 {
		if fd, e := rawIoctl(pidfd, pidfdNSIoctl(t), 0); e == 0 {
			return fd
		}
	}
	p := append(append(r.pathBytes(root, pid, "ns"), '/'), t.String()...)
	fd, errno := r.rawOpenBytes(p, unix.O_RDONLY|unix.O_NOCTTY)
	if errno != 0 {
		return -1
	}
	return fd
}

// pidfdInfoVer0 is the first (64-byte) version of struct pidfd_info, which
// PIDFD_GET_INFO (Linux 6.13) fills; later kernels accept it as is.
type pidfdInfoVer0 struct {
	Mask, CgroupID           uint64
	PID, TGID, PPID          uint32
	RUID, RGID, EUID, EGID   uint32
	SUID, SGID, FSUID, FSGID uint32
	ExitCode                 int32
}

// pidfdParent asks the kernel for the parent pid of the process behind
// pidfd, as /proc/<pid>/stat shows it, without generating that file.
func pidfdParent(pidfd int) (int, bool) {
	var info pidfdInfoVer0
	const pidfdGetInfo = 0xC0000000 | uint(unsafe.Sizeof(info))<<16 | 0xFF<<8 | 11 // _IOWR(0xFF, 11, struct pidfd_info)
	if _, e := rawIoctl(pidfd, pidfdGetInfo, uintptr(unsafe.Pointer(&info))); e != 0 {
		return 0, false
	}
	return int(info.PPID), true
}

// mntRead is one mount table to (re-)read: the mountinfo of the lowest
// member of mount namespace m.
type mntRead struct {
	m      *nsAcc
	mounts []nsfsMount
	err    error
}

// planMounts lists the mount tables that may have changed since the last
// scan (all of them on a first scan: one per mount namespace, hundreds on a
// busy machine). readLowest reads them, in its parallel pass over the lowest
// members; addMounts applies them.
func (b *nsBuilder) planMounts() {
	n := len(b.order)
	for i := 0; i < n; i++ {
		m := b.order[i]
		if m.ns.Type != MntNS || m.lowest == nil {
			continue
		}
		mntIno := m.ns.ID.Ino
		c := b.s.mnts[mntIno]
		if c == nil || c.rep != m.lowest.PID || c.start != m.lowest.StartTime || b.dirtyMnt[mntIno] || b.s.gen%mountRereadEvery == 1 {
			// A mount table changes when a member mounts (it runs, so its
			// run signature changed) or by propagation (the periodic re-read).
			b.mntReads = append(b.mntReads, mntRead{m: m})
		}
	}
}

// readMount reads and parses planned mount table i.
func (b *nsBuilder) readMount(r *procReader, i int) {
	rd := &b.mntReads[i]
	data, err := r.readFile(r.pathOf(b.s.procRoot, rd.m.lowest.PID, "mountinfo"))
	if err != nil {
		rd.err = err
		return
	}
	rd.mounts = parseMountinfoNSFS(data)
}

// addMounts adds the nsfs bind mounts the mount tables list (ip netns add,
// unshare --net=FILE), re-read as planned or cached. A mount in our own
// mount namespace opens by its mount point; one in another mount namespace
// through /proc/<pid>/root.
func (b *nsBuilder) addMounts() {
	root := b.s.procRoot
	selfMnt := uint64(0)
	if link, err := b.r.readlink(root + "/self/ns/mnt"); err == nil {
		if _, ino, ok := parseNSLink(link); ok {
			selfMnt = ino
		}
	}
	n := len(b.order)
	for _, rd := range b.mntReads {
		mntIno := rd.m.ns.ID.Ino
		if rd.err != nil {
			if isDenied(rd.err) {
				b.snap.Limited = true
			}
			delete(b.s.mnts, mntIno)
			continue
		}
		b.s.mnts[mntIno] = &mntCacheEntry{rep: rd.m.lowest.PID, start: rd.m.lowest.StartTime, mounts: rd.mounts}
	}
	for i := 0; i < n; i++ {
		m := b.order[i]
		if m.ns.Type != MntNS || m.lowest == nil {
			continue
		}
		rep := m.lowest.PID
		c := b.s.mnts[m.ns.ID.Ino]
		if c == nil {
			continue
		}
		c.gen = b.s.gen
		for _, mnt := range c.mounts {
			a := b.get(mnt.Type, b.id(mnt.Ino))
			a.ns.Holders = append(a.ns.Holders, Holder{Kind: HeldByBindMount, PID: rep, Path: mnt.MountPoint, MntNS: m.ns.ID.Ino})
			path := mnt.MountPoint
			if m.ns.ID.Ino == selfMnt {
				if !slices.Contains(a.ns.NSFS, mnt.MountPoint) {
					a.ns.NSFS = append(a.ns.NSFS, mnt.MountPoint)
				}
			} else {
				path = b.r.pathOf(root, rep, "root") + mnt.MountPoint
			}
			if m.ns.ID.Ino == selfMnt && a.ownMount == "" {
				a.ownMount = path
			}
			if a.openPath == "" {
				a.openPath = path
			}
		}
	}
	for ino, c := range b.s.mnts {
		if c.gen != b.s.gen {
			delete(b.s.mnts, ino)
		}
	}
}

// addNames adds iproute2's names: each file in /run/netns is an nsfs bind
// mount of a network namespace.
func (b *nsBuilder) addNames() {
	if b.dev == 0 {
		return
	}
	names, err := b.r.readDirNames(b.s.netnsDir)
	if err != nil {
		return
	}
	names = slices.Clone(names)
	slices.Sort(names)
	for _, name := range names {
		var st unix.Stat_t
		if unix.Stat(b.s.netnsDir+"/"+name, &st) != nil || st.Dev != b.dev {
			continue
		}
		if a := b.accs[NSID{Dev: st.Dev, Ino: st.Ino}]; a != nil {
			a.ns.Names = append(a.ns.Names, name)
		}
	}
}

// openNetlink opens the scan's NETLINK_ROUTE socket and lists the netnsids
// assigned (a change invalidates the cached ones). resolveHierarchy closes it.
func (b *nsBuilder) openNetlink() {
	if b.dev == 0 {
		return
	}
	if nl, err := openNetlink(); err == nil {
		b.nl = nl
		set, err := nl.dumpNSIDs()
		b.nsidChanged = err != nil || !slices.Equal(set, b.s.nsidSet)
		b.s.nsidSet = set
	}
}

// resolveHierarchy asks the kernel for each namespace's owner and parent
// (ioctls NS_GET_USERNS, NS_GET_PARENT), a user namespace's owner uid and a
// network namespace's netnsid. Owners and parents no process, fd or mount
// holds are added as hidden namespaces. Answers are cached while the
// namespace keeps its lowest member process.
func (b *nsBuilder) resolveHierarchy() {
	if b.dev == 0 {
		return // fixture tree: no kernel objects to ask
	}
	defer func() {
		if b.nl != nil {
			b.nl.close()
		}
	}()
	n := len(b.order)
	for i := 0; i < n; i++ {
		b.resolve(b.order[i], -1)
	}
	for id := range b.s.nsInfo {
		if b.accs[id] == nil {
			delete(b.s.nsInfo, id)
		}
	}
}

// cacheValid reports whether the cached facts about a can be trusted.
func (b *nsBuilder) cacheValid(a *nsAcc) (*nsInfoEntry, bool) {
	c := b.s.nsInfo[a.ns.ID]
	valid := c != nil && c.t == a.ns.Type && a.lowest != nil && c.anchorPID == a.lowest.PID && c.anchorStart == a.lowest.StartTime
	return c, valid && !(a.ns.Type == NetNS && b.nsidChanged)
}

// queryNS asks the hierarchy ioctls and netlink about the namespace behind fd.
func queryNS(fd int, t NSType, nl *nlConn) *nsInfoEntry {
	info := &nsInfoEntry{t: t, ownerUID: -1}
	info.owner = relatedID(fd, unix.NS_GET_USERNS)
	switch t {
	case UserNS:
		// The kernel answers NS_GET_PARENT of a user namespace with its
		// owner (user_namespace.c: .get_parent = ns_get_owner): ask once.
		info.parent = info.owner
	case PIDNS:
		info.parent = relatedID(fd, unix.NS_GET_PARENT)
	}
	if t == UserNS {
		var uid uint32
		if _, e := rawIoctl(fd, unix.NS_GET_OWNER_UID, uintptr(unsafe.Pointer(&uid))); e == 0 {
			info.ownerUID = int(uid)
		}
	}
	if t == NetNS && nl != nil {
		info.netnsid = nl.getNSID(fd)
	}
	return info
}

// relatedID follows one hierarchy ioctl and returns the relative's
// identity (raw syscalls: a first scan makes thousands of these).
func relatedID(fd int, req uint) NSID {
	rfd, e := rawIoctl(fd, req, 0)
	if e != 0 {
		return NSID{}
	}
	defer rawClose(rfd)
	var st unix.Stat_t
	if rawFstat(rfd, &st) != 0 {
		return NSID{}
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}
}

// resolve fills a's owner, parent, owner uid and netnsid. fd, when >= 0, is
// an open descriptor of the namespace (for hidden ones, the only way in).
func (b *nsBuilder) resolve(a *nsAcc, fd int) {
	if a.resolved {
		return
	}
	a.resolved = true
	t, id := a.ns.Type, a.ns.ID
	c, valid := b.cacheValid(a)
	if valid && b.present(c.owner) && b.present(c.parent) {
		b.apply(a, c)
		return
	}
	if fd < 0 {
		fd = b.open(a)
		if fd < 0 {
			if valid {
				b.apply(a, c)
			}
			return
		}
		defer unix.Close(fd)
	}
	info := &nsInfoEntry{t: t, ownerUID: -1}
	if a.lowest != nil {
		info.anchorPID, info.anchorStart = a.lowest.PID, a.lowest.StartTime
	}
	info.owner = b.related(fd, unix.NS_GET_USERNS, UserNS)
	switch t {
	case UserNS:
		info.parent = info.owner // as in queryNS
	case PIDNS:
		info.parent = b.related(fd, unix.NS_GET_PARENT, t)
	}
	if t == UserNS {
		if uid, err := unix.IoctlGetUint32(fd, unix.NS_GET_OWNER_UID); err == nil {
			info.ownerUID = int(uid)
		}
	}
	if t == NetNS && b.nl != nil {
		info.netnsid = b.nl.getNSID(fd)
	}
	b.s.nsInfo[id] = info
	b.apply(a, info)
}

func (b *nsBuilder) present(id NSID) bool { return id.IsZero() || b.accs[id] != nil }

// related follows one hierarchy ioctl. A namespace it reaches that nothing
// else holds is added as hidden and resolved through the returned fd. EPERM
// (the relative is outside our user namespace) leaves it unknown.
func (b *nsBuilder) related(fd int, req uint, t NSType) NSID {
	rfd, err := unix.IoctlRetInt(fd, req)
	if err != nil {
		return NSID{}
	}
	defer unix.Close(rfd)
	var st unix.Stat_t
	if unix.Fstat(rfd, &st) != nil {
		return NSID{}
	}
	rid := NSID{Dev: st.Dev, Ino: st.Ino}
	if b.accs[rid] == nil {
		h := b.get(t, rid)
		h.ns.Hidden = true
		b.resolve(h, rfd)
	}
	return rid
}

// apply copies cached hierarchy facts into the namespace and records it as a
// child holder of a hidden owner or parent.
func (b *nsBuilder) apply(a *nsAcc, c *nsInfoEntry) {
	ns := a.ns
	ns.Owner, ns.Parent, ns.OwnerUID = c.owner, c.parent, c.ownerUID
	if ns.Type == NetNS {
		ns.NetNSID = c.netnsid
	}
	if o := b.accs[c.owner]; o != nil && o.ns.Hidden {
		o.ns.Holders = append(o.ns.Holders, Holder{Kind: HeldByChild, Child: ns.ID})
	}
	if p := b.accs[c.parent]; p != nil && p.ns.Hidden && c.parent != c.owner {
		p.ns.Holders = append(p.ns.Holders, Holder{Kind: HeldByChild, Child: ns.ID})
	}
}

// open returns a descriptor of the namespace, or -1.
func (b *nsBuilder) open(a *nsAcc) int {
	path := a.openPath
	if a.ownMount != "" {
		path = a.ownMount
	}
	if a.lowest != nil {
		path = b.r.pathOf(b.s.procRoot, a.lowest.PID, "ns/"+a.ns.Type.String())
	}
	if path != "" {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
		if err == nil {
			return fd
		}
	}
	if a.sockPID != 0 {
		if nsfd, err := openSocketNetNS(a.sockPID, a.sockFD); err == nil {
			return nsfd
		}
	}
	return -1
}

// finish fills the lsns columns, the path and the holders, and sorts.
func (b *nsBuilder) finish() {
	out := make([]*Namespace, 0, len(b.order))
	for _, a := range b.order {
		ns := a.ns
		if a.unsorted {
			slices.Sort(ns.Members)
			ns.Members = slices.Compact(ns.Members)
		}
		if p := a.lowest; p != nil {
			ns.PID, ns.PPID, ns.UID, ns.User = p.PID, p.PPID, p.UID, p.User
			if !b.s.details && p.UID < 0 {
				ns.UID = b.uid(p.PID)
				if ns.UID >= 0 {
					ns.User = b.s.userName(ns.UID)
				}
			}
			ns.Command = b.command(p)
			ns.Path = b.r.pathOf(b.s.procRoot, p.PID, "ns/"+ns.Type.String())
			ns.Holders = append([]Holder{{Kind: HeldByProcess, PID: p.PID, Path: ns.Path}}, ns.Holders...)
		} else {
			ns.Path = a.openPath
			if a.ownMount != "" {
				ns.Path = a.ownMount
			}
			// Like lsns for a namespace without processes: the uid of the
			// owning user namespace's creator.
			ns.UID = ns.OwnerUID
			if ns.Type != UserNS {
				if o := b.accs[ns.Owner]; o != nil {
					ns.UID = o.ns.OwnerUID
				}
			}
			if ns.UID >= 0 {
				ns.User = b.s.userName(ns.UID)
			}
		}
		if ns.Type != NetNS {
			ns.NetNSID = ""
		}
		out = append(out, ns)
	}
	slices.SortFunc(out, func(x, y *Namespace) int {
		return cmp.Or(cmp.Compare(x.Type, y.Type), cmp.Compare(x.ID.Ino, y.ID.Ino))
	})
	b.snap.Namespaces = out
}

// command is lsns's COMMAND: the command line joined by spaces, else the
// name. Without process details the command line is read here, once per
// distinct process.
func (b *nsBuilder) command(p *Process) string {
	if len(p.Cmdline) > 0 {
		return strings.Join(p.Cmdline, " ")
	}
	if !b.s.details {
		if c, ok := b.cmds[p.PID]; ok {
			return c
		}
		c := p.Comm
		if data, err := b.r.readFile(b.r.pathOf(b.s.procRoot, p.PID, "cmdline")); err == nil {
			if args := parseCmdline(data); len(args) > 0 {
				c = strings.Join(args, " ")
			}
		}
		if b.cmds == nil {
			b.cmds = map[int]string{}
		}
		b.cmds[p.PID] = c
		return c
	}
	return p.Comm
}

// uid reads a process's uid once per scan (lean mode, for COMMAND rows).
func (b *nsBuilder) uid(pid int) int {
	if u, ok := b.uids[pid]; ok {
		return u
	}
	if b.uids == nil {
		b.uids = map[int]int{}
	}
	u := b.r.procUID(b.s.procRoot, pid)
	b.uids[pid] = u
	return u
}

// netnsidString renders a netnsid as lsns does.
func netnsidString(id int32) string {
	if id == unix.NETNSA_NSID_NOT_ASSIGNED {
		return "unassigned"
	}
	if id < 0 {
		return ""
	}
	return strconv.Itoa(int(id))
}

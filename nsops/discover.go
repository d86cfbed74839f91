package nsops

import (
	"bytes"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pfKThread is the PF_KTHREAD bit of /proc/<pid>/stat's flags field.
const pfKThread = 0x00200000

// ScanOption configures a Scanner.
type ScanOption func(*Scanner)

// WithProcRoot makes the Scanner read dir instead of /proc. Unit tests point
// it at small fixture trees (symlinks like "net:[4026531833]" stand in for the
// kernel's ns links); the kernel-only parts (ioctls, netlink, sockets) then
// find nothing and are skipped.
func WithProcRoot(dir string) ScanOption {
	return func(s *Scanner) { s.procRoot = filepath.Clean(dir) }
}

// WithNetnsDir sets the directory of iproute2's named network namespaces
// (default /run/netns).
func WithNetnsDir(dir string) ScanOption {
	return func(s *Scanner) { s.netnsDir = dir }
}

// WithProcessDetails(false) skips what only a member listing shows: the
// command line, cgroup, NSpid and uid of every process (Process.UID is -1,
// NSpid just the pid; a namespace's COMMAND, UID and USER are still read for
// its lowest pid). `nstui ls` uses it when it prints no
// member processes. Default true.
//
// Together with WithRefreshCache(false) on the real /proc, the scan is lean:
// a Process that is no namespace's lowest member then carries only its
// PID, NSpid and NS (PPID 0, Comm "", StartTime 0); a lowest member also has
// its PPID (and its Comm when it has no command line).
func WithProcessDetails(on bool) ScanOption {
	return func(s *Scanner) { s.details = on }
}

// WithRefreshCache(false) makes the Scanner one-shot: it takes no run
// signatures and holds no descriptors, which a single scan does not need.
// Default true (the TUI scans again and again).
func WithRefreshCache(on bool) ScanOption {
	return func(s *Scanner) { s.refresh = on }
}

// WithWorkers sets how many goroutines read /proc in parallel (default: the
// number of CPUs, at most 4). 1 makes the scan sequential.
func WithWorkers(n int) ScanOption {
	return func(s *Scanner) {
		if n > 0 {
			s.workers = n
		}
	}
}

// Scanner discovers every namespace the kernel lets it see. It keeps a cache
// between scans, keyed by pid and start time, so that a refresh re-reads only
// what can have changed: the first Scan reads everything, later ones mostly
// re-check each process's stat and namespace links.
//
// A Scanner is not safe for concurrent use: call Scan from one goroutine at a
// time (the TUI runs it in a command and gets the Snapshot as a message).
// Snapshots it returns are immutable and may be shared freely.
type Scanner struct {
	procRoot string
	netnsDir string
	workers  int
	details  bool
	refresh  bool
	procfs   bool // procRoot is a real procfs (not a fixture tree)

	readers  []*procReader
	cache    *procCache // cache: by pid, valid while the start time matches
	procs    map[int]*procEntry
	mnts     map[uint64]*mntCacheEntry // cache: nsfs mounts per mount namespace
	fdBudget atomic.Int64              // how many more schedstat fds we may hold
	selfPID  int                       // our pid when scanning the real /proc
	ownFDs   map[int]bool              // our held schedstat fds: not scanned as our own fds
	nsInfo   map[NSID]*nsInfoEntry     // cache: hierarchy and netnsid per namespace
	sockNS   map[uint64]sockNSEntry    // cache: socket inode -> its network namespace
	users    map[int]string
	gen      uint64
	nsidSet  []int32 // netnsids assigned in our netns at the last scan
}

// procEntry is what one scan learnt about one process.
type procEntry struct {
	proc     *Process // published: replaced, never modified, when something changes
	ns       [NumTypes]uint64
	threads  []threadNS // only threads whose namespaces differ from the process's
	fds      []fdRef
	kernel   bool
	partial  bool   // lean scan: stat not read (PPID, Comm, StartTime unknown) until the process is a lowest member
	sig      string // run signature (schedstat) taken before the last full read
	nthreads int
	schedFD  int  // open /proc/<pid>/schedstat, re-read with pread on refresh
	hasFD    bool // schedFD is ours to close
	// Multithreaded processes: each thread's schedstat line and namespaces,
	// so a refresh re-reads only the threads that ran.
	tsigs map[int]string
	tns   map[int][NumTypes]uint64
}

// threadNS is a thread whose namespaces differ from its thread group leader's.
type threadNS struct {
	tid int
	ns  [NumTypes]uint64
}

type fdKind uint8

const (
	fdPlain fdKind = iota // anything else; remembered so its link is not stat'ed again
	fdNS                  // an nsfs file
	fdSock                // a socket, with its network namespace
)

// fdRef is one open descriptor of a process, classified.
type fdRef struct {
	fd   int
	link string // readlink text, to recognise an unchanged descriptor
	kind fdKind
	t    NSType
	id   NSID // the namespace (nsfs) or the socket's network namespace
}

type sockNSEntry struct {
	id  NSID
	gen uint64
}

// nsInfoEntry caches what the ioctls and netlink said about a namespace. It
// is trusted while the same process (pid and start time) is still its lowest
// member: a namespace cannot die while a member lives, so its inode cannot
// have been reused for another one in between.
type nsInfoEntry struct {
	t           NSType
	owner       NSID
	parent      NSID
	ownerUID    int
	netnsid     string
	anchorPID   int
	anchorStart uint64
}

// procCache holds the per-process cache so a cleanup can close the
// schedstat descriptors of a Scanner that was dropped without Close.
type procCache struct{ procs map[int]*procEntry }

func (c *procCache) closeFDs() {
	for _, e := range c.procs {
		if e.hasFD {
			unix.Close(e.schedFD)
			e.hasFD = false
		}
	}
}

// mntCacheEntry is the nsfs mounts of one mount namespace, as read from the
// mountinfo of its representative process.
type mntCacheEntry struct {
	rep    int
	start  uint64
	mounts []nsfsMount
	gen    uint64
}

// mountRereadEvery forces a re-read of every mount namespace's mountinfo
// every so many scans, to catch mounts that arrived by propagation (which no
// member process had to run for).
const mountRereadEvery = 8

// Close releases the descriptors the Scanner keeps between scans. The
// Scanner must not be used afterwards. (A dropped Scanner's descriptors are
// also released when the garbage collector reclaims it.)
func (s *Scanner) Close() error {
	s.cache.procs = s.procs
	s.cache.closeFDs()
	s.procs = map[int]*procEntry{}
	s.cache.procs = s.procs
	return nil
}

// NewScanner returns a Scanner reading /proc (or the root given by
// WithProcRoot).
func NewScanner(opts ...ScanOption) *Scanner {
	s := &Scanner{
		procRoot: "/proc",
		netnsDir: "/run/netns",
		workers:  min(runtime.GOMAXPROCS(0), 4),
		details:  true,
		refresh:  true,
		procs:    map[int]*procEntry{},
		nsInfo:   map[NSID]*nsInfoEntry{},
		sockNS:   map[uint64]sockNSEntry{},
		users:    map[int]string{},
	}
	for _, o := range opts {
		o(s)
	}
	if s.workers < 1 {
		s.workers = 1
	}
	s.mnts = map[uint64]*mntCacheEntry{}
	s.cache = &procCache{procs: s.procs}
	runtime.AddCleanup(s, func(c *procCache) { c.closeFDs() }, s.cache)
	// Hold at most half of what is left of the descriptor limit (Go raises
	// the soft limit to the hard one at start).
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil && rl.Cur > 1024 {
		s.fdBudget.Store(int64(min((rl.Cur-1024)/2, 1<<20)))
	}
	if s.procRoot == "/proc" {
		s.selfPID = os.Getpid()
	}
	var fs unix.Statfs_t
	s.procfs = unix.Statfs(s.procRoot, &fs) == nil && fs.Type == unix.PROC_SUPER_MAGIC
	return s
}

// pidJob is one process to read in the parallel phase.
type pidJob struct {
	pid       int
	old       *procEntry
	entry     *procEntry // nil when the process is gone or unreadable
	unchanged bool       // entry is the cached one, reused after the signature check
	limited   bool
	socks     map[uint64]NSID // sockets newly resolved by this job
}

// Scan walks /proc and returns a new Snapshot. Processes that exit during
// the scan are skipped silently; files we may not read (not root) leave
// gaps and set Snapshot.Limited. The error is non-nil only when the proc
// root itself cannot be listed.
func (s *Scanner) Scan() (*Snapshot, error) {
	s.gen++
	for len(s.readers) < s.workers {
		s.readers = append(s.readers, newProcReader())
	}
	r0 := s.readers[0]
	pids, err := r0.readDirPIDs(s.procRoot, make([]int, 0, len(s.procs)+64))
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	pids = slices.DeleteFunc(pids, func(pid int) bool { return pid <= 0 })
	slices.Sort(pids)

	dev := s.nsfsDev()
	jobs := make([]pidJob, len(pids))
	for i, pid := range pids {
		jobs[i] = pidJob{pid: pid, old: s.procs[pid]}
	}
	selfPidNS := uint64(0)
	if link, err := r0.readlink(s.procRoot + "/self/ns/pid"); err == nil {
		if _, ino, ok := parseNSLink(link); ok {
			selfPidNS = ino
		}
	}
	s.ownFDs = make(map[int]bool, len(s.procs))
	for _, e := range s.procs {
		if e.hasFD {
			s.ownFDs[e.schedFD] = true
		}
	}
	// Every process, in parallel when there are enough to be worth it.
	s.parallel(len(jobs), 64, func(r *procReader, i int) { s.readProc(r, &jobs[i], dev, selfPidNS) })

	snap := &Snapshot{Processes: make(map[int]*Process, len(jobs)), Taken: time.Now()}
	procs := make(map[int]*procEntry, len(jobs))
	for i := range jobs {
		j := &jobs[i]
		if j.limited {
			snap.Limited = true
		}
		for ino, id := range j.socks {
			s.sockNS[ino] = sockNSEntry{id: id, gen: s.gen}
		}
		if j.entry == nil {
			continue
		}
		p := j.entry.proc
		if p.User == "" && p.UID >= 0 {
			// Newly read (not yet published): name the user here, single-threaded.
			p.User = s.userName(p.UID)
		}
		procs[j.pid] = j.entry
		snap.Processes[j.pid] = p
	}
	// Close the schedstat descriptors of processes that went away or were
	// replaced by another process with the same pid.
	for pid, old := range s.procs {
		if !old.hasFD {
			continue
		}
		if n := procs[pid]; n == nil || !n.hasFD || n.schedFD != old.schedFD {
			unix.Close(old.schedFD)
			s.fdBudget.Add(1)
		}
	}
	dirtyMnt := map[uint64]bool{}
	for i := range jobs {
		j := &jobs[i]
		if j.unchanged {
			continue
		}
		if j.entry != nil {
			dirtyMnt[j.entry.ns[MntNS]] = true
		}
		if j.old != nil {
			dirtyMnt[j.old.ns[MntNS]] = true
		}
	}
	for pid, old := range s.procs {
		if procs[pid] == nil {
			dirtyMnt[old.ns[MntNS]] = true
		}
	}
	s.procs = procs
	s.cache.procs = procs
	s.fixParents(jobs, snap)
	for ino, e := range s.sockNS {
		if e.gen+2 < s.gen {
			delete(s.sockNS, ino)
		}
	}

	b := newNSBuilder(s, dev, snap)
	b.dirtyMnt = dirtyMnt
	b.addProcesses(pids)
	b.openNetlink()
	b.planMounts()
	b.readLowest()
	b.addMounts()
	b.addNames()
	b.resolveHierarchy()
	b.finish()
	return snap, nil
}

// fixParents re-reads the parent of reused entries whose parent exited or
// was replaced since the last scan: reparenting does not make the child run,
// so its run signature cannot tell.
func (s *Scanner) fixParents(jobs []pidJob, snap *Snapshot) {
	r := s.readers[0]
	for i := range jobs {
		j := &jobs[i]
		if !j.unchanged {
			continue
		}
		p := j.entry.proc
		if p.PPID == 0 {
			continue
		}
		if k, ok := slices.BinarySearchFunc(jobs, p.PPID, func(j pidJob, pid int) int { return j.pid - pid }); ok {
			pj := &jobs[k]
			if pj.entry != nil && pj.old != nil && pj.entry.proc.StartTime == pj.old.proc.StartTime {
				continue // the same parent is still there
			}
		}
		b, err := r.readSmall(r.pathOf(s.procRoot, p.PID, "stat"))
		if err != nil {
			continue
		}
		st, err := parseStat(b)
		if err != nil || st.StartTime != p.StartTime || st.PPID == p.PPID {
			continue
		}
		cp := *p
		cp.PPID = st.PPID
		e := *j.entry
		e.proc = &cp
		s.procs[p.PID] = &e
		snap.Processes[p.PID] = &cp
	}
}

// nsfsDev returns the device of the nsfs file system (the same for every
// namespace). On a fixture tree it is 0.
func (s *Scanner) nsfsDev() uint64 {
	var st unix.Stat_t
	if err := unix.Stat(s.procRoot+"/self/ns/net", &st); err != nil {
		return 0
	}
	return st.Dev
}

func (s *Scanner) userName(uid int) string {
	if n, ok := s.users[uid]; ok {
		return n
	}
	n := strconv.Itoa(uid)
	if u, err := user.LookupId(n); err == nil {
		n = u.Username
	}
	s.users[uid] = n
	return n
}

// parallel calls fn(r, i) for every i in [0, n), on the Scanner's workers
// when there are at least enough items (fewer are not worth the hand-offs),
// each worker with its own reader. fn must write only to item i's own
// state.
func (s *Scanner) parallel(n, enough int, fn func(r *procReader, i int)) {
	workers := min(s.workers, n)
	if n < enough {
		workers = 1
	}
	if workers <= 1 {
		for i := range n {
			fn(s.readers[0], i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(r *procReader) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(r, i)
			}
		}(s.readers[w])
	}
	wg.Wait()
}

// readProc reads one process into job.entry, reusing what the cached entry
// knows when the process is the same one.
//
// The refresh fast path: a process's namespaces, descriptors, credentials and
// command line change only while one of its threads runs, and every run
// advances the thread's /proc/<pid>/task/<tid>/schedstat (run time in ns and
// run count). So when the signature read first is identical to the one read
// at the last full read, nothing can have changed and the whole entry is
// reused after one small read. (Its parent can change without it running: the
// caller re-reads stat for processes whose parent went away.)
func (s *Scanner) readProc(r *procReader, job *pidJob, dev, selfPidNS uint64) {
	if s.lean() {
		s.readProcLean(r, job, dev)
		return
	}
	root, pid, old := s.procRoot, job.pid, job.old
	sig := ""
	var tsigs map[int]string
	if s.refresh && old != nil && old.sig != "" {
		switch {
		case old.hasFD:
			sig = r.preadSig(old.schedFD)
		case old.nthreads <= 1:
			sig = s.schedSig(r, pid)
		default:
			tsigs, sig = s.threadSigs(r, pid)
		}
		if sig == old.sig {
			job.entry, job.unchanged = old, true
			return
		}
	}
	b, err := r.readSmall(r.pathOf(root, pid, "stat"))
	if err != nil {
		job.limited = isDenied(err)
		return
	}
	st, err := parseStat(b)
	if err != nil || st.PID != pid {
		return
	}
	same := old != nil && old.proc.StartTime == st.StartTime
	kernel := st.Flags&pfKThread != 0
	schedFD, hasFD := -1, false
	switch {
	case !s.refresh:
	case st.NumThreads > 1:
		if tsigs == nil {
			tsigs, sig = s.threadSigs(r, pid)
		}
	case same && old.hasFD:
		schedFD, hasFD = old.schedFD, true // the same process: keep its descriptor
		if old.nthreads != st.NumThreads || old.sig == "" {
			sig = r.preadSig(schedFD)
		}
	default:
		if s.fdBudget.Add(-1) >= 0 {
			fd, err := unix.Open(r.pathOf(root, pid, "schedstat"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err == nil {
				schedFD, hasFD = fd, true
				sig = r.preadSig(fd)
			} else {
				s.fdBudget.Add(1)
			}
		} else {
			s.fdBudget.Add(1)
		}
		if !hasFD {
			sig = s.schedSig(r, pid)
		}
	}
	p := &Process{PID: pid, PPID: st.PPID, Comm: st.Comm, StartTime: st.StartTime, State: string(st.State), UID: -1}
	if same {
		p.NSpid = old.proc.NSpid // fixed for the life of a process
	}
	if s.details {
		p.UID = r.procUID(root, pid)
	}
	e := &procEntry{kernel: kernel, sig: sig, nthreads: st.NumThreads, schedFD: schedFD, hasFD: hasFD, tsigs: tsigs}
	if same && old.kernel && kernel {
		// Kernel threads never change namespaces once running.
		e.ns, e.threads = old.ns, old.threads
	} else if same && tsigs != nil && old.tsigs != nil && tsigs[pid] != "" && tsigs[pid] == old.tsigs[pid] {
		e.ns = old.ns // the leader did not run: its namespaces are as they were
	} else if !r.readNSLinks(r.pathBytes(root, pid, "ns"), &e.ns, &job.limited) {
		job.entry = nil
		if hasFD && !(same && old.hasFD) {
			unix.Close(schedFD) // opened for this process, which is gone
			s.fdBudget.Add(1)
		}
		return // gone
	}
	if s.details && !same && e.ns[PIDNS] != 0 && e.ns[PIDNS] != selfPidNS {
		// Only a process in a nested pid namespace has more than one pid.
		if b, err := r.readSmall(r.pathOf(root, pid, "status")); err == nil {
			if ps, err := parseStatus(b); err == nil {
				p.NSpid = ps.NSpid
			}
		} else if isDenied(err) {
			job.limited = true
		}
	}
	if p.NSpid == nil && (!s.details || e.ns[PIDNS] == selfPidNS) {
		p.NSpid = []int{pid}
	}
	if !kernel && s.details {
		if b, err := r.readFile(r.pathOf(root, pid, "cmdline")); err == nil {
			p.Cmdline = parseCmdline(b)
		}
		if b, err := r.readFile(r.pathOf(root, pid, "cgroup")); err == nil {
			p.Cgroup = parseCgroup(b)
			p.Container = containerHint(p.Cgroup)
		}
	}
	for t, ino := range e.ns {
		if ino != 0 {
			p.NS[t] = NSID{Dev: dev, Ino: ino}
		}
	}
	if same && p.UID == old.proc.UID {
		p.User = old.proc.User
	}
	if same && sameProcess(p, old.proc) {
		p = old.proc // keep the published pointer when nothing visible changed
	}
	e.proc = p
	if st.NumThreads > 1 {
		var prev *procEntry
		if same {
			prev = old
		}
		s.readThreads(r, job, e, prev)
	}
	if !kernel {
		s.readFDs(r, job, e, dev)
	}
	job.entry = e
}

// lean reports whether the Scanner reads only what finds namespaces: a
// one-shot scan without process details (`nstui ls`) on the real procfs.
// The few facts its rows print about a process (PPID, COMMAND, UID) are
// read afterwards, only for the lowest member of each namespace.
func (s *Scanner) lean() bool { return !s.details && !s.refresh && s.procfs }

// readProcLean is readProc for a lean scan: per process one stat of its
// task directory (the thread count), the eight namespace links and its
// descriptors. It skips /proc/<pid>/stat (three syscalls and the kernel's
// costliest file here), so the entry is partial: PPID, Comm and StartTime
// are filled later if the process is a namespace's lowest member.
func (s *Scanner) readProcLean(r *procReader, job *pidJob, dev uint64) {
	pid := job.pid
	nthreads, errno := r.threadCount(s.procRoot, pid)
	if errno != 0 {
		job.limited = errno == unix.EACCES || errno == unix.EPERM
		return // gone
	}
	e := &procEntry{nthreads: nthreads, partial: true}
	if !r.readNSLinks(r.pathBytes(s.procRoot, pid, "ns"), &e.ns, &job.limited) {
		return // gone
	}
	p := &Process{PID: pid, UID: -1, NSpid: []int{pid}}
	for t, ino := range e.ns {
		if ino != 0 {
			p.NS[t] = NSID{Dev: dev, Ino: ino}
		}
	}
	e.proc = p
	if nthreads > 1 {
		s.readThreads(r, job, e, nil)
	}
	s.readFDs(r, job, e, dev)
	job.entry = e
}

// procUID is lsns's UID of a process: the owner of /proc/<pid> (the euid of
// a dumpable process), -1 when unreadable.
func (r *procReader) procUID(root string, pid int) int {
	r.cpath = append(append(r.cpath[:0], r.pathBytes(root, pid, "")...), 0)
	_, _, e := unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&r.cpath[0])), uintptr(unsafe.Pointer(&r.scrap)), 0, 0, 0)
	if e != 0 {
		return -1
	}
	return int(r.scrap.Uid)
}

// sameProcess reports whether two reads of one process show the same facts.
func sameProcess(a, b *Process) bool {
	return a.PPID == b.PPID && a.Comm == b.Comm && a.UID == b.UID && a.NS == b.NS &&
		a.Cgroup == b.Cgroup && slices.Equal(a.Cmdline, b.Cmdline) && slices.Equal(a.NSpid, b.NSpid)
}

// preadSig re-reads a held schedstat descriptor from offset 0 (procfs
// regenerates the text); "" when the process is gone.
func (r *procReader) preadSig(fd int) string {
	n, err := unix.Pread(fd, r.buf[:256], 0)
	if err != nil || n <= 0 || r.buf[0] == '0' {
		return ""
	}
	return string(r.buf[:n])
}

// threadSigs reads every thread's schedstat line: the per-thread map and the
// joined signature ("" when a thread has no usable line).
func (s *Scanner) threadSigs(r *procReader, pid int) (map[int]string, string) {
	names, err := r.readDirNames(r.pathOf(s.procRoot, pid, "task"))
	if err != nil {
		return nil, ""
	}
	tids := make([]int, 0, len(names))
	for _, n := range names {
		if tid, ok := parsePIDName(n); ok {
			tids = append(tids, tid)
		}
	}
	slices.Sort(tids)
	m := make(map[int]string, len(tids))
	var sb []byte
	for _, tid := range tids {
		b, err := r.readSmall(r.pathOf2(s.procRoot, pid, "task", tid, "schedstat"))
		if err != nil || len(b) == 0 || b[0] == '0' {
			return nil, ""
		}
		m[tid] = string(b)
		sb = strconv.AppendInt(sb, int64(tid), 10)
		sb = append(sb, ' ')
		sb = append(sb, b...)
	}
	return m, string(sb)
}

// schedSig returns the run signature of a single-threaded process: its
// schedstat line. "" means no usable signature (the kernel has no schedstat,
// or it reads all zeros): the process is then always read fully.
func (s *Scanner) schedSig(r *procReader, pid int) string {
	b, err := r.readSmall(r.pathOf(s.procRoot, pid, "schedstat"))
	if err != nil || len(b) == 0 || b[0] == '0' {
		return ""
	}
	return string(b)
}

func (e *procEntry) procOrNil() *Process {
	if e == nil {
		return nil
	}
	return e.proc
}

// readNSLinks reads the eight links of a ns directory. readlink returns
// "net:[4026531833]": the inode without making the kernel instantiate the
// nsfs dentry a stat would; the device is the one nsfs device. It reports
// false when the task is gone (ESRCH, or no link readable and none denied).
func (r *procReader) readNSLinks(dir []byte, out *[NumTypes]uint64, limited *bool) bool {
	read, denied := 0, false
	// Build "<dir>/<type>\0" in place and parse the link text without
	// allocating: a scan does this eight times per process and thread.
	r.cpath = append(append(r.cpath[:0], dir...), '/')
	base := len(r.cpath)
	for _, t := range AllTypes() {
		r.cpath = append(append(r.cpath[:base], t.String()...), 0)
		n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&r.cpath[0])),
			uintptr(unsafe.Pointer(&r.link[0])), uintptr(len(r.link)), 0, 0)
		if e != 0 {
			switch {
			case e == unix.ESRCH:
				return false
			case e == unix.EACCES || e == unix.EPERM:
				*limited, denied = true, true
			}
			// ENOENT: a type this kernel lacks (or the task just went).
			continue
		}
		read++
		if ino, ok := parseNSLinkBytes(r.link[:n], t); ok {
			out[t] = ino
		}
	}
	return read > 0 || denied
}

// readThreads records the threads whose namespaces differ from the process's.
func (s *Scanner) readThreads(r *procReader, job *pidJob, e *procEntry, prev *procEntry) {
	var tids []int
	if e.tsigs != nil {
		for tid := range e.tsigs {
			if tid != job.pid {
				tids = append(tids, tid)
			}
		}
	} else {
		names, err := r.readDirNames(r.pathOf(s.procRoot, job.pid, "task"))
		if err != nil {
			if isDenied(err) {
				job.limited = true
			}
			return
		}
		for _, n := range names {
			if tid, ok := parsePIDName(n); ok && tid != job.pid {
				tids = append(tids, tid)
			}
		}
	}
	slices.Sort(tids)
	if s.refresh {
		e.tns = make(map[int][NumTypes]uint64, len(tids))
	}
	for _, tid := range tids {
		ns, reuse := [NumTypes]uint64{}, false
		if prev != nil && prev.tsigs != nil && e.tsigs != nil && e.tsigs[tid] != "" && prev.tsigs[tid] == e.tsigs[tid] {
			ns, reuse = prev.tns[tid]
		}
		if !reuse && !r.readNSLinks(r.pathBytes2(s.procRoot, job.pid, "task", tid, "ns"), &ns, &job.limited) {
			continue
		}
		if e.tns != nil {
			e.tns[tid] = ns
		}
		differs := false
		for t := range ns {
			if ns[t] != 0 && ns[t] != e.ns[t] {
				differs = true
			}
		}
		if differs {
			e.threads = append(e.threads, threadNS{tid: tid, ns: ns})
		}
	}
}

// readFDs classifies the process's open descriptors: nsfs files (a namespace
// held by an fd) and sockets (whose network namespace may be one no process
// is in). Descriptors whose link text is unchanged since the last scan keep
// their classification. It lists /proc/<pid>/fd once and reads each link
// relative to that directory, with no path or name strings; only a
// refreshing Scanner keeps plain descriptors (to recognise them next time).
func (s *Scanner) readFDs(r *procReader, job *pidJob, e *procEntry, dev uint64) {
	dir := r.pathBytes(s.procRoot, job.pid, "fd")
	r.cpath = append(append(r.cpath[:0], dir...), 0)
	dirfd, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&r.cpath[0])),
		uintptr(unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC), 0, 0, 0)
	if errno != 0 {
		if (errno == unix.EACCES || errno == unix.EPERM) && !(e.partial && s.isKernelThread(r, job.pid)) {
			job.limited = true // (a kernel thread has no descriptors to hide)
		}
		return
	}
	dfd := int(dirfd)
	defer rawClose(dfd)
	b, err := r.direntsFD(dfd, "fd")
	if err != nil {
		if isDenied(err) {
			job.limited = true
		}
		return
	}
	fds := r.fds[:0]
	for {
		name, rest, ok := nextDirent(b)
		if !ok {
			break
		}
		b = rest
		if fd, ok := parsePIDBytes(name); ok {
			fds = append(fds, fd)
		}
	}
	r.fds = fds
	slices.Sort(fds) // procfs lists them in order already: this is a check
	var prev map[int]*fdRef
	if old := job.old; old != nil && old.proc.StartTime == e.proc.StartTime && len(old.fds) > 0 {
		prev = make(map[int]*fdRef, len(old.fds))
		for i := range old.fds {
			prev[old.fds[i].fd] = &old.fds[i]
		}
	}
	pidfd := -1
	defer func() {
		if pidfd >= 0 {
			unix.Close(pidfd)
		}
	}()
	var num [20]byte
	for _, fd := range fds {
		if job.pid == s.selfPID && s.ownFDs[fd] {
			continue // our own schedstat descriptors
		}
		name := strconv.AppendInt(num[:0], int64(fd), 10)
		link, errno := r.readlinkAt(dfd, name)
		if errno != 0 {
			if errno == unix.EACCES || errno == unix.EPERM {
				job.limited = true
			}
			continue
		}
		if p := prev[fd]; p != nil && p.link == string(link) {
			e.fds = append(e.fds, *p)
			continue
		}
		ref := fdRef{fd: fd}
		if s.refresh {
			ref.link = string(link)
		}
		switch {
		case len(link) == 0:
		case link[0] == '/':
			// A descriptor opened through an nsfs bind mount shows the mount
			// path, not "net:[...]": only stat tells. Device files never are.
			if bytes.HasPrefix(link, []byte("/dev/")) || dev == 0 {
				break
			}
			if r.statAt(dfd, name, 0) == 0 && r.scrap.Dev == dev {
				ino := r.scrap.Ino
				if t, ok := nsTypeAt(dfd, name); ok {
					ref.kind, ref.t, ref.id = fdNS, t, NSID{Dev: dev, Ino: ino}
				}
			}
		default:
			colon := bytes.IndexByte(link, ':')
			if colon <= 0 {
				break
			}
			if prefix := link[:colon]; string(prefix) == "socket" {
				sino, ok := parseSocketLink(string(link))
				if !ok || dev == 0 {
					break
				}
				if c, ok := s.sockNS[sino]; ok {
					ref.kind, ref.t, ref.id = fdSock, NetNS, c.id
				} else if id, ok := socketNetNS(&pidfd, job.pid, fd); ok {
					ref.kind, ref.t, ref.id = fdSock, NetNS, id
					if job.socks == nil {
						job.socks = map[uint64]NSID{}
					}
					job.socks[sino] = id
				}
			} else if t, ok := nsTypeNamed(prefix); ok {
				if ino, ok := parseNSLinkBytes(link, t); ok {
					ref.kind, ref.t, ref.id = fdNS, t, NSID{Dev: dev, Ino: ino}
				}
			}
		}
		if ref.kind != fdPlain || s.refresh {
			e.fds = append(e.fds, ref)
		}
	}
}

// isKernelThread reports whether pid is a kernel thread (PF_KTHREAD in its
// stat flags). A lean scan asks only when the descriptors are denied.
func (s *Scanner) isKernelThread(r *procReader, pid int) bool {
	b, err := r.readSmall(r.pathOf(s.procRoot, pid, "stat"))
	if err != nil {
		return false
	}
	st, err := parseStat(b)
	return err == nil && st.Flags&pfKThread != 0
}

// nsTypeNamed returns the type whose /proc name is exactly name.
func nsTypeNamed(name []byte) (NSType, bool) {
	for _, t := range AllTypes() {
		if string(name) == t.String() {
			return t, true
		}
	}
	return 0, false
}

// nsTypeOfFile opens an nsfs file and asks its type (NS_GET_NSTYPE).
func nsTypeOfFile(path string) (NSType, bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	return nsTypeOfFD(fd)
}

// nsTypeOfFD asks the type of the namespace behind fd (NS_GET_NSTYPE).
func nsTypeOfFD(fd int) (NSType, bool) {
	flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return 0, false
	}
	return TypeFromCloneFlag(uintptr(flag))
}

// nsTypeAt opens an nsfs file (name under dirfd) and asks its type
// (NS_GET_NSTYPE).
func nsTypeAt(dirfd int, name []byte) (NSType, bool) {
	fd, err := unix.Openat(dirfd, string(name), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	return nsTypeOfFD(fd)
}

// socketNetNS asks the kernel which network namespace the socket fd of pid
// was created in: pidfd_getfd(2) copies the descriptor, ioctl SIOCGSKNS
// opens its namespace. *pidfd caches the pidfd across a process's sockets.
func socketNetNS(pidfd *int, pid, fd int) (NSID, bool) {
	if *pidfd == -2 {
		return NSID{}, false
	}
	if *pidfd < 0 {
		pfd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			*pidfd = -2 // do not retry for this process
			return NSID{}, false
		}
		*pidfd = pfd
	}
	sk, err := unix.PidfdGetfd(*pidfd, fd, 0)
	if err != nil {
		return NSID{}, false
	}
	defer unix.Close(sk)
	nsfd, err := unix.IoctlRetInt(sk, unix.SIOCGSKNS)
	if err != nil {
		return NSID{}, false
	}
	defer unix.Close(nsfd)
	var st unix.Stat_t
	if unix.Fstat(nsfd, &st) != nil {
		return NSID{}, false
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}, true
}

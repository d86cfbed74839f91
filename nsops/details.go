package nsops

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Errors ReadDetails wraps, so callers can tell "gone" from "impossible".
var (
	// ErrMemberExited means every process that could be read from exited
	// (or left the namespace) while its details were being read.
	ErrMemberExited = errors.New("member process exited")
	// ErrNoDetailsSource means the namespace has no live member process, no
	// path and no socket that opens it, so nothing can be read from inside it.
	ErrNoDetailsSource = errors.New("no member process, path or socket to read the namespace from")
)

// Details is what one namespace looks like from inside, per type. Exactly
// one of the pointer fields is set: the one matching Type.
type Details struct {
	Type NSType `json:"type"`
	ID   NSID   `json:"id"`
	// PID is the member process the details were read from; 0 when they
	// came from Path alone (a namespace held by a bind mount, an fd or a
	// socket).
	PID int `json:"pid,omitempty"`
	// Path is the nsfs file that was opened to identify (and, for uts, net,
	// ipc and cgroup, to join) the namespace; for a network namespace held
	// only by a socket, that socket (/proc/<pid>/fd/<n>), whose namespace
	// ioctl SIOCGSKNS opened.
	Path string `json:"path,omitempty"`
	// Notes lists what could not be read and why, in one line each.
	Notes []string `json:"notes,omitempty"`

	UTS    *UTSDetails    `json:"uts,omitempty"`
	Net    *NetDetails    `json:"net,omitempty"`
	Mnt    *MntDetails    `json:"mnt,omitempty"`
	User   *UserDetails   `json:"user,omitempty"`
	PIDNS  *PIDDetails    `json:"pidns,omitempty"`
	Time   *TimeDetails   `json:"time,omitempty"`
	Cgroup *CgroupDetails `json:"cgroup,omitempty"`
	IPC    *IPCDetails    `json:"ipc,omitempty"`
}

// UTSDetails is the host and NIS domain name a uts namespace gives its members.
type UTSDetails struct {
	Hostname   string `json:"hostname"`
	Domainname string `json:"domainname"`
}

// PIDDetails places a pid namespace in the pid namespace tree.
type PIDDetails struct {
	// Level is the depth below the reader's own pid namespace (0 = ours;
	// as root in the initial namespace, the absolute nesting level).
	Level int `json:"level"`
	// Parent is the parent pid namespace; zero at level 0.
	Parent NSID `json:"parent"`
	// InitPID is the pid, as the reader sees it, of the namespace's init
	// (the process that is PID 1 inside); 0 when it has none (it exited,
	// or no process was ever created in the namespace).
	InitPID int `json:"init_pid"`
}

// UserDetails are the id mappings and place in the tree of a user namespace.
type UserDetails struct {
	UIDMap []IDMapping `json:"uid_map"`
	GIDMap []IDMapping `json:"gid_map"`
	// SetGroups is "allow" or "deny" (/proc/<pid>/setgroups); "" if unread.
	SetGroups string `json:"setgroups"`
	// OwnerUID is the effective uid of the process that created it.
	OwnerUID int `json:"owner_uid"`
	// Level is the depth below the reader's user namespace.
	Level int `json:"level"`
	// Parent is the parent user namespace; zero at level 0.
	Parent NSID `json:"parent"`
}

// IDMapping is one line of a uid_map or gid_map: Count ids starting at
// Inside map to ids starting at Outside (as the reader's namespace sees
// them).
type IDMapping struct {
	Inside  uint32 `json:"inside"`
	Outside uint32 `json:"outside"`
	Count   uint32 `json:"count"`
}

// TimeDetails are the clock offsets of a time namespace relative to the
// initial time namespace.
type TimeDetails struct {
	Monotonic ClockOffset `json:"monotonic"`
	Boottime  ClockOffset `json:"boottime"`
}

// CgroupDetails says where the root of a cgroup namespace lies.
type CgroupDetails struct {
	// Root is the cgroup directory members see as "/", as the reader sees
	// it (the host path when read as root from the initial namespace), for
	// the unified (v2) hierarchy, or the first hierarchy when there is no
	// v2 one. "" when it cannot be told (see Notes).
	Root string `json:"root"`
	// Hierarchies holds one view per line of /proc/<pid>/cgroup.
	Hierarchies []CgroupView `json:"hierarchies"`
}

// CgroupView is one cgroup hierarchy seen from outside and from inside a
// cgroup namespace.
type CgroupView struct {
	HierarchyID int      `json:"hierarchy_id"` // 0 for the unified (v2) hierarchy
	Controllers []string `json:"controllers"`  // empty for v2
	Outside     string   `json:"outside"`      // the member's cgroup as the reader sees it
	Inside      string   `json:"inside"`       // the member's cgroup as members see it
	Root        string   `json:"root"`         // the namespace root as the reader sees it; "" if unknown
}

// IPCDetails counts the System V IPC objects of an ipc namespace.
type IPCDetails struct {
	SharedMemory  int `json:"shm"` // segments in /proc/sysvipc/shm
	MessageQueues int `json:"msg"` // queues in /proc/sysvipc/msg
	Semaphores    int `json:"sem"` // semaphore sets in /proc/sysvipc/sem
}

// ReadDetails reads the per-type details of ns. members are candidate
// processes to read through, tried in order (usually the namespace's
// member processes from the snapshot); ns.Path is used when none of them
// is alive and still in the namespace, then (network namespaces) the
// sockets that hold it. Files under /proc/<pid> are read
// where they suffice (mountinfo, uid_map, gid_map, setgroups,
// timens_offsets, cgroup) and ioctls on the namespace fd give the
// hierarchy; for uts, net, ipc and cgroup a dedicated OS thread joins the
// namespace (setns) and is then discarded, unless we are already in it.
// User, mnt and time namespaces are never joined: a multithreaded Go
// process cannot. A mount namespace with no member is listed with
// listmount(2)/statmount(2) instead (Linux 6.11+). A member that exits mid-read gives an error wrapping
// ErrMemberExited; nothing to read through gives ErrNoDetailsSource.
func ReadDetails(ns *Namespace, members []*Process) (*Details, error) {
	if ns == nil {
		return nil, errors.New("read details: no namespace given")
	}
	if !ns.Type.Valid() {
		return nil, fmt.Errorf("read details: invalid namespace type %d", int(ns.Type))
	}
	link := "ns/" + ns.Type.String()
	if ns.Type == TimeNS {
		// timens_offsets shows the offsets of the time namespace a process's
		// children get, so the process must have this one "for children".
		link = "ns/time_for_children"
	}
	src, err := openDetailsSource(ns, members, link)
	if err != nil {
		return nil, fmt.Errorf("read %s namespace %d: %w", ns.Type, ns.ID.Ino, err)
	}
	defer src.close()

	d := &Details{Type: ns.Type, ID: ns.ID, PID: src.pid, Path: src.path}
	if d.ID.IsZero() {
		d.ID = src.id
	}
	switch ns.Type {
	case UTSNS:
		d.UTS, err = readUTSDetails(src)
	case NetNS:
		d.Net, err = readNetDetails(src)
	case MntNS:
		d.Mnt, err = readMntDetails(src)
	case UserNS:
		d.User, err = readUserDetails(src, d)
	case PIDNS:
		d.PIDNS, err = readPIDDetails(src, ns, members, d)
	case TimeNS:
		d.Time, err = readTimeDetails(src)
	case CgroupNS:
		d.Cgroup, err = readCgroupDetails(src, d)
	case IPCNS:
		d.IPC, err = readIPCDetails(src)
	}
	if err == nil && src.dir >= 0 {
		// The member could have exited, or moved to another namespace with
		// setns, while we read: make sure what we read was still its view.
		// (The open /proc/<pid> fd already rules out a reused pid.)
		err = src.verify()
	}
	if err != nil {
		return nil, fmt.Errorf("read %s namespace %d: %w", ns.Type, d.ID.Ino, err)
	}
	return d, nil
}

// ReadSnapshotDetails is ReadDetails with the namespace's members looked up
// in snap.
func ReadSnapshotDetails(snap *Snapshot, ns *Namespace) (*Details, error) {
	if ns == nil {
		return nil, errors.New("read details: no namespace given")
	}
	var members []*Process
	if snap != nil {
		members = snap.Members(ns)
	}
	return ReadDetails(ns, members)
}

// detailsSource is what ReadDetails reads through: an open /proc/<pid>
// directory of a process that is in the namespace (so a reused pid cannot
// fool us), and an fd on the namespace itself.
type detailsSource struct {
	pid  int    // member pid, 0 when read through a path only
	dir  int    // O_PATH fd of /proc/<pid> (or a task dir), -1 when none
	nsfd int    // fd on the namespace's nsfs file
	id   NSID   // identity of nsfd
	link string // "ns/<type>", checked again by verify
	path string // path nsfd was opened from (a socket's /proc/<pid>/fd/<n>: its netns)
}

func (s *detailsSource) close() {
	if s.dir >= 0 {
		unix.Close(s.dir)
	}
	if s.nsfd >= 0 {
		unix.Close(s.nsfd)
	}
}

// verify checks that the process is still alive and in the namespace.
func (s *detailsSource) verify() error {
	var st unix.Stat_t
	if err := unix.Fstatat(s.dir, s.link, &st, 0); err != nil {
		return goneError(s.pid, err)
	}
	if (NSID{Dev: st.Dev, Ino: st.Ino}) != s.id {
		return fmt.Errorf("pid %d left the namespace while it was read: %w", s.pid, ErrMemberExited)
	}
	return nil
}

// readFile reads a file under the process directory.
func (s *detailsSource) readFile(name string) ([]byte, error) {
	if s.dir < 0 {
		return nil, fmt.Errorf("read %s: %w", name, ErrNoDetailsSource)
	}
	fd, err := unix.Openat(s.dir, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /proc/%d/%s: %w", s.pid, name, goneError(s.pid, err))
	}
	f := os.NewFile(uintptr(fd), "/proc/"+strconv.Itoa(s.pid)+"/"+name)
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read /proc/%d/%s: %w", s.pid, name, goneError(s.pid, err))
	}
	return b, nil
}

// goneError marks the errors a process that exited produces, and says
// what to do about a permission error.
func goneError(pid int, err error) error {
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH):
		return fmt.Errorf("pid %d: %w (%w)", pid, ErrMemberExited, err)
	case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
		return fmt.Errorf("%w (another user's process: run as root)", err)
	}
	return err
}

// openDetailsSource finds a live process in ns among the candidates (the
// members, then the pid in ns.Path, then ns.PID), falling back to ns.Path,
// then to the sockets holding ns.
func openDetailsSource(ns *Namespace, members []*Process, link string) (*detailsSource, error) {
	var tried []string
	var lastErr error
	seen := map[string]bool{}
	tryDir := func(dir string, pid int) *detailsSource {
		if dir == "" || seen[dir] {
			return nil
		}
		seen[dir] = true
		src, err := openProcSource(dir, pid, link, ns.ID)
		if err != nil {
			tried = append(tried, strconv.Itoa(pid))
			lastErr = err
			return nil
		}
		return src
	}
	for _, p := range members {
		if p == nil || p.PID <= 0 {
			continue
		}
		if src := tryDir("/proc/"+strconv.Itoa(p.PID), p.PID); src != nil {
			return src, nil
		}
	}
	if dir, pid := procDirOfNSPath(ns.Path); dir != "" {
		if src := tryDir(dir, pid); src != nil {
			return src, nil
		}
	}
	if ns.PID > 0 {
		if src := tryDir("/proc/"+strconv.Itoa(ns.PID), ns.PID); src != nil {
			return src, nil
		}
	}
	// No process: open the namespace through its path (a bind mount, an fd
	// link) so at least the setns- and ioctl-based details can be read.
	if ns.Path != "" {
		fd, err := unix.Open(ns.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			id, serr := fdNSID(fd)
			if serr == nil && (ns.ID.IsZero() || id == ns.ID) {
				return &detailsSource{dir: -1, nsfd: fd, id: id, link: link, path: ns.Path}, nil
			}
			unix.Close(fd)
			if serr != nil {
				lastErr = serr
			} else {
				lastErr = fmt.Errorf("%s is now namespace %d, not %d: %w", ns.Path, id.Ino, ns.ID.Ino, ErrMemberExited)
			}
		} else {
			lastErr = fmt.Errorf("open %s: %w", ns.Path, goneError(0, err))
		}
		tried = append(tried, ns.Path)
	}
	// No path either: a network namespace held only by a socket is opened
	// through the socket (SIOCGSKNS on a copy of it).
	for _, h := range socketHolders(ns) {
		fd, err := openSocketNetNS(h.PID, h.FD)
		if err == nil {
			id, serr := fdNSID(fd)
			if serr == nil && (ns.ID.IsZero() || id == ns.ID) {
				return &detailsSource{dir: -1, nsfd: fd, id: id, link: link, path: h.Path}, nil
			}
			unix.Close(fd)
			if serr != nil {
				err = serr
			} else {
				err = fmt.Errorf("fd %d of pid %d is now a socket of network namespace %d, not %d: %w", h.FD, h.PID, id.Ino, ns.ID.Ino, ErrMemberExited)
			}
		}
		lastErr = err
		tried = append(tried, fmt.Sprintf("socket fd %d of pid %d", h.FD, h.PID))
	}
	if lastErr == nil {
		return nil, ErrNoDetailsSource
	}
	return nil, fmt.Errorf("tried %s: %w", strings.Join(tried, ", "), lastErr)
}

// openProcSource opens dir (a /proc/<pid> or task directory) and the
// namespace link under it, and checks the link is namespace want.
func openProcSource(dir string, pid int, link string, want NSID) (*detailsSource, error) {
	dfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, goneError(pid, err))
	}
	nsfd, err := unix.Openat(dfd, link, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(dfd)
		return nil, fmt.Errorf("open %s/%s: %w", dir, link, goneError(pid, err))
	}
	id, err := fdNSID(nsfd)
	if err == nil && !want.IsZero() && id != want {
		err = fmt.Errorf("pid %d is in %s namespace %d, not %d: %w", pid, link, id.Ino, want.Ino, ErrMemberExited)
	}
	if err != nil {
		unix.Close(nsfd)
		unix.Close(dfd)
		return nil, err
	}
	return &detailsSource{pid: pid, dir: dfd, nsfd: nsfd, id: id, link: link, path: dir + "/" + link}, nil
}

// procDirOfNSPath returns the /proc/<pid> (or /proc/<pid>/task/<tid>)
// directory of a path like /proc/<pid>/ns/<type>, and the pid.
func procDirOfNSPath(path string) (string, int) {
	if !strings.HasPrefix(path, "/proc/") {
		return "", 0
	}
	i := strings.Index(path, "/ns/")
	if i < 0 {
		return "", 0
	}
	dir := path[:i]
	parts := strings.Split(strings.TrimPrefix(dir, "/proc/"), "/")
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 {
		return "", 0
	}
	if len(parts) == 3 && parts[1] == "task" {
		tid, err := strconv.Atoi(parts[2])
		if err != nil || tid <= 0 {
			return "", 0
		}
		pid = tid
	} else if len(parts) != 1 {
		return "", 0
	}
	return dir, pid
}

// fdNSID returns the identity of an nsfs file descriptor.
func fdNSID(fd int) (NSID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return NSID{}, fmt.Errorf("fstat: %w", err)
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}, nil
}

// inNamespace runs fn on an OS thread that is in the namespace of type t
// open as fd. When the calling process is already there, fn just runs (no
// privilege needed). Otherwise a spare thread joins with setns (the kernel
// also checks the fd's type) and stays locked so that, tainted, it is
// destroyed when its goroutine ends instead of going back to the runtime's
// pool. Only types without a single-thread rule may be joined here (uts,
// net, ipc, cgroup): user, mnt and time need a single-threaded caller.
func inNamespace(fd int, t NSType, fn func() error) error {
	target, err := fdNSID(fd)
	if err != nil {
		return err
	}
	onSpareThread(func() {
		var st unix.Stat_t
		if unix.Stat("/proc/thread-self/ns/"+t.String(), &st) == nil && (NSID{Dev: st.Dev, Ino: st.Ino}) == target {
			err = fn()
			runtime.UnlockOSThread() // untouched: the thread may be reused
			return
		}
		if serr := unix.Setns(fd, int(t.CloneFlag())); serr != nil {
			runtime.UnlockOSThread() // a failed setns changed nothing
			if errors.Is(serr, unix.EPERM) {
				serr = fmt.Errorf("%w (joining a %s namespace needs CAP_SYS_ADMIN over it: run as root)", serr, t)
			}
			err = fmt.Errorf("setns %s: %w", t, serr)
			return
		}
		err = fn() // the thread stays locked, and dies with the goroutine
	})
	return err
}

// onSpareThread runs fn on a goroutine locked (runtime.LockOSThread) to an
// OS thread other than the process's main thread, and waits for it. fn
// may unlock it, or leave it locked to have the thread destroyed. The main
// thread must never be tainted: the runtime cannot destroy it (it parks it
// for good instead), and /proc/<our pid>/ns/* show the main thread's
// namespaces, so lsns and our own scans would count us as a member of
// whatever namespace was read last.
func onSpareThread(fn func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			defer close(done)
			fn()
			return
		}
		// We got the main thread: keep it held here, so the scheduler has to
		// run the inner goroutine on another thread.
		inner := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			defer close(inner)
			fn()
		}()
		<-inner
		runtime.UnlockOSThread()
		close(done)
	}()
	<-done
}

// nsParentChain follows NS_GET_PARENT from fd (a pid or user namespace) up
// to the reader's own namespace, whose parent the kernel hides (EPERM).
// It returns the number of steps and the first parent.
func nsParentChain(fd int) (int, NSID, error) {
	var parent NSID
	cur := fd
	level := 0
	defer func() {
		if cur != fd {
			unix.Close(cur)
		}
	}()
	// The kernel nests pid and user namespaces at most 32 deep.
	for level <= 64 {
		p, err := unix.IoctlRetInt(cur, unix.NS_GET_PARENT)
		if err != nil {
			if errors.Is(err, unix.EPERM) {
				return level, parent, nil
			}
			return level, parent, fmt.Errorf("ioctl NS_GET_PARENT: %w", err)
		}
		if level == 0 {
			if parent, err = fdNSID(p); err != nil {
				unix.Close(p)
				return level, parent, err
			}
		}
		level++
		if cur != fd {
			unix.Close(cur)
		}
		cur = p
	}
	return level, parent, nil
}

func readUTSDetails(src *detailsSource) (*UTSDetails, error) {
	var u unix.Utsname
	err := inNamespace(src.nsfd, UTSNS, func() error {
		if err := unix.Uname(&u); err != nil {
			return fmt.Errorf("uname: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UTSDetails{
		Hostname:   unix.ByteSliceToString(u.Nodename[:]),
		Domainname: unix.ByteSliceToString(u.Domainname[:]),
	}, nil
}

func readMntDetails(src *detailsSource) (*MntDetails, error) {
	if src.dir < 0 {
		// No process: ask the kernel by namespace id (Linux 6.11+).
		mounts, err := readMountsByListmount(src.nsfd)
		if err != nil {
			return nil, fmt.Errorf("no member process, and %w: %w", err, ErrNoDetailsSource)
		}
		return &MntDetails{Mounts: mounts}, nil
	}
	b, err := src.readFile("mountinfo")
	if err != nil {
		return nil, err
	}
	mounts, err := parseMountinfoTable(b)
	if err != nil {
		return nil, fmt.Errorf("parse /proc/%d/mountinfo: %w", src.pid, err)
	}
	return &MntDetails{Mounts: mounts}, nil
}

func readUserDetails(src *detailsSource, d *Details) (*UserDetails, error) {
	u := &UserDetails{OwnerUID: -1}
	uid, err := unix.IoctlGetUint32(src.nsfd, unix.NS_GET_OWNER_UID)
	if err != nil {
		return nil, fmt.Errorf("ioctl NS_GET_OWNER_UID: %w", err)
	}
	u.OwnerUID = int(uid)
	if u.Level, u.Parent, err = nsParentChain(src.nsfd); err != nil {
		return nil, err
	}
	if src.dir < 0 {
		d.Notes = append(d.Notes, "uid_map, gid_map and setgroups need a member process; none is alive")
		return u, nil
	}
	for _, f := range []struct {
		name string
		dst  *[]IDMapping
	}{{"uid_map", &u.UIDMap}, {"gid_map", &u.GIDMap}} {
		b, err := src.readFile(f.name)
		if err != nil {
			return nil, err
		}
		if *f.dst, err = parseIDMapFile(b); err != nil {
			return nil, fmt.Errorf("parse /proc/%d/%s: %w", src.pid, f.name, err)
		}
	}
	b, err := src.readFile("setgroups")
	if err != nil {
		return nil, err
	}
	u.SetGroups = strings.TrimSpace(string(b))
	return u, nil
}

func readPIDDetails(src *detailsSource, ns *Namespace, members []*Process, d *Details) (*PIDDetails, error) {
	p := &PIDDetails{}
	var err error
	if p.Level, p.Parent, err = nsParentChain(src.nsfd); err != nil {
		return nil, err
	}
	// Linux 6.10+ translates a pid of the namespace into ours directly.
	r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(src.nsfd), unix.NS_GET_TGID_FROM_PIDNS, 1)
	switch {
	case errno == 0:
		p.InitPID = int(r)
	case errno == unix.ESRCH:
		// No PID 1 in the namespace (it exited, or none was forked yet).
	default:
		// Older kernels: the member whose innermost pid is 1.
		for _, m := range members {
			if m != nil && m.NS[PIDNS] == ns.ID && len(m.NSpid) > 0 && m.NSpid[len(m.NSpid)-1] == 1 {
				p.InitPID = m.PID
				break
			}
		}
		if p.InitPID == 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("ioctl NS_GET_TGID_FROM_PIDNS: %v; init found only among listed members", errno))
		}
	}
	return p, nil
}

func readTimeDetails(src *detailsSource) (*TimeDetails, error) {
	if src.dir < 0 {
		return nil, fmt.Errorf("time offsets are only readable through a process whose time_for_children is this namespace: %w", ErrNoDetailsSource)
	}
	b, err := src.readFile("timens_offsets")
	if err != nil {
		return nil, err
	}
	t, err := parseTimensOffsetsFile(b)
	if err != nil {
		return nil, fmt.Errorf("parse /proc/%d/timens_offsets: %w", src.pid, err)
	}
	return t, nil
}

func readCgroupDetails(src *detailsSource, d *Details) (*CgroupDetails, error) {
	// The cgroup file is read twice: as we see it, then from a thread that
	// joined the cgroup namespace, where the kernel prints paths relative
	// to that namespace's root. The difference is the root.
	var inside []byte
	read := func() ([]byte, error) {
		if src.dir >= 0 {
			return src.readFile("cgroup")
		}
		// No member: our own cgroup (every thread not moved on its own is
		// in the process's), seen from both sides.
		b, err := os.ReadFile("/proc/thread-self/cgroup")
		if err != nil {
			return nil, fmt.Errorf("read /proc/thread-self/cgroup: %w", err)
		}
		return b, nil
	}
	outside, err := read()
	if err != nil {
		return nil, err
	}
	err = inNamespace(src.nsfd, CgroupNS, func() error {
		var err error
		inside, err = read()
		return err
	})
	if err != nil {
		return nil, err
	}
	out, err := parseCgroupLines(outside)
	if err != nil {
		return nil, fmt.Errorf("parse cgroup file: %w", err)
	}
	in, err := parseCgroupLines(inside)
	if err != nil {
		return nil, fmt.Errorf("parse cgroup file: %w", err)
	}
	c := &CgroupDetails{}
	for _, o := range out {
		v := CgroupView{HierarchyID: o.HierarchyID, Controllers: o.Controllers, Outside: o.Path}
		for _, i := range in {
			if i.HierarchyID == o.HierarchyID {
				v.Inside = i.Path
				v.Root, _ = cgroupRootFromViews(o.Path, i.Path)
				break
			}
		}
		c.Hierarchies = append(c.Hierarchies, v)
	}
	primary := -1
	for i, v := range c.Hierarchies {
		if v.HierarchyID == 0 {
			primary = i
			break
		}
	}
	if primary < 0 && len(c.Hierarchies) > 0 {
		primary = 0
	}
	if primary >= 0 {
		c.Root = c.Hierarchies[primary].Root
		if c.Root == "" {
			who := "the member's"
			if src.dir < 0 {
				who = "our"
			}
			d.Notes = append(d.Notes, fmt.Sprintf("cgroup root unknown: %s cgroup %s lies outside it (seen inside as %s)",
				who, c.Hierarchies[primary].Outside, c.Hierarchies[primary].Inside))
		}
	}
	return c, nil
}

func readIPCDetails(src *detailsSource) (*IPCDetails, error) {
	// /proc/sysvipc/* list the objects of the reading thread's ipc
	// namespace, so they are read after joining it.
	c := &IPCDetails{}
	err := inNamespace(src.nsfd, IPCNS, func() error {
		for _, f := range []struct {
			name string
			dst  *int
		}{{"shm", &c.SharedMemory}, {"msg", &c.MessageQueues}, {"sem", &c.Semaphores}} {
			b, err := os.ReadFile("/proc/sysvipc/" + f.name)
			if err != nil {
				return fmt.Errorf("read /proc/sysvipc/%s: %w", f.name, err)
			}
			*f.dst = countSysvipcEntries(b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ReadHostnames reads the hostname of each uts namespace in nss on one OS
// thread that joins them in turn: one thread for the batch instead of one
// per ReadDetails call, for naming many namespaces in a list. Each is
// opened through ns.Path (else /proc/<ns.PID>/ns/uts) and checked to still
// be ns.ID. Namespaces that are gone or cannot be joined are left out.
func ReadHostnames(nss []*Namespace) map[NSID]string {
	out := make(map[NSID]string, len(nss))
	onSpareThread(func() {
		tainted := false
		defer func() {
			if !tainted {
				runtime.UnlockOSThread()
			}
		}()
		var own NSID
		var st unix.Stat_t
		if unix.Stat("/proc/thread-self/ns/uts", &st) == nil {
			own = NSID{Dev: st.Dev, Ino: st.Ino}
		}
		cur := own
		for _, ns := range nss {
			if ns == nil || ns.Type != UTSNS {
				continue
			}
			fd := openUTSOf(ns)
			if fd < 0 {
				continue
			}
			if ns.ID != cur {
				if err := unix.Setns(fd, unix.CLONE_NEWUTS); err != nil {
					unix.Close(fd)
					continue
				}
				cur, tainted = ns.ID, true
			}
			unix.Close(fd)
			var u unix.Utsname
			if unix.Uname(&u) == nil {
				out[ns.ID] = unix.ByteSliceToString(u.Nodename[:])
			}
		}
		if tainted && cur == own {
			// Back home: the thread is clean again.
			tainted = false
		}
	})
	return out
}

// openUTSOf opens ns (a uts namespace) by its path or lowest pid and
// returns the fd, or -1 when it is gone or no longer the same namespace.
func openUTSOf(ns *Namespace) int {
	paths := []string{ns.Path}
	if ns.PID > 0 {
		paths = append(paths, "/proc/"+strconv.Itoa(ns.PID)+"/ns/uts")
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		if id, err := fdNSID(fd); err == nil && id == ns.ID {
			return fd
		}
		unix.Close(fd)
	}
	return -1
}

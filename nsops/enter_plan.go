package nsops

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// enterOrder is nsenter's order of namespace files: the user namespace first
// (the helper's first pass skips it, its second pass takes what is left).
func enterOrder() []NSType {
	return []NSType{UserNS, CgroupNS, IPCNS, UTSNS, NetNS, PIDNS, MntNS, TimeNS}
}

// enterNSFile is one namespace file to setns into.
type enterNSFile struct {
	file int // index into enterPlan.files
	t    NSType
}

// enterPlan is a prepared enter: every descriptor opened, every decision made.
type enterPlan struct {
	files    []*os.File
	pidfd    int     // index into files, -1 when no pidfd
	pidflags uintptr // CLONE_NEW* to take from the pidfd
	ns       []enterNSFile
	root, wd int // index into files, -1 when unset
	uid, gid int // -1: leave alone
	groups   bool
	fork     bool
	shell    bool
	usePidfd bool // setns(pidfd) works here (Linux >= 5.8)

	// What the run joins, for EquivalentLine: each namespace joined, by
	// type, with the file named for it ("" when it is the target pid's).
	// allExact is false when --all left out more than nsenter --all would
	// (only our own user namespace): a namespace we are already in.
	joined   map[NSType]string
	allExact bool

	exe  string
	args []string
	env  []string
}

func (p *enterPlan) close() {
	for _, f := range p.files {
		f.Close()
	}
}

func (p *enterPlan) add(f *os.File) int {
	p.files = append(p.files, f)
	return len(p.files) - 1
}

// config renders the helper's protocol line (see EnterEnv); fds[i] is the
// descriptor number files[i] has in the helper.
func (p *enterPlan) config(fds []int) string {
	var b strings.Builder
	if p.pidfd >= 0 { // even with no flags: the helper must keep it from the command
		fmt.Fprintf(&b, "pidfd=%d:%#x ", fds[p.pidfd], p.pidflags)
	}
	if len(p.ns) > 0 {
		items := make([]string, len(p.ns))
		for i, n := range p.ns {
			items[i] = fmt.Sprintf("%d:%#x", fds[n.file], n.t.CloneFlag())
		}
		b.WriteString("ns=" + strings.Join(items, ",") + " ")
	}
	if p.root >= 0 {
		fmt.Fprintf(&b, "root=%d ", fds[p.root])
	}
	if p.wd >= 0 {
		fmt.Fprintf(&b, "wd=%d ", fds[p.wd])
	}
	fmt.Fprintf(&b, "uid=%d gid=%d groups=%d fork=%d shell=%d", p.uid, p.gid, b2i(p.groups), b2i(p.fork), b2i(p.shell))
	return b.String()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ownNS returns the identity of our own namespace of type t: the one the
// helper (our child) starts in. For pid and time that is the namespace for
// our children.
func ownNS(t NSType) (NSID, error) {
	name := t.String()
	if t == PIDNS || t == TimeNS {
		name += "_for_children"
	}
	return statNSID("/proc/self/ns/" + name)
}

func statNSID(path string) (NSID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return NSID{}, err
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}, nil
}

func fstatNSID(f *os.File) (NSID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return NSID{}, err
	}
	return NSID{Dev: st.Dev, Ino: st.Ino}, nil
}

// openNSFile opens a namespace file and asks the kernel for its type.
func openNSFile(path string) (*os.File, NSType, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		err = unwrapPathErr(err)
		if errors.Is(err, unix.ENOENT) && !strings.HasPrefix(path, "/proc/") {
			// A file the user named, not a process that went away.
			return nil, 0, &EnterError{Op: "open " + path, Err: err,
				Hint: "no such file: want /proc/PID/ns/TYPE, /run/netns/NAME or an nsfs bind mount"}
		}
		return nil, 0, enterErr("open "+path, err)
	}
	t, err := nsFileType(f)
	if err != nil {
		f.Close()
		return nil, 0, enterErr("ioctl(NS_GET_NSTYPE) on "+path, err)
	}
	return f, t, nil
}

func nsFileType(f *os.File) (NSType, error) {
	flag, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	if err != nil {
		return 0, err
	}
	t, ok := TypeFromCloneFlag(uintptr(flag))
	if !ok {
		return 0, fmt.Errorf("unknown namespace type %#x", flag)
	}
	return t, nil
}

// wantTypes is the set of types the spec asks for, in enterOrder.
func (s EnterSpec) wantTypes() []NSType {
	want := map[NSType]bool{}
	if s.All {
		for _, t := range AllTypes() {
			want[t] = true
		}
	}
	for _, t := range s.Types {
		want[t] = true
	}
	for t := range s.Paths {
		want[t] = true
	}
	var out []NSType
	for _, t := range enterOrder() {
		if want[t] {
			out = append(out, t)
		}
	}
	return out
}

// enterKernel is what the running kernel's pidfds can do. Tests pass an
// older kernel's to take its path.
type enterKernel struct {
	setnsPidfd  bool // setns(2) takes a pidfd: Linux >= 5.8
	threadPidfd bool // pidfd_open(2) may be tried with PIDFD_THREAD (Linux >= 6.9; EINVAL before)
}

// plan opens every target and decides what the helper does.
func (s EnterSpec) plan() (*enterPlan, error) {
	return s.planWith(enterKernel{setnsPidfd: pidfdSetns(), threadPidfd: true})
}

// planWith is plan on a kernel with k's pidfd features.
func (s EnterSpec) planWith(k enterKernel) (*enterPlan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p := &enterPlan{pidfd: -1, root: -1, wd: -1, uid: s.UID, gid: s.GID, exe: s.Exe,
		usePidfd: k.setnsPidfd, joined: map[NSType]string{}, allExact: s.All}
	if err := s.open(p, k); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// open fills p: it opens every target and makes every decision.
func (s EnterSpec) open(p *enterPlan, k enterKernel) error {
	if p.exe == "" {
		p.exe = "/proc/self/exe"
	}
	// join records namespace file f of type t, named what, unless we are
	// already in it: nstui never joins a namespace it is in, even one a
	// type option names (setns into our own user namespace is EINVAL; the
	// others are no-ops that would only reset the root and working
	// directory), and EquivalentLine leaves it out as well.
	join := func(f *os.File, t NSType, what string) error {
		id, err := fstatNSID(f)
		if err != nil {
			return enterErr("fstat "+what, err)
		}
		if own, err := ownNS(t); err == nil && own == id {
			f.Close()
			p.allExact = false // nsenter --all with this file would join it
			return nil
		}
		p.ns = append(p.ns, enterNSFile{file: p.add(f), t: t})
		p.joined[t] = what
		return nil
	}

	switch {
	case s.Target > 0:
		if err := p.planPID(s, k); err != nil {
			return err
		}
	case s.TargetPath != "":
		f, t, err := openNSFile(s.TargetPath)
		if err != nil {
			return err
		}
		if err := s.checkOneNS(s.TargetPath, t); err != nil {
			f.Close()
			return err
		}
		if err := join(f, t, s.TargetPath); err != nil {
			return err
		}
	case !s.TargetNS.IsZero():
		f, err := s.openDiscovered()
		if err != nil {
			return err
		}
		if err := join(f, s.TargetNS.Type, s.TargetNS.String()); err != nil {
			return err
		}
	}
	for _, t := range enterOrder() {
		path, ok := s.Paths[t]
		if !ok {
			continue
		}
		f, got, err := openNSFile(path)
		if err != nil {
			return err
		}
		if got != t {
			f.Close()
			return fmt.Errorf("%s is a %s namespace, not %s", path, got, t)
		}
		if err := join(f, t, path); err != nil {
			return err
		}
	}
	// Keep nsenter's file order: user first.
	sortNSFiles(p.ns)

	_, p.fork = p.joined[PIDNS]
	if _, user := p.joined[UserNS]; user && !s.PreserveCredentials {
		p.groups = true
		if p.uid < 0 {
			p.uid = 0
		}
		if p.gid < 0 {
			p.gid = 0
		}
	}
	var err error
	if p.root, err = s.openDir(p, s.Root, "root"); err != nil {
		return err
	}
	if p.wd, err = s.openDir(p, s.Wd, "cwd"); err != nil {
		return err
	}

	p.env = os.Environ()
	if s.Env {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", s.Target))
		if err != nil {
			return enterErr(fmt.Sprintf("read /proc/%d/environ", s.Target), unwrapPathErr(err))
		}
		p.env = nil
		for _, kv := range bytes.Split(b, []byte{0}) {
			if len(kv) > 0 {
				p.env = append(p.env, string(kv))
			}
		}
	}
	p.env = withoutEnv(p.env, EnterEnv)
	p.args = s.Args
	if len(p.args) == 0 {
		shell := envValue(p.env, "SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		p.args = []string{shell}
		p.shell = true
	}
	if s.Target > 0 {
		// Everything about the target was read through its pid; make sure
		// it was the process the pidfd holds, not a successor with its pid.
		if err := pidfdAlive(p); err != nil {
			return err
		}
	}
	return nil
}

// planPID opens the pid target: a pidfd (Linux >= 5.8 joins all types with
// one setns call), else one /proc/PID/ns file per type.
func (p *enterPlan) planPID(s EnterSpec, k enterKernel) error {
	pid := s.Target
	fd, nsDir, usePidfd, err := pinTarget(pid, k)
	if err != nil {
		return err
	}
	if fd >= 0 {
		p.pidfd = p.add(os.NewFile(uintptr(fd), fmt.Sprintf("pidfd:%d", pid)))
	}
	p.usePidfd = usePidfd
	for _, t := range s.wantTypes() {
		if _, ok := s.Paths[t]; ok {
			continue // a file given for this type wins (nsenter --net=FILE)
		}
		path := nsDir + "/" + t.String()
		id, err := statNSID(path)
		if errors.Is(err, unix.ENOENT) && s.All && !containsType(s.Types, t) {
			if _, statErr := os.Stat(filepath.Dir(nsDir)); statErr == nil {
				continue // this kernel lacks the type; --all skips it
			}
		}
		if err != nil {
			return enterErr("stat "+path, err)
		}
		if own, err := ownNS(t); err == nil && own == id {
			// Already there: nothing to join.
			if !NsenterAllSkipsOwn(t) {
				p.allExact = false
			}
			continue
		}
		p.joined[t] = ""
		if usePidfd {
			p.pidflags |= t.CloneFlag()
			continue
		}
		f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return enterErr("open "+path, unwrapPathErr(err))
		}
		p.ns = append(p.ns, enterNSFile{file: p.add(f), t: t})
	}
	return nil
}

// pinTarget opens a pidfd for the target pid: it pins the process (checked
// again after /proc was read, it proves the pid was not reused meanwhile)
// and, where setns(2) takes one, joins its namespaces. It returns the pidfd
// (-1 on kernels before 5.3, which have none), the directory of the
// target's namespace files and whether setns may take the pidfd (before
// 5.8 it cannot, and the files are joined instead).
//
// A thread id (ps -L, top -H, a thread holder in nstui ls) is a target
// too, as for nsenter, which opens /proc/TID/ns: a thread can have
// namespaces of its own (unshare(2) acts on the calling thread).
// pidfd_open takes a thread only with PIDFD_THREAD (Linux 6.9+), and
// setns(2) given such a pidfd joins that thread's namespaces. Older
// kernels pin the thread's process and join the files of
// /proc/TGID/task/TID/ns, which name a thread of that process only.
func pinTarget(pid int, k enterKernel) (fd int, nsDir string, usePidfd bool, err error) {
	fd, err = unix.PidfdOpen(pid, 0)
	switch {
	case err == nil:
		return fd, fmt.Sprintf("/proc/%d/ns", pid), k.setnsPidfd, nil
	case errors.Is(err, unix.ENOSYS):
		return -1, fmt.Sprintf("/proc/%d/ns", pid), false, nil
	}
	tgid := threadGroup(pid)
	if tgid <= 0 || tgid == pid {
		return -1, "", false, enterErr(fmt.Sprintf("pidfd_open(%d)", pid), err)
	}
	nsDir = fmt.Sprintf("/proc/%d/task/%d/ns", tgid, pid)
	if k.threadPidfd {
		fd, err = unix.PidfdOpen(pid, unix.PIDFD_THREAD)
		if err == nil {
			return fd, nsDir, k.setnsPidfd, nil
		}
		if !errors.Is(err, unix.EINVAL) {
			return -1, "", false, threadErr(fmt.Sprintf("pidfd_open(%d, PIDFD_THREAD)", pid), pid, tgid, err)
		}
	}
	if fd, err = unix.PidfdOpen(tgid, 0); err != nil {
		return -1, "", false, threadErr(fmt.Sprintf("pidfd_open(%d)", tgid), pid, tgid, err)
	}
	return fd, nsDir, false, nil
}

// threadGroup returns the thread group (process) of task id, or 0 when
// there is no such task.
func threadGroup(id int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", id))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// threadErr is a failure to pin thread tid of process tgid: the hint says
// it is a thread, so a thread that ended is not taken for a process that
// never existed.
func threadErr(op string, tid, tgid int, err error) error {
	hint := fmt.Sprintf("%d is a thread of process %d", tid, tgid)
	switch h := enterHint(err); {
	case errors.Is(err, unix.ESRCH), errors.Is(err, unix.ENOENT):
		hint += ", and it exited; pick a running one (nstui ls, ps -L)"
	case h != "":
		hint += "; " + h
	}
	return &EnterError{Op: op, Err: err, Hint: hint}
}

// pidfdSetns reports whether setns(2) takes a pidfd: Linux >= 5.8.
func pidfdSetns() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 5 || major == 5 && minor >= 8
}

// pidfdAlive checks that the process behind the pidfd still runs.
func pidfdAlive(p *enterPlan) error {
	if p.pidfd < 0 {
		return nil
	}
	fd := int(p.files[p.pidfd].Fd())
	if err := unix.PidfdSendSignal(fd, 0, nil, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return enterErr("pidfd_send_signal(0)", err)
	}
	return nil
}

// openDir opens dir ("" none, EnterTargetDir the target's /proc/PID/<which>)
// now, in our own mount namespace, as nsenter does.
func (s EnterSpec) openDir(p *enterPlan, dir, which string) (int, error) {
	if dir == "" {
		return -1, nil
	}
	given := dir != EnterTargetDir
	if !given {
		dir = fmt.Sprintf("/proc/%d/%s", s.Target, which)
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		err = unwrapPathErr(err)
		if !given { // the target's own directory: the target went away
			return -1, enterErr("open "+dir, err)
		}
		opt := map[string]string{"root": "--root", "cwd": "--wd"}[which]
		hint := "it is opened here, in our own mount namespace, before entering (as nsenter does): give a directory that exists here, or " + opt + " alone for the target's"
		return -1, &EnterError{Op: opt + " " + dir, Err: err, Hint: hint}
	}
	return p.add(f), nil
}

// openDiscovered opens the namespace TargetNS names through discovery: its
// path when it has one, else through a child namespace (NS_GET_PARENT or
// NS_GET_USERNS on the child), recursively. The inode is checked after
// opening, so a namespace that went away is reported, not replaced.
func (s EnterSpec) openDiscovered() (*os.File, error) {
	snap := s.Snapshot
	if snap == nil {
		var err error
		if snap, err = scanForEnter(); err != nil {
			return nil, err
		}
	}
	return openByRef(snap, s.TargetNS, 0)
}

func openByRef(snap *Snapshot, ref NSRef, depth int) (*os.File, error) {
	ns := snap.Find(ref.Type, ref.Ino)
	if ns == nil {
		return nil, fmt.Errorf("namespace %s not found: it is gone, or run as root to see it (nstui ls)", ref)
	}
	if depth > 32 {
		return nil, fmt.Errorf("namespace %s: holder chain too deep", ref)
	}
	var lastErr error
	if ns.Path != "" {
		f, t, err := openNSFile(ns.Path)
		if err == nil {
			if err = checkRef(f, t, ref); err == nil {
				return f, nil
			}
			f.Close()
		}
		lastErr = err
	}
	// A network namespace no process is in and no file names can still be
	// held by a socket created in it: its namespace is one ioctl away.
	for _, h := range socketHolders(ns) {
		fd, err := openSocketNetNS(h.PID, h.FD)
		if err != nil {
			lastErr = err
			continue
		}
		f, err := refFile(fd, fmt.Sprintf("%s (socket fd %d of pid %d)", ref, h.FD, h.PID), ref)
		if err == nil {
			return f, nil
		}
		lastErr = err
	}
	for _, h := range ns.Holders {
		if h.Kind != HeldByChild || h.Child.IsZero() {
			continue
		}
		child := snap.ByID(h.Child)
		if child == nil {
			continue
		}
		cf, err := openByRef(snap, NSRef{Type: child.Type, Ino: child.ID.Ino}, depth+1)
		if err != nil {
			lastErr = err
			continue
		}
		// A user namespace owns its children; pid and user namespaces also
		// have a parent of their own type.
		req, name := uint(unix.NS_GET_USERNS), "NS_GET_USERNS"
		if ref.Type == child.Type {
			req, name = unix.NS_GET_PARENT, "NS_GET_PARENT"
		}
		fd, err := unix.IoctlRetInt(int(cf.Fd()), req)
		cf.Close()
		if err != nil {
			lastErr = enterErr(fmt.Sprintf("ioctl(%s) on %s:%d", name, child.Type, child.ID.Ino), err)
			continue
		}
		f, err := refFile(fd, ref.String(), ref)
		if err == nil {
			return f, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = errors.New("nothing that holds it can be opened")
	}
	return nil, fmt.Errorf("open namespace %s: %w", ref, lastErr)
}

// NsenterAllSkipsOwn reports whether nsenter --all leaves out a namespace
// of type t that the caller is already in. Only the user namespace (setns
// into it would fail); every other type is joined again, so where nstui
// leaves out another one, --all is not its equivalent.
func NsenterAllSkipsOwn(t NSType) bool { return t == UserNS }

// refFile takes a namespace fd that should be ref as a file named name: it
// is closed unless it is ref (the namespace may have gone and its inode been
// reused).
func refFile(fd int, name string, ref NSRef) (*os.File, error) {
	f := os.NewFile(uintptr(fd), name)
	t, err := nsFileType(f)
	if err == nil {
		err = checkRef(f, t, ref)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func checkRef(f *os.File, t NSType, ref NSRef) error {
	id, err := fstatNSID(f)
	if err != nil {
		return err
	}
	if t != ref.Type || id.Ino != ref.Ino {
		return fmt.Errorf("found %s:%d instead of %s: the namespace went away", t, id.Ino, ref)
	}
	return nil
}

func containsType(ts []NSType, t NSType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func sortNSFiles(ns []enterNSFile) {
	rank := map[NSType]int{}
	for i, t := range enterOrder() {
		rank[t] = i
	}
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && rank[ns[j].t] < rank[ns[j-1].t]; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func envValue(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], name+"="); ok {
			return v
		}
	}
	return ""
}

package nsops

import (
	"bytes"
	"errors"
	"fmt"
	"os"
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
	exe      string
	args     []string
	env      []string
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

// plan opens every target and decides what the helper does.
func (s EnterSpec) plan() (*enterPlan, error) {
	return s.planWith(pidfdSetns())
}

// planWith is plan, with setns(pidfd) allowed or not (tests take the
// namespace-file path of kernels older than 5.8 with usePidfd false).
func (s EnterSpec) planWith(usePidfd bool) (*enterPlan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p := &enterPlan{pidfd: -1, root: -1, wd: -1, uid: s.UID, gid: s.GID, exe: s.Exe, usePidfd: usePidfd}
	if err := s.open(p); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// open fills p: it opens every target and makes every decision.
func (s EnterSpec) open(p *enterPlan) error {
	if p.exe == "" {
		p.exe = "/proc/self/exe"
	}
	entered := map[NSType]bool{}
	// join records namespace file f of type t unless we are already in it
	// (setns into our own user namespace is EINVAL; the others are no-ops
	// that would only reset the root and working directory).
	join := func(f *os.File, t NSType, what string) error {
		id, err := fstatNSID(f)
		if err != nil {
			return enterErr("fstat "+what, err)
		}
		if own, err := ownNS(t); err == nil && own == id {
			f.Close()
			return nil
		}
		p.ns = append(p.ns, enterNSFile{file: p.add(f), t: t})
		entered[t] = true
		return nil
	}

	switch {
	case s.Target > 0:
		if err := p.planPID(s, entered); err != nil {
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

	p.fork = entered[PIDNS]
	if entered[UserNS] && !s.PreserveCredentials {
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
func (p *enterPlan) planPID(s EnterSpec, entered map[NSType]bool) error {
	pid := s.Target
	// The pidfd also pins the process: checked again after reading /proc,
	// it proves the pid was not reused meanwhile. Kernels before 5.3 have
	// none; before 5.8 setns cannot take one, and namespace files are used.
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case err == nil:
		p.pidfd = p.add(os.NewFile(uintptr(fd), fmt.Sprintf("pidfd:%d", pid)))
	case errors.Is(err, unix.ENOSYS):
		p.usePidfd = false
	default:
		return enterErr(fmt.Sprintf("pidfd_open(%d)", pid), err)
	}
	usePidfd := p.usePidfd
	for _, t := range s.wantTypes() {
		if _, ok := s.Paths[t]; ok {
			continue // a file given for this type wins (nsenter --net=FILE)
		}
		path := fmt.Sprintf("/proc/%d/ns/%s", pid, t)
		id, err := statNSID(path)
		if errors.Is(err, unix.ENOENT) && s.All && !containsType(s.Types, t) {
			if _, statErr := os.Stat(fmt.Sprintf("/proc/%d", pid)); statErr == nil {
				continue // this kernel lacks the type; --all skips it
			}
		}
		if err != nil {
			return enterErr("stat "+path, err)
		}
		if own, err := ownNS(t); err == nil && own == id {
			continue // already there: nothing to join
		}
		entered[t] = true
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
	if dir == EnterTargetDir {
		dir = fmt.Sprintf("/proc/%d/%s", s.Target, which)
	}
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, enterErr("open "+dir, unwrapPathErr(err))
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
		f := os.NewFile(uintptr(fd), fmt.Sprintf("%s (socket fd %d of pid %d)", ref, h.FD, h.PID))
		t, err := nsFileType(f)
		if err == nil {
			err = checkRef(f, t, ref)
		}
		if err == nil {
			return f, nil
		}
		f.Close()
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
		f := os.NewFile(uintptr(fd), ref.String())
		t, err := nsFileType(f)
		if err == nil {
			err = checkRef(f, t, ref)
		}
		if err == nil {
			return f, nil
		}
		f.Close()
		lastErr = err
	}
	if lastErr == nil {
		lastErr = errors.New("nothing that holds it can be opened")
	}
	return nil, fmt.Errorf("open namespace %s: %w", ref, lastErr)
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

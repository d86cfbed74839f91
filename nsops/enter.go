package nsops

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// EnterEnv is the environment variable that switches a re-executed nstui
// into the enter helper: its C constructor (package nsops/nsenter) reads it,
// joins the namespaces before the Go runtime starts, removes it and execs the
// command. Its value describes the inherited descriptors:
//
//	pidfd=FD:FLAGS ns=FD:FLAG,... root=FD wd=FD uid=N gid=N groups=0|1 fork=0|1 shell=0|1
const EnterEnv = "_NSTUI_ENTER"

// EnterHelperArg0 is argv[0] of the enter helper; argv[1:] is the command.
const EnterHelperArg0 = "nstui-enter"

// EnterTargetDir as EnterSpec.Root or EnterSpec.Wd means "the target's own"
// (nsenter's -r / -w without a directory): /proc/PID/root, /proc/PID/cwd.
const EnterTargetDir = "="

// EnterExitSetup is the exit status of the enter helper when it could not
// join the namespaces or set up the command (it printed one line saying why).
// 126 and 127 mean the command could not be executed or was not found.
const EnterExitSetup = 125

// NSRef names a namespace the way discovery and lsns report it: type and
// inode ("net:4026532008").
type NSRef struct {
	Type NSType
	Ino  uint64
}

// IsZero reports whether the reference is unset.
func (r NSRef) IsZero() bool { return r.Ino == 0 }

// String returns "TYPE:INODE".
func (r NSRef) String() string { return fmt.Sprintf("%s:%d", r.Type, r.Ino) }

// ParseNSRef parses "TYPE:INODE", also in readlink's form "TYPE:[INODE]".
func ParseNSRef(s string) (NSRef, error) {
	name, ino, ok := strings.Cut(s, ":")
	if !ok {
		return NSRef{}, fmt.Errorf("namespace %q: want TYPE:INODE, as lsns and nstui ls print it (net:4026531840)", s)
	}
	t, err := ParseNSType(name)
	if err != nil {
		return NSRef{}, err
	}
	n, err := strconv.ParseUint(strings.Trim(ino, "[]"), 10, 64)
	if err != nil || n == 0 {
		return NSRef{}, fmt.Errorf("namespace %q: the inode must be a positive number", s)
	}
	return NSRef{Type: t, Ino: n}, nil
}

// EnterSpec says which existing namespaces to join and what to run there. It
// is nsenter's command line as a value: the TUI's "enter" action and
// `nstui enter` both build one, then start Command's result.
//
// At most one target kind is set: Target (a pid), TargetPath (a namespace
// file) or TargetNS (a namespace discovery found). Paths adds per-type files
// (nsenter --net=FILE): for a pid target they replace its namespace of that
// type; beside a namespace file or TYPE:INODE, which is one namespace, they
// are the only way to another type (see checkOneNS).
type EnterSpec struct {
	Target     int               // pid (or thread id) whose namespaces to join; 0 = none
	TargetPath string            // namespace file: /run/netns/NAME, /proc/PID/ns/TYPE, an nsfs bind mount
	TargetNS   NSRef             // a namespace as discovery reports it (found through its holders)
	Snapshot   *Snapshot         // discovery snapshot to resolve TargetNS with; nil = scan when needed
	Paths      map[NSType]string // per-type namespace files, overriding Target's for that type

	Types []NSType // types to join (namespaces we already share are skipped)
	All   bool     // join every type the target has that differs from ours (nsenter --all), plus Types

	Root string // chroot: "" none, EnterTargetDir the target's root, else a directory (opened before joining)
	Wd   string // working directory: "" unchanged, EnterTargetDir the target's, else a directory

	// UID and GID to switch to, -1 to leave alone. Joining a user namespace
	// switches to 0/0 (and drops supplementary groups) unless
	// PreserveCredentials, as nsenter does; UID/GID override those zeros.
	UID, GID            int
	PreserveCredentials bool

	Env  bool     // run the command with the target's environment (/proc/PID/environ)
	Args []string // the command and its arguments, looked up inside the target; default $SHELL, else /bin/sh
	Exe  string   // the nstui binary to re-execute; default /proc/self/exe
}

// NewEnterSpec returns a spec that joins every namespace of pid that differs
// from ours and leaves uid and gid alone.
func NewEnterSpec(pid int) EnterSpec {
	return EnterSpec{Target: pid, All: true, UID: -1, GID: -1}
}

// EnterError is a failure to prepare an enter: what was attempted, the
// kernel's error and what to do about it. Its text is one line.
type EnterError struct {
	Op   string // "pidfd_open(4242)", "open /run/netns/x", ...
	Err  error  // usually a unix.Errno
	Hint string // the fix, or "" when there is nothing to add
}

// Error returns "op: ENAME (text): hint".
func (e *EnterError) Error() string {
	reason := e.Err.Error()
	var errno unix.Errno
	if errors.As(e.Err, &errno) {
		reason = unix.ErrnoName(errno) + " (" + errno.Error() + ")"
	}
	if e.Hint == "" {
		return e.Op + ": " + reason
	}
	return e.Op + ": " + reason + ": " + e.Hint
}

// Unwrap returns the underlying error.
func (e *EnterError) Unwrap() error { return e.Err }

// enterHint is the fix for the usual kernel refusals.
func enterHint(err error) string {
	switch {
	case errors.Is(err, unix.ESRCH), errors.Is(err, unix.ENOENT):
		return "target exited or never existed; pick a running process (nstui ls)"
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		if os.Geteuid() == 0 {
			return "even root may not: the target is beyond our user namespace, or ptrace is restricted (yama ptrace_scope, an LSM)"
		}
		return "need ptrace access to the target and CAP_SYS_ADMIN in its user namespace; run as root"
	case errors.Is(err, unix.ENOTTY):
		return "not a namespace file (want /proc/PID/ns/TYPE, /run/netns/NAME or an nsfs bind mount)"
	}
	return ""
}

func enterErr(op string, err error) error {
	return &EnterError{Op: op, Err: err, Hint: enterHint(err)}
}

// IDError is a uid or gid that EnterSpec cannot switch to: past uid_t's
// range, or negative other than -1 ("leave it").
type IDError struct {
	ID    int
	Group bool   // a gid, not a uid
	Name  string // how the caller took the id ("-S/--setuid"); "" says "uid" or "gid"
}

// Error returns "uid 4294967296: want a number from 0 to 4294967294 (or -1 to leave it)".
func (e *IDError) Error() string {
	name := e.Name
	if name == "" {
		name = "uid"
		if e.Group {
			name = "gid"
		}
	}
	return fmt.Sprintf("%s %d: want a number from 0 to %d (or -1 to leave it)", name, e.ID, maxID)
}

// checkOneNS refuses the type options that would have nothing to enter when
// the target is not a process. A namespace file or TYPE:INODE target (named
// target, of type t) is one namespace; target "" is no target at all. Only a
// process has a namespace of every type, so a bare type option of another
// type (-m next to a net target, or with no target) names nothing, and a
// --TYPE=FILE of the target's own type names a second namespace of that
// type: nsenter refuses the first, and quietly dropping either would run the
// command in a namespace nobody asked for.
func (s EnterSpec) checkOneNS(target string, t NSType) error {
	for _, x := range AllTypes() {
		opt := x.NsenterOption()
		file, hasFile := s.Paths[x]
		own := target != "" && x == t
		switch {
		case hasFile && own:
			return fmt.Errorf("%s=%s and %s are two %s namespaces: give one", opt, file, target, x)
		case hasFile || own || !containsType(s.Types, x):
		case target == "":
			return fmt.Errorf("%s has nothing to enter: give %s=FILE, or a target pid (-t PID)", opt, opt)
		default:
			return fmt.Errorf("%s has nothing to enter: %s is a %s namespace (give %s=FILE, or -t PID for a process's)", opt, target, t, opt)
		}
	}
	return nil
}

// Validate checks the spec without touching the system.
func (s EnterSpec) Validate() error {
	if s.Target < 0 {
		return fmt.Errorf("invalid target pid %d: want the pid of a running process", s.Target)
	}
	targets := 0
	for _, set := range []bool{s.Target > 0, s.TargetPath != "", !s.TargetNS.IsZero()} {
		if set {
			targets++
		}
	}
	if targets > 1 {
		return errors.New("give one target: a pid, a namespace file or TYPE:INODE")
	}
	if targets == 0 && len(s.Paths) == 0 {
		return errors.New("no target: give a pid (-t PID), a namespace file or TYPE:INODE")
	}
	for _, t := range s.Types {
		if !t.Valid() {
			return fmt.Errorf("invalid namespace type %d", int(t))
		}
	}
	for t, p := range s.Paths {
		if !t.Valid() {
			return fmt.Errorf("invalid namespace type %d", int(t))
		}
		if p == "" {
			return fmt.Errorf("empty path for the %s namespace", t)
		}
	}
	if s.Target > 0 && !s.All && len(s.Types) == 0 && len(s.Paths) == 0 {
		return errors.New("no namespace type: give --all or some of -m -u -i -n -p -C -U -T")
	}
	if !s.TargetNS.IsZero() && !s.TargetNS.Type.Valid() {
		return fmt.Errorf("invalid namespace type %d", int(s.TargetNS.Type))
	}
	if s.Target == 0 {
		if s.All {
			return errors.New("--all enters every namespace of a process: it needs a target pid (-t PID)")
		}
		if s.Root == EnterTargetDir || s.Wd == EnterTargetDir {
			return errors.New("--root/--wd without a directory take the target process's: they need a target pid")
		}
		if s.Env {
			return errors.New("--env takes the target process's environment: it needs a target pid")
		}
		// A namespace file's type is known once it is open: the plan and
		// EquivalentError check it then.
		var err error
		switch {
		case !s.TargetNS.IsZero():
			err = s.checkOneNS(s.TargetNS.String(), s.TargetNS.Type)
		case s.TargetPath == "":
			err = s.checkOneNS("", 0)
		}
		if err != nil {
			return err
		}
	}
	// 4294967295 is (uid_t)-1, "no change" to the kernel; anything larger
	// would wrap around to a small id (4294967296 to root).
	if s.UID < -1 || s.UID > maxID {
		return &IDError{ID: s.UID}
	}
	if s.GID < -1 || s.GID > maxID {
		return &IDError{ID: s.GID, Group: true}
	}
	if len(s.Args) > 0 && s.Args[0] == "" {
		return errors.New("empty command name")
	}
	return nil
}

// Command prepares the enter: it opens every target now (a pidfd for a pid
// target, namespace files, the --root/--wd directories), before anything
// switches, and returns a command that re-executes nstui in its enter helper
// mode with those descriptors. The caller sets Stdin/Stdout/Stderr (or starts
// it on a PTY) and starts it; after Start the descriptors in cmd.ExtraFiles
// may be closed (they are closed when garbage collected otherwise). The
// helper joins the namespaces before its Go runtime starts, forks when a pid
// namespace was joined, and exits with the command's status (128+N for a
// signal N), or EnterExitSetup after one line on stderr if joining failed.
// Neither the command nor its children see the helper's variable or fds.
func (s EnterSpec) Command() (*exec.Cmd, error) {
	p, err := s.plan()
	if err != nil {
		return nil, err
	}
	return p.command(), nil
}

// command is the helper's command for a prepared plan.
func (p *enterPlan) command() *exec.Cmd {
	fds := make([]int, len(p.files))
	for i := range fds {
		fds[i] = 3 + i // ExtraFiles[i] becomes fd 3+i in the child
	}
	return &exec.Cmd{
		Path:       p.exe,
		Args:       append([]string{EnterHelperArg0}, p.args...),
		Env:        append(p.env, EnterEnv+"="+p.config(fds)),
		ExtraFiles: p.files,
	}
}

// Exec is Command without a middle process: it replaces the calling process
// with the enter helper, so the command runs on our terminal with our pid and
// signals reach it directly. It returns only on failure.
func (s EnterSpec) Exec() error {
	p, err := s.plan()
	if err != nil {
		return err
	}
	fds := make([]int, len(p.files))
	for i, f := range p.files {
		fds[i] = int(f.Fd())
		// Our files are close-on-exec; these must survive into the helper.
		if _, err := unix.FcntlInt(uintptr(fds[i]), unix.F_SETFD, 0); err != nil {
			p.close()
			return fmt.Errorf("fcntl(F_SETFD): %w", err)
		}
	}
	env := append(p.env, EnterEnv+"="+p.config(fds))
	err = unix.Exec(p.exe, append([]string{EnterHelperArg0}, p.args...), env)
	p.close()
	return fmt.Errorf("execve %s: %w", p.exe, err)
}

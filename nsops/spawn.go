package nsops

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// SpawnSpec describes a sandbox: which new namespaces to create, how to set
// them up and which command to run inside. Build one with NewSpawnSpec (it
// sets MapUser and MapGroup to -1, "unset"), check it with Validate, turn it
// into a process with Command (or a request for nstui spawn's driver with
// DriverRequest), and show it as an unshare command line with Equivalent.
//
// The command never runs directly: it runs under nstui's own init (C code
// of the same binary, see nsops/nsenter), which is PID 1 of the new pid
// namespace, or a child subreaper when no pid namespace is asked for.
type SpawnSpec struct {
	// Types are the namespace types to create. A pid namespace implies a
	// mount namespace (for its fresh /proc) unless NoMountProc is set.
	Types []NSType

	// Hostname is set inside the new uts namespace ("" = keep).
	Hostname string

	// MapRootUser maps the caller's uid and gid to 0 inside the new user
	// namespace (unshare -r). MapCurrentUser maps them to themselves.
	// MapUser and MapGroup map the caller's uid/gid to the given id
	// (-1 = unset). A new user namespace with none of these set behaves
	// as MapRootUser, so that a normal user can create every other type.
	MapRootUser, MapCurrentUser bool
	MapUser, MapGroup           int

	// SetGroups is "allow", "deny" or "" (deny whenever a gid map is
	// written, which the kernel requires of unprivileged callers).
	SetGroups string

	// Propagation of / in the new mount namespace: "private" (default when
	// ""), "shared", "slave" or "unchanged".
	Propagation string

	// Root is a directory to chroot into; Wd the working directory
	// inside (relative to Root when Root is set).
	Root, Wd string

	// Monotonic and Boottime are the time namespace offsets in seconds.
	Monotonic, Boottime int64

	// NoMountProc keeps the parent's /proc in a new pid namespace; NoLo
	// leaves lo down in a new network namespace.
	NoMountProc, NoLo bool

	// Args is the command line to run (empty: $SHELL from Env, else
	// /bin/sh). Env is its environment (nil: this process's).
	Args []string
	Env  []string

	// Foreground hands the terminal on the command's stdin to the
	// command's process group (job control). Set it when stdin is a
	// terminal the caller controls and owns the foreground, such as a PTY
	// made for the command. The init also foregrounds the command by
	// itself when it is the foreground process group of its stdin's
	// terminal (a fresh PTY with Setsid). nstui spawn's driver decides it
	// on its own (DriverRequest does not carry it).
	Foreground bool

	// Exe is the nstui binary to run as init ("" = /proc/self/exe). Tests
	// point it at a built nstui.
	Exe string

	// KillGrace is how long the init waits between SIGTERM and SIGKILL for
	// what is left when the command exits (0 = DefaultKillGrace).
	KillGrace time.Duration
}

// DefaultKillGrace is the init's grace period between SIGTERM and SIGKILL.
const DefaultKillGrace = time.Second

// Propagation values accepted by SpawnSpec.Propagation.
const (
	PropagationPrivate   = "private"
	PropagationShared    = "shared"
	PropagationSlave     = "slave"
	PropagationUnchanged = "unchanged"
)

// validHostname reports whether h is a hostname hostname(1) would set:
// dot-separated labels of ASCII letters, digits and '-', none empty or
// starting or ending with '-'. The kernel takes any bytes, but the
// equivalent command must do the same as nstui.
func validHostname(h string) bool {
	for _, l := range strings.Split(h, ".") {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// NewSpawnSpec returns a spec for the given types with every other field at
// its default (MapUser and MapGroup unset).
func NewSpawnSpec(types ...NSType) SpawnSpec {
	return SpawnSpec{Types: slices.Clone(types), MapUser: -1, MapGroup: -1}
}

// Has reports whether t is requested explicitly.
func (s SpawnSpec) Has(t NSType) bool { return slices.Contains(s.Types, t) }

// MountProc reports whether the init mounts a fresh /proc.
func (s SpawnSpec) MountProc() bool { return s.Has(PIDNS) && !s.NoMountProc }

// LoUp reports whether the init brings lo up.
func (s SpawnSpec) LoUp() bool { return s.Has(NetNS) && !s.NoLo }

// EffectiveTypes returns the types that will be created, including the
// mount namespace a fresh /proc implies, in AllTypes order.
func (s SpawnSpec) EffectiveTypes() []NSType {
	var out []NSType
	for _, t := range AllTypes() {
		if s.Has(t) || (t == MntNS && s.MountProc()) {
			out = append(out, t)
		}
	}
	return out
}

func (s SpawnSpec) wants(t NSType) bool { return slices.Contains(s.EffectiveTypes(), t) }

// mapsRoot reports whether the caller becomes uid 0 inside: explicitly, or by
// default when a user namespace has no other mapping.
func (s SpawnSpec) mapsRoot() bool {
	if !s.Has(UserNS) {
		return false
	}
	return s.MapRootUser || (!s.MapCurrentUser && s.MapUser < 0 && s.MapGroup < 0)
}

// idMaps returns the single-line uid and gid maps for the new user namespace.
func (s SpawnSpec) idMaps() (uids, gids []syscall.SysProcIDMap) {
	if !s.Has(UserNS) {
		return nil, nil
	}
	euid, egid := os.Geteuid(), os.Getegid()
	inUID, inGID := -1, -1
	switch {
	case s.mapsRoot():
		inUID, inGID = 0, 0
	case s.MapCurrentUser:
		inUID, inGID = euid, egid
	}
	if s.MapUser >= 0 {
		inUID = s.MapUser
	}
	if s.MapGroup >= 0 {
		inGID = s.MapGroup
	}
	if inUID >= 0 {
		uids = []syscall.SysProcIDMap{{ContainerID: inUID, HostID: euid, Size: 1}}
	}
	if inGID >= 0 {
		gids = []syscall.SysProcIDMap{{ContainerID: inGID, HostID: egid, Size: 1}}
	}
	return uids, gids
}

// shellCommand returns the command line to run.
func (s SpawnSpec) shellCommand() []string {
	if len(s.Args) > 0 {
		return s.Args
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "SHELL="); ok && v != "" {
			return []string{v}
		}
	}
	return []string{"/bin/sh"}
}

// maxID is the largest id a uid/gid map accepts ((uid_t)-1 is invalid).
const maxID = 1<<32 - 2

// Validate checks the spec without touching the system beyond stat-ing
// Root and Wd. Each error is one line naming the option and the fix.
func (s SpawnSpec) Validate() error {
	for _, t := range s.Types {
		if !t.Valid() {
			return fmt.Errorf("unknown namespace type %d", int(t))
		}
	}
	user := s.Has(UserNS)
	needUser := func(opt string) error {
		return fmt.Errorf("%s only works with a new user namespace: add --user (-U)", opt)
	}
	switch {
	case s.MapRootUser && !user:
		return needUser("--map-root-user")
	case s.MapCurrentUser && !user:
		return needUser("--map-current-user")
	case s.MapUser >= 0 && !user:
		return needUser("--map-user")
	case s.MapGroup >= 0 && !user:
		return needUser("--map-group")
	case s.SetGroups != "" && !user:
		return needUser("--setgroups")
	case s.MapRootUser && s.MapCurrentUser:
		return errors.New("--map-root-user and --map-current-user cannot be combined: pick one")
	case (s.MapRootUser || s.MapCurrentUser) && (s.MapUser >= 0 || s.MapGroup >= 0):
		return errors.New("--map-user/--map-group cannot be combined with --map-root-user or --map-current-user: pick one")
	case s.MapUser < -1 || s.MapUser > maxID:
		return fmt.Errorf("--map-user %d is out of range (0-%d)", s.MapUser, maxID)
	case s.MapGroup < -1 || s.MapGroup > maxID:
		return fmt.Errorf("--map-group %d is out of range (0-%d)", s.MapGroup, maxID)
	}
	switch s.SetGroups {
	case "", "deny":
	case "allow":
		if _, gids := s.idMaps(); len(gids) > 0 && os.Geteuid() != 0 {
			return errors.New("--setgroups allow cannot be used with a gid map as a normal user (the kernel requires deny): drop it or run as root")
		}
	default:
		return fmt.Errorf("--setgroups %q: want allow or deny", s.SetGroups)
	}
	switch s.Propagation {
	case "", PropagationPrivate, PropagationShared, PropagationSlave, PropagationUnchanged:
	default:
		return fmt.Errorf("--propagation %q: want private, shared, slave or unchanged", s.Propagation)
	}
	if s.Propagation != "" && !s.wants(MntNS) {
		return errors.New("--propagation only works with a new mount namespace: add --mount (-m)")
	}
	if s.Hostname != "" {
		if !s.Has(UTSNS) {
			return errors.New("--hostname only works with a new uts namespace: add --uts (-u)")
		}
		if len(s.Hostname) > 64 {
			return fmt.Errorf("--hostname %q is longer than 64 bytes", s.Hostname)
		}
		if !validHostname(s.Hostname) {
			return fmt.Errorf("--hostname %q is not a hostname: use letters, digits and '-' in labels separated by dots, no label starting or ending with '-' (as hostname(1) accepts)", s.Hostname)
		}
	}
	if (s.Monotonic != 0 || s.Boottime != 0) && !s.Has(TimeNS) {
		return errors.New("--monotonic/--boottime only work with a new time namespace: add --time (-T)")
	}
	if len(s.Args) > 0 && s.Args[0] == "" {
		return errors.New("empty command name")
	}
	if s.Root != "" {
		if err := isDir(s.Root); err != nil {
			return fmt.Errorf("--root %s: %w", s.Root, err)
		}
		// The fresh /proc is mounted on ROOT/proc. When that is not a
		// mount point of its own, it cannot be made private, and under a
		// shared / (systemd's default, kept by shared or unchanged) the
		// proc mount propagates back to the caller's namespace and stays
		// there after the sandbox is gone.
		proc := filepath.Join(s.Root, "proc")
		if shared := s.Propagation == PropagationShared || s.Propagation == PropagationUnchanged; shared && s.MountProc() && isDir(proc) == nil && !isMountPoint(proc) {
			return fmt.Errorf("--propagation %s with --root and a fresh /proc: %s is not a mount point, so the new /proc would propagate back here and outlive the sandbox: use --propagation private or slave, --no-mount-proc, or mount something on %s first", s.Propagation, proc, proc)
		}
	}
	if s.Wd != "" {
		wd := s.Wd
		if s.Root != "" {
			wd = filepath.Join(s.Root, s.Wd)
		}
		if err := isDir(wd); err != nil {
			return fmt.Errorf("--wd %s: %w", s.Wd, err)
		}
	}
	return nil
}

// isDir returns a short reason when path is not a usable directory.
// isMountPoint reports whether path is the root of a mount (false when that
// cannot be told).
func isMountPoint(path string) bool {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &st); err != nil {
		return false
	}
	return st.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && st.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
}

func isDir(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("no such directory")
	case errors.Is(err, os.ErrPermission):
		return errors.New("permission denied")
	case err != nil:
		return fmt.Errorf("stat: %w", err)
	case !fi.IsDir():
		return errors.New("not a directory")
	}
	return nil
}

// InitEnv is the environment variable that carries the init's
// configuration. The init is a C constructor in package nsops/nsenter
// (init.c), which runs before the Go runtime starts in a copy of nstui
// re-executed as "nstui init -- COMMAND..." with this variable set.
const InitEnv = "_NSTUI_INIT"

// internalEnvPrefix starts every variable that is nstui's own: the init
// removes them all from the command's environment.
const internalEnvPrefix = "_NSTUI_"

// initConfig is what the init needs to know.
type initConfig struct {
	Argv        []string
	Hostname    string
	Mnt         bool
	Propagation string
	MountProc   bool
	LoUp        bool
	Time        bool
	Monotonic   int64
	Boottime    int64
	Root        string
	Wd          string
	Foreground  bool
	GraceMS     int64
}

// encode renders the configuration as init.c parses it: space-separated
// key=value words, strings in hex (they may hold spaces or anything else).
func (c initConfig) encode() string {
	var w []string
	flag := func(k string, on bool) {
		if on {
			w = append(w, k+"=1")
		}
	}
	str := func(k, v string) {
		if v != "" {
			w = append(w, k+"="+hex.EncodeToString([]byte(v)))
		}
	}
	flag("mnt", c.Mnt)
	if c.Propagation != "" {
		w = append(w, "prop="+c.Propagation)
	}
	flag("proc", c.MountProc)
	flag("lo", c.LoUp)
	if c.Time {
		w = append(w, "time=1", "mono="+strconv.FormatInt(c.Monotonic, 10), "boot="+strconv.FormatInt(c.Boottime, 10))
	}
	str("host", c.Hostname)
	str("root", c.Root)
	str("wd", c.Wd)
	flag("fg", c.Foreground)
	w = append(w, "grace="+strconv.FormatInt(c.GraceMS, 10))
	return strings.Join(w, " ")
}

func (s SpawnSpec) initConfig() (initConfig, error) {
	if err := s.Validate(); err != nil {
		return initConfig{}, err
	}
	c := initConfig{
		Argv:        s.shellCommand(),
		Hostname:    s.Hostname,
		Mnt:         s.wants(MntNS),
		Propagation: s.Propagation,
		MountProc:   s.MountProc(),
		LoUp:        s.LoUp(),
		Time:        s.Has(TimeNS),
		Monotonic:   s.Monotonic,
		Boottime:    s.Boottime,
		Wd:          s.Wd,
		Foreground:  s.Foreground,
		GraceMS:     s.KillGrace.Milliseconds(),
	}
	if c.Mnt && c.Propagation == "" {
		c.Propagation = PropagationPrivate
	}
	if c.GraceMS <= 0 {
		c.GraceMS = DefaultKillGrace.Milliseconds()
	}
	if s.Root != "" {
		root, err := filepath.Abs(s.Root)
		if err != nil {
			return c, fmt.Errorf("--root %s: %w", s.Root, err)
		}
		c.Root = root
	}
	return c, nil
}

// Command returns the init process for the spec, not started. It re-executes
// Exe (default /proc/self/exe) in nstui's hidden init mode, with the new
// namespaces in SysProcAttr.Cloneflags (all but time, which the init creates
// itself: a time namespace only applies to children) and the id maps in
// Uid/GidMappings. Stdin, Stdout and Stderr are the caller's to set.
//
// How to start it:
//   - Start it with cmd.Start, or a PTY helper that keeps SysProcAttr
//     (creack/pty sets Setsid and Setctty, which is right for a fresh PTY).
//     On a terminal the process is not the foreground of, set
//     SysProcAttr.Setpgid instead, so signals from that terminal reach the
//     command only through the init (exactly once).
//   - After Start, close cmd.ExtraFiles: ExtraFiles[0] is a pidfd of this
//     process. The init polls it and kills the whole sandbox when this
//     process dies, even by SIGKILL. (Pdeathsig cannot do that job: it
//     fires when the starting thread exits, and Go's check that the parent
//     is still alive compares getppid(), which is 0 in a new pid namespace,
//     so the child would kill itself at once.)
//   - Wait with cmd.Wait. Its exit status is the command's, or 128+N when
//     the command died of signal N; 127/126 when the command is missing or
//     not executable; 125 when the sandbox could not be set up (the init
//     printed why on stderr).
//   - To signal the command, signal cmd.Process: the init forwards every
//     signal except SIGCHLD, exactly once.
//
// The init is C (nsops/nsenter/init.c), so the binary must be built with
// cgo. nstui spawn does not use Command: its C driver clones the init
// without re-executing nstui (see DriverRequest).
func (s SpawnSpec) Command() (*exec.Cmd, error) {
	cfg, err := s.initConfig()
	if err != nil {
		return nil, err
	}
	return s.command(cfg)
}

// DriverRequest renders the spec for nstui spawn's C driver
// (nsops/nsenter/driver.c), which makes the namespaces, writes the id maps
// and runs the init without re-executing nstui: NUL-terminated strings
// "run", the clone flags, the uid and gid map lines ("" = none), the
// setgroups mode, the init's configuration, then the command line and the
// environment, each as a count followed by that many strings. The driver
// decides Foreground itself (it owns the terminal, if anyone does).
func (s SpawnSpec) DriverRequest() ([]byte, error) {
	cfg, err := s.initConfig()
	if err != nil {
		return nil, err
	}
	uids, gids := s.idMaps()
	mapLine := func(m []syscall.SysProcIDMap) string {
		if len(m) == 0 {
			return ""
		}
		return fmt.Sprintf("%d %d %d\n", m[0].ContainerID, m[0].HostID, m[0].Size)
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	env = withoutInternalEnv(env)
	fields := []string{"run", strconv.FormatUint(uint64(s.cloneFlags()), 10), mapLine(uids), mapLine(gids),
		s.SetGroups, cfg.encode(), strconv.Itoa(len(cfg.Argv))}
	fields = append(fields, cfg.Argv...)
	fields = append(fields, strconv.Itoa(len(env)))
	fields = append(fields, env...)
	var b strings.Builder
	for _, f := range fields {
		if strings.IndexByte(f, 0) >= 0 {
			return nil, fmt.Errorf("%q: contains a NUL byte", f)
		}
		b.WriteString(f)
		b.WriteByte(0)
	}
	return []byte(b.String()), nil
}

// cloneFlags are the namespaces the clone makes: all but time, which the
// init creates itself (a time namespace only applies to children).
func (s SpawnSpec) cloneFlags() uintptr {
	var flags uintptr
	for _, t := range s.EffectiveTypes() {
		if t != TimeNS {
			flags |= t.CloneFlag()
		}
	}
	return flags
}

func (s SpawnSpec) command(cfg initConfig) (*exec.Cmd, error) {
	exe := s.Exe
	if exe == "" {
		exe = "/proc/self/exe"
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(withoutInternalEnv(env), InitEnv+"="+cfg.encode())

	uids, gids := s.idMaps()
	attr := &syscall.SysProcAttr{
		Cloneflags:                 s.cloneFlags(),
		UidMappings:                uids,
		GidMappings:                gids,
		GidMappingsEnableSetgroups: s.SetGroups == "allow",
	}
	if s.Has(UserNS) && (len(uids) == 0 || uids[0].ContainerID != 0) {
		// The init runs as a non-zero uid inside: execve would drop the
		// capabilities it needs to set the sandbox up, unless they are
		// ambient. The init clears them again before running the command.
		attr.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_NET_ADMIN, unix.CAP_SYS_TIME, unix.CAP_SYS_CHROOT}
	}

	pidfd, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		return nil, fmt.Errorf("pidfd_open self: %w", err)
	}
	cmd := &exec.Cmd{
		Path:        exe,
		Args:        append([]string{"nstui", "init", "--"}, cfg.Argv...),
		Env:         env,
		ExtraFiles:  []*os.File{os.NewFile(uintptr(pidfd), "nstui-pidfd")},
		SysProcAttr: attr,
	}
	return cmd, nil
}

// withoutInternalEnv returns env without nstui's internal variables.
func withoutInternalEnv(env []string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, internalEnvPrefix) {
			out = append(out, kv)
		}
	}
	return out
}

// Equivalent returns the util-linux unshare command line that does what the
// spec does. unshare has no hostname or lo option, so those become a small
// sh -c prelude in front of the command.
func (s SpawnSpec) Equivalent() string {
	args := []string{"unshare"}
	for _, t := range s.EffectiveTypes() {
		args = append(args, t.UnshareOption())
	}
	args = append(args, "--fork", "--kill-child")
	if s.MountProc() {
		args = append(args, "--mount-proc")
	}
	if s.Has(UserNS) {
		switch {
		case s.mapsRoot():
			args = append(args, "--map-root-user")
		case s.MapCurrentUser:
			args = append(args, "--map-current-user")
		}
		if s.MapUser >= 0 {
			args = append(args, "--map-user="+strconv.Itoa(s.MapUser))
		}
		if s.MapGroup >= 0 {
			args = append(args, "--map-group="+strconv.Itoa(s.MapGroup))
		}
		if s.SetGroups != "" {
			args = append(args, "--setgroups="+s.SetGroups)
		}
	}
	if s.wants(MntNS) && s.Propagation != "" && s.Propagation != PropagationPrivate {
		args = append(args, "--propagation="+s.Propagation)
	}
	if s.Root != "" {
		args = append(args, "--root="+s.Root)
	}
	if s.Wd != "" {
		args = append(args, "--wd="+s.Wd)
	}
	if s.Monotonic != 0 {
		args = append(args, "--monotonic="+strconv.FormatInt(s.Monotonic, 10))
	}
	if s.Boottime != 0 {
		args = append(args, "--boottime="+strconv.FormatInt(s.Boottime, 10))
	}
	var prelude []string
	if s.Hostname != "" {
		prelude = append(prelude, "hostname "+shellQuote(s.Hostname))
	}
	if s.LoUp() {
		prelude = append(prelude, "ip link set lo up")
	}
	out := make([]string, 0, len(args)+len(s.Args)+4)
	for _, a := range args {
		out = append(out, shellQuote(a))
	}
	switch {
	case len(prelude) > 0 && len(s.Args) == 0:
		out = append(out, "sh", "-c", shellQuote(strings.Join(prelude, " && ")+` && exec "${SHELL:-/bin/sh}"`))
	case len(prelude) > 0:
		out = append(out, "sh", "-c", shellQuote(strings.Join(prelude, " && ")+` && exec "$@"`), "sh")
		fallthrough
	default:
		for _, a := range s.Args {
			out = append(out, shellQuote(a))
		}
	}
	return strings.Join(out, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package nsops

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// parentFD is where Command puts the pidfd of the nstui that started the
// init; jobFD is the init's end of the job-control link, when there is one.
const (
	parentFD = 3
	jobFD    = 4
)

// Exit statuses of the init itself (the rest are the command's).
const (
	exitSetupFailed   = 125 // the sandbox could not be set up
	exitNotExecutable = 126
	exitNotFound      = 127
)

// reapTick is the slow tick that reaps even when SIGCHLDs were coalesced away.
const reapTick = time.Second

// IsInit reports whether this process was started as nstui's init. main calls
// it first, before parsing the command line.
func IsInit() bool {
	_, ok := os.LookupEnv(initEnv)
	return ok
}

func init() {
	// The time namespace offsets are written through /proc/self, which is
	// the thread group leader, and unshare(CLONE_NEWTIME) only affects the
	// calling thread's future children: so the init unshares, writes the
	// offsets and forks the command all from the main thread. Locking it
	// in a package init keeps main (and RunInit) on that thread.
	if IsInit() {
		runtime.LockOSThread()
	}
}

// RunInit is the init's main: it sets the sandbox up, runs the command, reaps
// every child, forwards signals, tears everything down when the command
// exits or the parent nstui dies, and returns the exit status.
func RunInit() int {
	// Catch every signal before anything else: an un-notified SIGTERM would
	// kill a Go PID 1 with exit 2, and the command must not miss any.
	sigs := make(chan os.Signal, 256)
	signal.Notify(sigs)

	var cfg initConfig
	if err := json.Unmarshal([]byte(os.Getenv(initEnv)), &cfg); err != nil || len(cfg.Argv) == 0 {
		fmt.Fprintln(os.Stderr, "nstui: init: bad configuration (this mode is internal: run nstui spawn)")
		return exitSetupFailed
	}
	// Started as /proc/self/exe, ps would call us "exe": name the process
	// for what it is (this sets the calling thread's comm, which is the
	// main thread's here, the one ps shows).
	_ = unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("nstui-init\x00")[0])), 0, 0, 0)
	pidNS := os.Getpid() == 1
	if !pidNS {
		// Without a pid namespace, orphans of the sandbox must come to us.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			fmt.Fprintf(os.Stderr, "nstui: prctl(PR_SET_CHILD_SUBREAPER): %v\n", err)
			return exitSetupFailed
		}
	}
	parentGone := watchParent()
	var jobMsgs <-chan byte
	if cfg.JobControl {
		jobMsgs = readJobLink()
	}
	// Nothing but 0-2 may reach the command: everything else close-on-exec.
	if err := unix.CloseRange(parentFD, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		fmt.Fprintf(os.Stderr, "nstui: close_range: %v\n", err)
		return exitSetupFailed
	}
	// Kept open across chroot so the no-pid-namespace teardown can find
	// our descendants.
	proc, err := os.Open("/proc")
	if err != nil {
		fmt.Fprintf(os.Stderr, "nstui: open /proc: %v\n", err)
		return exitSetupFailed
	}
	defer proc.Close()

	if err := setupSandbox(cfg); err != nil {
		fmt.Fprintf(os.Stderr, "nstui: %v\n", err)
		return exitSetupFailed
	}
	pid, fg, code := startCommand(cfg)
	if pid == 0 {
		return code
	}
	in := initLoop{cfg: cfg, pidNS: pidNS, proc: proc, cmdPid: pid, fg: fg, sigs: sigs, parentGone: parentGone, jobMsgs: jobMsgs}
	return in.run()
}

// watchParent polls the pidfd Command passed on fd 3 and closes the returned
// channel when that process is gone. Without a usable pidfd it returns a
// channel that never closes.
func watchParent() <-chan struct{} {
	gone := make(chan struct{})
	// pidfd_send_signal(0) cannot probe it: it refuses a target outside
	// our pid namespace. The fd's link names what it is.
	if link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(parentFD)); err != nil || link != "anon_inode:[pidfd]" {
		return gone // not a pidfd: started by hand or by an older caller
	}
	go func() {
		fds := []unix.PollFd{{Fd: parentFD, Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == nil || !errors.Is(err, unix.EINTR) {
				break
			}
		}
		close(gone)
	}()
	return gone
}

// readJobLink passes the messages of the job-control link on to the main
// loop; the channel closes with the link.
func readJobLink() <-chan byte {
	msgs := make(chan byte, 16)
	go func() {
		defer close(msgs)
		buf := make([]byte, 1)
		for {
			n, err := unix.Read(jobFD, buf)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil || n == 0 {
				return
			}
			msgs <- buf[0]
		}
	}()
	return msgs
}

// setupSandbox does, in the new namespaces, what unshare's options ask for.
func setupSandbox(cfg initConfig) error {
	if cfg.Mnt && cfg.Propagation != "" && cfg.Propagation != PropagationUnchanged {
		flag := map[string]uintptr{
			PropagationPrivate: unix.MS_PRIVATE,
			PropagationShared:  unix.MS_SHARED,
			PropagationSlave:   unix.MS_SLAVE,
		}[cfg.Propagation]
		if err := unix.Mount("none", "/", "", flag|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make / %s: mount: %w", cfg.Propagation, err)
		}
	}
	if cfg.Hostname != "" {
		if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
			return fmt.Errorf("set hostname: sethostname: %w", err)
		}
	}
	if cfg.LoUp {
		if err := setLinkUp("lo"); err != nil {
			return fmt.Errorf("bring lo up: %w", err)
		}
	}
	if cfg.Time {
		// Before chroot: it needs the /proc we came with.
		if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
			return fmt.Errorf("new time namespace: unshare(CLONE_NEWTIME): %w", err)
		}
		offsets := fmt.Sprintf("monotonic %d 0\nboottime %d 0\n", cfg.Monotonic, cfg.Boottime)
		if err := os.WriteFile("/proc/self/timens_offsets", []byte(offsets), 0); err != nil {
			if errors.Is(err, unix.ERANGE) {
				return fmt.Errorf("--monotonic %d / --boottime %d: out of range (the clocks inside must stay positive): %w", cfg.Monotonic, cfg.Boottime, err)
			}
			return fmt.Errorf("set time offsets: %w", err)
		}
	}
	if cfg.Root != "" {
		if err := unix.Chroot(cfg.Root); err != nil {
			return fmt.Errorf("--root %s: chroot: %w", cfg.Root, err)
		}
		if err := unix.Chdir("/"); err != nil {
			return fmt.Errorf("--root %s: chdir /: %w", cfg.Root, err)
		}
	}
	if cfg.Wd != "" {
		if err := unix.Chdir(cfg.Wd); err != nil {
			return fmt.Errorf("--wd %s: chdir: %w", cfg.Wd, err)
		}
	}
	if cfg.MountProc {
		if err := isDir("/proc"); err != nil {
			return fmt.Errorf("mount a fresh /proc: /proc: %w (create it in --root, or add --no-mount-proc)", err)
		}
		// Our own copy of the /proc mount must not propagate the new proc
		// back to the host whatever --propagation says.
		if err := unix.Mount("none", "/proc", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("make /proc private: mount: %w", err)
		}
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return fmt.Errorf("mount a fresh /proc: mount: %w", err)
		}
	}
	// Capabilities the init needed as a non-root uid must not reach the
	// command (this thread is the one that forks it).
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_CAP_AMBIENT_CLEAR_ALL): %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var caps [2]unix.CapUserData
	if err := unix.Capget(&hdr, &caps[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	if caps[0].Inheritable != 0 || caps[1].Inheritable != 0 {
		caps[0].Inheritable, caps[1].Inheritable = 0, 0
		if err := unix.Capset(&hdr, &caps[0]); err != nil {
			return fmt.Errorf("capset: %w", err)
		}
	}
	return nil
}

// setLinkUp sets IFF_UP on an interface with SIOCSIFFLAGS.
func setLinkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return fmt.Errorf("ifreq %s: %w", name, err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("ioctl(SIOCGIFFLAGS) %s: %w", name, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("ioctl(SIOCSIFFLAGS) %s: %w", name, err)
	}
	return nil
}

// startCommand forks the command in its own process group, in the foreground
// of the terminal when it should be. It returns the pid and whether it got
// the terminal, or a 0 pid and the exit status after printing why the
// command could not run.
func startCommand(cfg initConfig) (pid int, fg bool, code int) {
	name := cfg.Argv[0]
	path, err := exec.LookPath(name)
	switch {
	case errors.Is(err, fs.ErrPermission):
		fmt.Fprintf(os.Stderr, "nstui: %s: permission denied (not executable)\n", name)
		return 0, false, exitNotExecutable
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(os.Stderr, "nstui: %s: command not found\n", name)
		return 0, false, exitNotFound
	case err != nil:
		fmt.Fprintf(os.Stderr, "nstui: %s: cannot execute: %v\n", name, errors.Unwrap(err))
		return 0, false, exitNotExecutable
	}
	attr := &syscall.SysProcAttr{Setpgid: true}
	if fg = foregroundTTY(cfg); fg {
		attr.Foreground = true
		attr.Ctty = 0
	}
	pid, err = syscall.ForkExec(path, cfg.Argv, &syscall.ProcAttr{
		Env:   withoutInternalEnv(os.Environ()),
		Files: []uintptr{0, 1, 2},
		Sys:   attr,
	})
	switch {
	case err == nil:
		return pid, fg, 0
	case errors.Is(err, unix.ENOENT):
		fmt.Fprintf(os.Stderr, "nstui: %s: %v\n", name, err)
		return 0, false, exitNotFound
	default:
		fmt.Fprintf(os.Stderr, "nstui: %s: cannot execute: %v\n", name, err)
		return 0, false, exitNotExecutable
	}
}

// foregroundTTY reports whether the command should get the terminal on fd 0.
func foregroundTTY(cfg initConfig) bool {
	pgrp, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	if err != nil {
		return false // not a terminal, or not our controlling one
	}
	return cfg.Foreground || pgrp == unix.Getpgrp()
}

// initLoop is the init's state after the command started. Only run's
// goroutine touches it: it owns every wait4 in the process.
type initLoop struct {
	cfg        initConfig
	pidNS      bool
	proc       *os.File
	cmdPid     int
	fg         bool // the command was given the terminal
	sigs       <-chan os.Signal
	parentGone <-chan struct{}
	jobMsgs    <-chan byte // nil without a job-control link
}

// run forwards signals and reaps until the command exits, then tears the
// sandbox down and returns the command's exit status.
func (l *initLoop) run() int {
	tick := time.NewTicker(reapTick)
	defer tick.Stop()
	for {
		select {
		case sig := <-l.sigs:
			switch sig {
			case unix.SIGCHLD:
			case unix.SIGURG: // the Go runtime's own preemption signal
			// (SIGPROF never gets here: the runtime keeps it for profiling.)
			default:
				_ = unix.Kill(l.cmdPid, sig.(syscall.Signal))
			}
		case <-tick.C:
		case m, ok := <-l.jobMsgs:
			if !ok {
				l.jobMsgs = nil
				break
			}
			if m == jobContinueForeground && l.fg {
				l.giveTerminal()
			}
			_ = unix.Kill(l.cmdPid, unix.SIGCONT)
		case <-l.parentGone:
			l.killAll(unix.SIGKILL)
			l.drain(time.Second)
			return 128 + int(unix.SIGKILL)
		}
		if code, done := l.reap(); done {
			return l.teardown(code)
		}
	}
}

// reap collects every exited child; done is true once the command was among
// them, with its exit status in the shell's convention.
func (l *initLoop) reap() (code int, done bool) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WUNTRACED, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if pid <= 0 || err != nil {
			return code, done
		}
		if pid == l.cmdPid && ws.Stopped() {
			l.stopped(ws.StopSignal())
			continue
		}
		if pid == l.cmdPid {
			done = true
			switch {
			case ws.Exited():
				code = ws.ExitStatus()
			case ws.Signaled():
				code = 128 + int(ws.Signal())
			}
		}
	}
}

// stopped handles the command stopping: with a job-control link, the caller
// is told (it stops itself, so its shell takes the terminal back); without
// one, nobody above could resume a ctrl-z, so the init does at once.
func (l *initLoop) stopped(sig unix.Signal) {
	switch {
	case l.jobMsgs != nil:
		_, _ = unix.Write(jobFD, []byte{jobStopped, byte(sig)})
	case sig == unix.SIGTSTP:
		_ = unix.Kill(l.cmdPid, unix.SIGCONT)
	}
}

// giveTerminal makes the command's process group the terminal's foreground
// again (after fg). The init is not in the foreground itself, so the kernel
// would answer tcsetpgrp with SIGTTOU, unless that signal is blocked on the
// calling thread (the main thread, locked: see init).
func (l *initLoop) giveTerminal() {
	var set, old unix.Sigset_t
	set.Val[(unix.SIGTTOU-1)/64] |= 1 << ((uint(unix.SIGTTOU) - 1) % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return
	}
	_ = unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, l.cmdPid)
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
}

// teardown sends SIGTERM to everything left, waits up to the grace period for
// it to go, then SIGKILLs the rest.
func (l *initLoop) teardown(code int) int {
	if l.children() {
		l.killAll(unix.SIGTERM)
		grace := time.Duration(l.cfg.GraceMS) * time.Millisecond
		if !l.drain(grace) {
			l.killAll(unix.SIGKILL)
			l.drain(5 * time.Second)
		}
	}
	return code
}

// children reaps what it can and reports whether any child is left.
func (l *initLoop) children() bool {
	l.reap()
	_, err := unix.Wait4(-1, nil, unix.WNOHANG, nil)
	return !errors.Is(err, unix.ECHILD)
}

// drain reaps until no child is left (true) or d passes (false). It keeps
// killing with SIGKILL if the parent dies meanwhile.
func (l *initLoop) drain(d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for {
		if !l.children() {
			return true
		}
		select {
		case <-l.sigs: // SIGCHLD wakes us; nothing is left to forward to
		case <-poll.C:
		case <-l.parentGone:
			l.killAll(unix.SIGKILL)
		case <-deadline.C:
			return false
		}
	}
}

// killAll signals every process of the sandbox but the init: kill(-1) in our
// own pid namespace, else every descendant found in /proc.
func (l *initLoop) killAll(sig unix.Signal) {
	if l.pidNS {
		_ = unix.Kill(-1, sig)
		return
	}
	for _, pid := range descendants(l.proc, os.Getpid()) {
		_ = unix.Kill(pid, sig)
	}
}

// descendants lists the pids below root, read from a /proc directory fd (so
// it works after chroot).
func descendants(proc *os.File, root int) []int {
	fd, err := unix.Openat(int(proc.Fd()), ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	dir := os.NewFile(uintptr(fd), "/proc")
	defer dir.Close()
	names, _ := dir.Readdirnames(-1)
	kids := map[int][]int{}
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		if ppid, ok := readPPid(proc, n); ok {
			kids[ppid] = append(kids[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range kids[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// readPPid reads field 4 of /proc/<pid>/stat.
func readPPid(proc *os.File, pid string) (int, bool) {
	fd, err := unix.Openat(int(proc.Fd()), pid+"/stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	buf := make([]byte, 512)
	n, err := unix.Read(fd, buf)
	if err != nil || n <= 0 {
		return 0, false
	}
	s := string(buf[:n])
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

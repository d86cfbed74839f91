package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nstui/nstui/nsops"
)

// spawnFlags holds the raw values of nstui spawn's flags.
type spawnFlags struct {
	types           map[nsops.NSType]*bool
	all             bool
	hostname        string
	mapRoot         bool
	mapCurrent      bool
	mapUser         string
	mapGroup        string
	setgroups       string
	propagation     string
	root, wd        string
	monotonic       int64
	boottime        int64
	noMountProc     bool
	noLo            bool
	printEquivalent bool
}

// newSpawnCmd returns `nstui spawn`, the command-line twin of the TUI's
// "new namespaced shell".
func newSpawnCmd() *cobra.Command {
	f := &spawnFlags{types: map[nsops.NSType]*bool{}}
	c := &cobra.Command{
		Use:   "spawn [flags] [-- COMMAND [ARGS...]]",
		Short: "Run a command in new namespaces, under nstui's own reaping init",
		Long: `Run COMMAND (default: $SHELL, else /bin/sh) in new namespaces, like
util-linux unshare, with nstui's own init as PID 1 of a new pid namespace (a
child subreaper otherwise). The init sets the sandbox up (fresh /proc for a
new pid namespace, lo up for a new network namespace, hostname, time
offsets, id maps, root and working directory), gives the command the
terminal, reaps every orphan, forwards signals, and takes the whole sandbox
down when the command exits or when nstui dies.

As a normal user, add --user (-U): it maps you to root inside (as -r) and
makes every other type possible.

Exit status: the command's, 128+N when it died of signal N, 127 when it was
not found, 126 when it could not be executed, 125 when the sandbox could
not be set up.`,
		Example: `  nstui spawn --pid --net --mount --uts --hostname box
  nstui spawn -U -r -p -n -- ip addr
  nstui spawn --all --print-equivalent`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			spec, err := f.spec(args)
			if err != nil {
				return err
			}
			if f.printEquivalent {
				if err := spec.Validate(); err != nil {
					return err
				}
				fmt.Fprintln(c.OutOrStdout(), spec.Equivalent())
				return nil
			}
			code, err := runSpawn(spec)
			if err != nil {
				return err
			}
			if code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.SetInterspersed(false) // everything after COMMAND belongs to it
	for _, t := range nsops.AllTypes() {
		opt := t.UnshareOption()[2:]
		f.types[t] = fl.BoolP(opt, t.ShortOption()[1:], false, "new "+t.String()+" namespace")
	}
	fl.BoolVar(&f.all, "all", false, "new namespaces of every type")
	fl.StringVar(&f.hostname, "hostname", "", "hostname `NAME` inside (needs --uts)")
	fl.BoolVarP(&f.mapRoot, "map-root-user", "r", false, "map your uid/gid to root inside (implies --user)")
	fl.BoolVar(&f.mapCurrent, "map-current-user", false, "map your uid/gid to themselves inside (implies --user)")
	fl.StringVar(&f.mapUser, "map-user", "", "map your uid to `UID` (a number or user name) inside (needs --user)")
	fl.StringVar(&f.mapGroup, "map-group", "", "map your gid to `GID` (a number or group name) inside (needs --user)")
	fl.StringVar(&f.setgroups, "setgroups", "", "`MODE` allow or deny: setgroups(2) inside (needs --user)")
	fl.StringVar(&f.propagation, "propagation", "", "propagation `MODE` of / in the new mount namespace: private, shared, slave or unchanged (default private)")
	fl.StringVar(&f.root, "root", "", "chroot into `DIR`")
	fl.StringVar(&f.wd, "wd", "", "working directory `DIR` inside")
	fl.Int64Var(&f.monotonic, "monotonic", 0, "CLOCK_MONOTONIC offset in `SECS` (needs --time)")
	fl.Int64Var(&f.boottime, "boottime", 0, "CLOCK_BOOTTIME offset in `SECS` (needs --time)")
	fl.BoolVar(&f.noMountProc, "no-mount-proc", false, "keep the parent's /proc in a new pid namespace")
	fl.BoolVar(&f.noLo, "no-lo", false, "leave lo down in a new network namespace")
	fl.BoolVar(&f.printEquivalent, "print-equivalent", false, "print the equivalent unshare command line instead of running")
	return c
}

// spec turns the flags into a SpawnSpec.
func (f *spawnFlags) spec(args []string) (nsops.SpawnSpec, error) {
	var types []nsops.NSType
	for _, t := range nsops.AllTypes() {
		// -r and --map-current-user imply --user, as in util-linux.
		if f.all || *f.types[t] || (t == nsops.UserNS && (f.mapRoot || f.mapCurrent)) {
			types = append(types, t)
		}
	}
	s := nsops.NewSpawnSpec(types...)
	s.Hostname = f.hostname
	s.MapRootUser = f.mapRoot
	s.MapCurrentUser = f.mapCurrent
	var err error
	if s.MapUser, err = lookupID(f.mapUser, "--map-user", func(n string) (string, error) {
		u, err := user.Lookup(n)
		if err != nil {
			return "", err
		}
		return u.Uid, nil
	}); err != nil {
		return s, err
	}
	if s.MapGroup, err = lookupID(f.mapGroup, "--map-group", func(n string) (string, error) {
		g, err := user.LookupGroup(n)
		if err != nil {
			return "", err
		}
		return g.Gid, nil
	}); err != nil {
		return s, err
	}
	s.SetGroups = f.setgroups
	s.Propagation = f.propagation
	s.Root = f.root
	s.Wd = f.wd
	s.Monotonic = f.monotonic
	s.Boottime = f.boottime
	s.NoMountProc = f.noMountProc
	s.NoLo = f.noLo
	s.Args = args
	return s, nil
}

// lookupID parses a numeric id or looks a name up; "" is unset (-1).
func lookupID(v, opt string, lookup func(string) (string, error)) (int, error) {
	if v == "" {
		return -1, nil
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return int(n), nil
	}
	id, err := lookup(v)
	if err != nil {
		return -1, fmt.Errorf("%s %q: not a number and no such name", opt, v)
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return -1, fmt.Errorf("%s %q: %w", opt, v, err)
	}
	return n, nil
}

// runSpawn starts the init on our own stdio and waits for it, forwarding
// every signal we get to it (the init passes them on to the command). It
// returns the exit status.
func runSpawn(spec nsops.SpawnSpec) (int, error) {
	// Job control: when we own the terminal's foreground, the command gets it.
	if pgrp, err := unix.IoctlGetInt(0, unix.TIOCGPGRP); err == nil && pgrp == unix.Getpgrp() {
		spec.Foreground = true
	}
	var (
		cmd *exec.Cmd
		jc  *nsops.JobControl
		err error
	)
	if spec.Foreground {
		cmd, jc, err = spec.CommandWithJobControl()
	} else {
		cmd, err = spec.Command()
	}
	if err != nil {
		return 0, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Our own process group: signals to our group (a terminal's ctrl-c
	// when the command is not in the foreground) reach the command once,
	// through us and the init.
	cmd.SysProcAttr.Setpgid = true

	sigs := make(chan os.Signal, 256)
	signal.Notify(sigs)
	defer signal.Stop(sigs)

	err = cmd.Start()
	for _, f := range cmd.ExtraFiles {
		f.Close()
	}
	if err != nil {
		if jc != nil {
			jc.Close()
		}
		return 0, startError(spec, err)
	}
	stops := make(chan syscall.Signal, 1)
	if jc != nil {
		defer jc.Close()
		go func() {
			for {
				sig, err := jc.WaitStop()
				if err != nil {
					return
				}
				select {
				case stops <- sig:
				default: // one pending stop is enough
				}
			}
		}()
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-stops:
			switch {
			case parentDoesJobControl():
				// The command stopped (ctrl-z): stop ourselves, so the
				// shell that started us reports the job stopped and takes
				// the terminal back, as it would with unshare.
				_ = unix.Kill(os.Getpid(), unix.SIGSTOP)
			case sig == unix.SIGTSTP:
				// Nobody could resume us (the kernel ignores terminal
				// stops in such an orphaned process group): go on.
				_ = jc.Continue(true)
			}
		case sig := <-sigs:
			switch {
			case sig == unix.SIGCHLD || sig == unix.SIGURG:
			case sig == unix.SIGCONT && jc != nil:
				// fg or bg: the init continues the command, giving it the
				// terminal back when we are in the foreground again.
				pgrp, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
				_ = jc.Continue(err == nil && pgrp == unix.Getpgrp())
			default:
				_ = cmd.Process.Signal(sig)
			}
		case err := <-done:
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				return 0, fmt.Errorf("wait for the init: %w", err)
			}
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if ws.Signaled() {
				return 128 + int(ws.Signal()), nil
			}
			return ws.ExitStatus(), nil
		}
	}
}

// parentDoesJobControl reports whether our parent can resume us after a
// stop: it is in our session but another process group (a job-control
// shell). Otherwise our process group is orphaned in the POSIX sense.
func parentDoesJobControl() bool {
	ppid := os.Getppid()
	psid, err1 := unix.Getsid(ppid)
	sid, err2 := unix.Getsid(0)
	ppgrp, err3 := unix.Getpgid(ppid)
	return err1 == nil && err2 == nil && err3 == nil && psid == sid && ppgrp != unix.Getpgrp()
}

// startError turns a failed clone into one line saying what to do.
func startError(spec nsops.SpawnSpec, err error) error {
	switch {
	case errors.Is(err, unix.EPERM) && !spec.Has(nsops.UserNS) && os.Geteuid() != 0:
		return errors.New("creating namespaces needs root (CAP_SYS_ADMIN): run as root, or add --user (-U) to create them as a normal user")
	case errors.Is(err, unix.EPERM):
		return fmt.Errorf("cannot create the namespaces: %w (the user namespace may be restricted, or a setgroups/id map is not allowed for this user)", err)
	case errors.Is(err, unix.ENOSPC):
		return fmt.Errorf("cannot create the namespaces: %w (a namespace limit in /proc/sys/user is reached)", err)
	case errors.Is(err, unix.EINVAL):
		return fmt.Errorf("cannot create the namespaces: %w (this kernel may lack one of the types)", err)
	}
	return fmt.Errorf("start the sandbox: %w", err)
}

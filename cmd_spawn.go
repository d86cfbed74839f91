package main

import (
	"fmt"
	"os/user"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/nsops/nsenter"
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
			if err == nil {
				err = spec.Validate()
			}
			if err != nil { // the sandbox cannot be set up: 125, as documented
				return statusError{nsops.EnterExitSetup, err}
			}
			if f.printEquivalent {
				fmt.Fprintln(c.OutOrStdout(), spec.Equivalent())
				return nil
			}
			if err := runSpawn(spec); err != nil {
				return statusError{nsops.EnterExitSetup, err}
			}
			return nil
		},
	}
	// Like unshare's own failures, a bad option is a sandbox not set up:
	// 125, so a script tells it from the command's status.
	c.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return statusError{nsops.EnterExitSetup, usageError(c, err)}
	})
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

// runSpawn hands the checked spec to nstui spawn's C driver (see
// nsops/nsenter/driver.c): the process the shell started, which forked this
// copy before the Go runtime started and waits for its request. The driver
// makes the namespaces, runs the init, forwards signals, follows job
// control and exits with the command's status; this process just exits.
func runSpawn(spec nsops.SpawnSpec) error {
	req, err := spec.DriverRequest()
	if err != nil {
		return err
	}
	return nsenter.DriverRun(req)
}

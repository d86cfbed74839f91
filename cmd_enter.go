package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nstui/nstui/nsops"
	"github.com/spf13/cobra"
)

// enterFlags holds nstui enter's command line, nsenter's options.
type enterFlags struct {
	target   string
	all      bool
	types    [nsops.NumTypes]nsOption // per type: "=" (the target's) or a namespace file, each time given
	root, wd string
	uid, gid int
	preserve bool
	env      bool
	print    bool
}

// newEnterCmd returns `nstui enter`, the command-line twin of the TUI's enter
// action: util-linux nsenter's options, a pid, namespace-file or TYPE:INODE
// target, and no dependency on the nsenter program.
func newEnterCmd() *cobra.Command {
	var f enterFlags
	cmd := &cobra.Command{
		Use:   "enter -t PID|FILE|TYPE:INODE [flags] [-- COMMAND [ARGS...]]",
		Short: "Run a command (default: your shell) in the namespaces of a process, like nsenter",
		Long: `Join existing namespaces and run COMMAND there (default: $SHELL, else /bin/sh).

The target is a process (-t PID), a namespace file (-t /run/netns/NAME,
/proc/PID/ns/TYPE, any nsfs bind mount) or a namespace as 'nstui ls' reports
it (-t net:4026532008), reached through whatever holds it: a process, an open
fd, a bind mount, a socket (pidfd_getfd + SIOCGSKNS) or a child namespace.
A thread id (ps -L) is a target too: its namespaces are the thread's.
With a pid and no type option, every namespace of the process that differs
from ours is joined (--all). A namespace we are already in is never joined,
even one a type option names. A namespace file or TYPE:INODE is one
namespace: another type needs a file of its own (--mount=FILE), and --all
needs a pid.

--print-equivalent prepares the enter as the run does and prints the nsenter
line that joins exactly the same namespaces. It fails (status 125) where the
run would, and when no nsenter line can do the same: nsenter opens
namespaces by file only, so it cannot reach one held only by a socket or a
child namespace.

Options follow util-linux nsenter. Joining a user namespace switches to uid
and gid 0 there unless --preserve-credentials or -S/-G say otherwise. After
joining a pid namespace the command runs in a child and its exit status is
passed on (128+N when signal N killed it). Exit status 125 means the enter
itself failed (one line on stderr says why).`,
		Example: `  nstui enter -t 1234                     # a shell in every namespace of pid 1234
  nstui enter -t 1234 -n -u -- ip addr    # only its net and uts namespaces
  nstui enter -t /run/netns/blue -- ip link
  nstui enter -t 1234 --all -r -w -- ls   # its root and working directory too
  nstui enter -t 1234 --print-equivalent  # the nsenter command line`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := f.run(c, args); err != nil {
				return statusError{nsops.EnterExitSetup, err}
			}
			return nil
		},
	}
	// Like env's or chroot's own failures: 125 is "enter failed", bad
	// options included; anything else is the command's status.
	// pflag shows an optional value as FILE[="="] (its no-value default);
	// nsenter's help says --net[=FILE]. Same width, so columns stay.
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		var b strings.Builder
		out := c.OutOrStdout()
		c.SetOut(&b)
		help(c, args)
		c.SetOut(out)
		fmt.Fprint(out, strings.NewReplacer(` FILE[="`+nsops.EnterTargetDir+`"]`, "[=FILE]    ",
			` DIR[="`+nsops.EnterTargetDir+`"]`, "[=DIR]    ").Replace(b.String()))
	})
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return statusError{nsops.EnterExitSetup, usageError(c, err)}
	})
	fl := cmd.Flags()
	fl.SetInterspersed(false) // everything after the command belongs to it, as in nsenter
	fl.StringVarP(&f.target, "target", "t", "", "`TARGET`: a PID, a namespace file or TYPE:INODE")
	fl.BoolVarP(&f.all, "all", "a", false, "enter every namespace of the target that differs from ours")
	for _, t := range nsops.AllTypes() {
		name := strings.TrimPrefix(t.NsenterOption(), "--")
		short := strings.TrimPrefix(t.ShortOption(), "-")
		fl.VarP(&f.types[t], name, short, fmt.Sprintf("enter the %s namespace: the target's, or the one of `FILE`", t))
		fl.Lookup(name).NoOptDefVal = nsops.EnterTargetDir
	}
	fl.StringVarP(&f.root, "root", "r", "", "set the root directory: the target's, or `DIR`")
	fl.Lookup("root").NoOptDefVal = nsops.EnterTargetDir
	fl.StringVarP(&f.wd, "wd", "w", "", "set the working directory: the target's, or `DIR`")
	fl.Lookup("wd").NoOptDefVal = nsops.EnterTargetDir
	fl.IntVarP(&f.uid, "setuid", "S", -1, "set the `UID` in the entered namespaces (-1: leave it)")
	fl.IntVarP(&f.gid, "setgid", "G", -1, "set the `GID` in the entered namespaces (-1: leave it)")
	fl.BoolVar(&f.preserve, "preserve-credentials", false, "do not touch uids or gids")
	fl.BoolVar(&f.env, "env", false, "take the target process's environment")
	fl.BoolVar(&f.print, "print-equivalent", false, "print the equivalent nsenter command line and exit")
	return cmd
}

// run is the enter command after its flags were parsed: any error it
// returns means the enter itself failed.
func (f *enterFlags) run(c *cobra.Command, args []string) error {
	spec, err := f.spec(args)
	if err != nil {
		return err
	}
	if err := spec.Validate(); err != nil {
		var idErr *nsops.IDError
		if errors.As(err, &idErr) {
			// Name the option the bad id came from.
			idErr.Name = "-S/--setuid"
			if idErr.Group {
				idErr.Name = "-G/--setgid"
			}
		}
		return err
	}
	if !spec.TargetNS.IsZero() {
		// TYPE:INODE is found through discovery's holders.
		if spec.Snapshot, err = nsops.NewScanner().Scan(); err != nil {
			return err
		}
	}
	if f.print {
		// Better no line than one that fails or does something else:
		// the enter is prepared as for the run (what the run refuses is
		// refused here, with its line), and a namespace nsenter cannot
		// open by name (held only by a socket or a child namespace) is
		// an error too.
		line, err := spec.EquivalentLine()
		if err != nil {
			return err
		}
		fmt.Fprintln(c.OutOrStdout(), line)
		return nil
	}
	// Replace ourselves with the helper: the command gets our
	// terminal, our pid and our signals, with no Go process between.
	return spec.Exec()
}

// nsOption is one namespace type's option (-n, --net=FILE): every value
// given, so that a bare -n and a --net=FILE together are noticed.
type nsOption struct{ vals []string }

// String returns the last value given, "" for none.
func (o *nsOption) String() string {
	if len(o.vals) == 0 {
		return ""
	}
	return o.vals[len(o.vals)-1]
}

// Set records a value.
func (o *nsOption) Set(v string) error { o.vals = append(o.vals, v); return nil }

// Type names the value in errors.
func (o *nsOption) Type() string { return "string" }

// optText is how a type option was given, for an error: "-n (the
// target's)" or "--net=FILE".
func optText(t nsops.NSType, v string) string {
	if v == nsops.EnterTargetDir {
		return t.ShortOption() + " (the target's)"
	}
	return t.NsenterOption() + "=" + strings.TrimPrefix(v, "=")
}

// spec turns the flags into an nsops.EnterSpec.
func (f *enterFlags) spec(args []string) (nsops.EnterSpec, error) {
	s := nsops.EnterSpec{UID: f.uid, GID: f.gid, All: f.all, Root: f.root, Wd: f.wd,
		PreserveCredentials: f.preserve, Env: f.env, Args: args}
	for _, t := range nsops.AllTypes() {
		opt := f.types[t]
		for _, v := range opt.vals {
			if v != opt.String() {
				// nsenter quietly takes the target's; nstui names the clash.
				return s, fmt.Errorf("%s given twice, as %s and as %s: give one", t.NsenterOption(), optText(t, v), optText(t, opt.String()))
			}
		}
		switch v := strings.TrimPrefix(opt.String(), "="); {
		case opt.String() == "":
		case opt.String() == nsops.EnterTargetDir:
			s.Types = append(s.Types, t)
		default:
			if s.Paths == nil {
				s.Paths = map[nsops.NSType]string{}
			}
			s.Paths[t] = v
		}
	}
	target := f.target
	switch {
	case target == "":
		if len(s.Paths) == 0 {
			return s, errors.New("no target: give -t PID, -t /run/netns/NAME or -t TYPE:INODE (see 'nstui enter --help')")
		}
	case strings.HasPrefix(target, "/") || strings.HasPrefix(target, "."):
		s.TargetPath = target
	case strings.Contains(target, ":"):
		ref, err := nsops.ParseNSRef(target)
		if err != nil {
			return s, err
		}
		s.TargetNS = ref
	default:
		pid, err := strconv.Atoi(target)
		if err != nil {
			return s, fmt.Errorf("invalid target %q: want a pid, a namespace file or TYPE:INODE", target)
		}
		if pid <= 0 {
			return s, fmt.Errorf("invalid target pid %d: want the pid of a running process", pid)
		}
		s.Target = pid
		if !s.All && len(s.Types) == 0 && len(s.Paths) == 0 {
			s.All = true // nstui's default; nsenter would say "no namespace specified"
		}
	}
	return s, nil
}

package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// statusError is an error reported like any other (one line on stderr) that
// ends nstui with its own exit status, e.g. 125 when enter itself failed.
type statusError struct {
	code int
	err  error
}

func (e statusError) Error() string { return e.err.Error() }
func (e statusError) Unwrap() error { return e.err }

// run builds the command tree, runs it and returns the process exit status.
func run(args []string) int {
	var root *cobra.Command
	if len(args) > 0 && args[0] == "spawn" {
		// nstui spawn is measured against unshare, and each command built
		// costs page faults before it runs: build only what it needs.
		root = newRootCmdWith(newSpawnCmd())
		root.CompletionOptions.DisableDefaultCmd = true
	} else {
		root = newRootCmd()
	}
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "nstui: %v\n", err)
	var se statusError
	if errors.As(err, &se) {
		return se.code
	}
	return 1
}

// newRootCmd returns the whole command tree. Completions and the man page
// are generated from this same tree (see cmd_docs.go).
func newRootCmd() *cobra.Command {
	root := newRootCmdWith(newLsCmd(), newSpawnCmd(), newEnterCmd(), newVersionCmd())
	if docs := newGenDocsCmd(); docs != nil {
		root.AddCommand(docs)
	}
	return root
}

// newRootCmdWith returns the root command with the given subcommands.
func newRootCmdWith(cmds ...*cobra.Command) *cobra.Command {
	root := &cobra.Command{
		Use:   "nstui",
		Short: "See, spawn and enter Linux namespaces in one terminal UI",
		Long: `nstui shows every namespace on the machine (cgroup, ipc, mnt, net, pid,
time, user, uts), what keeps each alive, its hierarchy and its processes.
It spawns shells in fresh namespaces (like unshare) and enters the
namespaces of any process (like nsenter), each shell in its own embedded
terminal pane. Run without a subcommand to open the interactive UI.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          runTUI,
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	addPaneFlags(root)
	root.AddCommand(cmds...)
	root.SetFlagErrorFunc(usageError)
	return root
}

// usageError is a bad option or argument, with where to read about them.
func usageError(c *cobra.Command, err error) error {
	return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
}

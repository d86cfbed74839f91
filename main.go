// Command nstui is a terminal UI for Linux namespaces: it shows every
// namespace on the machine, spawns shells in new ones and enters existing
// ones, each shell in its own embedded terminal pane. The same work is
// exposed as the subcommands ls, spawn and enter.
package main

import (
	"os"

	"github.com/nstui/nstui/nsops"

	// The enter helper: a C constructor that joins namespaces before the Go
	// runtime starts, when nsops.EnterSpec re-executes nstui (see its doc).
	_ "github.com/nstui/nstui/nsops/nsenter"
)

func main() {
	// Hidden re-exec entry points (the reaping init, the enter helper) are
	// dispatched here, before the command line is parsed.
	if nsops.IsInit() {
		os.Exit(nsops.RunInit())
	}
	os.Exit(run(os.Args[1:]))
}

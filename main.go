// Command nstui is a terminal UI for Linux namespaces: it shows every
// namespace on the machine, spawns shells in new ones and enters existing
// ones, each shell in its own embedded terminal pane. The same work is
// exposed as the subcommands ls, spawn and enter.
package main

import (
	"os"

	// C constructors that run before the Go runtime starts (see the
	// package doc): the enter helper and the reaping init, which never
	// reach main, and nstui spawn's driver, which waits for this process's
	// verdict in a forked copy.
	"github.com/nstui/nstui/nsops/nsenter"
)

func main() {
	code := run(os.Args[1:])
	// In nstui spawn's command line parser, when no sandbox was handed to
	// the driver: it exits with our status.
	nsenter.DriverExit(code)
	os.Exit(code)
}

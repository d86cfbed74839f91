// Command nstui is a terminal UI for Linux namespaces: it shows every
// namespace on the machine, spawns shells in new ones and enters existing
// ones, each shell in its own embedded terminal pane. The same work is
// exposed as the subcommands ls, spawn and enter.
package main

import (
	"os"

	// The hidden re-exec entry points, C constructors that run before the
	// Go runtime starts: the enter helper, which joins namespaces when
	// nsops.EnterSpec re-executes nstui, and the reaping init of
	// nsops.SpawnSpec (see their docs). Neither ever reaches main.
	_ "github.com/nstui/nstui/nsops/nsenter"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

//go:build cgo

// Package nsenter is imported only for its side effect: two C constructors
// that run in a re-executed copy of nstui before the Go runtime starts, and
// never return there.
//
//   - nsenter.c, the enter helper of nsops.EnterSpec: it joins the target
//     namespaces while the process is still single-threaded and execs the
//     command. setns(2) refuses user, mount and time namespaces to a
//     multithreaded caller, and a Go program has several threads before
//     main.
//   - init.c, the reaping init of nsops.SpawnSpec: PID 1 of the new pid
//     namespace (or a child subreaper), which sets the sandbox up, runs the
//     command, forwards signals and reaps, as a single-threaded C process
//     instead of a second Go runtime start on every spawn.
//
// In every other nstui process both return at once (each looks for one
// environment variable). Hence cgo (CGO_ENABLED=1). See the C files for the
// protocols and nsops/enter.go, nsops/spawn.go for the Go sides.
package nsenter

// #cgo CFLAGS: -Wall -Wextra -O2
import "C"

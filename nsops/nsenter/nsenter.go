//go:build cgo

// Package nsenter holds the C constructors that run in nstui before the Go
// runtime starts, and the Go side of the spawn driver. Each constructor
// returns at once unless its own marks are there.
//
//   - nsenter.c, the enter helper of nsops.EnterSpec: it joins the target
//     namespaces while the process is still single-threaded and execs the
//     command. setns(2) refuses user, mount and time namespaces to a
//     multithreaded caller, and a Go program has several threads before
//     main.
//   - init.c, the reaping init of nsops.SpawnSpec: PID 1 of the new pid
//     namespace (or a child subreaper), which sets the sandbox up, runs the
//     command, forwards signals and reaps, as a single-threaded C process.
//     nsops.SpawnSpec.Command re-executes nstui into it (the TUI's panes).
//   - driver.c, `nstui spawn`'s parent: the process the shell waits on
//     stays in C, a forked copy runs the Go command line parser, which
//     hands the checked spec back (DriverRun), and the init is a clone of
//     the driver, without an exec.
//
// Hence cgo (CGO_ENABLED=1). See the C files for the protocols.
package nsenter

// #cgo CFLAGS: -Wall -Wextra -O2
// int nstui_driver_take_fd(void);
import "C"

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// takeDriverFD returns the request socket of nstui spawn's C driver, once:
// -1 when this process is not the driver's command line parser, or on any
// later call.
func takeDriverFD() int { return int(C.nstui_driver_take_fd()) }

// DriverRun hands a sandbox request (nsops.SpawnSpec.DriverRequest) to nstui
// spawn's C driver, which starts the sandbox and exits with the command's
// status: the caller then has nothing left to do but exit.
func DriverRun(req []byte) error {
	fd := takeDriverFD()
	if fd < 0 {
		return fmt.Errorf("spawn: no spawn driver in this process (nstui spawn starts one before the Go runtime)")
	}
	f := os.NewFile(uintptr(fd), "nstui-spawn-driver")
	defer f.Close()
	if _, err := f.Write(req); err != nil {
		return fmt.Errorf("spawn: hand the sandbox to the driver: %w", err)
	}
	return nil
}

// DriverExit tells nstui spawn's C driver the exit status when the command
// line parser did not start a sandbox (help, --print-equivalent, bad input:
// already reported). It does nothing in any other process, or after
// DriverRun.
func DriverExit(code int) {
	fd := takeDriverFD()
	if fd < 0 {
		return
	}
	_, _ = unix.Write(fd, []byte("exit\x00"+strconv.Itoa(code)+"\x00"))
	_ = unix.Close(fd)
}

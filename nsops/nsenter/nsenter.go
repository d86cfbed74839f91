//go:build cgo

// Package nsenter is imported only for its side effect: a C constructor that,
// in a copy of nstui re-executed by nsops.EnterSpec, joins the target
// namespaces while the process is still single-threaded, before the Go
// runtime starts, and then execs the command. In every other nstui process the
// constructor returns at once (it only looks for one environment variable).
//
// setns(2) refuses user, mount and time namespaces to a multithreaded caller,
// and a Go program has several threads before main; hence cgo (CGO_ENABLED=1).
// See nsenter.c for the protocol and nsops/enter.go for the Go side.
package nsenter

// #cgo CFLAGS: -Wall -Wextra -O2
import "C"

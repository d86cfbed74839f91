package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/nstui/nstui/internal/testutil"
)

// nstuiBinary is the path of the real nstui binary built once for this
// package's end-to-end tests (ls, spawn, enter, tui). Set by TestMain only.
var nstuiBinary string

// TestMain builds the real binary once; every end-to-end test in package main
// runs it through nstuiBinary. (One TestMain per package: add to this one.)
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nstui-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	nstuiBinary, err = testutil.BuildNstui(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

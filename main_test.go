package main

import (
	"fmt"
	"os"
	"path/filepath"
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

// asNobody returns argv run as uid/gid 65534 with no groups (setpriv).
func asNobody(argv ...string) []string {
	return append([]string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}, argv...)
}

// nobodyBinary copies nstui where uid 65534 can run it (the test build dir
// and t.TempDir's parent are private to root) and returns its path.
func nobodyBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nstui-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(nstuiBinary)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "nstui")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

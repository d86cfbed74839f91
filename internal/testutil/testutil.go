// Package testutil holds the few helpers every nstui test package shares:
// the root requirement that CI turns from a skip into a failure, and a build
// of the real nstui binary for end-to-end tests.
package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// RequireRootEnv is the environment variable that makes privileged tests fail
// instead of skip when not run as root. .ci/run sets it.
const RequireRootEnv = "NSTUI_REQUIRE_ROOT"

// RequireRoot skips t when the test does not run as root, or fails it when
// NSTUI_REQUIRE_ROOT=1 says a skip would hide a missing test.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv(RequireRootEnv) == "1" {
		t.Fatalf("needs root, and %s=1 forbids skipping", RequireRootEnv)
	}
	t.Skip("needs root (run the suite with sudo; CI sets " + RequireRootEnv + "=1)")
}

// RepoRoot returns the module root, found from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// BuildNstui builds the nstui binary into dir and returns its path. Call it
// once from TestMain; the Go build cache makes repeated builds cheap.
func BuildNstui(dir string) (string, error) {
	out := filepath.Join(dir, "nstui")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build nstui: %w\n%s", err, b)
	}
	return out, nil
}

// Start starts cmd and, when the test ends, kills it (SIGKILL, by the pid we
// started) and waits for it. Commands that fork (unshare --fork) should be
// given --kill-child so their children die with them.
func Start(t testing.TB, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", cmd.Args, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// Descendants returns every live descendant of root, breadth first, by the
// ppid in /proc/<pid>/stat. (A multithreaded parent such as a Go program
// forks from any thread, so /proc/<pid>/task/<pid>/children would miss some.)
func Descendants(root int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	todo := []int{root}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		out = append(out, children[p]...)
		todo = append(todo, children[p]...)
	}
	return out
}

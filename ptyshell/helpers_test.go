package ptyshell

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitDeadline is generous: other helpers load the machine, and x/vt is slow
// on bulk output. Waits poll the screen; no assertion depends on timing.
const waitDeadline = 30 * time.Second

// needProgram fails (not skips: CI forbids skips) when a program the test
// drives is missing.
func needProgram(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed by this test: install it (scripts/deps.sh)", name)
	}
	return p
}

// bashCmd returns an interactive bash with a fixed prompt and no rc files.
func bashCmd(t testing.TB) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(needProgram(t, "bash"), "--norc", "--noprofile", "-i")
	cmd.Env = append(os.Environ(), "PS1=$ ", "HISTFILE=/dev/null", "PROMPT_COMMAND=", "LC_ALL=C.UTF-8")
	return cmd
}

// startBash starts bash in a session and waits for its prompt.
func startBash(t testing.TB, o Options) *Session {
	t.Helper()
	s, err := Start(bashCmd(t), o)
	if err != nil {
		t.Fatalf("start bash: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	waitFor(t, s, "bash prompt", func() bool { return hasLine(s, "$") })
	return s
}

// waitFor polls cond on every change notice (and every 50ms) until it holds
// or the deadline passes.
func waitFor(t testing.TB, s *Session, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitDeadline)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return
		}
		select {
		case <-s.Changed():
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; screen:\n%s", what, s.Text())
		}
	}
}

// waitText waits until the screen contains sub.
func waitText(t testing.TB, s *Session, sub string) {
	t.Helper()
	waitFor(t, s, "screen to show "+stringsQuote(sub), func() bool { return strings.Contains(s.Text(), sub) })
}

func stringsQuote(s string) string { return "\"" + s + "\"" }

// typeLine sends text followed by Enter.
func typeLine(t testing.TB, s *Session, line string) {
	t.Helper()
	if err := s.WriteInput([]byte(line + "\r")); err != nil {
		t.Fatalf("type %q: %v", line, err)
	}
}

// lines splits the screen into rows.
func lines(s *Session) []string { return strings.Split(s.Text(), "\n") }

// hasLine reports whether some row of the screen is exactly l.
func hasLine(s *Session, l string) bool {
	for _, x := range lines(s) {
		if x == l {
			return true
		}
	}
	return false
}

// waitForeground waits until the terminal's foreground process group
// (tpgid) is no longer the shell's and its leader has exec'ed comm. Keys
// sent earlier may reach a process that is not the one meant (a forked
// shell child still catching SIGINT, or stty) or be echoed by the tty.
func waitForeground(t *testing.T, s *Session, comm string) {
	t.Helper()
	waitFor(t, s, comm+" in the foreground", func() bool {
		fg := procStatField(t, s.Pid(), 8)
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(fg) + "/comm")
		return fg != s.Pid() && string(b) == comm+"\n"
	})
}
